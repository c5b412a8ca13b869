"""The exception and the warning of the public API."""

from __future__ import annotations


class AutoSlotsError(TypeError):
    """autoslots refuses to build a class (bad input, layout conflict, or ``strict=True``)."""


class AutoSlotsWarning(UserWarning):
    """A class keeps its ``__dict__`` because its attribute set cannot be proven."""
