"""What it costs to create a class: plain vs ``@autoslots`` vs ``AutoSlots`` vs alternatives.

    python benchmarks/bench_class_creation.py          # this interpreter
    python benchmarks/bench_class_creation.py --all    # every CPython 3.9-3.13 found

Every variant is the seed's ``Image`` class with the same four methods (``__init__``, which
calls the ``_setup`` helper, ``_setup``, ``area`` and ``describe``).  Each timed call executes
a freshly compiled copy of the variant's source (compiled before timing, from a real file, so
``inspect`` finds the source and no code object is ever seen twice), so the figure is the cost
of one class statement as a module import pays it.  The result is the minimum over several
repeats, in microseconds per class, with the ratio to the plain class.  The module's imports
(``from autoslots import autoslots``, ``from dataclasses import ...``) run before the clock
starts, in every namespace: a module imports once for all its classes, so the figure is the
class statement's alone, for every variant alike.  The table is printed
and written to docs/benchmarks-class-creation.md (``--output`` to change, ``--output -`` for
none).  ``--all`` runs this script in the bench environment of each CPython 3.9-3.13 that
``benchmarks/run_all.py`` finds or makes (``.bench-venvs/``), one after the other, and
writes one table for them all; ``--json`` prints one interpreter's figures as JSON.
"""

from __future__ import annotations

import argparse
import ast
import datetime
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from types import CodeType
from typing import Any, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "docs" / "benchmarks-class-creation.md"
COMMAND = "python benchmarks/bench_class_creation.py"
COMMAND_ALL = "python benchmarks/bench_class_creation.py --all"
# The project's targets for class creation.
MAX_RATIO = 10.0  # @autoslots / plain class, at most
MIN_CHEAPER = 4.0  # dataclass(slots=True) / @autoslots, at least

# The class bodies, indented as they stand under a class statement.
INIT = """
    def __init__(self, id, caption, url):
        self.id = id
        self.caption = caption
        self.url = url
        self._setup()
"""

METHODS = """
    def _setup(self):
        self.width, self.height = 0, 0
        self.thumbnail = self.url + "?size=thumb"

    def area(self):
        return self.width * self.height

    def describe(self):
        return f"{self.caption} ({self.width}x{self.height})"
"""

SLOTS = """
    __slots__ = ("id", "caption", "url", "width", "height", "thumbnail")
"""

DATACLASS_FIELDS = """
    id: int
    caption: str
    url: str
    width: int = field(init=False)
    height: int = field(init=False)
    thumbnail: str = field(init=False)

    def __post_init__(self):
        self._setup()
"""

# variant -> module source
VARIANTS: Dict[str, str] = {
    "plain class": "class Image:" + INIT + METHODS,
    "hand-written __slots__": "class Image:" + SLOTS + INIT + METHODS,
    "@autoslots": "from autoslots import autoslots\n\n@autoslots\nclass Image:" + INIT + METHODS,
    "AutoSlots base class": "from autoslots import AutoSlots\n\nclass Image(AutoSlots):"
    + INIT
    + METHODS,
}
if sys.version_info >= (3, 10):
    VARIANTS["dataclass(slots=True)"] = (
        "from dataclasses import dataclass, field\n\n@dataclass(slots=True)\nclass Image:"
        + DATACLASS_FIELDS
        + METHODS
    )


def _compile_copies(path: Path, source: str, n: int) -> List[CodeType]:
    """``n`` distinct code objects of one variant's module, compiled from a real file."""
    path.write_text(source)
    return [compile(source, str(path), "exec", dont_inherit=True) for _ in range(n)]


def compile_statements(path: Path, source: str, n: int) -> Tuple[CodeType, List[CodeType]]:
    """A module's imports, and ``n`` distinct code objects of the rest of it (its class
    statement), compiled from a real file with the module's line numbers."""
    path.write_text(source)
    tree = ast.parse(source, str(path))
    imports: List[ast.stmt] = []
    rest: List[ast.stmt] = []
    for node in tree.body:
        (imports if isinstance(node, (ast.Import, ast.ImportFrom)) else rest).append(node)

    def code_of(body: List[ast.stmt]) -> CodeType:
        module = ast.Module(body=body, type_ignores=[])
        return compile(module, str(path), "exec", dont_inherit=True)

    return code_of(imports), [code_of(rest) for _ in range(n)]


