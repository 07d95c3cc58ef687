"""Counsel's sign-off, kept in the draft (``review:``), and noticing what changed since.

Each requirement and each clause may carry a :class:`~agreement_kit.drafts.model.ReviewRecord`:
approved or changes requested, by whom, when, a note, and what was reviewed — a clause's version,
content hash, wording hash, pack and the answers its text read; a requirement's own hash and the
clauses that covered it (with their hashes). :func:`sign_off` writes records (returning a new draft);
:func:`review_state` compares them with the draft and library now and says, per item, what changed.
Hashes decide "changed", never version strings.
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, computed_field

from ..drafts.model import AnswerValue, Draft, Review, ReviewRecord, ReviewStatus
from ..engine.coverage import Coverage, check_coverage
from ..packs.hashing import short
from ..packs.library import Library
from ..problems import Problem, ProblemsError
from .basis import answer_context, clause_answers, describe_answer, requirement_hash, wording_hash

ItemKind = Literal["requirement", "clause"]
SignOffState = Literal["approved", "changed", "changes_requested", "not_reviewed"]
STATE_LABELS: dict[str, str] = {
    "approved": "approved",
    "changed": "changed since review",
    "changes_requested": "changes requested",
    "not_reviewed": "not reviewed",
}


class SignOff(BaseModel):
    """The review state of one requirement or clause, as the checklist shows it."""

    model_config = ConfigDict(frozen=True)

    status: Literal["approved", "changes_requested", "not_reviewed"] = "not_reviewed"
    by: str | None = None
    date: str | None = None
    note: str | None = None
    version: str | None = None  # clause version reviewed
    hash: str | None = None  # content hash reviewed
    changes: list[str] = []  # what changed since the review (empty: nothing)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def state(self) -> SignOffState:
        if self.status == "approved" and self.changes:
            return "changed"
        return self.status

    @property
    def current(self) -> bool:
        """Approved, and nothing it rests on has changed since."""
        return self.state == "approved"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def label(self) -> str:
        text = STATE_LABELS[self.state]
        if self.status == "changes_requested" and self.changes:
            text += " (changed since)"
        return text


def _show(value: AnswerValue) -> str:
    if value is None:
        return "not answered"
    if isinstance(value, list):
        return ", ".join(value) or "none"
    return repr(value) if isinstance(value, str) else str(value)


def _answer_changes(before: dict[str, AnswerValue], now: dict[str, AnswerValue]) -> list[str]:
    out = []
    for key in sorted(set(before) | set(now)):
        if key not in now:
            out.append(f"it no longer reads {describe_answer(key)}")
        elif key not in before:
            out.append(f"it now also reads {describe_answer(key)} ({_show(now[key])})")
        elif before[key] != now[key]:
            out.append(
                f"the answer {describe_answer(key)} changed: {_show(before[key])} → "
                f"{_show(now[key])}"
            )
    return out


def _chosen_instead(library: Library, clause_id: str, included: set[str]) -> str | None:
    group = library.clauses[clause_id].group if clause_id in library.clauses else None
    if not group:
        return None
    return next((m for m in library.groups.get(group, []) if m in included), "none")


def clause_changes(
    record: ReviewRecord,
    library: Library,
    clause_id: str,
    included: set[str],
    answers: dict[str, AnswerValue] | None,
    wording: str | None = None,
) -> list[str]:
    """What changed in a clause since ``record`` was made (empty: nothing). ``wording`` is the
    hash of what the clause prints now (:func:`printed_wording`: negotiated wording counts)."""
    clause = library.clauses.get(clause_id)
    if clause is None:
        return ["the clause is no longer in the library"]
    out: list[str] = []
    if clause_id not in included:
        instead = _chosen_instead(library, clause_id, included)
        if instead and instead != "none":
            title = library.clauses[instead].title
            out.append(
                f"its alternative was swapped: group {clause.group} now uses {title} ({instead})"
            )
        elif instead == "none":
            out.append(f"its alternative group {clause.group} now has no clause chosen")
        else:
            out.append("the clause is no longer included")
    current = library.clause_hash(clause_id)
    if record.hash and record.hash != current:
        what = (
            "its wording changed"
            if record.text and record.text != wording_hash(clause)
            else "its terms changed (inputs, requirements covered, tier or group)"
            if record.text
            else "its content changed"
        )
        if record.version == clause.version:
            version = f"version still {clause.version}"
        else:
            version = f"version {record.version or '?'} → {clause.version}"
        out.append(f"{what} ({short(record.hash)} → {short(current)}, {version})")
    elif wording and record.text and record.text != wording:
        out.append(
            "the wording it prints is not the one reviewed (negotiated wording was adopted, "
            "changed or removed since)"
        )
    pack = library.origins.get(clause_id, library.pack.id)
    if record.pack and record.pack != pack:
        out.append(f"it now comes from pack {pack} (was {record.pack})")
    if answers is not None:
        out += _answer_changes(record.answers, answers)
    return out


def requirement_changes(
    record: ReviewRecord, library: Library, requirement_id: str, coverage: Coverage
) -> list[str]:
    """What changed in a requirement's cover since ``record`` was made (empty: nothing)."""
    requirement = library.requirements.get(requirement_id)
    status = next((r for r in coverage.requirements if r.id == requirement_id), None)
    if requirement is None or status is None:
        return ["the requirement is no longer in the library"]
    out: list[str] = []
    if record.hash and record.hash != requirement_hash(requirement):
        out.append("what the requirement says changed")
    included = set(coverage.included)
    now = {c: library.clause_hash(c) for c in status.covered_by}
    for cid, before in record.covered_by.items():
        title = library.clauses[cid].title if cid in library.clauses else cid
        if cid not in now:
            instead = _chosen_instead(library, cid, included) if cid in library.clauses else None
            if instead and instead != "none" and instead in now:
                out.append(
                    f"its alternative was swapped: {title} ({cid}) → "
                    f"{library.clauses[instead].title} ({instead})"
                )
            else:
                out.append(f"covering clause {title} ({cid}) was removed")
        elif now[cid] != before:
            out.append(f"covering clause {title} ({cid}) changed")
    swapped_in = {
        _chosen_instead(library, cid, included)
        for cid in record.covered_by
        if cid in library.clauses
    }
    for cid in now:
        if cid not in record.covered_by and cid not in swapped_in:
            out.append(f"now also covered by {library.clauses[cid].title} ({cid})")
    return out


