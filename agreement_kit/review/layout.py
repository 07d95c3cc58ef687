"""The checklist laid out as an :class:`~agreement_kit.review.outline.Outline`, once for every format.

``detail=False`` leaves out guidance and fallbacks (the terminal table and the wizard); Markdown, HTML
and Word get everything.
"""

from __future__ import annotations

from ..packs.hashing import short
from .model import Checklist, ClauseEntry, RequirementRow
from .outline import (
    Bullets,
    Cell,
    Column,
    Heading,
    Inline,
    Outline,
    Paragraph,
    Table,
    Tone,
    cell,
    para,
    t,
)
from .signoff import SignOff

STATE_TEXT: dict[str, tuple[str, Tone]] = {
    "covered": ("covered", "good"),
    "needs-answers": ("answers still missing", "warn"),
    "not-covered": ("NOT COVERED", "bad"),
    "not-applicable": ("does not apply under the adopted policy options", "muted"),
}
SIGNOFF_TONE: dict[str, Tone] = {
    "approved": "good",
    "changed": "bad",
    "changes_requested": "warn",
    "not_reviewed": "muted",
}


def where(number: str | None) -> str:
    if number is None:
        return "not included"
    return number if not number[:1].isdigit() else f"§ {number}"


def clause_name(c: ClauseEntry) -> Inline:
    runs = [t(f"{where(c.number)} ", "bold"), t(c.title), t(f" ({c.id})", "code")]
    if c.deviation:
        runs.append(t(" — DEVIATION: " + c.deviation, "bold", "warn"))
    return tuple(runs)


def signoff_cell(s: SignOff | None) -> Cell:
    if s is None:
        return cell("")
    tone = SIGNOFF_TONE[s.state]
    head = s.label.upper() if s.state == "changed" else s.label
    who = ", ".join(x for x in (s.by, s.date) if x)
    out: list[Inline] = [para(t(head, "bold", tone), *([t(f" — {who}")] if who else []))]
    if s.note:
        out.append(para(t("Note: ", "italic"), t(s.note)))
    out += [para(t("• " + change, tone="bad")) for change in s.changes]
    return tuple(out)


def _cites(clauses: list[ClauseEntry]) -> Cell:
    if not clauses:
        return cell("")
    if len(clauses) == 1:
        return tuple(para(c) for c in clauses[0].citations) or cell("none")
    return tuple(
        para(t(f"{where(c.number)}: ", "bold"), t("; ".join(c.citations) or "none"))
        for c in clauses
    )


def _requirement_row(row: RequirementRow, detail: bool) -> tuple[Cell, ...]:
    label, tone = STATE_TEXT[row.state]
    requirement = [para(t(row.title, "bold")), para(row.summary), para(t(row.source, "italic"))]
    covered: list[Inline] = [clause_name(c) for c in row.clauses]
    if row.state == "not-covered":
        covered.insert(0, para(t("No included clause covers this requirement.", "bold", "bad")))
    covered += [para(t("Still needs: ", "italic"), t(a, "code")) for a in row.missing_answers]
    cells: list[Cell] = [
        cell(t(row.id, "bold")),
        tuple(requirement),
        cell(t(label, "bold", tone)),
        tuple(covered) or cell("—"),
        _cites(row.clauses),
    ]
    if detail:
        notes: list[Inline] = []
        for c in row.clauses:
            if c.guidance:
                prefix = [t(f"{where(c.number)}: ", "bold")] if len(row.clauses) > 1 else []
                notes.append(para(*prefix, t(c.guidance)))
        for f in row.fallbacks:
            notes.append(
                para(
                    t("Fallback not taken: ", "bold", "warn"),
                    t(f.title),
                    t(f" ({f.id})", "code"),
                    t(f", the other alternative of {f.group}" if f.group else f", {f.status}"),
                    t(f" — {f.summary}" if f.summary else ""),
                )
            )
            if f.guidance:
                notes.append(para(t(f.guidance, "italic")))
        cells.append(tuple(notes) or cell(""))
    cells.append(signoff_cell(row.signoff))
    if detail:
        cells.append(cell(""))
    return tuple(cells)


