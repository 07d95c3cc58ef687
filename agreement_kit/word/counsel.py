"""The counsel copy: the same agreement, with the clause library's notes for counsel as Word
comments on each clause heading and a cover page listing what counsel must verify before signing.

Everything counsel reads here comes from the review checklist (:func:`~agreement_kit.review.
checklist.build_checklist`) — the guidance, citations, requirements covered, alternatives not chosen,
the one "verify before signing" list and the departures from the standard library — so the copy and
the checklist never disagree. Comments are added with python-docx (``Document.add_comment``), by
the author :data:`AUTHOR`, dated with the build date.

The copy is marked on every page (:data:`MARK` in each header) and on its cover, and recorded as a
counsel copy in its properties and provenance part. It is still the same agreement: its clause
text and anchors are untouched (the build's self-check runs on it again), the cover's paragraphs
carry ``_akc`` bookmarks and the comments are listed in the provenance part, so ``audit`` reads a
counsel copy as the agreement it is — comments are notes, not changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path
from typing import Any

from ..drafts.model import Draft
from ..engine.assembly import Agreement
from ..packs.library import Library
from ..problems import output_exists
from ..review.model import Checklist, ClauseEntry
from ..yamlio import atomic_write
from .anchors import add_bookmark, cover_name, heading_name, next_bookmark_id, paragraph_name
from .ooxml import body_blocks, normalise
from .properties import fit_property
from .record import attach_record, read_record
from .render import RenderedDocument, render_document
from .verify import verify_document

AUTHOR = "agreement-kit clause library"
INITIALS = "AK"
MARK = "COUNSEL COPY \u2014 NOT FOR SIGNATURE"
COVER_PROPERTY = "Counsel copy"


def comment_key(text: str) -> str:
    """What identifies one of our comments in a returned document: a hash of its text as
    :func:`~agreement_kit.word.audit.read_document` reads it (normalised, paragraphs joined)."""
    return "sha256:" + hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------------- what to say


def _requirement_line(checklist: Checklist, clause_id: str) -> str:
    rows = [r for r in checklist.requirements if any(c.id == clause_id for c in r.clauses)]
    if not rows:
        return "Covers no policy requirement on its own."
    parts = [f"{r.id} \u2014 {r.title} ({r.source})" for r in rows]
    return "Covers: " + "; ".join(parts) + "."


def _fallbacks(checklist: Checklist, entry: ClauseEntry) -> list[str]:
    if not entry.group:
        return []
    group = next((g for g in checklist.groups if g.id == entry.group), None)
    if group is None or not group.not_chosen:
        return []
    lines = [f"Alternatives not chosen ({group.label}):"]
    for other in group.not_chosen:
        line = other.summary or other.guidance.split(". ")[0]
        lines.append(f"\u2022 {other.title} ({other.id}): {line}")
    return lines


def _where(number: str | None, title: str) -> str:
    """'Section 4.2 Title', or 'Recital: Title' (the checklist numbers recitals by their section)."""
    if number and number[0].isdigit():
        return f"Section {number} {title}"
    return f"Recital: {title}" if number else title


def clause_note(checklist: Checklist, entry: ClauseEntry) -> list[str]:
    """The comment on one clause, as paragraphs."""
    where = _where(entry.number, entry.title)
    lines = [f"{where} \u2014 {entry.id}, version {entry.version} ({entry.status})"]
    lines.append(_requirement_line(checklist, entry.id))
    if entry.guidance:
        lines.append("Guidance: " + entry.guidance)
    if entry.citations:
        lines.append("Citations: " + "; ".join(entry.citations) + ".")
    points = [v.text for v in checklist.verify if v.clause == entry.id]
    lines += [f"Verify: {p}" for p in points]
    lines += _fallbacks(checklist, entry)
    for deviation in checklist.deviations:
        if deviation.subject == "clause" and deviation.id == entry.id:
            lines.append(f"Departs from the standard library: {deviation.summary}")
            if deviation.diff:
                lines.append(f"Changes from the standard text: {deviation.diff}")
    return lines


def cover_lines(checklist: Checklist, agreement: Agreement) -> list[tuple[str, str]]:
    """(kind, text) of the cover page: 'mark', 'title', 'subtitle', 'text', 'heading', 'item'."""
    prov = checklist.provenance
    out: list[tuple[str, str]] = [
        ("mark", MARK),
        ("title", "Counsel\u2019s copy"),
        ("subtitle", agreement.short_title),
        (
            "text",
            f"Built {agreement.provenance.built} from {prov.pack_title} {prov.pack_version} "
            f"({len(checklist.clauses)} clauses). The notes in the margin are the clause "
            "library\u2019s: on each clause, the guidance for counsel, its citations, the policy "
            "requirements it covers and the alternatives not chosen.",
        ),
        (
            "text",
            "This copy is for the District\u2019s counsel. The agreement that is sent, approved "
            "and signed is the same document without this cover, the page markings and the notes.",
        ),
        ("text", checklist.verdict),
        ("heading", "Verify before signing"),
    ]
    if checklist.verify:
        for point in checklist.verify:
            out.append(("item", f"\u2022 {_where(point.number, point.title)} \u2014 {point.text}"))
    else:
        out.append(("text", "The clause library lists nothing to verify for these clauses."))
    departures: list[str] = []
    for deviation in checklist.deviations:
        departures.append(f"{_where(deviation.number, deviation.title)} \u2014 {deviation.summary}")
    for omission in checklist.against_recommendation:
        reason = omission.reason or "no reason recorded"
        departures.append(
            f"Left out against the library\u2019s recommendation: {omission.title} ({reason})"
        )
    for addition in checklist.template_additions:
        departures.append(
            f"Text the Word template adds of its own ({addition.where}): \u201c{addition.text}\u201d"
        )
    if departures:
        out.append(("heading", "Departures from the standard library"))
        out += [("item", f"\u2022 {line}") for line in departures]
    return out


# ----------------------------------------------------------------------------- writing it


def _style(document: Any, name: str, fallback: str = "Normal") -> Any:
    names = {s.name for s in document.styles}
    return name if name in names else fallback


def _add_cover(document: Any, lines: list[tuple[str, str]]) -> list[str]:
    """Put the cover before the agreement's first paragraph; returns its paragraphs' texts."""
    from docx.enum.text import WD_BREAK

    body = document.element.body
    first = next(iter(document.paragraphs), None)
    styles = {
        "mark": _style(document, "Draft Mark"),
        "title": _style(document, "Title"),
        "subtitle": _style(document, "Subtitle"),
        "text": _style(document, "Agreement Text"),
        "heading": _style(document, "Centered Heading"),
        "item": _style(document, "Agreement Text"),
    }
    made = []
    for kind, text in lines:
        if first is not None:
            p = first.insert_paragraph_before(style=styles[kind])
        else:
            p = document.add_paragraph(style=styles[kind])
        run = p.add_run(text)
        if kind in ("mark", "heading"):
            run.bold = True
        made.append(p)
    made[-1].add_run().add_break(WD_BREAK.PAGE)
    ident = next_bookmark_id(body)
    for n, p in enumerate(made):
        add_bookmark(p._p, cover_name(n), ident + n)
    return [normalise(text) for _, text in lines]


def _mark_headers(document: Any) -> None:
    """:data:`MARK` at the top of every page header (first-page and even-page headers too)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    seen: set[int] = set()
    for index, section in enumerate(document.sections):
        headers = [section.header]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        if document.settings.odd_and_even_pages_header_footer:
            headers.append(section.even_page_header)
        for header in headers:
            if index > 0 and header.is_linked_to_previous:
                continue
            key = id(header._element)
            if key in seen:
                continue
            seen.add(key)
            paragraphs = header.paragraphs
            p = paragraphs[0].insert_paragraph_before() if paragraphs else header.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(MARK)
            run.bold = True


