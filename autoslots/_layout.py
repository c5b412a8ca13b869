"""Planning a class's layout: which names go into ``__slots__`` and why.

This module is pure: it looks at the bases, the class body's namespace, what the
inference proved and the options, and returns a :class:`Plan`.  The builders (the
decorator in ``_build`` and the metaclass in ``_meta``) carry a plan out; ``explain()``
and the command line report it.
"""

from __future__ import annotations

import functools
import sys
import types
import weakref
from dataclasses import dataclass, field
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    Iterable,
    List,
    Mapping,
    Optional,
    Sequence,
    Set,
    Tuple,
    cast,
)

from ._classes import MISSING as _MISSING
from ._classes import lookup, of_types, static_mro
from ._errors import AutoSlotsError
from ._options import Options
from ._runtime import slot_storage_of

if TYPE_CHECKING:
    from ._infer import Inference
    from ._model import Reason

# Where a class's Record lives: its own ``__dict__`` under this name.
RECORD_ATTR = "__autoslots__"

# Storage slots for names whose class-level value must stay visible (defaults, methods
# that instances override, cached properties) are called ``STORAGE_PREFIX + name``.
STORAGE_PREFIX = "_autoslots_"

_SPECIAL_SLOTS = ("__dict__", "__weakref__")


@dataclass
class Plan:
    """What a builder puts into the class: see the driver interface notes."""

    slots: Tuple[str, ...]
    storage: Dict[str, str] = field(default_factory=lambda: {})
    inherited: Dict[str, Tuple[str, ...]] = field(default_factory=lambda: {})
    keeps_dict: bool = False
    dict_because: List[str] = field(default_factory=lambda: [])
    weakref: bool = False
    # Names whose class-level value is kept behind a descriptor (name -> the value the
    # plain class would show); names whose cached_property caches in a slot.
    defaults: Dict[str, Any] = field(default_factory=lambda: {})
    cached: Dict[str, Any] = field(default_factory=lambda: {})


@dataclass(frozen=True, init=False)
class Record:
    """What autoslots did to a class: stored on the class, read by ``explain()``."""

    options: Options
    inference: Inference
    plan: Plan

    def __init__(self, options: Options, inference: Inference, plan: Plan) -> None:
        # (the frozen dataclass's own ``__init__``, without its three calls of
        # ``object.__setattr__``: every class creation makes a Record)
        fields = self.__dict__
        fields["options"] = options
        fields["inference"] = inference
        fields["plan"] = plan


def get_record(cls: type) -> Optional[Record]:
    """The Record of an autoslotted class (its own, never a base's), or None."""
    try:
        own = type.__getattribute__(cls, "__dict__")
    except (AttributeError, TypeError):
        return None
    record = own.get(RECORD_ATTR)
    if record is None:
        return None  # (the common case)
    return record if isinstance(record, Record) else None


def storage_name(name: str) -> str:
    """The hidden slot that holds the instance value of ``name``."""
    return STORAGE_PREFIX + name


def mangle(name: str, class_name: str) -> str:
    """``name`` as Python stores it when written in the body of class ``class_name``."""
    if not name.startswith("__") or name.endswith("__") or "." in name:
        return name
    stripped = class_name.lstrip("_")
    if not stripped:
        return name
    return f"_{stripped}{name}"


def declared_slots(namespace: Mapping[str, object], class_name: str) -> Tuple[str, ...]:
    """The names of an explicit ``__slots__`` in the class body, mangled."""
    if "__slots__" not in namespace:
        return ()
    raw = namespace["__slots__"]
    items: Iterable[object]
    if isinstance(raw, str):
        items = (raw,)
    elif isinstance(raw, Mapping):
        items = list(cast("Mapping[object, object]", raw))
    else:
        try:
            items = list(cast("Iterable[object]", raw))  # (TypeError where it is not)
        except TypeError:
            raise AutoSlotsError(
                f"{class_name}: __slots__ must be a string or an iterable of strings, "
                f"not {raw!r}"
            ) from None
    names: List[str] = []
    for item in items:
        if not isinstance(item, str):
            raise AutoSlotsError(f"{class_name}: __slots__ items must be strings, not {item!r}")
        mangled = mangle(item, class_name)
        if mangled not in names:
            names.append(mangled)
    return tuple(names)


