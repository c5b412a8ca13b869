"""Autoslot every class of chosen packages as their modules are imported.

::

    from autoslots import hook
    hook.install(packages=["mypkg"], mode="enforce")   # or mode="audit"
    import mypkg                                       # its classes are autoslotted
    hook.uninstall()

How: a finder at the front of ``sys.meta_path`` takes over the source modules of the
packages (``mypkg`` and ``mypkg.*``).  Their source is compiled with one change: every
``class`` statement gets one decorator, ``__autoslots_hook__(d1, ..., dn)``, in place of its
own decorators ``d1, ..., dn``.  That call evaluates the user's decorators in the same
order as before and applies them, plus ``autoslots``, to the class when the ``class``
statement runs.  So the name in the module, instances created while the module runs and
subclasses defined after it all see the autoslotted class: nothing is replaced after
the fact.

``autoslots`` is applied before the user's decorators, except that decorators from
``dataclasses``, ``attr``/``attrs`` and ``pydantic`` (which generate ``__init__`` from the
fields) come first, as ``@autoslots`` over ``@dataclass`` in hand-written code.

Classes that must keep a ``__dict__`` keep it; classes autoslots refuses (an Enum, a layout
conflict, ...) are left as they are, and so are classes that declare ``__slots__``
themselves and classes that the package names as a later base beside another base
(``class C(A, B)``: two slotted bases would clash).  Nothing is printed per class: the warnings are
collected in :attr:`Hook.results` and summarised by the report.

``mode="audit"``: classes are built with ``dict=True`` (slots for what the inference found,
a ``__dict__`` for the rest) and every attribute that lands in an instance ``__dict__`` is
recorded with the file and line that wrote it (see ``autoslots._audit``).

Compiled code of the transformed modules is never written to ``__pycache__``.
"""

from __future__ import annotations

import ast
import atexit
import importlib.abc
import importlib.machinery
import json
import os
import sys
import types
import warnings
from dataclasses import dataclass, field
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    Optional,
    Sequence,
    Set,
    Tuple,
    Type,
    cast,
)

from ._build import autoslots
from ._errors import AutoSlotsError, AutoSlotsWarning
from ._explain import explain
from ._infer import infer_class
from ._layout import all_reasons, get_record, needs_proof, plan_layout
from ._options import Options

__all__ = ["ENV_VAR", "HOOK_NAME", "ClassResult", "Hook", "active", "install", "uninstall"]

MODES = ("enforce", "audit")
# The module global through which transformed ``class`` statements reach the hook.
HOOK_NAME = "__autoslots_hook__"
# ``autoslots run`` passes the hook's settings to the child process in this variable.
ENV_VAR = "AUTOSLOTS_HOOK"

# At most this many files of a package are scanned for classes with several bases.
_SCAN_LIMIT = 5000
# Decorators from these top-level modules build ``__init__`` from the class's fields, so
# they are applied before autoslots.
_FIELD_DECORATOR_MODULES = frozenset({"dataclasses", "attr", "attrs", "pydantic"})

_active: Optional[Hook] = None


