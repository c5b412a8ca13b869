"""Type checkers on autoslots and on users' code (tests/typing/), and the mypy plugin.

- tests/typing/api_*.py: user code checked by ``mypy --strict`` and by pyright (strict);
  api_errors.py marks its wrong lines with ``# type: ignore[...]``, and both checkers
  fail on an ignore comment that is not needed, so each mistake must be reported.
- tests/typing/plugin/*.py: expected-output cases for the plugin ``autoslots.mypy``:
  each ``# E: <message>`` mark is one message mypy must print on that line, and mypy
  must print nothing else.  The same files run at run time, statement by statement:
  exactly the marked statements must fail (AttributeError for a write, AutoSlotsError
  for a class autoslots refuses): the plugin agrees with autoslots.
- the public API of the package is complete for pyright (``--verifytypes``), and the
  modules of the typed API (and the plugin) are clean under pyright strict.

mypy and pyright run in subprocesses, one run per checker over all files, with caches
under a temporary directory.  The pyright tests skip (with the reason) only when the
pyright wrapper (``pip install pyright``) is not installed or cannot run its node server.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import types
import warnings
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Set, Tuple

import pytest

from autoslots import AutoSlotsError

ROOT = Path(__file__).resolve().parent.parent
TYPING = ROOT / "tests" / "typing"
API_FILES = sorted(TYPING.glob("api_*.py"))
PLUGIN_FILES = sorted((TYPING / "plugin").glob("*.py"))
PYTHON_VERSION = f"{sys.version_info[0]}.{sys.version_info[1]}"
# The typed API modules (and the plugin) that must be clean under pyright strict.
STRICT_MODULES = ["__init__.py", "_build.py", "_errors.py", "_meta.py", "mypy.py"]

MARK = re.compile(r"^[^#].*#\s*E:\s*(.+?)\s*$")
UNREPORTED = re.compile(r"^[^#].*#\s*not reported\s*$")
MYPY_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<kind>error|note): (?P<message>.*)$")


def _tool(name: str) -> Optional[str]:
    """The tool installed next to this interpreter (the venv's), else one on PATH."""
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    return shutil.which(name)


def _run(args: List[str], cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["MYPYPATH"] = str(ROOT)  # an editable install is invisible to the checkers
    env.pop("MYPY_FORCE_COLOR", None)
    return subprocess.run(
        args, cwd=str(cwd), env=env, capture_output=True, text=True, timeout=timeout
    )


# -- mypy ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mypy() -> str:
    try:
        import mypy.api  # noqa: F401
    except ImportError:
        pytest.fail("mypy is part of the dev extra: pip install -e '.[dev]'")
    return sys.executable


def _mypy_config(tmp: Path, plugin: bool) -> Path:
    config = tmp / ("plugin.ini" if plugin else "mypy.ini")
    lines = ["[mypy]", "strict = True", f"python_version = {PYTHON_VERSION}",
             f"mypy_path = {ROOT}", f"cache_dir = {tmp / ('cache-plugin' if plugin else 'cache')}"]
    if plugin:
        lines.append("plugins = autoslots.mypy")
    config.write_text("\n".join(lines) + "\n")
    return config


def _mypy_messages(output: str) -> List[Tuple[str, int, str]]:
    messages = []
    for line in output.splitlines():
        match = MYPY_LINE.match(line)
        if match and match["kind"] == "error":
            name = Path(match["file"]).name
            messages.append((name, int(match["line"]), match["message"]))
    return messages


def test_mypy_strict_on_user_code(mypy: str, tmp_path: Path) -> None:
    config = _mypy_config(tmp_path, plugin=False)
    result = _run([mypy, "-m", "mypy", "--config-file", str(config), *map(str, API_FILES)],
                  cwd=TYPING)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found in 2 source files" in result.stdout


def test_mypy_strict_with_the_plugin_on_user_code(mypy: str, tmp_path: Path) -> None:
    """The plugin adds nothing to the API files (they have no wrong writes)."""
    config = _mypy_config(tmp_path, plugin=True)
    result = _run([mypy, "-m", "mypy", "--config-file", str(config), *map(str, API_FILES)],
                  cwd=TYPING)
    assert result.returncode == 0, result.stdout + result.stderr


def _expected_marks(files: List[Path]) -> List[Tuple[str, int, str]]:
    expected = []
    for path in files:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            match = MARK.search(line)
            if match:
                expected.append((path.name, number, match.group(1)))
    return expected


def test_plugin_reports_exactly_the_marked_writes(mypy: str, tmp_path: Path) -> None:
    config = _mypy_config(tmp_path, plugin=True)
    result = _run(
        [mypy, "-m", "mypy", "--config-file", str(config), *map(str, PLUGIN_FILES)],
        cwd=TYPING / "plugin",
    )
    assert "Traceback" not in result.stderr, result.stderr
    got = sorted(_mypy_messages(result.stdout))
    expected = sorted(_expected_marks(PLUGIN_FILES))
    assert expected, "the plugin cases have no marks"
    assert got == expected, result.stdout + result.stderr


def test_without_the_plugin_mypy_misses_them(mypy: str, tmp_path: Path) -> None:
    """The reason for the plugin: plain mypy does not see inferred slots.

    Without it, mypy reports none of the marked writes, and it reports false errors for
    the class with a partial explicit ``__slots__`` (the plugin adds the inferred names).
    """
    config = _mypy_config(tmp_path, plugin=False)
    result = _run(
        [mypy, "-m", "mypy", "--config-file", str(config), *map(str, PLUGIN_FILES)],
        cwd=TYPING / "plugin",
    )
    messages = {message for _, _, message in _mypy_messages(result.stdout)}
    assert messages == {
        'Trying to assign name "inferred" that is not in "__slots__" of type '
        '"slotted.Partial"  [misc]',
        'Trying to assign name "level" that is not in "__slots__" of type '
        '"slotted.Partial"  [misc]',
    }, result.stdout


# -- the plugin cases at run time ------------------------------------------------------


def _statements(path: Path) -> Iterator[Tuple[ast.stmt, bool]]:
    """Top-level statements of a case file, and whether each must fail at run time
    (marked ``# E:``, or ``# not reported`` for a write the plugin leaves unchecked)."""
    source = path.read_text()
    lines = source.splitlines()
    for stmt in ast.parse(source).body:
        end = stmt.end_lineno or stmt.lineno
        marked = any(
            MARK.search(lines[number - 1]) or UNREPORTED.search(lines[number - 1])
            for number in range(stmt.lineno, end + 1)
        )
        yield stmt, marked


@pytest.mark.parametrize("path", PLUGIN_FILES, ids=[p.stem for p in PLUGIN_FILES])
def test_plugin_cases_agree_with_run_time(path: Path) -> None:
    name = f"_typing_case_{path.stem}"
    module = types.ModuleType(name)
    module.__file__ = str(path)
    sys.modules[name] = module
    failures: List[str] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for stmt, marked in _statements(path):
                code = compile(ast.Module(body=[stmt], type_ignores=[]), str(path), "exec")
                try:
                    exec(code, module.__dict__)
                except (AttributeError, AutoSlotsError) as exc:
                    if not marked:
                        failures.append(f"line {stmt.lineno}: unmarked, but raised {exc}")
                else:
                    if marked:
                        failures.append(f"line {stmt.lineno}: marked, but the write worked")
    finally:
        del sys.modules[name]
    assert not failures, "\n".join(failures)


# -- pyright ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pyright() -> str:
    tool = _tool("pyright")
    if tool is None:
        pytest.skip("pyright is not installed (pip install pyright; it is in the dev extra)")
    try:
        probe = _run([tool, "--version"], cwd=ROOT, timeout=180)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"pyright cannot run here: {exc}")
    if probe.returncode != 0 or "pyright" not in probe.stdout:
        pytest.skip(f"pyright cannot run here (its node server): {probe.stdout}{probe.stderr}")
    return tool


def _pyright_config(tmp: Path, **extra: object) -> Path:
    config: Dict[str, object] = {
        "typeCheckingMode": "strict",
        "pythonVersion": PYTHON_VERSION,
        "extraPaths": [str(ROOT)],
        "reportUnnecessaryTypeIgnoreComment": "error",
    }
    config.update(extra)
    path = tmp / "pyrightconfig.json"
    path.write_text(json.dumps(config))
    return path


def _pyright(tool: str, config: Path, files: List[Path]) -> Tuple[int, List[str], str]:
    result = _run(
        [tool, "--outputjson", "--pythonpath", sys.executable, "-p", str(config),
         *map(str, files)],
        cwd=ROOT,
    )
    try:
        report = json.loads(result.stdout)
    except ValueError:
        pytest.fail(f"pyright printed no JSON: {result.stdout}{result.stderr}")
    problems = [
        f"{Path(d['file']).name}:{d['range']['start']['line'] + 1}: {d['message']}"
        for d in report.get("generalDiagnostics", [])
        if d.get("severity") == "error"
    ]
    return result.returncode, problems, result.stdout


def test_pyright_strict_on_user_code(pyright: str, tmp_path: Path) -> None:
    code, problems, output = _pyright(pyright, _pyright_config(tmp_path), API_FILES)
    assert problems == [], "\n".join(problems)
    assert code == 0, output


def test_pyright_strict_on_the_typed_api_modules(pyright: str, tmp_path: Path) -> None:
    files = [ROOT / "autoslots" / name for name in STRICT_MODULES]
    code, problems, output = _pyright(pyright, _pyright_config(tmp_path), files)
    assert problems == [], "\n".join(problems)
    assert code == 0, output


def test_pyright_strict_on_the_whole_package(pyright: str, tmp_path: Path) -> None:
    """Every module of the package, not only the typed API, is clean under pyright
    strict (the ``[tool.pyright]`` settings of pyproject.toml, for this Python version)."""
    files = [ROOT / "autoslots"]
    code, problems, output = _pyright(pyright, _pyright_config(tmp_path), files)
    assert problems == [], "\n".join(problems)
    assert code == 0, output


def test_pyright_public_api_is_completely_typed(pyright: str, tmp_path: Path) -> None:
    env_root = tmp_path
    result = subprocess.run(
        [pyright, "--outputjson", "--pythonpath", sys.executable, "--verifytypes",
         "autoslots", "--ignoreexternal"],
        cwd=str(env_root),
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stdout)
    completeness = report["typeCompleteness"]
    assert completeness["packageRootDirectory"] == str(ROOT / "autoslots"), result.stdout
    # The API of ``import autoslots``; submodules (the mypy plugin, whose base class
    # comes from mypy) are not part of it.
    submodules = [m["name"] + "." for m in completeness["modules"] if m["name"] != "autoslots"]
    api = [
        symbol for symbol in completeness["symbols"]
        if symbol["isExported"] and not symbol["name"].startswith(tuple(submodules))
    ]
    exported: Set[str] = {symbol["name"] for symbol in api}
    assert {"autoslots.autoslots", "autoslots.AutoSlots", "autoslots.explain",
            "autoslots.AutoSlotsError", "autoslots.Explanation"} <= exported
    problems = [
        f"{symbol['name']}: {d['message']}"
        for symbol in api
        for d in symbol["diagnostics"]
        if d["severity"] == "error"
    ]
    assert problems == [], "\n".join(problems)
    assert all(symbol["isTypeKnown"] for symbol in api)