# -- looking at the bases ---------------------------------------------------------------


def is_data_descriptor(value: object) -> bool:
    kind = type(value)
    return hasattr(kind, "__set__") or hasattr(kind, "__delete__")


def _is_member(value: object, klass: type) -> bool:
    return isinstance(value, types.MemberDescriptorType) and value.__objclass__ is klass


def provided_slot(mro: Iterable[type], name: str) -> Tuple[Optional[type], Optional[str]]:
    """The base that already provides instance storage for ``name``, and that storage.

    A base provides ``name`` when its member descriptor for ``name`` is what attribute
    lookup finds first, or when an autoslots descriptor (a default kept behind a slot, a
    cached property in a slot) of a base stands there.
    """
    owner, value = lookup(mro, name)
    return _provider(name, owner, value)


def _provider(
    name: str, owner: Optional[type], value: object
) -> Tuple[Optional[type], Optional[str]]:
    """:func:`provided_slot` for what attribute lookup found (``owner`` and its value)."""
    if owner is None:
        return None, None
    if _is_member(value, owner):
        return owner, name
    storage = slot_storage_of(value)
    if storage is not None:
        return owner, storage
    return None, None


def _dict_base(bases: Tuple[type, ...]) -> Optional[type]:
    """The base class that gives instances a ``__dict__`` (the one that introduced it)."""
    for base in bases:
        if base.__dictoffset__ == 0:
            continue
        origin = base
        for klass in base.__mro__:
            if klass.__dictoffset__ != 0:
                origin = klass
        return origin
    return None


def _weakref_base(bases: Tuple[type, ...]) -> bool:
    for base in bases:
        if base.__weakrefoffset__ != 0:
            return True
    return False


def _variable_size_base(bases: Tuple[type, ...]) -> Optional[type]:
    for base in bases:
        if base.__itemsize__:
            for klass in reversed(base.__mro__):
                if klass.__itemsize__:
                    return klass
    return None


# -- layout conflicts (what type() calls "multiple bases have instance lay-out conflict")


_PTR = 8 if sys.maxsize > 2**32 else 4
_HEAPTYPE = 1 << 9


def _shape_differs(kind: type, base: type) -> bool:
    if sys.version_info >= (3, 12):
        return kind.__basicsize__ != base.__basicsize__ or kind.__itemsize__ != base.__itemsize__
    size, base_size = kind.__basicsize__, base.__basicsize__
    if kind.__itemsize__ or base.__itemsize__:
        return size != base_size or kind.__itemsize__ != base.__itemsize__
    heap = kind.__flags__ & _HEAPTYPE
    if (
        heap
        and kind.__weakrefoffset__
        and not base.__weakrefoffset__
        and kind.__weakrefoffset__ + _PTR == size
    ):
        size -= _PTR
    dict_offset = kind.__dictoffset__
    if heap and dict_offset and not base.__dictoffset__ and dict_offset + _PTR == size:
        size -= _PTR
    return size != base_size


def solid_base(kind: type) -> type:
    parent = kind.__base__
    base = solid_base(parent) if parent is not None else object
    return kind if _shape_differs(kind, base) else base


def _own_slot_names(kind: type) -> List[str]:
    names: List[str] = []
    for klass in kind.__mro__:
        for key, value in klass.__dict__.items():
            if _is_member(value, klass) and key not in names:
                names.append(key)
    return names


