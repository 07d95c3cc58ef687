"""Auditing a returned .docx: what changed, in which clause, against which standard text, and what
that does to the policy coverage.

:func:`read_document` reads any .docx into clauses (found by their anchors, or by position and text
when an anchor was lost) and the text around them. :func:`audit_document` compares a returned document
with what the draft builds (or, without a draft, with the text the build recorded in the document) and
returns an :class:`Audit`: per clause unchanged / edited (word diff) / deleted / moved, paragraphs
inserted outside any clause, other changed text, pending tracked changes and comments (who, what),
answers whose printed value changed, and requirements that lost their cover.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from lxml import etree

from .anchors import COVER_PREFIX, parse_name
from .ooxml import (
    Block,
    UnreadableDocument,
    body_blocks,
    document_body,
    mark_change,
    normalise,
    paragraph_text,
    parse_strict,
    read_parts,
    w,
)
from .record import read_record

AUDIT_FORMAT = 1
GUTTED = 0.5  # an edit that keeps less than half of a clause's words takes away its substance

State = Literal["unchanged", "edited", "deleted", "moved"]


# ----------------------------------------------------------------------------- reading


@dataclass
class ClauseText:
    id: str
    heading: str = ""
    paragraphs: list[str] = field(default_factory=list)  # the text as it stands (pending rejected)
    blocks: list[int] = field(default_factory=list)  # block indexes, in order
    lost_anchors: int = 0  # paragraphs placed by position or text, their bookmark gone

    @property
    def text(self) -> str:
        return "\n".join(p for p in self.paragraphs if p)


@dataclass
class Revision:
    kind: Literal["insertion", "deletion", "paragraph insertion", "paragraph deletion"]
    author: str
    date: str
    text: str
    clause: str | None
    where: str

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__}


@dataclass
class Comment:
    author: str
    date: str
    text: str
    clause: str | None
    where: str

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__}


@dataclass
class DocumentText:
    """A .docx read into clauses and the text around them."""

    clauses: dict[str, ClauseText]
    order: list[str]  # clause ids by first appearance
    other: list[tuple[int, str]]  # (block, text) of paragraphs that belong to no clause
    revisions: list[Revision]
    comments: list[Comment]
    record: dict[str, Any] | None
    blocks: list[Block] = field(repr=False, default_factory=list)
    owner: dict[int, str] = field(default_factory=dict)  # block -> clause id


def _view_text(block: Block) -> str:
    """The paragraph as it stands in the file: accepted edits in, pending proposals out."""
    if mark_change(block.element) == "ins" and not normalise(block.text("original")):
        return ""
    return normalise(block.text("original"))


def read_document(data: bytes, known_ids: list[str] | None = None) -> DocumentText:
    """Read a .docx; raises :class:`UnreadableDocument` if it is not one we can read."""
    parts = read_parts(data)
    try:
        body = document_body(parts)
    except etree.XMLSyntaxError as exc:
        raise UnreadableDocument(f"word/document.xml is not well-formed XML: {exc}") from None
    record = read_record(parts)
    known: dict[str, str] = {}
    ids = list(known_ids or [])
    if record:
        ids += [c["id"] for c in record.get("clauses", [])]
    from .anchors import heading_name, paragraph_name

    for cid in ids:  # names shortened with a hash resolve through the ids we know
        known[heading_name(cid)] = cid
        for n in range(64):
            known[paragraph_name(cid, n)] = cid
    blocks = body_blocks(body)
    owner: dict[int, str] = {}
    slot: dict[int, tuple[str, str, int]] = {}
    for block in blocks:
        for name in block.anchors:
            parsed = parse_name(name, known)
            if parsed and parsed.role in ("heading", "paragraph") and block.index not in owner:
                owner[block.index] = parsed.ident
                slot[block.index] = (parsed.ident, parsed.role, parsed.index)
    # a paragraph that lost its bookmark between two paragraphs of one clause belongs to it
    anchored = sorted(owner)
    for a, b in zip(anchored, anchored[1:], strict=False):
        if owner[a] == owner[b]:
            for i in range(a + 1, b):
                if normalise(blocks[i].text("original")) or normalise(blocks[i].text()):
                    owner.setdefault(i, owner[a])
    clauses: dict[str, ClauseText] = {}
    order: list[str] = []
    for i, block in enumerate(blocks):
        found = owner.get(i)
        if found is None:
            continue
        cid = found
        clause = clauses.setdefault(cid, ClauseText(cid))
        if cid not in order:
            order.append(cid)
        clause.blocks.append(i)
        role = slot.get(i, (cid, "paragraph", -1))[1]
        text = _view_text(block)
        if role == "heading":
            clause.heading = text
        else:
            clause.paragraphs.append(text)
            if i not in slot:
                clause.lost_anchors += 1
    cover = {b.index for b in blocks if any(n.startswith(COVER_PREFIX) for n in b.anchors)}
    other = [
        (i, t)
        for i, b in enumerate(blocks)
        if i not in owner and i not in cover and (t := _view_text(b))
    ]
    revisions = _revisions(blocks, owner)
    comments = [c for c in _comments(parts, body, blocks, owner) if not _ours(c, record)]
    return DocumentText(clauses, order, other, revisions, comments, record, blocks, owner)


def _ours(comment: Comment, record: dict[str, Any] | None) -> bool:
    """A note the counsel copy wrote (same author, same text), not a reviewer's comment."""
    from .counsel import comment_key

    copy = (record or {}).get("counsel_copy") or {}
    return comment.author == copy.get("author") and comment_key(comment.text) in set(
        copy.get("comments") or []
    )


