"""P01-P08: what is inferred, plus warnings, strict mode and explain().

Every test runs in both public forms (``form`` fixture, see conftest.py).
"""

from __future__ import annotations

import os
import warnings
from typing import ClassVar

import pytest
from conftest import PLAIN, Form, bytes_per_instance, has_dict, line_of

from autoslots import AutoSlotsError, AutoSlotsWarning, explain

# --------------------------------------------------------------------------------------
# P01. No per-instance __dict__, unknown attributes rejected, smaller than the dict class.


# Every class in these tests is well-behaved: a class that keeps its __dict__ with a
# warning is a failure, except where a test expects the warning (pytest.warns).
pytestmark = pytest.mark.filterwarnings("error::autoslots.AutoSlotsWarning")


def _image(S: Form) -> type:
    @S
    class Image(*S.bases(), **S.kw):
        def __init__(self, id, caption, url):
            self.id = id
            self.caption = caption
            self.url = url
            self._setup()

        def _setup(self):
            self.thumb = self.url + "?thumb"

    return Image


def test_p01_no_instance_dict_and_unknown_attribute_rejected(form: Form) -> None:
    Image = _image(form)
    img = Image(1, "cat", "http://x/cat.png")
    assert (img.id, img.caption, img.url, img.thumb) == (1, "cat", "http://x/cat.png",
                                                           "http://x/cat.png?thumb")
    assert not has_dict(img)
    with pytest.raises(AttributeError):
        img.unknown = 1
    with pytest.raises(TypeError):
        vars(img)


def test_p01_smaller_than_the_dict_class(form: Form) -> None:
    Image, Plain = _image(form), _image(PLAIN)
    args = (1, "cat", "http://x/cat.png")
    slotted = bytes_per_instance(lambda: Image(*args), 5_000)
    plain = bytes_per_instance(lambda: Plain(*args), 5_000)
    # thumb is a fresh string per instance in both: the difference is the layout
    assert slotted < plain


# --------------------------------------------------------------------------------------
# P02. Attributes first assigned outside __init__ get slots (no annotations anywhere).


class _Resource:
    def __init__(self, value):
        self.value = value

    def __enter__(self):
        return self.value

    def __exit__(self, *exc):
        return False


def _everywhere(S: Form) -> type:
    @S
    class Everywhere(*S.bases(), **S.kw):
        def __init__(this, a):  # first parameter not named self
            this.a = a

        def later(self):
            self.from_method = "m"

        @property
        def temp(self):
            return self._temp

        @temp.setter
        def temp(self, value):
            self._temp = value

        def nested(self):
            def inner():
                self.from_nested = "n"

            inner()

        def unpack(self, pair):
            self.first, self.second = pair

        def starred(self, seq):
            self.head, *self.rest = seq

        def loop(self, items):
            for self.last in items:
                pass

        def enter(self):
            with _Resource("r") as self.resource:
                pass

        def aug(self):
            self.counter = 0
            self.counter += 5

        def lam(self):
            setter = lambda v: setattr(self, "from_lambda", v)  # noqa: E731
            setter("l")

    return Everywhere


def test_p02_attributes_assigned_outside_init_get_slots(form: Form) -> None:
    Everywhere = _everywhere(form)
    e = Everywhere(1)
    e.later()
    e.temp = 36.6
    e.nested()
    e.unpack((1, 2))
    e.starred([1, 2, 3])
    e.loop(["x", "y"])
    e.enter()
    e.aug()
    e.lam()
    assert e.a == 1
    assert e.from_method == "m"
    assert e.temp == 36.6 and e._temp == 36.6
    assert e.from_nested == "n"
    assert (e.first, e.second) == (1, 2)
    assert (e.head, e.rest) == (1, [2, 3])
    assert e.last == "y"
    assert e.resource == "r"
    assert e.counter == 5
    assert e.from_lambda == "l"
    assert not has_dict(e)
    with pytest.raises(AttributeError):
        e.not_an_attribute = 1


def _fill_geometry(obj, w, h):
    obj.width = w
    obj.height = h


class _Styler:
    @staticmethod
    def apply(target):
        target.style = "bold"


def test_p02_helpers_factories_and_other_assignment_forms(form: Form) -> None:
    @form
    class Widget(*form.bases()):
        def __init__(self, w, h):
            _fill_geometry(self, w, h)  # a module-level helper receives self
            _Styler.apply(self)  # a function of another class receives self
            self.label: str = "w"  # annotated assignment
            super().__setattr__("hidden", True)
            object.__setattr__(self, "raw", 0)

        @classmethod
        def blank(cls):
            obj = cls.__new__(cls)
            obj.width = obj.height = 0
            obj.made_blank = True
            return obj

    w = Widget(2, 3)
    assert (w.width, w.height, w.style, w.label, w.hidden, w.raw) == (2, 3, "bold", "w", True, 0)
    b = Widget.blank()
    assert (b.width, b.height, b.made_blank) == (0, 0, True)
    assert not has_dict(w)
    with pytest.raises(AttributeError):
        w.unknown = 1


