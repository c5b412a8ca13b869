"""Every ```python block in README.md and docs/**/*.md runs, as a reader would run it.

The blocks of one file run in order, in one namespace: a fresh module registered in
``sys.modules`` (so that pickling classes by reference works), compiled with the markdown
file as their file name and their real line numbers (so tracebacks, warnings and
``explain()`` point into the markdown file, and ``inspect.getsource`` reads it).
Warnings are errors: a block that shows a warning catches it itself
(``warnings.catch_warnings``).

An HTML comment on the line before a block changes how it runs:

- ``<!-- not-run -->`` (better ``<!-- not-run: why -->``): the block is not run (it
  needs a third-party package, say); keep these rare;
- ``<!-- python 3.12+ -->``: the block runs only on that Python version or newer (new
  syntax); on older versions the file's later blocks run without it.

A failure names the markdown file and the line of the block's opening fence.
"""

from __future__ import annotations

import linecache
import re
import sys
import traceback
import types
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

import pytest

ROOT = Path(__file__).resolve().parent.parent

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_DIRECTIVE = re.compile(r"^\s*<!--\s*(?P<text>.*?)\s*-->\s*$")
_MIN_VERSION = re.compile(r"^python\s+(?P<major>\d+)\.(?P<minor>\d+)\+$")


@dataclass(frozen=True)
class Block:
    """One fenced code block of a markdown file."""

    path: Path
    line: int  # line number of the opening fence (1-based)
    language: str
    code: str  # the block's lines, indentation of the fence removed
    directive: Optional[str]  # the HTML comment on the line before the fence, if any

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    @property
    def skipped(self) -> bool:
        return self.directive is not None and re.match(r"^not-run\b", self.directive) is not None

    @property
    def min_version(self) -> Optional[Tuple[int, int]]:
        if self.directive is None:
            return None
        match = _MIN_VERSION.match(self.directive)
        if match is None:
            return None
        return int(match["major"]), int(match["minor"])

    def runs_here(self) -> bool:
        if self.skipped:
            return False
        needed = self.min_version
        return needed is None or sys.version_info[:2] >= needed


