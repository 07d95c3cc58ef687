"""The clause-pack format: manifest (pack.yaml), policy (policy.yaml) and clauses (clauses/*.yaml).

These models describe one pack file as written. The merged, validated result of one or more packs is a
:class:`agreement_kit.library.Library`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

KEBAB = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SNAKE = r"^[a-z][a-z0-9_]*$"


class Strict(BaseModel):
    """Base for every file model: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Section(Strict):
    """One article of the agreement, in the order the agreement shows them."""

    id: str = Field(pattern=KEBAB, description="kebab-case id that clauses name in `section:`")
    title: str = Field(description="the article's heading in the agreement")
    kind: Literal["recitals", "article"] = Field(
        default="article",
        description="recitals print unnumbered before Article 1; articles are numbered",
    )


class PackManifest(Strict):
    """``pack.yaml``: what the pack is and where it sits among other packs."""

    id: str = Field(
        pattern=KEBAB, description="the pack's kebab-case id, unique among loaded packs"
    )
    title: str = Field(description="the pack's name as people read it")
    version: str = Field(description="the pack's version, e.g. 1.2.0")
    format: Literal[1] = Field(default=1, description="the pack format version; always 1")
    extends: str | None = Field(
        default=None, description="id of the pack this one overlays (None for a base pack)"
    )
    policy: str | None = Field(default=None, description="the board policy the pack implements")
    description: str = Field(default="", description="what the pack is for, for people")
    sections: list[Section] = Field(
        default_factory=list,
        description="articles in agreement order; an overlay's new ids are appended, known ids retitled",
    )
    drop: list[str] = Field(
        default_factory=list, description="optional clauses of earlier packs that this pack removes"
    )


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

    @field_validator("text")
    @classmethod
    def _no_blank_paragraphs(cls, value: list[str]) -> list[str]:
        if any(not p.strip() for p in value):
            raise ValueError("a paragraph is empty")
        return value
