"""The bytecode inference engine.

``scan`` follows the instance through one function's value stack, instruction by
instruction, and reports what the function does with it (see ``_model.CodeFacts``).

How it works, in short:

- The instructions of each code object are decoded once, from ``co_code`` with per-opcode
  tables computed at import (checked against ``dis`` by the tests), CACHE entries skipped:
  one plain tuple per instruction, carrying the function that executes it.  Lines are
  looked up (by offset) only when a fact is recorded.  This is the cost of reading a
  class, paid at import time: keep it small.
- Abstract interpretation: every stack slot holds an abstract *value* (a small tuple whose
  first item is its kind: the instance, the factory parameter, a ``super()`` object bound to
  the instance, a builtin recognised by value, a global/free/local name chain, a constant
  string, a function made here from a nested code constant, a tuple/list that holds the
  instance, ...).  Straight-line code (no jumps, no exception table) is run in one pass.
  Otherwise a worklist runs over blocks; the stack at each jump target (and at each
  exception handler: the exception table on 3.11+, ``SETUP_*`` blocks before) is merged,
  and at a merge "may be the instance" wins.
- Locals and cells are summarised flow-insensitively: one joined value per name over the
  whole function.  A pass that read a name whose summary later changed is run again.
- Nested code objects made here (closures, lambdas, comprehensions before 3.12, class
  bodies) are scanned too, with what they can see of the instance (a free variable, a
  default value, or the ``.0`` iterator of a comprehension); their facts are merged and
  what they store into shared cells flows back.
- Stores on objects that are neither the instance nor a class (``other.x = v``,
  ``self.left.parent = self``, ``setattr(node, "x", v)``) are ``other_writes``: such an
  object may be another instance of the class.  Class objects are the factory,
  ``type(x)``, ``x.__class__``, super objects, and names whose value (global, builtin,
  closure cell, through an attribute chain) is a class, or that are unbound but named like
  a class of the qualname (the class itself, while its decorator runs).
- Most methods use the instance only as ``self.name``.  A fast pass reads such code in one
  walk over ``co_code`` (no value stack, no decoded instructions) and gives the same facts;
  it hands anything else to the interpreter above (see "the fast path" below).
- Every opcode the engine understands is listed in a table for the running version.  Any
  other opcode raises ``EngineUnsupported``: the driver then falls back to the AST engine.
"""

from __future__ import annotations

import builtins
import dis
import sys
import types
from bisect import bisect_left, bisect_right
from typing import (
    Any,
    Callable,
    Dict,
    FrozenSet,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Set,
    Tuple,
    cast,
)

from ._model import (
    CalleeRef,
    CodeFacts,
    EngineUnsupported,
    Escape,
    Reason,
    Site,
    Sites,
    make_site,
)

__all__ = ["method_sites", "read_method", "scan", "supported_opnames"]

_V = sys.version_info[:2]
_GE311 = _V >= (3, 11)
_GE312 = _V >= (3, 12)
_GE313 = _V >= (3, 13)

# --------------------------------------------------------------------------- values
# An abstract value is a tuple; item 0 is its kind.
Value = Tuple[Any, ...]

OTHER: Value = ("other",)
NULL: Value = ("null",)
INST: Value = ("inst",)
FACTORY: Value = ("factory",)
SUPER_INST: Value = ("super_inst",)
SUPER_FACTORY: Value = ("super_factory",)
SUPER_SETATTR: Value = ("super_setattr",)
SUPER_DELATTR: Value = ("super_delattr",)
FACTORY_NEW: Value = ("factory_new",)
ITER_INST: Value = ("iter",)
PASSNAME: Value = ("passname",)
# a class object that is not the factory (``type(other)``, ``other.__class__``, a global
# class found by value) and a super() object not bound to the instance: stores on them are
# not instance attributes
CLASSOBJ: Value = ("classobj",)
SUPEROBJ: Value = ("superobj",)
SEQ_ANY: Value = ("seq", None, None)
# a literal tuple/list whose first item is the factory parameter (``super().__new__(cls,
# *args, **kwargs)`` passes it on through unpacking)
FACTORY_SEQ: Value = ("fseq",)
MAP_ANY: Value = ("map", None)
# Other kinds, built where needed:
#   ("const", obj)                 a constant (strings and tuples of strings matter)
#   ("code", codeobj)              a code constant, before MAKE_FUNCTION
#   ("func", codeobj, params)      a function made here; params: param name -> value
#   ("chain", root, names)         an attribute chain from a name: root "global" | "deref" |
#                                  "local" | "name" (class body) | "self" (an attribute of the
#                                  instance) | "super" (of super()) | "cls" (of the factory or
#                                  type(self)) | "expr" (of anything else)
#   ("builtin", which, root, names)  a known builtin found by value (root/names: how it was named)
#   ("seq", pos, length)           a tuple/list holding the instance at pos (None: unknown)
#   ("nseq", inner)                a tuple/list that does not hold the instance itself, only
#                                  tuples/lists holding it, all described by ``inner`` (a
#                                  "seq"): ``[(other, self)]``
#   ("iter", inner)                an iterator over such a "nseq": its items are ``inner``
#   ("map", names)                 a dict holding the instance under names (None: unknown)
#   ("selfslot", receiver)         the receiver pushed by a method load

_RANK = {
    "inst": 9,
    "factory": 8,
    "super_inst": 7,
    "super_factory": 6,
    "factory_new": 5,
    "seq": 4,
    "nseq": 4,
    "map": 3,
    "iter": 2,
}


def _join(a: Value, b: Value) -> Value:
    """Least upper bound of two values: "may be the instance" (and kin) wins."""
    if a == b:
        return a
    ra = _RANK.get(a[0], 0)
    rb = _RANK.get(b[0], 0)
    if ra or rb:
        win = a if ra >= rb else b
        if win[0] == "seq" or win[0] == "nseq":
            return SEQ_ANY
        if win[0] == "iter":
            return ITER_INST
        if win[0] == "map":
            return MAP_ANY
        return win
    if a[0] == "func" and b[0] == "func" and a[1] is b[1]:
        return ("func", a[1], _join_params(a[2], b[2]))
    if a[0] == "selfslot" and b[0] == "selfslot":
        return ("selfslot", _join(a[1], b[1]))
    return OTHER


def _join_params(a: Mapping[str, Value], b: Mapping[str, Value]) -> Dict[str, Value]:
    out = dict(a)
    for k, v in b.items():
        out[k] = _join(out[k], v) if k in out else v
    return out


def _holds_inst(v: Value) -> bool:
    return v[0] in ("inst", "seq", "map", "iter", "nseq")


# Builtins recognised by value (also through aliases and through a class that inherits
# them from ``object``).
_KNOWN_BUILTINS: Dict[int, str] = {
    id(builtins.setattr): "setattr",
    id(builtins.delattr): "delattr",
    id(builtins.getattr): "getattr",
    id(builtins.hasattr): "hasattr",
    id(builtins.vars): "vars",
    id(builtins.super): "super",
    id(builtins.object): "object",
    id(builtins.type): "type",
    id(object.__setattr__): "object.__setattr__",
    id(object.__delattr__): "object.__delattr__",
    id(object.__new__): "object.__new__",
    id(object.__getattribute__): "object.__getattribute__",
}

_OBJECT_ATTRS = {
    name: _KNOWN_BUILTINS[id(getattr(object, name))]
    for name in dir(object)
    if id(getattr(object, name)) in _KNOWN_BUILTINS
}

_MISSING = object()

_COMPREHENSIONS = frozenset({"<listcomp>", "<setcomp>", "<dictcomp>", "<genexpr>"})

# CALL_INTRINSIC_1 operand that turns a list into a tuple (3.12+): keeps what it holds.
_INTRINSIC_LIST_TO_TUPLE = 6


# --------------------------------------------------------------------------- opcode table
# kind of handling for each opname the engine understands, per version.
#   "generic": pops N values (harmless whatever they are: comparisons, formatting,
#              arithmetic, stores into containers/globals, returns, iteration set-up,
#              awaiting, pattern matching...) and pushes OTHER values; N given by
#              _GENERIC_POPS, pushes = N + dis.stack_effect.  An instance consumed by one of
#              these only has its own class's special methods called on it, which the driver
#              reads anyway, or is stored somewhere (not reported, by the contract).
#   anything else: a dedicated handler below.
def _pops_fixed(n: int) -> Callable[[int], int]:
    return lambda arg: n


def _pops_arg(arg: int) -> int:
    return arg


def _pops_net(arg: int) -> int:  # ops that only pop: pops = -effect (filled at decode)
    return -1


_GENERIC_POPS: Dict[str, Callable[[int], int]] = {
    "POP_TOP": _pops_fixed(1),
    "COMPARE_OP": _pops_fixed(2),
    "IS_OP": _pops_fixed(2),
    "CONTAINS_OP": _pops_fixed(2),
    "BINARY_OP": _pops_fixed(2),
    "BINARY_SUBSCR": _pops_fixed(2),
    "BINARY_SLICE": _pops_fixed(3),
    "STORE_SLICE": _pops_fixed(4),
    "STORE_SUBSCR": _pops_fixed(3),
    "DELETE_SUBSCR": _pops_fixed(2),
    "UNARY_POSITIVE": _pops_fixed(1),
    "UNARY_NEGATIVE": _pops_fixed(1),
    "UNARY_NOT": _pops_fixed(1),
    "UNARY_INVERT": _pops_fixed(1),
    "TO_BOOL": _pops_fixed(1),
    "FORMAT_VALUE": lambda arg: 2 if arg & 0x04 else 1,
    "FORMAT_SIMPLE": _pops_fixed(1),
    "FORMAT_WITH_SPEC": _pops_fixed(2),
    "CONVERT_VALUE": _pops_fixed(1),
    "BUILD_STRING": _pops_arg,
    "BUILD_SLICE": _pops_arg,
    "BUILD_SET": _pops_arg,
    "SET_ADD": _pops_fixed(1),
    "SET_UPDATE": _pops_fixed(1),
    "STORE_NAME": _pops_fixed(1),
    "DELETE_GLOBAL": _pops_fixed(0),
    "DELETE_NAME": _pops_fixed(0),
    "DELETE_FAST": _pops_fixed(0),
    "DELETE_DEREF": _pops_fixed(0),
    "IMPORT_NAME": _pops_fixed(2),
    "IMPORT_FROM": _pops_fixed(0),
    "IMPORT_STAR": _pops_fixed(1),
    "LOAD_BUILD_CLASS": _pops_fixed(0),
    "SETUP_ANNOTATIONS": _pops_fixed(0),
    "LOAD_ASSERTION_ERROR": _pops_fixed(0),
    "LOAD_LOCALS": _pops_fixed(0),
    "LOAD_FROM_DICT_OR_GLOBALS": _pops_fixed(1),
    "PRINT_EXPR": _pops_fixed(1),
    "GET_AWAITABLE": _pops_fixed(1),
    "GET_AITER": _pops_fixed(1),
    "GET_ANEXT": _pops_fixed(0),
    "YIELD_VALUE": _pops_fixed(1),
    "YIELD_FROM": _pops_fixed(1),
    "GET_YIELD_FROM_ITER": _pops_fixed(1),
    "ASYNC_GEN_WRAP": _pops_fixed(1),
    "PUSH_EXC_INFO": _pops_fixed(1),
    "POP_EXCEPT": _pops_net,
    "CHECK_EXC_MATCH": _pops_fixed(2),
    "CHECK_EG_MATCH": _pops_fixed(2),
    "PREP_RERAISE_STAR": _pops_fixed(2),
    "WITH_EXCEPT_START": _pops_fixed(0),
    "CALL_INTRINSIC_2": _pops_fixed(2),
    "END_FOR": _pops_net,
    "END_SEND": _pops_fixed(2),
    "CLEANUP_THROW": _pops_fixed(3),
    "END_ASYNC_FOR": _pops_net,
    "BEFORE_ASYNC_WITH": _pops_fixed(1),
    "MATCH_MAPPING": _pops_fixed(0),
    "MATCH_SEQUENCE": _pops_fixed(0),
    "MATCH_KEYS": _pops_fixed(0),
    "MATCH_CLASS": _pops_fixed(3),
    "GET_LEN": _pops_fixed(0),
    "COPY_DICT_WITHOUT_KEYS": _pops_fixed(1),
    "POP_BLOCK": _pops_fixed(0),
    "EXIT_INIT_CHECK": _pops_fixed(1),
    "RETURN_GENERATOR": _pops_fixed(0),
}
for _n in (
    "ADD", "AND", "FLOOR_DIVIDE", "LSHIFT", "MATRIX_MULTIPLY", "MODULO", "MULTIPLY", "OR",
    "POWER", "RSHIFT", "SUBTRACT", "TRUE_DIVIDE", "XOR",
):
    _GENERIC_POPS["BINARY_" + _n] = _pops_fixed(2)
    _GENERIC_POPS["INPLACE_" + _n] = _pops_fixed(2)

# Generic ops with a jump: pops are the same on both paths; pushes from stack_effect(jump=...).
_GENERIC_BRANCH_POPS: Dict[str, int] = {
    "SEND": 2,
    "JUMP_IF_NOT_EXC_MATCH": 2,
}

# Ops that never fall through.
_TERMINATORS = frozenset(
    {"RETURN_VALUE", "RETURN_CONST", "RAISE_VARARGS", "RERAISE"}
)
_UNCONDITIONAL_JUMPS = frozenset(
    {"JUMP_FORWARD", "JUMP_ABSOLUTE", "JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT"}
)
_POP_JUMPS = frozenset(
    {
        "POP_JUMP_IF_FALSE", "POP_JUMP_IF_TRUE", "POP_JUMP_IF_NONE", "POP_JUMP_IF_NOT_NONE",
        "POP_JUMP_FORWARD_IF_FALSE", "POP_JUMP_FORWARD_IF_TRUE", "POP_JUMP_FORWARD_IF_NONE",
        "POP_JUMP_FORWARD_IF_NOT_NONE", "POP_JUMP_BACKWARD_IF_FALSE", "POP_JUMP_BACKWARD_IF_TRUE",
        "POP_JUMP_BACKWARD_IF_NONE", "POP_JUMP_BACKWARD_IF_NOT_NONE",
    }
)
_OR_POP_JUMPS = frozenset({"JUMP_IF_FALSE_OR_POP", "JUMP_IF_TRUE_OR_POP"})
_BLOCK_SETUPS = frozenset({"SETUP_FINALLY", "SETUP_WITH", "SETUP_ASYNC_WITH"})

