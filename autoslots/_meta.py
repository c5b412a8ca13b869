"""The metaclass form: ``class Model(AutoSlots): ...``.

``AutoSlotsMeta.__new__`` infers the attributes from the class body's namespace and adds
``__slots__`` (and the run-time pieces) to it *before* ``type.__new__`` runs, so the class
is created once: ``__init_subclass__`` (with the class keywords), ``__set_name__`` and the
metaclass's own side effects all happen exactly once, with the final class.

``AutoSlotsMeta`` derives from ``abc.ABCMeta`` so that ``AutoSlots`` combines with
``abc.ABC`` (and with ``typing.Generic``, whose metaclass is ``type``) without a
user-written combined metaclass.
"""

from __future__ import annotations

import abc
import dataclasses
import functools
import types
from typing import TYPE_CHECKING, Any, Dict, Mapping, Tuple, TypeVar

from ._build import DEFAULT_OPTIONS, Names, prepare_namespace, report
from ._classes import CONTAINER_TYPES, LAYOUT_TYPES, MISSING, SCALAR_TYPES, of_types, static_mro
from ._errors import AutoSlotsError
from ._infer import Inference, infer_namespace
from ._layout import (
    RECORD_ATTR,
    Record,
    get_record,
    is_data_descriptor,
    layout_error,
    plain_mro,
    plan_layout,
)
from ._model import Site
from ._options import OPTION_NAMES, Options
from ._runtime import GENERATED, SlotCachedProperty, SlotDefault, forget_layouts

T = TypeVar("T")
_ROOT_KEYWORD = "_autoslots_root"


