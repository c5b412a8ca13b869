"""P45-P55: inheritance and layout, the metaclass form, hygiene and refusals."""

from __future__ import annotations

import abc
import copy
import dataclasses
import enum
import gc
import pickle
import sys
import weakref
from typing import List

import pytest
from conftest import PLAIN, Form, has_dict

from autoslots import AutoSlots, AutoSlotsError, AutoSlotsMeta, autoslots, explain

# Every class in these tests is well-behaved: a class that keeps its __dict__ with a
# warning is a failure, except where a test expects the warning (pytest.warns).
pytestmark = pytest.mark.filterwarnings("error::autoslots.AutoSlotsWarning")


PROTOCOLS = list(range(pickle.HIGHEST_PROTOCOL + 1))


# --------------------------------------------------------------------------------------
# P45. A hand-slotted base provides 'x'; the child that also assigns self.x reuses it.


def test_p45_slot_provided_by_base_not_declared_again(form: Form) -> None:
    class Base:
        __slots__ = ("x",)

        def __init__(self):
            self.x = "base"

    @form
    class Child(*form.bases(Base)):
        def __init__(self):
            super().__init__()
            self.x = "child"
            self.y = "y"

    class HandChild(Base):
        __slots__ = ("__weakref__", "y")

    c = Child()
    assert (c.x, c.y) == ("child", "y")
    assert Base.__dict__["x"].__get__(c, Child) == "child"  # one storage for x
    assert sys.getsizeof(c) == sys.getsizeof(HandChild())
    assert not has_dict(c)
    text = str(explain(Child))
    assert "Base" in text and "x" in text  # explain says what the base provides


# --------------------------------------------------------------------------------------
# P46. The class body already declares __slots__: merged with the inferred names.


def test_p46_explicit_slots_merged(form: Form) -> None:
    @form
    class Cached(*form.bases()):
        __slots__ = ("cache",)

        def __init__(self, key):
            self.key = key

        def fill(self):
            self.cache = {"k": self.key}

    c = Cached("a")
    assert not hasattr(c, "cache")
    c.fill()
    assert c.cache == {"k": "a"} and c.key == "a"
    c.cache = None  # the declared slot's descriptor belongs to the final class
    assert c.cache is None
    del c.cache
    assert not hasattr(c, "cache")
    assert not has_dict(c)
    with pytest.raises(AttributeError):
        c.other = 1


# --------------------------------------------------------------------------------------
# P47. Behaviour-only mixins combine; two attribute-carrying bases conflict at creation.


def test_p47_behaviour_mixins_combine(form: Form) -> None:
    @form
    class Greeter(*form.bases()):
        def greet(self):
            return f"hi {self.name}"

    @form
    class Shouter(*form.bases()):
        def shout(self):
            return self.greet().upper()

    @form
    class Named(*form.bases()):
        def __init__(self, name):
            self.name = name

    @form
    class Person(Named, Greeter, Shouter):
        def __init__(self, name, age):
            super().__init__(name)
            self.age = age

    class HandMixin:
        __slots__ = ("__weakref__",)

    assert not has_dict(Greeter()) and not has_dict(Shouter())
    assert sys.getsizeof(Greeter()) <= sys.getsizeof(HandMixin())
    p = Person("ann", 3)
    assert p.shout() == "HI ANN" and p.age == 3
    assert not has_dict(p)
    assert weakref.ref(p)() is p


def test_p47_self_contained_mixins_combine(form: Form) -> None:
    @form
    class Describes(*form.bases()):
        kind = "thing"

        def describe(self):
            return f"a {self.kind}"

    @form
    class Counts(*form.bases()):
        def count(self, items):
            return len(items)

    @form
    class Item(Describes, Counts):
        def __init__(self, name):
            self.name = name

    assert not has_dict(Describes()) and not has_dict(Counts())
    item = Item("x")
    assert item.describe() == "a thing" and item.count([1, 2]) == 2
    assert not has_dict(item)


def _two_carriers(form: Form) -> tuple[type, type]:
    @form
    class Left(*form.bases()):
        def __init__(self):
            self.left = 1

    @form
    class Right(*form.bases()):
        def __init__(self):
            self.right = 2

    return Left, Right


def test_p47_attribute_carrying_bases_conflict_at_creation(form: Form) -> None:
    Left, Right = _two_carriers(form)
    with pytest.raises(TypeError) as info:

        @form
        class Both(Left, Right):
            pass

    if form.is_base:  # the metaclass sees the conflict first and explains it
        assert isinstance(info.value, AutoSlotsError)
        message = str(info.value)
        for needed in ("Left", "Right", "left", "right", "mixin=True"):
            assert needed in message
    del info
    gc.collect()
    assert Left.__subclasses__() == [] and Right.__subclasses__() == []


