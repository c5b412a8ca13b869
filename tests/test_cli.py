"""The command line, run as a user runs it: ``python -m autoslots ...`` in a subprocess."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Iterator, List

import pytest
from cli_run import run_cli

ROOT = Path(__file__).resolve().parent.parent
IMAGE_SLOTS = ("id", "caption", "url", "width", "height", "thumbnail")


def strings(data: object) -> Iterator[str]:
    """Every string in a JSON document, keys included."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from strings(value)
    elif isinstance(data, list):
        for item in data:
            yield from strings(item)


def assert_usage_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines: List[str] = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.parametrize("target", ["examples/image.py:Image", "examples.image:Image"])
def test_explain_names_each_slot_and_the_setup_helper(target: str) -> None:
    result = run_cli("explain", target)
    assert result.returncode == 0, result.stderr
    for name in IMAGE_SLOTS:
        assert name in result.stdout
    # width, height and thumbnail are set by the helper, not by __init__
    setup_lines = [line for line in result.stdout.splitlines() if "_setup" in line]
    for name in ("width", "height", "thumbnail"):
        assert any(name in line for line in setup_lines), result.stdout
    assert "Image" in result.stdout
    assert "image.py" in result.stdout


def test_explain_json_is_the_same_data() -> None:
    result = run_cli("explain", "--json", "examples.image:Image")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    found = set(strings(data))
    for name in IMAGE_SLOTS:
        assert name in found
    assert any("_setup" in text for text in found)


def test_explain_a_plain_class_says_what_autoslots_would_do() -> None:
    result = run_cli("explain", "examples/image.py:PlainImage")
    assert result.returncode == 0, result.stderr
    for name in IMAGE_SLOTS:
        assert name in result.stdout
    assert "_setup" in result.stdout
    assert "would" in result.stdout


def test_nested_class_by_qualname_and_file_directory_on_path(tmp_path: Path) -> None:
    (tmp_path / "helpers.py").write_text("def fill(obj):\n    obj.extra = 1\n")
    (tmp_path / "shapes.py").write_text(
        textwrap.dedent(
            """
            import helpers

            class Outer:
                class Point:
                    def __init__(self, x, y):
                        self.x = x
                        self.y = y
                        helpers.fill(self)
            """
        )
    )
    # from elsewhere, by path: the file's directory is searched for its imports
    result = run_cli("explain", f"{tmp_path / 'shapes.py'}:Outer.Point")
    assert result.returncode == 0, result.stderr
    assert "Outer.Point" in result.stdout
    for name in ("x", "y", "extra"):
        assert name in result.stdout
    # by module name: the current directory is searched, as with `python -m`
    result = run_cli("explain", "shapes:Outer.Point", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Outer.Point" in result.stdout


def test_file_in_a_package_is_imported_as_part_of_it(tmp_path: Path) -> None:
    package = tmp_path / "shop" / "models"
    package.mkdir(parents=True)
    (tmp_path / "shop" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "base.py").write_text("def setup(obj):\n    obj.ready = True\n")
    (package / "item.py").write_text(
        "from .base import setup\n\n"
        "class Item:\n"
        "    def __init__(self, sku):\n"
        "        self.sku = sku\n"
        "        setup(self)\n"
    )
    result = run_cli("explain", f"{package / 'item.py'}:Item")
    assert result.returncode == 0, result.stderr
    assert "shop.models.item:Item" in result.stdout
    for name in ("sku", "ready"):
        assert name in result.stdout


def test_file_whose_name_is_taken_exit_2(tmp_path: Path) -> None:
    (tmp_path / "json.py").write_text("class C:\n    pass\n")
    assert_usage_error(run_cli("explain", f"{tmp_path / 'json.py'}:C"), "'json'", "rename")


def test_missing_module_is_one_line_exit_2() -> None:
    assert_usage_error(run_cli("explain", "no_such_module_xyz:C"), "no_such_module_xyz")


def test_missing_file_is_one_line_exit_2() -> None:
    assert_usage_error(run_cli("explain", "examples/nope.py:C"), "examples/nope.py")


def test_missing_class_lists_the_classes_exit_2() -> None:
    assert_usage_error(run_cli("explain", "examples.image:Nope"), "Nope", "Image", "PlainImage")


def test_not_a_class_exit_2() -> None:
    assert_usage_error(run_cli("explain", "examples.image:autoslots"), "not a class")


def test_target_without_colon_exit_2() -> None:
    assert_usage_error(run_cli("explain", "examples.image"), "MODULE:CLASS")


def test_module_that_raises_on_import_exit_2(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("x = 1\nraise ValueError('boom\\nsecond line')\n")
    result = run_cli("explain", "broken:C", cwd=tmp_path)
    assert_usage_error(result, "ValueError: boom", "broken.py:2")


def test_syntax_error_exit_2(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("class C(:\n    pass\n")
    assert_usage_error(run_cli("explain", f"{tmp_path / 'bad.py'}:C"), "SyntaxError", "bad.py:1")


def test_no_command_is_a_usage_error() -> None:
    result = run_cli()
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "explain" in result.stderr


def test_help_says_modules_are_imported() -> None:
    result = run_cli("explain", "--help")
    assert result.returncode == 0
    assert "imported" in result.stdout
    assert "MODULE:CLASS" in result.stdout


def test_console_script() -> None:
    script = Path(sys.executable).parent / ("autoslots.exe" if os.name == "nt" else "autoslots")
    if not script.exists():
        pytest.skip("the autoslots console script is not installed in this environment")
    result = subprocess.run(
        [str(script), "explain", "examples.image:Image"],
        cwd=str(ROOT),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    for name in IMAGE_SLOTS:
        assert name in result.stdout


def test_readme_commands_are_what_ci_runs() -> None:
    """The README's commands are literally the ones .ci/run runs (and the CLI example)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for command in ('python -m pytest -q -m "not slow"', "python -m pytest -q"):
        assert command in readme
        assert f"TESTS=({command})" in ci
    assert "bash .ci/run" in readme
    assert "python -m autoslots explain examples/image.py:Image" in readme
    assert "mypy --strict autoslots" in readme and "mypy --strict autoslots" in ci
    assert "ruff check autoslots tests" in readme and "ruff check autoslots tests" in ci


def test_help_lists_every_command() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("explain", "demo", "check"):
        assert command in result.stdout


def test_a_registered_command_is_parsed_and_dispatched(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The registration point other command modules plug into."""
    from autoslots import _cli

    def run_hello(args: argparse.Namespace) -> int:
        if args.fail:
            raise _cli.UsageError("hello failed politely")
        print(f"hello {args.name}")
        return 3

    def register_hello(commands: Any) -> None:
        parser = commands.add_parser("hello", help="say hello")
        parser.add_argument("name")
        parser.add_argument("--fail", action="store_true")
        parser.set_defaults(command=run_hello)

    original = _cli._registrations
    monkeypatch.setattr(_cli, "_registrations", lambda: [*original(), register_hello])
    assert _cli.main(["hello", "world"], prog="autoslots") == 3
    assert capsys.readouterr().out == "hello world\n"
    assert _cli.main(["hello", "x", "--fail"], prog="autoslots") == 2
    assert capsys.readouterr().err == "autoslots: error: hello failed politely\n"
    with pytest.raises(SystemExit):
        _cli.main(["--help"], prog="autoslots")
    assert "hello" in capsys.readouterr().out


def test_readme_leads_with_the_demo() -> None:
    """The README's first shell block starts with the demo, then the test command."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands[:2] == ["python -m autoslots demo", "bash .ci/run"]
