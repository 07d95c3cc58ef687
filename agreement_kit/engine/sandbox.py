"""The sandboxes clause text and Word templates run in, bounded for real.

Clause packs and templates may come from other districts, so their text is untrusted code-like
data. Both run in a Jinja :class:`SandboxedEnvironment` with StrictUndefined, and on top of Jinja's
own sandbox (no ``_private`` attributes, no ``__class__`` walks) this module bounds everything that
can make a render slow or large:

* **Nothing is evaluated while compiling.** Jinja folds constant filter calls while it compiles a
  template (``{{ 'x'|center(10**9) }}`` would run inside ``library validate``); our code generator
  folds only literal text, so every expression runs at render time, inside the budget.
* **Filters and operators check their sizes first.** ``center``, ``indent``, ``wordwrap``,
  ``truncate``, ``format``, ``join``, ``replace``, ``batch``, ``*``, ``%``, ``**`` and ``~`` refuse
  a result longer than :data:`MAX_OUTPUT` characters (or a number over 256 bits) *before* building
  it; every other filter's result is measured after. Filters a clause has no use for (``safe``,
  ``tojson``, ``pprint``, ``xmlattr``, ``urlize``, ``random``...) are not available.
* **A render has a budget**: at most :data:`MAX_OUTPUT` characters out, :data:`MAX_ITERATIONS`
  loop iterations (nested loops count every inner pass) and :data:`MAX_SECONDS` of time. Exceeding
  it raises :class:`BudgetExceeded`, which says which limit was hit.
* **Clause text calls nothing but** ``ref()`` and ``loop.cycle()``: no methods on values
  (``'x'.center(...)``, ``'{:>999999999}'.format(...)``), no ``range``/``lipsum``/``cycler``/
  ``joiner``/``namespace`` (clause text has no globals), no recursive loops.

The Word template sandbox (:func:`make_template_environment`) has the same guards with a larger
budget (a whole document), a bounded ``range`` and no ``safe`` filter (answers are always escaped).
"""

from __future__ import annotations

import functools
import math
import re
import time
import types
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.environment import Template
from jinja2.runtime import LoopContext, Undefined
from jinja2.sandbox import SandboxedEnvironment, SecurityError, modifies_known_mutable
from jinja2.utils import Cycler, Joiner, Namespace
from markupsafe import Markup, escape

from .context import clock, join_and, long_date

MAX_OUTPUT = 100_000  # characters: no clause paragraph needs more
MAX_ITERATIONS = 100_000  # loop passes in one paragraph, nested loops counted in full
MAX_SECONDS = 2.0  # wall time for rendering one paragraph
MAX_BITS = 256  # integers in clause text: far beyond any amount, far below a slow bignum

TEMPLATE_MAX_OUTPUT = 20_000_000  # characters of XML for a whole document part
TEMPLATE_MAX_ITERATIONS = 1_000_000
TEMPLATE_MAX_SECONDS = 30.0
TEMPLATE_MAX_RANGE = 10_000


class BudgetExceeded(SecurityError):
    """Text that would take too long or grow too large to render; the message says which limit."""


class _Budget:
    __slots__ = ("deadline", "iterations", "max_iterations", "max_output", "seconds")

    def __init__(self, max_output: int, max_iterations: int, seconds: float) -> None:
        self.max_output = max_output
        self.max_iterations = max_iterations
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.iterations = 0

    def tick(self, count: int = 1) -> None:
        self.iterations += count
        if self.iterations > self.max_iterations:
            raise BudgetExceeded(
                f"its loops run more than {self.max_iterations:,} times (nested loops over long "
                "lists multiply)"
            )
        if not self.iterations & 0xFF:
            self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise BudgetExceeded(f"it takes longer than {self.seconds:g} seconds to render")


_BUDGET: ContextVar[_Budget | None] = ContextVar("_BUDGET", default=None)


def _limit() -> int:
    budget = _BUDGET.get()
    return budget.max_output if budget else MAX_OUTPUT


def _too_large(what: str) -> BudgetExceeded:
    return BudgetExceeded(f"{what} would be longer than {_limit():,} characters")


def _check_size(value: Any, what: str = "a value") -> Any:
    if isinstance(value, (str, list, tuple, dict)) and len(value) > _limit():
        raise _too_large(what)
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_BITS:
        raise BudgetExceeded(f"{what} is a number too large for an agreement")
    return value


