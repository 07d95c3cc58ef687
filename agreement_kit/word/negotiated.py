"""Negotiated wording, checked: a clause whose text the parties agreed (``draft.negotiated``) is a
deviation from the standard library, and its coverage is rechecked on the agreed words.

:func:`negotiation_findings` compares each negotiated clause with the library's text for the same
answers and reports:

- ``negotiated-deviation`` — every negotiated clause: it prints the agreed wording, not the
  library's (a warning: counsel should know, nothing is wrong).
- ``negotiated-substance-lost`` — the clause covers a requirement, but the agreed words lost it: the
  edit kept less than half of the standard clause's words (the audit's "gutted" rule), or the
  requirement's key terms that the standard text carries are mostly gone. This is an error until
  counsel approves that exact wording (``agreement-kit review --approve clause:ID``); approved, it
  stays a warning.
- ``negotiated-upstream-changed`` — the library's clause changed since the wording was negotiated
  (its content hash is not ``base_hash``): the agreed words do not take up the change.
- ``negotiated-answers-changed`` — an answer the standard clause reads changed since the adoption:
  the agreed words still print what was agreed.
- ``negotiated-not-included`` — the draft leaves the clause out; its agreed wording is kept, unused.
- ``negotiated-unknown-clause`` — no clause of that id in the library (an error).
- ``negotiated-reference-lost`` — a cross-reference in the agreed words points to a clause this
  agreement no longer includes (an error: the printed number would be wrong).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from ..drafts.model import Draft, NegotiatedClause
from ..packs.hashing import short
from ..packs.library import Library
from ..problems import Problem

Kind = Literal[
    "deviation",
    "substance-lost",
    "upstream-changed",
    "answers-changed",
    "not-included",
    "unknown-clause",
    "reference-lost",
]
GUTTED = 0.5  # as the audit: an edit keeping less than half of the words takes the substance
KEY_TERMS_LOST = 0.5  # more than half of a requirement's key terms gone takes its substance

_STOP = frozenset(
    [
        "about",
        "above",
        "after",
        "again",
        "against",
        "also",
        "among",
        "and",
        "another",
        "any",
        "are",
        "because",
        "been",
        "before",
        "being",
        "between",
        "both",
        "but",
        "can",
        "could",
        "does",
        "each",
        "either",
        "every",
        "from",
        "further",
        "have",
        "having",
        "here",
        "into",
        "its",
        "itself",
        "more",
        "most",
        "must",
        "need",
        "only",
        "other",
        "over",
        "same",
        "shall",
        "should",
        "some",
        "such",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "under",
        "until",
        "upon",
        "very",
        "what",
        "when",
        "where",
        "whether",
        "which",
        "while",
        "will",
        "with",
        "within",
        "without",
        "would",
        "your",
        "agreement",
        "agency",
        "agencies",
        "district",
        "program",
        "parties",
        "party",
    ]
)
_WORD = re.compile(r"[^\W\d_][\w’'-]*[^\W_]|[^\W\d_]")


def _stem(word: str) -> str:
    word = word.lower().replace("’", "'").split("'")[0]
    for suffix in ("ments", "ment", "ings", "ing", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def stems(text: str) -> set[str]:
    """The content words of ``text``, lightly stemmed (report/reports/reporting -> report)."""
    return {_stem(w) for w in _WORD.findall(text) if len(w) >= 4 and w.lower() not in _STOP}


def key_terms(requirement_text: str, standard_text: str) -> set[str]:
    """The requirement's content words that the standard clause text says too."""
    return stems(requirement_text) & stems(standard_text)


@dataclass
class NegotiationFinding:
    clause: str
    title: str
    number: str | None
    kind: Kind
    message: str
    requirements: list[str] = field(default_factory=list)
    approved: bool = False  # substance-lost: counsel approved this exact wording

    @property
    def blocking(self) -> bool:
        """An error ``check`` reports (exit 1) until it is resolved or approved."""
        if self.kind == "substance-lost":
            return not self.approved
        return self.kind in ("unknown-clause", "reference-lost")

    @property
    def code(self) -> str:
        return f"negotiated-{self.kind}"

    def problem(self, file: str | None = None) -> Problem:
        hint = None
        if self.kind == "substance-lost" and not self.approved:
            hint = (
                f"counsel reads the agreed wording and approves it with 'agreement-kit review "
                f"--approve clause:{self.clause} --by NAME', or the parties restore the standard text"
            )
        elif self.kind == "upstream-changed":
            hint = "compare the agreed wording with the library's new text; adopt again if needed"
        return Problem(
            self.message,
            file=file,
            clause=self.clause,
            field=f"negotiated.{self.clause}",
            hint=hint,
            severity="error" if self.blocking else "warning",
            code=self.code,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "clause": self.clause,
            "title": self.title,
            "number": self.number,
            "kind": self.kind,
            "code": self.code,
            "message": self.message,
            "requirements": self.requirements,
            "approved": self.approved,
            "blocking": self.blocking,
        }


def _approved(library: Library, draft: Draft, clause_id: str, included: set[str]) -> bool:
    from ..review.signoff import clause_signoff

    record = draft.review.clauses.get(clause_id)
    agreed = draft.negotiated[clause_id]
    clause = library.clauses[clause_id]
    if record is None or record.text != agreed.wording_hash(clause.title):
        return False
    return clause_signoff(library, draft, clause_id, included).current


