"""The ``@autoslots`` class decorator, and the namespace preparation both forms share.

The decorator is a pipeline of small steps:

1. check the input (a class; not an Enum) -- nothing is built when this fails;
2. return an already autoslotted class unchanged;
3. infer the instance attributes (``_infer``) and plan the layout (``_layout``);
4. report what cannot be proven (a warning, or an error with ``strict=True``);
5. build the new class once, with ``type(cls)(name, bases, namespace)``, from a cleaned
   copy of the old namespace plus ``__slots__`` and the run-time pieces (``_runtime``);
6. point every ``__class__`` cell (and every closure cell) that held the old class at
   the new one, so that zero-argument ``super()`` keeps working.
"""

from __future__ import annotations

import abc
import enum
import functools
import os
import sys
import types
import warnings
from typing import (
    Any,
    Callable,
    Dict,
    FrozenSet,
    List,
    Mapping,
    Optional,
    Set,
    Tuple,
    TypeVar,
    Union,
    cast,
    overload,
)

from ._classes import LAYOUT_TYPES, MISSING, OBJECT_MRO, SCALAR_TYPES, of_types, static_mro
from ._errors import AutoSlotsError, AutoSlotsWarning
from ._infer import Inference, infer_namespace
from ._layout import (
    RECORD_ATTR,
    Plan,
    Record,
    all_reasons,
    get_record,
    needs_proof,
    plain_mro,
    plan_layout,
)
from ._options import Options
from ._runtime import (
    GENERATED,
    SlotCachedProperty,
    SlotDefault,
    getstate,
    setstate,
)

T = TypeVar("T")

# What ``extra=`` accepts (checked again at run time by ``Options``): one name or a
# tuple, list, set or frozenset of names.
Names = Union[str, Tuple[str, ...], List[str], Set[str], FrozenSet[str]]

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
# Options are immutable: one instance serves every class that uses the defaults.
DEFAULT_OPTIONS = Options()
_HEAPTYPE = 1 << 9
_OBJECT_DICT = object.__dict__


@overload
def autoslots(cls: type[T], /) -> type[T]: ...


@overload
def autoslots(
    *,
    weakref: bool = True,
    dict: bool = False,
    extra: Names = (),
    strict: bool = False,
    mixin: bool = False,
) -> Callable[[type[T]], type[T]]: ...


def autoslots(cls: Optional[type] = None, /, **options: Any) -> Any:
    """Build ``cls`` again with ``__slots__`` inferred from its own code.

    ``@autoslots`` or ``@autoslots(weakref=True, dict=False, extra=(), strict=False,
    mixin=False)``.  Returns a new class (a class cannot gain slots in place); an
    already autoslotted class is returned unchanged.

    The decorator and the metaclass form (``class C(AutoSlots)``) build the same
    layout.  What differs is class creation itself.  The decorator receives a finished
    class and creates it a second time, so for the new class Python runs again:

    - the bases' ``__init_subclass__`` -- *without* the class keywords of the original
      ``class`` statement (a base that requires keywords fails: the decorator then
      raises AutoSlotsError and suggests the metaclass form);
    - ``__set_name__`` of every descriptor in the body (the last call names the final
      class as owner);
    - the metaclass's ``__new__``/``__init__`` (``type(C)`` is kept).

    The discarded original stays in ``Base.__subclasses__()`` until the garbage
    collector frees it.  Class-level assignments made later (``C.x = 5`` for a name that
    instances also assign) replace the descriptor that keeps the default; the metaclass
    form updates the default instead.  The metaclass form runs every hook exactly once,
    with the final class.
    """
    if cls is None:
        checked = DEFAULT_OPTIONS.updated("@autoslots(...)", options)
        return functools.partial(_decorate, options=checked)
    if options:
        raise AutoSlotsError("@autoslots takes options as keywords only: @autoslots(dict=True)")
    return _decorate(cls, options=DEFAULT_OPTIONS)


