"""The run-time pieces an autoslotted class may carry besides plain slots.

- :class:`SlotDefault`: for a name that has a class-level value (a default, a method)
  *and* is assigned on instances.  The instance value lives in a hidden slot; an unset
  slot reads as the class-level value, as on the plain class.
- :class:`SlotCachedProperty`: ``functools.cached_property`` that caches in a slot.
- :func:`getstate` / :func:`setstate` / :func:`exception_reduce`: pickling and copying
  for slotted instances, restoring through the slots' member descriptors (never through
  a user ``__setattr__``).

Ordinary slots get nothing from here: they stay plain member descriptors, so reading
and writing them costs what hand-written ``__slots__`` cost.
"""

from __future__ import annotations

import functools
import types
import weakref
from typing import Any, Callable, Dict, Optional, Tuple, cast

from ._classes import MISSING as _MISSING


def find_member(owner: type, storage: str) -> Optional[types.MemberDescriptorType]:
    """The member descriptor that holds ``storage`` for instances of ``owner``."""
    for klass in owner.__mro__:
        value = klass.__dict__.get(storage, _MISSING)
        if value is _MISSING:
            continue
        if isinstance(value, types.MemberDescriptorType):
            return value
        member = getattr(value, "_member", None)
        if isinstance(member, types.MemberDescriptorType):
            return member
    return None


class SlotDefault:
    """A data descriptor: the instance value in a slot, else the class-level value.

    ``default`` is what the plain class would find in its ``__dict__`` (bound through
    its ``__get__``, as attribute lookup does, for functions and other descriptors);
    ``_MISSING`` after ``del C.name``.
    """

    __slots__ = ("_delete", "_get", "_member", "_set", "default", "name", "storage")

    def __init__(
        self,
        name: str,
        storage: str,
        default: Any,
        member: Optional[types.MemberDescriptorType] = None,
    ) -> None:
        self.name = name
        self.storage = storage
        self.default: object = default
        self._member: Optional[types.MemberDescriptorType] = None
        if member is not None:
            self._bind(member)

    def _bind(self, member: types.MemberDescriptorType) -> None:
        self._member = member
        self._get: Callable[..., Any] = member.__get__
        self._set: Callable[[Any, Any], None] = member.__set__
        self._delete: Callable[[Any], None] = member.__delete__

    def __set_name__(self, owner: type, name: str) -> None:
        member = find_member(owner, self.storage)
        if member is not None:
            self._bind(member)
        hook = getattr(type(self.default), "__set_name__", None)
        if hook is not None:
            hook(self.default, owner, name)

    def __repr__(self) -> str:
        return f"<autoslots default {self.name!r}: {self.default!r}>"

    @property
    def member(self) -> Optional[types.MemberDescriptorType]:
        """The member descriptor of the hidden slot, once bound (None before)."""
        return self._member

    def __get__(self, obj: Any, objtype: Optional[type] = None) -> Any:
        if obj is None:
            return self._class_value(objtype)
        try:
            return self._get(obj)
        except AttributeError:
            pass
        default = self.default
        if default is _MISSING:
            raise AttributeError(
                f"{type(obj).__name__!r} object has no attribute {self.name!r}"
            ) from None
        bind = getattr(type(default), "__get__", None)
        if bind is None:
            return default
        return bind(default, obj, type(obj))

    def _class_value(self, objtype: Optional[type]) -> Any:
        default = self.default
        if default is _MISSING:
            owner = objtype.__name__ if objtype is not None else "?"
            raise AttributeError(f"type object {owner!r} has no attribute {self.name!r}")
        bind = getattr(type(default), "__get__", None)
        if bind is None:
            return default
        return bind(default, None, objtype)

    def __set__(self, obj: Any, value: Any) -> None:
        self._set(obj, value)

    def __delete__(self, obj: Any) -> None:
        try:
            self._delete(obj)
        except AttributeError:
            raise AttributeError(
                f"{type(obj).__name__!r} object has no attribute {self.name!r}"
            ) from None


