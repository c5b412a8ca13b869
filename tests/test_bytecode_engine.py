"""Tests for the bytecode inference engine (autoslots._bytecode), on every supported CPython."""

from __future__ import annotations

import argparse
import asyncio.locks
import contextlib
import dataclasses
import functools
import inspect
import json.decoder
import os
import sys
import types
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

from autoslots import _bytecode
from autoslots._bytecode import scan
from autoslots._model import CalleeRef, CodeFacts, EngineUnsupported

PY310 = sys.version_info >= (3, 10)


# --------------------------------------------------------------------------- helpers
def facts(
    fn: Any,
    *,
    factory: Optional[str] = None,
    tracked: Optional[frozenset[str]] = None,
    globals_: Optional[Dict[str, object]] = None,
) -> CodeFacts:
    """Scan a function (or classmethod/staticmethod/property getter) like the driver does."""
    if isinstance(fn, (classmethod, staticmethod)):
        fn = fn.__func__
    if isinstance(fn, property):
        fn = fn.fget
    code = fn.__code__
    if tracked is None:
        tracked = frozenset() if factory else frozenset({code.co_varnames[0]})
    return scan(
        code,
        tracked=tracked,
        qualname=fn.__qualname__,
        globals_=fn.__globals__ if globals_ is None else globals_,
        factory=factory,
    )


def line_of(fn: Any, text: str) -> int:
    """The line number of the first source line of ``fn`` that contains ``text``."""
    lines, start = inspect.getsourcelines(fn)
    for i, line in enumerate(lines):
        if text in line:
            return start + i
    raise AssertionError(f"{text!r} not in the source of {fn}")


def compiled(src: str, name: str, extra: Optional[Dict[str, object]] = None) -> Any:
    """A function defined by source text (for syntax that must not reach 3.9's parser)."""
    ns: Dict[str, object] = dict(extra or {})
    exec(compile(src, f"<{name}>", "exec"), ns)
    return ns[name]


def reasons(f: CodeFacts) -> List[str]:
    return [r.what for r in f.reasons]


def helper(obj: Any, *args: Any, **kwargs: Any) -> None:
    pass


class Other:
    def meth(self, obj: Any) -> None:
        pass


class Base:
    pass


set_alias = object.__setattr__


# --------------------------------------------------------------------------- assignment forms
class Forms:
    def plain(self, v):
        self.x = v

    def annotated(self, v):
        self.y: int = v

    def augmented(self, v):
        self.a += v
        self.b -= v
        self.c *= v
        self.d |= v
        self.e **= v
        self.f //= v
        self.g @= v
        self.h >>= v

    def tuple_unpack(self, pair):
        self.p, self.q = pair

    def nested_unpack(self, v):
        (self.p, (self.q, self.r)), self.s = v

    def starred(self, seq):
        self.head, *self.rest, self.last = seq

    def for_target(self, items):
        for self.i in items:
            pass

    def for_tuple_target(self, items):
        for self.k, self.v in items:
            pass

    def with_target(self, cm):
        with cm as self.f:
            pass

    def with_tuple_target(self, cm):
        with cm as (self.w1, self.w2):
            pass

    def delete(self):
        del self.gone

    def chained(self, v):
        self.m = self.n = v

    def attr_of_attr(self, v):
        self.inner.deep = v

    def __mangled(self):
        pass

    def mangled(self):
        self.__secret = 1
        self.__dunder__ = 2


def test_plain_assignment_and_line() -> None:
    f = facts(Forms.plain)
    assert sorted(f.writes) == ["x"]
    (site,) = f.writes["x"]
    assert site.function == "Forms.plain"
    assert site.filename == __file__
    assert site.lineno == line_of(Forms.plain, "self.x = v")
    assert f.reads == {} and f.escapes == [] and f.reasons == []


def test_annotated_assignment() -> None:
    assert sorted(facts(Forms.annotated).writes) == ["y"]


def test_augmented_assignment_reads_and_writes() -> None:
    f = facts(Forms.augmented)
    assert sorted(f.writes) == list("abcdefgh")
    assert sorted(f.reads) == list("abcdefgh")
    assert f.writes["a"][0].lineno == line_of(Forms.augmented, "self.a += v")


def test_tuple_unpacking() -> None:
    assert sorted(facts(Forms.tuple_unpack).writes) == ["p", "q"]


def test_nested_unpacking() -> None:
    assert sorted(facts(Forms.nested_unpack).writes) == ["p", "q", "r", "s"]


def test_starred_unpacking() -> None:
    assert sorted(facts(Forms.starred).writes) == ["head", "last", "rest"]


def test_for_target() -> None:
    assert sorted(facts(Forms.for_target).writes) == ["i"]
    assert sorted(facts(Forms.for_tuple_target).writes) == ["k", "v"]


def test_with_target() -> None:
    assert sorted(facts(Forms.with_target).writes) == ["f"]
    assert sorted(facts(Forms.with_tuple_target).writes) == ["w1", "w2"]


def test_del() -> None:
    f = facts(Forms.delete)
    assert sorted(f.writes) == ["gone"]
    assert f.writes["gone"][0].lineno == line_of(Forms.delete, "del self.gone")


def test_chained_assignment() -> None:
    assert sorted(facts(Forms.chained).writes) == ["m", "n"]


def test_attribute_of_attribute_is_a_read_only() -> None:
    f = facts(Forms.attr_of_attr)
    assert f.writes == {}
    assert sorted(f.reads) == ["inner"]


def test_mangled_names_as_at_run_time() -> None:
    assert sorted(facts(Forms.mangled).writes) == ["_Forms__secret", "__dunder__"]


def test_first_parameter_with_any_name() -> None:
    class C:
        def m(this, v):
            this.x = v
            setattr(this, v, 1)

    f = facts(C.m)
    assert sorted(f.writes) == ["x"]
    assert reasons(f) == ["setattr(this, name, ...) with a non-constant name"]


def test_untracked_parameters_are_ignored() -> None:
    class C:
        def m(self, other):
            other.x = 1
            other.__dict__  # noqa: B018
            setattr(other, other.name, 1)

    f = facts(C.m)
    assert f.writes == {} and f.reasons == [] and f.escapes == []


# --------------------------------------------------------------------------- aliases
class Aliases:
    def simple(self):
        s = self
        s.a = 1

    def swap(self, other):
        a, b = self, other
        a.b = 1
        b.not_me = 1

    def walrus_like(self, flag):
        t = u = self
        t.c = 1
        u.d = 1

    def conditional(self, other, flag):
        (self if flag else other).e = 1
        x = self if flag else other
        x.f = 1

    def late_alias_in_loop(self, items):
        s = None
        for _ in items:
            if s is not None:
                s.g = 1
            s = self

    def rebound(self, other):
        self = other
        self.h = 1


def test_alias() -> None:
    assert sorted(facts(Aliases.simple).writes) == ["a"]


def test_alias_through_tuple_assignment() -> None:
    assert sorted(facts(Aliases.swap).writes) == ["b"]


def test_several_aliases() -> None:
    assert sorted(facts(Aliases.walrus_like).writes) == ["c", "d"]


def test_alias_in_conditional_expression() -> None:
    assert sorted(facts(Aliases.conditional).writes) == ["e", "f"]


def test_alias_assigned_later_in_a_loop() -> None:
    assert sorted(facts(Aliases.late_alias_in_loop).writes) == ["g"]


def test_rebinding_the_instance_may_still_be_the_instance() -> None:
    # flow-insensitive: "may be the instance" wins (over-approximation is safe)
    assert sorted(facts(Aliases.rebound).writes) == ["h"]


def test_walrus_alias() -> None:
    fn = compiled("def m(self):\n    (s := self).a = 1\n    s.b = 2\n", "m")
    assert sorted(facts(fn).writes) == ["a", "b"]


