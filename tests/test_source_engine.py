# The code under test spells out the very forms these rules rewrite:
# ruff: noqa: B009, B010, UP008, RUF034
"""The AST engine (autoslots._source.scan): one test per assignment form, reason and escape.

The classes below are never instantiated: the engine only reads their source.  Every
function in this module's classes is also read by the bytecode engine in
``test_engines_agree`` (when it is available), which checks that both report the same
written attribute names.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import linecache
import sys
import types
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Tuple

import pytest

from autoslots._model import CalleeRef, CodeFacts, EngineUnsupported, Escape
from autoslots._source import scan

# A module-level alias of a builtin is recognised by its value.
set_attribute = setattr
remove_attribute = delattr


def helper(obj: Any, value: int = 0) -> None:
    obj.from_helper = value


def scan_function(
    func: Callable[..., Any],
    *,
    tracked: Optional[FrozenSet[str]] = None,
    factory: Optional[str] = None,
) -> CodeFacts:
    """Scan ``func`` with its first parameter as the instance (or ``tracked``)."""
    code = func.__code__
    if tracked is None:
        tracked = frozenset() if factory is not None else frozenset(code.co_varnames[:1])
    return scan(
        code,
        tracked=tracked,
        qualname=func.__qualname__,
        globals_=func.__globals__,
        factory=factory,
    )


def writes(func: Callable[..., Any], **kwargs: Any) -> set[str]:
    return set(scan_function(func, **kwargs).writes)


def reads(func: Callable[..., Any], **kwargs: Any) -> set[str]:
    return set(scan_function(func, **kwargs).reads)


def line_of(func: Callable[..., Any], text: str) -> int:
    lines, first = inspect.getsourcelines(func)
    for offset, line in enumerate(lines):
        if text in line:
            return first + offset
    raise AssertionError(f"{text!r} not in the source of {func!r}")


# -- assignment forms ---------------------------------------------------------------


class Forms:
    def plain(self, v: int) -> None:
        self.x = v

    def annotated(self, v: int) -> None:
        self.y: int = v
        self.declared_only: int  # no value: nothing is stored

    def augmented(self) -> None:
        self.add += 1
        self.sub -= 1
        self.mul *= 2
        self.div /= 2
        self.floordiv //= 2
        self.mod %= 2
        self.pow **= 2
        self.lshift <<= 1
        self.rshift >>= 1
        self.bitand &= 1
        self.bitor |= 1
        self.bitxor ^= 1
        self.matmul @= 1

    def unpacking(self, pair: Tuple[int, int], seq: List[int]) -> None:
        self.a, self.b = pair
        [self.c, self.d] = pair
        self.e, *self.f = seq
        (self.g, (self.h, self.i)), self.j = ((1, (2, 3)), 4)
        self.k = self.l = 0

    def for_target(self) -> None:
        for self.index in range(3):
            pass

    async def async_for_target(self, source: Any) -> None:
        async for self.item in source:
            pass

    def with_target(self, path: str) -> None:
        with open(path) as self.handle:
            pass

    async def async_with_target(self, lock: Any) -> None:
        async with lock as self.held:
            pass

    def deletion(self) -> None:
        del self.gone
        del self.first, self.second

    def comprehension_target(self) -> List[int]:
        return [0 for self.comp in range(2)]

    def setattr_forms(self) -> None:
        setattr(self, "sa", 1)
        delattr(self, "da")
        object.__setattr__(self, "osa", 1)
        object.__delattr__(self, "oda")
        set_attribute(self, "alias_sa", 1)
        remove_attribute(self, "alias_da")
        setattr(self, "__not_mangled", 1)

    def super_setattr(self) -> None:
        super().__setattr__("sup", 1)
        super().__delattr__("supdel")
        super(Forms, self).__setattr__("sup2", 1)

    def own_setattr_hook(self) -> None:
        self.__setattr__("own", 1)
        self.__delattr__("own_del")

    def inherited_object_setattr(self) -> None:
        Other.__setattr__(self, "inherited", 1)  # Other does not override it

    def nested_attribute(self) -> None:
        self.outer.inner = 1  # reads outer, writes nothing
        self.items[0] = 1


def test_plain_assignment() -> None:
    assert writes(Forms.plain) == {"x"}


def test_annotated_assignment_with_and_without_value() -> None:
    assert writes(Forms.annotated) == {"y"}


def test_augmented_assignment_every_operator_reads_and_writes() -> None:
    expected = {
        "add", "sub", "mul", "div", "floordiv", "mod", "pow",
        "lshift", "rshift", "bitand", "bitor", "bitxor", "matmul",
    }  # fmt: skip
    facts = scan_function(Forms.augmented)
    assert set(facts.writes) == expected
    assert set(facts.reads) == expected


def test_unpacking_targets() -> None:
    assert writes(Forms.unpacking) == set("abcdefghijkl")


def test_for_target() -> None:
    assert writes(Forms.for_target) == {"index"}


def test_async_for_target() -> None:
    assert writes(Forms.async_for_target) == {"item"}


def test_with_target() -> None:
    assert writes(Forms.with_target) == {"handle"}


def test_async_with_target() -> None:
    assert writes(Forms.async_with_target) == {"held"}


def test_delete() -> None:
    assert writes(Forms.deletion) == {"gone", "first", "second"}


def test_comprehension_target() -> None:
    assert writes(Forms.comprehension_target) == {"comp"}


def test_setattr_delattr_and_object_setattr_with_constant_names() -> None:
    assert writes(Forms.setattr_forms) == {
        "sa", "da", "osa", "oda", "alias_sa", "alias_da", "__not_mangled",
    }  # fmt: skip
    assert scan_function(Forms.setattr_forms).escapes == []


def test_super_setattr() -> None:
    facts = scan_function(Forms.super_setattr)
    assert set(facts.writes) == {"sup", "supdel", "sup2"}
    assert facts.escapes == []


def test_the_instances_own_setattr_with_a_constant_name() -> None:
    facts = scan_function(Forms.own_setattr_hook)
    assert set(facts.writes) == {"own", "own_del"}
    assert facts.escapes == []


def test_object_setattr_reached_through_a_class_that_inherits_it() -> None:
    facts = scan_function(Forms.inherited_object_setattr)
    assert set(facts.writes) == {"inherited"}
    assert facts.escapes == []


def test_nested_attribute_is_a_read_only() -> None:
    facts = scan_function(Forms.nested_attribute)
    assert facts.writes == {}
    assert set(facts.reads) == {"outer", "items"}


# -- reads ----------------------------------------------------------------------------


class Reads:
    def method(self) -> Any:
        self.run()
        return self.value, getattr(self, "got"), getattr(self, "dflt", None), hasattr(self, "has")

    def dynamic_getattr(self, name: str) -> Any:
        return getattr(self, name)

    def object_getattribute(self) -> Any:
        return object.__getattribute__(self, "raw")


def test_reads() -> None:
    facts = scan_function(Reads.method)
    assert set(facts.reads) == {"run", "value", "got", "dflt", "has"}
    assert facts.escapes == [] and facts.reasons == [] and facts.writes == {}


def test_object_getattribute_is_a_read() -> None:
    facts = scan_function(Reads.object_getattribute)
    assert set(facts.reads) == {"raw"} and facts.escapes == []


def test_getattr_with_a_variable_name_is_not_a_reason() -> None:
    facts = scan_function(Reads.dynamic_getattr)
    assert facts.reads == {} and facts.reasons == [] and facts.escapes == []


# -- reasons --------------------------------------------------------------------------


class Reasons:
    def dynamic_setattr(self, name: str) -> None:
        setattr(self, name, 1)

    def dynamic_delattr(self, name: str) -> None:
        delattr(self, name)

    def dynamic_object_setattr(self, name: str) -> None:
        object.__setattr__(self, name, 1)

    def dynamic_super_setattr(self, name: str) -> None:
        super().__setattr__(name, 1)

    def uses_dict(self) -> None:
        self.__dict__.update({})

    def assigns_dict(self) -> None:
        self.__dict__ = {}

    def uses_vars(self) -> Dict[str, Any]:
        return vars(self)

    def dict_through_getattribute(self) -> Any:
        return object.__getattribute__(self, "__dict__")


class PassThrough:
    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        super().__delattr__(name)


class RenamingSetattr:
    def __setattr__(self, name: str, value: Any) -> None:
        name = "_" + name
        object.__setattr__(self, name, value)


@pytest.mark.parametrize(
    "func, text",
    [
        (Reasons.dynamic_setattr, "setattr(self, name, ...) with a non-constant name"),
        (Reasons.dynamic_delattr, "delattr(self, name, ...) with a non-constant name"),
        (Reasons.dynamic_object_setattr, "object.__setattr__(self, name, ...) with a non-"),
        (Reasons.dynamic_super_setattr, "super().__setattr__(name, ...) with a non-constant"),
        (Reasons.uses_dict, "use of self.__dict__"),
        (Reasons.assigns_dict, "assignment to self.__dict__"),
        (Reasons.uses_vars, "vars(self)"),
        (Reasons.dict_through_getattribute, "use of self.__dict__ through object.__getattr"),
    ],
)
def test_reasons(func: Callable[..., Any], text: str) -> None:
    facts = scan_function(func)
    assert len(facts.reasons) == 1
    reason = facts.reasons[0]
    assert text in reason.what
    assert reason.site.function == func.__qualname__
    assert reason.site.filename == __file__
    assert reason.site.lineno == func.__code__.co_firstlineno + 1
    assert facts.escapes == []
    assert facts.writes == {}
    assert "__dict__" not in facts.reads


def test_setattr_override_passing_its_own_name_through_is_not_a_reason() -> None:
    for func in (PassThrough.__setattr__, PassThrough.__delattr__):
        facts = scan_function(func)
        assert facts.reasons == [] and facts.writes == {} and facts.escapes == []


def test_setattr_override_that_renames_is_a_reason() -> None:
    assert len(scan_function(RenamingSetattr.__setattr__).reasons) == 1


# -- escapes ------------------------------------------------------------------------


class Other:
    def adopt(self, obj: Any) -> None:
        obj.adopted = 1


class Escapes:
    def to_global(self) -> None:
        helper(self)

    def to_global_chain(self) -> None:
        Other.adopt(Other(), self)

    def to_module_function(self) -> None:
        functools.reduce(self, [])

    def by_keyword(self) -> None:
        helper(1, obj=self)

    def through_literal_star_args(self) -> None:
        helper(*[1, self])

    def through_literal_star_kwargs(self) -> None:
        helper(**{"obj": self})

    def after_star_args(self, rest: Any) -> None:
        helper(*rest, self)

    def star_of_the_instance(self) -> None:
        helper(*self)  # passes the instance's items, not the instance
        helper(**self)

    def through_computed_star_args(self, rest: Tuple[Any, ...]) -> None:
        helper(*((self,) + rest))  # noqa: RUF005

    def builtins_storing_the_instance(self, other: Any) -> None:
        setattr(other, "owner", self)
        getattr(other, "x", self)

    def through_star_kwargs(self, key: str) -> None:
        helper(**{key: self})

    def to_own_method(self) -> None:
        self.visit(self)

    def to_local_function(self) -> None:
        def inner(obj: Any) -> None:
            obj.inner = 1

        inner(self)

    def to_local_lambda(self) -> None:
        set_it = lambda obj: set_attribute(obj, "lam", 1)  # noqa: E731
        set_it(self)

    def to_immediate_lambda(self) -> None:
        (lambda obj: obj)(self)

    def to_unknown(self, lst: List[Any]) -> None:
        lst.append(self)

    def calls_on_instance(self) -> None:
        self.method(1)
        super().__init__()
        super(Escapes, self).__init__()

    def class_keyword(self) -> Any:
        class Child(Other, owner=self):
            pass

        return Child

    def not_arguments(self) -> Any:
        items = [self]
        other = Other()
        other.owner = self
        return self, items, self == other, f"{self}"


def only_escape(func: Callable[..., Any]) -> Escape:
    facts = scan_function(func)
    assert len(facts.escapes) == 1, facts.escapes
    return facts.escapes[0]


def test_escape_to_global() -> None:
    escape = only_escape(Escapes.to_global)
    assert escape.callee == CalleeRef("global", ("helper",))
    assert escape.position == 0
    assert escape.site.lineno == line_of(Escapes.to_global, "helper(self)")


def test_escape_to_global_attribute_chain() -> None:
    escape = only_escape(Escapes.to_global_chain)
    assert escape.callee == CalleeRef("global", ("Other", "adopt"))
    assert escape.position == 1


def test_escape_to_module_function() -> None:
    escape = only_escape(Escapes.to_module_function)
    assert escape.callee == CalleeRef("global", ("functools", "reduce"))


def test_escape_by_keyword() -> None:
    assert only_escape(Escapes.by_keyword).position == "obj"


def test_escape_through_unpacking_a_literal_keeps_its_position() -> None:
    assert only_escape(Escapes.through_literal_star_args).position == 1
    assert only_escape(Escapes.through_literal_star_kwargs).position == "obj"


@pytest.mark.parametrize(
    "func",
    [Escapes.after_star_args, Escapes.through_computed_star_args, Escapes.through_star_kwargs],
)
def test_escape_through_unpacking_has_no_position(func: Callable[..., Any]) -> None:
    escape = only_escape(func)
    assert escape.position is None
    assert escape.callee == CalleeRef("global", ("helper",))
    (reason,) = scan_function(func).reasons
    assert "passed to helper through *args/**kwargs" in reason.what


@pytest.mark.parametrize(
    "func", [Escapes.star_of_the_instance, Escapes.builtins_storing_the_instance]
)
def test_not_escapes(func: Callable[..., Any]) -> None:
    facts = scan_function(func)
    assert facts.escapes == [] and facts.reasons == [] and facts.writes == {}


def test_escape_to_own_method() -> None:
    escape = only_escape(Escapes.to_own_method)
    assert escape.callee == CalleeRef("self", ("visit",))
    assert "visit" in scan_function(Escapes.to_own_method).reads


def test_escape_to_local_function() -> None:
    escape = only_escape(Escapes.to_local_function)
    assert escape.callee.root == "code"
    assert isinstance(escape.callee.code, types.CodeType)
    assert escape.callee.code.co_name == "inner"
    assert escape.callee.code in Escapes.to_local_function.__code__.co_consts
    # The engine does not read ``inner`` with ``obj`` as the instance: the driver does.
    assert writes(Escapes.to_local_function) == set()
    inner_code = escape.callee.code
    facts = scan(
        inner_code,
        tracked=frozenset({"obj"}),
        qualname="Escapes.to_local_function.<locals>.inner",
        globals_=globals(),
    )
    assert set(facts.writes) == {"inner"}


def test_escape_to_local_lambda() -> None:
    escape = only_escape(Escapes.to_local_lambda)
    assert escape.callee.root == "code"
    assert getattr(escape.callee.code, "co_name", None) == "<lambda>"


def test_escape_to_immediately_called_lambda() -> None:
    escape = only_escape(Escapes.to_immediate_lambda)
    assert escape.callee.root == "code"


def test_class_statement_receiving_the_instance() -> None:
    escape = only_escape(Escapes.class_keyword)
    assert escape.callee.root == "unknown"
    assert escape.position == "owner"


def test_escape_to_unknown_callee() -> None:
    escape = only_escape(Escapes.to_unknown)
    assert escape.callee.root == "unknown"
    assert escape.callee.text == "lst.append"


def test_calls_on_the_instance_and_super_are_not_escapes() -> None:
    facts = scan_function(Escapes.calls_on_instance)
    assert facts.escapes == []
    assert set(facts.reads) == {"method"}


def test_other_uses_are_not_reported() -> None:
    facts = scan_function(Escapes.not_arguments)
    assert facts.escapes == [] and facts.reasons == [] and facts.writes == {}


def passes_to(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(self: Any, *args: Any) -> Any:
        return func(self, *args)

    return wrapper


class Wrapped:
    @passes_to
    def method(self) -> None:
        self.wrapped = 1


def test_escape_to_closure_variable() -> None:
    wrapper = Wrapped.method
    escape = only_escape(wrapper)
    assert escape.callee == CalleeRef("deref", ("func",))
    assert escape.position == 0


def test_decorated_function_is_found_at_its_decorator_line() -> None:
    inner = inspect.unwrap(Wrapped.method)
    assert writes(inner) == {"wrapped"}


# -- the instance under other names ---------------------------------------------------


class Names:
    def __init__(this, v: int) -> None:
        this.not_self = v

    def aliases(self) -> None:
        s = self
        t = s
        t.via_alias = 1
        (u := self).via_walrus = 2
        u.via_walrus_name = 3
        v: Any = self
        v.via_annotated = 4
        w, z = self, None
        w.via_tuple = 5
        (self if z else self).via_ifexp = 6

    def loop_alias(self, other: Any) -> None:
        for obj in (self, other):
            obj.looped = 1
        for _first, second in [(other, self)]:
            second.looped_pair = 1
        head, *tail = self, other
        head.starred_head = 1
        for item in tail:
            item.never = 1  # tail is a new list

    def with_alias(self) -> None:
        with self as entered:
            entered.entered = 1

    def rebinding(self, other: Any) -> None:
        self = other
        self.rebound = 1  # over-approximated: it may still be the instance

    def default_alias(self) -> Callable[..., None]:
        def inner(obj: Any = self) -> None:
            obj.by_default = 1

        return inner

    def shadowed(self) -> None:
        def inner(self: Any) -> None:
            self.not_ours = 1

        def inner2(**kwargs: Any) -> None:
            self = kwargs["x"]
            self.not_ours_either = 1

        print(inner, inner2)


def test_non_self_first_parameter() -> None:
    assert writes(Names.__init__) == {"not_self"}


def test_aliases() -> None:
    assert writes(Names.aliases) == {
        "via_alias", "via_walrus", "via_walrus_name", "via_annotated", "via_tuple", "via_ifexp",
    }  # fmt: skip


def test_loop_over_a_literal_holding_the_instance() -> None:
    assert writes(Names.loop_alias) == {"looped", "looped_pair", "starred_head"}


def test_with_the_instance_as_context_manager() -> None:
    assert writes(Names.with_alias) == {"entered"}


def test_rebinding_the_tracked_name_over_approximates() -> None:
    assert writes(Names.rebinding) == {"rebound"}


def test_default_argument_alias() -> None:
    assert writes(Names.default_alias) == {"by_default"}


def test_nested_parameter_shadows_the_instance() -> None:
    assert writes(Names.shadowed) == set()


# -- nested code --------------------------------------------------------------------


class Nested:
    def closure(self) -> Callable[[], None]:
        def inner() -> None:
            self.from_closure = 1

            def deeper() -> None:
                self.from_deeper = 1

            deeper()

        return inner

    def nonlocal_alias(self) -> None:
        alias = None

        def grab() -> None:
            nonlocal alias
            alias = self

        grab()
        alias.via_nonlocal = 1  # type: ignore[attr-defined]

    def lambdas(self) -> Any:
        return lambda value: setattr(self, "from_lambda", value)

    def comprehensions(self, values: List[int]) -> Any:
        listed = [setattr(self, "from_listcomp", v) for v in values]
        sets = {self.set_read for _ in values}
        dicts = {k: setattr(self, "from_dictcomp", k) for k in values}
        gen = (setattr(self, "from_genexp", v) for v in values)
        return listed, sets, dicts, gen

    def generator(self) -> Any:
        self.before_yield = 1
        yield 1
        self.after_yield = 2

    async def coroutine(self, other: Any) -> None:
        await other
        self.after_await = 1

    async def async_generator(self) -> Any:
        yield 1
        self.in_async_gen = 1

    def nested_class(self) -> Any:
        class Inner:
            self.from_class_body = 1  # the class body sees the method's self

            def method(inner_self) -> None:
                self.from_nested_method = 1
                inner_self.not_ours = 1

        return Inner

    def nested_class_own_self(self) -> Any:
        class Inner:
            self = None  # a class-level name: its methods do not see it

            def method(this) -> None:
                self.outer_again = 1

        return Inner


def test_nested_function_closing_over_the_instance() -> None:
    facts = scan_function(Nested.closure)
    assert set(facts.writes) == {"from_closure", "from_deeper"}
    (site,) = facts.writes["from_closure"]
    assert site.function == "Nested.closure.<locals>.inner"
    assert site.lineno == line_of(Nested.closure, "self.from_closure")
    (deeper,) = facts.writes["from_deeper"]
    assert deeper.function == "Nested.closure.<locals>.inner.<locals>.deeper"


def test_nonlocal_alias() -> None:
    assert writes(Nested.nonlocal_alias) == {"via_nonlocal"}


def test_lambda_closing_over_the_instance() -> None:
    facts = scan_function(Nested.lambdas)
    assert set(facts.writes) == {"from_lambda"}
    assert facts.writes["from_lambda"][0].function == "Nested.lambdas.<locals>.<lambda>"


def test_comprehensions_and_generator_expressions() -> None:
    facts = scan_function(Nested.comprehensions)
    assert set(facts.writes) == {"from_listcomp", "from_dictcomp", "from_genexp"}
    assert set(facts.reads) == {"set_read"}
    (gen_site,) = facts.writes["from_genexp"]
    assert gen_site.function == "Nested.comprehensions.<locals>.<genexpr>"
    (list_site,) = facts.writes["from_listcomp"]
    if sys.version_info >= (3, 12):
        assert list_site.function == "Nested.comprehensions"
    else:
        assert list_site.function == "Nested.comprehensions.<locals>.<listcomp>"


def test_generator_coroutine_and_async_generator() -> None:
    assert writes(Nested.generator) == {"before_yield", "after_yield"}
    assert writes(Nested.coroutine) == {"after_await"}
    assert writes(Nested.async_generator) == {"in_async_gen"}


def test_nested_class_scoping() -> None:
    facts = scan_function(Nested.nested_class)
    assert set(facts.writes) == {"from_class_body", "from_nested_method"}
    (site,) = facts.writes["from_nested_method"]
    assert site.function == "Nested.nested_class.<locals>.Inner.method"


def test_class_scope_does_not_enclose_its_methods() -> None:
    assert writes(Nested.nested_class_own_self) == {"outer_again"}


# -- name mangling ------------------------------------------------------------------


class Account:
    def __init__(self) -> None:
        self.__secret = 1
        self.__dunder__ = 2
        setattr(self, "__literal", 3)

        def inner() -> None:
            self.__from_inner = 4

        inner()
        print(self.__secret)

    def nested_class(self) -> Any:
        class Vault:
            def method(this) -> None:
                self.__vault = 1

        return Vault


class _Private:
    def __init__(self) -> None:
        self.__x = 1


class ___:
    def __init__(self) -> None:
        self.__y = 1


def module_function(obj: Any) -> None:
    obj.__kept = 1


def test_private_names_are_mangled() -> None:
    facts = scan_function(Account.__init__)
    assert set(facts.writes) == {
        "_Account__secret", "__dunder__", "__literal", "_Account__from_inner",
    }  # fmt: skip
    assert set(facts.reads) == {"_Account__secret"}


def test_mangling_uses_the_innermost_class() -> None:
    assert writes(Account.nested_class) == {"_Vault__vault"}


def test_mangling_strips_leading_underscores_of_the_class_name() -> None:
    assert writes(_Private.__init__) == {"_Private__x"}
    assert writes(___.__init__) == {"__y"}


def test_no_mangling_outside_a_class() -> None:
    assert writes(module_function) == {"__kept"}


# -- factories ------------------------------------------------------------------------


class Factory:
    def __new__(cls, *args: Any) -> Any:
        self = super().__new__(cls)
        self.from_new = 1
        return self

    @classmethod
    def make(cls) -> Any:
        obj = cls()
        obj.made = 1
        raw = object.__new__(cls)
        raw.raw = 1
        other = cls.__new__(cls)
        other.via_cls_new = 1
        cls.class_level = 1  # the class, not an instance
        return obj, raw, other

    @classmethod
    def through_alias(cls) -> Any:
        klass = cls
        made = klass()
        made.via_alias = 1
        return made

    @classmethod
    def nothing(cls) -> Any:
        made = dict()
        made.update(x=1)
        return made


def test_new_with_super() -> None:
    assert writes(Factory.__new__, factory="cls") == {"from_new"}


def test_classmethod_products() -> None:
    assert writes(Factory.make.__func__, factory="cls") == {"made", "raw", "via_cls_new"}


def test_factory_alias() -> None:
    assert writes(Factory.through_alias.__func__, factory="cls") == {"via_alias"}


def test_classmethod_without_products() -> None:
    assert writes(Factory.nothing.__func__, factory="cls") == set()


# -- recognising builtins by value --------------------------------------------------------


class Shadowing:
    def local_shadow(self) -> None:
        setattr = helper  # a local function named setattr
        setattr(self, "not_a_write")

    def global_alias(self) -> None:
        set_attribute(self, "aliased", 1)


def test_shadowed_setattr_is_an_escape() -> None:
    facts = scan_function(Shadowing.local_shadow)
    assert facts.writes == {}
    assert len(facts.escapes) == 1
    assert facts.escapes[0].callee.root == "unknown"


def test_module_level_alias_of_setattr_is_recognised() -> None:
    assert writes(Shadowing.global_alias) == {"aliased"}


def test_builtin_shadowed_by_a_module_global_is_not_recognised() -> None:
    func = Forms.setattr_forms
    globals_ = {**func.__globals__, "setattr": print}
    facts = scan(func.__code__, tracked=frozenset({"self"}), qualname="f", globals_=globals_)
    assert "sa" not in facts.writes
    assert [e.callee for e in facts.escapes] == [CalleeRef("global", ("setattr",))] * 2


def test_global_shadowing_setattr_is_not_recognised() -> None:
    facts = scan(
        Shadowing.global_alias.__code__,
        tracked=frozenset({"self"}),
        qualname="Shadowing.global_alias",
        globals_={"set_attribute": print},
    )
    assert facts.writes == {}
    assert facts.escapes[0].callee == CalleeRef("global", ("set_attribute",))


# -- finding the function in the source ------------------------------------------------


class Lambdas:
    first = lambda self: setattr(self, "first", 1); second = lambda self: setattr(self, "second", 2)  # noqa: E702, E731
    same_a, same_b = (lambda self: setattr(self, "same", 1)), (lambda self: setattr(self, "same", 1))  # noqa: E501


def test_lambdas_sharing_a_line_are_told_apart() -> None:
    assert writes(Lambdas.first) == {"first"}
    assert writes(Lambdas.second) == {"second"}


def test_identical_lambdas_on_one_line() -> None:
    if sys.version_info >= (3, 11):
        # Column positions tell them apart.
        assert writes(Lambdas.same_a) == {"same"}
        assert writes(Lambdas.same_b) == {"same"}
    else:
        with pytest.raises(EngineUnsupported, match="same source line"):
            scan_function(Lambdas.same_a)


def test_no_source_is_unsupported() -> None:
    namespace: Dict[str, Any] = {}
    exec("def f(self):\n    self.x = 1\n", namespace)
    func = namespace["f"]
    with pytest.raises(EngineUnsupported) as info:
        scan_function(func)
    reason = info.value.reason
    assert reason.site.function == "f"
    assert "source" in reason.what


def test_source_that_does_not_match_is_unsupported() -> None:
    code = Forms.plain.__code__
    moved = code.replace(co_firstlineno=code.co_firstlineno + 1)
    with pytest.raises(EngineUnsupported):
        scan(moved, tracked=frozenset({"self"}), qualname="Forms.plain", globals_=globals())
    renamed = code.replace(co_varnames=("me", *code.co_varnames[1:]))
    with pytest.raises(EngineUnsupported, match="does not match"):
        scan(renamed, tracked=frozenset({"me"}), qualname="Forms.plain", globals_=globals())


def compile_registered(source: str, name: str) -> Dict[str, Any]:
    """Run ``source`` under a made-up file name whose lines linecache knows (like IPython)."""
    filename = f"<autoslots-source-test-{name}>"
    lines = source.splitlines(keepends=True)
    linecache.cache[filename] = (len(source), None, lines, filename)
    namespace: Dict[str, Any] = {"__name__": "registered"}
    exec(compile(source, filename, "exec"), namespace)
    return namespace


def test_source_registered_in_linecache_is_read() -> None:
    namespace = compile_registered("class C:\n    def m(self):\n        self.x = 1\n", "plain")
    assert writes(namespace["C"].m) == {"x"}


@pytest.mark.skipif(sys.version_info < (3, 12), reason="PEP 695 syntax")
def test_generic_function_and_class() -> None:
    source = (
        "class Box[T]:\n"
        "    def put[U](self, item: T, other: U) -> None:\n"
        "        self.item = item\n"
        "        type Alias = list[U]\n"
        "        self.alias = Alias\n"
    )
    namespace = compile_registered(source, "generic")
    assert writes(namespace["Box"].put) == {"item", "alias"}


@pytest.mark.skipif(sys.version_info < (3, 10), reason="match statement")
def test_match_statement_captures() -> None:
    source = (
        "class C:\n"
        "    def m(self, value):\n"
        "        match value:\n"
        "            case [first, *rest]:\n"
        "                self.first, self.rest = first, rest\n"
        "            case {'k': v, **others} if (alias := self):\n"
        "                alias.matched = v\n"
        "            case other:\n"
        "                self.other = other\n"
    )
    namespace = compile_registered(source, "match")
    assert writes(namespace["C"].m) == {"first", "rest", "matched", "other"}


def test_unknown_syntax_is_unsupported(monkeypatch: pytest.MonkeyPatch) -> None:
    from autoslots import _source

    monkeypatch.setattr(_source, "_KNOWN_NODES", _source._KNOWN_NODES - {"AugAssign"})
    with pytest.raises(EngineUnsupported, match="AugAssign"):
        scan_function(Forms.augmented)
    assert writes(Forms.plain) == {"x"}


def test_sites_name_function_file_and_line() -> None:
    facts = scan_function(Forms.unpacking)
    (site,) = facts.writes["f"]
    assert site.function == "Forms.unpacking"
    assert site.filename == __file__
    assert site.lineno == line_of(Forms.unpacking, "*self.f")


class MultiLine:
    def method(self, value: int) -> None:
        (
            self.first,
            self.second,
        ) = (value, value)
        setattr(
            self,
            "third",
            value,
        )


def test_multi_line_statements_report_the_target_line() -> None:
    facts = scan_function(MultiLine.method)
    assert facts.writes["second"][0].lineno == line_of(MultiLine.method, "self.second,")
    assert facts.writes["third"][0].lineno == line_of(MultiLine.method, "setattr(")


# -- both engines agree -----------------------------------------------------------------


def _module_functions() -> List[Tuple[str, Callable[..., Any], Optional[str]]]:
    """Every function of this module's classes, with the factory parameter if any."""
    found: List[Tuple[str, Callable[..., Any], Optional[str]]] = []
    for value in list(globals().values()):
        if not isinstance(value, type) or value.__module__ != __name__:
            continue
        for name, attr in vars(value).items():
            factory: Optional[str] = None
            if isinstance(attr, classmethod):
                attr, factory = attr.__func__, "cls"
            elif isinstance(attr, staticmethod):
                continue
            elif name == "__new__" and isinstance(attr, types.FunctionType):
                factory = "cls"
            if isinstance(attr, types.FunctionType):
                found.append((attr.__qualname__, attr, factory))
                unwrapped = inspect.unwrap(attr)
                if unwrapped is not attr:
                    found.append((unwrapped.__qualname__ + "(unwrapped)", unwrapped, factory))
    return found