def check_layout(name: str, bases: Tuple[type, ...]) -> None:
    """Raise AutoSlotsError where ``bases`` cannot be combined (instance layout conflict)."""
    if len(bases) < 2:
        return  # one base cannot conflict with itself
    winner: Optional[type] = None
    winner_base: Optional[type] = None
    for base in bases:
        # (the bases the caller got may be anything: refused elsewhere, skipped here)
        if not isinstance(base, type):  # pyright: ignore[reportUnnecessaryIsInstance]
            continue
        candidate = solid_base(base)
        if winner is None or issubclass(candidate, winner):
            winner, winner_base = candidate, base
        elif issubclass(winner, candidate):
            continue
        else:
            raise layout_error(name, winner_base or base, base)


def layout_error(name: str, first: type, second: type) -> AutoSlotsError:
    def describe(base: type) -> str:
        slots = ", ".join(_own_slot_names(base)) or "a C-level layout"
        return f"{base.__qualname__} (slots: {slots})"

    return AutoSlotsError(
        f"{name}: bases {describe(first)} and {describe(second)} have conflicting instance "
        f"layouts: two bases that both carry slots cannot be combined. Declare the "
        f"behaviour-only one with mixin=True (@autoslots(mixin=True) or "
        f"class M(AutoSlots, mixin=True)) so that {name} slots its attributes itself."
    )


# -- the plan -----------------------------------------------------------------------------


def plan_layout(
    name: str,
    bases: Tuple[type, ...],
    namespace: Mapping[str, object],
    inference: Inference,
    options: Options,
    mro: Optional[Tuple[type, ...]] = None,
    plain: Optional[bool] = None,
) -> Plan:
    """What goes into ``__slots__`` for a class with these bases, body and inference.

    ``mro``: ``static_mro(bases)``, and ``plain``: ``plain_mro(mro)``, where the caller
    has them already.
    """
    if len(bases) == 1:  # (``check_layout`` has nothing to check)
        if mro is None:
            mro = static_mro(bases)
        if (
            not options.dict
            and not options.mixin
            and not options.extra
            and "__slots__" not in namespace
            and (plain_mro(mro) if plain is None else plain)
        ):
            found = _plan_plain(name, mro, namespace, inference, options)
            if found is not None:
                return found
    return _plan_general(name, bases, namespace, inference, options, mro)


# Exact types of values that play no part in a plan when a base class holds them: no
# slot member, no autoslots descriptor, no cached property, no Record.
_PLAIN_VALUE_TYPES = frozenset(
    {
        str,
        int,
        bool,
        float,
        tuple,
        dict,
        type(None),
        types.FunctionType,
        classmethod,
        staticmethod,
        property,
    }
)

_UNPROVEN = "its attribute set cannot be proven (reasons below)"


def plain_mro(mro: Tuple[type, ...]) -> bool:
    """Whether no class of ``mro`` bears on a plan beyond its methods.

    True where every class but ``object`` gives instances no ``__dict__``, no
    ``__weakref__`` and no variable size, and holds only dunder names whose values are of
    the plain types above (``AutoSlots`` itself, empty ``__slots__ = ()`` roots).  Such
    classes provide no slot, carry no Record (so no mixin's attributes or reasons) and no
    cached property, and no attribute that is not a dunder; ``object`` neither.
    """
    plain = _PLAIN_VALUE_TYPES
    value: object
    for klass in mro:
        if klass is object:
            continue
        if not isinstance(klass, type):  # pyright: ignore[reportUnnecessaryIsInstance]
            return False
        if klass.__dictoffset__ or klass.__weakrefoffset__ or klass.__itemsize__:
            return False
        for key, value in klass.__dict__.items():
            if (
                not of_types(type(value), plain)
                or type(key) is not str
                or not key.startswith("__")
            ):
                return False
    return True


_OBJECT_DICT = object.__dict__
_OBJECT_NAMES = frozenset(_OBJECT_DICT)

# Exact types of class-body values that the general steps can look at without running
# user code (see ``_plan_plain``).
_SAFE_BODY_TYPES = frozenset(
    {
        types.FunctionType,
        str,
        bytes,
        int,
        bool,
        float,
        complex,
        type(None),
        tuple,
        list,
        dict,
        set,
        frozenset,
        type,
        property,
        classmethod,
        staticmethod,
    }
)


