"""The clause-pack format: manifest (pack.yaml), policy (policy.yaml) and clauses (clauses/*.yaml).

These models describe one pack file as written. The merged, validated result of one or more packs is a
:class:`agreement_kit.library.Library`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..textpolicy import check_value

KEBAB = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SNAKE = r"^[a-z][a-z0-9_]*$"


class Strict(BaseModel):
    """Base for every file model: unknown keys are errors; every string passes the text policy
    (:mod:`agreement_kit.textpolicy`; files are checked on reading, this covers the API)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _text_policy(cls, value: object) -> object:
        return check_value(value)


class Section(Strict):
    """One article of the agreement, in the order the agreement shows them."""

    id: str = Field(pattern=KEBAB, description="kebab-case id that clauses name in `section:`")
    title: str = Field(description="the article's heading in the agreement")
    kind: Literal["recitals", "article"] = Field(
        default="article",
        description="recitals print unnumbered before Article 1; articles are numbered",
    )


class Demotion(Strict):
    """An overlay's record that it lowers a recommended clause's tier (or drops it), and why."""

    clause: str = Field(pattern=KEBAB, description="id of the recommended clause demoted")
    reason: str = Field(
        min_length=1, description="why your district departs from the library's recommendation"
    )


class Narrowing(Strict):
    """An overlay's record that it makes a requirement of an earlier pack apply in fewer cases."""

    requirement: str = Field(description="id of the requirement whose applies_if this pack changes")
    reason: str = Field(min_length=1, description="why (e.g. the policy your board adopted)")


class InputPatch(Strict):
    """Fields of one clause input that an overlay changes without copying the clause."""

    default: str | int | float | None = Field(default=None, description="the new default")
    label: str | None = Field(default=None, description="the new question")
    help: str | None = Field(default=None, description="the new help note")


class ClausePatch(Strict):
    """Fields of an earlier pack's clause that an overlay changes without copying it.

    Text, title, covers, section and group are not patchable: to change what the clause says or what
    it covers, replace it (``agreement-kit library fork``) so the change is recorded with its base.
    """

    default: bool | None = Field(
        default=None, description="selected in a new draft / the group's default member"
    )
    status: Literal["required", "recommended", "optional"] | None = Field(
        default=None, description="a new tier (lowering recommended needs a demote: entry)"
    )
    order: int | None = Field(default=None, description="position within its section")
    guidance: str | None = Field(default=None, description="the note for counsel (replaces it)")
    summary: str | None = Field(default=None, description="the one-line summary (replaces it)")
    citations: list[str] | None = Field(default=None, description="the citations (replace them)")
    verify: list[str] | None = Field(default=None, description="points to verify (replace them)")
    inputs: dict[str, InputPatch] = Field(
        default_factory=dict, description="input id -> the fields of that input to change"
    )


class OptionPatch(Strict):
    """Fields of a policy option that an overlay changes without copying it."""

    default: str | bool | None = Field(default=None, description="the new default answer")
    question: str | None = Field(default=None, description="the new question")
    help: str | None = Field(default=None, description="the new help note")


class Patches(Strict):
    """Partial overrides of earlier packs' clauses and policy options."""

    clauses: dict[str, ClausePatch] = Field(
        default_factory=dict, description="clause id -> the fields to change"
    )
    options: dict[str, OptionPatch] = Field(
        default_factory=dict, description="policy option id -> the fields to change"
    )


class PackManifest(Strict):
    """``pack.yaml``: what the pack is and where it sits among other packs."""

    id: str = Field(
        pattern=KEBAB, description="the pack's kebab-case id, unique among loaded packs"
    )
    title: str = Field(description="the pack's name as people read it")
    version: str = Field(description="the pack's semantic version, e.g. 1.2.0")
    format: Literal[1] = Field(default=1, description="the pack format version; always 1")
    extends: str | None = Field(
        default=None,
        description=(
            "the pack this one overlays, with the versions it was written for, e.g. "
            "'wi-psl-sro>=1.0,<2' (none for a base pack)"
        ),
    )
    policy: str | None = Field(default=None, description="the board policy the pack implements")
    description: str = Field(default="", description="what the pack is for, for people")
    sections: list[Section] = Field(
        default_factory=list,
        description="articles in agreement order; an overlay's new ids are appended, known ids retitled",
    )
    drop: list[str] = Field(
        default_factory=list,
        description="optional clauses of earlier packs that this pack removes (a recommended one "
        "also needs a demote: entry)",
    )
    demote: list[Demotion] = Field(
        default_factory=list,
        description="recommended clauses this pack makes optional or drops, each with the reason",
    )
    narrow: list[Narrowing] = Field(
        default_factory=list,
        description="requirements of earlier packs whose applies_if this pack changes, with the reason",
    )
    patch: Patches = Field(
        default_factory=Patches,
        description="partial overrides: change a clause's default, guidance, citations or an "
        "input default, or an option's default, without copying it",
    )

    @field_validator("version")
    @classmethod
    def _semantic_version(cls, value: str) -> str:
        from .versions import version_problem

        message = version_problem(value)
        if message:
            raise ValueError(message)
        return value

    @field_validator("extends")
    @classmethod
    def _extends(cls, value: str | None) -> str | None:
        from .versions import parse_extends

        if value is not None:
            parse_extends(value)  # raises ValueError with the reason
        return value


class OptionChoice(Strict):
    """One value a choice can take."""

    value: str = Field(pattern=SNAKE, description="the snake_case value drafts and clause text use")
    label: str = Field(description="how the choice is shown to people")


