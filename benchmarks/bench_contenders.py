"""autoslots against every alternative: memory, instance creation, attribute access, class creation.

    python benchmarks/bench_contenders.py            # a readable summary on stdout
    python benchmarks/bench_contenders.py --json     # the raw figures as JSON on stdout
    python benchmarks/bench_contenders.py --quick    # a few seconds, for the smoke test

One run of one interpreter measures every contender that is installed, for classes of 1, 3, 10
and 30 attributes:

- bytes per instance: tracemalloc over many instances (the ``__dict__`` or managed dict, the
  GC header and the pre-header included), and ``sys.getsizeof`` for instances without a
  ``__dict__`` (it does not count a dict, so it means nothing for the plain class);
- instance creation, attribute read and attribute write: ``timeit`` with the garbage collector
  off, 20 reads or writes per loop so that the loop itself weighs little;
- class creation: the class statement of a class with four methods, ``__init__`` calling the
  ``_setup`` helper that sets half of the attributes, timed as ``bench_class_creation.py`` does
  it (freshly compiled copies of the class statement, never one code object twice; the
  module's imports run before the clock starts, since a module imports once for all its
  classes).

Every figure is the minimum over several repeats, and the repeats interleave the contenders
(each repeat visits all of them, in a rotated order), so a burst of load from elsewhere on the
machine hits all of them alike.  Ratios are computed by ``report.py`` from one run's figures.
``run_all.py`` runs this script on every CPython it finds and writes docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import importlib.util
import json
import platform
import sys
import tempfile
import time
import timeit
import tracemalloc
import types
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_class_creation import (
    _compile_copies,
    _load_average,
    compile_statements,
    machine,
)

SIZES = (1, 3, 10, 30)
QUICK_SIZES = (1, 3)
READS_PER_LOOP = 20

# The CPU time of this thread: time spent waiting for one of the machine's two shared cores is
# not counted (wall-clock figures of a loaded machine are mostly that wait).
CLOCK: Callable[[], float] = getattr(time, "thread_time", time.perf_counter)


# ---------------------------------------------------------------------------------------------
# The contenders, as module sources.  Each one defines the class as its library expects it to
# be written: a hand-written ``__init__`` for the plain class, hand-written slots and the
# inferring tools; declared fields for attrs, dataclasses, msgspec and NamedTuple.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contender:
    key: str
    label: str
    requires: str  # a module that must be importable ("" for none)
    header: str  # imports and decorator lines before "class Name"
    base: str  # "(Base)" or ""
    style: str  # "init": hand-written __init__; "fields": declared fields
    slots: str = ""  # "" | "plain" | "weakref": a hand-written __slots__ line
    writable: bool = True
    min_version: Tuple[int, int] = (3, 9)
    note: str = ""


CONTENDERS: Tuple[Contender, ...] = (
    Contender("plain", "plain class", "", "", "", "init"),
    Contender("slots", "hand-written __slots__", "", "", "", "init", slots="plain"),
    Contender(
        "slots_weakref",
        "hand-written __slots__ + __weakref__",
        "",
        "",
        "",
        "init",
        slots="weakref",
    ),
    Contender(
        "autoslots",
        "@autoslots",
        "autoslots",
        "from autoslots import autoslots\n\n@autoslots\n",
        "",
        "init",
        note="adds a __weakref__ slot by default",
    ),
    Contender(
        "autoslots_noweakref",
        "@autoslots(weakref=False)",
        "autoslots",
        "from autoslots import autoslots\n\n@autoslots(weakref=False)\n",
        "",
        "init",
    ),
    Contender(
        "AutoSlots",
        "AutoSlots base class",
        "autoslots",
        "from autoslots import AutoSlots\n\n",
        "(AutoSlots)",
        "init",
        note="adds a __weakref__ slot by default",
    ),
    Contender(
        "attrs",
        "attrs @define",
        "attrs",
        "from typing import Any\nfrom attrs import define, field\n\n@define\n",
        "",
        "fields",
        note="slots and a __weakref__ slot by default",
    ),
    Contender(
        "dataclass",
        "dataclass(slots=True)",
        "",
        "from typing import Any\nfrom dataclasses import dataclass, field\n\n"
        "@dataclass(slots=True)\n",
        "",
        "fields",
        min_version=(3, 10),
    ),
    Contender(
        "autoslot",
        "autoslot.Slots",
        "autoslot",
        "from autoslot import Slots\n\n",
        "(Slots)",
        "init",
        note="reads __init__ only: its class-creation variant sets every attribute there",
    ),
    Contender(
        "msgspec",
        "msgspec.Struct",
        "msgspec",
        "from typing import Any\nfrom msgspec import Struct\n\n",
        "(Struct)",
        "fields",
        note="a C type; default gc=True",
    ),
    Contender(
        "namedtuple",
        "typing.NamedTuple",
        "",
        "from typing import Any, NamedTuple\n\n",
        "(NamedTuple)",
        "fields",
        writable=False,
        note="immutable: no attribute writes",
    ),
)


def _missing(contender: Contender) -> Optional[str]:
    """Why this contender cannot run on this interpreter, or None."""
    if sys.version_info[:2] < contender.min_version:
        return "needs Python {}.{}+".format(*contender.min_version)
    if contender.requires and importlib.util.find_spec(contender.requires) is None:
        return f"{contender.requires} is not installed"
    return None


def _names(n: int) -> List[str]:
    return [f"a{i}" for i in range(n)]


def _slots_line(contender: Contender, names: Sequence[str]) -> List[str]:
    if not contender.slots:
        return []
    listed = list(names) + (["__weakref__"] if contender.slots == "weakref" else [])
    return [f"    __slots__ = {tuple(listed)!r}"]


def instance_source(contender: Contender, n: int) -> str:
    """A module defining ``C``, built by ``C(v0, ..., v{n-1})``, with attributes a0..a{n-1}."""
    names = _names(n)
    lines = [contender.header + f"class C{contender.base}:"]
    if contender.style == "init":
        lines += _slots_line(contender, names)
        lines.append(f"    def __init__(self, {', '.join(names)}):")
        lines += [f"        self.{name} = {name}" for name in names]
    else:
        lines += [f"    {name}: Any" for name in names]
    return "\n".join(lines) + "\n"


def creation_source(contender: Contender, n: int) -> str:
    """A module defining ``K``: four methods, ``_setup`` setting half of the n attributes.

    ``K(0, ..., 0)`` takes the first ``n - n // 2`` attributes; ``_setup`` derives the others
    from them.  Field-based contenders declare all n fields (the derived ones with a default,
    set by ``_setup`` from the post-init hook, except the immutable NamedTuple, whose methods
    only read); autoslot reads ``__init__`` only, so its variant sets everything there.
    """
    names = _names(n)
    given, derived = names[: n - n // 2], names[n - n // 2 :]
    setup = [
        f"        self.{name} = self.{given[i % len(given)]}" for i, name in enumerate(derived)
    ]
    readers = [
        "    def total(self):",
        f"        return self.{names[0]} + self.{names[-1]}",
        "",
        "    def describe(self):",
        f"        return f\"{{type(self).__name__}}({{self.{names[-1]}!r}})\"",
    ]
    lines = [contender.header + f"class K{contender.base}:"]
    if contender.style == "init":
        lines += _slots_line(contender, names)
        lines.append(f"    def __init__(self, {', '.join(given)}):")
        lines += [f"        self.{name} = {name}" for name in given]
        if contender.key == "autoslot":
            lines += setup
            setup = []
        lines.append("        self._setup()")
    elif contender.key == "namedtuple":
        lines += [f"    {name}: Any" for name in names]
        setup = []
    else:
        hook = "__attrs_post_init__" if contender.key == "attrs" else "__post_init__"
        default = "field(init=False, default=None)" if contender.key != "msgspec" else "None"
        lines += [f"    {name}: Any" for name in given]
        lines += [f"    {name}: Any = {default}" for name in derived]
        lines += ["", f"    def {hook}(self):", "        self._setup()"]
    lines += ["", "    def _setup(self):"]
    lines += setup or [f"        return self.{names[0]}"]
    lines += ["", *readers]
    return "\n".join(lines) + "\n"


def creation_args(contender: Contender, n: int) -> int:
    """How many positional arguments ``K`` takes."""
    return n if contender.key == "namedtuple" else n - n // 2


# ---------------------------------------------------------------------------------------------
# Loading and checking
# ---------------------------------------------------------------------------------------------


def _load(directory: Path, tag: str, source: str) -> types.ModuleType:
    """Execute ``source`` as a real module (file on disk, registered in sys.modules)."""
    name = f"bench_contender_{tag}"
    path = directory / f"{name}.py"
    (code,) = _compile_copies(path, source, 1)
    module = types.ModuleType(name)
    module.__file__ = str(path)
    sys.modules[name] = module
    exec(code, module.__dict__)
    return module


def _check(contender: Contender, obj: object) -> None:
    """The benchmarked class is what its name claims (slotted where it should be)."""
    has_dict = hasattr(obj, "__dict__")
    if (contender.key == "plain") != has_dict:
        raise AssertionError(f"{contender.label}: __dict__ present = {has_dict}")


# ---------------------------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------------------------


def bytes_per_instance(cls: Callable[..., Any], n: int, count: int) -> float:
    """Traced bytes per instance of ``cls(None, ...)``, over ``count`` instances."""
    args = (None,) * n
    cls(*args)  # warm up per-class caches (shared keys, specialisation)
    slots: List[Any] = [None] * count
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(count):
            slots[i] = cls(*args)
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    del slots
    return (after - before) / count


def getsizeof(obj: object) -> Optional[int]:
    """``sys.getsizeof`` where it means the whole instance (no ``__dict__`` beside it)."""
    return None if hasattr(obj, "__dict__") else sys.getsizeof(obj)


def _timers(cls: Callable[..., Any], n: int, writable: bool) -> Dict[str, Tuple[timeit.Timer, int]]:
    """measure -> (timer, operations per loop)."""
    args = ", ".join(["v"] * n)
    reads = "\n".join(f"o.a{i % n}" for i in range(READS_PER_LOOP))
    writes = "\n".join(f"o.a{i % n} = v" for i in range(READS_PER_LOOP))
    setup = f"C = _C; v = None; o = C({args})"
    env = {"_C": cls}
    timers = {
        "create": (timeit.Timer(f"C({args})", setup, CLOCK, env), 1),
        "read": (timeit.Timer(reads, setup, CLOCK, env), READS_PER_LOOP),
    }
    if writable:
        timers["write"] = (timeit.Timer(writes, setup, CLOCK, env), READS_PER_LOOP)
    return timers


def _calibrate(timer: timeit.Timer, target: float) -> int:
    """A loop count that takes about ``target`` seconds."""
    number = 1
    while True:
        elapsed = timer.timeit(number)
        if elapsed >= target / 10 or number >= 10**8:
            return max(1, int(number * target / max(elapsed, 1e-9)))
        number *= 10


def _time_class_statements(
    compiled: Tuple[Any, Sequence[Any]], contender: Contender, n: int
) -> float:
    """Seconds per class statement, executing each code object once (gc off), then checked.

    The module's imports run in every namespace before the clock starts: a module imports
    once for all its classes.
    """
    imports, codes = compiled
    namespaces: List[Dict[str, Any]] = [{"__name__": "bench_contender_k"} for _ in codes]
    for namespace in namespaces:
        exec(imports, namespace)
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = CLOCK()
        for code, namespace in zip(codes, namespaces):
            exec(code, namespace)
        elapsed = CLOCK() - start
    finally:
        if gc_was_enabled:
            gc.enable()
    obj = namespaces[-1]["K"](*([1] * creation_args(contender, n)))
    assert obj.total() == 2, f"{contender.label}: the class-creation class does not work"
    _check(contender, obj)
    del namespaces
    gc.collect()
    return elapsed / len(codes)


@dataclass
class Settings:
    sizes: Tuple[int, ...]
    repeats: int
    target: float  # seconds per timing of an instance measure
    class_budget: float  # seconds per timing of a class statement
    max_copies: int  # freshly compiled copies per class-creation timing
    instances: int  # instances per memory measure


FULL = Settings(
    SIZES, repeats=15, target=0.002, class_budget=0.004, max_copies=100, instances=10000
)
QUICK = Settings(QUICK_SIZES, repeats=1, target=0.0005, class_budget=0.0005, max_copies=3,
                 instances=300)


def run(settings: Settings, log: Callable[[str], None]) -> Dict[str, Any]:
    """Measure every available contender; the raw figures, JSON-ready."""
    load_start = _load_average()
    available = [c for c in CONTENDERS if _missing(c) is None]
    results: Dict[str, Dict[str, Dict[str, Any]]] = {c.key: {} for c in available}
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning would mean a class kept its __dict__
        directory = Path(tmp)
        sys.path.insert(0, tmp)
        try:
            classes: Dict[Tuple[str, int], Any] = {}
            for c in available:
                for n in settings.sizes:
                    cls = _load(directory, f"{c.key}_{n}", instance_source(c, n)).C
                    obj = cls(*([None] * n))
                    _check(c, obj)
                    classes[c.key, n] = cls
                    cell = results[c.key].setdefault(str(n), {})
                    cell["has_dict"] = hasattr(obj, "__dict__")
                    cell["has_weakref"] = _weakrefable(obj)
                    cell["getsizeof"] = getsizeof(obj)
            log("memory")
            for c in available:
                for n in settings.sizes:
                    mem = bytes_per_instance(classes[c.key, n], n, settings.instances)
                    results[c.key][str(n)]["bytes"] = round(mem, 1)
            log("instance creation, attribute read and write")
            _time_instances(available, classes, directory, settings, results, log)
            log("class creation")
            _time_classes(available, directory, settings, results, log)
        finally:
            sys.path.remove(tmp)
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "version": "{}.{}".format(*sys.version_info[:2]),
        "executable": sys.executable,
        "compiler": platform.python_compiler(),
        "machine": machine(),
        "load_average": {"start": load_start, "end": _load_average()},
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "settings": {
            "sizes": list(settings.sizes),
            "repeats": settings.repeats,
            "instances": settings.instances,
            "ops_per_loop": READS_PER_LOOP,
        },
        "versions": _library_versions(),
        "contenders": {
            c.key: {"label": c.label, "note": c.note, "writable": c.writable} for c in available
        },
        "unavailable": {c.key: _missing(c) for c in CONTENDERS if _missing(c) is not None},
        "results": results,
    }


def _weakrefable(obj: object) -> bool:
    import weakref

    try:
        weakref.ref(obj)
    except TypeError:
        return False
    return True


def _library_versions() -> Dict[str, str]:
    from importlib import metadata

    out: Dict[str, str] = {}
    for dist in ("autoslots", "attrs", "autoslot", "msgspec"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    return out


def _time_instances(
    available: Sequence[Contender],
    classes: Dict[Tuple[str, int], Any],
    directory: Path,
    settings: Settings,
    results: Dict[str, Dict[str, Dict[str, Any]]],
    log: Callable[[str], None],
) -> None:
    """Every repeat times freshly built classes (see ``_fresh_classes``)."""
    numbers: Dict[Tuple[str, int, str], int] = {}
    for c in available:
        for n in settings.sizes:
            for measure, (timer, _ops) in _timers(classes[c.key, n], n, c.writable).items():
                numbers[c.key, n, measure] = _calibrate(timer, settings.target)
    best = dict.fromkeys(numbers, float("inf"))
    order = list(numbers)
    for r in range(settings.repeats):
        if r:
            classes = _fresh_classes(available, directory, settings.sizes, r)
        timers = {
            (c.key, n, measure): timer_ops
            for c in available
            for n in settings.sizes
            for measure, timer_ops in _timers(classes[c.key, n], n, c.writable).items()
        }
        shift = (r * len(order)) // max(settings.repeats, 1)
        for cell in order[shift:] + order[:shift]:
            (timer, ops), number = timers[cell], numbers[cell]
            best[cell] = min(best[cell], timer.timeit(number) / number / ops)
        log(f"  repeat {r + 1}/{settings.repeats}")
    for (key, n, measure), seconds in best.items():
        results[key][str(n)][f"{measure}_ns"] = round(seconds * 1e9, 3)


def _fresh_classes(
    available: Sequence[Contender], directory: Path, sizes: Sequence[int], r: int
) -> Dict[Tuple[str, int], Any]:
    """New class objects for repeat ``r``.

    Without a specialising interpreter (3.9, 3.10) one class object in a run can come out
    10-50% slower on a measure, whichever contender it is (a hand-written class too), and a
    new process changes which: it depends on where the objects land in the interpreter's
    caches, not on the contender.  New classes for every repeat, and the minimum over the
    repeats, take that luck out.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return {
            (c.key, n): _load(directory, f"{c.key}_{n}_r{r}", instance_source(c, n)).C
            for c in available
            for n in sizes
        }