# ----------------------------------------------------------------------------- the whole draft


class ReviewItem(BaseModel):
    """One requirement or included clause and its sign-off."""

    model_config = ConfigDict(frozen=True)

    kind: ItemKind
    id: str
    title: str
    signoff: SignOff


class ReviewSummary(BaseModel):
    """Sign-off over a whole draft: every requirement and every included clause."""

    model_config = ConfigDict(frozen=True)

    items: list[ReviewItem]
    stale: list[ReviewItem] = []  # records for clauses no longer included, with what changed

    @property
    def pending(self) -> list[ReviewItem]:
        """Items not yet approved, or approved but changed since."""
        return [i for i in self.items if not i.signoff.current]

    @property
    def done(self) -> bool:
        return not self.pending

    def count(self, state: SignOffState) -> int:
        return sum(1 for i in self.items if i.signoff.state == state)

    def __str__(self) -> str:
        total = len(self.items)
        if self.done:
            return f"Counsel has approved all {total} requirements and clauses; none changed since."
        parts = [
            f"{self.count(s)} {STATE_LABELS[s]}"
            for s in ("changed", "changes_requested", "not_reviewed")
            if self.count(s)
        ]
        return (
            f"Not signed off: {self.count('approved')} of {total} approved; "
            + ", ".join(parts)
            + "."
        )

    def pending_lines(self) -> list[str]:
        """What still needs counsel, for a terminal: changed and disputed items one by one, with
        what changed; items never reviewed as one list of ids per kind."""
        out: list[str] = []
        for item in self.pending:
            if item.signoff.state == "not_reviewed":
                continue
            out.append(f"  [{item.signoff.label}] {item.kind} {item.id}: {item.title}")
            out += [f"      - {change}" for change in item.signoff.changes]
            if item.signoff.note and item.signoff.status == "changes_requested":
                out.append(f"      note: {item.signoff.note}")
        for kind in ("requirement", "clause"):
            ids = [
                i.id for i in self.pending if i.kind == kind and i.signoff.state == "not_reviewed"
            ]
            if ids:
                out.append(f"  not reviewed ({len(ids)} {kind}s): " + ", ".join(ids))
        return out

    def print_pending(self) -> None:
        lines = self.pending_lines()
        if lines:
            print("Counsel's review still needed:")
            print("\n".join(lines))

    def to_json(self) -> dict[str, Any]:
        return {
            "done": self.done,
            "items": [
                {
                    "kind": i.kind,
                    "id": i.id,
                    "state": i.signoff.state,
                    **i.signoff.model_dump(),
                }
                for i in self.items
            ],
        }