def checklist_outline(checklist: Checklist, *, detail: bool = True) -> Outline:
    c = checklist
    prov = c.provenance
    stack = " + ".join(
        [f"{prov.pack_id} {prov.pack_version}", *(f"{o.id} {o.version}" for o in prov.overlays)]
    )
    doc = Outline(
        title=c.title,
        subtitle=[
            para(
                t("Clause library: ", "bold"),
                t(stack),
                t(". Draft "),
                t(f"sha256:{prov.draft_sha256[:12]}", "code"),
                t(f", checked {prov.date} with agreement-kit {prov.tool_version}."),
            )
        ],
        footer=f"{c.title} — draft sha256:{prov.draft_sha256[:12]} — {prov.date}",
    )
    doc.add(Paragraph(para(t(c.verdict, "bold")), kind="good" if c.sound else "alert"))
    r = c.review
    review_line = (
        f"Counsel's sign-off: {r.approved} approved, {r.changed} changed since review, "
        f"{r.changes_requested} with changes requested, {r.not_reviewed} not reviewed."
    )
    doc.add(Paragraph(para(t(review_line)), kind="good" if r.done else "note"))

    against = c.against_recommendation
    if against:
        doc.add(Heading(1, "Left out against the library's recommendation", "against"))
        doc.add(
            Table(
                "against",
                (
                    Column("Clause", 2.2),
                    Column("Reason recorded", 2.6),
                    *((Column("What it does and the library's note", 4.2),) if detail else ()),
                ),
                tuple(
                    (
                        cell(para(t(o.title, "bold"), t(f" ({o.id})", "code"))),
                        cell(t(o.reason, "plain"))
                        if o.reason
                        else cell(t("NO REASON RECORDED", "bold", "bad")),
                        *((cell(o.summary, t(o.guidance, "italic")),) if detail else ()),
                    )
                    for o in against
                ),
            )
        )

    attention = [
        (kind, ident, title, number, s)
        for kind, ident, title, number, s in [
            *(("requirement", r.id, r.title, None, r.signoff) for r in c.requirements),
            *(("clause", cl.id, cl.title, cl.number, cl.signoff) for cl in c.clauses),
        ]
        if s is not None and s.state in ("changed", "changes_requested")
    ]
    if attention:
        doc.add(Heading(1, "Changed since counsel's review, or changes requested", "attention"))
        doc.add(
            Table(
                "attention",
                (
                    Column("Item", 3.0),
                    Column("Review", 2.0),
                    Column("What changed, or the note", 5.0),
                ),
                tuple(
                    (
                        cell(
                            para(
                                t(
                                    f"{where(number)} " if number else f"Requirement {ident}: ",
                                    "bold",
                                ),
                                t(title),
                                t(f" ({ident})", "code") if kind == "clause" else t(""),
                            )
                        ),
                        cell(
                            para(t(s.label, "bold", SIGNOFF_TONE[s.state])),
                            para(", ".join(x for x in (s.by, s.date) if x)),
                        ),
                        tuple(para(t("• " + ch)) for ch in s.changes)
                        + ((para(t("Note: ", "italic"), t(s.note)),) if s.note else ()),
                    )
                    for kind, ident, title, number, s in attention
                ),
            )
        )

    if c.gaps:
        doc.add(Heading(1, "Still to resolve", "gaps"))
        doc.add(Bullets(tuple(para(t(g, tone="bad")) for g in c.gaps)))

    doc.add(Heading(1, "Deal terms", "terms"))
    doc.add(
        Table(
            "terms",
            (Column("Term", 2.4), Column("As drafted", 6.0), Column("Section", 0.9)),
            tuple(
                (cell(t(d.label, "bold")), cell(d.value), cell(where(d.number) if d.clause else ""))
                for d in c.deal_terms
            ),
        )
    )

    doc.add(Heading(1, "Policy requirements and the clauses that meet them", "requirements"))
    columns = [
        Column("Req.", 1.65),
        Column("Requirement", 2.2),
        Column("Status", 1.2),
        Column("Covered by (section in this agreement)", 2.0),
        Column("Citations of the covering clauses", 1.7),
    ]
    if detail:
        columns.append(Column("Guidance and fallbacks not taken", 4.4))
    columns.append(Column("Sign-off", 1.3))
    if detail:
        columns.append(Column("Counsel's notes", 1.3, blank=True))
    doc.add(
        Table(
            "requirements",
            tuple(columns),
            tuple(_requirement_row(row, detail) for row in c.requirements),
        )
    )

    doc.add(Heading(1, "Alternatives: the choice made and the ones not chosen", "alternatives"))
    rows = []
    for g in c.groups:
        chosen: Cell = (
            (
                clause_name(g.chosen),
                *((para(g.chosen.summary),) if g.chosen.summary and detail else ()),
            )
            if g.chosen
            else cell(
                t("None chosen", "bold", "bad" if g.status == "required" else "warn"),
                *((t(f" — reason: {g.reason}"),) if g.reason else ()),
            )
        )
        others: list[Inline] = []
        for m in g.not_chosen:
            others.append(para(t(m.title, "bold"), t(f" ({m.id})", "code")))
            if detail and m.summary:
                others.append(para(m.summary))
            if detail and m.guidance:
                others.append(para(t(m.guidance, "italic")))
        rows.append(
            (
                cell(para(t(g.label, "bold")), para(t(g.status, "italic"))),
                chosen,
                tuple(others) or cell("—"),
            )
        )
    doc.add(
        Table(
            "alternatives",
            (
                Column("Group", 1.5),
                Column("Chosen", 3.0),
                Column("Not chosen (with the library's note)", 6.0),
            ),
            tuple(rows),
        )
    )

    optional = [o for o in c.left_out if not o.against_recommendation]
    doc.add(Heading(1, "Optional clauses left out", "left-out"))
    if optional:
        doc.add(
            Table(
                "left-out",
                (
                    Column("Clause", 2.4),
                    Column("What it does", 2.8),
                    *((Column("The library's note", 4.0),) if detail else ()),
                    Column("Reason recorded", 1.8),
                ),
                tuple(
                    (
                        cell(para(t(o.title, "bold"), t(f" ({o.id})", "code"))),
                        cell(o.summary or "—"),
                        *((cell(t(o.guidance, "italic")),) if detail else ()),
                        cell(o.reason or "—"),
                    )
                    for o in optional
                ),
            )
        )
    else:
        doc.add(Paragraph(para("Every optional clause of the library is included.")))

    doc.add(Heading(1, "Verify before signing", "verify"))
    if c.verify:
        doc.add(
            Table(
                "verify",
                (
                    Column("Section", 0.9),
                    Column("Clause", 2.2),
                    Column("Point to verify", 7.0),
                    Column("Done", 0.8, blank=True),
                ),
                tuple(
                    (
                        cell(where(v.number)),
                        cell(para(t(v.title), t(f" ({v.clause})", "code"))),
                        cell(v.text),
                        cell(""),
                    )
                    for v in c.verify
                ),
            )
        )
    else:
        doc.add(Paragraph(para("No included clause flags a point to verify.")))

    doc.add(Heading(1, "Answers still missing", "missing"))
    if c.missing_answers:
        doc.add(
            Table(
                "missing",
                (Column("Answer", 3.5), Column("Needed by", 6.0)),
                tuple(
                    (cell(t(m.answer, "code")), cell(", ".join(m.clauses)))
                    for m in c.missing_answers
                ),
            )
        )
    else:
        doc.add(Paragraph(para("None: every answer the included clauses use is given.")))

    doc.add(Heading(1, "Parties under Wis. Stat. § 66.0301", "parties"))
    marks: dict[str, tuple[str, Tone]] = {
        "ok": ("ok", "good"),
        "check": ("CHECK", "warn"),
        "missing": ("MISSING", "bad"),
    }
    doc.add(
        Table(
            "parties",
            (
                Column("Role", 0.9),
                Column("Legal party", 2.4),
                Column("Acting through", 2.4),
                Column("Kind", 1.6),
                Column("Check", 3.2),
            ),
            tuple(
                (
                    cell(p.role),
                    cell(p.name or "—"),
                    cell(p.acting_through or "—"),
                    cell(p.kind or "—"),
                    cell(
                        para(t(marks[p.status][0] + ": ", "bold", marks[p.status][1]), t(p.message))
                    ),
                )
                for p in c.parties
            ),
        )
    )

    doc.add(Heading(1, "Deviations from the standard library", "deviations"))
    if c.deviations:
        doc.add(
            Table(
                "deviations",
                (
                    Column("Section", 0.9),
                    Column("Clause, requirement or option", 2.6),
                    Column("Change", 1.2),
                    Column("What changed", 5.5),
                ),
                tuple(
                    (
                        cell(where(d.number) if d.subject == "clause" else d.subject),
                        cell(para(t(d.title), t(f" ({d.id})", "code"))),
                        cell(t(d.kind, "bold", "warn")),
                        cell(
                            d.summary,
                            *((para(t("Word diff: ", "italic"), t(d.diff)),) if d.diff else ()),
                        ),
                    )
                    for d in c.deviations
                ),
            )
        )
    else:
        doc.add(
            Paragraph(para(f"None: every included clause is the standard text of {prov.pack_id}."))
        )
    if c.template_additions:
        doc.add(Heading(2, "Text the Word template adds", "template"))
        doc.add(
            Bullets(
                tuple(para(t(x.text), t(f" ({x.where})", "italic")) for x in c.template_additions)
            )
        )

    doc.add(
        Heading(1, "Every clause of this agreement, with its version, hash and sign-off", "clauses")
    )
    shown = {cl.id for row in c.requirements for cl in row.clauses}
    clause_rows = []
    for cl in c.clauses:
        cells: list[Cell] = [
            cell(t(where(cl.number), "bold")),
            cell(para(t(cl.title, "bold")), para(t(cl.id, "code")), para(t(cl.status, "italic"))),
            tuple(para(x) for x in cl.citations) or cell("—"),
        ]
        if detail:
            note = "See the requirements table above." if cl.id in shown else cl.guidance
            cells.append(cell(t(note, "italic")))
        cells.append(
            cell(
                para(t(f"version {cl.version}")),
                para(t(short(cl.hash), "code")),
                para(t(cl.pack, "italic")),
            )
        )
        cells.append(signoff_cell(cl.signoff))
        if detail:
            cells.append(cell(""))
        clause_rows.append(tuple(cells))
    doc.add(
        Table(
            "clauses",
            (
                Column("Section", 1.0),
                Column("Clause", 2.2),
                Column("Citations", 2.2),
                *((Column("The library's note", 3.4),) if detail else ()),
                Column("Version, content hash, pack", 2.1),
                Column("Sign-off", 1.6),
                *((Column("Counsel's notes", 1.6, blank=True),) if detail else ()),
            ),
            tuple(clause_rows),
        )
    )

    doc.add(Heading(1, "Provenance", "provenance"))
    overlays = (
        "; ".join(
            f"{o.id} {o.version} ({o.title})" + (f" — {o.origin}: {o.path}" if o.origin else "")
            for o in prov.overlays
        )
        or "none"
    )
    doc.add(
        Table(
            "provenance",
            (Column("", 2.0), Column("", 7.0)),
            (
                (
                    cell(t("Clause library", "bold")),
                    cell(f"{prov.pack_id} {prov.pack_version} — {prov.pack_title}"),
                ),
                (cell(t("Overlay packs", "bold")), cell(overlays)),
                (cell(t("Library hash", "bold")), cell(t(prov.library_hash or "—", "code"))),
                (cell(t("Draft", "bold")), cell(t(f"sha256:{prov.draft_sha256}", "code"))),
                (
                    cell(t("Checked", "bold")),
                    cell(f"{prov.date}, agreement-kit {prov.tool_version}"),
                ),
            ),
        )
    )
    doc.add(
        Paragraph(
            para(
                "Each included clause's version, content hash and pack are in the clause table "
                "above; the JSON form lists them under provenance.clauses."
            ),
            kind="normal",
        )
    )
    return doc
