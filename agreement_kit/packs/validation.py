"""Validating a merged library: sections, covers, clause text (variables, references), inputs,
options, alternative groups and requirement coverage. Every problem is located."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jinja2 import TemplateSyntaxError

from ..engine.context import context_schema
from ..engine.templating import analyse, check_path
from ..engine.values import option_problem, value_problem
from ..problems import Problem
from .library import Library

if TYPE_CHECKING:
    from .reading import PackFiles


def validate(library: Library, packs: list[PackFiles], structure: bool = True) -> list[Problem]:
    """Every problem of the merged library. When a clause file could not be read at all, checks
    that depend on every clause being there (references, coverage, groups) are skipped: their
    complaints would only repeat that file's problem."""
    whole = not any(p.unread for p in packs)
    problems: list[Problem] = []
    located = library.located
    schema = context_schema()
    section_ids = {s.id for s in library.sections}

    def at(clause_id: str, loc: tuple[Any, ...], message: str, hint: str | None = None) -> Problem:
        where = located[clause_id]
        line, col = where.where(loc)
        return Problem(
            message,
            file=where.file,
            line=line,
            column=col,
            clause=clause_id,
            field=".".join(str(x) for x in loc),
            hint=hint,
        )

    for clause in library.clauses.values():
        if structure and clause.section not in section_ids:
            problems.append(
                at(
                    clause.id,
                    ("section",),
                    f"unknown section '{clause.section}'",
                    f"sections in pack.yaml: {', '.join(sorted(section_ids))}",
                )
            )
        for i, req_id in enumerate(clause.covers if structure else []):
            if req_id not in library.requirements:
                problems.append(
                    at(
                        clause.id,
                        ("covers", i),
                        f"covers unknown requirement '{req_id}'",
                        f"requirements in policy.yaml: {', '.join(library.requirements)}",
                    )
                )
        clause_schema = dict(schema)
        clause_schema["options"] = {o: None for o in library.options}
        clause_schema["values"] = {v.id: None for v in clause.inputs}
        for i, paragraph in enumerate(clause.text):
            try:
                found = analyse(paragraph)
            except TemplateSyntaxError as exc:
                problems.append(
                    at(
                        clause.id,
                        ("text", i),
                        f"template syntax error in paragraph {i + 1}: {exc.message}",
                        "variables look like {{ district.name }}; blocks like {% if ... %}...{% endif %}",
                    )
                )
                continue
            except RecursionError:  # '((((…))))' nested thousands deep
                problems.append(
                    at(
                        clause.id,
                        ("text", i),
                        f"paragraph {i + 1} nests brackets or expressions too deeply to be read",
                        "write the expression without hundreds of nested brackets",
                    )
                )
                continue
            except Exception as exc:  # e.g. arithmetic on constants that cannot be compiled
                problems.append(
                    at(clause.id, ("text", i), f"paragraph {i + 1} cannot be compiled: {exc}")
                )
                continue
            for text in found.problems:
                problems.append(at(clause.id, ("text", i), text))
            for path in sorted(found.paths):
                if path[0] == "values" and len(path) > 1 and path[1] not in clause_schema["values"]:
                    problems.append(
                        at(
                            clause.id,
                            ("text", i),
                            f"'values.{path[1]}' is not declared in this clause's inputs",
                            "add it under inputs: with an id, label and kind",
                        )
                    )
                    continue
                message = check_path(path, clause_schema)
                if message:
                    problems.append(at(clause.id, ("text", i), f"paragraph {i + 1}: {message}"))
            for target in sorted(found.refs):
                if target not in library.clauses and whole:
                    problems.append(
                        at(
                            clause.id,
                            ("text", i),
                            f"ref('{target}') names no clause in the library",
                        )
                    )

        for i, item in enumerate(clause.inputs):
            message = value_problem(item, item.default)
            if message:
                problems.append(at(clause.id, ("inputs", i, "default"), f"default: {message}"))
    if not structure:
        return problems
    for option in library.options.values():
        message = option_problem(option, option.default)
        if message:
            problems.append(
                Problem(
                    f"option '{option.id}' default: {message}",
                    file=library.requirement_files.get(f"option:{option.id}"),
                    field=f"options.{option.id}.default",
                )
            )
    if not whole:
        return problems + [p for p in _requirements(library) if p.code != "requirement-uncovered"]
    return problems + _requirements(library) + _groups(library, at)


