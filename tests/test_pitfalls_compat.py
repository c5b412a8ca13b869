"""P37-P44: vars/__dict__, abc, typing.Generic, PEP 695, dataclasses, metadata, nesting."""

from __future__ import annotations

import abc
import copy
import dataclasses
import inspect
import linecache
import pickle
import sys
import textwrap
import types
import typing
import weakref
from typing import Generic, List, Optional, TypeVar

import pytest
from conftest import Form, has_dict

# Every class in these tests is well-behaved: a class that keeps its __dict__ with a
# warning is a failure, except where a test expects the warning (pytest.warns).
pytestmark = pytest.mark.filterwarnings("error::autoslots.AutoSlotsWarning")


T = TypeVar("T")
PROTOCOLS = list(range(pickle.HIGHEST_PROTOCOL + 1))


# --------------------------------------------------------------------------------------
# P37. vars(obj) raises TypeError and obj.__dict__ raises AttributeError (no stale descriptor).


def test_p37_no_dict_access(form: Form) -> None:
    @form
    class C(*form.bases()):
        def __init__(self):
            self.a = 1

    c = C()
    with pytest.raises(TypeError) as vars_error:
        vars(c)
    with pytest.raises(AttributeError) as dict_error:
        c.__dict__  # noqa: B018
    for error in (vars_error, dict_error):
        assert "doesn't apply" not in str(error.value)
    assert "__dict__" not in C.__dict__


# --------------------------------------------------------------------------------------
# P38. abc: abstract stays abstract, concrete instantiates, registration works.


def test_p38_abc(form: Form) -> None:
    @form
    class Shape(*form.bases(abc.ABC)):
        def __init__(self, name):
            self.name = name

        @abc.abstractmethod
        def area(self): ...

    @form
    class Square(Shape):
        def __init__(self, side):
            super().__init__("square")
            self.side = side

        def area(self):
            return self.side**2

    with pytest.raises(TypeError, match="abstract"):
        Shape("x")
    assert Shape.__abstractmethods__ == frozenset({"area"})
    assert Square.__abstractmethods__ == frozenset()
    sq = Square(3)
    assert sq.area() == 9 and sq.name == "square"
    assert isinstance(sq, Shape)
    assert not has_dict(sq)

    class Other:
        def area(self):
            return 0

    Shape.register(Other)
    assert isinstance(Other(), Shape) and issubclass(Other, Shape)


# --------------------------------------------------------------------------------------
# P39. typing.Generic.


def _box(S: Form) -> type:
    @S
    class Box(*S.bases(Generic[T]), **S.kw):
        def __init__(self, value: T):
            self.value = value

        def get(self) -> T:
            return self.value

    return Box


def test_p39_generic(form: Form) -> None:
    Box = _box(form)
    assert Box.__parameters__ == (T,)
    assert Generic[T] in Box.__orig_bases__
    IntBox = Box[int]
    assert typing.get_args(IntBox) == (int,)
    assert typing.get_origin(IntBox) is Box
    b = IntBox(5)
    assert type(b) is Box and b.get() == 5
    assert weakref.ref(b)() is b
    assert not has_dict(b)

    U = TypeVar("U")

    @form
    class Pair(Box[U]):
        def __init__(self, value: U, other: U):
            super().__init__(value)
            self.other = other

    assert Pair.__parameters__ == (U,)
    pr = Pair[str]("a", "b")
    assert (pr.get(), pr.other) == ("a", "b")
    assert not has_dict(pr)

    @form
    class IntOnly(Box[int]):
        pass

    assert IntOnly.__parameters__ == ()
    assert IntOnly(3).get() == 3


def test_p39_orig_class_same_as_hand_written(form: Form) -> None:
    class Hand(Generic[T]):
        __slots__ = ("__weakref__", "value")

        def __init__(self, value):
            self.value = value

    Box = _box(form)
    assert hasattr(Box[int](1), "__orig_class__") == hasattr(Hand[int](1), "__orig_class__")


