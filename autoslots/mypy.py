"""A mypy plugin that tells mypy the slots of every autoslotted class.

Enable it in the mypy configuration::

    [tool.mypy]
    plugins = ["autoslots.mypy"]

mypy checks instance attribute writes against ``__slots__`` only for classes whose slot
set it knows (``TypeInfo.slots``); it learns that set from a literal ``__slots__`` in the
class body.  For classes made with ``@autoslots`` or derived from ``AutoSlots`` (or built
by ``AutoSlotsMeta``) this plugin computes the set from the class's code as mypy parsed
it, and hands it to mypy, which then reports a write that fails at run time -- an
instance write to a name that the class only has at class level -- as it does for
hand-written slots (``Trying to assign name "x" that is not in "__slots__" ...``).

The plugin's set is a static, conservative version of what autoslots infers at run
time: it holds every attribute name stored by any function of the class body (on any
object), every annotated name, ``extra=`` names, explicit ``__slots__`` and the slots of
the bases.  Where the class's code shows anything the plugin cannot prove (a
non-constant ``setattr``, ``__dict__``, ``vars()``, the instance handed to other code,
a ``__getattr__``/``__setattr__`` override, a decorator or class-level value that may
run code the plugin cannot see, ``dict=True``, a base without slots) it does not set
any slots: mypy then checks nothing extra for that class, so a class that keeps a
``__dict__`` never gets an error.

The plugin walks mypy's tree with its own code (no mypy visitor subclasses).
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator, List, Optional, Set, Tuple, Type

from mypy.nodes import (
    ARG_POS,
    AssertStmt,
    AssertTypeExpr,
    AssignmentExpr,
    AssignmentStmt,
    AwaitExpr,
    Block,
    BreakStmt,
    BytesExpr,
    CallExpr,
    CastExpr,
    ClassDef,
    ComparisonExpr,
    ComplexExpr,
    ConditionalExpr,
    ContinueStmt,
    Decorator,
    DelStmt,
    DictExpr,
    DictionaryComprehension,
    EllipsisExpr,
    Expression,
    ExpressionStmt,
    FloatExpr,
    ForStmt,
    FuncDef,
    GeneratorExpr,
    GlobalDecl,
    IfStmt,
    Import,
    ImportAll,
    ImportFrom,
    IndexExpr,
    IntExpr,
    LambdaExpr,
    ListComprehension,
    ListExpr,
    MatchStmt,
    MemberExpr,
    MypyFile,
    NameExpr,
    Node,
    NonlocalDecl,
    OperatorAssignmentStmt,
    OpExpr,
    OverloadedFuncDef,
    PassStmt,
    RaiseStmt,
    RefExpr,
    ReturnStmt,
    RevealExpr,
    SetComprehension,
    SetExpr,
    SliceExpr,
    StarExpr,
    Statement,
    StrExpr,
    SuperExpr,
    TempNode,
    TryStmt,
    TupleExpr,
    TypeApplication,
    TypeInfo,
    UnaryExpr,
    Var,
    WhileStmt,
    WithStmt,
    YieldExpr,
    YieldFromExpr,
)
from mypy.plugin import ClassDefContext, Plugin
from mypy.types import CallableType, Instance, get_proper_type

AUTOSLOTS_CLASS = "autoslots._meta.AutoSlots"
AUTOSLOTS_META = "autoslots._meta.AutoSlotsMeta"
DECORATORS = frozenset({"autoslots._build.autoslots", "autoslots.autoslots"})
METADATA_KEY = "autoslots"

# Builtins that receive the instance without setting attributes on it (or only
# through the class's own methods, which the plugin reads anyway).
_SAFE_BUILTINS = frozenset(
    """isinstance issubclass id repr str hash len print type super getattr hasattr iter
    next bool format sorted list tuple set frozenset dict enumerate zip reversed min max
    sum any all callable int float abs round object hex oct bin ord chr range map filter
    divmod pow bytes bytearray ascii complex""".split()
)

# Decorators that wrap a method without running other code on the instance.
_SAFE_DECORATORS = frozenset(
    {
        "builtins.property",
        "builtins.staticmethod",
        "builtins.classmethod",
        "abc.abstractmethod",
        "abc.abstractproperty",
        "functools.cached_property",
        "functools.lru_cache",
        "functools.cache",
        "functools.singledispatchmethod",
        "typing.overload",
        "typing_extensions.overload",
        "typing.final",
        "typing_extensions.final",
        "typing.override",
        "typing_extensions.override",
        "typing.no_type_check",
        "contextlib.contextmanager",
        "contextlib.asynccontextmanager",
    }
)
_ACCESSOR_DECORATORS = frozenset({"setter", "getter", "deleter", "register"})

# Class-level calls whose function arguments become methods or accessors.
_WRAPPERS = frozenset(
    {
        "builtins.property",
        "builtins.staticmethod",
        "builtins.classmethod",
        "functools.cached_property",
        "functools.partialmethod",
    }
)
_DATA_TYPES = frozenset(
    "builtins." + name
    for name in "int str float bool bytes complex tuple list dict set frozenset".split()
)
_DESCRIPTOR_METHODS = ("__get__", "__set__", "__delete__")
_HOOK_METHODS = ("__getattr__", "__getattribute__", "__setattr__", "__delattr__")


class _CannotProve(Exception):
    """Something in the class that the plugin cannot read statically."""


class AutoSlotsPlugin(Plugin):
    """Sets ``TypeInfo.slots`` for autoslotted classes."""

    def get_class_decorator_hook_2(
        self, fullname: str
    ) -> Optional[Callable[[ClassDefContext], bool]]:
        """``@autoslots`` and ``@autoslots(...)``."""
        if fullname in DECORATORS:
            return _decorator_hook
        return None

    def get_base_class_hook(self, fullname: str) -> Optional[Callable[[ClassDefContext], None]]:
        """Subclasses of ``AutoSlots`` and of classes built by ``AutoSlotsMeta``."""
        if fullname == AUTOSLOTS_CLASS or self._is_autoslots_class(fullname):
            return _class_hook
        return None

    def get_metaclass_hook(self, fullname: str) -> Optional[Callable[[ClassDefContext], None]]:
        """``metaclass=AutoSlotsMeta`` (or a metaclass derived from it)."""
        symbol = self.lookup_fully_qualified(fullname)
        node = symbol.node if symbol is not None else None
        if isinstance(node, TypeInfo) and node.has_base(AUTOSLOTS_META):
            return _class_hook
        return None

    def _is_autoslots_class(self, fullname: str) -> bool:
        symbol = self.lookup_fully_qualified(fullname)
        node = symbol.node if symbol is not None else None
        return isinstance(node, TypeInfo) and _made_by_autoslots_meta(node)


def _made_by_autoslots_meta(info: TypeInfo) -> bool:
    if info.has_base(AUTOSLOTS_CLASS):
        return True
    meta = info.metaclass_type
    return meta is not None and meta.type.has_base(AUTOSLOTS_META)


def plugin(version: str) -> Type[Plugin]:
    """The entry point mypy calls."""
    return AutoSlotsPlugin


# -- the hooks -------------------------------------------------------------------------


def _decorator_hook(ctx: ClassDefContext) -> bool:
    info = ctx.cls.info
    for base in info.mro[1:-1]:
        if base.module_name == info.module_name and _pending(base):
            return False  # a decorated base of this module is not done yet: next pass
    options = ctx.reason.args if isinstance(ctx.reason, CallExpr) else []
    names = ctx.reason.arg_names if isinstance(ctx.reason, CallExpr) else []
    _set_slots(ctx, list(zip(names, options)))
    return True


def _class_hook(ctx: ClassDefContext) -> None:
    _set_slots(ctx, list(ctx.cls.keywords.items()))


def _pending(info: TypeInfo) -> bool:
    """A base decorated with @autoslots whose slots this plugin has not set yet."""
    if METADATA_KEY in info.metadata:
        return False
    for decorator in info.defn.decorators:
        target = decorator.callee if isinstance(decorator, CallExpr) else decorator
        if isinstance(target, RefExpr) and target.fullname in DECORATORS:
            return True
    return False


def _set_slots(ctx: ClassDefContext, keywords: List[Tuple[Optional[str], Expression]]) -> None:
    info = ctx.cls.info
    module = ctx.api.modules.get(info.module_name)
    try:
        slots, mixin = _infer(ctx.cls, info, keywords, module)
    except _CannotProve:
        info.slots = None
        info.metadata[METADATA_KEY] = {"proven": False, "mixin": False, "names": []}
        return
    info.slots = None if mixin else slots
    info.metadata[METADATA_KEY] = {"proven": True, "mixin": mixin, "names": sorted(slots)}


# -- the class ------------------------------------------------------------------------


def _infer(
    defn: ClassDef,
    info: TypeInfo,
    keywords: List[Tuple[Optional[str], Expression]],
    module: Optional[MypyFile],
) -> Tuple[Set[str], bool]:
    """The slot set of the class for mypy, and whether the class is a mixin.

    A ``mixin=True`` class declares no slots of its own (at run time its
    ``__slots__`` is empty, so it combines with other slotted bases); the autoslotted
    classes derived from it slot its names.  mypy gets no slot set for the mixin itself:
    with one, it would check the mixin's own methods against it, or take the mixin
    for a disjoint base that cannot be combined with another slotted base.  The names
    are kept in the class's metadata for its subclasses.
    """
    own: Set[str] = set()
    mixin = False
    for key, value in keywords:
        if key == "dict":
            if not _is_literal(value, "False"):
                raise _CannotProve
        elif key == "mixin":
            if not (_is_literal(value, "True") or _is_literal(value, "False")):
                raise _CannotProve
            mixin = _is_literal(value, "True")
        elif key == "extra":
            own.update(_literal_names(value))
        elif key is None:
            raise _CannotProve  # **options
    inherited: Set[str] = set()
    for base in info.mro[1:-1]:
        if any(hook in base.names for hook in _HOOK_METHODS):
            raise _CannotProve
        known = base.metadata.get(METADATA_KEY, {})
        if known.get("mixin"):
            inherited.update(known.get("names") or ())
        elif base.slots is None:
            raise _CannotProve  # a base with a __dict__ (or one the plugin cannot read)
        else:
            inherited.update(base.slots)
    reader = _ClassReader(defn, info, module)
    reader.read_body(defn.defs.body)
    own.update(reader.stored)
    own |= {_mangle(name, defn.name) for name in own}
    return {name for name in own | inherited if _instance_slot(info, name)}, mixin


def _is_literal(value: Expression, name: str) -> bool:
    return isinstance(value, NameExpr) and value.fullname == f"builtins.{name}"


def _instance_slot(info: TypeInfo, name: str) -> bool:
    """Whether ``name`` goes into mypy's slot set; raises where no set is right.

    mypy rejects reading a name of ``TypeInfo.slots`` through the class object.  So
    methods and properties (mypy lets instances assign those anyway) and class
    variables stay out; a name with a class-level value that instances also assign
    (autoslots keeps the value as a default) would be wrong both in and out of the set.
    """
    symbol = info.get(name)
    if symbol is None or symbol.implicit:
        return True
    node = symbol.node
    if isinstance(node, Var):
        if node.is_classvar:
            return False
        if node.has_explicit_value:
            raise _CannotProve
        return True
    if isinstance(node, (FuncDef, Decorator, OverloadedFuncDef)):
        return False
    raise _CannotProve


def _literal_names(value: Expression) -> List[str]:
    if isinstance(value, StrExpr):
        return [value.value]
    if isinstance(value, (TupleExpr, ListExpr, SetExpr)):
        result: List[str] = []
        for item in value.items:
            if not isinstance(item, StrExpr):
                raise _CannotProve
            result.append(item.value)
        return result
    raise _CannotProve


def _mangle(name: str, class_name: str) -> str:
    stripped = class_name.lstrip("_")
    if not name.startswith("__") or name.endswith("__") or not stripped:
        return name
    return f"_{stripped}{name}"


class _ClassReader:
    """Reads one class body: what its functions store, and whether that is provable."""

    def __init__(self, defn: ClassDef, info: TypeInfo, module: Optional[MypyFile]) -> None:
        self.defn = defn
        self.info = info
        self.module_names: Set[str] = set(module.names) if module is not None else set()
        self.mro_names = {base.name for base in info.mro}
        self.stored: Set[str] = set()

    # -- statements of the class body --

    def read_body(self, body: List[Statement]) -> None:
        for stmt in body:
            self._class_statement(stmt)

    def _class_statement(self, stmt: Statement) -> None:
        if isinstance(stmt, (FuncDef, OverloadedFuncDef, Decorator)):
            self._method(stmt)
        elif isinstance(stmt, AssignmentStmt):
            self._class_assignment(stmt)
        elif isinstance(stmt, IfStmt):
            for block in [*stmt.body, stmt.else_body]:
                if block is not None:
                    self.read_body(block.body)
        elif isinstance(stmt, ClassDef):
            return  # a nested class is a class of its own
        elif isinstance(stmt, (PassStmt, ExpressionStmt)):
            return
        else:
            raise _CannotProve  # imports into the class body, loops, ...

    def _method(self, node: Statement) -> None:
        if isinstance(node, OverloadedFuncDef):
            for item in node.items:
                self._method(item)
            if node.impl is not None:
                self._method(node.impl)
            return
        if isinstance(node, Decorator):
            for decorator in node.original_decorators or node.decorators:
                if not self._safe_decorator(decorator):
                    raise _CannotProve
            node = node.func
        assert isinstance(node, FuncDef)
        if node.name in _HOOK_METHODS:
            raise _CannotProve
        _FunctionReader(self, _first_parameter(node)).function(node)

    def _safe_decorator(self, decorator: Expression) -> bool:
        if isinstance(decorator, RefExpr) and self._fullname(decorator) in _SAFE_DECORATORS:
            return True
        if isinstance(decorator, CallExpr) and isinstance(decorator.callee, RefExpr):
            # functools.lru_cache(maxsize=...) and the like
            return self._fullname(decorator.callee) in _SAFE_DECORATORS and all(
                self._inert(arg) for arg in decorator.args
            )
        if isinstance(decorator, MemberExpr) and decorator.name in _ACCESSOR_DECORATORS:
            target = decorator.expr
            return isinstance(target, NameExpr) and target.name in self.info.names
        return False

    def _fullname(self, expr: RefExpr) -> str:
        """The full name of what ``expr`` refers to.

        mypy leaves the decorators of a property's accessors unanalysed: a bare name
        that the module does not define is a builtin.
        """
        if expr.fullname:
            return expr.fullname
        if isinstance(expr, NameExpr) and expr.name not in self.module_names:
            return f"builtins.{expr.name}"
        return ""

    def _class_assignment(self, stmt: AssignmentStmt) -> None:
        for lvalue in stmt.lvalues:
            if not isinstance(lvalue, NameExpr):
                raise _CannotProve
            if lvalue.name == "__slots__":
                self._explicit_slots(stmt.rvalue)
                continue
            if stmt.unanalyzed_type is not None:
                self.stored.add(lvalue.name)  # annotated: a field, or a slot with a default
        if isinstance(stmt.rvalue, TempNode):
            return  # an annotation without a value
        if not self._inert(stmt.rvalue):
            raise _CannotProve

    def _explicit_slots(self, value: Expression) -> None:
        if isinstance(value, DictExpr):
            names: List[str] = []
            for key, _ in value.items:
                if not isinstance(key, StrExpr):
                    raise _CannotProve
                names.append(key.value)
        else:
            names = _literal_names(value)
        if "__dict__" in names:
            raise _CannotProve
        self.stored.update(names)

    def _inert(self, expr: Expression) -> bool:
        """A class-level value that autoslots does not read as code of the class."""
        if isinstance(expr, (IntExpr, StrExpr, BytesExpr, FloatExpr, ComplexExpr)):
            return True
        if isinstance(expr, (EllipsisExpr, TupleExpr, ListExpr, SetExpr, DictExpr)):
            return True  # containers: autoslots does not look inside
        if isinstance(expr, (ListComprehension, SetComprehension, DictionaryComprehension)):
            return True
        if isinstance(expr, UnaryExpr):
            return self._inert(expr.expr)
        if isinstance(expr, OpExpr):
            return self._inert(expr.left) and self._inert(expr.right)
        if isinstance(expr, ComparisonExpr):
            return True
        if isinstance(expr, LambdaExpr):
            _FunctionReader(self, _first_parameter(expr)).function(expr)
            return True
        if isinstance(expr, RefExpr):
            return self._inert_reference(expr)
        if isinstance(expr, CallExpr):
            return self._inert_call(expr)
        return False

    def _inert_reference(self, expr: RefExpr) -> bool:
        if expr.fullname in ("builtins.True", "builtins.False", "builtins.None"):
            return True
        node = expr.node
        if isinstance(node, (TypeInfo, MypyFile)):
            return True
        if isinstance(node, (FuncDef, Decorator, OverloadedFuncDef)):
            # a method of this class (read already), not a function from elsewhere
            return isinstance(expr, NameExpr) and self.info.names.get(expr.name) is not None \
                and self.info.names[expr.name].node is node
        if isinstance(node, Var):
            if node.final_value is not None:
                return True
            typ = get_proper_type(node.type) if node.type is not None else None
            return isinstance(typ, Instance) and typ.type.fullname in _DATA_TYPES
        return False

    def _inert_call(self, expr: CallExpr) -> bool:
        callee = expr.callee
        if not isinstance(callee, RefExpr):
            return False
        if callee.fullname in _WRAPPERS:
            return all(self._inert_reference_or_lambda(arg) for arg in expr.args)
        if not all(self._inert(arg) for arg in expr.args):
            return False
        if callee.fullname == "dataclasses.field":
            return True
        node = callee.node
        if isinstance(node, TypeInfo):
            return not _is_descriptor_class(node)
        if isinstance(node, FuncDef) and isinstance(node.type, CallableType):
            result = get_proper_type(node.type.ret_type)
            return (
                isinstance(result, Instance)
                and not _is_descriptor_class(result.type)
                and result.type.get("__call__") is None
            )
        return False

    def _inert_reference_or_lambda(self, expr: Expression) -> bool:
        if isinstance(expr, LambdaExpr):
            return self._inert(expr)
        return isinstance(expr, RefExpr) and self._inert_reference(expr)


def _is_descriptor_class(info: TypeInfo) -> bool:
    for klass in info.mro[:-1]:
        if klass.fullname == "builtins.object":
            continue
        if any(name in klass.names for name in _DESCRIPTOR_METHODS):
            return True
        if "__wrapped__" in klass.names:
            return True
    return False


def _first_parameter(func: FuncDef | LambdaExpr) -> Optional[str]:
    if func.arguments and func.arg_kinds[0] == ARG_POS:
        return func.arguments[0].variable.name
    return None


# -- functions ------------------------------------------------------------------------

_LEAVES = (
    NameExpr,
    StrExpr,
    BytesExpr,
    IntExpr,
    FloatExpr,
    ComplexExpr,
    EllipsisExpr,
    TempNode,
    PassStmt,
    BreakStmt,
    ContinueStmt,
    GlobalDecl,
    NonlocalDecl,
    Import,
    ImportFrom,
    ImportAll,
)


class _FunctionReader:
    """Reads one method (with its nested functions): stored names, and escapes."""

    def __init__(self, owner: _ClassReader, first: Optional[str]) -> None:
        self.owner = owner
        self.first = first
        self.tracked: Set[str] = {first} if first is not None else set()

    def function(self, func: FuncDef | LambdaExpr) -> None:
        self._find_aliases(func)
        for node in _walk(func):
            self._check(node)

    # -- which local names hold the instance --

    def _find_aliases(self, func: Node) -> None:
        bindings = list(_bindings(func))
        changed = True
        while changed:
            changed = False
            for names, value in bindings:
                if value is not None and self._holds_instance(value):
                    for name in names:
                        if name not in self.tracked:
                            self.tracked.add(name)
                            changed = True
        if self.first is not None:
            for names, _ in bindings:
                if self.first in names:
                    raise _CannotProve  # the instance's name is rebound

    def _holds_instance(self, expr: Expression) -> bool:
        """Whether ``expr`` may evaluate to the instance (or a new instance)."""
        if isinstance(expr, NameExpr):
            return expr.name in self.tracked
        if isinstance(expr, (TupleExpr, ListExpr, SetExpr)):
            return any(self._holds_instance(item) for item in expr.items)
        if isinstance(expr, StarExpr):
            return self._holds_instance(expr.expr)
        if isinstance(expr, ConditionalExpr):
            return self._holds_instance(expr.if_expr) or self._holds_instance(expr.else_expr)
        if isinstance(expr, OpExpr) and expr.op in ("and", "or"):
            return self._holds_instance(expr.left) or self._holds_instance(expr.right)
        if isinstance(expr, AssignmentExpr):
            return self._holds_instance(expr.value)
        if isinstance(expr, (CastExpr, AssertTypeExpr)):
            return self._holds_instance(expr.expr)
        if isinstance(expr, CallExpr):
            # cls(), cls.__new__(cls), super().__new__(cls), type(self)(), copies
            callee = expr.callee
            if isinstance(callee, (MemberExpr, SuperExpr)) and callee.name == "__new__":
                return True
            if isinstance(callee, MemberExpr) and callee.name == "__class__":
                return self._holds_instance(callee.expr)
            if isinstance(callee, CallExpr) and isinstance(callee.callee, NameExpr):
                # type(self)(...)
                return callee.callee.name == "type" and any(
                    self._holds_instance(arg) for arg in callee.args
                )
            return self._holds_instance(callee)
        return False

    # -- each node --

    def _check(self, node: Node) -> None:
        if isinstance(node, MemberExpr):
            if node.name == "__dict__":
                raise _CannotProve
        elif isinstance(node, StrExpr):
            if node.value == "__dict__":
                raise _CannotProve
        elif isinstance(node, CallExpr):
            self._call(node)
        for target in _store_targets(node):
            self._store(target)

    def _store(self, target: Expression) -> None:
        if isinstance(target, MemberExpr):
            if target.name == "__class__":
                raise _CannotProve
            self.owner.stored.add(target.name)
        elif isinstance(target, (TupleExpr, ListExpr)):
            for item in target.items:
                self._store(item)
        elif isinstance(target, StarExpr):
            self._store(target.expr)
        elif isinstance(target, (NameExpr, IndexExpr, SliceExpr)):
            return
        else:
            raise _CannotProve

    def _call(self, call: CallExpr) -> None:
        callee = call.callee
        if isinstance(callee, NameExpr) and callee.name in ("setattr", "delattr"):
            self._constant_name(call, 1)
            return
        if isinstance(callee, NameExpr) and callee.name == "vars":
            raise _CannotProve
        if isinstance(callee, (MemberExpr, SuperExpr)) and callee.name in (
            "__setattr__",
            "__delattr__",
        ):
            # super().__setattr__("x", v) and self.__setattr__("x", v) are bound;
            # object.__setattr__(self, "x", v) and Base.__setattr__(...) are not
            bound = isinstance(callee, SuperExpr) or (
                isinstance(callee.expr, NameExpr) and callee.expr.name in self.tracked
            )
            self._constant_name(call, 0 if bound else 1)
            return
        if not any(self._passes_instance(arg) for arg in call.args):
            return
        if self._safe_callee(callee):
            return
        raise _CannotProve  # the instance is handed to code the plugin does not read

    def _constant_name(self, call: CallExpr, position: int) -> None:
        if len(call.args) <= position or call.arg_kinds[position] != ARG_POS:
            raise _CannotProve
        name = call.args[position]
        if not isinstance(name, StrExpr):
            raise _CannotProve
        self.owner.stored.add(name.value)

    def _passes_instance(self, arg: Expression) -> bool:
        if isinstance(arg, StarExpr):
            arg = arg.expr
        return isinstance(arg, NameExpr) and arg.name in self.tracked

    def _safe_callee(self, callee: Expression) -> bool:
        if isinstance(callee, NameExpr):
            return callee.name in _SAFE_BUILTINS and callee.name not in self.owner.module_names
        if isinstance(callee, MemberExpr) and isinstance(callee.expr, NameExpr):
            # Base.__init__(self, ...): the base's own code; its slots are the base's
            return callee.expr.name in self.owner.mro_names
        return False


def _walk(root: Node) -> Iterator[Node]:
    """Every node under ``root`` (nested functions and classes included)."""
    stack: List[Node] = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(_children(node))


def _children(node: Node) -> List[Node]:
    """The direct sub-nodes of ``node``; an unknown kind of node cannot be proven."""
    parts: List[Optional[Node]] = []
    if isinstance(node, _LEAVES):
        return []
    if isinstance(node, Block):
        parts.extend(node.body)
    elif isinstance(node, (FuncDef, LambdaExpr)):
        parts.extend(arg.initializer for arg in node.arguments)
        parts.append(node.body)
    elif isinstance(node, Decorator):
        parts.extend(node.original_decorators or node.decorators)
        parts.append(node.func)
    elif isinstance(node, OverloadedFuncDef):
        parts.extend(node.items)
        parts.append(node.impl)
    elif isinstance(node, ClassDef):
        parts.extend(node.base_type_exprs)
        parts.extend(node.decorators)
        parts.extend(node.keywords.values())
        parts.append(node.defs)
    elif isinstance(node, ExpressionStmt):
        parts.append(node.expr)
    elif isinstance(node, AssignmentStmt):
        parts.extend(node.lvalues)
        parts.append(node.rvalue)
    elif isinstance(node, OperatorAssignmentStmt):
        parts.extend((node.lvalue, node.rvalue))
    elif isinstance(node, WhileStmt):
        parts.extend((node.expr, node.body, node.else_body))
    elif isinstance(node, ForStmt):
        parts.extend((node.index, node.expr, node.body, node.else_body))
    elif isinstance(node, (ReturnStmt, DelStmt)):
        parts.append(node.expr)
    elif isinstance(node, AssertStmt):
        parts.extend((node.expr, node.msg))
    elif isinstance(node, IfStmt):
        parts.extend(node.expr)
        parts.extend(node.body)
        parts.append(node.else_body)
    elif isinstance(node, RaiseStmt):
        parts.extend((node.expr, node.from_expr))
    elif isinstance(node, TryStmt):
        parts.append(node.body)
        parts.extend(node.types)
        parts.extend(node.vars)
        parts.extend(node.handlers)
        parts.extend((node.else_body, node.finally_body))
    elif isinstance(node, WithStmt):
        parts.extend(node.expr)
        parts.extend(node.target)
        parts.append(node.body)
    elif isinstance(node, MatchStmt):
        # patterns only bind local names; their values are read, not stored
        parts.append(node.subject)
        parts.extend(node.guards)
        parts.extend(node.bodies)
    else:
        parts.extend(_expression_children(node))
    return [part for part in parts if part is not None]


def _expression_children(node: Node) -> List[Optional[Node]]:
    if isinstance(node, MemberExpr):
        return [node.expr]
    if isinstance(node, SuperExpr):
        return [node.call]
    if isinstance(node, CallExpr):
        return [node.callee, *node.args]
    if isinstance(node, OpExpr):
        return [node.left, node.right]
    if isinstance(node, ComparisonExpr):
        return list(node.operands)
    if isinstance(node, (UnaryExpr, StarExpr, CastExpr, AssertTypeExpr, AwaitExpr)):
        return [node.expr]
    if isinstance(node, (YieldExpr, YieldFromExpr, TypeApplication)):
        return [node.expr]
    if isinstance(node, RevealExpr):
        return [node.expr]
    if isinstance(node, IndexExpr):
        return [node.base, node.index]
    if isinstance(node, SliceExpr):
        return [node.begin_index, node.end_index, node.stride]
    if isinstance(node, (TupleExpr, ListExpr, SetExpr)):
        return list(node.items)
    if isinstance(node, DictExpr):
        return [part for pair in node.items for part in pair]
    if isinstance(node, ConditionalExpr):
        return [node.cond, node.if_expr, node.else_expr]
    if isinstance(node, (ListComprehension, SetComprehension)):
        return [node.generator]
    if isinstance(node, GeneratorExpr):
        return [node.left_expr, *_comprehension_parts(node)]
    if isinstance(node, DictionaryComprehension):
        return [node.key, node.value, *_comprehension_parts(node)]
    if isinstance(node, AssignmentExpr):
        return [node.target, node.value]
    raise _CannotProve  # a kind of node this reader does not know


def _comprehension_parts(node: GeneratorExpr | DictionaryComprehension) -> List[Node]:
    parts: List[Node] = [*node.indices, *node.sequences]
    for conditions in node.condlists:
        parts.extend(conditions)
    return parts


def _store_targets(node: Node) -> List[Expression]:
    """The expressions ``node`` stores into (or deletes)."""
    if isinstance(node, AssignmentStmt):
        return list(node.lvalues)
    if isinstance(node, OperatorAssignmentStmt):
        return [node.lvalue]
    if isinstance(node, DelStmt):
        return [node.expr]
    if isinstance(node, ForStmt):
        return [node.index]
    if isinstance(node, WithStmt):
        return [target for target in node.target if target is not None]
    if isinstance(node, (GeneratorExpr, DictionaryComprehension)):
        return list(node.indices)
    return []


def _bindings(func: Node) -> Iterable[Tuple[List[str], Optional[Expression]]]:
    """(local names bound, the value they get) for every binding under ``func``."""
    result: List[Tuple[List[str], Optional[Expression]]] = []
    for node in _walk(func):
        if isinstance(node, AssignmentStmt):
            for lvalue in node.lvalues:
                result.append((_bound_names(lvalue), node.rvalue))
        elif isinstance(node, OperatorAssignmentStmt):
            result.append((_bound_names(node.lvalue), None))
        elif isinstance(node, AssignmentExpr):
            result.append(([node.target.name], node.value))
        elif isinstance(node, ForStmt):
            result.append((_bound_names(node.index), node.expr))
        elif isinstance(node, WithStmt):
            for value, target in zip(node.expr, node.target):
                if target is not None:
                    result.append((_bound_names(target), value))
        elif isinstance(node, (GeneratorExpr, DictionaryComprehension)):
            for index, sequence in zip(node.indices, node.sequences):
                result.append((_bound_names(index), sequence))
    return result


def _bound_names(target: Expression) -> List[str]:
    if isinstance(target, NameExpr):
        return [target.name]
    if isinstance(target, (TupleExpr, ListExpr)):
        return [name for item in target.items for name in _bound_names(item)]
    if isinstance(target, StarExpr):
        return _bound_names(target.expr)
    return []


__all__ = ["AutoSlotsPlugin", "plugin"]
