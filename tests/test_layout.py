"""Layout planning (autoslots._layout): what goes into __slots__, from hand-made inferences.

These tests do not depend on the inference engines: each builds an ``Inference`` by hand
and checks the plan, then (where it matters) that the planned class really works.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import warnings
from typing import Any, Dict, Iterable, Tuple

import pytest

from autoslots import AutoSlotsError
from autoslots._infer import Inference
from autoslots._layout import (
    Plan,
    check_layout,
    declared_slots,
    get_record,
    mangle,
    plan_layout,
    storage_name,
)
from autoslots._model import Reason, Site
from autoslots._options import Options

SITE = Site("C.__init__", __file__, 1)


def inference(*names: str, reasons: int = 0, cached: Iterable[str] = ()) -> Inference:
    return Inference(
        "C",
        "C",
        __name__,
        slots={name: [SITE] for name in names},
        cached_properties=list(cached),
        reasons=[Reason(SITE, "something unprovable")] * reasons,
    )


def plan(
    *names: str,
    bases: Tuple[type, ...] = (),
    namespace: Dict[str, Any] | None = None,
    options: Options | None = None,
    **kw: Any,
) -> Plan:
    return plan_layout(
        "C", bases, namespace or {}, inference(*names, **kw), options or Options()
    )


def test_plain_names_and_weakref() -> None:
    p = plan("a", "b")
    assert p.slots == ("a", "b", "__weakref__")
    assert not p.keeps_dict and p.weakref and p.storage == {}


def test_weakref_false() -> None:
    p = plan("a", options=Options(weakref=False))
    assert p.slots == ("a",) and not p.weakref


def test_names_a_base_provides_are_not_declared_again() -> None:
    class Base:
        __slots__ = ("__weakref__", "x")

    p = plan("x", "y", bases=(Base,))
    assert p.slots == ("y",)  # no second __weakref__ either
    assert p.inherited == {Base.__qualname__: ("x",)} and p.weakref


def test_dict_base_keeps_dict_and_slots_own_names() -> None:
    class Base:
        pass

    p = plan("y", bases=(Base,))
    assert p.keeps_dict and p.slots == ("y",)
    assert p.dict_because == [f"base {Base.__qualname__} has a __dict__"]


def test_dict_option() -> None:
    p = plan("a", options=Options(dict=True))
    assert p.slots == ("a", "__dict__", "__weakref__") and p.dict_because == ["dict=True"]


def test_unproven_keeps_dict_without_inferred_slots() -> None:
    p = plan("a", reasons=1, options=Options(extra=("e",)))
    assert p.keeps_dict and p.slots == ("e", "__dict__", "__weakref__")
    assert "cannot be proven" in p.dict_because[0]
    with_dict = plan("a", reasons=1, options=Options(dict=True))
    assert with_dict.slots == ("a", "__dict__", "__weakref__")


def test_explicit_slots_are_merged_and_mangled() -> None:
    namespace = {"__slots__": ("cache", "__secret")}
    p = plan("a", namespace=namespace)
    # A declared layout gets no __weakref__ slot its author did not list.
    assert p.slots == ("cache", "_C__secret", "a")
    listed = plan("a", namespace={"__slots__": ("cache", "__weakref__")})
    assert listed.slots == ("cache", "a", "__weakref__") and listed.weakref
    assert declared_slots({"__slots__": "one"}, "C") == ("one",)
    assert mangle("__x", "_C") == "_C__x" and mangle("__x__", "C") == "__x__"
    assert mangle("__x", "__") == "__x"


def test_explicit_slots_make_unproven_class_keep_its_layout() -> None:
    p = plan("a", reasons=1, namespace={"__slots__": ("a",)})
    assert not p.keeps_dict and p.slots == ("a",)


def test_class_level_value_gets_a_storage_slot() -> None:
    def run(self: Any) -> None:
        pass

    p = plan("count", "run", "plain", namespace={"count": 0, "run": run})
    assert p.storage == {"count": storage_name("count"), "run": storage_name("run")}
    assert p.defaults == {"count": 0, "run": run}
    assert p.slots == (storage_name("count"), storage_name("run"), "plain", "__weakref__")


def test_property_owns_its_name() -> None:
    p = plan("celsius", "_c", namespace={"celsius": property(lambda self: 1)})
    assert p.slots == ("_c", "__weakref__") and p.storage == {}


def test_cached_property_caches_in_a_slot() -> None:
    prop = functools.cached_property(lambda self: 1)
    p = plan(namespace={"area": prop}, cached=("area",))
    assert p.cached == {"area": prop} and p.storage == {"area": storage_name("area")}
    assert p.slots == (storage_name("area"), "__weakref__")
    kept = plan(namespace={"area": prop}, cached=("area",), options=Options(dict=True))
    assert kept.cached == {} and storage_name("area") not in kept.slots


def test_unmangleable_runtime_name_goes_to_storage() -> None:
    p = plan("__z")  # setattr(self, "__z", v): stored unmangled at run time
    assert p.storage == {"__z": storage_name("__z")}


def test_mixin_declares_nothing() -> None:
    p = plan("a", reasons=1, options=Options(mixin=True))
    assert p.slots == () and not p.keeps_dict


@pytest.mark.parametrize("builtin", [int, bytes, tuple])
def test_variable_size_builtin(builtin: type) -> None:
    class Sub(builtin):  # type: ignore[misc,valid-type]
        pass

    assert plan(bases=(builtin,)).slots == ()
    with pytest.raises(AutoSlotsError, match="cannot have non-empty"):
        plan("a", bases=(builtin,))


def test_layout_conflict_names_both_bases_and_suggests_mixin() -> None:
    class Left:
        __slots__ = ("left",)

    class Right:
        __slots__ = ("right",)

    with pytest.raises(AutoSlotsError) as info:
        plan("x", bases=(Left, Right))
    message = str(info.value)
    for needed in ("Left", "Right", "left", "right", "mixin=True"):
        assert needed in message


def _shapes() -> list[type]:
    class Empty:
        __slots__ = ()

    class WeakOnly:
        __slots__ = ("__weakref__",)

    class DictOnly:
        __slots__ = ("__dict__",)

    class One:
        __slots__ = ("a",)

    class Two:
        __slots__ = ("b",)

    class Plain:
        pass

    class OneChild(One):
        __slots__ = ("c",)

    class OneWeak(One):
        __slots__ = ("__weakref__",)

    class PlainChild(Plain):
        __slots__ = ("d",)

    return [Empty, WeakOnly, DictOnly, One, Two, Plain, OneChild, OneWeak, PlainChild,
            int, tuple, Exception, dict]


def test_conflict_check_agrees_with_type() -> None:
    """The emulated check refuses exactly the base pairs that type() refuses."""
    for first, second in itertools.permutations(_shapes(), 2):
        try:
            type("Probe", (first, second), {})
            python_ok = True
        except TypeError as exc:
            python_ok = "lay-out" not in str(exc)
        try:
            check_layout("Probe", (first, second))
            ours_ok = True
        except AutoSlotsError:
            ours_ok = False
        assert ours_ok == python_ok, (first, second)


def test_get_record_is_own_only() -> None:
    class Plain:
        pass

    assert get_record(Plain) is None
    assert get_record(int) is None


# -- the fast lane for plain bases computes what the general steps compute --------------


def _plain_roots() -> list[type]:
    from autoslots import AutoSlots

    class EmptyRoot:
        __slots__ = ()

        def __repr__(self) -> str:
            return "root"

    class EmptyChild(EmptyRoot):
        __slots__ = ()
        __doc__ = "child"

    return [object, AutoSlots, EmptyRoot, EmptyChild]


stale = type("Stale", (), {"__slots__": ("m",)}).__dict__["m"]


def _bodies() -> Iterable[Tuple[Dict[str, Any], Tuple[str, ...]]]:
    """Class bodies (namespaces) with the names their inference finds."""

    def method(self: Any) -> None:
        pass

    prop = property(lambda self: 1)
    cached = functools.cached_property(lambda self: 2)
    pieces: Dict[str, Tuple[Dict[str, Any], Tuple[str, ...]]] = {
        "plain": ({}, ("a", "b")),
        "many": ({}, ("e", "f", "g", "h", "i", "j")),  # (the plain lane's set tests)
        "method": ({"run": method}, ("run",)),
        "default": ({"a": 1, "m": method}, ("a",)),
        "values": ({"t": (1,), "n": None, "s": "x", "k": int}, ("t", "n", "k")),
        "methods": ({"cm": classmethod(method), "sm": staticmethod(method)}, ("cm",)),
        "property": ({"p": prop}, ("p", "_p")),
        "cached": ({"c": cached}, ("c",)),
        "cached_unset": ({"k": cached}, ()),
        "mangle": ({}, ("__z", "_C__y")),
        "dunder": ({"__eq__": method}, ("__eq__", "__hash__", "__class__")),
        "special": ({}, ("__dict__", "__weakref__")),
        "stale": ({"m": stale}, ("m",)),
        "object_name": ({}, ("__doc__", "__module__")),
        "dataclass": ({"__dataclass_fields__": {}}, ("d",)),
    }
    for size in (1, 2, 3):
        for combo in itertools.combinations(sorted(pieces), size):
            namespace: Dict[str, Any] = {"__module__": __name__, "__qualname__": "C"}
            names: Tuple[str, ...] = ()
            for piece in combo:
                namespace.update(pieces[piece][0])
                names += pieces[piece][1]
            yield namespace, names


def test_plain_lane_matches_the_general_steps() -> None:
    from autoslots._classes import static_mro
    from autoslots._layout import (
        _plan_general,  # pyright: ignore[reportPrivateUsage]
        _plan_plain,  # pyright: ignore[reportPrivateUsage]
        plain_mro,
    )

    compared = 0
    for root in _plain_roots():
        mro = static_mro((root,))
        assert plain_mro(mro), root
        for namespace, names in _bodies():
            for reasons in (0, 1):
                for options in (Options(), Options(weakref=False), Options(strict=True)):
                    found = inference(*names, reasons=reasons)
                    fast = _plan_plain("C", mro, namespace, found, options)
                    general = _plan_general("C", (root,), namespace, found, options)
                    if fast is None:  # (left to the general steps)
                        assert "m" in namespace and type(namespace["m"]) is type(stale)
                        continue
                    assert fast == general, (root, namespace, names, reasons, options)
                    compared += 1
    assert compared > 1000


def test_plain_mro_refuses_bases_that_bear_on_the_plan() -> None:
    from autoslots import autoslots
    from autoslots._classes import static_mro
    from autoslots._layout import plain_mro

    class WithDict:
        pass

    class Slotted:
        __slots__ = ("a",)

    class Cached:
        __slots__ = ()
        x = functools.cached_property(lambda self: 1)

    class NamedMethod:
        __slots__ = ()

        def run(self) -> None:
            pass

    @autoslots(mixin=True)
    class Mixin:
        __slots__ = ()

    with warnings.catch_warnings():  # (newer versions: "non-string key in the __dict__")
        warnings.simplefilter("ignore", RuntimeWarning)
        odd_key = type("OddKey", (), {"__slots__": (), 1: 2})
    bases = (WithDict, Slotted, Cached, NamedMethod, Mixin, odd_key, int, tuple, Exception, dict)
    for base in bases:
        assert not plain_mro(static_mro((base,))), base


def test_plain_lane_matches_over_standard_library_classes() -> None:
    import argparse
    import collections
    import email.message
    import fractions
    import json.decoder
    import logging
    import string
    import threading

    from autoslots._build import clean_namespace
    from autoslots._classes import static_mro
    from autoslots._infer import infer_class
    from autoslots._layout import (
        _plan_general,  # pyright: ignore[reportPrivateUsage]
        _plan_plain,  # pyright: ignore[reportPrivateUsage]
        plain_mro,
    )

    compared = 0
    modules = (argparse, collections, email.message, fractions, json.decoder, logging,
               string, threading, functools)
    for module in modules:
        for value in vars(module).values():
            if not isinstance(value, type) or not value.__flags__ & (1 << 9):
                continue
            bases = value.__bases__
            mro = static_mro(bases)
            if len(bases) != 1 or not plain_mro(mro):
                continue
            namespace = clean_namespace(value)
            if "__slots__" in namespace:
                namespace.pop("__slots__")
            found = infer_class(value)
            for options in (Options(), Options(weakref=False)):
                try:
                    fast: object = _plan_plain(value.__name__, mro, namespace, found, options)
                except AutoSlotsError as exc:
                    fast = str(exc)
                if fast is None:
                    continue  # (left to the general steps)
                try:
                    general: object = _plan_general(
                        value.__name__, bases, namespace, found, options
                    )
                except AutoSlotsError as exc:
                    general = str(exc)
                assert fast == general, value
                compared += 1
    assert compared > 50


def test_plain_lane_leaves_odd_namespace_keys_to_the_general_steps() -> None:
    from autoslots import autoslots
    from autoslots._layout import _plan_plain  # pyright: ignore[reportPrivateUsage]

    namespace: Dict[Any, Any] = {"__module__": __name__, 1: 2}
    assert _plan_plain("C", (object,), namespace, inference("a"), Options()) is None
    with pytest.raises(AttributeError):
        plan("a", bases=(object,), namespace=namespace)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        odd = type("Odd", (), {1: 2, "__init__": lambda self: setattr(self, "a", 1)})
    with pytest.raises(AttributeError):
        autoslots(odd)


def test_plain_lane_leaves_other_values_to_the_general_steps() -> None:
    """Values whose descriptor check may run code take the general steps (and their
    errors)."""
    from autoslots._layout import _plan_plain  # pyright: ignore[reportPrivateUsage]

    class Meta(type):
        def __getattr__(cls, name: str) -> Any:
            raise RuntimeError(f"asked for {name}")

    class Odd(metaclass=Meta):
        pass

    namespace = {"__module__": __name__, "odd": Odd()}
    assert _plan_plain("C", (object,), namespace, inference("a"), Options()) is None
    with pytest.raises(RuntimeError, match="asked for __set__"):
        plan("a", bases=(object,), namespace=namespace)


def test_static_mro_is_what_type_makes() -> None:
    """The quick cases (``object``, one base) and C3 for several bases."""
    import abc

    from autoslots._classes import static_mro

    class A:
        pass

    class B(A):
        pass

    class M(type):
        pass

    class WithMeta(metaclass=M):
        pass

    for bases in ((object,), (A,), (B,), (abc.ABC,), (WithMeta,), (A, abc.ABC), (B, int)):
        assert static_mro(bases) == type("C", bases, {}).__mro__[1:], bases
    assert static_mro((object,)) is object.__mro__


def test_record_is_the_frozen_dataclass_it_declares() -> None:
    """Record's own ``__init__`` (cheaper than the frozen dataclass's) makes the same
    record."""
    import dataclasses

    from autoslots._layout import Record

    options, found, plan_ = Options(), inference("a"), Plan(("a",))
    record = Record(options, found, plan_)
    assert (record.options, record.inference, record.plan) == (options, found, plan_)
    assert vars(record) == {"options": options, "inference": found, "plan": plan_}
    assert [f.name for f in dataclasses.fields(Record)] == ["options", "inference", "plan"]
    assert record == Record(options=options, inference=found, plan=plan_)
    assert record != Record(options, found, Plan(()))
    assert dataclasses.replace(record, plan=Plan(())).plan == Plan(())
    assert repr(record) == f"Record(options={options!r}, inference={found!r}, plan={plan_!r})"
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.plan = plan_  # type: ignore[misc]


def test_options_updated_is_a_checked_frozen_copy() -> None:
    base = Options()
    new = base.updated("C", {"weakref": False, "extra": ["a", "a", "b"], "strict": True})
    assert new == Options(weakref=False, extra=("a", "b"), strict=True)
    assert hash(new) == hash(Options(weakref=False, extra=("a", "b"), strict=True))
    assert base == Options()  # (unchanged)
    with pytest.raises(dataclasses.FrozenInstanceError):
        new.weakref = True  # type: ignore[misc]
    with pytest.raises(AutoSlotsError, match="C: autoslots option dict= takes True or False"):
        base.updated("C", {"dict": 1})
    with pytest.raises(AutoSlotsError, match="C: unknown autoslots option 'slots'"):
        base.updated("C", {"slots": True})
