"""The cost model: what the District pays each agency, computed from the placement schedule.

The unit of service is the *Scheduled Hour*: an hour that the placement schedule assigns an officer to
a building on a school day. A building served two mornings a week is charged for those mornings only,
and absences, vacancies, closures and partial years all reduce payments the same way, by the
Scheduled Hours not served.

* Cost share (``cost-share-percentage``): for each agency, estimated District payment =
  Scheduled Hours per week x weeks of service x the agency's hourly cost x the District's share,
  rounded to the nearest whole dollar (half a dollar up). The total is the sum of the rounded
  amounts, so the table adds up. The not-to-exceed amount is divided among the agencies in
  proportion to their estimates by the largest-remainder method, in whole dollars, so the shares add
  up to the cap exactly; each share is at least the agency's estimate whenever the total estimate is
  within the cap.
* Annual fee (``cost-share-flat-fee``): the fee is divided among the agencies in proportion to their
  Scheduled Hours, by the same largest-remainder rule, so the shares add up to the fee.

Everything is computed in :class:`~decimal.Decimal`; an amount is ``None`` while an answer it needs
is missing, so clause text that prints it reports the missing answer.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..drafts.model import Draft, Placement
from .values import Money, Number, Percent

DOLLAR = Decimal(1)
CENT = Decimal("0.01")


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)


class AgencyCost(_Out):
    """One agency's line of the cost table."""

    number: int  # 1-based, in the order the agencies are listed
    agency: str  # the police department or sheriff's office
    party: str  # the municipality
    weekly_hours: Decimal | None  # Scheduled Hours per week
    annual_hours: Decimal | None  # Scheduled Hours per school year (weekly x weeks)
    hourly_cost: Decimal | None  # the agency's estimated hourly cost (cost-share model)
    estimate: Decimal | None  # estimated District payment, whole dollars (cost-share model)
    cap_share: Decimal | None  # this agency's part of the not-to-exceed amount, whole dollars
    hours_share: Decimal | None  # fraction of all Scheduled Hours (0..1)
    fee_share: Decimal | None  # this agency's part of the annual fee, whole dollars (fee model)


class CostEstimate(_Out):
    """The cost table: one line per agency, the totals, and the inputs they came from."""

    weeks: Decimal | None
    share: Decimal | None  # the District's share, per cent
    cap: Decimal | None  # the not-to-exceed amount per school year
    fee: Decimal | None  # the annual fee
    agencies: list[AgencyCost]
    weekly_hours: Decimal | None
    annual_hours: Decimal | None
    estimate: Decimal | None  # sum of the agencies' rounded estimates
    fee_total: Decimal | None  # sum of the agencies' fee shares (= fee)

    @property
    def over_cap(self) -> bool:
        return self.estimate is not None and self.cap is not None and self.estimate > self.cap


# ----------------------------------------------------------------------------- arithmetic


def decimal(value: Any) -> Decimal | None:
    """A draft answer as a Decimal (None when unanswered or not a finite number)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).replace(",", "").removeprefix("$").removesuffix("%").strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def whole_dollars(amount: Decimal) -> Decimal:
    """Nearest whole dollar, half a dollar rounding up (amounts here are never negative)."""
    return amount.quantize(DOLLAR, rounding=ROUND_HALF_UP)


def largest_remainder(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Whole-dollar shares of ``total`` (itself whole dollars) in proportion to ``weights``: each
    share is rounded down, then the dollars left over go one at a time to the largest remainders
    (the earlier share first on a tie). The shares add up to ``total`` exactly. With no weight at
    all the total is shared equally."""
    total = whole_dollars(total)
    if not weights:
        return []
    if sum(weights) <= 0:
        weights = [Decimal(1)] * len(weights)
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    shares = [e.quantize(DOLLAR, rounding=ROUND_FLOOR) for e in exact]
    left = int(total - sum(shares))
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:left]:
        shares[i] += 1
    return shares


def _minutes(p: Placement) -> int | None:
    if not (p.start and p.end and p.days):
        return None
    (h1, m1), (h2, m2) = (map(int, t.split(":")) for t in (p.start, p.end))
    return ((h2 * 60 + m2) - (h1 * 60 + m1)) * len(p.days)


def weekly_hours(draft: Draft) -> list[Decimal | None]:
    """Scheduled Hours per week of each agency (None while a placement's days or times are
    missing)."""
    minutes: list[int | None] = [0] * len(draft.agencies)
    for p in draft.program.placements:
        if p.agency >= len(minutes):
            continue
        m, so_far = _minutes(p), minutes[p.agency]
        minutes[p.agency] = None if m is None or so_far is None else so_far + m
    return [None if m is None else Decimal(m) / 60 for m in minutes]


