"""What the Word template sees: :func:`document_context` turns an :class:`Agreement` into a
:class:`DocumentContext` (documented in docs/templates.md) — parties, recitals, numbered articles, the
cost table, the schedule, contacts, signature blocks and the annual report, already in the agreement's
words. :func:`context_schema` is its shape, which ``template check`` compares template tags with.
"""

from __future__ import annotations

import re
import types
import typing
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..engine.assembly import Agreement, AssembledClause, Provenance
from ..engine.costs import CostEstimate, hours_text, money_text, percent_number, percent_text
from ..engine.parties import Party, SignatureBlock, Signer, with_article

DRAFT_MARK = "Draft \u2014 for review by counsel"
BLANK = "_" * 24  # an unanswered name on the signature page is a line to fill in by hand
SCHEDULE_CLAUSE = "placement-schedule"  # Exhibit A points to it when the pack has it
# The cost-share clauses that print a per-agency table under them, and which kind of table.
COST_TABLES = {"cost-share-percentage": "rate", "cost-share-flat-fee": "fee"}


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class Recital(_View):
    lead: str  # "WHEREAS, " (printed in bold)
    text: str


class TableRow(_View):
    label: str
    value: str


class ClauseTable(_View):
    caption: str
    label_heading: str
    value_heading: str
    rows: list[TableRow]


class CostLine(_View):
    """One row of the cost table: an agency (or the total)."""

    agency: str
    weekly_hours: str  # Scheduled Hours a week
    annual_hours: str  # rate table: Scheduled Hours a year; fee table: share of all hours ("62.5%")
    rate: str  # rate table: the agency's estimated hourly rate ("" in the fee table and totals)
    amount: str  # rate table: estimated District payment; fee table: the agency's share of the fee
    cap: str  # rate table: the agency's share of the Not-to-Exceed Amount ("" in the fee table)


class CostTableView(_View):
    """The per-agency cost table printed under a cost-share clause."""

    kind: str  # "rate" (cost share over hours) or "fee" (annual fee divided by hours)
    caption: str
    lines: list[CostLine]
    total: CostLine | None  # with several agencies: the sums (they add up by construction)
    note: str  # how the figures are computed and rounded


class ClauseView(_View):
    number: str
    id: str
    title: str
    version: str
    paragraphs: list[str]
    table: ClauseTable | None = None  # headline figures of a cost-share clause (two columns)
    cost: CostTableView | None = None  # the per-agency cost table of a cost-share clause


class SectionView(_View):
    number: str
    id: str
    title: str
    kind: str
    clauses: list[ClauseView]


class PartyView(_View):
    role: str
    name: str
    acting_through: str
    kind: str
    address: str
    agency: str  # the law enforcement agency ("" for the District)
    description: (
        str  # "the City of Riverton, a Wisconsin city acting through its Common Council, ..."
    )


class SignerView(_View):
    heading: str  # above the line, e.g. "Kettle County Sheriff's Office" ("" for none)
    statement: str  # what this signature means, e.g. the chief's acknowledgment ("" for none)
    lead: str  # "By:", "Attest:", "Approved as to form:"
    name: str
    title: str
    dated: bool


class SignatureView(_View):
    role: str
    party: str
    acting_through: str  # "acting through its Common Council"
    approval: str  # "Approved by the Common Council by Resolution No. …, adopted …." ("" for none)
    signers: list[SignerView]
    # The first signer and the attesting clerk, for templates that print a fixed block:
    signer_name: str
    signer_title: str
    attest: bool
    attest_name: str
    attest_title: str


class ScheduleView(_View):
    building: str
    days: str
    hours: str
    principal: str
    agency: str


class ContactView(_View):
    role: str
    name: str
    title: str
    organization: str


class ReportView(_View):
    recipient: str  # "Board" or "District Administrator"
    section: str  # "Section 9.1" (the annual-report clause), or ""
    intro: str
    contents_intro: str
    contents: list[str]
    more: list[str]  # further sentences (e.g. the Board may request updates)


class DocumentContext(_View):
    """Everything a template tag can name. Text is plain: never escape it yourself."""

    title: str
    subtitle: str
    short_title: str
    final: bool
    draft_mark: str
    program_title: str
    effective_date: str
    end_date: str
    parties_text: str
    parties: list[PartyView]
    district: PartyView
    agencies: list[PartyView]
    recitals: list[Recital]
    now_therefore: Recital
    articles: list[SectionView]
    sections: list[SectionView]
    cost: ClauseTable | None
    schedule_intro: str
    schedule: list[ScheduleView]
    contacts_intro: str
    contacts: list[ContactView]
    signatures: list[SignatureView]
    report: ReportView
    values: dict[str, Any]
    options: dict[str, Any]
    provenance: Provenance
    agreement: Agreement


