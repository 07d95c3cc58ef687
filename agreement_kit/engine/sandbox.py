"""The sandbox clause text runs in: a Jinja :class:`SandboxedEnvironment` with StrictUndefined,
bounded arithmetic and the filters clause text may use (money, percent, dates, clock times).

Clause packs may come from other districts, so their text is untrusted code-like data.
"""

from __future__ import annotations

from typing import Any

from jinja2 import StrictUndefined
from jinja2.runtime import Undefined
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from .context import clock, join_and, long_date


def _money(value: Any) -> str:
    if isinstance(value, Undefined):
        return str(value)
    amount = float(value)
    return f"${amount:,.2f}" if amount % 1 else f"${amount:,.0f}"


def _percent(value: Any) -> str:
    if isinstance(value, Undefined):
        return str(value)
    number = float(value)
    return f"{number:g}%"


MAX_OUTPUT = 100_000  # characters: no clause paragraph needs more


class ClauseSandbox(SandboxedEnvironment):
    """The sandbox for clause text, with arithmetic bounded so text cannot exhaust memory."""

    intercepted_binops = frozenset({"*", "**", "+", "//", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
            raise SecurityError("exponent too large in clause text")
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                sized = isinstance(seq, (str, list, tuple)) and isinstance(n, int)
                if sized and len(seq) * n > MAX_OUTPUT:
                    raise SecurityError("repetition too large in clause text")
        result = super().call_binop(context, operator, left, right)
        if isinstance(result, (str, list, tuple)) and len(result) > MAX_OUTPUT:
            raise SecurityError("value too large in clause text")
        return result


def make_environment() -> SandboxedEnvironment:
    env = ClauseSandbox(
        undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True
    )
    env.optimized = False  # no constant folding at compile time (it would bypass the bounds)
    env.filters.pop("attr", None)  # attribute access goes through checked dotted names only
    env.filters.update(
        join_and=join_and, money=_money, percent=_percent, longdate=long_date, clock=clock
    )
    env.globals.clear()
    return env


ENV = make_environment()
