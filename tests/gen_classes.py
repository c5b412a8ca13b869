"""Hypothesis strategy that writes random classes as SOURCE code, and runs them.

A generated module holds one class, or a base class and a subclass, plus module-level
helpers.  Method bodies use every assignment form autoslots infers (plain, annotated,
chained, augmented, tuple/starred unpacking, ``for``/``with``/comprehension targets,
``del``, ``setattr``/``object.__setattr__``/``super().__setattr__``/``delattr`` with
constant names, also through module-level aliases of those builtins), through aliases of
the instance (``s = self``, walrus, chained, tuple, conditional, ``for s in (self,)``),
non-``self`` first parameters, nested functions (closures, default arguments, parameters),
lambdas, comprehensions, generator methods, decorated methods (``functools.wraps`` and a
plain wrapper), helper methods called through the instance or the class, module-level
helpers (positional, keyword, keyword-only, static methods of helper classes), a
``classmethod`` factory, properties (storing in ``_pN``, with deleters), class-level
defaults and annotations (``ClassVar`` too, with and without ``from __future__ import
annotations``), ``functools.cached_property``, pass-through ``__setattr__`` and
``__getattr__`` hooks, instances shadowing a method already run (``self.m1 = 5``), writes
to the class (``type(self).x = ...``) and through attributes (``self.ns.x = ...``,
``self.lst[0] = ...``), name mangling, control flow (``if``/``else`` with a dead branch,
``try``/``except``/``finally``, ``while``/``break``), and the options ``weakref=False``,
``extra=``, ``dict=True`` (the same for every class of a module).

``AUTOSLOTS_GEN_DISABLE=form,form`` leaves forms out (to look past a known bug).

While it writes the code the generator simulates it: every live statement is chosen so
that it is valid in the state the instance is in when it runs, so the *driver* (the list of
steps that exercise every method) never raises on the plain class.  The simulation also
records which run-time names each class's own code writes (live or in dead branches),
which the tests compare with what the inference finds.

A module is rendered in three forms: ``plain``, ``decorator`` (``@autoslots`` on each
class) and ``base`` (the root class derives from ``AutoSlots``); the class names are the
same in each form, so mangled names match.
"""

from __future__ import annotations

import contextlib
import importlib
import itertools
import linecache
import os
import sys
import types
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Set, Tuple

from hypothesis import strategies as st

PUBLIC = ("a", "b", "c", "d", "e")
PRIVATE = ("__q", "__r")  # spelled in class code; stored mangled
UNMANGLED = "__z"  # only reachable through strings (setattr) or module-level helpers
DYNAMIC = "dyn"  # written with a non-constant name: a reason
CLASS_ATTRS = ("cv0", "cv1")  # written on the class (type(self).cv0 = ...): never slots
PARAMS = ("self", "this", "me", "obj", "inst")
ALIASES = ("s", "that", "alias", "me2")
CLASS_NAMES = (("Base", "Sub"), ("_Priv", "__Dunder"), ("A", "B_"))
# Forms to leave out (comma-separated form names, e.g. "plain_deco,dynamic"): to look
# past a known bug while it is being fixed.
DISABLED = frozenset(filter(None, os.environ.get("AUTOSLOTS_GEN_DISABLE", "").split(",")))
DYNAMIC_MARK = "<dynamic>"
EXTRA = "xtra"  # a name given with extra=(...)
LAZY = "lazy"  # answered by a generated __getattr__
TRUE_TEST = "len(str(7)) == 1"  # true at run time, opaque to the compiler
FALSE_TEST = "len(str(7)) == 2"

HEADER = '''\
import contextlib
import functools
import types
import typing

_setattr = setattr
_delattr = delattr
_osa = object.__setattr__


def _wraps_deco(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)
    return wrapper


def _plain_deco(func):
    def wrapper(self):
        return func(self)
    return wrapper
'''


def mangle(spelled: str, class_name: Optional[str]) -> str:
    """The run-time name of ``obj.<spelled>`` written in a class named ``class_name``."""
    if class_name is None or not spelled.startswith("__") or spelled.endswith("__"):
        return spelled
    stripped = class_name.lstrip("_")
    if not stripped:
        return spelled
    return f"_{stripped}{spelled}"


# -- the generated model --------------------------------------------------------------

Effect = Tuple[str, str, str]  # ("set", run-time name, kind) / ("del", run-time name, "")


@dataclass
class GenMethod:
    name: str
    param: str
    body: List[str]
    decorator: str = ""
    extra_params: str = ""


@dataclass
class GenClass:
    name: str
    base: Optional[str]
    defaults: Dict[str, int] = field(default_factory=dict)
    annotated_defaults: Dict[str, int] = field(default_factory=dict)
    annotated: List[str] = field(default_factory=list)
    classvars: List[str] = field(default_factory=list)
    props: Dict[str, str] = field(default_factory=dict)  # property -> storage name
    deleters: Set[str] = field(default_factory=set)  # properties with a deleter
    cached: List[str] = field(default_factory=list)  # functools.cached_property names
    methods: List[GenMethod] = field(default_factory=list)
    driver_methods: List[str] = field(default_factory=list)  # called by the driver, in order
    generators: Set[str] = field(default_factory=set)  # driver methods that are generators
    factory: Optional[str] = None  # a classmethod that makes the instance
    explicit_init: bool = False  # calls Base.__init__(self) instead of super().__init__()
    written: Set[str] = field(default_factory=set)  # run-time names its own code writes
    dead: Set[str] = field(default_factory=set)  # ... of which in code that never runs
    # names written on other objects (``self.ns.inner = v``): the driver slots them too,
    # since such an object may be an instance of the class
    other: Set[str] = field(default_factory=set)
    dynamic: Set[str] = field(default_factory=set)  # names written with non-constant names
    init_reach: Set[str] = field(default_factory=set)  # written by code __init__ reaches
    init_effects: List[Effect] = field(default_factory=list)
    factory_effects: List[Effect] = field(default_factory=list)
    method_effects: Dict[str, List[Effect]] = field(default_factory=dict)

    def own_slots(self) -> Set[str]:
        """What its own code writes (ignoring properties) plus annotation-only names."""
        return (self.written | self.other | set(self.annotated)) - set(self.props)


