"""Write docs/benchmarks.md and its plots from the JSON of bench_contenders.py runs.

    python benchmarks/report.py docs/benchmarks/results-3.*.json

Called by run_all.py in the newest bench environment (it needs matplotlib for the plots; without
it the page is written with its tables only).  Every ratio compares figures of one run of one
interpreter: the contenders were measured side by side, interleaved.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent

Run = Dict[str, Any]

# measure key -> (title, unit, format of a value)
MEASURES: Dict[str, Tuple[str, str, str]] = {
    "bytes": ("Bytes per instance (tracemalloc)", "B", "{:.0f}"),
    "create_ns": ("Instance creation", "ns", "{:.1f}"),
    "read_ns": ("Attribute read", "ns", "{:.2f}"),
    "write_ns": ("Attribute write", "ns", "{:.2f}"),
    "class_us": ("Class creation (4 methods, `_setup` helper)", "µs", "{:.1f}"),
}

# contender key -> (colour, hatch) for the plots
STYLE: Dict[str, Tuple[str, str]] = {
    "plain": ("#9e9e9e", ""),
    "slots": ("#212121", ""),
    "slots_weakref": ("#616161", "//"),
    "autoslots": ("#d32f2f", ""),
    "autoslots_noweakref": ("#ff8a65", ""),
    "AutoSlots": ("#880e4f", "//"),
    "attrs": ("#1976d2", ""),
    "dataclass": ("#388e3c", ""),
    "autoslot": ("#7b1fa2", ""),
    "msgspec": ("#00acc1", ""),
    "namedtuple": ("#8d6e63", ""),
}


def load(paths: Sequence[str]) -> List[Run]:
    runs = [json.loads(Path(p).read_text(encoding="utf-8")) for p in paths]
    return sorted(runs, key=lambda r: tuple(int(x) for x in r["version"].split(".")))


def value(run: Run, key: str, n: int, measure: str) -> Optional[float]:
    cell = run["results"].get(key, {}).get(str(n), {})
    got = cell.get(measure)
    return None if got is None else float(got)


def ratio(run: Run, key: str, ref: str, n: int, measure: str) -> Optional[float]:
    a, b = value(run, key, n, measure), value(run, ref, n, measure)
    return None if a is None or b is None or b == 0 else a / b


def _geomean(xs: Sequence[float]) -> float:
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def ratios(run: Run, key: str, ref: str, measure: str) -> List[float]:
    out = [ratio(run, key, ref, n, measure) for n in run["settings"]["sizes"]]
    return [r for r in out if r is not None]


def label(run: Run, key: str) -> str:
    return str(run["contenders"][key]["label"])


def md_label(text: str) -> str:
    """A contender's label with its code in backticks."""
    if text.endswith("__slots__ + __weakref__"):
        return text.replace("__slots__ + __weakref__", "`__slots__` + `__weakref__`")
    for code in ("__slots__", "@autoslots(weakref=False)",
                 "@autoslots", "AutoSlots", "attrs @define", "dataclass(slots=True)",
                 "autoslot.Slots", "msgspec.Struct", "typing.NamedTuple"):
        if code in text:
            return text.replace(code, f"`{code}`")
    return text


# ---------------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------------

Verdict = Tuple[Optional[bool], str]  # (met? None = not applicable, cell text)


def _cell(met: Optional[bool], text: str) -> str:
    if met is None:
        return text
    return ("met · " if met else "**missed** · ") + text


def memory_equal(key: str, ref: str) -> Callable[[Run], Verdict]:
    def check(run: Run) -> Verdict:
        if key not in run["results"] or ref not in run["results"]:
            return None, "n/a"
        worst: Optional[Tuple[int, float, float]] = None
        for n in run["settings"]["sizes"]:
            a, b = value(run, key, n, "bytes"), value(run, ref, n, "bytes")
            if a is None or b is None:
                continue
            if abs(a - b) >= 1 and worst is None:
                worst = (n, a, b)
        if worst is None:
            n = 3 if 3 in run["settings"]["sizes"] else run["settings"]["sizes"][0]
            a, b = value(run, key, n, "bytes"), value(run, ref, n, "bytes")
            return True, f"{a:.0f} = {b:.0f} B at {n} attrs; equal at all sizes"
        n, a, b = worst
        return False, f"{a:.0f} vs {b:.0f} B at {n} attrs"

    return check


