"""Differential test: generated classes built plain, with ``@autoslots`` and as
``class X(AutoSlots)`` behave the same under the same driver.

For each generated module (see ``gen_classes``) and each form:

- every step of the driver and every probe read gives the same value, or raises the same
  exception type, as on the plain class;
- a class whose attribute set is proven (no non-constant ``setattr`` in it or its bases)
  has no instance ``__dict__``, and setting a name its code never sets raises
  ``AttributeError``;
- a class that cannot be proven keeps its ``__dict__`` and warns ``AutoSlotsWarning``.

Reproduce a failure with ``pytest --hypothesis-seed=N`` or the printed blob;
``AUTOSLOTS_EXAMPLES`` overrides the example count.
"""

from __future__ import annotations

import copy
import inspect
import os
import pickle
import types
import warnings
import weakref
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest
from gen_classes import DISABLED, EXTRA, GenModule, load, modules, probe_values, run_driver, unload
from hypothesis import HealthCheck, given, settings

from autoslots import AutoSlotsWarning, explain

EXAMPLES = int(os.environ.get("AUTOSLOTS_EXAMPLES", "300"))
COUNTS: Dict[str, int] = {}
NEVER_SET = "never_set_by_the_class"


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
    return str(tmp_path_factory.mktemp("generated_build"))


