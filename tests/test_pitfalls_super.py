"""P09-P16: zero-argument super() and __class__ keep working after the class is built.

In the decorator form the class is rebuilt, so every ``__class__`` cell must point at the
returned class; the base form builds once.  Every test runs in both forms.
"""

from __future__ import annotations

import contextlib
import functools
import warnings

from conftest import Form, has_dict

from autoslots import AutoSlotsWarning

# --------------------------------------------------------------------------------------
# P09. Zero-argument super() in a plain method of a decorated subclass of a decorated base.


def test_p09_super_in_plain_method(form: Form) -> None:
    @form
    class Base(*form.bases()):
        def __init__(self, name):
            self.name = name

        def greet(self):
            return f"base {self.name}"

    @form
    class Child(Base):
        def __init__(self, name, age):
            super().__init__(name)
            self.age = age

        def greet(self):
            return "child+" + super().greet()

    c = Child("ann", 3)
    assert c.greet() == "child+base ann"
    assert (c.name, c.age) == ("ann", 3)
    assert not has_dict(c)


def test_p09_three_levels(form: Form) -> None:
    @form
    class A(*form.bases()):
        def who(self):
            return ["A"]

    @form
    class B(A):
        def who(self):
            return ["B", *super().who()]

    @form
    class C(B):
        def who(self):
            return ["C", *super().who()]

    assert C().who() == ["C", "B", "A"]
    assert B().who() == ["B", "A"]


# --------------------------------------------------------------------------------------
# P10. __class__ in a method is the final class.


def test_p10_dunder_class_is_final_class(form: Form) -> None:
    @form
    class C(*form.bases()):
        def which(self):
            return __class__

        def make_another(self):
            return __class__()

    c = C()
    assert c.which() is C
    assert type(c.make_another()) is C
    assert type(c) is C


# --------------------------------------------------------------------------------------
# P11. __class__ only inside a lambda, a generator, a comprehension, a nested function.


def _base(form: Form) -> type:
    @form
    class Base(*form.bases()):
        def value(self):
            return 1

    return Base


def test_p11_dunder_class_only_in_lambda(form: Form) -> None:
    @form
    class ViaLambda(_base(form)):
        def value(self):
            get = lambda: super(__class__, self).value() + 10  # noqa: E731
            return get()

        def cls(self):
            return (lambda: __class__)()

    v = ViaLambda()
    assert v.value() == 11
    assert v.cls() is ViaLambda


def test_p11_dunder_class_only_in_generator(form: Form) -> None:
    @form
    class ViaGenerator(_base(form)):
        def values(self):
            yield super(__class__, self).value() + 20  # noqa: UP008
            yield __class__

    assert list(ViaGenerator().values()) == [21, ViaGenerator]


def test_p11_dunder_class_only_in_comprehension(form: Form) -> None:
    @form
    class ViaComprehension(_base(form)):
        def values(self):
            return [super(__class__, self).value() + i for i in range(2)]

        def classes(self):
            return {k: __class__ for k in "ab"}

    v = ViaComprehension()
    assert v.values() == [1, 2]
    assert v.classes() == {"a": ViaComprehension, "b": ViaComprehension}


def test_p11_nested_function_calls_super_with_dunder_class(form: Form) -> None:
    @form
    class ViaNested(_base(form)):
        def value(self):
            def inner():
                return super(__class__, self).value() + 30

            return inner()

    assert ViaNested().value() == 31


# --------------------------------------------------------------------------------------
# P12. super()/__class__ only inside a classmethod (B1) or only inside a staticmethod (B2).


def test_p12_super_only_in_classmethod(form: Form) -> None:
    @form
    class Base(*form.bases()):
        @classmethod
        def create(cls):
            return cls()

        def __init__(self):
            self.made_by = "base"

    @form
    class Child(Base):
        @classmethod
        def create(cls):
            obj = super().create()
            obj.made_by = "child"
            return obj

    c = Child.create()
    assert type(c) is Child
    assert c.made_by == "child"
    assert not has_dict(c)


