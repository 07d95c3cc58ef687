"""The draft: the district's answers, as the wizard saves them and a person can edit them.

Every field may be left empty while drafting (``None``); what a clause needs and is still empty is
reported by :func:`agreement_kit.coverage.check_coverage` as a missing answer, naming the draft path.
Unknown keys are errors.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any, Final, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from ..textpolicy import check_value, text_problem

DRAFT_FORMAT: Final = 1

DistrictKind = Literal["common", "union_high", "unified", "first_class_city"]
MunicipalityKind = Literal["city", "village", "town", "county", "tribe", "state_agency"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_unanswered(cls, value: object) -> object:
        """Trim text; an empty answer is the same as no answer. Every string, also inside lists and
        mappings, passes the text policy (:mod:`agreement_kit.textpolicy`)."""
        if isinstance(value, str):
            value = value.strip()
            message = text_problem(value)
            if message:
                raise ValueError(message)
            return value or None
        if isinstance(value, (dict, list)):
            check_value(value)
        return value


class Person(Part):
    name: str | None = None
    title: str | None = None


class Approval(Part):
    """How a party's governing body approved the agreement (printed in the recitals and on the
    signature page). May stay empty in a draft copy, where a fill-in line prints instead."""

    resolution: str | None = Field(default=None, description="resolution number, e.g. '2027-14'")
    date: dt.date | None = Field(default=None, description="the date the resolution was adopted")


class District(Part):
    name: str | None = None
    kind: DistrictKind | None = None
    board: str | None = Field(default=None, description="e.g. 'Board of Education'")
    address: str | None = None
    administrator: Person = Field(default_factory=Person)
    signatory: Person = Field(default_factory=Person)
    attest: Person = Field(default_factory=Person, description="clerk who attests, if customary")
    approval: Approval = Field(default_factory=Approval, description="the Board's resolution")
    counsel: Person = Field(
        default_factory=Person, description="the attorney who approves the agreement as to form"
    )


class Municipality(Part):
    name: str | None = Field(default=None, description="the legal party, e.g. 'City of Riverton'")
    kind: MunicipalityKind | None = None
    governing_body: str | None = Field(
        default=None,
        description=(
            "the body that approves the agreement, e.g. 'Common Council'; empty = the usual body "
            "for the kind (a tribe names its own)"
        ),
    )


class Agency(Part):
    name: str | None = Field(default=None, description="e.g. 'Riverton Police Department'")
    municipality: Municipality = Field(default_factory=Municipality)
    address: str | None = None
    head: Person = Field(default_factory=Person, description="chief of police or sheriff")
    signatory: Person = Field(default_factory=Person)
    attest: Person = Field(default_factory=Person)
    approval: Approval = Field(
        default_factory=Approval, description="the governing body's resolution"
    )
    counsel: Person = Field(
        default_factory=Person, description="the attorney who approves the agreement as to form"
    )
    hourly_cost: float | None = Field(
        default=None,
        ge=0,
        allow_inf_nan=False,
        description="estimated hourly cost of an officer's wages and benefits (first school year)",
    )

    @field_validator("hourly_cost", mode="before")
    @classmethod
    def _amount(cls, value: object) -> object:
        if isinstance(value, bool):
            raise ValueError("give an amount in dollars, e.g. 62.50, not yes or no")
        if isinstance(value, str):
            return value.replace(",", "").removeprefix("$").strip() or None
        return value


class Placement(Part):
    building: str | None = None
    principal: str | None = None
    days: list[Weekday] = Field(default_factory=list)
    start: str | None = Field(default=None, description="HH:MM, 24-hour")
    end: str | None = Field(default=None, description="HH:MM, 24-hour")
    agency: int = Field(default=0, ge=0, description="index of the assigning agency")

    @field_validator("start", "end")
    @classmethod
    def _time(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        m = _TIME.match(value)
        if not m:
            raise ValueError("use a 24-hour time such as 07:30 or 15:45")
        return f"{int(m.group(1)):02d}:{m.group(2)}"

    @field_validator("days")
    @classmethod
    def _days(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a day is listed twice")
        return sorted(value, key=WEEKDAYS.index)

    @model_validator(mode="after")
    def _end_after_start(self) -> Placement:
        if self.start and self.end and self.end <= self.start:
            raise ValueError(f"end: end time {self.end} must be after start time {self.start}")
        return self


class Officer(Part):
    name: str | None = None
    agency: int = Field(default=0, ge=0)


class Program(Part):
    name: Literal["PSL", "SRO"] = "PSL"
    officer_count: int | None = Field(default=None, ge=1)
    officers: list[Officer] = Field(default_factory=list)
    placements: list[Placement] = Field(default_factory=list)


class Term(Part):
    effective: dt.date | None = None
    end: dt.date | None = None
    renewal: Literal["none", "automatic", "by_agreement"] | None = None
    renewal_years: int | None = Field(default=None, ge=1, le=10)

    @model_validator(mode="after")
    def _end_after_effective(self) -> Term:
        if self.effective and self.end and self.end <= self.effective:
            raise ValueError(
                f"end: end date {self.end.isoformat()} must be after the effective date "
                f"{self.effective.isoformat()}"
            )
        return self


class ClauseChoices(Part):
    optional: dict[str, bool] = Field(
        default_factory=dict,
        description="optional clause id -> included; clauses not listed take the pack's default",
    )
    alternatives: dict[str, str] = Field(
        default_factory=dict, description="alternative group id -> chosen clause id"
    )
    omitted: dict[str, str | None] = Field(
        default_factory=dict,
        description=(
            "clause (or alternative group) id -> why it is left out; a recommended clause may be "
            "left out only with a reason recorded here, and listing a clause here leaves it out"
        ),
    )


ReviewStatus = Literal["approved", "changes_requested"]
AnswerValue = str | int | float | bool | None | list[str]


class ReviewRecord(Part):
    """Counsel's decision on one requirement or clause, and what it was made on.

    ``hash``/``text`` (clauses) and ``covered_by`` (requirements) are what was approved; ``answers``
    are the values the clause read at the time. When any of them differs from the current draft and
    library, the checklist shows the item as changed since review, saying what changed.
    """

    status: ReviewStatus = Field(description="approved or changes_requested")
    by: str | None = Field(default=None, description="who reviewed it")
    date: dt.date | None = Field(default=None, description="when (YYYY-MM-DD)")
    note: str | None = Field(default=None, description="the reviewer's note")
    version: str | None = Field(default=None, description="clause: the version reviewed")
    hash: str | None = Field(
        default=None, description="clause: content hash reviewed; requirement: its own text's hash"
    )
    text: str | None = Field(default=None, description="clause: hash of its title and wording")
    pack: str | None = Field(default=None, description="clause: the pack that supplied it")
    group: str | None = Field(default=None, description="clause: its alternative group, if any")
    covered_by: dict[str, str] = Field(
        default_factory=dict,
        description="requirement: covering clause id -> its content hash, when reviewed",
    )
    answers: dict[str, AnswerValue] = Field(
        default_factory=dict,
        description="clause: each answer the clause reads -> its value when reviewed",
    )

    @model_serializer(mode="wrap")
    def _compact(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Saved without empty fields, so a record reads as what was reviewed."""
        return {k: v for k, v in handler(self).items() if v not in (None, {}, [])}


