"""The AST inference engine: reads a function's source instead of its bytecode.

It is the fallback for functions whose bytecode the bytecode engine does not understand
(a newer CPython) and a cross-check of that engine.  It finds the function's node in the
parsed source file, resolves every name with Python's scoping rules (function, class and
comprehension scopes, ``global``/``nonlocal``, class scopes not enclosing their methods)
and reports the same facts as the bytecode engine: writes, reads, escapes and reasons,
and the attribute names stored on other objects that are not classes (``other_writes``,
from all code nested in the function, whether or not it sees the instance).

Names are compared as the compiler stores them: identifiers inside a class are mangled
(``__x`` in ``class C`` is ``_C__x``), so that attribute names agree with the bytecode.
The class used for mangling is the innermost class that lexically encloses the code,
which is what the compiler uses; it equals the class named by the qualname in every
ordinary case.

The alias analysis is flow-insensitive: a variable that is ever assigned the instance is
treated as the instance everywhere.  That can only over-approximate the writes.
"""

from __future__ import annotations

import ast
import builtins
import dis
import inspect
import linecache
import sys
import types
import warnings
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
    Union,
    cast,
)

from ._model import CalleeRef, CodeFacts, EngineUnsupported, Escape, Reason, Site

__all__ = ["scan"]

_FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]
_FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_DEF_NODES = (ast.FunctionDef, ast.AsyncFunctionDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_COMPREHENSION_NAMES = {
    ast.ListComp: "<listcomp>",
    ast.SetComp: "<setcomp>",
    ast.DictComp: "<dictcomp>",
    ast.GeneratorExp: "<genexpr>",
}
# Since 3.12 list, set and dict comprehensions are inlined into the enclosing code
# (PEP 709); generator expressions still get their own code object.
_INLINED_COMPREHENSIONS = sys.version_info >= (3, 12)

_MISSING: Any = object()

# Every node class of Python 3.9-3.13's syntax trees.  A function that contains any
# other node (syntax of a newer Python) is not read: the engine never guesses.
_KNOWN_NODES = frozenset(
    """
    Add And AnnAssign Assert Assign AsyncFor AsyncFunctionDef AsyncWith Attribute AugAssign
    AugLoad AugStore Await BinOp BitAnd BitOr BitXor BoolOp Break Bytes Call ClassDef Compare
    Constant Continue Del Delete Dict DictComp Div Ellipsis Eq ExceptHandler Expr Expression
    ExtSlice FloorDiv For FormattedValue FunctionDef FunctionType GeneratorExp Global Gt GtE If
    IfExp Import ImportFrom In Index Interactive Invert Is IsNot JoinedStr LShift Lambda List
    ListComp Load Lt LtE MatMult Match MatchAs MatchClass MatchMapping MatchOr MatchSequence
    MatchSingleton MatchStar MatchValue Mod Module Mult Name NameConstant NamedExpr Nonlocal
    Not NotEq NotIn Num Or Param ParamSpec Pass Pow RShift Raise Return Set SetComp Slice
    Starred Store Str Sub Subscript Suite Try TryStar Tuple TypeAlias TypeIgnore TypeVar
    TypeVarTuple UAdd USub UnaryOp While With Yield YieldFrom alias arg arguments comprehension
    keyword match_case withitem
    """.split()
)


def _mangle(name: str, private: Optional[str]) -> str:
    """The name the compiler stores for ``name`` inside class ``private``."""
    if private is None or not name.startswith("__") or name.endswith("__") or "." in name:
        return name
    stripped = private.lstrip("_")
    if not stripped:
        return name
    return f"_{stripped}{name}"


# -- scopes -------------------------------------------------------------------------


class _Scope:
    """One scope of the module: module, class, function (def or lambda) or comprehension."""

    def __init__(
        self, kind: str, node: Optional[ast.AST], parent: Optional[_Scope], private: Optional[str]
    ) -> None:
        self.kind = kind
        self.node = node
        self.parent = parent
        self.private = private
        self.bound: Set[str] = set()
        self.global_decl: Set[str] = set()
        self.nonlocal_decl: Set[str] = set()
        self.params: List[str] = []
        # name -> the nodes that bind it: a def or lambda node, or None for anything else
        self.binders: Dict[str, List[Optional[ast.AST]]] = {}
        self.cells: Set[str] = set()

    def bind(self, name: str, binder: Optional[ast.AST] = None) -> None:
        self.bound.add(name)
        self.binders.setdefault(name, []).append(binder)


_Binding = Tuple[_Scope, str]


class _Module:
    """A parsed source file with its scopes, built once per file."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.module_scope = _Scope("module", tree, None, None)
        self.scope_of: Dict[int, _Scope] = {}
        self.by_key: Dict[Tuple[str, int], List[_FunctionNode]] = {}
        self._uses: Set[Tuple[int, str]] = set()
        self._scopes: Dict[int, _Scope] = {}
        _ScopeBuilder(self).build()
        self._mark_cells()

    def resolve(self, scope: _Scope, name: str) -> Tuple[str, _Scope]:
        """Where ``name`` used in ``scope`` is bound: (kind, defining scope).

        kind is "local", "free" (a variable of an enclosing function), "class" (a name
        of the class body itself) or "global" (module global or builtin).
        """
        if name in scope.global_decl or scope.kind == "module":
            return "global", self.module_scope
        if name not in scope.nonlocal_decl and name in scope.bound:
            return ("class" if scope.kind == "class" else "local"), scope
        outer = scope.parent
        while outer is not None and outer.kind != "module":
            if outer.kind != "class":
                if name in outer.global_decl:
                    return "global", self.module_scope
                if name in outer.bound and name not in outer.nonlocal_decl:
                    return "free", outer
            outer = outer.parent
        return "global", self.module_scope

    def _mark_cells(self) -> None:
        for scope_id, name in self._uses:
            kind, where = self.resolve(self._scopes[scope_id], name)
            if kind == "free":
                where.cells.add(name)
        # ``nonlocal x; x = ...`` binds the outer variable: record that binder there.
        for scope in self._scopes.values():
            for name in scope.nonlocal_decl & scope.bound:
                kind, where = self.resolve(scope, name)
                if kind == "free":
                    where.binders.setdefault(name, []).append(None)

    def note_use(self, scope: _Scope, name: str) -> None:
        self._scopes[id(scope)] = scope
        self._uses.add((id(scope), name))

    def register(self, scope: _Scope) -> None:
        self._scopes[id(scope)] = scope


def _first_line(node: _FunctionNode) -> int:
    """The line the compiler gives the code object (the first decorator's, if any)."""
    if isinstance(node, _DEF_NODES) and node.decorator_list:
        return min(decorator.lineno for decorator in node.decorator_list)
    return node.lineno


def _code_name(node: _FunctionNode) -> str:
    return "<lambda>" if isinstance(node, ast.Lambda) else node.name


def _parameter_names(args: ast.arguments) -> List[str]:
    """Parameter names in the order of ``co_varnames``."""
    names = [a.arg for a in args.posonlyargs] + [a.arg for a in args.args]
    names += [a.arg for a in args.kwonlyargs]
    if args.vararg is not None:
        names.append(args.vararg.arg)
    if args.kwarg is not None:
        names.append(args.kwarg.arg)
    return names


class _ScopeBuilder:
    """Collects every scope's bindings and declarations (the compiler's symbol table)."""

    def __init__(self, module: _Module) -> None:
        self.module = module

    def build(self) -> None:
        self.module.register(self.module.module_scope)
        stack: List[Tuple[ast.AST, _Scope]] = [
            (stmt, self.module.module_scope) for stmt in reversed(self.module.tree.body)
        ]
        while stack:
            node, scope = stack.pop()
            children = list(self._visit(node, scope))
            stack.extend(reversed(children))

    def _new_scope(
        self, kind: str, node: ast.AST, parent: _Scope, private: Optional[str]
    ) -> _Scope:
        scope = _Scope(kind, node, parent, private)
        self.module.scope_of[id(node)] = scope
        self.module.register(scope)
        return scope

    def _visit(self, node: ast.AST, scope: _Scope) -> Iterator[Tuple[ast.AST, _Scope]]:
        private = scope.private
        if isinstance(node, _DEF_NODES):
            scope.bind(_mangle(node.name, private), node)
            yield from self._function(node, scope)
        elif isinstance(node, ast.Lambda):
            yield from self._function(node, scope)
        elif isinstance(node, ast.ClassDef):
            scope.bind(_mangle(node.name, private), None)
            for expr in [*node.decorator_list, *node.bases, *node.keywords]:
                yield expr, scope
            inner = self._new_scope("class", node, scope, node.name)
            for stmt in node.body:
                yield stmt, inner
        elif isinstance(node, _COMPREHENSIONS):
            yield from self._comprehension(node, scope)
        elif isinstance(node, ast.Name):
            name = _mangle(node.id, private)
            if not isinstance(node.ctx, ast.Load):
                scope.bind(name)
            self.module.note_use(scope, name)
        elif isinstance(node, ast.NamedExpr):
            target_scope = scope
            while target_scope.kind == "comprehension" and target_scope.parent is not None:
                target_scope = target_scope.parent
            name = _mangle(node.target.id, private)  # (the grammar allows only a name)
            target_scope.bind(name)
            self.module.note_use(scope, name)
            yield node.value, scope
        elif isinstance(node, ast.Assign) and self._binds_lambda(node):
            target = node.targets[0]
            assert isinstance(target, ast.Name)
            scope.bind(_mangle(target.id, private), node.value)
            yield node.value, scope
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            declared = scope.global_decl if isinstance(node, ast.Global) else scope.nonlocal_decl
            declared.update(_mangle(name, private) for name in node.names)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name != "*":
                    bound = alias.asname or alias.name.split(".")[0]
                    scope.bind(_mangle(bound, private))
        elif isinstance(node, ast.ExceptHandler):
            if node.name:
                scope.bind(_mangle(node.name, private))
            yield from ((child, scope) for child in ast.iter_child_nodes(node))
        else:
            # match patterns (3.10+): MatchAs, MatchStar and MatchMapping capture names
            for attr in ("name", "rest"):
                captured = getattr(node, attr, None)
                if type(node).__name__.startswith("Match") and isinstance(captured, str):
                    scope.bind(_mangle(captured, private))
            yield from ((child, scope) for child in ast.iter_child_nodes(node))

    @staticmethod
    def _binds_lambda(node: ast.Assign) -> bool:
        return (
            len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Lambda)
        )

    def _function(self, node: _FunctionNode, scope: _Scope) -> Iterator[Tuple[ast.AST, _Scope]]:
        if isinstance(node, _DEF_NODES):
            for decorator in node.decorator_list:
                yield decorator, scope
        for default in [*node.args.defaults, *node.args.kw_defaults]:
            if default is not None:
                yield default, scope
        key = (_code_name(node), _first_line(node))
        self.module.by_key.setdefault(key, []).append(node)
        inner = self._new_scope("function", node, scope, scope.private)
        for param in _parameter_names(node.args):
            name = _mangle(param, scope.private)
            inner.params.append(name)
            inner.bind(name)
        body: List[ast.AST] = list(node.body) if isinstance(node, _DEF_NODES) else [node.body]
        for stmt in body:
            yield stmt, inner

    def _comprehension(self, node: ast.AST, scope: _Scope) -> Iterator[Tuple[ast.AST, _Scope]]:
        generators: List[ast.comprehension] = getattr(node, "generators", [])
        inner = self._new_scope("comprehension", node, scope, scope.private)
        for index, generator in enumerate(generators):
            yield generator.iter, (scope if index == 0 else inner)
            yield generator.target, inner
            for condition in generator.ifs:
                yield condition, inner
        for attr in ("elt", "key", "value"):
            part = getattr(node, attr, None)
            if isinstance(part, ast.AST):
                yield part, inner


# -- source files ---------------------------------------------------------------------

# Parsed files, most recently used last; a few dozen files cover any class hierarchy.
_CACHE: Dict[str, Tuple[List[str], Union[_Module, str]]] = {}
_CACHE_SIZE = 64


def _load_module(code: types.CodeType, globals_: Mapping[str, object]) -> Union[_Module, str]:
    """The analysed source file of ``code``, parsed once per file, or why there is none."""
    filename = code.co_filename
    module_globals = globals_ if isinstance(globals_, dict) else None
    lines = linecache.getlines(filename, module_globals)
    if not lines:
        try:
            source_file = inspect.getsourcefile(code)
        except TypeError:
            source_file = None
        if source_file is None and filename.startswith("<frozen "):
            # A frozen standard module (3.11+) names its file in its globals.
            module_file = globals_.get("__file__")
            source_file = module_file if isinstance(module_file, str) else None
        if source_file and source_file != filename:
            filename = source_file
            lines = linecache.getlines(filename, module_globals)
    if not lines:
        return "no source code is available for it"
    cached = _CACHE.get(filename)
    if cached is not None and (cached[0] is lines or cached[0] == lines):
        _CACHE[filename] = _CACHE.pop(filename)
        return cached[1]
    module: Union[_Module, str]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes and the like: not ours to report
            tree = ast.parse("".join(lines), filename)
        module = _Module(tree)
    except (SyntaxError, ValueError, RecursionError) as exc:
        module = f"its source file cannot be parsed ({type(exc).__name__}: {exc})"
    _CACHE.pop(filename, None)
    _CACHE[filename] = (lines, module)
    while len(_CACHE) > _CACHE_SIZE:
        del _CACHE[next(iter(_CACHE))]
    return module


def _code_lines(code: types.CodeType) -> Set[int]:
    # (3.13 gives None for code that has no line)
    found = cast("Iterable[Tuple[int, Optional[int]]]", dis.findlinestarts(code))
    return {line for _, line in found if line is not None}


def _all_codes(code: types.CodeType) -> Iterator[types.CodeType]:
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield const
            yield from _all_codes(const)


def _arg_count(code: types.CodeType) -> int:
    count = code.co_argcount + code.co_kwonlyargcount
    count += bool(code.co_flags & inspect.CO_VARARGS)
    count += bool(code.co_flags & inspect.CO_VARKEYWORDS)
    return count


def _plausible(node: _FunctionNode, scope: _Scope, code: types.CodeType) -> bool:
    """The node has the code object's parameters and holds all of its lines."""
    if list(code.co_varnames[: _arg_count(code)]) != scope.params:
        return False
    end = getattr(node, "end_lineno", None) or node.lineno
    return all(_first_line(node) <= line <= end for line in _code_lines(code))


def _within(node: _FunctionNode, code: types.CodeType) -> bool:
    """Every source position of ``code`` (3.11+) lies inside ``node``."""
    positions = getattr(code, "co_positions", None)
    if positions is None:
        return True
    start = (node.lineno, node.col_offset)
    end = (getattr(node, "end_lineno", None) or node.lineno, getattr(node, "end_col_offset", 0))
    for line, end_line, col, end_col in positions():
        if line is None or end_line is None or col is None or end_col is None:
            continue
        if (line, col) == (end_line, end_col):
            continue
        if (line, col) < start or (end_line, end_col) > end:
            return False
    return True


def _nested_code_names(node: _FunctionNode, module: _Module) -> List[str]:
    """The names of the code objects that ``node``'s own code creates, sorted."""
    names: List[str] = []
    stack: List[ast.AST] = list(node.body) if isinstance(node, _DEF_NODES) else [node.body]
    while stack:
        child = stack.pop()
        if isinstance(child, _FUNCTION_NODES) or isinstance(child, ast.ClassDef):
            names.append(_code_name(child) if not isinstance(child, ast.ClassDef) else child.name)
            if isinstance(child, ast.ClassDef):
                stack.extend([*child.decorator_list, *child.bases, *child.keywords])
            else:
                if isinstance(child, _DEF_NODES):
                    stack.extend(child.decorator_list)
                stack.extend(d for d in [*child.args.defaults, *child.args.kw_defaults] if d)
            continue
        if isinstance(child, _COMPREHENSIONS):
            inlined = _INLINED_COMPREHENSIONS and not isinstance(child, ast.GeneratorExp)
            if not inlined:
                names.append(_COMPREHENSION_NAMES[type(child)])
                stack.append(child.generators[0].iter)
                continue
        stack.extend(ast.iter_child_nodes(child))
    return sorted(names)


def _pick(
    candidates: List[_FunctionNode], module: _Module, code: types.CodeType
) -> Tuple[List[_FunctionNode], List[_FunctionNode]]:
    """(plausible candidates, the ones left after narrowing by finer evidence).

    Several lambdas can start on one line.  They are told apart by the column positions
    of the code (3.11+), the code objects nested in them, and the names and strings
    their own code uses.  The finer checks only narrow a choice: constant folding may
    hide a string, which then leaves the choice ambiguous, never wrong.
    """
    plausible = [n for n in candidates if _plausible(n, module.scope_of[id(n)], code)]
    narrowed = plausible
    nested = sorted(c.co_name for c in code.co_consts if isinstance(c, types.CodeType))
    strings = {c for c in code.co_consts if isinstance(c, str)}
    checks: List[Callable[[_FunctionNode], bool]] = [
        lambda n: _within(n, code),
        lambda n: _nested_code_names(n, module) == nested,
        lambda n: _own_names(n, module)[0] <= set(code.co_names),
        lambda n: _own_names(n, module)[1] <= strings,
    ]
    for check in checks:
        if len(narrowed) <= 1:
            break
        narrowed = [n for n in narrowed if check(n)]
    return plausible, narrowed


def _own_names(node: _FunctionNode, module: _Module) -> Tuple[Set[str], Set[str]]:
    """Attribute and global names, and strings, used by ``node``'s own code.

    Code nested in ``node`` (other than inlined comprehensions) has its own code object
    and is left out.
    """
    scope = module.scope_of[id(node)]
    names: Set[str] = set()
    strings: Set[str] = set()
    for child, where in _walk_scope(node, module):
        own = where is scope or (
            _INLINED_COMPREHENSIONS
            and where.kind == "comprehension"
            and not isinstance(where.node, ast.GeneratorExp)
            and where.parent is scope
        )
        if not own:
            continue
        if isinstance(child, ast.Attribute):
            names.add(_mangle(child.attr, scope.private))
        elif isinstance(child, ast.Name):
            name = _mangle(child.id, scope.private)
            if module.resolve(where, name)[0] == "global":
                names.add(name)
        elif isinstance(child, ast.Constant) and isinstance(child.value, str):
            strings.add(child.value)
    return names, strings


def _find_node(module: _Module, code: types.CodeType) -> Union[_FunctionNode, str]:
    """The function node of ``code``, or a sentence saying why it cannot be found."""
    candidates = module.by_key.get((code.co_name, code.co_firstlineno), [])
    if not candidates:
        return "the source does not contain this function (was the file changed?)"
    plausible, narrowed = _pick(candidates, module, code)
    if not plausible:
        return "the source does not match the function's code (was the file changed?)"
    if len(narrowed) != 1:
        return "several functions on the same source line could be this one"
    return narrowed[0]


def _code_for(
    node: _FunctionNode, module: _Module, root: types.CodeType
) -> Optional[types.CodeType]:
    """The code object made from ``node`` inside ``root``, if it can be found uniquely."""
    key = (_code_name(node), _first_line(node))
    codes = [c for c in _all_codes(root) if (c.co_name, c.co_firstlineno) == key]
    if len(codes) == 1:
        return codes[0]
    siblings = module.by_key.get(key, [])
    found = [c for c in codes if _pick(siblings, module, c)[1] == [node]]
    return found[0] if len(found) == 1 else None


# -- walking one function --------------------------------------------------------------


def _walk_scope(root: _FunctionNode, module: _Module) -> Iterator[Tuple[ast.AST, _Scope]]:
    """Every node of ``root``'s code and the code nested in it, with its scope.

    The decorators and defaults of ``root`` belong to the enclosing code and are not
    visited; annotations are skipped (they never write attributes).
    """
    root_scope = module.scope_of[id(root)]
    body: List[ast.AST] = list(root.body) if isinstance(root, _DEF_NODES) else [root.body]
    stack: List[Tuple[ast.AST, _Scope]] = [(stmt, root_scope) for stmt in reversed(body)]
    while stack:
        node, scope = stack.pop()
        yield node, scope
        stack.extend(reversed(list(_children(node, scope, module))))


def _children(node: ast.AST, scope: _Scope, module: _Module) -> Iterator[Tuple[ast.AST, _Scope]]:
    if isinstance(node, _FUNCTION_NODES):
        inner = module.scope_of[id(node)]
        if isinstance(node, _DEF_NODES):
            for decorator in node.decorator_list:
                yield decorator, scope
        for default in [*node.args.defaults, *node.args.kw_defaults]:
            if default is not None:
                yield default, scope
        if isinstance(node, ast.Lambda):
            yield node.body, inner
        else:
            for stmt in node.body:
                yield stmt, inner
    elif isinstance(node, ast.ClassDef):
        inner = module.scope_of[id(node)]
        for expr in [*node.decorator_list, *node.bases, *node.keywords]:
            yield expr, scope
        for stmt in node.body:
            yield stmt, inner
    elif isinstance(node, _COMPREHENSIONS):
        inner = module.scope_of[id(node)]
        generators: List[ast.comprehension] = node.generators
        for index, generator in enumerate(generators):
            yield generator.iter, (scope if index == 0 else inner)
            yield generator.target, inner
            for condition in generator.ifs:
                yield condition, inner
        for attr in ("elt", "key", "value"):
            part = getattr(node, attr, None)
            if isinstance(part, ast.AST):
                yield part, inner
    elif isinstance(node, ast.AnnAssign):
        yield node.target, scope
        if node.value is not None:
            yield node.value, scope
    elif isinstance(node, ast.arg):
        return
    elif isinstance(node, (ast.If, ast.While)) and _constant_truth(node.test) is not None:
        # The compiler drops a branch whose test is a constant (``if False:``,
        # ``while 0:``, ``if not __debug__:``): it never runs, so it writes nothing.
        truth = _constant_truth(node.test)
        yield node.test, scope
        kept = node.body if truth else node.orelse
        if truth and isinstance(node, ast.While):
            kept = [*node.body, *node.orelse]
        for stmt in kept:
            yield stmt, scope
    else:
        for child in ast.iter_child_nodes(node):
            yield child, scope


def _constant_truth(test: ast.expr) -> Optional[bool]:
    """The truth of a test the compiler folds to a constant, or None."""
    if isinstance(test, ast.Constant):
        return bool(test.value)
    if isinstance(test, ast.Name) and test.id == "__debug__":
        return __debug__
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _constant_truth(test.operand)
        return None if inner is None else not inner
    return None


_Flow = Tuple[List[_Binding], ast.expr, _Scope]


class _Scanner:
    """Reads one function (and the code nested in it) for what it does to the instance."""

    def __init__(
        self,
        module: _Module,
        root: _FunctionNode,
        code: types.CodeType,
        *,
        tracked: FrozenSet[str],
        factory: Optional[str],
        globals_: Mapping[str, object],
        qualname: str,
        closure: Optional[Tuple[Any, ...]] = None,
    ) -> None:
        self.module = module
        self.root = root
        self.root_scope = module.scope_of[id(root)]
        self.code = code
        self.globals_ = globals_
        self.closure = closure
        self.qualname = qualname
        self.class_names = _class_names(qualname)
        self.filename = code.co_filename
        self.facts = CodeFacts()
        self.tracked: Set[_Binding] = {self._binding(self.root_scope, n) for n in tracked}
        self.factories: Set[_Binding] = set()
        if factory is not None:
            self.factories.add(self._binding(self.root_scope, factory))
        self.nodes = list(_walk_scope(root, module))
        self._qualnames: Dict[int, str] = {id(self.root_scope): qualname}
        self._skip_writes: Set[int] = set()
        self._containers: Dict[_Binding, List[Tuple[ast.expr, _Scope]]] = {}
        # plain ``name = value`` assignments, and bindings that store nothing (``x: int``)
        self._assigned: Dict[_Binding, List[Tuple[ast.expr, _Scope]]] = {}
        self._declared: Dict[_Binding, int] = {}
        self._collect_assignments()

    # -- names --------------------------------------------------------------------

    def _binding(self, scope: _Scope, name: str) -> _Binding:
        _, where = self.module.resolve(scope, name)
        return where, name

    def _name_binding(self, node: ast.Name, scope: _Scope) -> _Binding:
        return self._binding(scope, _mangle(node.id, scope.private))

    def _site(self, node: ast.AST, scope: _Scope) -> Site:
        return Site(self._qualname(scope), self.filename, getattr(node, "lineno", 0))

    def _qualname(self, scope: _Scope) -> str:
        known = self._qualnames.get(id(scope))
        if known is not None:
            return known
        parent = scope.parent
        assert parent is not None
        outer = self._qualname(parent)
        node = scope.node
        if (
            isinstance(node, _COMPREHENSIONS)
            and _INLINED_COMPREHENSIONS
            and not isinstance(node, ast.GeneratorExp)
        ):
            name = outer
        else:
            if isinstance(node, _COMPREHENSIONS):
                own = _COMPREHENSION_NAMES[type(node)]
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                own = node.name
            else:
                own = "<lambda>"
            separator = "." if parent.kind == "class" else ".<locals>."
            name = outer + separator + own
        self._qualnames[id(scope)] = name
        return name

    # -- what is the instance -------------------------------------------------------

    def _is_instance(self, expr: ast.AST, scope: _Scope) -> bool:
        if isinstance(expr, ast.Name):
            return self._name_binding(expr, scope) in self.tracked
        if isinstance(expr, ast.NamedExpr):
            return self._is_instance(expr.value, scope)
        if isinstance(expr, ast.IfExp):
            return self._is_instance(expr.body, scope) or self._is_instance(expr.orelse, scope)
        if isinstance(expr, ast.BoolOp):
            return any(self._is_instance(value, scope) for value in expr.values)
        if isinstance(expr, ast.Call):
            return self._is_product(expr, scope)
        return False

    def _is_factory(self, expr: ast.AST, scope: _Scope) -> bool:
        """A class whose instances are instances too: the factory parameter (or an alias),
        ``type(self)`` or ``self.__class__``."""
        if isinstance(expr, ast.Name):
            return self._name_binding(expr, scope) in self.factories
        if isinstance(expr, ast.NamedExpr):
            return self._is_factory(expr.value, scope)
        if isinstance(expr, ast.IfExp):
            # ``a if c else type(self)`` / ``self.Factory or self.__class__``: may be it.
            return self._is_factory(expr.body, scope) or self._is_factory(expr.orelse, scope)
        if isinstance(expr, ast.BoolOp):
            return any(self._is_factory(value, scope) for value in expr.values)
        if isinstance(expr, ast.Attribute):
            return expr.attr == "__class__" and self._is_instance(expr.value, scope)
        if isinstance(expr, ast.Call) and len(expr.args) == 1 and not expr.keywords:
            only = expr.args[0]
            return (
                not isinstance(only, ast.Starred)
                and self._is_instance(only, scope)
                and self._value(expr.func, scope) is type
            )
        return False

    def _is_product(self, call: ast.Call, scope: _Scope) -> bool:
        """``cls(...)``, ``cls.__new__(cls)``, ``super().__new__(cls)``, ``object.__new__(cls)``."""
        func = call.func
        if self._is_factory(func, scope):
            return True
        if not (isinstance(func, ast.Attribute) and func.attr == "__new__" and call.args):
            return False
        if not self._is_factory(call.args[0], scope):
            return False
        base = func.value
        if self._is_factory(base, scope):
            return True
        if isinstance(base, ast.Call) and self._value(base.func, scope) is super:
            return True
        return self._value(base, scope) is object

    def _carries(self, expr: ast.AST, scope: _Scope) -> bool:
        """``expr`` is the instance or a value built around it (``(self, x)``, ``[self]``...).

        Used for what ``*``/``**`` unpack in a call: the instance inside them is passed
        at a place that cannot be known.
        """
        if self._is_instance(expr, scope):
            return True
        parts: List[ast.AST]
        if isinstance(expr, (ast.Tuple, ast.List, ast.Set)):
            parts = list(expr.elts)
        elif isinstance(expr, (ast.Starred, ast.NamedExpr)):
            parts = [expr.value]
        elif isinstance(expr, ast.Dict):
            parts = list(expr.values)
        elif isinstance(expr, ast.BinOp):
            parts = [expr.left, expr.right]
        elif isinstance(expr, ast.IfExp):
            parts = [expr.body, expr.orelse]
        elif isinstance(expr, ast.BoolOp):
            parts = list(expr.values)
        elif isinstance(expr, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            parts = [expr.elt]
            scope = self.module.scope_of[id(expr)]
        elif isinstance(expr, ast.DictComp):
            parts = [expr.value]
            scope = self.module.scope_of[id(expr)]
        else:
            return False
        return any(self._carries(part, scope) for part in parts)

    # -- aliases --------------------------------------------------------------------

    def _collect_containers(self) -> None:
        """Local variables assigned a tuple, list or set display: ``items = [self, x]``."""
        for node, scope in self.nodes:
            targets: List[ast.expr] = []
            value: Optional[ast.expr] = None
            if isinstance(node, ast.Assign):
                targets, value = list(node.targets), node.value
            elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
                targets, value = [node.target], node.value
            if not isinstance(value, (ast.Tuple, ast.List, ast.Set)):
                continue
            for target in targets:
                if isinstance(target, ast.Name):
                    binding = self._name_binding(target, scope)
                    self._containers.setdefault(binding, []).append((value, scope))

    def _displays(self, expr: ast.expr, scope: _Scope) -> List[Tuple[ast.expr, _Scope]]:
        """The displays ``expr`` may be: itself, or what a local container was assigned."""
        if isinstance(expr, (ast.Tuple, ast.List, ast.Set)):
            return [(expr, scope)]
        if isinstance(expr, ast.Name):
            return self._containers.get(self._name_binding(expr, scope), [])
        return []

    def _collect_flows(self) -> List[_Flow]:
        self._collect_containers()
        flows: List[_Flow] = []
        for node, scope in self.nodes:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    self._flow(flows, target, scope, node.value, scope)
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                self._flow(flows, node.target, scope, node.value, scope)
            elif isinstance(node, ast.NamedExpr):
                self._flow(flows, node.target, scope, node.value, scope)
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                self._iteration_flow(flows, node.target, scope, node.iter, scope)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                # ``with self as s``: __enter__ usually returns the instance itself.
                for item in node.items:
                    if item.optional_vars is not None:
                        self._flow(flows, item.optional_vars, scope, item.context_expr, scope)
            elif isinstance(node, _COMPREHENSIONS):
                inner = self.module.scope_of[id(node)]
                for index, gen in enumerate(node.generators):
                    where = scope if index == 0 else inner
                    self._iteration_flow(flows, gen.target, inner, gen.iter, where)
            elif type(node).__name__ == "Match":
                self._match_flows(flows, node, scope)
            if isinstance(node, _FUNCTION_NODES):
                self._default_flows(flows, node, scope)
        return flows

    def _match_flows(self, flows: List[_Flow], node: ast.AST, scope: _Scope) -> None:
        """``match self: case C() as s``: a capture of the whole subject is the subject."""
        subject = getattr(node, "subject", None)
        if not isinstance(subject, ast.expr):
            return
        for case in getattr(node, "cases", []):
            names = [
                self._binding(scope, _mangle(name, scope.private))
                for name in _subject_captures(getattr(case, "pattern", None))
            ]
            if names:
                flows.append((names, subject, scope))

    def _flow(
        self, flows: List[_Flow], target: ast.AST, tscope: _Scope, value: ast.expr, vscope: _Scope
    ) -> None:
        """Record that the names in ``target`` may receive ``value`` (or its elements)."""
        if isinstance(target, ast.Name):
            flows.append(([self._name_binding(target, tscope)], value, vscope))
            return
        if not isinstance(target, (ast.Tuple, ast.List)):
            return
        if isinstance(value, ast.Name):
            # ``a, b = pair`` where ``pair = (self, x)``
            for display, where in self._displays(value, vscope):
                self._flow(flows, target, tscope, display, where)
            return
        if not isinstance(value, (ast.Tuple, ast.List)):
            return  # unpacking a computed sequence: not followed (as a container)
        targets, values = list(target.elts), list(value.elts)
        # Match leading and trailing elements one to one, as far as no unpacking is in the
        # way; a starred target receives a new list, never the instance itself.
        while targets and values and not _starred(targets[0]) and not _starred(values[0]):
            self._flow(flows, targets.pop(0), tscope, values.pop(0), vscope)
        while targets and values and not _starred(targets[-1]) and not _starred(values[-1]):
            self._flow(flows, targets.pop(), tscope, values.pop(), vscope)
        names = [
            binding
            for sub in targets
            if not isinstance(sub, ast.Starred)
            for binding in self._target_names(sub, tscope)
        ]
        if not names:
            return
        for elt in values:
            inner = _literal_elements(elt.value) if isinstance(elt, ast.Starred) else [elt]
            for part in inner or []:
                flows.append((names, part, vscope))

    def _iteration_flow(
        self,
        flows: List[_Flow],
        target: ast.AST,
        tscope: _Scope,
        iterable: ast.expr,
        vscope: _Scope,
    ) -> None:
        """``for s in (self, other)``: the loop variable may be the instance."""
        for display, where in self._displays(iterable, vscope):
            assert isinstance(display, (ast.Tuple, ast.List, ast.Set))
            for elt in display.elts:
                if isinstance(elt, ast.Starred):
                    for part in _literal_elements(elt.value) or []:
                        self._flow(flows, target, tscope, part, where)
                else:
                    self._flow(flows, target, tscope, elt, where)

    def _target_names(self, target: ast.AST, scope: _Scope) -> List[_Binding]:
        return [
            self._name_binding(node, scope)
            for node in ast.walk(target)
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)
        ]

    def _default_flows(self, flows: List[_Flow], node: _FunctionNode, scope: _Scope) -> None:
        """``def inner(s=self)``: the parameter starts out as the instance."""
        inner = self.module.scope_of[id(node)]
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        pairs = list(zip(positional[len(positional) - len(args.defaults) :], args.defaults))
        pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
        for arg, default in pairs:
            binding = (inner, _mangle(arg.arg, scope.private))
            flows.append(([binding], default, scope))

    def _propagate(self) -> None:
        flows = self._collect_flows()
        changed = True
        while changed:
            changed = False
            for targets, value, scope in flows:
                if all(t in self.tracked for t in targets):
                    continue
                if self._is_instance(value, scope):
                    self.tracked.update(targets)
                    changed = True
                elif self._is_factory(value, scope) and not all(
                    t in self.factories for t in targets
                ):
                    self.factories.update(targets)  # ``klass = cls``
                    changed = True

    # -- facts ----------------------------------------------------------------------

    def run(self) -> CodeFacts:
        self._propagate()
        for node, scope in self.nodes:
            if isinstance(node, ast.AnnAssign) and node.value is None:
                self._skip_writes.add(id(node.target))  # ``self.x: int`` stores nothing
            elif isinstance(node, ast.Attribute):
                self._attribute(node, scope)
            elif isinstance(node, ast.AugAssign):
                target = node.target
                if isinstance(target, ast.Attribute) and self._is_instance(target.value, scope):
                    name = _mangle(target.attr, scope.private)
                    if name != "__dict__":  # the reason is given for the target
                        self.facts.add_read(name, self._site(target, scope))
            elif isinstance(node, ast.Call):
                self._call(node, scope)
            elif isinstance(node, ast.ClassDef):
                self._class_statement(node, scope)
        return self.facts

    def _class_statement(self, node: ast.ClassDef, scope: _Scope) -> None:
        """``class K(Base, owner=self)``: the metaclass and hooks receive the instance."""
        callee = CalleeRef("unknown", text=f"the creation of class {node.name}")
        site = self._site(node, scope)
        for index, base in enumerate(node.bases):
            if self._is_instance(base, scope):
                self.facts.escapes.append(Escape(callee, index + 2, site))
        for keyword in node.keywords:
            if keyword.arg is not None and self._is_instance(keyword.value, scope):
                self.facts.escapes.append(Escape(callee, keyword.arg, site))

    def _attribute(self, node: ast.Attribute, scope: _Scope) -> None:
        if not self._is_instance(node.value, scope):
            if (
                not isinstance(node.ctx, ast.Load)
                and id(node) not in self._skip_writes
                and not self._is_class_object(node.value, scope)
            ):
                name = _mangle(node.attr, scope.private)
                self.facts.add_other_write(name, self._site(node, scope))
            return
        name = _mangle(node.attr, scope.private)
        site = self._site(node, scope)
        if name == "__dict__":
            # Not a slot name: the instance's dictionary itself.
            shown = ast.unparse(node.value)
            what = "use of" if isinstance(node.ctx, ast.Load) else "assignment to"
            if id(node) not in self._skip_writes:
                self.facts.reasons.append(Reason(site, f"{what} {shown}.__dict__"))
            return
        if isinstance(node.ctx, ast.Load):
            self.facts.add_read(name, site)
        elif id(node) not in self._skip_writes:
            self.facts.add_write(name, site)

    def _value(self, expr: ast.AST, scope: _Scope) -> object:
        """The value of a global name or attribute chain of one, or _MISSING."""
        if isinstance(expr, ast.Attribute):
            base = self._value(expr.value, scope)
            if base is _MISSING:
                return _MISSING
            try:
                return inspect.getattr_static(base, _mangle(expr.attr, scope.private), _MISSING)
            except Exception:
                return _MISSING
        if not isinstance(expr, ast.Name):
            return _MISSING
        name = _mangle(expr.id, scope.private)
        if self._is_outer_variable(expr, scope):
            return self._cell_value(name)
        kind, _ = self.module.resolve(scope, name)
        if kind != "global":
            return _MISSING
        if name in self.globals_:
            return self.globals_[name]
        return getattr(builtins, name, _MISSING)

    def _is_outer_variable(self, expr: ast.Name, scope: _Scope) -> bool:
        """A free variable of the scanned function itself (its value is in ``closure``).

        Nested code reaches such a variable through the scanned function.  ``__class__``
        (zero-argument super) is a free variable the source does not bind anywhere.
        """
        name = _mangle(expr.id, scope.private)
        kind, where = self.module.resolve(scope, name)
        if kind == "free":
            return not self._inside_root(where)
        return kind == "global" and name in self.code.co_freevars

    def _cell_value(self, name: str) -> object:
        """The value in the closure cell of the scanned function's free variable ``name``."""
        freevars = self.code.co_freevars
        if self.closure is None or name not in freevars:
            return _MISSING
        index = freevars.index(name)
        if index >= len(self.closure):
            return _MISSING
        try:
            return self.closure[index].cell_contents
        except (ValueError, AttributeError):  # an empty cell: not bound yet
            return _MISSING

    def _collect_assignments(self) -> None:
        """Plain assignments to variables, as the compiler stores them one by one.

        ``a, b = x, y`` (two or three items, no unpacking) stores each value directly;
        a longer or nested display is built and unpacked, which leaves its items unknown.
        ``x: int`` and ``del x`` bind the name without storing a value.
        """
        for node, scope in self.nodes:
            pairs: List[Tuple[ast.expr, Optional[ast.expr]]] = []
            if isinstance(node, ast.Assign):
                pairs = [(target, node.value) for target in node.targets]
                if len(node.targets) == 1:
                    pairs += _swapped_items(node.targets[0], node.value)
            elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)):
                pairs = [(node.target, node.value)]
            elif isinstance(node, ast.Delete):
                pairs = [(target, None) for target in node.targets]
            for target, value in pairs:
                if not isinstance(target, ast.Name):
                    continue
                binding = self._name_binding(target, scope)
                if value is None:
                    self._declared[binding] = self._declared.get(binding, 0) + 1
                else:
                    self._assigned.setdefault(binding, []).append((value, scope))

    def _is_class_variable(self, binding: _Binding, seen: FrozenSet[_Binding]) -> bool:
        """A variable of this code that is only ever assigned class objects.

        Any other binding of it (a parameter, a loop or ``with`` target, unpacking,
        ``del``, an import, ``nonlocal`` stores) leaves it unknown.
        """
        where, name = binding
        if binding in seen or where.kind == "class" or not self._inside_root(where):
            return False
        values = self._assigned.get(binding, [])
        binders = len(where.binders.get(name, []))
        if not values or len(values) + self._declared.get(binding, 0) != binders:
            return False
        seen = seen | {binding}
        return all(self._is_class_object(value, vscope, seen) for value, vscope in values)

    def _is_class_object(
        self, expr: ast.AST, scope: _Scope, seen: FrozenSet[_Binding] = frozenset()
    ) -> bool:
        """``expr`` is a class (or a super object): stores on it are not instance attributes.

        Classes are ``type(x)`` and ``x.__class__`` for any ``x``, ``super(...)``, the
        factory parameter and its aliases, the compiler's ``__class__`` cell, and names
        whose value (global, builtin or closure cell, then attributes of modules and
        classes only) is a class, and variables of this code only ever assigned such
        classes.  A global or free variable without a value that is named like a class of
        the qualname is the class itself, not bound yet while its decorator runs.
        """
        if isinstance(expr, ast.NamedExpr):
            return self._is_class_object(expr.value, scope, seen)
        if self._is_factory(expr, scope):
            return True
        if isinstance(expr, ast.Attribute) and expr.attr == "__class__":
            return True
        if isinstance(expr, ast.Call):
            func = self._value(expr.func, scope)
            if func is super:
                return True
            return (
                func is type
                and len(expr.args) == 1
                and not isinstance(expr.args[0], ast.Starred)
                and not expr.keywords
            )
        if isinstance(expr, ast.Attribute):
            return _is_class(self._class_chain_value(expr, scope))
        if not isinstance(expr, ast.Name):
            return False
        name = _mangle(expr.id, scope.private)
        outer = self._is_outer_variable(expr, scope)
        if outer and name == "__class__":
            return True  # the compiler's class cell: a class, whatever its value
        value = self._value(expr, scope)
        if value is not _MISSING:
            return _is_class(value)
        kind, where = self.module.resolve(scope, name)
        if kind in ("local", "free") and not outer:
            return self._is_class_variable((where, name), seen)
        return (outer or kind == "global") and name in self.class_names

    def _class_chain_value(self, expr: ast.expr, scope: _Scope) -> object:
        """The value of a name and the attributes after it, looked up without running code.

        Only modules' and classes' dictionaries are looked into; anything else is unknown.
        """
        if isinstance(expr, ast.Name):
            return self._value(expr, scope)
        if not isinstance(expr, ast.Attribute):
            return _MISSING
        base = self._class_chain_value(expr.value, scope)
        if base is _MISSING:
            return _MISSING
        return _static_member(base, _mangle(expr.attr, scope.private))

    def _builtin(self, func: ast.AST, scope: _Scope) -> Optional[str]:
        value = self._value(func, scope)
        if value is _MISSING:
            return None
        for known, label in _BUILTINS:
            if value is known:
                return label
        return None

    def _call(self, node: ast.Call, scope: _Scope) -> None:
        """A call: setattr and friends, or the instance passed to other code.

        The builtins recognised by value never receive the instance as other code: they
        are a write, a read or a reason when their first argument is the instance, and
        nothing otherwise (``setattr(other, "x", self)`` stores the instance elsewhere).
        """
        site = self._site(node, scope)
        label = self._builtin(node.func, scope)
        if label is not None:
            args = node.args
            if args and self._is_instance(args[0], scope):
                self._builtin_on_instance(label, args, scope, site)
            elif label in _STORES and len(args) >= 2:
                self._store_on_other(args[0], args[1], scope, site)
            return
        if self._super_store(node, scope, site) or self._own_store(node, scope, site):
            return
        if self._own_method_call(node, scope, site):
            return
        self._escapes(node, scope, site)

    def _own_method_call(self, node: ast.Call, scope: _Scope, site: Site) -> bool:
        """``type(self).m(self, ...)`` / ``cls.m(obj, ...)``: the class's own method.

        The instance is the method's receiver, exactly as in ``self.m(...)``: a read of
        ``m``, and the other arguments are checked as that call's arguments.
        """
        func = node.func
        if not isinstance(func, ast.Attribute) or not self._is_factory(func.value, scope):
            return False
        if not node.args or isinstance(node.args[0], ast.Starred):
            return False
        receiver = node.args[0]
        if not self._is_instance(receiver, scope):
            return False
        name = _mangle(func.attr, scope.private)
        self.facts.add_read(name, site)
        as_method = ast.Call(
            func=ast.Attribute(value=receiver, attr=func.attr, ctx=ast.Load()),
            args=node.args[1:],
            keywords=node.keywords,
        )
        ast.copy_location(as_method, node)
        self._escapes(as_method, scope, site)
        return True

    def _store_on_other(
        self, target: ast.expr, name_node: ast.expr, scope: _Scope, site: Site
    ) -> None:
        """``setattr(other, "x", v)``: a constant name stored on some other object."""
        name = _constant_name(name_node)
        if name is None or isinstance(target, ast.Starred):
            return
        if not self._is_class_object(target, scope):
            self.facts.add_other_write(name, site)

    def _own_store(self, node: ast.Call, scope: _Scope, site: Site) -> bool:
        """``self.__setattr__("x", v)``: the instance's own hook, called with a name."""
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr in ("__setattr__", "__delattr__")):
            return False
        if not self._is_instance(func.value, scope):
            return False
        what = f"{ast.unparse(func)}(name, ...)"
        self._named_store(node.args[0] if node.args else None, what, scope, site)
        return True

    def _builtin_on_instance(
        self, label: str, args: List[ast.expr], scope: _Scope, site: Site
    ) -> None:
        shown = ast.unparse(args[0])
        second = args[1] if len(args) > 1 else None
        if label in ("setattr", "delattr", "object.__setattr__", "object.__delattr__"):
            self._named_store(second, f"{label}({shown}, name, ...)", scope, site)
        elif label in ("getattr", "hasattr", "object.__getattribute__"):
            name = _constant_name(second)
            if name == "__dict__":
                what = f"use of {shown}.__dict__ through {label}()"
                self.facts.reasons.append(Reason(site, what))
            elif name is not None:
                self.facts.add_read(name, site)
        elif label == "vars":
            self.facts.reasons.append(Reason(site, f"vars({shown})"))
        # super(C, self): the instance is not handed to other code

    def _super_store(self, node: ast.Call, scope: _Scope, site: Site) -> bool:
        """``super().__setattr__("x", v)`` / ``super().__delattr__("x")`` on the instance."""
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr in ("__setattr__", "__delattr__")):
            return False
        sup = func.value
        if not (isinstance(sup, ast.Call) and self._value(sup.func, scope) is super):
            return False
        if sup.args:
            on_instance = len(sup.args) == 2 and self._is_instance(sup.args[1], scope)
        else:
            on_instance = self._implicit_instance(scope)
        if not on_instance:
            return False
        what = f"super().{func.attr}(name, ...)"
        self._named_store(node.args[0] if node.args else None, what, scope, site)
        return True

    def _implicit_instance(self, scope: _Scope) -> bool:
        """Zero-argument super() in ``scope`` is bound to the instance."""
        function = scope
        while function.kind == "comprehension" and function.parent is not None:
            function = function.parent
        if function.kind != "function" or not function.params:
            return False
        node = function.node
        if isinstance(node, _FUNCTION_NODES) and not (node.args.posonlyargs or node.args.args):
            return False
        return (function, function.params[0]) in self.tracked

    def _named_store(
        self, name_node: Optional[ast.expr], what: str, scope: _Scope, site: Site
    ) -> None:
        """A store through setattr and friends: a write, or a reason if the name varies."""
        name = _constant_name(name_node) if name_node is not None else None
        if name is not None:
            self.facts.add_write(name, site)
            return
        if name_node is not None and self._passes_own_name(name_node, scope):
            return
        self.facts.reasons.append(Reason(site, f"{what} with a non-constant name"))

    def _passes_own_name(self, name_node: ast.expr, scope: _Scope) -> bool:
        """Inside ``__setattr__``/``__delattr__``: its own name parameter, never rebound."""
        if not isinstance(name_node, ast.Name):
            return False
        where, name = self._name_binding(name_node, scope)
        node = where.node
        if not isinstance(node, _DEF_NODES) or node.name not in ("__setattr__", "__delattr__"):
            return False
        if len(where.params) < 2 or where.params[1] != name:
            return False
        return where.binders.get(name, []) == [None]

    def _escapes(self, node: ast.Call, scope: _Scope, site: Site) -> None:
        """The instance passed as an argument: its position, keyword, or None if unknowable.

        Unpacking of a literal (``f(*[a, self])``, ``f(**{"k": self})``) keeps positions.
        """
        # (argument, its position, whether it is unpacked with * or **)
        positions: List[Tuple[ast.expr, Union[int, str, None], bool]] = []
        index: Optional[int] = 0
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                elts = _literal_elements(arg.value)
                if elts is None or index is None:
                    positions.append((arg.value, None, True))
                    index = None
                    continue
                for elt in elts:
                    positions.append((elt, index, False))
                    index += 1
                continue
            positions.append((arg, index, False))
            if index is not None:
                index += 1
        for keyword in node.keywords:
            if keyword.arg is not None:
                positions.append((keyword.value, keyword.arg, False))
                continue
            items = _literal_keywords(keyword.value)
            if items is None:
                positions.append((keyword.value, None, True))
            else:
                positions.extend((value, key, False) for key, value in items)
        callee: Optional[CalleeRef] = None
        for value, position, unpacked in positions:
            if unpacked:
                # ``f(*self)`` unpacks the instance's items: the instance is not passed.
                found = not self._is_instance(value, scope) and self._carries(value, scope)
            else:
                found = self._is_instance(value, scope)
            if not found:
                continue
            if position is not None and self._value(node.func, scope) is builtins.type:
                continue  # (the builtin ``type`` runs no code of the instance)
            callee = callee or self._callee(node.func, scope)
            self.facts.escapes.append(Escape(callee, position, site))
            if position is None:
                shown = ast.unparse(value)
                what = f"{shown} passed to {callee.describe()} through *args/**kwargs"
                self.facts.reasons.append(Reason(site, what))

    def _callee(self, func: ast.expr, scope: _Scope) -> CalleeRef:
        text = ast.unparse(func)
        if isinstance(func, ast.Lambda):
            code = _code_for(func, self.module, self.code)
            if code is not None:
                return CalleeRef("code", code=code)
            return CalleeRef("unknown", text=text)
        chain: List[str] = []
        head: ast.expr = func
        while isinstance(head, ast.Attribute):
            chain.insert(0, _mangle(head.attr, scope.private))
            head = head.value
        if not isinstance(head, ast.Name):
            return CalleeRef("unknown", text=text)
        if self._is_instance(head, scope):
            if len(chain) == 1:
                return CalleeRef("self", tuple(chain))
            return CalleeRef("unknown", text=text)
        name = _mangle(head.id, scope.private)
        kind, where = self.module.resolve(scope, name)
        names = (name, *chain)
        if kind == "global":
            return CalleeRef("global", names)
        if kind == "class":
            return CalleeRef("unknown", text=text)
        if not chain:
            code = self._local_function(where, name)
            if code is not None:
                return CalleeRef("code", code=code)
        if kind == "free" or name in where.cells:
            return CalleeRef("deref", names)
        return CalleeRef("unknown", text=text)

    def _local_function(self, where: _Scope, name: str) -> Optional[types.CodeType]:
        """The code object of a function bound to ``name`` by its only binding."""
        binders = where.binders.get(name, [])
        if len(binders) != 1 or name in where.global_decl:
            return None
        binder = binders[0]
        if not isinstance(binder, _FUNCTION_NODES) or not self._inside_root(where):
            return None
        return _code_for(binder, self.module, self.code)

    def _inside_root(self, scope: _Scope) -> bool:
        current: Optional[_Scope] = scope
        while current is not None:
            if current is self.root_scope:
                return True
            current = current.parent
        return False