def negotiation_findings(
    library: Library, draft: Draft, coverage: Any = None
) -> list[NegotiationFinding]:
    """What counsel must know about each negotiated clause (see the module doc), in clause order."""
    if not draft.negotiated:
        return []
    from ..engine.coverage import check_coverage
    from ..review.basis import answer_context, clause_answers
    from .audit import kept_share

    coverage = coverage or check_coverage(library, draft)
    included = set(coverage.included)
    applies = {r.id for r in coverage.requirements if r.applies}
    from ..engine.assembly import number_clauses
    from ..engine.session import engine_for

    engine = engine_for(library)  # the library's text for these answers, one clause at a time
    numbers = {
        c.id: n for _, _, members in number_clauses(library, coverage.included) for c, n in members
    }
    context = answer_context(library, draft)
    out: list[NegotiationFinding] = []
    order = {cid: i for i, cid in enumerate(library.clauses)}
    for cid in sorted(draft.negotiated, key=lambda c: order.get(c, len(order))):
        agreed = draft.negotiated[cid]
        clause = library.clauses.get(cid)
        if clause is None:
            out.append(
                NegotiationFinding(
                    cid,
                    cid,
                    None,
                    "unknown-clause",
                    f"negotiated wording for '{cid}', but the library has no clause of that id",
                )
            )
            continue
        number = numbers.get(cid) or None
        title = agreed.title or clause.title

        def finding(
            kind: Kind, message: str, cid: str = cid, title: str = title, number: Any = number
        ) -> None:
            out.append(NegotiationFinding(cid, title, number, kind, message))

        if cid not in included:
            finding(
                "not-included",
                f"{clause.title} ({cid}) has negotiated wording but is not included in this "
                "agreement; the wording is kept, unused",
            )
            continue
        current = library.clause_hash(cid)
        if agreed.base_hash and agreed.base_hash != current:
            finding(
                "upstream-changed",
                f"the library's {clause.title} ({cid}) changed since its wording was negotiated "
                f"(negotiated on version {agreed.base_version or '?'} {short(agreed.base_hash)}, "
                f"now version {clause.version} {short(current)}); the agreed wording does not "
                "take up the change",
            )
        if agreed.answers:
            now = clause_answers(library, draft, cid, context)
            changed = [k for k, v in agreed.answers.items() if now.get(k) != v]
            if changed:
                finding(
                    "answers-changed",
                    f"{', '.join(changed)} changed since the wording of {cid} was negotiated; the "
                    "agreed wording still prints what was agreed",
                )
        for ref in agreed.refs:
            if ref.target not in numbers or not numbers[ref.target]:
                finding(
                    "reference-lost",
                    f"the negotiated wording of {cid} refers to Section {ref.number} "
                    f"({ref.target}), which this agreement does not include",
                )
        old = "\n".join(engine.preview(draft, cid).paragraphs)
        new = "\n".join(agreed.paragraphs)
        kept = kept_share(old, new)
        finding(
            "deviation",
            f"{clause.title} ({cid}) prints the {negotiated_detail(agreed)}, not the library's "
            f"standard text (it keeps {kept:.0%} of the standard words)",
        )
        lost: list[str] = []
        reasons: list[str] = []
        for rid in clause.covers:
            requirement = library.requirements.get(rid)
            if requirement is None or rid not in applies:
                continue
            terms = key_terms(f"{requirement.title} {requirement.summary}", old)
            gone = sorted(terms - stems(new))
            if kept < GUTTED:
                lost.append(rid)
            elif terms and len(gone) / len(terms) > KEY_TERMS_LOST:
                lost.append(rid)
                reasons.append(f"{rid}: {', '.join(gone)} gone")
        if lost:
            why = [f"it keeps {kept:.0%} of the standard clause's words"] + reasons
            item = NegotiationFinding(
                cid,
                title,
                number,
                "substance-lost",
                f"the negotiated wording of {clause.title} ({cid}) may no longer carry requirement"
                f"{'s' if len(lost) > 1 else ''} {', '.join(lost)} ({'; '.join(why)})",
                lost,
            )
            item.approved = _approved(library, draft, cid, included)
            if item.approved:
                item.message += "; counsel approved this wording"
            out.append(item)
    return out


def negotiated_detail(agreed: NegotiatedClause) -> str:
    """One line on where a negotiated wording came from."""
    parts = [p for p in (agreed.by, agreed.date.isoformat() if agreed.date else None) if p]
    source = f" from {agreed.source}" if agreed.source else ""
    who = f" ({', '.join(parts)})" if parts else ""
    base = f", based on its version {agreed.base_version}" if agreed.base_version else ""
    return f"negotiated wording{who}{source}{base}"


def negotiated_deviations(library: Library, draft: Draft, numbers: dict[str, str]) -> list[Any]:
    """Each negotiated clause as a checklist :class:`~agreement_kit.review.model.Deviation`
    (kind ``negotiated``): where the wording came from, what counsel must know, and a word diff
    from the library's text."""
    if not draft.negotiated:
        return []
    from ..engine.session import engine_for
    from ..packs.worddiff import paragraphs_diff
    from ..review.model import Deviation

    findings = negotiation_findings(library, draft)
    engine = engine_for(library)
    out = []
    for cid, agreed in draft.negotiated.items():
        clause = library.clauses.get(cid)
        if clause is None:
            continue
        said = [f for f in findings if f.clause == cid and f.kind != "deviation"]
        summary = negotiated_detail(agreed)
        for f in said:
            summary += f"; {'COUNSEL MUST APPROVE: ' if f.blocking else ''}{f.message}"
        standard = list(engine.preview(draft, cid).paragraphs)
        out.append(
            Deviation(
                kind="negotiated",
                subject="clause",
                id=cid,
                title=agreed.title or clause.title,
                number=numbers.get(cid),
                pack=None,
                summary=summary,
                diff=paragraphs_diff(standard, agreed.paragraphs),
            )
        )
    return out