def cost_estimate(draft: Draft, values: dict[str, Any] | None = None) -> CostEstimate:
    """The cost table for ``draft`` (its ``values`` unless others are given)."""
    values = draft.values if values is None else values
    weeks = decimal(values.get("cost_weeks"))
    share = decimal(values.get("cost_share_percent"))
    cap = decimal(values.get("not_to_exceed"))
    fee = decimal(values.get("annual_fee"))
    weekly = weekly_hours(draft)
    annual = [None if w is None or weeks is None else w * weeks for w in weekly]
    rates = [decimal(a.hourly_cost) for a in draft.agencies]
    estimates = [
        None if h is None or r is None or share is None else whole_dollars(h * r * share / 100)
        for h, r in zip(annual, rates, strict=True)
    ]
    known = all(e is not None for e in estimates) and bool(estimates)
    total = sum((e for e in estimates if e is not None), Decimal(0)) if known else None
    caps: list[Decimal | None] = [None] * len(estimates)
    if known and cap is not None:
        caps = list(largest_remainder(cap, [e or Decimal(0) for e in estimates]))
    hours_known = all(h is not None for h in annual) and bool(annual)
    all_hours = sum((h for h in annual if h is not None), Decimal(0)) if hours_known else None
    fractions: list[Decimal | None] = [None] * len(annual)
    fees: list[Decimal | None] = [None] * len(annual)
    if hours_known:
        weights = [h or Decimal(0) for h in annual]
        whole = sum(weights)
        fractions = [w / whole if whole else None for w in weights]
        if fee is not None:
            fees = list(largest_remainder(fee, weights))
    rows = [
        AgencyCost(
            number=i + 1,
            agency=a.name or "",
            party=a.municipality.name or "",
            weekly_hours=weekly[i],
            annual_hours=annual[i],
            hourly_cost=rates[i],
            estimate=estimates[i],
            cap_share=caps[i],
            hours_share=fractions[i],
            fee_share=fees[i],
        )
        for i, a in enumerate(draft.agencies)
    ]
    known_weekly = all(w is not None for w in weekly) and bool(weekly)
    return CostEstimate(
        weeks=weeks,
        share=share,
        cap=whole_dollars(cap) if cap is not None else None,
        fee=whole_dollars(fee) if fee is not None else None,
        agencies=rows,
        weekly_hours=sum((w for w in weekly if w is not None), Decimal(0))
        if known_weekly
        else None,
        annual_hours=all_hours,
        estimate=total,
        fee_total=sum((f for f in fees if f is not None), Decimal(0))
        if fee is not None and hours_known
        else None,
    )


# ----------------------------------------------------------------------------- words
# Printed through the typed values of :mod:`.values`, so the table and the clause text agree.


def money_text(amount: Decimal | None) -> str | None:
    """'$77,695' (whole dollars) or '$62.50'."""
    return None if amount is None else str(Money(amount))


def hours_text(hours: Decimal | None) -> str | None:
    """'42.5', '1,657.5', '8' (at most two decimals, no trailing zeros)."""
    return None if hours is None else str(Number(hours.quantize(CENT, rounding=ROUND_HALF_UP)))


def percent_text(fraction: Decimal | None) -> str | None:
    """0.8415 -> '84.2%' (a fraction of the whole, to one decimal)."""
    if fraction is None:
        return None
    return str(Percent((fraction * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)))


def percent_number(value: Decimal | None) -> str | None:
    """A number of per cent: 75 -> '75%', 62.5 -> '62.5%'."""
    return None if value is None else str(Percent(value))


class CapExceeded:
    """Printed at the start of the not-to-exceed paragraph. Empty while the estimate is within the
    cap (or cannot be computed yet); when the estimate is over the cap, printing it fails with a
    message naming the answers to change, so the agreement cannot be built with a cap below its
    own estimate."""

    def __init__(self, message: str = "") -> None:
        self.message = message

    def __str__(self) -> str:
        if self.message:
            raise ValueError(self.message)
        return ""

    def __eq__(self, other: object) -> bool:  # equal checks are the same answer (for memoizing)
        return isinstance(other, CapExceeded) and other.message == self.message

    def __hash__(self) -> int:
        return hash(("CapExceeded", self.message))

    def __repr__(self) -> str:
        return f"CapExceeded({self.message!r})"


def cap_check(estimate: CostEstimate) -> CapExceeded:
    if not estimate.over_cap:
        return CapExceeded()
    return CapExceeded(
        f"the first-year estimate of the District's cost share, {money_text(estimate.estimate)}, "
        f"is more than the not-to-exceed amount, {money_text(estimate.cap)} "
        "(values.not_to_exceed): raise that amount, lower the District's share "
        "(values.cost_share_percent), or reduce the scheduled hours"
    )


def placement_hours(p: Placement) -> Decimal | None:
    """Scheduled Hours per week of one placement."""
    minutes = _minutes(p)
    return None if minutes is None else Decimal(minutes) / 60