def _signoff(record: ReviewRecord | None, changes: list[str]) -> SignOff:
    if record is None:
        return SignOff()
    return SignOff(
        status=record.status,
        by=record.by,
        date=record.date.isoformat() if record.date else None,
        note=record.note,
        version=record.version,
        hash=record.hash,
        changes=changes,
    )


def requirement_signoff(
    library: Library, draft: Draft, coverage: Coverage, requirement_id: str
) -> SignOff:
    record = draft.review.requirements.get(requirement_id)
    changes = requirement_changes(record, library, requirement_id, coverage) if record else []
    return _signoff(record, changes)


def clause_signoff(
    library: Library,
    draft: Draft,
    clause_id: str,
    included: set[str],
    context: dict[str, Any] | None = None,
) -> SignOff:
    record = draft.review.clauses.get(clause_id)
    if record is None:
        return SignOff()
    if clause_id not in library.clauses:
        return _signoff(record, clause_changes(record, library, clause_id, included, None))
    answers = clause_answers(library, draft, clause_id, context)
    wording = printed_wording(library, draft, clause_id)
    return _signoff(record, clause_changes(record, library, clause_id, included, answers, wording))


def printed_wording(library: Library, draft: Draft, clause_id: str) -> str:
    """The hash of the heading and words the clause prints: the parties' negotiated wording
    (``draft.negotiated``) when there is one, else the library's (small edit by the word room)."""
    clause = library.clauses[clause_id]
    agreed = draft.negotiated.get(clause_id)
    return agreed.wording_hash(clause.title) if agreed is not None else wording_hash(clause)


def review_state(library: Library, draft: Draft, coverage: Coverage | None = None) -> ReviewSummary:
    """Every requirement and included clause with its sign-off and what changed since."""
    coverage = coverage or check_coverage(library, draft)
    included = set(coverage.included)
    context = answer_context(library, draft)
    items = [
        ReviewItem(
            kind="requirement",
            id=r.id,
            title=r.title,
            signoff=requirement_signoff(library, draft, coverage, r.id),
        )
        for r in coverage.requirements
    ]
    items += [
        ReviewItem(
            kind="clause",
            id=c,
            title=library.clauses[c].title,
            signoff=clause_signoff(library, draft, c, included, context),
        )
        for c in coverage.included
    ]
    stale = [
        ReviewItem(
            kind="clause",
            id=cid,
            title=library.clauses[cid].title if cid in library.clauses else cid,
            signoff=clause_signoff(library, draft, cid, included, context),
        )
        for cid in draft.review.clauses
        if cid not in included
    ]
    return ReviewSummary(items=items, stale=stale)


review_summary = review_state


# ----------------------------------------------------------------------------- recording