def _comment_on(document: Any, paragraph: Any, lines: list[str], when: dt.datetime) -> str | None:
    runs = [r for r in paragraph.runs if r.text]
    if not runs:
        return None
    comment = document.add_comment(runs, text="\n".join(lines), author=AUTHOR, initials=INITIALS)
    comment._comment_elm.date = when
    first = comment.paragraphs[0].runs
    if first:
        first[0].bold = True
    return comment_key(" ".join(normalise(line) for line in lines))


def counsel_copy_document(
    library: Library,
    draft: Draft,
    *,
    agreement: Agreement | None = None,
    template: str | Path | None = None,
    today: dt.date | None = None,
    checklist: Checklist | None = None,
    rendered: RenderedDocument | None = None,
) -> RenderedDocument:
    """The counsel copy as bytes, with the build's self-check report."""
    import docx as python_docx

    from ..engine.assembly import assemble
    from ..engine.coverage import check_coverage
    from ..review.checklist import build_checklist

    coverage = check_coverage(library, draft)
    agreement = agreement or assemble(library, draft, today=today)
    rendered = rendered or render_document(agreement, template)
    if checklist is None:
        from ..review.model import TemplateAddition

        additions = [
            TemplateAddition(text=t.text, where=t.where) for t in rendered.report.template_text
        ]
        checklist = build_checklist(
            library, draft, coverage, today=today, template_additions=additions
        )
    document = python_docx.Document(io.BytesIO(rendered.data))
    body = document.element.body
    paragraph_of: dict[str, Any] = {}
    from docx.text.paragraph import Paragraph

    for block in body_blocks(body):
        for name in block.anchors:
            paragraph_of.setdefault(name, Paragraph(block.element, document._body))
    when = dt.datetime.combine(dt.date.fromisoformat(agreement.provenance.built), dt.time(), dt.UTC)
    entries = {c.id: c for c in checklist.clauses}
    keys: list[str] = []
    for section in agreement.sections:
        for clause in section.clauses:
            entry = entries.get(clause.id)
            target = paragraph_of.get(heading_name(clause.id)) or paragraph_of.get(
                paragraph_name(clause.id, 0)
            )
            if entry is None or target is None:
                continue
            lines = clause_note(checklist, entry)
            key = _comment_on(document, target, lines, when)
            if key:
                keys.append(key)
    cover = _add_cover(document, cover_lines(checklist, agreement))
    _mark_headers(document)
    document.core_properties.title = fit_property("Counsel copy \u2014 " + agreement.title)[0]
    _set_flag(document)
    record = dict(rendered.report.record)
    record["counsel_copy"] = {"author": AUTHOR, "comments": keys, "cover": cover}
    attach_record(document, record)
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    verify_document(data, agreement, str(template or "the bundled template"))
    return RenderedDocument(data, rendered.report)


