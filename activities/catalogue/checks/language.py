"""The check language: a small, safe subset of Python read from `ast.parse` and interpreted
here, so that nothing in a `%%check` cell can reach the host.

A `%%check` cell is untrusted (a pupil can write one as well as a teacher), so its text is
never given to `eval` or `exec`. It is parsed, every node is checked against a whitelist before
anything runs (`validate`), then walked by `Interpreter`:

- statements: a call on its own line, `assert TEST, "message"`, `name = value`, `pass`;
- expressions: literals (numbers, texts, True/False/None, lists, tuples), names (the check API,
  a few builtins, and the check's own variables), calls *of names only* (a function can never
  become a value: `sorted(x, key=tap)` is refused), comparisons, `and`/`or`/`not`, arithmetic
  with bounded results, `a if c else b`, indexing and slicing, and attributes only from a fixed
  list of data fields (`pose.x`, `Image.HEART`); f-strings for messages.

Everything else (imports, `def`, `lambda`, loops, comprehensions, `with`, `global`, names or
attributes starting with `_`, keyword unpacking...) is refused in French, naming the line.
Values are plain data (numbers, texts, tuples, lists, `Pose`), and the only callables are the
API's own functions, which check their arguments.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tne.i18n import _

from .errors import CheckFailed, CheckRefused

#: Longest check text, and most nodes, read at all.
MAX_SOURCE = 20_000
MAX_NODES = 3_000
#: Longest text or list an operation may build (no memory bomb through `"a" * 10**9`).
MAX_SIZE = 100_000
#: Largest integer an operation may produce (no CPU bomb through `9 ** 9 ** 9`).
MAX_INT = 10**18

BUILTINS: dict[str, Callable[..., Any]] = {
    "len": len,
    "abs": abs,
    "min": min,
    "max": max,
    "round": round,
    "sum": sum,
    "any": any,
    "all": all,
    "sorted": sorted,
    "int": int,
    "float": float,
    "str": str,
}

_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}
_UNARY: dict[type, Callable[[Any], Any]] = {
    ast.Not: operator.not_,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}
_STATEMENTS = (ast.Expr, ast.Assert, ast.Assign, ast.Pass)
_EXPRESSIONS = (
    ast.Constant, ast.Name, ast.List, ast.Tuple, ast.Call, ast.keyword, ast.Compare,
    ast.BoolOp, ast.UnaryOp, ast.BinOp, ast.IfExp, ast.Subscript, ast.Slice, ast.Attribute,
    ast.JoinedStr, ast.FormattedValue, ast.Load, ast.Store,
)  # fmt: skip
_OPERATORS = tuple(_BINARY) + tuple(_COMPARE) + tuple(_UNARY) + (ast.And, ast.Or)


@dataclass(frozen=True)
class Api:
    """What a check can name: `functions` (callable, never values), `values` (data such as
    the `Image` namespace) and, per type, the attributes that may be read."""

    functions: Mapping[str, Callable[..., Any]]
    values: Mapping[str, Any]
    attributes: Mapping[type, frozenset[str]]


def refuse(node: ast.AST, what: str) -> CheckRefused:
    line = getattr(node, "lineno", 0)
    return CheckRefused(
        _(
            "Line {line} of the check: {what} is not allowed in a %%check cell. A check may "
            "only call the check functions, compare and assert."
        ).format(line=line, what=what)
    )


def parse(source: str) -> ast.Module:
    if len(source) > MAX_SOURCE:
        raise CheckRefused(_("This check is too long to be read."))
    try:
        tree = ast.parse(source, mode="exec")
    except SyntaxError as error:
        raise CheckRefused(
            _("Line {line} of the check is not valid Python: {error}.").format(
                line=error.lineno or 0, error=error.msg
            )
        ) from error
    except ValueError as error:  # a NUL byte
        raise CheckRefused(_("The check holds a character that is not allowed.")) from error
    return tree


def validate(tree: ast.Module, api: Api) -> None:
    """Refuse, before anything runs, every node outside the check language."""
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise CheckRefused(_("This check is too long to be read."))
    for statement in tree.body:
        if not isinstance(statement, _STATEMENTS):
            raise refuse(statement, _describe(statement))
    for node in nodes:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if not isinstance(target, ast.Name):
                    raise refuse(node, _("assigning to something other than a name"))
                if target.id in api.functions or target.id in api.values or target.id in BUILTINS:
                    raise refuse(
                        node, _("changing the check's own name '{name}'").format(name=target.id)
                    )
        if node is tree or isinstance(node, _STATEMENTS + _OPERATORS):
            continue
        if not isinstance(node, _EXPRESSIONS) and not isinstance(node, (ast.operator,)):
            raise refuse(node, _describe(node))
        if isinstance(node, ast.operator) and type(node) not in _BINARY:
            raise refuse(node, _describe(node))
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise refuse(node, _("the name '{name}'").format(name=node.id))
        if isinstance(node, ast.Attribute):
            allowed = frozenset().union(*api.attributes.values()) if api.attributes else set()
            if node.attr.startswith("_") or node.attr not in allowed:
                raise refuse(node, _("the attribute '.{name}'").format(name=node.attr))
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                raise refuse(node, _("calling something other than a check function"))
            if node.func.id not in api.functions and node.func.id not in BUILTINS:
                raise refuse(node, _("the function '{name}'").format(name=node.func.id))
            if any(isinstance(a, ast.Starred) for a in node.args) or any(
                k.arg is None for k in node.keywords
            ):
                raise refuse(node, _("unpacking arguments with * or **"))
            if node.func.id in BUILTINS and node.keywords:
                raise refuse(node, _("a named argument to '{name}'").format(name=node.func.id))
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            for part in ast.walk(node.format_spec):
                if not isinstance(part, (ast.JoinedStr, ast.Constant)):
                    raise refuse(node, _("a computed format"))
        if isinstance(node, ast.Constant) and isinstance(node.value, (bytes, complex)):
            raise refuse(node, _("this kind of constant"))


def _describe(node: ast.AST) -> str:
    names = {
        ast.Import: _("an import"),
        ast.ImportFrom: _("an import"),
        ast.FunctionDef: _("defining a function"),
        ast.AsyncFunctionDef: _("defining a function"),
        ast.ClassDef: _("defining a class"),
        ast.Lambda: _("a lambda"),
        ast.For: _("a loop"),
        ast.While: _("a loop"),
        ast.With: _("a with block"),
        ast.Try: _("a try block"),
        ast.Global: _("global"),
        ast.Nonlocal: _("nonlocal"),
        ast.Delete: _("del"),
        ast.ListComp: _("a comprehension"),
        ast.GeneratorExp: _("a comprehension"),
        ast.DictComp: _("a comprehension"),
        ast.SetComp: _("a comprehension"),
        ast.Dict: _("a dictionary"),
        ast.Set: _("a set"),
        ast.NamedExpr: _("the := operator"),
        ast.Await: _("await"),
        ast.Yield: _("yield"),
        ast.Raise: _("raise"),
        ast.If: _("an if block"),
        ast.AugAssign: _("an augmented assignment"),
        ast.Starred: _("unpacking with *"),
    }
    return names.get(type(node), _("'{construct}'").format(construct=type(node).__name__))


class Interpreter:
    """Walks a validated tree; the only effects are the API's."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.variables: dict[str, Any] = {}

    def run(self, source: str) -> None:
        tree = parse(source)
        validate(tree, self.api)
        for statement in tree.body:
            self.statement(statement)

    def statement(self, node: ast.stmt) -> None:
        if isinstance(node, ast.Expr):
            self.value(node.value)
        elif isinstance(node, ast.Assign):
            value = self.value(node.value)
            for target in node.targets:
                assert isinstance(target, ast.Name)
                self.variables[target.id] = value
        elif isinstance(node, ast.Assert) and not self.value(node.test):
            message = self.value(node.msg) if node.msg is not None else None
            raise CheckFailed(
                str(message)
                if message is not None
                else _("Line {line} of the check is not satisfied.").format(line=node.lineno)
            )

    def value(self, node: ast.expr) -> Any:  # noqa: C901 - one case per node kind
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, (ast.List, ast.Tuple)):
            items = [self.value(item) for item in node.elts]
            return items if isinstance(node, ast.List) else tuple(items)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Compare):
            left = self.value(node.left)
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                right = self.value(right_node)
                if not self._guarded(_COMPARE[type(op)], left, right):
                    return False
                left = right
            return True
        if isinstance(node, ast.BoolOp):
            result: Any = None
            for item in node.values:
                result = self.value(item)
                if isinstance(node.op, ast.And) and not result:
                    return result
                if isinstance(node.op, ast.Or) and result:
                    return result
            return result
        if isinstance(node, ast.UnaryOp):
            return self._guarded(_UNARY[type(node.op)], self.value(node.operand))
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.IfExp):
            return self.value(node.body) if self.value(node.test) else self.value(node.orelse)
        if isinstance(node, ast.Subscript):
            container = self.value(node.value)
            if not isinstance(container, (list, tuple, str)):
                raise refuse(node, _("indexing this value"))
            index = self.index(node.slice)
            return self._guarded(operator.getitem, container, index)
        if isinstance(node, ast.Attribute):
            owner = self.value(node.value)
            allowed = self.api.attributes.get(type(owner), frozenset())
            if node.attr not in allowed:
                raise refuse(node, _("the attribute '.{name}'").format(name=node.attr))
            return getattr(owner, node.attr)
        if isinstance(node, ast.JoinedStr):
            return "".join(self.value(part) for part in node.values)
        if isinstance(node, ast.FormattedValue):
            return self.formatted(node)
        raise refuse(node, _describe(node))

    def name(self, node: ast.Name) -> Any:
        """A variable of the check, a value of the API; a function or an unknown name is refused."""
        if node.id in self.variables:
            return self.variables[node.id]
        if node.id in self.api.values:
            return self.api.values[node.id]
        if node.id in self.api.functions or node.id in BUILTINS:
            raise refuse(node, _("using the function '{name}' as a value").format(name=node.id))
        raise refuse(node, _("the unknown name '{name}'").format(name=node.id))

    def formatted(self, node: ast.FormattedValue) -> Any:
        """One `{value:spec}` of an f-string: no width over two digits, plain values only."""
        value = self.value(node.value)
        spec = self.value(node.format_spec) if node.format_spec is not None else ""
        if any(len(run) > 2 for run in re.findall(r"[0-9]+", spec)):
            raise refuse(node, _("a format this wide"))
        if not isinstance(value, (int, float, str, bool, type(None), tuple, list)):
            value = str(value)
        return self._guarded(format, value, spec)

    def index(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Slice):
            parts = [
                self.value(p) if p is not None else None
                for p in (node.lower, node.upper, node.step)
            ]
            if not all(p is None or isinstance(p, int) for p in parts):
                raise refuse(node, _("a slice that is not made of whole numbers"))
            return slice(*parts)
        index = self.value(node)
        if not isinstance(index, int):
            raise refuse(node, _("an index that is not a whole number"))
        return index

    def binary(self, node: ast.BinOp) -> Any:
        left, right = self.value(node.left), self.value(node.right)
        for side in (left, right):
            if not isinstance(side, (int, float, str, list, tuple)):
                raise refuse(node, _("arithmetic on this value"))
        if isinstance(node.op, ast.Mod) and isinstance(left, str):
            raise refuse(node, _("formatting with %"))
        if isinstance(node.op, ast.Pow) and (
            not isinstance(right, (int, float)) or abs(right) > 64
        ):
            raise refuse(node, _("a power this large"))
        if isinstance(node.op, ast.Mult):
            sizes = [len(s) for s in (left, right) if isinstance(s, (str, list, tuple))]
            counts = [n for n in (left, right) if isinstance(n, int)]
            if sizes and counts and sizes[0] * max(counts[0], 0) > MAX_SIZE:
                raise refuse(node, _("building a text or list this long"))
        result = self._guarded(_BINARY[type(node.op)], left, right)
        if isinstance(result, (str, list, tuple)) and len(result) > MAX_SIZE:
            raise refuse(node, _("building a text or list this long"))
        if isinstance(result, int) and abs(result) > MAX_INT:
            raise refuse(node, _("a number this large"))
        return result

    def call(self, node: ast.Call) -> Any:
        assert isinstance(node.func, ast.Name)
        name = node.func.id
        args = [self.value(a) for a in node.args]
        kwargs = {k.arg: self.value(k.value) for k in node.keywords if k.arg is not None}
        if name in BUILTINS:
            for arg in args:
                if isinstance(arg, (list, tuple, str)) and len(arg) > MAX_SIZE:
                    raise refuse(node, _("building a text or list this long"))
            return self._guarded(BUILTINS[name], *args)
        try:
            return self.api.functions[name](*args, **kwargs)
        except TypeError as error:
            raise CheckRefused(
                _("Line {line} of the check: wrong arguments for {name}() ({error}).").format(
                    line=node.lineno, name=name, error=error
                )
            ) from error

    @staticmethod
    def _guarded(function: Callable[..., Any], *args: Any) -> Any:
        """An operation of Python's on plain data; its errors become a French refusal."""
        try:
            return function(*args)
        except (TypeError, ValueError, IndexError, ZeroDivisionError, OverflowError) as error:
            raise CheckRefused(
                _("The check does an impossible operation: {error}.").format(error=error)
            ) from error