Step = Tuple[str, ...]  # ("new",) ("factory", m) ("call", m) ("iter", m) ("set", p, v)
#                         ("get", p) ("delprop", p)


@dataclass
class GenModule:
    classes: List[GenClass]
    helpers: List[str]
    future: bool  # from __future__ import annotations
    drivers: Dict[str, List[Step]]
    ever: Dict[str, Set[str]]  # class -> every run-time name its instances ever hold
    final: Dict[str, Set[str]]  # class -> names in the instance's __dict__ at the end
    deleted: Dict[str, Set[str]]  # class -> names deleted along the way
    probe_names: List[str]
    options: Dict[str, Any] = field(default_factory=dict)  # autoslots options, every class

    def cls(self, name: str) -> GenClass:
        return {c.name: c for c in self.classes}[name]

    def chain(self, name: str) -> List[GenClass]:
        """The class ``name`` and its generated bases, base first."""
        out: List[GenClass] = []
        current: Optional[GenClass] = self.cls(name)
        while current is not None:
            out.insert(0, current)
            current = self.cls(current.base) if current.base else None
        return out

    def expected_slots(self, name: str) -> Set[str]:
        """What ``infer_class`` must find for class ``name`` (plain form)."""
        spec = self.cls(name)
        out = spec.own_slots()
        if spec.explicit_init and spec.base:
            # Base.__init__(self) is followed: what it (and what it calls) writes
            props = {p for c in self.chain(name) for p in c.props}
            out |= self.cls(spec.base).init_reach - props - {DYNAMIC_MARK}
        return out

    def expects_reason(self, name: str) -> bool:
        """Whether ``infer_class`` must report a reason for class ``name`` itself."""
        spec = self.cls(name)
        if spec.dynamic:
            return True
        return bool(spec.explicit_init and spec.base
                    and DYNAMIC_MARK in self.cls(spec.base).init_reach)

    def has_reasons(self, name: str) -> bool:
        """Whether class ``name`` or a base writes a name that cannot be proven."""
        return any(c.dynamic for c in self.chain(name))

    def source(self, mode: str = "plain") -> str:
        """The module's source: mode is "plain", "decorator" or "base"."""
        out = ["from __future__ import annotations"] if self.future else []
        out.extend(HEADER.splitlines())
        if mode != "plain":
            out.append("from autoslots import AutoSlots, autoslots")
        for block in self.helpers:
            out.append("")
            out.append("")
            out.extend(block.splitlines())
        options = ", ".join(f"{k}={v!r}" for k, v in sorted(self.options.items()))
        for cls in self.classes:
            out.append("")
            out.append("")
            out.extend(_render_class(cls, mode, options))
        return "\n".join(out) + "\n"


def _render_class(cls: GenClass, mode: str, options: str = "") -> List[str]:
    lines: List[str] = []
    if mode == "decorator":
        lines.append(f"@autoslots({options})" if options else "@autoslots")
    bases = cls.base or ("AutoSlots" if mode == "base" else "")
    if mode == "base" and options and not cls.base:
        bases += ", " + options  # class keywords; subclasses inherit them
    lines.append(f"class {cls.name}({bases}):" if bases else f"class {cls.name}:")
    body: List[str] = []
    for name, value in cls.defaults.items():
        body.append(f"{name} = {value}")
    for name, value in cls.annotated_defaults.items():
        body.append(f"{name}: int = {value}")
    for name in cls.annotated:
        body.append(f"{name}: int")
    for name in cls.classvars:
        body.append(f"{name}: typing.ClassVar[int] = 0")
    for method in cls.methods:
        if method.decorator:
            body.extend(method.decorator.split("\n"))
        params = method.param + (", " + method.extra_params if method.extra_params else "")
        body.append(f"def {method.name}({params}):")
        body.extend("    " + line for line in (method.body or ["pass"]))
    lines.extend("    " + line for line in (body or ["pass"]))
    return lines


# -- simulation state -----------------------------------------------------------------


@dataclass
class _State:
    inst: Dict[str, str] = field(default_factory=dict)  # name -> "int" | "list" | "ns"
    defaults: Dict[str, str] = field(default_factory=dict)
    props: Dict[str, str] = field(default_factory=dict)  # property -> storage

    def kind(self, name: str) -> Optional[str]:
        if name in self.props:
            return self.inst.get(self.props[name])
        if name in self.inst:
            return self.inst[name]
        return self.defaults.get(name)

    def copy(self) -> _State:
        return _State(dict(self.inst), dict(self.defaults), dict(self.props))


def _apply(state: _State, effect: Effect, deleted: Optional[Set[str]] = None) -> None:
    op, name, kind = effect
    target = state.props.get(name, name)
    if op == "set":
        state.inst[target] = kind
    else:
        state.inst.pop(target, None)
        if deleted is not None:
            deleted.add(target)