class AutoSlotsMeta(abc.ABCMeta):
    """Metaclass that builds every class with ``__slots__`` inferred from its body.

    Options are class keywords (``class Node(AutoSlots, weakref=False)``); they are
    consumed here (``__init_subclass__`` never sees them) and inherited by subclasses
    unless they set their own (except ``mixin``, which applies to one class only).
    """

    def __new__(
        mcls,
        name: str,
        bases: Tuple[type, ...],
        namespace: Dict[str, Any],
        /,
        **kwargs: Any,
    ) -> AutoSlotsMeta:
        changes = (
            {key: kwargs.pop(key) for key in list(kwargs) if key in OPTION_NAMES}
            if kwargs
            else None
        )
        if kwargs and kwargs.pop(_ROOT_KEYWORD, False):
            root: AutoSlotsMeta = super(abc.ABCMeta, mcls).__new__(
                mcls, name, bases, namespace, **kwargs
            )
            return root
        mro = static_mro(bases)
        # (no class of a plain MRO carries a Record, an ABC's ``_abc_impl``, a slot)
        plain = plain_mro(mro)
        options = DEFAULT_OPTIONS if plain else _inherited_options(mro)
        if changes:
            options = options.updated(name, changes)
        body = _without_stale_pieces(namespace)
        qualname = str(body.get("__qualname__", name))
        module = str(body.get("__module__", ""))
        inference = infer_namespace(name, qualname, module, bases, body, mro=mro)
        if "__annotations__" in body:
            inference = _with_annotated_defaults(inference, body)
        plan = plan_layout(name, bases, body, inference, options, mro, plain)
        if inference.reasons or not plain:  # (else there is nothing to report)
            report(module, qualname, bases, body, inference, options, mro, plain)
        prepared = prepare_namespace(name, bases, body, plan, inference, options, mro=mro)
        # ABCMeta's bookkeeping (``_abc_impl``) only for classes that take part in an ABC;
        # the others are created by the next metaclass after ABCMeta (usually type).
        abstract = _takes_part_in_abc(() if plain else mro, prepared)
        maker: Any = super() if abstract else super(abc.ABCMeta, mcls)
        try:
            cls: AutoSlotsMeta = maker.__new__(mcls, name, bases, prepared, **kwargs)
        except TypeError as exc:
            if "lay-out conflict" in str(exc) and len(bases) > 1:
                raise layout_error(name, bases[0], bases[1]) from exc
            raise
        return cls

    def __init__(
        cls,
        name: str,
        bases: Tuple[type, ...],
        namespace: Dict[str, Any],
        /,
        **kwargs: Any,
    ) -> None:
        if kwargs:
            for key in list(kwargs):
                if key in OPTION_NAMES or key == _ROOT_KEYWORD:
                    del kwargs[key]
        super().__init__(name, bases, namespace, **kwargs)

    def __instancecheck__(cls, instance: Any) -> bool:
        if "_abc_impl" in cls.__dict__:
            return super().__instancecheck__(instance)
        return type.__instancecheck__(cls, instance)

    def __subclasscheck__(cls, subclass: type) -> bool:
        if "_abc_impl" in cls.__dict__:
            return super().__subclasscheck__(subclass)
        return type.__subclasscheck__(cls, subclass)

    def register(cls, subclass: type[T]) -> type[T]:
        """``ABC.register``; the ABC bookkeeping starts with the first registration."""
        if "_abc_impl" not in cls.__dict__:
            _abc_init(cls)
        return super().register(subclass)

    def __setattr__(cls, name: str, value: Any) -> None:
        """Keep instance slots working under later class-level assignments.

        ``C.x = 5`` for a name that has a class-level default updates that default;
        for a plain slot it puts a default in front of the slot (as on a plain class,
        instances that set ``x`` keep their value, the others read 5).  This is what
        ``@dataclass`` applied after the metaclass does for field defaults.
        """
        current = cls.__dict__.get(name, MISSING)
        if not is_data_descriptor(value):
            if isinstance(current, SlotDefault):
                current.default = value
                return
            if isinstance(current, types.MemberDescriptorType) and current.__objclass__ is cls:  # pyright: ignore[reportUnnecessaryComparison]
                keeper = SlotDefault(name, name, value, member=current)
                super().__setattr__(name, keeper)
                forget_layouts()
                return
        super().__setattr__(name, value)

    def __delattr__(cls, name: str) -> None:
        """``del C.x`` for a kept default removes the default, not the instance slot."""
        current = cls.__dict__.get(name, MISSING)
        if isinstance(current, SlotDefault):
            if current.default is MISSING:
                raise AttributeError(f"type object {cls.__name__!r} has no attribute {name!r}")
            current.default = MISSING
            return
        if isinstance(current, types.MemberDescriptorType) and current.__objclass__ is cls:  # pyright: ignore[reportUnnecessaryComparison]
            raise AttributeError(
                f"{cls.__qualname__}.{name} is an instance slot, not a class attribute"
            )
        super().__delattr__(name)


def _takes_part_in_abc(mro: Tuple[type, ...], namespace: Mapping[str, Any]) -> bool:
    """A base is an ABC (other than through AutoSlots), or the body is abstract.

    ``mro``: ``static_mro`` of the bases.
    """
    for klass in mro:
        if "_abc_impl" in klass.__dict__:
            return True
    inert = _INERT_TYPES
    value: object
    for value in namespace.values():
        if of_types(type(value), inert):
            continue
        try:
            if getattr(value, "__isabstractmethod__", False):
                return True
        except Exception:
            continue
    return False


# Exact types whose values cannot be abstract (no ``__isabstractmethod__``).
_INERT_TYPES = SCALAR_TYPES | CONTAINER_TYPES | LAYOUT_TYPES | {Record}


def _abc_init(cls: type) -> None:
    init = getattr(abc, "_abc_init", None)
    if init is None:  # the pure-Python ABC implementation
        from _py_abc import ABCMeta as PyABCMeta

        raise AutoSlotsError(f"{cls.__qualname__}: register() needs the C ABC module ({PyABCMeta})")
    init(cls)


def _inherited_options(mro: Tuple[type, ...]) -> Options:
    """The options the nearest autoslotted class of ``mro`` (``static_mro`` of the bases)
    passes on."""
    for klass in mro:
        if klass is object:
            continue
        record = get_record(klass)
        if record is not None:
            if not record.options.mixin:
                return record.options  # (immutable: shared)
            return dataclasses.replace(record.options, mixin=False)
    return DEFAULT_OPTIONS


