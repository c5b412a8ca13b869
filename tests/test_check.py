"""``autoslots check``: run as a user runs it (a subprocess in a project directory), plus
the pieces that need no subprocess (the pyproject.toml reader, the patterns)."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import cli_run
import pytest

from autoslots._check import (
    Config,
    SavingsMeter,
    parse_simple_table,
    read_table,
)
from autoslots._cli import UsageError

ROOT = Path(__file__).resolve().parent.parent

MODELS = '''\
from autoslots import autoslots


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y


class Record:
    def __init__(self, **fields):
        for name, value in fields.items():
            setattr(self, name, value)


@autoslots
class Done:
    def __init__(self):
        self.a = 1


class Hand:
    __slots__ = ("h",)


class Outer:
    class Inner:
        def __init__(self):
            self.i = 0


class Left:
    def __init__(self):
        self.left = 1


class Right:
    def __init__(self):
        self.right = 2


class Both(Left, Right):
    pass
'''

LINE = {name: n for n, text in enumerate(MODELS.splitlines(), 1)
        for name in ("Point", "Record", "Done", "Hand", "Outer", "Both")
        if text.startswith(f"class {name}")}
SETATTR_LINE = next(n for n, text in enumerate(MODELS.splitlines(), 1) if "setattr(" in text)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return cli_run.run_cli(*args, cwd=cwd, timeout=300)


def assert_usage_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines: List[str] = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project: package ``shop`` with a models module, a subpackage, a __main__ that must
    not run, and a submodule that fails to import."""
    shop = tmp_path / "shop"
    (shop / "sub").mkdir(parents=True)
    (shop / "__init__.py").write_text("")
    (shop / "models.py").write_text(MODELS)
    (shop / "__main__.py").write_text("open('MAIN_RAN', 'w').close()\n")
    (shop / "sub" / "__init__.py").write_text("")
    (shop / "sub" / "deep.py").write_text(
        "print('printed on import')\n"
        "open('DEEP_IMPORTED', 'w').close()\n\n"
        "class Deep:\n"
        "    def __init__(self):\n"
        "        self.d = 1\n"
    )
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'shop'\n")
    return tmp_path


def by_class(data: Dict[str, Any]) -> Dict[str, Dict[str, Any]]:
    return {item["class"]: item for item in data["classes"]}


def test_text_report_names_every_class_with_file_and_line(project: Path) -> None:
    result = run_cli("check", "shop", cwd=project)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    models = os.path.join("shop", "models.py")
    assert f"{models}:{LINE['Point']}: shop.models:Point: would be slotted: 2 slots (x, y)" in out
    assert f"{models}:{LINE['Record']}: shop.models:Record: keeps __dict__" in out
    # the reason: the function and the line of the setattr()
    assert f"{models}:{SETATTR_LINE}: Record.__init__: setattr(" in out
    assert f"{models}:{LINE['Done']}: shop.models:Done: autoslotted: 1 slot (a)" in out
    assert "shop.models:Hand: already slotted: declares __slots__ = ('h',)" in out
    assert "shop.models:Outer.Inner: would be slotted: 1 slot (i)" in out
    assert "shop.sub.deep:Deep: would be slotted" in out
    assert "would save" in out and "bytes per instance" in out
    both = out[out.index("shop.models:Both"):]
    assert "layout conflict" in both.splitlines()[2] or "layout conflict" in both
    assert "Left would get slots (left)" in both and "Right would get slots (right)" in both
    assert "mixin=True" in both
    # the summary line
    last = out.strip().splitlines()[-1]
    assert last.startswith("autoslots check: 10 classes in 4 modules")
    # a package's __main__ is never imported; what modules print goes to stderr
    assert not (project / "MAIN_RAN").exists()
    assert "printed on import" in result.stderr
    assert "printed on import" not in out


def test_strict_exits_1_on_findings_0_when_clean(project: Path) -> None:
    assert run_cli("check", "--strict", "shop", cwd=project).returncode == 1
    clean = run_cli("check", "--strict", "shop.sub", cwd=project)
    assert clean.returncode == 0, clean.stdout + clean.stderr


def test_quiet_prints_only_findings(project: Path) -> None:
    result = run_cli("check", "-q", "shop", cwd=project)
    assert result.returncode == 0
    assert "shop.models:Record" in result.stdout
    assert "shop.models:Both" in result.stdout  # the layout conflict
    assert "shop.models:Point" not in result.stdout


