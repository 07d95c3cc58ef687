"""Which policy requirements a draft covers, which clauses it includes, and which answers are missing."""

from __future__ import annotations

from typing import Any, Literal

from jinja2.sandbox import SecurityError
from pydantic import BaseModel, ConfigDict

from ..drafts.io import check_against_library
from ..drafts.model import Draft
from ..packs.library import Library
from .context import SOURCES, clause_context
from .templating import ClauseRenderError, probe, tracked
from .values import typed_values

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


def _option_values(library: Library, draft: Draft) -> dict[str, Any]:
    """Policy option answers; an option the draft does not answer takes the pack's default (so
    an option a newer library adds applies at build time, not only in a new draft)."""
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


def probe_clause(
    library: Library, clause_id: str, context: dict[str, Any], included: set[str]
) -> tuple[list[tuple[str, ...]], str | None]:
    """Render ``clause_id`` against the (tracked) context: the missing answers its text uses,
    and a problem if it cannot be rendered even with them (a reference to an excluded clause,
    a value a filter cannot format)."""

    def ref(target: str) -> str:
        if target not in included:
            raise ClauseRenderError(
                clause_id,
                f"refers to clause {target}, which is not included; include {target} "
                "or choose another alternative",
            )
        return "Section 0.0"

    used: list[tuple[str, ...]] = []
    for source in library.clauses[clause_id].text:
        try:
            paths = probe(source, context, ref)
        except ClauseRenderError as exc:
            return used, f"clause {clause_id} {exc.message}"
        except SecurityError as exc:  # the sandbox or its budget: the pack's doing, not the draft's
            where = library.sources.get(clause_id)
            return used, (
                f"clause {clause_id}{f' ({where})' if where else ''} cannot be rendered: {exc}; "
                "this is a problem in the clause pack's text, not in the answers"
            )
        except Exception as exc:  # a value of the wrong kind for a filter, and the like
            return used, f"clause {clause_id} cannot be rendered with these answers: {exc}"
        used += [p for p in sorted(paths) if p not in used]
    return used, None


def check_coverage(library: Library, draft: Draft) -> Coverage:
    """Coverage of ``library``'s requirements by the clauses ``draft`` includes, and what is missing."""
    included, problems = included_clauses(library, draft)
    problems = [
        str(p) for p in check_against_library(draft, library) if p.severity == "error"
    ] + problems
    values = typed_values(library.clause_inputs(), answer_values(library, draft))
    context = clause_context(draft, _option_values(library, draft), values)
    draft_data = draft.model_dump(mode="python")
    if not draft.agencies:
        problems.append("the agreement needs at least one agency")
    if not draft.program.placements:
        problems.append("the program needs at least one building placement (policy item A)")
    tracked_context = tracked(context)
    clause_rows = []
    for clause in library.clauses.values():
        on = clause.id in included
        missing: list[str] = []
        if on:
            used, problem = probe_clause(library, clause.id, tracked_context, set(included))
            for path in used:
                missing += [w for w in _draft_paths(path, draft_data) if w not in missing]
            if problem and not missing:
                problems.append(problem)
        clause_rows.append(
            ClauseStatus(
                id=clause.id,
                title=clause.title,
                section=clause.section,
                status=clause.status,
                group=clause.group,
                included=on,
                covers=list(clause.covers),
                missing=missing,
            )
        )
    requirements = [
        RequirementStatus(
            id=r.id,
            title=r.title,
            source=r.source,
            applies=all(
                draft.policy_options.get(
                    k, library.options[k].default if k in library.options else None
                )
                == v
                for k, v in r.applies_if.items()
            ),
            covered_by=[c for c in included if r.id in library.clauses[c].covers],
            waiting_on=[
                row.id
                for row in clause_rows
                if row.missing and r.id in library.clauses[row.id].covers
            ],
        )
        for r in library.requirements.values()
    ]
    groups = [
        GroupStatus(
            id=g,
            required=library.clauses[members[0]].status == "required",
            clauses=members,
            chosen=next((m for m in members if m in included), None),
        )
        for g, members in library.groups.items()
    ]
    return Coverage(
        pack=library.pack.id,
        pack_version=library.pack.version,
        overlays=[f"{p.id}@{p.version}" for p in library.packs[1:]],
        requirements=requirements,
        clauses=clause_rows,
        groups=groups,
        problems=problems,
    )


# ----------------------------------------------------------------------------- for other stages


def draft_path(context_path: tuple[str, ...]) -> str:
    """Where the user answers what clause text reads at ``context_path``
    ('program.placements.0.hours' -> 'program.placements[0].start|program.placements[0].end');
    alternatives are separated by '|'."""
    return _draft_path(context_path)


def render_context(library: Library, draft: Draft) -> dict[str, Any]:
    """What clause text sees for ``draft`` as the agreement is assembled: the library's policy
    options, typed clause values, unanswered leaves removed (the audit re-renders clauses with it;
    keep it in step with :func:`~agreement_kit.engine.assembly.assemble`)."""
    from .templating import strip_none

    values = typed_values(library.clause_inputs(), draft.values)
    return strip_none(clause_context(draft, _option_values(library, draft), values))
