"""Word-native cross-references: ``ref('clause-id')`` printed as a REF field to the target clause's
heading bookmark (``REF _akh_<id> \\w \\h``: the heading's paragraph number in full context, as a
link), with the current number as the field's cached result so Word and LibreOffice show it without
asking to update fields.

:class:`Numbering` computes paragraph numbers the way Word does (list levels from numbering.xml,
linked through paragraph styles), so a cross-reference is only written where the target heading is
really numbered with the number the agreement uses, and :func:`update_ref_fields` recomputes cached
results after an edit (what Word's "Update field" does).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from lxml import etree

from .ooxml import iter_paragraphs, parse_strict, w

_REF = re.compile(r"^\s*REF\s+(\S+)")


# ----------------------------------------------------------------------------- numbering


def _roman(n: int) -> str:
    out = ""
    for value, letters in (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ):  # fmt: skip
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letter(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return _letter(n)
    if fmt == "upperLetter":
        return _letter(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


@dataclass
class _Level:
    start: int
    fmt: str
    text: str


class Numbering:
    """Paragraph numbers of a document, computed from its numbering and style parts."""

    def __init__(self, numbering_xml: bytes | None, styles_xml: bytes | None) -> None:
        self.levels: dict[str, dict[int, _Level]] = {}  # abstractNumId -> ilvl -> level
        self.nums: dict[str, str] = {}  # numId -> abstractNumId
        self.style_num: dict[str, tuple[str | None, int | None]] = {}
        self.based_on: dict[str, str] = {}
        if numbering_xml:
            root = parse_strict(numbering_xml)
            for abstract in root.iter(w("abstractNum")):
                levels = {}
                for lvl in abstract.iter(w("lvl")):
                    ilvl = int(lvl.get(w("ilvl"), "0"))
                    start = lvl.find(w("start"))
                    fmt = lvl.find(w("numFmt"))
                    text = lvl.find(w("lvlText"))
                    levels[ilvl] = _Level(
                        int(start.get(w("val"), "1")) if start is not None else 1,
                        fmt.get(w("val"), "decimal") if fmt is not None else "decimal",
                        text.get(w("val"), "") if text is not None else "",
                    )
                self.levels[abstract.get(w("abstractNumId"), "")] = levels
            for num in root.iter(w("num")):
                ref = num.find(w("abstractNumId"))
                if ref is not None:
                    self.nums[num.get(w("numId"), "")] = ref.get(w("val"), "")
        if styles_xml:
            for style in parse_strict(styles_xml).iter(w("style")):
                sid = style.get(w("styleId"), "")
                based = style.find(w("basedOn"))
                if based is not None:
                    self.based_on[sid] = based.get(w("val"), "")
                numpr = style.find(f"{w('pPr')}/{w('numPr')}")
                if numpr is not None:
                    self.style_num[sid] = _numpr(numpr)

    def numbering_of(self, p: etree._Element) -> tuple[str, int] | None:
        """(numId, level) of a paragraph, from its own properties or its style chain."""
        num_id: str | None = None
        ilvl: int | None = None
        numpr = p.find(f"{w('pPr')}/{w('numPr')}")
        if numpr is not None:
            num_id, ilvl = _numpr(numpr)
        style = p.find(f"{w('pPr')}/{w('pStyle')}")
        sid = style.get(w("val")) if style is not None else None
        seen = set()
        while sid and sid not in seen and (num_id is None or ilvl is None):
            seen.add(sid)
            s_num, s_lvl = self.style_num.get(sid, (None, None))
            num_id = num_id if num_id is not None else s_num
            ilvl = ilvl if ilvl is not None else s_lvl
            sid = self.based_on.get(sid)
        if not num_id or num_id == "0" or num_id not in self.nums:
            return None
        return num_id, ilvl or 0

    def numbers(self, body: etree._Element) -> dict[etree._Element, str]:
        """Paragraph element -> its number as Word shows it (lvlText filled in)."""
        counters: dict[str, list[int]] = {}
        out: dict[etree._Element, str] = {}
        for p, _ in iter_paragraphs(body):
            if _deleted_mark(p):
                continue
            found = self.numbering_of(p)
            if not found:
                continue
            num_id, ilvl = found
            abstract = self.nums[num_id]
            levels = self.levels.get(abstract, {})
            if ilvl not in levels:
                continue
            count = counters.setdefault(abstract, [0] * 9)
            for deeper in range(ilvl + 1, 9):
                count[deeper] = 0
            for upper in range(ilvl):  # a level used before its parent starts the parent at 1
                if count[upper] == 0 and upper in levels:
                    count[upper] = levels[upper].start
            count[ilvl] = count[ilvl] + 1 if count[ilvl] else levels[ilvl].start
            text = levels[ilvl].text
            for k in range(9):
                if f"%{k + 1}" in text and k in levels:
                    text = text.replace(f"%{k + 1}", format_number(count[k], levels[k].fmt))
            out[p] = text
        return out


def _numpr(numpr: etree._Element) -> tuple[str | None, int | None]:
    num = numpr.find(w("numId"))
    lvl = numpr.find(w("ilvl"))
    return (
        num.get(w("val")) if num is not None else None,
        int(lvl.get(w("val"), "0")) if lvl is not None else None,
    )


def _deleted_mark(p: etree._Element) -> bool:
    rpr = p.find(f"{w('pPr')}/{w('rPr')}")
    return rpr is not None and rpr.find(w("del")) is not None


def as_reference(number: str) -> str:
    """A level's printed number as a cross-reference shows it ("8.1", not "8.1." or "Article 8.")."""
    return number.strip().rstrip(".")


