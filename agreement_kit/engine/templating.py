"""Clause text as a sandboxed Jinja template: checking it at load time and rendering it.

Clause packs may come from other districts, so their text is untrusted: it is compiled in a
:class:`SandboxedEnvironment` with :class:`StrictUndefined`, and every variable it names is checked
against the context schema before any draft is seen.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from types import CodeType
from typing import Any

from jinja2 import Template, TemplateAssertionError, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

from .sandbox import ENV, MAX_OUTPUT, describe, find_all, static_problems
from .tracking import Path

# ---------------------------------------------------------------- one compile per paragraph

# Clause text is compiled once per process: analysis at load time compiles it, and the probing and
# rendering environments build their templates from that same code object (Jinja's generated code
# does not depend on the environment's Undefined class). The stores grow with the libraries loaded,
# never evict (no cache cliff), and hold one entry per distinct paragraph.
_CODE: dict[str, CodeType] = {}
_RENDER_TEMPLATES: dict[str, Template] = {}
_PROBE_TEMPLATES: dict[str, Template] = {}


def _code(source: str, ast: nodes.Template | None = None) -> CodeType:
    code = _CODE.get(source)
    if code is None:
        code = ENV.compile(ast if ast is not None else source)
        _CODE[source] = code
    return code


def _template(env: SandboxedEnvironment, store: dict[str, Template], source: str) -> Template:
    template = store.get(source)
    if template is None:
        template = env.template_class.from_code(env, _code(source), env.make_globals(None))
        store[source] = template
    return template


def _compiled(source: str) -> Template:
    return _template(ENV, _RENDER_TEMPLATES, source)


def is_literal(source: str) -> bool:
    """Text with no Jinja syntax at all (about half of a real library's paragraphs): it prints
    itself, reads nothing and needs no parse or compile."""
    return "{" not in source and len(source) <= MAX_OUTPUT


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


def _compile_time_checks(source: str, ast: nodes.Template) -> None:
    """What Jinja's code generator would refuse, without generating the code: an unknown filter
    or test fails here, with Jinja's own message (also inside an ``if``, where Jinja would wait
    until the branch runs). Code is generated when a paragraph is first probed or rendered — as it
    is for a library read from the disk cache — so loading a pack costs a parse, not a compile.
    The rare constructs whose other compile-time checks are not repeated here (blocks, macros, a
    loop target named ``loop``) are compiled at once, as before."""
    for node in find_all(ast, (nodes.Filter, nodes.Test)):
        known = ENV.filters if isinstance(node, nodes.Filter) else ENV.tests
        if node.name not in known:
            kind = "filter" if isinstance(node, nodes.Filter) else "test"
            raise TemplateAssertionError(f"No {kind} named {node.name!r}.", node.lineno)
    rare = any(True for _ in find_all(ast, (nodes.Block, nodes.Macro, nodes.CallBlock)))
    if rare or any(n.name == "loop" and n.ctx == "store" for n in find_all(ast, nodes.Name)):
        _code(source, ast)


def analyse(source: str) -> Analysis:
    """Parse ``source`` and list what it uses. Raises TemplateSyntaxError on bad syntax."""
    if is_literal(source):
        return Analysis()
    ast = ENV.parse(source)
    _compile_time_checks(source, ast)
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

    for node in find_all(ast, (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        result.problems.append(
            f"'{type(node).__name__.lower()}' is not allowed in clause text "
            "(clause text cannot load other templates or files)"
        )
    if any(True for _ in find_all(ast, (nodes.Macro, nodes.CallBlock))):
        result.problems.append("macros are not allowed in clause text")
    for const in find_all(ast, nodes.Const):
        if isinstance(const.value, str) and const.value.startswith("_"):
            result.problems.append(f"'{const.value}' is not allowed in clause text")
        elif isinstance(const.value, (int, float)) and abs(const.value) > 10**9:
            result.problems.append(f"the number {const.value} is too large for clause text")
    for power in find_all(ast, nodes.Pow):
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

    if is_literal(source):
        return " ".join(source.split())
    try:
        names = dict(dict.items(context))  # a plain copy of the top level (tracked or not)
        names["ref"] = ref
        text = _compiled(source).render(names)
    except ClauseRenderError:
        raise
    except UndefinedError as exc:
        raise ClauseRenderError(clause_id, f"missing answer: {exc.message}") from None
    except TemplateSyntaxError as exc:
        raise ClauseRenderError(clause_id, f"template error: {exc.message}") from None
    except Exception as exc:  # sandbox violations and filter errors on bad values
        raise ClauseRenderError(clause_id, f"cannot render: {describe(exc)}") from None
    return " ".join(text.split())
