"""Hypothesis strategy that writes random classes as SOURCE code, and runs them.

A generated module holds one class, or a base class and a subclass, plus module-level
helper functions.  Method bodies use every assignment form autoslots infers (plain,
annotated, augmented, tuple/starred unpacking, ``for``/``with`` targets, ``del``,
``setattr``/``object.__setattr__``/``super().__setattr__``/``delattr`` with constant
names), through aliases, non-``self`` first parameters, nested functions, lambdas,
comprehensions, helper methods called from ``__init__``, module-level helpers,
properties (storing in ``_pN``), class-level defaults and name mangling.

While it writes the code the generator simulates it: every statement is chosen so that it
is valid in the state the instance is in when it runs, so the *driver* (the list of steps
that exercise every method) never raises on the plain class.  The simulation also records
which run-time attribute names each class's own code writes, which the tests compare with
what the inference finds.

A module is rendered in three forms: ``plain``, ``decorator`` (``@autoslots`` on each
class) and ``base`` (the root class derives from ``AutoSlots``); the class names are the
same in each form, so mangled names match.
"""

from __future__ import annotations

import importlib
import itertools
import linecache
import os
import sys
import types
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

from hypothesis import strategies as st

PUBLIC = ("a", "b", "c", "d", "e")
PRIVATE = ("__q", "__r")  # spelled in class code; stored mangled
UNMANGLED = "__z"  # only reachable through strings (setattr) or module-level helpers
DYNAMIC = "dyn"  # written with a non-constant name: a reason
PARAMS = ("self", "this", "me", "obj", "inst")
ALIASES = ("s", "that", "alias", "me2")
CLASS_NAMES = (("Base", "Sub"), ("_Priv", "__Dunder"), ("A", "B_"))


def mangle(spelled: str, class_name: Optional[str]) -> str:
    """The run-time name of ``obj.<spelled>`` written in a class named ``class_name``."""
    if class_name is None or not spelled.startswith("__") or spelled.endswith("__"):
        return spelled
    stripped = class_name.lstrip("_")
    if not stripped:
        return spelled
    return f"_{stripped}{spelled}"


# -- the generated model --------------------------------------------------------------

Effect = Tuple[str, str, str]  # ("set", runtime name, kind) / ("del", runtime name, "")


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
    annotated: List[str] = field(default_factory=list)
    props: Dict[str, str] = field(default_factory=dict)  # property -> storage name
    methods: List[GenMethod] = field(default_factory=list)
    driver_methods: List[str] = field(default_factory=list)  # called by the driver, in order
    written: Set[str] = field(default_factory=set)  # run-time names its own code writes
    dynamic: Set[str] = field(default_factory=set)  # names written with non-constant names
    init_effects: List[Effect] = field(default_factory=list)
    method_effects: Dict[str, List[Effect]] = field(default_factory=dict)

    @property
    def expected_slots(self) -> Set[str]:
        """What the inference must find for this class's own code (ignoring properties)."""
        return (self.written | set(self.annotated)) - set(self.props)


Step = Tuple[str, ...]  # ("new",) ("call", m) ("set", attr, value) ("get", attr)


@dataclass
class GenModule:
    classes: List[GenClass]
    helpers: List[str]
    drivers: Dict[str, List[Step]]
    ever: Dict[str, Set[str]]  # class -> every run-time name its instances ever hold
    final: Dict[str, Set[str]]  # class -> names in the instance's __dict__ at the end
    deleted: Dict[str, Set[str]]  # class -> names deleted along the way
    probe_names: List[str]

    def has_reasons(self, class_name: str) -> bool:
        """Whether class_name or a base writes a name that cannot be proven."""
        by_name = {c.name: c for c in self.classes}
        cls: Optional[GenClass] = by_name[class_name]
        while cls is not None:
            if cls.dynamic:
                return True
            cls = by_name.get(cls.base) if cls.base else None
        return False

    def source(self, mode: str = "plain") -> str:
        """The module's source: mode is "plain", "decorator" or "base"."""
        out = ["import contextlib"]
        if mode != "plain":
            out.append("from autoslots import AutoSlots, autoslots")
        out.append("")
        for block in self.helpers:
            out.append("")
            out.extend(block.splitlines())
            out.append("")
        for cls in self.classes:
            out.append("")
            out.extend(_render_class(cls, mode))
            out.append("")
        return "\n".join(out) + "\n"