def _subject_captures(pattern: object) -> List[str]:
    """Names a match pattern binds to the subject itself (``case x``, ``case C() as x``)."""
    kind = type(pattern).__name__
    if kind == "MatchAs":
        name = getattr(pattern, "name", None)
        names = [name] if isinstance(name, str) else []
        return names + _subject_captures(getattr(pattern, "pattern", None))
    if kind == "MatchOr":
        return [n for alt in getattr(pattern, "patterns", []) for n in _subject_captures(alt)]
    return []


def _starred(node: ast.AST) -> bool:
    return isinstance(node, ast.Starred)


def _literal_elements(node: ast.expr) -> Optional[List[ast.expr]]:
    """The elements of a tuple or list display without unpacking in it, else None."""
    if isinstance(node, (ast.Tuple, ast.List)) and not any(
        isinstance(elt, ast.Starred) for elt in node.elts
    ):
        return list(node.elts)
    return None


def _literal_keywords(node: ast.expr) -> Optional[List[Tuple[str, ast.expr]]]:
    """The items of a dict display with constant string keys only, else None."""
    if not isinstance(node, ast.Dict):
        return None
    items: List[Tuple[str, ast.expr]] = []
    for key, value in zip(node.keys, node.values):
        name = _constant_name(key)
        if name is None:
            return None
        items.append((name, value))
    return items


