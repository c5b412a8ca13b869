"""Data shared by the inference engines, the inference driver and the builders.

The engines (``_bytecode`` and ``_source``) read one function and describe what it does
with the instance: which attributes it writes and reads, where the instance escapes to
other code, and what cannot be proven.  They know nothing about classes; the driver
(``_infer``) decides which functions to read, follows escapes and merges the facts.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass, field
from typing import (
    AbstractSet,
    Any,
    Callable,
    Dict,
    Iterator,
    List,
    Mapping,
    Optional,
    Tuple,
    Union,
)


class Site:
    """A place in user code: the function's qualified name, its file and a line.

    Immutable, compared and hashed by its three fields, like a frozen dataclass (which
    it was); written by hand with ``__slots__`` because the engines make many of them
    and a frozen dataclass's ``__init__`` costs twice as much.
    """

    __slots__ = ("filename", "function", "lineno")
    __match_args__ = ("function", "filename", "lineno")

    function: str
    filename: str
    lineno: int

    def __init__(self, function: str, filename: str, lineno: int) -> None:
        _set_function(self, function)
        _set_filename(self, filename)
        _set_lineno(self, lineno)

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Site) or other.__class__ is not Site:
            return NotImplemented
        return (
            self.lineno == other.lineno
            and self.function == other.function
            and self.filename == other.filename
        )

    def __hash__(self) -> int:
        return hash((self.function, self.filename, self.lineno))

    def __repr__(self) -> str:
        return (
            f"Site(function={self.function!r}, filename={self.filename!r}, "
            f"lineno={self.lineno!r})"
        )

    def __reduce__(self) -> Tuple[type, Tuple[str, str, int]]:
        return (Site, (self.function, self.filename, self.lineno))

    def __str__(self) -> str:
        return f"{self.function} ({self.filename}:{self.lineno})"


# The slots' own setters: ``Site.__setattr__`` refuses every assignment.
_new_object = object.__new__
_set_function: Callable[[Site, str], None] = Site.__dict__["function"].__set__
_set_filename: Callable[[Site, str], None] = Site.__dict__["filename"].__set__
_set_lineno: Callable[[Site, int], None] = Site.__dict__["lineno"].__set__


def make_site(function: str, filename: str, lineno: int) -> Site:
    """``Site(function, filename, lineno)`` without running ``Site.__init__``: for the
    engines, which make many."""
    site: Site = _new_object(Site)
    _set_function(site, function)
    _set_filename(site, filename)
    _set_lineno(site, lineno)
    return site


@dataclass(frozen=True)
class Reason:
    """Why the attribute set of a class cannot be proven: where, and what was seen."""

    site: Site
    what: str

    def __str__(self) -> str:
        return f"{self.site}: {self.what}"


@dataclass(frozen=True)
class CalleeRef:
    """A description of the callee of a call that receives the instance as an argument.

    ``root`` says where the chain starts:

    - ``"global"``: ``names[0]`` is a global (or builtin) name of the function, the rest an
      attribute chain (``helper(self)`` -> ``("helper",)``; ``Other.method(self)`` ->
      ``("Other", "method")``);
    - ``"deref"``: ``names[0]`` is a free or cell variable of the function, the rest an
      attribute chain (a decorator's wrapper calling the function it closes over);
    - ``"self"``: a method looked up on the instance itself (``self.meth(self)``):
      ``names == ("meth",)``;
    - ``"code"``: a function made in this function from the nested code object ``code``
      (``def inner(obj): ...; inner(self)``);
    - ``"unknown"``: anything else; ``text`` describes it for the reason.
    """

    root: str
    names: Tuple[str, ...] = ()
    code: Optional[object] = None
    text: str = ""

    def describe(self) -> str:
        if self.text:
            return self.text
        if self.root == "self":
            return "self." + ".".join(self.names)
        if self.root == "code":
            return getattr(self.code, "co_name", "<local function>")
        return ".".join(self.names) or self.root


# The instance's position in a call: an int for a positional argument, a str for a
# keyword argument, None where it is passed through ``*args``/``**kwargs`` or otherwise
# cannot be placed.
ArgPosition = Union[int, str, None]


@dataclass(frozen=True)
class Escape:
    """The instance is passed as an argument to ``callee`` at ``position``."""

    callee: CalleeRef
    position: ArgPosition
    site: Site


# name -> its sites, where the sites may be made only when a name is asked for (see
# ``SiteMap`` and the bytecode engine's lazy mappings).
Sites = Mapping[str, List[Site]]


@dataclass
class CodeFacts:
    """What one function (with all code nested in it) does with the tracked instance.

    Attribute names are as stored at run time: private names are already mangled
    (``self.__x`` in class ``C`` is ``_C__x``).  Every scan returns new mappings and
    lists: the caller may keep them.  ``writes`` and ``reads`` may be mappings that
    make a name's sites only when asked for it (the names themselves are known at once).
    """

    writes: Sites = field(default_factory=lambda: {})
    reads: Sites = field(default_factory=lambda: {})
    # Attribute names written on objects that are not provably the tracked instance
    # and not a class object (``other.x = v``, ``self.left.parent = self``,
    # ``for i, o in enumerate([self]): o.y = 1``, ``self.fluent().z = 1``): any of them may
    # be an instance of the class, so the driver slots them too.  Writes through
    # ``type(self)``, ``self.__class__``, ``cls`` or the class's own name are class
    # attributes and are not listed.
    other_writes: Dict[str, List[Site]] = field(default_factory=lambda: {})
    escapes: List[Escape] = field(default_factory=lambda: [])
    reasons: List[Reason] = field(default_factory=lambda: [])

    def add_write(self, name: str, site: Site) -> None:
        writes = self.writes = _own(self.writes)
        writes.setdefault(name, []).append(site)

    def add_other_write(self, name: str, site: Site) -> None:
        self.other_writes.setdefault(name, []).append(site)

    def add_read(self, name: str, site: Site) -> None:
        reads = self.reads = _own(self.reads)
        reads.setdefault(name, []).append(site)

    def merge(self, other: CodeFacts) -> None:
        if other.writes:
            writes = self.writes = _own(self.writes)
            for name, sites in other.writes.items():
                writes.setdefault(name, []).extend(sites)
        if other.reads:
            reads = self.reads = _own(self.reads)
            for name, sites in other.reads.items():
                reads.setdefault(name, []).extend(sites)
        for name, sites in other.other_writes.items():
            self.other_writes.setdefault(name, []).extend(sites)
        self.escapes.extend(other.escapes)
        self.reasons.extend(other.reasons)


def _own(sites: Sites) -> Dict[str, List[Site]]:
    """``sites`` as a dict of lists that may be changed (made from a lazy mapping)."""
    if isinstance(sites, dict):
        return sites
    return {name: list(found) for name, found in sites.items()}


class SiteMap(Mapping[str, List[Site]]):
    """name -> its sites, joined from the mappings of several functions.

    The names are known at once; a name's sites are joined (and the lazy mappings make
    theirs) only when that name is asked for: building a class needs the names, only
    ``explain()`` and messages need the sites.  ``parts`` are the functions' mappings of
    sites, or what stands for one until ``resolve`` makes it (when first asked for).
    """

    __slots__ = ("_joined", "_members", "_names", "_parts", "_resolve")

    def __init__(
        self,
        names: List[str],
        members: AbstractSet[str],
        parts: List[Any],
        resolve: Callable[[Any], Sites],
    ) -> None:
        self._names = names  # (in this order, each once)
        self._members = members  # the same names, as a set
        self._parts = parts  # (in order; this map's own list)
        self._resolve: Optional[Callable[[Any], Sites]] = resolve  # (None: all resolved)
        self._joined: Dict[str, List[Site]] = {}

    def __getitem__(self, name: str) -> List[Site]:
        joined = self._joined.get(name)
        if joined is None:
            if name not in self._members:
                raise KeyError(name)
            parts = self._parts
            resolve = self._resolve
            if resolve is not None:
                parts[:] = [resolve(part) for part in parts]
                self._resolve = None
            joined = self._joined[name] = [
                site for part in parts if name in part for site in part[name]
            ]
        return joined

    def __contains__(self, name: object) -> bool:
        return name in self._members

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"SiteMap({dict(self.items())!r})"


class EngineUnsupported(Exception):
    """An engine cannot read a function (unknown opcode, no source, ...).

    The driver then tries the other engine for that function; where neither can read
    it, the class keeps its ``__dict__`` and ``reason`` is reported.
    """

    def __init__(self, reason: Reason) -> None:
        super().__init__(str(reason))
        self.reason = reason
