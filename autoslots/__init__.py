"""autoslots: infer ``__slots__`` from a class's own code and build the class with them.

Public API::

    from autoslots import autoslots, AutoSlots, AutoSlotsMeta, explain
    from autoslots import AutoSlotsError, AutoSlotsWarning
"""

from __future__ import annotations

from ._build import autoslots
from ._errors import AutoSlotsError, AutoSlotsWarning
from ._explain import Explanation, explain
from ._meta import AutoSlots, AutoSlotsMeta

__all__ = [
    "AutoSlots",
    "AutoSlotsError",
    "AutoSlotsMeta",
    "AutoSlotsWarning",
    "Explanation",
    "autoslots",
    "explain",
]

__version__ = "0.1.0"