def test_json_is_the_same_data_and_savings_are_measured(project: Path) -> None:
    result = run_cli("check", "--json", "shop", cwd=project)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)  # what the modules print does not spoil it
    classes = by_class(data)
    assert data["modules"] == ["shop", "shop.models", "shop.sub", "shop.sub.deep"]
    point = classes["shop.models:Point"]
    assert point["status"] == "would be slotted"
    assert point["slots"] == ["x", "y"]
    assert point["line"] == LINE["Point"]
    assert point["finding"] is False
    assert point["explain"]["slots"][0]["sites"][0]["function"] == "Point.__init__"
    # measured on this interpreter, on a synthetic class with the same slot count
    assert point["bytes_saved_per_instance"] == SavingsMeter().measure(2, True) > 0
    record = classes["shop.models:Record"]
    assert record["status"] == "keeps __dict__" and record["finding"] is True
    assert any(f":{SETATTR_LINE}: Record.__init__" in line for line in record["dict_because"])
    assert record["bytes_saved_per_instance"] is None
    assert classes["shop.models:Done"]["status"] == "autoslotted"
    assert classes["shop.models:Hand"]["status"] == "already slotted"
    assert "mixin=True" in classes["shop.models:Both"]["conflict"]
    assert data["findings"] == 2


def test_file_and_directory_targets(project: Path) -> None:
    by_file = json.loads(run_cli("check", "--json", "shop/models.py", cwd=project).stdout)
    assert data_names(by_file) >= {"shop.models:Point", "shop.models:Record"}
    assert by_file["modules"] == ["shop.models"]
    # as pre-commit passes them: files, one module each (a package's __init__.py alone)
    files = run_cli("check", "--json", "shop/__init__.py", "shop/sub/deep.py", cwd=project)
    assert json.loads(files.stdout)["modules"] == ["shop", "shop.sub.deep"]
    result = run_cli("check", "--json", str(project / "shop"), cwd=project.parent)
    by_dir = json.loads(result.stdout)
    assert "shop.sub.deep:Deep" in data_names(by_dir)
    # a directory that is not a package: the modules and packages in it
    plain = json.loads(run_cli("check", "--json", ".", cwd=project).stdout)
    assert "shop.models:Point" in data_names(plain)


def data_names(data: Dict[str, Any]) -> set[str]:
    return set(by_class(data))


