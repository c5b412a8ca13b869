"""The options of ``@autoslots(...)`` and of ``class C(AutoSlots, ...)``, checked once."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Iterable, List, Mapping, Tuple, cast

from ._errors import AutoSlotsError


@dataclass(frozen=True)
class Options:
    """What the user asked for; see the README's option table."""

    weakref: bool = True
    dict: bool = False
    extra: Tuple[str, ...] = ()
    strict: bool = False
    mixin: bool = False

    def updated(self, owner: str, changes: Mapping[str, Any]) -> Options:
        """A copy with ``changes`` applied, each checked; ``owner`` names the class."""
        values = dict(self.__dict__)  # (a frozen dataclass: its fields, and only them)
        for key, value in changes.items():
            values[key] = _check_option(owner, key, value)
        # (made as ``replace()`` would, without its calls of ``object.__setattr__``:
        # every decorated class with options makes one)
        new = object.__new__(Options)
        new.__dict__.update(values)
        return new


OPTION_NAMES = frozenset(f.name for f in fields(Options))


def _check_option(owner: str, key: str, value: Any) -> Any:
    if key not in OPTION_NAMES:
        known = ", ".join(sorted(OPTION_NAMES))
        raise AutoSlotsError(f"{owner}: unknown autoslots option {key!r} (known: {known})")
    if key == "extra":
        return _check_extra(owner, value)
    if not isinstance(value, bool):
        raise AutoSlotsError(
            f"{owner}: autoslots option {key}= takes True or False, not {value!r}"
        )
    return value


def _check_extra(owner: str, value: object) -> Tuple[str, ...]:
    names: Iterable[object]
    if isinstance(value, str):
        names = (value,)
    elif isinstance(value, (tuple, list, set, frozenset)):
        names = cast("Iterable[object]", value)
    else:
        raise AutoSlotsError(
            f"{owner}: autoslots option extra= takes a tuple of attribute names, not {value!r}"
        )
    result: List[str] = []
    for name in names:
        if not isinstance(name, str) or not name.isidentifier():
            raise AutoSlotsError(
                f"{owner}: extra= names must be identifiers; got {name!r}"
            )
        if name not in result:
            result.append(name)
    return tuple(result)
