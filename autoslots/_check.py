"""``autoslots check MODULE_OR_PATH...``: what autoslots would do with every class of a project.

The modules are imported (their top-level code runs), packages with all their submodules.
For every class defined in them, ``explain()`` says whether it would be slotted, its slots,
why it would keep a ``__dict__`` and what layout conflict stops it; this module turns that
into linter-like lines (``path:line: module:Qualname: ...``) or JSON, with the bytes each
instance would save on this interpreter, measured on synthetic classes with the same number
of slots (once per slot count).

Exit codes: 0 clean (or findings without ``--strict``), 1 findings with ``--strict``
(classes that would keep a ``__dict__`` or cannot be slotted), 2 usage, configuration or
import errors (one line on stderr).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import fnmatch
import json
import os
import pkgutil
import re
import sys
import time
import warnings
from dataclasses import dataclass, field
from types import ModuleType
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Generator,
    Iterator,
    List,
    Optional,
    Sequence,
    Set,
    Tuple,
    cast,
)

from ._cli import (
    UsageError,
    import_file,
    import_name,
    import_target_module,
    module_name_of_file,
    put_first_on_path,
)
from ._errors import AutoSlotsWarning
from ._explain import Explanation, explain
from ._layout import solid_base

if TYPE_CHECKING:
    from ._cli import SubParsers

EXIT_OK = 0
EXIT_FINDINGS = 1

CONFIG_TABLE = "tool.autoslots"
PATTERN_KEYS = ("include-modules", "exclude-modules", "include-classes", "exclude-classes")
CONFIG_KEYS = (*PATTERN_KEYS, "strict")

# Status of a class in the report.
AUTOSLOTTED = "autoslotted"
SLOTTED = "already slotted"  # a hand-written __slots__, instances without a __dict__
WOULD_SLOT = "would be slotted"
KEEPS_DICT = "keeps __dict__"
REFUSED = "cannot be slotted"
FAILED = "analysis failed"
STATUSES = (WOULD_SLOT, AUTOSLOTTED, SLOTTED, KEEPS_DICT, REFUSED, FAILED)
_SUMMARY_LABELS = {
    WOULD_SLOT: "would be slotted",
    AUTOSLOTTED: "autoslotted",
    SLOTTED: "already slotted",
    KEEPS_DICT: "would keep a __dict__",
    REFUSED: "cannot be slotted",
    FAILED: "failed to analyse",
}


# --- command line -----------------------------------------------------------------------


def register(commands: SubParsers) -> None:
    parser = commands.add_parser(
        "check",
        help="report, for every class of the given modules, what autoslots would do",
        description=(
            "For every class defined in the given modules (a package or directory: with "
            "all its submodules): would autoslots slot it, its slots, why it would keep a "
            "__dict__ (function and line), layout conflicts, and the bytes each instance "
            "would save on this Python.  The modules are IMPORTED, so their top-level code "
            "runs; the current directory is put first on sys.path (for a .py file or a "
            "directory: the directory above its outermost package).  Settings: "
            "[tool.autoslots] in the nearest pyproject.toml from the current directory "
            "upward, keys include-modules, exclude-modules, include-classes, "
            "exclude-classes (lists of glob patterns) and strict (true/false).  "
            "Exit code 0: done; 1: with --strict, findings (a class that would keep a "
            "__dict__, cannot be slotted or has a layout conflict; a submodule that failed "
            "to import); 2: a usage, configuration or import error."
        ),
    )
    parser.add_argument(
        "targets",
        nargs="+",
        metavar="MODULE_OR_PATH",
        help="a dotted module or package name, a .py file, or a directory",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 on findings: a class that would keep a __dict__, cannot be slotted "
        "or has a layout conflict",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print only the findings and the summary (the text report)",
    )
    for key in PATTERN_KEYS:
        what = "modules" if key.endswith("modules") else "classes"
        verb = key.split("-")[0]
        example = {
            "include-modules": "'pkg.api.*'",
            "exclude-modules": "pkg.tests",
            "include-classes": "'pkg.models:*'",
            "exclude-classes": "'*Error'",
        }[key]
        parser.add_argument(
            f"--{key}",
            action="append",
            default=[],
            metavar="PATTERN",
            help=f"{verb} {what} matching this glob (e.g. {example}); repeatable; "
            f"added to the pyproject.toml setting",
        )
    parser.set_defaults(command=run)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    config = load_config(os.getcwd())
    for key in PATTERN_KEYS:
        config.patterns[key].extend(getattr(args, key.replace("-", "_")))
    strict = bool(args.strict or config.strict)
    modules, import_errors = collect_modules(args.targets, config)
    reports = [check_class(cls, module) for module, cls in classes_in(modules, config)]
    mark_conflicts(reports)
    reports.sort(key=_report_order)
    meter = SavingsMeter()
    for report in reports:
        report.bytes_saved = meter.saving(report)
    seconds = time.perf_counter() - started
    findings = [report for report in reports if report.finding]
    if args.json:
        print(json.dumps(_json(reports, modules, import_errors, config, seconds), indent=2))
    else:
        for report in reports:
            if report.finding or not args.quiet:
                print(report.text())
        for name, error in import_errors:
            print(f"{name}: import failed: {error}")
        print(_summary(reports, modules, import_errors, seconds))
    if strict and (findings or import_errors):
        return EXIT_FINDINGS
    return EXIT_OK


# --- configuration ------------------------------------------------------------------------


@dataclass
class Config:
    """``[tool.autoslots]``: glob patterns by key, and ``strict``."""

    path: Optional[str] = None
    patterns: Dict[str, List[str]] = field(
        default_factory=lambda: {key: [] for key in PATTERN_KEYS}
    )
    strict: bool = False

    def module_wanted(self, name: str) -> bool:
        include = self.patterns["include-modules"]
        if include and not _module_matches(name, include, partial=True):
            return False
        return not _module_matches(name, self.patterns["exclude-modules"], partial=False)

    def module_reported(self, name: str) -> bool:
        include = self.patterns["include-modules"]
        return not include or _module_matches(name, include, partial=False)

    def class_wanted(self, module: str, qualname: str) -> bool:
        include = self.patterns["include-classes"]
        if include and not _class_matches(module, qualname, include):
            return False
        return not _class_matches(module, qualname, self.patterns["exclude-classes"])


def _module_matches(name: str, patterns: Sequence[str], *, partial: bool) -> bool:
    """Whether the module or one of its packages matches; with ``partial``, also a
    package whose submodules might match (so that it is walked)."""
    parts = name.split(".")
    prefixes = [".".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        if any(fnmatch.fnmatchcase(prefix, pattern) for prefix in prefixes):
            return True
        if partial and _could_match_below(name, pattern):
            return True
    return False


def _could_match_below(package: str, pattern: str) -> bool:
    """Whether a submodule of ``package`` might match: the pattern's literal start (up
    to its first wildcard) agrees with the package's name."""
    literal = re.split(r"[*?\[]", pattern, maxsplit=1)[0]
    return (package + ".").startswith(literal) or literal.startswith(package + ".")


