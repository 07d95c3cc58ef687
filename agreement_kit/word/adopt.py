"""Adopting negotiated wording: the accepted edits of a returned .docx recorded in the draft, so that
the next build reproduces the negotiated agreement (``audit RETURNED --draft DRAFT --adopt``).

:func:`adopt` audits the returned document against what the draft builds and, clause by clause:

- an edit that is only a changed answer (the cost share printed as 60% instead of 75%) changes the
  answer in the draft, when the clause then prints exactly the returned words and no clause that
  was left untouched changes with it;
- any other accepted edit is recorded as negotiated text (``draft.negotiated[clause]``: the agreed
  paragraphs and heading, their cross-references, who, when, the library version and hash it was
  based on, the file it came from, and the answers the clause read);
- a deleted clause is switched off (optional) or left out with a reason (recommended); a deleted
  required clause, or the chosen member of an alternative group, is not adopted;
- a clause with pending tracked changes is not adopted (they are proposals, not agreed text):
  accept or reject them in Word and adopt again;
- a paragraph inserted outside every clause is reported and not adopted, unless ``attach_inserted``
  says it belongs to the clause before it.

It then rebuilds from the new draft and audits the returned document again: every adopted clause
must now read exactly as returned, or nothing is adopted. What is left over (skipped clauses,
insertions, text outside the clauses, comments) is listed, and :mod:`.negotiated` checks the agreed
words for lost substance.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..drafts.model import Draft, NegotiatedClause, NegotiatedRef
from ..packs.library import Library
from ..problems import Problem, ProblemsError
from ..textpolicy import text_problem
from .anchors import heading_name, parse_name
from .audit import Audit, DocumentText, audit_document, read_document
from .fields import paragraph_refs
from .negotiated import GUTTED, NegotiationFinding, negotiation_findings


@dataclass
class Skipped:
    """Something in the returned document that was not adopted, and why."""

    what: str  # a clause id, or "inserted", "outside the clauses", "comment"
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"what": self.what, "message": self.message}


@dataclass
class Adoption:
    """The result of :func:`adopt`: the new draft and what was (and was not) taken from the file."""

    draft: Draft
    negotiated: list[str] = field(default_factory=list)  # clause ids with agreed text recorded
    answers: list[dict[str, Any]] = field(default_factory=list)  # {answer, old, new, clause}
    left_out: list[dict[str, str]] = field(default_factory=list)  # {clause, how}
    attached: list[dict[str, str]] = field(default_factory=list)  # {text, clause}
    skipped: list[Skipped] = field(default_factory=list)
    comments: int = 0
    notes: list[str] = field(default_factory=list)
    findings: list[NegotiationFinding] = field(default_factory=list)
    residual: Audit | None = None

    @property
    def changed(self) -> bool:
        return bool(self.negotiated or self.answers or self.left_out)

    @property
    def clean(self) -> bool:
        """Everything in the document was adopted and nothing needs counsel."""
        return not self.skipped and not any(f.blocking for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        return {
            "changed": self.changed,
            "clean": self.clean,
            "negotiated": self.negotiated,
            "answers_changed": self.answers,
            "left_out": self.left_out,
            "attached": self.attached,
            "not_adopted": [s.as_dict() for s in self.skipped],
            "comments_not_adopted": self.comments,
            "notes": self.notes,
            "findings": [f.as_dict() for f in self.findings],
        }


# ----------------------------------------------------------------------------- answers


_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _path_parts(path: str) -> list[str | int]:
    return [name if name else int(index) for name, index in _SEGMENT.findall(path)]


def _answer_value(library: Library, path: str, printed: str) -> Any:
    """The draft value that prints as ``printed`` at ``path``, or None when it cannot be told."""
    from ..engine.values import parse_value

    printed = printed.strip().rstrip(",;.") if printed else printed
    if not printed:
        return None
    parts = _path_parts(path)
    if parts and parts[0] == "policy_options":
        option = library.options.get(str(parts[-1]))
        labels = {c.label.lower(): c.value for c in option.choices} if option else {}
        return labels.get(printed.lower())
    if parts and parts[0] == "values" and len(parts) == 2:
        item = library.clause_inputs().get(str(parts[1]))
        if item is None:
            return None
        if item.kind == "date":
            return _date(printed)
        try:
            value = parse_value(item, printed)
        except ValueError:
            return None
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        return value
    if path.endswith("date"):
        return _date(printed)
    return printed


def _date(text: str) -> dt.date | None:
    for pattern in ("%B %d, %Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _with_answer(draft: Draft, path: str, value: Any) -> Draft | None:
    """A copy of ``draft`` with the answer at ``path`` set (None if the draft cannot hold it)."""
    from pydantic import ValidationError

    data = draft.model_dump(mode="python")
    parts = _path_parts(path)
    node: Any = data
    for part in parts[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
        if node is None:
            return None
    try:
        node[parts[-1]] = value
    except (IndexError, TypeError):
        return None
    try:
        return Draft.model_validate(data)
    except ValidationError:
        return None


def _get(draft: Draft, path: str) -> Any:
    node: Any = draft.model_dump(mode="python")
    for part in _path_parts(path):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


# ----------------------------------------------------------------------------- adopting


def _texts(library: Library, draft: Draft) -> dict[str, list[str]] | None:
    """Each clause's paragraphs as the document prints them (None if the draft cannot be built)."""
    from ..engine.assembly import assemble
    from .anchors import expected_texts
    from .ooxml import normalise

    try:
        agreement = assemble(library, draft, allow_incomplete=True)
    except ProblemsError:
        return None
    out: dict[str, list[str]] = {}
    for item in expected_texts(agreement):
        if item.role == "paragraph":
            out.setdefault(item.ident, []).append(normalise(item.text))
    return out


