"""The import hook in audit mode, its report, and ``autoslots run`` / ``autoslots audit``."""

from __future__ import annotations

import dataclasses
import importlib
import itertools
import json
import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import pytest

from autoslots import hook
from autoslots._cli import main

ROOT = Path(__file__).resolve().parent.parent
_names = itertools.count()

PACKAGE = """
    import functools
    from dataclasses import dataclass

    class Point:
        def __init__(self, x, y):
            self.x = x
            self.y = y

    class Bag:
        def __init__(self, **kw):
            for name, value in kw.items():
                setattr(self, name, value)

    class Lower:
        def __init__(self):
            self.seen = []

        def __setattr__(self, name, value):
            if name != "seen":
                self.seen.append(name)
            object.__setattr__(self, name.lower(), value)

    class Validated:
        def __init__(self):
            self.size = 0

        def __setattr__(self, name, value):
            if name == "size" and value < 0:
                raise ValueError("negative size")
            super().__setattr__(name, value)

    @dataclass(frozen=True)
    class Frozen:
        a: int

    class Wrapper:
        def __init__(self, func):
            functools.update_wrapper(self, func)   # unproven: keeps its __dict__
            self.cache = {}

    class Counting:
        def __init__(self):
            self.hits = 0

    class WithProperty:
        def __init__(self):
            self._v = 0

        @property
        def v(self):
            return self._v

        @v.setter
        def v(self, value):
            self._v = value * 2
    """