def _time_classes(
    available: Sequence[Contender],
    directory: Path,
    settings: Settings,
    results: Dict[str, Dict[str, Dict[str, Any]]],
    log: Callable[[str], None],
) -> None:
    cells: List[Tuple[Contender, int, Path, str, int]] = []
    for index, c in enumerate(available):
        for n in settings.sizes:
            source = creation_source(c, n)
            path = directory / f"bench_k_{index}_{n}.py"
            probe = _time_class_statements(compile_statements(path, source, 3), c, n)
            copies = max(3, min(settings.max_copies, int(settings.class_budget / probe)))
            cells.append((c, n, path, source, copies))
    best = [float("inf")] * len(cells)
    for r in range(settings.repeats):
        shift = (r * len(cells)) // max(settings.repeats, 1)
        for i in list(range(shift, len(cells))) + list(range(shift)):
            c, n, path, source, copies = cells[i]
            compiled = compile_statements(path, source, copies)
            best[i] = min(best[i], _time_class_statements(compiled, c, n))
        log(f"  repeat {r + 1}/{settings.repeats}")
    for (c, n, *_), seconds in zip(cells, best):
        results[c.key][str(n)]["class_us"] = round(seconds * 1e6, 3)


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------


def summary(data: Dict[str, Any]) -> str:
    """A plain-text table of one run, with ratios to the plain class and to hand-written slots."""
    lines = [
        f"{data['implementation']} {data['python']} on {data['machine']}; "
        f"load average {data['load_average']['start']} -> {data['load_average']['end']}",
    ]
    measures = [
        ("bytes", "bytes/instance"),
        ("create_ns", "create ns"),
        ("read_ns", "read ns"),
        ("write_ns", "write ns"),
        ("class_us", "class µs"),
    ]
    results = data["results"]
    for key, title in measures:
        lines += ["", f"{title} (ratio to plain / to hand-written __slots__)"]
        for ckey, info in data["contenders"].items():
            cells = []
            for n in data["settings"]["sizes"]:
                value = results[ckey][str(n)].get(key)
                plain = results["plain"][str(n)].get(key)
                slots = results["slots"][str(n)].get(key)
                if value is None:
                    cells.append(f"{'-':>22}")
                    continue
                cells.append(f"{value:9.1f} ({value / plain:4.2f}/{value / slots:4.2f})")
            lines.append(f"  {info['label']:<38}" + " ".join(cells))
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    parser.add_argument("--quick", action="store_true", help="a few seconds; figures are rough")
    parser.add_argument("--output", help="also write the JSON to this file")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        if not args.quiet:
            print(f"[{platform.python_version()}] {message}", file=sys.stderr, flush=True)

    data = run(QUICK if args.quick else FULL, log)
    data["quick"] = args.quick
    text = json.dumps(data, indent=1, sort_keys=False)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    print(text if args.json else summary(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