def _decorate(cls: Any, *, options: Options) -> Any:
    check_input(cls)
    if get_record(cls) is not None:
        return cls
    name, qualname, module, bases = cls.__name__, cls.__qualname__, cls.__module__, cls.__bases__
    namespace = clean_namespace(cls)
    mro = static_mro(bases)
    inference = infer_namespace(name, qualname, module, bases, namespace, mro=mro)
    plain = mro is OBJECT_MRO or plain_mro(mro)
    plan = plan_layout(name, bases, namespace, inference, options, mro, plain)
    if inference.reasons or not plain:  # (else there is nothing to report)
        report(module, qualname, bases, namespace, inference, options, mro, plain)
    if not _needs_rebuild(cls, plan):
        plan.weakref = cls.__weakrefoffset__ != 0
        type.__setattr__(cls, RECORD_ATTR, Record(options, inference, plan))
        return cls
    # (in place: the cleaned namespace is this function's own copy)
    new_namespace = prepare_namespace(name, bases, namespace, plan, inference, options,
                                      in_place=True, mro=mro)
    new_cls = _rebuild(cls, new_namespace)
    made_by_type = mro is OBJECT_MRO and type(new_cls) is type  # (see fix_class_cells)
    fix_class_cells(new_cls, cls, new_namespace if made_by_type else None)
    return new_cls


# -- 1. the input -----------------------------------------------------------------------


def check_input(cls: Any) -> None:
    if type(cls) is type and cls.__flags__ & _HEAPTYPE:
        return  # the common case: a class of metaclass ``type`` (so no Enum) from Python
    if not isinstance(cls, type):
        raise AutoSlotsError(f"@autoslots decorates classes, not {cls!r}")
    name = cls.__qualname__
    if isinstance(cls, enum.EnumMeta):
        raise AutoSlotsError(
            f"{name}: Enum classes cannot be rebuilt with __slots__ (their members already "
            f"exist); leave @autoslots off"
        )
    if not cls.__flags__ & _HEAPTYPE:
        raise AutoSlotsError(f"{name}: built-in classes cannot be rebuilt")


def clean_namespace(cls: type) -> Dict[str, Any]:
    """A copy of ``cls.__dict__`` without what belongs to the old class's layout.

    The ``__dict__``/``__weakref__`` getset descriptors and the member descriptors of its
    own slots only work for instances of the old class; ``type()`` makes new ones.
    """
    member = types.MemberDescriptorType
    namespace = {
        key: value
        for key, value in cls.__dict__.items()
        if type(value) is not member or value.__objclass__ is not cls
    }
    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    if type(cls) is not type and isinstance(cls, abc.ABCMeta):
        # ABCMeta computes these again for the new class.
        namespace.pop("_abc_impl", None)
        namespace.pop("__abstractmethods__", None)
    namespace["__qualname__"] = cls.__qualname__
    return namespace


# -- 4. what cannot be proven ---------------------------------------------------------


def report(
    module: str,
    qualname: str,
    bases: Tuple[type, ...],
    namespace: Mapping[str, Any],
    inference: Inference,
    options: Options,
    mro: Optional[Tuple[type, ...]] = None,
    plain: bool = False,
) -> None:
    """Warn (or raise, with ``strict=True``) where the attribute set is not proven.

    No warning when instances keep a ``__dict__`` anyway (``dict=True``, a dict-based
    base) or for a mixin (its subclasses slot its attributes).  ``mro``:
    ``static_mro(bases)``, where the caller has it already; ``plain``: whether
    ``plain_mro(mro)`` holds (then no base is an autoslotted mixin with reasons).
    """
    reasons = inference.reasons if plain else all_reasons(inference, bases, mro)
    if not reasons or not needs_proof(qualname.rpartition(".")[2], bases, namespace, options):
        return
    lines = [f"{module}.{qualname} keeps its __dict__: its attribute set cannot be proven:"]
    for reason in reasons:
        site = reason.site
        lines.append(f"  {site.function} ({site.filename}:{site.lineno}): {reason.what}")
    if options.strict and not options.dict:
        lines[0] = f"{module}.{qualname}: strict=True, but its attribute set cannot be proven:"
        raise AutoSlotsError("\n".join(lines))
    if options.dict or any(base.__dictoffset__ for base in bases):
        return
    lines.append(
        "  (set these attributes by name in the class's code to get slots, or pass "
        "dict=True to keep the __dict__ without this warning; explain() shows details)"
    )
    _warn("\n".join(lines))