def _time_once(compiled: Tuple[CodeType, List[CodeType]], slotted: bool) -> float:
    """Seconds per class statement, executing each code object once (the imports
    before the clock starts)."""
    imports, codes = compiled
    namespaces: List[Dict[str, Any]] = [{"__name__": "bench_image"} for _ in codes]
    for namespace in namespaces:
        exec(imports, namespace)
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        for code, namespace in zip(codes, namespaces):
            exec(code, namespace)
        elapsed = time.perf_counter() - start
    finally:
        if gc_was_enabled:
            gc.enable()
    image = namespaces[-1]["Image"](1, "caption", "url")
    assert image.area() == 0, "the benchmarked class does not work"
    assert hasattr(image, "__dict__") != slotted, "the benchmarked class is not what it claims"
    del namespaces
    gc.collect()
    return elapsed / len(codes)


def measure(repeats: int, budget: float) -> Dict[str, float]:
    """Minimum over ``repeats`` of the seconds per class, for each variant."""
    results: Dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning here would mean the variant is not slotted
        directory = Path(tmp)
        sys.path.insert(0, tmp)
        try:
            for index, (name, source) in enumerate(VARIANTS.items()):
                path = directory / f"bench_image_{index}.py"
                slotted = name != "plain class"
                probe = _time_once(compile_statements(path, source, 20), slotted)
                n = max(20, min(20000, int(budget / max(probe, 1e-7))))
                best = float("inf")
                for _ in range(repeats):
                    compiled = compile_statements(path, source, n)
                    best = min(best, _time_once(compiled, slotted))
                results[name] = best
        finally:
            sys.path.remove(tmp)
    return results


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} logical CPUs"


def _markdown(name: str) -> str:
    """A variant's name with its code in backticks (``__slots__`` is not bold text)."""
    for code in ("__slots__", "@autoslots", "AutoSlots", "dataclass(slots=True)"):
        if code in name:
            return name.replace(code, f"`{code}`")
    return name


def _load_average() -> str:
    """The 1-minute load average (other processes make the figures noisier), if known."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        return "unknown"


def report(results: Dict[str, float], repeats: int, load: str) -> str:
    plain = results["plain class"]
    lines = [
        "# Benchmark: class creation",
        "",
        "What one class statement costs (the `Image` class of the seed story: four methods,",
        "`__init__` calls the `_setup` helper; six attributes).  Minimum of "
        f"{repeats} repeats, each",
        "executing freshly compiled copies of the class statement, in microseconds per class",
        "(the module's imports run before the clock starts: a module imports once for all",
        "its classes).",
        "",
        "| variant | µs per class | ratio to plain class |",
        "|---|---:|---:|",
    ]
    for name, seconds in results.items():
        lines.append(f"| {_markdown(name)} | {seconds * 1e6:.1f} | {seconds / plain:.1f}x |")
    lines += [
        "",
        f"- Python: {platform.python_implementation()} {platform.python_version()} "
        f"({platform.python_compiler()})",
        f"- Machine: {machine()}; load average at the start: {load}",
        f"- Date: {datetime.date.today().isoformat()}",
        f"- Reproduce (in a venv with `pip install -e .`): `{COMMAND}`",
        "",
        "The project's target for `@autoslots` is at most about 10x the plain class.",
        "Class creation is paid once per class, at import; instance creation and attribute",
        "access are what a running program pays.",
        "",
    ]
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeats", type=int, default=7, help="repeats per variant (default 7)")
    parser.add_argument(
        "--budget", type=float, default=0.2, help="seconds per repeat per variant (default 0.2)"
    )
    parser.add_argument(
        "--output", default=str(DEFAULT_OUTPUT), help="markdown file to write, - for none"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    parser.add_argument(
        "--all", action="store_true", help="every CPython 3.9-3.13 found, in one table"
    )
    args = parser.parse_args(argv)
    if args.all:
        return _run_all(args.repeats, args.budget, args.output)
    load = _load_average()
    results = measure(args.repeats, args.budget)
    if args.json:
        print(json.dumps({"python": _python(), "load": load, "seconds": results}))
        return 0
    text = report(results, args.repeats, load)
    print(text)
    if args.output != "-":
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"written to {args.output}")
    return 0


def _python() -> str:
    return (
        f"{platform.python_implementation()} {platform.python_version()} "
        f"({platform.python_compiler()})"
    )


def _run_all(repeats: int, budget: float, output: str) -> int:
    """This script in each bench environment, one after the other; one table."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import run_all  # (finds the interpreters and makes their environments)

    runs: List[Dict[str, Any]] = []
    for version in run_all.VERSIONS:
        python = run_all.ensure_venv(version, ROOT / ".bench-venvs", install=True)
        if python is None:
            continue
        done = subprocess.run(
            [str(python), __file__, "--json", "--repeats", str(repeats), "--budget",
             str(budget)],
            capture_output=True, text=True, cwd=ROOT, timeout=900,
        )
        if done.returncode != 0:
            print(f"{python} failed:\n{done.stderr}", file=sys.stderr)
            return 1
        runs.append(json.loads(done.stdout))
    if not runs:
        print("no CPython 3.9-3.13 found", file=sys.stderr)
        return 1
    text = report_all(runs, repeats)
    print(text)
    if output != "-":
        Path(output).write_text(text, encoding="utf-8")
        print(f"written to {output}")
    return 0


