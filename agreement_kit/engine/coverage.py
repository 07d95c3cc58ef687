"""Which policy requirements a draft covers, which clauses it includes, and which answers are missing."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ..drafts.model import Draft
from ..packs.library import Library
from ..problems import Problem
from .context import SOURCES

COVERAGE_FORMAT = 1


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class RequirementStatus(_Result):
    id: str
    title: str
    source: str
    applies: bool
    covered_by: list[str]
    waiting_on: list[str] = []  # covering clauses that still need answers

    @property
    def covered(self) -> bool:
        """A clause that meets the requirement is included (or the requirement does not apply)."""
        return bool(self.covered_by) or not self.applies

    @property
    def state(self) -> Literal["covered", "needs-answers", "not-covered", "not-applicable"]:
        """'covered' only when a covering clause is included and has every answer it needs."""
        if not self.applies:
            return "not-applicable"
        if not self.covered_by:
            return "not-covered"
        if all(c in self.waiting_on for c in self.covered_by):
            return "needs-answers"
        return "covered"


class ClauseStatus(_Result):
    id: str
    title: str
    section: str
    status: Literal["required", "recommended", "optional"]
    group: str | None
    included: bool
    covers: list[str]
    missing: list[str]  # draft paths of answers this clause still needs


class GroupStatus(_Result):
    id: str
    required: bool
    clauses: list[str]
    chosen: str | None


class Coverage(_Result):
    """The result of :func:`check_coverage`. ``complete`` means the agreement can be built."""

    format: int = COVERAGE_FORMAT
    pack: str
    pack_version: str
    overlays: list[str] = []  # "id@version" of each overlay pack, in order
    requirements: list[RequirementStatus]
    clauses: list[ClauseStatus]
    groups: list[GroupStatus]
    problems: list[str]
    located: list[Problem] = []  # every problem above as a Problem (file, line, clause where known)

    @property
    def uncovered(self) -> list[RequirementStatus]:
        return [r for r in self.requirements if not r.covered]

    @property
    def missing_answers(self) -> dict[str, list[str]]:
        """Draft path -> clause ids that need it."""
        out: dict[str, list[str]] = {}
        for clause in self.clauses:
            for path in clause.missing:
                out.setdefault(path, []).append(clause.id)
        return out

    @property
    def included(self) -> list[str]:
        return [c.id for c in self.clauses if c.included]

    @property
    def complete(self) -> bool:
        return not self.uncovered and not self.missing_answers and not self.problems

    def gaps(self) -> list[str]:
        """Every reason the agreement cannot be built yet, one sentence each."""
        out = list(self.problems)
        out += [
            f"requirement {r.id} ({r.title}) is not covered by any included clause"
            for r in self.uncovered
        ]
        out += [
            f"missing answer {path} (needed by {', '.join(ids)})"
            for path, ids in self.missing_answers.items()
        ]
        return out

    def to_json(self) -> dict[str, Any]:
        """A stable JSON form: keys sorted by meaning, lists in library order."""
        return {
            "format": self.format,
            "pack": {"id": self.pack, "version": self.pack_version, "overlays": self.overlays},
            "complete": self.complete,
            "requirements": [
                {
                    "id": r.id,
                    "title": r.title,
                    "source": r.source,
                    "applies": r.applies,
                    "covered": r.covered,
                    "state": r.state,
                    "covered_by": r.covered_by,
                    "waiting_on": r.waiting_on,
                }
                for r in self.requirements
            ],
            "clauses": [c.model_dump() for c in self.clauses],
            "groups": [g.model_dump() for g in self.groups],
            "missing_answers": [
                {"answer": path, "clauses": ids} for path, ids in self.missing_answers.items()
            ],
            "problems": list(self.problems),
            "located": [p.as_dict() for p in self.located],
        }


def included_clauses(library: Library, draft: Draft) -> tuple[list[str], list[str]]:
    """The ids of included clauses in library order, and problems with the choices made."""
    problems: list[str] = []
    chosen_groups = {}
    for group, members in library.groups.items():
        pick = draft.clauses.alternatives.get(group)
        required = library.clauses[members[0]].status == "required"
        if group in draft.clauses.omitted and not required:
            pick = "none"  # left out with a recorded reason
        if pick is None and not required:
            pick = (
                library.group_default(group)
                if library.clauses[library.group_default(group)].default
                else None
            )
        if pick in (None, "none"):
            if required:
                problems.append(f"alternative group {group}: choose one of {', '.join(members)}")
            continue
        if pick in members:
            chosen_groups[group] = pick
    included = []
    for clause in library.clauses.values():
        if clause.group:
            if chosen_groups.get(clause.group) == clause.id:
                included.append(clause.id)
            continue
        wanted = draft.clauses.optional.get(clause.id)
        if clause.id in draft.clauses.omitted:
            wanted = False  # left out with a recorded reason
        if clause.status == "required":
            if wanted is False:
                problems.append(f"clause {clause.id} is required and cannot be left out")
            included.append(clause.id)
        elif wanted if wanted is not None else clause.default:
            included.append(clause.id)
    return included, problems


def option_values(library: Library, draft: Draft) -> dict[str, Any]:
    """Policy option answers (what clause text sees as ``options``); an option the draft does not
    answer takes the pack's default (so an option a newer library adds applies at build time, not
    only in a new draft)."""
    answered = {k: v for k, v in draft.policy_options.items() if k in library.options}
    return {o.id: o.default for o in library.options.values()} | answered


def answer_values(library: Library, draft: Draft) -> dict[str, Any]:
    """Clause input answers; an input the draft does not mention takes the pack's default (never
    for money or percent, which the district must decide). An explicit empty answer stays empty."""
    defaults = {
        item.id: item.default
        for item in library.clause_inputs().values()
        if item.default is not None and item.kind not in ("money", "percent")
    }
    return defaults | dict(draft.values)


def applies(library: Library, draft: Draft, requirement: Any) -> bool:
    """Whether ``requirement`` applies under the draft's policy options (or the options' defaults)."""
    return all(
        draft.policy_options.get(k, library.options[k].default if k in library.options else None)
        == v
        for k, v in requirement.applies_if.items()
    )


def _draft_paths(context_path: tuple[str, ...], draft_data: dict[str, Any]) -> list[str]:
    """Where the user answers a missing context value: concrete draft paths that are still empty."""
    found: list[str] = []
    choices = _draft_path(context_path).split("|")
    for path in choices:
        parts = tuple(path.replace("[", ".").replace("]", "").split("."))
        found += [
            _dotted(concrete)
            for concrete, value in _lookup(parts, draft_data)
            if value is None or value == "" or value == []
        ]
    return found or choices[:1]


def _lookup(
    parts: tuple[str, ...], data: Any, done: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], Any]]:
    """Values at a draft path; '*' expands every list item, digits index a list."""
    if not parts:
        return [(done, data)]
    head, tail = parts[0], parts[1:]
    if isinstance(data, list):
        if head == "*":
            return [r for i, item in enumerate(data) for r in _lookup(tail, item, (*done, str(i)))]
        if head.isdigit() and int(head) < len(data):
            return _lookup(tail, data[int(head)], (*done, head))
        return [((*done, head), None)]
    if isinstance(data, dict):
        return _lookup(tail, data.get(head), (*done, head))
    return [((*done, head), None)]


def _dotted(parts: tuple[str, ...]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out


def _draft_path(context_path: tuple[str, ...]) -> str:
    """'program.placements.0.hours' -> 'program.placements[0].start' (where the user answers it)."""
    generic = ".".join("*" if p.isdigit() else p for p in context_path)
    indexes = [p for p in context_path if p.isdigit()]
    source = SOURCES.get(generic)
    if source is None:
        if context_path[0] == "options":
            source = "policy_options." + ".".join(context_path[1:])
        else:
            source = generic
    paths = []
    for choice in source.split("|"):
        left = list(indexes)
        out = ""
        for part in choice.split("."):
            if part == "*":
                out += f"[{left.pop(0)}]" if left else "[*]"
            else:
                out += f".{part}" if out else part
        paths.append(out)
    return "|".join(paths)


def check_coverage(library: Library, draft: Draft) -> Coverage:
    """Coverage of ``library``'s requirements by the clauses ``draft`` includes, and what is missing.

    Uses the library's shared :class:`~agreement_kit.engine.session.Engine`, so successive drafts
    re-probe only the clauses whose answers changed."""
    from .session import engine_for

    return engine_for(library).coverage(draft)


# ----------------------------------------------------------------------------- for other stages


def draft_path(context_path: tuple[str, ...]) -> str:
    """Where the user answers what clause text reads at ``context_path``
    ('program.placements.0.hours' -> 'program.placements[0].start|program.placements[0].end');
    alternatives are separated by '|'."""
    return _draft_path(context_path)


def render_context(library: Library, draft: Draft) -> dict[str, Any]:
    """What clause text sees for ``draft`` as the agreement is assembled: the library's policy
    options (defaults for those not answered), typed clause values (defaults likewise), unanswered
    leaves removed (the audit re-renders clauses with it). The engine builds its context here too."""
    from .context import clause_context
    from .templating import strip_none
    from .values import typed_values

    values = typed_values(library.clause_inputs(), answer_values(library, draft))
    return strip_none(clause_context(draft, option_values(library, draft), values))