# --------------------------------------------------------------------------- nested code
class Nested:
    def closure(self):
        def inner():
            self.from_inner = 1

        inner()

    def lambda_(self):
        return lambda: setattr(self, "from_lambda", 1)

    def lambda_default(self):
        return lambda s=self: setattr(s, "from_default", 1)

    def kwonly_default(self):
        def g(*, o=self):
            o.from_kwdefault = 1

        return g

    def comprehension(self, items):
        return [setattr(self, "from_listcomp", i) for i in items]

    def genexp(self, items):
        return list(self.from_genexp + i for i in items)

    def set_and_dict_comp(self, items):
        return {self.sc for _ in items}, {i: self.dc for i in items}

    def comprehension_over_instance_tuple(self, other):
        return [setattr(s, "via_iter", 1) for s in (self, other)]

    def loop_over_instance_tuple(self, other):
        for s in (self, other):
            s.via_loop = 1

    def generator(self):
        yield 1
        self.from_generator = 2

    async def coroutine(self):
        await asyncio.sleep(0)
        self.from_coroutine = 1
        async with self.lock as self.held:
            pass
        async for self.item in self.stream:  # noqa: B020
            pass

    def nonlocal_alias(self):
        box = None

        def put():
            nonlocal box
            box = self

        put()
        box.via_cell = 1

    def deeply_nested(self):
        def a():
            def b():
                return lambda: setattr(self, "deep", 1)

            return b

        return a

    def not_closing_over_self(self):
        def helper(x):
            x.not_me = 1

        return helper


def test_closure_nested_def_with_qualname() -> None:
    f = facts(Nested.closure)
    assert sorted(f.writes) == ["from_inner"]
    (site,) = f.writes["from_inner"]
    assert site.function == "Nested.closure.<locals>.inner"
    assert site.lineno == line_of(Nested.closure, "self.from_inner = 1")


def test_lambda() -> None:
    f = facts(Nested.lambda_)
    assert sorted(f.writes) == ["from_lambda"]
    assert f.writes["from_lambda"][0].function == "Nested.lambda_.<locals>.<lambda>"


def test_default_argument_holding_the_instance() -> None:
    assert sorted(facts(Nested.lambda_default).writes) == ["from_default"]
    assert sorted(facts(Nested.kwonly_default).writes) == ["from_kwdefault"]


def test_comprehensions_and_genexps() -> None:
    assert sorted(facts(Nested.comprehension).writes) == ["from_listcomp"]
    assert sorted(facts(Nested.genexp).reads) == ["from_genexp"]
    assert sorted(facts(Nested.set_and_dict_comp).reads) == ["dc", "sc"]


def test_comprehension_site_function() -> None:
    (site,) = facts(Nested.comprehension).writes["from_listcomp"]
    if sys.version_info >= (3, 12):  # inlined comprehension
        assert site.function == "Nested.comprehension"
    else:
        assert site.function == "Nested.comprehension.<locals>.<listcomp>"


def test_iterating_a_tuple_that_holds_the_instance() -> None:
    assert sorted(facts(Nested.comprehension_over_instance_tuple).writes) == ["via_iter"]
    assert sorted(facts(Nested.loop_over_instance_tuple).writes) == ["via_loop"]


def test_generator_and_async() -> None:
    assert sorted(facts(Nested.generator).writes) == ["from_generator"]
    f = facts(Nested.coroutine)
    assert sorted(f.writes) == ["from_coroutine", "held", "item"]
    assert sorted(f.reads) == ["lock", "stream"]


def test_instance_stored_into_a_cell_by_nested_code() -> None:
    assert sorted(facts(Nested.nonlocal_alias).writes) == ["via_cell"]


def test_deeply_nested_closure() -> None:
    f = facts(Nested.deeply_nested)
    assert sorted(f.writes) == ["deep"]
    assert f.writes["deep"][0].function == (
        "Nested.deeply_nested.<locals>.a.<locals>.b.<locals>.<lambda>"
    )


def test_nested_code_not_closing_over_the_instance_is_not_read() -> None:
    f = facts(Nested.not_closing_over_self)
    assert f.writes == {} and f.escapes == []


# --------------------------------------------------------------------------- builtins and reasons
class Dynamic:
    def setattr_const(self, v):
        setattr(self, "sa", v)  # noqa: B010
        delattr(self, "da")

    def setattr_dynamic(self, name, v):
        setattr(self, name, v)

    def delattr_dynamic(self, name):
        delattr(self, name)

    def object_setattr(self, v):
        object.__setattr__(self, "os", v)
        object.__delattr__(self, "od")

    def object_setattr_dynamic(self, name, v):
        object.__setattr__(self, name, v)

    def super_setattr(self, v):
        super().__setattr__("ss", v)
        super().__delattr__("sd")

    def super_setattr_dynamic(self, name, v):
        super().__setattr__(name, v)

    def two_arg_super(self, v):
        super(Dynamic, self).__setattr__("two", v)  # noqa: UP008

    def own_setattr(self, v):
        self.__setattr__("own", v)

    def alias_of_builtin(self, v):
        set_alias(self, "aliased", v)
        sa = setattr
        sa(self, "local_alias", v)

    def base_setattr(self, v):
        Base.__setattr__(self, "via_base", v)

    def getattr_hasattr(self, name):
        getattr(self, "ga")  # noqa: B009
        getattr(self, "gd", None)
        hasattr(self, "ha")
        getattr(self, name)

    def vars_(self):
        return vars(self)

    def dunder_dict_read(self):
        return self.__dict__

    def dunder_dict_write(self, d):
        self.__dict__ = d

    def dunder_dict_update(self, **kw):
        self.__dict__.update(kw)

    def getattr_dict(self):
        return getattr(self, "__dict__")  # noqa: B009

    def constant_name_in_local(self, v):
        name = "from_local"
        setattr(self, name, v)


def test_setattr_and_delattr_with_constant_name() -> None:
    f = facts(Dynamic.setattr_const)
    assert sorted(f.writes) == ["da", "sa"]
    assert f.escapes == [] and f.reasons == []
    assert f.writes["sa"][0].lineno == line_of(Dynamic.setattr_const, "setattr(self")


def test_setattr_with_dynamic_name_is_a_reason() -> None:
    f = facts(Dynamic.setattr_dynamic)
    assert f.writes == {} and f.escapes == []
    (r,) = f.reasons
    assert r.what == "setattr(self, name, ...) with a non-constant name"
    assert r.site.lineno == line_of(Dynamic.setattr_dynamic, "setattr(self, name")
    assert reasons(facts(Dynamic.delattr_dynamic)) == [
        "delattr(self, name, ...) with a non-constant name"
    ]


def test_object_setattr() -> None:
    f = facts(Dynamic.object_setattr)
    assert sorted(f.writes) == ["od", "os"]
    assert f.escapes == [] and f.reasons == []
    assert reasons(facts(Dynamic.object_setattr_dynamic)) == [
        "object.__setattr__(self, name, ...) with a non-constant name"
    ]


def test_super_setattr() -> None:
    f = facts(Dynamic.super_setattr)
    assert sorted(f.writes) == ["sd", "ss"]
    assert f.escapes == [] and f.reasons == []
    assert reasons(facts(Dynamic.super_setattr_dynamic)) == [
        "super().__setattr__(name, ...) with a non-constant name"
    ]
    assert sorted(facts(Dynamic.two_arg_super).writes) == ["two"]


def test_own_dunder_setattr_call() -> None:
    f = facts(Dynamic.own_setattr)
    assert sorted(f.writes) == ["own"]
    assert f.escapes == []


def test_builtins_recognised_by_value() -> None:
    f = facts(Dynamic.alias_of_builtin)
    assert sorted(f.writes) == ["aliased", "local_alias"]
    assert f.escapes == [] and f.reasons == []
    f = facts(Dynamic.base_setattr)  # Base inherits object.__setattr__
    assert sorted(f.writes) == ["via_base"]
    assert f.escapes == []


def test_shadowed_builtin_is_an_escape() -> None:
    g = dict(Dynamic.setattr_const.__globals__)
    g["setattr"] = helper
    g["delattr"] = helper
    f = facts(Dynamic.setattr_const, globals_=g)
    assert f.writes == {}
    assert [(e.callee, e.position) for e in f.escapes] == [
        (CalleeRef("global", ("setattr",)), 0),
        (CalleeRef("global", ("delattr",)), 0),
    ]


