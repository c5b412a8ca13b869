"""P27-P36: weak references, __dict__ with dict-based bases, pickle and copy."""

from __future__ import annotations

import copy
import pickle
import sys
import threading
import weakref

import pytest
from conftest import Form, has_dict

# Every class in these tests is well-behaved: a class that keeps its __dict__ with a
# warning is a failure, except where a test expects the warning (pytest.warns).
pytestmark = pytest.mark.filterwarnings("error::autoslots.AutoSlotsWarning")


PROTOCOLS = list(range(pickle.HIGHEST_PROTOCOL + 1))
assert PROTOCOLS[:6] == [0, 1, 2, 3, 4, 5]

MISSING = object()


def state(obj: object, names: tuple[str, ...]) -> dict:
    """The attributes of ``obj`` among ``names``, MISSING where unset."""
    return {name: getattr(obj, name, MISSING) for name in names}


def roundtrips(obj: object) -> list:
    """``obj`` pickled on every protocol, copied and deep-copied."""
    clones = [pickle.loads(pickle.dumps(obj, protocol)) for protocol in PROTOCOLS]
    return [*clones, copy.copy(obj), copy.deepcopy(obj)]


# --------------------------------------------------------------------------------------
# P27. Instances are weak-referenceable and obj.__weakref__ returns the ref.


def _point(S: Form) -> type:
    @S
    class Point(*S.bases(), **S.kw):
        def __init__(self, x, y):
            self.x = x
            self.y = y

        def move(self, dx):
            self.x += dx

    return Point


def test_p27_weakref_by_default(form: Form) -> None:
    Point = _point(form)
    p = Point(1, 2)
    r = weakref.ref(p)
    assert r() is p
    assert p.__weakref__ is r
    cache = weakref.WeakValueDictionary({"p": p})
    assert cache["p"] is p
    del p
    assert r() is None
    assert "p" not in cache


def test_p27_weakref_false(form: Form) -> None:
    Point = _point(form.options(weakref=False))
    p = Point(1, 2)
    with pytest.raises(TypeError):
        weakref.ref(p)
    assert not has_dict(p)
    assert (p.x, p.y) == (1, 2)


# --------------------------------------------------------------------------------------
# P28. No second __weakref__ slot when a base already provides one.


def test_p28_autoslotted_base_and_child(form: Form) -> None:
    @form
    class Base(*form.bases()):
        def __init__(self):
            self.a = 1

    @form
    class Child(Base):
        def __init__(self):
            super().__init__()
            self.b = 2

    class HandBase:
        __slots__ = ("__weakref__", "a")

    class HandChild(HandBase):
        __slots__ = ("b",)

    c = Child()
    assert weakref.ref(c)() is c
    assert (c.a, c.b) == (1, 2)
    assert sys.getsizeof(c) == sys.getsizeof(HandChild())


def test_p28_plain_base_with_weakref(form: Form) -> None:
    class PlainBase:  # has both __dict__ and __weakref__
        def __init__(self):
            self.a = 1

    @form
    class Child(*form.bases(PlainBase)):
        def __init__(self):
            super().__init__()
            self.b = 2

    c = Child()
    assert weakref.ref(c)() is c
    assert (c.a, c.b) == (1, 2)


# --------------------------------------------------------------------------------------
# P29. A child of a dict-based base has a __dict__, yet its own attributes live in slots.


def test_p29_child_of_dict_base(form: Form) -> None:
    from autoslots import explain

    class DictBasedParent:
        def __init__(self):
            self.inherited = "base"

    @form
    class Child(*form.bases(DictBasedParent)):
        def __init__(self):
            super().__init__()
            self.own = "child"

    c = Child()
    assert has_dict(c)  # Python semantics: the base has a __dict__
    assert (c.inherited, c.own) == ("base", "child")
    assert "own" not in vars(c)  # the class's own attribute lives in a slot
    c.anything = 1  # and, like its base, it accepts other attributes
    assert vars(c)["anything"] == 1
    assert "DictBasedParent" in str(explain(Child))


