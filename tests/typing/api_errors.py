"""Wrong uses of the typed API: each line marked ``# type: ignore[...]`` must be an error.

mypy (``warn_unused_ignores``, part of ``--strict``) and pyright
(``reportUnnecessaryTypeIgnoreComment``) both fail if a marked line is *not* an error,
so this file checks that the mistakes are caught.
"""

from __future__ import annotations

from autoslots import AutoSlots, autoslots, explain


class Misspelt(AutoSlots, weakrf=False):  # type: ignore[call-arg]
    pass


class WrongType(AutoSlots, weakref="no"):  # type: ignore[arg-type]
    pass


class WrongExtra(AutoSlots, extra=(1, 2)):  # type: ignore[arg-type]
    pass


class UnknownKeyword(AutoSlots, frozen=True):  # type: ignore[call-arg]
    pass


@autoslots(weakref=1)  # type: ignore[call-overload]
class WrongDecoratorOption:
    pass


@autoslots(slots=True)  # type: ignore[call-overload]
class UnknownDecoratorOption:
    pass


@autoslots
class Point:
    def __init__(self) -> None:
        self.x = 1


Point().y = 2  # type: ignore[attr-defined]
explain(Point())  # type: ignore[arg-type]