def test_getattr_hasattr_are_reads() -> None:
    f = facts(Dynamic.getattr_hasattr)
    assert sorted(f.reads) == ["ga", "gd", "ha"]
    assert f.writes == {} and f.reasons == [] and f.escapes == []


def test_vars_and_dunder_dict_are_reasons() -> None:
    assert reasons(facts(Dynamic.vars_)) == ["vars(self)"]
    assert reasons(facts(Dynamic.dunder_dict_read)) == ["use of self.__dict__"]
    assert reasons(facts(Dynamic.dunder_dict_write)) == ["assignment to self.__dict__"]
    assert reasons(facts(Dynamic.dunder_dict_update)) == ["use of self.__dict__"]
    assert reasons(facts(Dynamic.getattr_dict)) == ["use of self.__dict__ through getattr()"]


def test_constant_name_through_a_local_is_not_constant() -> None:
    # as the source engine reads it: a variable is not a constant name
    f = facts(Dynamic.constant_name_in_local)
    assert f.writes == {}
    assert reasons(f) == ["setattr(self, name, ...) with a non-constant name"]


def test_instance_stored_in_a_global() -> None:
    fn = compiled("def m(self):\n    global g\n    g = self\n    g.via_global = 1\n", "m")
    assert sorted(facts(fn).writes) == ["via_global"]


class Passthrough:
    def __setattr__(self, name, value):
        if name.startswith("_"):
            raise AttributeError(name)
        object.__setattr__(self, name, value)
        super().__setattr__(name, value)

    def __delattr__(self, name):
        super().__delattr__(name)


class NotPassthrough:
    def __setattr__(self, name, value):
        name = "_" + name
        super().__setattr__(name, value)


def test_setattr_passthrough_is_not_a_reason() -> None:
    for fn in (Passthrough.__setattr__, Passthrough.__delattr__):
        f = facts(fn)
        assert f.writes == {} and f.reasons == [] and f.escapes == []


def test_setattr_changing_the_name_is_a_reason() -> None:
    assert reasons(facts(NotPassthrough.__setattr__)) == [
        "super().__setattr__(name, ...) with a non-constant name"
    ]


# --------------------------------------------------------------------------- escapes
def make_wrapper(func: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(self, *args, **kwargs):
        return func(self, *args, **kwargs)

    return wrapper


class Escapes:
    def to_global(self):
        helper(self)

    def to_global_keyword(self):
        helper(None, obj=self)

    def to_class_method(self):
        Other.meth(self, self)

    def to_module_function(self):
        os.fspath(self)

    def to_own_method(self):
        self.register(self)

    def to_local_function(self):
        def inner(obj):
            obj.set_by_inner = 1

        inner(self)

    def to_unknown(self, lst):
        lst.append(self)
        self.items.append(self)
        super().register(self)
        (lst or helper)(self)

    def receiver_only(self, x):
        self.method(x)
        super().__init__(x)
        self.attr.method(x)

    def star_args_known_position(self, *args, **kwargs):
        helper(self, *args, **kwargs)

    def star_args_unknown_position(self, *args):
        helper(*args, self)

    def double_star(self):
        helper(**{"obj": self})

    def other_uses(self, d):
        d[0] = self
        x = [self, 1]
        print(f"{self}")
        return self == x, self

    def line_spanning(self):
        helper(
            1,
            self,
        )


def callees(f: CodeFacts) -> List[Any]:
    return [(e.callee, e.position) for e in f.escapes]


def test_escape_to_global_with_line() -> None:
    f = facts(Escapes.to_global)
    assert callees(f) == [(CalleeRef("global", ("helper",)), 0)]
    assert f.escapes[0].site.lineno == line_of(Escapes.to_global, "helper(self)")
    assert f.escapes[0].site.function == "Escapes.to_global"


def test_escape_by_keyword() -> None:
    assert callees(facts(Escapes.to_global_keyword)) == [
        (CalleeRef("global", ("helper",)), "obj")
    ]


def test_escape_to_class_attribute_chain() -> None:
    assert callees(facts(Escapes.to_class_method)) == [
        (CalleeRef("global", ("Other", "meth")), 0),
        (CalleeRef("global", ("Other", "meth")), 1),
    ]


def test_escape_to_module_function() -> None:
    assert callees(facts(Escapes.to_module_function)) == [
        (CalleeRef("global", ("os", "fspath")), 0)
    ]


def test_escape_to_own_method() -> None:
    f = facts(Escapes.to_own_method)
    assert callees(f) == [(CalleeRef("self", ("register",)), 0)]
    assert sorted(f.reads) == ["register"]


def test_escape_to_deref() -> None:
    w = make_wrapper(helper)
    f = facts(w)
    assert callees(f) == [(CalleeRef("deref", ("func",)), 0)]
    assert f.reasons == []


def test_escape_to_local_function_code() -> None:
    f = facts(Escapes.to_local_function)
    ((callee, position),) = callees(f)
    assert callee.root == "code" and position == 0
    assert isinstance(callee.code, types.CodeType) and callee.code.co_name == "inner"
    assert f.writes == {}  # inner does not close over self: the driver follows the escape
    inner = scan(
        callee.code,
        tracked=frozenset({"obj"}),
        qualname="Escapes.to_local_function.<locals>.inner",
        globals_=globals(),
    )
    assert sorted(inner.writes) == ["set_by_inner"]


def test_escape_to_unknown_callees() -> None:
    f = facts(Escapes.to_unknown)
    assert [(e.callee.root, e.callee.text, e.position) for e in f.escapes] == [
        ("unknown", "lst.append", 0),
        ("unknown", "self.items.append", 0),
        ("unknown", "super().register", 0),
        ("unknown", "a computed callable", 0),
    ]


def test_calls_on_the_instance_are_reads_not_escapes() -> None:
    f = facts(Escapes.receiver_only)
    assert f.escapes == [] and f.reasons == []
    assert sorted(f.reads) == ["attr", "method"]


def test_star_args_with_known_position() -> None:
    f = facts(Escapes.star_args_known_position)
    assert callees(f) == [(CalleeRef("global", ("helper",)), 0)]
    assert f.reasons == []


def test_star_args_with_unknown_position_is_a_reason() -> None:
    f = facts(Escapes.star_args_unknown_position)
    assert callees(f) == [(CalleeRef("global", ("helper",)), None)]
    assert reasons(f) == ["self passed to helper through *args/**kwargs"]


def test_double_star_with_constant_key() -> None:
    f = facts(Escapes.double_star)
    assert callees(f) == [(CalleeRef("global", ("helper",)), "obj")]


def test_other_uses_are_not_reported() -> None:
    f = facts(Escapes.other_uses)
    assert f.escapes == [] and f.reasons == [] and f.writes == {}


def test_escape_line_of_multiline_call() -> None:
    (e,) = facts(Escapes.line_spanning).escapes
    first = line_of(Escapes.line_spanning, "helper(")
    assert first <= e.site.lineno <= first + 3


# --------------------------------------------------------------------------- factories
class Factory:
    @classmethod
    def make(cls, v):
        obj = cls()
        obj.made = v
        return obj

    @classmethod
    def make_new(cls):
        obj = cls.__new__(cls)
        obj.via_new = 1
        o2 = object.__new__(cls)
        o2.via_object_new = 1
        return obj, o2

    def __new__(cls, *args):
        self = super().__new__(cls)
        self.in_new = 1
        return self

    @classmethod
    def only_class_attrs(cls):
        cls.counter = 1
        return cls.counter


def test_factory_classmethod() -> None:
    f = facts(Factory.make, factory="cls")
    assert sorted(f.writes) == ["made"]
    assert f.escapes == [] and f.reasons == []


def test_factory_dunder_new_forms() -> None:
    assert sorted(facts(Factory.make_new, factory="cls").writes) == ["via_new", "via_object_new"]
    assert sorted(facts(Factory.__new__, factory="cls").writes) == ["in_new"]


def test_factory_class_attributes_are_not_instance_writes() -> None:
    f = facts(Factory.only_class_attrs, factory="cls")
    assert f.writes == {} and f.reads == {}


# --------------------------------------------------------------------------- control flow
class Flow:
    def try_blocks(self, x):
        try:
            self.in_try = x()
        except ValueError as exc:
            self.in_except = exc
        except Exception:
            raise
        else:
            self.in_else = 1
        finally:
            self.in_finally = 1

    def loops(self, items):
        while items:
            if items.pop():
                self.in_while = 1
                break
            else:
                continue
        for i in items:
            if i:
                self.in_for = i
        else:
            self.in_for_else = 1

    def boolean_ops(self, a, b):
        self.bo = a and b or self.fallback  # noqa: RUF021
        self.cmp = 1 if a < b < 3 else 2
        assert a, self.msg

    def nested_with(self, a, b):
        with a, b as self.wb:
            try:
                return 1
            finally:
                self.after_return = 1

    def try_in_loop(self, items):
        for i in items:
            try:
                continue
            except Exception:
                break
            finally:
                self.tl = i


def test_try_except_finally() -> None:
    f = facts(Flow.try_blocks)
    assert sorted(f.writes) == ["in_else", "in_except", "in_finally", "in_try"]


def test_loops() -> None:
    assert sorted(facts(Flow.loops).writes) == ["in_for", "in_for_else", "in_while"]


def test_boolean_and_conditional_expressions() -> None:
    f = facts(Flow.boolean_ops)
    assert sorted(f.writes) == ["bo", "cmp"]
    assert sorted(f.reads) == ["fallback", "msg"]


def test_with_and_finally_paths() -> None:
    assert sorted(facts(Flow.nested_with).writes) == ["after_return", "wb"]
    assert sorted(facts(Flow.try_in_loop).writes) == ["tl"]


MATCH_SRC = '''
def m(self, v):
    match v:
        case 1:
            self.m1 = 1
        case [a, *rest]:
            self.m2 = a
        case {"k": z, **others}:
            self.m3 = z
        case Point(x=q) if q:
            self.m4 = q
        case str() | bytes():
            self.m5 = v
        case _:
            pass
    match self:
        case Point(x=0) as s:
            s.m6 = 1
'''


@pytest.mark.skipif(not PY310, reason="match needs 3.10")
def test_match_statement() -> None:
    fn = compiled(MATCH_SRC, "m", {"Point": Other})
    f = facts(fn)
    assert sorted(f.writes) == ["m1", "m2", "m3", "m4", "m5", "m6"]
    assert f.writes["m6"][0].lineno == 18


# --------------------------------------------------------------------------- the opcode table
def test_unknown_opcode_raises_engine_unsupported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(_bytecode._TABLE, "STORE_ATTR")
    with pytest.raises(EngineUnsupported) as info:
        facts(Forms.plain)
    assert "STORE_ATTR" in info.value.reason.what
    assert info.value.reason.site.function == "Forms.plain"


def test_unknown_opcode_in_nested_code_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(_bytecode._TABLE, "STORE_ATTR")
    with pytest.raises(EngineUnsupported):
        facts(Nested.closure)


def test_unsupported_version_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_bytecode, "_TABLE", {})
    with pytest.raises(EngineUnsupported):
        facts(Forms.plain)