# ----------------------------------------------------------------------------- building the context


_the = with_article


def _acting(through: str | None) -> str:
    if not through:
        return ""
    if re.match(r"(?i)(the|its)\b", through):
        return f"acting through {through}"
    return f"acting through the {through}"


def _party_view(party: Party) -> PartyView:
    return PartyView(
        role=party.role,
        name=party.name,
        acting_through=party.acting_through or "",
        kind=party.kind,
        address=party.address or "",
        agency=party.agency or "",
        description=party.description or (_the(party.name) or f"[{party.role}]"),
    )


def _parties_text(parties: list[PartyView]) -> str:
    """The opening paragraph. It names the parties; the recitals define "District" and "Agency"."""
    descriptions = [p.description for p in parties]
    if len(descriptions) < 2:
        listed = "".join(descriptions)
    else:  # semicolons: each description has commas and may end in "... School District"
        listed = "; ".join(descriptions[:-1]) + f"; and {descriptions[-1]}"
    return (
        "This Intergovernmental Agreement (this \u201cAgreement\u201d) is made under "
        f"Wis. Stat. \u00a7 66.0301 by and between {listed}."
    )


_TIES = (
    (re.compile(r"(§§?) "), "\\1\u00a0"),
    (re.compile(r"\bWis\. Stat\."), "Wis.\u00a0Stat."),
    (re.compile(r"(\d) ([ap]\.m\.)"), "\\1\u00a0\\2"),
)


def tie(text: str) -> str:
    """Keep 'Wis. Stat.', '§ 66.0301' and '7:30 a.m.' on one line (no-break spaces); nothing
    else changes."""
    for pattern, replacement in _TIES:
        text = pattern.sub(replacement, text)
    return text


_WHEREAS = re.compile(r"^\s*whereas\b[,:]?\s*", re.IGNORECASE)
_NOW = re.compile(r"^\s*now,?\s+therefore\b[,:]?\s*", re.IGNORECASE)


def recital_text(para: str) -> str:
    """A recital paragraph as the document prints it: the pack's ``NOW, THEREFORE`` line with that
    lead, every other recital after ``WHEREAS, `` (a lead the pack wrote itself is not doubled)."""
    if _NOW.match(para):
        return "NOW, THEREFORE, " + tie(_NOW.sub("", para, count=1))
    return "WHEREAS, " + tie(_WHEREAS.sub("", para, count=1))


def recital_source(printed: str) -> str:
    """The recital paragraph that prints as ``printed`` (the inverse of :func:`recital_text`, up
    to no-break spaces): the ``WHEREAS`` lead taken off; a ``NOW, THEREFORE`` line kept whole."""
    if _NOW.match(printed):
        return printed.strip()
    return _WHEREAS.sub("", printed, count=1).strip()


NOW_THEREFORE = Recital(
    lead="NOW, THEREFORE, ",
    text="in consideration of the mutual promises in this Agreement, the parties agree as follows:",
)


def _recitals(agreement: Agreement) -> tuple[list[Recital], Recital]:
    """The WHEREAS paragraphs, and the 'NOW, THEREFORE' line (the pack's own, if it has one)."""
    whereas: list[Recital] = []
    now = NOW_THEREFORE
    for section in agreement.sections:
        if section.kind != "recitals":
            continue
        for clause in section.clauses:
            for para in clause.paragraphs:
                if _NOW.match(para):
                    now = Recital(lead="NOW, THEREFORE, ", text=tie(_NOW.sub("", para, count=1)))
                else:
                    text = _WHEREAS.sub("", para, count=1)
                    whereas.append(Recital(lead="WHEREAS, ", text=tie(text)))
    return whereas, now


