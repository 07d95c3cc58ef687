"""The clause book: the whole library for counsel's one-time review (``agreement-kit library book``).

Every requirement and the clauses that can cover it; then every clause, grouped by section, with its
tier, alternatives, citations, guidance, points to verify, inputs and text; clauses an overlay pack
supplies are marked with that pack.
"""

from __future__ import annotations

import re

from ..packs.deviations import deviations
from ..packs.hashing import short
from ..packs.library import Library
from ..packs.models import Clause
from .outline import Bullets, Column, Heading, Inline, Outline, Paragraph, Table, cell, para, t
from .verify import verify_points

_TAGS = [
    (re.compile(r"\{%-?\s*if\s+(.+?)\s*-?%\}"), r"[if \1:] "),
    (re.compile(r"\{%-?\s*elif\s+(.+?)\s*-?%\}"), r" [or if \1:] "),
    (re.compile(r"\{%-?\s*else\s*-?%\}"), " [otherwise:] "),
    (re.compile(r"\{%-?\s*end(?:if|for)\s*-?%\}"), " [end] "),
    (re.compile(r"\{%-?\s*for\s+(\w+)\s+in\s+(.+?)\s*-?%\}"), r"[for each \1 in \2:] "),
    (re.compile(r"\{%-?\s*set\s+.+?-?%\}"), ""),
    (re.compile(r"\{\{-?\s*(.+?)\s*-?\}\}"), r"[\1]"),
]


_REF = re.compile(r"\{\{-?\s*ref\('([a-z0-9-]+)'\)\s*-?\}\}")


def readable(source: str, titles: dict[str, str] | None = None) -> str:
    """Clause text for a reader: answers as [district.name], conditions as [if ...:] ... [end],
    cross-references as [the section: Title]."""
    names = titles or {}
    text = _REF.sub(lambda m: f"[the section: {names.get(m.group(1), m.group(1))}]", source)
    for pattern, replacement in _TAGS:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


_KIND = {"policy-item": "policy item", "policy-prose": "policy prose", "statute": "statute"}


def _tier(library: Library, clause: Clause) -> str:
    if clause.group:
        members = library.groups[clause.group]
        need = "a required choice" if clause.status == "required" else f"a {clause.status} choice"
        default = ", the default" if clause.default else ""
        return f"{need} of {len(members)} alternatives ({clause.group}{default})"
    if clause.status == "optional":
        return "optional, " + (
            "included unless switched off" if clause.default else "off unless chosen"
        )
    if clause.status == "recommended":
        return "recommended: left out only with a recorded reason"
    return "required"


_VERBS = {
    "replaced": "replaced by",
    "patched": "patched by",
    "added": "added by",
    "demoted": "demoted by",
    "requirement-replaced": "replaced by",
    "requirement-added": "added by",
    "requirement-narrowed": "narrowed by",
}


def _marks(library: Library) -> dict[str, list[str]]:
    """Clause or requirement id -> how overlay packs changed it ('replaced by overlay pack X')."""
    out: dict[str, list[str]] = {}
    for d in deviations(library):
        if d.kind in _VERBS:
            out.setdefault(d.id, []).append(f"{_VERBS[d.kind]} overlay pack {d.pack}")
    for cid, pack in library.origins.items():  # a library without a deviation record
        if pack != library.pack.id and cid not in out:
            out[cid] = [f"from overlay pack {pack}"]
    return out


def _mark(marks: dict[str, list[str]], item: str) -> Inline:
    found = marks.get(item)
    return (t(" — " + "; ".join(found), "bold", "warn"),) if found else ()