def _where(blocks: list[Block], owner: dict[int, str], index: int) -> str:
    cid = owner.get(index)
    if cid:
        return f"clause {cid}"
    before = next((owner[j] for j in range(index - 1, -1, -1) if j in owner), None)
    return f"after clause {before}" if before else "before the first clause"


def _revisions(blocks: list[Block], owner: dict[int, str]) -> list[Revision]:
    out: list[Revision] = []
    for block in blocks:
        p = block.element
        mark = mark_change(p)
        where = _where(blocks, owner, block.index)
        if mark:
            rpr = p.find(f"{w('pPr')}/{w('rPr')}")
            el = rpr.find(w(mark)) if rpr is not None else None
            kind = "paragraph insertion" if mark == "ins" else "paragraph deletion"
            view: Literal["current", "original"] = "current" if mark == "ins" else "original"
            out.append(
                Revision(
                    kind,  # type: ignore[arg-type]
                    (el.get(w("author")) if el is not None else "") or "",
                    (el.get(w("date")) if el is not None else "") or "",
                    normalise(paragraph_text(p, view)),
                    owner.get(block.index),
                    where,
                )
            )
        for el in p.iter(w("ins"), w("del"), w("moveTo"), w("moveFrom")):
            if el.getparent() is not None and el.getparent().tag == w("rPr"):
                continue  # paragraph marks: reported above
            inserted = el.tag in (w("ins"), w("moveTo"))
            text = "".join((t.text or "") for t in el.iter(w("t") if inserted else w("delText")))
            out.append(
                Revision(
                    "insertion" if inserted else "deletion",
                    el.get(w("author"), ""),
                    el.get(w("date"), ""),
                    normalise(text),
                    owner.get(block.index),
                    where,
                )
            )
    return out


def _comments(
    parts: dict[str, bytes], body: etree._Element, blocks: list[Block], owner: dict[int, str]
) -> list[Comment]:
    blob = parts.get("word/comments.xml")
    if not blob:
        return []
    where: dict[str, int] = {}
    index_of = {b.element: b.index for b in blocks}
    for mark in body.iter(w("commentRangeStart"), w("commentReference")):
        cid = mark.get(w("id"), "")
        p = next((a for a in mark.iterancestors() if a.tag == w("p")), None)
        if p is None:
            p = next((x for x in mark.itersiblings() if x.tag == w("p")), None)
        if cid not in where and p is not None and p in index_of:
            where[cid] = index_of[p]
    out = []
    for comment in parse_strict(blob).iter(w("comment")):
        cid = comment.get(w("id"), "")
        text = " ".join(normalise(paragraph_text(p)) for p in comment.iter(w("p")))
        block = where.get(cid)
        out.append(
            Comment(
                comment.get(w("author"), ""),
                comment.get(w("date"), ""),
                normalise(text),
                owner.get(block) if block is not None else None,
                _where(blocks, owner, block) if block is not None else "unanchored",
            )
        )
    return out