class Review(Part):
    """Counsel's sign-off, per requirement and per clause (an item not listed is not reviewed)."""

    requirements: dict[str, ReviewRecord] = Field(
        default_factory=dict, description="requirement id -> review record"
    )
    clauses: dict[str, ReviewRecord] = Field(
        default_factory=dict, description="clause id -> review record"
    )

    @model_serializer(mode="wrap")
    def _compact(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {k: v for k, v in handler(self).items() if v}


class NegotiatedRef(Part):
    """A cross-reference inside negotiated wording: the number printed at ``at`` in paragraph
    ``paragraph`` refers to clause ``target``; each build prints that clause's current number there
    (as a Word REF field), so a renumbering does not leave a stale "Section 8.1"."""

    paragraph: int = Field(ge=0, description="which paragraph of the clause (from 0)")
    at: int = Field(
        ge=0, description="where the number starts in that paragraph (a character offset)"
    )
    number: str = Field(
        description="the number as printed when the wording was adopted, e.g. '3.2'"
    )
    target: str = Field(description="the id of the clause it refers to")


class NegotiatedClause(Part):
    """Wording the parties agreed for one clause, printed instead of the library's text.

    Written by ``agreement-kit audit RETURNED.docx --draft DRAFT --adopt`` from the accepted edits
    of a returned document (docs/drafts.md, docs/negotiation.md). The standard clause stays in the
    library: ``check`` and the checklist compare the two, and say when the library's clause changed
    since (``base_hash``) or the agreed words lost a requirement's substance."""

    paragraphs: list[str] = Field(description="the clause's paragraphs as agreed (plain text)")
    title: str | None = Field(default=None, description="the heading as agreed, if it changed")
    refs: list[NegotiatedRef] = Field(
        default_factory=list, description="cross-references in the paragraphs"
    )
    by: str | None = Field(default=None, description="who agreed it or adopted it")
    date: dt.date | None = Field(default=None, description="when it was adopted (YYYY-MM-DD)")
    base_version: str | None = Field(
        default=None, description="the library clause's version the wording was negotiated from"
    )
    base_hash: str | None = Field(
        default=None,
        description="that clause's content hash (sha256:...), to notice upstream changes",
    )
    source: str | None = Field(default=None, description="the document it was adopted from")
    answers: dict[str, AnswerValue] = Field(
        default_factory=dict,
        description="each answer the standard clause reads -> its value when the wording was agreed",
    )

    @model_serializer(mode="wrap")
    def _compact(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Saved without empty fields."""
        return {k: v for k, v in handler(self).items() if v not in (None, {}, [])}

    def wording_hash(self, title: str) -> str:
        """The hash of the agreed heading and words (what counsel's approval of it records)."""
        from ..packs.hashing import text_hash

        return text_hash([self.title or title, *self.paragraphs])

    def printed(self, numbers: dict[str, str]) -> tuple[list[str], list[tuple[int, int, int, str]]]:
        """The paragraphs with each cross-reference showing its target's number in ``numbers``,
        and where each number now stands: ``(paragraph, start, end, target)``. A reference whose
        number is no longer where it was recorded (the paragraph was edited by hand), or whose target
        is not numbered in this agreement, is left as typed."""
        paragraphs = list(self.paragraphs)
        spans: list[tuple[int, int, int, str]] = []
        by_paragraph: dict[int, list[NegotiatedRef]] = {}
        for ref in self.refs:
            by_paragraph.setdefault(ref.paragraph, []).append(ref)
        for index, refs in by_paragraph.items():
            if index >= len(paragraphs):
                continue
            text, out, shift, last = paragraphs[index], "", 0, 0
            for ref in sorted(refs, key=lambda r: r.at):
                end = ref.at + len(ref.number)
                number = numbers.get(ref.target) or ""
                if ref.at < last or text[ref.at : end] != ref.number or not number:
                    continue
                out += text[last : ref.at]
                start = ref.at + shift
                spans.append((index, start, start + len(number), ref.target))
                out += number
                shift += len(number) - len(ref.number)
                last = end
            paragraphs[index] = out + text[last:]
        return paragraphs, spans


class WizardState(Part):
    step: str | None = None
    field: str | None = Field(default=None, description="the answer (a draft path) it was on")


class Draft(Part):
    """The answers for one agreement."""

    format: Literal[1] = DRAFT_FORMAT
    packs: list[str] = Field(
        default_factory=list,
        description="overlay packs, in order: folders inside the draft's folder, or installed pack "
        "ids with an optional version range (cesa-7>=1.2,<2)",
    )
    pins: dict[str, str] = Field(
        default_factory=dict,
        description="pack id -> the version this draft was last checked against (written by "
        "'new' and 'upgrade --write'; a different loaded version is a warning)",
    )
    title: str | None = Field(default=None, description="short title for the header")
    final: bool = Field(default=False, description="False prints the DRAFT marking")
    district: District = Field(default_factory=District)
    agencies: list[Agency] = Field(default_factory=lambda: [Agency()])
    program: Program = Field(default_factory=Program)
    term: Term = Field(default_factory=Term)
    policy_options: dict[str, str | bool] = Field(default_factory=dict)
    clauses: ClauseChoices = Field(default_factory=ClauseChoices)
    # bool first, so that ``true`` stays a yes/no (and is refused where a number is asked for)
    # instead of becoming 1
    values: dict[str, bool | str | int | float | dt.date | None] = Field(default_factory=dict)
    review: Review = Field(default_factory=Review, description="counsel's sign-off")
    negotiated: dict[str, NegotiatedClause] = Field(
        default_factory=dict,
        description="clause id -> the wording the parties agreed for it, printed instead of the "
        "library's text (written by 'audit --adopt'; see docs/drafts.md)",
    )
    wizard: WizardState = Field(default_factory=WizardState)

    @model_validator(mode="after")
    def _agency_indexes(self) -> Draft:
        count = len(self.agencies)
        staffed: tuple[tuple[str, Sequence[Placement | Officer]], ...] = (
            ("placements", self.program.placements),
            ("officers", self.program.officers),
        )
        for where, items in staffed:
            for i, item in enumerate(items):
                if item.agency >= max(count, 1):
                    raise ValueError(
                        f"program.{where}[{i}].agency: agency {item.agency} does not exist; there "
                        f"{'is' if count == 1 else 'are'} only {count} agenc"
                        f"{'y' if count == 1 else 'ies'} (numbered from 0)"
                    )
        return self