def _class_matches(module: str, qualname: str, patterns: Sequence[str]) -> bool:
    """A pattern with a colon matches ``module:Qualname``; one without, the qualname."""
    full = f"{module}:{qualname}"
    return any(
        fnmatch.fnmatchcase(full if ":" in pattern else qualname, pattern)
        for pattern in patterns
    )


def find_pyproject(start: str) -> Optional[str]:
    """The nearest ``pyproject.toml`` in ``start`` or a directory above it."""
    directory = os.path.abspath(start)
    while True:
        candidate = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def load_config(start: str) -> Config:
    """Read ``[tool.autoslots]`` of the nearest pyproject.toml; raise UsageError if bad."""
    path = find_pyproject(start)
    if path is None:
        return Config()
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    table = read_table(text, path)
    if table is None:
        return Config()
    return _config_from_table(table, path)


def read_table(text: str, path: str) -> Optional[Dict[str, Any]]:
    """The ``[tool.autoslots]`` table of a pyproject.toml's text, or None without one."""
    if sys.version_info >= (3, 11):
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise UsageError(f"{path} is not valid TOML: {exc}") from None
        return _config_table(data, path)
    # Python 3.9 and 3.10 have no tomllib: a reader for this table's simple keys
    return parse_simple_table(text, path)