def within(key: str, ref: str, measure: str, limit: float) -> Callable[[Run], Verdict]:
    """Geometric mean over the sizes of key/ref at most ``limit`` (range shown)."""

    def check(run: Run) -> Verdict:
        rs = ratios(run, key, ref, measure)
        if not rs:
            return None, "n/a"
        g = _geomean(rs)
        text = f"{g:.3f} ({min(rs):.3f}-{max(rs):.3f})"
        if g > limit:
            floor = ratios(run, "slots_weakref", "slots", measure)
            if floor:
                spread = max(abs(r - 1) for r in floor)
                text += (f"; the two hand-written classes, same code, differ by up to "
                         f"{spread:.1%} on this measure in this run")
        return g <= limit, text

    return check


def informative(key: str, ref: str, measure: str) -> Callable[[Run], Verdict]:
    def check(run: Run) -> Verdict:
        rs = ratios(run, key, ref, measure)
        if not rs:
            return None, "n/a"
        return None, f"{_geomean(rs):.3f} ({min(rs):.3f}-{max(rs):.3f})"

    return check


def class_ratio(key: str, ref: str, limit: float) -> Callable[[Run], Verdict]:
    """key/ref class-creation time at most ``limit`` (geometric mean over sizes)."""

    def check(run: Run) -> Verdict:
        rs = ratios(run, key, ref, "class_us")
        if not rs:
            return None, "n/a"
        g = _geomean(rs)
        return g <= limit, f"{g:.1f}x ({min(rs):.1f}-{max(rs):.1f}x)"

    return check


def cheaper_than(key: str, other: str, factor: float) -> Callable[[Run], Verdict]:
    """other/key class-creation time at least ``factor``."""

    def check(run: Run) -> Verdict:
        rs = ratios(run, other, key, "class_us")
        if not rs:
            return None, "n/a (no dataclass slots before 3.10)"
        g = _geomean(rs)
        return g >= factor, f"{g:.2f}x cheaper ({min(rs):.2f}-{max(rs):.2f}x)"

    return check


TARGETS: List[Tuple[str, Callable[[Run], Verdict]]] = [
    ("Memory: `@autoslots` = hand-written `__slots__` + `__weakref__`",
     memory_equal("autoslots", "slots_weakref")),
    ("Memory: `@autoslots(weakref=False)` = hand-written `__slots__`",
     memory_equal("autoslots_noweakref", "slots")),
    ("Memory: `AutoSlots` base = hand-written `__slots__` + `__weakref__`",
     memory_equal("AutoSlots", "slots_weakref")),
    ("Instance creation: `@autoslots` ≤ 1.03 x hand-written (+ `__weakref__`)",
     within("autoslots", "slots_weakref", "create_ns", 1.03)),
    ("Instance creation: `AutoSlots` ≤ 1.03 x hand-written (+ `__weakref__`)",
     within("AutoSlots", "slots_weakref", "create_ns", 1.03)),
    ("Attribute read: `@autoslots` ≤ 1.03 x hand-written (+ `__weakref__`)",
     within("autoslots", "slots_weakref", "read_ns", 1.03)),
    ("Attribute read: `AutoSlots` ≤ 1.03 x hand-written (+ `__weakref__`)",
     within("AutoSlots", "slots_weakref", "read_ns", 1.03)),
    ("Attribute write: `@autoslots` ≤ 1.03 x hand-written (+ `__weakref__`)",
     within("autoslots", "slots_weakref", "write_ns", 1.03)),
    ("Attribute write: `AutoSlots` ≤ 1.03 x hand-written (+ `__weakref__`)",
     within("AutoSlots", "slots_weakref", "write_ns", 1.03)),
    ("(noise floor) creation: hand-written + `__weakref__` / hand-written",
     informative("slots_weakref", "slots", "create_ns")),
    ("(noise floor) read: hand-written + `__weakref__` / hand-written",
     informative("slots_weakref", "slots", "read_ns")),
    ("Class creation: `@autoslots` ≤ ~10 x plain class",
     class_ratio("autoslots", "plain", 10.0)),
    ("Class creation: `AutoSlots` ≤ ~10 x plain class",
     class_ratio("AutoSlots", "plain", 10.0)),
    ("Class creation: `@autoslots` ≥ 4 x cheaper than `dataclass(slots=True)`",
     cheaper_than("autoslots", "dataclass", 4.0)),
    ("Class creation: `AutoSlots` ≥ 4 x cheaper than `dataclass(slots=True)`",
     cheaper_than("AutoSlots", "dataclass", 4.0)),
]


