"""``python -m autoslots demo``: the seed's situation, measured live on this interpreter.

A web shop kept about a million ``Image`` objects per server process, in a dict cache.  The
demo builds that cache three times -- with the plain class, with ``@autoslots`` and with
``@autoslots(weakref=False)`` -- each in a fresh subprocess of this interpreter, so that one
variant's memory cannot hide in another's peak.  Each subprocess reports:

- bytes per instance: ``tracemalloc`` over a sample of instances whose attribute values were
  made beforehand (the values are the same objects in every variant, so they are not counted);
- peak RSS of the process after the whole cache is built (``VmHWM`` from ``/proc/self/status``,
  else ``resource.getrusage(...).ru_maxrss``);
- the time to build the cache (the attribute values again made beforehand).

Nothing here is a constant: every figure printed comes from the run.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
import tracemalloc
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Tuple

from ._build import autoslots
from ._cli import UsageError
from ._explain import explain

if TYPE_CHECKING:
    from ._cli import SubParsers

DEFAULT_COUNT = 1_000_000
SAMPLE = 100_000  # instances measured with tracemalloc (tracing every one would be slow)
MB = 1_000_000


class Image:
    """The seed's class: three attributes from ``__init__``, three from its helper."""

    def __init__(self, id: int, caption: str, url: str) -> None:
        self.id = id
        self.caption = caption
        self.url = url
        self._setup()

    def _setup(self) -> None:
        self.width, self.height = 0, 0
        self.thumbnail: Optional[str] = None


# The variants: name shown in the table -> the class measured.
VARIANTS: Dict[str, type] = {
    "plain class": Image,
    "@autoslots": autoslots(Image),
    "@autoslots(weakref=False)": autoslots(weakref=False)(Image),
}


# --- command line -----------------------------------------------------------------------