@dataclass
class _Ctx:
    """Where a statement is written."""

    tracked: str  # the local that holds the instance
    class_name: Optional[str]  # for mangling; None in module-level helpers
    super_ok: bool  # directly in a method (zero-argument super() works)
    depth: int
    factory: bool = False  # in a classmethod factory: simple writes only
    # names read from an enclosing function: assigning them anywhere in this function
    # would make them local (UnboundLocalError)
    captured: FrozenSet[str] = frozenset()

    def nested(self, tracked: str, *, class_name: Optional[str] = "keep") -> _Ctx:
        cname = self.class_name if class_name == "keep" else class_name
        captured = frozenset({tracked}) if tracked == self.tracked else frozenset()
        return _Ctx(tracked, cname, False, self.depth + 1, captured=captured)

    def copy(self) -> _Ctx:
        return _Ctx(self.tracked, self.class_name, self.super_ok, self.depth, self.factory,
                    self.captured)


class _Gen:
    """Draws one module, simulating it as it goes."""

    def __init__(self, draw: Callable[[Any], Any], allow_dynamic: bool) -> None:
        self.draw = draw
        self.counter = itertools.count()
        self.allow_dynamic = allow_dynamic
        self.helpers: List[str] = []
        self.state = _State()
        self.log: List[Effect] = []
        self.owner: Optional[GenClass] = None
        self.protected: Set[str] = set()  # names whose kind the current phase must keep
        self.base: Optional[GenClass] = None
        # driver methods already run: an instance may now shadow them (self.m1 = 5)
        self.done_methods: List[str] = []
        self.dead = 0  # > 0 while writing code that never runs
        # names written by the code being generated, per function a driver would follow
        # from the method being written; True marks a method boundary (a method called
        # through the instance is read on its own, not followed)
        self.frames: List[Tuple[Set[str], bool]] = []

    # -- small draws ----------------------------------------------------------------

    def pick(self, options: Any) -> Any:
        return self.draw(st.sampled_from(list(options)))

    def choose(self, forms: List[str]) -> str:
        """One of ``forms`` (names of code forms), leaving out the disabled ones."""
        allowed = [f for f in forms if f not in DISABLED]
        return str(self.pick(allowed or forms[:1]))

    def flag(self, p: float = 0.5) -> bool:
        # shrinks towards 0, which means False
        return bool(self.draw(st.integers(0, 99)) >= 100 - int(p * 100))

    def fresh(self, prefix: str) -> str:
        return f"{prefix}{next(self.counter)}"

    # -- effects --------------------------------------------------------------------

    def effect(self, op: str, name: str, kind: str = "", *, constant: bool = True) -> None:
        eff = (op, name, kind)
        _apply(self.state, eff)
        assert self.owner is not None
        if not self.dead:
            self.log.append(eff)
        recorded = name if constant else DYNAMIC_MARK
        if name in self.state.props and constant:
            return  # a property's setter writes its storage (recorded with the property)
        if constant:
            self.owner.written.add(name)
            if self.dead:
                self.owner.dead.add(name)
        else:
            self.owner.dynamic.add(name)
        for names, boundary in reversed(self.frames):
            names.add(recorded)
            if boundary:
                break

    # -- spelling -------------------------------------------------------------------

    def spell(self, name: str, ctx: _Ctx) -> Optional[str]:
        """How ``ctx`` writes run-time ``name`` as an attribute (None: it cannot)."""
        if ctx.class_name is None:
            return name
        own = mangle("__x", ctx.class_name)[: -len("__x")]
        if own and name.startswith(own + "__") and not name.endswith("__"):
            return name if self.flag(0.2) else name[len(own):]
        if name.startswith("__") and not name.endswith("__"):
            return None
        return name

    def targets(self, ctx: _Ctx, *, attribute: bool, kind: str = "int") -> List[str]:
        names = list(PUBLIC) + list(self.state.props)
        if ctx.class_name is not None:
            names += [mangle(p, ctx.class_name) for p in PRIVATE]
        names += [n for n in self.state.inst if n not in names]
        if "override_method" not in DISABLED and not self.dead:
            names += self.done_methods
        if not attribute or ctx.class_name is None:
            names.append(UNMANGLED)
        if attribute:
            names = [n for n in names if self.spell(n, ctx) is not None]
        return sorted(n for n in set(names) if self.may_write(n, kind))

    def may_write(self, name: str, kind: str) -> bool:
        """A subclass's __init__ runs between its base's __init__ and the base's methods
        (and a factory before the methods): it must not change the kind of a value that
        code relies on."""
        if name not in self.protected:
            return True
        return self.state.kind(name) in (None, kind)

    def readable(self, ctx: _Ctx, kind: str) -> List[str]:
        names = set(self.state.inst) | set(self.state.defaults) | set(self.state.props)
        out = [n for n in names if self.state.kind(n) == kind]
        return sorted(n for n in out if self.spell(n, ctx) is not None)

    def deletable(self, ctx: _Ctx, *, attribute: bool) -> List[str]:
        out = [
            n
            for n in self.state.inst
            if n not in self.protected and n not in self.state.props.values()
        ]
        if attribute:
            out = [n for n in out if self.spell(n, ctx) is not None]
        return sorted(out)

    def attr(self, ctx: _Ctx, name: str) -> str:
        spelled = self.spell(name, ctx)
        assert spelled is not None
        return f"{ctx.tracked}.{spelled}"

    def value(self, ctx: _Ctx) -> str:
        ints = self.readable(ctx, "int")
        if ints and self.flag(0.3):
            return f"{self.attr(ctx, self.pick(ints))} + {self.draw(st.integers(1, 9))}"
        return str(self.draw(st.integers(0, 9)))

    # -- statements -----------------------------------------------------------------

    def block(self, ctx: _Ctx, low: int, high: int) -> List[str]:
        lines: List[str] = []
        for _ in range(self.draw(st.integers(low, high))):
            lines.extend(self.statement(ctx))
        return lines

    def dead_block(self, ctx: _Ctx) -> List[str]:
        """Code that never runs: its writes count for the inference, not for the run."""
        saved_state, saved_protected = self.state, self.protected
        self.state = self.state.copy()
        self.protected = set()
        self.dead += 1
        try:
            return self.block(ctx.copy(), 1, 2) or ["pass"]
        finally:
            self.dead -= 1
            self.state, self.protected = saved_state, saved_protected

    def statement(self, ctx: _Ctx) -> List[str]:
        if ctx.factory:
            what = self.choose(["write", "write", "aug", "read"])
        else:
            choices = ["write", "write", "write", "aug", "del", "read", "deep", "classwrite"]
            if ctx.depth < 2:
                choices += ["wrap", "wrap", "flow"]
            choices.append("alias")
            if self.allow_dynamic and ctx.class_name is not None:
                choices.append("dynamic")
            what = self.choose(choices)
        if what == "aug" and (self.readable(ctx, "int") or self.readable(ctx, "list")):
            return self.aug(ctx)
        if what == "del" and self.deletable(ctx, attribute=False):
            return self.delete(ctx)
        if what == "read" and self.readable(ctx, "int"):
            return [f"_ = {self.attr(ctx, self.pick(self.readable(ctx, 'int')))}"]
        if what == "deep" and (self.readable(ctx, "ns") or self.readable(ctx, "list")):
            return self.deep(ctx)
        if what == "classwrite":
            cv = self.pick(CLASS_ATTRS)
            how = self.pick([f"type({ctx.tracked})", f"{ctx.tracked}.__class__"])
            return [f"{how}.{cv} = {self.value(ctx)}"]
        if what == "wrap":
            return self.wrap(ctx)
        if what == "flow":
            return self.flow(ctx)
        if what == "alias":
            return self.alias(ctx)
        if what == "dynamic":
            self.effect("set", DYNAMIC, "int", constant=False)
            # a name no engine can know (a local bound to a constant string is not used:
            # the engines disagree on it, see test_property_inference REGRESSIONS)
            half = len(DYNAMIC) // 2
            parts = f"({DYNAMIC[:half]!r}, {DYNAMIC[half:]!r})"
            return [f"setattr({ctx.tracked}, ''.join({parts}), 1)"]
        return self.write(ctx)

    def alias(self, ctx: _Ctx) -> List[str]:
        t = ctx.tracked
        names = [a for a in ALIASES if a != t and a not in ctx.captured]
        alias = self.pick(names)
        form = self.choose(["plain", "walrus", "chained", "tuple", "ifexp", "or", "for"])
        ctx.tracked = alias
        if form == "walrus":
            return [f"({alias} := {t})"]
        if form == "chained":
            other = self.pick([a for a in names if a != alias])
            ctx.tracked = self.pick([alias, other])
            return [f"{alias} = {other} = {t}"]
        if form == "tuple":
            return [f"{alias}, _ = {t}, 0"]
        if form == "ifexp":
            return [f"{alias} = {t} if {t} is not None else None"]
        if form == "or":
            return [f"{alias} = {t} or None"]
        if form == "for":
            return [f"for {alias} in ({t},):", "    pass"]
        return [f"{alias} = {t}"]

    def write(self, ctx: _Ctx) -> List[str]:
        forms = ["assign", "annassign", "chain", "tuple", "starred", "for", "with", "setattr",
                 "objsetattr", "aliased_builtin", "comptarget", "ns"]
        if ctx.super_ok and ctx.class_name is not None:
            forms.append("supersetattr")
        form = self.choose(forms)
        if form in ("setattr", "objsetattr", "supersetattr", "aliased_builtin"):
            name = self.pick(self.targets(ctx, attribute=False))
            val = self.value(ctx)
            self.effect("set", name, "int")
            if form == "setattr":
                return [f"setattr({ctx.tracked}, {name!r}, {val})"]
            if form == "objsetattr":
                return [f"object.__setattr__({ctx.tracked}, {name!r}, {val})"]
            if form == "aliased_builtin":
                fn = self.pick(["_setattr", "_osa"])
                return [f"{fn}({ctx.tracked}, {name!r}, {val})"]
            return [f"super().__setattr__({name!r}, {val})"]
        if form == "ns":
            name = self.pick(self.targets(ctx, attribute=True, kind="ns"))
            self.effect("set", name, "ns")
            return [f"{self.attr(ctx, name)} = types.SimpleNamespace()"]
        names = self.targets(ctx, attribute=True)
        name = self.pick(names)
        if form in ("assign", "annassign"):
            val = self.value(ctx)
            self.effect("set", name, "int")
            ann = ": int" if form == "annassign" else ""
            return [f"{self.attr(ctx, name)}{ann} = {val}"]
        if form == "chain":
            other = self.pick([n for n in names if n != name] or [name])
            val = self.value(ctx)
            self.effect("set", name, "int")
            self.effect("set", other, "int")
            return [f"{self.attr(ctx, name)} = {self.attr(ctx, other)} = {val}"]
        if form in ("tuple", "starred"):
            kind2 = "int" if form == "tuple" else "list"
            others = self.targets(ctx, attribute=True, kind=kind2)
            other = self.pick([n for n in others if n != name] or ["_"])
            first = self.attr(ctx, name)
            second = "_" if other == "_" else self.attr(ctx, other)
            if form == "tuple":
                v1, v2 = self.value(ctx), self.value(ctx)
                self.effect("set", name, "int")
                if other != "_":
                    self.effect("set", other, "int")
                return [f"{first}, {second} = {v1}, {v2}"]
            if other == "_":
                if not self.may_write(name, "list"):
                    self.effect("set", name, "int")
                    return [f"{first}, *_ = 1, 2, 3"]
                self.effect("set", name, "list")
                return [f"_, *{first} = 1, 2, 3"]
            # targets are assigned left to right (a property and its storage may alias)
            if self.flag():
                self.effect("set", name, "int")
                self.effect("set", other, "list")
                return [f"{first}, *{second} = 1, 2, 3"]
            self.effect("set", other, "list")
            self.effect("set", name, "int")
            return [f"*{second}, {first} = 1, 2, 3"]
        if form == "for":
            n = self.draw(st.integers(1, 3))
            self.effect("set", name, "int")
            return [f"for {self.attr(ctx, name)} in range({n}):", "    pass"]
        if form == "with":
            val = self.value(ctx)
            self.effect("set", name, "int")
            return [f"with contextlib.nullcontext({val}) as {self.attr(ctx, name)}:", "    pass"]
        # comprehension target: [None for self.x in range(n)]
        n = self.draw(st.integers(1, 3))
        self.effect("set", name, "int")
        return [f"_ = [None for {self.attr(ctx, name)} in range({n})]"]

    def aug(self, ctx: _Ctx) -> List[str]:
        ints, lists = self.readable(ctx, "int"), self.readable(ctx, "list")
        if ints and (not lists or self.flag(0.7)):
            name = self.pick(ints)
            op = self.pick(["+=", "-=", "*=", "|=", "^=", "//=", "<<="])
            rhs = str(self.draw(st.integers(1, 5)))
            kind = "int"
        else:
            name = self.pick(lists)
            op, rhs, kind = "+=", "[7]", "list"
        self.effect("set", name, kind)
        return [f"{self.attr(ctx, name)} {op} {rhs}"]

    def deep(self, ctx: _Ctx) -> List[str]:
        """Writes through an attribute: a read of the instance's attribute, no write."""
        namespaces, lists = self.readable(ctx, "ns"), self.readable(ctx, "list")
        if namespaces and (not lists or self.flag()):
            assert self.owner is not None
            # a write on another object: the driver slots it too (the object may be an
            # instance of the class), also in functions it follows unbound
            self.owner.other.add("inner")
            for names, boundary in reversed(self.frames):
                names.add("inner")
                if boundary:
                    break
            return [f"{self.attr(ctx, self.pick(namespaces))}.inner = {self.value(ctx)}"]
        return [f"{self.attr(ctx, self.pick(lists))}[0] = {self.value(ctx)}"]

    def delete(self, ctx: _Ctx) -> List[str]:
        attr_ok = self.deletable(ctx, attribute=True)
        forms = ["delattr", "objdelattr", "aliased"]
        if attr_ok:
            forms += ["del", "del", "del2"]
        form = self.choose(forms)
        if form == "del2" and len(attr_ok) >= 2:
            first = self.pick(attr_ok)
            second = self.pick([n for n in attr_ok if n != first])
            line = f"del {self.attr(ctx, first)}, {self.attr(ctx, second)}"
            self.effect("del", first)
            self.effect("del", second)
            return [line]
        if form in ("del", "del2"):
            name = self.pick(attr_ok)
            line = f"del {self.attr(ctx, name)}"
        else:
            name = self.pick(self.deletable(ctx, attribute=False))
            fn = {"delattr": "delattr", "objdelattr": "object.__delattr__",
                  "aliased": "_delattr"}[form]
            line = f"{fn}({ctx.tracked}, {name!r})"
        self.effect("del", name)
        return [line]

    def flow(self, ctx: _Ctx) -> List[str]:
        """Control flow around live (and sometimes dead) code."""
        form = self.choose(["if_true", "if_false", "try_raise", "try_finally", "try_dead",
                          "while_break", "for_once", "with_block"])

        def live() -> List[str]:
            return ["    " + ln for ln in (self.block(ctx, 1, 2) or ["pass"])]

        def dead() -> List[str]:
            return ["    " + ln for ln in self.dead_block(ctx)]

        if form == "if_true":
            lines = [f"if {TRUE_TEST}:", *live()]
            if self.flag():
                lines += ["else:", *dead()]
            return lines
        if form == "if_false":
            head = [f"if {FALSE_TEST}:", *dead()]
            return [*head, "else:", *live()]
        if form == "try_raise":
            body = live()
            return ["try:", *body, "    raise KeyError(0)", "except KeyError:", *live()]
        if form == "try_finally":
            body = live()
            return ["try:", *body, "finally:", *live()]
        if form == "try_dead":
            body = live()
            return ["try:", *body, "except ZeroDivisionError:", *dead()]
        if form == "while_break":
            return ["while True:", *live(), "    break"]
        if form == "for_once":
            return ["for _i in range(1):", *live()]
        return ["with contextlib.nullcontext():", *live()]

    def wrap(self, ctx: _Ctx) -> List[str]:
        forms = ["closure", "closure_param", "closure_free", "closure_default", "lambda",
                 "lambda_param",
                 "lambda_local", "listcomp", "genexp", "helper", "helper_kw", "helper_pos2",
                 "helper_kwonly", "helper_class"]
        if ctx.class_name is not None:
            forms += ["method", "method"]
            assert self.owner is not None
            if not self.owner.name.startswith("__"):
                forms.append("method_explicit")
        form = self.choose(forms)
        if form.startswith("closure"):
            fname = self.fresh("_f")
            inner_t = ctx.tracked if form == "closure" else "o"
            inner = ctx.nested(inner_t)
            body = self.block(inner, 1, 2)
            if form == "closure":
                head, call = f"def {fname}():", f"{fname}()"
            elif form == "closure_param":
                head, call = f"def {fname}(o):", f"{fname}({ctx.tracked})"
            elif form == "closure_free":
                # a function with a free variable (not the instance) receiving it
                free = self.fresh("_k")
                body.append(f"_ = {free}")
                return [f"{free} = 5", f"def {fname}(o):", *("    " + ln for ln in body),
                        f"{fname}({ctx.tracked})"]
            else:
                head, call = f"def {fname}(o={ctx.tracked}):", f"{fname}()"
            return [head, *("    " + ln for ln in body), call]
        if form.startswith("lambda") or form in ("listcomp", "genexp"):
            param = form == "lambda_param"
            inner = ctx.nested("o" if param else ctx.tracked)
            name = self.pick(self.targets(inner, attribute=False))
            val = self.value(inner)
            self.effect("set", name, "int")
            fn = self.pick(["setattr", "object.__setattr__", "_setattr"])
            expr = f"{fn}({inner.tracked}, {name!r}, {val})"
            if form == "lambda":
                return [f"(lambda: {expr})()"]
            if form == "lambda_param":
                return [f"(lambda o: {expr})({ctx.tracked})"]
            if form == "lambda_local":
                local = self.fresh("_g")
                return [f"{local} = lambda: {expr}", f"{local}()"]
            if form == "listcomp":
                return [f"_ = [{expr} for _i in range(1)]"]
            return [f"_ = list({expr} for _i in range(1))"]
        if form.startswith("helper"):
            return self.module_helper(ctx, form)
        # a helper method of the class
        assert self.owner is not None
        mname = self.fresh("_setup")
        param = self.pick(PARAMS)
        inner = _Ctx(param, self.owner.name, True, ctx.depth + 1)
        # called through the instance it is a read (the method is read on its own);
        # called as Class.method(self) the driver follows it
        self.frames.append((set(), form == "method"))
        body = self.block(inner, 1, 3)
        names, _ = self.frames.pop()
        if form == "method_explicit":
            for outer, boundary in reversed(self.frames):
                outer |= names
                if boundary:
                    break
        self.owner.methods.append(GenMethod(mname, param, body))
        if form == "method":
            return [f"{ctx.tracked}.{mname}()"]
        return [f"{self.owner.name}.{mname}({ctx.tracked})"]

    def module_helper(self, ctx: _Ctx, form: str) -> List[str]:
        hname = self.fresh("_helper")
        cname = self.fresh("_Helpers")
        # a function in a helper class body is mangled with that class's name
        inner = ctx.nested("o", class_name=cname if form == "helper_class" else None)
        body = ["    " + ln for ln in self.block(inner, 1, 2)]
        t = ctx.tracked
        if form == "helper_class":
            deco = ["    @staticmethod"] if self.flag() else []
            self.helpers.append("\n".join(
                [f"class {cname}:", *deco, "    def fill(o):", *("    " + b for b in body)]))
            return [f"{cname}.fill({t})"]
        signature, call = {
            "helper": ("o", f"{hname}({t})"),
            "helper_kw": ("o", f"{hname}(o={t})"),
            "helper_pos2": ("v, o", f"{hname}(0, {t})"),
            "helper_kwonly": ("v, *, o", f"{hname}(1, o={t})"),
        }[form]
        self.helpers.append("\n".join([f"def {hname}({signature}):", *body]))
        return [call]

    # -- classes --------------------------------------------------------------------

    def method(self, cls: GenClass, name: str) -> GenMethod:
        """A driver method (or __init__), generated in the current state."""
        param = self.pick(PARAMS)
        ctx = _Ctx(param, cls.name, True, 0)
        self.log = []
        self.frames = [(set(), True)]
        body: List[str] = []
        if name == "__init__" and self.base is not None:
            body.extend(self.block(ctx, 0, 1))
            if cls.explicit_init:
                body.append(f"{self.base.name}.__init__({ctx.tracked})")
            else:
                body.append("super().__init__()")
            for eff in self.base.init_effects:
                _apply(self.state, eff)
                self.log.append(eff)
        body.extend(self.block(ctx, 1 if name == "__init__" else 0, 4))
        decorator = ""
        if name != "__init__":
            if self.flag(0.2) and "generator" not in DISABLED:
                body.append("yield")
                cls.generators.add(name)
            if self.flag(0.2):
                decorator = "@_" + self.choose(["wraps_deco", "plain_deco"])
        if name == "__init__":
            cls.init_reach = self.frames[0][0]
        gm = GenMethod(name, param, body, decorator)
        cls.methods.append(gm)
        return gm

    def add_factory(self, cls: GenClass) -> None:
        """``@classmethod def makeN(cls): made = cls(); ...; return made``."""
        name = self.fresh("make")
        param = self.pick(["cls", "klass"])
        ctx = _Ctx("made", cls.name, False, 0, factory=True)
        self.log = []
        self.frames = [(set(), True)]
        saved = self.protected
        self.protected = set(self.state.inst) | set(self.state.defaults)
        body = [f"made = {param}()", *self.block(ctx, 1, 3), "return made"]
        self.protected = saved
        cls.methods.append(GenMethod(name, param, body, "@classmethod"))
        cls.factory = name
        cls.factory_effects = list(self.log)

    def add_property(self, cls: GenClass) -> None:
        pname = self.fresh("p")
        storage = "_" + pname
        cls.props[pname] = storage
        cls.written.add(storage)
        getter = self.pick(PARAMS)
        setter = self.pick(PARAMS)
        cls.methods.append(GenMethod(pname, getter, [f"return {getter}.{storage}"], "@property"))
        form = self.pick(["assign", "setattr", "objsetattr"])
        if form == "assign":
            line = f"{setter}.{storage} = value"
        elif form == "setattr":
            line = f"setattr({setter}, {storage!r}, value)"
        else:
            line = f"object.__setattr__({setter}, {storage!r}, value)"
        cls.methods.append(GenMethod(pname, setter, [line], f"@{pname}.setter", "value"))
        if self.flag(0.3) and "deleter" not in DISABLED:
            deleter = self.pick(PARAMS)
            cls.deleters.add(pname)
            cls.methods.append(
                GenMethod(pname, deleter, [f"del {deleter}.{storage}"], f"@{pname}.deleter"))

    def class_body(self, cls: GenClass) -> None:
        for _ in range(self.draw(st.integers(0, 2))):
            cls.defaults[self.pick(PUBLIC)] = self.draw(st.integers(0, 9))
        if self.flag(0.2):
            name = self.pick([n for n in PUBLIC if n not in cls.defaults])
            cls.annotated_defaults[name] = self.draw(st.integers(0, 9))
        if self.flag(0.2):
            cls.annotated.append(self.fresh("ann"))
        if self.flag(0.2):
            cls.classvars.append(self.fresh("cvar"))
        for _ in range(self.draw(st.integers(0, 2))):
            self.add_property(cls)
        if self.flag(0.2) and "cached_property" not in DISABLED:
            name = self.fresh("cp")
            cls.cached.append(name)
            cls.methods.append(GenMethod(name, self.pick(PARAMS), ["return [5]"],
                                         "@functools.cached_property"))
        if cls.base is None and self.flag(0.1) and "getattr_hook" not in DISABLED:
            cls.methods.append(GenMethod("__getattr__", "self", [
                f"if name == {LAZY!r}:", "    return 42", "raise AttributeError(name)"],
                extra_params="name"))
        if cls.base is None and self.flag(0.1) and "setattr_hook" not in DISABLED:
            line = self.pick(["super().__setattr__(name, value)",
                              "object.__setattr__(self, name, value)"])
            cls.methods.append(GenMethod("__setattr__", "self", [line],
                                         extra_params="name, value"))
        for name in list(cls.defaults) + list(cls.annotated_defaults):
            self.state.defaults[name] = "int"
        self.state.props.update(cls.props)

    def gen_class(self, name: str, base: Optional[GenClass]) -> GenClass:
        cls = GenClass(name, base.name if base else None)
        self.owner = cls
        self.base = base
        self.class_body(cls)
        self.state.inst = {}
        self.done_methods = []  # __init__ runs before any method
        if base is None or self.flag(0.8):
            if base is not None:
                cls.explicit_init = (not base.name.startswith("__") and self.flag(0.3)
                                     and "explicit_init" not in DISABLED)
                self.protected = _touched(base)
            self.method(cls, "__init__")
            cls.init_effects = list(self.log)
            self.protected = set()
        else:
            for eff in base.init_effects:
                _apply(self.state, eff)
            cls.init_effects = list(base.init_effects)
        if base is None and self.flag(0.25) and "factory" not in DISABLED:
            self.add_factory(cls)
        self.done_methods = []
        if base is not None:
            for eff in base.factory_effects:
                _apply(self.state, eff)
            for mname in base.driver_methods:
                for eff in base.method_effects[mname]:
                    _apply(self.state, eff)
            self.done_methods = list(base.driver_methods)
        for _ in range(self.draw(st.integers(0, 3))):
            mname = self.fresh("m")
            self.method(cls, mname)
            cls.driver_methods.append(mname)
            cls.method_effects[mname] = list(self.log)
            self.done_methods.append(mname)
        return cls


