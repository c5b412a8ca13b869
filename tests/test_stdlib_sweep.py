"""Sweep: run the inference over every class of the importable standard library.

- no crash: any exception other than ``AutoSlotsError`` is a failure;
- wherever both engines can read every function of a class (the source exists), the
  bytecode engine and the AST engine find the same slot set; each disagreement is listed
  with the class's qualified name and both sets.

The sweep runs in a child process (importing the whole standard library has side effects
that should not leak into the test session).  Run it by hand for the full report::

    python tests/test_stdlib_sweep.py            # readable report
    python tests/test_stdlib_sweep.py --json     # the data the test reads
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import pkgutil
import subprocess
import sys
import sysconfig
import time
import traceback
import types
import warnings
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple

import pytest

# Modules with side effects on import, or not worth importing.
SKIP_TOP = {
    "antigravity", "this", "idlelib", "tkinter", "turtle", "turtledemo", "test", "__main__",
    "__hello__", "__phello__", "_tkinter", "pydoc_data", "ensurepip", "venv",
    "_xxtestfuzz", "xxlimited", "xxlimited_35",
}
SKIP_PARTS = {"__main__", "test", "tests", "idle_test"}
BUDGET_SECONDS = 180.0


def _skipped(name: str) -> bool:
    parts = name.split(".")
    if parts[0] in SKIP_TOP or parts[0].startswith("turtle") or parts[0].startswith("_test"):
        return True
    if parts[0] == "lib2to3" and sys.version_info >= (3, 11):
        return True
    return any(part in SKIP_PARTS for part in parts[1:])


def _top_level_names() -> List[str]:
    names: Set[str] = set(getattr(sys, "stdlib_module_names", ()))
    if not names:  # 3.9: the standard library directory and the built-in modules
        stdlib = sysconfig.get_paths()["stdlib"]
        for path in (stdlib, os.path.join(stdlib, "lib-dynload")):
            names |= {m.name for m in pkgutil.iter_modules([path])}
        names |= set(sys.builtin_module_names)
    return sorted(n for n in names if not _skipped(n))


def _import(name: str) -> Optional[types.ModuleType]:
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            return importlib.import_module(name)
    except BaseException:  # anything that fails to import is skipped
        return None


def _modules() -> Iterator[types.ModuleType]:
    for top in _top_level_names():
        module = _import(top)
        if module is None:
            continue
        yield module
        path = getattr(module, "__path__", None)
        if path is None:
            continue
        for info in pkgutil.walk_packages(path, top + ".", onerror=lambda _name: None):
            if _skipped(info.name):
                continue
            sub = _import(info.name)
            if sub is not None:
                yield sub


def _classes(module: types.ModuleType, seen: Set[int]) -> Iterator[type]:
    stack: List[Any] = list(vars(module).values())
    while stack:
        value = stack.pop()
        if not isinstance(value, type) or id(value) in seen:
            continue
        seen.add(id(value))
        yield value
        for inner in list(vars(value).values()):
            if isinstance(inner, type) and inner.__qualname__.startswith(value.__qualname__ + "."):
                stack.append(inner)


def sweep() -> Dict[str, Any]:
    """Run the inference over the standard library; return the findings."""
    from autoslots import AutoSlotsError
    from autoslots._infer import infer_class

    start = time.perf_counter()
    seen: Set[int] = set()
    modules = 0
    classes = 0
    compared = 0
    no_source: List[str] = []
    bytecode_unread: List[str] = []
    crashes: List[Dict[str, str]] = []
    disagreements: List[Dict[str, Any]] = []
    reason_diffs: List[Dict[str, Any]] = []  # one engine proves the set, the other does not
    refused = 0
    for module in _modules():
        modules += 1
        for cls in _classes(module, seen):
            classes += 1
            name = f"{getattr(cls, '__module__', '?')}.{getattr(cls, '__qualname__', '?')}"
            results = {}
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    for engine in ("auto", "bytecode", "source"):
                        results[engine] = infer_class(cls, engine=engine)
            except AutoSlotsError:
                refused += 1
                continue
            except Exception as exc:  # every crash is reported
                engine = ("auto", "bytecode", "source")[len(results)]
                tb = traceback.extract_tb(exc.__traceback__)[-1]
                crashes.append({
                    "class": name,
                    "engine": engine,
                    "error": f"{type(exc).__name__}: {exc}",
                    "where": f"{tb.filename}:{tb.lineno}",
                })
                continue
            by_bytecode, by_source = results["bytecode"], results["source"]
            if set(by_source.engines) != set(by_bytecode.engines):
                # one engine could not read some function: no source (frozen, C) or an
                # opcode the bytecode engine does not know
                if set(by_bytecode.engines) - set(by_source.engines):
                    no_source.append(name)
                if set(by_source.engines) - set(by_bytecode.engines):
                    bytecode_unread.append(name)
                continue
            if not by_bytecode.engines:
                continue  # no Python function at all
            compared += 1
            if bool(by_bytecode.reasons) != bool(by_source.reasons):
                reason_diffs.append({
                    "class": name,
                    "bytecode": [str(r) for r in by_bytecode.reasons],
                    "source": [str(r) for r in by_source.reasons],
                })
            if set(by_bytecode.slots) != set(by_source.slots):
                disagreements.append({
                    "class": name,
                    "bytecode": sorted(by_bytecode.slots),
                    "source": sorted(by_source.slots),
                    "only_bytecode": sorted(set(by_bytecode.slots) - set(by_source.slots)),
                    "only_source": sorted(set(by_source.slots) - set(by_bytecode.slots)),
                })
    return {
        "python": sys.version.split()[0],
        "seconds": round(time.perf_counter() - start, 1),
        "modules": modules,
        "classes": classes,
        "compared": compared,
        "refused": refused,
        "no_source": len(no_source),
        "bytecode_unread": bytecode_unread,
        "crashes": crashes,
        "disagreements": disagreements,
        "reason_diffs": reason_diffs,
    }


def _report(data: Dict[str, Any]) -> str:
    lines = [
        f"Python {data['python']}: {data['modules']} modules, {data['classes']} classes "
        f"in {data['seconds']} s; engines compared on {data['compared']} classes; "
        f"{data['no_source']} without full source; {data['refused']} refused "
        f"(AutoSlotsError); {len(data['crashes'])} crashes; "
        f"{len(data['disagreements'])} disagreements; "
        f"{len(data['reason_diffs'])} classes proven by one engine only",
    ]
    for crash in data["crashes"]:
        lines.append(f"  CRASH {crash['class']} [{crash['engine']}]: {crash['error']} "
                     f"at {crash['where']}")
    for item in data["disagreements"]:
        lines.append(f"  DIFF {item['class']}: only bytecode {item['only_bytecode']}, "
                     f"only source {item['only_source']}")
    for item in data["reason_diffs"]:
        side = "bytecode" if item["bytecode"] else "source"
        lines.append(f"  PROVEN-BY-ONE {item['class']}: only {side} has reasons: "
                     f"{item[side][:2]}")
    for name in data["bytecode_unread"]:
        lines.append(f"  BYTECODE-UNREAD {name}")
    return "\n".join(lines)


def _run_child() -> Tuple[Dict[str, Any], float]:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )
    elapsed = time.perf_counter() - start
    marker = "@@SWEEP@@"
    if proc.returncode != 0 or marker not in proc.stdout:
        raise AssertionError(
            f"the sweep process failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.split(marker, 1)[1]), elapsed


@pytest.mark.slow
def test_stdlib_sweep(request: pytest.FixtureRequest) -> None:
    data, elapsed = _run_child()
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    summary = _report(data)
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line("")
            reporter.write_line(f"[stdlib sweep] wall {elapsed:.1f} s; {summary.splitlines()[0]}")
    problems = []
    if data["crashes"]:
        problems.append("crashes (any exception other than AutoSlotsError)")
    if data["disagreements"]:
        problems.append("the engines disagree")
    assert not problems, "; ".join(problems) + "\n" + summary
    assert elapsed < BUDGET_SECONDS * 2, f"the sweep took {elapsed:.0f} s"


if __name__ == "__main__":
    result = sweep()
    if "--json" in sys.argv:
        sys.stdout.write("@@SWEEP@@" + json.dumps(result))
    else:
        print(_report(result))
