"""``explain(cls)``: why each slot exists and why a class keeps a ``__dict__``.

For an autoslotted class it reports what was built (the record stored by the builders);
for any other class it reports what autoslots *would* build, without building it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Optional, Tuple

from ._build import check_input, clean_namespace
from ._errors import AutoSlotsError
from ._infer import Inference, infer_namespace
from ._layout import Plan, Record, get_record, plan_layout
from ._model import Reason, Site
from ._options import Options


@dataclass(frozen=True)
class SlotInfo:
    """One instance attribute: where the class's code sets it and where it is stored."""

    name: str
    sites: Tuple[Site, ...]
    storage: str
    provided_by: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        return {
            "name": self.name,
            "storage": self.storage,
            "provided_by": self.provided_by,
            "sites": [_site_dict(site) for site in self.sites],
        }


@dataclass
class Explanation:
    """What autoslots made (or would make) of one class.  ``str()`` is a report."""

    module: str
    qualname: str
    autoslotted: bool
    options: Options
    slots: List[SlotInfo] = field(default_factory=lambda: [])
    declared: Tuple[str, ...] = ()
    keeps_dict: bool = True
    dict_because: List[str] = field(default_factory=lambda: [])
    weakref: bool = False
    reasons: List[Reason] = field(default_factory=lambda: [])
    notes: List[Reason] = field(default_factory=lambda: [])
    bases: Dict[str, Tuple[str, ...]] = field(default_factory=lambda: {})
    descriptors: Dict[str, str] = field(default_factory=lambda: {})
    cached_properties: List[str] = field(default_factory=lambda: [])
    engines: Dict[str, str] = field(default_factory=lambda: {})
    error: Optional[str] = None

    @property
    def slot_names(self) -> List[str]:
        return [slot.name for slot in self.slots]

    def to_dict(self) -> Dict[str, Any]:
        """The explanation as JSON-ready data."""
        return {
            "class": f"{self.module}:{self.qualname}",
            "autoslotted": self.autoslotted,
            "options": {
                "weakref": self.options.weakref,
                "dict": self.options.dict,
                "extra": list(self.options.extra),
                "strict": self.options.strict,
                "mixin": self.options.mixin,
            },
            "slots": [slot.to_dict() for slot in self.slots],
            "declared": list(self.declared),
            "keeps_dict": self.keeps_dict,
            "dict_because": list(self.dict_because),
            "weakref": self.weakref,
            "reasons": [
                {**_site_dict(reason.site), "what": reason.what} for reason in self.reasons
            ],
            "notes": [{**_site_dict(note.site), "what": note.what} for note in self.notes],
            "bases": {base: list(names) for base, names in self.bases.items()},
            "descriptors": dict(self.descriptors),
            "cached_properties": list(self.cached_properties),
            "engines": dict(self.engines),
            "error": self.error,
        }

    def __str__(self) -> str:
        return "\n".join(self._lines())

    def _lines(self) -> List[str]:
        if self.autoslotted:
            state = "autoslotted"
        else:
            state = "not autoslotted; this is what autoslots would do"
        lines = [f"{self.module}:{self.qualname} ({state})"]
        if self.error is not None:
            lines.append(f"  refused: {self.error}")
            return lines
        lines.append(f"  instance attributes ({len(self.slots)}):")
        width = max((len(slot.name) for slot in self.slots), default=0)
        for slot in self.slots:
            lines.append(f"    {slot.name.ljust(width)}  {_slot_origin(slot)}")
        for name, owner in sorted(self.descriptors.items()):
            lines.append(f"  {name}: no slot, the {owner} stores it")
        lines.append(f"  __slots__ declared: {self.declared!r}")
        lines.append(f"  weak references: {'yes' if self.weakref else 'no'}")
        if self.keeps_dict:
            lines.append("  __dict__: kept, because")
            lines.extend(f"    - {because}" for because in self.dict_because)
        else:
            lines.append("  __dict__: none")
        if self.reasons:
            lines.append("  the attribute set cannot be proven:")
            lines.extend(f"    - {reason}" for reason in self.reasons)
        if self.notes:
            lines.append("  notes:")
            lines.extend(f"    - {note}" for note in self.notes)
        return lines


