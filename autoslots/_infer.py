"""The inference driver: which functions of a class to read, and what they prove.

The engines read one function each (see ``_model``).  This module decides which
functions a class body holds (methods, property accessors, wrapped and decorated
functions, descriptors written in Python), runs an engine on each, follows the instance
into other functions that receive it (helpers, other classes' methods, closures), and
merges everything into one :class:`Inference`:

- ``slots``: the instance attributes the class's code sets, with where;
- ``reasons``: why that set cannot be proven (then the class keeps a ``__dict__``).

It never builds anything; the builders and ``explain()`` consume its result.
"""

from __future__ import annotations

import builtins
import functools
import re
import sys
import types
from dataclasses import dataclass, field
from typing import (
    Any,
    Callable,
    Dict,
    FrozenSet,
    Iterator,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Set,
    Tuple,
    Union,
    cast,
)

from ._classes import (
    CONTAINER_TYPES,
    LAYOUT_TYPES,
    SCALAR_TYPES,
    lookup,
    of_types,
    static_mro,
)
from ._classes import MISSING as _MISSING
from ._model import (
    CalleeRef,
    CodeFacts,
    EngineUnsupported,
    Escape,
    Reason,
    Site,
    SiteMap,
    Sites,
)

# How deep the driver follows the instance into functions outside the class body.
_MAX_FOLLOW_DEPTH = 8

_ENGINES = ("bytecode", "source")

# What a call that receives the instance reaches: a Python function and whether it is
# called bound; None for code that cannot set the instance's attributes (builtins);
# a string saying why the callee cannot be read.
_Target = Union[Tuple[types.FunctionType, bool], str, None]


@dataclass
class Inference:
    """What a class's own code proves about its instances' attributes."""

    name: str
    qualname: str
    module: str
    # name -> where the class's code sets it (a ``SiteMap``: the sites of a name are
    # made when asked for).
    slots: Sites = field(default_factory=lambda: {})
    cached_properties: List[str] = field(default_factory=lambda: [])
    reasons: List[Reason] = field(default_factory=lambda: [])
    engines: Dict[str, str] = field(default_factory=lambda: {})
    # Names the class's code assigns but that a data descriptor (a property, a
    # builtin attribute such as ``BaseException.args``) owns: never slots.
    descriptors: Dict[str, str] = field(default_factory=lambda: {})
    # Hints that do not keep a __dict__: names the class's code reads on the
    # instance but never sets (a mixin relying on its subclasses, or code outside the
    # class setting them: the latter needs ``extra=``).
    notes: List[Reason] = field(default_factory=lambda: [])


class _Reader(NamedTuple):
    """One function to read: which locals hold the instance, or which makes instances.

    (A named tuple: a class creation makes several, and a tuple is the cheapest.)
    """

    code: types.CodeType
    qualname: str
    globals_: Mapping[str, object]
    closure: Optional[Tuple[Any, ...]]
    tracked: FrozenSet[str] = frozenset()
    factory: Optional[str] = None
    # Whether its writes on other objects count (see ``_follow``).
    other_objects: bool = True


# Exact types of class-body values that hold no function to read: names such as
# ``__module__``, ``__doc__``, ``__slots__``, ``__static_attributes__``, ``__classcell__``
# and plain class-level data.  (Exact types only: a subclass may carry a ``__get__`` or
# a ``__wrapped__`` written in Python.)
_INERT_TYPES = SCALAR_TYPES | CONTAINER_TYPES | LAYOUT_TYPES | {types.BuiltinFunctionType}

# Exact types whose values are never data descriptors.
_NOT_DATA_DESCRIPTOR_TYPES = (
    SCALAR_TYPES | CONTAINER_TYPES | {types.FunctionType, types.BuiltinFunctionType}
)

_HEAPTYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class made by a class statement or type()

_IMPLICIT_CLASS_METHODS = frozenset({"__new__", "__init_subclass__", "__class_getitem__"})


