"""Property-based tests of the inference on generated classes (see ``gen_classes``).

- the two engines (bytecode and AST), each run through the driver, find the same slots;
- per function, the two engines report the same writes and escapes;
- the inferred slot set is exactly what the generated code writes, and it covers every
  name a plain instance holds in its ``__dict__`` while the driver exercises every method
  (plus the names deleted along the way).

Reproduce a failure with ``pytest --hypothesis-seed=N`` (printed by hypothesis), or by the
``@reproduce_failure`` blob it prints.  ``AUTOSLOTS_EXAMPLES`` overrides the example count.
"""

from __future__ import annotations

import os
import types
from typing import Any, Dict, Iterator, List, Set, Tuple

import pytest
from gen_classes import GenModule, load, modules, run_driver, unload
from hypothesis import HealthCheck, given, settings

from autoslots._infer import Inference, infer_class

EXAMPLES = int(os.environ.get("AUTOSLOTS_EXAMPLES", "200"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
COUNTS: Dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def report_counts(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line("")
            for test, count in sorted(COUNTS.items()):
                reporter.write_line(f"[property] {test}: {count} generated modules")


@pytest.fixture(scope="session")
def gen_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("generated_classes"))


def _count(test: str) -> None:
    COUNTS[test] = COUNTS.get(test, 0) + 1


def _proof_reasons(inference: Inference, has_base: bool) -> List[str]:
    """Reasons other than "reads a name its own code never sets" for a subclass of a
    plain base (the base's instance attributes are not visible on a plain base)."""
    return [
        str(r)
        for r in inference.reasons
        if not (has_base and r.what.startswith("reads self."))
    ]


def _describe(module: GenModule, extra: str) -> str:
    return f"{extra}\n--- generated module ---\n{module.source('plain')}"


@SETTINGS
@given(module=modules(allow_dynamic=True))
def test_engines_agree_through_driver(gen_dir: str, module: GenModule) -> None:
    _count("engines agree (driver)")
    mod = load(module, "plain", gen_dir)
    try:
        for spec in module.classes:
            cls = getattr(mod, spec.name)
            by_bytecode = infer_class(cls, engine="bytecode")
            by_source = infer_class(cls, engine="source")
            assert set(by_bytecode.slots) == set(by_source.slots), _describe(
                module,
                f"{spec.name}: bytecode {sorted(by_bytecode.slots)} "
                f"!= source {sorted(by_source.slots)}",
            )
            assert bool(by_bytecode.reasons) == bool(by_source.reasons), _describe(
                module,
                f"{spec.name}: bytecode reasons {[str(r) for r in by_bytecode.reasons]} "
                f"vs source reasons {[str(r) for r in by_source.reasons]}",
            )
    finally:
        unload(mod)


def _functions(cls: type) -> Iterator[Tuple[types.FunctionType, str, bool]]:
    """(function, the parameter holding the instance or its factory, is a factory)."""
    for value in vars(cls).values():
        funcs: List[Any] = [value]
        if isinstance(value, property):
            funcs = [value.fget, value.fset, value.fdel]
        elif isinstance(value, classmethod):
            func = value.__func__
            yield func, func.__code__.co_varnames[0], True
            continue
        for func in funcs:
            while isinstance(func, types.FunctionType):
                if func.__code__.co_argcount:
                    yield func, func.__code__.co_varnames[0], False
                func = getattr(func, "__wrapped__", None)


def _module_functions(mod: types.ModuleType) -> Iterator[Tuple[types.FunctionType, str, bool]]:
    for name, value in vars(mod).items():
        if name.startswith("_helper") and isinstance(value, types.FunctionType):
            yield value, "o", False
        if name.startswith("_Helpers") and isinstance(value, type):
            fill = vars(value)["fill"]
            yield (fill.__func__ if isinstance(fill, staticmethod) else fill), "o", False


def _escapes(facts: Any) -> Set[Tuple[Any, ...]]:
    out: Set[Tuple[Any, ...]] = set()
    for escape in facts.escapes:
        callee = escape.callee
        code_name = getattr(callee.code, "co_name", None)
        out.add((callee.root, callee.names, code_name, escape.position, escape.site.lineno))
    return out


@SETTINGS
@given(module=modules(allow_dynamic=True))
def test_engines_agree_per_function(gen_dir: str, module: GenModule) -> None:
    from autoslots import _bytecode, _source

    _count("engines agree (per function)")
    mod = load(module, "plain", gen_dir)
    try:
        funcs = [f for spec in module.classes for f in _functions(getattr(mod, spec.name))]
        funcs += list(_module_functions(mod))
        for func, param, is_factory in funcs:
            code = func.__code__
            kwargs: Dict[str, Any] = dict(
                tracked=frozenset() if is_factory else frozenset({param}),
                qualname=func.__qualname__,
                globals_=func.__globals__,
                factory=param if is_factory else None,
            )
            by_bytecode = _bytecode.scan(code, **kwargs)
            by_source = _source.scan(code, **kwargs)
            where = f"function {func.__qualname__}"
            assert set(by_bytecode.writes) == set(by_source.writes), _describe(
                module,
                f"{where}: writes bytecode {sorted(by_bytecode.writes)} "
                f"!= source {sorted(by_source.writes)}",
            )
            assert _escapes(by_bytecode) == _escapes(by_source), _describe(
                module,
                f"{where}: escapes bytecode {_escapes(by_bytecode)} "
                f"!= source {_escapes(by_source)}",
            )
            assert bool(by_bytecode.reasons) == bool(by_source.reasons), _describe(
                module,
                f"{where}: reasons bytecode {[str(r) for r in by_bytecode.reasons]} "
                f"vs source {[str(r) for r in by_source.reasons]}",
            )
    finally:
        unload(mod)


@SETTINGS
@given(module=modules(allow_dynamic=True))
def test_inferred_slots_match_run_time(gen_dir: str, module: GenModule) -> None:
    _count("inferred == run time")
    mod = load(module, "plain", gen_dir)
    try:
        inferred: Dict[str, Inference] = {}
        for spec in module.classes:
            inference = infer_class(getattr(mod, spec.name))
            inferred[spec.name] = inference
            expected = module.expected_slots(spec.name)
            assert set(inference.slots) == expected, _describe(
                module,
                f"{spec.name}: inferred {sorted(inference.slots)} "
                f"!= written by its code {sorted(expected)}",
            )
            reasons = _proof_reasons(inference, spec.base is not None)
            if module.expects_reason(spec.name):
                assert reasons, _describe(module, f"{spec.name}: setattr with a variable name "
                                          "was not reported as a reason")
            else:
                assert not reasons, _describe(module, f"{spec.name}: unexpected reasons "
                                              f"{reasons}")
        for spec in module.classes:
            chain = module.chain(spec.name)
            steps = module.drivers[spec.name]
            run = run_driver(getattr(mod, spec.name), steps, module.probe_names)
            failed = [(s, o) for s, o in zip(steps, run.outcomes) if o[0] == "exc"
                      and not (s[0] == "get" and o[1] == "AttributeError")]
            assert not failed, _describe(module, f"generator bug: driver raised {failed}")
            observed = run.seen | module.deleted[spec.name]
            assert observed == module.ever[spec.name], _describe(
                module, f"generator bug: simulated {sorted(module.ever[spec.name])}, "
                f"ran {sorted(observed)}")
            assert set(vars(run.instance)) == module.final[spec.name], _describe(
                module, f"generator bug: final state simulated "
                f"{sorted(module.final[spec.name])}, ran {sorted(vars(run.instance))}")
            union: Set[str] = set()
            annotated: Set[str] = set()
            constant: Set[str] = set()
            dead: Set[str] = set()
            other: Set[str] = set()
            for k in chain:
                union |= set(inferred[k.name].slots)
                annotated |= set(k.annotated)
                constant |= k.written
                dead |= k.dead
                other |= k.other
            # every name the instance held is inferred, except names only ever written
            # through a non-constant setattr (a reason: the class keeps a __dict__)
            missing = (observed & constant) - union
            assert not missing, _describe(
                module, f"{spec.name}: instances hold {sorted(missing)}, not inferred")
            # and nothing else, but names written in branches that never run, names
            # written on other objects, and annotation-only names
            extra = union - observed - annotated - dead - other
            assert not extra, _describe(
                module, f"{spec.name}: inferred {sorted(extra)}, which no run sets")
    finally:
        unload(mod)


# -- regressions: hand-written cases the generator found or that sit beside its forms ----
# Each is a module source with a class ``C``; both engines (through the driver) must find
# the same slots and agree on whether the set is proven.

REGRESSIONS = {
    "local_bound_to_constant_name": '''
class C:
    def __init__(self):
        name = "x"
        setattr(self, name, 1)
''',
    "dead_if_false": '''
class C:
    def __init__(self):
        self.a = 1
        if False:
            self.dead = 1
        while 0:
            self.dead_loop = 1
''',
    "dead_not_debug": '''
class C:
    def __init__(self):
        self.a = 1
        if not __debug__:
            self.no_debug = 1
''',
    "instance_stored_in_global": '''
class C:
    def __init__(self):
        global g
        g = self
        g.via_global = 1
''',
    "write_through_attribute": '''
import types
class C:
    a = 0
    def __init__(self):
        self.a = types.SimpleNamespace()
        self.a.inner = 0
''',
    "write_on_parameter_and_through_containers": '''
import contextlib
class C:
    def __init__(self, other=None):
        self.left = other
        if other is not None:
            other.parent = self
            self.left.right = self
        for _, o in enumerate([self]):
            o.via_enumerate = 1
        with contextlib.nullcontext(self) as w:
            w.via_with = 1
        self.me().via_call = 1
        [self][0].via_index = 1
    def me(self):
        return self
''',
    "type_of_self_method_call": '''
class C:
    def __init__(self):
        self.x = 1
        type(self).helper(self)
    def helper(self):
        self.y = 2
''',
    "local_bound_to_type_of_self": '''
def _init(self, *args, **kwargs):
    cls = type(self)
    cls.setup(self)
class C:
    __init__ = _init
    def setup(self):
        self.y = 2
''',
    "instance_made_by_class_or_factory": '''
class C:
    Factory = None
    def __init__(self, child=False):
        self.items = []
        if not child:
            klass = self.Factory or self.__class__
            part = klass(True)
            self.items.append(part)
''',
    "annotation_without_value": '''
class C:
    def __init__(self):
        self.a = 1
        self.b: int
''',
}


@pytest.mark.parametrize("case", sorted(REGRESSIONS))
def test_engines_agree_on_regression(gen_dir: str, case: str) -> None:
    from gen_classes import load_source

    mod = load_source(REGRESSIONS[case], gen_dir)
    try:
        by_bytecode = infer_class(mod.C, engine="bytecode")
        by_source = infer_class(mod.C, engine="source")
        assert set(by_bytecode.slots) == set(by_source.slots), (
            f"bytecode {sorted(by_bytecode.slots)} != source {sorted(by_source.slots)}"
        )
        assert bool(by_bytecode.reasons) == bool(by_source.reasons), (
            f"reasons: bytecode {[str(r) for r in by_bytecode.reasons]}, "
            f"source {[str(r) for r in by_source.reasons]}"
        )
    finally:
        unload(mod)