def test_table_is_explicit_and_version_specific() -> None:
    ops = _bytecode.supported_opnames()
    assert "STORE_ATTR" in ops and "LOAD_ATTR" in ops
    assert "LOAD_FAST_BORROW" not in ops  # 3.14: must fall back, never guess
    if sys.version_info >= (3, 13):
        assert {"CALL_KW", "LOAD_FAST_LOAD_FAST", "SET_FUNCTION_ATTRIBUTE", "TO_BOOL"} <= ops
    elif sys.version_info >= (3, 12):
        assert {"LOAD_SUPER_ATTR", "RETURN_CONST", "KW_NAMES", "CALL_INTRINSIC_1"} <= ops
    elif sys.version_info >= (3, 11):
        assert {"PRECALL", "KW_NAMES", "LOAD_METHOD", "BINARY_OP"} <= ops
    else:
        assert {"CALL_FUNCTION", "CALL_METHOD", "ROT_TWO", "SETUP_FINALLY"} <= ops
    for name in ops:  # every entry is a real opcode of this version
        assert name in dis_opmap()


def dis_opmap() -> Dict[str, int]:
    import dis

    return dis.opmap


@pytest.mark.parametrize(
    "module", [argparse, asyncio.locks, contextlib, dataclasses, functools, json.decoder]
)
def test_reads_standard_library_code(module: types.ModuleType) -> None:
    """No stack-model error (underflow, depth mismatch) on real code."""
    count = 0
    for obj in list(vars(module).values()):
        fns: List[Any] = []
        if isinstance(obj, types.FunctionType):
            fns.append(obj)
        elif isinstance(obj, type):
            for v in vars(obj).values():
                if isinstance(v, (classmethod, staticmethod)):
                    v = v.__func__
                if isinstance(v, types.FunctionType):
                    fns.append(v)
        for fn in fns:
            code = fn.__code__
            tracked = frozenset(code.co_varnames[:1]) if code.co_argcount else frozenset()
            scan(code, tracked=tracked, qualname=fn.__qualname__, globals_=fn.__globals__)
            count += 1
    assert count > 5


def test_result_lists_have_no_duplicates() -> None:
    f = facts(Flow.loops)
    for sites in f.writes.values():
        assert len(sites) == len(set(sites))


def test_class_with_dataclass_generated_init() -> None:
    @dataclasses.dataclass
    class D:
        a: int
        b: str = "x"

    f = facts(D.__init__)
    assert sorted(f.writes) == ["a", "b"]


# --------------------------------------------------------------------------- more builtins
class More:
    def copy(self):
        new = type(self)()
        new.copied = 1
        other = self.__class__.__new__(self.__class__)
        other.copied_new = 1
        return new, other

    def change_class(self, cls):
        self.__class__ = cls

    def getattribute(self):
        return object.__getattribute__(self, "via_getattribute")

    def builtins_(self, other):
        isinstance(self, More)
        print(self, len(self))
        "{}".format(self)  # noqa: UP032
        object.__init__(self)
        Base.__init__(self)

    def own_method_through_class(self, x):
        type(self).method(self, x)
        self.__class__.__lt__(self, x)

    def base_method(self):
        Other.meth(self, 1)


def test_new_instances_of_the_own_class_are_tracked() -> None:
    f = facts(More.copy)
    assert sorted(f.writes) == ["copied", "copied_new"]
    assert callees(f) == []  # (the builtin ``type`` runs no code of the instance)
    assert f.reasons == []


def test_assigning_dunder_class_is_a_write() -> None:
    # reported as written; the driver knows __class__ is not a slot and explains why
    f = facts(More.change_class)
    assert sorted(f.writes) == ["__class__"] and f.reasons == []


def test_object_getattribute_is_a_read() -> None:
    f = facts(More.getattribute)
    assert sorted(f.reads) == ["via_getattribute"] and f.escapes == []


def test_other_builtins_are_escapes_for_the_driver_to_judge() -> None:
    f = facts(More.builtins_)
    assert [(e.callee.root, e.callee.names, e.callee.text, e.position) for e in f.escapes] == [
        ("global", ("isinstance",), "", 0),
        ("global", ("len",), "", 0),
        ("global", ("print",), "", 0),
        ("unknown", (), "(...).format", 0),
        ("global", ("object", "__init__"), "", 0),
        ("global", ("Base", "__init__"), "", 0),
    ]
    assert f.writes == {} and f.reasons == []


def test_own_method_called_through_the_class_is_a_receiver_call() -> None:
    f = facts(More.own_method_through_class)
    assert callees(f) == [] and f.reasons == []
    assert "method" in f.reads and "__lt__" in f.reads


def test_base_method_called_with_the_instance_is_an_escape() -> None:
    assert callees(facts(More.base_method)) == [(CalleeRef("global", ("Other", "meth")), 0)]


# --------------------------------------------------------------------------- stack model
STACK_MODULES = [argparse, asyncio.locks, contextlib, dataclasses, functools, json.decoder]