@dataclass
class ClassResult:
    """What the hook did with one class.

    ``status``: ``"slotted"`` (no ``__dict__``), ``"kept_dict"`` (slots plus a ``__dict__``:
    a dict-based base, an unproven attribute set, or audit mode), ``"already"`` (autoslotted
    by its own code), ``"declared"`` (its body declares ``__slots__``: left as it is),
    ``"multi_base"`` (the package names it as a later base beside another one, and it
    would get slots: left as it is), ``"refused"`` (AutoSlotsError: left as it was) or
    ``"error"`` (an unexpected exception inside autoslots: left as it was).
    """

    module: str
    qualname: str
    status: str
    slots: Tuple[str, ...] = ()
    dict_because: List[str] = field(default_factory=lambda: [])
    message: str = ""
    warnings: List[str] = field(default_factory=lambda: [])
    # Why enforce mode keeps (or would keep) a ``__dict__``; in audit mode without the
    # ``__dict__`` that the audit itself adds.
    enforce_because: List[str] = field(default_factory=lambda: [])
    count: int = 1

    @property
    def name(self) -> str:
        return f"{self.module}:{self.qualname}"

    @property
    def enforce_keeps_dict(self) -> bool:
        """Whether enforce mode keeps a ``__dict__`` (audit mode adds one with dict=True)."""
        return bool(self.enforce_because)

    def to_dict(self) -> Dict[str, Any]:
        return {
            "class": self.name,
            "status": self.status,
            "slots": list(self.slots),
            "dict_because": list(self.dict_because),
            "message": self.message,
            "warnings": list(self.warnings),
            "enforce_because": list(self.enforce_because),
            "count": self.count,
        }