def _warn(message: str) -> None:
    """Warn with the location of the user code that created the class."""
    level = 1
    frame: Optional[types.FrameType] = sys._getframe(0)  # pyright: ignore[reportPrivateUsage]
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    warnings.warn(message, AutoSlotsWarning, stacklevel=level)


# -- 5. the new namespace and the new class ------------------------------------------


def _needs_rebuild(cls: type, plan: Plan) -> bool:
    """Whether the planned layout differs from what ``cls`` already has."""
    if plan.storage or plan.defaults or plan.cached:
        return True
    for name in plan.slots:
        if name == "__dict__":
            if not cls.__dictoffset__:
                return True
        elif name == "__weakref__":
            if not cls.__weakrefoffset__:
                return True
        else:
            value = cls.__dict__.get(name)
            if not (isinstance(value, types.MemberDescriptorType) and value.__objclass__ is cls):
                return True
    if not plan.keeps_dict and cls.__dictoffset__:
        return True
    own = [k for k, v in cls.__dict__.items()
           if isinstance(v, types.MemberDescriptorType) and v.__objclass__ is cls]
    if set(own) - set(plan.slots):
        return True
    return bool(cls.__weakrefoffset__) != plan.weakref and "__weakref__" not in plan.slots


def prepare_namespace(
    name: str,
    bases: Tuple[type, ...],
    namespace: Mapping[str, Any],
    plan: Plan,
    inference: Inference,
    options: Options,
    *,
    in_place: bool = False,
    mro: Optional[Tuple[type, ...]] = None,
) -> Dict[str, Any]:
    """The class body's namespace with ``__slots__`` and the run-time pieces added.

    ``in_place``: add them to ``namespace`` itself (a dict the caller owns) rather than
    to a copy.  ``mro``: ``static_mro(bases)``, where the caller has it already.
    """
    if in_place:
        assert isinstance(namespace, dict)
        result: Dict[str, Any] = namespace
    else:
        result = dict(namespace)
    declared = "__slots__" in namespace
    result["__slots__"] = plan.slots
    if plan.defaults:
        for attr, value in plan.defaults.items():
            result[attr] = SlotDefault(attr, plan.storage[attr], value)
    if plan.cached:
        for attr, prop in plan.cached.items():
            cached = SlotCachedProperty(prop.func, plan.storage[attr])
            cached.__doc__ = prop.__doc__
            result[attr] = cached
    if not declared:
        # A hand-slotted body pickles as its author wrote it: Python's own
        # ``(dict, slots)`` state, which its subclasses' ``__setstate__`` may expect.
        _add_pickling(result, bases, plan, static_mro(bases) if mro is None else mro)
    result[RECORD_ATTR] = Record(options, inference, plan)
    return result


def _add_pickling(
    namespace: Dict[str, Any], bases: Tuple[type, ...], plan: Plan, mro: Tuple[type, ...]
) -> None:
    """``__getstate__``/``__setstate__`` (and an exception's ``__reduce__``) where needed.

    Only where the class will declare slots (a bare ``__weakref__`` slot counts), and
    never over the user's own: a method defined in the body or in any Python-level base
    is kept.  ``mro``: ``static_mro(bases)``.
    """
    # Any non-empty ``__slots__`` -- even ``("__weakref__",)`` -- makes protocols 0 and 1
    # refuse a class without ``__getstate__``.
    if not plan.slots and not _has_member(mro):
        return
    if mro is OBJECT_MRO:
        # The common case: ``object`` has neither the user's methods nor an exception.
        if "__getstate__" not in namespace:
            namespace["__getstate__"] = getstate
        if "__setstate__" not in namespace:
            namespace["__setstate__"] = setstate
        return
    for method in ("__getstate__", "__setstate__"):
        if method not in namespace:
            inherited = _inherited(mro, method)
            if inherited is MISSING or inherited is None:
                namespace[method] = GENERATED[method]
    for base in bases:
        if issubclass(base, BaseException):
            if _user_defined(namespace, mro, ("__reduce__", "__reduce_ex__")) is None:
                namespace.setdefault("__reduce__", GENERATED["__reduce__"])
            break


