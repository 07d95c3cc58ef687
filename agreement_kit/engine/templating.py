"""Clause text as a sandboxed Jinja template: checking it at load time and rendering it.

Clause packs may come from other districts, so their text is untrusted: it is compiled in a
:class:`SandboxedEnvironment` with :class:`StrictUndefined`, and every variable it names is checked
against the context schema before any draft is seen.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from jinja2 import ChainableUndefined, Template, TemplateSyntaxError, nodes
from jinja2.runtime import Undefined
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import missing as _missing

from .sandbox import ENV, make_environment, static_problems

Path = tuple[str, ...]


@functools.lru_cache(maxsize=4096)
def _compiled(source: str) -> Template:
    return ENV.from_string(source)


@dataclass
class Analysis:
    """What a piece of clause text uses: variable paths ('*' = each list item) and ref() targets."""

    paths: set[Path] = field(default_factory=set)
    refs: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def name_chain(node: nodes.Node, scope: dict[str, Path]) -> tuple[Path | None, list[nodes.Node]]:
    """The dotted path of a Name/Getattr/Getitem chain, and the sub-expressions left to visit."""
    parts: list[str] = []
    rest: list[nodes.Node] = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem):
            arg = node.arg
            if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
                parts.append(arg.value)
            else:
                parts.append("*")
                rest.append(arg)
            node = node.node
        elif isinstance(node, nodes.Name):
            base = scope.get(node.name, (node.name,))
            return (*base, *reversed(parts)), rest
        else:
            return None, [node, *rest]


def bound_names(target: nodes.Node) -> list[str]:
    """Names bound by a for/set target (a Name or a tuple of Names)."""
    if isinstance(target, nodes.Name):
        return [target.name]
    return [n.name for n in target.find_all(nodes.Name)]


def analyse(source: str) -> Analysis:
    """Parse ``source`` and list what it uses. Raises TemplateSyntaxError on bad syntax."""
    ast = ENV.parse(source)
    # Unknown filters and tests fail here, with a message naming them. The sandbox's code
    # generator evaluates nothing while compiling (no constant folding of filter calls).
    ENV.compile(ast)
    result = Analysis(problems=static_problems(ast))

    def visit(node: nodes.Node, scope: dict[str, Path]) -> None:
        if isinstance(node, nodes.For):
            visit(node.iter, scope)
            iter_path, _ = name_chain(node.iter, scope)
            inner = dict(scope)
            inner["loop"] = ("<loop>",)
            for target in bound_names(node.target):
                inner[target] = (*iter_path, "*") if iter_path else ("<local>",)
            for child in (*node.body, *node.else_):
                visit(child, inner)
            if node.test is not None:
                visit(node.test, inner)
            return
        if isinstance(node, nodes.Assign):
            visit(node.node, scope)
            for target in bound_names(node.target):
                scope[target] = ("<local>",)
            return
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name):
            if node.node.name == "ref":
                args = node.args
                if (
                    len(args) == 1
                    and isinstance(args[0], nodes.Const)
                    and isinstance(args[0].value, str)
                ):
                    result.refs.add(args[0].value)
                else:
                    result.problems.append("ref() takes one clause id in quotes, e.g. ref('term')")
                return
            result.problems.append(f"unknown function '{node.node.name}()'")
            return
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            result.problems.append(f"'{node.attr}' is not allowed in clause text")
            return
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            path, rest = name_chain(node, scope)
            if path is not None and path[0] not in ("<loop>", "<local>"):
                result.paths.add(path)
            for child in rest:
                visit(child, scope)
            return
        for child in node.iter_child_nodes():
            visit(child, scope)

    for node in ast.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        result.problems.append(
            f"'{type(node).__name__.lower()}' is not allowed in clause text "
            "(clause text cannot load other templates or files)"
        )
    if any(True for _ in ast.find_all((nodes.Macro, nodes.CallBlock))):
        result.problems.append("macros are not allowed in clause text")
    for const in ast.find_all(nodes.Const):
        if isinstance(const.value, str) and const.value.startswith("_"):
            result.problems.append(f"'{const.value}' is not allowed in clause text")
        elif isinstance(const.value, (int, float)) and abs(const.value) > 10**9:
            result.problems.append(f"the number {const.value} is too large for clause text")
    for power in ast.find_all(nodes.Pow):
        if not (isinstance(power.right, nodes.Const) and abs(power.right.value) <= 64):
            result.problems.append("'**' needs a small constant exponent in clause text")
    visit(ast, {})
    return result


def check_path(path: Path, schema: Any) -> str | None:
    """None when ``path`` exists in ``schema``; otherwise a message with a suggestion."""
    node = schema
    for depth, part in enumerate(path):
        shown = ".".join(p for p in path[:depth] if p != "*")
        if isinstance(node, list):
            if part != "*":
                return f"'{shown}' is a list: loop over it with {{% for x in {shown} %}}"
            node = node[0]
            continue
        if not isinstance(node, dict):
            return f"'{shown}' is a single value and has no '{part}'" + (
                " (use a filter such as |upper instead of a method)" if depth else ""
            )
        if part not in node:
            name = ".".join((*[p for p in path[:depth] if p != "*"], part))
            choices = [k for k in node if not k.startswith("_")]
            close = difflib.get_close_matches(part, choices, n=1)
            if close:
                return f"'{name}' is not an answer the draft provides; did you mean '{close[0]}'?"
            where = f"'{shown}' provides" if shown else "available names are"
            return f"'{name}' is not an answer the draft provides ({where}: {', '.join(choices)})"
        node = node[part]
    return None


def strip_none(value: Any) -> Any:
    """Drop ``None`` leaves so that StrictUndefined reports them instead of printing 'None'."""
    if isinstance(value, dict):
        return {k: strip_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [strip_none(v) for v in value]
    return value


class ClauseRenderError(Exception):
    def __init__(self, clause: str, message: str) -> None:
        super().__init__(f"clause {clause}: {message}")
        self.clause = clause
        self.message = message


def render_text(
    clause_id: str, source: str, context: dict[str, Any], ref: Callable[[str], str]
) -> str:
    """Render one paragraph of clause text; errors name the clause and the variable."""
    from jinja2 import UndefinedError

    try:
        text = _compiled(source).render({**context, "ref": ref})
    except ClauseRenderError:
        raise
    except UndefinedError as exc:
        raise ClauseRenderError(clause_id, f"missing answer: {exc.message}") from None
    except TemplateSyntaxError as exc:
        raise ClauseRenderError(clause_id, f"template error: {exc.message}") from None
    except Exception as exc:  # sandbox violations and filter errors on bad values
        raise ClauseRenderError(clause_id, f"cannot render: {exc}") from None
    return " ".join(text.split())


# ---------------------------------------------------------------- probing for missing answers

_USED: ContextVar[set[Path] | None] = ContextVar("_USED", default=None)


def _note(path: Path) -> None:
    used = _USED.get()
    if used is not None and path:
        used.add(path)


class _Dict(dict):
    """A context mapping that knows its own path, so a missing key can be named in full."""

    path: Path = ()


class _List(list):
    path: Path = ()

    def __iter__(self):  # looping over an empty list of answers uses a missing answer
        if not len(self):
            _note(self.path)
        return super().__iter__()


def _probe_path(obj: Any, name: Any) -> Path:
    if isinstance(name, _ProbeUndefined):  # a missing answer used as an index: it is needed
        _note(name._probe)
        return ()
    if isinstance(name, Undefined):
        return ()
    if isinstance(obj, _ProbeUndefined):
        return (*obj._probe, str(name)) if obj._probe else ()
    if isinstance(obj, (_Dict, _List)):
        return (*obj.path, str(name))
    if obj is None or obj is _missing:
        return (str(name),)
    return ()  # an item of a literal list or of a plain value: not an answer of the draft


class _ProbeUndefined(ChainableUndefined):
    """Undefined that records the answer's path when text prints it, loops over it, computes with
    it or compares it (``x == 'automatic'``) — but not when it is only tested for truth
    (``{% if x %}``), which is how text makes an answer optional."""

    __slots__ = ("_probe",)

    def __init__(self, hint: Any = None, obj: Any = None, name: Any = None, exc: Any = None):
        super().__init__(hint, obj, name, exc)
        self._probe = _probe_path(obj, name) if name is not None else ()

    def __str__(self) -> str:
        _note(self._probe)
        return ""

    def __eq__(self, other: Any) -> bool:  # choosing a branch by an answer needs the answer
        _note(self._probe)
        return isinstance(other, Undefined)

    def __ne__(self, other: Any) -> bool:
        _note(self._probe)
        return not isinstance(other, Undefined)

    __hash__ = ChainableUndefined.__hash__

    def __iter__(self):
        _note(self._probe)
        return iter(())

    def __len__(self) -> int:
        _note(self._probe)
        return 0

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> Any:
        _note(self._probe)
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _fail_with_undefined_error
    __truediv__ = __rtruediv__ = __mod__ = __rmod__ = __pos__ = __neg__ = _fail_with_undefined_error
    __lt__ = __le__ = __gt__ = __ge__ = __int__ = __float__ = _fail_with_undefined_error
    __getitem__ = ChainableUndefined.__getattr__


def _probe_environment() -> SandboxedEnvironment:
    env = make_environment()
    env.undefined = _ProbeUndefined
    return env


PROBE_ENV = _probe_environment()


@functools.lru_cache(maxsize=4096)
def _probe_compiled(source: str) -> Template:
    return PROBE_ENV.from_string(source)


def tracked(value: Any, path: Path = ()) -> Any:
    """The context with ``None`` answers removed and every mapping and list knowing its path."""
    if isinstance(value, dict):
        out = _Dict((k, tracked(v, (*path, k))) for k, v in value.items() if v is not None)
        out.path = path
        return out
    if isinstance(value, list):
        items = _List(tracked(v, (*path, str(i))) for i, v in enumerate(value))
        items.path = path
        return items
    return value


def probe(source: str, context: dict[str, Any], ref: Callable[[str], str]) -> set[Path]:
    """Paths of the answers that ``source`` actually uses and ``context`` (from :func:`tracked`)
    lacks. Errors other than missing answers (a bad reference, a value a filter cannot format)
    propagate as :class:`ClauseRenderError` or the original exception."""
    used: set[Path] = set()
    token = _USED.set(used)
    try:
        _probe_compiled(source).render({**context, "ref": ref})
    finally:
        _USED.reset(token)
    return used