def test_stack_model_agrees_with_dis_stack_effect(monkeypatch: pytest.MonkeyPatch) -> None:
    """After every instruction that falls through, the abstract stack depth changed by
    exactly dis.stack_effect (checked over real standard-library code, nested code too)."""
    import dis

    skip = {"RETURN_GENERATOR", "GEN_START"}
    if sys.version_info[:2] == (3, 11):
        skip |= {"PRECALL", "CALL"}  # 3.11 splits the call's effect between the two
    mismatches: List[Any] = []
    calls = [0]

    def checking(original: Any) -> Any:
        def checked(self: Any, ins: Any, stack: List[Any]) -> Any:
            calls[0] += 1
            before = len(stack)
            result = original(self, ins, stack)
            name, arg = ins[0], ins[1]
            if result is not False and name not in skip:
                op = dis.opmap[name]
                a = arg if op in _bytecode._HASARG else None
                if len(stack) - before != dis.stack_effect(op, a, jump=False):
                    mismatches.append((name, arg, len(stack) - before))
            return result

        return checked

    wrapped = [
        None if info is None else (info[0], checking(info[1]), *info[2:])
        for info in _bytecode._dispatch()
    ]
    monkeypatch.setattr(_bytecode, "_dispatch", lambda: wrapped)

    def visit(code: types.CodeType, qualname: str, g: Dict[str, Any]) -> None:
        tracked = frozenset(code.co_varnames[:1]) if code.co_argcount else frozenset()
        scan(code, tracked=tracked, qualname=qualname, globals_=g)
        for c in code.co_consts:
            if isinstance(c, types.CodeType):
                visit(c, qualname + "." + c.co_name, g)

    for module in STACK_MODULES:
        for obj in list(vars(module).values()):
            if isinstance(obj, types.FunctionType):
                visit(obj.__code__, obj.__qualname__, obj.__globals__)
            elif isinstance(obj, type):
                for v in vars(obj).values():
                    if isinstance(v, (classmethod, staticmethod)):
                        v = v.__func__
                    if isinstance(v, types.FunctionType):
                        visit(v.__code__, v.__qualname__, v.__globals__)
    visit(Nested.coroutine.__code__, "Nested.coroutine", globals())
    visit(Flow.try_blocks.__code__, "Flow.try_blocks", globals())
    assert calls[0] > 1000
    assert mismatches == []


def test_speed_is_reasonable() -> None:
    """A class of four small methods reads in well under a millisecond per function."""
    import time

    fns = [Forms.plain, Forms.augmented, Flow.try_blocks, Escapes.to_unknown]
    start = time.perf_counter()
    for _ in range(20):
        for fn in fns:
            facts(fn)
    per_function = (time.perf_counter() - start) / 80
    assert per_function < 0.005  # generous: shared CI machines