def _load(module: GenModule, mode: str, gen_dir: str) -> Tuple[types.ModuleType, List[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mod = load(module, mode, gen_dir)
    found = [str(w.message) for w in caught if issubclass(w.category, AutoSlotsWarning)]
    return mod, found


def _describe(module: GenModule, mode: str, extra: str) -> str:
    return f"{extra}\n--- generated module ({mode}) ---\n{module.source(mode)}"


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(module=modules(allow_dynamic=True))
def test_forms_behave_like_the_plain_class(gen_dir: str, module: GenModule) -> None:
    COUNTS["plain == decorator == base"] = COUNTS.get("plain == decorator == base", 0) + 1
    plain = load(module, "plain", gen_dir)
    loaded: List[types.ModuleType] = [plain]
    try:
        expected: Dict[str, Any] = {}
        for spec in module.classes:
            run = run_driver(getattr(plain, spec.name), module.drivers[spec.name],
                             module.probe_names)
            steps = module.drivers[spec.name]
            failed = [(s, o) for s, o in zip(steps, run.outcomes) if o[0] == "exc"
                      and not (s[0] == "get" and o[1] == "AttributeError")]
            assert not failed, _describe(module, "plain", f"generator bug: {failed}")
            expected[spec.name] = run.outcomes
        for mode in ("decorator", "base"):
            mod, warned = _load(module, mode, gen_dir)
            loaded.append(mod)
            any_reasons = any(module.has_reasons(c.name) for c in module.classes)
            if not any_reasons:
                assert not warned, _describe(module, mode, f"unexpected warnings {warned}")
            for spec in module.classes:
                _check_class(module, mode, mod, spec.name, expected[spec.name], warned)
    finally:
        for mod in loaded:
            unload(mod)


def _check_class(
    module: GenModule,
    mode: str,
    mod: types.ModuleType,
    name: str,
    expected: List[Tuple[str, Any]],
    warned: List[str],
) -> None:
    cls = getattr(mod, name)

    def where(message: str) -> str:
        return _describe(module, mode, f"{name}: {message}")

    assert (cls.__qualname__, cls.__module__) == (name, mod.__name__), where("metadata")
    assert f"class {name}" in inspect.getsource(cls), where("inspect.getsource")
    run = run_driver(cls, module.drivers[name], module.probe_names)
    steps = module.drivers[name] + [("probe", n) for n in module.probe_names]
    for step, want, got in zip(steps, expected, run.outcomes):
        assert want == got, where(f"step {step}: plain gave {want}, {mode} gave {got}")
    obj = run.instance
    _check_copies(obj, module.probe_names, where)
    assert str(explain(cls)), where("explain() is empty")
    options = module.options
    if options.get("extra"):
        setattr(obj, EXTRA, 1)
        assert getattr(obj, EXTRA) == 1, where("extra= name")
    weak = options.get("weakref", True)
    if weak:
        assert weakref.ref(obj)() is obj, where("weakref")
    if module.has_reasons(name) or options.get("dict"):
        assert hasattr(obj, "__dict__"), where("its instances have no __dict__")
        base = module.cls(name).base
        if options.get("dict") or (base is not None and module.has_reasons(base)):
            return  # asked for a __dict__, or inherits one anyway: nothing to warn about
        assert any(name in w for w in warned), where(
            f"cannot be proven, but no AutoSlotsWarning names it: {warned}")
        return
    assert not hasattr(obj, "__dict__"), where(f"proven, but has a __dict__ {vars(obj)}")
    with pytest.raises(TypeError):
        vars(obj)
    with pytest.raises(AttributeError):
        setattr(obj, NEVER_SET, 1)
    if not weak:
        with pytest.raises(TypeError):
            weakref.ref(obj)


def _check_copies(obj: Any, probe: List[str], where: Callable[[str], str]) -> None:
    """pickle (protocols 0-5), copy and deepcopy keep every observable value."""
    want = probe_values(obj, probe)
    clones = [("copy", copy.copy(obj)), ("deepcopy", copy.deepcopy(obj))]
    first = 2 if "pickle_low" in DISABLED else 0
    for protocol in range(first, pickle.HIGHEST_PROTOCOL + 1):
        clones.append((f"pickle protocol {protocol}",
                       pickle.loads(pickle.dumps(obj, protocol))))
    for how, clone in clones:
        assert type(clone) is type(obj), where(f"{how}: type {type(clone)}")
        got = probe_values(clone, probe)
        assert got == want, where(f"{how}: {list(zip(probe, want, got))}")


# -- the instance reached through a value the engines do not follow ------------------
# Each class works as a plain class; after autoslots it must still work: the name is
# inferred (as a write on another object that may be an instance), or the class keeps its
# __dict__ (with a warning).  ``C()`` -- or ``build()`` where the module defines it -- makes
# the object whose ``x`` was written through that path.

UNTRACKED_PATHS = {
    "method_returning_self": '''
class C:
    def __init__(self):
        self.me().x = 1
    def me(self):
        return self
''',
    "self_stored_in_own_attribute": '''
class C:
    def __init__(self):
        self.me = self
        self.me.x = 1
''',
    "with_nullcontext_as": '''
import contextlib
class C:
    def __init__(self):
        with contextlib.nullcontext(self) as o:
            o.x = 1
''',
    "list_item": '''
class C:
    def __init__(self):
        o = [self][0]
        o.x = 1
''',
    "enumerate_loop": '''
class C:
    def __init__(self):
        for _, o in enumerate([self]):
            o.x = 1
''',
    "global_variable": '''
class C:
    def __init__(self):
        global g
        g = self
        g.x = 1
''',
    "tree_parent_link": '''
class C:
    def __init__(self, child=None):
        self.child = child
        if child is not None:
            child.x = 1
def build():
    return C(C()).child
''',
    "write_through_own_attribute": '''
class C:
    def __init__(self, other=None):
        self.other = other
        if other is not None:
            self.other.x = 1
def build():
    return C(C()).other
''',
    "linker_method_of_another_class": '''
class Linker:
    @staticmethod
    def link(parent, child):
        parent.child = child
        child.x = 1
class C:
    def __init__(self, child=None):
        self.child = None
        if child is not None:
            Linker.link(self, child)
def build():
    return C(C()).child
''',
    "other_instance_in_decorated_method": '''
def deco(func):
    def wrapper(self):
        return func(self)
    return wrapper
class C:
    def __init__(self):
        self.child = None
    @deco
    def adopt(self):
        self.child = C()
        self.child.x = 1
def build():
    obj = C()
    obj.adopt()
    return obj.child
''',
    "lambda_returning_self": '''
class C:
    def __init__(self):
        (lambda: self)().x = 1
''',
}


@pytest.mark.parametrize("mode", ["decorator", "base"])
@pytest.mark.parametrize("case", sorted(UNTRACKED_PATHS))
def test_untracked_paths_keep_working(gen_dir: str, case: str, mode: str) -> None:
    from gen_classes import load_source

    source = UNTRACKED_PATHS[case]
    if mode == "decorator":
        source = "from autoslots import autoslots\n" + source.replace(
            "\nclass C:", "\n@autoslots\nclass C:")
    else:
        source = "from autoslots import AutoSlots\n" + source.replace(
            "\nclass C:", "\nclass C(AutoSlots):")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mod = load_source(source, gen_dir, mode)
    try:
        # AttributeError here: a slot set that breaks a working class
        obj = mod.build() if hasattr(mod, "build") else mod.C()
        assert obj.x == 1
    finally:
        unload(mod)