# --------------------------------------------------------------------------------------
# P40. PEP 695 generics (3.12+).


@pytest.mark.skipif(sys.version_info < (3, 12), reason="PEP 695 syntax needs Python 3.12+")
def test_p40_pep695(form: Form) -> None:
    from autoslots import AutoSlots, autoslots

    source = textwrap.dedent(
        """
        @deco
        class Box[T](*bases):
            def __init__(self, value: T):
                self.value = value

            def get(self) -> T:
                return self.value
        """
    )
    namespace = {
        "deco": autoslots if form.is_decorator else (lambda cls: cls),
        "bases": () if form.is_decorator else (AutoSlots,),
    }
    exec(compile(source, "<pep695>", "exec"), namespace)
    Box = namespace["Box"]
    (param,) = Box.__type_params__
    assert param.__name__ == "T"
    assert Box.__parameters__ == (param,)
    alias = Box[int]
    assert typing.get_args(alias) == (int,)
    b = alias(3)
    assert b.get() == 3 and type(b) is Box
    assert not has_dict(b)


# --------------------------------------------------------------------------------------
# P41. On top of @dataclass with defaults and default_factory (base form: @dataclass on an
# AutoSlots subclass, which is P52's setting, tested in detail in test_pitfalls_layout.py).


def _config(S: Form, frozen: bool = False) -> type:
    @S
    @dataclasses.dataclass(frozen=frozen)
    class Config(*S.bases(), **S.kw):
        name: str
        retries: int = 3
        tags: List[str] = dataclasses.field(default_factory=tuple if frozen else list)

    return Config


def test_p41_dataclass_defaults_and_factory(form: Form) -> None:
    Config = _config(form)
    a, b = Config("a"), Config("b", 5, ["x"])
    assert (a.name, a.retries, a.tags) == ("a", 3, [])
    assert (b.name, b.retries, b.tags) == ("b", 5, ["x"])
    assert Config("c").tags is not Config("c").tags
    assert a == Config("a") and a != b
    assert repr(a).endswith("Config(name='a', retries=3, tags=[])")
    assert [f.name for f in dataclasses.fields(Config)] == ["name", "retries", "tags"]
    a.retries = 4
    assert a.retries == 4 and Config("d").retries == 3
    assert not has_dict(a)
    with pytest.raises(AttributeError):
        a.unknown = 1


def test_p41_dataclass_post_init_and_init_false(form: Form) -> None:
    @form
    @dataclasses.dataclass
    class Order(*form.bases()):
        price: int
        qty: int = 1
        total: int = dataclasses.field(init=False)

        def __post_init__(self):
            self.total = self.price * self.qty
            self.audit = "created"

    o = Order(3, 2)
    assert (o.total, o.audit) == (6, "created")
    assert not has_dict(o)


# --------------------------------------------------------------------------------------
# P42. On top of @dataclass(frozen=True).


def test_p42_frozen_dataclass(form: Form) -> None:
    Config = form.publish(_config(form, frozen=True), "P42Config")
    c = Config("a")
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.retries = 5
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.unknown = 5  # not TypeError from a __setattr__ closing over the original class
    with pytest.raises(dataclasses.FrozenInstanceError):
        del c.name
    assert hash(c) == hash(Config("a"))  # frozen: tags default to () (hashable)
    for protocol in PROTOCOLS:
        clone = pickle.loads(pickle.dumps(c, protocol))
        assert clone == c and type(clone) is Config
    assert copy.copy(c) == c and copy.deepcopy(c) == c
    assert not has_dict(c)


def test_p42_frozen_dataclass_derived_attribute(form: Form) -> None:
    @form
    @dataclasses.dataclass(frozen=True)
    class Span(*form.bases()):
        start: int
        end: int

        def __post_init__(self):
            object.__setattr__(self, "length", self.end - self.start)

    form.publish(Span, "P42Span")
    s = Span(2, 5)
    assert s.length == 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.length = 1
    for protocol in PROTOCOLS:
        clone = pickle.loads(pickle.dumps(s, protocol))
        assert clone == s and clone.length == 3
    assert copy.deepcopy(s).length == 3
    assert not has_dict(s)