# ----------------------------------------------------------------------------- REF fields


def _run(rpr: etree._Element | None, *children: etree._Element) -> etree._Element:
    r = etree.Element(w("r"))
    if rpr is not None:
        r.append(copy.deepcopy(rpr))
    for child in children:
        r.append(child)
    return r


def _el(tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.Element(w(tag))
    for key, value in attrs.items():
        el.set(w(key), value)
    if text is not None:
        el.text = text
        if text != text.strip():
            el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return el


def ref_field_runs(bookmark: str, result: str, rpr: etree._Element | None) -> list[etree._Element]:
    """The five runs of ``REF bookmark \\w \\h`` showing ``result``."""
    return [
        _run(rpr, _el("fldChar", fldCharType="begin")),
        _run(rpr, _el("instrText", f" REF {bookmark} \\w \\h ")),
        _run(rpr, _el("fldChar", fldCharType="separate")),
        _run(rpr, _el("t", result)),
        _run(rpr, _el("fldChar", fldCharType="end")),
    ]


def insert_ref(p: etree._Element, start: int, end: int, bookmark: str) -> bool:
    """Turn characters ``start:end`` of the paragraph's text into a REF field to ``bookmark``.

    Only a span inside one plain text node is converted (the renderer writes clause text as one
    run); anything else is left as typed text and False is returned."""
    pos = 0
    for r in p.findall(w("r")):
        texts = r.findall(w("t"))
        if len(texts) != 1 or len(r) > 2:  # a run with tabs, breaks or fields: leave it
            pos += sum(len(t.text or "") for t in texts)
            continue
        t = texts[0]
        value = t.text or ""
        if pos <= start and end <= pos + len(value):
            a, b = start - pos, end - pos
            rpr = r.find(w("rPr"))
            new: list[etree._Element] = []
            if value[:a]:
                new.append(_run(rpr, _el("t", value[:a])))
            new += ref_field_runs(bookmark, value[a:b], rpr)
            if value[b:]:
                new.append(_run(rpr, _el("t", value[b:])))
            for item in reversed(new):
                r.addnext(item)
            p.remove(r)
            return True
        pos += len(value)
    return False


@dataclass
class RefField:
    bookmark: str
    result_texts: list[etree._Element]  # the w:t elements of the cached result
    paragraph: etree._Element


def ref_fields(body: etree._Element) -> list[RefField]:
    """Every REF field in the body (complex fields; simple fields too)."""
    return [f for p, _ in iter_paragraphs(body) for f in paragraph_ref_fields(p)]


_OPEN, _CLOSE, _INDEX = "\ue000", "\ue001", 0xE100


def paragraph_refs(p: etree._Element) -> tuple[str, list[tuple[int, int, str]]]:
    """The paragraph's text as the audit reads it (pending changes rejected, normalised) and where
    each REF field's result stands in it: ``(start, end, bookmark)``."""
    from .ooxml import normalise, paragraph_text

    copy_ = copy.deepcopy(p)
    fields = paragraph_ref_fields(copy_)
    for k, found in enumerate(fields):
        texts = found.result_texts
        if texts:
            texts[0].text = _OPEN + chr(_INDEX + k) + (texts[0].text or "")
            texts[-1].text = (texts[-1].text or "") + _CLOSE
    marked = normalise(paragraph_text(copy_, "original"))
    text, spans, open_at = "", [], []
    i = 0
    while i < len(marked):
        ch = marked[i]
        if ch == _OPEN and i + 1 < len(marked):
            open_at.append((ord(marked[i + 1]) - _INDEX, len(text)))
            i += 2
            continue
        if ch == _CLOSE and open_at:
            k, start = open_at.pop()
            if 0 <= k < len(fields) and len(text) > start:
                spans.append((start, len(text), fields[k].bookmark))
            i += 1
            continue
        text += ch
        i += 1
    return text, spans


def paragraph_ref_fields(p: etree._Element) -> list[RefField]:
    """The REF fields of one paragraph."""
    out: list[RefField] = []
    state = None
    instr = ""
    results: list[etree._Element] = []
    for el in p.iter(w("fldChar"), w("instrText"), w("t"), w("fldSimple")):
        if el.tag == w("fldSimple"):
            m = _REF.match(el.get(w("instr"), ""))
            if m:
                out.append(RefField(m.group(1), list(el.iter(w("t"))), p))
        elif el.tag == w("fldChar"):
            kind = el.get(w("fldCharType"))
            if kind == "begin":
                state, instr, results = "instr", "", []
            elif kind == "separate":
                state = "result"
            elif kind == "end":
                m = _REF.match(instr)
                if m:
                    out.append(RefField(m.group(1), results, p))
                state = None
        elif el.tag == w("instrText") and state == "instr":
            instr += el.text or ""
        elif (
            el.tag == w("t")
            and state == "result"
            and not any(a.tag == w("fldSimple") for a in el.iterancestors())
        ):
            results.append(el)
    return out


def bookmark_paragraphs(body: etree._Element) -> dict[str, etree._Element]:
    """Bookmark name -> the paragraph it starts in (or the next paragraph, for one between)."""
    out: dict[str, etree._Element] = {}
    for start in body.iter(w("bookmarkStart")):
        name = start.get(w("name"), "")
        parent = start.getparent()
        p = parent if parent is not None and parent.tag == w("p") else None
        if p is None:
            p = next((x for x in start.itersiblings() if x.tag == w("p")), None)
        if p is not None and name not in out:
            out[name] = p
    return out


def update_ref_fields(body: etree._Element, numbering: Numbering) -> int:
    """Recompute every REF field's cached result from the current numbering; returns how many
    changed. A reference whose bookmark is gone shows Word's error text, as Word would."""
    numbers = numbering.numbers(body)
    targets = bookmark_paragraphs(body)
    changed = 0
    for field in ref_fields(body):
        p = targets.get(field.bookmark)
        value = (
            as_reference(numbers.get(p, ""))
            if p is not None
            else "Error! Reference source not found."
        )
        old = "".join(t.text or "" for t in field.result_texts)
        if old == value or not field.result_texts:
            continue
        field.result_texts[0].text = value
        for t in field.result_texts[1:]:
            t.text = ""
        changed += 1
    return changed


def update_fields(data: bytes) -> bytes:
    """A .docx with every REF field's cached result recomputed (Word's "Update field")."""
    import io
    import zipfile

    from .ooxml import read_parts

    parts = read_parts(data)
    root = parse_strict(parts["word/document.xml"])
    body = root.find(w("body"))
    if body is None:
        return data
    update_ref_fields(
        body, Numbering(parts.get("word/numbering.xml"), parts.get("word/styles.xml"))
    )
    parts["word/document.xml"] = etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, blob in parts.items():
            zf.writestr(name, blob)
    return out.getvalue()