def resolve_ids(
    library: Library, ids: list[str], draft: Draft | None = None
) -> list[tuple[ItemKind, str]]:
    """``A``, ``clause:notices``, ``requirement:A`` -> (kind, id). Unknown or ambiguous ids are a
    :class:`ProblemsError` (invalid) with a suggestion."""
    out: list[tuple[ItemKind, str]] = []
    problems: list[Problem] = []
    known = [*library.requirements, *library.clauses]
    for raw in ids:
        prefix, _, rest = raw.partition(":")
        if rest and prefix in ("requirement", "clause"):
            kind: ItemKind = "requirement" if prefix == "requirement" else "clause"
            pool = library.requirements if kind == "requirement" else library.clauses
            if rest in pool:
                out.append((kind, rest))
                continue
            name = rest
        else:
            name = raw
            in_req, in_clause = name in library.requirements, name in library.clauses
            if in_req and in_clause:
                problems.append(
                    Problem(
                        f"'{name}' is both a requirement and a clause",
                        field="id",
                        hint=f"write requirement:{name} or clause:{name}",
                    )
                )
                continue
            if in_req or in_clause:
                out.append(("requirement" if in_req else "clause", name))
                continue
        close = difflib.get_close_matches(name, known, n=1)
        problems.append(
            Problem(
                f"no requirement or clause '{name}'",
                field="id",
                hint=f"did you mean '{close[0]}'?" if close else "see 'agreement-kit checklist'",
            )
        )
    if problems:
        raise ProblemsError(problems, summary="cannot record the review")
    return list(dict.fromkeys(out))


def sign_off(
    library: Library,
    draft: Draft,
    ids: list[str],
    *,
    status: ReviewStatus | None,
    by: str | None = None,
    note: str | None = None,
    today: dt.date | None = None,
    coverage: Coverage | None = None,
) -> Draft:
    """A copy of ``draft`` with a review record for each of ``ids`` (``status=None`` clears them).

    Approving records what is approved: a clause's version, hashes, pack and the answers it reads;
    a requirement's own hash and its covering clauses' hashes. Only included clauses can be
    reviewed. Raises :class:`ProblemsError` (invalid) for unknown ids or a missing reviewer.
    """
    targets = resolve_ids(library, ids)
    coverage = coverage or check_coverage(library, draft)
    included = set(coverage.included)
    problems: list[Problem] = []
    if status is not None and not (by or "").strip():
        problems.append(Problem("say who is reviewing", field="by", hint="give --by NAME"))
    if status == "changes_requested" and not (note or "").strip():
        problems.append(Problem("say what should change", field="note", hint="give --note TEXT"))
    for kind, item in targets:
        if status is not None and kind == "clause" and item not in included:
            problems.append(
                Problem(
                    f"clause '{item}' is not included in this agreement; there is nothing to review",
                    clause=item,
                    hint="a left-out clause is reviewed with the requirement it would cover",
                )
            )
    if problems:
        raise ProblemsError(problems, summary="cannot record the review")
    requirements = dict(draft.review.requirements)
    clauses = dict(draft.review.clauses)
    context = answer_context(library, draft)
    statuses = {r.id: r for r in coverage.requirements}
    when = today or dt.date.today()
    for kind, item in targets:
        if status is None:
            (requirements if kind == "requirement" else clauses).pop(item, None)
            continue
        common = {
            "status": status,
            "by": (by or "").strip(),
            "date": when,
            "note": (note or "").strip() or None,
        }
        if kind == "requirement":
            requirements[item] = ReviewRecord(
                **common,
                hash=requirement_hash(library.requirements[item]),
                covered_by={c: library.clause_hash(c) for c in statuses[item].covered_by},
            )
        else:
            clause = library.clauses[item]
            clauses[item] = ReviewRecord(
                **common,
                version=clause.version,
                hash=library.clause_hash(item),
                text=printed_wording(library, draft, item),
                pack=library.origins.get(item, library.pack.id),
                group=clause.group,
                answers=clause_answers(library, draft, item, context),
            )
    review = Review(requirements=requirements, clauses=clauses)
    return draft.model_copy(update={"review": review})


def every_item(library: Library, coverage: Coverage) -> list[str]:
    """Ids of every requirement and included clause, as ``review --all`` approves them."""
    return [
        *(f"requirement:{r.id}" for r in coverage.requirements),
        *(f"clause:{c}" for c in coverage.included),
    ]
