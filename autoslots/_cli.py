"""The command line: ``python -m autoslots COMMAND ...`` (also the ``autoslots`` script).

Each command is a subcommand of one ``argparse`` parser; a command is a function that takes
the parsed arguments and returns the exit code.  Problems with what the user asked for (a
bad target, a module that does not import) are reported as one line on stderr with exit
code 2, never as a traceback.  This module only parses and dispatches: the commands other
than ``explain`` live in their own modules and plug in through :func:`_registrations`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import traceback
from types import ModuleType
from typing import TYPE_CHECKING, Callable, List, Optional, Sequence, Tuple

from ._explain import explain

if TYPE_CHECKING:
    # (typeshed has no public name for it)
    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]  # pyright: ignore[reportPrivateUsage]

Command = Callable[[argparse.Namespace], int]
# A registration: ``register(commands)`` adds one or more subcommands to the ``commands``
# sub-parsers action.  For each subcommand it calls ``commands.add_parser(NAME, help=...,
# description=...)``, adds the arguments, and ``parser.set_defaults(command=RUN)``, where
# ``RUN(args) -> int`` runs the command and returns the exit code (raise ``UsageError`` for a
# one-line exit-2 error; ``main`` prints it).
Registration = Callable[["SubParsers"], None]

EXIT_OK = 0
EXIT_USAGE = 2

_TARGET_HELP = (
    "MODULE:CLASS, where MODULE is a dotted module name (examples.image) or a path to a "
    ".py file (examples/image.py) and CLASS a class's qualified name (Outer.Inner for a "
    "nested class)"
)

_IMPORT_NOTE = (
    "The module is imported, so its top-level code runs, as with `python -m`; the current "
    "directory is put first on sys.path (for a .py path: the file's directory, or the directory "
    "above its outermost package, which it is then imported as part of)."
)


class UsageError(Exception):
    """What the user asked for cannot be done; printed as one line, exit code 2."""


def main(argv: Optional[Sequence[str]] = None, prog: Optional[str] = None) -> int:
    """Run the command line; return the exit code (the console script exits with it)."""
    parser = _build_parser(prog or "autoslots")
    args = parser.parse_args(argv)
    command: Command = args.command
    try:
        return command(args)
    except UsageError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # the reader went away (`... | head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _build_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Infer __slots__ from a class's own code; show what autoslots does.",
        epilog=_IMPORT_NOTE,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(title="commands", dest="command_name")
    commands.required = True
    for register in _registrations():
        register(commands)
    # name every command in the usage line and in "the following arguments are required"
    commands.metavar = "{" + ",".join(commands.choices) + "}"
    return parser


def _registrations() -> List[Registration]:
    """The commands, in the order ``--help`` lists them.

    To add a command: give its module a ``register(commands)`` function (see ``Registration``)
    and add two lines here, ``from ._x import register as _register_x`` and the name in the
    list.  The imports are inside this function so that a command module may import
    ``UsageError`` and the import helpers from this module at its top.
    """
    from ._audit import register as _register_audit
    from ._check import register as _register_check
    from ._demo import register as _register_demo

    return [_add_explain, _register_demo, _register_check, _register_audit]


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("autoslots")
    except Exception:  # not installed as a distribution (e.g. run from a source tree)
        return "(version unknown)"


# --- explain ------------------------------------------------------------------------------


def _add_explain(commands: SubParsers) -> None:
    explain = commands.add_parser(
        "explain",
        help="show the slots of a class, where each is assigned, and why a __dict__ is kept",
        description=(
            "Show what autoslots infers for a class: each slot with the function, file and "
            "line that assign it; for a class that keeps a __dict__, each reason; for each "
            "base, the slots it already provides.  Works for autoslotted classes and for plain "
            "classes (then it says what autoslots would do).  " + _IMPORT_NOTE
        ),
    )
    explain.add_argument("target", metavar="MODULE:CLASS", help=_TARGET_HELP)
    explain.add_argument("--json", action="store_true", help="print the explanation as JSON")
    explain.set_defaults(command=_run_explain)


def _run_explain(args: argparse.Namespace) -> int:
    cls = load_class(args.target)
    # A class that autoslots would refuse is explained too (the report says why): exit 0.
    explanation = explain(cls)
    if args.json:
        print(json.dumps(explanation.to_dict(), indent=2))
    else:
        print(explanation)
    return EXIT_OK


# --- finding the class ----------------------------------------------------------------------


def load_class(target: str) -> type:
    """Import ``MODULE:CLASS`` and return the class; raise ``UsageError`` if that fails."""
    module_part, sep, qualname = target.rpartition(":")
    if not sep or not module_part or not qualname:
        raise UsageError(
            f"expected MODULE:CLASS (e.g. examples.image:Image or examples/image.py:Image), "
            f"got {target!r}"
        )
    module = import_target_module(module_part)
    return _find_class(module, qualname)


def import_target_module(spec: str) -> ModuleType:
    """Import a module given by dotted name or by the path of a ``.py`` file."""
    if spec.endswith(".py") or "/" in spec or os.sep in spec:
        return import_file(spec)
    put_first_on_path(os.getcwd())
    return import_name(spec)


def import_name(name: str, what: Optional[str] = None) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and (name == exc.name or name.startswith(exc.name + ".")):
            raise UsageError(
                f"cannot import module {name!r}: no module named {exc.name!r} "
                f"(looked in the current directory and on sys.path)"
            ) from None
        raise UsageError(_import_failure(what or name, exc)) from None
    except (Exception, SystemExit) as exc:
        raise UsageError(_import_failure(what or name, exc)) from None


def import_file(path: str) -> ModuleType:
    full = os.path.abspath(path)
    if not os.path.isfile(full):
        raise UsageError(f"no such file: {path}")
    directory, name = module_name_of_file(full)
    # As `python path/to/file.py` does, with the file's package: the directory above its
    # outermost package (for a file outside packages, its own directory) goes first on sys.path.
    put_first_on_path(directory)
    if name in sys.modules:
        module = sys.modules[name]
    else:
        module = import_name(name, what=path)
    loaded = getattr(module, "__file__", None)
    if not loaded or not os.path.exists(loaded) or not os.path.samefile(loaded, full):
        raise UsageError(
            f"{path} would be imported as module {name!r}, but that name is already the "
            f"module {loaded or module!r}; rename the file"
        )
    return module


def module_name_of_file(full: str) -> Tuple[str, str]:
    """The directory to import from and the dotted module name of a ``.py`` file."""
    directory, filename = os.path.split(full)
    parts = [os.path.splitext(filename)[0]]
    if parts == ["__init__"]:
        parts = []
    while os.path.isfile(os.path.join(directory, "__init__.py")):
        directory, package = os.path.split(directory)
        parts.insert(0, package)
    if not parts:
        raise UsageError(f"cannot import {full}: an __init__.py outside any package")
    return directory, ".".join(parts)


def put_first_on_path(directory: str) -> None:
    if not sys.path or sys.path[0] != directory:
        sys.path.insert(0, directory)


def _import_failure(what: str, exc: BaseException) -> str:
    """One line: what failed, the exception, and where in the user's code it was raised."""
    where = ""
    if isinstance(exc, SyntaxError) and exc.filename:
        where = f" ({exc.filename}:{exc.lineno})"
    else:
        frames = traceback.extract_tb(exc.__traceback__)
        if frames:
            where = f" ({frames[-1].filename}:{frames[-1].lineno})"
    message = str(exc).strip().splitlines()
    detail = f"{type(exc).__name__}: {message[0]}" if message else type(exc).__name__
    return f"importing {what} failed: {detail}{where}"


def _find_class(module: ModuleType, qualname: str) -> type:
    obj: object = module
    for part in qualname.split("."):
        if part == "<locals>":
            raise UsageError(
                f"{qualname} is defined inside a function; only classes reachable as "
                f"attributes of the module can be named"
            )
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise UsageError(
                f"module {module.__name__!r} has no class {qualname!r}{_known_classes(module)}"
            ) from None
    if not isinstance(obj, type):
        raise UsageError(f"{module.__name__}:{qualname} is a {type(obj).__name__}, not a class")
    return obj


def _known_classes(module: ModuleType) -> str:
    names: List[str] = sorted(
        name
        for name, value in vars(module).items()
        if isinstance(value, type) and getattr(value, "__module__", None) == module.__name__
    )
    if not names:
        return " (it defines no classes)"
    shown = ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")
    return f" (its classes: {shown})"