def _plan_plain(
    name: str,
    mro: Tuple[type, ...],
    namespace: Mapping[str, object],
    inference: Inference,
    options: Options,
) -> Optional[Plan]:
    """:func:`_plan_general` where one base has a :func:`plain_mro`, the body declares no
    ``__slots__`` and the options are the defaults (but ``weakref``, ``strict``).

    The same steps, with what they find in such bases: no ``__dict__``, ``__weakref__``
    or variable-size base; no mixin records (so ``needs_proof`` is true: the class keeps
    a ``__dict__`` exactly when its own code is unproven); a wanted name the body does not
    define and that is not a dunder is found in no base (the plain classes hold dunders
    only; ``object`` is checked); no base cached property; and no class-level value of
    the body stands over a slot (``object`` provides none).

    None (leave it to the general steps) for a body with a key that is not a ``str``
    (those steps fail on it), or with a value whose type is not in ``_SAFE_BODY_TYPES``
    under a name that is not a dunder: the general steps ask such values whether they
    are data descriptors, which may run their code.
    """
    safe = _SAFE_BODY_TYPES
    props: List[Tuple[str, Any]] = []
    for attr, value in namespace.items():
        try:
            if type(attr) is str and type(value) in safe:
                continue  # (the common case first: few steps per name)
        except TypeError:
            return None  # (a class whose metaclass defines __eq__ only: unhashable)
        if type(attr) is not str:
            return None
        if type(value) is functools.cached_property:
            props.append((attr, cast(Any, value)))
        elif not attr.startswith("__"):
            return None
    unproven = bool(inference.reasons)
    plan = Plan((), {}, {}, unproven, [_UNPROVEN] if unproven else [], False, {}, {})
    own: List[str] = []
    if not unproven:
        names = list(inference.slots)
        if "__dataclass_fields__" in namespace or "__dict__" in names or "__weakref__" in names:
            merged = dict.fromkeys(names)
            merged.update(dict.fromkeys(dataclass_fields(namespace)))
            for special in _SPECIAL_SLOTS:
                merged.pop(special, None)
            names = list(merged)
        object_dict = _OBJECT_DICT
        if (
            len(names) > 4  # (for a few names, the loop below costs less)
            and _OBJECT_NAMES.isdisjoint(names)
            and namespace.keys().isdisjoint(names)
            and "\n__" not in "\n" + "\n".join(names)  # (no name is a dunder)
        ):
            own = names  # (the common case: each name is a slot of this class)
        else:
            for attr in names:
                if (
                    attr not in namespace
                    and not attr.startswith("__")
                    and attr not in object_dict
                ):
                    own.append(attr)
                else:
                    _place(attr, name, mro, namespace, plan, own)
        for attr, prop in props:
            _cache_in_slot(attr, prop, mro, plan, own)
    if unproven:
        own.append("__dict__")
    if options.weakref:
        own.append("__weakref__")
        plan.weakref = True
    plan.slots = tuple(own)
    return plan


def _cache_in_slot(
    attr: str, prop: Any, mro: Tuple[type, ...], plan: Plan, own: List[str]
) -> None:
    """Give the cached property ``attr`` a storage slot (or a base's)."""
    if attr in plan.defaults:
        del plan.defaults[attr]
    if attr in own:
        own.remove(attr)
    plan.cached[attr] = prop
    base, _ = provided_slot(mro, storage_name(attr))
    store = storage_name(attr)
    plan.storage[attr] = store
    if base is not None:
        plan.inherited.setdefault(base.__qualname__, ())
        plan.inherited[base.__qualname__] += (attr,)
    elif store not in own:
        own.append(store)


