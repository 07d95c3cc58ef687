"""The build checks itself: after the template is filled, every clause the library assembled must be
in the document, whole and in order, before anything is written.

:func:`finish_document` works on the filled document (python-docx) before it is saved: it finds every
assembled heading and paragraph (the same alignment the audit uses), refuses a template that left one
out, adds the clause anchors and REF fields, and lists text the template added of its own.
:func:`verify_document` works on the saved bytes: every XML part parses strictly, and every anchored
clause reads exactly as assembled. Any difference is an error, never a "Wrote".
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from pydantic import BaseModel

from ..engine.assembly import Agreement
from ..packs.hashing import text_hash
from ..problems import Problem, ProblemsError
from .anchors import (
    Alignment,
    Expected,
    add_bookmark,
    align,
    expected_texts,
    extra_name,
    find_extras,
    heading_name,
    next_bookmark_id,
)
from .fields import Numbering, as_reference, insert_ref
from .ooxml import (
    Block,
    body_blocks,
    document_body,
    normalise,
    paragraph_text,
    parse_strict,
    read_parts,
    w,
    xml_part_names,
)

MIN_WORDS = 3  # template text with fewer words is a label ("Exhibit A", "By:", "Page 1 of 3")


@dataclass(frozen=True)
class TemplateText:
    """Text in the built document that neither the clauses nor the answers produced."""

    text: str
    where: str  # "after Section 3.2", "before the first article", "in a table after Section 7.1"

    def as_dict(self) -> dict[str, str]:
        return {"text": self.text, "where": self.where}


@dataclass
class BuildReport:
    """What the self-check found: anchors written, cross-references made, template text."""

    anchors: int = 0
    references: int = 0
    references_as_text: list[str] = field(default_factory=list)  # refs left as typed text, why
    template_text: list[TemplateText] = field(default_factory=list)
    shortened: dict[str, str] = field(default_factory=dict)  # property -> full value
    record: dict[str, Any] = field(default_factory=dict)


# ----------------------------------------------------------------------------- before saving


def _missing_problems(agreement: Agreement, alignment: Alignment, template: str) -> list[Problem]:
    missing = {(e.ident, e.role, e.index) for e in alignment.missing}
    problems: list[Problem] = []
    for section in agreement.sections:
        lost = [
            c
            for c in section.clauses
            if (c.id, "heading", 0) in missing
            or any((c.id, "paragraph", n) in missing for n in range(len(c.paragraphs)))
        ]
        if not lost:
            continue
        if len(lost) == len(section.clauses) and len(lost) > 1:
            label = (
                f"Article {section.number} ({section.title})" if section.number else section.title
            )
            ids = ", ".join(c.id for c in lost)
            problems.append(
                Problem(
                    f"the template leaves out {label}: clauses {ids} are not in the document",
                    file=template,
                    code="template-drops-clauses",
                    hint="a template must print every article, clause and paragraph "
                    "(loop over 'articles' and 'c.paragraphs'); see docs/templates.md",
                )
            )
            continue
        for clause in lost:
            gone = [
                n + 1
                for n in range(len(clause.paragraphs))
                if (clause.id, "paragraph", n) in missing
            ]
            what = (
                "its heading"
                if not gone
                else (
                    "all of it"
                    if len(gone) == len(clause.paragraphs)
                    else "paragraph " + ", ".join(map(str, gone))
                )
            )
            where = f"Section {clause.number}" if clause.number else "the recitals"
            problems.append(
                Problem(
                    f"the template leaves out {what} of {where} {clause.title}",
                    file=template,
                    clause=clause.id,
                    code="template-drops-clauses",
                    hint="a template must print every clause heading and paragraph",
                )
            )
    for item in alignment.out_of_order:
        problems.append(
            Problem(
                f"the template prints {item.role} {item.index + 1} of clause {item.ident} out of order",
                file=template,
                clause=item.ident,
                code="template-reorders-clauses",
            )
        )
    return problems


def _strings(value: Any, out: set[str]) -> None:
    """Every string a template can print from the context (names, dates, the cost table ...).

    The context holds the same objects in several places (``district`` is ``parties[0]``, the
    articles are among the sections, ``agreement`` holds them all): each is walked once."""
    seen: set[int] = set()
    raw: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str:
            raw.add(item)
        elif isinstance(item, BaseModel):
            if id(item) not in seen:
                seen.add(id(item))
                fields = item.__dict__
                stack.extend(fields[name] for name in kind.model_fields)
        elif isinstance(item, dict):
            if id(item) not in seen:
                seen.add(id(item))
                stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            if id(item) not in seen:
                seen.add(id(item))
                stack.extend(item)
        elif isinstance(item, (str, int, float)) and not isinstance(item, bool):
            raw.add(str(item))
    for text in raw:
        text = normalise(text)
        if text:
            out.add(text)


@functools.lru_cache(maxsize=1)
def bundled_furniture() -> frozenset[str]:
    """The literal text of the bundled template (headings, labels, table headers): reviewed with
    the library, so a district template that keeps it is not reported."""
    from ..resources import bundled_template

    parts = read_parts(bundled_template().read_bytes())
    out: set[str] = set()
    for name, blob in parts.items():
        if not re.match(r"word/(document|header\d*|footer\d*)\.xml$", name):
            continue
        root = etree.fromstring(blob)
        for p in root.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"):
            for piece in re.split(r"\{[{%].*?[%}]\}", paragraph_text(p)):
                piece = normalise(piece)
                if piece:
                    out.add(piece)
    return frozenset(out)


def _leftover(text: str, known: list[str]) -> list[str]:
    """Pieces of ``text`` not produced by a known string (longest first)."""
    pieces = [text]
    # every piece is a part of ``text``: a value not in ``text`` (or longer than it) splits
    # nothing; ``known`` is longest first, so skip the values longer than ``text`` at once
    start = bisect.bisect_left(known, -len(text), key=lambda v: -len(v)) if known else 0
    for value in [v for v in known[start:] if v in text]:
        if len(value) < 2:
            continue
        nxt: list[str] = []
        for piece in pieces:
            nxt += piece.split(value) if value in piece else [piece]
        pieces = nxt
    return [p for p in (normalise(x) for x in pieces) if p]


_PUNCTUATION = " .,:;()[]"
_WORD = re.compile(r"[^\W\d_]{2,}")


@functools.lru_cache(maxsize=4)
def _stripped(furniture: frozenset[str]) -> frozenset[str]:
    return frozenset(f.strip(_PUNCTUATION) for f in furniture)


def _is_furniture(piece: str, furniture: frozenset[str]) -> bool:
    words = _WORD.findall(piece)
    if len(words) < MIN_WORDS:
        return True
    return piece in furniture or piece.strip(_PUNCTUATION) in _stripped(furniture)


def template_text(
    blocks: list[Block],
    accounted: dict[int, str],
    agreement: Agreement,
    where_of: dict[int, str],
    context: Any = None,
) -> list[TemplateText]:
    """Text in ``blocks`` not produced by the clauses (``accounted``: block -> clause text in it)
    nor by the answers: the template's own wording, beyond short labels and the bundled furniture.
    ``context`` is the agreement's :func:`~.views.document_context` when the caller has it."""
    from .views import document_context

    known_set: set[str] = set()
    _strings(context if context is not None else document_context(agreement), known_set)
    known = sorted(known_set, key=len, reverse=True)
    furniture = bundled_furniture()
    found: list[TemplateText] = []
    for i, block in enumerate(blocks):
        text = normalise(block.text())
        if not text:
            continue
        inside = accounted.get(i)
        pieces = _leftover(text, [inside] if inside else []) if inside else [text]
        for piece in pieces:
            if any(not _is_furniture(rest, furniture) for rest in _leftover(piece, known)):
                found.append(TemplateText(piece, where_of.get(i, "")))
    return found


