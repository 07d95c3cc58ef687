"""Reading WordprocessingML the way the round trip needs it: strict parsing of every part, the text of
a paragraph as it stands (pending insertions in, deletions out) or as it was (the reverse), and the
blocks of a body in document order.

Nothing here guesses: a part that does not parse strictly is an error, never recovered.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NSMAP = {"w": W_NS, "r": R_NS}

MAX_PART = 64 * 1024 * 1024  # bytes: no part of an agreement is anywhere near this


def w(tag: str) -> str:
    """``w('p')`` -> the Clark name ``{…wordprocessingml/2006/main}p``."""
    return f"{{{W_NS}}}{tag}"


def strict_parser() -> etree.XMLParser:
    """No recovery, no entities, no network, no huge trees: a part parses exactly or not at all."""
    return etree.XMLParser(
        recover=False, resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )


def parse_strict(data: bytes | str) -> etree._Element:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return etree.fromstring(data, parser=strict_parser())


class UnreadableDocument(Exception):
    """Not a .docx we can read (not a zip, no document part, a part that does not parse)."""


def read_parts(data: bytes) -> dict[str, bytes]:
    """Every part of a .docx by name, size-bounded. Raises :class:`UnreadableDocument`."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableDocument(f"not a Word (.docx) file: {exc}") from None
    parts: dict[str, bytes] = {}
    with zf:
        for info in zf.infolist():
            if info.file_size > MAX_PART:
                raise UnreadableDocument(f"part {info.filename} is too large to be an agreement")
            try:
                parts[info.filename] = zf.read(info)
            except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as exc:
                raise UnreadableDocument(f"part {info.filename} cannot be read: {exc}") from None
    if "word/document.xml" not in parts:
        raise UnreadableDocument("not a Word document: it has no word/document.xml part")
    return parts


def xml_part_names(parts: dict[str, bytes]) -> list[str]:
    return [n for n in parts if n.endswith((".xml", ".rels"))]


def strict_problems(parts: dict[str, bytes]) -> list[tuple[str, str]]:
    """(part, message) for every XML part that does not parse strictly."""
    out = []
    for name in xml_part_names(parts):
        try:
            parse_strict(parts[name])
        except etree.XMLSyntaxError as exc:
            out.append((name, str(exc)))
    return out


# ----------------------------------------------------------------------------- text

View = Literal["current", "original"]
_INSERTED = {w("ins"), w("moveTo")}
_DELETED = {w("del"), w("moveFrom")}
_SKIP = {w("instrText"), w("delInstrText"), w("pPr"), w("rPr"), w("fldData")}
_BREAKS = {w("tab"): " ", w("br"): " ", w("cr"): " ", w("noBreakHyphen"): "\u2011"}
_T, _DEL_TEXT, _P, _TBL = w("t"), w("delText"), w("p"), w("tbl")
_NOT_CONTENT = (w("sectPr"), w("pPr"), w("rPr"))
_BOOKMARK_START, _NAME = w("bookmarkStart"), w("name")


def normalise(text: str) -> str:
    """Text as compared: NFC, no-break spaces as spaces, runs of whitespace folded, ends trimmed."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u2011", "-")
    return " ".join(text.split())


def _text(el: etree._Element, view: View, out: list[str]) -> None:
    tag = el.tag
    if tag in _SKIP:
        return
    if tag in _INSERTED and view == "original":
        return
    if tag in _DELETED and view == "current":
        return
    if tag == _T or (tag == _DEL_TEXT and view == "original"):
        out.append(el.text or "")
    elif tag in _BREAKS:
        out.append(_BREAKS[tag])
    elif tag == _P and out:  # a paragraph nested in a text box or cell: keep words apart
        out.append(" ")
    for child in el:
        _text(child, view, out)


def paragraph_text(p: etree._Element, view: View = "current") -> str:
    """The paragraph's text: ``current`` with pending insertions and without pending deletions (as
    it reads if every change is accepted), ``original`` the reverse (every change rejected).
    Field results count as text; field codes do not."""
    out: list[str] = []
    for child in p:
        _text(child, view, out)
    return "".join(out)


def mark_change(p: etree._Element) -> str | None:
    """'ins' or 'del' when the paragraph mark itself is a pending insertion or deletion."""
    rpr = p.find(f"{w('pPr')}/{w('rPr')}")
    if rpr is None:
        return None
    if rpr.find(w("ins")) is not None:
        return "ins"
    if rpr.find(w("del")) is not None:
        return "del"
    return None


@dataclass
class Block:
    """One paragraph of the body in document order (cell paragraphs included, with their table).

    ``anchors`` are the bookmark names that start in it (or are open over it)."""

    index: int
    element: etree._Element = field(repr=False)
    table: int | None  # which table (by order) it sits in, if any
    anchors: list[str] = field(default_factory=list)

    def text(self, view: View = "current") -> str:
        return paragraph_text(self.element, view)


def iter_paragraphs(body: etree._Element) -> Iterator[tuple[etree._Element, int | None]]:
    """Every paragraph in document order with the index of the outermost table holding it."""
    table = -1

    def walk(
        el: etree._Element, in_table: int | None
    ) -> Iterator[tuple[etree._Element, int | None]]:
        nonlocal table
        for child in el:
            tag = child.tag
            if tag == _P:
                yield child, in_table
            elif tag == _TBL:
                if in_table is None:
                    table += 1
                yield from walk(child, table if in_table is None else in_table)
            elif tag in _NOT_CONTENT:
                continue
            else:  # sdt, sdtContent, tr, tc, customXml, smartTag, ins/del of rows ...
                yield from walk(child, in_table)

    yield from walk(body, None)


def body_blocks(body: etree._Element) -> list[Block]:
    """The body's paragraphs as :class:`Block` s, each with the bookmarks that start in it."""
    blocks = []
    pending: list[str] = []  # bookmarks that start between paragraphs belong to the next one
    for i, (p, table) in enumerate(iter_paragraphs(body)):
        block = Block(index=i, element=p, table=table)
        prev = p.getprevious()
        while prev is not None and prev.tag == _BOOKMARK_START:
            pending.insert(0, prev.get(_NAME, ""))
            prev = prev.getprevious()
        block.anchors = [*pending, *(b.get(_NAME, "") for b in p.iter(_BOOKMARK_START))]
        pending = []
        blocks.append(block)
    return blocks


def document_body(parts: dict[str, bytes]) -> etree._Element:
    root = parse_strict(parts["word/document.xml"])
    body = root.find(w("body"))
    if body is None:
        raise UnreadableDocument("the document part has no body")
    return body
