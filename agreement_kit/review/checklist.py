"""Building the review checklist for counsel (:func:`build_checklist`).

Every renderer (terminal table, Markdown, HTML, Word, JSON) and the wizard's Review step show this
one :class:`~agreement_kit.review.model.Checklist`.
"""

from __future__ import annotations

import datetime as dt

from .. import __version__
from ..drafts.model import Draft
from ..engine.assembly import draft_hash, number_clauses
from ..engine.coverage import Coverage, check_coverage
from ..packs.deviations import deviations
from ..packs.library import Library, StackEntry
from ..word.negotiated import negotiated_deviations
from .basis import answer_context
from .model import (
    Checklist,
    ClauseEntry,
    Deviation,
    GroupRow,
    MissingAnswer,
    Overlay,
    Provenance,
    RequirementRow,
    ReviewTotals,
    TemplateAddition,
    VerifyPoint,
)
from .omissions import Omission, omissions
from .signoff import SignOff, clause_signoff, requirement_signoff
from .terms import _label, deal_terms, party_checks
from .verify import verify_points


def _fold(text: str) -> str:
    return " ".join(text.split())


_SUBJECT = {"requirement": "requirement", "option": "option"}


def library_deviations(library: Library, numbers: dict[str, str]) -> list[Deviation]:
    """Every change the overlays made to the standard library (the packs room's record of them)."""
    out = []
    for d in deviations(library):
        head = d.kind.split("-")[0]
        subject = _SUBJECT.get(head, "clause")
        if subject == "clause":
            title = library.clauses[d.id].title if d.id in library.clauses else d.id
        elif subject == "requirement":
            title = library.requirements[d.id].title if d.id in library.requirements else d.id
        else:
            title = library.options[d.id].question if d.id in library.options else d.id
        out.append(
            Deviation(
                kind=d.kind,
                subject=subject,
                id=d.id,
                title=title,
                number=numbers.get(d.id) if subject == "clause" else None,
                pack=d.pack,
                summary=d.summary(),
                diff=d.diff,
                file=d.file,
                line=d.line,
            )
        )
    return out


def verdict(coverage: Coverage, unreasoned: list[Omission]) -> str:
    """One sentence on what the draft is, as ``check``'s summary line says it."""
    if not coverage.complete:
        count = len(coverage.gaps())
        return f"Not complete: {count} gap{'s' * (count != 1)} to resolve before the agreement can be built."
    if unreasoned:
        ids = ", ".join(o.id for o in unreasoned)
        return (
            "Covers every policy requirement, but is not a sound agreement yet: "
            f"{len(unreasoned)} recommended clause{'s' * (len(unreasoned) != 1)} left out "
            f"without a recorded reason ({ids})."
        )
    return (
        "Complete: covers every policy requirement, and every clause the library recommends is "
        "included or left out with a recorded reason."
    )