def _where(blocks: list[Block], found: dict[int, Expected], agreement: Agreement) -> dict[int, str]:
    numbers = agreement.clause_numbers()
    out: dict[int, str] = {}
    last = "before the first clause"
    for i, block in enumerate(blocks):
        item = found.get(i)
        if item is not None and item.role in ("heading", "paragraph"):
            number = numbers.get(item.ident, "")
            last = f"after Section {number}" if number else "after the recitals"
            out[i] = f"in Section {number}" if number else "in the recitals"
        else:
            out[i] = ("in a table " if block.table is not None else "") + last
    return out


_SECTION_REF = re.compile(r"\bSection (\d+\.\d+)\b")


def finish_document(
    document: Any, agreement: Agreement, template: str, context: Any = None
) -> BuildReport:
    """Check the filled document against the agreement, then anchor it (see the module doc).
    ``context``: the document context the template was filled from (else it is built again)."""
    report = BuildReport()
    body = document.element.body
    blocks = body_blocks(body)
    expected = expected_texts(agreement)
    alignment = align(blocks, expected)
    problems = _missing_problems(agreement, alignment, template)
    if problems:
        raise ProblemsError(
            problems,
            summary="the template does not print the whole agreement; nothing was written",
            kind="invalid",
        )
    by_key = {e.key: e for e in expected}
    found = {index: by_key[key] for key, index in alignment.found.items()}
    extras = find_extras(blocks, set(alignment.found.values()))
    ident = next_bookmark_id(body)
    for key, index in alignment.found.items():
        add_bookmark(blocks[index].element, key, ident)
        ident += 1
    for name, index in extras.items():
        add_bookmark(blocks[index].element, extra_name(name), ident)
        ident += 1
    report.anchors = len(alignment.found) + len(extras)

    # cross-references: only to headings that Word really numbers with the agreement's number
    parts = document.part.package
    numbering_xml = styles_xml = None
    for part in parts.iter_parts():
        name = str(part.partname)
        if name == "/word/numbering.xml":
            numbering_xml = part.blob
        elif name == "/word/styles.xml":
            styles_xml = part.blob
    numbering = Numbering(numbering_xml, styles_xml)
    numbers = numbering.numbers(body)
    clause_numbers = agreement.clause_numbers()
    target_ok: dict[str, bool] = {}
    for cid, number in clause_numbers.items():
        heading = alignment.found.get(heading_name(cid))
        target_ok[cid] = (
            bool(number)
            and heading is not None
            and as_reference(numbers.get(blocks[heading].element, "")) == number
        )
    for key, index in alignment.found.items():
        item = by_key[key]
        if not item.refs:
            continue
        raw = paragraph_text(blocks[index].element)
        offset = raw.find(item.text)
        for ref in sorted(item.refs, key=lambda r: -r.start):
            if offset < 0 or not target_ok.get(ref.target):
                report.references_as_text.append(
                    f"{item.ident} -> {ref.target}: the target heading is not numbered by Word"
                )
                continue
            if insert_ref(
                blocks[index].element,
                offset + ref.start,
                offset + ref.end,
                heading_name(ref.target),
            ):
                report.references += 1
    by_number = {n: c for c, n in clause_numbers.items() if n}
    clause_blocks = set(alignment.found.values())
    for i, block in enumerate(blocks):  # "see Section 3.1" in exhibits and captions the views wrote
        if i in clause_blocks:
            continue
        raw = paragraph_text(block.element)
        for m in reversed(list(_SECTION_REF.finditer(raw))):
            target = by_number.get(m.group(1))
            if (
                target
                and target_ok.get(target)
                and insert_ref(block.element, m.start(1), m.end(1), heading_name(target))
            ):
                report.references += 1

    accounted = {index: normalise(by_key[key].text) for key, index in alignment.found.items()}
    report.template_text = template_text(
        blocks, accounted, agreement, _where(blocks, found, agreement), context
    )
    report.record = build_record(agreement, report)
    return report