def test_p47_mixin_option_lets_concrete_class_slot(form: Form) -> None:
    M = form.options(mixin=True)

    @M
    class Left(*M.bases(), **M.kw):
        def set_left(self):
            self.left = 1

    @M
    class Right(*M.bases(), **M.kw):
        def set_right(self):
            self.right = 2

    @form
    class Both(Left, Right):
        def __init__(self):
            self.set_left()
            self.set_right()
            self.own = 3

    b = Both()
    assert (b.left, b.right, b.own) == (1, 2, 3)
    assert not has_dict(b)
    with pytest.raises(AttributeError):
        b.unknown = 1


# --------------------------------------------------------------------------------------
# P48. Exception subclass: attributes survive pickle and copy.


def test_p48_exception_subclass_pickles_attributes(form: Form) -> None:
    @form
    class AppError(*form.bases(Exception)):
        def __init__(self, code, message):
            super().__init__(code, message)
            self.code = code

        def with_context(self, context):
            self.context = context
            return self

    form.publish(AppError, "P48AppError")
    err = AppError(404, "missing").with_context({"path": "/x"})
    with pytest.raises(AppError) as info:
        raise err
    assert info.value.code == 404
    clones = [pickle.loads(pickle.dumps(err, p)) for p in PROTOCOLS]
    for clone in [*clones, copy.copy(err), copy.deepcopy(err)]:
        assert type(clone) is AppError
        assert clone.args == (404, "missing")
        assert str(clone) == str(err)
        assert clone.code == 404
        assert clone.context == {"path": "/x"}


# --------------------------------------------------------------------------------------
# P49. Subclasses of variable-size builtins.

VARSIZE = [(tuple, (1, 2)), (int, 5), (bytes, b"ab")]


@pytest.mark.parametrize(("builtin", "value"), VARSIZE, ids=["tuple", "int", "bytes"])
def test_p49_attribute_free_varsize_subclass(form: Form, builtin: type, value: object) -> None:
    @form
    class Sub(*form.bases(builtin)):
        def double(self):
            return self + self

    s = Sub(value)
    assert s == value and s.double() == value + value
    assert not has_dict(s)
    with pytest.raises(AttributeError):
        s.label = "x"


@pytest.mark.parametrize(("builtin", "value"), VARSIZE, ids=["tuple", "int", "bytes"])
def test_p49_varsize_subclass_with_attributes_refused(
    form: Form, builtin: type, value: object
) -> None:
    with pytest.raises(AutoSlotsError) as info:

        @form
        class Tagged(*form.bases(builtin)):
            def tag(self, label):
                self.label = label
                return self

    assert "Tagged" in str(info.value) and "label" in str(info.value)


# --------------------------------------------------------------------------------------
# P50. Undecorated subclasses: ordinary class (decorator form) or slotted (base form).


def test_p50_subclass_of_autoslotted_class(form: Form) -> None:
    @form
    class Base(*form.bases()):
        def __init__(self, a):
            self.a = a

        def describe(self):
            return f"a={self.a}"

    class Sub(Base):
        def __init__(self, a, b):
            super().__init__(a)
            self.b = b

        def describe(self):
            return super().describe() + f",b={self.b}"

    s = Sub(1, 2)
    assert s.describe() == "a=1,b=2"
    assert weakref.ref(s)() is s
    if form.is_decorator:
        assert has_dict(s)
        assert "a" not in vars(s) and vars(s) == {"b": 2}
        s.anything = 3
    else:
        assert not has_dict(s)
        with pytest.raises(AttributeError):
            s.anything = 3


def test_p50_base_form_options_inherited_unless_overridden() -> None:
    class Node(AutoSlots, weakref=False):
        def __init__(self):
            self.value = 1

    class Leaf(Node):
        def __init__(self):
            super().__init__()
            self.leaf = 2

    class Referenced(Node, weakref=True):
        pass

    with pytest.raises(TypeError):
        weakref.ref(Node())
    with pytest.raises(TypeError):
        weakref.ref(Leaf())  # weakref=False is inherited
    r = Referenced()
    assert weakref.ref(r)() is r
    assert not has_dict(Leaf()) and not has_dict(r)


# --------------------------------------------------------------------------------------
# P51. Metaclass form with abc: AutoSlots + ABC, and a combined metaclass.


def test_p51_autoslots_with_abc_without_combined_metaclass() -> None:
    class Shape(AutoSlots, abc.ABC):
        @abc.abstractmethod
        def area(self): ...

    class Square(Shape):
        def __init__(self, side):
            self.side = side

        def area(self):
            return self.side**2

    with pytest.raises(TypeError):
        Shape()
    assert Square(2).area() == 4 and not has_dict(Square(2))


def test_p51_combined_metaclass() -> None:
    class Meta(AutoSlotsMeta, abc.ABCMeta):
        pass

    class Shape(metaclass=Meta):
        def __init__(self, name):
            self.name = name

        @abc.abstractmethod
        def area(self): ...

    class Square(Shape):
        def __init__(self, side):
            super().__init__("square")
            self.side = side

        def area(self):
            return self.side**2

    assert type(Square) is Meta
    with pytest.raises(TypeError):
        Shape("s")
    sq = Square(3)
    assert sq.area() == 9 and sq.name == "square"
    assert not has_dict(sq)
    assert isinstance(sq, Shape) and Shape.__abstractmethods__ == frozenset({"area"})

    class Virtual:
        pass

    Shape.register(Virtual)
    assert isinstance(Virtual(), Shape)