def _plan_general(
    name: str,
    bases: Tuple[type, ...],
    namespace: Mapping[str, object],
    inference: Inference,
    options: Options,
    mro: Optional[Tuple[type, ...]] = None,
) -> Plan:
    """:func:`plan_layout` for any bases, body and options."""
    check_layout(name, bases)
    if mro is None:
        mro = static_mro(bases)
    # (each base's ``__dict__`` once: reading it makes a new mapping proxy every time)
    classes = [(klass, klass.__dict__) for klass in mro]
    explicit = declared_slots(namespace, name)
    plan = Plan(slots=())
    dict_base = _dict_base(bases)
    variable = _variable_size_base(bases)

    dict_user: Optional[Tuple[type, Reason]] = None
    if dict_base is not None:
        plan.keeps_dict = True
        plan.dict_because.append(f"base {dict_base.__qualname__} has a __dict__")
        dict_user = _base_using_dict(mro)
        if dict_user is not None:
            user, reason = dict_user
            plan.dict_because.append(
                f"base {user.__qualname__} uses the instance __dict__ ({reason}), so "
                f"attributes stay in it"
            )
    if options.dict:
        plan.keeps_dict = True
        plan.dict_because.append("dict=True")
    if "__dict__" in explicit:
        plan.keeps_dict = True
        plan.dict_because.append("its __slots__ declares __dict__")
    mixins = _mixin_records(mro)
    unproven = bool(
        inference.reasons or (mixins and any(record.inference.reasons for record in mixins))
    ) and needs_proof(name, bases, namespace, options)
    if unproven:
        plan.keeps_dict = True
        plan.dict_because.append(_UNPROVEN)

    # The attributes to place, in order, once each (a dict as an ordered set).
    wanted: Dict[str, None] = dict.fromkeys(explicit)
    if not options.mixin:
        # A class whose attribute set cannot be proven keeps the plain class's
        # behaviour (vars(), __dict__ writes) unless the user asked for dict=True.
        if (not unproven or options.dict) and dict_user is None:
            wanted.update(dict.fromkeys(inference.slots))
            if mixins:
                wanted.update(dict.fromkeys(_mixin_names(mro)))
            if "__dataclass_fields__" in namespace:
                wanted.update(dict.fromkeys(dataclass_fields(namespace)))
        if options.extra:
            wanted.update(dict.fromkeys(options.extra))
    if "__dict__" in wanted or "__weakref__" in wanted:
        for special in _SPECIAL_SLOTS:
            wanted.pop(special, None)

    for attr in explicit:
        if attr in namespace and is_data_descriptor(namespace[attr]):
            if not isinstance(namespace[attr], types.MemberDescriptorType):
                raise AutoSlotsError(
                    f"{name}: __slots__ declares {attr!r}, which the class body also "
                    f"defines as a {type(namespace[attr]).__name__}; remove one of them"
                )
    own: List[str] = []
    for attr in wanted:
        if attr not in namespace and not attr.startswith("__"):
            for _, defined in classes:
                if attr in defined:
                    break
            else:
                own.append(attr)  # the common case: a new slot (what _place decides)
                continue
        _place(attr, name, mro, namespace, plan, own)

    # cached_property needs a place to cache: a slot, unless instances keep a __dict__.
    if not plan.keeps_dict and not options.mixin:
        for attr, prop in _plain_cached_properties(namespace, classes):
            _cache_in_slot(attr, prop, mro, plan, own)

    # A class-level value in the body over a slot that a base provides would hide that
    # slot (hand-written slots make it read-only); keep it as a default instead.
    defaults, cached = plan.defaults, plan.cached
    function_type = types.FunctionType
    for attr, value in namespace.items():
        if attr.startswith("__") or attr in defaults or attr in cached:
            continue
        if type(value) is not function_type and (
            is_data_descriptor(value) or isinstance(value, functools.cached_property)
        ):
            continue
        for klass, defined in classes:  # (provided_slot, with the dicts read once)
            if attr in defined:
                base, storage = _provider(attr, klass, defined[attr])
                if base is not None and storage is not None:
                    defaults[attr] = value
                    plan.storage[attr] = storage
                break

    if variable is not None and own:
        if plan.keeps_dict:
            # Instances of a variable-size builtin keep their attributes in __dict__.
            own = []
            plan.storage.clear()
            plan.defaults.clear()
        else:
            raise AutoSlotsError(
                f"{name}: a subclass of {variable.__qualname__} cannot have non-empty "
                f"__slots__ (Python refuses them for variable-size types), but {name} "
                f"sets {', '.join(own)}; use dict=True to keep a __dict__ for them"
            )

    slots = list(own)
    if plan.keeps_dict and dict_base is None:
        slots.append("__dict__")
    base_weakref = _weakref_base(bases)
    plan.weakref = base_weakref
    # A body that declares __slots__ chose its layout: a __weakref__ slot only if it
    # lists one (code may read ``cls.__slots__``; it must see what the author wrote).
    declared_layout = "__slots__" in namespace
    if (
        options.weakref
        and not base_weakref
        and variable is None
        and not options.mixin
        and not declared_layout
    ):
        slots.append("__weakref__")
        plan.weakref = True
    elif "__weakref__" in explicit and not base_weakref and variable is None:
        slots.append("__weakref__")
        plan.weakref = True
    plan.slots = tuple(slots)
    return plan