def _config_table(data: Dict[str, Any], path: str) -> Optional[Dict[str, Any]]:
    """The ``[tool.autoslots]`` table of a parsed pyproject.toml, or None without one."""
    table: object = data
    for key in CONFIG_TABLE.split("."):
        table = cast("Dict[str, object]", table).get(key) if isinstance(table, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        raise UsageError(f"{path}: {CONFIG_TABLE} must be a table")
    return cast("Dict[str, Any]", table)


def _config_from_table(table: Dict[str, Any], path: str) -> Config:
    config = Config(path=path)
    for key, value in table.items():
        if key not in CONFIG_KEYS:
            raise UsageError(
                f"{path}: [{CONFIG_TABLE}] has an unknown key {key!r} "
                f"(known keys: {', '.join(CONFIG_KEYS)})"
            )
        if key == "strict":
            if not isinstance(value, bool):
                raise UsageError(
                    f"{path}: [{CONFIG_TABLE}] strict must be true or false, not {value!r}"
                )
            config.strict = value
            continue
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(
            isinstance(item, str) for item in cast("List[object]", value)
        ):
            raise UsageError(
                f"{path}: [{CONFIG_TABLE}] {key} must be a list of glob patterns "
                f"(strings), not {value!r}"
            )
        config.patterns[key] = list(cast("List[str]", value))
    return config


# A reader for the one table, for Pythons without tomllib: keys with string, boolean and
# array-of-string values, comments, arrays over several lines.  Anything else is refused
# with a message that says so, rather than guessed.

_HEADER = re.compile(r"\s*\[([^\[\]]+)\]\s*(?:#.*)?$")
_KEY = re.compile(r"\s*([A-Za-z0-9_-]+|\"[^\"\\]*\"|'[^']*')\s*=\s*")
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}


def parse_simple_table(text: str, path: str) -> Optional[Dict[str, Any]]:
    """``[tool.autoslots]`` of ``text`` without tomllib, or None if there is none."""
    lines = text.splitlines()
    start = None
    for number, line in enumerate(lines):
        match = _HEADER.match(line)
        if match and _header_name(match.group(1)) == CONFIG_TABLE:
            start = number + 1
            break
    if start is None:
        return None
    table: Dict[str, Any] = {}
    body = "\n".join(lines[start:])
    reader = _Reader(body, path, start)
    while True:
        reader.skip_blank()
        if reader.done() or reader.peek() == "[":
            if not reader.done():
                header = _HEADER.match(reader.rest_of_line())
                if header and _header_name(header.group(1)).startswith(CONFIG_TABLE + "."):
                    sub = _header_name(header.group(1))[len(CONFIG_TABLE) + 1 :]
                    table[sub] = {}  # reported as an unknown key
            return table
        key = reader.key()
        reader.current = key
        table[key] = reader.value()
        reader.end_of_line()


def _header_name(text: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in text.split("."))


