"""What the Word template sees: :func:`document_context` turns an :class:`Agreement` into a
:class:`DocumentContext` (documented in docs/templates.md) — parties, recitals, numbered articles, the
cost table, the schedule, contacts, signature blocks and the annual report, already in the agreement's
words. :func:`context_schema` is its shape, which ``template check`` compares template tags with.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..engine.assembly import Agreement, AssembledClause, Provenance
from ..engine.parties import Party, SignatureBlock, Signer, with_article

DRAFT_MARK = "Draft \u2014 for review by counsel"
BLANK = "_" * 24  # an unanswered name on the signature page is a line to fill in by hand
SCHEDULE_CLAUSE = "placement-schedule"  # Exhibit A points to it when the pack has it
COST_CLAUSES = ("cost-share-percentage", "cost-share-flat-fee", "cost-share-none")


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


class ClauseView(_View):
    number: str
    id: str
    title: str
    version: str
    paragraphs: list[str]
    table: ClauseTable | None = None


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


def _number(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{number:g}" if number % 1 else f"{int(number):,}"


def _money(value: Any) -> str:
    try:
        amount = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"${amount:,.2f}" if amount % 1 else f"${amount:,.0f}"


def _cost_table(clause: AssembledClause, values: dict[str, Any], many: bool) -> ClauseTable | None:
    """The table printed under a cost-share clause (none for 'each party bears its own costs')."""
    rows: list[TableRow] = []
    agency = "Each Agency's" if many else "Agency's"
    if clause.id == "cost-share-percentage":
        share = values.get("cost_share_percent")
        if share is not None:
            label = "District's share of Officers' wages and benefits"
            rows.append(TableRow(label=label, value=f"{_number(share)}%"))
            try:
                rest = 100 - float(share)
            except (TypeError, ValueError):
                rest = None
            if rest is not None:
                label = f"{agency} share (the balance)"
                rows.append(TableRow(label=label, value=f"{_number(rest)}%"))
        weeks = values.get("cost_weeks")
        if weeks is not None:
            label = "Weeks of service in the school year that the District's share covers"
            rows.append(TableRow(label=label, value=_number(weeks)))
    elif clause.id == "cost-share-flat-fee":
        fee = values.get("annual_fee")
        if fee is not None:
            label = "Annual fee paid by the District" + (" (all Agencies together)" if many else "")
            rows.append(TableRow(label=label, value=_money(fee)))
    if not rows:
        return None
    return ClauseTable(
        caption=f"Cost summary (Section {clause.number}):" if clause.number else "Cost summary:",
        label_heading="Item",
        value_heading="Amount",
        rows=rows,
    )


def _sections(agreement: Agreement) -> list[SectionView]:
    many = sum(1 for p in agreement.parties if p.role != "District") > 1
    views = []
    for section in agreement.sections:
        clauses = [
            ClauseView(
                **{**c.model_dump(), "paragraphs": [tie(p) for p in c.paragraphs]},
                table=_cost_table(c, agreement.values, many) if c.id in COST_CLAUSES else None,
            )
            for c in section.clauses
        ]
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
    context = document_context(agreement)
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
