"""The review checklist as data: one model, rendered as a terminal table, Markdown, HTML, Word and JSON.

The JSON form is ``Checklist.model_dump(mode="json")``; its schema is ``schemas/checklist.schema.json``
(:func:`checklist_schema`). ``format`` changes only when a field is removed or changes meaning; new
optional fields may be added within a format.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .omissions import Omission
from .signoff import SignOff

CHECKLIST_FORMAT = 1
Tier = Literal["required", "recommended", "optional"]


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ClauseEntry(_Row):
    """One clause as the checklist shows it."""

    id: str = Field(description="the clause's stable id")
    title: str = Field(description="its title")
    number: str | None = Field(
        description="its section number in this agreement ('4.2', 'Recitals'); null if not included"
    )
    status: Tier = Field(description="its tier in the library")
    group: str | None = Field(default=None, description="its alternative group, if any")
    version: str = Field(description="the author-set version")
    hash: str = Field(description="its content hash (sha256:...)")
    pack: str = Field(description="id of the pack that supplied it")
    citations: list[str] = Field(description="the clause's own citations")
    summary: str = Field(default="", description="one line on what it does")
    guidance: str = Field(default="", description="the library's note for counsel")
    deviation: str | None = Field(
        default=None, description="how it departs from the standard library, if it does"
    )
    signoff: SignOff | None = Field(
        default=None, description="counsel's review of it (included clauses only)"
    )


class RequirementRow(_Row):
    """One requirement of the policy (or statute) and what meets it."""

    id: str
    title: str
    summary: str = Field(description="the requirement in our words")
    source: str = Field(description="where in the policy or statute it comes from")
    kind: str = Field(description="policy-item, policy-prose or statute")
    state: Literal["covered", "needs-answers", "not-covered", "not-applicable"]
    clauses: list[ClauseEntry] = Field(description="the included clauses that cover it")
    fallbacks: list[ClauseEntry] = Field(
        description="clauses that could cover it but are not in this agreement (fallbacks not taken)"
    )
    missing_answers: list[str] = Field(
        default=[], description="answers its covering clauses still need"
    )
    signoff: SignOff = Field(description="counsel's review of it")


class GroupRow(_Row):
    """An alternative group: which member was chosen and which were not."""

    id: str
    label: str = Field(description="the group's name for people")
    status: Tier
    chosen: ClauseEntry | None = Field(description="the member chosen; null if none")
    not_chosen: list[ClauseEntry] = Field(description="every member not chosen, with its guidance")
    reason: str | None = Field(default=None, description="why the group is left out, if it is")


class VerifyPoint(_Row):
    """A point counsel should verify before signing, and the clause it affects."""

    clause: str = Field(description="the clause id")
    title: str
    number: str | None
    text: str = Field(description="the point, as the library words it")
    source: Literal["verify", "guidance"] = Field(
        description="from the clause's verify list, or a guidance sentence that says 'verify'"
    )


class MissingAnswer(_Row):
    answer: str = Field(description="the draft path still to answer")
    clauses: list[str] = Field(description="the clauses that need it")


class PartyCheck(_Row):
    """Whether a party can contract under Wis. Stat. § 66.0301 as the draft names it."""

    role: Literal["District", "Agency"]
    name: str | None = Field(description="the legal party as named in the draft")
    acting_through: str | None = Field(description="its board, police department or sheriff")
    kind: str | None = Field(description="its kind (the § 66.0301(1)(a) test)")
    status: Literal["ok", "check", "missing"]
    message: str


class DealTerm(_Row):
    """One line of the deal-terms summary."""

    label: str
    value: str
    clause: str | None = Field(default=None, description="the clause it comes from, if any")
    number: str | None = Field(default=None, description="that clause's section number")


class Deviation(_Row):
    """A departure from the standard library: an overlay's change, or negotiated text."""

    kind: str = Field(
        description=(
            "replaced, patched, added, dropped, demoted, requirement-replaced, requirement-added, "
            "requirement-narrowed, option-replaced, option-added, option-patched, or negotiated"
        )
    )
    subject: Literal["clause", "requirement", "option"]
    id: str = Field(description="the clause, requirement or option id")
    title: str
    number: str | None = Field(description="the clause's section in this agreement, if included")
    pack: str | None = Field(description="the overlay pack that made the change")
    summary: str = Field(description="one line: what changed, by which pack, relative to what")
    diff: str = Field(default="", description="word diff from the standard text: [-old-]{+new+}")
    file: str | None = Field(default=None, description="where the overlay makes the change")
    line: int | None = None


class TemplateAddition(_Row):
    """Text in the built document that neither the clauses nor the answers produced."""

    text: str
    where: str = Field(description="e.g. 'after Section 3.2'")


class Overlay(_Row):
    id: str
    version: str
    title: str
    origin: str | None = Field(
        default=None, description="why it was loaded (--library, draft packs…)"
    )
    path: str | None = Field(default=None, description="the folder it was read from")


class Provenance(_Row):
    pack_id: str
    pack_version: str
    pack_title: str
    overlays: list[Overlay]
    clauses: list[ClauseEntry] = Field(description="every included clause, in agreement order")
    library_hash: str | None = Field(default=None, description="hash of the whole resolved library")
    draft_sha256: str
    tool_version: str
    date: str = Field(description="when the checklist was made (YYYY-MM-DD)")


class ReviewTotals(_Row):
    approved: int
    changed: int
    changes_requested: int
    not_reviewed: int
    done: bool = Field(description="every requirement and included clause approved, unchanged")


class Checklist(_Row):
    """Everything counsel reviews for one draft."""

    format: int = CHECKLIST_FORMAT
    title: str = Field(description="the checklist's heading")
    district: str | None
    complete: bool = Field(description="every requirement covered and every answer given")
    sound: bool = Field(
        description="complete, and no recommended clause left out without a recorded reason"
    )
    verdict: str = Field(description="one sentence: what the draft is")
    deal_terms: list[DealTerm]
    requirements: list[RequirementRow]
    groups: list[GroupRow]
    left_out: list[Omission] = Field(
        description="left out against the recommendation first (unreasoned first), then optional"
    )
    verify: list[VerifyPoint]
    missing_answers: list[MissingAnswer]
    gaps: list[str] = Field(description="every reason the agreement cannot be built yet")
    parties: list[PartyCheck]
    deviations: list[Deviation]
    template_additions: list[TemplateAddition] = Field(
        default=[], description="text the Word template adds beyond headings (when it was built)"
    )
    clauses: list[ClauseEntry] = Field(description="every included clause, with its sign-off")
    review: ReviewTotals
    provenance: Provenance

    @property
    def against_recommendation(self) -> list[Omission]:
        return [o for o in self.left_out if o.against_recommendation]

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def checklist_schema() -> str:
    """``schemas/checklist.schema.json``: the JSON Schema of :class:`Checklist`'s JSON form."""
    body = Checklist.model_json_schema(mode="serialization")
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "checklist.schema.json",
        "title": "agreement-kit review checklist (checklist --format json)",
        **body,
    }
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if (
    __name__ == "__main__"
):  # uv run python -m agreement_kit.review.model > schemas/checklist.schema.json
    import sys

    sys.stdout.write(checklist_schema())