class _Reader:
    """A cursor over the table's text; errors name the file and line."""

    def __init__(self, text: str, path: str, first_line: int) -> None:
        self.text = text
        self.pos = 0
        self.path = path
        self.first_line = first_line
        self.current = ""  # the key being read, for messages

    def fail(self, what: str) -> UsageError:
        line = self.first_line + self.text.count("\n", 0, self.pos) + 1
        key = f" {self.current}" if self.current else ""
        return UsageError(
            f"{self.path}:{line}: cannot read [{CONFIG_TABLE}]{key}: {what} (without tomllib, "
            f"on Python < 3.11, only strings, true/false and arrays of strings are read)"
        )

    def done(self) -> bool:
        return self.pos >= len(self.text)

    def peek(self) -> str:
        return self.text[self.pos] if not self.done() else ""

    def rest_of_line(self) -> str:
        end = self.text.find("\n", self.pos)
        return self.text[self.pos :] if end < 0 else self.text[self.pos : end]

    def skip_blank(self, newlines: bool = True) -> None:
        while not self.done():
            char = self.peek()
            if char == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            elif char in " \t\r" or (newlines and char == "\n"):
                self.pos += 1
            else:
                return

    def key(self) -> str:
        match = _KEY.match(self.text, self.pos)
        if not match:
            raise self.fail(f"expected `key = value`, found {self.rest_of_line().strip()!r}")
        self.pos = match.end()
        return match.group(1).strip("\"'")

    def value(self) -> object:
        char = self.peek()
        if char in "\"'":
            return self.string()
        if char == "[":
            return self.array()
        for word, result in (("true", True), ("false", False)):
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return result
        raise self.fail(f"unsupported value {self.rest_of_line().strip()!r}")

    def array(self) -> List[object]:
        self.pos += 1
        items: List[object] = []
        while True:
            self.skip_blank()
            if self.peek() == "]":
                self.pos += 1
                return items
            if self.done():
                raise self.fail("an array without its closing ]")
            items.append(self.value())
            self.skip_blank()
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "]":
                raise self.fail("expected , or ] in an array")

    def string(self) -> str:
        quote = self.peek()
        if self.text.startswith(quote * 3, self.pos):
            raise self.fail("multi-line strings are not supported")
        self.pos += 1
        chars: List[str] = []
        while not self.done():
            char = self.text[self.pos]
            self.pos += 1
            if char == quote:
                return "".join(chars)
            if char == "\n":
                break
            if char == "\\" and quote == '"':
                chars.append(self.escape())
            else:
                chars.append(char)
        raise self.fail("a string without its closing quote")

    def escape(self) -> str:
        char = self.peek()
        self.pos += 1
        if char in _ESCAPES:
            return _ESCAPES[char]
        if char in "uU":
            size = 4 if char == "u" else 8
            digits = self.text[self.pos : self.pos + size]
            self.pos += size
            try:
                return chr(int(digits, 16))
            except ValueError:
                raise self.fail(f"bad escape \\{char}{digits}") from None
        raise self.fail(f"bad escape \\{char}")

    def end_of_line(self) -> None:
        self.skip_blank(newlines=False)
        if self.done():
            return
        if self.peek() != "\n":
            raise self.fail(f"unexpected {self.rest_of_line().strip()!r} after a value")
        self.pos += 1


# --- finding the modules and classes ------------------------------------------------------


def collect_modules(
    targets: Sequence[str], config: Config
) -> Tuple[List[ModuleType], List[Tuple[str, str]]]:
    """Import the targets (packages: with their submodules).

    A target that cannot be imported is a UsageError (exit 2); a submodule found by walking
    a package that fails to import is returned with its error, and the check goes on.
    """
    modules: List[ModuleType] = []
    errors: List[Tuple[str, str]] = []
    seen: Set[str] = set()
    for target in targets:
        for module in _import_target(target, config, errors):
            if module.__name__ not in seen:
                seen.add(module.__name__)
                modules.append(module)
    return modules, errors


def _import_target(
    target: str, config: Config, errors: List[Tuple[str, str]]
) -> Iterator[ModuleType]:
    if os.path.isdir(target):
        yield from _import_directory(target, config, errors)
        return
    is_file = target.endswith(".py") or "/" in target or os.sep in target
    name = target
    if is_file and os.path.isfile(target):
        name = module_name_of_file(os.path.abspath(target))[1]
    if not config.module_wanted(name):
        return  # excluded by the configuration: not even imported
    with _quiet_import():
        module = import_target_module(target)
    if is_file:
        yield module  # one file, one module (a package's __init__.py: not its submodules)
    else:
        yield from _with_submodules(module, config, errors)


def _import_directory(
    path: str, config: Config, errors: List[Tuple[str, str]]
) -> Iterator[ModuleType]:
    full = os.path.abspath(path)
    init = os.path.join(full, "__init__.py")
    if os.path.isfile(init):  # a package: import it as part of its outermost package
        directory, name = module_name_of_file(init)
        put_first_on_path(directory)
        with _quiet_import():
            package = import_name(name, what=path)
        yield from _with_submodules(package, config, errors)
        return
    # a directory of modules and packages (a "src" directory, a scripts directory)
    put_first_on_path(full)
    found = sorted(pkgutil.iter_modules([full]), key=lambda info: info.name)
    if not found:
        raise UsageError(f"{path} holds no Python modules or packages")
    for info in found:
        if info.name == "__main__" or not config.module_wanted(info.name):
            continue
        try:
            with _quiet_import():
                module = _import_file_module(full, info.name, info.ispkg)
        except UsageError as exc:  # found by walking, as a submodule: reported, not fatal
            errors.append((info.name, str(exc)))
            continue
        yield from _with_submodules(module, config, errors)