def targets_section(runs: Sequence[Run]) -> List[str]:
    lines = [
        "## Targets",
        "",
        "Timing ratios are the geometric mean over the four class sizes (1, 3, 10, 30",
        "attributes), with the smallest and largest ratio in brackets. `@autoslots` and the",
        "`AutoSlots` base add a `__weakref__` slot by default, so their reference is the",
        "hand-written class with the same `__weakref__` slot; the two *noise floor* rows compare",
        "two hand-written classes that run the same code, so they show how far two identical",
        "figures drift apart on this machine.",
        "",
        "| target | " + " | ".join(f"CPython {r['python']}" for r in runs) + " |",
        "|---|" + "---|" * len(runs),
    ]
    misses: List[str] = []
    for title, check in TARGETS:
        cells, missed = [], []
        for run in runs:
            met, text = check(run)
            cells.append(_cell(met, text))
            if met is False:
                missed.append(f"{run['python']}: {text}")
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
        if missed:
            misses.append(f"- {title} — missed on " + "; ".join(missed) + ".")
    lines += ["", "### Targets missed", ""]
    lines += misses or ["None: every target was met on every interpreter measured."]
    return [*lines, ""]


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------


PER = {"bytes": "instance", "class_us": "class", "create_ns": "instance"}


def measure_table(run: Run, measure: str) -> List[str]:
    title, unit, fmt = MEASURES[measure]
    sizes = run["settings"]["sizes"]
    lines = [
        f"#### {title}",
        "",
        f"{unit} per {PER.get(measure, 'operation')}"
        " · ratio to the plain class · ratio to hand-written `__slots__`",
        "",
        "| contender | " + " | ".join(f"{n} attr{'s' if n > 1 else ''}" for n in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    for key in run["contenders"]:
        cells = []
        for n in sizes:
            v = value(run, key, n, measure)
            if v is None:
                cells.append("—")
                continue
            rp = ratio(run, key, "plain", n, measure)
            rs = ratio(run, key, "slots", n, measure)
            cells.append(f"{fmt.format(v)} · {rp:.2f} · {rs:.2f}")
        lines.append(f"| {md_label(label(run, key))} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def getsizeof_table(run: Run) -> List[str]:
    sizes = run["settings"]["sizes"]
    lines = [
        "#### `sys.getsizeof` of one instance",
        "",
        "Only where the instance has no `__dict__` (`getsizeof` does not count a dict; the",
        "tracemalloc figure above does).",
        "",
        "| contender | " + " | ".join(f"{n} attr{'s' if n > 1 else ''}" for n in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    for key in run["contenders"]:
        cells = []
        for n in sizes:
            got = run["results"][key][str(n)].get("getsizeof")
            cells.append("—" if got is None else f"{got} B")
        lines.append(f"| {md_label(label(run, key))} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def version_section(run: Run) -> List[str]:
    load = run["load_average"]
    lines = [
        f"### CPython {run['python']}",
        "",
        f"Measured {run['date']}; load average {load['start']} at the start, {load['end']} at",
        f"the end; {run['settings']['repeats']} interleaved repeats, minimum taken.",
        "",
    ]
    if run.get("unavailable"):
        lines += ["Not measured here: " + "; ".join(
            f"{k} ({why})" for k, why in run["unavailable"].items()) + ".", ""]
    lines += measure_table(run, "bytes") + getsizeof_table(run)
    for measure in ("create_ns", "read_ns", "write_ns", "class_us"):
        lines += measure_table(run, measure)
    return lines


# ---------------------------------------------------------------------------------------------
# Plots
# ---------------------------------------------------------------------------------------------

PLOTS: List[Tuple[str, str, str, str, Optional[float], bool]] = [
    # file, measure, reference, y label, clip, log scale
    ("memory.png", "bytes", "slots", "bytes per instance / hand-written __slots__", 2.5, False),
    ("instance_creation.png", "create_ns", "slots",
     "instance creation time / hand-written __slots__", 2.0, False),
    ("attribute_read.png", "read_ns", "slots", "attribute read time / hand-written __slots__",
     2.0, False),
    ("attribute_write.png", "write_ns", "slots", "attribute write time / hand-written __slots__",
     2.0, False),
    ("class_creation.png", "class_us", "plain", "class creation time / plain class", None, True),
]


def draw(runs: Sequence[Run], directory: Path) -> List[Tuple[str, str]]:
    """Write the PNGs; (file name, caption) of each."""
    try:
        import matplotlib  # type: ignore[import-not-found, unused-ignore]

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        print("report: matplotlib is not installed: no plots", file=sys.stderr)
        return []
    written = []
    for name, measure, ref, ylabel, clip, log in PLOTS:
        fig, axes = plt.subplots(len(runs), 1, figsize=(12, 2.6 * len(runs) + 1.2), squeeze=False)
        keys: List[str] = []
        for ax, run in zip(axes[:, 0], runs):
            keys = _bars(ax, run, measure, ref, clip, log) or keys
        all_keys = [k for k in STYLE if any(k in r["contenders"] for r in runs)]
        handles = [plt.Rectangle((0, 0), 1, 1, facecolor=STYLE[k][0], hatch=STYLE[k][1],
                                 edgecolor="white") for k in all_keys]
        names = [next(r["contenders"][k]["label"] for r in runs if k in r["contenders"])
                 for k in all_keys]
        if measure == "class_us":
            handles.append(plt.Line2D([], [], color=STYLE["autoslots"][0], linestyle=":"))
            names.append("10x plain: the target for autoslots")
        fig.legend(handles, names, loc="lower center", ncol=4, fontsize=9, frameon=False)
        fig.supylabel(ylabel, fontsize=10)
        title = MEASURES[measure][0].replace("`", "") + (" (log scale)" if log else "")
        if measure == "write_ns":
            title += " (typing.NamedTuple is immutable: no bars)"
        fig.suptitle(title, fontsize=12)
        fig.tight_layout(rect=(0, 0.09, 1, 0.97))
        fig.savefig(directory / name, dpi=90)
        plt.close(fig)
        written.append((name, MEASURES[measure][0]))
    name = "headline.png"
    _headline(plt, runs, directory / name)
    written.insert(0, (name, "autoslots against hand-written `__slots__`"))
    return written


def _bars(ax: Any, run: Run, measure: str, ref: str, clip: Optional[float], log: bool) -> List[str]:
    sizes = run["settings"]["sizes"]
    keys = [k for k in STYLE if k in run["contenders"]]
    width = 0.85 / len(keys)
    for i, key in enumerate(keys):
        colour, hatch = STYLE[key]
        for j, n in enumerate(sizes):
            r = ratio(run, key, ref, n, measure)
            if r is None:
                continue
            x = j + (i - (len(keys) - 1) / 2) * width
            height = min(r, clip) if clip else r
            ax.bar(x, height, width * 0.92, color=colour, hatch=hatch, edgecolor="white",
                   linewidth=0)
            if clip and r > clip:
                ax.text(x, clip, f"{r:.1f}", ha="center", va="bottom", fontsize=7, rotation=90)
    ax.axhline(1.0, color="black", linewidth=0.8, linestyle="--")
    if measure == "class_us":
        ax.axhline(10.0, color=STYLE["autoslots"][0], linewidth=0.9, linestyle=":")
    ax.set_xticks(range(len(sizes)))
    ax.set_xticklabels([f"{n} attribute{'s' if n > 1 else ''}" for n in sizes])
    if log:
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(matplotlib_ticker().FormatStrFormatter("%g"))
    elif clip:
        ax.set_ylim(0, clip * 1.15)
    ax.set_title(f"CPython {run['python']}", fontsize=10, loc="left")
    ax.grid(axis="y", alpha=0.3)
    return keys


def matplotlib_ticker() -> Any:
    import matplotlib.ticker  # type: ignore[import-not-found, unused-ignore]

    return matplotlib.ticker


LOW, HIGH = 0.85, 1.15  # the headline plot's y range


def _headline(plt: Any, runs: Sequence[Run], path: Path) -> None:
    """autoslots / hand-written (same __weakref__ choice) per measure, per version."""
    pairs = [("autoslots", "slots_weakref", "@autoslots / hand-written + __weakref__"),
             ("autoslots_noweakref", "slots", "@autoslots(weakref=False) / hand-written"),
             ("AutoSlots", "slots_weakref", "AutoSlots / hand-written + __weakref__")]
    measures = ["bytes", "create_ns", "read_ns", "write_ns"]
    titles = ["memory", "instance creation", "attribute read", "attribute write"]
    fig, axes = plt.subplots(1, len(measures), figsize=(13, 3.8), sharey=True)
    versions = [r["python"] for r in runs]
    width = 0.8 / len(pairs)
    colours = [STYLE["autoslots"][0], STYLE["autoslots_noweakref"][0], STYLE["AutoSlots"][0]]
    for ax, measure, title in zip(axes, measures, titles):
        for i, (key, ref, _name) in enumerate(pairs):
            xs, ys = [], []
            for j, run in enumerate(runs):
                rs = ratios(run, key, ref, measure)
                if rs:
                    xs.append(j + (i - (len(pairs) - 1) / 2) * width)
                    ys.append(_geomean(rs))
            ax.bar(xs, [min(max(y, LOW), HIGH) for y in ys], width * 0.9, color=colours[i])
            for x, y in zip(xs, ys):
                if not LOW < y < HIGH:  # off the chart: say how far
                    ax.text(x, min(max(y, LOW), HIGH), f"{y:.2f}", ha="center", fontsize=7,
                            rotation=90, va="top" if y >= HIGH else "bottom")
        ax.axhspan(0.97, 1.03, color="#c8e6c9", alpha=0.6, zorder=0)
        ax.axhline(1.0, color="black", linewidth=0.8, linestyle="--")
        ax.set_xticks(range(len(versions)))
        ax.set_xticklabels(versions, fontsize=8)
        ax.set_title(title, fontsize=10)
        ax.set_ylim(LOW, HIGH)
    axes[0].set_ylabel("ratio (geometric mean over sizes)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in colours]
    fig.legend(handles, [p[2] for p in pairs] + [], loc="lower center", ncol=3, fontsize=9,
               frameon=False)
    fig.suptitle("autoslots against hand-written __slots__ (green band: within 3%)", fontsize=12)
    fig.tight_layout(rect=(0, 0.08, 1, 0.95))
    fig.savefig(path, dpi=90)
    plt.close(fig)


# ---------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------


def page(runs: Sequence[Run], plots: Sequence[Tuple[str, str]], command: str,
         elapsed: Optional[str], plot_dir: str) -> str:
    newest = runs[-1]
    contenders: Dict[str, Tuple[str, str]] = {}
    for key in STYLE:
        for run in runs:
            if key in run["contenders"]:
                info = run["contenders"][key]
                contenders.setdefault(key, (info["label"], info["note"]))
    lines = [
        "# Benchmarks: autoslots against every alternative",
        "",
        f"<!-- Written by `{command}` (benchmarks/report.py): edit the generator,",
        "     not this page. -->",
        "",
        "Memory per instance, instance creation, attribute read and write, and class creation,",
        "for classes of 1, 3, 10 and 30 attributes, on every CPython the run found. All",
        "contenders of one interpreter were measured in one run, interleaved, so the ratios",
        "compare like with like; figures of different interpreters were taken minutes apart.",
        "",
        "Contenders:",
        "",
    ]
    for name, note in contenders.values():
        note = note.replace("__weakref__", "`__weakref__`").replace("__init__", "`__init__`")
        lines.append(f"- {md_label(name)}" + (f" — {note}" if note else ""))
    lines += [
        "",
        "Each class is written as its library expects: a hand-written `__init__` that assigns",
        "every attribute for the plain class, hand-written slots, `@autoslots`, `AutoSlots` and",
        "`autoslot`; declared fields for attrs, dataclasses, msgspec and `NamedTuple`.",
        "",
        "## Reproduce",
        "",
        "```sh",
        command,
        "```",
        "",
        "It runs with any Python 3.9+, finds each CPython 3.9-3.13 (on PATH, in pyenv or /usr),",
        "makes or reuses one virtual environment per version under `.bench-venvs/` with",
        "`pip install -e '.[bench]'`, runs `benchmarks/bench_contenders.py --json` in each, one",
        "after the other, saves the figures as `docs/benchmarks/results-3.X.json` and writes",
        "this page and its plots. One interpreter alone: `python benchmarks/bench_contenders.py`",
        "(a text summary) in an environment with the `bench` extra; `--quick` for a rough run",
        "of a few seconds.",
        "",
        "## Machine and interpreters",
        "",
        f"- Machine: {newest['machine']}"
        + (f"; the whole run took {elapsed} s" if elapsed else ""),
        "- The machine's two cores are shared with other work, so the load average is given.",
        "  Times are the thread's CPU time (`time.thread_time`), so time spent waiting for a",
        "  core is not counted; the minimum of the repeats is kept.",
        "",
        "| interpreter | measured | load average start → end "
        "| autoslots | attrs | autoslot | msgspec |",
        "|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        v = run.get("versions", {})
        load = run["load_average"]
        lines.append(
            f"| {run['implementation']} {run['python']} ({run['compiler']}) | {run['date']} | "
            f"{load['start']} → {load['end']} | "
            + " | ".join(v.get(d, "—") for d in ("autoslots", "attrs", "autoslot", "msgspec"))
            + " |"
        )
    lines += [""]
    if any(r.get("quick") for r in runs):
        lines += ["**These figures come from a `--quick` run: rough, not for quoting.**", ""]
    lines += targets_section(runs)
    lines += METHOD + observations(runs)
    if plots:
        lines += ["## Plots", ""]
        for name, caption in plots:
            lines += [f"![{caption}]({plot_dir}/{name})", ""]
    lines += ["## Results by interpreter", ""]
    for run in reversed(runs):
        lines += version_section(run)
    return "\n".join(lines).rstrip() + "\n"


METHOD = [
    "## How it is measured",
    "",
    "- **Memory**: `tracemalloc` over 10,000 instances built with `None` for every attribute,",
    "  divided by the count: the object, its GC header, a `__dict__` (or the managed values of",
    "  3.11+) and, where there is one, the `__weakref__` slot. `sys.getsizeof` is shown for",
    "  instances without a `__dict__` only.",
    "- **Instance creation**: `C(v, ..., v)` with every attribute as a positional argument.",
    "- **Attribute read / write**: 20 reads (or writes) of the instance's attributes per",
    "  `timeit` loop, so the loop itself weighs little; the time is per operation.",
    "- **Class creation**: a class with `__init__` (assigning half of the attributes and",
    "  calling `_setup`), `_setup` (assigning the other half), and two methods that read",
    "  attributes; each timed statement executes a freshly compiled copy of the class",
    "  statement (as `benchmarks/bench_class_creation.py` does), so no code object is seen",
    "  twice; the module's imports run before the clock starts (a module imports once for",
    "  all its classes). Field-based",
    "  contenders declare the attributes and call `_setup` from their post-init hook;",
    "  `autoslot`, which reads `__init__` only, assigns every attribute there;",
    "  `NamedTuple` takes all attributes as fields.",
    "- Timing uses `timeit` with the garbage collector off, loops of about 2 ms, and the",
    "  minimum of several repeats; every repeat visits all contenders in a rotated order,",
    "  and times newly built classes: without a specialising interpreter (3.9, 3.10) one",
    "  class object can come out 10-50% slower on a measure, whichever contender it is (a",
    "  hand-written class too), and new class objects change which.",
    "",
]


def _per_version(runs: Sequence[Run], fn: Callable[[Run], Optional[str]]) -> str:
    parts = [f"{fn(r)} on {r['version']}" for r in runs if fn(r) is not None]
    return ", ".join(parts)


def observations(runs: Sequence[Run]) -> List[str]:
    """Notes computed from the figures, so that they stay true when the page is redrawn."""

    def weakref_cost(run: Run) -> Optional[str]:
        a, b = value(run, "slots_weakref", 3, "bytes"), value(run, "slots", 3, "bytes")
        return None if a is None or b is None else f"{a - b:+.0f} B"

    def plain_create(run: Run) -> Optional[str]:
        rs = ratios(run, "plain", "slots", "create_ns")
        return f"{_geomean(rs):.2f}x" if rs else None

    def plain_30(run: Run) -> Optional[str]:
        a, b = value(run, "plain", 30, "bytes"), value(run, "plain", 10, "bytes")
        return None if a is None or b is None else f"{a:.0f} B (10 attributes: {b:.0f} B)"

    def slower(key: str, measure: str) -> Callable[[Run], Optional[str]]:
        def get(run: Run) -> Optional[str]:
            rs = ratios(run, key, "slots", measure)
            return f"{_geomean(rs):.1f}x" if rs else None

        return get

    def class_us(key: str) -> Callable[[Run], Optional[str]]:
        def get(run: Run) -> Optional[str]:
            v = value(run, key, 3, "class_us")
            return None if v is None else f"{v:.0f} µs"

        return get

    return [
        "## Observations",
        "",
        "Computed from the figures above when this page was written:",
        "",
        "- A `__weakref__` slot costs (hand-written with minus without, 3 attributes) "
        + _per_version(runs, weakref_cost) + " per instance. autoslots adds it by default so",
        "  that no class that worked with weak references breaks; `weakref=False` saves it and",
        "  then matches hand-written `__slots__` byte for byte.",
        "- Instance creation of the plain class relative to hand-written `__slots__`: "
        + _per_version(runs, plain_create) + ". Where the plain class is the faster one, the",
        "  interpreter specialises the call of a plain class (on 3.13,",
        "  `CALL_ALLOC_AND_ENTER_INIT`) and not that of a slotted one: every slotted contender",
        "  pays it alike, so compare autoslots with the hand-written class.",
        "- The plain class with 30 attributes: " + _per_version(runs, plain_30) + ": from 3.11",
        "  on, an instance with 30 attributes no longer fits the compact shared-key layout, so",
        "  the 30-attribute column flatters every slotted contender against the plain class.",
        "- `msgspec.Struct` is a C type with a C `__init__`, the fastest to create; its",
        "  attribute writes, relative to the hand-written class: "
        + _per_version(runs, slower("msgspec", "write_ns")) + ". `NamedTuple` fields are",
        "  tuple-index descriptors; reads relative to the hand-written class: "
        + _per_version(runs, slower("namedtuple", "read_ns")) + "; no writes.",
        "- Class creation, 3 attributes: plain " + _per_version(runs, class_us("plain"))
        + "; `@autoslots` " + _per_version(runs, class_us("autoslots"))
        + "; `dataclass(slots=True)` " + _per_version(runs, class_us("dataclass"))
        + "; attrs " + _per_version(runs, class_us("attrs"))
        + "; `autoslot` (reads `__init__` only) " + _per_version(runs, class_us("autoslot"))
        + ". It is paid once per class, at import.",
        "",
    ]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("results", nargs="*", help="results-3.X.json files")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--plots", default=str(ROOT / "docs" / "benchmarks"))
    parser.add_argument("--command", default="python benchmarks/run_all.py")
    parser.add_argument("--elapsed", help="seconds the whole run took")
    args = parser.parse_args(argv)
    paths = args.results or sorted(str(p) for p in Path(args.plots).glob("results-*.json"))
    runs = load(paths)
    plot_dir = Path(args.plots)
    plot_dir.mkdir(parents=True, exist_ok=True)
    plots = draw(runs, plot_dir)
    output = Path(args.output)
    try:
        relative = str(plot_dir.resolve().relative_to(output.resolve().parent))
    except ValueError:
        relative = str(plot_dir.resolve())
    output.write_text(page(runs, plots, args.command, args.elapsed, relative), encoding="utf-8")
    print(f"report: wrote {output} and {len(plots)} plots in {plot_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
