"""Checking a clause-specific answer (``values.<id>``) against the kind its clause declares."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..packs.models import ClauseInput, PolicyOption


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "").removeprefix("$").removesuffix("%"))
        except ValueError:
            return None
    return None


def value_problem(item: ClauseInput, value: Any) -> str | None:
    """Why ``value`` is not a valid answer for ``item`` (None when it is, or is not given)."""
    if value is None or value == "":
        return None
    kind = item.kind
    if kind == "text":
        return None if isinstance(value, (str, int, float)) else "expected text"
    if kind == "date":
        if isinstance(value, dt.date):
            return None
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            return f"'{value}' is not a date; write it as YYYY-MM-DD"
        return None
    if kind == "choice":
        allowed = [c.value for c in item.choices]
        return None if value in allowed else f"'{value}' is not one of: {', '.join(allowed)}"
    number = _number(value)
    if number is None:
        return f"'{value}' is not a number"
    if kind == "integer" and (number != int(number) or number < 0):
        return f"{value} is not a whole number of 0 or more"
    if kind == "percent" and not 0 <= number <= 100:
        return f"{value} is not a percentage between 0 and 100"
    if kind == "money" and number < 0:
        return f"{value} is not an amount of 0 or more"
    return None


def option_problem(option: PolicyOption, value: Any) -> str | None:
    """Why ``value`` is not a valid answer to a policy option."""
    if option.kind == "bool":
        return None if isinstance(value, bool) else f"answer true or false (got {value!r})"
    allowed = [c.value for c in option.choices]
    return None if value in allowed else f"'{value}' is not one of: {', '.join(allowed)}"