def _check_width(value: Any, what: str) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, int) and abs(value) > _limit():
        raise _too_large(what)
    if isinstance(value, str) and len(value) > _limit():
        raise _too_large(what)


# ----------------------------------------------------------------- printf-style format strings

_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]")
_FORMAT_SPEC_NUMBERS = re.compile(r"\d+")


def _check_printf(fmt: str, args: Any) -> None:
    count = 0
    for match in _PRINTF.finditer(fmt):
        count += 1
        for number in match.groups():
            if number == "*":
                raise BudgetExceeded("'*' widths are not allowed in clause text")
            if number and int(number) > _limit():
                raise _too_large("the formatted text")
    pieces = args if isinstance(args, tuple) else (args,)
    estimate = len(fmt) + sum(len(str(p)) if isinstance(p, str) else 32 for p in pieces)
    if count and estimate > _limit():
        raise _too_large("the formatted text")


def _bounded_format(value: Any, *args: Any, **kwargs: Any) -> str:
    if isinstance(value, str):
        _check_printf(value, args or kwargs)
    return _check_size(_FILTERS_ORIGINAL["format"](value, *args, **kwargs), "the formatted text")


# ----------------------------------------------------------------- bounded filters


def _string_len(value: Any) -> int:
    return len(value) if isinstance(value, str) else len(str(value)) if value is not None else 0


def _pre_center(value: Any, width: Any = 80, *a: Any, **k: Any) -> None:
    _check_width(width, "the centred text")


def _pre_indent(s: Any, width: Any = 4, first: bool = False, blank: bool = False) -> None:
    size = len(width) if isinstance(width, str) else width
    _check_width(size, "the indented text")
    if isinstance(size, int) and size * (str(s).count("\n") + 1) + _string_len(s) > _limit():
        raise _too_large("the indented text")


def _pre_wordwrap(
    env: Any,
    s: Any,
    width: Any = 79,
    break_long_words: bool = True,
    wrapstring: Any = None,
    *a: Any,
    **k: Any,
) -> None:
    _check_width(width, "the wrapped text")
    if wrapstring is not None:
        wrap = len(str(wrapstring))
        lines = _string_len(s) // max(1, width if isinstance(width, int) else 1) + 1
        if wrap * lines + _string_len(s) > _limit():
            raise _too_large("the wrapped text")


def _pre_truncate(
    env: Any,
    s: Any,
    length: Any = 255,
    killwords: bool = False,
    end: Any = "...",
    *a: Any,
    **k: Any,
) -> None:
    _check_width(length, "the truncated text")
    _check_width(end, "the truncated text")


def _pre_join(eval_ctx: Any, value: Any, d: Any = "", attribute: Any = None) -> None:
    if isinstance(value, (str, list, tuple)):
        items = list(value)
        total = len(str(d)) * max(0, len(items) - 1)
        total += sum(_string_len(i) for i in items if attribute is None)
        if total > _limit():
            raise _too_large("the joined text")


def _pre_replace(eval_ctx: Any, s: Any, old: Any, new: Any, count: Any = None) -> None:
    s, old, new = str(s), str(old), str(new)
    hits = len(s) + 1 if old == "" else s.count(old)
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    if len(s) + hits * max(0, len(new) - len(old)) > _limit():
        raise _too_large("the replaced text")


def _pre_batch(value: Any, linecount: Any, fill_with: Any = None) -> None:
    _check_width(linecount, "the batches")


def _pre_sum(env: Any, iterable: Any, attribute: Any = None, start: Any = 0) -> None:
    if not isinstance(start, (int, float)) or isinstance(start, bool):
        raise BudgetExceeded("sum() adds numbers only in clause text")


_PRECHECKS: dict[str, Callable[..., None]] = {
    "center": _pre_center,
    "indent": _pre_indent,
    "wordwrap": _pre_wordwrap,
    "truncate": _pre_truncate,
    "join": _pre_join,
    "replace": _pre_replace,
    "batch": _pre_batch,
    "sum": _pre_sum,
}
# Filters that clause text and templates have no use for, or that would bypass escaping.
_REMOVED = {
    "attr",  # attribute access goes through checked dotted names only
    "safe",
    "forceescape",
    "pprint",
    "tojson",
    "xmlattr",
    "urlize",
    "urlencode",
    "random",
    "filesizeformat",
}
_FILTERS_ORIGINAL: dict[str, Callable[..., Any]] = {}