def _has_member(mro: Tuple[type, ...]) -> bool:
    """Whether a class of ``mro`` has a member descriptor (a slot, or a C-level member)."""
    member = types.MemberDescriptorType
    for klass in mro:
        if klass is object:
            continue  # (it has none)
        for value in klass.__dict__.values():
            if type(value) is member:
                return True
    return False


def _user_defined(
    namespace: Mapping[str, Any], mro: Tuple[type, ...], methods: Tuple[str, ...]
) -> Optional[object]:
    """The user's own definition of one of ``methods`` (or an inherited generated one)."""
    for method in methods:
        if method in namespace:
            found: object = namespace[method]
            return found
        found = _inherited(mro, method)
        if found is not MISSING:
            return found
    return None


def _inherited(mro: Tuple[type, ...], method: str) -> object:
    """A base's definition of ``method`` that is the user's (or a generated one), or
    MISSING."""
    for klass in mro:
        if klass is object:
            # (its own methods are neither the user's nor generated)
            if method in _OBJECT_DICT:
                return MISSING
            continue
        own = klass.__dict__
        if method in own:
            found: object = own[method]
            if klass.__flags__ & _HEAPTYPE or found in GENERATED.values():
                return found
            return MISSING
    return MISSING


def _rebuild(cls: type, namespace: Dict[str, Any]) -> type:
    try:
        new_cls: type = type(cls)(cls.__name__, cls.__bases__, namespace)
    except Exception as exc:
        raise AutoSlotsError(
            f"{cls.__qualname__}: creating the class again with __slots__ failed: {exc}. "
            f"The decorator re-creates the class, which runs the bases' __init_subclass__ "
            f"(without the original class keywords) and the metaclass again; the base "
            f"form (class {cls.__name__}(AutoSlots, ...)) creates it only once."
        ) from exc
    return new_cls


# -- 6. closure cells -----------------------------------------------------------------


def fix_class_cells(
    new_cls: type, old_cls: type, namespace: Optional[Mapping[str, Any]] = None
) -> None:
    """Point every closure cell holding ``old_cls`` (``__class__``, a dataclass's
    ``cls``) at ``new_cls``, in everything the class body holds.

    Walks functions, their closures (wrappers without ``functools.wraps``), their
    ``__wrapped__`` chains, property accessors, class/static methods, cached
    properties, singledispatch registries and the autoslots descriptors.
    ``namespace``: what the new class was made from, when its metaclass is ``type`` and
    its only base ``object``.  Then, as long as the namespace holds only functions and
    values of inert types (none has a ``__set_name__`` that could add to the class),
    the new class's dict holds that and ``type()``'s own descriptors (the slots'
    members: many, and none holds a cell), and the namespace is walked instead.
    """
    inert = _INERT_TYPES
    function_type = types.FunctionType
    # First, in one quick pass, what may hold a cell at all: most values are of inert
    # types, most functions are plain (no closure, no ``__wrapped__``, no registry), and
    # ``__slots__`` holds strings.  The walk (``_fix_cells``) skips these by the same
    # tests; only the rest goes to it.
    stack: List[object] = []
    own = new_cls.__dict__ if namespace is None else namespace
    slots = own.get("__slots__")
    for value in own.values():
        kind = type(value)  # pyright: ignore[reportUnknownVariableType]  (a value: Any)
        try:
            if kind in inert:
                continue
        except TypeError:
            pass  # (a class whose metaclass defines __eq__ only: unhashable, not inert)
        if kind is function_type:
            if (
                value.__closure__ is None
                and getattr(value, "__wrapped__", None) is None
                and getattr(value, "registry", None) is None
            ):
                continue
        elif value is slots:
            continue
        elif namespace is not None:
            fix_class_cells(new_cls, old_cls)  # (it may have added to the class)
            return
        stack.append(value)
    if stack:
        _fix_cells(stack, new_cls, old_cls)