def _without_stale_pieces(namespace: Mapping[str, Any]) -> Mapping[str, Any]:
    """A namespace copied from an autoslotted class (``dataclass(slots=True)`` re-creates
    classes that way) loses what belonged to the old layout.

    Returns a plain ``dict`` namespace itself where nothing is stale (the steps that
    follow only read it), else a cleaned plain ``dict`` copy.
    """
    if RECORD_ATTR not in namespace:
        if type(namespace) is dict:
            return namespace  # pyright: ignore[reportUnknownVariableType]  (a Dict[str, Any])
        return dict(namespace)
    body = dict(namespace)
    del body[RECORD_ATTR]
    body.pop("__dict__", None)
    body.pop("__weakref__", None)
    for key, value in list(body.items()):
        if isinstance(value, types.MemberDescriptorType):
            del body[key]
        elif isinstance(value, SlotDefault):
            if value.default is MISSING:
                del body[key]
            else:
                body[key] = value.default
        elif isinstance(value, SlotCachedProperty):
            body[key] = functools.cached_property(value.func)
        elif any(value is generated for generated in GENERATED.values()):
            del body[key]
    return body


def _with_annotated_defaults(inference: Inference, body: Mapping[str, Any]) -> Inference:
    """Annotated names with a class-level value become slots that keep the value.

    The class body may be finished by a later ``@dataclass``, whose ``__init__`` assigns
    every field; the plain class keeps reading the value until then (``obj.retries == 3``).
    """
    annotations = body.get("__annotations__")
    if not isinstance(annotations, dict):
        return inference
    from ._infer import _is_class_variable  # pyright: ignore[reportPrivateUsage]

    added: Dict[str, Any] = {}
    for attr, annotation in annotations.items():  # pyright: ignore[reportUnknownVariableType]
        if attr in inference.slots or attr not in body or attr in inference.descriptors:
            continue
        value = body[attr]
        if _is_class_variable(annotation) or not _plain_value(value):  # pyright: ignore[reportUnknownArgumentType]
            continue
        site = Site(f"{inference.qualname} (class annotations)", "<class body>", 0)
        added[attr] = [site]
    if not added:
        return inference
    return dataclasses.replace(inference, slots={**inference.slots, **added})


def _plain_value(value: object) -> bool:
    """A value that reads as data on instances (not a method or another descriptor)."""
    if isinstance(value, (types.FunctionType, classmethod, staticmethod, property, type)):
        return False
    if isinstance(value, functools.cached_property):
        return False
    if isinstance(value, dataclasses.Field):
        return True
    return not hasattr(type(value), "__get__")


if TYPE_CHECKING:
    # Type checkers see ABCMeta (a base of AutoSlotsMeta) as the metaclass of AutoSlots:
    # mypy checks class keywords against ``__init_subclass__`` only under ``type`` or
    # ``ABCMeta``, and the typed ``__init_subclass__`` below is what makes a misspelt or
    # mistyped option (``class C(AutoSlots, weakrf=False)``) a type error.
    _RootMeta = abc.ABCMeta
else:
    _RootMeta = AutoSlotsMeta


class AutoSlots(metaclass=_RootMeta, **{_ROOT_KEYWORD: True}):
    """Base class: every subclass is built with ``__slots__`` inferred from its body.

    ``class Node(AutoSlots, weakref=False): ...`` -- options as class keywords.
    """

    __slots__ = ()

    if TYPE_CHECKING:
        # Only a signature for type checkers: at run time AutoSlotsMeta consumes the
        # options before ``__init_subclass__`` runs.
        def __init_subclass__(
            cls,
            *,
            weakref: bool = True,
            dict: bool = False,
            extra: Names = (),
            strict: bool = False,
            mixin: bool = False,
        ) -> None: ...


__all__ = ["AutoSlots", "AutoSlotsError", "AutoSlotsMeta"]