def clause_book(library: Library) -> Outline:
    """The library laid out for review, ready for any renderer (docx, md, html)."""
    base = library.pack
    stack = [f"{p.id} {p.version} ({p.title})" for p in library.packs]
    doc = Outline(
        title=f"Clause book — {base.title}",
        subtitle=[
            para(t("Packs: ", "bold"), t("; then ".join(stack) + ".")),
            para(
                f"{len(library.requirements)} requirements, {len(library.clauses)} clauses, "
                f"{len(library.groups)} alternative groups."
            ),
        ],
        footer=f"Clause book — {' + '.join(f'{p.id} {p.version}' for p in library.packs)}",
        landscape=False,
    )
    if base.policy:
        doc.add(Paragraph(para(t("Implements: ", "bold"), t(base.policy))))
    if base.description:
        doc.add(Paragraph(para(t(base.description, "italic"))))

    marks = _marks(library)
    dropped = [d for d in deviations(library) if d.kind == "dropped"]
    if dropped:
        doc.add(
            Paragraph(
                para(
                    t("Dropped by overlays: ", "bold", "warn"),
                    t("; ".join(f"{d.id} (by {d.pack})" for d in dropped)),
                ),
                kind="note",
            )
        )
    doc.add(Heading(1, "Requirements and the clauses that can cover them", "requirements"))
    rows = []
    for req in library.requirements.values():
        covering = library.covering(req.id)
        who: list[Inline] = []
        for cid in covering:
            clause = library.clauses[cid]
            who.append(
                para(
                    t(clause.title, "bold"),
                    t(f" ({cid})", "code"),
                    t(f" — {_tier(library, clause)}", "italic"),
                    *_mark(marks, cid),
                )
            )
        if not covering:
            who.append(para(t("No clause covers it.", "bold", "bad")))
        conditions = (
            [
                para(
                    t("Applies when: ", "italic"),
                    t(", ".join(f"{k} = {v}" for k, v in req.applies_if.items())),
                )
            ]
            if req.applies_if
            else []
        )
        rows.append(
            (
                cell(t(req.id, "bold")),
                (
                    para(t(req.title, "bold"), *_mark(marks, req.id)),
                    para(" ".join(req.summary.split())),
                    para(t(f"{req.source} ({_KIND.get(req.kind, req.kind)})", "italic")),
                    *conditions,
                ),
                tuple(who),
                cell(""),
            )
        )
    doc.add(
        Table(
            "requirements",
            (
                Column("Req.", 1.4),
                Column("Requirement", 4.2),
                Column("Clauses that can cover it", 4.6),
                Column("Counsel's notes", 2.2, blank=True),
            ),
            tuple(rows),
        )
    )

    if library.options:
        doc.add(Heading(1, "Policy options", "options"))
        doc.add(
            Table(
                "options",
                (
                    Column("Question", 4.0),
                    Column("Answers", 3.0),
                    Column("Default", 1.4),
                    Column("Source", 3.0),
                ),
                tuple(
                    (
                        cell(t(o.question, "bold")),
                        cell(", ".join(c.label for c in o.choices) if o.choices else "yes / no"),
                        cell(
                            next(
                                (c.label for c in o.choices if c.value == o.default), str(o.default)
                            )
                            if o.choices
                            else ("yes" if o.default else "no")
                        ),
                        cell(o.source or "—"),
                    )
                    for o in library.options.values()
                ),
            )
        )

    doc.add(Heading(1, "Clauses by section", "clauses"))
    titles = {c.id: c.title for c in library.clauses.values()}
    article = 0
    for section in library.sections:
        members = sorted(
            (c for c in library.clauses.values() if c.section == section.id), key=lambda c: c.order
        )
        if not members:
            continue
        if section.kind == "recitals":
            heading = section.title
        else:
            article += 1
            heading = f"Article {article}. {section.title}"
        doc.add(Heading(2, heading, f"section-{section.id}"))
        for clause in members:
            doc.add(Heading(3, f"{clause.title} ({clause.id})", f"clause-{clause.id}"))
            facts = [
                (
                    cell(t("Tier", "bold")),
                    cell(para(t(_tier(library, clause)), *_mark(marks, clause.id))),
                ),
                (
                    cell(t("Version and hash", "bold")),
                    cell(
                        para(
                            t(f"version {clause.version}, content hash "),
                            t(short(library.clause_hash(clause.id)), "code"),
                        )
                    ),
                ),
            ]
            if clause.group:
                others = [m for m in library.groups[clause.group] if m != clause.id]
                facts.append(
                    (
                        cell(t("Alternatives", "bold")),
                        tuple(
                            para(t(library.clauses[m].title), t(f" ({m})", "code")) for m in others
                        ),
                    )
                )
            covers = ", ".join(
                f"{r} ({library.requirements[r].title})" if r in library.requirements else r
                for r in clause.covers
            )
            facts.append(
                (cell(t("Covers", "bold")), cell(covers or "no policy requirement of its own"))
            )
            facts.append(
                (
                    cell(t("Citations", "bold")),
                    tuple(para(c) for c in clause.citations) or cell("none"),
                )
            )
            if clause.inputs:
                facts.append(
                    (
                        cell(t("Answers it asks for", "bold")),
                        tuple(
                            para(
                                t(i.label),
                                t(
                                    f" ({i.kind}"
                                    + (
                                        f", suggested {i.default}"
                                        if i.default not in (None, "")
                                        else ""
                                    )
                                    + ")",
                                    "italic",
                                ),
                            )
                            for i in clause.inputs
                        ),
                    )
                )
            if clause.summary:
                facts.append((cell(t("In short", "bold")), cell(clause.summary)))
            doc.add(Table(f"facts-{clause.id}", (Column("", 2.0), Column("", 9.0)), tuple(facts)))
            if clause.guidance.strip():
                doc.add(Paragraph(para(t("Guidance: ", "bold"), t(clause.guidance, "italic"))))
            points = [p for p in verify_points(clause) if p[0] == "verify"]  # guidance is above
            if points:
                doc.add(
                    Bullets(
                        tuple(para(t("Verify: ", "bold", "warn"), t(text)) for _, text in points)
                    )
                )
            doc.add(
                Paragraph(
                    para(
                        t("Text", "bold"),
                        t(
                            " — answers appear as [name]; [if …:] … [end] marks wording that depends on one:",
                            "italic",
                        ),
                    )
                )
            )
            for paragraph in clause.text:
                doc.add(Paragraph(para(t(readable(paragraph, titles)))))
    return doc
