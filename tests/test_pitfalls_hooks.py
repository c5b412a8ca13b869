"""P21-P26: class creation hooks (__init_subclass__, __set_name__, metaclasses).

A decorator has to rebuild the class, and Python runs the creation hooks again for the
rebuilt class; only the metaclass form (``class C(AutoSlots)``) can run them exactly once.
So for P22-P26 the base form is tested strictly; the decorator form is tested for what the
contract accepts (the hooks see the final class), and the exactly-once behaviour is marked
``xfail(strict=True)`` in the decorator form with the reason.
"""

from __future__ import annotations

import gc
import weakref

import pytest
from conftest import Form, has_dict

from autoslots import AutoSlotsMeta

# Every class in these tests is well-behaved: a class that keeps its __dict__ with a
# warning is a failure, except where a test expects the warning (pytest.warns).
pytestmark = pytest.mark.filterwarnings("error::autoslots.AutoSlotsWarning")


REBUILD = (
    "documented impossible for a decorator: the rebuilt class is created by type(), which "
    "runs the creation hooks again (PITFALLS P22-P26: only the metaclass form can pass)"
)


# --------------------------------------------------------------------------------------
# P21. Autoslotted base with __init_subclass__ using zero-argument super(); plain subclass
# passes a class keyword.


def test_p21_init_subclass_with_super_and_keyword(form: Form) -> None:
    @form
    class Base(*form.bases()):
        def __init_subclass__(cls, tag=None, **kwargs):
            super().__init_subclass__(**kwargs)
            cls.tag = tag

        def __init__(self):
            self.x = 1

    class Plain(Base, tag="x"):
        def __init__(self):
            super().__init__()
            self.y = 2

    assert Plain.tag == "x"
    p = Plain()
    assert (p.x, p.y) == (1, 2)
    if form.is_base:
        assert not has_dict(p)  # subclasses of AutoSlots are slotted too
    else:
        assert has_dict(p)  # an undecorated subclass is an ordinary class


# --------------------------------------------------------------------------------------
# P22. A parent's __init_subclass__ runs once for an autoslotted child, with the final class.


def _p22(form: Form) -> tuple[type, list]:
    seen: list = []

    @form
    class Base(*form.bases()):
        def __init_subclass__(cls, **kwargs):
            super().__init_subclass__(**kwargs)
            seen.append(cls)

    @form
    class Child(Base):
        def __init__(self):
            self.v = 1

    return Child, seen


def test_p22_base_form_init_subclass_once_with_final_class(base_form: Form) -> None:
    Child, seen = _p22(base_form)
    assert seen == [Child]


def test_p22_decorator_form_final_class_sees_init_subclass(decorator_form: Form) -> None:
    Child, seen = _p22(decorator_form)
    assert seen[-1] is Child
    assert 1 <= len(seen) <= 2
    assert Child().v == 1


@pytest.mark.xfail(strict=True, reason=REBUILD)
def test_p22_decorator_form_init_subclass_exactly_once(decorator_form: Form) -> None:
    Child, seen = _p22(decorator_form)
    assert seen == [Child]


# --------------------------------------------------------------------------------------
# P23. Base.__subclasses__() lists only the final class; the original is collectable.


def _p23(form: Form, originals: list) -> tuple[type, type]:
    def remember(cls: type) -> type:
        originals.append(weakref.ref(cls))
        return cls

    @form
    class Base(*form.bases()):
        pass

    @form
    @remember
    class Child(Base):
        def __init__(self):
            self.v = 1

    return Base, Child


def test_p23_base_form_subclasses_immediately(base_form: Form) -> None:
    gc.disable()
    try:
        Base, Child = _p23(base_form, [])
        assert Base.__subclasses__() == [Child]
    finally:
        gc.enable()


def test_p23_decorator_form_original_collectable(decorator_form: Form) -> None:
    originals: list = []
    Base, Child = _p23(decorator_form, originals)
    gc.collect()
    assert Base.__subclasses__() == [Child]
    assert originals[0]() is None or originals[0]() is Child


@pytest.mark.xfail(strict=True, reason=REBUILD + "; the discarded class lives until a gc pass")
def test_p23_decorator_form_subclasses_immediately(decorator_form: Form) -> None:
    gc.disable()
    try:
        Base, Child = _p23(decorator_form, [])
        assert Base.__subclasses__() == [Child]
    finally:
        gc.enable()


# --------------------------------------------------------------------------------------
# P24. Class keywords for a parent's __init_subclass__.


def _tagged_base(form: Form, calls: list) -> type:
    @form
    class Base(*form.bases()):
        def __init_subclass__(cls, *, tag, **kwargs):  # tag is required
            super().__init_subclass__(**kwargs)
            calls.append((cls.__name__, tag))
            cls.tag = tag

    return Base


