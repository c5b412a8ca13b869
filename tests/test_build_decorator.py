"""Class building, observed by a user: both forms where it applies, the decorator's own
rebuild behaviour where only the decorator is concerned."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import enum
import functools
import pickle
import sys
import warnings
import weakref
from typing import Any, ClassVar, Dict, List, Tuple

import pytest
from conftest import PLAIN, Form, has_dict

from autoslots import AutoSlotsError, AutoSlotsWarning, autoslots, explain
from autoslots._layout import get_record

PROTOCOLS = range(pickle.HIGHEST_PROTOCOL + 1)


def roundtrips(obj: Any) -> List[Any]:
    return [pickle.loads(pickle.dumps(obj, p)) for p in PROTOCOLS] + [
        copy.copy(obj),
        copy.deepcopy(obj),
    ]


# -- layout -------------------------------------------------------------------------


def test_same_size_as_hand_written_slots(form: Form) -> None:
    for weak in (True, False):
        S = form.options(weakref=weak)

        @S
        class Auto(*S.bases(), **S.kw):
            def __init__(self) -> None:
                self.a, self.b = 1, 2
                self.c = 3

        class Hand:
            __slots__ = ("a", "b", "c", "__weakref__") if weak else ("a", "b", "c")

            def __init__(self) -> None:
                self.a, self.b, self.c = 1, 2, 3

        assert sys.getsizeof(Auto()) == sys.getsizeof(Hand())
        assert not has_dict(Auto())
        assert type(Auto.__dict__["a"]).__name__ == "member_descriptor"
        if weak:
            obj = Auto()
            assert weakref.ref(obj)() is obj and obj.__weakref__ is not None
        else:
            with pytest.raises(TypeError):
                weakref.ref(Auto())


def test_extra_names_and_unknown_rejected(form: Form) -> None:
    S = form.options(extra=("late",))

    @S
    class C(*S.bases(), **S.kw):
        def __init__(self) -> None:
            self.a = 1

    c = C()
    c.late = 2
    with pytest.raises(AttributeError):
        c.other = 3
    with pytest.raises(TypeError):
        vars(c)


# -- class-level values that instances assign ---------------------------------------


def test_default_behaves_like_plain(form: Form) -> None:
    for S in (form, PLAIN):

        @S
        class Counter(*S.bases()):
            count = 0

            def bump(self) -> None:
                self.count += 1

        a, b = Counter(), Counter()
        a.bump()
        a.bump()
        assert (a.count, b.count, Counter.count) == (2, 0, 0)
        del a.count
        assert a.count == 0
        with pytest.raises(AttributeError):
            del a.count
        assert has_dict(a) == (S is PLAIN)


def test_method_overridden_by_instance(form: Form) -> None:
    @form
    class Job(*form.bases()):
        def run(self) -> str:
            return "method"

        def replace(self) -> None:
            self.run = lambda: "instance"

    Job = form.publish(Job, "BuildJob")
    a, b = Job(), Job()
    a.replace()
    assert (a.run(), b.run()) == ("instance", "method")
    assert Job.run(b) == "method" and Job.__dict__  # class access gives the function
    del a.run
    assert a.run() == "method"
    assert all(x.run() == "method" for x in roundtrips(b))


def test_private_names_and_unmangled_setattr(form: Form) -> None:
    @form
    class Acct(*form.bases()):
        def __init__(self) -> None:
            self.__secret = 1
            setattr(self, "__raw", 2)

        def secret(self) -> int:
            return self.__secret

    a = Acct()
    assert a.secret() == 1 and getattr(a, "__raw") == 2 and a._Acct__secret == 1
    assert not has_dict(a)


# -- cached_property ----------------------------------------------------------------


def test_cached_property_in_a_slot(form: Form) -> None:
    calls: List[int] = []

    @form
    class Circle(*form.bases()):
        def __init__(self, r: float) -> None:
            self.r = r

        @functools.cached_property
        def area(self) -> float:
            """The area."""
            calls.append(1)
            return 3 * self.r**2

        @functools.cached_property
        def broken(self) -> int:
            raise AttributeError("inner message")

        def __getattr__(self, name: str) -> str:
            return f"fallback {name}"

    Circle = form.publish(Circle, "BuildCircle")
    c = Circle(2)
    assert (c.area, c.area, len(calls)) == (12, 12, 1)
    c.area = 5
    assert c.area == 5
    del c.area
    assert c.area == 12 and len(calls) == 2
    assert c.unknown == "fallback unknown"
    assert c.broken == "fallback broken"  # as on the plain class: __getattr__ is consulted
    assert Circle.area.__doc__ == "The area."
    assert not has_dict(c)
    clone = pickle.loads(pickle.dumps(c))
    assert clone.area == 12 and len(calls) == 2


def test_cached_property_error_message_kept(form: Form) -> None:
    @form
    class C(*form.bases()):
        @functools.cached_property
        def value(self) -> int:
            raise AttributeError("inner message")

    with pytest.raises(AttributeError, match="inner message"):
        _ = C().value


def test_cached_property_override_with_super(form: Form) -> None:
    @form
    class Base(*form.bases()):
        @functools.cached_property
        def value(self) -> int:
            return 1

    @form
    class Child(Base):
        @functools.cached_property
        def value(self) -> int:
            return super().value + 10

    c = Child()
    assert (c.value, c.value, Base().value) == (11, 11, 1)


# -- pickle and copy ----------------------------------------------------------------


def test_pickle_all_protocols_with_unset_slot(form: Form) -> None:
    @form
    class Lazy(*form.bases()):
        def __init__(self) -> None:
            self.a = [1]

        def load(self) -> None:
            self.b = 2

    Lazy = form.publish(Lazy, "BuildLazy")
    obj = Lazy()
    for clone in roundtrips(obj):
        assert clone.a == [1] and not hasattr(clone, "b")
    assert copy.copy(obj).a is obj.a and copy.deepcopy(obj).a is not obj.a


def test_pickle_bypasses_user_setattr_and_keeps_user_getstate(form: Form) -> None:
    @form
    class Frozen(*form.bases()):
        def __init__(self, x: int) -> None:
            object.__setattr__(self, "x", x)

        def __setattr__(self, name: str, value: Any) -> None:
            raise TypeError("frozen")

    @form
    class Locked(*form.bases()):
        def __init__(self) -> None:
            self.data = 1
            self.lock: Any = None

        def __getstate__(self) -> Any:
            return {"data": self.data}

        def __setstate__(self, state: Any) -> None:
            self.data = state["data"]
            self.lock = "fresh"

    Frozen = form.publish(Frozen, "BuildFrozen")
    Locked = form.publish(Locked, "BuildLocked")
    assert all(c.x == 3 for c in roundtrips(Frozen(3)))
    assert Locked.__getstate__ is Locked.__dict__["__getstate__"]
    assert all(c.lock == "fresh" for c in roundtrips(Locked()))


def test_unslotted_subclass_and_dict_base_pickle(form: Form) -> None:
    @form
    class Slotted(*form.bases()):
        def __init__(self) -> None:
            self.a = 1

    class Sub(Slotted):
        def __init__(self) -> None:
            super().__init__()
            self.extra = 2

    class Plain:
        pass

    @form
    class OverDict(*form.bases(Plain)):
        def __init__(self) -> None:
            self.a = 1

    Sub = form.publish(Sub, "BuildSub")
    OverDict = form.publish(OverDict, "BuildOverDict")
    s = Sub()
    assert has_dict(s) == form.is_decorator
    o = OverDict()
    o.extra = 3
    assert "a" not in o.__dict__
    for clone in roundtrips(s):
        assert (clone.a, clone.extra) == (1, 2)
    for clone in roundtrips(o):
        assert (clone.a, clone.extra) == (1, 3)


def test_exception_keeps_slot_state(form: Form) -> None:
    @form
    class AppError(*form.bases(Exception)):
        def __init__(self, code: int) -> None:
            super().__init__(code)
            self.code = code

    AppError = form.publish(AppError, "BuildAppError")
    for clone in roundtrips(AppError(7)):
        assert clone.code == 7 and clone.args == (7,)


# -- zero-argument super() and __class__ after the build ----------------------------


def test_super_everywhere(form: Form) -> None:
    def plain_wrapper(func: Any) -> Any:
        def wrapper(*args: Any) -> Any:
            return func(*args)

        return wrapper

    @form
    class Base(*form.bases()):
        def who(self) -> str:
            return "base"

        @classmethod
        def cwho(cls) -> str:
            return "cbase"

    @form
    class Child(Base):
        def __init__(self) -> None:
            self._v = 0

        @property
        def v(self) -> int:
            return self._v

        @v.setter
        def v(self, value: int) -> None:
            assert __class__ is Child
            self._v = value

        @functools.wraps(Base.who)
        def wrapped(self) -> str:
            return super().who()

        @plain_wrapper
        def unwrapped(self) -> str:
            return super().who()

        @contextlib.contextmanager
        def ctx(self) -> Any:
            yield super().who()

        @classmethod
        def cwho(cls) -> str:
            return super().cwho() + "!"

        @staticmethod
        def stat() -> bool:
            return __class__ is Child

        @functools.singledispatchmethod
        def disp(self, arg: Any) -> str:
            return super().who()

        @disp.register
        def _(self, arg: int) -> str:
            return super().who() + "-int"

        def lam(self) -> List[str]:
            return [(lambda: super(__class__, self).who())() for _ in range(1)]

    c = Child()
    c.v = 3
    assert c.v == 3 and c.wrapped() == "base" and c.unwrapped() == "base"
    with c.ctx() as value:
        assert value == "base"
    assert Child.cwho() == "cbase!" and Child.stat()
    assert (c.disp("x"), c.disp(1)) == ("base", "base-int")
    assert c.lam() == ["base"]


def test_frozen_dataclass(form: Form) -> None:
    if form.is_base:
        pytest.skip("dataclass below the decorator: decorator form only")

    @autoslots
    @dataclasses.dataclass(frozen=True)
    class Config:
        name: str
        retries: int = 3
        tags: List[str] = dataclasses.field(default_factory=list)

    Config = form.publish(Config, "BuildConfig")
    c = Config("a")
    assert (c.retries, c.tags, Config.retries) == (3, [], 3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.retries = 5
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.unknown = 5
    assert all(clone == c for clone in roundtrips(c))
    assert not has_dict(c)


# -- the decorator itself -----------------------------------------------------------


def test_metadata_kept() -> None:
    class Node:
        """Doc."""

        value: int

        def __init__(self) -> None:
            self.value = 1

    original = Node
    Node = autoslots(Node)  # type: ignore[misc]
    assert Node is not original
    for attr in ("__qualname__", "__module__", "__doc__", "__annotations__"):
        assert getattr(Node, attr) == getattr(original, attr)
    if sys.version_info >= (3, 13):
        assert Node.__firstlineno__ == original.__firstlineno__  # type: ignore[attr-defined]
        assert Node.__static_attributes__ == original.__static_attributes__  # type: ignore[attr-defined]
    record = get_record(Node)
    assert record is not None and "value" in record.plan.slots
    assert autoslots(Node) is Node and autoslots(weakref=False)(Node) is Node


def test_refusals_build_nothing() -> None:
    class Color(enum.Enum):
        RED = 1

    with pytest.raises(AutoSlotsError, match="Color"):
        autoslots(Color)
    with pytest.raises(AutoSlotsError):
        autoslots(42)  # type: ignore[call-overload]
    with pytest.raises(AutoSlotsError):
        autoslots(wrong=1)  # type: ignore[call-overload]

    class Big(int):
        def set(self) -> None:
            self.tag = 1

    with pytest.raises(AutoSlotsError, match="Big"):
        autoslots(Big)

    class Small(int):
        def double(self) -> int:
            return self * 2

    small = autoslots(Small)
    assert small.__slots__ == () and not has_dict(small(2)) and small(2).double() == 4


def test_hand_slotted_class_merged() -> None:
    @autoslots
    class C:
        __slots__ = ("cache",)
        size: int

        def __init__(self) -> None:
            self.cache = {}
            self.size = 0

        def grow(self) -> None:
            self.extra = 1

    c = C()
    c.grow()
    assert (c.cache, c.size, c.extra) == ({}, 0, 1)


def test_warning_names_class_function_file_and_line(form: Form) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")

        @form
        class Dyn(*form.bases()):
            def __init__(self, **kw: Any) -> None:
                for key, value in kw.items():
                    setattr(self, key, value)

    messages = [str(w.message) for w in caught if issubclass(w.category, AutoSlotsWarning)]
    assert len(messages) == 1
    line = Dyn.__init__.__code__.co_firstlineno + 2
    text = messages[0]
    assert "Dyn" in text and "__init__" in text and f"{__file__}:{line}" in text
    caller = __file__ if form.is_base else sys.modules["conftest"].__file__
    assert [w.filename for w in caught] == [caller]
    obj = Dyn(a=1, b=2)
    assert (obj.a, obj.b) == (1, 2) and vars(obj) == {"a": 1, "b": 2}

    S = form.options(strict=True)
    with pytest.raises(AutoSlotsError, match="strict"):

        @S
        class Strict(*S.bases(), **S.kw):
            def __init__(self, name: str) -> None:
                setattr(self, name, 1)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        D = form.options(dict=True)

        @D
        class Quiet(*D.bases(), **D.kw):
            def __init__(self, name: str) -> None:
                setattr(self, name, 1)

        class Plain:
            pass

        @form
        class OverDict(*form.bases(Plain)):
            def __init__(self, name: str) -> None:
                setattr(self, name, 1)


def test_decorator_reruns_creation_hooks() -> None:
    """What the docstring of autoslots() states: hooks run again, the last time with the
    final class; a base whose __init_subclass__ needs class keywords is refused."""
    seen: List[Any] = []

    class Base:
        def __init_subclass__(cls, **kwargs: Any) -> None:
            super().__init_subclass__(**kwargs)
            seen.append(("init_subclass", cls))

    class Named:
        def __set_name__(self, owner: type, name: str) -> None:
            seen.append(("set_name", owner))

    @autoslots
    class Child(Base):
        d = Named()

        def __init__(self) -> None:
            self.x = 1

    assert [kind for kind, _ in seen] == ["set_name", "init_subclass"] * 2
    assert seen[-1][1] is Child and seen[-2][1] is Child and seen[0][1] is not Child

    class Tagged:
        def __init_subclass__(cls, *, tag: str, **kwargs: Any) -> None:
            super().__init_subclass__(**kwargs)

    with pytest.raises(AutoSlotsError, match="AutoSlots"):

        @autoslots
        class Kid(Tagged, tag="x"):
            def __init__(self) -> None:
                self.v = 1


def test_undecorated_subclass_is_ordinary(decorator_form: Form) -> None:
    @autoslots
    class Base:
        count = 0

        def __init__(self) -> None:
            self.x = 1

    class Sub(Base):
        def __init__(self) -> None:
            super().__init__()
            self.y = 2

    s = Sub()
    assert (s.x, s.y, s.count) == (1, 2, 0) and has_dict(s) and vars(s) == {"y": 2}


def test_base_using_instance_dict_keeps_attributes_there(form: Form) -> None:
    class Base:
        def as_dict(self) -> dict:
            return dict(vars(self))

    @form
    class Child(*form.bases(Base)):
        def __init__(self) -> None:
            self.x = 1

    assert Child().as_dict() == {"x": 1}


def test_original_class_is_collectable() -> None:
    import gc

    class Base:
        pass

    class C(Base):
        def __init__(self) -> None:
            super().__init__()
            self.x = 1

        @property
        def p(self) -> Any:
            return __class__

        table: ClassVar[dict] = {"f": lambda self: __class__}

    ref = weakref.ref(C)
    new = autoslots(C)
    del C
    gc.collect()
    assert ref() is None and Base.__subclasses__() == [new]
    assert new().p is new and new.table["f"](None) is new


def test_declared_slots_are_kept_as_written() -> None:
    # Code may read cls.__slots__ (e.g. a __setstate__ checking the state's keys).
    @autoslots
    class R:
        __slots__ = ("a",)

        def __init__(self) -> None:
            self.a = 1

    assert R.__slots__ == ("a",)
    assert R().a == 1


def test_declared_slots_keep_pythons_pickle_state_for_subclasses() -> None:
    import copy

    @autoslots
    class Span:
        __slots__ = ("hi", "lo")

        def __init__(self, lo: int, hi: int) -> None:
            self.lo, self.hi = lo, hi

    class Labelled(Span):
        def __setstate__(self, state: object) -> None:
            attributes, slots = state  # type: ignore[misc]  # Python's (dict, slots) pair
            self.__dict__.update(attributes or {})
            for key, value in slots.items():
                setattr(self, key, value)

    item = Labelled(1, 2)
    item.label = "x"
    clone = copy.copy(item)
    assert (clone.lo, clone.hi, clone.label) == (1, 2, "x")


# -- the quick paths of the build agree with its general steps -----------------------


def _zoo() -> type:
    """A class whose body holds every kind of value ``fix_class_cells`` looks into: each
    holds its own closure cell with the class (and some plain values, which hold none)."""
    setters: List[Any] = []

    def holding() -> Any:
        """A function whose own closure cell is set to the class below."""
        held: Any = None

        def get(*args: Any) -> Any:
            return held

        def set_held(value: Any) -> None:
            nonlocal held
            held = value

        setters.append(set_held)
        return get

    def plain_with(attr: str, value: Any) -> Any:
        def plain(*args: Any) -> None:
            pass

        setattr(plain, attr, value)
        return plain

    dispatch: Any = functools.singledispatchmethod(holding())
    dispatch.register(int, holding())

    class Zoo:
        number = 1
        text = "t"
        nothing = None
        names = ("a", "b")
        table: ClassVar[Dict[str, Any]] = {"f": holding()}
        listed: ClassVar[List[Any]] = [holding(), 2]
        pair = (holding(), "x")
        partial = functools.partial(holding())
        partial_method = functools.partialmethod(holding())
        closure = holding()
        wrapped = plain_with("__wrapped__", holding())
        registered = plain_with("registry", {int: holding()})
        clsmethod = classmethod(holding())
        static = staticmethod(holding())
        prop = property(holding())
        cached = functools.cached_property(holding())
        disp = dispatch

        def plain(self) -> int:
            return 1

        def uses_class(self) -> Any:
            return __class__

        class Inner:
            pass

    for set_held in setters:
        set_held(Zoo)
    return Zoo


def _rebuilt_zoo() -> Tuple[type, type]:
    """A fresh zoo and its copy made by type(), with every cell still holding the first."""
    from autoslots._build import clean_namespace

    old = _zoo()
    new = type(old.__name__, old.__bases__, clean_namespace(old))
    return old, new


def _cell_census(new: type, old: type) -> Dict[str, int]:
    """How many closure cells reachable from ``new``'s namespace hold ``new``, ``old``,
    or something else."""
    import gc
    import types

    census = {"new": 0, "old": 0, "other": 0}
    seen: set[int] = set()
    stack: List[object] = list(new.__dict__.values())
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, (type, types.ModuleType, types.CodeType)):
            continue
        seen.add(id(obj))
        if isinstance(obj, dict) and "__builtins__" in obj:
            continue  # (a module's globals)
        if type(obj) is types.CellType:
            try:
                content = obj.cell_contents
            except ValueError:
                continue
            census["new" if content is new else "old" if content is old else "other"] += 1
        stack.extend(gc.get_referents(obj))
    return census


def test_fix_class_cells_first_pass_matches_the_walk() -> None:
    """The first pass of fix_class_cells leaves out only what the walk itself skips."""
    from autoslots._build import _fix_cells, fix_class_cells  # pyright: ignore[reportPrivateUsage]

    old, new = _rebuilt_zoo()
    before = _cell_census(new, old)
    assert before["old"] == 15 and before["new"] == 0
    fix_class_cells(new, old)
    quick = _cell_census(new, old)
    old, new = _rebuilt_zoo()
    _fix_cells(list(new.__dict__.values()), new, old)
    assert _cell_census(new, old) == quick
    assert quick["new"] == before["old"] and quick["old"] == 0


def test_fix_class_cells_from_the_namespace_of_a_plain_class() -> None:
    """With metaclass ``type`` and base ``object``, the cells are fixed from the namespace
    the new class was made from: the same as walking the new class's dict."""
    from autoslots import autoslots

    @autoslots
    class Plain:
        def __init__(self) -> None:
            super().__init__()
            self.a = 1

        def kind(self) -> type:
            return __class__

        def __repr__(self) -> str:
            return f"{type(self).__name__}({self.a}) {super().__repr__()[:1]}"

    obj = Plain()
    assert obj.kind() is Plain and repr(obj).startswith("Plain(1) <")
    assert not hasattr(obj, "__dict__")