def _render_class(cls: GenClass, mode: str) -> List[str]:
    lines: List[str] = []
    if mode == "decorator":
        lines.append("@autoslots")
    bases = cls.base or ("AutoSlots" if mode == "base" else "")
    lines.append(f"class {cls.name}({bases}):" if bases else f"class {cls.name}:")
    body: List[str] = []
    for name, value in cls.defaults.items():
        body.append(f"{name} = {value}")
    for name in cls.annotated:
        body.append(f"{name}: int")
    for method in cls.methods:
        if method.decorator:
            body.append(method.decorator)
        params = method.param + (", " + method.extra_params if method.extra_params else "")
        body.append(f"def {method.name}({params}):")
        body.extend("    " + line for line in (method.body or ["pass"]))
    lines.extend("    " + line for line in (body or ["pass"]))
    return lines


# -- simulation state -----------------------------------------------------------------


@dataclass
class _State:
    inst: Dict[str, str] = field(default_factory=dict)  # run-time name -> "int" | "list"
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
    super_ok: bool  # at the top level of a method (zero-argument super() works)
    depth: int
    locals_used: Set[str] = field(default_factory=set)

    def nested(self, tracked: str, *, class_name: Optional[str] = "keep") -> _Ctx:
        cname = self.class_name if class_name == "keep" else class_name
        return _Ctx(tracked, cname, False, self.depth + 1, set())


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
        self.protected: Set[str] = set()  # names the current phase must not delete
        self.base_init: List[Effect] = []  # effects of the base's __init__ (super().__init__())

    # -- small draws ----------------------------------------------------------------

    def pick(self, options: Any) -> Any:
        return self.draw(st.sampled_from(list(options)))

    def flag(self, p: float = 0.5) -> bool:
        # integers keep shrinking well: 0 means False
        return bool(self.draw(st.integers(0, 99)) < int(p * 100))

    def fresh(self, prefix: str) -> str:
        return f"{prefix}{next(self.counter)}"

    # -- effects --------------------------------------------------------------------

    def effect(self, op: str, name: str, kind: str = "", *, constant: bool = True) -> None:
        eff = (op, name, kind)
        _apply(self.state, eff)
        self.log.append(eff)
        assert self.owner is not None
        if constant and name not in self.state.props:
            self.owner.written.add(name)

    # -- spelling -------------------------------------------------------------------

    def spell(self, name: str, ctx: _Ctx) -> Optional[str]:
        """How ``ctx`` writes run-time ``name`` as an attribute (None: it cannot)."""
        if ctx.class_name is None:
            return name
        own = mangle("__x", ctx.class_name)[: -len("__x")]
        if own and name.startswith(own + "__") and not name.endswith("__"):
            short = name[len(own):]
            return short if not self.flag(0.2) else name
        if name.startswith("__") and not name.endswith("__"):
            return None
        return name

    def targets(self, ctx: _Ctx, *, attribute: bool, kind: str = "int") -> List[str]:
        names = list(PUBLIC) + list(self.state.props)
        if ctx.class_name is not None:
            names += [mangle(p, ctx.class_name) for p in PRIVATE]
        names += [n for n in self.state.inst if n not in names]
        if not attribute or ctx.class_name is None:
            names.append(UNMANGLED)
        if attribute:
            names = [n for n in names if self.spell(n, ctx) is not None]
        return sorted(n for n in set(names) if self.may_write(n, kind))

    def may_write(self, name: str, kind: str) -> bool:
        """A subclass's __init__ runs between its base's __init__ and the base's methods:
        it must not change the kind of a value the base's code relies on."""
        if name not in self.protected:
            return True
        return self.state.kind(name) in (None, kind)

    def readable(self, ctx: _Ctx, kind: str, *, attribute: bool = True) -> List[str]:
        names = set(self.state.inst) | set(self.state.defaults) | set(self.state.props)
        out = [n for n in names if self.state.kind(n) == kind]
        if attribute:
            out = [n for n in out if self.spell(n, ctx) is not None]
        return sorted(out)

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

    def statement(self, ctx: _Ctx) -> List[str]:
        choices = ["write", "write", "write", "aug", "del", "read"]
        if ctx.depth < 2:
            choices += ["wrap", "wrap"]
        if ctx.super_ok and ctx.class_name is not None:
            choices.append("alias")
        if self.allow_dynamic and ctx.class_name is not None:
            choices.append("dynamic")
        what = self.pick(choices)
        if what == "aug" and (self.readable(ctx, "int") or self.readable(ctx, "list")):
            return self.aug(ctx)
        if what == "del" and self.deletable(ctx, attribute=False):
            return self.delete(ctx)
        if what == "read" and self.readable(ctx, "int"):
            return [f"_ = {self.attr(ctx, self.pick(self.readable(ctx, 'int')))}"]
        if what == "wrap":
            return self.wrap(ctx)
        if what == "alias":
            alias = self.pick([a for a in ALIASES if a != ctx.tracked])
            line = f"{alias} = {ctx.tracked}"
            ctx.tracked = alias
            return [line]
        if what == "dynamic":
            self.effect("set", DYNAMIC, "int", constant=False)
            assert self.owner is not None
            self.owner.dynamic.add(DYNAMIC)
            # a name no engine can know (a local bound to a constant string is not used:
            # the engines do not agree on it, see test_property_inference REGRESSIONS)
            half = len(DYNAMIC) // 2
            parts = f"({DYNAMIC[:half]!r}, {DYNAMIC[half:]!r})"
            return [f"setattr({ctx.tracked}, ''.join({parts}), 1)"]
        return self.write(ctx)

    def write(self, ctx: _Ctx) -> List[str]:
        forms = ["assign", "annassign", "tuple", "starred", "for", "with", "setattr",
                 "objsetattr", "comptarget"]
        if ctx.super_ok and ctx.class_name is not None:
            forms.append("supersetattr")
        form = self.pick(forms)
        if form in ("setattr", "objsetattr", "supersetattr"):
            name = self.pick(self.targets(ctx, attribute=False))
            val = self.value(ctx)
            self.effect("set", name, "int")
            if form == "setattr":
                return [f"setattr({ctx.tracked}, {name!r}, {val})"]
            if form == "objsetattr":
                return [f"object.__setattr__({ctx.tracked}, {name!r}, {val})"]
            return [f"super().__setattr__({name!r}, {val})"]
        names = self.targets(ctx, attribute=True)
        name = self.pick(names)
        if form in ("assign", "annassign"):
            val = self.value(ctx)
            self.effect("set", name, "int")
            ann = ": int" if form == "annassign" else ""
            return [f"{self.attr(ctx, name)}{ann} = {val}"]
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
            # starred: `first, *second = ...` or `*second, first = ...`
            if other == "_":
                if not self.may_write(name, "list"):
                    self.effect("set", name, "int")
                    return [f"{first}, *_ = 1, 2, 3"]
                second = self.attr(ctx, name)
                self.effect("set", name, "list")
                return [f"_, *{second} = 1, 2, 3"]
            self.effect("set", name, "int")
            self.effect("set", other, "list")
            if self.flag():
                return [f"{first}, *{second} = 1, 2, 3"]
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
            op = self.pick(["+=", "-=", "*=", "|=", "^="])
            rhs = str(self.draw(st.integers(1, 5)))
            kind = "int"
        else:
            name = self.pick(lists)
            op, rhs, kind = "+=", "[7]", "list"
        self.effect("set", name, kind)
        return [f"{self.attr(ctx, name)} {op} {rhs}"]

    def delete(self, ctx: _Ctx) -> List[str]:
        attr_ok = self.deletable(ctx, attribute=True)
        form = self.pick(["del", "delattr", "objdelattr"] if attr_ok else ["delattr", "objdelattr"])
        if form == "del":
            name = self.pick(attr_ok)
            line = f"del {self.attr(ctx, name)}"
        else:
            name = self.pick(self.deletable(ctx, attribute=False))
            fn = "delattr" if form == "delattr" else "object.__delattr__"
            line = f"{fn}({ctx.tracked}, {name!r})"
        self.effect("del", name)
        return [line]

    def wrap(self, ctx: _Ctx) -> List[str]:
        forms = ["closure", "closure_param", "lambda", "lambda_param", "listcomp", "genexp",
                 "helper", "helper_kw", "helper_class"]
        if ctx.class_name is not None:
            forms += ["method", "method"]
        form = self.pick(forms)
        if form in ("closure", "closure_param"):
            fname = self.fresh("_f")
            inner_t = "o" if form == "closure_param" else ctx.tracked
            inner = ctx.nested(inner_t)
            body = self.block(inner, 1, 2)
            head = f"def {fname}(o):" if form == "closure_param" else f"def {fname}():"
            call = f"{fname}({ctx.tracked})" if form == "closure_param" else f"{fname}()"
            return [head, *("    " + ln for ln in body), call]
        if form in ("lambda", "lambda_param", "listcomp", "genexp"):
            param = form == "lambda_param"
            inner = ctx.nested("o" if param else ctx.tracked)
            name = self.pick(self.targets(inner, attribute=False))
            val = self.value(inner)
            self.effect("set", name, "int")
            fn = self.pick(["setattr", "object.__setattr__"])
            expr = f"{fn}({inner.tracked}, {name!r}, {val})"
            if form == "lambda":
                return [f"(lambda: {expr})()"]
            if form == "lambda_param":
                return [f"(lambda o: {expr})({ctx.tracked})"]
            if form == "listcomp":
                return [f"_ = [{expr} for _i in range(1)]"]
            return [f"_ = list({expr} for _i in range(1))"]
        if form in ("helper", "helper_kw", "helper_class"):
            hname = self.fresh("_helper")
            cname = self.fresh("_Helpers")
            # a function in a helper class body is mangled with that class's name
            inner = ctx.nested("o", class_name=cname if form == "helper_class" else None)
            body = self.block(inner, 1, 2)
            if form == "helper_class":
                static = self.flag()
                deco = ["    @staticmethod"] if static else []
                self.helpers.append(
                    "\n".join([f"class {cname}:", *deco, f"    def fill(o):",
                               *("        " + ln for ln in body)])
                )
                return [f"{cname}.fill({ctx.tracked})"]
            self.helpers.append("\n".join([f"def {hname}(o):", *("    " + ln for ln in body)]))
            if form == "helper_kw":
                return [f"{hname}(o={ctx.tracked})"]
            return [f"{hname}({ctx.tracked})"]
        # a helper method of the class, called through the instance
        assert self.owner is not None
        mname = self.fresh("_setup")
        param = self.pick(PARAMS)
        inner = _Ctx(param, self.owner.name, True, ctx.depth + 1, set())
        body = self.block(inner, 1, 3)
        self.owner.methods.append(GenMethod(mname, param, body))
        return [f"{ctx.tracked}.{mname}()"]

    # -- classes --------------------------------------------------------------------

    def method(self, cls: GenClass, name: str, *, call_super: bool = False) -> GenMethod:
        param = self.pick(PARAMS)
        ctx = _Ctx(param, cls.name, True, 0, set())
        self.log = []
        body: List[str] = []
        if call_super:
            assert cls.base is not None
            before = self.block(ctx, 0, 1)
            body.extend(before)
            body.append("super().__init__()")
            for eff in self.base_init:
                _apply(self.state, eff)
                self.log.append(eff)
        body.extend(self.block(ctx, 0 if name != "__init__" else 1, 4))
        gm = GenMethod(name, param, body)
        cls.methods.insert(self._insert_at(cls), gm)
        return gm

    def _insert_at(self, cls: GenClass) -> int:
        # helper methods created while writing this method were appended; put the method
        # itself before them so the class reads naturally
        return len(cls.methods)

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

    def gen_class(self, name: str, base: Optional[GenClass]) -> GenClass:
        cls = GenClass(name, base.name if base else None)
        self.owner = cls
        for _ in range(self.draw(st.integers(0, 2))):
            dname = self.pick(PUBLIC)
            cls.defaults[dname] = self.draw(st.integers(0, 9))
        if self.flag(0.2):
            cls.annotated.append(self.fresh("ann"))
        for _ in range(self.draw(st.integers(0, 2))):
            self.add_property(cls)
        self.state.defaults.update({k: "int" for k in cls.defaults})
        self.state.props.update(cls.props)
        # __init__ (a subclass may inherit its base's)
        self.state.inst = {}
        if base is None or self.flag(0.8):
            if base is not None:
                self.protected = _touched(base)
            self.method(cls, "__init__", call_super=base is not None)
            cls.init_effects = list(self.log)
            self.protected = set()
        else:
            for eff in base.init_effects:
                _apply(self.state, eff)
            cls.init_effects = list(base.init_effects)
        if base is not None:
            for mname in base.driver_methods:
                for eff in base.method_effects[mname]:
                    _apply(self.state, eff)
        for _ in range(self.draw(st.integers(0, 3))):
            mname = self.fresh("m")
            self.method(cls, mname)
            cls.driver_methods.append(mname)
            cls.method_effects[mname] = list(self.log)
        return cls