def _touched(cls: GenClass) -> Set[str]:
    names = {eff[1] for eff in cls.init_effects + cls.factory_effects}
    for effects in cls.method_effects.values():
        names |= {eff[1] for eff in effects}
    return names | set(cls.props.values()) | set(cls.props) | set(cls.defaults) | set(
        cls.annotated_defaults)


def _drive_static(chain: List[GenClass]) -> Tuple[Set[str], Set[str], Set[str]]:
    """(ever, final, deleted) names of an instance of ``chain[-1]`` after its driver."""
    target = chain[-1]
    state = _State()
    for k in chain:
        state.props.update(k.props)
    ever: Set[str] = set()
    deleted: Set[str] = set()

    def run(effects: List[Effect]) -> None:
        for eff in effects:
            _apply(state, eff, deleted)
            if eff[0] == "set":
                ever.add(state.props.get(eff[1], eff[1]))

    run(target.init_effects)
    for k in chain:
        run(k.factory_effects)
    for k in chain:
        for mname in k.driver_methods:
            run(k.method_effects[mname])
    for k in chain:
        for prop in k.props:
            run([("set", prop, "int")])
            if prop in k.deleters:
                run([("del", prop, "")])
        for name in k.cached:  # read (cached in the instance), deleted, read again
            run([("set", name, "list"), ("del", name, ""), ("set", name, "list")])
    return ever, set(state.inst), deleted


