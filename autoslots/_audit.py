"""The audit (what lands in instance ``__dict__``s), its report, and the commands
``autoslots run`` and ``autoslots audit``.

In audit mode the hook builds each class with ``dict=True`` and gives it a recording
``__setattr__``: it calls what the class would have called (the class's own
``__setattr__``, else the next one in the MRO) and then, if the name was not in the
instance ``__dict__`` before and is now, records the class, the name and the file and
line of the writer.  Writes that bypass ``__setattr__`` (``obj.__dict__[k] = v``,
``vars(obj).update(...)``, ``object.__setattr__``) are found at the end by a walk over the
live instances; they have no line.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import types
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Set, Tuple, Union, cast

if TYPE_CHECKING:
    from ._cli import SubParsers
    from .hook import ClassResult, Hook

# How many distinct names in a class's __dict__ make the report suggest dict=True
# instead of extra=(...).
EXTRA_LIMIT = 8
_SETATTR = "__setattr__"
_MAX_SITES = 5


@dataclass(frozen=True)
class Write:
    """One place that put a name into an instance ``__dict__``."""

    filename: str
    lineno: int
    function: str
    # "outside": code that is not the class's own; "own code": one of its (or its bases')
    # methods, through a dynamic name; "direct": found in a __dict__ at the end, no line.
    where: str

    def to_dict(self) -> Dict[str, Any]:
        return {
            "file": self.filename,
            "line": self.lineno,
            "function": self.function,
            "where": self.where,
        }


class Auditor:
    """Records the names that land in the ``__dict__`` of instances of watched classes."""

    def __init__(self) -> None:
        self.watched: Dict[type, Optional[Any]] = {}  # class -> its own __setattr__ (or None)
        # (class, name) -> {(code, line): count}
        self.sites: Dict[Tuple[type, str], Dict[Tuple[Optional[types.CodeType], int], int]] = {}
        self._own_codes: Dict[type, Set[types.CodeType]] = {}

    def watch(self, cls: type) -> None:
        own = cls.__dict__.get(_SETATTR)
        if own is not None and not isinstance(own, types.FunctionType):
            self.watched[cls] = own  # watched by the final walk only
            return
        self.watched[cls] = own
        type.__setattr__(cls, _SETATTR, _recording_setattr(cls, own, self))

    def unwatch_all(self) -> None:
        """Give the watched classes their own ``__setattr__`` back (the findings stay)."""
        for cls, own in self.watched.items():
            current = cls.__dict__.get(_SETATTR)
            if getattr(current, "_autoslots_audit", False):
                if own is None:
                    type.__delattr__(cls, _SETATTR)
                else:
                    type.__setattr__(cls, _SETATTR, own)

    def note(self, kind: type, name: str, frame: Optional[types.FrameType]) -> None:
        while frame is not None and frame.f_code.co_name == _SETATTR:
            frame = frame.f_back  # a subclass's __setattr__ calling super().__setattr__
        key = (frame.f_code, frame.f_lineno) if frame is not None else (None, 0)
        counts = self.sites.setdefault((kind, name), {})
        counts[key] = counts.get(key, 0) + 1

    def collect_leftovers(self) -> None:
        """Record names found in live instances' ``__dict__`` that no write explained."""
        watched = self.watched
        if not watched:
            return
        obj: object
        for obj in gc.get_objects():
            kind = type(obj)
            if kind not in watched:
                continue
            try:
                found = object.__getattribute__(obj, "__dict__")
            except AttributeError:
                continue
            if not isinstance(found, dict):
                continue
            for name in list(cast("Dict[object, object]", found)):
                if isinstance(name, str) and (kind, name) not in self.sites:
                    self.sites[(kind, name)] = {(None, 0): 1}

    def writes(self, kind: type) -> Dict[str, List[Write]]:
        """name -> the places that wrote it, for instances of ``kind``."""
        result: Dict[str, List[Write]] = {}
        for (owner, name), counts in self.sites.items():
            if owner is not kind:
                continue
            ranked = sorted(counts.items(), key=lambda item: -item[1])[:_MAX_SITES]
            result[name] = [self._write(kind, code, line) for (code, line), _n in ranked]
        return result

    def _write(self, kind: type, code: Optional[types.CodeType], line: int) -> Write:
        if code is None:
            return Write("?", 0, "?", "direct")
        where = "own code" if code in self._codes_of(kind) else "outside"
        function = getattr(code, "co_qualname", code.co_name)
        return Write(code.co_filename, line, function, where)

    def _codes_of(self, kind: type) -> Set[types.CodeType]:
        """The code objects of the functions in the bodies of ``kind`` and its bases."""
        if kind not in self._own_codes:
            codes: Set[types.CodeType] = set()
            for klass in kind.__mro__:
                if klass is object:
                    continue
                for value in klass.__dict__.values():
                    for func in _functions_in(value):
                        _add_code(func.__code__, codes)
            self._own_codes[kind] = codes
        return self._own_codes[kind]


