"""Run the contender benchmark on every CPython 3.9-3.13 found, and write docs/benchmarks.md.

    python benchmarks/run_all.py                  # all versions found, about 3-4 minutes
    python benchmarks/run_all.py --versions 3.12,3.13
    python benchmarks/run_all.py --report-only    # redraw the page from the saved JSON

Any Python 3.9+ can run this script; it needs nothing outside the standard library.  For each
version it finds an interpreter (``python3.X`` on PATH, else pyenv's or /usr's), makes or
reuses the virtual environment ``.bench-venvs/3.X`` with ``pip install -e '.[bench]'`` (attrs,
msgspec, autoslot, matplotlib), and runs ``benchmarks/bench_contenders.py --json`` there, one
version after the other, never two at once.  The figures go to docs/benchmarks/results-3.X.json;
then ``benchmarks/report.py``, run in the newest environment (it has matplotlib), writes
docs/benchmarks.md and the plots docs/benchmarks/*.png.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import List, Optional

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks" / "bench_contenders.py"
REPORT = ROOT / "benchmarks" / "report.py"
RESULTS = ROOT / "docs" / "benchmarks"
VERSIONS = ("3.9", "3.10", "3.11", "3.12", "3.13")
COMMAND = "python benchmarks/run_all.py"
# What a bench environment must import; matplotlib only where the report is drawn.
CHECK = "import autoslots, attrs, msgspec, autoslot; print(autoslots.__file__)"


def _version_of(python: str) -> Optional[str]:
    """The ``X.Y`` of an interpreter, or None if it does not run."""
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def find_python(version: str) -> Optional[str]:
    """An interpreter of this version: PATH first, then pyenv's versions, then /usr."""
    candidates: List[str] = []
    on_path = shutil.which(f"python{version}")
    if on_path:
        candidates.append(on_path)
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates += sorted(glob.glob(f"{pyenv_root}/versions/{version}.*/bin/python{version}"))
    candidates += [f"/usr/local/bin/python{version}", f"/usr/bin/python{version}"]
    for python in candidates:
        if os.path.exists(python) and _version_of(python) == version:
            return python
    return None


def _log(message: str) -> None:
    print(f"run_all: {message}", file=sys.stderr, flush=True)


def ensure_venv(version: str, venvs: Path, install: bool) -> Optional[Path]:
    """The bench environment's python for this version, made or repaired if needed."""
    venv = venvs / version
    python = venv / "bin" / "python"
    if python.exists() and _version_of(str(python)) == version:
        check = subprocess.run([str(python), "-c", CHECK], capture_output=True, text=True)
        # autoslots must be this checkout's (an editable install), not another copy
        if check.returncode == 0 and ROOT in Path(check.stdout.strip()).resolve().parents:
            return python
    if not install:
        _log(f"{venv} is missing or incomplete (and --no-install was given): skipping {version}")
        return None
    base = find_python(version)
    if base is None:
        _log(f"no CPython {version} found: skipping it")
        return None
    _log(f"making {venv} from {base} and installing -e '.[bench]'")
    subprocess.run([base, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-e",
         f"{ROOT}[bench]"],
        check=True,
        cwd=ROOT,
    )
    return python


def run_version(python: Path, output: Path, quick: bool) -> bool:
    """Run the benchmark in one environment; True if it wrote well-formed JSON."""
    command = [str(python), str(BENCH), "--json", "--output", str(output)]
    if quick:
        command.append("--quick")
    started = time.monotonic()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, cwd=ROOT, timeout=900)
    if done.returncode != 0:
        _log(f"{python} failed with exit code {done.returncode}")
        return False
    json.loads(output.read_text(encoding="utf-8"))
    _log(f"{output.name} written in {time.monotonic() - started:.0f} s")
    return True


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--versions", default=",".join(VERSIONS), help="comma-separated X.Y")
    parser.add_argument("--venvs", default=str(ROOT / ".bench-venvs"), help="where the venvs live")
    parser.add_argument("--results", default=str(RESULTS), help="JSON and PNG directory")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--quick", action="store_true", help="rough figures in seconds")
    parser.add_argument("--no-install", action="store_true", help="use existing venvs only")
    parser.add_argument("--report-only", action="store_true", help="only redraw the page")
    args = parser.parse_args(argv)
    versions = [v.strip() for v in args.versions.split(",") if v.strip()]
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    venvs = Path(args.venvs)
    started = time.monotonic()
    _log(f"load average at the start: {_load()}")

    pythons = {v: ensure_venv(v, venvs, not args.no_install) for v in versions}
    if not args.report_only:
        for version in versions:
            python = pythons[version]
            if python is not None:
                run_version(python, results / f"results-{version}.json", args.quick)
    elapsed = time.monotonic() - started

    files = [results / f"results-{v}.json" for v in versions]
    files = [f for f in files if f.exists()]
    if not files:
        _log("no results to report")
        return 1
    drawers = [p for v, p in sorted(pythons.items(), key=lambda i: _key(i[0])) if p is not None]
    if not drawers:
        _log("no environment with matplotlib to draw the report")
        return 1
    command = [str(drawers[-1]), str(REPORT), "--output", args.output, "--plots", str(results)]
    command += ["--command", COMMAND + (" --quick" if args.quick else "")]
    if not args.report_only:
        command += ["--elapsed", f"{elapsed:.0f}"]
    subprocess.run(command + [str(f) for f in files], check=True, cwd=ROOT)
    _log(f"done in {time.monotonic() - started:.0f} s; load average now: {_load()}")
    return 0


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except (AttributeError, OSError):
        return "unknown"


def _key(version: str) -> tuple:  # type: ignore[type-arg]
    return tuple(int(part) for part in version.split("."))


if __name__ == "__main__":
    sys.exit(main())
