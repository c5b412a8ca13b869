"""Real-world proof: run the test suites of ``packaging`` and ``cachetools`` plain, under
``autoslots run --audit`` and under ``autoslots run`` (enforce), and write docs/realworld.md.

    python benchmarks/realworld.py                 # about 3-5 minutes, needs network access
    python benchmarks/realworld.py --keep DIR      # keep the work directory (sdists, venv, reports)

Not part of the default test run.  Run it with Python 3.11+ (cachetools needs 3.11).  It:

1. downloads the sdists with ``pip download --no-binary :all: --no-deps packaging cachetools``
   into a temporary directory (nothing is vendored) and unpacks them;
2. makes a temporary virtual environment with the projects' test requirements (pytest,
   pretend, hypothesis, pip, tomli_w for packaging; pytest for cachetools), and autoslots from
   this checkout (through a ``.pth`` file);
3. runs each suite (``python -m pytest tests -q -p no:cacheprovider``, the project's own
   ``src`` on ``PYTHONPATH``) three times: plain, ``autoslots run --audit`` and
   ``autoslots run`` (enforce), with a JUnit XML file per run;
4. compares the outcomes: a test that passes plain but fails under enforce is attributed to
   an outside write when the audit recorded a write of that attribute on that class from code
   outside the class; anything else is reported as an autoslots problem.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "realworld.md"

PROJECTS: Dict[str, Dict[str, Any]] = {
    "packaging": {
        # the "test" dependency group of packaging's pyproject.toml, without coverage
        "requirements": ["pytest", "pretend", "hypothesis", "pip", "tomli_w"],
        "package": "packaging",
    },
    "cachetools": {
        "requirements": ["pytest"],  # tox.ini: pytest (pytest-cov only for coverage)
        "package": "cachetools",
    },
}
PYTEST = ["-m", "pytest", "tests", "-q", "-p", "no:cacheprovider"]
MODES = ("plain", "audit", "enforce")


@dataclass
class Run:
    """One run of a test suite."""

    mode: str
    returncode: int
    seconds: float
    outcomes: Dict[str, str] = field(default_factory=dict)  # test id -> passed/failed/...
    messages: Dict[str, str] = field(default_factory=dict)  # test id -> failure message
    report: Optional[Dict[str, Any]] = None

    def count(self, outcome: str) -> int:
        return sum(1 for value in self.outcomes.values() if value == outcome)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it")
    args = parser.parse_args()
    if sys.version_info < (3, 11):
        print("realworld.py needs Python 3.11+ (cachetools requires it)", file=sys.stderr)
        return 2
    if args.keep:
        work = Path(args.keep).resolve()
        work.mkdir(parents=True, exist_ok=True)
        return _main(work)
    with tempfile.TemporaryDirectory(prefix="autoslots-realworld-") as tmp:
        return _main(Path(tmp))


def _main(work: Path) -> int:
    sources = _download(work)
    python = _make_venv(work)
    results: Dict[str, Dict[str, Run]] = {}
    versions: Dict[str, str] = {}
    for name, project in PROJECTS.items():
        source = sources[name]
        versions[name] = source.name.rpartition("-")[2]
        results[name] = {}
        for mode in MODES:
            run = _run_suite(python, source, project["package"], mode, work)
            results[name][mode] = run
            print(f"{name} {mode}: {run.count('passed')} passed, {run.count('failed')} failed, "
                  f"{run.count('skipped')} skipped in {run.seconds:.1f}s", flush=True)
    python_version = subprocess.run(
        [str(python), "-c", "import sys; print(sys.version.split()[0])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    page = _render(results, versions, python_version)
    # paths inside the temporary work directory, relative to it
    page = page.replace(str(work) + os.sep, "")
    DOC.write_text(page, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
    problems = sum(len(_new_failures(r)[1]) for r in results.values())
    problems += sum(
        1 for r in results.values() for t, o in r["audit"].outcomes.items()
        if o == "failed" and r["plain"].outcomes.get(t) == "passed"
    )
    return 1 if problems else 0


# -- preparing ------------------------------------------------------------------------------


def _download(work: Path) -> Dict[str, Path]:
    """Download and unpack the sdists; return project name -> unpacked directory."""
    downloads = work / "sdists"
    downloads.mkdir(exist_ok=True)
    _check([sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
            "--quiet", "-d", str(downloads), *PROJECTS])
    found: Dict[str, Path] = {}
    for name in PROJECTS:
        archives = sorted(glob.glob(str(downloads / f"{name}-*.tar.gz")))
        if not archives:
            raise SystemExit(f"pip download did not produce an sdist of {name}")
        with tarfile.open(archives[-1]) as archive:
            top = archive.getnames()[0].split("/")[0]
            if sys.version_info >= (3, 12):
                archive.extractall(work, filter="data")
            else:  # pragma: no cover
                archive.extractall(work)
        found[name] = work / top
    return found


def _make_venv(work: Path) -> Path:
    venv = work / "venv"
    if not (venv / "bin" / "python").exists():
        _check([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    requirements = sorted({r for p in PROJECTS.values() for r in p["requirements"]})
    _check([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            *requirements])
    # autoslots from this checkout, without putting the checkout itself on sys.path (its
    # own ``tests`` directory must not shadow the projects' ``tests`` packages)
    link_dir = work / "autoslots-link"
    link_dir.mkdir(exist_ok=True)
    link = link_dir / "autoslots"
    if not link.exists():
        link.symlink_to(ROOT / "autoslots", target_is_directory=True)
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    Path(site, "autoslots-checkout.pth").write_text(str(link_dir) + "\n", encoding="utf-8")
    return python


def _check(command: List[str]) -> None:
    print("$ " + " ".join(command), flush=True)
    subprocess.run(command, check=True)


# -- running ----------------------------------------------------------------------------------


def _run_suite(python: Path, source: Path, package: str, mode: str, work: Path) -> Run:
    junit = work / f"{source.name}-{mode}.xml"
    report = work / f"{source.name}-{mode}.json"
    command = [str(python)]
    if mode != "plain":
        command += ["-m", "autoslots", "run", "--package", package, "--report", str(report)]
        if mode == "audit":
            command.append("--audit")
        command.append("--")
    command += [*PYTEST, f"--junitxml={junit}"]
    env = dict(os.environ)
    env["PYTHONPATH"] = str(source / "src")
    env.pop("AUTOSLOTS_HOOK", None)
    print(f"$ (cd {source.name}) {' '.join(command[1:])}", flush=True)
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=source, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    tail = (completed.stdout + completed.stderr).strip().splitlines()[-3:]
    print("   " + "\n   ".join(tail), flush=True)
    run = Run(mode, completed.returncode, seconds)
    if junit.exists():
        run.outcomes, run.messages = _read_junit(junit)
    if report.exists():
        run.report = json.loads(report.read_text(encoding="utf-8"))
    return run


def _read_junit(path: Path) -> Tuple[Dict[str, str], Dict[str, str]]:
    outcomes: Dict[str, str] = {}
    messages: Dict[str, str] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        test = f"{case.get('classname', '')}::{case.get('name', '')}"
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error"):
                outcome = "failed"
                messages[test] = (child.get("message") or child.text or "").strip()
            elif child.tag == "skipped":
                outcome = "skipped"
        outcomes[test] = outcome
    return outcomes, messages


# -- comparing --------------------------------------------------------------------------------

_NO_ATTRIBUTE = re.compile(
    r"'(?P<cls>[\w.]+)' object (has no attribute|attribute) '(?P<attr>\w+)'"
)


def _new_failures(runs: Dict[str, Run]) -> Tuple[List[Tuple[str, str]], List[Tuple[str, str]]]:
    """Tests that pass plain and fail under enforce: (attributed to an outside write,
    not attributed), each as (test, explanation)."""
    plain, enforce, audit = runs["plain"], runs["enforce"], runs["audit"]
    outside = _outside_writes(audit.report)
    attributed: List[Tuple[str, str]] = []
    other: List[Tuple[str, str]] = []
    for test, outcome in sorted(enforce.outcomes.items()):
        if outcome != "failed" or plain.outcomes.get(test) != "passed":
            continue
        message = enforce.messages.get(test, "")
        match = _NO_ATTRIBUTE.search(message)
        if match is not None:
            key = (match.group("cls").rpartition(".")[2], match.group("attr"))
            sites = outside.get(key)
            if sites:
                attributed.append((test, f"`{key[0]}.{key[1]}` written from outside the "
                                         f"class at {', '.join(sites[:2])}"))
                continue
        first = message.splitlines()[0] if message else "(no message)"
        other.append((test, first[:200]))
    return attributed, other


def _outside_writes(report: Optional[Dict[str, Any]]) -> Dict[Tuple[str, str], List[str]]:
    """(class name, attribute) -> "file:line" of the writes from outside the class."""
    found: Dict[Tuple[str, str], List[str]] = {}
    for entry in (report or {}).get("classes", []):
        name = entry["class"].rpartition(":")[2].rpartition(".")[2]
        for attr, sites in entry.get("writes", {}).items():
            for site in sites:
                if site["where"] in ("outside", "direct"):
                    where = (f"{_short(site['file'])}:{site['line']}"
                             if site["where"] == "outside" else "a direct __dict__ write")
                    found.setdefault((name, attr), []).append(where)
    return found


def _short(path: str) -> str:
    parts = Path(path).parts
    for anchor in ("tests", "src"):
        if anchor in parts:
            return "/".join(parts[parts.index(anchor):])
    return Path(path).name


# -- the page ---------------------------------------------------------------------------------


def _render(results: Dict[str, Dict[str, Run]], versions: Dict[str, str], python: str) -> str:
    lines = [
        "# Real-world proof: packaging and cachetools",
        "",
        "Written by `python benchmarks/realworld.py` (not part of the default test run). It",
        "downloads the sdists of [packaging](https://pypi.org/project/packaging/) and",
        "[cachetools](https://pypi.org/project/cachetools/) with `pip download --no-binary :all:`,",
        "installs their test requirements into a temporary virtual environment, and runs each",
        "project's own test suite three times:",
        "",
        "- **plain**: `python -m pytest tests -q -p no:cacheprovider`;",
        "- **audit**: `python -m autoslots run --audit --package NAME -- -m pytest tests ...`:",
        "  every class of the package keeps a `__dict__` beside its slots and the hook records",
        "  what lands in it (see [audit.md](audit.md));",
        "- **enforce**: `python -m autoslots run --package NAME -- -m pytest tests ...`: every",
        "  class of the package is autoslotted as its module is imported.",
        "",
        f"Python {python}; " + ", ".join(f"{n} {v}" for n, v in versions.items()) + ".",
        "",
        "| project | mode | passed | failed | skipped | seconds | classes slotted "
        "| kept `__dict__` | slotted by hand (left) | other classes left as they are |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, runs in results.items():
        for mode in MODES:
            run = runs[mode]
            slotted = kept = declared = left = "-"
            if mode == "enforce" and run.report is not None:
                summary = run.report.get("summary", {})
                slotted = str(summary.get("slotted", 0))
                kept = str(summary.get("kept_dict", 0))
                declared = str(summary.get("declared", 0))
                left = str(summary.get("refused", 0) + summary.get("error", 0)
                           + summary.get("multi_base", 0))
            lines.append(
                f"| {name} {versions[name]} | {mode} | {run.count('passed')} | "
                f"{run.count('failed')} | {run.count('skipped')} | {run.seconds:.1f} | "
                f"{slotted} | {kept} | {declared} | {left} |"
            )
    lines.append("")
    for name, runs in results.items():
        lines += _project_section(name, runs)
    return "\n".join(lines) + "\n"


def _project_section(name: str, runs: Dict[str, Run]) -> List[str]:
    lines = [f"## {name}", ""]
    audit = runs["audit"].report or {}
    enforce = runs["enforce"].report or {}
    classes = audit.get("classes", [])
    verdicts: Dict[str, int] = {}
    for entry in classes:
        verdicts[entry.get("verdict", "?")] = verdicts.get(entry.get("verdict", "?"), 0) + 1
    lines.append(
        f"The audit saw {len(classes)} classes in {audit.get('modules', 0)} modules: "
        + ", ".join(f"{_VERDICTS.get(k, k)} {v}" for k, v in sorted(verdicts.items())) + "."
    )
    lines.append("")
    needing = [c for c in classes if c.get("verdict") in ("extra", "dict")]
    unproven = [c for c in classes if c.get("verdict") == "keeps_dict" and c.get("writes")]
    if needing:
        lines += ["What landed in instance `__dict__`s during the audit:", "",
                  "| class | attribute | written at | by | suggestion |",
                  "|---|---|---|---|---|"]
        for entry in needing:
            for attr, sites in entry["writes"].items():
                for site in sites[:3]:
                    where = ("(direct `__dict__` write)" if site["where"] == "direct"
                             else f"`{_short(site['file'])}:{site['line']}`")
                    by = (site["where"] if site["where"] != "outside"
                          else f"outside (`{site['function']}`)")
                    lines.append(f"| `{entry['class']}` | `{attr}` | {where} | {by} | "
                                 f"`{entry['suggestion']}` |")
        lines.append("")
    else:
        lines += ["Nothing landed in the `__dict__` of an instance of a class that enforce "
                  "mode slots.", ""]
    if unproven:
        names = ", ".join(f"`{c['class']}`" for c in unproven)
        lines += [f"Names also landed in the `__dict__` of classes that keep one under "
                  f"enforce anyway (their own code, or a base with a `__dict__`): {names}.", ""]
    kept = [c for c in enforce.get("classes", []) if c["status"] == "kept_dict"]
    if kept:
        lines += ["Classes that keep a `__dict__` under enforce:", ""]
        for entry in kept:
            because = "; ".join(entry["dict_because"]).replace(" (reasons below)", "")
            reasons = [line.strip() for warning in entry["warnings"]
                       for line in warning.splitlines()[1:-1]]
            if reasons:
                because += ": " + "; ".join(reasons[:2]) + ("; ..." if len(reasons) > 2 else "")
            lines.append(f"- `{entry['class']}`: {because}")
        lines.append("")
    left = [c for c in enforce.get("classes", [])
            if c["status"] in ("refused", "error", "multi_base")]
    if left:
        lines += ["Other classes left as they are (autoslots refused them, or they are a "
                  "later base beside another base):", ""]
        for entry in left:
            first = entry["message"].splitlines()[0] if entry["message"] else ""
            lines.append(f"- `{entry['class']}` ({entry['status']}): {first}")
        lines.append("")
    broken = sorted(t for t, o in runs["audit"].outcomes.items()
                    if o == "failed" and runs["plain"].outcomes.get(t) == "passed")
    if broken:
        lines += ["Tests that pass plain but fail during the audit (the audit must not "
                  "change behaviour):", ""]
        lines.extend(f"- `{test}`: {runs['audit'].messages.get(test, '')[:200]}"
                     for test in broken)
        lines.append("")
    else:
        lines += ["The audit run passes every test that passes plain.", ""]
    attributed, other = _new_failures(runs)
    lines.append("Tests that pass plain but fail under enforce:")
    lines.append("")
    if not attributed and not other:
        lines += ["- none: enforce passes every test that passes plain.", ""]
    for test, why in attributed:
        lines.append(f"- `{test}`: {why} (an outside write, expected)")
    for test, why in other:
        lines.append(f"- `{test}`: **not explained by an outside write**: {why}")
    if attributed or other:
        lines.append("")
    return lines


_VERDICTS = {
    "safe": "safe to slot",
    "extra": "need extra=(...)",
    "dict": "need dict=True",
    "keeps_dict": "keep a __dict__ anyway",
    "left": "left as they are",
    "already": "already autoslotted",
    "declared": "slotted by hand (left as they are)",
    "multi_base": "later bases beside another base (left as they are)",
}


if __name__ == "__main__":
    started = time.time()
    code = main()
    print(f"done in {time.time() - started:.0f}s")
    raise SystemExit(code)
