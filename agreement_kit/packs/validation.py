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
    from .loading import _PackFiles


def validate(library: Library, packs: list[_PackFiles], structure: bool = True) -> list[Problem]:
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
                if target not in library.clauses:
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
    for req in library.requirements.values():
        for key in req.applies_if:
            if key not in library.options:
                problems.append(
                    Problem(
                        f"requirement '{req.id}' applies_if names unknown option '{key}'",
                        file=library.requirement_files.get(req.id),
                        field=f"requirements.{req.id}.applies_if",
                    )
                )
    for group, members in library.groups.items():
        first = library.clauses[members[0]]
        if len(members) < 2:
            problems.append(
                at(
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
                    at(
                        other,
                        ("group",),
                        f"alternative group '{group}' mixes clauses of different status or "
                        f"section (compare '{first.id}')",
                        "every clause of a group must share status and section",
                    )
                )
        defaults = [m for m in members if library.clauses[m].default]
        if first.status == "required" and len(defaults) > 1:
            problems.append(
                at(
                    defaults[1],
                    ("default",),
                    f"alternative group '{group}' has more than one default clause "
                    f"({', '.join(defaults)})",
                    "mark one clause of the group default: true and the others default: false",
                )
            )
    for req in library.requirements.values():
        if not library.covering(req.id):
            problems.append(
                Problem(
                    f"requirement '{req.id}' ({req.title}) is covered by no clause",
                    field=f"requirements.{req.id}",
                    file=library.requirement_files.get(req.id),
                    hint="add a clause with covers: [" + req.id + "]",
                )
            )
    return problems