def infer_class(cls: type, *, engine: str = "auto") -> Inference:
    """Infer the instance attributes of an existing class."""
    return infer_namespace(
        cls.__name__,
        cls.__qualname__,
        cls.__module__,
        cls.__bases__,
        dict(cls.__dict__),
        engine=engine,
    )


def infer_namespace(
    name: str,
    qualname: str,
    module: str,
    bases: Tuple[type, ...],
    namespace: Mapping[str, object],
    *,
    engine: str = "auto",
    mro: Optional[Tuple[type, ...]] = None,
) -> Inference:
    """Infer the instance attributes of a class from its body's namespace.

    ``engine`` is ``"auto"`` (bytecode, falling back to source per function),
    ``"bytecode"`` or ``"source"`` (one engine only: the cross-check uses these).
    ``mro``: ``static_mro(bases)``, where the caller has it already.
    """
    if engine != "auto" and engine not in _ENGINES:
        raise ValueError(f"engine must be 'auto', 'bytecode' or 'source', not {engine!r}")
    if mro is None:
        mro = static_mro(bases)
    driver = _Driver(name, qualname, module, mro, namespace, engine)
    return driver.run()


class _Driver:
    """One inference run over one class namespace."""

    __slots__ = (
        "engine_order", "mro", "name", "namespace", "qualname", "quick", "reads", "result",
        "seen", "write_parts", "writes",
    )

    def __init__(
        self,
        name: str,
        qualname: str,
        module: str,
        mro: Tuple[type, ...],
        namespace: Mapping[str, object],
        engine: str,
    ) -> None:
        self.name = name
        self.qualname = qualname
        self.namespace = namespace
        self.mro = mro  # (of the bases: the class itself may not exist yet)
        self.engine_order = _ENGINES if engine == "auto" else (engine,)
        # (every field given: no default factory is called)
        self.result = Inference(name, qualname, module, {}, [], [], {}, {}, [])
        # The names the class's code sets, and each function's part: where (joined by
        # ``SiteMap`` when asked for).
        self.writes: Set[str] = set()
        self.write_parts: List[_Part] = []
        # Each function's reads, in reading order: only ``_check_reads`` needs them,
        # merged, and only for the names nothing sets.
        self.reads: List[_Part] = []
        # (id of the code, tracked (one name as itself), factory, id of the closure) ->
        # the reader (or the method) read, kept: two methods wrapped by one decorator
        # share the wrapper's code but not its closure.
        self.seen: Dict[Tuple[int, Union[str, FrozenSet[str]], Optional[str], int], object] = {}
        # Methods read by the quick read whose keys ``seen`` does not hold yet: they are
        # added (``_note_quick``) only when another read looks there, which most classes
        # never do.
        self.quick: Dict[types.FunctionType, None] = {}

    # -- the pipeline -------------------------------------------------------------

    def run(self) -> Inference:
        self._read_body()
        if "__annotations__" in self.namespace:
            self._add_annotations()
        if self.writes:  # (else no name has an owner, and each name read is unset)
            self._drop_descriptor_names()
        self._check_reads()
        self.result.slots = SiteMap(sorted(self.writes), self.writes, self.write_parts, _sites)
        return self.result

    def _read_body(self) -> None:
        """Read every function of the class body that can receive an instance."""
        inert = _INERT_TYPES
        function_type = types.FunctionType
        implicit_class_methods = _IMPLICIT_CLASS_METHODS
        # The bytecode engine's quick read of a method: it finds the writes and reads of
        # a method that uses the instance as ``inst.name`` and nothing else (most
        # methods), with no ``CodeFacts`` made; ``_read_method`` reads the others.
        quick = _quick_reader() if self.engine_order[0] == "bytecode" else None
        seen = self.seen
        quick_read = self.quick
        engines = self.result.engines
        writes, write_parts, reads = self.writes, self.write_parts, self.reads
        for attr, value in self.namespace.items():
            kind = type(value)
            try:
                if kind in inert:
                    continue
            except TypeError:
                pass  # (a class whose metaclass defines __eq__ only: unhashable, not inert)
            if kind is function_type:
                func: types.FunctionType = value  # type: ignore[assignment]
                code = func.__code__
                # (getattr: reading ``__dict__`` would give the function a dict)
                if code.co_argcount and getattr(func, "__wrapped__", None) is None:
                    # The common case: a plain method (what _function_readers finds).
                    first = code.co_varnames[0]
                    if attr in implicit_class_methods:
                        self._read(_reader(func, factory=first), 0)
                        continue
                    if quick is not None:
                        if func in quick_read or (
                            seen and _method_key(func, code, first) in seen
                        ):
                            continue  # (read once: under two names, or reached before)
                        qualname = func.__qualname__
                        found = quick(code, qualname, func.__globals__)
                        if found is not None:
                            quick_read[func] = None  # (its key: see ``_note_quick``)
                            engines[qualname] = "bytecode"
                            # (what ``_add_found`` does, without a call per method; the
                            # sites are made only if asked for: see ``_sites``)
                            found_writes, found_reads = found
                            if found_writes:
                                writes.update(found_writes)
                                write_parts.append((found_writes, code, qualname, True))
                            if found_reads:
                                reads.append((found_reads, code, qualname, False))
                            continue
                    self._read_method(func, code, first)
                    continue
            for reader in self._readers_for(attr, value):
                self._read(reader, 0)

    def _readers_for(self, attr: str, value: object) -> Iterator[_Reader]:
        if isinstance(value, type):
            return  # a nested class is a class of its own
        if isinstance(value, staticmethod):
            func = value.__func__
            if isinstance(func, types.FunctionType):
                if attr == "__new__":
                    yield from _function_readers(func, factory_first=True)
                else:
                    # No instance on entry; read for its writes on other objects,
                    # which may be instances (``type(self).helper(self)``).
                    yield _reader(func)
            return
        if isinstance(value, classmethod):
            func = cast("classmethod[object, ..., object]", value).__func__
            if isinstance(func, types.FunctionType):
                yield from _function_readers(func, factory_first=True)
            return
        if isinstance(value, types.FunctionType):
            implicit_class_method = attr in _IMPLICIT_CLASS_METHODS
            yield from _function_readers(value, factory_first=implicit_class_method)
            return
        if isinstance(value, property):
            for accessor in (value.fget, value.fset, value.fdel):
                if isinstance(accessor, types.FunctionType):
                    yield from _function_readers(accessor)
                elif accessor is not None:
                    yield from self._readers_for(attr, accessor)
            return
        if isinstance(value, functools.cached_property):
            self.result.cached_properties.append(attr)
            if isinstance(value.func, types.FunctionType):
                yield from _function_readers(value.func)
            return
        if isinstance(value, functools.partialmethod):
            yield from self._readers_for(attr, value.func)
            return
        if isinstance(value, functools.singledispatchmethod):
            dispatcher = cast("functools.singledispatchmethod[object]", value).dispatcher
            registry = getattr(dispatcher, "registry", {})
            for impl in dict(registry).values():
                yield from self._readers_for(attr, impl)
            return
        wrapped = _unwrap_once(value)
        if wrapped is not None:
            yield from self._readers_for(attr, wrapped)
            return
        yield from self._descriptor_readers(attr, value)

    def _descriptor_readers(self, attr: str, value: object) -> Iterator[_Reader]:
        """A descriptor written in Python receives the instance in ``__get__``/``__set__``."""
        kind = type(value)
        for method_name in ("__get__", "__set__", "__delete__"):
            method = _lookup_static(kind, method_name)
            if isinstance(method, types.FunctionType):
                code = method.__code__
                if code.co_argcount >= 2:
                    yield _reader(method, tracked=frozenset((code.co_varnames[1],)))

    # -- reading one function -----------------------------------------------------

    def _read(
        self,
        reader: _Reader,
        depth: int,
        engines: Optional[Tuple[str, ...]] = None,
        last: Optional[EngineUnsupported] = None,
    ) -> None:
        """Read one function (once), with the engines in turn: the first that can read it
        decides.  ``engines``: those to try (all of the run's by default); ``last``: why
        an engine tried before could not read it."""
        code, qualname, globals_, closure, tracked, factory, _ = reader
        # (ids: hashing a code object hashes its bytecode; the reader, kept below, keeps
        # the code and the closure alive, so their ids stay theirs during the run.  One
        # tracked name stands for itself, as in ``_read_body``.)
        key = (id(code), _one_or_all(tracked), factory, id(closure))
        if self.quick:
            self._note_quick()
        seen = self.seen
        if key in seen:
            return
        seen[key] = reader
        facts: Optional[CodeFacts] = None
        for engine_name in self.engine_order if engines is None else engines:
            scan = _scanners.get(engine_name) or _import_engine(engine_name)
            try:
                facts = scan(
                    code,
                    tracked=tracked,
                    qualname=qualname,
                    globals_=globals_,
                    factory=factory,
                    closure=closure,
                )
            except EngineUnsupported as exc:
                last = exc
                continue
            self.result.engines[qualname] = engine_name
            break
        if facts is None:
            assert last is not None
            self.result.reasons.append(last.reason)
            return
        self._add_found(facts.writes, facts.reads)
        self._take_rest(facts, reader, depth)

    def _read_method(self, func: types.FunctionType, code: types.CodeType, first: str) -> None:
        """``_read`` for a plain method of the class body, whose first parameter is the
        instance (one the quick read could not take)."""
        self._read(_Reader(code, func.__qualname__, func.__globals__, func.__closure__,
                           frozenset((first,))), 0)

    def _note_quick(self) -> None:
        """Add the keys of the methods the quick read has read to ``seen``."""
        for func in self.quick:
            code = func.__code__
            self.seen.setdefault(_method_key(func, code, code.co_varnames[0]), func)
        self.quick.clear()

    def _add_found(self, writes: Sites, reads: Sites) -> None:
        """Note what a function read sets and reads on the instance."""
        if writes:
            self.writes.update(writes)
            self.write_parts.append(writes)
        self.reads.append(reads)  # (even when empty: testing a lazy mapping costs more)

    def _take_rest(self, facts: CodeFacts, reader: _Reader, depth: int) -> None:
        """What a function read does beyond setting and reading attributes of the
        instance: writes on other objects, reasons, the instance passed to other code."""
        if reader.other_objects and facts.other_writes:
            # Writes on objects that may be instances of the class (another node
            # of a tree, an alias the engine could not follow): slotting them is
            # safe, missing one would break the class.
            self._add_writes(facts.other_writes)
        if facts.reasons:
            self.result.reasons.extend(facts.reasons)
        if facts.escapes:
            for escape in facts.escapes:
                self._follow(escape, reader, depth)

    # -- following the instance into other code -----------------------------------

    def _follow(self, escape: Escape, reader: _Reader, depth: int) -> None:
        if escape.position is None:
            self._passed(escape, " in a way that cannot be followed (*args/**kwargs)")
            return
        if depth >= _MAX_FOLLOW_DEPTH:
            self._passed(escape, ", nested too deeply to follow")
            return
        target = self._resolve(escape.callee, reader)
        if isinstance(target, str):
            self._passed(escape, f", which {target}")
            return
        if target is None:
            return  # code that cannot touch the instance's attributes (a builtin)
        func, bound = target
        position = escape.position
        if isinstance(position, int):
            position += 1 if bound else 0
        param = _parameter_at(func.__code__, position)
        if param is None:
            self._passed(escape, ", which receives it through *args/**kwargs")
            return
        # A method called bound (``registry.adopt(self)``, ``nullcontext(self)``) writes
        # on its own object, not on ours: its other writes are left out.  A function
        # called unbound (a helper, a static method, a wrapped method) may write on
        # other instances of the class (``link(self, child)``): they count.
        self._read(
            _reader(func, tracked=frozenset((param,)), other_objects=not bound), depth + 1
        )

    def _passed(self, escape: Escape, why: str) -> None:
        """A reason: the instance is passed to code that cannot be followed; ``why``
        ends the sentence (made only here: most escapes are followed silently)."""
        self._reason(escape.site, f"the instance is passed to {escape.callee.describe()}{why}")

    def _resolve(
        self, callee: CalleeRef, reader: _Reader
    ) -> _Target:
        """The Python function a call reaches, and whether it is called bound.

        Returns None for a callee that cannot set attributes (builtins), or a string
        saying why it cannot be read.
        """
        if callee.root == "code":
            code = callee.code
            if not isinstance(code, types.CodeType):
                return "is a local function that cannot be read"
            # Its free variables belong to a frame that no longer runs: empty cells
            # stand in for them (their values are not needed to read the code).
            cells = tuple(types.CellType() for _ in code.co_freevars)
            func = types.FunctionType(code, dict(reader.globals_), closure=cells)
            local_name = reader.qualname + ".<locals>." + code.co_name
            func.__qualname__ = getattr(code, "co_qualname", local_name)
            return (func, False)
        if callee.root == "self":
            return self._resolve_class_attribute(callee.names, bound=True)
        if callee.root == "global":
            head = callee.names[0] if callee.names else ""
            if head == self.name:
                # The class being built: its module global is not bound yet (decorator
                # form) or names an earlier definition; its own namespace is the truth.
                if len(callee.names) == 1:
                    return "creates another instance of the class with it"
                return self._resolve_class_attribute(callee.names[1:], bound=False)
            if head in reader.globals_:
                start: object = reader.globals_[head]
            else:
                start = getattr(builtins, head, _MISSING)
                if start is _MISSING:
                    return "is not defined when the class is created"
            return _resolve_chain(start, callee.names[1:])
        if callee.root == "deref":
            head = callee.names[0] if callee.names else ""
            cell_value = _closure_value(reader, head)
            if cell_value is _MISSING:
                return "is a closure variable without a value when the class is created"
            return _resolve_chain(cell_value, callee.names[1:])
        return "cannot be read when the class is created"

    def _resolve_class_attribute(
        self, names: Tuple[str, ...], *, bound: bool
    ) -> _Target:
        if len(names) != 1:
            return "cannot be read when the class is created"
        attr = names[0]
        if attr in self.namespace:
            value = self.namespace[attr]
        else:
            value = _lookup_in_mro(self.mro, attr)
            if value is _MISSING:
                return f"is not defined in {self.qualname} or its bases"
        return _callable_target(value, bound=bound)

    # -- class-level facts --------------------------------------------------------

    def _add_annotations(self) -> None:
        annotations = self.namespace.get("__annotations__")
        if not isinstance(annotations, dict):
            return
        lineno = self.namespace.get("__firstlineno__", 0)
        filename = _module_file(self.result.module)
        line = lineno if isinstance(lineno, int) else 0
        site = Site(f"{self.qualname} (class annotations)", filename, line)
        found: Dict[str, List[Site]] = {}
        for attr, annotation in cast("Dict[str, object]", annotations).items():
            if attr in self.namespace or _is_class_variable(annotation):
                continue
            found[attr] = [site]
        if found:
            self._add_writes(found)

    def _add_writes(self, part: Sites) -> None:
        """Note the names ``part`` sets (its sites are made only when asked for)."""
        if part:
            self.writes.update(part)
            self.write_parts.append(part)

    def _drop_descriptor_names(self) -> None:
        if "__class__" in self.writes:
            first = next(part for part in self.write_parts if "__class__" in _names(part))
            self._reason(
                _sites(first)["__class__"][0],
                "assigns self.__class__; a slotted instance can only change to a class "
                "with the same slots",
            )
        writes = self.writes
        namespace = self.namespace
        mro = self.mro
        # Only a name that the body or a base defines can have an owner (found with one
        # C-level intersection per class rather than a lookup per name).
        defined = writes.intersection(namespace)
        for klass in mro:
            if klass is object and "__class__" not in writes:
                continue  # (``__class__`` is the only data descriptor ``object`` has)
            defined.update(writes.intersection(klass.__dict__))
        if not defined:
            return
        value: object
        for attr in list(writes):
            if attr not in defined:
                continue
            # Who owns ``attr`` as a data descriptor (a property...), if anyone does:
            # what attribute lookup finds first, the class body then the bases.
            if attr in namespace:
                owner, value = self.qualname, namespace[attr]
            else:
                for klass in mro:
                    own = klass.__dict__
                    if attr in own:
                        owner, value = klass.__qualname__, own[attr]
                        break
                else:
                    continue
            kind = type(value)
            if of_types(kind, _NOT_DATA_DESCRIPTOR_TYPES) or kind is types.MemberDescriptorType:
                continue  # plain data, a method; or a slot: the layout decides
            if hasattr(kind, "__set__") or hasattr(kind, "__delete__"):
                writes.discard(attr)
                self.result.descriptors[attr] = f"{kind.__name__} of {owner}"

    def _check_reads(self) -> None:
        """Note names read on the instance that nothing in the class sets.

        This is not a reason: the contract lets setting an attribute the class never
        sets fail, and a behaviour-only mixin reads what its subclasses set (P47).
        The note tells a user where ``extra=`` may be needed.
        """
        writes = self.writes
        descriptors = self.result.descriptors
        namespace = self.namespace
        # name -> where it is first read
        unset: Dict[str, Site] = {}
        for part in self.reads:
            for attr in _names(part):
                if (
                    attr not in writes
                    and attr not in unset
                    and attr not in descriptors
                    and attr not in namespace
                    and not (attr.startswith("__") and attr.endswith("__"))
                ):
                    unset[attr] = _sites(part)[attr][0]  # (only these names' sites)
        if not unset or self._has_getattr_hook():
            return
        for attr in sorted(unset):
            if _lookup_in_mro(self.mro, attr) is not _MISSING:
                continue
            if attr in self.result.cached_properties:
                continue
            self.result.notes.append(
                Reason(
                    unset[attr],
                    f"reads self.{attr}, which the class's code never sets (if code "
                    f"outside the class sets it, add it with extra=({attr!r},))",
                )
            )

    def _has_getattr_hook(self) -> bool:
        if "__getattr__" in self.namespace:
            return True
        return any("__getattr__" in klass.__dict__ for klass in self.mro)

    def _reason(self, site: Site, what: str) -> None:
        self.result.reasons.append(Reason(site, what))