def test_p02_unset_attribute_raises_attribute_error_like_plain(form: Form) -> None:
    Everywhere, Plain = _everywhere(form), _everywhere(PLAIN)
    for cls in (Everywhere, Plain):
        obj = cls(1)
        with pytest.raises(AttributeError):
            obj.from_method  # noqa: B018
        with pytest.raises(AttributeError):
            del obj.from_method


# --------------------------------------------------------------------------------------
# P03. Private names are mangled per class; each class keeps its own storage.


def test_p03_private_names_mangled_per_class(form: Form) -> None:
    @form
    class Acct(*form.bases()):
        def __init__(self):
            self.__secret = "acct"

        def acct_secret(self):
            return self.__secret

    @form
    class Sub(Acct):
        def __init__(self):
            super().__init__()
            self.__secret = "sub"

        def sub_secret(self):
            return self.__secret

    s = Sub()
    assert s.acct_secret() == "acct"
    assert s.sub_secret() == "sub"
    assert s._Acct__secret == "acct"
    assert s._Sub__secret == "sub"
    assert not has_dict(s)
    with pytest.raises(AttributeError):
        s.__secret = 1  # outside any class: the name is not mangled and is not a slot


def test_p03_mangling_with_leading_underscore_class_name(form: Form) -> None:
    @form
    class _Vault(*form.bases()):
        def __init__(self):
            self.__key = "k"

        def key(self):
            return self.__key

    v = _Vault()
    assert v.key() == "k" and v._Vault__key == "k"
    assert not has_dict(v)


# --------------------------------------------------------------------------------------
# P04. Class-level default that methods later assign on the instance.


def _counter(S: Form) -> type:
    @S
    class Counter(*S.bases(), **S.kw):
        count = 0

        def incr(self):
            self.count += 1

    return Counter


def test_p04_class_default_then_instance_assignment(form: Form) -> None:
    Counter = _counter(form)  # hand-written __slots__ would raise ValueError here
    a, b = Counter(), Counter()
    assert a.count == 0 and Counter.count == 0
    a.incr()
    a.incr()
    assert a.count == 2
    assert b.count == 0  # other instances still see the class value
    assert Counter.count == 0
    del a.count
    assert a.count == 0  # del falls back to the class value
    assert not has_dict(a)


def test_p04_del_of_never_assigned_like_plain(form: Form) -> None:
    for cls in (_counter(form), _counter(PLAIN)):
        obj = cls()
        with pytest.raises(AttributeError):
            del obj.count


# --------------------------------------------------------------------------------------
# P05. Annotated default that the user's __init__ never assigns.


def test_p05_annotated_default_not_assigned_by_init(form: Form) -> None:
    @form
    class Client(*form.bases()):
        retries: int = 3

        def __init__(self, host):
            self.host = host

        def more(self):
            self.retries += 1

    c, d = Client("a"), Client("b")
    assert c.retries == 3
    assert Client.retries == 3
    c.more()
    assert c.retries == 4
    assert d.retries == 3
    assert c.host == "a"
    assert not has_dict(c)


# --------------------------------------------------------------------------------------
# P06. ClassVar names, names written through type(self)/cls, names only read: class attrs.


def test_p06_shared_names_stay_class_attributes(form: Form) -> None:
    @form
    class Registry(*form.bases()):
        items: ClassVar[list] = []
        created = 0
        label = "default"

        def __init__(self, name):
            self.name = name
            type(self).created += 1
            self.items.append(name)

        @classmethod
        def reset(cls):
            cls.created = 0

        def describe(self):
            return f"{self.label}:{self.name}"

    a, b = Registry("a"), Registry("b")
    assert Registry.created == 2 and a.created == 2 and b.created == 2
    assert a.items is Registry.items and Registry.items == ["a", "b"]
    assert a.describe() == "default:a"
    Registry.label = "changed"  # a class attribute: every instance sees the change
    assert a.describe() == "changed:a" and b.label == "changed"
    Registry.reset()
    assert a.created == 0
    for name in ("items", "created", "label"):
        with pytest.raises(AttributeError):
            setattr(a, name, 1)  # not slots: the class never sets them on an instance
    assert not has_dict(a)


# --------------------------------------------------------------------------------------
# P07. self.celsius = c goes through a property: celsius is not a slot, _c is.


def test_p07_assignment_through_property(form: Form) -> None:
    calls = []

    @form
    class Temperature(*form.bases()):
        def __init__(self, c):
            self.celsius = c

        @property
        def celsius(self):
            return self._c

        @celsius.setter
        def celsius(self, value):
            calls.append(value)
            self._c = value

        @property
        def fahrenheit(self):
            return self._c * 9 / 5 + 32

    t = Temperature(100)
    assert calls == [100]
    assert t.celsius == 100 and t._c == 100 and t.fahrenheit == 212
    t.celsius = 0
    assert calls == [100, 0] and t.fahrenheit == 32
    assert isinstance(Temperature.__dict__["celsius"], property)
    assert not has_dict(t)


