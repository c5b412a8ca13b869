# Classes that keep a __dict__, or that the plugin cannot prove slotted: the plugin sets
# no slots, so mypy reports nothing here.  tests/test_typing.py checks that mypy is
# silent, and runs the file: the writes work, except those ending in a "not reported"
# comment -- autoslots follows or ignores what the plugin cannot read statically (a
# helper that receives the instance, a decorator, __getattr__), slots the class, and
# the write fails at run time without a report (the plugin errs on the quiet side).
from __future__ import annotations

import dataclasses
import warnings
from typing import Any, Callable, Dict

from autoslots import AutoSlots, AutoSlotsWarning, autoslots

warnings.simplefilter("ignore", AutoSlotsWarning)


def helper(obj: Any) -> None:
    obj.extra = 1


def log_calls(func: Callable[..., Any]) -> Callable[..., Any]:
    return func


@autoslots(dict=True)
class WithDict:
    colour = "red"


WithDict().colour = "blue"


class Dynamic(AutoSlots):
    colour = "red"

    def load(self, values: Dict[str, int]) -> None:
        for key, value in values.items():
            setattr(self, key, value)


Dynamic().colour = "blue"


class UsesDict(AutoSlots):
    colour = "red"

    def __init__(self) -> None:
        self.__dict__.update(size=1)


UsesDict().colour = "blue"


class UsesVars(AutoSlots):
    colour = "red"

    def dump(self) -> Any:
        return vars(self)


UsesVars().colour = "blue"


class Escapes(AutoSlots):
    colour = "red"

    def __init__(self) -> None:
        helper(self)


Escapes().colour = "blue"  # not reported


class Hooks(AutoSlots):
    colour = "red"

    def __getattr__(self, name: str) -> Any:
        return None


Hooks().colour = "blue"  # not reported


class Plain:
    pass


@autoslots
class OnPlainBase(Plain):
    colour = "red"


OnPlainBase().colour = "blue"


class Decorated(AutoSlots):
    colour = "red"

    @log_calls
    def run(self) -> None:
        pass


Decorated().colour = "blue"  # not reported


class Assigned(AutoSlots):
    colour = "red"
    extra_method = helper


Assigned().colour = "blue"  # not reported


class Sub(WithDict):
    size = 1


Sub().size = 2


class Base(AutoSlots, dict=True):
    colour = "red"


class Inherits(Base):
    size = 1


Inherits().size = 2
Inherits().colour = "blue"


class NotAutoslotted:
    colour = "red"


NotAutoslotted().colour = "blue"


# Slotted at run time, but not checked: a class-level value that instances also assign
# is kept by autoslots as the slot's default; mypy's slot model has no such thing (a
# name in __slots__ cannot be read through the class), so the plugin sets no slots and
# a wrong write here (Defaults().colour = "blue") goes unreported.
class Defaults(AutoSlots):
    size = 1
    colour = "red"

    def grow(self) -> None:
        self.size += 1


Defaults().size = 2
shown = Defaults.size


@autoslots
@dataclasses.dataclass
class WithDefault:
    retries: int = 3
    version = 1


WithDefault().retries = 4