class SlotCachedProperty(functools.cached_property):  # type: ignore[type-arg]
    """``functools.cached_property`` that caches in the slot ``storage``.

    Computed once per instance, assignable, deletable (the next read computes again),
    like the original; an AttributeError from the function propagates unchanged (so a
    ``__getattr__`` is consulted exactly as for the original).
    """

    def __init__(self, func: Callable[[Any], Any], storage: str) -> None:
        super().__init__(func)
        self.storage = storage
        self._member: Optional[types.MemberDescriptorType] = None

    def __set_name__(self, owner: type, name: str) -> None:
        if self.attrname is None:
            self.attrname = name
        self._member = find_member(owner, self.storage)

    def _member_for(self, instance: object) -> types.MemberDescriptorType:
        member = self._member
        if member is None:
            member = find_member(type(instance), self.storage)
            if member is None:
                raise TypeError(
                    f"no slot {self.storage!r} on {type(instance).__name__!r} instance "
                    f"to cache {self.attrname!r} property"
                )
        return member

    def __get__(self, instance: Any, owner: Optional[type] = None) -> Any:
        if instance is None:
            return self
        member = self._member_for(instance)
        try:
            return member.__get__(instance, owner)
        except AttributeError:
            pass
        func: Callable[[Any], Any] = self.func
        value = func(instance)
        member.__set__(instance, value)
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        self._member_for(instance).__set__(instance, value)

    def __delete__(self, instance: Any) -> None:
        try:
            self._member_for(instance).__delete__(instance)
        except AttributeError:
            raise AttributeError(self.attrname) from None


def slot_storage_of(value: object) -> Optional[str]:
    """The storage slot behind an autoslots descriptor, or None for anything else."""
    if isinstance(value, (SlotDefault, SlotCachedProperty)):
        return value.storage
    return None


# -- pickling and copying -------------------------------------------------------------

_layouts: weakref.WeakKeyDictionary[type, Dict[str, types.MemberDescriptorType]] = (
    weakref.WeakKeyDictionary()
)


def forget_layouts() -> None:
    """Drop cached layouts (after a class attribute changed what stands for a slot)."""
    _layouts.clear()


def _members(kind: type) -> Dict[str, types.MemberDescriptorType]:
    """Attribute name -> member descriptor for every slot of ``kind``'s instances."""
    try:
        return _layouts[kind]
    except (KeyError, TypeError):
        pass
    by_storage: Dict[str, types.MemberDescriptorType] = {}
    names: Dict[str, str] = {}
    for klass in kind.__mro__:
        for key, value in klass.__dict__.items():
            if isinstance(value, types.MemberDescriptorType) and value.__objclass__ is klass:
                by_storage.setdefault(key, value)
            elif isinstance(value, SlotDefault) and value.storage == key and value.member:
                by_storage.setdefault(key, value.member)
            storage = slot_storage_of(value)
            if storage is not None and storage not in names:
                names[storage] = key
    result: Dict[str, types.MemberDescriptorType] = {}
    for storage, member in by_storage.items():
        result[names.get(storage, storage)] = member
    try:
        _layouts[kind] = result
    except TypeError:
        pass
    return result


def _instance_dict(obj: object) -> Optional[Dict[str, Any]]:
    try:
        found = object.__getattribute__(obj, "__dict__")
    except AttributeError:
        return None
    return cast("Dict[str, Any]", found) if isinstance(found, dict) else None


def getstate(self: object) -> Dict[str, Any]:
    """The instance's state: its ``__dict__`` entries and its set slots, by attribute name.

    Unset slots are left out (they stay unset after a round trip).
    """
    state: Dict[str, Any] = {}
    own = _instance_dict(self)
    if own:
        state.update(own)
    for attr, member in _members(type(self)).items():
        try:
            state[attr] = member.__get__(self, type(self))
        except AttributeError:
            continue
    return state


def setstate(self: object, state: Any) -> None:
    """Restore what :func:`getstate` (or the default protocol) produced.

    Slots are written through their member descriptors and ``__dict__`` entries into
    the ``__dict__`` directly: a user ``__setattr__`` (a frozen class) is never called.
    """
    if _is_pair(state):
        parts: Tuple[Any, ...] = state
    else:
        parts = (state,)
    members = _members(type(self))
    own = _instance_dict(self)
    for part in parts:
        if not part:
            continue
        for attr, value in dict(part).items():
            member = members.get(attr)
            if member is not None:
                member.__set__(self, value)
            elif own is not None:
                own[attr] = value
            else:
                object.__setattr__(self, attr, value)


def _is_pair(state: object) -> bool:
    """Whether a pickled state is a pair (the ``__dict__`` part, the slots part)."""
    return isinstance(state, tuple) and len(cast("Tuple[object, ...]", state)) == 2


def exception_reduce(self: BaseException) -> Tuple[Any, ...]:
    """``BaseException.__reduce__`` that also keeps the state held in slots."""
    state = getstate(self)
    if state:
        return (type(self), self.args, state)
    return (type(self), self.args)


getstate.__qualname__ = getstate.__name__ = "__getstate__"
setstate.__qualname__ = setstate.__name__ = "__setstate__"
exception_reduce.__qualname__ = exception_reduce.__name__ = "__reduce__"

GENERATED = {"__getstate__": getstate, "__setstate__": setstate, "__reduce__": exception_reduce}