# Opnames with a dedicated handler, and the versions that have them in real bytecode.
_SPECIAL_ALL = (
    "NOP", "EXTENDED_ARG", "LOAD_CONST", "LOAD_FAST", "STORE_FAST", "LOAD_DEREF",
    "STORE_DEREF", "LOAD_CLOSURE", "LOAD_GLOBAL", "STORE_GLOBAL", "LOAD_NAME", "LOAD_ATTR",
    "STORE_ATTR", "DELETE_ATTR", "BUILD_TUPLE", "BUILD_LIST", "BUILD_MAP", "BUILD_CONST_KEY_MAP",
    "LIST_APPEND", "LIST_EXTEND", "MAP_ADD", "DICT_UPDATE", "DICT_MERGE", "UNPACK_SEQUENCE",
    "UNPACK_EX", "GET_ITER", "FOR_ITER", "MAKE_FUNCTION", "CALL_FUNCTION_EX",
    "RETURN_VALUE", "RAISE_VARARGS", "RERAISE", "JUMP_FORWARD",
)
_SPECIAL_BY_VERSION: Dict[Tuple[int, int], Tuple[str, ...]] = {
    (3, 9): (
        "LOAD_METHOD", "CALL_FUNCTION", "CALL_FUNCTION_KW", "CALL_METHOD", "DUP_TOP",
        "DUP_TOP_TWO", "ROT_TWO", "ROT_THREE", "ROT_FOUR", "JUMP_ABSOLUTE",
        "POP_JUMP_IF_FALSE", "POP_JUMP_IF_TRUE", "JUMP_IF_FALSE_OR_POP", "JUMP_IF_TRUE_OR_POP",
        "SETUP_FINALLY", "SETUP_WITH", "SETUP_ASYNC_WITH", "LIST_TO_TUPLE", "LOAD_CLASSDEREF",
    ),
    (3, 10): ("ROT_N", "GEN_START"),
    (3, 11): (
        "LOAD_METHOD", "RESUME", "PRECALL", "CALL", "KW_NAMES", "PUSH_NULL", "COPY", "SWAP",
        "MAKE_CELL", "COPY_FREE_VARS", "BEFORE_WITH", "JUMP_BACKWARD",
        "JUMP_BACKWARD_NO_INTERRUPT", "POP_JUMP_FORWARD_IF_FALSE", "POP_JUMP_FORWARD_IF_TRUE",
        "POP_JUMP_FORWARD_IF_NONE", "POP_JUMP_FORWARD_IF_NOT_NONE",
        "POP_JUMP_BACKWARD_IF_FALSE", "POP_JUMP_BACKWARD_IF_TRUE", "POP_JUMP_BACKWARD_IF_NONE",
        "POP_JUMP_BACKWARD_IF_NOT_NONE", "JUMP_IF_FALSE_OR_POP", "JUMP_IF_TRUE_OR_POP",
        "LIST_TO_TUPLE", "LOAD_CLASSDEREF",
    ),
    (3, 12): (
        "RESUME", "CALL", "KW_NAMES", "PUSH_NULL", "COPY", "SWAP", "MAKE_CELL",
        "COPY_FREE_VARS", "BEFORE_WITH", "JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT",
        "POP_JUMP_IF_FALSE", "POP_JUMP_IF_TRUE", "POP_JUMP_IF_NONE", "POP_JUMP_IF_NOT_NONE",
        "RETURN_CONST", "CALL_INTRINSIC_1", "LOAD_FAST_CHECK", "LOAD_FAST_AND_CLEAR",
        "LOAD_SUPER_ATTR", "LOAD_FROM_DICT_OR_DEREF",
    ),
    (3, 13): (
        "RESUME", "CALL", "CALL_KW", "PUSH_NULL", "COPY", "SWAP", "MAKE_CELL",
        "COPY_FREE_VARS", "BEFORE_WITH", "JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT",
        "POP_JUMP_IF_FALSE", "POP_JUMP_IF_TRUE", "POP_JUMP_IF_NONE", "POP_JUMP_IF_NOT_NONE",
        "RETURN_CONST", "CALL_INTRINSIC_1", "LOAD_FAST_CHECK", "LOAD_FAST_AND_CLEAR",
        "LOAD_SUPER_ATTR", "LOAD_FROM_DICT_OR_DEREF", "LOAD_FAST_LOAD_FAST",
        "STORE_FAST_LOAD_FAST", "STORE_FAST_STORE_FAST", "SET_FUNCTION_ATTRIBUTE",
    ),
}
_SPECIAL_BY_VERSION[(3, 10)] = _SPECIAL_BY_VERSION[(3, 9)] + _SPECIAL_BY_VERSION[(3, 10)]

# Generic opnames that exist (as real bytecode) per version; the rest of _GENERIC_POPS is
# filtered by dis.opmap.  Pseudo-instructions (opcode >= 256 on 3.12+) never appear.
_GENERIC_NOT_IN: Dict[Tuple[int, int], FrozenSet[str]] = {
    (3, 12): frozenset({"POP_BLOCK"}),
    (3, 13): frozenset({"POP_BLOCK"}),
}


def _build_table() -> Dict[str, str]:
    """opname -> "generic" | "branch" | "special" for the running version."""
    table: Dict[str, str] = {}
    opmap = dis.opmap
    real = {name for name, op in opmap.items() if op < 256}
    skip = _GENERIC_NOT_IN.get(_V, frozenset())
    for name in _GENERIC_POPS:
        if name in real and name not in skip:
            table[name] = "generic"
    for name in _GENERIC_BRANCH_POPS:
        if name in real:
            table[name] = "branch"
    specials = _SPECIAL_ALL + _SPECIAL_BY_VERSION.get(_V, ())
    for name in specials:
        if name in real:
            table[name] = "special"
    if not _GE312:
        table.pop("LOAD_FROM_DICT_OR_GLOBALS", None)
    return table


_TABLE: Dict[str, str] = _build_table() if _V in _SPECIAL_BY_VERSION else {}


def supported_opnames() -> FrozenSet[str]:
    """The opcodes this engine reads on the running Python (anything else: unsupported)."""
    return frozenset(_TABLE)


# --------------------------------------------------------------------------- decoding
# One decoded instruction is a plain tuple (no object per instruction: decoding is most of
# the cost of reading a small method):
#   [0] opname  [1] arg (0 when none)  [2] argval (name, constant, variable, jump target
#   offset...)  [3] offset  [4] step function  [5] index of the jump target (-1: none)
#   [6], [7], [8]: per kind: generic ops (pops, pushes, 0); generic ops with a branch
#   (pops, pushes when falling through, pushes when jumping); SETUP_* (effect, jump
#   effect, 0).
_Ins = Tuple[Any, ...]

def _line_of(ins: dis.Instruction, last: int) -> int:
    """The line of a ``dis`` instruction (3.11+: positions; 3.13: line_number; before:
    starts_line), or the previous instruction's line where it has none."""
    pos = getattr(ins, "positions", None)
    if pos is not None and pos.lineno is not None:
        return int(pos.lineno)
    ln = getattr(ins, "line_number", None)
    if ln is not None:
        return int(ln)
    sl = ins.starts_line
    if type(sl) is int:
        return sl
    return last


# A raw instruction: (offset, opname, opcode, arg or None, argval, line).
_Raw = Tuple[int, str, int, Optional[int], Any, int]
# An exception table entry: (start, end, target, depth, lasti).
_Entry = Tuple[int, int, int, int, bool]


def _raw_with_dis(  # pyright: ignore[reportUnusedFunction]  (for the tests)
    code: types.CodeType,
) -> Tuple[List[_Raw], List[_Entry]]:
    """The instructions as ``dis`` reads them (the reference decoder, for the tests)."""
    bc = dis.Bytecode(code)
    out: List[_Raw] = []
    line = code.co_firstlineno
    for raw in bc:
        if raw.opname == "CACHE":
            continue
        line = _line_of(raw, line)
        out.append((raw.offset, raw.opname, raw.opcode, raw.arg, raw.argval, line))
    entries = [
        (e.start, e.end, e.target, e.depth, e.lasti)
        for e in getattr(bc, "exception_entries", None) or ()
    ]
    return out, entries


# The decoder reads co_code directly, with per-opcode tables computed at import; it relies
# on a few private ``dis`` helpers (cache entry counts, the exception table parser,
# ``_varname_from_oparg``).  A test compares it with ``dis`` over standard-library code on
# every version.
def _cache_counts() -> Optional[List[int]]:
    """How many CACHE entries follow each opcode (None: unknown on this version)."""
    if not _GE311:
        return [0] * 256
    table: Any = getattr(dis, "_inline_cache_entries", None)
    names = dis.opname
    if isinstance(table, dict):  # 3.13: by opname
        by_name = cast("Dict[str, int]", table)
        return [int(by_name.get(names[op], 0)) for op in range(256)]
    if isinstance(table, list):  # 3.11, 3.12: by opcode
        by_code = cast("List[int]", table)
        return [int(by_code[op]) if op < len(by_code) else 0 for op in range(256)]
    return None


_CACHE_COUNTS_OR_NONE = _cache_counts()
_CACHE_COUNTS: List[int] = _CACHE_COUNTS_OR_NONE or [0] * 256
if _CACHE_COUNTS_OR_NONE is None:
    _TABLE.clear()  # instructions cannot be delimited: read nothing (never guess)
_EXTENDED_ARG = dis.opmap["EXTENDED_ARG"]
_HASARG = frozenset(
    getattr(dis, "hasarg", None) or range(dis.HAVE_ARGUMENT, len(dis.opname))
)
_TWO_LOCALS = frozenset({"LOAD_FAST_LOAD_FAST", "STORE_FAST_LOAD_FAST", "STORE_FAST_STORE_FAST"})

# How the argument value of an opcode is found.
_A_RAW, _A_CONST, _A_NAME, _A_NAME1, _A_NAME2, _A_LOCAL, _A_FREE, _A_TWO = range(8)
_A_JFWD, _A_JBACK, _A_JABS = 8, 9, 10


def _arg_kind(op: int) -> int:
    name = dis.opname[op]
    if op in dis.hasconst:
        return _A_CONST
    if op in dis.hasname:
        if _GE311 and name == "LOAD_GLOBAL":
            return _A_NAME1
        if _GE312 and name == "LOAD_ATTR":
            return _A_NAME1
        if _GE312 and name == "LOAD_SUPER_ATTR":
            return _A_NAME2
        return _A_NAME
    if name in _TWO_LOCALS:
        return _A_TWO
    if op in dis.haslocal:
        return _A_LOCAL
    if op in dis.hasfree:
        return _A_FREE
    if op in dis.hasjrel:
        return _A_JBACK if "JUMP_BACKWARD" in name else _A_JFWD
    if op in dis.hasjabs:
        return _A_JABS
    return _A_RAW


_ARG_KINDS = [_arg_kind(op) for op in range(256)]
_WIDE_JUMPS = _V >= (3, 10)


def _line_starts(code: types.CodeType) -> Tuple[List[int], List[int]]:
    """Offsets where a known line starts, and those lines (for a bisect by offset)."""
    starts: List[int] = []
    lines: List[int] = []
    co_lines = getattr(code, "co_lines", None)
    if co_lines is not None:
        last: Optional[int] = None
        for start, _end, line in co_lines():
            if line is not None and line != last:
                starts.append(start)
                lines.append(line)
                last = line
    else:
        # (3.13 gives None for code that has no line; 3.9 and 3.10 take the other branch,
        # typed for the newer versions here)
        found = cast("Iterable[Tuple[int, Optional[int]]]", dis.findlinestarts(code))
        for off, line in found:
            if line is not None:
                starts.append(off)
                lines.append(line)
    return starts, lines


def _line_at(code: types.CodeType, starts: List[int], lines: List[int], offset: int) -> int:
    k = bisect_right(starts, offset) - 1
    return lines[k] if k >= 0 else code.co_firstlineno


# opcode -> (opname, step function, bytes of CACHE entries after it, how its argument value
# is found, whether items [6:9] are needed) for the running version; rebuilt when the opcode
# table changes (the tests remove entries from it).
_OpInfo = Tuple[str, Any, int, int, bool]
_DISPATCH: List[Optional[_OpInfo]] = []
_DISPATCH_KEY: List[Any] = [None]


def _dispatch() -> List[Optional[_OpInfo]]:
    table = _TABLE
    key = (id(table), len(table))
    if _DISPATCH_KEY[0] == key:
        return _DISPATCH
    out: List[Optional[_OpInfo]] = []
    for op in range(256):
        name = dis.opname[op]
        kind = table.get(name)
        if kind is None:
            out.append(None)
            continue
        if kind == "generic":
            fn: Any = _op_generic
        elif kind == "branch":
            fn = _op_branch
        else:
            fn = _HANDLERS.get(name) or _CONTROL_HANDLERS[name]
        extra = kind != "special" or name in _BLOCK_SETUPS
        out.append((name, fn, 2 * _CACHE_COUNTS[op], _ARG_KINDS[op], extra))
    _DISPATCH[:] = out
    _DISPATCH_KEY[0] = key
    return _DISPATCH


_EXTRAS: Dict[Tuple[int, int], Tuple[int, int, int]] = {}


def _extra(opcode: int, arg: int) -> Tuple[int, int, int]:
    """Items [6:9] of an instruction tuple (see above)."""
    key = (opcode, arg)
    hit = _EXTRAS.get(key)
    if hit is not None:
        return hit
    name = dis.opname[opcode]
    kind = _TABLE[name]
    a = arg if opcode in _HASARG else None
    effect = dis.stack_effect(opcode, a, jump=False)
    if kind == "generic":
        pops = _GENERIC_POPS[name](arg)
        if pops < 0:
            pops = -effect
        pushes = pops + effect
        if name == "RETURN_GENERATOR" and effect == 0:
            pushes += 1  # the value sent on the first resume
        out = (pops, pushes, 0)
    else:
        jump = dis.stack_effect(opcode, a, jump=True)
        if kind == "branch":
            pops = _GENERIC_BRANCH_POPS[name]
            out = (pops, pops + effect, pops + jump)
        else:
            out = (effect, jump, 0)  # SETUP_*
    if len(_EXTRAS) < 4096:
        _EXTRAS[key] = out
    return out


class _Unknown(Exception):
    """An opcode outside the table (offset, opname)."""


class _CannotDecode(Exception):
    """This Python lacks what the decoder relies on (the message says what)."""