def test_internal_error_becomes_engine_unsupported(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> bool:
        raise KeyError("boom")

    wrapped = [
        None if info is None else (info[0], broken, *info[2:]) for info in _bytecode._dispatch()
    ]
    monkeypatch.setattr(_bytecode, "_dispatch", lambda: wrapped)
    with pytest.raises(EngineUnsupported) as info:
        facts(Escapes.to_unknown)  # (code the fast pass leaves to the interpreter)
    assert "KeyError" in info.value.reason.what


class _Proxy:
    """A global whose __class__ and attributes run code: must not be touched."""

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        raise AssertionError("__class__ of a global was asked")

    def __getattr__(self, name: str) -> Any:
        raise AssertionError("attribute of a global was asked")


def test_global_values_are_inspected_without_running_their_code() -> None:
    fn = compiled("def m(self):\n    proxy.thing.call(self)\n", "m", {"proxy": _Proxy()})
    f = facts(fn)
    assert callees(f) == [(CalleeRef("global", ("proxy", "thing", "call")), 0)]


DECODER_MODULES = [
    argparse, asyncio.locks, contextlib, dataclasses, json.decoder, sys.modules[__name__]
]


def _all_code(code: types.CodeType) -> List[types.CodeType]:
    out = [code]
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            out.extend(_all_code(c))
    return out


@pytest.mark.parametrize("module", DECODER_MODULES, ids=lambda m: m.__name__)
def test_fast_decoder_agrees_with_dis(module: types.ModuleType) -> None:
    """The co_code decoder gives what dis gives: offsets, opcodes, arguments, the argument
    values the engine uses (names, constants, variables, jump targets), lines, and the
    exception table."""
    import dis

    path = inspect.getsourcefile(module)
    assert path is not None
    with open(path, encoding="utf-8") as f:
        top = compile(f.read(), path, "exec")
    used = (
        set(dis.hasconst) | set(dis.hasname) | set(dis.haslocal) | set(dis.hasfree)
        | set(dis.hasjrel) | set(dis.hasjabs)
    )
    checked = 0
    for code in _all_code(top):
        fast = _bytecode._raw_fast(code)
        assert fast is not None
        ref = _bytecode._raw_with_dis(code)
        assert fast[1] == ref[1], code.co_name
        assert len(fast[0]) == len(ref[0]), code.co_name
        for a, b in zip(fast[0], ref[0]):
            offset, name, opcode, arg, argval, line = a
            assert (offset, name, opcode, arg, line) == b[:4] + b[5:], (code.co_name, a, b)
            if opcode in used and name != "KW_NAMES":
                assert argval == b[4], (code.co_name, a, b)
            checked += 1
    assert checked > 100


VARIETY_SRC = """
import asyncio
class C:
    def m(self, items, *a, k=1, **kw):
        x = [y for y in items if (z := y)]
        g = {k: v for k, v in kw.items()}
        self.s = {i for i in a}
        f = f"{self!r:>{k}} {x=}"
        class Inner:
            attr = self
            def im(s2):
                return self.inner_read
        try:
            for i in items:
                if i:
                    continue
                try:
                    return i
                finally:
                    self.fin = 1
        except (ValueError, TypeError) as e:
            raise RuntimeError() from e
        else:
            pass
        with open(a[0]) as h, open(a[1]) as self.h2:
            pass
        del x, g
        lam = lambda q=self, *r, t=2, **u: q.lam
        return lam
    async def am(self, it):
        async with self.lock:
            async for v in it:
                await asyncio.sleep(v)
        self.done = [v async for v in it]
        return [await w for w in it]
    async def agen(self):
        yield self
        self.after = 1
    def gen(self):
        x = yield from self.sub()
        self.got = x
"""

EXCEPT_STAR_SRC = """
def m(self):
    try:
        self.a = 1
    except* ValueError as eg:
        self.b = eg
    except* TypeError:
        pass
"""


def _check_decoders(code: types.CodeType) -> None:
    for c in _all_code(code):
        fast = _bytecode._raw_fast(c)
        assert fast is not None
        ref = _bytecode._raw_with_dis(c)
        assert fast[1] == ref[1]
        assert [r[:4] + r[5:] for r in fast[0]] == [r[:4] + r[5:] for r in ref[0]]


def test_fast_decoder_on_varied_syntax() -> None:
    _check_decoders(compile(VARIETY_SRC, "<variety>", "exec"))
    if PY310:
        _check_decoders(compile(MATCH_SRC, "<match>", "exec"))
    if sys.version_info >= (3, 11):
        _check_decoders(compile(EXCEPT_STAR_SRC, "<except-star>", "exec"))


def test_varied_syntax_facts() -> None:
    ns: Dict[str, Any] = {}
    exec(compile(VARIETY_SRC, "<variety>", "exec"), ns)
    cls = ns["C"]
    assert sorted(facts(cls.m).writes) == ["fin", "h2", "s"]
    assert "inner_read" in facts(cls.m).reads and "lam" in facts(cls.m).reads
    assert sorted(facts(cls.am).writes) == ["done"]
    assert sorted(facts(cls.agen).writes) == ["after"]
    assert sorted(facts(cls.gen).writes) == ["got"]
    if sys.version_info >= (3, 11):
        fn = compiled(EXCEPT_STAR_SRC, "m")
        assert sorted(facts(fn).writes) == ["a", "b"]


class FactoryForwarding:
    def __new__(mcls, name, *args, **kwargs):
        cls = super().__new__(mcls, name, *args, **kwargs)
        cls.forwarded = 1
        return cls

    @classmethod
    def create(cls, **kwargs):
        self = cls.__new__(cls, **kwargs)
        self.created = 1
        other = Base.__new__(cls)  # Base inherits object.__new__
        other.via_base_new = 1
        return self, other


def test_factory_products_through_unpacking_and_inherited_new() -> None:
    assert sorted(facts(FactoryForwarding.__new__, factory="mcls").writes) == ["forwarded"]
    f = facts(FactoryForwarding.create, factory="cls")
    assert sorted(f.writes) == ["created", "via_base_new"]


# --------------------------------------------------------------------------- other writes
class Registry:
    instances = 0


class OtherWrites:
    count = 0

    def on_argument(self, other):
        other.x = 1
        self.own = 1

    def on_own_attribute(self):
        self.left.parent = self
        self.a.b = 1

    def loop_target(self):
        for _i, o in enumerate([self]):
            o.y = 1

    def on_call_result(self):
        self.fluent().z = 1

    def through_attribute_alias(self):
        self.me = self
        self.me.w = 1

    def with_target(self):
        with contextlib.nullcontext(self) as o:
            o.v = 1

    def on_subscript(self, lst):
        lst[0].q = 1
        [self][0].q2 = 1
        (lambda: self)().q3 = 1

    def more_forms(self, other, pairs):
        other.aug += 1
        other.ann: int = 1
        other.u1, (other.u2, *other.u3) = pairs
        for other.loop in pairs:
            pass
        with contextlib.nullcontext() as other.managed:
            pass
        del other.gone
        other.__hidden = 1
        setattr(other, "by_setattr", 1)  # noqa: B010
        delattr(other, "by_delattr")
        object.__setattr__(other, "by_object_setattr", 1)
        set_alias(other, "by_alias", 1)
        setattr(other, pairs, 1)  # not a constant name: nothing known
        getattr(other, "read_only")  # noqa: B009

    def nested_code(self, items):
        def closes_over_self():
            self.inner.in_closure = 1

        def independent(obj):
            obj.in_function = 1

        hook = lambda obj: setattr(obj, "in_lambda", 1)  # noqa: E731
        made = [setattr(item, "in_comprehension", 1) for item in items]
        gen = (setattr(item, "in_generator", 1) for item in items)

        class Local:
            def method(this):
                this.in_local_class = 1

        return closes_over_self, independent, hook, made, gen, Local

    def class_objects(self, other):
        type(self).count = 1
        self.__class__.count = 2
        type(other).t = 3
        other.__class__.c = 4
        klass = type(self)
        klass.total = 5
        Registry.instances = 6
        OtherWrites.count = 7
        setattr(type(self), "count", 8)  # noqa: B010
        setattr(Registry, "instances", 9)  # noqa: B010
        contextlib.nullcontext.flag = 10
        super().x = 11

    @classmethod
    def on_factory(cls):
        cls.registry = {}
        made = cls()
        made.made = 1


def other_names(fn: Any, **kw: Any) -> List[str]:
    return sorted(facts(fn, **kw).other_writes)


@pytest.mark.parametrize(
    "fn, expected",
    [
        (OtherWrites.on_argument, ["x"]),
        (OtherWrites.on_own_attribute, ["b", "parent"]),
        (OtherWrites.loop_target, ["y"]),
        (OtherWrites.on_call_result, ["z"]),
        (OtherWrites.through_attribute_alias, ["w"]),
        (OtherWrites.with_target, ["v"]),
        (OtherWrites.on_subscript, ["q", "q2", "q3"]),
    ],
)
def test_writes_on_other_objects(fn: Any, expected: List[str]) -> None:
    assert other_names(fn) == expected


def test_other_writes_are_not_instance_writes() -> None:
    f = facts(OtherWrites.on_argument)
    assert sorted(f.writes) == ["own"]
    (site,) = f.other_writes["x"]
    assert site.lineno == line_of(OtherWrites.on_argument, "other.x")
    assert sorted(facts(OtherWrites.through_attribute_alias).writes) == ["me"]


def test_every_store_form_on_other_objects() -> None:
    f = facts(OtherWrites.more_forms)
    assert sorted(f.other_writes) == sorted(
        [
            "aug", "ann", "u1", "u2", "u3", "loop", "managed", "gone", "_OtherWrites__hidden",
            "by_setattr", "by_delattr", "by_object_setattr", "by_alias",
        ]
    )
    assert f.writes == {} and f.reasons == []


def test_other_writes_in_all_nested_code() -> None:
    f = facts(OtherWrites.nested_code)
    assert sorted(f.other_writes) == sorted(
        [
            "in_closure", "in_function", "in_lambda", "in_comprehension", "in_generator",
            "in_local_class",
        ]
    )
    (site,) = f.other_writes["in_function"]
    assert site.function == "OtherWrites.nested_code.<locals>.independent"
    (site,) = f.other_writes["in_local_class"]
    assert site.function == "OtherWrites.nested_code.<locals>.Local.method"


def test_stores_on_class_objects_are_not_other_writes() -> None:
    f = facts(OtherWrites.class_objects)
    assert f.other_writes == {} and f.writes == {}


def test_stores_on_the_factory_are_not_other_writes() -> None:
    f = facts(OtherWrites.on_factory, factory="cls")
    assert f.other_writes == {}
    assert sorted(f.writes) == ["made"]


def test_class_named_by_the_qualname_before_it_is_bound() -> None:
    src = (
        "class Model:\n"
        "    class Inner:\n"
        "        def m(self, other):\n"
        "            Model.total = 0\n"
        "            Inner.count = 0\n"
        "            other.x = 1\n"
        "    def m(self, other):\n"
        "        Model.count += 1\n"
        "        Unbound.y = 1\n"
        "        Model.Inner.z = 1\n"
        "        setattr(Model, 'n', 1)\n"
    )
    ns: Dict[str, Any] = {}
    exec(compile(src, "<unbound-class>", "exec"), ns)
    model = ns["Model"]
    unbound: Dict[str, Any] = {"__name__": "registered"}
    assert other_names(model.m, globals_=unbound) == ["y", "z"]
    assert other_names(model.Inner.m, globals_=unbound) == ["x"]
    assert other_names(model.m) == ["y"]  # bound: names resolve to the classes by value
    ns["Model"] = "not a class"
    assert other_names(model.m) == ["count", "n", "y", "z"]


def make_local_class() -> Any:
    class Local:
        def m(self, other):
            Local.count = 0
            Other.x = 1
            other.y = 1

    Other = 0  # a free variable that holds no class
    return Local


def test_class_in_a_free_variable() -> None:
    local = make_local_class()
    code = local.m.__code__
    assert code.co_freevars == ("Local", "Other")

    def names(closure: Any) -> List[str]:
        f = scan(
            code, tracked=frozenset({"self"}), qualname=local.m.__qualname__,
            globals_=globals(), closure=closure,
        )
        return sorted(f.other_writes)

    assert names(local.m.__closure__) == ["x", "y"]
    assert names(tuple(types.CellType() for _ in code.co_freevars)) == ["x", "y"]
    assert names(None) == ["x", "y"]
    assert names((types.CellType(0), types.CellType(0))) == ["count", "x", "y"]


class ZeroArgSuper:
    def m(self):
        __class__.counted = 1  # type: ignore[name-defined]
        super().__init__()


def test_dunder_class_cell_is_the_class() -> None:
    assert other_names(ZeroArgSuper.m) == []


# --------------------------------------------------------------------------- gaps found by the
# AST engine's cross-check
PAIRS_SRC = """
def m(self, other):
    for _first, second in [(other, self)]:
        second.looped_pair = 1
        _first.not_ours = 1
    for a, b in [(other, self), (self, other)]:
        b.either = 1
    for pair in [(other, self)]:
        pair[1].through_index = 1
"""


def test_unpacking_items_of_a_literal_holding_the_instance() -> None:
    f = facts(compiled(PAIRS_SRC, "m"))
    assert sorted(f.writes) == ["either", "looped_pair"]
    assert f.writes["looped_pair"][0].lineno == 4
    assert sorted(f.other_writes) == ["not_ours", "through_index"]
    assert f.reasons == []


class KwFactory:
    @classmethod
    def create(cls, sock: Any, **kwargs: Any) -> Any:
        self = cls.__new__(cls, **kwargs)
        self.kw_made = 1
        return self

    @classmethod
    def create_local(cls, sock: Any) -> Any:
        kwargs = dict(family=sock.family, fileno=sock.fileno())
        self = object.__new__(cls, **kwargs)
        self.local_made = 1
        return self

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        self = super().__new__(cls, *args, **kwargs)
        self.in_new = 1
        return self


def test_factory_called_with_keyword_unpacking() -> None:
    assert sorted(facts(KwFactory.create, factory="cls").writes) == ["kw_made"]
    assert sorted(facts(KwFactory.create_local, factory="cls").writes) == ["local_made"]
    assert sorted(facts(KwFactory.__new__, factory="cls").writes) == ["in_new"]


def test_factory_of_ssl_socket() -> None:
    ssl = pytest.importorskip("ssl")
    f = facts(ssl.SSLSocket._create, factory="cls")
    assert {"_sslobj", "server_side", "_context", "_closed"} <= set(f.writes)


def make_class_in_function() -> type:
    class Inner:
        def method(self) -> Callable[[], None]:
            def inner() -> None:
                self.from_inner = 1

            self.own = 1
            return inner

        class Deeper:
            def m2(self) -> None:
                self.deeper = 1

    return Inner


NESTED_CLASS_SRC = """
def f(self):
    class Inner:
        self.in_body = 1
        def method(s2):
            self.from_method = 1
        class Deeper:
            def m2(s3):
                self.from_deeper = 1
    return Inner
"""


def test_site_function_of_methods_of_a_class_in_a_function() -> None:
    inner = make_class_in_function()
    f = facts(inner.method)  # type: ignore[attr-defined]
    assert f.writes["own"][0].function == "make_class_in_function.<locals>.Inner.method"
    assert (
        f.writes["from_inner"][0].function
        == "make_class_in_function.<locals>.Inner.method.<locals>.inner"
    )
    f = facts(compiled(NESTED_CLASS_SRC, "f"))
    assert {k: v[0].function for k, v in f.writes.items()} == {
        "in_body": "f.<locals>.Inner",
        "from_method": "f.<locals>.Inner.method",
        "from_deeper": "f.<locals>.Inner.Deeper.m2",
    }


def test_site_function_comes_from_make_function_before_3_11() -> None:
    """3.9/3.10 code objects have no co_qualname: the name MAKE_FUNCTION receives is used."""
    f = compiled(NESTED_CLASS_SRC, "f")
    inner = f(types.SimpleNamespace())
    assert inner.method.__qualname__ == "f.<locals>.Inner.method"
    got = {v[0].function for v in facts(f).writes.values()}
    assert got == {"f.<locals>.Inner", inner.method.__qualname__, inner.Deeper.m2.__qualname__}


def make_closure_builtins() -> Callable[..., None]:
    builtins_object = object
    set_it = setattr
    remove_it = delattr

    def __init__(self: Any, x: int) -> None:
        builtins_object.__setattr__(self, "x", x)
        set_it(self, "y", x)
        remove_it(self, "d")

    return __init__


def make_nested_closure() -> type:
    set_it = setattr
    klass = int

    class K:
        def m(self) -> Callable[[], None]:
            def inner() -> None:
                set_it(self, "x", 1)  # a free variable of the scanned function
                klass.a = 1

            return inner

    return K


def test_builtins_and_classes_in_closure_cells() -> None:
    fn = make_closure_builtins()
    kw: Dict[str, Any] = dict(qualname=fn.__qualname__, globals_=fn.__globals__)
    f = scan(fn.__code__, tracked=frozenset({"self"}), closure=fn.__closure__, **kw)
    assert sorted(f.writes) == ["d", "x", "y"]
    assert f.escapes == [] and f.reasons == []
    m = make_nested_closure().m  # type: ignore[attr-defined]
    kw = dict(qualname=m.__qualname__, globals_=m.__globals__)
    f = scan(m.__code__, tracked=frozenset({"self"}), closure=m.__closure__, **kw)
    assert sorted(f.writes) == ["x"] and f.other_writes == {} and f.escapes == []
    f = scan(m.__code__, tracked=frozenset({"self"}), **kw)  # cells unknown
    assert f.writes == {} and sorted(f.other_writes) == ["a"]


# --------------------------------------------------------------------------- the fast pass
def _fast_and_interpreted(fn: Any) -> Tuple[Optional[CodeFacts], CodeFacts]:
    code = fn.__code__
    tracked = frozenset({code.co_varnames[0]})
    fast = _bytecode._fast_scan(code, tracked, fn.__qualname__, fn.__globals__)
    slow = _bytecode._interpreted_scan(
        code, tracked, fn.__qualname__, fn.__globals__, None, fn.__closure__
    )
    return fast, slow


def _sites(found: Dict[str, List[Any]]) -> Dict[str, List[Tuple[str, str, int]]]:
    return {k: sorted((s.function, s.filename, s.lineno) for s in v) for k, v in found.items()}


FAST_TAKEN = """
import builtins
def plain(self, a, b):
    self.a = a
    self.b, self.c = b, a
    del self.c
    return self.a + b
def augmented(self, v):
    self.count += v
    self.items[v] += 1
def branches(self, flag, items):
    if flag:
        self.x = 1
    else:
        self.y = 2
    for i in items:
        if i:
            continue
        self.z = i
    while flag:
        flag = self.step()
    try:
        self.t = 1
    except ValueError:
        self.e = 2
    finally:
        self.f = 3
    with self.lock:
        self.w = 1
def dead_code(self):
    return 1
    self.never = 2
def methods_and_globals(self, other):
    len(self.items)
    builtins.len(other.items)
    print(f"{self.name}: {other!r}")
    return sorted(self.items, key=other.key)
def other_name(this, v):
    this.v = v
def class_of_instance(self):
    return f"{type(self).__name__}({self.a!r}) {self.__class__.__qualname__}"
def type_twice_on_a_line(self):
    return type(self).__name__ + type(self).__qualname__
class Base:
    pass
class WithSuper(Base):
    def __init__(self, a):
        super().__init__()
        self.a = a
    def __repr__(self):
        return super().__repr__() + repr(self.a)
"""

FAST_DECLINED = """
import builtins
sa = setattr
class Base:
    pass
def passed(self):
    helper(self)
def alias(self):
    s = self
    s.x = 1
def returned(self):
    return self
def other_store(self, other):
    other.x = 1
def attribute_store(self):
    self.left.parent = 1
def closure(self):
    return lambda: self.x
def setattr_call(self, other):
    setattr(other, "x", 1)
def setattr_alias(self, other):
    sa(other, "x", 1)
def setattr_through_module(self, other):
    builtins.setattr(other, "x", 1)
def object_setattr(self, other):
    Base.__setattr__(other, "x", 1)
def dunder(self):
    return self.__dict__
def compared(self, other):
    return self is other
def new_instance(self):
    return type(self)(1)
def class_passed(self):
    return isinstance(self, type(self))
def class_new(self):
    return self.__class__.__new__(self.__class__)
class Base:
    pass
class SuperSetters(Base):
    def set(self, value):
        super().__setattr__("x", value)
    def delete(self):
        super().__delattr__("x")
    def two_arguments(self):
        super(SuperSetters, self).__init__()
    def kept(self):
        parent = super()
        return parent
"""


def _functions(src: str) -> Dict[str, Any]:
    """The functions of ``src``, and the methods of its classes (as "Class.method")."""
    ns: Dict[str, Any] = {"helper": print}
    exec(compile(src, "<fast>", "exec"), ns)
    found = {k: v for k, v in ns.items() if isinstance(v, types.FunctionType)}
    for name, value in ns.items():
        if isinstance(value, type) and name != "Base":
            for attr, method in vars(value).items():
                if isinstance(method, types.FunctionType):
                    found[f"{name}.{attr}"] = method
    return found


@pytest.mark.parametrize("name", sorted(_functions(FAST_TAKEN)))
def test_fast_pass_reads_code_that_only_uses_instance_attributes(name: str) -> None:
    fast, slow = _fast_and_interpreted(_functions(FAST_TAKEN)[name])
    assert fast is not None
    assert _sites(fast.writes) == _sites(slow.writes)
    assert _sites(fast.reads) == _sites(slow.reads)
    assert fast.escapes == slow.escapes
    assert not (slow.other_writes or slow.reasons)


def test_fast_pass_skips_dead_code() -> None:
    fast, _ = _fast_and_interpreted(_functions(FAST_TAKEN)["dead_code"])
    assert fast is not None and "never" not in fast.writes


@pytest.mark.parametrize("name", sorted(_functions(FAST_DECLINED)))
def test_fast_pass_leaves_the_rest_to_the_interpreter(name: str) -> None:
    fn = _functions(FAST_DECLINED)[name]
    fast, slow = _fast_and_interpreted(fn)
    assert fast is None
    assert _sites(facts(fn).writes) == _sites(slow.writes)


def test_a_defect_of_the_fast_pass_falls_back_to_the_interpreter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: Any) -> None:
        raise KeyError("boom")

    expected = facts(Forms.plain)
    monkeypatch.setattr(_bytecode, "_FAST_KEY", [None])  # (the opcode table is looked up)
    monkeypatch.setattr(_bytecode, "_fast_kinds", broken)
    assert _sites(facts(Forms.plain).writes) == _sites(expected.writes)