class Hook:
    """An installed import hook (see :func:`install`)."""

    def __init__(
        self, packages: Sequence[str], mode: str, report: Optional[str] = None
    ) -> None:
        self.packages: Tuple[str, ...] = tuple(packages)
        self.mode = mode
        self.report_path = report
        self.results: List[ClassResult] = []
        self.modules: List[str] = []
        self.active = False
        self.auditor: Optional[Any] = None
        # classes that have a __dict__ only because the audit asked for one
        self._audit_dict_only: Set[type] = set()
        # class names used as a later base in a class statement with several bases
        # (name -> "file:line" of one such statement), from a scan of each package's source
        self._later_bases: Dict[str, str] = {}
        self._scanned: Set[str] = set()
        if mode == "audit":
            from ._audit import Auditor

            self.auditor = Auditor()
        self._finder = _Finder(self)

    def covers(self, module: str) -> bool:
        """Whether ``module`` belongs to one of the hooked packages."""
        return any(module == pkg or module.startswith(pkg + ".") for pkg in self.packages)

    # -- the decorator that transformed class statements call --------------------------

    def decorators(self, *decorators: Any) -> Callable[[Any], Any]:
        """The replacement of a ``class`` statement's decorators ``d1, ..., dn``."""

        def apply(cls: Any) -> Any:
            if not self.active:
                for decorator in reversed(decorators):
                    cls = decorator(cls)
                return cls
            order = list(reversed(decorators))
            first = 0
            for index, decorator in enumerate(order):
                if _builds_fields(decorator):
                    first = index + 1
            for decorator in order[:first]:
                cls = decorator(cls)
            cls = self.process(cls)
            for decorator in order[first:]:
                cls = decorator(cls)
            return cls

        return apply

    def process(self, cls: Any) -> Any:
        """Autoslot one class; never raises (a refused class is returned unchanged)."""
        if not isinstance(cls, type):
            return cls
        module = str(getattr(cls, "__module__", "?"))
        qualname = str(getattr(cls, "__qualname__", cls.__name__))
        if get_record(cls) is not None:
            self.results.append(ClassResult(module, qualname, "already"))
            return cls
        if cls.__name__ in self._later_bases and _gets_slots(cls):
            where = self._later_bases[cls.__name__]
            message = (
                f"named as a later base beside another one ({where}): left as it is, so "
                f"that the two bases cannot both carry slots (a layout conflict)"
            )
            self.results.append(ClassResult(module, qualname, "multi_base", message=message))
            return cls
        if "__slots__" in cls.__dict__:
            # Slotted by hand: its author fixed the layout (and its code may read
            # ``__slots__`` or rely on the pickle format of that layout).
            self.results.append(ClassResult(module, qualname, "declared"))
            return cls
        kind = cast("Type[object]", cls)  # (a class: checked above)
        new_cls: Any
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                if self.mode == "audit" and _provable(kind):
                    new_cls = autoslots(dict=True)(kind)
                else:
                    new_cls = autoslots(kind)
            except AutoSlotsError as exc:
                result = ClassResult(module, qualname, "refused", message=str(exc))
                new_cls = kind
            except Exception as exc:  # a bug in autoslots must not break the program
                message = f"{type(exc).__name__}: {exc}"
                result = ClassResult(module, qualname, "error", message=message)
                new_cls = kind
            else:
                result = _result_of(new_cls, module, qualname)
                result.enforce_because = self._enforce_because(new_cls)
        for warning in caught or ():
            if issubclass(warning.category, AutoSlotsWarning):
                result.warnings.append(str(warning.message))
            else:
                warnings.warn_explicit(
                    warning.message, warning.category, warning.filename, warning.lineno
                )
        self.results.append(result)
        if self.auditor is not None and result.status == "kept_dict":
            self.auditor.watch(new_cls)
            if not result.enforce_because:
                self._audit_dict_only.add(new_cls)
        return new_cls

    def _enforce_because(self, cls: type) -> List[str]:
        """Why enforce mode keeps a ``__dict__`` for ``cls`` (empty: it does not)."""
        record = get_record(cls)
        if record is None:
            return []
        if self.mode != "audit":
            return list(record.plan.dict_because) if record.plan.keeps_dict else []
        because: List[str] = []
        for base in cls.__bases__:
            if self._has_dict(base):
                because.append(f"base {base.__qualname__} has a __dict__")
                break
        name = cls.__name__
        if all_reasons(record.inference, cls.__bases__) and needs_proof(
            name, cls.__bases__, dict(cls.__dict__), record.options
        ):
            because.append("its attribute set cannot be proven")
        return because

    def _has_dict(self, klass: type) -> bool:
        """Whether instances of ``klass`` have a ``__dict__`` outside the audit."""
        if klass in self._audit_dict_only:
            return any(self._has_dict(base) for base in klass.__bases__)
        return klass.__dictoffset__ != 0

    def scan_package(self, name: str, locations: Sequence[str]) -> None:
        """Find the class names that the package's code uses as a later base of a class
        with several bases (``class C(A, B)``: ``B``), once per hooked package.

        Two bases that both get slots cannot be combined, and the hook sees ``A`` and
        ``B`` before ``C`` (maybe in another module), so such a ``B`` is left as it is
        when it would get slots of its own.
        """
        if name in self._scanned:
            return
        self._scanned.add(name)
        count = 0
        for location in locations:
            for folder, _dirs, files in os.walk(location):
                for filename in sorted(files):
                    if not filename.endswith(".py") or count >= _SCAN_LIMIT:
                        continue
                    count += 1
                    self.scan_file(os.path.join(folder, filename))

    def scan_file(self, path: str) -> None:
        """``scan_package`` for one module's file."""
        try:
            with open(path, "rb") as stream:
                tree = ast.parse(stream.read(), filename=path)
        except (OSError, SyntaxError, ValueError):
            return
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and len(node.bases) > 1:
                for base in node.bases[1:]:
                    base_name = _base_name(base)
                    if base_name is not None:
                        self._later_bases.setdefault(base_name, f"{path}:{node.lineno}")

    # -- installing ---------------------------------------------------------------------

    def _install(self) -> None:
        sys.meta_path.insert(0, self._finder)
        self.active = True
        if self.report_path is not None:
            atexit.register(self._at_exit)

    def _uninstall(self) -> None:
        self.active = False
        while self._finder in sys.meta_path:
            sys.meta_path.remove(self._finder)
        if self.auditor is not None:
            self.auditor.collect_leftovers()
            self.auditor.unwatch_all()
        if self.report_path is not None:
            atexit.unregister(self._at_exit)
            self.write_report()

    def _at_exit(self) -> None:
        if self.auditor is not None:
            self.auditor.collect_leftovers()
        self.write_report()

    def report(self) -> Dict[str, Any]:
        """The report as JSON-ready data (see ``autoslots._audit.build_report``)."""
        from ._audit import build_report

        return build_report(self)

    def write_report(self, path: Optional[str] = None) -> None:
        """Write the report as JSON to ``path`` and as text next to it (``.txt``)."""
        from ._audit import render_text

        target = path or self.report_path
        if target is None:
            return
        data = self.report()
        with open(target, "w", encoding="utf-8") as stream:
            json.dump(data, stream, indent=2)
            stream.write("\n")
        with open(text_path(target), "w", encoding="utf-8") as stream:
            stream.write(render_text(data))


