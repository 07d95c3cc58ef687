"""Typed clause-specific answers (``values.<id>``): money, percentages, counts, numbers, dates,
choices and short text, read one way everywhere and printed the way a lawyer writes them.

:func:`parse_value` is the only reader: the draft check, pack validation (defaults), the wizard and
the sandbox filters ``money`` and ``percent`` all call it, so a value that validates always renders.
It accepts ``50``, ``"50%"``, ``"$92,500"``, ``"1,000"`` and ``92500.0`` alike, and refuses
``nan``, ``inf``, ``true``/``false``, ``-0``, exponents (``1e3``), misplaced thousands separators
(``"3,9"`` — is that 39 or 3.9?), more decimal places than the kind allows and absurd sizes.

The typed results are :class:`decimal.Decimal` / :class:`int` subclasses whose ``str()`` is the
printed form (``$92,500``, ``$1,234.50``, ``43.3%``, ``39``), so ``{{ values.x }}`` and the filters
print the same thing, and arithmetic in clause text stays exact.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from ..packs.models import ClauseInput, PolicyOption
from ..textpolicy import text_problem

MAX_MONEY = Decimal("1000000000000")  # a trillion dollars: no school agreement comes close
MAX_COUNT = 1_000_000_000
MAX_NUMBER = Decimal("1000000000")
PLACES = {"money": 2, "percent": 2, "number": 4, "integer": 0}
MAX_TEXT_VALUE = 2_000  # characters in a free-text clause answer without a declared max_length

_NUMERAL = re.compile(
    r"^(?P<sign>[-+]?)(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?$|"
    r"^(?P<sign2>[-+]?)\.(?P<frac2>\d+)$"
)
_SENTENCE = re.compile(r"[.!?;:]\s+\S|[!?;]|[\r\n]")


class ValueProblem(ValueError):
    """A value that is not a valid answer for its clause input; the message says why."""


def _plain(number: Decimal) -> str:
    """Digits with thousands separators and no trailing zeros: 1,000 / 43.3 / 0.25."""
    text = f"{number:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


class Money(Decimal):
    """A dollar amount; prints as ``$92,500`` or, with cents, ``$1,234.50``."""

    cents: bool | None = None

    def __new__(cls, value: Any, cents: bool | None = None) -> Money:
        self = super().__new__(cls, value)
        self.cents = cents
        return self

    def __str__(self) -> str:
        whole = self == self.to_integral_value()
        if self.cents or (self.cents is None and not whole):
            return f"${self.quantize(Decimal('0.01'), ROUND_HALF_EVEN):,.2f}"
        return f"${self:,.0f}"

    def __repr__(self) -> str:
        return f"Money('{Decimal.__str__(self)}')"


class Percent(Decimal):
    """A percentage from 0 to 100; prints as ``50%`` or ``43.3%``."""

    def __str__(self) -> str:
        return _plain(Decimal(self)) + "%"

    def __repr__(self) -> str:
        return f"Percent('{Decimal.__str__(self)}')"

    def complement(self) -> Percent:
        """The rest of 100% (the other parties' share): exact, so the two add up to 100."""
        return Percent(Decimal(100) - Decimal(self))


class Number(Decimal):
    """A quantity (weeks, hours, a rate); prints as ``37.5`` or ``1,000``."""

    def __str__(self) -> str:
        return _plain(Decimal(self))

    def __repr__(self) -> str:
        return f"Number('{Decimal.__str__(self)}')"


class Count(int):
    """A whole number of 0 or more (officers, weeks, hours); prints as ``39`` or ``1,000``."""

    def __str__(self) -> str:
        return f"{int(self):,}"

    def __repr__(self) -> str:
        return f"Count({int(self)})"


def _decimal(value: Any, kind: str) -> Decimal:
    """``value`` as an exact decimal, refusing anything a person would not write as a number."""
    what = {"money": "an amount", "percent": "a percentage"}.get(kind, "a number")
    if isinstance(value, bool):
        raise ValueProblem(f"expected {what}, not {'true' if value else 'false'}")
    if isinstance(value, Decimal):
        number = value
        if not number.is_finite():
            raise ValueProblem(f"expected {what}, not {value}")
    elif isinstance(value, int):
        if abs(value) >= 10**18:
            raise ValueProblem(f"{value} is far too large")
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueProblem(f"expected {what}, not {value}")
        if value == 0 and math.copysign(1, value) < 0:
            raise ValueProblem("-0 is not a value; write 0")
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip()
        if kind == "money":
            text = (
                text.removeprefix("$").strip()
                if not text.startswith("-")
                else ("-" + text[1:].strip().removeprefix("$").strip())
            )
            text = text.removesuffix("USD").strip()
        if kind == "percent":
            text = text.removesuffix("%").strip()
        match = _NUMERAL.match(text)
        if not match:
            if "," in text and re.match(r"^[-+]?\d+,\d{1,2}$", text):
                raise ValueProblem(
                    f"'{value}' is ambiguous: commas separate thousands here (1,000); "
                    "write a decimal point for a fraction (3.9) or leave the comma out (39)"
                )
            if "," in text and re.match(r"^[-+]?[\d,]+(\.\d+)?$", text):
                raise ValueProblem(
                    f"'{value}' has its commas in the wrong places; write thousands as 1,000 or 1000"
                )
            raise ValueProblem(
                f"'{value}' is not {what}"
                + ("; write digits, e.g. 50 or 12.5" if kind != "money" else "; write e.g. $92,500")
            )
        sign = match.group("sign") or match.group("sign2") or ""
        digits = (match.group("int") or "0").replace(",", "")
        frac = match.group("frac") or match.group("frac2") or ""
        if len(digits.lstrip("0")) > 15 or len(frac) > 12:
            raise ValueProblem(f"'{value}' has far too many digits")
        number = Decimal(f"{sign}{digits}.{frac}" if frac else f"{sign}{digits}")
        if number == 0 and sign == "-":
            raise ValueProblem("-0 is not a value; write 0")
    else:
        raise ValueProblem(f"expected {what}")
    if number.is_signed() and number.is_zero():
        raise ValueProblem("-0 is not a value; write 0")
    return number


def _places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def parse_value(item: ClauseInput, value: Any) -> Any:
    """``value`` as the typed answer ``item`` declares; None when not given.

    Raises :class:`ValueProblem` (a ValueError) with a message for the user."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    kind = item.kind
    if kind == "text":
        return _text(item, value)
    if kind == "date":
        return _date(value)
    if kind == "choice":
        allowed = [c.value for c in item.choices]
        if isinstance(value, str) and value in allowed:
            return value
        raise ValueProblem(f"'{value}' is not one of: {', '.join(allowed)}")
    number = _decimal(value, kind)
    places = _places(number)
    if kind == "integer":
        if places:
            raise ValueProblem(f"{value} is not a whole number")
        if number < 0:
            raise ValueProblem(f"{value} is not a whole number of 0 or more")
        if number > MAX_COUNT:
            raise ValueProblem(f"{value} is far too large for a count")
        result: Any = Count(int(number))
    elif kind == "percent":
        if not 0 <= number <= 100:
            raise ValueProblem(f"{value} is not a percentage between 0 and 100")
        if places > PLACES["percent"]:
            raise ValueProblem(
                f"{value} has more decimal places than a percentage in an agreement needs "
                "(at most 2, e.g. 43.33)"
            )
        result = Percent(number.normalize() if places else number.quantize(Decimal(1)))
    elif kind == "money":
        if number < 0:
            raise ValueProblem(f"{value} is not an amount of 0 or more")
        if number >= MAX_MONEY:
            raise ValueProblem(f"{value} is far too large for an amount in this agreement")
        if places > 2:
            raise ValueProblem(f"{value} has fractions of a cent; round it to whole cents")
        if item.cents is False and places:
            raise ValueProblem(f"{value} has cents, but this clause states whole dollars")
        result = Money(
            number.quantize(Decimal("0.01")) if places else number.quantize(Decimal(1)), item.cents
        )
    else:  # number
        if abs(number) >= MAX_NUMBER:
            raise ValueProblem(f"{value} is far too large")
        if places > PLACES["number"]:
            raise ValueProblem(
                f"{value} has more decimal places than this answer needs (at most 4)"
            )
        if number < 0:
            raise ValueProblem(f"{value} is not a number of 0 or more")
        result = Number(number.normalize() if places else number.quantize(Decimal(1)))
    if item.minimum is not None and result < Decimal(str(item.minimum)):
        raise ValueProblem(f"{value} is less than the least this clause allows ({item.minimum})")
    if item.maximum is not None and result > Decimal(str(item.maximum)):
        raise ValueProblem(f"{value} is more than the most this clause allows ({item.maximum})")
    return result


def _text(item: ClauseInput, value: Any) -> str:
    if isinstance(value, (bool, float)) or not isinstance(value, (str, int)):
        raise ValueProblem("expected text; put it in quotes so it prints exactly as typed")
    text = str(value).strip()
    if message := text_problem(text):
        raise ValueProblem(message)
    limit = item.max_length or MAX_TEXT_VALUE
    if len(text) > limit:
        raise ValueProblem(
            f"is {len(text):,} characters long; this answer may be at most {limit:,}"
            + (" (it is read into the middle of a sentence)" if item.max_length else "")
        )
    if item.single_phrase and (bad := _SENTENCE.search(text)):
        raise ValueProblem(
            f"'{text[:60]}' reads as more than a phrase ({bad.group().strip() or 'a line break'!r}); "
            "this answer is printed inside a sentence of the clause, so give only the phrase, "
            "e.g. 'August 15'"
        )
    return text


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueProblem(f"'{value}' is not a date; write it as YYYY-MM-DD")


def value_problem(item: ClauseInput, value: Any) -> str | None:
    """Why ``value`` is not a valid answer for ``item`` (None when it is, or is not given)."""
    try:
        parse_value(item, value)
    except ValueProblem as exc:
        return str(exc)
    return None


def typed_values(inputs: dict[str, ClauseInput], values: dict[str, Any]) -> dict[str, Any]:
    """The draft's answers as typed values, for clause text and the template. An answer that is
    not valid is left out (the draft check reports it, with its line); unknown keys stay as they
    are."""
    out: dict[str, Any] = {}
    for key, raw in values.items():
        item = inputs.get(key)
        if item is None:
            out[key] = raw
            continue
        try:
            out[key] = parse_value(item, raw)
        except ValueProblem:
            out[key] = None
    return out


def shares_to_100(shares: list[Decimal], places: int = 2) -> list[Percent]:
    """Round percentages so they add up to exactly 100 (largest remainder), e.g. three equal
    shares -> 33.34%, 33.33%, 33.33%."""
    total = sum(shares, Decimal(0))
    if not shares or total <= 0:
        return [Percent(0) for _ in shares]
    unit = Decimal(1).scaleb(-places)
    exact = [Decimal(s) * 100 / total for s in shares]
    floors = [e.quantize(unit, rounding="ROUND_FLOOR") for e in exact]
    left = int((Decimal(100) - sum(floors, Decimal(0))) / unit)
    order = sorted(range(len(shares)), key=lambda i: exact[i] - floors[i], reverse=True)
    for i in order[:left]:
        floors[i] += unit
    return [
        Percent(f.normalize() if f != f.to_integral_value() else f.quantize(Decimal(1)))
        for f in floors
    ]


def money(value: Any, *, cents: bool | None = None) -> str:
    """The ``money`` filter: ``$92,500``. Accepts what :func:`parse_value` accepts for money."""
    if isinstance(value, Money) and cents is None:
        return str(value)
    item = ClauseInput(id="amount", label="amount", kind="money", cents=cents)
    return str(parse_value(item, value))


def percent(value: Any) -> str:
    """The ``percent`` filter: ``50%``. Accepts ``50``, ``"50%"``, a Percent."""
    if isinstance(value, Percent):
        return str(value)
    return str(parse_value(ClauseInput(id="share", label="share", kind="percent"), value))


def option_problem(option: PolicyOption, value: Any) -> str | None:
    """Why ``value`` is not a valid answer to a policy option."""
    if option.kind == "bool":
        return None if isinstance(value, bool) else f"answer true or false (got {value!r})"
    allowed = [c.value for c in option.choices]
    return None if value in allowed else f"'{value}' is not one of: {', '.join(allowed)}"


__all__ = [
    "Count",
    "Money",
    "Number",
    "Percent",
    "ValueProblem",
    "money",
    "option_problem",
    "parse_value",
    "percent",
    "shares_to_100",
    "typed_values",
    "value_problem",
]