def _driver(chain: List[GenClass], draw: Callable[[Any], Any]) -> List[Step]:
    factory = next((k.factory for k in chain if k.factory), None)
    steps: List[Step] = [("factory", factory) if factory else ("new",)]
    for k in chain:
        for m in k.driver_methods:
            steps.append(("iter", m) if m in k.generators else ("call", m))
    for k in chain:
        for prop in k.props:
            steps.append(("set", prop, str(draw(st.integers(0, 9)))))
            steps.append(("get", prop))
            if prop in k.deleters:
                steps.append(("delprop", prop))
                steps.append(("get", prop))
        for name in k.cached:
            steps += [("get", name), ("delprop", name), ("get", name)]
    return steps


@st.composite
def modules(draw: Callable[[Any], Any], allow_dynamic: bool = False) -> GenModule:
    """A module of generated classes with drivers (see the module docstring)."""
    gen = _Gen(draw, allow_dynamic and bool(draw(st.integers(0, 9)) == 9))
    future = bool(draw(st.integers(0, 3)) == 3)
    names = draw(st.sampled_from(CLASS_NAMES))
    base = gen.gen_class(names[0], None)
    classes = [base]
    if draw(st.booleans()):
        classes.append(gen.gen_class(names[1], base))
    module = GenModule(classes, gen.helpers, future, {}, {}, {}, {}, [])
    option = draw(st.sampled_from(["", "", "", "weakref", "extra", "dict"]))
    if option == "weakref":
        module.options = {"weakref": False}
    elif option == "extra":
        module.options = {"extra": (EXTRA,)}
    elif option == "dict":
        module.options = {"dict": True}
    probe: Set[str] = set(CLASS_ATTRS)
    for cls in classes:
        chain = module.chain(cls.name)
        module.drivers[cls.name] = _driver(chain, draw)
        ever, final, deleted = _drive_static(chain)
        module.ever[cls.name], module.final[cls.name], module.deleted[cls.name] = (
            ever, final, deleted)
        probe |= ever | set(cls.defaults) | set(cls.annotated_defaults) | set(cls.annotated)
        probe |= set(cls.props) | set(cls.classvars) | set(cls.cached) | {LAZY}
    module.probe_names = sorted(probe)
    return module