def _agreed_text(
    returned: DocumentText, clause_id: str, recital: bool, known: dict[str, str]
) -> tuple[list[str], list[NegotiatedRef], str | None]:
    """The clause's paragraphs as they stand in the file (pending changes rejected), in the
    draft's form (recitals without their WHEREAS lead), with the cross-references in them."""
    from .views import recital_source

    have = returned.clauses[clause_id]
    paragraphs: list[str] = []
    refs: list[NegotiatedRef] = []
    for index in have.blocks:
        block = returned.blocks[index]
        if heading_name(clause_id) in block.anchors:
            continue  # the heading
        text, spans = paragraph_refs(block.element)
        if not text:
            continue
        if recital:
            source = recital_source(text)
            shift = len(text) - len(source)
            text, spans = source, [(s - shift, e - shift, b) for s, e, b in spans if s >= shift]
        for start, end, bookmark in spans:
            target = parse_name(bookmark, known)
            if target is not None and target.role == "heading":
                refs.append(
                    NegotiatedRef(
                        paragraph=len(paragraphs),
                        at=start,
                        number=text[start:end],
                        target=target.ident,
                    )
                )
        paragraphs.append(text)
    return paragraphs, refs, have.heading or None


def _known(library: Library) -> dict[str, str]:
    from .anchors import paragraph_name

    known: dict[str, str] = {}
    for cid in library.clauses:
        known[heading_name(cid)] = cid
        for n in range(64):
            known[paragraph_name(cid, n)] = cid
    return known