def _agreement(codes: List[types.CodeType]) -> Tuple[int, List[str]]:
    """How many functions the fast pass read, and where it disagrees with the interpreter."""
    taken = 0
    wrong: List[str] = []
    globals_: Dict[str, object] = {"__name__": "m"}
    for code in codes:
        if not code.co_argcount or not code.co_flags & 0x02:
            continue
        tracked = frozenset({code.co_varnames[0]})
        fast = _bytecode._fast_scan(code, tracked, code.co_name, globals_)
        if fast is None:
            continue
        taken += 1
        slow = _bytecode._interpreted_scan(code, tracked, code.co_name, globals_, None, None)
        if (
            _sites(fast.writes) != _sites(slow.writes)
            or _sites(fast.reads) != _sites(slow.reads)
            or slow.other_writes
            or sorted(map(repr, fast.escapes)) != sorted(map(repr, slow.escapes))
            or slow.reasons
        ):
            wrong.append(f"{code.co_filename}:{code.co_firstlineno} {code.co_name}")
    return taken, wrong


@pytest.mark.parametrize("module", DECODER_MODULES, ids=lambda m: m.__name__)
def test_fast_pass_agrees_with_the_interpreter(module: types.ModuleType) -> None:
    path = inspect.getsourcefile(module)
    assert path is not None
    with open(path, encoding="utf-8") as f:
        top = compile(f.read(), path, "exec")
    taken, wrong = _agreement(_all_code(top))
    assert wrong == []
    assert taken >= 2