def _set_flag(document: Any) -> None:
    """The custom property ``Counsel copy`` = true (the others stay as the build wrote them)."""
    from lxml import etree

    from .properties import CUSTOM_NS, CUSTOM_RT, FMTID, VT_NS

    package = document.part.package
    rel = next(
        (r for r in package.rels.values() if r.reltype == CUSTOM_RT and not r.is_external), None
    )
    if rel is None:
        return
    root = etree.fromstring(rel.target_part.blob)
    for prop in root.findall(f"{{{CUSTOM_NS}}}property"):
        if prop.get("name") == COVER_PROPERTY:
            root.remove(prop)
    pids = [int(p.get("pid", "1")) for p in root if (p.get("pid") or "").isdigit()]
    prop = etree.SubElement(root, f"{{{CUSTOM_NS}}}property", fmtid=FMTID, name=COVER_PROPERTY)
    prop.set("pid", str(max(pids, default=1) + 1))
    etree.SubElement(prop, f"{{{VT_NS}}}bool").text = "true"
    rel.target_part._blob = etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", standalone=True
    )


def build_counsel_copy(
    library: Library,
    draft: Draft,
    out: str | Path,
    *,
    template: str | Path | None = None,
    overwrite: bool = False,
    today: dt.date | None = None,
) -> Path:
    """Write the counsel copy of ``draft``'s agreement to ``out`` (atomically; an existing file is
    replaced only with ``overwrite``)."""
    out = Path(out)
    output_exists(out, overwrite=overwrite)
    data = counsel_copy_document(library, draft, template=template, today=today).data
    atomic_write(out, data, overwrite=overwrite)
    return out


def is_counsel_copy(parts: dict[str, bytes]) -> bool:
    """Whether a .docx (its parts) is a counsel copy, by its provenance part."""
    record = read_record(parts) or {}
    return bool(record.get("counsel_copy"))
