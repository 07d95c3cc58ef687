"""Redlines: a .docx with real tracked changes (``w:ins`` / ``w:del``, author and date) that turns
one build of an agreement into another, and the clause-level summary of what changed.

The diff is clause-aligned: paragraphs are paired by their clause anchors (so a reworded clause is
a word-level edit of that clause, never a deletion and an unrelated insertion), other paragraphs by
their text; within a pair the words are diffed with difflib. The NEW document is the base: accepting
every change gives NEW's text, rejecting every change gives OLD's (both tested, see docs/negotiation.md
for why this is ours rather than a general-purpose redline library).
"""

from __future__ import annotations

import copy
import difflib
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from .audit import tokens
from .ooxml import normalise, paragraph_text, parse_strict, read_parts, w

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
SIMILAR = 0.5  # paragraphs less alike than this are shown as a deletion and an insertion


@dataclass
class Marker:
    author: str
    date: str
    next_id: int = 9000

    def stamp(self, el: etree._Element) -> etree._Element:
        el.set(w("id"), str(self.next_id))
        el.set(w("author"), self.author)
        el.set(w("date"), self.date)
        self.next_id += 1
        return el


def _key(el: etree._Element) -> str:
    if el.tag == w("p"):
        for b in el.iter(w("bookmarkStart")):
            name = b.get(w("name"), "")
            if name.startswith("_ak"):
                return "@" + name
        return "p:" + normalise(paragraph_text(el))
    if el.tag == w("tbl"):
        return "t:" + normalise(" ".join(paragraph_text(p) for p in el.iter(w("p"))))
    return "x:" + el.tag


def _first_rpr(p: etree._Element) -> etree._Element | None:
    for r in p.iter(w("r")):
        rpr = r.find(w("rPr"))
        if r.find(w("t")) is not None:
            return copy.deepcopy(rpr) if rpr is not None else None
    return None


def _text_run(text: str, rpr: etree._Element | None, deleted: bool = False) -> etree._Element:
    r = etree.Element(w("r"))
    if rpr is not None:
        r.append(copy.deepcopy(rpr))
    t = etree.SubElement(r, w("delText" if deleted else "t"))
    t.text = text
    t.set(XML_SPACE, "preserve")
    return r


def _mark_paragraph(p: etree._Element, kind: str, marker: Marker) -> None:
    ppr = p.find(w("pPr"))
    if ppr is None:
        ppr = etree.Element(w("pPr"))
        p.insert(0, ppr)
    rpr = ppr.find(w("rPr"))
    if rpr is None:
        rpr = etree.SubElement(ppr, w("rPr"))
    rpr.append(marker.stamp(etree.Element(w(kind))))


def _clear_runs(p: etree._Element) -> None:
    for child in list(p):
        if child.tag not in (w("pPr"), w("bookmarkStart"), w("bookmarkEnd")):
            p.remove(child)


def _bookmark_end_anchor(p: etree._Element) -> etree._Element | None:
    ends = p.findall(w("bookmarkEnd"))
    return ends[0] if ends else None


def _append(p: etree._Element, el: etree._Element) -> None:
    end = _bookmark_end_anchor(p)
    if end is not None:
        end.addprevious(el)
    else:
        p.append(el)


@dataclass
class _Atom:
    """A piece of a paragraph the redline keeps whole: a word (or the space after it) of one run,
    with that run's properties, or a whole field (its runs), whose text is its result."""

    text: str
    rpr: etree._Element | None = None
    runs: list[etree._Element] | None = None  # a field, or a run that is more than text


def _run_text(r: etree._Element) -> str:
    return paragraph_text(r)


