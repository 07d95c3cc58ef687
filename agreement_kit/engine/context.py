"""What clause text sees: the draft's answers in the words an agreement uses.

:func:`clause_context` turns a :class:`Draft` into plain dicts and lists. Every leaf that depends on an
answer not yet given is ``None``; :data:`SOURCES` says which draft field a derived leaf comes from, so a
missing answer is reported where the user gives it. The shape of the context is the schema that clause
variables are checked against at load time (:func:`context_schema`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..drafts.model import Agency, Approval, Draft, Placement
from .costs import cap_check, cost_estimate, hours_text, money_text, placement_hours
from .parties import (
    LISTED_KINDS,
    agency_description,
    body_of,
    department,
    governing_body,
    kind_phrase,
    long_date,
    resolution,
    with_article,
)

DAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
DISTRICT_KINDS = {
    "common": "common school district",
    "union_high": "union high school district",
    "unified": "unified school district",
    "first_class_city": "first class city school district",
}
MUNICIPALITY_KINDS = {
    "city": "city",
    "village": "village",
    "town": "town",
    "county": "county",
    "tribe": "federally recognized American Indian tribe or band",
    "state_agency": "state agency",
}
PROGRAM_TITLES = {
    "PSL": ("Police School Liaison Program", "Police School Liaison", "Police School Liaisons"),
    "SRO": (
        "School Resource Officer Program",
        "School Resource Officer",
        "School Resource Officers",
    ),
}

# Derived context leaves and the draft field the user fills to provide them ('*' = each list item;
# 'a|b' = whichever of the two is empty).
SOURCES: dict[str, str] = {
    "district.kind_label": "district.kind",
    "agencies.*.municipality.kind_label": "agencies.*.municipality.kind",
    "agencies.*.label": "agencies.*.name",
    "agencies.*.municipality.the_name": "agencies.*.municipality.name",
    "agencies.*.municipality.The_name": "agencies.*.municipality.name",
    "agencies.*.municipality.body": "agencies.*.municipality.governing_body",
    "agencies.*.municipality.body_of": "agencies.*.municipality.governing_body",
    "agencies.*.municipality.description": "agencies.*.municipality.name",
    "agencies.*.municipality.kind_phrase": "agencies.*.municipality.kind",
    "agencies.*.department": "agencies.*.name",
    "agencies.*.approval.text": "agencies.*.approval.resolution|agencies.*.approval.date",
    "district.approval.text": "district.approval.resolution|district.approval.date",
    "agency.names": "agencies.*.name",
    "agency.parties": "agencies.*.municipality.name",
    "agency.listed": "agencies.*.municipality.kind|agencies.*.municipality.name",
    "agency.tribes": "agencies.*.municipality.kind|agencies.*.municipality.name",
    "program.placements.*.days_text": "program.placements.*.days",
    "program.placements.*.hours": "program.placements.*.start|program.placements.*.end",
    "program.placements.*.agency_name": "agencies.*.name",
    "program.placements.*.weekly_hours": (
        "program.placements.*.days|program.placements.*.start|program.placements.*.end"
    ),
    "cost.estimate": (
        "agencies.*.hourly_cost|values.cost_share_percent|values.cost_weeks"
        "|program.placements.*.days|program.placements.*.start|program.placements.*.end"
    ),
    "program.buildings": "program.placements.*.building",
    "program.officers.*.agency_name": "agencies.*.name",
    "term.effective_date": "term.effective",
    "term.end_date": "term.end",
    "term.years": "term.end",
}


def join_and(items: Sequence[object], word: str = "and") -> str:
    """'A', 'A and B', 'A, B, and C' (serial comma, as legal drafting prefers)."""
    names = [str(i) for i in items]
    if len(names) <= 2:
        return f" {word} ".join(names)
    return ", ".join(names[:-1]) + f", {word} " + names[-1]


def clock(value: str | None) -> str | None:
    """'07:30' -> '7:30 a.m.'; '12:00' -> '12:00 p.m.'."""
    if not value:
        return None
    hour, minute = (int(x) for x in value.split(":"))
    suffix = "a.m." if hour < 12 else "p.m."
    return f"{(hour - 1) % 12 + 1}:{minute:02d} {suffix}"


def days_text(days: list[str]) -> str | None:
    """['mon','tue','wed','thu','fri'] -> 'Monday through Friday'; else a list."""
    if not days:
        return None
    order = list(DAY_NAMES)
    idx = [order.index(d) for d in days]
    if len(idx) >= 3 and idx == list(range(idx[0], idx[-1] + 1)):
        return f"{DAY_NAMES[days[0]]} through {DAY_NAMES[days[-1]]}"
    return join_and([DAY_NAMES[d] for d in days])


def _person(p: Any) -> dict[str, Any]:
    return {"name": p.name, "title": p.title}


def _capital(text: str | None) -> str | None:
    """'the City of Riverton' -> 'The City of Riverton' (for the start of a sentence)."""
    return text[:1].upper() + text[1:] if text else text


def _approval(approval: Approval, final: bool) -> dict[str, Any]:
    return {
        "resolution": approval.resolution,
        "date": long_date(approval.date),
        "text": resolution(approval, final),
    }


def _agency(a: Agency, number: int, final: bool) -> dict[str, Any]:
    kind = a.municipality.kind
    return {
        "number": number,
        "name": a.name,
        "label": a.name,
        "department": department(a.name),
        "address": a.address,
        "municipality": {
            "name": a.municipality.name,
            "the_name": with_article(a.municipality.name),
            "The_name": _capital(with_article(a.municipality.name)),
            "kind": kind,
            "kind_label": MUNICIPALITY_KINDS.get(kind or ""),
            "listed": kind in LISTED_KINDS if kind else None,
            "body": governing_body(a),
            "body_of": body_of(a),
            "kind_phrase": kind_phrase(kind) or None,
            "description": agency_description(a) if a.municipality.name and kind else None,
        },
        "head": _person(a.head),
        "signatory": _person(a.signatory),
        "attest": _person(a.attest),
        "counsel": _person(a.counsel),
        "approval": _approval(a.approval, final),
        "hourly_cost": a.hourly_cost,
    }


def _agency_name(draft: Draft, index: int) -> str | None:
    return draft.agencies[index].name if index < len(draft.agencies) else None


def _placement(p: Placement, draft: Draft) -> dict[str, Any]:
    hours = f"{clock(p.start)} to {clock(p.end)}" if p.start and p.end else None
    return {
        "building": p.building,
        "principal": p.principal,
        "days": list(p.days),
        "days_text": days_text(list(p.days)),
        "start": clock(p.start),
        "end": clock(p.end),
        "hours": hours,
        "agency_name": _agency_name(draft, p.agency),
        "weekly_hours": hours_text(placement_hours(p)),
    }


def _grammar(draft: Draft) -> dict[str, Any]:
    many = len(draft.agencies) > 1
    names = [a.name for a in draft.agencies]
    parties = [with_article(a.municipality.name) for a in draft.agencies]
    return {
        "count": len(draft.agencies),
        "many": many,
        "term": "Agencies" if many else "Agency",
        "the": "the Agencies" if many else "the Agency",
        "The": "The Agencies" if many else "The Agency",
        "each": "each Agency" if many else "the Agency",
        "Each": "Each Agency" if many else "The Agency",
        "s": "" if many else "s",
        "has": "have" if many else "has",
        "is": "are" if many else "is",
        "its": "their" if many else "its",
        "names": join_and(names) if names and all(names) else None,
        "parties": join_and(parties) if parties and all(parties) else None,
        # parties that § 66.0301(1)(a) lists as municipalities, and tribes (which act under their
        # own law): "" when there is none, None while a name or kind is still unanswered
        "listed": _names_of(draft, lambda k: k in LISTED_KINDS),
        "listed_count": sum(1 for a in draft.agencies if a.municipality.kind in LISTED_KINDS),
        "tribes": _names_of(draft, lambda k: k == "tribe"),
    }


def _names_of(draft: Draft, wanted: Any) -> str | None:
    if not all(a.municipality.name and a.municipality.kind for a in draft.agencies):
        return None
    names = [
        with_article(a.municipality.name) or ""
        for a in draft.agencies
        if wanted(a.municipality.kind)
    ]
    return join_and(names) if names else ""


def _term(draft: Draft) -> dict[str, Any]:
    t = draft.term
    years = None
    if t.effective and t.end:
        years = max(1, round((t.end - t.effective).days / 365.25))
    return {
        "effective": t.effective,
        "end": t.end,
        "effective_date": long_date(t.effective),
        "end_date": long_date(t.end),
        "years": years,
        "renewal": t.renewal,
        "renewal_years": t.renewal_years,
    }


def clause_context(draft: Draft, options: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The variables clause text may use, built from ``draft`` (``None`` where unanswered)."""
    program = draft.program
    title, officer, officers = PROGRAM_TITLES[program.name]
    buildings = [p.building for p in program.placements]
    count = program.officer_count or (len(program.officers) or None)
    return {
        "district": {
            "name": draft.district.name,
            "kind": draft.district.kind,
            "kind_label": DISTRICT_KINDS.get(draft.district.kind or ""),
            "board": draft.district.board,
            "address": draft.district.address,
            "administrator": _person(draft.district.administrator),
            "signatory": _person(draft.district.signatory),
            "attest": _person(draft.district.attest),
            "counsel": _person(draft.district.counsel),
            "approval": _approval(draft.district.approval, draft.final),
        },
        "agencies": [_agency(a, i + 1, draft.final) for i, a in enumerate(draft.agencies)],
        "agency": _grammar(draft),
        "program": {
            "name": program.name,
            "title": title,
            "officer": officer,
            "officers_term": officers,
            "officer_count": count,
            "officers": [
                {"name": o.name, "agency_name": _agency_name(draft, o.agency)}
                for o in program.officers
            ],
            "placements": [_placement(p, draft) for p in program.placements],
            "buildings": join_and(buildings) if buildings and all(buildings) else None,
        },
        "term": _term(draft),
        "cost": _cost(draft, values),
        "options": dict(options),
        "values": dict(values),
    }


def _cost(draft: Draft, values: dict[str, Any]) -> dict[str, Any]:
    """The cost estimate as clause text prints it (see :mod:`.costs`)."""
    estimate = cost_estimate(draft, values)
    return {
        "estimate": money_text(estimate.estimate),
        "check": cap_check(estimate),
    }


def context_schema() -> dict[str, Any]:
    """The shape of :func:`clause_context`: dict = object, [shape] = list, None = leaf value."""
    sample = Draft(agencies=[Agency()], program={"placements": [{}], "officers": [{}]})

    def shape(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: shape(v) for k, v in value.items()}
        if isinstance(value, list):
            return [shape(value[0]) if value else None]
        return None

    return shape(clause_context(sample, {}, {}))