# --------------------------------------------------------------------------------------
# P30. pickle round-trips for protocols 0..5 (and copy/deepcopy).


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_p30_pickle_every_protocol(form: Form, protocol: int) -> None:
    Point = form.publish(_point(form), "P30Point")
    p = Point(1, [2, 3])
    clone = pickle.loads(pickle.dumps(p, protocol))
    assert type(clone) is Point
    assert state(clone, ("x", "y")) == {"x": 1, "y": [2, 3]}
    clone.move(1)
    assert clone.x == 2 and p.x == 1


def test_p30_copy_and_deepcopy(form: Form) -> None:
    Point = _point(form)
    p = Point(1, 2)
    for clone in (copy.copy(p), copy.deepcopy(p)):
        assert type(clone) is Point
        assert (clone.x, clone.y) == (1, 2)


# --------------------------------------------------------------------------------------
# P31. A never-assigned slot survives pickle and copy as "still unset".


def test_p31_unset_slot_stays_unset(form: Form) -> None:
    @form
    class Lazy(*form.bases()):
        def __init__(self, key):
            self.key = key

        def load(self):
            self.cache = f"loaded {self.key}"
            return self.cache

    form.publish(Lazy, "P31Lazy")
    obj = Lazy("k")
    for clone in roundtrips(obj):
        assert clone.key == "k"
        assert not hasattr(clone, "cache")
        assert clone.load() == "loaded k"
    obj.load()
    for clone in roundtrips(obj):
        assert clone.cache == "loaded k"


# --------------------------------------------------------------------------------------
# P32. Immutable class whose __setattr__ raises: state restored without calling it.


def test_p32_immutable_with_raising_setattr(form: Form) -> None:
    @form
    class Frozen(*form.bases()):
        def __init__(self, x, y):
            object.__setattr__(self, "x", x)
            object.__setattr__(self, "y", y)

        def __setattr__(self, name, value):
            raise AttributeError(f"{type(self).__name__} is immutable")

        def __delattr__(self, name):
            raise AttributeError(f"{type(self).__name__} is immutable")

    form.publish(Frozen, "P32Frozen")
    f = Frozen(1, (2, 3))
    with pytest.raises(AttributeError, match="immutable"):
        f.x = 5
    for clone in roundtrips(f):
        assert type(clone) is Frozen
        assert (clone.x, clone.y) == (1, (2, 3))
    assert not has_dict(f)


# --------------------------------------------------------------------------------------
# P33. A user __getstate__/__setstate__ is kept and used.


def test_p33_user_getstate_setstate_kept(form: Form) -> None:
    calls = []

    @form
    class Worker(*form.bases()):
        def __init__(self, name):
            self.name = name
            self.lock = threading.Lock()

        def __getstate__(self):
            calls.append("get")
            return {"name": self.name}

        def __setstate__(self, state):
            calls.append("set")
            self.name = state["name"]
            self.lock = threading.Lock()

    form.publish(Worker, "P33Worker")
    w = Worker("w1")
    clones = roundtrips(w)  # a Lock cannot be pickled: only the user's methods make this work
    assert calls.count("get") == len(clones) and calls.count("set") == len(clones)
    for clone in clones:
        assert clone.name == "w1"
        assert clone.lock is not w.lock
        assert clone.lock.acquire(blocking=False)
    assert not has_dict(w)


def test_p33_user_reduce_kept(form: Form) -> None:
    @form
    class Token(*form.bases()):
        def __init__(self, value):
            self.value = value
            self.derived = value * 2

        def __reduce__(self):
            return (type(self), (self.value,))

    form.publish(Token, "P33Token")
    for clone in roundtrips(Token(4)):
        assert (clone.value, clone.derived) == (4, 8)


# --------------------------------------------------------------------------------------
# P34. A subclass that adds attributes: pickle/copy keep them.


def test_p34_subclass_attributes_survive(form: Form) -> None:
    Point = form.publish(_point(form), "P34Point")

    class Point3(Point):  # not decorated (the base form slots it anyway)
        def __init__(self, x, y, z):
            super().__init__(x, y)
            self.z = z

    form.publish(Point3, "P34Point3")
    p = Point3(1, 2, 3)
    if form.is_decorator:
        assert has_dict(p)
        p.note = "dynamic"
    names = ("x", "y", "z", "note")
    expected = state(p, names)
    for clone in roundtrips(p):
        assert type(clone) is Point3
        assert state(clone, names) == expected


