"""Looking things up in classes without running their code.

Inference, layout planning and building all ask "which class of the MRO defines this
name, and with what value?" -- for a class that may not exist yet (the metaclass form
has only its bases).  ``getattr`` would run descriptors; these helpers read
``__dict__``s only.
"""

from __future__ import annotations

import types
from typing import AbstractSet, Any, Iterable, List, Optional, Tuple

# Stands for "not found" (``None`` is a legitimate class attribute value).
MISSING: Any = object()

# Exact types of class-body values that hold no code: the steps that walk a namespace
# skip them at once.  (Exact types only: a subclass may carry a ``__get__`` or a
# ``__wrapped__`` written in Python.)
SCALAR_TYPES = frozenset({str, int, float, complex, bool, bytes, type(None)})
CONTAINER_TYPES = frozenset({tuple, list, dict, set, frozenset})
# What ``type()`` itself puts into a class: ``__classcell__``, slot members, the
# ``__dict__``/``__weakref__`` descriptors.
LAYOUT_TYPES = frozenset(
    {types.CellType, types.MemberDescriptorType, types.GetSetDescriptorType}
)

_DEFAULT_MRO = type.mro


def of_types(kind: type, types_: AbstractSet[object]) -> bool:
    """``kind in types_``, and False for a class that cannot be hashed (its metaclass
    defines ``__eq__`` without ``__hash__``): none of the sets above holds one."""
    try:
        return kind in types_
    except TypeError:
        return False
OBJECT_MRO = object.__mro__


def static_mro(bases: Tuple[type, ...]) -> Tuple[type, ...]:
    """The classes a new class with ``bases`` inherits from, in MRO order (C3).

    Falls back to a depth-first order where C3 has no solution (``type()`` will refuse
    such bases anyway).
    """
    if len(bases) == 1:
        # The common cases, cheaply: one base's (C3) MRO is the new class's, after itself.
        base = bases[0]
        if base is object:
            return OBJECT_MRO
        if type(base).mro is _DEFAULT_MRO:
            mro = getattr(base, "__mro__", None)
            if type(mro) is tuple:
                return mro  # pyright: ignore[reportUnknownVariableType]  (a class's MRO)
    sequences = [list(getattr(base, "__mro__", (base,))) for base in bases] + [list(bases)]
    result: List[type] = []
    while True:
        sequences = [seq for seq in sequences if seq]
        if not sequences:
            return tuple(result)
        for seq in sequences:
            head = seq[0]
            if not any(head in other[1:] for other in sequences):
                break
        else:
            fallback: List[type] = []
            for base in bases:
                for klass in getattr(base, "__mro__", (base,)):
                    if klass not in fallback:
                        fallback.append(klass)
            return tuple(fallback)
        result.append(head)
        for seq in sequences:
            if seq[0] is head:
                del seq[0]


def lookup(mro: Iterable[type], name: str) -> Tuple[Optional[type], Any]:
    """The class in ``mro`` whose ``__dict__`` holds ``name`` first, and the value.

    ``(None, MISSING)`` where no class defines it.
    """
    for klass in mro:
        own = klass.__dict__
        if name in own:
            return klass, own[name]
    return None, MISSING