def _constant_name(node: Optional[ast.AST]) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


_BUILTINS: Tuple[Tuple[object, str], ...] = (
    (builtins.setattr, "setattr"),
    (builtins.delattr, "delattr"),
    (builtins.getattr, "getattr"),
    (builtins.hasattr, "hasattr"),
    (builtins.vars, "vars"),
    (builtins.super, "super"),
    (object.__setattr__, "object.__setattr__"),
    (object.__delattr__, "object.__delattr__"),
    (object.__getattribute__, "object.__getattribute__"),
)
_STORES = frozenset({"setattr", "delattr", "object.__setattr__", "object.__delattr__"})


def _swapped_items(target: ast.expr, value: ast.expr) -> List[Tuple[ast.expr, ast.expr]]:
    """``a, b = x, y``: the pairs the compiler stores without building a tuple.

    A tuple display of two or three items unpacked into as many targets becomes stack
    swaps (3.9-3.13); other unpacking builds the sequence and unpacks it.
    """
    if not (isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, ast.Tuple)):
        return []
    if len(value.elts) not in (2, 3) or len(target.elts) != len(value.elts):
        return []
    if any(isinstance(elt, ast.Starred) for elt in [*target.elts, *value.elts]):
        return []
    return list(zip(target.elts, value.elts))