def build_record(agreement: Agreement, report: BuildReport) -> dict[str, Any]:
    """What goes into the provenance part (see :mod:`.record`)."""
    prov = agreement.provenance
    hashes = {c.id: c for c in prov.clauses}
    clauses = []
    for section in agreement.sections:
        for clause in section.clauses:
            p = hashes.get(clause.id)
            clauses.append(
                {
                    "id": clause.id,
                    "number": clause.number,
                    "section": section.id,
                    "title": clause.title,
                    "version": clause.version,
                    "hash": p.hash if p else None,
                    "pack": p.pack if p else None,
                    "text_hash": text_hash(clause.paragraphs),
                    "negotiated": clause.negotiated,
                    "paragraphs": clause.paragraphs,
                }
            )
    return {
        "format": 1,
        "tool_version": prov.tool_version,
        "built": prov.built,
        "pack": {"id": prov.pack_id, "version": prov.pack_version, "overlays": prov.overlays},
        "draft_sha256": prov.draft_sha256,
        "clauses": clauses,
        "template_text": [t.as_dict() for t in report.template_text],
    }


# ----------------------------------------------------------------------------- after saving


_PARSED: set[bytes] = set()  # digests of parts that parsed strictly (the template's own parts)


def _unparsable(parts: dict[str, bytes]) -> tuple[list[tuple[str, str]], etree._Element | None]:
    """(part, message) for every XML part that does not parse strictly, and the parsed document
    part. Parsing is deterministic: a part with the same bytes as one that parsed before in this
    process (a template's unchanged styles, numbering, settings ...) is not parsed again."""
    bad: list[tuple[str, str]] = []
    document = None
    for name in xml_part_names(parts):
        blob = parts[name]
        digest = hashlib.blake2b(blob, digest_size=16).digest()
        if digest in _PARSED and name != "word/document.xml":
            continue
        try:
            root = parse_strict(blob)
        except etree.XMLSyntaxError as exc:
            bad.append((name, str(exc)))
            continue
        if name == "word/document.xml":
            document = root
        elif len(_PARSED) < 4096:
            _PARSED.add(digest)
    return bad, document