# -- helpers --------------------------------------------------------------------------


_CLASSVAR_TEXT = re.compile(r"""^[\s"']*(?:[\w.]+\.)?(?:ClassVar|InitVar)\b""")


# The engines' ``scan`` functions, once imported (the source engine is only imported
# where the bytecode engine cannot read a function).
_scanners: Dict[str, Callable[..., CodeFacts]] = {}


# The bytecode engine's ``read_method``: (code, qualname, globals) -> (writes, reads),
# names mapped to where the engine found them, or None where ``scan`` must read the
# method.
_Quick = Callable[
    [types.CodeType, str, Mapping[str, object]],
    Optional[Tuple[Mapping[str, object], Mapping[str, object]]],
]
# One function's writes or reads: a mapping of sites (from ``scan``), or what the quick
# read found, with what makes its sites when they are asked for: (names -> where, the
# code, its qualname, whether these are writes).  Most classes never need their sites
# (``explain()`` and messages do), so the quick read's are not made at all.
_RawPart = Tuple[Mapping[str, object], types.CodeType, str, bool]
_Part = Union[Sites, _RawPart]


def _names(part: _Part) -> Mapping[str, object]:
    """The names of a function's part (as a mapping: ``in``, iteration)."""
    return part[0] if isinstance(part, tuple) else part