def _atoms(p: etree._Element) -> list[_Atom]:
    out: list[_Atom] = []
    field: list[etree._Element] | None = None
    depth = 0
    for child in p:
        if child.tag != w("r"):
            continue  # pPr, bookmarks, comment ranges: kept where they are or dropped
        chars = child.findall(w("fldChar"))
        if field is not None or chars:
            field = field if field is not None else []
            field.append(child)
            for fc in chars:
                kind = fc.get(w("fldCharType"))
                depth += 1 if kind == "begin" else -1 if kind == "end" else 0
            if depth <= 0:
                out.append(_Atom(_field_result(field), runs=field))
                field, depth = None, 0
            continue
        plain = all(c.tag in (w("rPr"), w("t")) for c in child)
        if not plain:
            out.append(_Atom(_run_text(child), runs=[child]))
            continue
        rpr = child.find(w("rPr"))
        for token in tokens("".join(t.text or "" for t in child.findall(w("t")))):
            out.append(_Atom(token, rpr))
    if field:  # a field left open: keep its runs whole
        out.append(_Atom(_field_result(field), runs=field))
    return out


def _field_result(runs: list[etree._Element]) -> str:
    shown, text = False, []
    for r in runs:
        for el in r:
            if el.tag == w("fldChar"):
                shown = el.get(w("fldCharType")) == "separate"
            elif el.tag == w("t") and shown:
                text.append(el.text or "")
    return "".join(text)


def _rpr_key(rpr: etree._Element | None) -> bytes:
    return etree.tostring(rpr) if rpr is not None else b""


def _put(p: etree._Element, atoms: list[_Atom], kind: str | None, marker: Marker) -> None:
    """Write ``atoms`` into ``p`` (before its anchors' ends): words of one formatting as one run,
    fields and other runs whole; inside a tracked insertion or deletion when ``kind`` says so."""
    deleted = kind == "del"
    pieces: list[etree._Element] = []
    i = 0
    while i < len(atoms):
        atom = atoms[i]
        if atom.runs is not None:
            for r in atom.runs:
                r = copy.deepcopy(r)
                if deleted:
                    for t in r.iter(w("t")):
                        t.tag = w("delText")
                    for t in r.iter(w("instrText")):
                        t.tag = w("delInstrText")
                pieces.append(r)
            i += 1
            continue
        j = i
        while (
            j < len(atoms)
            and atoms[j].runs is None
            and _rpr_key(atoms[j].rpr) == _rpr_key(atom.rpr)
        ):
            j += 1
        pieces.append(_text_run("".join(x.text for x in atoms[i:j]), atom.rpr, deleted))
        i = j
    if kind is None:
        for piece in pieces:
            _append(p, piece)
        return
    wrapper = marker.stamp(etree.Element(w(kind)))
    for piece in pieces:
        wrapper.append(piece)
    _append(p, wrapper)


