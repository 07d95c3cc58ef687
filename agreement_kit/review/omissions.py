"""Clauses left out of an agreement, and whether the library recommended them.

A ``recommended`` clause may be left out only with a reason recorded in the draft
(``clauses.omitted: {clause-id: reason}``). Until every such omission has a reason, the draft covers
the policy but is not a sound agreement: ``check`` says so and exits 1, and the checklist and the
wizard's Review list these omissions first.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from ..drafts.model import Draft
from ..engine.coverage import Coverage, included_clauses
from ..packs.library import Library


class Omission(BaseModel):
    """A clause (or a whole alternative group) the draft leaves out."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="the clause id, or the group id for a whole group")
    kind: Literal["clause", "group"]
    title: str
    status: Literal["recommended", "optional"]
    summary: str = ""
    guidance: str = ""
    reason: str | None = Field(default=None, description="the reason recorded in the draft")
    members: list[str] = Field(default=[], description="a group's clause ids")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def against_recommendation(self) -> bool:
        """Left out although the library recommends it."""
        return self.status == "recommended"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def unreasoned(self) -> bool:
        """Recommended, left out, and no reason recorded: blocks a 'sound agreement'."""
        return self.status == "recommended" and not self.reason


def _fold(text: str) -> str:
    return " ".join(text.split())


def omissions(library: Library, draft: Draft, coverage: Coverage | None = None) -> list[Omission]:
    """Every non-required clause or group left out: unreasoned recommended ones first, then the
    recommended ones with a reason, then optional ones; library order within each."""
    included = set(coverage.included if coverage else included_clauses(library, draft)[0])
    reasons = {k: _fold(v) for k, v in draft.clauses.omitted.items() if v and v.strip()}
    found: list[Omission] = []
    done_groups: set[str] = set()
    for clause in library.clauses.values():
        if clause.status == "required" or clause.id in included:
            continue
        status: Literal["recommended", "optional"] = (
            "recommended" if clause.status == "recommended" else "optional"
        )
        if clause.group:
            group = clause.group
            members = library.groups[group]
            if group in done_groups or any(m in included for m in members):
                continue
            done_groups.add(group)
            found.append(
                Omission(
                    id=group,
                    kind="group",
                    title=" / ".join(library.clauses[m].title for m in members),
                    status=status,
                    summary="; ".join(
                        _fold(library.clauses[m].summary)
                        for m in members
                        if library.clauses[m].summary
                    ),
                    guidance=_fold(clause.guidance),
                    reason=reasons.get(group),
                    members=list(members),
                )
            )
            continue
        found.append(
            Omission(
                id=clause.id,
                kind="clause",
                title=clause.title,
                status=status,
                summary=_fold(clause.summary),
                guidance=_fold(clause.guidance),
                reason=reasons.get(clause.id),
            )
        )
    rank = {(True, True): 0, (True, False): 1}
    return sorted(found, key=lambda o: rank.get((o.against_recommendation, o.unreasoned), 2))


def unreasoned(found: list[Omission]) -> list[Omission]:
    """The recommended omissions that still need a recorded reason."""
    return [o for o in found if o.unreasoned]