def _touched(cls: GenClass) -> Set[str]:
    names = {eff[1] for eff in cls.init_effects}
    for effects in cls.method_effects.values():
        names |= {eff[1] for eff in effects}
    return names | set(cls.props.values()) | set(cls.props) | set(cls.defaults)


def _drive_static(classes: List[GenClass], target: GenClass) -> Tuple[Set[str], Set[str], Set[str]]:
    """(ever, final, deleted) names of an instance of ``target`` after its driver."""
    chain: List[GenClass] = []
    by_name = {c.name: c for c in classes}
    k: Optional[GenClass] = target
    while k is not None:
        chain.append(k)
        k = by_name.get(k.base) if k.base else None
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
    for k in reversed(chain):
        for mname in k.driver_methods:
            run(k.method_effects[mname])
    for k in reversed(chain):
        for prop, storage in k.props.items():
            _ = prop
            state.inst[storage] = "int"
            ever.add(storage)
    return ever, set(state.inst), deleted


@st.composite
def modules(draw: Callable[[Any], Any], allow_dynamic: bool = False) -> GenModule:
    """A module of generated classes with drivers (see the module docstring)."""
    gen = _Gen(draw, allow_dynamic and bool(draw(st.integers(0, 9)) == 0))
    names = draw(st.sampled_from(CLASS_NAMES))
    base = gen.gen_class(names[0], None)
    classes = [base]
    if draw(st.booleans()):
        gen.base_init = base.init_effects
        classes.append(gen.gen_class(names[1], base))
    drivers: Dict[str, List[Step]] = {}
    ever: Dict[str, Set[str]] = {}
    final: Dict[str, Set[str]] = {}
    deleted: Dict[str, Set[str]] = {}
    probe: Set[str] = set()
    for cls in classes:
        chain = [c for c in classes if c is cls or c.name == cls.base]
        steps: List[Step] = [("new",)]
        for k in chain:
            steps.extend(("call", m) for m in k.driver_methods)
        for k in chain:
            for prop in k.props:
                steps.append(("set", prop, str(draw(st.integers(0, 9)))))
                steps.append(("get", prop))
        drivers[cls.name] = steps
        ever[cls.name], final[cls.name], deleted[cls.name] = _drive_static(classes, cls)
        probe |= ever[cls.name] | set(cls.defaults) | set(cls.annotated) | set(cls.props)
    return GenModule(classes, gen.helpers, drivers, ever, final, deleted, sorted(probe))


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
    importlib.invalidate_caches()
    linecache.checkcache()
    return importlib.import_module(name)