def _bounded(name: str, filter_: Callable[..., Any]) -> Callable[..., Any]:
    pre = _PRECHECKS.get(name)

    @functools.wraps(filter_)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if pre is not None:
            pre(*args, **kwargs)
        result = filter_(*args, **kwargs)
        if isinstance(result, types.GeneratorType):
            result = list(result)
        return _check_size(result, f"the result of |{name}")

    return wrapper


def _bounded_filters(filters: dict[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    _FILTERS_ORIGINAL.update({k: v for k, v in filters.items() if k not in _FILTERS_ORIGINAL})
    out = {}
    for name, filter_ in filters.items():
        if name in _REMOVED:
            continue
        if name == "format":
            out[name] = _bounded_format
            continue
        out[name] = _bounded(name, filter_)
    return out


# ----------------------------------------------------------------- the code generator


class _BoundedCodeGenerator(CodeGenerator):
    """Folds only literal text at compile time, counts loop passes and bounds ``~``."""

    def _output_child_to_const(self, node: nodes.Expr, frame: Frame, finalize: Any) -> str:
        if not isinstance(node, (nodes.TemplateData, nodes.Const)):
            raise nodes.Impossible()
        return super()._output_child_to_const(node, frame, finalize)

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        if node.recursive:
            self.fail("recursive loops are not allowed", node.lineno)
        # every pass of the loop is counted against the render budget
        original = node.iter
        node.iter = nodes.Call(
            nodes.EnvironmentAttribute("bounded_iter", lineno=original.lineno),
            [original],
            [],
            None,
            None,
            lineno=original.lineno,
        )
        try:
            super().visit_For(node, frame)
        finally:
            node.iter = original

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        else:
            join = "markup_join" if frame.eval_ctx.autoescape else "str_join"
        self.write(f"environment.bounded_concat({join}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class BoundedTemplate(Template):
    """A template whose every render runs inside its environment's budget."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        env = self.environment
        limits = getattr(env, "limits", (MAX_OUTPUT, MAX_ITERATIONS, MAX_SECONDS))
        budget = _Budget(*limits)
        token = _BUDGET.set(budget)
        try:
            ctx = self.new_context(dict(*args, **kwargs))
            out: list[str] = []
            size = 0
            try:
                for count, chunk in enumerate(self.root_render_func(ctx)):
                    size += len(chunk)
                    if size > budget.max_output:
                        raise BudgetExceeded(
                            f"it renders to more than {budget.max_output:,} characters"
                        )
                    out.append(chunk)
                    if not count & 0x3F:
                        budget.check_time()
            except Exception:
                env.handle_exception()
            return "".join(out)
        finally:
            _BUDGET.reset(token)


# ----------------------------------------------------------------- the environments


class _BoundedSandbox(SandboxedEnvironment):
    """What both sandboxes share: bounded operators, iteration, concatenation and calls."""

    code_generator_class = _BoundedCodeGenerator
    template_class = BoundedTemplate
    intercepted_binops = frozenset({"*", "**", "+", "//", "%"})
    limits: tuple[int, int, float] = (MAX_OUTPUT, MAX_ITERATIONS, MAX_SECONDS)
    what = "text"

    def bounded_iter(self, iterable: Any) -> Iterator[Any]:
        budget = _BUDGET.get()
        if isinstance(iterable, Undefined):
            yield from iterable  # StrictUndefined raises the missing answer's error here
            return
        for item in iterable:
            if budget is not None:
                budget.tick()
            yield item

    def bounded_concat(self, join: Callable[[Iterable[Any]], str], values: Iterable[Any]) -> str:
        items = list(values)
        total = sum(len(v) if isinstance(v, str) else 64 for v in items)
        if total > _limit():
            raise _too_large("the joined text (~)")
        return _check_size(join(items), "the joined text (~)")

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # no list.append / dict.update / set.add...: text cannot grow data in place
        if modifies_known_mutable(obj, attr):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if isinstance(right, (int, float)) and abs(right) > 64:
                raise BudgetExceeded(f"exponent too large in {self.what}")
            ints = isinstance(left, int) and isinstance(right, int) and right > 0
            if ints and max(1, abs(left).bit_length()) * right > MAX_BITS:
                raise BudgetExceeded(f"a power in {self.what} is too large for an agreement")
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                sized = isinstance(seq, (str, list, tuple)) and isinstance(n, int)
                if sized and len(seq) * n > _limit():
                    raise _too_large("the repeated text")
        if operator == "%" and isinstance(left, str):
            _check_printf(left, right)
        sized = isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple))
        if operator == "+" and sized and len(left) + len(right) > _limit():
            raise _too_large("the joined text (+)")
        result = super().call_binop(context, operator, left, right)
        if isinstance(result, float) and not math.isfinite(result):
            raise BudgetExceeded(f"a calculation in {self.what} gives {result}")
        return _check_size(result)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        if (
            isinstance(value, (types.MethodType, types.BuiltinMethodType))
            and value.__name__
            in (
                "format",
                "format_map",
            )
            and isinstance(getattr(value, "__self__", None), str)
        ):

            def refused(*args: Any, **kwargs: Any) -> str:
                raise SecurityError(f"str.format is not allowed in {self.what}; use ~ or filters")

            return refused
        return None


class ClauseSandbox(_BoundedSandbox):
    """The sandbox for clause text."""

    what = "clause text"

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        method_of = getattr(__obj, "__self__", None)
        if method_of is __self:
            pass  # the loop counter the code generator inserts
        elif isinstance(__obj, types.FunctionType):
            # ref('clause-id'): the only plain function clause text can reach (the context is
            # plain data, there are no globals, and str.format is replaced by a refusal)
            pass
        elif isinstance(method_of, (LoopContext, Cycler)) and __obj.__name__ in (
            "cycle",
            "changed",
            "next",
        ):
            pass
        else:
            name = getattr(__obj, "__name__", type(__obj).__name__)
            raise SecurityError(
                f"calling '{name}()' is not allowed in clause text; use a filter such as "
                "|upper or |join_and instead"
            )
        return super().call(__context, __obj, *args, **kwargs)


class TemplateSandbox(_BoundedSandbox):
    """The sandbox for a Word template's tags: methods allowed, sizes bounded."""

    what = "the template"
    limits = (TEMPLATE_MAX_OUTPUT, TEMPLATE_MAX_ITERATIONS, TEMPLATE_MAX_SECONDS)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        for arg in (*args, *kwargs.values()):
            _check_width(arg, f"the result of {getattr(__obj, '__name__', 'a call')}()")
        name = getattr(__obj, "__name__", "")
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str) and name == "join" and args:
            _pre_join(None, list(args[0]), owner)
        if isinstance(owner, str) and name == "replace" and len(args) >= 2:
            _pre_replace(None, owner, args[0], args[1], args[2] if len(args) > 2 else None)
        if isinstance(owner, str) and name == "expandtabs":
            width = args[0] if args else 8
            if isinstance(width, int) and width * (owner.count("\t") + 1) > _limit():
                raise _too_large("the expanded text")
        return _check_size(super().call(__context, __obj, *args, **kwargs), f"{name}()")


def _literal_braces(value: Any) -> Any:
    """Answers print their braces literally. docxtpl turns ``{_{``, ``}_}``, ``{_%`` and ``%_}``
    in the *rendered* XML into tag delimiters, so an answer containing them would come out
    changed; written as character references they survive as typed (the XML parser reads them
    back as ``{`` and ``}``)."""
    if isinstance(value, str) and not isinstance(value, Markup) and ("{" in value or "}" in value):
        return Markup(str(escape(value)).replace("{", "&#123;").replace("}", "&#125;"))
    return value


def _bounded_range(*args: Any) -> range:
    result = range(*args)
    if len(result) > TEMPLATE_MAX_RANGE:
        raise BudgetExceeded(f"range() is limited to {TEMPLATE_MAX_RANGE:,} numbers in templates")
    return result


def describe(exc: BaseException) -> str:
    """A message for an exception escaping a render: never empty (a MemoryError has none)."""
    if isinstance(exc, MemoryError):
        return "it needs more memory than this computer has"
    if isinstance(exc, RecursionError):
        return "it nests or calls itself too deeply"
    if isinstance(exc, OverflowError):
        return f"a number is too large ({exc})" if str(exc) else "a number is too large"
    text = str(exc).strip()
    return text or type(exc).__name__


def letter(number: Any) -> str:
    """1 -> 'a', 26 -> 'z', 27 -> 'aa', 28 -> 'ab' (list labels that never run out)."""
    n = int(number)
    if n < 1:
        raise ValueError(f"letter() numbers items from 1 (got {n})")
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def _money(value: Any) -> str:
    if isinstance(value, Undefined):
        return str(value)
    from .values import money

    return money(value)


def _percent(value: Any) -> str:
    if isinstance(value, Undefined):
        return str(value)
    from .values import percent

    return percent(value)


def make_environment() -> SandboxedEnvironment:
    """A new clause-text sandbox (StrictUndefined, no globals, bounded filters)."""
    env = ClauseSandbox(
        undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True
    )
    env.optimized = False  # no constant folding at compile time (it would bypass the bounds)
    env.filters = _bounded_filters(dict(env.filters))
    env.filters.update(
        join_and=_bounded("join_and", join_and),
        money=_money,
        percent=_percent,
        longdate=long_date,
        clock=clock,
        letter=letter,
    )
    env.globals.clear()
    return env


def make_template_environment() -> SandboxedEnvironment:
    """A new Word-template sandbox: autoescape on (answers come out as typed), StrictUndefined,
    bounded filters and operators, a bounded ``range``, no ``safe`` and no ``lipsum``."""
    env = TemplateSandbox(undefined=StrictUndefined, autoescape=True, finalize=_literal_braces)
    env.optimized = False
    env.filters = _bounded_filters(dict(env.filters))
    env.globals = {
        "range": _bounded_range,
        "dict": dict,
        "cycler": Cycler,
        "joiner": Joiner,
        "namespace": Namespace,
    }
    return env


def find_all(ast: nodes.Node, types: Any) -> list[Any]:
    """``ast.find_all(types)`` as a list, in the same (document) order, from one walk of the tree
    kept on it: validation asks a paragraph's tree for a dozen kinds of node, and Jinja's
    ``find_all`` walks the whole tree with nested generators for each."""
    every = ast.__dict__.get("_every_node")
    if every is None:
        every = []
        stack = _children(ast)
        stack.reverse()
        while stack:
            node = stack.pop()
            every.append(node)
            below = _children(node)
            below.reverse()
            stack += below
        ast.__dict__["_every_node"] = every
    return [node for node in every if isinstance(node, types)]


def _children(node: nodes.Node) -> list[nodes.Node]:
    """``list(node.iter_child_nodes())`` without the generators."""
    out: list[nodes.Node] = []
    for name in node.fields:
        item = getattr(node, name, None)
        if isinstance(item, list):
            out += [n for n in item if isinstance(n, nodes.Node)]
        elif isinstance(item, nodes.Node):
            out.append(item)
    return out


_CALLABLE_IN_TEXT = {"ref"}
_LOOP_METHODS = {"cycle", "changed"}


def static_problems(ast: nodes.Template, what: str = "clause text") -> list[str]:
    """What the sandbox would refuse, found before any render: method calls and calls of
    anything but ref() and loop.cycle(), recursive loops, huge literal numbers."""
    out: list[str] = []
    for call in find_all(ast, nodes.Call):
        callee = call.node
        if isinstance(callee, nodes.Name) and callee.name in _CALLABLE_IN_TEXT:
            continue
        if (
            isinstance(callee, nodes.Getattr)
            and isinstance(callee.node, nodes.Name)
            and callee.node.name == "loop"
            and callee.attr in _LOOP_METHODS
        ):
            continue
        if isinstance(callee, nodes.Getattr):
            out.append(
                f"calling '.{callee.attr}()' is not allowed in {what}; use a filter such as "
                "|upper instead"
            )
        elif not isinstance(callee, nodes.Name):
            out.append(f"only ref('clause-id') can be called in {what}")
    for attribute in find_all(ast, nodes.Getattr):
        if attribute.attr.startswith("_"):
            out.append(f"'{attribute.attr}' is not allowed in {what}")
    for loop in find_all(ast, nodes.For):
        if loop.recursive:
            out.append(f"recursive loops are not allowed in {what}")
    out += [message for _, message in huge_constants(ast, MAX_OUTPUT, what)]
    out += [message for _, message in constant_loop_passes(ast, MAX_ITERATIONS, what)]
    return list(dict.fromkeys(out))


def const_int(node: nodes.Node) -> int | None:
    """The value of a constant integer expression (``10 ** 9``, ``3 * 1000``), computed without
    ever building a large number; None when the node is not one."""
    if isinstance(node, nodes.Const):
        value = node.value
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(node, nodes.Neg):
        inner = const_int(node.node)
        return -inner if inner is not None else None
    if isinstance(node, (nodes.Pow, nodes.Mul, nodes.Add, nodes.Sub)):
        left, right = const_int(node.left), const_int(node.right)
        if left is None or right is None:
            return None
        if isinstance(node, nodes.Pow):
            if right < 0 or (abs(left) > 1 and right * abs(left).bit_length() > 128):
                return 1 << 128  # stands for "far too large"
            return int(left**right)
        if isinstance(node, nodes.Mul):
            if abs(left).bit_length() + abs(right).bit_length() > 128:
                return 1 << 128
            return left * right
        return left + right if isinstance(node, nodes.Add) else left - right
    return None


def huge_constants(ast: nodes.Template, limit: int, what: str) -> list[tuple[int, str]]:
    """(line, message) for constant sizes above ``limit`` given to a filter, a call (``range``),
    ``*`` or ``**``: a render would refuse them, so validation refuses them first."""
    out: list[tuple[int, str]] = []
    for node in find_all(ast, (nodes.Filter, nodes.Call, nodes.Mul, nodes.Pow)):
        if isinstance(node, (nodes.Filter, nodes.Call)):
            operands = [*node.args, *(k.value for k in node.kwargs)]
        else:
            operands = [node.left, node.right]
        if isinstance(node, nodes.Pow):
            operands = [node]  # the power itself
        for arg in operands:
            value = const_int(arg)
            if value is not None and abs(value) > limit:
                shown = f"{value:,}" if abs(value) < 1 << 64 else "a number with over 30 digits"
                out.append((node.lineno, f"the number {shown} is too large for {what}"))
    # a constant format string with a huge width or precision: '%0999999999d'|format(1), '%9999999s' % x
    for fmt in find_all(ast, (nodes.Filter, nodes.Mod)):
        spec = fmt.node if isinstance(fmt, nodes.Filter) and fmt.name == "format" else None
        if isinstance(fmt, nodes.Mod):
            spec = fmt.left
        if isinstance(spec, nodes.Const) and isinstance(spec.value, str):
            for width in _FORMAT_WIDTH.findall(spec.value):
                size = max((int(w) for w in width if w), default=0)
                if size > limit:
                    out.append(
                        (
                            fmt.lineno,
                            f"the format width {size:,} is too large for {what}",
                        )
                    )
                    break
    return out


def const_len(node: nodes.Node) -> int | None:
    """How many passes a loop over ``node`` makes, when that is fixed by the text itself
    (``range(9999)``, ``'x' * 90000``, a literal list); None when it depends on the answers."""
    if isinstance(node, nodes.Const) and isinstance(node.value, (str, list, tuple)):
        return len(node.value)
    if isinstance(node, (nodes.List, nodes.Tuple)):
        return len(node.items)
    if isinstance(node, nodes.Mul):
        for seq, count in ((node.left, node.right), (node.right, node.left)):
            length, times = const_len(seq), const_int(count)
            if length is not None and times is not None:
                return max(length * times, 0)
        return None
    if (
        isinstance(node, nodes.Call)
        and isinstance(node.node, nodes.Name)
        and node.node.name == "range"
        and not node.kwargs
        and 1 <= len(node.args) <= 3
    ):
        bounds = [b for b in (const_int(a) for a in node.args) if b is not None]
        if len(bounds) == len(node.args):
            try:
                return len(range(*bounds))  # a range object never holds its numbers
            except (ValueError, OverflowError):
                return None
    return None


def constant_loop_passes(ast: nodes.Template, limit: int, what: str) -> list[tuple[int, str]]:
    """(line, message) for nested loops whose passes, fixed by the text alone, multiply past
    ``limit`` (``{% for i in range(9999) %}{% for j in range(9999) %}``): every render would stop
    at the budget, so validation says so first."""
    out: list[tuple[int, str]] = []

    def visit(node: nodes.Node, passes: int) -> None:
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.For):
                count = const_len(child.iter)
                inner = passes * (count if count is not None else 1)
                if count is not None and inner > limit:
                    out.append(
                        (
                            child.lineno,
                            f"these nested loops run {inner:,} times, more than {what} may",
                        )
                    )
                    continue
                visit(child, inner)
            else:
                visit(child, passes)

    visit(ast, 1)
    return out


_FORMAT_WIDTH = re.compile(
    r"%[-+ #0]*(\d+)?(?:\.(\d+))?|\{[^{}]*:[^{}\d]*(\d+)?(?:\.(\d+))?[^{}]*\}"
)


ENV = make_environment()