def _functions_in(value: object) -> List[types.FunctionType]:
    found: List[types.FunctionType] = []
    stack = [value]
    while stack and len(found) < 50:
        item = stack.pop()
        if isinstance(item, types.FunctionType):
            found.append(item)
            wrapped = item.__dict__.get("__wrapped__")
            if wrapped is not None:
                stack.append(wrapped)
        elif isinstance(item, (classmethod, staticmethod)):
            method = cast(
                "Union[classmethod[object, ..., object], staticmethod[..., object]]", item
            )
            stack.append(method.__func__)
        elif isinstance(item, property):
            stack.extend(f for f in (item.fget, item.fset, item.fdel) if f is not None)
        else:
            func = getattr(item, "func", None)  # cached_property, partialmethod
            if isinstance(func, types.FunctionType):
                stack.append(func)
    return found


def _add_code(code: types.CodeType, into: Set[types.CodeType]) -> None:
    into.add(code)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            _add_code(const, into)


def _recording_setattr(owner: Any, own: Optional[Any], auditor: Auditor) -> Any:
    """A ``__setattr__`` for ``owner`` that behaves as before and records new dict keys."""
    getframe = sys._getframe  # pyright: ignore[reportPrivateUsage]
    get_dict = object.__getattribute__

    def __setattr__(self: object, name: str, value: Any) -> None:
        try:
            before = get_dict(self, "__dict__")
        except AttributeError:
            before = None
        # (``obj.__setattr__(1, v)`` called directly passes a name that is not a str)
        had = (
            before is None
            or not isinstance(name, str)  # pyright: ignore[reportUnnecessaryIsInstance]
            or name in before
        )
        if own is None:
            super(owner, self).__setattr__(name, value)
        else:
            own(self, name, value)
        if not had and before is not None and name in before:
            auditor.note(type(self), name, getframe(1))

    __setattr__.__qualname__ = f"{owner.__qualname__}.__setattr__"
    __setattr__.__module__ = owner.__module__
    if own is not None:
        __setattr__.__doc__ = own.__doc__
        __setattr__.__wrapped__ = own  # type: ignore[attr-defined]
    __setattr__._autoslots_audit = True  # type: ignore[attr-defined]
    return __setattr__


# -- the report ---------------------------------------------------------------------------


def build_report(hook: Hook) -> Dict[str, Any]:
    """The hook's findings as JSON-ready data, one entry per class name (a class
    statement inside a function makes one class per call: they are counted together)."""
    auditor: Optional[Auditor] = hook.auditor
    kinds: Dict[str, List[type]] = {}
    if auditor is not None:
        for kind in auditor.watched:
            kinds.setdefault(f"{kind.__module__}:{kind.__qualname__}", []).append(kind)
    entries: Dict[str, Dict[str, Any]] = {}
    counts: Dict[str, int] = {}
    for result in hook.results:
        if result.name in entries:
            entries[result.name]["count"] += 1
            continue
        entry = result.to_dict()
        entries[result.name] = entry
        counts[result.status] = counts.get(result.status, 0) + 1
        if hook.mode == "audit":
            writes: Dict[str, List[Write]] = {}
            for kind in kinds.get(result.name, []):
                if auditor is not None:
                    for name, sites in auditor.writes(kind).items():
                        merged = writes.setdefault(name, [])
                        merged.extend(w for w in sites if w not in merged)
            entry["writes"] = {
                name: [w.to_dict() for w in sites] for name, sites in sorted(writes.items())
            }
            verdict, entry["suggestion"] = _verdict(result, writes)
            entry["verdict"] = verdict
            counts["verdict:" + verdict] = counts.get("verdict:" + verdict, 0) + 1
    return {
        "mode": hook.mode,
        "packages": list(hook.packages),
        "python": sys.version.split()[0],
        "argv": list(sys.argv),
        "modules": len(hook.modules),
        "summary": counts,
        "classes": list(entries.values()),
    }