def build_checklist(
    library: Library,
    draft: Draft,
    coverage: Coverage | None = None,
    *,
    today: dt.date | None = None,
    template_additions: list[TemplateAddition] | None = None,
) -> Checklist:
    """The checklist for ``draft``: deal terms, requirements and their clauses, choices, omissions,
    points to verify, missing answers, parties, deviations, provenance and counsel's sign-off."""
    coverage = coverage or check_coverage(library, draft)
    included = list(coverage.included)
    included_set = set(included)
    numbers: dict[str, str] = {}
    for section, _, members in number_clauses(library, included):
        for clause, number in members:
            numbers[clause.id] = number or section.title
    context = answer_context(library, draft)
    changes = library_deviations(library, numbers)
    changes += negotiated_deviations(library, draft, numbers)  # the parties' agreed wording
    by_clause: dict[str, str] = {}
    for d in changes:
        if d.subject == "clause" and d.kind != "dropped":
            by_clause[d.id] = "; ".join(filter(None, [by_clause.get(d.id), d.summary]))
    signoffs: dict[str, SignOff] = {
        c: clause_signoff(library, draft, c, included_set, context) for c in included
    }

    def entry(cid: str, *, detail: bool = True) -> ClauseEntry:
        clause = library.clauses[cid]
        return ClauseEntry(
            id=cid,
            title=clause.title,
            number=numbers.get(cid),
            status=clause.status,
            group=clause.group,
            version=clause.version,
            hash=library.clause_hash(cid),
            pack=library.origins.get(cid, library.pack.id),
            citations=list(clause.citations),
            summary=_fold(clause.summary) if detail else "",
            guidance=_fold(clause.guidance) if detail else "",
            deviation=by_clause.get(cid),
            signoff=signoffs.get(cid),
        )

    missing = coverage.missing_answers
    rows = []
    for req in coverage.requirements:
        source = library.requirements[req.id]
        fallbacks = [c for c in library.covering(req.id) if c not in included_set]
        rows.append(
            RequirementRow(
                id=req.id,
                title=req.title,
                summary=_fold(source.summary),
                source=req.source,
                kind=source.kind,
                state=req.state,
                clauses=[entry(c) for c in req.covered_by],
                fallbacks=[entry(c) for c in fallbacks],
                missing_answers=[p for p, ids in missing.items() if set(ids) & set(req.covered_by)],
                signoff=requirement_signoff(library, draft, coverage, req.id),
            )
        )
    left_out = found = omissions(library, draft, coverage)
    reasons = {o.id: o.reason for o in found}
    groups = []
    for group, members in library.groups.items():
        chosen = next((m for m in members if m in included_set), None)
        groups.append(
            GroupRow(
                id=group,
                label=_label(group),
                status=library.clauses[members[0]].status,
                chosen=entry(chosen) if chosen else None,
                not_chosen=[entry(m) for m in members if m != chosen],
                reason=reasons.get(group) if chosen is None else None,
            )
        )
    verify = [
        VerifyPoint(
            clause=cid,
            title=library.clauses[cid].title,
            number=numbers.get(cid),
            text=text,
            source=source,
        )
        for cid in included
        for source, text in verify_points(library.clauses[cid])
    ]
    shown = set(included) | set(library.requirements) | set(library.options)
    deviations_shown = [d for d in changes if d.id in shown or d.kind == "dropped"]
    req_signoffs = [r.signoff for r in rows]
    states = [s.state for s in [*req_signoffs, *signoffs.values()]]
    unreasoned = [o for o in left_out if o.against_recommendation and not o.reason]
    who = draft.district.name
    ordered = sorted(included, key=lambda c: _order(numbers.get(c)))
    return Checklist(
        title=f"Review checklist — {who}" if who else "Review checklist",
        district=who,
        complete=coverage.complete,
        sound=coverage.complete and not unreasoned,
        verdict=verdict(coverage, unreasoned),
        deal_terms=deal_terms(library, draft, included, numbers),
        requirements=rows,
        groups=groups,
        left_out=left_out,
        verify=sorted(verify, key=lambda v: _order(v.number)),
        missing_answers=[MissingAnswer(answer=p, clauses=ids) for p, ids in missing.items()],
        gaps=coverage.gaps(),
        parties=party_checks(draft),
        deviations=deviations_shown,
        template_additions=list(template_additions or []),
        clauses=[entry(c) for c in ordered],
        review=ReviewTotals(
            approved=states.count("approved"),
            changed=states.count("changed"),
            changes_requested=states.count("changes_requested"),
            not_reviewed=states.count("not_reviewed"),
            done=all(s == "approved" for s in states),
        ),
        provenance=Provenance(
            pack_id=library.pack.id,
            pack_version=library.pack.version,
            pack_title=library.pack.title,
            overlays=[
                Overlay(
                    id=p.id,
                    version=p.version,
                    title=p.title,
                    origin=entry.origin if entry else None,
                    path=entry.dir if entry else None,
                )
                for p, entry in zip(library.packs[1:], _entries(library), strict=False)
            ],
            library_hash=library.library_hash,
            clauses=[entry(c, detail=False).model_copy(update={"signoff": None}) for c in ordered],
            draft_sha256=draft_hash(draft),
            tool_version=__version__,
            date=(today or dt.date.today()).isoformat(),
        ),
    )


def _order(number: str | None) -> tuple[int, ...]:
    """'Recitals' < '1.1' < '1.2' < '10.1'; not included last."""
    if number is None:
        return (10**6,)
    parts = number.split(".")
    if not all(p.isdigit() for p in parts):
        return (0,)
    return (1, *map(int, parts))


def _entries(library: Library) -> list[StackEntry | None]:
    """Each overlay's stack entry (where it came from), or None if the library has no stack."""
    found: list[StackEntry | None] = list(library.stack[1:])
    return found + [None] * (len(library.packs) - 1 - len(found))
