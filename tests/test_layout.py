"""Layout planning (autoslots._layout): what goes into __slots__, from hand-made inferences.

These tests do not depend on the inference engines: each builds an ``Inference`` by hand
and checks the plan, then (where it matters) that the planned class really works.
"""

from __future__ import annotations

import functools
import itertools
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