def test_p24_base_form_class_keyword(base_form: Form) -> None:
    calls: list = []
    Base = _tagged_base(base_form, calls)

    class Child(Base, tag="x"):
        def __init__(self):
            self.v = 1

    assert Child.tag == "x"
    assert calls == [("Child", "x")]
    assert not has_dict(Child())


def test_p24_base_form_class_keyword_mixed_with_options(base_form: Form) -> None:
    calls: list = []
    Base = _tagged_base(base_form, calls)

    class Child(Base, tag="y", dict=True):
        def __init__(self):
            self.v = 1

    assert Child.tag == "y" and calls == [("Child", "y")]
    c = Child()
    assert has_dict(c) and "v" not in vars(c)  # dict=True: slots plus a __dict__


def test_p24_decorator_form_required_keyword_refused_or_kept(decorator_form: Form) -> None:
    calls: list = []
    Base = _tagged_base(decorator_form, calls)
    try:

        @decorator_form
        class Child(Base, tag="x"):
            def __init__(self):
                self.v = 1

    except TypeError as exc:  # refused at decoration time: acceptable, never later
        assert "tag" in str(exc) or "Child" in str(exc)
    else:
        assert Child.tag == "x"
        assert Child().v == 1


@pytest.mark.xfail(strict=True, reason=REBUILD + "; the class keywords are not available then")
def test_p24_decorator_form_optional_keyword_kept(decorator_form: Form) -> None:
    @decorator_form
    class Base:
        def __init_subclass__(cls, tag=None, **kwargs):
            super().__init_subclass__(**kwargs)
            cls.tag = tag

    @decorator_form
    class Child(Base, tag="x"):
        pass

    assert Child.tag == "x"


# --------------------------------------------------------------------------------------
# P25. A user metaclass is preserved and its side effects happen once.


def _p25(form: Form, log: list) -> type:
    Root = AutoSlotsMeta if form.is_base else type

    class Meta(Root):
        def __new__(mcls, name, bases, namespace, **kwargs):
            log.append(("new", name))
            return super().__new__(mcls, name, bases, namespace, **kwargs)

        def __init__(cls, name, bases, namespace, **kwargs):
            log.append(("init", cls))
            super().__init__(name, bases, namespace, **kwargs)

        def describe(cls):
            return f"meta:{cls.__name__}"

    @form
    class C(*form.bases(), metaclass=Meta):
        def __init__(self):
            self.v = 1

    assert type(C) is Meta
    return C


def test_p25_base_form_metaclass_once(base_form: Form) -> None:
    log: list = []
    C = _p25(base_form, log)
    assert log == [("new", "C"), ("init", C)]
    assert C.describe() == "meta:C"
    assert not has_dict(C())


def test_p25_decorator_form_metaclass_preserved(decorator_form: Form) -> None:
    log: list = []
    C = _p25(decorator_form, log)
    assert log[-1] == ("init", C)
    assert C.describe() == "meta:C"
    c = C()
    assert c.v == 1 and not has_dict(c)


@pytest.mark.xfail(strict=True, reason=REBUILD)
def test_p25_decorator_form_metaclass_side_effects_once(decorator_form: Form) -> None:
    log: list = []
    C = _p25(decorator_form, log)
    assert log == [("new", "C"), ("init", C)]


# --------------------------------------------------------------------------------------
# P26. __set_name__ is called once, with the final class as owner.


class Named:
    """A non-data descriptor that records its __set_name__ calls."""

    def __init__(self) -> None:
        self.owners: list = []

    def __set_name__(self, owner: type, name: str) -> None:
        self.owners.append((owner, name))
        self.name = name
        self.owner = owner

    def __get__(self, obj: object, objtype: type | None = None) -> str:
        return f"{self.name}@{self.owner.__name__}:{self.owner is objtype}"


def _p26(form: Form) -> tuple[type, Named]:
    descriptor = Named()

    @form
    class C(*form.bases()):
        label = descriptor

        def __init__(self):
            self.v = 1

    return C, descriptor


def test_p26_base_form_set_name_once(base_form: Form) -> None:
    C, label = _p26(base_form)
    assert label.owners == [(C, "label")]
    assert C().label == "label@C:True"


def test_p26_decorator_form_set_name_sees_final_class(decorator_form: Form) -> None:
    C, label = _p26(decorator_form)
    assert label.owners[-1] == (C, "label")
    assert C().label == "label@C:True"


@pytest.mark.xfail(strict=True, reason=REBUILD)
def test_p26_decorator_form_set_name_exactly_once(decorator_form: Form) -> None:
    C, label = _p26(decorator_form)
    assert label.owners == [(C, "label")]