def _decode_instrs(code: types.CodeType, jumps: Optional[List[int]] = None) -> List[_Ins]:
    """The instructions of ``code`` (jump targets still as offsets in item 5); the indexes
    of jumps are appended to ``jumps``."""
    dispatch = _dispatch()
    varname: Optional[Callable[[int], str]] = getattr(code, "_varname_from_oparg", None)
    if varname is None:
        if _GE311:
            raise _CannotDecode("code objects have no _varname_from_oparg")
        cell_free = code.co_cellvars + code.co_freevars
        local_name: Callable[[int], str] = code.co_varnames.__getitem__
        free_name: Callable[[int], str] = cell_free.__getitem__
    else:
        local_name = free_name = varname
    co = code.co_code
    consts, names = code.co_consts, code.co_names
    wide = _WIDE_JUMPS
    after_caches = _GE311
    out: List[_Ins] = []
    append = out.append
    extended = _EXTENDED_ARG
    # (the argument kinds, as local names: this loop is the engine's hottest)
    a_local, a_raw, a_name1, a_const, a_name = _A_LOCAL, _A_RAW, _A_NAME1, _A_CONST, _A_NAME
    ext = 0
    i = 0
    n = len(co)
    while i < n:
        op = co[i]
        info = dispatch[op]
        if info is None:
            raise _Unknown(i, dis.opname[op])
        name, fn, caches, ak, extra = info
        arg = co[i + 1] | ext
        ext = 0
        target = -1
        if ak == a_local:
            argval: Any = local_name(arg)
        elif ak == a_raw:
            argval = arg
            if op == extended:
                ext = arg << 8
        elif ak == a_name1:
            argval = names[arg >> 1]
        elif ak == a_const:
            argval = consts[arg]
        elif ak == a_name:
            argval = names[arg]
        elif ak == _A_TWO:
            argval = (local_name(arg >> 4), local_name(arg & 15))
        elif ak == _A_FREE:
            argval = free_name(arg)
        elif ak == _A_NAME2:
            argval = names[arg >> 2]
        elif ak == _A_JABS:
            argval = target = arg * 2 if wide else arg
            if jumps is not None:
                jumps.append(len(out))
        else:
            step = arg * 2 if wide else arg
            if ak == _A_JBACK:
                step = -step
            argval = target = i + 2 + caches + step if after_caches else i + 2 + step
            if jumps is not None:
                jumps.append(len(out))
        if extra:
            append((name, arg, argval, i, fn, target, *_extra(op, arg)))
        else:
            append((name, arg, argval, i, fn, target))
        i += 2 + caches
    return out


def _exception_entries(code: types.CodeType) -> List[_Entry]:
    """The exception table (3.11+): entries of four numbers (start, length, target in code
    units; depth * 2 + lasti), each written in 6-bit groups, most significant first, bit 6
    set on every group but the last."""
    if not _GE311:
        return []
    table: bytes = getattr(code, "co_exceptiontable", b"")
    if not table:
        return []
    out: List[_Entry] = []
    i = 0
    n = len(table)
    nums: List[int] = []
    while i < n:
        b = table[i]
        i += 1
        v = b & 63
        while b & 64:
            b = table[i]
            i += 1
            v = (v << 6) | (b & 63)
        nums.append(v)
        if len(nums) == 4:
            start, length, target, dl = nums
            out.append((start * 2, (start + length) * 2, target * 2, dl >> 1, bool(dl & 1)))
            nums = []
    return out


def _raw_fast(  # pyright: ignore[reportUnusedFunction]  (for the tests)
    code: types.CodeType,
) -> Optional[Tuple[List[_Raw], List[_Entry]]]:
    """The engine's decoding in the form ``_raw_with_dis`` gives (for the tests)."""
    instrs = _decode_instrs(code)
    starts, lines = _line_starts(code)
    out: List[_Raw] = []
    for ins in instrs:
        opcode = dis.opmap[ins[0]]
        out.append(
            (
                ins[3],
                ins[0],
                opcode,
                ins[1] if opcode in _HASARG else None,
                ins[2],
                _line_at(code, starts, lines, ins[3]),
            )
        )
    return out, _exception_entries(code)


class _OffsetIndex:
    """offset -> instruction index (only jump and handler targets are asked for)."""

    __slots__ = ("instrs", "offsets")

    def __init__(self, instrs: List[_Ins]) -> None:
        self.instrs = instrs
        # before 3.11 every code unit is an instruction: the index is offset // 2
        self.offsets: Optional[List[int]] = [ins[3] for ins in instrs] if _GE311 else None

    def get(self, offset: int) -> int:
        """The index of the instruction at ``offset`` (-1: none starts there)."""
        offsets = self.offsets
        k = offset // 2 if offsets is None else bisect_left(offsets, offset)
        if 0 <= k < len(self.instrs) and self.instrs[k][3] == offset:
            return k
        return -1


class _Decoded:
    """A code object's instructions, ready for the interpreter.

    ``instrs`` in order (jump targets as indexes), ``targets``: indexes where control flow
    merges (empty for straight-line code), ``handlers``: per instruction the exception
    handler covering it on 3.11+ (index, stack depth, push lasti), or None when the code has
    no exception table.  Lines are found from offsets only when a fact is recorded.
    Raises EngineUnsupported for an opcode outside the table.
    """

    __slots__ = ("code", "ends", "handlers", "instrs", "lines", "site_fn", "starts", "targets")

    def __init__(self, code: types.CodeType, site_fn: str) -> None:
        self.code = code
        self.site_fn = site_fn
        self.starts: Optional[List[int]] = None
        self.lines: List[int] = []
        self.ends: Optional[Dict[int, int]] = None
        jumps: List[int] = []
        try:
            instrs = _decode_instrs(code, jumps)
        except _Unknown as exc:
            offset, op = exc.args
            raise EngineUnsupported(
                Reason(
                    Site(site_fn, code.co_filename, self.line_of(offset)),
                    f"the bytecode engine does not know the opcode {op} "
                    f"(Python {_V[0]}.{_V[1]})",
                )
            ) from None
        except _CannotDecode as exc:
            raise EngineUnsupported(
                Reason(
                    Site(site_fn, code.co_filename, code.co_firstlineno),
                    f"the bytecode engine cannot decode code on this Python ({exc})",
                )
            ) from None
        entries = _exception_entries(code)
        targets: Set[int] = set()
        handlers: Optional[List[Optional[Tuple[int, int, bool]]]] = None
        if jumps or entries:
            index = _OffsetIndex(instrs)
            for k in jumps:
                ins = instrs[k]
                t = index.get(ins[5])
                if t < 0:
                    raise EngineUnsupported(
                        Reason(
                            Site(site_fn, code.co_filename, self.line_of(ins[3])),
                            f"jump target {ins[2]!r} of {ins[0]} not found",
                        )
                    )
                instrs[k] = (*ins[:5], t, *ins[6:])
                targets.add(t)
            if entries:
                handlers = self._handlers(instrs, index, entries, targets)
        self.instrs = instrs
        self.targets = targets
        self.handlers = handlers

    def _handlers(
        self,
        instrs: List[_Ins],
        index: _OffsetIndex,
        entries: List[_Entry],
        targets: Set[int],
    ) -> List[Optional[Tuple[int, int, bool]]]:
        """3.11+: exception table -> per instruction index: (handler index, depth, lasti)."""
        handlers: List[Optional[Tuple[int, int, bool]]] = [None] * len(instrs)
        for start, end, target, depth, lasti in entries:
            t = index.get(target)
            if t < 0:
                raise EngineUnsupported(
                    Reason(
                        Site(self.site_fn, self.code.co_filename, self.code.co_firstlineno),
                        "exception handler target not found",
                    )
                )
            targets.add(t)
            h = (t, int(depth), bool(lasti))
            i = index.get(start)
            if i < 0:
                i = len(instrs)
            while i < len(instrs) and instrs[i][3] < end:
                if handlers[i] is None:
                    handlers[i] = h
                i += 1
        return handlers

    def block_ends(self) -> Dict[int, int]:
        """Where control can enter (0 and every merge point) -> where its block ends."""
        ends: Optional[Dict[int, int]] = self.ends
        if ends is None:
            bounds = sorted(self.targets | {0})
            bounds.append(len(self.instrs))
            ends = self.ends = {b: bounds[k + 1] for k, b in enumerate(bounds[:-1])}
        return ends

    def line_of(self, offset: int) -> int:
        if self.starts is None:
            self.starts, self.lines = _line_starts(self.code)
        return _line_at(self.code, self.starts, self.lines, offset)


# --------------------------------------------------------------------------- facts
# Sites are kept under (function, line): a Site's own hash is computed in Python.
_SiteKey = Tuple[str, int]


class _Facts:
    """Facts with duplicates removed, in first-seen order."""

    __slots__ = ("escapes", "other_writes", "reads", "reasons", "writes")

    def __init__(self) -> None:
        self.writes: Dict[str, Dict[_SiteKey, Site]] = {}
        self.other_writes: Dict[str, Dict[_SiteKey, Site]] = {}
        self.reads: Dict[str, Dict[_SiteKey, Site]] = {}
        self.escapes: Dict[Escape, None] = {}
        self.reasons: Dict[Reason, None] = {}

    def merge(self, other: _Facts) -> None:
        for name, sites in other.writes.items():
            self.writes.setdefault(name, {}).update(sites)
        for name, sites in other.other_writes.items():
            self.other_writes.setdefault(name, {}).update(sites)
        for name, sites in other.reads.items():
            self.reads.setdefault(name, {}).update(sites)
        if other.escapes:
            self.escapes.update(other.escapes)
        if other.reasons:
            self.reasons.update(other.reasons)

    def to_code_facts(self) -> CodeFacts:
        other = self.other_writes
        return CodeFacts(
            {k: list(v.values()) for k, v in self.writes.items()},
            {k: list(v.values()) for k, v in self.reads.items()},
            {k: list(v.values()) for k, v in other.items()} if other else {},
            list(self.escapes) if self.escapes else [],
            list(self.reasons) if self.reasons else [],
        )


class _Context:
    """What is shared by the scans of one function and the code nested in it."""

    __slots__ = ("builtins", "closure", "decoded", "factory", "globals", "inst_name", "top")

    def __init__(
        self,
        globals_: Mapping[str, object],
        inst_name: str,
        factory: Optional[str],
        closure: Mapping[str, types.CellType],
    ) -> None:
        self.globals = globals_
        self.factory = factory
        self.closure = closure  # free variable name -> cell, for the scanned function
        self.top: Optional[types.CodeType] = None  # the scanned function's code
        self.builtins = _builtins_of(globals_)
        self.inst_name = inst_name
        self.decoded: Dict[int, Tuple[types.CodeType, _Decoded]] = {}

    def decode(self, code: types.CodeType, site_fn: str) -> _Decoded:
        hit = self.decoded.get(id(code))
        if hit is not None and hit[0] is code:
            return hit[1]
        d = _Decoded(code, site_fn)
        self.decoded[id(code)] = (code, d)
        return d

    def lookup_global(self, name: str) -> object:
        v = self.globals.get(name, _MISSING)
        if v is _MISSING:
            v = self.builtins.get(name, _MISSING)
        return v


def _builtins_of(globals_: Mapping[str, object]) -> Mapping[str, object]:
    """The builtins a function with these globals sees."""
    b = globals_.get("__builtins__", builtins)
    if type(b) is dict:
        return cast("Dict[str, object]", b)
    if isinstance(b, types.ModuleType):
        return b.__dict__
    if isinstance(b, Mapping):
        return cast("Mapping[str, object]", b)
    return builtins.__dict__


def _class_names(qualname: str) -> FrozenSet[str]:
    """The classes named by a qualified name ("f.<locals>.C.m" -> {"C"})."""
    parts = qualname.split(".")
    return frozenset(
        p
        for i, p in enumerate(parts[:-1])
        if p != "<locals>" and parts[i + 1] != "<locals>"
    )


def _resolve(obj: object, name: str) -> object:
    """``obj.name`` without running user code: modules' dicts and classes' MRO dicts only."""
    kind = type(obj)  # (not isinstance: that may ask a proxy's own __class__)
    if issubclass(kind, types.ModuleType):
        d = object.__getattribute__(obj, "__dict__")
        return cast("Dict[str, object]", d).get(name, _MISSING) if isinstance(d, dict) else _MISSING
    if issubclass(kind, type):
        for klass in type.__getattribute__(cast(type, obj), "__mro__"):
            d = klass.__dict__
            if name in d:
                return d[name]
    return _MISSING


# --------------------------------------------------------------------------- the scanner
_make_site = make_site  # (no __init__ frame: the engines make many Sites)