# -- loading and running --------------------------------------------------------------

_counter = itertools.count()


def load(module: GenModule, mode: str, directory: str) -> types.ModuleType:
    """Write the module's source in ``mode`` to ``directory`` and import it."""
    return load_source(module.source(mode), directory, mode)


def load_source(source: str, directory: str, tag: str = "src") -> types.ModuleType:
    """Write ``source`` as a new module in ``directory`` and import it."""
    name = f"_autoslots_gen_{os.getpid()}_{next(_counter)}_{tag}"
    path = os.path.join(directory, name + ".py")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(source)
    if directory not in sys.path:
        sys.path.insert(0, directory)
    finder = sys.path_importer_cache.get(directory)
    if finder is not None:
        finder.invalidate_caches()  # the directory listing is cached
    else:
        importlib.invalidate_caches()
    linecache.checkcache(path)
    return importlib.import_module(name)


def unload(mod: types.ModuleType) -> None:
    """Forget a generated module and delete its file (keeps the directory small)."""
    sys.modules.pop(mod.__name__, None)
    path = getattr(mod, "__file__", None)
    if path:
        linecache.cache.pop(path, None)
        with contextlib.suppress(OSError):
            os.remove(path)


Outcome = Tuple[str, Any]  # ("ok", value) / ("exc", exception type name)


