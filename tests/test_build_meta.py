"""The metaclass form: options as class keywords, hooks exactly once, ABC/Generic, and
class-level assignments after creation (``C.x = 5``, ``@dataclass`` afterwards)."""

from __future__ import annotations

import abc
import dataclasses
import gc
import pickle
import sys
import weakref
from typing import Any, Generic, List, TypeVar

import pytest
from conftest import has_dict

from autoslots import AutoSlots, AutoSlotsError, AutoSlotsMeta, autoslots
from autoslots._layout import get_record

T = TypeVar("T")


def test_options_are_consumed_and_inherited() -> None:
    received: List[Any] = []

    class Base(AutoSlots, weakref=False):
        def __init_subclass__(cls, **kwargs: Any) -> None:
            received.append(kwargs)
            super().__init_subclass__()

    class Child(Base, extra=("late",)):
        def __init__(self) -> None:
            self.x = 1

    assert received == [{}]
    c = Child()
    c.late = 2
    with pytest.raises(TypeError):
        weakref.ref(c)
    record = get_record(Child)
    assert record is not None and record.options.weakref is False
    with pytest.raises(TypeError):  # not an option: it goes to __init_subclass__

        class Bad(AutoSlots, weakrefs=True):
            pass

    with pytest.raises(AutoSlotsError, match="True or False"):

        class Worse(AutoSlots, weakref="yes"):
            pass


def test_mixin_option_is_not_inherited() -> None:
    class Mixin(AutoSlots, mixin=True):
        def set_m(self) -> None:
            self.m = 1

    class Concrete(Mixin):
        def __init__(self) -> None:
            self.set_m()
            self.own = 2

    assert Mixin.__slots__ == ()
    c = Concrete()
    assert (c.m, c.own) == (1, 2) and not has_dict(c)


def test_hooks_run_once_with_final_class() -> None:
    seen: List[Any] = []

    class Base(AutoSlots):
        def __init_subclass__(cls, *, tag: str = "", **kwargs: Any) -> None:
            super().__init_subclass__(**kwargs)
            seen.append(("init_subclass", cls, tag))

    class Named:
        def __set_name__(self, owner: type, name: str) -> None:
            seen.append(("set_name", owner, name))

    class Child(Base, tag="t", dict=False):
        d = Named()

        def __init__(self) -> None:
            self.x = 1

    assert seen == [("set_name", Child, "d"), ("init_subclass", Child, "t")]
    gc.collect()
    assert Base.__subclasses__() == [Child]


def test_user_metaclass_combined() -> None:
    made: List[str] = []

    class Meta(AutoSlotsMeta):
        def __new__(mcls, name: str, bases: Any, ns: Any, **kw: Any) -> Any:
            made.append(name)
            return super().__new__(mcls, name, bases, ns, **kw)

    class Model(metaclass=Meta):
        def __init__(self) -> None:
            self.x = 1

    class WithAbc(AutoSlotsMeta, abc.ABCMeta):
        pass

    class Other(metaclass=WithAbc):
        def __init__(self) -> None:
            self.y = 1

    assert made == ["Model"] and type(Model) is Meta
    assert not has_dict(Model()) and not has_dict(Other())


def test_abc() -> None:
    class Shape(AutoSlots, abc.ABC):
        @abc.abstractmethod
        def area(self) -> float: ...

    class Square(Shape):
        def __init__(self, side: float) -> None:
            self.side = side

        def area(self) -> float:
            return self.side**2

    with pytest.raises(TypeError):
        Shape()  # type: ignore[abstract]
    assert Shape.__abstractmethods__ == frozenset({"area"})
    assert Square(2).area() == 4 and not has_dict(Square(2))

    class Virtual:
        pass

    Shape.register(Virtual)
    assert isinstance(Virtual(), Shape) and issubclass(Virtual, Shape)

    class Plain(AutoSlots):
        pass

    assert "_abc_impl" not in Plain.__dict__ and isinstance(Plain(), Plain)
    assert not isinstance(1, Plain) and issubclass(Plain, AutoSlots)
    Plain.register(Virtual)
    assert isinstance(Virtual(), Plain)


def test_generic() -> None:
    class Box(AutoSlots, Generic[T]):
        def __init__(self, item: T) -> None:
            self.item = item

    class IntBox(Box[int]):
        def __init__(self, item: int) -> None:
            super().__init__(item)
            self.n = 1

    assert Box.__parameters__ == (T,) and Box[int](1).item == 1
    b = IntBox(2)
    assert (b.item, b.n) == (2, 1) and weakref.ref(b)() is b and not has_dict(b)


def test_class_assignment_updates_defaults() -> None:
    class Counter(AutoSlots):
        count = 0
        label: str

        def bump(self) -> None:
            self.count += 1
            self.label = "x"

    a, b = Counter(), Counter()
    a.bump()
    Counter.count = 10
    assert (a.count, b.count, Counter.count) == (1, 10, 10)
    del Counter.count
    with pytest.raises(AttributeError):
        _ = b.count
    assert a.count == 1
    Counter.label = "default"  # a plain slot gains a class-level value
    assert (a.label, b.label, Counter.label) == ("x", "default", "default")
    with pytest.raises(AttributeError):
        del Counter.count


def test_dataclass_applied_after() -> None:
    @dataclasses.dataclass
    class Config(AutoSlots):
        name: str
        retries: int = 3
        tags: List[str] = dataclasses.field(default_factory=list)

    a = Config("a")
    assert (a.name, a.retries, a.tags) == ("a", 3, []) and a == Config("a")
    assert Config("b").tags is not a.tags and not has_dict(a)
    assert [f.name for f in dataclasses.fields(Config)] == ["name", "retries", "tags"]
    with pytest.raises(AttributeError):
        a.unknown = 1

    @dataclasses.dataclass(frozen=True)
    class Frozen(AutoSlots):
        x: int
        y: int = 0

    f = Frozen(1)
    assert (f.x, f.y) == (1, 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.x = 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.z = 2


def test_layout_conflict_is_an_autoslots_error() -> None:
    class Left(AutoSlots):
        def __init__(self) -> None:
            self.left = 1

    class Right(AutoSlots):
        def __init__(self) -> None:
            self.right = 1

    with pytest.raises(AutoSlotsError, match="mixin=True"):

        class Both(Left, Right):
            pass


def test_decorator_on_metaclass_class_is_noop() -> None:
    class Thing(AutoSlots):
        def __init__(self) -> None:
            self.v = 1

    assert autoslots(Thing) is Thing


class Published(AutoSlots):
    def __init__(self) -> None:
        self.a = 1

    def later(self) -> None:
        self.b = 2


def test_pickle_metaclass_form() -> None:
    p = Published()
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        clone = pickle.loads(pickle.dumps(p, protocol))
        assert clone.a == 1 and not hasattr(clone, "b")


@pytest.mark.skipif(sys.version_info < (3, 12), reason="PEP 695")
def test_pep695() -> None:
    namespace: dict = {"AutoSlots": AutoSlots}
    exec(
        "class Box[T](AutoSlots):\n"
        "    def __init__(self, item: T) -> None:\n"
        "        self.item = item\n",
        namespace,
    )
    Box = namespace["Box"]
    assert len(Box.__type_params__) == 1 and Box[int](1).item == 1


def test_explicit_slot_conflicting_with_property_refused() -> None:
    with pytest.raises(AutoSlotsError, match="'x'"):

        class C(AutoSlots):
            __slots__ = ("x",)
            x = property(lambda self: 1)
