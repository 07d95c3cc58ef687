"""The deal terms at the top of the checklist, and the § 66.0301 party check.

Deal terms are read from the draft and the library generically — the parties, term, officers and
schedule, each policy option, each alternative group's choice, and the answers of included clauses —
so they work for any pack, not only the bundled one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..drafts.model import Draft
from ..engine.context import (
    DISTRICT_KINDS,
    MUNICIPALITY_KINDS,
    PROGRAM_TITLES,
    clock,
    days_text,
    long_date,
    with_article,
)
from ..packs.library import Library
from ..packs.models import ClauseInput
from .model import DealTerm, PartyCheck

_RENEWAL = {
    "none": "no renewal",
    "automatic": "renews automatically",
    "by_agreement": "renews by written agreement",
}
# Kinds that § 66.0301(1)(a) lists as "municipalities" (the state and its agencies included).
_LISTED = {"city", "village", "town", "county", "state_agency"}
_NAME_PREFIX = {"city": "city of", "village": "village of", "town": "town of"}


def value_text(item: ClauseInput | None, value: Any) -> str:
    """An answer as a lawyer reads it: '$2,000,000', '75%', 'August 15, 2027'."""
    if value is None or value == "":
        return "not answered"
    kind = item.kind if item else "text"
    try:
        if kind == "money":
            amount = float(str(value).replace(",", "").removeprefix("$"))
            return f"${amount:,.2f}" if amount % 1 else f"${amount:,.0f}"
        if kind == "percent":
            return f"{float(str(value).removesuffix('%')):g}%"
        if kind == "date" and isinstance(value, dt.date):
            return long_date(value) or str(value)
        if kind == "choice" and item:
            return next((c.label for c in item.choices if c.value == value), str(value))
    except ValueError:
        pass
    return str(value)


def _hours_a_week(start: str | None, end: str | None, days: int) -> str | None:
    if not (start and end and days):
        return None
    (h1, m1), (h2, m2) = (map(int, start.split(":")), map(int, end.split(":")))
    hours = ((h2 * 60 + m2) - (h1 * 60 + m1)) * days / 60
    return f"{hours:g} hours a week"


def _label(group: str) -> str:
    return group.replace("-", " ").replace("_", " ").capitalize()


def deal_terms(
    library: Library, draft: Draft, included: list[str], numbers: dict[str, str]
) -> list[DealTerm]:
    """The terms counsel reads first, in the order a deal memo gives them."""
    out: list[DealTerm] = []
    d = draft.district
    kind = DISTRICT_KINDS.get(d.kind or "", "kind not answered")
    out.append(
        DealTerm(
            label="District",
            value=f"{d.name or 'not named'} ({kind})"
            + (f", acting through {with_article(d.board)}" if d.board else ""),
        )
    )
    for i, a in enumerate(draft.agencies, 1):
        m = a.municipality
        what = MUNICIPALITY_KINDS.get(m.kind or "", "kind not answered")
        label = "Agency" if len(draft.agencies) == 1 else f"Agency {i}"
        out.append(
            DealTerm(
                label=label,
                value=f"{m.name or 'legal party not named'} ({what}), acting through "
                f"{a.name or 'its law enforcement agency (not named)'}",
            )
        )
    t = draft.term
    span = f"{long_date(t.effective) or 'start not answered'} to {long_date(t.end) or 'end not answered'}"
    renewal = _RENEWAL.get(t.renewal or "", "renewal not answered")
    if t.renewal in ("automatic", "by_agreement") and t.renewal_years:
        renewal += f", {t.renewal_years} year{'s' * (t.renewal_years != 1)} at a time"
    out.append(DealTerm(label="Term", value=f"{span}; {renewal}"))
    p = draft.program
    count = p.officer_count or len(p.officers) or None
    names = [o.name for o in p.officers if o.name]
    officers = (
        f"{count} officer{'s' * (count != 1)}" if count else "number of officers not answered"
    )
    if names:
        officers += f" ({', '.join(names)})"
    out.append(DealTerm(label="Program", value=f"{PROGRAM_TITLES[p.name][0]}; {officers}"))
    for place in p.placements:
        agency = draft.agencies[place.agency].name if place.agency < len(draft.agencies) else None
        when = days_text(list(place.days)) or "days not answered"
        hours = (
            f"{clock(place.start)} to {clock(place.end)}"
            if place.start and place.end
            else "hours not answered"
        )
        weekly = _hours_a_week(place.start, place.end, len(place.days))
        parts = [when, hours, *([weekly] if weekly else []), agency or "agency not answered"]
        parts.append(
            f"principal {place.principal}" if place.principal else "principal not answered"
        )
        out.append(DealTerm(label=place.building or "Building (not named)", value="; ".join(parts)))
    for option in library.options.values():
        answer = draft.policy_options.get(option.id, option.default)
        if option.kind == "bool":
            shown = "yes" if answer else "no"
        else:
            shown = next((c.label for c in option.choices if c.value == answer), str(answer))
        out.append(DealTerm(label=option.question, value=shown))
    inputs = library.clause_inputs()
    shown_inputs: set[str] = set()
    for group, members in library.groups.items():
        chosen = next((m for m in members if m in included), None)
        if chosen is None:
            out.append(DealTerm(label=_label(group), value="none chosen"))
            continue
        clause = library.clauses[chosen]
        value = clause.title + (f": {' '.join(clause.summary.split())}" if clause.summary else "")
        answers = [f"{i.label}: {value_text(i, draft.values.get(i.id))}" for i in clause.inputs]
        shown_inputs |= {i.id for i in clause.inputs}
        if answers:
            value += " (" + "; ".join(answers) + ")"
        out.append(
            DealTerm(label=_label(group), value=value, clause=chosen, number=numbers.get(chosen))
        )
    for cid in included:
        for item in library.clauses[cid].inputs:
            if item.id in shown_inputs:
                continue
            shown_inputs.add(item.id)
            out.append(
                DealTerm(
                    label=item.label,
                    value=value_text(inputs.get(item.id), draft.values.get(item.id)),
                    clause=cid,
                    number=numbers.get(cid),
                )
            )
    return out


def party_checks(draft: Draft) -> list[PartyCheck]:
    """Each party as the draft names it, against the § 66.0301(1)(a) list of municipalities."""
    d = draft.district
    if not d.name or not d.kind:
        status, message = "missing", "name the district and its kind"
    else:
        status, message = "ok", "a school district: a municipality under § 66.0301(1)(a)"
    out = [
        PartyCheck(
            role="District",
            name=d.name,
            acting_through=d.board,
            kind=DISTRICT_KINDS.get(d.kind or ""),
            status=status,
            message=message,
        )
    ]
    for a in draft.agencies:
        m = a.municipality
        name = m.name or ""
        lowered = name.lower()
        if not name or not m.kind:
            status = "missing"
            message = "name the municipality that is the legal party (city, village, town or county) and its kind"
        elif any(w in lowered for w in ("police", "sheriff", "department", "office")):
            status = "check"
            message = (
                f"'{name}' looks like a department: the legal party is the city, village, town or "
                "county that maintains it"
            )
        elif (
            m.kind in _NAME_PREFIX
            and any(lowered.startswith(p) for k, p in _NAME_PREFIX.items() if k != m.kind)
            or (m.kind in _NAME_PREFIX and "county" in lowered)
        ):
            status = "check"
            message = f"named '{name}' but its kind is {m.kind}: check which it is"
        elif m.kind == "tribe":
            status = "check"
            message = (
                "a tribe: confirm it can contract under § 66.0301, its own approval process and any "
                "sovereign-immunity waiver (not settled by this library's references)"
            )
        elif m.kind in _LISTED:
            status = "ok"
            message = f"a {MUNICIPALITY_KINDS[m.kind]}: a municipality under § 66.0301(1)(a)"
        else:
            status, message = "check", f"kind '{m.kind}' is not one § 66.0301(1)(a) lists"
        if status == "ok" and not a.name:
            status, message = "missing", "name the police department or sheriff's office"
        out.append(
            PartyCheck(
                role="Agency",
                name=m.name,
                acting_through=a.name,
                kind=MUNICIPALITY_KINDS.get(m.kind or ""),
                status=status,
                message=message,
            )
        )
    return out