def _import_file_module(directory: str, name: str, is_package: bool) -> ModuleType:
    if is_package:
        return import_file(os.path.join(directory, name, "__init__.py"))
    return import_file(os.path.join(directory, name + ".py"))


def _with_submodules(
    module: ModuleType, config: Config, errors: List[Tuple[str, str]]
) -> Iterator[ModuleType]:
    """The module and, for a package, every submodule the configuration wants."""
    yield module
    path = getattr(module, "__path__", None)
    if path is None:
        return
    try:
        infos = sorted(pkgutil.iter_modules(list(path)), key=lambda info: info.name)
    except Exception as exc:  # a custom __path__ that cannot be listed
        errors.append((module.__name__, f"cannot list submodules: {exc}"))
        return
    for info in infos:
        name = f"{module.__name__}.{info.name}"
        if info.name == "__main__" or not config.module_wanted(name):
            continue
        try:
            with _quiet_import():
                sub = import_name(name)
        except UsageError as exc:
            errors.append((name, str(exc)))
            continue
        yield from _with_submodules(sub, config, errors)


@contextlib.contextmanager
def _quiet_import() -> Generator[None, None, None]:
    """Imports must not write into the report (stdout goes to stderr) nor repeat it
    (autoslots' own warnings for the classes being checked)."""
    with contextlib.redirect_stdout(sys.stderr), warnings.catch_warnings():
        warnings.simplefilter("ignore", AutoSlotsWarning)
        yield


def classes_in(modules: Sequence[ModuleType], config: Config) -> Iterator[Tuple[ModuleType, type]]:
    """Every class defined in the modules (its ``__module__``), nested ones too, once."""
    seen: Set[int] = set()
    for module in modules:
        if not config.module_reported(module.__name__):
            continue
        for cls in _module_classes(module):
            if id(cls) in seen:
                continue
            seen.add(id(cls))
            if config.class_wanted(module.__name__, cls.__qualname__):
                yield module, cls


def _module_classes(module: ModuleType) -> Iterator[type]:
    found: List[type] = []
    stack: List[type] = [
        value
        for value in list(vars(module).values())
        if isinstance(value, type) and _defined_in(value, module)
    ]
    seen: Set[int] = set()
    while stack:
        cls = stack.pop(0)
        if id(cls) in seen:
            continue
        seen.add(id(cls))
        found.append(cls)
        for inner in list(vars(cls).values()):
            if (
                isinstance(inner, type)
                and _defined_in(inner, module)
                and inner.__qualname__.startswith(cls.__qualname__ + ".")
            ):
                stack.append(inner)
    return iter(found)


def _defined_in(cls: type, module: ModuleType) -> bool:
    try:
        return cls.__module__ == module.__name__ and "<locals>" not in cls.__qualname__
    except Exception:  # a class whose attributes misbehave
        return False


# --- one class ----------------------------------------------------------------------------