def register(commands: SubParsers) -> None:
    parser = commands.add_parser(
        "demo",
        help="measure a million Image objects, plain and autoslotted (the seed's situation)",
        description=(
            "Build a dict cache of COUNT Image objects (id, caption, url, and what its "
            "_setup() helper sets) three times -- plain, @autoslots and "
            "@autoslots(weakref=False) -- each in its own subprocess of this Python, and "
            "print bytes per instance (tracemalloc), peak RSS, megabytes saved per million "
            "instances, the time to build them, and what explain(Image) says.  Progress goes "
            "to stderr."
        ),
    )
    parser.add_argument(
        "--count",
        type=_positive,
        default=DEFAULT_COUNT,
        metavar="N",
        help=f"instances per variant (default {DEFAULT_COUNT:,})",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.set_defaults(command=run)


def _positive(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def run(args: argparse.Namespace) -> int:
    count: int = args.count
    started = time.perf_counter()
    results: List[Dict[str, Any]] = []
    for index, name in enumerate(VARIANTS, 1):
        _progress(f"[{index}/{len(VARIANTS)}] {name}: building {count:,} Image objects ...")
        result = _measure_in_subprocess(name, count)
        results.append(result)
        _progress(
            f"[{index}/{len(VARIANTS)}] {name}: {result['bytes_per_instance']} bytes per "
            f"instance, built in {result['build_seconds']:.2f} s"
        )
    report = _report(count, results)
    _progress(f"done in {time.perf_counter() - started:.1f} s")
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(format_report(report))
    return 0


def _progress(message: str) -> None:
    print(f"autoslots demo: {message}", file=sys.stderr, flush=True)


def _measure_in_subprocess(name: str, count: int) -> Dict[str, Any]:
    """Run ``_child`` for one variant in a fresh interpreter; return what it measured."""
    env = dict(os.environ)
    # The subprocess imports this very package, wherever it lives (a clone, an install).
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    code = "import sys; from autoslots._demo import _child; _child(sys.argv[1], int(sys.argv[2]))"
    process = subprocess.run(
        [sys.executable, "-c", code, name, str(count)],
        env=env,
        capture_output=True,
        text=True,
    )
    if process.returncode != 0:
        last = (process.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise UsageError(f"the {name} subprocess failed (exit {process.returncode}): {last}")
    data: Dict[str, Any] = json.loads(process.stdout)
    return data


# --- the measuring subprocess -----------------------------------------------------------


def _child(name: str, count: int) -> None:  # pyright: ignore[reportUnusedFunction]
    """Measure one variant; print the result as JSON on stdout."""
    cls = VARIANTS[name]
    ids, captions, urls = _inputs(count)
    rss_before = _peak_rss()
    started = time.perf_counter()
    cache: Dict[int, object] = {}
    for i in range(count):
        cache[ids[i]] = cls(ids[i], captions[i], urls[i])
    build_seconds = time.perf_counter() - started
    peak = _peak_rss()
    has_dict = hasattr(cache[ids[0]], "__dict__")
    del cache
    gc.collect()
    sample = min(count, SAMPLE)
    per_instance = _bytes_per_instance(cls, ids[:sample], captions[:sample], urls[:sample])
    print(
        json.dumps(
            {
                "variant": name,
                "count": count,
                "bytes_per_instance": per_instance,
                "tracemalloc_sample": sample,
                "peak_rss_bytes": peak,
                "rss_before_bytes": rss_before,
                "build_seconds": build_seconds,
                "has_dict": has_dict,
            }
        )
    )


def _inputs(count: int) -> Tuple[List[int], List[str], List[str]]:
    ids = list(range(10_000_000, 10_000_000 + count))
    captions = [f"Image {i}" for i in ids]
    urls = [f"https://img.example.com/{i}.jpg" for i in ids]
    return ids, captions, urls


def _bytes_per_instance(
    cls: type, ids: Sequence[int], captions: Sequence[str], urls: Sequence[str]
) -> int:
    """Bytes per instance, the attribute values (made beforehand) not counted."""
    n = len(ids)
    return bytes_per_instance(lambda i: cls(ids[i % n], captions[i % n], urls[i % n]), n)


def bytes_per_instance(make: Callable[[int], object], count: int) -> int:
    """Bytes that ``tracemalloc`` sees per object of ``make(0) ... make(count - 1)``.

    The objects are kept alive until measured, in a list allocated before tracing starts;
    whatever ``make`` allocates and keeps (the object, its ``__dict__``) is counted.  Only
    the second half of the objects is measured, so that what the first ones allocate for all
    of them (a class's shared attribute keys, caches of the interpreter) is not counted.
    """
    half = max(count // 2, 1)
    holder: List[object] = [None] * (2 * half)
    gc.collect()
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    try:
        for i in range(half):
            holder[i] = make(i)
        before = tracemalloc.get_traced_memory()[0]
        for i in range(half, 2 * half):
            holder[i] = make(i)
        total = tracemalloc.get_traced_memory()[0] - before
    finally:
        if not tracing:
            tracemalloc.stop()
    return round(total / half)


def _peak_rss() -> Optional[int]:
    """The process's peak resident set size in bytes, or None where it cannot be read."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # macOS: bytes; others: KiB


# --- the report ---------------------------------------------------------------------------


def _report(count: int, results: List[Dict[str, Any]]) -> Dict[str, Any]:
    plain = results[0]
    for result in results:
        result["saved_mb_per_million"] = _saved_per_million(
            plain["bytes_per_instance"] - result["bytes_per_instance"]
        )
        rss_saved: Optional[float] = None
        if plain["peak_rss_bytes"] is not None and result["peak_rss_bytes"] is not None:
            rss_saved = _saved_per_million(
                (plain["peak_rss_bytes"] - result["peak_rss_bytes"]) / count
            )
        result["rss_saved_mb_per_million"] = rss_saved
        result["build_time_vs_plain"] = result["build_seconds"] / plain["build_seconds"]
    return {
        "python": sys.version.split()[0],
        "implementation": sys.implementation.name,
        "count": count,
        "variants": results,
        "explain": explain(VARIANTS["@autoslots"]).to_dict(),
        "explain_text": str(explain(VARIANTS["@autoslots"])),
    }


def _saved_per_million(bytes_per_instance: float) -> float:
    return round(bytes_per_instance * 1_000_000 / MB, 1)


def format_report(report: Dict[str, Any]) -> str:
    """The report as text: a table, what weakref=False adds, and explain(Image)."""
    count = report["count"]
    results = report["variants"]
    lines = [
        f"{count:,} Image objects in a dict cache, CPython {report['python']}, "
        f"each variant in its own process:",
        "",
    ]
    header = ("", "bytes/instance", "peak RSS", "saved per 1M instances", "build time")
    rows: List[Tuple[str, str, str, str, str]] = [header]
    for result in results:
        rows.append(_row(result, result is results[0]))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
    lines.append("")
    lines.extend(_notes(report))
    lines.append("")
    lines.append("explain(Image) says:")
    lines.extend("  " + line for line in report["explain_text"].splitlines())
    return "\n".join(lines)


def _row(result: Dict[str, Any], is_plain: bool) -> Tuple[str, str, str, str, str]:
    peak = result["peak_rss_bytes"]
    rss = "n/a" if peak is None else f"{peak / MB:.1f} MB"
    if is_plain:
        saved = "-"
        speed = f"{result['build_seconds']:.2f} s"
    else:
        saved = f"{result['saved_mb_per_million']:.0f} MB"
        if result["rss_saved_mb_per_million"] is not None:
            saved += f" (RSS: {result['rss_saved_mb_per_million']:.0f} MB)"
        speed = f"{result['build_seconds']:.2f} s (x{result['build_time_vs_plain']:.2f})"
    return (result["variant"], str(result["bytes_per_instance"]), rss, saved, speed)


def _notes(report: Dict[str, Any]) -> List[str]:
    plain, slotted, lean = report["variants"]
    extra = slotted["bytes_per_instance"] - lean["bytes_per_instance"]
    sample = plain["tracemalloc_sample"]
    return [
        f"bytes/instance: tracemalloc over {sample:,} instances, the attribute values not "
        f"counted; MB = 10^6 bytes.",
        f"@autoslots keeps weak references working (a __weakref__ slot); weakref=False saves "
        f"another {extra} bytes per instance ({_saved_per_million(extra):.0f} MB per million), "
        f"at the price of weakref.ref(image) raising TypeError.",
        "peak RSS: the whole process, with the attribute values (the same in every variant); "
        "build time: filling the dict cache, the attribute values made beforehand.",
    ]