def _verdict(result: ClassResult, writes: Dict[str, List[Write]]) -> Tuple[str, str]:
    """``safe`` / ``extra`` / ``dict`` / ``keeps_dict`` / ``left`` / ``already`` /
    ``declared`` / ``multi_base``, and
    what to write in the class's code."""
    if result.status in ("refused", "error"):
        first = result.message.splitlines()[0] if result.message else ""
        return "left", f"left as it is: {first}"
    if result.status == "already":
        return "already", "already autoslotted by its own code"
    if result.status == "declared":
        return "declared", "declares __slots__ itself: left as it is"
    if result.status == "multi_base":
        return "multi_base", "a later base beside another one: left as it is"
    if result.enforce_keeps_dict:
        return "keeps_dict", "keeps its __dict__ under enforce too: " + "; ".join(
            result.enforce_because
        )
    if writes:
        names = sorted(writes)
        direct = any(w.where == "direct" for sites in writes.values() for w in sites)
        if direct or len(names) > EXTRA_LIMIT:
            return "dict", "@autoslots(dict=True)"
        return "extra", f"@autoslots(extra={tuple(names)!r})"
    return "safe", "@autoslots"


def render_text(report: Dict[str, Any]) -> str:
    """A readable summary of a report (``autoslots audit REPORT.json``)."""
    lines = [
        f"autoslots {report['mode']} of {', '.join(report['packages'])} "
        f"(Python {report.get('python', '?')}, {report.get('modules', '?')} modules)",
        "  classes: " + ", ".join(
            f"{key} {value}" for key, value in sorted(report.get("summary", {}).items())
        ),
    ]
    classes: List[Dict[str, Any]] = report.get("classes", [])
    if report["mode"] == "audit":
        needing = [c for c in classes if c.get("verdict") in ("extra", "dict")]
        lines += ["", f"need more than the inferred slots ({len(needing)}):"]
        for entry in needing:
            lines.append(f"  {entry['class']}: {entry['suggestion']}")
            lines.extend(_write_lines(entry))
        safe = [c["class"] for c in classes if c.get("verdict") == "safe"]
        lines += ["", f"safe to slot as they are ({len(safe)}):"]
        lines.extend(f"  {name}" for name in safe)
    kept = [c for c in classes if c.get("enforce_because")]
    if kept:
        lines += ["", f"keep a __dict__ under enforce ({len(kept)}):"]
        for entry in kept:
            lines.append(f"  {entry['class']}: {'; '.join(entry['enforce_because'])}")
            for warning in entry["warnings"]:
                lines.extend(f"      {line.strip()}" for line in warning.splitlines()[1:-1])
            lines.extend(_write_lines(entry))
    left = [c for c in classes if c["status"] in ("refused", "error", "multi_base")]
    if left:
        lines += ["", f"left as they are ({len(left)}):"]
        for entry in left:
            first = entry["message"].splitlines()[0] if entry["message"] else ""
            lines.append(f"  {entry['class']} ({entry['status']}): {first}")
    return "\n".join(lines) + "\n"


def _write_lines(entry: Dict[str, Any]) -> List[str]:
    lines: List[str] = []
    for name, sites in entry.get("writes", {}).items():
        for site in sites:
            if site["where"] == "direct":
                where = "found in __dict__ at exit (written directly, no line)"
            else:
                where = f"{site['file']}:{site['line']} in {site['function']} ({site['where']})"
            lines.append(f"    .{name} <- {where}")
    return lines


# -- the commands ------------------------------------------------------------------------


def register(commands: SubParsers) -> None:
    """``autoslots run`` and ``autoslots audit``."""
    run = commands.add_parser(
        "run",
        help="run a Python command with the classes of some packages autoslotted",
        description=(
            "Run COMMAND (`-m module args`, `script.py args`, or a program such as "
            "`python -m pytest`) with an import hook that autoslots every class defined in "
            "the given packages as their modules are imported.  With --audit, classes keep a "
            "__dict__ beside their slots and everything that lands in it is recorded.  The "
            "exit code is the command's."
        ),
    )
    run.add_argument("--package", action="append", required=True, metavar="NAME",
                     help="a package (or module) whose classes are autoslotted; repeatable")
    run.add_argument("--audit", action="store_true",
                     help="keep __dict__ and record what lands in it, instead of enforcing")
    run.add_argument("--report", metavar="PATH",
                     help="write the report as JSON to PATH and as text to PATH's .txt")
    run.add_argument("cmd", nargs=argparse.REMAINDER, metavar="-- COMMAND ...")
    run.set_defaults(command=_run)
    audit = commands.add_parser(
        "audit",
        help="print a readable summary of a report saved by `autoslots run --report`",
        description=(
            "Print the summary of a JSON report written by `autoslots run --audit --report "
            "PATH`: which classes are safe to slot, which need extra=(...) or dict=True, and "
            "the file:line of each write into an instance __dict__.  To audit, run "
            "`autoslots run --audit --package NAME -- COMMAND`."
        ),
    )
    audit.add_argument("report", metavar="REPORT.json")
    audit.set_defaults(command=_audit)