def adopt(
    data: bytes,
    library: Library,
    draft: Draft,
    *,
    source: str,
    by: str | None = None,
    today: dt.date | None = None,
    template: Any = None,
    attach_inserted: bool = False,
) -> Adoption:
    """Record the accepted edits of a returned document in a copy of ``draft`` (see the module
    doc). Raises :class:`ProblemsError` when the document cannot be read or the adopted draft
    would not reproduce it."""
    from ..engine.assembly import number_clauses
    from ..engine.coverage import check_coverage
    from ..review.basis import answer_context, clause_answers

    today = today or dt.date.today()
    audit = audit_document(data, library=library, draft=draft, template=template)
    returned = read_document(data, list(library.clauses))
    known = _known(library)
    result = Adoption(draft=draft, comments=len(audit.comments))
    pending: dict[str, int] = {}
    for revision in audit.revisions:
        if revision.clause:
            pending[revision.clause] = pending.get(revision.clause, 0) + 1
        else:
            result.skipped.append(
                Skipped(
                    "pending",
                    f"a pending tracked {revision.kind} {revision.where} "
                    f"({revision.text[:60]!r}) is a proposal, not agreed text: not adopted",
                )
            )
    coverage = check_coverage(library, draft)
    included = set(coverage.included)
    recitals = {
        c.id
        for section, _, members in number_clauses(library, list(included))
        if section.kind == "recitals"
        for c, _ in members
    }
    record = {c["id"]: c for c in (returned.record or {}).get("clauses", [])}

    edited: list[str] = []
    new = draft
    optional = dict(draft.clauses.optional)
    omitted = dict(draft.clauses.omitted)
    for clause_audit in audit.clauses:
        cid = clause_audit.id
        clause = library.clauses[cid]
        if clause_audit.state in ("unchanged", "moved"):
            if clause_audit.state == "moved":
                result.skipped.append(
                    Skipped(cid, f"{cid} was moved; the order of clauses comes from the library")
                )
            continue
        if cid in pending:
            result.skipped.append(
                Skipped(
                    cid,
                    f"{cid} has {pending[cid]} pending tracked change(s): not adopted; accept or "
                    "reject them in Word, then adopt again",
                )
            )
            continue
        if clause_audit.state == "deleted":
            if clause.status == "optional" and not clause.group:
                optional[cid] = False
                result.left_out.append({"clause": cid, "how": "switched off (optional clause)"})
            elif clause.status == "recommended" and not clause.group:
                omitted[cid] = f"deleted in negotiation ({source}, {today.isoformat()})"
                result.left_out.append({"clause": cid, "how": "left out with a recorded reason"})
            else:
                kind = "the chosen alternative of its group" if clause.group else "required"
                covers = ", ".join(clause.covers) or "no requirement"
                result.skipped.append(
                    Skipped(
                        cid,
                        f"{cid} was deleted, but it is {kind} (it covers {covers}): not adopted; "
                        "restore it or agree a wording that keeps what it must say",
                    )
                )
            continue
        if cid in record and record[cid].get("hash") not in (None, library.clause_hash(cid)):
            result.notes.append(
                f"{cid}: the document was built from another version of this clause; its edits "
                "are recorded against the library's current version"
            )
        edited.append(cid)
    handled = {c.id for c in audit.clauses if c.state != "unchanged"}
    for cid, count in pending.items():
        if cid not in handled:  # proposals in a clause whose accepted text is unchanged
            result.skipped.append(
                Skipped(
                    cid,
                    f"{cid} has {count} pending tracked change(s), proposals rather than agreed "
                    "text: not adopted; accept or reject them in Word, then adopt again",
                )
            )
    if optional != draft.clauses.optional or omitted != draft.clauses.omitted:
        choices = draft.clauses.model_copy(update={"optional": optional, "omitted": omitted})
        new = new.model_copy(update={"clauses": choices})

    # answers: an edit that is only a changed answer changes the answer (never a guess: the clause
    # must then print exactly the returned words, and no untouched clause may change with it)
    base_texts = _texts(library, new) or {}
    by_clause: dict[str, list[Any]] = {}
    for change in audit.answers:
        if change.clause in edited:
            by_clause.setdefault(change.clause, []).append(change)
    for cid, changes in by_clause.items():
        candidate: Draft | None = new
        updates = []
        for change in changes:
            value = _answer_value(library, change.answer, change.now)
            if candidate is None or value is None:
                candidate = None
                break
            updates.append((change.answer, _get(new, change.answer), value))
            candidate = _with_answer(candidate, change.answer, value)
        texts = _texts(library, candidate) if candidate is not None else None
        printed = [p for p in returned.clauses[cid].paragraphs if p]
        if texts is None or texts.get(cid) != printed:
            reworded = next(c for c in audit.clauses if c.id == cid).kept < GUTTED
            if reworded:  # rewritten, not an answer changed: what "changed" there is noise
                continue
            shown = ", ".join(dict.fromkeys(f"{c.answer} printed as {c.now!r}" for c in changes))
            result.notes.append(
                f"{cid}: {shown}; kept as negotiated text (change the answer in the draft too if "
                "that is what was agreed)"
            )
            continue
        moved = {c for c in texts if texts[c] != base_texts.get(c)}
        if not moved <= set(edited):
            result.notes.append(
                f"{cid}: changing {', '.join(c.answer for c in changes)} would change "
                f"{', '.join(sorted(moved - set(edited)))} too; kept as negotiated text"
            )
            continue
        assert candidate is not None
        for path, old, value in updates:
            result.answers.append({"answer": path, "old": old, "new": value, "clause": cid})
        new, base_texts = candidate, texts or {}

    # what is still different becomes negotiated text
    negotiated = dict(new.negotiated)
    context = answer_context(library, new)

    def _record(returned: DocumentText, cid: str, recital: bool) -> NegotiatedClause:
        paragraphs, refs, heading = _agreed_text(returned, cid, recital, known)
        clause = library.clauses[cid]
        return NegotiatedClause(
            paragraphs=paragraphs,
            title=heading if heading and heading != clause.title else None,
            refs=refs,
            by=by,
            date=today,
            base_version=clause.version,
            base_hash=library.clause_hash(cid),
            source=source,
            answers=clause_answers(library, new, cid, context),
        )

    for cid in edited:
        have = returned.clauses[cid]
        printed = [p for p in have.paragraphs if p]
        if base_texts.get(cid) == printed and (
            not have.heading or have.heading == library.clauses[cid].title
        ):
            continue  # explained by the answers
        paragraphs = printed
        bad = next((m for p in paragraphs if (m := text_problem(p))), None)
        if bad:
            result.skipped.append(
                Skipped(cid, f"{cid}: the returned text cannot be kept in a draft ({bad})")
            )
            continue
        negotiated[cid] = _record(returned, cid, cid in recitals)
        result.negotiated.append(cid)

    # paragraphs outside every clause: kept only when the user says which clause they belong to
    for item in audit.inserted:
        after = item.get("after") or None
        if attach_inserted and after and after in base_texts and after not in pending:
            agreed = negotiated.get(after)
            if agreed is None:
                agreed = _record(returned, after, after in recitals)
                result.negotiated.append(after)
            negotiated[after] = agreed.model_copy(
                update={"paragraphs": [*agreed.paragraphs, item["text"]]}
            )
            result.attached.append({"text": item["text"], "clause": after})
            continue
        if after:
            hint = (
                f"to keep it as the last paragraph of {after}, adopt again with --attach-inserted"
            )
        else:
            hint = "it is not next to a clause; put it in a clause's text if it is agreed"
        result.skipped.append(
            Skipped(
                "inserted",
                f"{item['text'][:80]!r} ({item['where']}) belongs to no clause: not adopted; {hint}",
            )
        )
    for item in audit.other:
        result.skipped.append(
            Skipped(
                "outside the clauses",
                f"{item['where']}: {item['was'][:50]!r} -> {item['now'][:50]!r} is not clause "
                "text: not adopted (the build prints the draft's answers there)",
            )
        )
    if negotiated != new.negotiated:
        new = new.model_copy(update={"negotiated": negotiated})
    result.draft = new

    # the proof: the new draft builds exactly what was adopted
    if result.changed:
        check = audit_document(data, library=library, draft=new, template=template)
        result.residual = check
        adopted = {*result.negotiated, *(a["clause"] for a in result.answers)}
        adopted |= {x["clause"] for x in result.left_out}
        attached: dict[str, list[str]] = {}
        for item in result.attached:  # in the returned file they stand outside the clause
            attached.setdefault(item["clause"], []).append(item["text"])

        def reproduced(c: Any) -> bool:
            if c.state == "unchanged":
                return True
            found = [p for p in c.found if p] + attached.get(c.id, [])
            return (
                c.state == "edited" and c.id in attached and found == [p for p in c.expected if p]
            )

        wrong = [c.id for c in check.clauses if c.id in adopted and not reproduced(c)]
        if wrong:
            raise ProblemsError(
                [
                    Problem(
                        f"after adopting, clause {c} still does not read as the returned document",
                        clause=c,
                        code="adopt-not-reproduced",
                    )
                    for c in wrong
                ],
                summary="nothing adopted: the adopted draft would not reproduce the document",
                kind="incomplete",
            )
        before = {(o["where"], o["was"], o["now"]) for o in audit.other}
        for item in check.other:  # text outside the clauses that now follows a changed answer
            if (item["where"], item["was"], item["now"]) not in before:
                result.notes.append(
                    f"{item['where']}: the returned document still says {item['now']!r}; the next "
                    f"build prints {item['was']!r}, from the changed answer"
                )
        result.findings = negotiation_findings(library, new)
    return result