def _sites(part: _Part) -> Sites:
    """A function's part as a mapping of sites."""
    if isinstance(part, tuple):
        from ._bytecode import method_sites

        found, code, qualname, stores = part
        return method_sites(code, qualname, found, stores)
    return part


def _method_key(
    func: types.FunctionType, code: types.CodeType, first: str
) -> Tuple[int, str, None, int]:
    """The key in ``_Driver.seen`` of a method read with its first parameter tracked."""
    return (id(code), first, None, id(func.__closure__))


def _one_or_all(tracked: FrozenSet[str]) -> Union[str, FrozenSet[str]]:
    """A reader's tracked names in the key of what was read: one name as itself."""
    if len(tracked) == 1:
        for name in tracked:
            return name
    return tracked


def _quick_reader() -> _Quick:
    quick = _quick[0]
    if quick is None:
        from ._bytecode import read_method

        quick = _quick[0] = read_method
    return quick


_quick: List[Optional[_Quick]] = [None]


def _import_engine(name: str) -> Callable[..., CodeFacts]:
    if name == "bytecode":
        from . import _bytecode

        scan = _bytecode.scan
    else:
        from . import _source

        scan = _source.scan
    _scanners[name] = scan
    return scan


def _reader(
    func: types.FunctionType,
    *,
    tracked: FrozenSet[str] = frozenset(),
    factory: Optional[str] = None,
    other_objects: bool = True,
) -> _Reader:
    return _Reader(
        func.__code__,
        func.__qualname__,
        func.__globals__,
        func.__closure__,
        tracked,
        factory,
        other_objects,
    )