def test_p07_property_of_a_base_owns_the_name(form: Form) -> None:
    @form
    class Base(*form.bases()):
        @property
        def size(self):
            return self._size

        @size.setter
        def size(self, value):
            self._size = max(0, value)

    @form
    class Child(Base):
        def __init__(self, size):
            self.size = size

    c = Child(-5)
    assert c.size == 0 and c._size == 0
    assert "size" not in Child.__dict__  # the base's property still owns the name
    assert not has_dict(c)


# --------------------------------------------------------------------------------------
# P08. An instance assigns an attribute with the same name as a method.


def _runner(S: Form) -> type:
    @S
    class Runner(*S.bases(), **S.kw):
        def run(self):
            return "method"

        def override(self):
            self.run = lambda: "instance"

    return Runner


def test_p08_instance_value_shadows_method(form: Form) -> None:
    Runner = _runner(form)
    a, b = Runner(), Runner()
    assert a.run() == "method"
    a.override()
    assert a.run() == "instance"
    assert b.run() == "method"
    assert b.run.__self__ is b  # other instances still get a bound method
    assert Runner.run(b) == "method"
    del a.run
    assert a.run() == "method"  # del falls back to the method
    assert not has_dict(a)


def test_p08_like_plain_before_any_override(form: Form) -> None:
    for cls in (_runner(form), _runner(PLAIN)):
        obj = cls()
        with pytest.raises(AttributeError):
            del obj.run  # nothing set on the instance yet


# --------------------------------------------------------------------------------------
# No warnings for well-behaved classes; warnings and strict mode for unprovable ones.


def test_no_warning_for_well_behaved_classes(form: Form) -> None:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("error")
        _image(form)
        _everywhere(form)
        _counter(form)
        _runner(form)
    assert seen == []


def _dynamic(S: Form) -> type:
    @S
    class Dynamic(*S.bases(), **S.kw):
        def __init__(self, **fields):
            self.fixed = 1
            for name, value in fields.items():
                setattr(self, name, value)

    return Dynamic


def test_dynamic_setattr_warns_with_class_function_file_line(form: Form) -> None:
    with pytest.warns(AutoSlotsWarning) as record:
        Dynamic = _dynamic(form)
    messages = [str(w.message) for w in record if issubclass(w.category, AutoSlotsWarning)]
    lineno = line_of(Dynamic.__init__, "setattr(self, name, value)")
    assert any(
        "Dynamic" in m
        and "__init__" in m
        and os.path.basename(__file__) in m
        and str(lineno) in m
        for m in messages
    ), messages
    obj = Dynamic(a=1, b=2)  # the class keeps its __dict__ and works
    assert (obj.fixed, obj.a, obj.b) == (1, 1, 2)
    obj.anything = 3
    assert obj.anything == 3


def test_dynamic_setattr_strict_raises(form: Form) -> None:
    with pytest.raises(AutoSlotsError) as info, warnings.catch_warnings():
        warnings.simplefilter("ignore", AutoSlotsWarning)
        _dynamic(form.options(strict=True))
    assert "Dynamic" in str(info.value)
    assert isinstance(info.value, TypeError)


@pytest.mark.parametrize(
    "body",
    ["vars", "dunder_dict"],
)
def test_dict_access_keeps_dict_with_warning(form: Form, body: str) -> None:
    def build() -> type:
        if body == "vars":

            @form
            class Loose(*form.bases()):
                def __init__(self):
                    self.a = 1
                    vars(self).update(b=2)

        else:

            @form
            class Loose(*form.bases()):
                def __init__(self):
                    self.a = 1
                    self.__dict__["b"] = 2

        return Loose

    with pytest.warns(AutoSlotsWarning, match="Loose"):
        Loose = build()
    obj = Loose()
    assert (obj.a, obj.b) == (1, 2)


def test_explain_names_each_slot_and_its_function(form: Form) -> None:
    Image = _image(form)
    text = str(explain(Image))
    for slot in ("id", "caption", "url", "thumb"):
        assert slot in text
    assert "__init__" in text and "_setup" in text
    assert str(line_of(Image._setup, "self.thumb =")) in text
    assert str(line_of(Image.__init__, "self.caption =")) in text


def test_explain_reports_reason_for_kept_dict(form: Form) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AutoSlotsWarning)
        Dynamic = _dynamic(form)
    text = str(explain(Dynamic))
    assert "fixed" in text
    assert str(line_of(Dynamic.__init__, "setattr(self, name, value)")) in text


# --------------------------------------------------------------------------------------
# Options: extra= and dict=True.


def test_option_extra_adds_slots(form: Form) -> None:
    S = form.options(extra=("note", "tag"))

    @S
    class Item(*S.bases(), **S.kw):
        def __init__(self, name):
            self.name = name

    item = Item("a")
    item.note = "set from outside"
    item.tag = 1
    assert (item.name, item.note, item.tag) == ("a", "set from outside", 1)
    assert not has_dict(item)
    with pytest.raises(AttributeError):
        item.other = 1


def test_option_dict_keeps_dict_for_the_rest(form: Form) -> None:
    S = form.options(dict=True)

    @S
    class Item(*S.bases(), **S.kw):
        def __init__(self, name):
            self.name = name

    item = Item("a")
    item.other = 1
    assert vars(item) == {"other": 1}  # name lives in its slot
    assert item.name == "a"