def _run(args: argparse.Namespace) -> int:
    from ._cli import UsageError

    command: List[str] = list(args.cmd)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        raise UsageError("run: give the command after --, e.g. -- -m pytest tests")
    if args.report is not None:
        folder = os.path.dirname(os.path.abspath(args.report))
        if not os.path.isdir(folder):
            raise UsageError(f"run: --report {args.report}: no such directory {folder}")
    mode = "audit" if args.audit else "enforce"
    return run_command(args.package, mode, command, report=args.report)


def _audit(args: argparse.Namespace) -> int:
    from ._cli import UsageError

    try:
        with open(args.report, encoding="utf-8") as stream:
            report = json.load(stream)
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read report {args.report}: {exc}") from None
    if not isinstance(report, dict) or "classes" not in report:
        raise UsageError(f"{args.report} is not an autoslots report")
    sys.stdout.write(render_text(cast("Dict[str, Any]", report)))
    return 0


_SITECUSTOMIZE = '''\
"""Written by `autoslots run`: install the autoslots import hook, then run the
sitecustomize this file hides, if there is one."""


def _autoslots_boot():
    import importlib.machinery
    import importlib.util
    import os
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    try:
        from autoslots import hook
    except ImportError:
        sys.path.append(os.environ.get("AUTOSLOTS_HOOK_PATH", ""))
        from autoslots import hook
    hook.install_from_env()
    rest = [p for p in sys.path if os.path.abspath(p or ".") != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is not None and spec.loader is not None:
        module = importlib.util.module_from_spec(spec)
        sys.modules["sitecustomize"] = module
        spec.loader.exec_module(module)


_autoslots_boot()
'''


def run_command(
    packages: List[str], mode: str, command: List[str], report: Optional[str] = None
) -> int:
    """Run ``command`` in a child process with the hook installed; return its exit code.

    The hook reaches the child through a ``sitecustomize`` module put first on its
    ``PYTHONPATH``; its settings travel in ``AUTOSLOTS_HOOK``.  A summary of the report is
    printed to stderr when the child exits.
    """
    from .hook import ENV_VAR

    if command[0] == "-m" or command[0].endswith(".py"):
        command = [sys.executable, *command]
    with tempfile.TemporaryDirectory(prefix="autoslots-run-") as boot:
        with open(os.path.join(boot, "sitecustomize.py"), "w", encoding="utf-8") as stream:
            stream.write(_SITECUSTOMIZE)
        path = os.path.abspath(report) if report else os.path.join(boot, "report.json")
        env = dict(os.environ)
        env[ENV_VAR] = json.dumps({"packages": packages, "mode": mode, "report": path})
        env["AUTOSLOTS_HOOK_PATH"] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env["PYTHONPATH"] = os.pathsep.join(
            [boot, *([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])]
        )
        try:
            code = subprocess.call(command, env=env)
        except OSError as exc:
            from ._cli import UsageError

            raise UsageError(f"cannot run {command[0]}: {exc}") from None
        _print_summary(path, mode, keep=bool(report))
    return code


def _print_summary(path: str, mode: str, keep: bool) -> None:
    from .hook import text_path

    try:
        with open(path, encoding="utf-8") as stream:
            report = json.load(stream)
    except (OSError, ValueError):
        print("autoslots run: no report was written (the hook did not run in the command's "
              "Python process)", file=sys.stderr)
        return
    summary = report.get("summary", {})
    parts = [f"{key} {value}" for key, value in sorted(summary.items())]
    print(f"autoslots {mode}: {len(report.get('classes', []))} classes in "
          f"{report.get('modules', 0)} modules: {', '.join(parts)}", file=sys.stderr)
    if keep:
        print(f"autoslots {mode}: report written to {path} (and {text_path(path)}); "
              f"`autoslots audit {path}` shows it", file=sys.stderr)