def test_submodule_that_fails_to_import_is_reported_and_the_check_goes_on(project: Path) -> None:
    (project / "shop" / "broken.py").write_text("import no_such_module_xyz\n")
    result = run_cli("check", "shop", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "shop.broken: import failed" in result.stdout
    assert "no_such_module_xyz" in result.stdout
    assert "1 module failed to import" in result.stdout
    assert run_cli("check", "--strict", "shop.sub", "shop.broken", cwd=project).returncode == 2
    # the same for a module found in a directory that is not a package
    (project / "script.py").write_text("raise SystemExit('needs arguments')\n")
    result = run_cli("check", ".", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "script: import failed" in result.stdout
    assert "shop.models:Point" in result.stdout


def test_pyproject_include_exclude(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        textwrap.dedent(
            """
            [project]
            name = "shop"

            [tool.autoslots]
            exclude-modules = ["shop.sub"]   # not even imported
            exclude-classes = [
                "Outer.*",          # a qualname pattern
                "shop.models:Rec*", # a module:Qualname pattern
            ]
            """
        )
    )
    nested = project / "shop" / "sub"
    # the file is found from the current directory upward
    data = json.loads(run_cli("check", "--json", str(project / "shop"), cwd=nested).stdout)
    names = data_names(data)
    assert data["config"] == str(project / "pyproject.toml")
    assert "shop.models:Point" in names
    assert "shop.models:Record" not in names
    assert "shop.models:Outer.Inner" not in names
    assert "shop.models:Outer" in names
    assert not any(name.startswith("shop.sub") for name in names)
    assert not (nested / "DEEP_IMPORTED").exists()
    # the command line adds to the file's patterns
    data = json.loads(
        run_cli("check", "--json", "--include-classes", "*:P*", "shop", cwd=project).stdout
    )
    assert data_names(data) == {"shop.models:Point"}


def test_pyproject_include_modules_and_strict(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.autoslots]\ninclude-modules = ["shop.sub.*"]\nstrict = true\n'
    )
    result = run_cli("check", "--json", "shop", cwd=project)
    assert result.returncode == 0, result.stderr  # strict, but no findings in shop.sub.deep
    assert data_names(json.loads(result.stdout)) == {"shop.sub.deep:Deep"}
    (project / "pyproject.toml").write_text('[tool.autoslots]\nstrict = true\n')
    assert run_cli("check", "shop", cwd=project).returncode == 1


@pytest.mark.parametrize(
    "table, needles",
    [
        ('exclude-module = ["x"]', ["unknown key 'exclude-module'", "exclude-modules"]),
        ("exclude-modules = 3", ["exclude-modules"]),
        ('strict = "yes"', ["strict"]),
        ("[tool.autoslots.extra]", ["unknown key 'extra'"]),
    ],
)
def test_bad_config_is_one_line_exit_2(project: Path, table: str, needles: List[str]) -> None:
    (project / "pyproject.toml").write_text(f"[tool.autoslots]\n{table}\n")
    result = run_cli("check", "shop", cwd=project)
    assert_usage_error(result, "pyproject.toml", *needles)


def test_invalid_toml_is_one_line_exit_2(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.autoslots]\nexclude-modules = ["x"\n')
    assert_usage_error(run_cli("check", "shop", cwd=project), "pyproject.toml")


def test_missing_module_is_one_line_exit_2(project: Path) -> None:
    assert_usage_error(run_cli("check", "no_such_module_xyz", cwd=project), "no_such_module_xyz")
    assert_usage_error(run_cli("check", "nope.py", cwd=project), "nope.py")


def test_module_that_raises_on_import_exit_2(project: Path) -> None:
    (project / "bad.py").write_text("raise ValueError('boom')\n")
    assert_usage_error(run_cli("check", "bad", cwd=project), "ValueError: boom", "bad.py:1")


def test_no_target_is_a_usage_error(project: Path) -> None:
    result = run_cli("check", cwd=project)
    assert result.returncode == 2
    assert "MODULE_OR_PATH" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_says_modules_are_imported(project: Path) -> None:
    result = run_cli("check", "--help", cwd=project)
    assert result.returncode == 0
    assert "IMPORTED" in result.stdout
    assert "[tool.autoslots]" in result.stdout


def test_console_script(project: Path) -> None:
    script = Path(sys.executable).parent / ("autoslots.exe" if os.name == "nt" else "autoslots")
    if not script.exists():
        pytest.skip("the autoslots console script is not installed in this environment")
    result = subprocess.run(
        [str(script), "check", "shop.models"], cwd=str(project), capture_output=True,
        text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "shop.models:Point: would be slotted" in result.stdout


def test_pre_commit_hook_runs_autoslots_check() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "- id: autoslots-check" in text
    assert "entry: autoslots check" in text
    assert "language: python" in text


# --- the pyproject.toml reader ------------------------------------------------------------

CONFIG_TEXT = """\
[project]
name = "x"   # [tool.autoslots] in a comment is not a header

[tool.autoslots]
include-modules = ["a.b", 'c.*']  # trailing comment
exclude-modules = [
    "a.tests",   # one per line
    "a.\\u0078",
]
"exclude-classes" = "*:Test*"
include-classes = []
strict = false

[tool.other]
strict = "not ours"
"""

EXPECTED = {
    "include-modules": ["a.b", "c.*"],
    "exclude-modules": ["a.tests", "a.x"],
    "exclude-classes": "*:Test*",
    "include-classes": [],
    "strict": False,
}


def test_simple_reader_reads_the_table() -> None:
    assert parse_simple_table(CONFIG_TEXT, "pyproject.toml") == EXPECTED
    assert parse_simple_table("[project]\nname = 'x'\n", "pyproject.toml") is None


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib is new in 3.11")
def test_simple_reader_agrees_with_tomllib() -> None:
    assert read_table(CONFIG_TEXT, "pyproject.toml") == EXPECTED


@pytest.mark.parametrize(
    "value", ["1", '"""multi"""', '["unterminated"', '"a" "b"', "{inline = 1}", '"bad \\q"']
)
def test_simple_reader_refuses_what_it_cannot_read(value: str) -> None:
    text = f"[tool.autoslots]\nexclude-modules = {value}\n"
    expected = r"pyproject.toml:2: cannot read \[tool.autoslots\] exclude-modules: "
    with pytest.raises(UsageError, match=expected):
        parse_simple_table(text, "pyproject.toml")


def test_patterns() -> None:
    config = Config()
    config.patterns["exclude-modules"] = ["pkg.tests", "*.migrations"]
    config.patterns["include-classes"] = ["Model*", "pkg.api:*"]
    assert config.module_wanted("pkg.models")
    assert not config.module_wanted("pkg.tests")
    assert not config.module_wanted("pkg.tests.test_x")  # below an excluded package
    assert not config.module_wanted("pkg.app.migrations")
    assert config.class_wanted("pkg.models", "ModelBase")
    assert config.class_wanted("pkg.api", "Handler")
    assert not config.class_wanted("pkg.models", "Handler")
    config.patterns["include-modules"] = ["pkg.api.*"]
    assert config.module_wanted("pkg")  # walked: its submodules may match
    assert config.module_wanted("pkg.api")
    assert not config.module_wanted("other")
    assert not config.module_reported("pkg")
    assert config.module_reported("pkg.api.v1")


# --- the standard library -----------------------------------------------------------------


def _importable_stdlib() -> List[str]:
    """The standard-library modules that test_stdlib_sweep imports, those that import."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    try:
        from test_stdlib_sweep import _top_level_names
    finally:
        sys.path.pop(0)
    code = textwrap.dedent(
        """
        import sys
        sys.path.insert(0, sys.argv[1])
        from test_stdlib_sweep import _import
        print(" ".join(name for name in sys.argv[2:] if _import(name) is not None))
        """
    )
    names = [n for n in _top_level_names() if importlib.util.find_spec(n) is not None]
    result = subprocess.run(
        [sys.executable, "-c", code, str(Path(__file__).resolve().parent), *names],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.mark.slow
def test_check_over_the_standard_library(tmp_path: Path) -> None:
    names = _importable_stdlib()
    started = time.perf_counter()
    result = run_cli(
        "check", "--json",
        # as tests/test_stdlib_sweep.py skips them: test suites
        "--exclude-modules", "*.test", "--exclude-modules", "*.tests",
        "--exclude-modules", "*.idle_test",
        *names,
        cwd=tmp_path,
    )
    seconds = time.perf_counter() - started
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    data = json.loads(result.stdout)
    classes = data["classes"]
    failed = [item for item in classes if item["status"] == "analysis failed"]
    print(
        f"\ncheck over the standard library (Python {data['python']}): "
        f"{len(data['modules'])} modules, {len(classes)} classes in {seconds:.1f} s "
        f"(check's own time {data['seconds']} s); counts {data['counts']}; "
        f"{len(data['import_errors'])} submodules failed to import; {len(failed)} failed"
    )
    assert not failed, failed[:5]
    assert len(classes) > 1000
    assert seconds < 180


# --- docs/cli.md: its commands run, its check output is what check prints -----------------

DOC = ROOT / "docs" / "cli.md"
_FENCE = re.compile(r"^```(\w*)\s*$")
_DIRECTIVE = re.compile(r"^<!--\s*(file|output of):\s*(.+?)\s*-->$")


def _doc_blocks() -> List[Tuple[str, Optional[Tuple[str, str]], str]]:
    """(language, directive, text) of each fenced block of docs/cli.md."""
    blocks = []
    lines = DOC.read_text(encoding="utf-8").splitlines()
    directive: Optional[Tuple[str, str]] = None
    i = 0
    while i < len(lines):
        found = _DIRECTIVE.match(lines[i].strip())
        if found:
            directive = (found.group(1), found.group(2))
        opening = _FENCE.match(lines[i])
        if opening:
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
            blocks.append((opening.group(1), directive, "\n".join(lines[i + 1 : end]) + "\n"))
            directive = None
            i = end
        elif lines[i].strip() and not found:
            directive = None
        i += 1
    return blocks


def _masked(text: str) -> List[str]:
    """Lines with numbers masked (bytes and seconds differ between runs and versions)."""
    return [re.sub(r"\d+(\.\d+)?", "N", line).rstrip() for line in text.strip().splitlines()]


def test_docs_cli_examples_run(tmp_path: Path) -> None:
    blocks = _doc_blocks()
    for _language, directive, text in blocks:
        if directive and directive[0] == "file":
            path = tmp_path / directive[1]
            path.parent.mkdir(parents=True, exist_ok=True)
            for parent in path.relative_to(tmp_path).parents:
                if str(parent) != ".":
                    (tmp_path / parent / "__init__.py").touch()
            path.write_text(text)
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    ran = 0
    for language, directive, text in blocks:
        if directive and directive[0] == "output of":
            command = shlex.split(directive[1])
            assert command[:3] == ["python", "-m", "autoslots"]
            result = run_cli(*command[3:], cwd=tmp_path)
            assert _masked(result.stdout) == _masked(text), result.stdout
            ran += 1
        if language != "bash":
            continue
        for line in text.splitlines():
            if not line.startswith("python -m autoslots "):
                continue
            args = shlex.split(line.split("#")[0])[3:]
            if "MODULE:CLASS" in args or "MODULE_OR_PATH" in args:
                continue  # the synopsis
            if args[0] == "demo":  # the doc's counts take seconds; the test runs small
                if "--count" in args:
                    del args[args.index("--count") : args.index("--count") + 2]
                args += ["--count", "2000"]
            expected = re.search(r"#\s*exits (\d)", line)
            result = run_cli(*args, cwd=tmp_path)
            assert result.returncode == (int(expected.group(1)) if expected else 0), (
                line, result.stdout[-2000:], result.stderr[-2000:])
            ran += 1
    assert ran >= 12
