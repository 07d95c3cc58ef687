"""Clause anchors: which paragraph of a Word document holds which clause's heading or paragraph.

Every built .docx carries a hidden bookmark (a name starting with ``_``, which Word lists only when
"Hidden bookmarks" is ticked) on each clause heading (``_akh_<id>``), each clause paragraph
(``_akp<n>_<id>``), each article heading (``_aks_<id>``) and the signature page and exhibits
(``_akx_<name>``), with ``-`` in ids written as ``_``. Bookmarks sit *inside* their paragraph:
LibreOffice keeps those through a re-save, while bookmarks between paragraphs are split and renamed
(see docs/negotiation.md, "Why bookmarks"). A paragraph that loses its bookmark (python-docx's
``paragraph.text = …`` clears it, as retyping a whole paragraph in Word can) is found again by its
position between anchored neighbours and by its text.

:func:`expected_texts` is what the library produced for an agreement, in document order, before any
template is involved; :func:`align` finds those texts in a rendered body.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Literal

from lxml import etree

from ..engine.assembly import Agreement, ClauseRef
from .ooxml import Block, normalise, w

MAX_NAME = 40  # Word's limit on bookmark names

Role = Literal["section", "heading", "paragraph", "extra"]


def slug(prefix: str, ident: str) -> str:
    """A bookmark name for ``ident`` (kebab-case) under ``prefix``, at most 40 characters."""
    name = prefix + ident.replace("-", "_")
    if len(name) <= MAX_NAME:
        return name
    digest = hashlib.sha1(ident.encode("utf-8")).hexdigest()[:6]
    return name[: MAX_NAME - 7] + "_" + digest


def heading_name(clause_id: str) -> str:
    return slug("_akh_", clause_id)


def paragraph_name(clause_id: str, n: int) -> str:
    return slug(f"_akp{n}_", clause_id)


def section_name(section_id: str) -> str:
    return slug("_aks_", section_id)


def extra_name(what: str) -> str:
    return slug("_akx_", what)


COVER_PREFIX = "_akc"  # the counsel copy's cover paragraphs: not agreement text


def cover_name(n: int) -> str:
    return slug(f"{COVER_PREFIX}{n}_", "cover")


_NAME = re.compile(r"^_ak(h|s|x|p(\d+))_(.+)$")


@dataclass(frozen=True)
class AnchorName:
    role: Role
    ident: str  # the clause, section or extra id (as far as the name tells it)
    index: int  # paragraph number for 'paragraph', else 0


def parse_name(name: str, known: dict[str, str] | None = None) -> AnchorName | None:
    """What a bookmark name anchors; ``known`` maps names to ids for names shortened by a hash."""
    m = _NAME.match(name)
    if not m:
        return None
    kind, number, rest = m.groups()
    role: Role = {"h": "heading", "s": "section", "x": "extra"}.get(kind, "paragraph")  # type: ignore[assignment]
    ident = (known or {}).get(name) or rest.replace("_", "-")
    return AnchorName(role=role, ident=ident, index=int(number) if number else 0)


# ----------------------------------------------------------------------------- what was produced


@dataclass
class Expected:
    """One piece of text the library produced, with the anchor it gets."""

    key: str  # the bookmark name
    role: Role
    ident: str  # clause id (section id for 'section', name for 'extra')
    index: int
    text: str  # as the template prints it (views applied: ties, WHEREAS leads)
    refs: list[ClauseRef] = field(default_factory=list)
    optional: bool = False  # furniture a template may leave out (article titles, exhibits)


def expected_texts(agreement: Agreement) -> list[Expected]:
    """Every heading and paragraph the assembled agreement contributes, in document order."""
    from .views import recital_text, tie

    out: list[Expected] = []
    for section in agreement.sections:
        recitals = section.kind == "recitals"
        if not recitals:
            out.append(
                Expected(
                    section_name(section.id), "section", section.id, 0, section.title, optional=True
                )
            )
        for clause in section.clauses:
            if not recitals:
                out.append(Expected(heading_name(clause.id), "heading", clause.id, 0, clause.title))
            for n, para in enumerate(clause.paragraphs):
                text = recital_text(para) if recitals else tie(para)
                refs = [r for r in clause.refs if r.paragraph == n]
                if recitals:  # the lead changes offsets; recitals never carry numbered refs
                    refs = []
                out.append(
                    Expected(paragraph_name(clause.id, n), "paragraph", clause.id, n, text, refs)
                )
    return out


EXTRAS = {  # furniture every agreement has, anchored when the template prints it
    "signatures": re.compile(r"^signatures?(?: page)?$", re.IGNORECASE),
    "exhibit-a": re.compile(r"^exhibit a\b", re.IGNORECASE),
    "exhibit-b": re.compile(r"^exhibit b\b", re.IGNORECASE),
    "exhibit-c": re.compile(r"^exhibit c\b", re.IGNORECASE),
}


# ----------------------------------------------------------------------------- finding them


_NUMBER_PREFIX = re.compile(
    r"^(?:(?:section|article)\s+)?[0-9A-Za-z]{1,3}(?:\.[0-9]{1,3})*[.)]?\s+", re.I
)


def _heading_matches(text: str, title: str) -> bool:
    if text == title:
        return True
    stripped = _NUMBER_PREFIX.sub("", text, count=1)
    return stripped == title or stripped.rstrip(".") == title


@dataclass
class Alignment:
    """Where each expected text sits: ``found[key] = block index``; ``extra[name] = block index``."""

    found: dict[str, int] = field(default_factory=dict)
    missing: list[Expected] = field(default_factory=list)
    out_of_order: list[Expected] = field(default_factory=list)
    partial: dict[str, int] = field(default_factory=dict)  # paragraph found inside a longer one


def align(blocks: list[Block], expected: list[Expected]) -> Alignment:
    """Find each expected text in ``blocks`` in order: a paragraph of its own (or a numbered
    heading), else inside a longer paragraph (a template that runs a clause's heading and
    paragraphs together), continuing where the previous text ended."""
    texts = [normalise(b.text()) for b in blocks]
    result = Alignment()
    used: set[int] = set()
    pos = 0  # first block not yet consumed
    cursor: tuple[int, int] = (-1, 0)  # (block, character) where the last partial match ended

    def search(item: Expected, start: int, stop: int) -> tuple[int | None, int | None]:
        """(block, end offset for a match inside a longer paragraph, else None)."""
        target = normalise(item.text)
        if not target:
            return None, None
        block, offset = cursor
        if start <= block < stop and block >= 0:
            at = texts[block].find(target, offset)
            if at >= 0:
                return block, at + len(target)
        heading = item.role in ("heading", "section")
        for i in range(start, stop):
            if i in used:
                continue
            if (heading and _heading_matches(texts[i], target)) or texts[i] == target:
                return i, None
        for i in range(start, stop):
            if i in used:
                continue
            at = texts[i].find(target)
            if at >= 0 and (not heading or _heading_matches(texts[i][: at + len(target)], target)):
                return i, at + len(target)
        return None, None

    for item in expected:
        index, end = search(item, max(pos - 1, 0), len(blocks))
        if index is None:
            index, end = search(item, 0, max(pos - 1, 0))
            if index is not None and not item.optional:
                result.out_of_order.append(item)
        if index is None:
            if not item.optional:
                result.missing.append(item)
            continue
        result.found[item.key] = index
        if end is None:
            used.add(index)
            cursor = (-1, 0)
        else:
            result.partial[item.key] = index
            cursor = (index, end)
        pos = max(pos, index + 1)
    return result


def find_extras(blocks: list[Block], taken: set[int]) -> dict[str, int]:
    """Signature page and exhibit headings by their wording (first match after the clauses)."""
    out: dict[str, int] = {}
    start = max(taken) + 1 if taken else 0
    for i in range(start, len(blocks)):
        text = normalise(blocks[i].text())
        for name, pattern in EXTRAS.items():
            if name not in out and pattern.match(text) and len(text) < 60:
                out[name] = i
    return out


# ----------------------------------------------------------------------------- writing them


def next_bookmark_id(body: etree._Element) -> int:
    ids = [
        int(b.get(w("id"), "0"))
        for b in body.iter(w("bookmarkStart"))
        if b.get(w("id"), "").isdigit()
    ]
    return max(ids, default=0) + 1


def add_bookmark(p: etree._Element, name: str, ident: int) -> None:
    """A bookmark around the paragraph's content (inside the paragraph: see the module doc)."""
    start = etree.Element(w("bookmarkStart"))
    start.set(w("id"), str(ident))
    start.set(w("name"), name)
    end = etree.Element(w("bookmarkEnd"))
    end.set(w("id"), str(ident))
    ppr = p.find(w("pPr"))
    if ppr is not None:
        ppr.addnext(start)
    else:
        p.insert(0, start)
    p.append(end)
