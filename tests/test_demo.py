"""``python -m autoslots demo``: the seed's situation measured live, run as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

import pytest

from autoslots import explain
from autoslots._demo import VARIANTS, Image, _bytes_per_instance, _inputs

ROOT = Path(__file__).resolve().parent.parent
COUNT = 20_000


def run_demo(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return subprocess.run(
        [sys.executable, "-m", "autoslots", "demo", *args],
        cwd=str(cwd),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def report() -> Dict[str, Any]:
    result = run_demo("--count", str(COUNT), "--json")
    assert result.returncode == 0, result.stderr
    data: Dict[str, Any] = json.loads(result.stdout)
    data["_stderr"] = result.stderr
    return data


def test_three_variants_each_measured(report: Dict[str, Any]) -> None:
    assert report["count"] == COUNT
    assert report["python"] == sys.version.split()[0]
    plain, slotted, lean = report["variants"]
    assert [v["variant"] for v in report["variants"]] == list(VARIANTS)
    assert plain["has_dict"] and not slotted["has_dict"] and not lean["has_dict"]
    # slots beat a dict; weakref=False saves the __weakref__ pointer on top
    assert plain["bytes_per_instance"] > slotted["bytes_per_instance"]
    assert slotted["bytes_per_instance"] > lean["bytes_per_instance"]
    for variant in report["variants"]:
        assert variant["count"] == COUNT
        assert variant["build_seconds"] > 0
        if sys.platform.startswith("linux"):
            # (both are the process's peak: at this small count the instances may fit in
            # memory that importing and compiling already made resident, so the peak
            # need not rise)
            assert variant["peak_rss_bytes"] >= variant["rss_before_bytes"] > 0


def test_megabytes_saved_follow_from_the_bytes(report: Dict[str, Any]) -> None:
    plain, slotted, lean = report["variants"]
    assert plain["saved_mb_per_million"] == 0
    for variant in (slotted, lean):
        saved = plain["bytes_per_instance"] - variant["bytes_per_instance"]
        assert variant["saved_mb_per_million"] == pytest.approx(saved, abs=0.05)
    assert lean["saved_mb_per_million"] > slotted["saved_mb_per_million"]


def test_bytes_come_from_the_run_not_constants(report: Dict[str, Any]) -> None:
    """The subprocesses' figures are what this interpreter measures here, too."""
    ids, captions, urls = _inputs(2000)
    for variant in report["variants"]:
        here = _bytes_per_instance(VARIANTS[variant["variant"]], ids, captions, urls)
        assert variant["bytes_per_instance"] == here


def test_explain_of_image_is_included(report: Dict[str, Any]) -> None:
    names = {slot["name"] for slot in report["explain"]["slots"]}
    assert names == {"id", "caption", "url", "width", "height", "thumbnail"}
    setup = [s for s in report["explain"]["slots"] if s["sites"][0]["function"] == "Image._setup"]
    assert {s["name"] for s in setup} == {"width", "height", "thumbnail"}
    assert report["explain"] == explain(VARIANTS["@autoslots"]).to_dict()
    assert not hasattr(VARIANTS["@autoslots"](1, "c", "u"), "__dict__")
    assert hasattr(Image(1, "c", "u"), "__dict__")  # the plain class stays plain


def test_progress_goes_to_stderr(report: Dict[str, Any]) -> None:
    stderr = report["_stderr"]
    for index, name in enumerate(VARIANTS, 1):
        assert f"[{index}/3] {name}: building {COUNT:,} Image objects" in stderr
    assert "done in" in stderr


def test_text_table(tmp_path: Path) -> None:
    result = run_demo("--count", "5000", cwd=tmp_path)  # from any directory
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith(f"5,000 Image objects in a dict cache, CPython {sys.version.split()[0]}")
    header = next(line for line in out.splitlines() if "bytes/instance" in line)
    for column in ("peak RSS", "saved per 1M instances", "build time"):
        assert column in header
    for name in VARIANTS:
        assert any(line.startswith(name) for line in out.splitlines()), name
    assert "weakref=False saves another" in out
    assert "explain(Image) says:" in out
    assert "Image._setup" in out
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("count", ["0", "-5", "many"])
def test_bad_count_is_a_usage_error(count: str) -> None:
    result = run_demo("--count", count)
    assert result.returncode == 2
    assert "--count" in result.stderr
    assert "Traceback" not in result.stderr