def test_p12_dunder_class_only_in_staticmethod(form: Form) -> None:
    @form
    class Base(*form.bases()):
        def hello(self):
            return "base"

    @form
    class Child(Base):
        @staticmethod
        def me():
            return __class__

        @staticmethod
        def parent_hello(obj):
            return super(__class__, obj).hello()  # noqa: UP008

        def hello(self):
            return "child"

    assert Child.me() is Child
    assert Child.parent_hello(Child()) == "base"


# --------------------------------------------------------------------------------------
# P13. The only __class__ user is a property setter.


def test_p13_super_only_in_property_setter(form: Form) -> None:
    @form
    class Base(*form.bases()):
        def validate(self, value):
            return int(value)

    @form
    class Child(Base):
        def __init__(self, value):
            self.value = value

        @property
        def value(self):
            return self._value

        @value.setter
        def value(self, v):
            self._value = super().validate(v) * 2

    c = Child("21")
    assert c.value == 42
    c.value = "1"
    assert c.value == 2 and c._value == 2
    assert not has_dict(c)


# --------------------------------------------------------------------------------------
# P14 / P15. The only __class__ user is a decorated method (with and without functools.wraps).


def logged_with_wraps(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return "logged:" + func(*args, **kwargs)

    return wrapper


def logged_without_wraps(func):
    def wrapper(*args, **kwargs):
        return "plain-logged:" + func(*args, **kwargs)

    return wrapper


def _greeter(form: Form) -> type:
    @form
    class Greeter(*form.bases()):
        def __init__(self, name):
            self.name = name

        def greet(self):
            return f"hi {self.name}"

    return Greeter


def test_p14_super_in_functools_wraps_decorated_method(form: Form) -> None:
    @form
    class Child(_greeter(form)):
        @logged_with_wraps
        def greet(self):
            return "child+" + super().greet()

    assert Child("bo").greet() == "logged:child+hi bo"
    assert Child.greet.__wrapped__.__name__ == "greet"


def test_p15_super_in_method_decorated_without_wraps(form: Form) -> None:
    @form
    class Child(_greeter(form)):
        @logged_without_wraps
        def greet(self):
            return "child+" + super().greet()

    assert Child("bo").greet() == "plain-logged:child+hi bo"


def test_p15_dunder_class_in_doubly_wrapped_method(form: Form) -> None:
    @form
    class Child(_greeter(form)):
        @logged_with_wraps
        @logged_without_wraps
        def greet(self):
            return __class__.__name__ + "+" + super().greet()

    assert Child("bo").greet() == "logged:plain-logged:Child+hi bo"


def test_p14_attributes_set_in_wraps_decorated_method_get_slots(form: Form) -> None:
    @form
    class Child(_greeter(form)):
        @logged_with_wraps
        def greet(self):
            self.greeted = True
            return "child+" + super().greet()

    c = Child("bo")
    assert c.greet() == "logged:child+hi bo" and c.greeted is True
    assert not has_dict(c)


def test_p15_attributes_set_in_method_decorated_without_wraps_work(form: Form) -> None:
    # The wrapped function is reachable only through the wrapper's closure: the contract
    # allows either a slot or a kept __dict__ with a warning, never a broken class.
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always", AutoSlotsWarning)

        @form
        class Child(_greeter(form)):
            @logged_without_wraps
            def greet(self):
                self.greeted = True
                return "child+" + super().greet()

    c = Child("bo")
    assert c.greet() == "plain-logged:child+hi bo" and c.greeted is True
    warned = [w for w in record if issubclass(w.category, AutoSlotsWarning)]
    if warned:
        assert has_dict(c) and "Child" in str(warned[0].message)
    else:
        assert not has_dict(c)


# --------------------------------------------------------------------------------------
# P16. super() inside a @contextlib.contextmanager method.


def test_p16_super_in_contextmanager_method(form: Form) -> None:
    @form
    class Base(*form.bases()):
        @contextlib.contextmanager
        def session(self):
            yield "base"

    @form
    class Child(Base):
        def __init__(self):
            self.used = False

        @contextlib.contextmanager
        def session(self):
            with super().session() as s:
                self.used = True
                yield s + "+child"

    c = Child()
    with c.session() as value:
        assert value == "base+child"
    assert c.used is True
    assert not has_dict(c)