def parse_blocks(path: Path) -> List[Block]:
    """The fenced code blocks of a markdown file, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: List[Block] = []
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        language = opening["info"].strip().split(" ")[0].lower()
        body: List[str] = []
        j = i + 1
        while j < len(lines):
            closing = _FENCE.match(lines[j])
            if (
                closing is not None
                and closing["fence"][0] == fence[0]
                and len(closing["fence"]) >= len(fence)
                and not closing["info"].strip()
            ):
                break
            text = lines[j]
            body.append(text[len(indent):] if text.startswith(indent) else text.lstrip())
            j += 1
        blocks.append(Block(path, i + 1, language, "\n".join(body) + "\n", _directive(lines, i)))
        i = j + 1
    return blocks


def _directive(lines: List[str], fence_index: int) -> Optional[str]:
    """The HTML comment on the last non-blank line before the fence, if there is one."""
    k = fence_index - 1
    while k >= 0 and not lines[k].strip():
        k -= 1
    if k < 0:
        return None
    match = _DIRECTIVE.match(lines[k])
    return match["text"] if match else None


def markdown_files() -> List[Path]:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    return [path for path in files if path.exists()]


def python_blocks(path: Path) -> List[Block]:
    return [block for block in parse_blocks(path) if block.language == "python"]


def _module_name(path: Path) -> str:
    stem = re.sub(r"\W", "_", str(path.relative_to(ROOT).with_suffix("")))
    return f"autoslots_docs_{stem}"


def _python_view(path: Path, blocks: List[Block]) -> List[str]:
    """The file's lines with everything but the code that runs here blanked out.

    ``inspect.getsource`` (and the AST engine, through it) reads the module's file and,
    before Python 3.13, parses all of it: it must see Python, at the real line numbers.
    """
    total = len(path.read_text(encoding="utf-8").splitlines())
    lines = ["\n"] * total
    for block in blocks:
        for offset, text in enumerate(block.code.splitlines()):
            lines[block.line + offset] = text + "\n"
    return lines


def run_file(path: Path) -> int:
    """Run the python blocks of one markdown file in sequence; return how many ran."""
    name = _module_name(path)
    module = types.ModuleType(name)
    module.__file__ = str(path)
    sys.modules[name] = module
    blocks = [block for block in python_blocks(path) if block.runs_here()]
    lines = _python_view(path, blocks)
    filename = str(path)
    saved = linecache.cache.get(filename)
    # An entry without a modification time is never refreshed from the disk.
    linecache.cache[filename] = (sum(map(len, lines)), None, lines, filename)
    ran = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for block in blocks:
                # Blank lines in front: the code keeps its line numbers in the file.
                source = "\n" * block.line + block.code
                failure = None
                try:
                    code = compile(source, str(path), "exec", dont_inherit=True)
                    exec(code, module.__dict__)
                except Exception:  # reported with the place of the block
                    failure = traceback.format_exc()
                if failure is not None:
                    pytest.fail(
                        f"{block.where}: the python block starting here failed:\n{failure}",
                        pytrace=False,
                    )
                ran += 1
    finally:
        sys.modules.pop(name, None)
        if saved is None:
            linecache.cache.pop(filename, None)
        else:
            linecache.cache[filename] = saved
    return ran


FILES = markdown_files()


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_markdown_python_blocks_run(path: Path) -> None:
    run_file(path)


def test_directives_are_well_formed() -> None:
    """A misspelt directive would silently run (or skip) a block: refuse it."""
    for path in FILES:
        for block in python_blocks(path):
            directive = (block.directive or "").lower()
            if directive.startswith(("not", "python", "skip")):
                assert block.skipped or block.min_version is not None, (
                    f"{block.where}: unknown directive <!-- {block.directive} -->; "
                    "use <!-- not-run: why --> or <!-- python 3.12+ -->"
                )


# -- the harness itself ---------------------------------------------------------------


def test_parser_finds_blocks_directives_and_lines(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n"
        "\n"
        "```python\n"
        "x = 1\n"
        "```\n"
        "\n"
        "<!-- not-run: needs attrs -->\n"
        "```python\n"
        "import attrs\n"
        "```\n"
        "- a list item:\n"
        "\n"
        "  ```python\n"
        "  if x:\n"
        "      y = 2\n"
        "  ```\n"
        "<!-- python 3.12+ -->\n"
        "```python\n"
        "type Alias = int\n"
        "```\n"
        "````text\n"
        "```python\n"
        "not a block\n"
        "```\n"
        "````\n",
        encoding="utf-8",
    )
    blocks = parse_blocks(page)
    assert [(b.line, b.language) for b in blocks] == [
        (3, "python"),
        (8, "python"),
        (13, "python"),
        (18, "python"),
        (21, "text"),
    ]
    first, skipped, indented, gated, _ = blocks
    assert first.directive is None and first.runs_here()
    assert skipped.skipped and not skipped.runs_here()
    assert indented.code == "if x:\n    y = 2\n"
    assert gated.min_version == (3, 12)
    assert gated.runs_here() == (sys.version_info >= (3, 12))


def test_failure_names_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    page = tmp_path / "page.md"
    page.write_text(
        "```python\nimport pickle\n\nclass K:\n    pass\n\n"
        "assert pickle.loads(pickle.dumps(K())).__class__ is K\n```\n"
        "text\n\n```python\nassert K is not None\nraise ValueError('boom')\n```\n",
        encoding="utf-8",
    )
    with pytest.raises(pytest.fail.Exception) as info:
        run_file(page)
    message = str(info.value)
    assert message.startswith("page.md:11: the python block starting here failed")
    assert "ValueError: boom" in message
    assert f'File "{page}", line 13' in message  # the traceback points into the page


def test_warnings_are_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    page = tmp_path / "page.md"
    page.write_text("```python\nimport warnings\nwarnings.warn('careful')\n```\n",
                    encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match="UserWarning: careful"):
        run_file(page)


# -- links between the pages ----------------------------------------------------------

_LINK = re.compile(r"\[[^\]]*\]\((?P<target>[^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s+(?P<title>.+?)\s*#*\s*$")


def _slug(title: str) -> str:
    """The anchor GitHub makes for a heading."""
    text = title.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(path: Path) -> List[str]:
    anchors = []
    in_code = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if _FENCE.match(line):
            in_code = not in_code
            continue
        heading = None if in_code else _HEADING.match(line)
        if heading:
            anchors.append(_slug(heading["title"]))
    return anchors


def _prose(path: Path) -> str:
    """The file without its code blocks and code spans (code, not links)."""
    kept, in_code = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if _FENCE.match(line):
            in_code = not in_code
        elif not in_code:
            kept.append(line)
    return re.sub(r"`[^`]*`", "", "\n".join(kept))


def test_relative_links_resolve() -> None:
    """Every relative link in README.md and docs/ names a file that exists (and a heading
    of it, for a link with ``#anchor``)."""
    broken = []
    for path in FILES:
        for match in _LINK.finditer(_prose(path)):
            target = match["target"]
            if re.match(r"^[a-z]+:", target):
                continue  # https:, mailto:
            file_part, _, anchor = target.partition("#")
            linked = (path.parent / file_part).resolve() if file_part else path
            if not linked.exists():
                broken.append(f"{path.relative_to(ROOT)}: {target} (no such file)")
            elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
                broken.append(f"{path.relative_to(ROOT)}: {target} (no such heading)")
    assert broken == [], "\n".join(broken)