@pytest.fixture
def audited(tmp_path: Path) -> Iterator[Callable[[], Any]]:
    """Write a package with a unique name, audit it, import it; clean up afterwards."""
    name = f"autoslots_audittest_{next(_names)}"
    (tmp_path / name).mkdir()
    (tmp_path / name / "__init__.py").write_text(textwrap.dedent(PACKAGE), encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    importlib.invalidate_caches()

    def load() -> Any:
        hook.install([name], mode="audit")
        return importlib.import_module(name)

    yield load
    hook.uninstall()
    sys.path.remove(str(tmp_path))
    sys.modules.pop(name, None)


def _entry(report: Dict[str, Any], qualname: str) -> Dict[str, Any]:
    found: Dict[str, Any] = next(
        c for c in report["classes"] if c["class"].endswith(":" + qualname)
    )
    return found


def test_an_outside_write_is_recorded_with_its_line(audited: Callable[[], Any]) -> None:
    pkg = audited()
    point = pkg.Point(1, 2)
    point.extra = 1; line = sys._getframe().f_lineno  # noqa: E702
    assert point.extra == 1
    assert point.__dict__ == {"extra": 1}
    report = hook.active().report()  # type: ignore[union-attr]
    entry = _entry(report, "Point")
    site = entry["writes"]["extra"][0]
    assert (site["file"], site["line"], site["where"]) == (__file__, line, "outside")
    assert entry["verdict"] == "extra"
    assert entry["suggestion"] == "@autoslots(extra=('extra',))"
    assert _entry(report, "WithProperty")["verdict"] == "safe"


def test_writes_from_the_class_own_code_are_told_apart(audited: Callable[[], Any]) -> None:
    pkg = audited()
    assert pkg.Bag(a=1).a == 1
    entry = _entry(hook.active().report(), "Bag")  # type: ignore[union-attr]
    assert entry["writes"]["a"][0]["where"] == "own code"
    assert entry["verdict"] == "keeps_dict"  # unproven: enforce keeps the __dict__ too


def test_nothing_breaks_during_an_audit(audited: Callable[[], Any]) -> None:
    pkg = audited()
    lower = pkg.Lower()
    lower.ABC = 1
    assert lower.abc == 1 and lower.seen == ["ABC"]
    assert "ABC" not in lower.__dict__
    validated = pkg.Validated()
    validated.size = 3
    with pytest.raises(ValueError, match="negative size"):
        validated.size = -1
    assert validated.size == 3
    frozen = pkg.Frozen(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        frozen.a = 2
    prop = pkg.WithProperty()
    prop.v = 2
    assert prop.v == 4
    assert "v" not in prop.__dict__

    class Sub(pkg.Point):  # type: ignore[name-defined,misc]
        def __setattr__(self, name: str, value: Any) -> None:
            super().__setattr__(name, value * 10)

    sub = Sub(1, 2)
    assert (sub.x, sub.y) == (10, 20)
    sub.other = 1
    assert sub.other == 10


def test_the_audit_adds_no_slots_that_enforce_would_not(audited: Callable[[], Any]) -> None:
    pkg = audited()
    members = [k for k, v in vars(pkg.Wrapper).items() if isinstance(v, types.MemberDescriptorType)]
    assert members == []
    assert pkg.Counting.__slots__ == ("hits", "__dict__", "__weakref__")

    class CountingWrapper(pkg.Wrapper, pkg.Counting):  # type: ignore[name-defined,misc]
        """Fine under enforce (Wrapper has no slots there), so fine in the audit."""

        def __init__(self, func: Any) -> None:
            pkg.Wrapper.__init__(self, func)
            pkg.Counting.__init__(self)

    wrapped = CountingWrapper(len)
    assert (wrapped.__wrapped__, wrapped.hits, wrapped.cache) == (len, 0, {})
    entry = _entry(hook.active().report(), "Wrapper")  # type: ignore[union-attr]
    assert entry["verdict"] == "keeps_dict"


def test_direct_dict_writes_are_found_at_the_end(audited: Callable[[], Any]) -> None:
    pkg = audited()
    point = pkg.Point(1, 2)
    point.__dict__["sneaky"] = 1
    installed = hook.active()
    assert installed is not None and installed.auditor is not None
    installed.auditor.collect_leftovers()
    entry = _entry(installed.report(), "Point")
    assert entry["writes"]["sneaky"][0]["where"] == "direct"
    assert entry["verdict"] == "dict"
    del point


def test_uninstall_removes_the_recorders(audited: Callable[[], Any]) -> None:
    pkg = audited()
    own = pkg.Lower.__dict__["__setattr__"]
    assert getattr(own, "_autoslots_audit", False)
    hook.uninstall()
    assert "__setattr__" not in pkg.Point.__dict__
    assert pkg.Lower.__dict__["__setattr__"] is own.__wrapped__
    lower = pkg.Lower()
    lower.X = 1
    assert lower.x == 1


def test_the_report_is_written_and_summarised(tmp_path: Path, audited: Callable[[], Any],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    pkg = audited()
    installed = hook.active()
    assert installed is not None
    installed.report_path = str(tmp_path / "report.json")
    pkg.Point(1, 2).extra = 1
    hook.uninstall()
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["mode"] == "audit"
    assert _entry(data, "Point")["verdict"] == "extra"
    assert (tmp_path / "report.txt").exists()
    assert main(["audit", str(tmp_path / "report.json")]) == 0
    out = capsys.readouterr().out
    assert "@autoslots(extra=('extra',))" in out
    assert f"{__file__}:" in out


def test_audit_command_rejects_a_bad_report(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.json").write_text("[]")
    assert main(["audit", str(tmp_path / "bad.json")]) == 2
    assert main(["audit", str(tmp_path / "missing.json")]) == 2
    assert "error" in capsys.readouterr().err


# -- autoslots run, end to end ---------------------------------------------------------------

SCRIPT = """
import demo_pkg
point = demo_pkg.Point(1, 2)
print("slots", type(point).__slots__)
point.extra = 1
print("extra ok")
"""


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "demo_pkg").mkdir(exist_ok=True)
    (tmp_path / "demo_pkg" / "__init__.py").write_text(textwrap.dedent(PACKAGE))
    (tmp_path / "script.py").write_text(SCRIPT)
    env = dict(os.environ)
    env.pop(hook.ENV_VAR, None)
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(ROOT)])
    return subprocess.run(
        [sys.executable, "-m", "autoslots", "run", "--package", "demo_pkg", *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )


def test_run_enforces(tmp_path: Path) -> None:
    done = _run(tmp_path, "--", "script.py")
    assert "slots ('x', 'y', '__weakref__')" in done.stdout
    assert "AttributeError" in done.stderr and "extra" in done.stderr
    assert done.returncode == 1
    assert "autoslots enforce:" in done.stderr


def test_run_audits_with_a_report(tmp_path: Path) -> None:
    report = tmp_path / "out.json"
    done = _run(tmp_path, "--audit", "--report", str(report), "--", "-m", "script")
    assert done.returncode == 0, done.stderr
    assert "extra ok" in done.stdout
    data = json.loads(report.read_text())
    site = _entry(data, "Point")["writes"]["extra"][0]
    assert (Path(site["file"]).name, site["line"]) == ("script.py", 5)
    assert (tmp_path / "out.txt").read_text().count("extra") >= 1


def test_run_needs_a_command(tmp_path: Path) -> None:
    done = _run(tmp_path)
    assert done.returncode == 2
    assert "give the command" in done.stderr


def test_run_checks_the_report_folder(tmp_path: Path) -> None:
    done = _run(tmp_path, "--report", str(tmp_path / "missing" / "r.json"), "--", "script.py")
    assert done.returncode == 2
    assert "no such directory" in done.stderr


def test_grandchildren_get_the_hook_but_write_no_report(tmp_path: Path) -> None:
    inner = "import subprocess, sys; subprocess.run([sys.executable, 'script.py'], check=False)"
    (tmp_path / "outer.py").write_text(inner)
    report = tmp_path / "r.json"
    done = _run(tmp_path, "--report", str(report), "--", "outer.py")
    assert "slots ('x', 'y', '__weakref__')" in done.stdout
    data = json.loads(report.read_text())
    assert data["classes"] == []  # the outer process imported nothing of demo_pkg
    names: List[str] = [p.name for p in tmp_path.iterdir() if p.suffix == ".json"]
    assert names == ["r.json"]