def test_fix_class_cells_walks_what_set_name_added_to_the_new_class() -> None:
    """A value whose ``__set_name__`` adds to the class: the new class's dict is walked."""
    from autoslots import autoslots

    class Adds:
        def __set_name__(self, owner: Any, name: str) -> None:
            if not hasattr(self, "first"):
                self.first = lambda: owner  # (a cell holding the class being made)
            else:
                owner.extra = staticmethod(self.first)  # (on the rebuilt class only)

    @autoslots
    class Plain:
        marker = Adds()

        def __init__(self) -> None:
            self.a = 1

    assert Plain.extra() is Plain
    assert Plain().a == 1


def test_clean_namespace_with_and_without_own_slots() -> None:
    import abc
    import types

    from autoslots._build import clean_namespace

    class Plain:
        def f(self) -> None:
            pass

    class Slotted:
        __slots__ = ("a", "b")

    class Emptied:
        __slots__ = ("a",)

    del Emptied.__slots__  # (its member stays: only the type() call made it)

    class Abstract(abc.ABC):
        @abc.abstractmethod
        def f(self) -> None: ...

    for cls in (Plain, Slotted, Emptied, Abstract, type("Odd", (), {"a": 1})):
        expected = {
            key: value
            for key, value in cls.__dict__.items()
            if not (isinstance(value, types.MemberDescriptorType) and value.__objclass__ is cls)
            and key not in ("__dict__", "__weakref__", "_abc_impl", "__abstractmethods__")
        }
        expected["__qualname__"] = cls.__qualname__
        assert clean_namespace(cls) == expected, cls