def _policy_problem(
    library: Library, key: str, loc: tuple[Any, ...], message: str, **kw: Any
) -> Problem:
    """A problem at a requirement ("req:ID") or option ("option:ID") in the file that defines it."""
    where = library.policy_located.get(key)
    if where is None:
        file = library.requirement_files.get(key.removeprefix("req:"))
        return Problem(message, file=file, field=".".join(map(str, loc)), **kw)
    located, path = where
    return located.problem((*path, *loc), message, **kw)


def _requirements(library: Library) -> list[Problem]:
    problems: list[Problem] = []
    base = library.pack.id if library.packs else None
    for req in library.requirements.values():
        for key, wanted in req.applies_if.items():
            option = library.options.get(key)
            if option is None:
                problems.append(
                    _policy_problem(
                        library,
                        f"req:{req.id}",
                        ("applies_if", key),
                        f"requirement '{req.id}' applies_if names unknown option '{key}'",
                        hint=f"options of this policy: {', '.join(library.options) or 'none'}",
                    )
                )
                continue
            if option.kind == "bool":
                possible: list[Any] = [True, False]
            else:
                possible = [c.value for c in option.choices]
            if wanted in possible and type(wanted) is type(possible[0]):
                continue
            # The requirement could never apply: blame the overlay that made it so.
            message = (
                f"requirement '{req.id}' applies only when option '{key}' is {wanted!r}, which "
                f"that option can never be (it can be {', '.join(map(repr, possible))}); the "
                "requirement would silently never apply"
            )
            option_pack = library.requirement_origins.get(f"option:{key}")
            if (
                option_pack not in (None, base)
                and library.requirement_origins.get(req.id) != option_pack
            ):
                blamed = library.blame.get(f"option:{key}")
                if blamed is not None:
                    problems.append(blamed.problem(message, code="impossible-condition"))
                    continue
            problems.append(
                _policy_problem(
                    library,
                    f"req:{req.id}",
                    ("applies_if", key),
                    message,
                    code="impossible-condition",
                )
            )
    for req in library.requirements.values():
        if library.covering(req.id):
            continue
        message = f"requirement '{req.id}' ({req.title}) is covered by no clause"
        blamed = library.blame.get(f"covers:{req.id}")
        if blamed is not None:
            problems.append(
                blamed.problem(
                    message + " after this overlay's change",
                    hint=f"keep covers: [{req.id}] on the replacing clause, or add a clause that "
                    "covers it",
                    code="requirement-uncovered",
                )
            )
        else:
            problems.append(
                _policy_problem(
                    library,
                    f"req:{req.id}",
                    (),
                    message,
                    hint="add a clause with covers: [" + req.id + "]",
                    code="requirement-uncovered",
                )
            )
    return problems


def _groups(library: Library, at: Any) -> list[Problem]:
    problems: list[Problem] = []

    def blame(group: str, clause_id: str, loc: tuple[Any, ...], message: str, hint: str) -> Problem:
        spot = library.blame.get(f"group:{group}")
        if spot is not None:  # an overlay changed the group: point at what it did
            return spot.problem(message, hint=hint, code="group-invalid")
        return at(clause_id, loc, message, hint)

    for group, members in library.groups.items():
        first = library.clauses[members[0]]
        if len(members) < 2:
            problems.append(
                blame(
                    group,
                    first.id,
                    ("group",),
                    f"alternative group '{group}' has only one clause"
                    + (" after the overlay packs are applied" if len(library.packs) > 1 else ""),
                    "an alternative group needs two or more clauses to choose between; an overlay "
                    "that drops or replaces a group member must keep the group complete",
                )
            )
        for other in members[1:]:
            clause = library.clauses[other]
            if clause.status != first.status or clause.section != first.section:
                problems.append(
                    blame(
                        group,
                        other,
                        ("group",),
                        f"alternative group '{group}' mixes clauses of different status or "
                        f"section (compare '{first.id}')",
                        "every clause of a group must share status and section",
                    )
                )
        defaults = [m for m in members if library.clauses[m].default]
        if len(defaults) > 1:
            problems.append(
                blame(
                    group,
                    defaults[1],
                    ("default",),
                    f"alternative group '{group}' has more than one default clause "
                    f"({', '.join(defaults)}); only the first would be used",
                    "mark one clause of the group default: true and the others default: false "
                    "(an overlay can patch a base member: patch: {clauses: {ID: {default: false}}})",
                )
            )
        elif not defaults and first.status == "required" and len(members) > 1:
            problems.append(
                blame(
                    group,
                    first.id,
                    ("default",),
                    f"required alternative group '{group}' has no default clause",
                    "mark one clause of the group default: true",
                )
            )
    return problems
