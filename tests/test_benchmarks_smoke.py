"""Smoke test of benchmarks/bench_contenders.py: it runs and writes well-formed JSON.

Only the shape of the output is checked, never a timing: the figures of a --quick run on a
shared machine mean nothing.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "bench_contenders.py"

# contender key -> module it needs (None: the standard library), first version
CONTENDERS = {
    "plain": (None, (3, 9)),
    "slots": (None, (3, 9)),
    "slots_weakref": (None, (3, 9)),
    "autoslots": ("autoslots", (3, 9)),
    "autoslots_noweakref": ("autoslots", (3, 9)),
    "AutoSlots": ("autoslots", (3, 9)),
    "attrs": ("attrs", (3, 9)),
    "dataclass": (None, (3, 10)),
    "autoslot": ("autoslot", (3, 9)),
    "msgspec": ("msgspec", (3, 9)),
    "namedtuple": (None, (3, 9)),
}
MEASURES = ("bytes", "create_ns", "read_ns", "write_ns", "class_us")


def _installed(module: Any, since: Any) -> bool:
    if sys.version_info[:2] < since:
        return False
    return module is None or importlib.util.find_spec(module) is not None


@pytest.fixture(scope="module")
def quick_run() -> Dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--json", "--quick", "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    data: Dict[str, Any] = json.loads(done.stdout)
    return data


def test_header(quick_run: Dict[str, Any]) -> None:
    assert quick_run["version"] == "{}.{}".format(*sys.version_info[:2])
    assert quick_run["quick"] is True
    assert quick_run["settings"]["sizes"]
    assert set(quick_run["load_average"]) == {"start", "end"}


@pytest.mark.parametrize("key", sorted(CONTENDERS))
def test_contender(quick_run: Dict[str, Any], key: str) -> None:
    module, since = CONTENDERS[key]
    if not _installed(module, since):
        assert key not in quick_run["results"]
        assert key in quick_run["unavailable"]
        pytest.skip(f"{key} is not available on this interpreter")
    info = quick_run["contenders"][key]
    assert info["label"]
    for n in quick_run["settings"]["sizes"]:
        cell = quick_run["results"][key][str(n)]
        for measure in MEASURES:
            if measure == "write_ns" and not info["writable"]:
                assert measure not in cell
                continue
            assert isinstance(cell[measure], (int, float)) and cell[measure] > 0, (measure, cell)
        assert cell["has_dict"] is (key == "plain")
        if cell["getsizeof"] is not None:
            assert cell["getsizeof"] > 0


def test_no_unknown_contender(quick_run: Dict[str, Any]) -> None:
    assert set(quick_run["results"]) | set(quick_run["unavailable"]) == set(CONTENDERS)


CLASS_SCRIPT = ROOT / "benchmarks" / "bench_class_creation.py"


def test_class_creation_benchmark_json() -> None:
    """One interpreter's class-creation figures: every variant, positive times."""
    done = subprocess.run(
        [sys.executable, str(CLASS_SCRIPT), "--json", "--repeats", "1", "--budget", "0.01"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["python"].startswith("CPython {}.{}.".format(*sys.version_info[:2]))
    expected = {"plain class", "hand-written __slots__", "@autoslots", "AutoSlots base class"}
    if sys.version_info >= (3, 10):
        expected.add("dataclass(slots=True)")
    assert set(data["seconds"]) == expected
    assert all(seconds > 0 for seconds in data["seconds"].values())


def test_class_creation_table_gives_the_verdicts() -> None:
    """The all-interpreters table: the ratios and the targets met or missed."""
    spec = importlib.util.spec_from_file_location("bench_class_creation", CLASS_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    seconds = {
        "plain class": 5e-6,
        "hand-written __slots__": 6e-6,
        "@autoslots": 45e-6,  # 9x plain, 4.4x cheaper than the dataclass
        "AutoSlots base class": 60e-6,  # 12x plain, 3.3x cheaper
        "dataclass(slots=True)": 200e-6,
    }
    old = {k: v for k, v in seconds.items() if k != "dataclass(slots=True)"}
    text = module.report_all(
        [
            {"python": "CPython 3.9.18 (GCC)", "load": "0.1", "seconds": old},
            {"python": "CPython 3.13.0 (GCC)", "load": "0.2", "seconds": seconds},
        ],
        3,
    )
    rows = {line.split(" | ")[0]: line for line in text.splitlines() if line.startswith("| ")}
    assert "45.0 (9.0x)" in rows["| `@autoslots`"]
    assert rows["| `@autoslots` ≤ 10 x plain class"].endswith("met · 9.0x | met · 9.0x |")
    assert "**missed** · 12.0x" in rows["| `AutoSlots` base class ≤ 10 x plain class"]
    cheaper = rows["| `@autoslots` ≥ 4 x cheaper than `dataclass(slots=True)`"]
    assert "n/a" in cheaper and cheaper.endswith("met · 4.4x cheaper |")
    assert "**missed** · 3.3x cheaper" in rows[
        "| `AutoSlots` base class ≥ 4 x cheaper than `dataclass(slots=True)`"
    ]