def _function_readers(
    func: types.FunctionType, *, factory_first: bool = False
) -> Iterator[_Reader]:
    """Readers for a function found in a class body, and for what it wraps.

    A decorator's wrapper is read as the method it stands for; the function it wraps is
    reached through ``__wrapped__`` (``functools.wraps``) or, for a wrapper taking only
    ``*args``, through the functions in its closure.
    """
    seen: Set[int] = set()
    stack: List[object] = [func]
    while stack:
        current = stack.pop()
        if id(current) in seen or not isinstance(current, types.FunctionType):
            continue
        seen.add(id(current))
        code = current.__code__
        first = _parameter_at(code, 0)
        if first is not None:
            if factory_first:
                yield _reader(current, factory=first)
            else:
                yield _reader(current, tracked=frozenset((first,)))
        wrapped = getattr(current, "__wrapped__", None)
        if wrapped is not None:
            stack.append(wrapped)
        elif first is None and current.__closure__:
            for cell in current.__closure__:
                try:
                    stack.append(cell.cell_contents)
                except ValueError:
                    continue


def _unwrap_once(value: object) -> Optional[object]:
    """The function inside a wrapper object (``functools.lru_cache`` and the like)."""
    try:
        wrapped = getattr(value, "__wrapped__", None)
    except Exception:
        return None
    if isinstance(wrapped, (types.FunctionType, classmethod, staticmethod, property)):
        return cast(object, wrapped)
    return None