def test_pickling_methods_for_object_base_as_in_general() -> None:
    """The quick lane for ``object`` as the only base adds what the general steps add."""
    from autoslots._build import _add_pickling  # pyright: ignore[reportPrivateUsage]
    from autoslots._layout import Plan

    def own(self: Any) -> Any:
        return None

    bodies: List[Dict[str, Any]] = [
        {},
        {"__getstate__": own},
        {"__setstate__": own},
        {"__getstate__": own, "__setstate__": own},
        {"__getstate__": None},
    ]
    for slots in ((), ("a",), ("__weakref__",)):
        for body in bodies:
            quick, general = dict(body), dict(body)
            _add_pickling(quick, (object,), Plan(slots), object.__mro__)
            _add_pickling(general, (object,), Plan(slots), (object,))  # (not ``is``)
            assert quick == general, (slots, body)


class _EqualityOnlyMeta(type):
    """Defines ``__eq__`` without ``__hash__``: its classes cannot be hashed."""

    def __eq__(cls, other: object) -> bool:
        return cls is other

    __hash__ = None  # type: ignore[assignment]  (what defining __eq__ alone implies)


class _Token(metaclass=_EqualityOnlyMeta):
    pass


def test_a_value_whose_class_cannot_be_hashed(form: Form) -> None:
    """A class-body value of such a class (in the body and in a base) builds and works
    as on a plain class."""
    with pytest.raises(TypeError):
        hash(_Token)

    class Base:
        __slots__ = ()
        marker = _Token()

    @form
    class Holder(Base, *form.bases()):
        token = _Token()

        def __init__(self) -> None:
            self.a = 1

    obj = Holder()
    assert obj.a == 1 and isinstance(Holder.token, _Token) and isinstance(obj.marker, _Token)
    assert not has_dict(obj)
    assert explain(Holder).slot_names == ["a"]


def test_zero_argument_super_in_a_function_inside_nested_tuples(form: Form) -> None:
    """The rebuilt class's ``__class__`` cell is fixed in functions kept only in a tuple
    inside a tuple (or a list in a dict) of the body."""

    class Base:
        __slots__ = ()

        def who(self) -> str:
            return "base"

    @form
    class Child(Base, *form.bases()):
        table = ((lambda self: "child of " + super().who(),),)
        index = {"key": [lambda self: "indexed " + super().who()]}  # noqa: RUF012

        def __init__(self) -> None:
            self.a = 1

    obj = Child()
    assert Child.table[0][0](obj) == "child of base"
    assert Child.index["key"][0](obj) == "indexed base"
    assert not has_dict(obj)