@dataclass
class Run:
    outcomes: List[Outcome]
    instance: Any
    seen: Set[str]  # names found in the instance's __dict__ after any step


def _step(cls: type, obj: Any, step: Step) -> Tuple[Any, Any]:
    """Run one driver step; return (the instance, the step's value)."""
    kind = step[0]
    if kind == "new":
        obj = cls()
        return obj, None
    if kind == "factory":
        obj = getattr(cls, step[1])()
        return obj, None
    if kind == "call":
        return obj, getattr(obj, step[1])()
    if kind == "iter":
        return obj, list(getattr(obj, step[1])())
    if kind == "set":
        setattr(obj, step[1], int(step[2]))
        return obj, None
    if kind == "delprop":
        delattr(obj, step[1])
        return obj, None
    return obj, getattr(obj, step[1])


def _plain_value(value: Any) -> Any:
    """Values compared between the forms: a bound method stands for its name."""
    if callable(value) and not isinstance(value, type):
        return ("callable", getattr(value, "__name__", "?"))
    return value


def probe_values(obj: Any, probe: List[str]) -> List[Outcome]:
    """Read every name in ``probe`` on ``obj``: its value or the exception type."""
    outcomes: List[Outcome] = []
    for name in probe:
        try:
            outcomes.append(("ok", _plain_value(getattr(obj, name))))
        except Exception as exc:  # the outcome is compared
            outcomes.append(("exc", type(exc).__name__))
    return outcomes


def run_driver(cls: type, steps: List[Step], probe: List[str]) -> Run:
    """Run ``steps`` on a new instance of ``cls``, then read every name in ``probe``."""
    outcomes: List[Outcome] = []
    obj: Any = None
    seen: Set[str] = set()
    for step in steps:
        try:
            obj, value = _step(cls, obj, step)
            outcomes.append(("ok", _plain_value(value)))
        except Exception as exc:  # the outcome is compared
            outcomes.append(("exc", type(exc).__name__))
        if obj is not None and hasattr(obj, "__dict__"):
            seen |= set(vars(obj))
    outcomes.extend(probe_values(obj, probe))
    return Run(outcomes, obj, seen)