_dict_users: weakref.WeakKeyDictionary[type, Optional[Reason]] = weakref.WeakKeyDictionary()


def _base_using_dict(mro: Tuple[type, ...]) -> Optional[Tuple[type, Reason]]:
    """A Python base class whose code reads or writes ``self.__dict__`` (or ``vars()``).

    Moving attributes into slots would hide them from such code, so a class over that
    base keeps its attributes in the ``__dict__``, as the plain class does.
    """
    for klass in mro:
        if not klass.__dictoffset__ or not klass.__flags__ & _HEAPTYPE:
            continue
        try:
            found = _dict_users[klass]
        except KeyError:
            found = _dict_reason(klass)
            _dict_users[klass] = found
        if found is not None:
            return klass, found
    return None


def _dict_reason(klass: type) -> Optional[Reason]:
    from ._infer import infer_class
    from ._model import Reason, Site

    record = get_record(klass)
    try:
        reasons = record.inference.reasons if record is not None else infer_class(klass).reasons
    except Exception as exc:  # a base the engines cannot read: assume the worst
        return Reason(Site(klass.__qualname__, "?", 0), f"cannot be read: {exc}")
    for reason in reasons:
        if "__dict__" in reason.what or "vars(" in reason.what:
            return reason
    return None


def all_reasons(
    inference: Inference, bases: Tuple[type, ...], mro: Optional[Tuple[type, ...]] = None
) -> List[Reason]:
    """Why the attribute set is unproven: the class's own reasons and those of the
    autoslotted mixins among its bases (whose attributes this class slots).

    ``mro``: ``static_mro(bases)``, where the caller has it already.
    """
    reasons = list(inference.reasons)
    for record in _mixin_records(static_mro(bases) if mro is None else mro):
        reasons.extend(r for r in record.inference.reasons if r not in reasons)
    return reasons


def _mixin_records(mro: Tuple[type, ...]) -> List[Record]:
    """The Records of the autoslotted mixins among ``mro``, in MRO order."""
    found: List[Record] = []
    for klass in mro:
        if klass is object:
            continue
        record = get_record(klass)
        if record is not None and record.options.mixin:
            found.append(record)
    return found


def needs_proof(
    name: str, bases: Tuple[type, ...], namespace: Mapping[str, object], options: Options
) -> bool:
    """Whether unproven attribute sets make this class keep a ``__dict__``.

    Not for a mixin (its subclasses slot its attributes), and not for a class whose
    body declares ``__slots__`` without ``__dict__`` over bases without one: its author
    already fixed the layout, and the class works without a ``__dict__``.
    """
    if options.mixin:
        return False
    if "__slots__" in namespace and _dict_base(bases) is None:
        return "__dict__" in declared_slots(namespace, name)
    return True