@dataclass
class ClassReport:
    """What ``check`` says about one class."""

    module: str
    qualname: str
    file: Optional[str]
    line: Optional[int]
    status: str
    explanation: Optional[Explanation] = None
    error: Optional[str] = None
    declares_slots: bool = False
    own_slots: Tuple[str, ...] = ()
    conflict: Optional[str] = None
    cls: Optional[type] = field(default=None, repr=False)
    bytes_saved: Optional[int] = None

    @property
    def name(self) -> str:
        return f"{self.module}:{self.qualname}"

    @property
    def finding(self) -> bool:
        """Would keep a ``__dict__`` (unless asked to), cannot be slotted, or failed."""
        if self.status in (REFUSED, FAILED) or self.conflict is not None:
            return True
        exp = self.explanation
        return exp is not None and exp.keeps_dict and not exp.options.dict

    def text(self) -> str:
        """``path:line: module:Qualname: status: details``, reasons on indented lines."""
        text = self._text()
        if self.conflict is not None:
            text += f"\n    layout conflict: {self.conflict}"
        return text

    def _text(self) -> str:
        where = ""
        if self.file:
            where = _display_path(self.file) + (f":{self.line}: " if self.line else ": ")
        head = f"{where}{self.name}: {self.status}"
        exp = self.explanation
        if self.status == FAILED or exp is None:
            return f"{head}: {self.error}"
        if self.status == REFUSED:
            return f"{head}: {exp.error}"
        if self.status == SLOTTED:
            return f"{head}: declares __slots__ = {self.own_slots!r}"
        if exp.keeps_dict:
            lines = [head + self._attributes_text(exp)]
            lines.extend(f"    {because}" for because in _dict_lines(exp))
            return "\n".join(lines)
        return head + self._slots_text(exp)

    def _attributes_text(self, exp: Explanation) -> str:
        names = exp.slot_names
        return f" (attributes: {', '.join(names)})" if names else ""

    def _slots_text(self, exp: Explanation) -> str:
        names = self.slot_names
        text = f": {_plural(len(names), 'slot')}"
        if names:
            text += f" ({', '.join(names)})"
        if "__weakref__" in exp.declared:
            text += " + __weakref__"
        if self.declares_slots:
            text += "; declares __slots__ itself"
        if self.bytes_saved:
            verb = "saves" if self.status == AUTOSLOTTED else "would save"
            text += f"; {verb} {self.bytes_saved} bytes per instance"
        return text

    @property
    def new_slots(self) -> List[str]:
        """The slots the class itself would declare, ``__weakref__`` and ``__dict__`` aside
        (what gives it an instance layout of its own)."""
        exp = self.explanation
        if exp is None:
            return []
        return [name for name in exp.declared if name not in ("__dict__", "__weakref__")]

    @property
    def slot_names(self) -> List[str]:
        exp = self.explanation
        return [] if exp is None else [s.name for s in exp.slots if s.storage != "__dict__"]

    def to_dict(self) -> Dict[str, Any]:
        exp = self.explanation
        return {
            "class": self.name,
            "module": self.module,
            "qualname": self.qualname,
            "file": self.file,
            "line": self.line,
            "status": self.status,
            "finding": self.finding,
            "declares_slots": self.declares_slots,
            "slots": self.slot_names,
            "keeps_dict": None if exp is None else exp.keeps_dict,
            "dict_because": [] if exp is None else _dict_lines(exp),
            "bytes_saved_per_instance": self.bytes_saved,
            "error": self.error if exp is None else exp.error,
            "conflict": self.conflict,
            "explain": None if exp is None else exp.to_dict(),
        }


def _dict_lines(exp: Explanation) -> List[str]:
    """Why the class keeps a __dict__: the plan's sentences, then each reason with its
    place (``path:line: function: what``)."""
    lines = [because for because in exp.dict_because if "reasons below" not in because]
    for reason in exp.reasons:
        site = reason.site
        where = f"{_display_path(site.filename)}:{site.lineno}"
        lines.append(f"{where}: {site.function}: {reason.what}")
    return lines


def check_class(cls: type, module: ModuleType) -> ClassReport:
    """Explain one class; never raise (a failure is reported as such)."""
    try:
        file, line = _class_location(cls, module)
    except Exception:  # an unreadable file: the class is still checked
        file, line = getattr(module, "__file__", None), None
    report = ClassReport(module.__name__, cls.__qualname__, file, line, FAILED, cls=cls)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exp = explain(cls)
    except Exception as exc:  # the check goes on; the class is reported
        report.error = f"{type(exc).__name__}: {exc}"
        return report
    report.explanation = exp
    report.declares_slots = not exp.autoslotted and "__slots__" in vars(cls)
    if report.declares_slots:
        own = vars(cls)["__slots__"]
        report.own_slots = (own,) if isinstance(own, str) else tuple(str(name) for name in own)
    if exp.autoslotted:
        report.status = AUTOSLOTTED
    elif report.declares_slots and not _has_dict(cls):
        # Slotted by hand already: nothing for autoslots to do, whatever it would plan.
        report.status = SLOTTED
    elif exp.error is not None:
        report.status = REFUSED
    elif exp.keeps_dict:
        report.status = KEEPS_DICT
    else:
        report.status = WOULD_SLOT
    return report


