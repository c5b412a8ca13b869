"""Memory per instance: autoslots costs exactly what hand-written __slots__ costs.

For a 3-attribute and a 10-attribute class, in both public forms: an instance has the size
of the same class with hand-written ``__slots__`` (including ``__weakref__`` by default,
without it for ``weakref=False``), by ``sys.getsizeof`` and by tracemalloc over 20,000
instances, and is smaller than an instance of the plain (dict-based) class.
"""

from __future__ import annotations

import sys

import pytest
from conftest import PLAIN, Form, bytes_per_instance, has_dict

# Every class in these tests is well-behaved: a class that keeps its __dict__ with a
# warning is a failure, except where a test expects the warning (pytest.warns).
pytestmark = pytest.mark.filterwarnings("error::autoslots.AutoSlotsWarning")


N = 20_000
VALUES = tuple(object() for _ in range(10))  # shared values: only the instances are measured


def _three(S: Form) -> type:
    @S
    class Three(*S.bases(), **S.kw):
        def __init__(self, a, b, c):
            self.a = a
            self.b = b
            self.c = c

    return Three


def _ten(S: Form) -> type:
    @S
    class Ten(*S.bases(), **S.kw):
        def __init__(self, a, b, c, d, e, f, g, h, i, j):
            self.a = a
            self.b = b
            self.c = c
            self.d = d
            self.e = e
            self.f = f
            self.g = g
            self.h = h
            self.i = i
            self.j = j

    return Ten


def _hand_written(size: int, weakref: bool) -> type:
    names = "abcdefghij"[:size]
    slots = tuple(names) + (("__weakref__",) if weakref else ())

    def __init__(self, *values):
        for name, value in zip(names, values):
            setattr(self, name, value)

    return type(f"Hand{size}", (), {"__slots__": slots, "__init__": __init__})


BUILDERS = {3: _three, 10: _ten}
CASES = [(3, True), (10, True), (3, False), (10, False)]
IDS = ["3-attrs", "10-attrs", "3-attrs-noweakref", "10-attrs-noweakref"]


def _classes(form: Form, size: int, weakref: bool) -> tuple[type, type, type]:
    S = form if weakref else form.options(weakref=False)
    return BUILDERS[size](S), _hand_written(size, weakref), BUILDERS[size](PLAIN)


@pytest.mark.parametrize(("size", "weakref"), CASES, ids=IDS)
def test_getsizeof_equals_hand_written(form: Form, size: int, weakref: bool) -> None:
    Auto, Hand, _ = _classes(form, size, weakref)
    args = VALUES[:size]
    auto, hand = Auto(*args), Hand(*args)
    assert not has_dict(auto)
    assert sys.getsizeof(auto) == sys.getsizeof(hand)
    assert type(auto).__basicsize__ == Hand.__basicsize__
    assert [getattr(auto, n) for n in "abcdefghij"[:size]] == list(args)


@pytest.mark.parametrize(("size", "weakref"), CASES, ids=IDS)
def test_tracemalloc_equals_hand_written(form: Form, size: int, weakref: bool) -> None:
    Auto, Hand, _ = _classes(form, size, weakref)
    args = VALUES[:size]
    auto = bytes_per_instance(lambda: Auto(*args), N)
    hand = bytes_per_instance(lambda: Hand(*args), N)
    assert abs(auto - hand) <= 1, (auto, hand)


@pytest.mark.parametrize(("size", "weakref"), CASES, ids=IDS)
def test_smaller_than_plain_class(form: Form, size: int, weakref: bool) -> None:
    Auto, _, Plain = _classes(form, size, weakref)
    args = VALUES[:size]
    auto = bytes_per_instance(lambda: Auto(*args), N)
    plain = bytes_per_instance(lambda: Plain(*args), N)
    assert auto < plain, (auto, plain)


def test_weakref_false_saves_memory(form: Form) -> None:
    with_ref, _, _ = _classes(form, 3, True)
    without, _, _ = _classes(form, 3, False)
    args = VALUES[:3]
    assert sys.getsizeof(without(*args)) < sys.getsizeof(with_ref(*args))
    assert bytes_per_instance(lambda: without(*args), N) < bytes_per_instance(
        lambda: with_ref(*args), N
    )
