"""P17-P20: functools.cached_property and other descriptors on autoslotted classes."""

from __future__ import annotations

import functools

import pytest
from conftest import PLAIN, Form, has_dict

# --------------------------------------------------------------------------------------
# P17. cached_property: computed once per instance, assignable, deletable, no __dict__.


# Every class in these tests is well-behaved: a class that keeps its __dict__ with a
# warning is a failure, except where a test expects the warning (pytest.warns).
pytestmark = pytest.mark.filterwarnings("error::autoslots.AutoSlotsWarning")


def _circle(S: Form, calls: list) -> type:
    @S
    class Circle(*S.bases(), **S.kw):
        def __init__(self, r):
            self.r = r

        @functools.cached_property
        def area(self):
            """Area of the circle (roughly)."""
            calls.append(self.r)
            return 3 * self.r * self.r

    return Circle


def test_p17_cached_property_computed_once_per_instance(form: Form) -> None:
    calls: list = []
    Circle = _circle(form, calls)
    a, b = Circle(1), Circle(2)
    assert a.area == 3 and a.area == 3
    assert b.area == 12 and b.area == 12
    assert calls == [1, 2]
    assert not has_dict(a)


def test_p17_cached_property_assign_and_delete(form: Form) -> None:
    calls: list = []
    Circle = _circle(form, calls)
    a = Circle(1)
    a.area = 100  # assignable before computing
    assert a.area == 100 and calls == []
    del a.area  # deletable: the next read recomputes
    assert a.area == 3 and calls == [1]
    a.r = 2
    assert a.area == 3  # still cached
    del a.area
    assert a.area == 12 and calls == [1, 2]


def test_p17_delete_uncached_like_plain(form: Form) -> None:
    for cls in (_circle(form, []), _circle(PLAIN, [])):
        with pytest.raises(AttributeError):
            del cls(1).area


def test_p17_cached_property_class_access_like_plain(form: Form) -> None:
    Circle = _circle(form, [])
    # the class-level object is still a descriptor that documents the property
    assert Circle.area.__doc__ == _circle(PLAIN, []).area.__doc__ == "Area of the circle (roughly)."
    assert Circle(1).area == 3


# --------------------------------------------------------------------------------------
# P18. A subclass overrides a cached_property and reads the parent's through super().


def test_p18_overridden_cached_property_reads_parent_via_super(form: Form) -> None:
    calls = []

    @form
    class Base(*form.bases()):
        def __init__(self, n):
            self.n = n

        @functools.cached_property
        def value(self):
            calls.append("base")
            return self.n

    @form
    class Child(Base):
        @functools.cached_property
        def value(self):
            calls.append("child")
            return super().value + 1

    c = Child(10)
    assert c.value == 11
    assert c.value == 11
    assert calls == ["child", "base"]
    b = Base(10)
    assert b.value == 10
    assert not has_dict(c)


# --------------------------------------------------------------------------------------
# P19. AttributeError inside a cached_property keeps its message; __getattr__ interplay.


def test_p19_attribute_error_inside_cached_property_keeps_message(form: Form) -> None:
    @form
    class Broken(*form.bases()):
        @functools.cached_property
        def value(self):
            raise AttributeError("the specific inner message")

    with pytest.raises(AttributeError, match="the specific inner message"):
        Broken().value  # noqa: B018


def _lazy(S: Form, getattr_calls: list) -> type:
    @S
    class Lazy(*S.bases(), **S.kw):
        def __init__(self):
            self.real = "real"

        def __getattr__(self, name):
            getattr_calls.append(name)
            if name.startswith("dyn_"):
                return name.upper()
            raise AttributeError(name)

        @functools.cached_property
        def cached(self):
            return "cached"

    return Lazy


def test_p19_getattr_consulted_for_unknown_names_only(form: Form) -> None:
    getattr_calls: list = []
    Lazy = _lazy(form, getattr_calls)
    obj = Lazy()
    assert obj.real == "real"
    assert obj.cached == "cached"
    assert obj.cached == "cached"
    assert getattr_calls == []  # never consulted for existing attributes / cached properties
    assert obj.dyn_x == "DYN_X"
    assert getattr_calls == ["dyn_x"]
    with pytest.raises(AttributeError):
        obj.missing  # noqa: B018


def test_p19_getattr_in_base_cached_property_in_subclass(form: Form) -> None:
    getattr_calls: list = []
    Lazy = _lazy(form, getattr_calls)

    @form
    class Sub(Lazy):
        @functools.cached_property
        def sub_cached(self):
            return "sub " + self.cached

    obj = Sub()
    assert obj.sub_cached == "sub cached"
    assert obj.sub_cached == "sub cached"
    assert getattr_calls == []
    assert obj.dyn_y == "DYN_Y" and getattr_calls == ["dyn_y"]


# --------------------------------------------------------------------------------------
# P20. super() inside functools.singledispatchmethod implementations.


def test_p20_super_in_singledispatchmethod(form: Form) -> None:
    @form
    class Base(*form.bases()):
        def describe(self, value):
            return f"base({value!r})"

    @form
    class Child(Base):
        @functools.singledispatchmethod
        def describe(self, value):
            return "default:" + super().describe(value)

        @describe.register(int)
        def _describe_int(self, value):
            return "int:" + super().describe(value)

    c = Child()
    assert c.describe("s") == "default:base('s')"
    assert c.describe(3) == "int:base(3)"
    assert not has_dict(c)