def text_path(report: str) -> str:
    """Where the text form of the JSON report ``report`` goes."""
    base, ext = os.path.splitext(report)
    return (base if ext == ".json" else report) + ".txt"


def _base_name(node: ast.expr) -> Optional[str]:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None  # Generic[T], calls, starred: not a class of the package by name


def _gets_slots(cls: type) -> bool:
    """Whether autoslots would give ``cls`` slots of its own (other than ``__dict__`` and
    ``__weakref__``, which never make a layout conflict)."""
    try:
        plan = plan_layout(cls.__name__, cls.__bases__, dict(cls.__dict__), infer_class(cls),
                           Options())
    except Exception:
        return True
    return any(slot not in ("__dict__", "__weakref__") for slot in plan.slots)


def _provable(cls: type) -> bool:
    """Whether enforce mode would slot the inferred attributes of ``cls``.

    Audit mode adds ``dict=True`` only to those classes: a class whose attribute set
    cannot be proven gets no inferred slots under enforce, and must not get them in the
    audit either (two such classes combined as bases would clash in the audit only).
    """
    try:
        return not explain(cls).reasons
    except Exception:
        return True  # autoslots() itself will refuse it, or report the problem


def _builds_fields(decorator: object) -> bool:
    func = getattr(decorator, "func", decorator)  # functools.partial
    module = getattr(func, "__module__", None) or ""
    return module.partition(".")[0] in _FIELD_DECORATOR_MODULES


def _result_of(cls: type, module: str, qualname: str) -> ClassResult:
    record = get_record(cls)
    if record is None:  # pragma: no cover - autoslots always records
        return ClassResult(module, qualname, "error", message="no record")
    plan = record.plan
    status = "kept_dict" if plan.keeps_dict else "slotted"
    slots = tuple(s for s in plan.slots if s not in ("__dict__", "__weakref__"))
    return ClassResult(module, qualname, status, slots, list(plan.dict_because))


# -- the finder, the loader and the source transform ----------------------------------


class _Finder(importlib.abc.MetaPathFinder):
    """Find the hooked modules with the other finders; compile them with the transform."""

    def __init__(self, hook: Hook) -> None:
        self._hook = hook

    def find_spec(
        self,
        fullname: str,
        path: Optional[Sequence[str]],
        target: Optional[types.ModuleType] = None,
    ) -> Optional[importlib.machinery.ModuleSpec]:
        if not self._hook.active or not self._hook.covers(fullname):
            return None
        spec: Optional[importlib.machinery.ModuleSpec] = None
        for finder in list(sys.meta_path):
            if isinstance(finder, _Finder):
                continue
            find = getattr(finder, "find_spec", None)
            if find is None:
                continue
            spec = find(fullname, path, target)
            if spec is not None:
                break
        if spec is None:
            return None
        if fullname in self._hook.packages:
            if spec.submodule_search_locations:
                self._hook.scan_package(fullname, list(spec.submodule_search_locations))
            elif spec.origin and spec.origin.endswith(".py"):
                self._hook.scan_package(fullname, [])
                self._hook.scan_file(spec.origin)
        # (typeshed's ModuleSpec.loader is of an unknown type for Python 3.9)
        loader: object = getattr(spec, "loader")  # noqa: B009
        if type(loader) is not importlib.machinery.SourceFileLoader:
            return spec  # extension modules, namespace packages, other loaders: as they are
        spec.loader = _Loader(fullname, loader.path, self._hook)
        return spec


