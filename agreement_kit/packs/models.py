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

    id: str = Field(pattern=KEBAB)
    title: str
    kind: Literal["recitals", "article"] = "article"


class PackManifest(Strict):
    """``pack.yaml``: what the pack is and where it sits among other packs."""

    id: str = Field(pattern=KEBAB)
    title: str
    version: str
    format: Literal[1] = 1
    extends: str | None = Field(
        default=None, description="id of the pack this one overlays (None for a base pack)"
    )
    policy: str | None = Field(default=None, description="the board policy the pack implements")
    description: str = ""
    sections: list[Section] = Field(default_factory=list)
    drop: list[str] = Field(
        default_factory=list, description="optional clauses of earlier packs that this pack removes"
    )


class OptionChoice(Strict):
    value: str = Field(pattern=SNAKE)
    label: str


class PolicyOption(Strict):
    """A choice the district's adopted policy makes (Neola's ``[END OF OPTION]``).

    The draft answers it under ``policy_options.<id>``; clause text reads ``options.<id>``.
    """

    id: str = Field(pattern=SNAKE)
    question: str
    kind: Literal["choice", "bool"]
    choices: list[OptionChoice] = Field(default_factory=list)
    default: str | bool
    source: str = ""
    help: str = ""


class Requirement(Strict):
    """One thing the agreement must provide, with where the obligation comes from."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*$")
    title: str
    summary: str
    source: str
    kind: Literal["policy-item", "policy-prose", "statute"] = "policy-item"
    applies_if: dict[str, str | bool] = Field(
        default_factory=dict,
        description="policy option answers that make this requirement apply (all must match)",
    )


class Policy(Strict):
    """``policy.yaml``: the requirements a complete agreement must cover."""

    id: str
    title: str
    requirements: list[Requirement] = Field(default_factory=list)
    options: list[PolicyOption] = Field(default_factory=list)


class ClauseInput(Strict):
    """A clause-specific answer (e.g. a cost-share percentage) that clause text reads as ``values.<id>``."""

    id: str = Field(pattern=SNAKE)
    label: str
    kind: Literal["text", "integer", "number", "percent", "money", "date", "choice"] = "text"
    choices: list[OptionChoice] = Field(default_factory=list)
    default: str | int | float | None = None
    help: str = ""


class Clause(Strict):
    """One clause of the library."""

    id: str = Field(pattern=KEBAB)
    title: str
    version: str
    section: str = Field(pattern=KEBAB)
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
    covers: list[str] = Field(default_factory=list)
    citations: list[str] = Field(default_factory=list)
    guidance: str = ""
    verify: list[str] = Field(
        default_factory=list,
        description=(
            "points counsel must verify before signing (one sentence each); the checklist gathers "
            "them, with those guidance sentences that say 'verify', into one list"
        ),
    )
    summary: str = Field(default="", description="one line for the checklist and the wizard")
    inputs: list[ClauseInput] = Field(default_factory=list)
    text: list[str] = Field(min_length=1, description="paragraphs; Jinja with the draft's answers")

    @field_validator("text")
    @classmethod
    def _no_blank_paragraphs(cls, value: list[str]) -> list[str]:
        if any(not p.strip() for p in value):
            raise ValueError("a paragraph is empty")
        return value