# --------------------------------------------------------------------------------------
# P43. Metadata survives the rebuild.


def _documented(S: Form) -> type:
    @S
    class Node(*S.bases(), **S.kw):
        """A node of a tree."""

        value: int
        parent: Optional[Node]

        def __init__(self, value: int, parent: Optional[Node] = None) -> None:
            self.value = value
            self.parent = parent

        def root(self) -> Node:
            return self if self.parent is None else self.parent.root()

    return Node


def test_p43_metadata(form: Form) -> None:
    Node = _documented(form)
    assert Node.__name__ == "Node"
    assert Node.__qualname__ == "_documented.<locals>.Node"
    assert Node.__module__ == __name__
    assert Node.__doc__ == "A node of a tree."
    assert Node.__annotations__ == {"value": "int", "parent": "Optional[Node]"}
    hints = typing.get_type_hints(Node, localns={"Node": Node})
    assert hints == {"value": int, "parent": Optional[Node]}
    method_hints = typing.get_type_hints(Node.root, localns={"Node": Node})
    assert method_hints == {"return": Node}
    n = Node(1, Node(0))
    assert n.root().value == 0


def test_p43_source(form: Form) -> None:
    Node = _documented(form)
    source = inspect.getsource(Node)
    assert "class Node(" in source and '"""A node of a tree."""' in source
    assert "def root(self)" in source
    lines, lineno = inspect.getsourcelines(Node)
    assert linecache.getline(__file__, lineno) == lines[0]
    assert inspect.getsourcefile(Node) == __file__


@pytest.mark.skipif(
    sys.version_info < (3, 13), reason="__firstlineno__/__static_attributes__: 3.13+"
)
def test_p43_firstlineno_and_static_attributes(form: Form) -> None:
    from autoslots import AutoSlots, autoslots

    source = textwrap.dedent(
        """
        x = 1

        @deco
        class C(*bases):
            def __init__(self):
                self.a = 1
                self.__b = 2

            def later(other):
                other.c = 3
        """
    )

    def build(deco: object, bases: tuple) -> type:
        namespace = {"deco": deco, "bases": bases}
        exec(compile(source, "<p43>", "exec"), namespace)
        return namespace["C"]

    plain = build(lambda cls: cls, ())
    built = build(autoslots, ()) if form.is_decorator else build(lambda cls: cls, (AutoSlots,))
    assert built.__firstlineno__ == plain.__firstlineno__
    assert built.__static_attributes__ == plain.__static_attributes__


# --------------------------------------------------------------------------------------
# P44. A class nested in a module-level class keeps its __qualname__ and pickles.


def test_p44_nested_class_qualname_and_pickle(form: Form) -> None:
    from autoslots import AutoSlots, autoslots

    name = f"autoslots_p44_{form.kind}"
    module = types.ModuleType(name)
    module.__dict__.update(deco=autoslots if form.is_decorator else (lambda cls: cls),
                           bases=() if form.is_decorator else (AutoSlots,))
    source = textwrap.dedent(
        """
        class Outer:
            @deco
            class Inner(*bases):
                def __init__(self, v):
                    self.v = v
        """
    )
    sys.modules[name] = module
    try:
        exec(compile(source, f"<{name}>", "exec"), module.__dict__)
        Inner = module.Outer.Inner
        assert Inner.__qualname__ == "Outer.Inner"
        assert Inner.__module__ == name
        obj = Inner(5)
        assert not has_dict(obj)
        for protocol in PROTOCOLS:
            clone = pickle.loads(pickle.dumps(obj, protocol))
            assert type(clone) is Inner and clone.v == 5
    finally:
        del sys.modules[name]