class _Loader(importlib.machinery.SourceFileLoader):
    def __init__(self, fullname: str, path: str, hook: Optional[Hook] = None) -> None:
        super().__init__(fullname, path)
        # (code that copies a loader as ``type(loader)(name, path)`` gets the active hook)
        self._hook = hook if hook is not None else _active or Hook([fullname], "enforce")

    def get_code(self, fullname: str) -> types.CodeType:
        path = self.get_filename(fullname)
        source = self.get_data(path)
        tree = ast.parse(source, filename=path)
        tree = _ClassTransform().visit(tree)
        ast.fix_missing_locations(tree)
        code: types.CodeType = compile(tree, path, "exec", dont_inherit=True)
        return code

    def exec_module(self, module: types.ModuleType) -> None:
        module.__dict__[HOOK_NAME] = self._hook.decorators
        self._hook.modules.append(module.__name__)
        super().exec_module(module)


class _ClassTransform(ast.NodeTransformer):
    """``@d1 @d2 class C`` -> ``@__autoslots_hook__(d1, d2) class C``, at every depth."""

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.ClassDef:
        self.generic_visit(node)
        call = ast.Call(
            func=ast.Name(id=HOOK_NAME, ctx=ast.Load()),
            args=list(node.decorator_list),
            keywords=[],
        )
        anchor: ast.AST = node.decorator_list[0] if node.decorator_list else node
        ast.copy_location(call, anchor)
        ast.copy_location(call.func, anchor)
        call.end_lineno = call.lineno
        call.func.end_lineno = call.lineno
        node.decorator_list = [call]
        return node


# -- the public functions ---------------------------------------------------------------


def install(
    packages: Iterable[str], mode: str = "enforce", *, report: Optional[str] = None
) -> Hook:
    """Autoslot the classes of ``packages`` (and their subpackages) from now on.

    ``mode="enforce"`` builds them as ``@autoslots`` would; ``mode="audit"`` keeps a
    ``__dict__`` beside the slots and records what lands in it.  With ``report=PATH`` the
    report is written (JSON at PATH, text beside it) at exit or by :func:`uninstall`.
    Modules imported before the call are not changed.  Installing again replaces the
    previous hook.
    """
    global _active
    names = [packages] if isinstance(packages, str) else list(packages)
    # (the names are the caller's values: checked at run time)
    if not names or not all(
        isinstance(n, str) and n for n in names  # pyright: ignore[reportUnnecessaryIsInstance]
    ):
        raise ValueError("install() needs the names of one or more packages")
    if mode not in MODES:
        raise ValueError(f"mode must be 'enforce' or 'audit', not {mode!r}")
    uninstall()
    hook = Hook(names, mode, report)
    hook._install()  # pyright: ignore[reportPrivateUsage]  (this module's entry point)
    _active = hook
    return hook


def uninstall() -> None:
    """Stop the hook: later imports are plain, the audit's recorders are removed, and the
    report (if one was asked for) is written.  Classes already built stay as they are."""
    global _active
    hook, _active = _active, None
    if hook is not None:
        hook._uninstall()  # pyright: ignore[reportPrivateUsage]  (this module's entry point)


def active() -> Optional[Hook]:
    """The installed hook, or None."""
    return _active


def install_from_env() -> Optional[Hook]:
    """Install the hook that ``autoslots run`` asked for through ``AUTOSLOTS_HOOK``.

    Only the first process that reads the settings writes the report: its child
    processes get the hook without the report path.
    """
    raw = os.environ.get(ENV_VAR)
    if not raw:
        return None
    settings = json.loads(raw)
    report = settings.pop("report", None)
    os.environ[ENV_VAR] = json.dumps(settings)
    return install(settings["packages"], settings.get("mode", "enforce"), report=report)