def _parameter_at(code: types.CodeType, position: Union[int, str]) -> Optional[str]:
    """The local name of the parameter that receives argument ``position``."""
    if isinstance(position, int):
        positional = code.co_argcount
        if position < positional:
            return code.co_varnames[position]
        return None
    names = code.co_varnames[code.co_posonlyargcount : code.co_argcount + code.co_kwonlyargcount]
    return position if position in names else None


def _lookup_in_mro(mro: Tuple[type, ...], attr: str) -> Any:
    return lookup(mro, attr)[1]


def _lookup_static(kind: type, attr: str) -> Any:
    return lookup(kind.__mro__, attr)[1]


_BUILTIN_CALLABLES = (
    types.BuiltinFunctionType,
    types.BuiltinMethodType,
    types.WrapperDescriptorType,
    types.MethodWrapperType,
    types.MethodDescriptorType,
    types.ClassMethodDescriptorType,
)


def _callable_target(value: object, *, bound: bool) -> _Target:
    """What calling ``value`` (found as a class attribute or a global) runs."""
    if type(value) is type:  # (``type(self)``, a builtin class, or a plain class)
        if not value.__flags__ & _HEAPTYPE:
            return None  # a builtin class: its __new__ and __init__ are not Python code
        return _class_call_target(value)
    if isinstance(value, staticmethod):
        value, bound = cast("staticmethod[..., object]", value).__func__, False
    elif isinstance(value, classmethod):
        value, bound = cast("classmethod[object, ..., object]", value).__func__, True
    elif isinstance(value, types.MethodType):
        value, bound = value.__func__, True
    if isinstance(value, types.FunctionType):
        return (value, bound)
    if isinstance(value, functools.partial):
        return "is a functools.partial that cannot be followed"
    if isinstance(value, _BUILTIN_CALLABLES):
        return None
    if isinstance(value, type):
        if not value.__flags__ & _HEAPTYPE:
            return None  # a builtin class: its __new__ and __init__ are not Python code
        return _class_call_target(value)
    wrapped = _unwrap_once(value)
    if wrapped is not None:
        return _callable_target(wrapped, bound=bound)
    return f"is a {type(value).__name__} object that cannot be read"