class _Scanner:
    """Scans one code object (and what is nested in it) with a given initial state."""

    __slots__ = (
        "_class_names", "_dirty", "_states", "_work", "cells", "code", "ctx", "dec", "facts",
        "first_param", "function", "initial", "kwnames", "made", "osites", "qualnames",
        "rerun", "seen", "sites", "stored", "summary",
    )
    # set by each pass (run):
    summary: Dict[str, Value]
    stored: Dict[str, Value]
    seen: Dict[str, Value]
    facts: _Facts
    made: Dict[int, Tuple[types.CodeType, Dict[str, Value]]]
    rerun: bool
    kwnames: Tuple[str, ...]
    # the worklist of the pass (code with jumps or an exception table only)
    _states: Dict[int, Tuple[Value, ...]]
    _dirty: Set[int]
    _work: List[int]

    def __init__(
        self,
        code: types.CodeType,
        function: str,
        initial: Mapping[str, Value],
        ctx: _Context,
        cells: Optional[Mapping[str, types.CellType]] = None,
    ) -> None:
        self.code = code
        self.function = function
        self.ctx = ctx
        if ctx.top is None:
            ctx.top = code
        # free variable name -> cell, where known (the scanned function's closure, passed
        # on to nested code that closes over the same variables)
        self.cells: Mapping[str, types.CellType] = ctx.closure if cells is None else cells
        # 3.9/3.10: qualified names of the functions made here, as MAKE_FUNCTION receives them
        self.qualnames: Dict[int, str] = {}
        self._class_names: Optional[FrozenSet[str]] = None
        self.dec = ctx.decode(code, function)
        init = dict(initial)
        self.initial = init
        varnames = code.co_varnames
        nargs = code.co_argcount + code.co_kwonlyargcount
        nparams = nargs + (1 if code.co_flags & 0x04 else 0) + (1 if code.co_flags & 0x08 else 0)
        for name in varnames[:nparams]:
            if name not in init:
                init[name] = OTHER
        if (
            code.co_argcount >= 2
            and code.co_name in ("__setattr__", "__delattr__")
            and init.get(varnames[1]) == OTHER
        ):
            init[varnames[1]] = PASSNAME
        self.first_param: Optional[str] = varnames[0] if nargs > 0 else None
        self.osites: Dict[int, Tuple[_SiteKey, Site]] = {}
        self.sites: Dict[int, Site] = {}

    # ----------------------------------------------------------------- driver
    def run(self) -> Tuple[_Facts, Dict[str, Value]]:
        summary = self.initial
        stored: Dict[str, Value] = {}
        # every pass but the last raises some summary in a lattice of small height
        code = self.code
        names = len(code.co_varnames) + len(code.co_cellvars) + len(code.co_freevars)
        for _ in range(16 + 4 * (names + len(code.co_names))):
            self.summary = dict(summary)
            self.stored = dict(stored)
            self.seen = {}
            self.facts = _Facts()
            self.made = {}
            self.rerun = False
            self._interpret()
            if not self.rerun and self.made:
                self._scan_nested()
            if not self.rerun:
                return self.facts, self.stored
            summary = self.summary
            stored = self.stored
        raise EngineUnsupported(
            Reason(self._site_at_line(self.code.co_firstlineno), "analysis did not settle")
        )

    def _site_at_line(self, line: int) -> Site:
        s = self.sites.get(line)
        if s is None:
            s = _make_site(self.function, self.code.co_filename, line)
            self.sites[line] = s
        return s

    def _site(self, ins: _Ins) -> Site:
        return self._site_keyed(ins)[1]

    def _site_keyed(self, ins: _Ins) -> Tuple[_SiteKey, Site]:
        off = ins[3]
        hit = self.osites.get(off)
        if hit is None:
            line = self.dec.line_of(off)
            hit = ((self.function, line), self._site_at_line(line))
            self.osites[off] = hit
        return hit

    @property
    def class_names(self) -> FrozenSet[str]:
        names = self._class_names
        if names is None:
            names = self._class_names = _class_names(self.function)
        return names

    def unsupported(self, ins: _Ins, what: str) -> EngineUnsupported:
        return EngineUnsupported(Reason(self._site(ins), what))

    # ----------------------------------------------------------------- locals
    def _view(self, name: str, root: str) -> Value:
        v = self.summary.get(name)
        if v is None or v == OTHER:
            return ("chain", root, (name,))
        return v

    def load_keyed(self, key: str) -> Value:
        """A global or instance attribute assigned in this function: what it may hold."""
        v = _keyed_view(self.summary.get(key))
        self.seen[key] = v
        return v

    def load(self, name: str, root: str) -> Value:
        v = self.summary.get(name)
        if v is None or v == OTHER:
            v = ("chain", root, (name,))
        self.seen[name] = v
        return v

    def store(self, name: str, v: Value) -> None:
        if v[0] in ("selfslot", "null", "const"):
            # (a name held in a variable is not a constant name: ``n = "x"; setattr(self,
            # n, v)`` is read as a non-constant name, as the source engine reads it)
            v = OTHER
        old = self.summary.get(name)
        new = v if old is None else _join(old, v)
        if new != old:
            self.summary[name] = new
            seen = self.seen.get(name)
            if seen is not None:
                if name.startswith("\0"):
                    view = _keyed_view(new)
                else:
                    view = self._view(name, seen[1] if seen[0] == "chain" else "local")
                if view != seen:
                    self.rerun = True  # an earlier load in this pass saw a stale value
        olds = self.stored.get(name)
        self.stored[name] = v if olds is None else _join(olds, v)

    # ----------------------------------------------------------------- facts
    def write(self, name: str, ins: _Ins) -> None:
        if name == "__dict__":
            self.reason(ins, f"assignment to {self.ctx.inst_name}.__dict__")
            return
        key, site = self._site_keyed(ins)
        d = self.facts.writes.get(name)
        if d is None:
            self.facts.writes[name] = {key: site}
        else:
            d[key] = site

    def _read(self, name: str, ins: _Ins) -> None:
        key, site = self._site_keyed(ins)
        d = self.facts.reads.get(name)
        if d is None:
            self.facts.reads[name] = {key: site}
        else:
            d[key] = site

    def reason(self, ins: _Ins, what: str) -> None:
        self.facts.reasons[Reason(self._site(ins), what)] = None

    def other_write(self, name: str, ins: _Ins) -> None:
        key, site = self._site_keyed(ins)
        self.facts.other_writes.setdefault(name, {})[key] = site

    def store_attr(self, owner: Value, ins: _Ins) -> None:
        """``owner.name = v`` / ``del owner.name``: a write on the instance, or on some other
        object that is not a class (which may be another instance of the class)."""
        if owner == INST:
            self.write(ins[2], ins)
        elif not self.is_class_object(owner):
            self.other_write(ins[2], ins)

    def is_class_object(self, v: Value) -> bool:
        """``v`` is a class (or a super object): stores on it are not instance attributes."""
        k = v[0]
        if k in ("factory", "classobj", "super_inst", "super_factory", "superobj"):
            return True
        if k == "builtin":
            return v[1] in ("object", "type", "super")
        if k == "chain" and v[1] in ("global", "deref", "name"):
            return self._chain_is_class(v[1], v[2])
        return False

    def _chain_is_class(self, root: str, names: Tuple[str, ...]) -> bool:
        head = names[0]
        obj: object = _MISSING
        if root == "deref":
            if head == "__class__":
                obj = type  # the compiler's class cell: a class, whatever its value
            else:
                obj = self.cell_value(head)
        else:
            obj = self.ctx.lookup_global(head)
        if obj is _MISSING:
            # a name without a value, named like a class of the qualname: the class itself
            # (not bound yet while its decorator runs)
            return len(names) == 1 and head in self.class_names
        for n in names[1:]:
            obj = _resolve(obj, n)
            if obj is _MISSING:
                return False
        return issubclass(type(obj), type)

    def cell_value(self, name: str) -> object:
        """The value in the closure cell of free variable ``name`` (_MISSING: unknown)."""
        cell = self.cells.get(name)
        if cell is None:
            return _MISSING
        try:
            value: object = cell.cell_contents
        except ValueError:  # an empty cell
            return _MISSING
        return value

    def _escape(self, callee: CalleeRef, position: Any, ins: _Ins) -> None:
        self.facts.escapes[Escape(callee, position, self._site(ins))] = None

    # ----------------------------------------------------------------- worklist
    def _interpret(self) -> None:
        dec = self.dec
        instrs = dec.instrs
        if not instrs:
            return
        self.kwnames = ()
        handlers = dec.handlers
        if not dec.targets and handlers is None:
            # straight-line code: one pass, nothing to merge
            stack: List[Value] = []
            for ins in instrs:
                if ins[4](self, ins, stack) is False:
                    break
            return
        states: Dict[int, Tuple[Value, ...]] = {0: ()}
        dirty: Set[int] = {0}
        work: List[int] = [0]
        self._states, self._dirty, self._work = states, dirty, work
        sent: Dict[int, List[Value]] = {}  # handler index -> the state last sent to it
        ends = dec.block_ends()
        n = len(instrs)
        while work:
            start = work.pop()
            if start not in dirty:
                continue
            dirty.discard(start)
            stack = list(states[start])
            i = start
            self.kwnames = ()
            while True:
                end = ends[i]
                falls = True
                if handlers is None:
                    for k in range(i, end):
                        ins = instrs[k]
                        if ins[4](self, ins, stack) is False:
                            falls = False
                            break
                else:
                    for k in range(i, end):
                        h = handlers[k]
                        if h is not None:
                            t, depth, lasti = h
                            prefix = stack[:depth]
                            # (states only grow: sending the same state again changes
                            # nothing)
                            if sent.get(t) != prefix:
                                sent[t] = prefix
                                hs = prefix + [OTHER] * (depth - len(prefix))
                                if lasti:
                                    hs.append(OTHER)
                                hs.append(OTHER)
                                self.flow(t, hs, instrs[t])
                        ins = instrs[k]
                        if ins[4](self, ins, stack) is False:
                            falls = False
                            break
                if not falls or end >= n:
                    break
                # falling through into the next block: merge there
                old = states.get(end)
                merged = self._merge(old, stack, instrs[end])
                if merged == old:
                    break
                states[end] = merged
                dirty.discard(end)
                stack = list(merged)
                i = end

    def _merge(
        self, old: Optional[Tuple[Value, ...]], stack: List[Value], at: _Ins
    ) -> Tuple[Value, ...]:
        if old is None:
            return tuple(stack)
        if len(old) != len(stack):
            raise self.unsupported(
                at, f"inconsistent stack depth at offset {at[3]} ({len(old)} vs {len(stack)})"
            )
        new = tuple(stack)
        if new == old:
            return old
        return tuple(_join(a, b) for a, b in zip(old, new))

    def flow(self, target: int, stack: List[Value], at: _Ins) -> None:
        old = self._states.get(target)
        merged = self._merge(old, stack, at)
        if merged is not old and merged != old:
            self._states[target] = merged
            self._dirty.add(target)
            self._work.append(target)

    # ----------------------------------------------------------------- one instruction
    def pop(self, stack: List[Value], ins: _Ins) -> Value:
        if not stack:
            raise self.unsupported(ins, f"stack underflow at {ins[0]} (offset {ins[3]})")
        return stack.pop()

    def popn(self, stack: List[Value], n: int, ins: _Ins) -> List[Value]:
        if n == 0:
            return []
        if len(stack) < n:
            raise self.unsupported(ins, f"stack underflow at {ins[0]} (offset {ins[3]})")
        out = stack[-n:]
        del stack[-n:]
        return out

    def _step(self, ins: _Ins, stack: List[Value]) -> bool:
        """Execute one instruction on ``stack``; False when control does not fall through
        (the interpreter calls ``ins[4]`` directly; this is for the tests)."""
        return ins[4](self, ins, stack) is not False

    # ----------------------------------------------------------------- attributes
    def get_attr(self, owner: Value, name: str, ins: _Ins) -> Value:
        k = owner[0]
        if k == "inst":
            if name == "__dict__":
                self.reason(ins, f"use of {self.ctx.inst_name}.__dict__")
                return OTHER
            self._read(name, ins)
            if name == "__class__":
                return FACTORY  # new instances made from it are instances too
            return ("chain", "self", (name,))
        if name == "__class__":
            return CLASSOBJ  # the class of some other object (or a metaclass)
        if k == "chain":
            root, names = owner[1], owner[2]
            chain = (*names, name)
            if root == "global" or (root == "deref" and self.cells):
                if root == "global":
                    obj = self.ctx.lookup_global(chain[0])
                else:
                    obj = self.cell_value(chain[0])
                for n in chain[1:]:
                    if obj is _MISSING:
                        break
                    obj = _resolve(obj, n)
                which = _KNOWN_BUILTINS.get(id(obj)) if obj is not _MISSING else None
                if which is not None:
                    return ("builtin", which, root, chain)
            return ("chain", root, chain)
        if k == "builtin":
            which = owner[1]
            chain = (*owner[3], name)
            if which == "object" and name in _OBJECT_ATTRS:
                return ("builtin", _OBJECT_ATTRS[name], owner[2], chain)
            return ("chain", owner[2], chain)
        if k == "super_inst":
            if name == "__setattr__":
                return SUPER_SETATTR
            if name == "__delattr__":
                return SUPER_DELATTR
            return ("chain", "super", (name,))
        if k == "super_factory":
            if name == "__new__":
                return FACTORY_NEW
            return ("chain", "super", (name,))
        if k == "factory":
            if name == "__new__":
                return FACTORY_NEW
            return ("chain", "cls", (name,))
        return ("chain", "expr", (name,))

    # ----------------------------------------------------------------- calls
    def split_callable(
        self, stack: List[Value], args: List[Value], ins: _Ins
    ) -> Tuple[Value, List[Value]]:
        """Pop the two callable slots of a 3.11+ CALL (or 3.9/3.10 CALL_METHOD)."""
        b = self.pop(stack, ins)
        a = self.pop(stack, ins)
        if _GE313:
            callable_ = a
            if b != NULL:
                args = [b, *args]
        elif a == NULL:
            callable_ = b
        else:
            callable_ = a
            args = [b, *args]
        if args and args[0][0] == "selfslot":
            args = args[1:]
        return callable_, args

    def call(
        self,
        ins: _Ins,
        callable_: Value,
        args: List[Value],
        kwnames: Tuple[str, ...],
        open_ended: bool = False,
    ) -> Value:
        """The effect of calling ``callable_`` with ``args`` (the last len(kwnames) by keyword)."""
        npos = len(args) - len(kwnames)
        if npos < 0:
            raise self.unsupported(ins, "more keyword names than arguments in a call")
        k = callable_[0]
        if not args:
            # nothing to follow (the common ``self.m()``); only builtins that make
            # values (``super()``, ``type()`` ...) matter
            if k == "builtin":
                result = self._call_builtin(ins, callable_, args, 0, [], open_ended)
                if result is not None:
                    return result
            elif k == "factory":
                return INST
            elif k in ("super_setattr", "super_delattr"):
                self._named_write(ins, None, f"super().__{k[6:]}__(name, ...)")
            elif k == "chain" and callable_[1] == "self" and callable_[2] in (
                ("__setattr__",),
                ("__delattr__",),
            ):
                self._named_write(
                    ins, None, f"{self.ctx.inst_name}.{callable_[2][0]}(name, ...)"
                )
            return OTHER
        positions: List[Any] = list(range(npos)) + list(kwnames)
        if (
            k == "chain"
            and callable_[1] == "cls"
            and len(callable_[2]) == 1
            and npos >= 1
            and args[0] == INST
        ):
            # ``type(self).m(self, ...)`` / ``cls.m(obj, ...)``: the class's own method called
            # with the instance as its receiver, as ``self.m(...)`` would
            self._read(callable_[2][0], ins)
            return self.call(
                ins, ("chain", "self", callable_[2]), args[1:], kwnames, open_ended
            )
        if k == "builtin":
            result = self._call_builtin(ins, callable_, args, npos, positions, open_ended)
            if result is not None:
                return result
        elif k == "factory":
            self._report_escapes(ins, callable_, args, positions)
            return INST
        elif k == "factory_new":
            if args and args[0] == FACTORY:
                return INST
        elif k in ("super_setattr", "super_delattr"):
            what = f"super().__{k[6:]}__(name, ...)"
            self._named_write(ins, args[0] if npos >= 1 else None, what)
            return OTHER
        elif k == "chain" and callable_[1] == "self" and callable_[2] in (
            ("__setattr__",),
            ("__delattr__",),
        ):
            self._named_write(
                ins,
                args[0] if npos >= 1 else None,
                f"{self.ctx.inst_name}.{callable_[2][0]}(name, ...)",
            )
        elif k == "func":
            # (a cast: the comparisons above narrowed ``callable_[1]`` for the checkers)
            code = cast(types.CodeType, callable_[1])
            if code.co_name in _COMPREHENSIONS and npos >= 1 and code.co_argcount >= 1:
                self.made_param(code, code.co_varnames[0], args[0])
        self._report_escapes(ins, callable_, args, positions)
        return OTHER

    def _call_builtin(
        self,
        ins: _Ins,
        callable_: Value,
        args: List[Value],
        npos: int,
        positions: List[Any],
        open_ended: bool,
    ) -> Optional[Value]:
        which = callable_[1]
        first = args[0] if npos >= 1 else None
        second: Optional[Value] = args[1] if npos >= 2 else None
        if open_ended and npos < 2:
            second = None
        inst = self.ctx.inst_name
        if which in ("setattr", "delattr", "object.__setattr__", "object.__delattr__"):
            if first == INST:
                self._named_write(ins, second, f"{which}({inst}, name, ...)")
            elif first is not None and second is not None and second[0] == "const":
                if isinstance(second[1], str) and not self.is_class_object(first):
                    self.other_write(second[1], ins)
            return OTHER
        if which == "type":
            # The builtin runs no code of the instance: passed in a known place, the
            # instance does not escape (through ``*args`` it does: where it lands is not
            # known).  What it returns makes new instances of the class: they are tracked.
            for value, position in zip(args, positions):
                if value == INST and position is None:
                    self._escape(self._callee_ref(callable_), position, ins)
            if npos == 1 and not open_ended:
                return FACTORY if first == INST else CLASSOBJ
            return OTHER
        if which in ("getattr", "hasattr", "object.__getattribute__"):
            if first == INST and second is not None and second[0] == "const":
                name = second[1]
                if isinstance(name, str):
                    if name == "__dict__":
                        self.reason(ins, f"use of {inst}.__dict__ through {which}()")
                    else:
                        self._read(name, ins)
            return OTHER
        if which == "vars":
            if first == INST:
                self.reason(ins, f"vars({inst})")
            return OTHER
        if which == "super":
            if npos == 0 and not open_ended:
                fp = self.first_param
                v = self.summary.get(fp, OTHER) if fp is not None else OTHER
            elif npos >= 2:
                v = args[1]
            else:
                v = OTHER
            if v == INST:
                return SUPER_INST
            if v == FACTORY:
                return SUPER_FACTORY
            return SUPEROBJ
        if which == "object.__new__":
            if first == FACTORY:
                return INST
            return None
        return None

    def _named_write(self, ins: _Ins, namev: Optional[Value], what: str) -> None:
        if namev is not None and namev[0] == "const" and isinstance(namev[1], str):
            self.write(namev[1], ins)
            return
        if namev == PASSNAME:
            return  # __setattr__/__delattr__ passing its own name parameter through
        self.reason(ins, f"{what} with a non-constant name")

    def _callee_ref(self, callable_: Value) -> CalleeRef:
        k = callable_[0]
        if k in ("chain", "builtin"):
            if k == "chain":
                root, names = callable_[1], callable_[2]
            else:
                root, names = callable_[2], callable_[3]
            if root in ("global", "deref"):
                return CalleeRef(root, tuple(names))
            if root == "self":
                if len(names) == 1:
                    return CalleeRef("self", tuple(names))
                return CalleeRef("unknown", text=self.ctx.inst_name + "." + ".".join(names))
            if root == "super":
                return CalleeRef("unknown", text="super()." + ".".join(names))
            if root == "cls":
                owner = self.ctx.factory or f"type({self.ctx.inst_name})"
                return CalleeRef("unknown", text=owner + "." + ".".join(names))
            if root == "expr":
                return CalleeRef("unknown", text="(...)." + ".".join(names))
            return CalleeRef("unknown", text=".".join(names))
        if k == "func":
            return CalleeRef("code", code=callable_[1])
        if k == "factory":
            return CalleeRef("unknown", text="the class (factory parameter)")
        if k == "inst":
            return CalleeRef("self", ("__call__",))
        return CalleeRef("unknown", text="a computed callable")

    def _report_escapes(
        self, ins: _Ins, callable_: Value, args: List[Value], positions: List[Any]
    ) -> None:
        ref: Optional[CalleeRef] = None
        for v, pos in zip(args, positions):
            if v == INST:
                if ref is None:
                    ref = self._callee_ref(callable_)
                self._escape(ref, pos, ins)

    def call_ex(self, ins: _Ins, callable_: Value, argv: Value, kwv: Optional[Value]) -> Value:
        """CALL_FUNCTION_EX: ``callable_(*argv, **kwv)``."""
        args: List[Value] = []
        kwnames: Tuple[str, ...] = ()
        open_ended = True
        unknown = False
        if argv[0] == "nseq":
            unknown = True
        elif argv[0] == "seq":
            pos, length = argv[1], argv[2]
            if pos is None:
                unknown = True
            else:
                args = [OTHER] * pos + [INST]
                if length is not None:
                    args += [OTHER] * (length - pos - 1)
        elif argv == FACTORY_SEQ:
            args = [FACTORY]
        elif argv[0] == "const" and isinstance(argv[1], tuple):
            args = [("const", x) for x in cast("Tuple[object, ...]", argv[1])]
            open_ended = False
        kw_values: List[Value] = []
        if kwv is not None:
            open_ended = True
            if kwv[0] == "map":
                if kwv[1] is None:
                    unknown = True
                else:
                    kwnames = tuple(sorted(kwv[1]))
                    kw_values = [INST] * len(kwnames)
        if unknown:
            ref = self._callee_ref(callable_)
            self._escape(ref, None, ins)
            self.reason(
                ins,
                f"{self.ctx.inst_name} passed to {ref.describe()} through *args/**kwargs",
            )
            return OTHER
        return self.call(ins, callable_, args + kw_values, kwnames, open_ended=open_ended)

    def made_param(self, code: types.CodeType, name: str, v: Value) -> None:
        entry: Optional[Tuple[types.CodeType, Dict[str, Value]]] = self.made.get(id(code))
        if entry is None:
            entry = (code, {})
            self.made[id(code)] = entry
        params = entry[1]
        params[name] = _join(params[name], v) if name in params else v

    # ----------------------------------------------------------------- functions
    def make_function(self, code: Any, flags: int, attrs: Dict[int, Value]) -> Value:
        if not isinstance(code, types.CodeType):
            return OTHER
        params: Dict[str, Value] = {}
        defaults = attrs.get(0x01)
        if defaults is not None and _holds_inst(defaults):
            self.defaults_params(code, defaults, params)
        kwdefaults = attrs.get(0x02)
        if kwdefaults is not None and _holds_inst(kwdefaults):
            kwonly = code.co_varnames[code.co_argcount : code.co_argcount + code.co_kwonlyargcount]
            names = kwdefaults[1] if kwdefaults[0] == "map" else None
            for n in kwonly:
                if names is None or n in names:
                    params[n] = INST
        entry = self.made.get(id(code))
        if entry is None:
            self.made[id(code)] = (code, dict(params))
        else:
            for n, v in params.items():
                self.made_param(code, n, v)
        return ("func", code, params)

    @staticmethod
    def defaults_params(code: types.CodeType, defaults: Value, params: Dict[str, Value]) -> None:
        argnames = code.co_varnames[: code.co_argcount]
        if defaults[0] == "seq" and defaults[1] is not None and defaults[2] is not None:
            idx = len(argnames) - defaults[2] + defaults[1]
            if 0 <= idx < len(argnames):
                params[argnames[idx]] = INST
                return
        for n in argnames:
            params[n] = INST

    def _nested_name(self, code: types.CodeType) -> str:
        qn = getattr(code, "co_qualname", None)
        if isinstance(qn, str):
            return qn
        qn = self.qualnames.get(id(code))
        if qn is not None:
            return qn
        if not self.code.co_flags & 0x02:  # no CO_NEWLOCALS: a class body
            return f"{self.function}.{code.co_name}"
        return f"{self.function}.<locals>.{code.co_name}"

    def _scan_nested(self) -> None:
        """Read the code objects made here: with what they can see of the instance (free
        variables, default values, a comprehension's iterator), or for their stores on other
        objects (other_writes) when they see nothing of it."""
        for code, params in list(self.made.values()):
            initial: Dict[str, Value] = {}
            for fv in code.co_freevars:
                v = self.summary.get(fv)
                if v is not None and v != OTHER:
                    initial[fv] = v
            initial.update(params)
            own = self.code.co_freevars
            cells = {
                fv: self.cells[fv] for fv in code.co_freevars if fv in own and fv in self.cells
            }
            sub = _Scanner(code, self._nested_name(code), initial, self.ctx, cells)
            facts, stored = sub.run()
            self.facts.merge(facts)
            for fv in code.co_freevars:
                if fv in stored:
                    self.store(fv, stored[fv])