def _place(
    attr: str,
    name: str,
    mro: Tuple[type, ...],
    namespace: Mapping[str, object],
    plan: Plan,
    own: List[str],
) -> None:
    """Decide where one attribute lives: a base's slot, a new slot, or a kept default."""
    owner, found = lookup(mro, attr)
    base, storage = _provider(attr, owner, found)
    if attr in namespace:
        value = namespace[attr]
        if _is_stale_member(value):
            value = _MISSING
    else:
        value = _MISSING
    if value is _MISSING and base is not None:
        plan.inherited.setdefault(base.__qualname__, ())
        plan.inherited[base.__qualname__] += (attr,)
        return
    if value is _MISSING:
        value = found
    if value is _MISSING:
        if mangle(attr, name) != attr:
            # ``setattr(self, "__x", v)`` stores "__x" unmangled, but type() would mangle
            # it in __slots__: keep it in a storage slot behind a descriptor instead.
            plan.defaults[attr] = _MISSING
            plan.storage[attr] = storage_name(attr)
            own.append(storage_name(attr))
            return
        own.append(attr)
        return
    if isinstance(value, functools.cached_property):
        return  # cached properties get their own slot (or the __dict__) below
    if is_data_descriptor(value) and base is None:
        return  # a property (or another data descriptor) owns the name
    # A class-level value that instances also assign: keep it behind a descriptor.
    plan.defaults[attr] = value
    if base is not None and storage is not None:
        plan.storage[attr] = storage
        plan.inherited.setdefault(base.__qualname__, ())
        plan.inherited[base.__qualname__] += (attr,)
        return
    store = storage_name(attr)
    base, storage = provided_slot(mro, store)
    plan.storage[attr] = store
    if base is None and store not in own:
        own.append(store)


def _is_stale_member(value: object) -> bool:
    """A member descriptor left in a namespace copied from an existing class."""
    return isinstance(value, types.MemberDescriptorType)


def dataclass_fields(namespace: Mapping[str, object]) -> List[str]:
    """The instance fields of a class already processed by ``@dataclasses.dataclass``.

    Its generated ``__init__`` sets every one of them (through ``object.__setattr__``
    for a frozen class), so they are instance attributes whatever the engines saw.
    """
    fields = namespace.get("__dataclass_fields__")
    if not isinstance(fields, dict):
        return []
    import dataclasses

    kind = getattr(dataclasses, "_FIELD", None)
    return [
        attr
        for attr, spec in cast("Dict[str, object]", fields).items()
        if isinstance(spec, dataclasses.Field)
        and getattr(cast("dataclasses.Field[object]", spec), "_field_type", kind) is kind
    ]


def _mixin_names(mro: Tuple[type, ...]) -> List[str]:
    """Attributes that autoslotted mixins among the bases left to their subclasses."""
    names: List[str] = []
    for record in _mixin_records(mro):
        for attr in list(record.inference.slots) + list(record.options.extra):
            if attr not in names:
                names.append(attr)
    return names


def _plain_cached_properties(
    namespace: Mapping[str, object], classes: Sequence[Tuple[type, Mapping[str, Any]]]
) -> List[Tuple[str, Any]]:
    """functools.cached_property objects that instances of the class would reach.

    ``classes``: each class of the MRO with its ``__dict__``.
    """
    kind: type = functools.cached_property
    found: List[Tuple[str, Any]] = [
        (attr, value) for attr, value in namespace.items() if type(value) is kind
    ]
    # Names already found earlier in the lookup order (the body's: ``namespace``).
    seen: Set[str] = set()
    for klass, defined in classes:
        if klass is object:
            continue  # (always last; its attributes are built in)
        for attr, value in defined.items():
            if attr in namespace or attr in seen:
                continue
            seen.add(attr)
            if type(value) is kind:
                found.append((attr, value))
    return found