# --------------------------------------------------------------------------------------
# P35. Child of a dict-based base: __dict__ and slot attributes both survive.


def test_p35_dict_and_slot_attributes_survive(form: Form) -> None:
    class Record:
        def __init__(self, rid):
            self.rid = rid

    form.publish(Record, "P35Record")

    @form
    class Tagged(*form.bases(Record)):
        def __init__(self, rid, tag):
            super().__init__(rid)
            self.tag = tag

    form.publish(Tagged, "P35Tagged")
    t = Tagged(7, "t")
    t.extra = "dict-only"
    names = ("rid", "tag", "extra")
    for clone in roundtrips(t):
        assert type(clone) is Tagged
        assert state(clone, names) == {"rid": 7, "tag": "t", "extra": "dict-only"}


# --------------------------------------------------------------------------------------
# P36. copy.copy shares, copy.deepcopy duplicates mutable slot values.


def test_p36_copy_shares_deepcopy_duplicates(form: Form) -> None:
    @form
    class Bag(*form.bases()):
        def __init__(self):
            self.items = [[1], [2]]

    b = Bag()
    shallow, deep = copy.copy(b), copy.deepcopy(b)
    assert shallow.items is b.items
    assert deep.items == b.items and deep.items is not b.items
    assert deep.items[0] is not b.items[0]
    b.items.append([3])
    assert len(shallow.items) == 3 and len(deep.items) == 2


# --------------------------------------------------------------------------------------
# Pickle/copy of the special storage cases: class-level defaults that instances assign
# (P04/P08), cached_property caches (P17), a pass-through validating __setattr__ (P32).


def test_p30_class_default_and_method_override_roundtrip(form: Form) -> None:
    @form
    class Job(*form.bases()):
        count = 0

        def incr(self):
            self.count += 1

        def run(self):
            return "method"

        def override(self):
            self.run = len  # a picklable replacement for the method

    form.publish(Job, "P30Job")
    fresh, used = Job(), Job()
    used.incr()
    used.override()
    for clone in roundtrips(fresh):
        assert clone.count == 0 and clone.run() == "method"
        clone.incr()
        assert clone.count == 1 and Job.count == 0
        del clone.count
        assert clone.count == 0  # was unset: falls back to the class value again
    for clone in roundtrips(used):
        assert clone.count == 1
        assert clone.run is len
        del clone.run
        assert clone.run() == "method"


def test_p30_cached_property_roundtrip(form: Form) -> None:
    import functools

    calls = []

    @form
    class Square(*form.bases()):
        def __init__(self, side):
            self.side = side

        @functools.cached_property
        def area(self):
            calls.append(self.side)
            return self.side**2

    form.publish(Square, "P30Square")
    for clone in roundtrips(Square(2)):  # not computed yet: computed on the clone
        assert clone.area == 4
    assert len(calls) == len(PROTOCOLS) + 2
    computed = Square(3)
    assert computed.area == 9
    calls.clear()
    for clone in roundtrips(computed):  # computed: the cached value travels with it
        assert clone.area == 9
    assert calls == []


def test_p32_validating_setattr_not_called_by_pickle_or_copy(form: Form) -> None:
    seen = []

    @form
    class Checked(*form.bases()):
        def __init__(self, x):
            self.x = x

        def __setattr__(self, name, value):
            seen.append(name)
            if not isinstance(value, int):
                raise TypeError(f"{name} must be an int")
            super().__setattr__(name, value)

    form.publish(Checked, "P32Checked")
    c = Checked(1)
    assert seen == ["x"]
    with pytest.raises(TypeError):
        c.x = "no"
    seen.clear()
    for clone in roundtrips(c):
        assert clone.x == 1
    assert seen == []  # like the plain class: restoring state bypasses __setattr__
    assert not has_dict(c)
    with pytest.raises(AttributeError):
        c.y = 2