def _fix_cells(stack: List[object], new_cls: type, old_cls: type) -> None:
    """:func:`fix_class_cells` for the values on ``stack`` (emptied) and all they hold."""
    inert = _INERT_TYPES
    function_type = types.FunctionType
    seen: set[int] = set()
    while stack:
        obj = stack.pop()
        kind = type(obj)
        if kind is function_type:
            func: types.FunctionType = obj  # type: ignore[assignment]
            closure = func.__closure__
            # (getattr: reading ``__dict__`` would give the function a dict)
            wrapped = getattr(func, "__wrapped__", None)
            registry = getattr(func, "registry", None)
            if closure is None and wrapped is None and registry is None:
                continue  # the common case: a plain function holds nothing
            if id(func) in seen:
                continue
            seen.add(id(func))
            if closure is not None:
                for cell in closure:
                    try:
                        content = cell.cell_contents
                    except ValueError:
                        continue
                    if content is old_cls:
                        cell.cell_contents = new_cls
                    else:
                        stack.append(content)
            if wrapped is not None:
                stack.append(wrapped)
            if registry is not None and isinstance(registry, Mapping):
                stack.extend(registry.values())  # pyright: ignore[reportUnknownArgumentType]
            continue
        if of_types(kind, inert):
            continue
        if kind is tuple:
            # (no cycle runs through tuples alone: what they hold is tracked)
            stack.extend(cast("Tuple[object, ...]", obj))
            continue
        if id(obj) in seen or obj is new_cls or obj is old_cls:
            continue
        seen.add(id(obj))
        stack.extend(_inner_functions(obj))


# Exact types of values that hold no function (so no closure cell): skipped at once.
_INERT_TYPES = (
    SCALAR_TYPES
    | LAYOUT_TYPES
    | {types.BuiltinFunctionType, types.CodeType, types.ModuleType, Record}
)


def _inner_functions(obj: object) -> List[object]:
    """The functions a descriptor or wrapper object in a class body holds."""
    if isinstance(obj, (classmethod, staticmethod, types.MethodType)):
        return [obj.__func__]  # pyright: ignore[reportUnknownMemberType]
    if isinstance(obj, property):
        return [obj.fget, obj.fset, obj.fdel]
    if isinstance(obj, functools.cached_property):
        return [obj.func]
    if isinstance(obj, SlotDefault):
        return [obj.default]
    if isinstance(obj, functools.singledispatchmethod):
        registry = getattr(obj.dispatcher, "registry", {})  # pyright: ignore[reportUnknownMemberType, reportUnknownArgumentType]
        return [obj.func, *dict(registry).values()]
    if isinstance(obj, (functools.partial, functools.partialmethod)):
        return [obj.func, *obj.args, *obj.keywords.values()]
    if isinstance(obj, (list, tuple, set, frozenset)):
        return list(obj)  # pyright: ignore[reportUnknownArgumentType]  (nested ones too)
    if isinstance(obj, dict):
        return list(obj.values())  # pyright: ignore[reportUnknownArgumentType]
    if isinstance(obj, type) or not callable(obj):
        return []
    try:
        own = object.__getattribute__(obj, "__dict__")
    except Exception:
        return []
    wrapped = own.get("__wrapped__") if isinstance(own, dict) else None  # pyright: ignore[reportUnknownVariableType, reportUnknownMemberType]
    return [wrapped] if wrapped is not None else []