def _cost_views(
    clause: AssembledClause, cost: CostEstimate | None, many: bool
) -> tuple[ClauseTable | None, CostTableView | None]:
    """What prints under a cost-share clause: the per-agency table (and, for templates that want a
    two-column summary, the headline figures). Nothing for 'no cost to the District'."""
    kind = COST_TABLES.get(clause.id)
    if kind is None or cost is None:
        return None, None
    where = f" (Section {clause.number})" if clause.number else ""
    summary: list[TableRow] = []
    if kind == "rate":
        if cost.share is not None:
            summary.append(TableRow(label="District share", value=percent_number(cost.share)))
        if cost.weeks is not None:
            summary.append(
                TableRow(label="Weeks used for the estimate", value=hours_text(cost.weeks) or "")
            )
        if cost.estimate is not None:
            summary.append(TableRow(label="First-year estimate", value=_m(cost.estimate)))
        if cost.cap is not None:
            summary.append(TableRow(label="Not-to-Exceed Amount", value=_m(cost.cap)))
        lines = [
            CostLine(
                agency=a.agency or a.party,
                weekly_hours=hours_text(a.weekly_hours) or "",
                annual_hours=hours_text(a.annual_hours) or "",
                rate=money_text(a.hourly_cost) or "",
                amount=_m(a.estimate),
                cap=_m(a.cap_share),
            )
            for a in cost.agencies
        ]
        total = CostLine(
            agency="Total",
            weekly_hours=hours_text(cost.weekly_hours) or "",
            annual_hours=hours_text(cost.annual_hours) or "",
            rate="",
            amount=_m(cost.estimate),
            cap=_m(cost.cap),
        )
        share = percent_number(cost.share) if cost.share is not None else "the District's share"
        weeks = hours_text(cost.weeks) or "the stated number of"
        note = (
            f"Hours a year are hours a week times {weeks} weeks. Each estimated payment is hours a "
            f"year times the Agency's estimated hourly rate times {share}, rounded to the nearest "
            "whole dollar"
            + (
                "; the Not-to-Exceed Amount is divided in proportion to the estimates, in whole "
                "dollars that add up to it."
                if many
                else "."
            )
        )
        caption = f"First-year cost estimate{where}"
    else:
        if cost.fee is not None:
            summary.append(TableRow(label="Annual fee", value=_m(cost.fee)))
        lines = [
            CostLine(
                agency=a.agency or a.party,
                weekly_hours=hours_text(a.weekly_hours) or "",
                annual_hours=percent_text(a.hours_share) or "",
                rate="",
                amount=_m(a.fee_share),
                cap="",
            )
            for a in cost.agencies
        ]
        total = CostLine(
            agency="Total",
            weekly_hours=hours_text(cost.weekly_hours) or "",
            annual_hours="100%",
            rate="",
            amount=_m(cost.fee_total),
            cap="",
        )
        note = (
            "Each Agency's share of the fee follows its share of the Scheduled Hours, in whole "
            "dollars that add up to the fee."
        )
        caption = f"Division of the annual fee{where}"
    table = ClauseTable(
        caption=f"Cost summary{where}:",
        label_heading="Item",
        value_heading="Amount",
        rows=summary,
    )
    view = CostTableView(
        kind=kind,
        caption=caption,
        lines=lines,
        total=total if many else None,
        note=note,
    )
    return (table if summary else None), view


def _m(amount: Decimal | None) -> str:
    return money_text(amount) or ""


def _sections(agreement: Agreement) -> list[SectionView]:
    many = sum(1 for p in agreement.parties if p.role != "District") > 1
    views = []
    for section in agreement.sections:
        clauses = []
        for c in section.clauses:
            table, cost = _cost_views(c, agreement.cost, many)
            clauses.append(
                ClauseView(
                    **{**c.model_dump(), "paragraphs": [tie(p) for p in c.paragraphs]},
                    table=table,
                    cost=cost,
                )
            )
        views.append(
            SectionView(
                number=section.number,
                id=section.id,
                title=section.title,
                kind=section.kind,
                clauses=clauses,
            )
        )
    return views


def _signer(signer: Signer) -> SignerView:
    return SignerView(
        heading=signer.heading or "",
        statement=tie(signer.statement or ""),
        lead=signer.lead,
        name=signer.name or BLANK,
        title=signer.title or BLANK,
        dated=signer.dated,
    )


def _signature(block: SignatureBlock, role: str) -> SignatureView:
    return SignatureView(
        role=role,
        party=block.party or f"[{role}]",
        acting_through=_acting(block.acting_through),
        approval=tie(block.approval or ""),
        signers=[_signer(s) for s in block.signers],
        signer_name=block.signer_name or BLANK,
        signer_title=block.signer_title or BLANK,
        attest=bool(block.attest_name),
        attest_name=block.attest_name or "",
        attest_title=block.attest_title or "",
    )


def _report(agreement: Agreement, sections: list[SectionView]) -> ReportView:
    options = agreement.options
    to_board = options.get("report_recipient") == "board"
    district = next((p for p in agreement.parties if p.role == "District"), None)
    if to_board:
        recipient = "Board"
        board = district.acting_through if district and district.acting_through else "Board"
        whom = _the(board) if board != "Board" else "the Board"
    else:
        recipient = "District Administrator"
        admin = next((c for c in agreement.contacts if c.role == "District Administrator"), None)
        whom = "the District Administrator" + (f", {admin.name}" if admin and admin.name else "")
    many = sum(1 for p in agreement.parties if p.role != "District") > 1
    agency = "Each Agency" if many else "The Agency"
    section = next(
        (
            f"Section {c.number}"
            for s in sections
            for c in s.clauses
            if c.id.startswith("annual-report") and c.number
        ),
        "",
    )
    intro = (
        f"{agency} provides {whom} with an annual report regarding the "
        f"{agreement.program_title}" + (f", as {section} requires." if section else ".")
    )
    contents: list[str] = []
    if options.get("report_content"):
        contents = [
            "an account of what the program did during the school year just ended; and",
            "proposals for changing or continuing the program in the school year ahead.",
        ]
    more = []
    if options.get("board_may_request_updates"):
        more.append(
            "Beyond this yearly report, the Board may ask for further updates or reports on the "
            "program at any time."
        )
    return ReportView(
        recipient=recipient,
        section=section,
        intro=intro,
        contents_intro="The report includes:" if contents else "",
        contents=contents,
        more=more,
    )