# --------------------------------------------------------------------------- handlers
_Handler = Callable[[_Scanner, _Ins, List[Value]], Optional[bool]]
_HANDLERS: Dict[str, _Handler] = {}


def _h(*names: str) -> Callable[[_Handler], _Handler]:
    def deco(fn: _Handler) -> _Handler:
        for n in names:
            _HANDLERS[n] = fn
        return fn

    return deco


@_h("NOP", "EXTENDED_ARG", "RESUME", "MAKE_CELL", "COPY_FREE_VARS", "PRECALL", "GEN_START")
def _op_nop(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    pass


@_h("LOAD_CONST")
def _op_load_const(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    c: object = ins[2]
    t = type(c)
    if t is str or t is bytes:
        stack.append(("const", c))
    elif t is types.CodeType:
        stack.append(("code", c))
    elif t is tuple and all(type(x) is str for x in cast("Tuple[object, ...]", c)):
        stack.append(("const", c))
    else:
        stack.append(OTHER)


@_h("LOAD_FAST", "LOAD_FAST_CHECK", "LOAD_FAST_AND_CLEAR")
def _op_load_fast(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    # (``load``, inlined: the most frequent instruction)
    name = ins[2]
    v = s.summary.get(name)
    if v is None or v == OTHER:
        v = ("chain", "local", (name,))
    s.seen[name] = v
    stack.append(v)


@_h("LOAD_FAST_LOAD_FAST")
def _op_load_fast_load_fast(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    load = s.load
    a, b = ins[2]
    stack.append(load(a, "local"))
    stack.append(load(b, "local"))


@_h("STORE_FAST")
def _op_store_fast(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    s.store(ins[2], s.pop(stack, ins))


@_h("STORE_FAST_LOAD_FAST")
def _op_store_fast_load_fast(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    a, b = ins[2]
    s.store(a, s.pop(stack, ins))
    stack.append(s.load(b, "local"))


@_h("STORE_FAST_STORE_FAST")
def _op_store_fast_store_fast(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    a, b = ins[2]
    s.store(a, s.pop(stack, ins))
    s.store(b, s.pop(stack, ins))


@_h("LOAD_DEREF", "LOAD_CLASSDEREF", "LOAD_CLOSURE")
def _op_load_deref(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    name = ins[2]
    v = s.load(name, "deref")
    if v[0] == "chain" and s.cells:
        which = _KNOWN_BUILTINS.get(id(s.cell_value(name)))
        if which is not None:  # a builtin kept in a closure cell (dataclass-made code)
            v = ("builtin", which, "deref", (name,))
    stack.append(v)


@_h("LOAD_FROM_DICT_OR_DEREF")
def _op_load_from_dict_or_deref(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    s.pop(stack, ins)
    stack.append(s.load(ins[2], "deref"))


@_h("STORE_DEREF")
def _op_store_deref(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    s.store(ins[2], s.pop(stack, ins))


def _global_value(s: _Scanner, name: str) -> Value:
    obj = s.ctx.lookup_global(name)
    if obj is not _MISSING:
        which = _KNOWN_BUILTINS.get(id(obj))
        if which is not None:
            return ("builtin", which, "global", (name,))
    return ("chain", "global", (name,))


# Globals this function assigns are summarised like locals, under this key prefix (no
# variable name starts with a NUL).
_GLOBAL_KEY = "\0global:"


def _keyed_view(v: Optional[Value]) -> Value:
    """What a load of an assigned global/attribute sees: only the instance (and kin) matter."""
    return v if v is not None and _RANK.get(v[0], 0) else OTHER


@_h("STORE_GLOBAL")
def _op_store_global(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    s.store(_GLOBAL_KEY + ins[2], s.pop(stack, ins))


@_h("LOAD_GLOBAL")
def _op_load_global(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    v = _global_value(s, ins[2])
    assigned = s.load_keyed(_GLOBAL_KEY + ins[2])
    if assigned is not OTHER:
        v = assigned  # ``global g; g = self``: the global may hold the instance
    if _GE311 and ins[1] & 1:
        if _GE313:
            stack.append(v)
            stack.append(NULL)
        else:
            stack.append(NULL)
            stack.append(v)
    else:
        stack.append(v)


@_h("LOAD_NAME")
def _op_load_name(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    stack.append(("chain", "name", (ins[2],)))


@_h("PUSH_NULL")
def _op_push_null(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    stack.append(NULL)


@_h("LOAD_ATTR")
def _op_load_attr(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    owner = s.pop(stack, ins)
    v = s.get_attr(owner, ins[2], ins)
    if _GE312 and ins[1] & 1:
        stack.append(v)
        stack.append(("selfslot", owner))
    else:
        stack.append(v)


@_h("LOAD_METHOD")
def _op_load_method(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    owner = s.pop(stack, ins)
    stack.append(s.get_attr(owner, ins[2], ins))
    stack.append(("selfslot", owner))


@_h("LOAD_SUPER_ATTR")
def _op_load_super_attr(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    self_v = s.pop(stack, ins)
    s.pop(stack, ins)  # the class
    s.pop(stack, ins)  # the global super
    if self_v == INST:
        sup = SUPER_INST
    elif self_v == FACTORY:
        sup = SUPER_FACTORY
    else:
        sup = SUPEROBJ
    v = s.get_attr(sup, ins[2], ins)
    if ins[1] & 1:
        stack.append(v)
        stack.append(("selfslot", self_v))
    else:
        stack.append(v)


@_h("STORE_ATTR")
def _op_store_attr(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    if len(stack) < 2:
        raise s.unsupported(ins, f"stack underflow at {ins[0]} (offset {ins[3]})")
    owner = stack.pop()
    stack.pop()
    if owner == INST:
        s.write(ins[2], ins)
    elif not s.is_class_object(owner):
        s.other_write(ins[2], ins)


@_h("DELETE_ATTR")
def _op_delete_attr(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    s.store_attr(s.pop(stack, ins), ins)


def _seq_of(items: List[Value]) -> Value:
    for i, v in enumerate(items):
        if v == INST:
            return ("seq", i, len(items))
    holding = [v for v in items if _holds_inst(v)]
    if holding:
        inner = holding[0]
        if all(v[0] == "seq" for v in holding):
            if not all(v == inner for v in holding):
                inner = SEQ_ANY  # each target may receive the instance
            return ("nseq", inner)
        return SEQ_ANY
    if items and items[0] == FACTORY:
        return FACTORY_SEQ
    return OTHER


@_h("BUILD_TUPLE", "BUILD_LIST")
def _op_build_seq(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    stack.append(_seq_of(s.popn(stack, ins[1], ins)))


@_h("BUILD_MAP")
def _op_build_map(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    items = s.popn(stack, 2 * ins[1], ins)
    names: Optional[Set[str]] = set()
    found = False
    for j in range(0, len(items), 2):
        key, val = items[j], items[j + 1]
        if _holds_inst(val):
            found = True
            if val == INST and key[0] == "const" and isinstance(key[1], str) and names is not None:
                names.add(key[1])
            else:
                names = None
    stack.append(("map", frozenset(names) if names is not None else None) if found else OTHER)


@_h("BUILD_CONST_KEY_MAP")
def _op_build_const_key_map(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    keys = s.pop(stack, ins)
    vals = s.popn(stack, ins[1], ins)
    if not any(_holds_inst(v) for v in vals):
        stack.append(OTHER)
        return
    if keys[0] == "const" and isinstance(keys[1], tuple) and all(
        v == INST or not _holds_inst(v) for v in vals
    ):
        names = cast("Tuple[str, ...]", keys[1])
        stack.append(("map", frozenset(k for k, v in zip(names, vals) if v == INST)))
    else:
        stack.append(MAP_ANY)


def _container_add(stack: List[Value], depth: int, v: Value, kind: str) -> None:
    """``stack[-depth]`` (a list/set/dict being built) receives ``v``."""
    if not _holds_inst(v) or depth > len(stack) or depth <= 0:
        return
    tgt = stack[-depth]
    stack[-depth] = _join(tgt, SEQ_ANY if kind == "seq" else MAP_ANY)


@_h("LIST_APPEND")
def _op_list_append(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    v = s.pop(stack, ins)
    _container_add(stack, ins[1], v, "seq")


@_h("LIST_EXTEND")
def _op_list_extend(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    v = s.pop(stack, ins)
    if v[0] in ("seq", "iter", "nseq"):
        _container_add(stack, ins[1], SEQ_ANY, "seq")
    elif 0 < ins[1] <= len(stack):
        depth: int = ins[1]
        tgt = stack[-depth]
        if tgt[0] == "seq":
            stack[-depth] = ("seq", tgt[1], None)


@_h("MAP_ADD")
def _op_map_add(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    v = s.pop(stack, ins)
    s.pop(stack, ins)
    _container_add(stack, ins[1], v, "map")


@_h("DICT_UPDATE", "DICT_MERGE")
def _op_dict_update(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    v = s.pop(stack, ins)
    if not _holds_inst(v) or not 0 < ins[1] <= len(stack):
        return
    depth: int = ins[1]
    tgt = stack[-depth]
    if v[0] == "map" and v[1] is not None and (tgt == OTHER or (tgt[0] == "map" and tgt[1])):
        stack[-depth] = ("map", v[1] | (tgt[1] if tgt[0] == "map" else frozenset()))
    else:
        stack[-depth] = MAP_ANY


@_h("LIST_TO_TUPLE")
def _op_list_to_tuple(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    stack.append(s.pop(stack, ins))


@_h("CALL_INTRINSIC_1")
def _op_call_intrinsic_1(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    v = s.pop(stack, ins)
    stack.append(v if ins[1] == _INTRINSIC_LIST_TO_TUPLE else OTHER)


def _unpacked(v: Value, n: int) -> List[Value]:
    """The values unpacked from ``v`` into n targets, first target first."""
    if v[0] == "seq":
        if v[1] is not None and v[2] == n:
            return [INST if i == v[1] else OTHER for i in range(n)]
        return [INST] * n
    if v[0] == "nseq":
        return [v[1]] * n
    if v[0] in ("map", "iter"):
        return [INST] * n
    return [OTHER] * n


@_h("UNPACK_SEQUENCE")
def _op_unpack_sequence(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    v = s.pop(stack, ins)
    stack.extend(reversed(_unpacked(v, ins[1])))


@_h("UNPACK_EX")
def _op_unpack_ex(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    v = s.pop(stack, ins)
    n = (ins[1] & 0xFF) + 1 + (ins[1] >> 8)
    item = INST if _holds_inst(v) else OTHER  # (the starred target: a list)
    stack.extend([item] * n)


@_h("GET_ITER")
def _op_get_iter(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    v = s.pop(stack, ins)
    if v[0] == "nseq":
        stack.append(("iter", v[1]))
    else:
        stack.append(ITER_INST if v[0] in ("seq", "map", "iter") else OTHER)


@_h("DUP_TOP")
def _op_dup_top(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    if not stack:
        raise s.unsupported(ins, "stack underflow at DUP_TOP")
    stack.append(stack[-1])


@_h("DUP_TOP_TWO")
def _op_dup_top_two(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    if len(stack) < 2:
        raise s.unsupported(ins, "stack underflow at DUP_TOP_TWO")
    stack.extend(stack[-2:])


def _rot(s: _Scanner, ins: _Ins, stack: List[Value], n: int) -> None:
    if len(stack) < n:
        raise s.unsupported(ins, f"stack underflow at {ins[0]}")
    if n > 1:
        top = stack.pop()
        stack.insert(len(stack) - n + 1, top)


@_h("ROT_TWO")
def _op_rot_two(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    _rot(s, ins, stack, 2)


@_h("ROT_THREE")
def _op_rot_three(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    _rot(s, ins, stack, 3)


@_h("ROT_FOUR")
def _op_rot_four(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    _rot(s, ins, stack, 4)


@_h("ROT_N")
def _op_rot_n(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    _rot(s, ins, stack, ins[1])


@_h("COPY")
def _op_copy(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    if not 0 < ins[1] <= len(stack):
        raise s.unsupported(ins, "stack underflow at COPY")
    depth: int = ins[1]
    stack.append(stack[-depth])


@_h("SWAP")
def _op_swap(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    n = ins[1]
    if not 0 < n <= len(stack):
        raise s.unsupported(ins, "stack underflow at SWAP")
    stack[-1], stack[-n] = stack[-n], stack[-1]


@_h("BEFORE_WITH")
def _op_before_with(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    cm = s.pop(stack, ins)
    stack.append(OTHER)  # the bound __exit__
    # what __enter__ returns: the instance itself, as far as we may assume (safe side)
    stack.append(INST if cm == INST else OTHER)


@_h("KW_NAMES")
def _op_kw_names(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    names = s.code.co_consts[ins[1]]
    s.kwnames = tuple(cast("Tuple[str, ...]", names)) if isinstance(names, tuple) else ()


@_h("CALL")
def _op_call(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    args = s.popn(stack, ins[1], ins)
    kw = s.kwnames
    s.kwnames = ()
    callable_, args = s.split_callable(stack, args, ins)
    stack.append(s.call(ins, callable_, args, kw))


def _keyword_names(names: Value) -> Tuple[str, ...]:
    """The keyword names of a call (a constant tuple), or none where they are unknown."""
    if names[0] == "const" and isinstance(names[1], tuple):
        return cast("Tuple[str, ...]", names[1])
    return ()


@_h("CALL_KW")
def _op_call_kw(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    names = s.pop(stack, ins)
    kw = _keyword_names(names)
    args = s.popn(stack, ins[1], ins)
    callable_, args = s.split_callable(stack, args, ins)
    if names[0] != "const":
        s.reason(ins, "keyword names of a call could not be read")
    stack.append(s.call(ins, callable_, args, kw))


@_h("CALL_METHOD")
def _op_call_method(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    args = s.popn(stack, ins[1], ins)
    callable_, args = s.split_callable(stack, args, ins)
    stack.append(s.call(ins, callable_, args, ()))


@_h("CALL_FUNCTION")
def _op_call_function(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    args = s.popn(stack, ins[1], ins)
    callable_ = s.pop(stack, ins)
    stack.append(s.call(ins, callable_, args, ()))


@_h("CALL_FUNCTION_KW")
def _op_call_function_kw(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    names = s.pop(stack, ins)
    kw = _keyword_names(names)
    args = s.popn(stack, ins[1], ins)
    callable_ = s.pop(stack, ins)
    stack.append(s.call(ins, callable_, args, kw))


@_h("CALL_FUNCTION_EX")
def _op_call_function_ex(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    kwv = s.pop(stack, ins) if ins[1] & 1 else None
    argv = s.pop(stack, ins)
    if _GE313:
        s.pop(stack, ins)  # NULL (or self)
        callable_ = s.pop(stack, ins)
    elif _GE311:
        callable_ = s.pop(stack, ins)
        s.pop(stack, ins)  # NULL
    else:
        callable_ = s.pop(stack, ins)
    stack.append(s.call_ex(ins, callable_, argv, kwv))


@_h("MAKE_FUNCTION")
def _op_make_function(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    qualname = s.pop(stack, ins) if not _GE311 else None
    code = s.pop(stack, ins)
    if qualname is not None and qualname[0] == "const" and type(qualname[1]) is str:
        # (a class body receives its bare class name: named from this function instead)
        if code[0] == "code" and code[1].co_flags & 0x02:
            s.qualnames[id(code[1])] = qualname[1]
    flags = ins[1] if not _GE313 else 0
    attrs: Dict[int, Value] = {}
    for bit in (0x08, 0x04, 0x02, 0x01):
        if flags & bit:
            attrs[bit] = s.pop(stack, ins)
    c = code[1] if code[0] == "code" else None
    stack.append(s.make_function(c, flags, attrs))


@_h("SET_FUNCTION_ATTRIBUTE")
def _op_set_function_attribute(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    func = s.pop(stack, ins)
    value = s.pop(stack, ins)
    if func[0] != "func":
        stack.append(func)
        return
    if ins[1] in (0x01, 0x02) and _holds_inst(value):
        code = func[1]
        params: Dict[str, Value] = {}
        if ins[1] == 0x01:
            _Scanner.defaults_params(code, value, params)
        else:
            kwonly = code.co_varnames[code.co_argcount : code.co_argcount + code.co_kwonlyargcount]
            names = value[1] if value[0] == "map" else None
            for n in kwonly:
                if names is None or n in names:
                    params[n] = INST
        for n, v in params.items():
            s.made_param(code, n, v)
        func = ("func", code, _join_params(func[2], params))
    stack.append(func)


def _op_generic(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    pops = ins[6]
    if pops:
        if len(stack) < pops:
            raise s.unsupported(ins, f"stack underflow at {ins[0]} (offset {ins[3]})")
        del stack[-pops:]
    if ins[7]:
        stack.extend([OTHER] * ins[7])


def _op_branch(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    s.popn(stack, ins[6], ins)
    s.flow(ins[5], stack + [OTHER] * ins[8], ins)
    stack.extend([OTHER] * ins[7])


def _op_jump(s: _Scanner, ins: _Ins, stack: List[Value]) -> bool:
    s.flow(ins[5], stack, ins)
    return False


def _op_terminate(s: _Scanner, ins: _Ins, stack: List[Value]) -> bool:
    return False


def _op_pop_jump(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    s.pop(stack, ins)
    s.flow(ins[5], stack, ins)


def _op_or_pop_jump(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    s.flow(ins[5], stack, ins)
    s.pop(stack, ins)


def _op_for_iter(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    if not stack:
        raise s.unsupported(ins, "stack underflow at FOR_ITER")
    it = stack[-1]
    if it[0] == "iter" and len(it) == 2:
        item = it[1]  # a tuple/list holding the instance
    elif it == ITER_INST or it[0] in ("seq", "map", "nseq"):
        item = INST
    else:
        item = OTHER
    if _GE312:
        # the exhausted path jumps to END_FOR, which pops what is pushed here
        s.flow(ins[5], [*stack, OTHER], ins)
    else:
        s.flow(ins[5], stack[:-1], ins)
    stack.append(item)


def _op_setup_block(s: _Scanner, ins: _Ins, stack: List[Value]) -> None:
    js = list(stack)
    eff = ins[7]  # the stack effect when jumping to the handler
    if eff < 0:
        del js[eff:]
    else:
        js.extend([OTHER] * eff)
    s.flow(ins[5], js, ins)
    if ins[0] == "SETUP_WITH":
        cm = s.pop(stack, ins)
        stack.append(OTHER)
        stack.append(INST if cm == INST else OTHER)
    else:
        stack.extend([OTHER] * ins[6])


_CONTROL_HANDLERS: Dict[str, _Handler] = {"FOR_ITER": _op_for_iter}
for _name in _UNCONDITIONAL_JUMPS:
    _CONTROL_HANDLERS[_name] = _op_jump
for _name in _TERMINATORS:
    _CONTROL_HANDLERS[_name] = _op_terminate
for _name in _POP_JUMPS:
    _CONTROL_HANDLERS[_name] = _op_pop_jump
for _name in _OR_POP_JUMPS:
    _CONTROL_HANDLERS[_name] = _op_or_pop_jump
for _name in _BLOCK_SETUPS:
    _CONTROL_HANDLERS[_name] = _op_setup_block

# sanity: every "special" opname in the table has a handler or control-flow treatment
for _name, _kind in _TABLE.items():
    if _kind == "special" and _name not in _HANDLERS and _name not in _CONTROL_HANDLERS:
        raise AssertionError(f"autoslots: opcode {_name} listed without a handler")
_dispatch()



# --------------------------------------------------------------------------- the fast path
# Most methods use the instance only as the owner of an attribute: loaded and, by the very
# next instruction, read, written or deleted (``self.x = v``, ``self.x``, ``self.m(...)``,
# ``del self.x``; ``self.x += v`` keeps a copy on the stack until its store).  When that is
# all a function does with it, and the function stores no attribute of any other object,
# makes no function, has no closure cells and names no builtin that sets attributes
# (``setattr``, ``super`` ...), its facts are only those names and where they are: one
# pass over ``co_code`` finds them, with no value stack and no decoded instructions, and
# keeps each name's offsets (the lines, and the Sites, are made only when asked for:
# building a class needs the names, ``explain()`` the sites).  Whatever
# else it meets (the instance passed, stored, aliased or returned, an opcode outside the
# lists below) ends the pass, and the interpreter above reads the function.  The tests
# compare both over the standard library's code.
_F_BAIL, _F_PLAIN, _F_JUMP, _F_GOTO, _F_END = 0, 1, 2, 3, 4
# (_F_THEN_LOAD: two locals, the second loaded; the instance as the first, loaded under
# the second or stored, is left to the interpreter)
_F_LOAD_FAST, _F_THEN_LOAD, _F_STORE_FAST, _F_STORE_FAST2 = 5, 6, 7, 8
_F_LOAD_ATTR, _F_STORE_ATTR, _F_LOAD_GLOBAL, _F_DUP, _F_SWAP = 10, 11, 12, 13, 14
_F_CALL, _F_PRECALL, _F_DEREF, _F_SUPER_ATTR = 15, 16, 17, 18

_FAST_SPECIAL: Dict[str, int] = {
    "LOAD_FAST": _F_LOAD_FAST,
    "LOAD_FAST_CHECK": _F_LOAD_FAST,
    "LOAD_FAST_AND_CLEAR": _F_LOAD_FAST,
    "LOAD_FAST_LOAD_FAST": _F_THEN_LOAD,
    "STORE_FAST": _F_STORE_FAST,
    "STORE_FAST_STORE_FAST": _F_STORE_FAST2,
    "STORE_FAST_LOAD_FAST": _F_THEN_LOAD,
    "LOAD_ATTR": _F_LOAD_ATTR,
    "LOAD_METHOD": _F_LOAD_ATTR,
    "STORE_ATTR": _F_STORE_ATTR,
    "DELETE_ATTR": _F_STORE_ATTR,
    "LOAD_GLOBAL": _F_LOAD_GLOBAL,
    "DUP_TOP": _F_DUP,
    "COPY": _F_DUP,
    "ROT_TWO": _F_SWAP,
    "SWAP": _F_SWAP,
    "CALL": _F_CALL,
    "CALL_FUNCTION": _F_CALL,
    "PRECALL": _F_PRECALL,
    "LOAD_DEREF": _F_DEREF,
    "LOAD_SUPER_ATTR": _F_SUPER_ATTR,
}
# Opcodes with a handler above that only move values which, here, are never the instance.
_FAST_PLAIN_SPECIAL = frozenset(
    {
        "NOP", "RESUME", "GEN_START", "KW_NAMES", "PUSH_NULL", "LOAD_CONST",
        "BUILD_TUPLE", "BUILD_LIST", "BUILD_MAP", "BUILD_CONST_KEY_MAP", "LIST_APPEND",
        "LIST_EXTEND", "MAP_ADD", "DICT_UPDATE", "DICT_MERGE", "UNPACK_SEQUENCE", "UNPACK_EX",
        "GET_ITER", "CALL_KW", "CALL_FUNCTION_KW", "CALL_METHOD", "COPY_FREE_VARS",
        "DUP_TOP_TWO", "ROT_THREE", "ROT_FOUR", "ROT_N", "LIST_TO_TUPLE", "CALL_INTRINSIC_1",
        "BEFORE_WITH",
    }
)
_JUMP_ARG_KINDS = (_A_JFWD, _A_JBACK, _A_JABS)
# Values that store attributes on other objects when called (or whose attributes do):
# a function naming one of them is read by the interpreter.
_FAST_SETTERS = frozenset(
    id(obj)
    for obj in (
        builtins.setattr, builtins.delattr, builtins.object, object.__setattr__,
        object.__delattr__,
    )
)
_TYPE_ID = id(builtins.type)
_SUPER_ID = id(builtins.super)
# Attributes of super() that the interpreter reads as writes on the instance.
_SUPER_SETTERS = frozenset({"__setattr__", "__delattr__"})
_FAST_KINDS: List[int] = []
_FAST_KEY: List[Any] = [None]

# The straight-line lane, before the loop of the fast pass (CPython 3.9 and 3.10).
# There every instruction is two bytes and no opcode is 0, so ``LOAD_FAST 0`` (two bytes)
# found anywhere in ``co_code`` is an instruction, and the byte after it the opcode of
# the next one.  A method with no jump, one return at its end, no global that sets
# attributes (``setattr`` ...; ``super`` only as ``super().name``) and the instance in
# its first local, loaded only to be the owner of the very next attribute instruction
# (or as ``type(inst).name``), is then read with a few C-level bytes operations and one
# short loop per attribute instruction, not a turn of the loop per instruction.
# Anything else goes on to the loop (a new CPython, with inline caches, never takes the
# lane).
_LANE = not _GE311 and 0 not in dis.opmap.values() and not any(_CACHE_COUNTS)
_OPS = dis.opmap
# opcodes the lane takes besides the fast pass's plain ones (those of the running table)
_LANE_MORE = tuple(
    _OPS[name]
    for name in (
        "LOAD_FAST", "STORE_FAST", "LOAD_ATTR", "LOAD_METHOD", "CALL_FUNCTION", "LOAD_GLOBAL"
    )
    if name in _OPS
)
# (filled by _fast_kinds: what the lane may meet anywhere; None: the lane is closed)
_LANE_OPS: List[Optional[bytes]] = [None]
_LOAD_FAST_0 = bytes((_OPS["LOAD_FAST"], 0))
_STORE_FAST_0 = bytes((_OPS["STORE_FAST"], 0))
_RETURN_VALUE = _OPS["RETURN_VALUE"]
_STORE_ATTR = _OPS["STORE_ATTR"]
_DELETE_ATTR = _OPS["DELETE_ATTR"]
_ATTR_STORES = bytes((_STORE_ATTR, _DELETE_ATTR))
_LOAD_ATTR = _OPS["LOAD_ATTR"]
# (3.9 and 3.10 only: elsewhere these opcodes are gone, or pseudo-instructions)
_LOAD_METHOD = _OPS["LOAD_METHOD"] if _LANE else 0
_CALL_FUNCTION = _OPS["CALL_FUNCTION"] if _LANE else 0
_ATTR_LOADS = bytes((_LOAD_ATTR, _LOAD_METHOD))
_LOAD_ATTR_BYTE = bytes((_LOAD_ATTR,))
_LOAD_METHOD_BYTE = bytes((_LOAD_METHOD,))
_LOAD_GLOBAL_BYTE = bytes((_OPS["LOAD_GLOBAL"],))
_LANE_READS = (
    _OPS["LOAD_FAST"], _LOAD_ATTR, _LOAD_METHOD, _STORE_ATTR, _DELETE_ATTR, _RETURN_VALUE,
    _OPS["LOAD_GLOBAL"], _CALL_FUNCTION,
)


def _fast_kinds() -> List[int]:
    """opcode -> how the fast pass treats it, for the opcodes of the current table."""
    table = _TABLE
    key = (id(table), len(table))
    if _FAST_KEY[0] == key:
        return _FAST_KINDS
    out: List[int] = []
    for op in range(256):
        name = dis.opname[op]
        kind = table.get(name)
        if kind is None or op == _EXTENDED_ARG:
            out.append(_F_BAIL)
        elif name in _TERMINATORS:
            out.append(_F_END)
        elif name in _UNCONDITIONAL_JUMPS:
            out.append(_F_GOTO)
        elif _ARG_KINDS[op] in _JUMP_ARG_KINDS:
            out.append(_F_JUMP)
        elif name in _FAST_SPECIAL:
            out.append(_FAST_SPECIAL[name])
        elif kind != "special" or name in _FAST_PLAIN_SPECIAL:
            out.append(_F_PLAIN)
        else:
            out.append(_F_BAIL)
    _FAST_KINDS[:] = out
    if _LANE:
        lane = [op for op in range(256) if out[op] == _F_PLAIN]
        lane += [op for op in _LANE_MORE if out[op] != _F_BAIL]
        # (the opcodes it reads itself must be known: else the lane is closed)
        known = all(out[op] != _F_BAIL for op in _LANE_READS)
        _LANE_OPS[0] = bytes(lane) if known else None
    _FAST_KEY[0] = key
    return _FAST_KINDS


_FAST_STEPS = [2 + 2 * _CACHE_COUNTS[op] for op in range(256)]
_FIRST_LOCAL = frozenset({0})
_ATTR_SHIFT = 1 if _GE312 else 0  # LOAD_ATTR's name index is arg >> 1 on 3.12+
_GLOBAL_SHIFT = 1 if _GE311 else 0  # LOAD_GLOBAL's on 3.11+


# What the fast pass finds: the instance's attributes written (or deleted), and read.
# Each maps a name to where it is (the offsets of its instructions, or None where the
# straight-line lane left them to be found when asked for); ``method_sites`` makes the
# sites.
_Where = Dict[str, Optional[List[int]]]
_Found = Tuple[_Where, _Where]


def _fast_scan(
    code: types.CodeType, tracked: FrozenSet[str], qualname: str, globals_: Mapping[str, object]
) -> Optional[CodeFacts]:
    """The facts of ``code`` when it uses the instance only as ``inst.name``; None when the
    interpreter must read it (see above)."""
    if _FAST_KEY[0] != (id(_TABLE), len(_TABLE)):
        _fast_kinds()
    varnames = code.co_varnames
    if len(tracked) == 1 and varnames and varnames[0] in tracked:
        found = (_LANE and _straight_scan(code, qualname, globals_)) or _walk(
            code, _FIRST_LOCAL, qualname, globals_  # (the common case: the first parameter)
        )
    else:
        inst = frozenset(k for k, name in enumerate(varnames) if name in tracked)
        found = _walk(code, inst, qualname, globals_)
    if found is None:
        return None
    writes, reads = found
    return CodeFacts(
        _LazySites(code, qualname, writes, True) if writes else {},
        _LazySites(code, qualname, reads) if reads else {},
        {},
        [],
        [],
    )


def read_method(
    code: types.CodeType, qualname: str, globals_: Mapping[str, object]
) -> Optional[_Found]:
    """What ``scan`` finds in a method whose first parameter is the instance, when the
    method uses it only as ``inst.name``: the names it writes (or deletes), and those it
    reads (all other facts are empty), each mapped to where the engine found it:
    ``method_sites`` makes their sites, when asked for.  None when ``scan`` must read
    it.  (The driver's way for the methods of a class body: most are read here, with no
    ``CodeFacts`` and no mapping of sites made.)"""
    if not _TABLE:
        return None
    if _FAST_KEY[0] != (id(_TABLE), len(_TABLE)):
        _fast_kinds()
    try:
        return (_LANE and _straight_scan(code, qualname, globals_)) or _walk(
            code, _FIRST_LOCAL, qualname, globals_
        )
    except (IndexError, KeyError, TypeError, ValueError, AttributeError):
        return None  # (a defect of the fast pass: the interpreter decides)


def method_sites(
    code: types.CodeType, qualname: str, found: Mapping[str, object], stores: bool
) -> Sites:
    """The sites of what ``read_method`` found (``stores``: its writes, else its reads)."""
    return _LazySites(code, qualname, cast("_Where", found), stores)


def _walk(
    code: types.CodeType, inst: FrozenSet[int], qualname: str, globals_: Mapping[str, object]
) -> Optional[_Found]:
    """The fast pass's loop: the instance is in the locals numbered ``inst``."""
    kinds = _FAST_KINDS
    steps = _FAST_STEPS
    arg_kinds = _ARG_KINDS
    co = code.co_code
    names = code.co_names
    setters = _FAST_SETTERS
    missing = _MISSING
    builtins_: Optional[Mapping[str, object]] = None
    wide = _WIDE_JUMPS
    attr_shift = _ATTR_SHIFT
    plain, load_fast, load_attr, store_attr = _F_PLAIN, _F_LOAD_FAST, _F_LOAD_ATTR, _F_STORE_ATTR
    writes: _Where = {}  # name -> offsets
    reads: _Where = {}
    # ``type(inst)`` (the builtin runs no code of the instance: no escape, as the
    # interpreter says) and ``inst.__class__``, each followed by an attribute of the
    # class (``type(self).__name__``); nothing else may be done with the class.
    type_at = call_at = class_at = -1
    classes = classes_used = 0
    # Zero-argument ``super().name`` (not ``__setattr__``/``__delattr__``): on 3.9-3.11
    # ``super`` is called with no argument; on 3.12+ it is read with the ``__class__``
    # cell and the first argument by LOAD_SUPER_ATTR.  Nothing else may be done with it.
    super_at = super_call_at = super_attr_at = cell_at = -1
    super_self = False
    supers = supers_used = 0
    # Reachability, as the interpreter's worklist sees it: code after a return, raise or
    # jump is dead until a jump from live code (or an exception handler) lands in it.
    # Dead code is skipped (only checked for opcodes the engine does not know).
    landing: Set[int] = set()  # targets of live forward jumps, and handlers
    if _GE311:
        table: bytes = getattr(code, "co_exceptiontable", b"")
        if table:
            landing.update(entry[2] for entry in _exception_entries(code))
    back: List[int] = []  # targets of live backward jumps
    dead: List[Tuple[int, int]] = []  # dead stretches (start, end)
    loads = used = 0  # instance references pushed / consumed by attribute instructions
    self_at = copy_at = swap_at = chain_at = -1  # where the instruction that uses them is
    aug: Optional[str] = None  # ``inst.name op= v`` under way
    chain: object = None  # the value of the global (or its attribute) loaded just before
    i = 0
    n = len(co)
    while i < n:
        op = co[i]
        k = kinds[op]
        nxt = i + steps[op]
        if k == plain:
            i = nxt
            continue
        arg = co[i + 1]
        if k == load_fast:
            if arg in inst:
                # The instance's own attribute, read or written by the next instruction
                # (the common case), is taken here at once: what the branches below do
                # with the pair, without a turn of the loop for the second.
                then = co[nxt]
                then_kind = kinds[then]
                found: Optional[_Where]
                if then_kind == load_attr and cell_at != i:
                    name = names[co[nxt + 1] >> attr_shift]
                    if name[:2] == "__":
                        if name != "__class__":
                            return None  # ``__dict__``, ``__setattr__`` ...
                        classes += 1
                        class_at = nxt + steps[then]
                    found = reads
                elif then_kind == store_attr:
                    name = names[co[nxt + 1]]
                    if name[:2] == "__":
                        return None
                    found = writes
                else:
                    found, name = None, ""
                if found is not None:
                    at = found.get(name)
                    if at is None:
                        found[name] = [nxt]
                    else:
                        at.append(nxt)
                    i = nxt + steps[then]
                    continue
                loads += 1
                self_at = nxt
                if type_at == i:
                    call_at = nxt
            if cell_at == i:
                super_attr_at = nxt
                super_self = arg in inst
        elif k == load_attr:
            if self_at == i or copy_at == i:
                name = names[arg >> attr_shift]
                if name[:2] == "__":
                    if name != "__class__" or copy_at == i:
                        return None  # ``__dict__``, ``__setattr__`` ...
                    classes += 1
                    class_at = nxt
                used += 1
                if copy_at == i:
                    if aug is not None or (attr_shift and arg & 1):
                        return None
                    aug = name
                at = reads.get(name)
                if at is None:
                    reads[name] = [i]
                else:
                    at.append(i)
            elif class_at == i:
                if names[arg >> attr_shift] == "__new__":
                    return None
                classes_used += 1
            elif super_attr_at == i:
                if names[arg >> attr_shift] in _SUPER_SETTERS:
                    return None
                supers_used += 1
            elif chain_at == i:
                chain = _resolve(chain, names[arg >> attr_shift])
                if chain is not missing:
                    if id(chain) in setters:
                        return None
                    chain_at = nxt
        elif k == store_attr:
            name = names[arg]
            if self_at == i:
                if name[:2] == "__":
                    return None
            elif swap_at == i and name == aug:
                aug = None
            else:
                return None  # a store on another object
            used += 1
            at = writes.get(name)
            if at is None:
                writes[name] = [i]
            else:
                at.append(i)
        elif k == _F_LOAD_GLOBAL:
            name = names[arg >> _GLOBAL_SHIFT]
            chain = globals_.get(name, missing)
            if chain is missing:
                if builtins_ is None:
                    builtins_ = _builtins_of(globals_)
                chain = builtins_.get(name, missing)
            if chain is not missing:
                if id(chain) in setters:
                    return None
                if id(chain) == _TYPE_ID:
                    type_at = nxt
                elif id(chain) == _SUPER_ID:
                    super_at = super_call_at = nxt
                    supers += 1
                chain_at = nxt
        elif k == _F_CALL:
            if call_at == i:
                if arg != 1:
                    return None
                used += 1
                classes += 1
                class_at = nxt
            elif super_call_at == i and arg == 0:
                super_attr_at = nxt
        elif k == _F_PRECALL:
            if call_at == i:
                call_at = nxt
            elif super_call_at == i and arg == 0:
                super_call_at = nxt
        elif k == _F_DEREF:
            varname = getattr(code, "_varname_from_oparg", None)
            if super_at != i or not _GE312 or varname is None or varname(arg) != "__class__":
                return None
            cell_at = nxt
        elif k == _F_SUPER_ATTR:
            if super_attr_at != i or names[arg >> 2] in _SUPER_SETTERS:
                return None
            if super_self:
                used += 1
            supers_used += 1
        elif k == _F_JUMP or k == _F_GOTO or k == _F_END:
            if k != _F_END:
                ak = arg_kinds[op]
                step = arg * 2 if wide else arg
                target = step if ak == _A_JABS else nxt - step if ak == _A_JBACK else nxt + step
                if target > i:
                    landing.add(target)
                else:
                    back.append(target)
            if k != _F_JUMP and nxt < n and nxt not in landing:
                # control does not fall through: resume where a jump lands next
                resume = min([t for t in landing if t > nxt], default=n)
                known = _dispatch()
                j = nxt
                while j < resume:
                    if known[co[j]] is None:
                        return None
                    j += steps[co[j]]
                if j != resume:
                    return None
                dead.append((nxt, resume))
                nxt = resume
        elif k == _F_DUP:
            if self_at == i and arg <= 1:
                loads += 1
                copy_at = nxt
        elif k == _F_SWAP:
            if aug is not None and (arg == 2 or arg == 0):
                swap_at = nxt
        elif k == _F_STORE_FAST:
            if arg in inst:
                return None
        elif k == _F_THEN_LOAD:
            if arg >> 4 in inst:
                return None
            if arg & 15 in inst:
                loads += 1
                self_at = nxt
        elif k == _F_STORE_FAST2:
            if arg >> 4 in inst or arg & 15 in inst:
                return None
        else:
            return None
        i = nxt
    if loads != used or aug is not None or classes != classes_used or supers != supers_used:
        return None  # an instance reference (or its class) went elsewhere
    if back and dead:
        for target in back:
            for start, end in dead:
                if start <= target < end:
                    return None  # a loop back into code taken for dead: rare, not worth it
    return writes, reads


def _straight_scan(
    code: types.CodeType, qualname: str, globals_: Mapping[str, object]
) -> Optional[_Found]:
    """The fast pass's facts for a straight-line method that uses its first local only as
    ``inst.name`` (the straight-line lane, see above); None when the loop must read it."""
    anywhere = _LANE_OPS[0]
    if anywhere is None:
        return None
    co = code.co_code
    ops = co[::2]
    # What is left once the opcodes the lane takes anywhere are deleted must be the
    # attribute stores (each will be matched with a store on the instance) and the return
    # at the end: nothing the lane does not take, and no other return.
    rest = ops.translate(None, anywhere)
    if (
        ops[-1] != _RETURN_VALUE
        or rest[-1] != _RETURN_VALUE
        or rest[:-1].strip(_ATTR_STORES)
        or _STORE_FAST_0 in co  # the instance's local rebound
    ):
        return None
    names = code.co_names
    at = ops.find(_LOAD_GLOBAL_BYTE)
    classes: FrozenSet[str] = frozenset()  # global names whose value is ``type``
    if at >= 0:
        found = _lane_globals(ops, co[1::2], at, names, globals_)
        if found is None:
            return None
        classes = found
    # (``__dict__``, ``__class__`` ...: where a name may be a dunder, each name taken on
    # the instance is tested)
    dunders = "__" in "".join(names)
    writes: _Where = {}
    reads: _Where = {}
    stores = 0
    parts = co.split(_LOAD_FAST_0)  # (each but the first: from the instruction after it)
    prev = parts[0]
    for part in parts[1:]:
        if not part:
            return None
        op = part[0]
        if op == _LOAD_ATTR or op == _LOAD_METHOD:
            name = names[part[1]]
            if dunders and name[:2] == "__":
                # ``inst.__class__``, then an attribute of the class (not ``__new__``)
                if name != "__class__" or not _lane_class_attribute(part, names):
                    return None
            reads[name] = None
        elif op == _STORE_ATTR or op == _DELETE_ATTR:
            name = names[part[1]]
            if dunders and name[:2] == "__":
                return None
            writes[name] = None
            stores += 1
        elif not (
            # ``type(inst)``, then an attribute of the class: no read of the instance
            op == _CALL_FUNCTION
            and part[1] == 1
            and prev[-2:-1] == _LOAD_GLOBAL_BYTE
            and names[prev[-1]] in classes
            and _lane_class_attribute(part, names)
        ):
            return None  # the instance passed, stored, returned...
        prev = part
    if len(rest) - 1 != stores:
        return None  # a store on another object
    return writes, reads


def _lane_globals(
    ops: bytes, args: bytes, at: int, names: Tuple[str, ...], globals_: Mapping[str, object]
) -> Optional[FrozenSet[str]]:
    """Whether the straight-line lane may take the ``LOAD_GLOBAL`` instructions, the first
    at instruction ``at``: none names what sets attributes (``setattr``,
    ``object.__setattr__`` ..., through attributes too), and ``super`` only as
    ``super().name``.  Then the names whose value is ``type``; else None."""
    builtins_: Optional[Mapping[str, object]] = None
    classes: Set[str] = set()
    while at >= 0:
        name = names[args[at]]
        value = globals_.get(name, _MISSING)
        if value is _MISSING:
            if builtins_ is None:
                builtins_ = _builtins_of(globals_)
            value = builtins_.get(name, _MISSING)
        if value is super:
            if not (
                ops[at + 1] == _CALL_FUNCTION
                and args[at + 1] == 0
                and (ops[at + 2] == _LOAD_ATTR or ops[at + 2] == _LOAD_METHOD)
                and names[args[at + 2]] not in _SUPER_SETTERS
            ):
                return None
        elif value is not _MISSING:
            if value is type:
                classes.add(name)
            if id(value) in _FAST_SETTERS:
                return None
            k = at + 1
            while ops[k] == _LOAD_ATTR or ops[k] == _LOAD_METHOD:
                value = _resolve(value, names[args[k]])
                if value is _MISSING:
                    break
                if id(value) in _FAST_SETTERS:
                    return None
                k += 1
        at = ops.find(_LOAD_GLOBAL_BYTE, at + 1)
    return frozenset(classes)


def _lane_class_attribute(part: bytes, names: Tuple[str, ...]) -> bool:
    """Whether the second instruction of ``part`` reads an attribute of the class just
    taken from the instance (not ``__new__``: that makes an instance)."""
    op = part[2:3]
    return (op == _LOAD_ATTR_BYTE or op == _LOAD_METHOD_BYTE) and names[part[3]] != "__new__"


def _lane_offsets(code: types.CodeType, stores: bool) -> _Where:
    """Where a method read by the straight-line lane writes (or reads) each attribute of
    the instance: the offsets of the attribute instructions after ``LOAD_FAST 0``."""
    co = code.co_code
    names = code.co_names
    found: _Where = {}
    wanted = _ATTR_STORES if stores else _ATTR_LOADS
    at = co.find(_LOAD_FAST_0)
    while at >= 0:
        if co[at + 2] in wanted:  # (not ``type(inst)``'s call)
            name = names[co[at + 3]]
            offsets = found.get(name)
            if offsets is None:
                found[name] = [at + 2]
            else:
                offsets.append(at + 2)
        at = co.find(_LOAD_FAST_0, at + 2)
    return found


def _sites_at(code: types.CodeType, qualname: str, offsets: List[int]) -> List[Site]:
    """The sites of facts at ``offsets`` (in order): one per line, in order of first use."""
    out: List[Site] = []
    filename = code.co_filename
    seen: Set[int] = set()
    for line in _lines_at(code, offsets):
        if line not in seen:
            seen.add(line)
            out.append(_make_site(qualname, filename, line))
    return out


class _LazySites(Mapping[str, List[Site]]):
    """The fast pass's writes or reads: the names at once, their sites only when asked for.

    Building a class needs the names only: the sites are for ``explain()`` and its notes
    (reads of names nothing in the class sets), so most lines are never looked up.
    """

    __slots__ = ("_code", "_offsets", "_qualname", "_sites", "_stores")

    def __init__(
        self, code: types.CodeType, qualname: str, offsets: _Where, stores: bool = False
    ) -> None:
        self._code = code
        self._stores = stores  # (writes, or reads: for the lane's offsets)
        self._qualname = qualname
        # name -> the offsets of its instructions, in order (None: the straight-line
        # lane kept the names only; the offsets are found when first asked for)
        self._offsets = offsets
        self._sites: Optional[Dict[str, List[Site]]] = None  # (made when first asked)

    def __getitem__(self, name: str) -> List[Site]:
        known = self._sites
        if known is None:
            known = self._sites = {}
        sites = known.get(name)
        if sites is None:
            offsets = self._offsets[name]
            if offsets is None:
                self._offsets = found = _lane_offsets(self._code, self._stores)
                offsets = found[name]
                assert offsets is not None
            sites = known[name] = _sites_at(self._code, self._qualname, offsets)
        return sites

    def __contains__(self, name: object) -> bool:
        return name in self._offsets

    def __iter__(self) -> Iterator[str]:
        return iter(self._offsets)

    def __len__(self) -> int:
        return len(self._offsets)

    def __repr__(self) -> str:
        return f"{{{', '.join(f'{name!r}: {self[name]!r}' for name in self)}}}"


def _lines_at(code: types.CodeType, offsets: List[int]) -> List[int]:
    """The line of the instruction at each offset (in order): one walk over the line
    table."""
    out: List[int] = []
    line = code.co_firstlineno
    co_lines = getattr(code, "co_lines", None)
    if co_lines is None:
        # 3.9: co_lnotab holds (offset increment, line increment) byte pairs; a line
        # increment applies from the offset reached with its pair.
        table = code.co_lnotab  # pyright: ignore[reportDeprecated]  (3.9 only)
        size = len(table)
        k = 0
        at = 0
        for offset in offsets:
            while k < size and at + table[k] <= offset:
                at += table[k]
                step = table[k + 1]
                line += step - 256 if step >= 128 else step
                k += 2
            out.append(line)
        return out
    ranges = cast("Iterator[Tuple[int, int, Optional[int]]]", iter(co_lines()))
    end = 0
    for offset in offsets:
        while offset >= end:
            _, end, found = next(ranges)
            if found is not None:
                line = found
        out.append(line)
    return out


# --------------------------------------------------------------------------- entry point
_NO_CELLS: Mapping[str, types.CellType] = types.MappingProxyType({})

def scan(
    code: types.CodeType,
    *,
    tracked: FrozenSet[str],
    qualname: str,
    globals_: Mapping[str, object],
    factory: Optional[str] = None,
    closure: Optional[Tuple[Any, ...]] = None,
) -> CodeFacts:
    """Read ``code`` and report what it does with the instance held by ``tracked`` names.

    ``closure`` holds the cells of ``code.co_freevars`` (classes are also recognised by
    the values of free variables).  See the module docstring and ``_model.CodeFacts``.
    Raises ``EngineUnsupported`` when the bytecode contains an opcode this engine does not
    know.
    """
    if not _TABLE:
        raise EngineUnsupported(
            Reason(
                Site(qualname, code.co_filename, code.co_firstlineno),
                f"the bytecode engine does not support Python {_V[0]}.{_V[1]}",
            )
        )
    if factory is None:
        try:
            fast = _fast_scan(code, tracked, qualname, globals_)
        except (IndexError, KeyError, TypeError, ValueError, AttributeError):
            fast = None  # (a defect of the fast pass: the interpreter decides)
        if fast is not None:
            return fast
    return _interpreted_scan(code, tracked, qualname, globals_, factory, closure)


def _interpreted_scan(
    code: types.CodeType,
    tracked: FrozenSet[str],
    qualname: str,
    globals_: Mapping[str, object],
    factory: Optional[str],
    closure: Optional[Tuple[Any, ...]],
) -> CodeFacts:
    """``scan`` by the interpreter alone (what the fast pass must agree with)."""
    if len(tracked) == 1:
        (inst_name,) = tracked
    else:
        inst_name = min(tracked) if tracked else "obj"
    cells: Mapping[str, types.CellType] = _NO_CELLS
    if closure is not None:
        cells = dict(zip(code.co_freevars, closure))
    ctx = _Context(globals_, inst_name, factory, cells)
    initial: Dict[str, Value] = {name: INST for name in tracked}
    if factory is not None and factory not in initial:
        initial[factory] = FACTORY
    try:
        facts, _ = _Scanner(code, qualname, initial, ctx).run()
    except EngineUnsupported:
        raise
    except (IndexError, KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        # a defect of this engine must not break the user's class: let the driver fall
        # back to the other engine, naming what went wrong
        raise EngineUnsupported(
            Reason(
                Site(qualname, code.co_filename, code.co_firstlineno),
                f"the bytecode engine failed on this function ({type(exc).__name__}: {exc})",
            )
        ) from exc
    return facts.to_code_facts()