def _class_call_target(kind: type) -> _Target:
    """Calling a class with the instance as an argument runs its ``__init__``."""
    init = _lookup_static(kind, "__init__")
    new = _lookup_static(kind, "__new__")
    if isinstance(new, staticmethod) and isinstance(new.__func__, types.FunctionType):
        return f"is the class {kind.__qualname__}, whose __new__ cannot be followed"
    if isinstance(init, types.FunctionType):
        return (init, True)
    if init is _MISSING or isinstance(init, _BUILTIN_CALLABLES):
        return None
    return f"is the class {kind.__qualname__}, whose __init__ cannot be read"


def _resolve_chain(start: object, names: Tuple[str, ...]) -> _Target:
    value: object = start
    bound = False
    for attr in names:
        if isinstance(value, types.ModuleType):
            if attr not in value.__dict__:
                return f"is not defined in module {value.__name__}"
            value, bound = value.__dict__[attr], False
        elif isinstance(value, type):
            found = _lookup_static(value, attr)
            if found is _MISSING:
                return f"is not defined on {value.__qualname__}"
            value, bound = found, False
        else:
            found = _lookup_static(type(value), attr)
            if found is _MISSING:
                return "cannot be read when the class is created"
            value, bound = found, True
    return _callable_target(value, bound=bound)


def _closure_value(reader: _Reader, name: str) -> Any:
    code = reader.code
    if reader.closure is None or name not in code.co_freevars:
        return _MISSING
    cell = reader.closure[code.co_freevars.index(name)]
    try:
        return cell.cell_contents
    except ValueError:
        return _MISSING


def _is_class_variable(annotation: object) -> bool:
    if isinstance(annotation, str):
        return bool(_CLASSVAR_TEXT.match(annotation))
    import dataclasses
    import typing

    if annotation is typing.ClassVar or typing.get_origin(annotation) is typing.ClassVar:
        return True
    return annotation is dataclasses.InitVar or isinstance(annotation, dataclasses.InitVar)


def _module_file(module: str) -> str:
    mod = sys.modules.get(module)
    return getattr(mod, "__file__", None) or f"<{module}>"