def _schedule_intro(agreement: Agreement) -> str:
    numbers = agreement.clause_numbers()
    where = f" (see Section {numbers[SCHEDULE_CLAUSE]})" if numbers.get(SCHEDULE_CLAUSE) else ""
    return (
        f"Officers assigned under the {agreement.program_title} serve the following buildings "
        f"on the days and during the hours shown{where}."
    )


def _subtitle(parties: list[PartyView]) -> str:
    from ..engine.context import join_and

    district = [_the(p.name) for p in parties if p.role == "District" and p.name]
    agencies = [_the(p.name) for p in parties if p.role != "District" and p.name]
    if not district or not agencies:
        return "under Wis. Stat. \u00a7 66.0301"
    return f"between {district[0]} and {join_and(agencies)}"


def document_context(agreement: Agreement) -> DocumentContext:
    """What the Word template sees, built from the assembled agreement."""
    parties = [_party_view(p) for p in agreement.parties]
    sections = _sections(agreement)
    signatures = [
        _signature(b, "District" if i == 0 else "Agency")
        for i, b in enumerate(agreement.signatures)
    ]
    recitals, now_therefore = _recitals(agreement)
    cost = next((c.table for s in sections for c in s.clauses if c.table), None)
    return DocumentContext(
        title=agreement.title,
        subtitle=_subtitle(parties),
        short_title=agreement.short_title,
        final=agreement.final,
        draft_mark="" if agreement.final else DRAFT_MARK,
        program_title=agreement.program_title,
        effective_date=agreement.effective_date or "",
        end_date=agreement.end_date or "",
        parties_text=tie(_parties_text(parties)),
        parties=parties,
        district=parties[0],
        agencies=parties[1:],
        recitals=recitals,
        now_therefore=now_therefore,
        articles=[s for s in sections if s.kind != "recitals"],
        sections=sections,
        cost=cost,
        schedule_intro=_schedule_intro(agreement),
        schedule=[
            ScheduleView(**{**row.model_dump(), "hours": tie(row.hours)})
            for row in agreement.schedule
        ],
        contacts_intro="The parties' contacts for the program are:",
        contacts=[
            ContactView(
                role=c.role,
                name=c.name or "",
                title=c.title or "",
                organization=c.organization,
            )
            for c in agreement.contacts
        ],
        signatures=signatures,
        report=_report(agreement, sections),
        values=dict(agreement.values),
        options=dict(agreement.options),
        provenance=agreement.provenance,
        agreement=agreement,
    )


def template_context(agreement: Agreement) -> dict[str, Any]:
    """The names a template can use (top-level fields of :class:`DocumentContext`), as a dict.

    Values are pydantic models, so ``agreement.values`` in a tag is the answers, not ``dict.values``.
    """
    return names_of(document_context(agreement))


def names_of(context: DocumentContext) -> dict[str, Any]:
    """A document context's top-level names, as the template sees them."""
    return {name: getattr(context, name) for name in DocumentContext.model_fields}


# ----------------------------------------------------------------------------- the schema

ANY = "<any>"  # an open mapping (values, options): any key may be used


def _shape(annotation: Any, seen: tuple[type, ...] = ()) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _shape(args[0], seen) if len(args) == 1 else None
    if origin is list:
        (item,) = typing.get_args(annotation) or (Any,)
        return [_shape(item, seen)]
    if origin is dict:
        return ANY
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return ANY
        shape: dict[str, Any] = {
            name: _shape(info.annotation, (*seen, annotation))
            for name, info in annotation.model_fields.items()
        }
        for name, member in vars(annotation).items():  # e.g. agreement.text()
            if callable(member) and not name.startswith("_"):
                shape.setdefault(name, None)
        return shape
    return None


def context_schema() -> dict[str, Any]:
    """The shape of :func:`template_context`: dict = object, [shape] = list, None = a value,
    :data:`ANY` = a mapping with any keys. ``template check`` compares template tags with it."""
    return _shape(DocumentContext)