def explain(cls: type) -> Explanation:
    """Explain the slots of ``cls``: what sets each one, and why a ``__dict__`` is kept."""
    if not isinstance(cls, type):  # pyright: ignore[reportUnnecessaryIsInstance]  (callers' values)
        raise AutoSlotsError(f"explain() takes a class, not {type(cls).__name__} {cls!r}")
    record = get_record(cls)
    if record is not None:
        return _from_record(cls, record, autoslotted=True)
    options = _inherited_options(cls)
    # The same namespace the decorator reads: without the old layout's descriptors
    # (a hand-written ``__weakref__`` slot is not a class attribute of its own).
    namespace = clean_namespace(cls)
    inference = infer_namespace(
        cls.__name__, cls.__qualname__, cls.__module__, cls.__bases__, namespace
    )
    try:
        check_input(cls)
        plan = plan_layout(cls.__name__, cls.__bases__, namespace, inference, options)
    except AutoSlotsError as exc:
        explanation = _from_inference(cls, inference, options)
        explanation.error = str(exc)
        return explanation
    return _from_record(cls, Record(options, inference, plan), autoslotted=False)


def _inherited_options(cls: type) -> Options:
    """The options a plain subclass of an autoslotted class would be built with."""
    for base in cls.__mro__[1:]:
        record = get_record(base)
        if record is not None:
            return replace(record.options, mixin=False)
    return Options()


def _from_inference(cls: type, inference: Inference, options: Options) -> Explanation:
    return Explanation(
        module=cls.__module__,
        qualname=cls.__qualname__,
        autoslotted=False,
        options=options,
        slots=[SlotInfo(name, tuple(sites), name) for name, sites in inference.slots.items()],
        reasons=list(inference.reasons),
        notes=list(inference.notes),
        descriptors=dict(inference.descriptors),
        cached_properties=list(inference.cached_properties),
        engines=dict(inference.engines),
    )


def _from_record(cls: type, record: Record, *, autoslotted: bool) -> Explanation:
    inference, plan = record.inference, record.plan
    explanation = _from_inference(cls, inference, record.options)
    explanation.autoslotted = autoslotted
    explanation.slots = _slot_infos(cls, inference, plan, record.options)
    explanation.declared = tuple(plan.slots)
    explanation.keeps_dict = plan.keeps_dict
    explanation.dict_because = list(plan.dict_because)
    explanation.weakref = plan.weakref
    explanation.bases = dict(plan.inherited)
    return explanation


def _slot_infos(
    cls: type, inference: Inference, plan: Plan, options: Options
) -> List[SlotInfo]:
    """Each attribute with where it lives: its slot, a hidden slot, a base's, or the dict."""
    provided = {name: base for base, names in plan.inherited.items() for name in names}
    sites: Dict[str, Tuple[Site, ...]] = {
        name: tuple(found) for name, found in inference.slots.items()
    }
    for name in options.extra:
        sites.setdefault(name, ())
    for name in inference.cached_properties:
        sites.setdefault(name, ())
    hidden = set(plan.storage.values())
    for name in plan.slots:
        if name not in ("__dict__", "__weakref__") and name not in hidden:
            # A name this class slots for a mixin base (mixin=True) that sets it.
            sites.setdefault(name, _mixin_sites(cls, name))
    infos: List[SlotInfo] = []
    for name in sorted(sites):
        if name in provided:
            storage = name
        elif name in plan.storage:
            storage = plan.storage[name]
        elif name in plan.slots:
            storage = name
        elif options.mixin:
            storage = _BY_SUBCLASSES
        else:
            storage = "__dict__"
        infos.append(SlotInfo(name, sites[name], storage, provided.get(name)))
    return infos


_BY_SUBCLASSES = "<subclasses>"


def _mixin_sites(cls: type, name: str) -> Tuple[Site, ...]:
    for base in cls.__mro__[1:]:
        record = get_record(base)
        if record is not None and name in record.inference.slots:
            return tuple(record.inference.slots[name])
    return ()


def _slot_origin(slot: SlotInfo) -> str:
    if slot.sites:
        first = slot.sites[0]
        text = f"set in {first}"
        if len(slot.sites) > 1:
            text += f" (+{len(slot.sites) - 1} more)"
    else:
        text = "named by extra= or a cached_property"
    if slot.provided_by is not None:
        text += f"; stored by base {slot.provided_by}"
    elif slot.storage == _BY_SUBCLASSES:
        text += "; slotted by the classes that inherit this mixin"
    elif slot.storage == "__dict__":
        text += "; stored in the instance __dict__"
    elif slot.storage != slot.name:
        text += f"; stored in slot {slot.storage!r}"
    return text


def _site_dict(site: Site) -> Dict[str, Any]:
    return {"function": site.function, "file": site.filename, "line": site.lineno}