class PolicyOption(Strict):
    """A choice the district's adopted policy makes (Neola's ``[END OF OPTION]``).

    The draft answers it under ``policy_options.<id>``; clause text reads ``options.<id>``.
    """

    id: str = Field(pattern=SNAKE, description="snake_case id: policy_options.<id> in a draft")
    question: str = Field(description="the question the wizard asks")
    kind: Literal["choice", "bool"] = Field(description="choice (one of choices) or bool")
    choices: list[OptionChoice] = Field(
        default_factory=list, description="for kind choice: the values it can take"
    )
    default: str | bool = Field(description="the answer a new draft starts with")
    source: str = Field(default="", description="where in the policy the option is")
    help: str = Field(default="", description="a note shown with the question")


class Requirement(Strict):
    """One thing the agreement must provide, with where the obligation comes from."""

    id: str = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*$",
        description="e.g. A..I for policy items, a kebab-case name for a prose obligation",
    )
    title: str = Field(description="a short name for the requirement")
    summary: str = Field(description="what the agreement must provide, in our own words")
    source: str = Field(description="where the obligation comes from (policy item, statute)")
    kind: Literal["policy-item", "policy-prose", "statute"] = Field(
        default="policy-item", description="policy-item, policy-prose or statute"
    )
    applies_if: dict[str, str | bool] = Field(
        default_factory=dict,
        description="policy option answers that make this requirement apply (all must match)",
    )


class Policy(Strict):
    """``policy.yaml``: the requirements a complete agreement must cover."""

    id: str = Field(description="the policy's id, e.g. po8407")
    title: str = Field(description="the policy's title")
    requirements: list[Requirement] = Field(
        default_factory=list, description="what a complete agreement must cover"
    )
    options: list[PolicyOption] = Field(
        default_factory=list, description="choices the board made when adopting the policy"
    )


class ClauseInput(Strict):
    """A clause-specific answer (e.g. a cost-share percentage) that clause text reads as ``values.<id>``."""

    id: str = Field(pattern=SNAKE, description="snake_case id: values.<id> in a draft and in text")
    label: str = Field(description="the question the wizard asks")
    kind: Literal["text", "integer", "number", "percent", "money", "date", "choice"] = Field(
        default="text", description="what kind of answer it takes"
    )
    choices: list[OptionChoice] = Field(
        default_factory=list, description="for kind choice: the values it can take"
    )
    default: str | int | float | None = Field(
        default=None,
        description="used when a draft gives no answer (never for money or percent)",
    )
    help: str = Field(default="", description="a note shown with the question")
    cents: bool | None = Field(
        default=None,
        description="money: true prints cents always ($1,200.00), false allows whole dollars only; "
        "unset prints cents only when the amount has them",
    )
    max_length: int | None = Field(
        default=None, ge=1, le=2000, description="text: the most characters the answer may have"
    )
    single_phrase: bool = Field(
        default=False,
        description="text: the answer is read into the middle of a sentence (a date phrase, a "
        "title), so sentence punctuation and line breaks are refused",
    )
    minimum: int | float | None = Field(default=None, description="numbers: the least allowed")
    maximum: int | float | None = Field(default=None, description="numbers: the most allowed")


class BasedOn(Strict):
    """What a replacing clause was copied from: the upstream clause as it was when forked.

    ``agreement-kit library fork`` writes it. When the upstream clause's hash moves on, loading
    warns (``upstream-moved``) with the upstream word diff; ``--strict`` makes that an error.
    """

    pack: str = Field(description="id of the pack the upstream clause came from")
    pack_version: str = Field(default="", description="that pack's version when forked")
    version: str = Field(description="the upstream clause's version when forked")
    hash: str = Field(
        pattern=r"^sha256:[0-9a-f]{64}$", description="the upstream clause's content hash"
    )
    text: list[str] = Field(
        default_factory=list,
        description="the upstream paragraphs when forked, so a later change can be shown as a diff",
    )


class Clause(Strict):
    """One clause of the library."""

    id: str = Field(
        pattern=KEBAB,
        description="stable kebab-case id; an overlay reuses it to replace the clause",
    )
    title: str = Field(description="the clause heading in the agreement")
    version: str = Field(description="the author's version of this clause, e.g. 1.1")
    section: str = Field(pattern=KEBAB, description="the id of the section (article) it sits in")
    status: Literal["required", "recommended", "optional"] = Field(
        description=(
            "required: always included; recommended: included unless left out with a recorded "
            "reason; optional: the district's choice"
        )
    )
    default: bool = Field(default=True, description="for optional clauses: selected in a new draft")
    group: str | None = Field(
        default=None,
        pattern=KEBAB,
        description="alternative group: exactly one clause of the group is chosen",
    )
    order: int = Field(default=100, description="position within its section (ascending)")
    covers: list[str] = Field(default_factory=list, description="ids of requirements it meets")
    citations: list[str] = Field(
        default_factory=list, description="statutes, cases and policy items it rests on"
    )
    guidance: str = Field(
        default="", description="the note for counsel: why it is there, what to check, fallbacks"
    )
    verify: list[str] = Field(
        default_factory=list,
        description=(
            "points counsel must verify before signing (one sentence each); the checklist gathers "
            "them, with those guidance sentences that say 'verify', into one list"
        ),
    )
    summary: str = Field(default="", description="one line for the checklist and the wizard")
    inputs: list[ClauseInput] = Field(
        default_factory=list, description="clause-specific answers its text reads as values.<id>"
    )
    text: list[str] = Field(min_length=1, description="paragraphs; Jinja with the draft's answers")
    based_on: BasedOn | None = Field(
        default=None,
        description="for a clause that replaces an earlier pack's clause: the upstream it was copied "
        "from (written by 'agreement-kit library fork')",
    )

    @field_validator("text")
    @classmethod
    def _no_blank_paragraphs(cls, value: list[str]) -> list[str]:
        if any(not p.strip() for p in value):
            raise ValueError("a paragraph is empty")
        return value