def redline_paragraph(old: etree._Element, new: etree._Element, marker: Marker) -> bool:
    """Rewrite ``new`` as tracked changes from ``old``'s text; False if they read the same.

    Words keep their own run's formatting, and a field (a REF cross-reference) stays a field:
    unchanged, it is NEW's field; renumbered or removed, OLD's field is a tracked deletion."""
    if normalise(paragraph_text(old)) == normalise(paragraph_text(new)):
        return False
    a, b = _atoms(old), _atoms(new)
    _clear_runs(new)
    matcher = difflib.SequenceMatcher(
        None, [x.text for x in a], [x.text for x in b], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            _put(new, b[j1:j2], None, marker)
            continue
        if i2 > i1:
            _put(new, a[i1:i2], "del", marker)
        if j2 > j1:
            _put(new, b[j1:j2], "ins", marker)
    return True


def _as_deleted(el: etree._Element, marker: Marker) -> etree._Element:
    """A copy of an OLD paragraph or table, every run and paragraph mark a tracked deletion."""
    el = copy.deepcopy(el)
    for b in list(el.iter(w("bookmarkStart"), w("bookmarkEnd"))):
        b.getparent().remove(b)  # the anchors belong to NEW
    for p in el.iter(w("p")):
        for r in list(p.iter(w("r"))):
            if r.getparent().tag in (w("del"), w("ins")):
                continue
            for t in r.iter(w("t")):
                t.tag = w("delText")
            for t in r.iter(w("instrText")):
                t.tag = w("delInstrText")
            d = marker.stamp(etree.Element(w("del")))
            r.addprevious(d)
            d.append(r)
        _mark_paragraph(p, "del", marker)
    for tr in el.iter(w("tr")):
        trpr = tr.find(w("trPr"))
        if trpr is None:
            trpr = etree.Element(w("trPr"))
            tcs = tr.find(w("tc"))
            (tcs.addprevious(trpr) if tcs is not None else tr.append(trpr))
        trpr.append(marker.stamp(etree.Element(w("del"))))
    return el


def _as_inserted(el: etree._Element, marker: Marker) -> None:
    for p in el.iter(w("p")):
        for r in list(p.findall(w("r"))):
            ins = marker.stamp(etree.Element(w("ins")))
            r.addprevious(ins)
            ins.append(r)
        _mark_paragraph(p, "ins", marker)
    for tr in el.iter(w("tr")):
        trpr = tr.find(w("trPr"))
        if trpr is None:
            trpr = etree.Element(w("trPr"))
            tcs = tr.find(w("tc"))
            (tcs.addprevious(trpr) if tcs is not None else tr.append(trpr))
        trpr.append(marker.stamp(etree.Element(w("ins"))))


def _same_shape(a: etree._Element, b: etree._Element) -> bool:
    rows_a, rows_b = a.findall(w("tr")), b.findall(w("tr"))
    return len(rows_a) == len(rows_b) and all(
        len(x.findall(f"{w('tc')}/{w('p')}")) == len(y.findall(f"{w('tc')}/{w('p')}"))
        for x, y in zip(rows_a, rows_b, strict=True)
    )


def _pair(old: etree._Element, new: etree._Element, marker: Marker) -> int:
    if old.tag == w("p") and new.tag == w("p"):
        return int(redline_paragraph(old, new, marker))
    if old.tag == w("tbl") and new.tag == w("tbl") and _same_shape(old, new):
        return sum(
            redline_paragraph(x, y, marker)
            for x, y in zip(old.iter(w("p")), new.iter(w("p")), strict=True)
        )
    new.addprevious(_as_deleted(old, marker))
    _as_inserted(new, marker)
    return 1


def _similar(a: etree._Element, b: etree._Element) -> bool:
    if a.tag != b.tag:
        return False
    x, y = normalise(paragraph_text(a)), normalise(paragraph_text(b))
    return difflib.SequenceMatcher(None, x.split(), y.split(), autojunk=False).ratio() >= SIMILAR


def redline_body(old_body: etree._Element, new_body: etree._Element, marker: Marker) -> int:
    """Turn ``new_body`` into NEW-with-tracked-changes-from-OLD; returns how many places changed."""

    def items(body: etree._Element) -> list[etree._Element]:
        return [c for c in body if c.tag in (w("p"), w("tbl"))]

    old_items, new_items = items(old_body), items(new_body)
    matcher = difflib.SequenceMatcher(
        None, [_key(x) for x in old_items], [_key(x) for x in new_items], autojunk=False
    )
    changes = 0
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for x, y in zip(old_items[i1:i2], new_items[j1:j2], strict=True):
                changes += _pair(x, y, marker)  # same anchor: the words may differ
            continue
        olds, news = old_items[i1:i2], new_items[j1:j2]
        paired = 0
        while paired < min(len(olds), len(news)) and _similar(olds[paired], news[paired]):
            changes += _pair(olds[paired], news[paired], marker)
            paired += 1
        anchor = news[paired] if paired < len(news) else None
        for x in olds[paired:]:
            gone = _as_deleted(x, marker)
            if anchor is not None:
                anchor.addprevious(gone)
            elif news:
                news[-1].addnext(gone)
            else:
                _insert_after_previous(new_body, new_items, j1, gone)
            changes += 1
        for y in news[paired:]:
            _as_inserted(y, marker)
            changes += 1
    return changes


def _insert_after_previous(
    body: etree._Element, items: list[etree._Element], j: int, el: etree._Element
) -> None:
    if j > 0:
        # after the last element placed before position j (it may be a deleted copy already)
        prev = items[j - 1]
        nxt = prev.getnext()
        while nxt is not None and nxt.tag in (w("p"), w("tbl")) and _is_deleted_copy(nxt):
            prev, nxt = nxt, nxt.getnext()
        prev.addnext(el)
    else:
        first = next((c for c in body if c.tag in (w("p"), w("tbl"))), None)
        (first.addprevious(el) if first is not None else body.insert(0, el))


def _is_deleted_copy(el: etree._Element) -> bool:
    rpr = el.find(f"{w('pPr')}/{w('rPr')}") if el.tag == w("p") else None
    return rpr is not None and rpr.find(w("del")) is not None


def redline(old: bytes, new: bytes, *, author: str, date: str) -> tuple[bytes, int]:
    """The NEW .docx with tracked changes from OLD, and how many places changed."""
    old_parts, new_parts = read_parts(old), read_parts(new)
    old_root = parse_strict(old_parts["word/document.xml"])
    new_root = parse_strict(new_parts["word/document.xml"])
    marker = Marker(author, date)
    count = redline_body(old_root.find(w("body")), new_root.find(w("body")), marker)
    new_parts["word/document.xml"] = etree.tostring(
        new_root, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, blob in new_parts.items():
            zf.writestr(name, blob)
    return out.getvalue(), count


# ----------------------------------------------------------------------------- accept / reject


def resolve(data: bytes, accept: bool) -> list[str]:
    """The body's paragraph texts after accepting (or rejecting) every tracked change, as Word's
    "Accept All" / "Reject All" would leave them (empty paragraphs left out)."""
    body = parse_strict(read_parts(data)["word/document.xml"]).find(w("body"))
    drop, keep = ("del", "ins") if accept else ("ins", "del")
    for el in list(body.iter(w(drop), w("moveFrom" if accept else "moveTo"))):
        parent = el.getparent()
        if parent.tag == w("rPr"):
            continue
        if parent.tag == w("trPr"):  # a row whose insertion/deletion goes away: the whole row
            tr = parent.getparent()
            tr.getparent().remove(tr)
            continue
        parent.remove(el)
    for el in list(body.iter(w(keep))):
        parent = el.getparent()
        if parent.tag in (w("rPr"), w("trPr")):
            parent.remove(el)
            continue
        for t in el.iter(w("delText")):
            t.tag = w("t")
        for child in list(el):
            el.addprevious(child)
        parent.remove(el)
    texts = []
    merged = ""
    for p in body.iter(w("p")):
        rpr = p.find(f"{w('pPr')}/{w('rPr')}")
        gone = rpr is not None and rpr.find(w(drop)) is not None
        text = paragraph_text(p)
        if gone:  # the paragraph mark goes: its text joins the next paragraph
            merged += text
            continue
        full = normalise(merged + text)
        merged = ""
        if full:
            texts.append(full)
    if normalise(merged):
        texts.append(normalise(merged))
    return texts


def document_texts(data: bytes) -> list[str]:
    body = parse_strict(read_parts(data)["word/document.xml"]).find(w("body"))
    return [t for t in (normalise(paragraph_text(p)) for p in body.iter(w("p"))) if t]


# ----------------------------------------------------------------------------- the summary


@dataclass
class Comparison:
    added: list[dict[str, str]] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)
    reworded: list[dict[str, Any]] = field(default_factory=list)
    renumbered: list[dict[str, str]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    coverage: list[dict[str, str]] = field(default_factory=list)
    changes: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return self.changes == 0 and not self.answers

    def to_json(self) -> dict[str, Any]:
        return {
            "format": 1,
            "same": self.same,
            "tracked_changes": self.changes,
            "clauses_added": self.added,
            "clauses_removed": self.removed,
            "clauses_reworded": self.reworded,
            "clauses_renumbered": self.renumbered,
            "answers_changed": self.answers,
            "coverage_changed": self.coverage,
            "notes": self.notes,
        }

    def markdown(self, old: str, new: str) -> str:
        out = [f"# Comparison: {old} → {new}", ""]
        if self.same:
            return "\n".join([*out, "The two versions read the same.", ""])

        def cell(text: Any) -> str:
            return " ".join(str(text).split()).replace("|", "\\|")

        sections = [
            (
                "Clauses added",
                self.added,
                lambda c: f"§ {c['number']} {cell(c['title'])} (`{c['id']}`)",
            ),
            (
                "Clauses removed",
                self.removed,
                lambda c: f"§ {c['number']} {cell(c['title'])} (`{c['id']}`)",
            ),
            (
                "Clauses reworded",
                self.reworded,
                lambda c: (
                    f"§ {c['number']} {cell(c['title'])} (`{c['id']}`): "
                    + "; ".join(f"{cell(x['old'])} → {cell(x['new'])}" for x in c["changes"][:5])
                ),
            ),
            (
                "Clauses renumbered",
                self.renumbered,
                lambda c: f"`{c['id']}`: § {c['old']} → § {c['new']}",
            ),
            (
                "Answers changed",
                self.answers,
                lambda a: f"`{a['answer']}`: {cell(a['old'])} → {cell(a['new'])}",
            ),
            (
                "Coverage changed",
                self.coverage,
                lambda r: f"requirement {r['id']}: {r['old']} → {r['new']}",
            ),
        ]
        for title, items, line in sections:
            if items:
                out += [f"## {title}", ""] + [f"- {line(i)}" for i in items] + [""]
        out.append(f"{self.changes} tracked change(s) in the redline.")
        return "\n".join(out) + "\n"


def summarise(old: bytes, new: bytes) -> Comparison:
    """Clause-level differences between two built documents (from their anchors and records)."""
    from .audit import read_document, word_diff
    from .record import read_record

    a, b = read_document(old), read_document(new)
    rec_a, rec_b = read_record(read_parts(old)) or {}, read_record(read_parts(new)) or {}
    info_a = {c["id"]: c for c in rec_a.get("clauses", [])}
    info_b = {c["id"]: c for c in rec_b.get("clauses", [])}
    result = Comparison()

    def row(info: dict[str, Any], cid: str, doc: Any) -> dict[str, str]:
        c = info.get(cid, {})
        return {
            "id": cid,
            "number": c.get("number", ""),
            "title": c.get("title") or doc.clauses[cid].heading,
        }

    for cid in b.order:
        if cid not in a.clauses:
            result.added.append(row(info_b, cid, b))
    for cid in a.order:
        if cid not in b.clauses:
            result.removed.append(row(info_a, cid, a))
            continue
        old_text, new_text = a.clauses[cid].text, b.clauses[cid].text
        if old_text != new_text:
            changes = [c.as_dict() for c in word_diff(old_text, new_text)]
            result.reworded.append({**row(info_b, cid, b), "changes": changes})
        n_old, n_new = info_a.get(cid, {}).get("number", ""), info_b.get(cid, {}).get("number", "")
        if n_old != n_new:
            result.renumbered.append({"id": cid, "old": n_old, "new": n_new})
    if not rec_a or not rec_b:
        result.notes.append("a document has no agreement-kit record: numbers could not be compared")
    return result


def draft_answers(old: Any, new: Any) -> list[dict[str, Any]]:
    """Answers that differ between two drafts (dotted paths)."""

    def flat(value: Any, prefix: str = "") -> dict[str, Any]:
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for k, v in value.items():
                out.update(flat(v, f"{prefix}.{k}" if prefix else str(k)))
            return out
        if isinstance(value, list):
            out = {}
            for i, v in enumerate(value):
                out.update(flat(v, f"{prefix}[{i}]"))
            return out
        return {prefix: value}

    a = flat(old.model_dump(mode="json", exclude={"wizard"}))
    b = flat(new.model_dump(mode="json", exclude={"wizard"}))
    return [
        {"answer": k, "old": a.get(k), "new": b.get(k)}
        for k in sorted(set(a) | set(b))
        if a.get(k) != b.get(k)
    ]


def coverage_changes(old: Any, new: Any) -> list[dict[str, str]]:
    """Requirements whose coverage state differs between two coverages."""
    before = {r.id: r.state for r in old.requirements}
    after = {r.id: r.state for r in new.requirements}
    return [
        {"id": r, "old": before.get(r, "absent"), "new": after.get(r, "absent")}
        for r in sorted(set(before) | set(after))
        if before.get(r) != after.get(r)
    ]