def _verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def report_all(runs: List[Dict[str, Any]], repeats: int) -> str:
    """One table: µs per class and the ratio to the plain class, per interpreter."""
    heads = [run["python"].split(" (")[0] for run in runs]
    lines = [
        "# Benchmark: class creation",
        "",
        "What one class statement costs (the `Image` class of the seed story: four methods,",
        "`__init__` calls the `_setup` helper; six attributes), on each CPython found.",
        f"Minimum of {repeats} repeats, each executing freshly compiled copies of the class",
        "statement, in microseconds per class; in brackets the ratio to the plain class of",
        "the same interpreter (all variants of one interpreter are measured in one run).",
        "The module's imports (`from autoslots import autoslots`, `from dataclasses import",
        "...`) run before the clock starts, for every variant: a module imports once for all",
        "its classes.",
        "",
        "| variant | " + " | ".join(heads) + " |",
        "|---|" + "---:|" * len(runs),
    ]
    for name in VARIANTS:
        cells = []
        for run in runs:
            seconds = run["seconds"].get(name)
            plain = run["seconds"]["plain class"]
            if seconds is None:
                cells.append("—")
            else:
                cells.append(f"{seconds * 1e6:.1f} ({seconds / plain:.1f}x)")
        lines.append(f"| {_markdown(name)} | " + " | ".join(cells) + " |")
    lines += ["", "## Targets", "", "| target | " + " | ".join(heads) + " |",
              "|---|" + "---|" * len(runs)]
    for form in ("@autoslots", "AutoSlots base class"):
        cells = []
        for run in runs:
            ratio = run["seconds"][form] / run["seconds"]["plain class"]
            cells.append(f"{_verdict(ratio <= MAX_RATIO)} · {ratio:.1f}x")
        lines.append(
            f"| {_markdown(form)} ≤ {MAX_RATIO:.0f} x plain class | " + " | ".join(cells) + " |"
        )
    for form in ("@autoslots", "AutoSlots base class"):
        cells = []
        for run in runs:
            dataclass_seconds = run["seconds"].get("dataclass(slots=True)")
            if dataclass_seconds is None:
                cells.append("n/a (no `slots=True` before 3.10)")
                continue
            cheaper = dataclass_seconds / run["seconds"][form]
            cells.append(f"{_verdict(cheaper >= MIN_CHEAPER)} · {cheaper:.1f}x cheaper")
        lines.append(
            f"| {_markdown(form)} ≥ {MIN_CHEAPER:.0f} x cheaper than `dataclass(slots=True)` | "
            + " | ".join(cells)
            + " |"
        )
    loads = ", ".join(f"{head}: {run['load']}" for head, run in zip(heads, runs))
    lines += [
        "",
        f"- Machine: {machine()}; load average at the start of each run: {loads}",
        f"- Date: {datetime.date.today().isoformat()}",
        f"- Reproduce: `{COMMAND_ALL}`; one interpreter: `{COMMAND}`",
        "  (in a venv with `pip install -e .`)",
        "",
        "Class creation is paid once per class, at import; instance creation and attribute",
        "access are what a running program pays ([benchmarks](benchmarks.md)).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