def _is_class(value: object) -> bool:
    # type(value), not isinstance(): a proxy may answer for its own __class__
    return value is not _MISSING and issubclass(type(value), type)


def _static_member(obj: object, name: str) -> object:
    """``obj.name`` for a module or a class, from their dictionaries; else _MISSING."""
    kind = type(obj)
    try:
        if issubclass(kind, types.ModuleType):
            namespace = object.__getattribute__(obj, "__dict__")
            if not isinstance(namespace, dict):
                return _MISSING
            return cast("Dict[str, object]", namespace).get(name, _MISSING)
        if issubclass(kind, type):
            for klass in type.__getattribute__(cast(type, obj), "__mro__"):
                namespace = type.__getattribute__(klass, "__dict__")
                if name in namespace:
                    return namespace[name]
    except Exception:  # an odd class or module: unknown
        return _MISSING
    return _MISSING


def _class_names(qualname: str) -> FrozenSet[str]:
    """The classes a qualname names: components that are not functions.

    A component followed by ``<locals>`` is a function, and so is the last one (the
    function itself); ``<locals>``, ``<lambda>`` and the like are not names.
    """
    parts = qualname.split(".")
    return frozenset(
        part
        for part, following in zip(parts, parts[1:])
        if following != "<locals>" and not part.startswith("<")
    )