# The straight-line lane (3.9 and 3.10: two-byte instructions, no opcode 0).
LANE_TAKEN = """
import builtins
class Base:
    pass
def stores(self, a, b):
    self.a = a
    self.b = b
    del self.b
    self.setup(a)
def reads(self, x):
    y = x + self.a
    return f"{self.b!r}" + y + self.c.d
def globals_called(self, items):
    self.n = len(self.items) + builtins.len(items)
def class_of_instance(self):
    return f"{type(self).__name__}({self.a!r}) {self.__class__.__qualname__}"
def class_method_called(self):
    return type(self).make(self.__class__.kind)
class WithSuper(Base):
    def __init__(self, a):
        super().__init__()
        self.a = a
"""

# What the fast pass leaves to the interpreter, the lane leaves too; and more.
LANE_DECLINED = FAST_DECLINED + """
def branch(self, a):
    if a:
        self.a = a
def passed_to_a_global(self):
    return len(self)
def rebound(self, other):
    self = other
    self.x = 1
def other_store_and_own(self, other):
    other.x = 1
    self.y = 2
def augmented(self):
    self.count += 1
def private(self):
    self.__secret = 1
def twice_loaded(self):
    self.a, self.b = self, 1
def type_new(self):
    return type(self).__new__(type(self))
"""


def _as_sites(code: types.CodeType, qualname: str, found: Any) -> Any:
    """What the lane or the walk found, as the mappings of sites ``scan`` gives."""
    if found is None:
        return None
    writes, reads = found
    return (
        _bytecode.method_sites(code, qualname, writes, True),
        _bytecode.method_sites(code, qualname, reads, False),
    )


def _lane_and_walk(fn: Any) -> Tuple[Any, Any]:
    code = fn.__code__
    if _bytecode._FAST_KEY[0] is None:
        _bytecode._fast_kinds()
    qualname = fn.__qualname__
    lane = _bytecode._straight_scan(code, qualname, fn.__globals__)
    walk = _bytecode._walk(code, frozenset({0}), qualname, fn.__globals__)
    return _as_sites(code, qualname, lane), _as_sites(code, qualname, walk)


def _lane_open() -> bool:
    return _bytecode._LANE


@pytest.mark.skipif(not _lane_open(), reason="the lane is for CPython 3.9 and 3.10 only")
@pytest.mark.parametrize("name", sorted(_functions(LANE_TAKEN)))
def test_lane_reads_straight_line_methods_as_the_walk_does(name: str) -> None:
    lane, walk = _lane_and_walk(_functions(LANE_TAKEN)[name])
    assert lane is not None and walk is not None
    assert _sites(dict(lane[0])) == _sites(dict(walk[0]))
    assert _sites(dict(lane[1])) == _sites(dict(walk[1]))
    assert list(lane[0]) == list(walk[0]) and list(lane[1]) == list(walk[1])


@pytest.mark.skipif(not _lane_open(), reason="the lane is for CPython 3.9 and 3.10 only")
@pytest.mark.parametrize("name", sorted(_functions(LANE_DECLINED)))
def test_lane_leaves_the_rest_to_the_walk(name: str) -> None:
    fn = _functions(LANE_DECLINED)[name]
    lane, _ = _lane_and_walk(fn)
    assert lane is None
    fast, slow = _fast_and_interpreted(fn)  # (and the fast pass as a whole still agrees)
    if fast is not None:
        assert _sites(fast.writes) == _sites(slow.writes)


def test_lane_is_closed_where_instructions_carry_caches() -> None:
    assert _bytecode._LANE == (sys.version_info < (3, 11))


@pytest.mark.skipif(not _lane_open(), reason="the lane is for CPython 3.9 and 3.10 only")
def test_lane_agrees_with_the_walk_on_real_code() -> None:
    codes: List[types.CodeType] = []
    for module in DECODER_MODULES:
        path = inspect.getsourcefile(module)
        assert path is not None
        with open(path, encoding="utf-8") as f:
            codes.extend(_all_code(compile(f.read(), path, "exec")))
    if _bytecode._FAST_KEY[0] is None:
        _bytecode._fast_kinds()
    taken = 0
    for code in codes:
        if not code.co_argcount or not code.co_flags & 0x02:
            continue
        found = _bytecode._straight_scan(code, code.co_name, {"__name__": "m"})
        if found is None:
            continue
        taken += 1
        lane = _as_sites(code, code.co_name, found)
        walk = _as_sites(
            code, code.co_name, _bytecode._walk(code, frozenset({0}), code.co_name, {})
        )
        assert walk is not None, code
        for found, expected in zip(lane, walk):
            assert list(found) == list(expected), code
            assert _sites(dict(found)) == _sites(dict(expected)), code
    assert taken >= 10


@pytest.mark.slow
def test_fast_pass_agrees_with_the_interpreter_on_the_whole_stdlib() -> None:
    """Every function of every standard-library source file (tests included)."""
    import sysconfig
    import warnings

    root = sysconfig.get_paths()["stdlib"]
    codes: List[types.CodeType] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for folder, subfolders, files in os.walk(root):
            if "site-packages" in folder:
                subfolders[:] = []
                continue
            for name in files:
                if not name.endswith(".py"):
                    continue
                path = os.path.join(folder, name)
                try:
                    with open(path, encoding="utf-8") as f:
                        codes.extend(_all_code(compile(f.read(), path, "exec")))
                except (SyntaxError, UnicodeDecodeError, ValueError):
                    continue  # (test data that is not valid Python on purpose)
    taken, wrong = _agreement(codes)
    assert wrong == []
    assert taken > 20000