# ----------------------------------------------------------------------------- comparing

_TOKEN = re.compile(r"\s+|[\w’'.,%$§-]+|[^\w\s]")


def tokens(text: str) -> list[str]:
    """Words, numbers (with their punctuation), single symbols and the spaces between them."""
    return _TOKEN.findall(text)


@dataclass
class Change:
    op: Literal["insert", "delete", "replace"]
    old: str
    new: str

    def as_dict(self) -> dict[str, str]:
        return {"op": self.op, "old": self.old, "new": self.new}


def word_diff(old: str, new: str) -> list[Change]:
    """The word-level changes from ``old`` to ``new`` (spaces do not count as words)."""
    a, b = tokens(old), tokens(new)
    out = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        gone, added = "".join(a[i1:i2]).strip(), "".join(b[j1:j2]).strip()
        if not gone and not added:
            continue
        kind = "replace" if gone and added else ("delete" if gone else "insert")
        out.append(Change(kind, gone, added))  # type: ignore[arg-type]
    return out


def kept_share(old: str, new: str) -> float:
    """Share of ``old``'s words still in ``new`` (in order)."""
    a = [t for t in tokens(old) if t.strip()]
    b = [t for t in tokens(new) if t.strip()]
    if not a:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(a)


@dataclass
class AnswerChange:
    answer: str  # the draft path, e.g. values.cost_share_percent
    clause: str
    was: str
    now: str

    def as_dict(self) -> dict[str, str]:
        return {**self.__dict__}


@dataclass
class ClauseAudit:
    id: str
    number: str
    title: str
    state: State
    required: bool
    changes: list[Change] = field(default_factory=list)
    kept: float = 1.0
    lost_anchors: int = 0
    expected: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": self.number,
            "title": self.title,
            "state": self.state,
            "required": self.required,
            "kept": round(self.kept, 3),
            "lost_anchors": self.lost_anchors,
            "changes": [c.as_dict() for c in self.changes],
        }


@dataclass
class RequirementLoss:
    id: str
    title: str
    source: str
    clauses: list[str]  # the covering clauses that were deleted or gutted
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__}


@dataclass
class Audit:
    """The result of :func:`audit_document`. ``clean`` means the document is exactly what was built."""

    basis: str  # "draft" (rebuilt now) or "record" (the text recorded at build time)
    clauses: list[ClauseAudit]
    inserted: list[dict[str, str]]  # paragraphs outside every clause that the build did not write
    other: list[dict[str, str]]  # other text that changed (title page, signature page, exhibits)
    revisions: list[Revision]
    comments: list[Comment]
    answers: list[AnswerChange]
    lost: list[RequirementLoss]
    notes: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return (
            all(c.state == "unchanged" for c in self.clauses)
            and not self.inserted
            and not self.other
            and not self.revisions
            and not self.comments
        )

    def changed(self, state: State) -> list[str]:
        return [c.id for c in self.clauses if c.state == state]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": AUDIT_FORMAT,
            "basis": self.basis,
            "clean": self.clean,
            "summary": {state: self.changed(state) for state in ("edited", "deleted", "moved")},
            "clauses": [c.as_dict() for c in self.clauses],
            "inserted": self.inserted,
            "other_changes": self.other,
            "pending_revisions": [r.as_dict() for r in self.revisions],
            "comments": [c.as_dict() for c in self.comments],
            "answers_changed": [a.as_dict() for a in self.answers],
            "requirements_lost": [r.as_dict() for r in self.lost],
            "required_clauses_touched": [
                c.id for c in self.clauses if c.required and c.state in ("edited", "deleted")
            ],
            "notes": self.notes,
        }


@dataclass
class Expectation:
    """What the document should say: per clause (in order) its number, title and paragraphs, and
    the paragraphs outside clauses; with the library, which requirements each clause covers."""

    clauses: list[tuple[str, str, str, list[str]]]  # (id, number, title, paragraphs)
    other: list[str]
    covers: dict[str, list[str]] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    requirements: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (title, source)
    applies: set[str] | None = None
    answer_spans: Any = None  # callable(clause id) -> [(draft path, start, end)] over joined text