def verify_document(data: bytes, agreement: Agreement, template: str) -> None:
    """Every part parses strictly and every anchored clause reads exactly as assembled."""
    parts = read_parts(data)
    bad, document = _unparsable(parts)
    problems = [
        Problem(
            f"rendering produced a part that is not well-formed XML ({name}: {message})",
            file=template,
            code="render-not-xml",
            hint="this is a bug or a character a Word document cannot hold; nothing was written",
        )
        for name, message in bad
    ]
    if not problems:
        body = document.find(w("body")) if document is not None else None
        if body is None:
            body = document_body(parts)  # says why there is no body
        expected = {e.key: e for e in expected_texts(agreement)}
        seen: set[str] = set()
        for block in body_blocks(body):
            for name in block.anchors:
                item = expected.get(name)
                if item is None or name in seen:
                    continue
                seen.add(name)
                have = normalise(block.text())
                want = normalise(item.text)
                if want != have and want not in have:
                    problems.append(
                        Problem(
                            f"the document's text of {_label(item)} differs from the assembled text "
                            f"(expected {want[:80]!r}, found {have[:80]!r})",
                            file=template,
                            clause=item.ident,
                            code="render-lost-text",
                        )
                    )
        lost = [e for k, e in expected.items() if k not in seen and not e.optional]
        problems += [
            Problem(
                f"{_label(e)} is not in the written document",
                file=template,
                clause=e.ident,
                code="render-lost-text",
            )
            for e in lost
        ]
    if problems:
        raise ProblemsError(
            problems,
            summary="the built document does not say what was assembled; nothing was written",
        )


def _label(item: Expected) -> str:
    if item.role == "heading":
        return f"the heading of clause {item.ident}"
    if item.role == "paragraph":
        return f"paragraph {item.index + 1} of clause {item.ident}"
    return f"{item.role} {item.ident}"
