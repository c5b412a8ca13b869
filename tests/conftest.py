"""Shared fixtures for the behaviour tests: the ``form`` fixture and small measuring helpers.

Every pitfall is tested in both public forms of autoslots:

- ``decorator``: ``@autoslots`` (or ``@autoslots(**options)``) on a plain class statement;
- ``base``: ``class C(AutoSlots, **options)`` -- the metaclass builds the class once.

A test writes its class once, in a way that reads like ordinary user code::

    def test_something(form):
        @form
        class C(*form.bases()):
            def __init__(self):
                self.x = 1

and, with options, ``S = form.options(weakref=False)`` then ``@S`` /
``class C(*S.bases(), **S.kw)``.  ``PLAIN`` is the same helper doing nothing, to build the
dict-based twin of a class for "as the plain class" comparisons.
"""

from __future__ import annotations

import gc
import inspect
import sys
import tracemalloc
import typing
from typing import Any, Callable, Dict, Tuple

import pytest

FORMS = ("decorator", "base")


class Form:
    """Turns a class statement into an autoslotted class in one of the public forms."""

    def __init__(self, kind: str, options: Dict[str, Any] | None = None) -> None:
        self.kind = kind
        self.opts: Dict[str, Any] = dict(options or {})

    def __repr__(self) -> str:
        return f"Form({self.kind!r}, {self.opts!r})"

    @property
    def is_decorator(self) -> bool:
        return self.kind == "decorator"

    @property
    def is_base(self) -> bool:
        return self.kind == "base"

    def options(self, **options: Any) -> Form:
        """The same form with autoslots options (decorator arguments / class keywords)."""
        return Form(self.kind, {**self.opts, **options})

    def bases(self, *bases: Any) -> Tuple[Any, ...]:
        """The bases to write in the class statement: AutoSlots is added in the base form."""
        if self.kind != "base":
            return bases
        from autoslots import AutoSlots, AutoSlotsMeta

        for base in bases:
            origin = typing.get_origin(base) or base
            if isinstance(origin, AutoSlotsMeta):
                return bases
        return (*bases, AutoSlots)

    @property
    def kw(self) -> Dict[str, Any]:
        """Class keywords to write in the class statement (the options, in the base form)."""
        return dict(self.opts) if self.kind == "base" else {}

    def __call__(self, cls: type) -> Any:
        """The class decorator to write above the class statement."""
        if self.kind == "decorator":
            from autoslots import autoslots

            if self.opts:
                return autoslots(**self.opts)(cls)
            return autoslots(cls)
        if self.kind == "base":
            from autoslots import AutoSlotsMeta

            assert isinstance(cls, AutoSlotsMeta), "base-form class built without AutoSlots"
        return cls

    def publish(self, cls: type, name: str | None = None) -> type:
        """Make a class built inside a test function picklable by reference.

        The class gets a unique module-level ``__qualname__`` and is stored under it in its
        module (pickle looks classes up by module and qualified name).
        """
        public = f"{name or cls.__name__}_{self.kind}"
        cls.__qualname__ = public
        setattr(sys.modules[cls.__module__], public, cls)
        return cls


PLAIN = Form("plain")


@pytest.fixture(params=FORMS)
def form(request: pytest.FixtureRequest) -> Form:
    """The public form under test: ``"decorator"`` or ``"base"``."""
    return Form(request.param)


@pytest.fixture
def decorator_form() -> Form:
    return Form("decorator")


@pytest.fixture
def base_form() -> Form:
    return Form("base")


def has_dict(obj: object) -> bool:
    """Whether the instance has a per-instance ``__dict__``."""
    try:
        object.__getattribute__(obj, "__dict__")
    except AttributeError:
        return False
    return True


def line_of(func: Callable[..., Any], text: str) -> int:
    """The line number (in its file) of the first source line of ``func`` containing ``text``."""
    lines, first = inspect.getsourcelines(func)
    for offset, line in enumerate(lines):
        if text in line:
            return first + offset
    raise AssertionError(f"{text!r} not found in the source of {func!r}")


def bytes_per_instance(factory: Callable[[], object], n: int = 20_000) -> float:
    """Memory held per live instance made by ``factory``, measured with tracemalloc.

    The list that keeps the instances alive is allocated before tracing starts, so only
    the instances (and whatever they allocate) are counted.
    """
    keep: list[object] = [None] * n
    factory()  # warm up: caches, specialisation, lazily built type data
    gc.collect()
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(n):
            keep[i] = factory()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        if not was_tracing:
            tracemalloc.stop()
    del keep
    return (after - before) / n
