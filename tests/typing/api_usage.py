"""User code that uses the typed API of autoslots: no errors in mypy --strict or pyright strict.

Checked by tests/test_typing.py (not collected by pytest: it is never imported).
"""

from __future__ import annotations

import abc
import math
from typing import Any, ClassVar, Dict, Generic, List, Optional, Tuple, TypeVar

from typing_extensions import assert_type

from autoslots import (
    AutoSlots,
    AutoSlotsError,
    AutoSlotsMeta,
    AutoSlotsWarning,
    Explanation,
    autoslots,
    explain,
)

T = TypeVar("T")


# -- the decorator keeps the class's own type -----------------------------------------


@autoslots
class Point:
    dims: ClassVar[int] = 2

    def __init__(self, x: float, y: float) -> None:
        self.x = x
        self.y = y

    def norm(self) -> float:
        return math.hypot(self.x, self.y)


@autoslots(weakref=False, extra=("cache",), strict=True)
class Pixel:
    def __init__(self, colour: str) -> None:
        self.colour = colour


@autoslots(dict=True, mixin=False, extra=["a", "b"])
class Loose:
    pass


@autoslots()
class Empty:
    pass


assert_type(Point, "type[Point]")
assert_type(Point(1.0, 2.0), Point)
assert_type(Point(1.0, 2.0).x, float)
assert_type(Point(1.0, 2.0).norm(), float)
assert_type(Point.dims, int)
assert_type(Pixel("red"), Pixel)
assert_type(Pixel("red").colour, str)
assert_type(Loose(), Loose)
assert_type(Empty(), Empty)


# -- the base class: options as typed class keywords -----------------------------------


class Node(AutoSlots, weakref=False, extra=("x",)):
    def __init__(self, value: int, parent: Optional[Node] = None) -> None:
        self.value = value
        self.parent = parent
        self.children: List[Node] = []

    def add(self, child: Node) -> Node:
        self.children.append(child)
        return child


class Leaf(Node, strict=True, mixin=False, dict=False):
    def label(self) -> str:
        return str(self.value)


class Names(AutoSlots, extra="single"):
    pass


class Tagged(AutoSlots):
    """A base with its own ``__init_subclass__`` keyword, combined with the options."""

    tag: ClassVar[str] = ""

    def __init_subclass__(cls, *, tag: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.tag = tag


class Red(Tagged, tag="red", weakref=False):
    pass


assert_type(Node(1), Node)
assert_type(Node(1).children, List[Node])
assert_type(Node(1).add(Leaf(2)), Node)
assert_type(Leaf(1).label(), str)
assert_type(Leaf(1).parent, Optional[Node])
assert_type(Red.tag, str)


# -- Generic and ABC without a hand-written metaclass ----------------------------------


class Box(AutoSlots, Generic[T]):
    def __init__(self, item: T) -> None:
        self.item = item

    def get(self) -> T:
        return self.item


class Shape(AutoSlots, abc.ABC):
    @abc.abstractmethod
    def area(self) -> float: ...


class Square(Shape):
    def __init__(self, side: float) -> None:
        self.side = side

    def area(self) -> float:
        return self.side**2


@autoslots
class Pair(Generic[T]):
    def __init__(self, first: T, second: T) -> None:
        self.first = first
        self.second = second

    def both(self) -> Tuple[T, T]:
        return (self.first, self.second)


assert_type(Box(1).item, int)
assert_type(Box("s").get(), str)
assert_type(Square(2.0).area(), float)
assert_type(Pair(1, 2).both(), Tuple[int, int])
assert_type(Pair("a", "b").first, str)
shape: Shape = Square(1.0)


# -- the metaclass, combined with another metaclass -------------------------------------


class Registry(type):
    pass


class RegistryMeta(AutoSlotsMeta, Registry):
    pass


class Plugin(metaclass=AutoSlotsMeta):
    def __init__(self) -> None:
        self.name = "plugin"


assert_type(Plugin().name, str)
assert isinstance(Node, AutoSlotsMeta)


# -- explain and the exceptions --------------------------------------------------------

report = explain(Point)
assert_type(report, Explanation)
assert_type(report.slot_names, List[str])
assert_type(report.keeps_dict, bool)
assert_type(str(report), str)
assert_type(report.to_dict(), Dict[str, Any])

try:
    autoslots(Point)
except AutoSlotsError as exc:
    assert_type(exc, AutoSlotsError)
    error: TypeError = exc

warning_class: type[UserWarning] = AutoSlotsWarning