def mark_conflicts(reports: Sequence[ClassReport]) -> None:
    """Find the layout conflicts that autoslotting the checked classes would create.

    A class with two bases that would both carry slots of their own cannot be created
    (Python: "multiple bases have instance lay-out conflict").  Every class named here
    exists, so its bases do not conflict today; this finds the classes whose bases would,
    once those bases are slotted as planned, and says so on the class.
    """
    by_class = {id(report.cls): report for report in reports if report.cls is not None}
    solids: Dict[int, type] = {}

    def solid(kind: type) -> type:
        """The base that fixes ``kind``'s instance layout once the plans are carried out."""
        if id(kind) not in solids:
            report = by_class.get(id(kind))
            if report is None or report.status not in (WOULD_SLOT, KEEPS_DICT):
                found = _actual_solid_base(kind)
            elif report.status == WOULD_SLOT and report.new_slots:
                found = kind
            else:
                found = _most_derived([solid(base) for base in kind.__bases__])
            solids[id(kind)] = found
        return solids[id(kind)]

    for report in reports:
        cls = report.cls
        if cls is None or len(cls.__bases__) < 2 or report.status in (SLOTTED, FAILED):
            continue
        winner: Optional[Tuple[type, type]] = None
        for base in cls.__bases__:
            candidate = solid(base)
            if winner is None or issubclass(candidate, winner[0]):
                winner = (candidate, base)
            elif not issubclass(winner[0], candidate):
                report.conflict = _conflict_text(winner, (candidate, base), by_class)
                break


def _actual_solid_base(kind: type) -> type:
    try:
        return solid_base(kind)
    except Exception:  # an odd type: assume it brings no layout of its own
        return object


def _most_derived(kinds: Sequence[type]) -> type:
    best: type = object
    for kind in kinds:
        if issubclass(kind, best):
            best = kind
    return best


def _conflict_text(
    first: Tuple[type, type], second: Tuple[type, type], by_class: Dict[int, ClassReport]
) -> str:
    def describe(solid: type, base: type) -> str:
        report = by_class.get(id(solid))
        if report is not None and report.status == WOULD_SLOT:
            what = f"would get slots ({', '.join(report.new_slots)})"
        else:
            what = "has an instance layout of its own"
        via = "" if solid is base else f" (through base {base.__qualname__})"
        return f"{solid.__qualname__}{via} {what}"

    return (
        f"once autoslotted, {describe(*first)} and {describe(*second)}: Python cannot "
        f"combine two bases that both carry slots; declare one of them with mixin=True"
    )


def _report_order(report: ClassReport) -> Tuple[str, int, str]:
    """Module by module, in the order of the source."""
    return (report.module, report.line or 0, report.qualname)


def _plural(count: int, noun: str, nouns: str = "") -> str:
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def _has_dict(cls: type) -> bool:
    return bool(getattr(cls, "__dictoffset__", 0))