def _bytecode_scan() -> Optional[Callable[..., CodeFacts]]:
    with contextlib.suppress(ImportError):
        from autoslots import _bytecode

        return _bytecode.scan  # type: ignore[no-any-return]
    return None


_SHARED = _module_functions()

# Functions where the engines are known to disagree, with the engine that is wrong; the
# test is expected to fail there until that engine is fixed (reported to the lead).
KNOWN_DISAGREEMENTS: Dict[str, str] = {
    "Names.loop_alias": "bytecode engine misses `for a, b in [(x, self)]: b.attr = ...`",
}


@pytest.mark.parametrize("func, factory", [c[1:] for c in _SHARED], ids=[c[0] for c in _SHARED])
def test_engines_agree(func: Callable[..., Any], factory: Optional[str]) -> None:
    bytecode_scan = _bytecode_scan()
    if bytecode_scan is None:
        pytest.skip("the bytecode engine is not available")
    code = func.__code__
    tracked = frozenset() if factory else frozenset(code.co_varnames[:1])
    kwargs: Dict[str, Any] = dict(
        tracked=tracked, qualname=func.__qualname__, globals_=func.__globals__, factory=factory
    )
    try:
        source_facts = scan(code, **kwargs)
    except EngineUnsupported:
        pytest.skip("the AST engine cannot identify this function on this version")
    try:
        bytecode_facts = bytecode_scan(code, **kwargs)
    except EngineUnsupported as exc:
        pytest.fail(f"the bytecode engine cannot read {func.__qualname__}: {exc}")
    known = KNOWN_DISAGREEMENTS.get(func.__qualname__)
    if known and set(source_facts.writes) != set(bytecode_facts.writes):
        pytest.xfail(known)
    assert set(source_facts.writes) == set(bytecode_facts.writes)