def unload(mod: types.ModuleType) -> None:
    sys.modules.pop(mod.__name__, None)


Outcome = Tuple[str, Any]  # ("ok", value) / ("exc", exception type name)


@dataclass
class Run:
    outcomes: List[Outcome]
    instance: Any
    seen: Set[str]  # names found in the instance's __dict__ after any step


def run_driver(cls: type, steps: List[Step], probe: List[str]) -> Run:
    """Run ``steps`` on a new instance of ``cls``, then read every name in ``probe``."""
    outcomes: List[Outcome] = []
    obj: Any = None
    seen: Set[str] = set()
    for step in steps:
        try:
            if step[0] == "new":
                obj = cls()
                value: Any = None
            elif step[0] == "call":
                value = getattr(obj, step[1])()
            elif step[0] == "set":
                setattr(obj, step[1], int(step[2]))
                value = None
            else:
                value = getattr(obj, step[1])
            outcomes.append(("ok", value))
        except Exception as exc:  # noqa: BLE001 - the outcome is compared
            outcomes.append(("exc", type(exc).__name__))
        if obj is not None and hasattr(obj, "__dict__"):
            seen |= set(vars(obj))
    for name in probe:
        try:
            outcomes.append(("ok", getattr(obj, name)))
        except Exception as exc:  # noqa: BLE001
            outcomes.append(("exc", type(exc).__name__))
    return Run(outcomes, obj, seen)