# --------------------------------------------------------------------------------------
# P52. Metaclass form with @dataclass applied afterwards.


def test_p52_dataclass_after_metaclass() -> None:
    @dataclasses.dataclass
    class Config(AutoSlots):
        name: str
        retries: int = 3
        level: int = dataclasses.field(default=5)
        tags: List[str] = dataclasses.field(default_factory=list)

    a, b = Config("a"), Config("b", 1, 2, ["t"])
    assert (a.name, a.retries, a.level, a.tags) == ("a", 3, 5, [])
    assert (b.name, b.retries, b.level, b.tags) == ("b", 1, 2, ["t"])
    a.retries = 4
    a.level = 6
    a.tags.append("x")
    assert (a.retries, a.level, a.tags) == (4, 6, ["x"])
    c = Config("c")
    assert (c.retries, c.level, c.tags) == (3, 5, [])
    assert Config.retries == 3 and Config.level == 5
    assert a == Config("a", 4, 6, ["x"])
    assert not has_dict(a)
    with pytest.raises(AttributeError):
        a.unknown = 1


@pytest.mark.skipif(sys.version_info < (3, 10), reason="dataclass(slots=True) needs 3.10+")
def test_p52_dataclass_slots_true(form: Form) -> None:
    def build() -> type:
        @form
        @dataclasses.dataclass(slots=True)
        class Point(*form.bases()):
            x: int
            y: int = 0

        return Point

    if form.is_base:
        # dataclass(slots=True) on an AutoSlots subclass asks for slots twice: a clear
        # TypeError at class creation is acceptable there (as dataclasses itself does for a
        # class that already has __slots__); a working class is better.
        try:
            Point = build()
        except TypeError as exc:
            assert "__slots__" in str(exc) and "Point" in str(exc)
            return
    else:
        Point = build()
    p = Point(1)
    assert (p.x, p.y) == (1, 0) and p == Point(1, 0)
    assert not has_dict(p)
    with pytest.raises(AttributeError):
        p.z = 1


# --------------------------------------------------------------------------------------
# P53. Only slot machinery is added: identity eq/hash and the default repr are kept.


def _plainish(S: Form) -> type:
    @S
    class Thing(*S.bases(), **S.kw):
        def __init__(self, v):
            self.v = v

    return Thing


def test_p53_identity_eq_hash_default_repr(form: Form) -> None:
    Thing = _plainish(form)
    a, b = Thing(1), Thing(1)
    assert a == a and a != b
    assert len({a, b}) == 2
    assert hash(a) == object.__hash__(a)
    assert repr(a) == object.__repr__(a)
    assert repr(a).startswith(f"<{__name__}._plainish.<locals>.Thing object at 0x")
    assert Thing.__eq__ is object.__eq__ and Thing.__repr__ is object.__repr__


def test_p53_adds_only_dunders_and_slots(form: Form) -> None:
    Thing, Plain = _plainish(form), _plainish(PLAIN)
    added = set(dir(Thing)) - set(dir(Plain))
    unexpected = {n for n in added if n != "v" and not (n.startswith("__") and n.endswith("__"))}
    assert unexpected == set()
    assert "v" in added


# --------------------------------------------------------------------------------------
# P54. Decorating an already processed class is a no-op.


def test_p54_idempotent(form: Form) -> None:
    Thing = _plainish(form)
    assert autoslots(Thing) is Thing
    assert autoslots()(Thing) is Thing
    again = autoslots(autoslots(Thing))
    assert again is Thing
    t = Thing(1)
    assert weakref.ref(t)() is t and not has_dict(t)


# --------------------------------------------------------------------------------------
# P55 and other refusals.


def test_p55_enum_refused_or_unchanged(form: Form) -> None:
    if form.is_decorator:

        class Color(enum.Enum):
            RED = 1
            GREEN = 2

        with pytest.raises(AutoSlotsError) as info:
            autoslots(Color)
        assert "Color" in str(info.value)
        assert Color.RED.value == 1 and Color(2) is Color.GREEN  # untouched
    else:
        with pytest.raises(TypeError):

            class Shade(*form.bases(enum.Enum)):
                DARK = 1


@pytest.mark.parametrize(
    "thing", [42, "text", len, lambda: None], ids=["int", "str", "builtin", "lambda"]
)
def test_refuse_non_class(thing: object) -> None:
    with pytest.raises(AutoSlotsError):
        autoslots(thing)


def test_refuse_unknown_option(form: Form) -> None:
    if form.is_decorator:
        with pytest.raises(AutoSlotsError, match="bogus"):
            autoslots(bogus=True)
    else:
        with pytest.raises(TypeError):

            class C(AutoSlots, bogus=True):
                pass


def test_refuse_bad_option_value(form: Form) -> None:
    S = form.options(weakref="yes")
    with pytest.raises(AutoSlotsError, match="weakref"):

        @S
        class C(*S.bases(), **S.kw):
            def __init__(self):
                self.a = 1