def expectation_from_document(expected: DocumentText) -> Expectation:
    """What a freshly built document says (built from the draft with the same machinery)."""
    numbers = {c["id"]: c.get("number", "") for c in (expected.record or {}).get("clauses", [])}
    clauses = [
        (cid, numbers.get(cid, ""), expected.clauses[cid].heading, expected.clauses[cid].paragraphs)
        for cid in expected.order
    ]
    return Expectation(clauses, [t for _, t in expected.other])


def expectation_from_record(record: dict[str, Any]) -> Expectation:
    """What the build recorded in the document (no draft at hand)."""
    from .views import recital_text, tie

    clauses = []
    for c in record.get("clauses", []):
        paragraphs = [
            normalise(recital_text(p) if not c.get("number") else tie(p)) for p in c["paragraphs"]
        ]
        clauses.append((c["id"], c.get("number", ""), normalise(c.get("title", "")), paragraphs))
    return Expectation(clauses, [])


def _moved(expected_order: list[str], found_order: list[str]) -> set[str]:
    matcher = difflib.SequenceMatcher(None, expected_order, found_order, autojunk=False)
    kept = {
        x
        for block in matcher.get_matching_blocks()
        for x in expected_order[block.a : block.a + block.size]
    }
    return {c for c in found_order if c in expected_order and c not in kept}


def _same(a: list[str], b: list[str]) -> bool:
    return [x for x in a if x] == [x for x in b if x]


def compare_texts(expectation: Expectation, returned: DocumentText, basis: str) -> Audit:
    """Compare what the document should say with what it says."""
    clause_audits: list[ClauseAudit] = []
    found_order = [
        c for c in returned.order if returned.clauses[c].paragraphs or returned.clauses[c].heading
    ]
    moved = _moved([c[0] for c in expectation.clauses], found_order)
    used_other: set[int] = set()
    answers: list[AnswerChange] = []
    for cid, number, title, paragraphs in expectation.clauses:
        have = returned.clauses.get(cid)
        required = cid in expectation.required
        if have is None:  # anchors all gone: look for the text itself among unclaimed paragraphs
            have = _by_text(returned, paragraphs, used_other)
        if have is None or not any(have.paragraphs):
            clause_audits.append(
                ClauseAudit(cid, number, title, "deleted", required, kept=0.0, expected=paragraphs)
            )
            continue
        old = "\n".join(p for p in paragraphs if p)
        new = have.text
        heading_changed = bool(title) and bool(have.heading) and have.heading != title
        if old == new and not heading_changed:
            state: State = "moved" if cid in moved else "unchanged"
            clause_audits.append(
                ClauseAudit(cid, number, title, state, required, lost_anchors=have.lost_anchors)
            )
            continue
        changes = word_diff(old, new)
        if heading_changed:
            changes.insert(0, Change("replace", title, have.heading))
        audit = ClauseAudit(
            cid,
            number,
            title,
            "edited",
            required,
            changes,
            kept_share(old, new),
            have.lost_anchors,
            paragraphs,
            have.paragraphs,
        )
        clause_audits.append(audit)
        if expectation.answer_spans is not None:
            plain, spans = expectation.answer_spans(cid)
            if plain == old:  # offsets are only meaningful over the same text
                answers += _answer_changes(cid, old, new, spans)
    inserted, other = _other_changes(expectation, returned, used_other, basis)
    lost = _losses(expectation, clause_audits)
    revisions = list(returned.revisions)
    comments = list(returned.comments)
    notes = []
    if (returned.record or {}).get("counsel_copy"):
        notes.append(
            "this is a counsel copy: its cover page and the clause library's notes are not "
            "agreement text (and not counted as changes); send and sign the agreement itself"
        )
    if basis == "record":
        notes.append(
            "compared with the text recorded in the document when it was built; pass --draft to "
            "compare with what the draft builds now (and to check answers and coverage)"
        )
    return Audit(basis, clause_audits, inserted, other, revisions, comments, answers, lost, notes)


def _by_text(returned: DocumentText, paragraphs: list[str], used: set[int]) -> ClauseText | None:
    """A clause whose anchors are all gone, found by its paragraphs' text among other paragraphs."""
    wanted = [p for p in paragraphs if p]
    hits = [(i, t) for i, t in returned.other if t in wanted and i not in used]
    if not hits:
        return None
    for i, _ in hits:
        used.add(i)
    return ClauseText(
        "", paragraphs=[t for _, t in hits], blocks=[i for i, _ in hits], lost_anchors=len(hits)
    )