# -- entry point --------------------------------------------------------------------


def scan(
    code: types.CodeType,
    *,
    tracked: FrozenSet[str],
    qualname: str,
    globals_: Mapping[str, object],
    factory: Optional[str] = None,
    closure: Optional[Tuple[Any, ...]] = None,
) -> CodeFacts:
    """What ``code`` does with the instance held in the ``tracked`` variables.

    ``closure`` holds the cells of ``code.co_freevars``: builtins and classes are also
    recognised by the values of free variables.

    Raises EngineUnsupported when the source is missing, does not match ``code``, or
    the function cannot be identified in it.
    """
    where = Site(qualname, code.co_filename, code.co_firstlineno)
    try:
        module = _load_module(code, globals_)
    except (OSError, UnicodeError) as exc:  # unreadable file
        raise EngineUnsupported(Reason(where, f"its source cannot be read ({exc})")) from None
    if isinstance(module, str):
        raise EngineUnsupported(Reason(where, module))
    node = _find_node(module, code)
    if isinstance(node, str):
        raise EngineUnsupported(Reason(where, node))
    for child, _ in _walk_scope(node, module):
        kind = type(child).__name__
        if kind not in _KNOWN_NODES:
            what = f"its source uses syntax the AST engine does not know ({kind})"
            raise EngineUnsupported(Reason(where, what))
    scanner = _Scanner(
        module,
        node,
        code,
        tracked=tracked,
        factory=factory,
        globals_=globals_,
        qualname=qualname,
        closure=closure,
    )
    return scanner.run()
