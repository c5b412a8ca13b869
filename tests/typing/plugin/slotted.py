# ruff: noqa: E501, B010
# Classes that autoslots builds without a __dict__: with the plugin, mypy reports the
# instance writes that fail at run time (each such line ends with an "E:" comment that
# holds mypy's message).
# tests/test_typing.py checks mypy's output against the marks, and runs this file
# statement by statement to check that exactly the marked writes raise AttributeError.
from __future__ import annotations

import abc
import dataclasses
from typing import ClassVar, Generic, List, TypeVar

from autoslots import AutoSlots, AutoSlotsMeta, autoslots

T = TypeVar("T")


@autoslots
class Point:
    colour = "red"

    def __init__(self, x: int) -> None:
        self.x = x
        self._setup()

    def _setup(self) -> None:
        self.size = 2  # set by a helper method: a slot too


p = Point(1)
p.x = 2
p.size = 3
shade = Point.colour  # reading the class attribute through the class is fine
p.colour = "blue"  # E: Trying to assign name "colour" that is not in "__slots__" of type "slotted.Point"  [misc]


@autoslots(weakref=False, extra=("label",))
class Tagged:
    kind = "tagged"

    def __init__(self) -> None:
        self.count = 0

    def bump(self) -> None:
        self.count += 1


t = Tagged()
t.label = "set through extra="  # type: ignore[attr-defined]
t.kind = "other"  # E: Trying to assign name "kind" that is not in "__slots__" of type "slotted.Tagged"  [misc]


class Node(AutoSlots):
    kind = "node"
    depth: int

    def __init__(self, value: int) -> None:
        self.value = value
        self.children: List[Node] = []

        def grow() -> None:
            self.grown = True  # a nested function that closes over the instance

        grow()

    def __repr__(self) -> str:
        return repr(self.value)  # the instance passed to a builtin: nothing to follow


n = Node(1)
n.value = 2
n.depth = 3
n.grown = False
n.kind = "leaf"  # E: Trying to assign name "kind" that is not in "__slots__" of type "slotted.Node"  [misc]


class Leaf(Node, weakref=False):
    shape = "round"

    def __init__(self, value: int) -> None:
        super().__init__(value)
        Node.__init__(self, value)  # a base's own code: its names are the base's slots
        object.__setattr__(self, "colour", "green")
        setattr(self, "weight", 1)
        self.__secret = 1


leaf = Leaf(1)
leaf.value = 5
leaf.colour = "red"  # type: ignore[attr-defined]
leaf.weight = 2  # type: ignore[attr-defined]
leaf.shape = "square"  # E: Trying to assign name "shape" that is not in "__slots__" of type "slotted.Leaf"  [misc]
leaf.kind = "x"  # E: Trying to assign name "kind" that is not in "__slots__" of type "slotted.Leaf"  [misc]


class Box(AutoSlots, Generic[T]):
    default: ClassVar[int] = 0
    name = "box"

    def __init__(self, item: T) -> None:
        self.item = item


b = Box(1)
b.item = 2
b.name = "other"  # E: Trying to assign name "name" that is not in "__slots__" of type "slotted.Box"  [misc]


class Shape(AutoSlots, abc.ABC):
    sides = 0

    @abc.abstractmethod
    def area(self) -> float: ...


class Square(Shape):
    def __init__(self, side: float) -> None:
        self.side = side

    @property
    def double(self) -> float:
        return self.side * 2

    @double.setter
    def double(self, value: float) -> None:
        self.side = value / 2

    def area(self) -> float:
        return self.side**2


sq = Square(1.0)
sq.side = 2.0
sq.double = 3.0
sq.sides = 4  # E: Trying to assign name "sides" that is not in "__slots__" of type "slotted.Square"  [misc]


class Direct(metaclass=AutoSlotsMeta):
    mode = "direct"

    def __init__(self) -> None:
        self.ready = True


d = Direct()
d.ready = False
d.mode = "other"  # E: Trying to assign name "mode" that is not in "__slots__" of type "slotted.Direct"  [misc]


@autoslots
@dataclasses.dataclass
class Record:
    name: str
    tags: List[str]
    version = 1


r = Record("r", [])
r.name = "s"
r.tags = ["t"]
r.version = 2  # E: Trying to assign name "version" that is not in "__slots__" of type "slotted.Record"  [misc]


class Partial(AutoSlots):
    __slots__ = ("explicit",)  # merged with the inferred names, no false errors
    level = 0

    def __init__(self) -> None:
        self.explicit = 1
        self.inferred = 2


pa = Partial()
pa.explicit = 3
pa.inferred = 4
pa.level = 5  # E: Trying to assign name "level" that is not in "__slots__" of type "slotted.Partial"  [misc]


class Named(AutoSlots, mixin=True):
    """A mixin: no slots of its own; the autoslotted classes derived from it slot them."""

    greeting = "hello"

    def set_name(self, name: str) -> None:
        self.name = name


class Counted(AutoSlots):
    def __init__(self) -> None:
        self.count = 0


class NamedCounter(Named, Counted):  # no "disjoint bases" error: the mixin has no slots
    def __init__(self) -> None:
        super().__init__()
        self.set_name("c")


nc = NamedCounter()
nc.name = "d"
nc.count = 1
nc.greeting = "hi"  # E: Trying to assign name "greeting" that is not in "__slots__" of type "slotted.NamedCounter"  [misc]


# Two bases with slots of their own cannot be combined (autoslots raises AutoSlotsError,
# suggesting mixin=True); with the slot sets known, mypy's disjoint-base check says so.
class Left(AutoSlots):
    def __init__(self) -> None:
        self.left = 1


class Right(AutoSlots):
    def __init__(self) -> None:
        self.right = 1


class Both(Left, Right):  # E: Class "Both" has incompatible disjoint bases  [misc]
    pass