def _other_changes(
    expectation: Expectation, returned: DocumentText, used: set[int], basis: str
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    have = [(i, t) for i, t in returned.other if i not in used]
    if basis == "record":  # the record holds clause text only; text outside clauses is not known
        return [], []
    a = expectation.other
    b = [t for _, t in have]
    inserted: list[dict[str, str]] = []
    other: list[dict[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        where = (
            _where(returned.blocks, returned.owner, have[j1][0]) if j1 < len(have) else "at the end"
        )
        if op == "insert":
            for j in range(j1, j2):
                index = have[j][0]
                after = _clause_before(returned, index)
                inserted.append(
                    {
                        "text": b[j],
                        "where": _where(returned.blocks, returned.owner, index),
                        "after": after or "",
                    }
                )
        elif op == "delete":
            for i in range(i1, i2):
                other.append({"was": a[i], "now": "", "where": where})
        else:
            for k in range(max(i2 - i1, j2 - j1)):
                was = a[i1 + k] if i1 + k < i2 else ""
                now = b[j1 + k] if j1 + k < j2 else ""
                spot = (
                    _where(returned.blocks, returned.owner, have[j1 + k][0])
                    if j1 + k < j2
                    else where
                )
                other.append({"was": was, "now": now, "where": spot})
    return inserted, other


def _clause_before(returned: DocumentText, index: int) -> str | None:
    """The clause whose text an inserted paragraph follows directly (nothing but other unclaimed
    paragraphs between them: not past the signature page or an exhibit heading)."""
    for k in range(index - 1, -1, -1):
        if k in returned.owner:
            return returned.owner[k]
        if any(name.startswith("_akx_") for name in returned.blocks[k].anchors):
            return None
    return None


def _answer_changes(
    cid: str, old: str, new: str, spans: list[tuple[str, int, int]]
) -> list[AnswerChange]:
    """Answers printed in ``old`` at ``spans`` whose characters the edit replaced."""
    if not spans:
        return []
    a, b = tokens(old), tokens(new)
    starts = [0]
    for t in a:
        starts.append(starts[-1] + len(t))
    out: list[AnswerChange] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op not in ("replace", "delete"):
            continue
        lo, hi = starts[i1], starts[i2]
        for path, s, e in spans:
            if s < hi and lo < e:
                out.append(AnswerChange(path, cid, old[s:e], "".join(b[j1:j2]).strip()))
    seen: set[tuple[str, str]] = set()
    unique = []
    for change in out:
        if (change.answer, change.now) not in seen:
            seen.add((change.answer, change.now))
            unique.append(change)
    return unique


def _losses(expectation: Expectation, audits: list[ClauseAudit]) -> list[RequirementLoss]:
    if not expectation.covers:
        return []
    gone = {
        c.id: c for c in audits if c.state == "deleted" or (c.state == "edited" and c.kept < GUTTED)
    }
    intact = {c.id for c in audits if c.id not in gone}
    out = []
    for req, (title, source) in expectation.requirements.items():
        if expectation.applies is not None and req not in expectation.applies:
            continue
        covering = [c for c, covers in expectation.covers.items() if req in covers]
        if not covering or any(c in intact for c in covering):
            continue
        lost = [c for c in covering if c in gone]
        if not lost:
            continue
        reason = " and ".join(
            f"{c} was {'deleted' if gone[c].state == 'deleted' else 'gutted'}" for c in lost
        )
        out.append(RequirementLoss(req, title, source, lost, reason))
    return out


# ----------------------------------------------------------------------------- with the library


def answer_spans_for(library: Any, draft: Any, agreement: Any) -> Any:
    """A function giving, for a clause, where each answer it uses is printed in its joined text:
    each answer is changed to a stand-in value and the clause re-rendered; what differs is the
    answer's span. Exact whatever filters the clause applies."""
    from ..engine.coverage import draft_path, render_context
    from ..engine.templating import analyse, render_text
    from ..engine.values import Percent

    base = render_context(library, draft)
    texts = {c.id: c.paragraphs for s in agreement.sections for c in s.clauses}

    def ref(target: str) -> str:
        return "Section"

    def render(clause: Any, context: dict[str, Any]) -> str | None:
        try:
            return "\n".join(
                normalise(render_text(clause.id, src, context, ref)) for src in clause.text
            )
        except Exception:
            return None

    def spans(cid: str) -> tuple[str | None, list[tuple[str, int, int]]]:
        clause = library.clauses.get(cid)
        if clause is None or cid not in texts:
            return None, []
        paths: set[tuple[str, ...]] = set()
        for src in clause.text:
            paths |= {p for p in analyse(src).paths if "*" not in p}
        plain = render(clause, base)
        if plain is None:
            return None, []
        out = []
        for path in sorted(paths):
            value = _get(base, path)
            if value is None or isinstance(value, (dict, list, bool)):
                continue
            # a stand-in of the answer's own type (typed values: Money, Percent, Count...)
            if isinstance(value, Percent):
                stand_in: Any = Percent("98.7654")
            elif isinstance(value, (int, float, Decimal)):
                stand_in = type(value)(987654)
            else:
                stand_in = "Zqxjv Wqzvk"
            changed = render(clause, _set(base, path, stand_in))
            if changed is None:
                continue
            a, b = tokens(plain), tokens(changed)
            starts = [0]
            for t in a:
                starts.append(starts[-1] + len(t))
            matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
            for op, i1, i2, _j1, _j2 in matcher.get_opcodes():
                if op in ("replace", "delete") and i2 > i1:
                    out.append((draft_path(path).split("|")[0], starts[i1], starts[i2]))
        return plain, out

    return spans


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    out = dict(data)
    if len(path) == 1:
        out[path[0]] = value
        return out
    inner = out.get(path[0])
    out[path[0]] = _set(inner if isinstance(inner, dict) else {}, path[1:], value)
    return out


def audit_document(
    data: bytes,
    *,
    library: Any = None,
    draft: Any = None,
    template: Any = None,
) -> Audit:
    """Audit a returned .docx (bytes). With ``library`` and ``draft``, against what the draft builds
    now; otherwise against the text the build recorded in the document."""
    from ..problems import Problem, ProblemsError

    try:
        returned = read_document(data, list(library.clauses) if library is not None else None)
    except UnreadableDocument as exc:
        raise ProblemsError(
            [Problem(str(exc), code="not-a-docx")], summary="cannot read the document"
        ) from None
    if library is not None and draft is not None:
        from ..engine.assembly import assemble
        from ..engine.coverage import check_coverage
        from .render import render_document

        agreement = assemble(library, draft, today=None)
        expected_doc = read_document(
            render_document(agreement, template).data, list(library.clauses)
        )
        expectation = expectation_from_document(expected_doc)
        coverage = check_coverage(library, draft)
        expectation.covers = {c: list(library.clauses[c].covers) for c in coverage.included}
        expectation.required = {
            c for c in coverage.included if library.clauses[c].status == "required"
        }
        expectation.requirements = {
            r.id: (r.title, r.source) for r in library.requirements.values()
        }
        expectation.applies = {r.id for r in coverage.requirements if r.applies}
        expectation.answer_spans = answer_spans_for(library, draft, agreement)
        return compare_texts(expectation, returned, "draft")
    if returned.record is None:
        raise ProblemsError(
            [
                Problem(
                    "this document has no agreement-kit record (it was not built by agreement-kit, "
                    "or the record was removed)",
                    code="no-record",
                    hint="pass --draft DRAFT.yaml to compare it with what the draft builds",
                )
            ],
            summary="cannot audit without the draft",
        )
    expectation = expectation_from_record(returned.record)
    if library is None:
        from ..packs.loading import load_library

        try:
            library = load_library()
        except Exception:
            library = None
    if library is not None:  # consequences from the library, where its clause is the one built
        for c in returned.record.get("clauses", []):
            clause = library.clauses.get(c["id"])
            if clause is not None and library.clause_hash(c["id"]) == c.get("hash"):
                expectation.covers[c["id"]] = list(clause.covers)
                if clause.status == "required":
                    expectation.required.add(c["id"])
        expectation.requirements = {
            r.id: (r.title, r.source) for r in library.requirements.values()
        }
    return compare_texts(expectation, returned, "record")