def _display_path(path: str) -> str:
    """A path relative to the current directory when it is below it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive
        return path
    return path if relative.startswith(os.pardir) else relative


# --- where a class is defined -------------------------------------------------------------

_lines_by_file: Dict[str, Dict[str, List[Tuple[int, int]]]] = {}


def _class_location(cls: type, module: ModuleType) -> Tuple[Optional[str], Optional[int]]:
    file = getattr(module, "__file__", None)
    if not isinstance(file, str) or not file.endswith(".py"):
        return (file if isinstance(file, str) else None), None
    candidates = _class_lines(file).get(cls.__qualname__, [])
    if len(candidates) > 1:  # defined more than once (in an if/else): the one holding its code
        for start, end in candidates:
            if any(start <= line <= end for line in _code_lines(cls)):
                return file, start
    if candidates:
        return file, candidates[0][0]  # the `class` line, as linters report it
    first = vars(cls).get("__firstlineno__")  # 3.13+: the first decorator's line
    return file, (first if isinstance(first, int) else None)


def _code_lines(cls: type) -> Iterator[int]:
    for value in vars(cls).values():
        code = getattr(getattr(value, "__func__", value), "__code__", None)
        line = getattr(code, "co_firstlineno", None)
        if isinstance(line, int):
            yield line


def _class_lines(file: str) -> Dict[str, List[Tuple[int, int]]]:
    """Qualified name -> (first line, last line) of each class statement in a file."""
    if file not in _lines_by_file:
        found: Dict[str, List[Tuple[int, int]]] = {}
        try:
            with open(file, "rb") as handle:
                tree = ast.parse(handle.read())
        except (OSError, SyntaxError, ValueError):
            tree = None
        if tree is not None:
            _walk_classes(tree, "", found)
        _lines_by_file[file] = found
    return _lines_by_file[file]


def _walk_classes(node: ast.AST, prefix: str, found: Dict[str, List[Tuple[int, int]]]) -> None:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.ClassDef):
            qualname = prefix + child.name
            end = getattr(child, "end_lineno", None) or child.lineno
            found.setdefault(qualname, []).append((child.lineno, end))
            _walk_classes(child, qualname + ".", found)
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            _walk_classes(child, prefix + child.name + ".<locals>.", found)
        else:
            _walk_classes(child, prefix, found)


# --- bytes saved --------------------------------------------------------------------------


class SavingsMeter:
    """Bytes an instance saves by having slots instead of a ``__dict__``, on this Python.

    Measured on two synthetic classes with the class's number of attributes -- a plain one
    whose ``__init__`` sets them and one with the same ``__slots__`` (plus ``__weakref__``
    where the class keeps weak references) -- once per slot count.
    """

    SAMPLE = 2000

    def __init__(self) -> None:
        self._cache: Dict[Tuple[int, bool], int] = {}

    def saving(self, report: ClassReport) -> Optional[int]:
        exp = report.explanation
        if exp is None or report.status not in (WOULD_SLOT, AUTOSLOTTED) or exp.keeps_dict:
            return None
        return self.measure(len(report.slot_names), exp.weakref)

    def measure(self, count: int, weakref: bool) -> int:
        key = (count, weakref)
        if key not in self._cache:
            plain = _bytes_per_instance(_synthetic(count, None))
            slotted = _bytes_per_instance(_synthetic(count, weakref))
            self._cache[key] = plain - slotted
        return self._cache[key]


def _synthetic(count: int, weakref: Optional[bool]) -> Callable[[], object]:
    """A class whose ``__init__`` sets ``count`` attributes; slotted unless ``weakref`` is
    None (then plain, weak references included as for any plain class)."""
    names = [f"a{i}" for i in range(count)]
    body = "".join(f"    self.{name} = None\n" for name in names) or "    pass\n"
    namespace: Dict[str, Any] = {}
    exec(compile("def __init__(self):\n" + body, "<autoslots check>", "exec"), namespace)
    attrs: Dict[str, Any] = {"__init__": namespace["__init__"]}
    if weakref is not None:
        attrs["__slots__"] = (*names, "__weakref__") if weakref else tuple(names)
    made: Callable[[], object] = type(f"Synthetic{count}", (), attrs)
    return made


def _bytes_per_instance(make: Callable[[], object]) -> int:
    from ._demo import bytes_per_instance

    return bytes_per_instance(lambda _i: make(), SavingsMeter.SAMPLE)


# --- output -------------------------------------------------------------------------------


def _counts(reports: Sequence[ClassReport]) -> Dict[str, int]:
    counts = {status: 0 for status in STATUSES}
    for report in reports:
        counts[report.status] += 1
    return counts


def _summary(
    reports: Sequence[ClassReport],
    modules: Sequence[ModuleType],
    import_errors: Sequence[Tuple[str, str]],
    seconds: float,
) -> str:
    counts = _counts(reports)
    parts = [f"{count} {_SUMMARY_LABELS[status]}" for status, count in counts.items() if count]
    conflicts = sum(1 for report in reports if report.conflict is not None)
    if conflicts:
        parts.append(_plural(conflicts, "layout conflict"))
    findings = sum(1 for report in reports if report.finding)
    text = (
        f"autoslots check: {_plural(len(reports), 'class', 'classes')} in "
        f"{_plural(len(modules), 'module')} in {seconds:.1f} s: "
        f"{', '.join(parts) or 'no classes'}; {_plural(findings, 'finding')}"
    )
    if import_errors:
        text += f"; {_plural(len(import_errors), 'module')} failed to import"
    return text


def _json(
    reports: Sequence[ClassReport],
    modules: Sequence[ModuleType],
    import_errors: Sequence[Tuple[str, str]],
    config: Config,
    seconds: float,
) -> Dict[str, Any]:
    return {
        "python": sys.version.split()[0],
        "config": config.path,
        "modules": [module.__name__ for module in modules],
        "import_errors": [{"module": name, "error": error} for name, error in import_errors],
        "classes": [report.to_dict() for report in reports],
        "counts": _counts(reports),
        "findings": sum(1 for report in reports if report.finding),
        "seconds": round(seconds, 2),
    }
