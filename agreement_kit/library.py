"""Loading clause packs, layering overlays over the bundled pack, and validating the result."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError
from pydantic import ValidationError

from .context import context_schema
from .pack import Clause, PackManifest, Policy, PolicyOption, Requirement, Section
from .problems import Problem, ProblemsError
from .resources import bundled_pack_dir
from .templating import analyse, check_path
from .values import option_problem, value_problem
from .yamlio import Located, pydantic_problems, read_yaml


@dataclass
class Library:
    """One or more packs merged into the requirements, options, sections and clauses of a draft."""

    packs: list[PackManifest]
    requirements: dict[str, Requirement]
    options: dict[str, PolicyOption]
    sections: list[Section]
    clauses: dict[str, Clause]
    sources: dict[str, str] = field(default_factory=dict)  # clause id -> file it came from
    requirement_files: dict[str, str] = field(default_factory=dict)  # req / "option:id" -> file
    located: dict[str, Located] = field(default_factory=dict, repr=False)  # clause id -> its YAML

    @property
    def pack(self) -> PackManifest:
        """The base pack."""
        return self.packs[0]

    @property
    def groups(self) -> dict[str, list[str]]:
        """Alternative group id -> its clause ids, in library order."""
        out: dict[str, list[str]] = {}
        for clause in self.clauses.values():
            if clause.group:
                out.setdefault(clause.group, []).append(clause.id)
        return out

    def group_default(self, group: str) -> str:
        members = self.groups[group]
        return next((c for c in members if self.clauses[c].default), members[0])

    def covering(self, requirement: str) -> list[str]:
        return [c.id for c in self.clauses.values() if requirement in c.covers]

    def clause_inputs(self) -> dict[str, Any]:
        """Every clause input id -> its definition (first clause that declares it wins)."""
        out: dict[str, Any] = {}
        for clause in self.clauses.values():
            for item in clause.inputs:
                out.setdefault(item.id, item)
        return out


@dataclass
class _PackFiles:
    dir: Path
    manifest: PackManifest | None = None
    policy: Policy | None = None
    clauses: list[tuple[Clause, Located]] = field(default_factory=list)


def _load_model(path: Path, model: type, problems: list[Problem], **kw: Any) -> tuple[Any, Any]:
    located, found = read_yaml(path)
    problems.extend(found)
    if located is None:
        return None, None
    if not isinstance(located.data, dict):
        problems.append(
            Problem("expected a mapping of keys and values at the top", file=str(path), line=1)
        )
        return None, located
    try:
        return model.model_validate(located.data), located
    except ValidationError as exc:
        problems.extend(pydantic_problems(exc, located, **kw))
        return None, located


def _read_pack(pack_dir: Path, problems: list[Problem]) -> _PackFiles:
    files = _PackFiles(pack_dir)
    if not pack_dir.is_dir():
        problems.append(
            Problem(
                "pack folder not found",
                file=str(pack_dir),
                hint="give the folder holding pack.yaml",
            )
        )
        return files
    root = pack_dir.resolve()
    manifest_path, policy_path = pack_dir / "pack.yaml", pack_dir / "policy.yaml"
    for path in (manifest_path, policy_path):
        if path.exists() and root not in path.resolve().parents:
            problems.append(Problem("this file points outside its pack; not read", file=str(path)))
            return files
    files.manifest, _ = _load_model(manifest_path, PackManifest, problems)
    if policy_path.exists():
        files.policy, _ = _load_model(policy_path, Policy, problems)
    clause_dir = pack_dir / "clauses"
    for path in sorted(clause_dir.glob("*.yaml")) if clause_dir.is_dir() else []:
        if root not in path.resolve().parents:
            problems.append(
                Problem("clause file points outside its pack; not read", file=str(path))
            )
            continue
        located, found = read_yaml(path)
        problems.extend(found)
        if located is None:
            continue
        items = located.data if isinstance(located.data, list) else [located.data]
        prefix_list = isinstance(located.data, list)
        for i, item in enumerate(items):
            prefix: tuple[Any, ...] = (i,) if prefix_list else ()
            clause_id = item.get("id") if isinstance(item, dict) else None
            if not isinstance(item, dict):
                problems.append(located.problem(prefix, "a clause must be a mapping of keys"))
                continue
            try:
                clause = Clause.model_validate(item)
            except ValidationError as exc:
                problems.extend(
                    pydantic_problems(exc, located, prefix=prefix, clause=str(clause_id or "?"))
                )
                continue
            files.clauses.append((clause, _Sub(located, prefix)))
    return files


class _Sub(Located):
    """A view of one clause inside a file that may hold several."""

    def __init__(self, parent: Located, prefix: tuple[Any, ...]) -> None:
        super().__init__(parent.data, parent.marks, parent.file)
        self.prefix = prefix

    def where(self, loc: Iterable[str | int]) -> tuple[int | None, int | None]:
        return super().where((*self.prefix, *loc))


def load_library(overlays: Sequence[str | Path] = (), *, base: str | Path | None = None) -> Library:
    """Load the bundled pack (or ``base``), then each overlay pack in order, and validate.

    Raises :class:`ProblemsError` listing every problem found in every file.
    """
    dirs = [Path(base) if base else bundled_pack_dir(), *(Path(p) for p in overlays)]
    problems: list[Problem] = []
    packs = [_read_pack(d, problems) for d in dirs]
    library, merge_problems = _merge(packs)
    problems += merge_problems
    if library is not None:
        problems += _validate(library, packs)
    else:  # a manifest or the policy did not load: still check every clause's own text
        stub = _stub(packs)
        problems += _validate(stub, packs, structure=False)
    if problems or library is None:
        raise ProblemsError(problems, summary="the clause library is not valid")
    return library


def _merge(packs: list[_PackFiles]) -> tuple[Library | None, list[Problem]]:
    problems: list[Problem] = []
    if any(p.manifest is None for p in packs):
        return None, problems
    manifests = [p.manifest for p in packs if p.manifest]
    base = packs[0]
    if base.policy is None:
        problems.append(
            Problem("the base pack has no policy.yaml", file=str(base.dir / "policy.yaml"))
        )
        return None, problems
    requirements = {r.id: r for r in base.policy.requirements}
    options = {o.id: o for o in base.policy.options}
    req_files = {r.id: str(base.dir / "policy.yaml") for r in base.policy.requirements}
    req_files |= {f"option:{o.id}": str(base.dir / "policy.yaml") for o in base.policy.options}
    sections = list(manifests[0].sections)
    clauses: dict[str, Clause] = {}
    sources: dict[str, str] = {}
    located: dict[str, Located] = {}
    for index, pack in enumerate(packs):
        assert pack.manifest is not None
        manifest_file = str(pack.dir / "pack.yaml")
        if index and pack.manifest.extends and pack.manifest.extends != manifests[0].id:
            problems.append(
                Problem(
                    f"this pack extends '{pack.manifest.extends}', but the base pack is "
                    f"'{manifests[0].id}'",
                    file=manifest_file,
                    field="extends",
                )
            )
        if index and pack.policy:
            requirements.update({r.id: r for r in pack.policy.requirements})
            options.update({o.id: o for o in pack.policy.options})
            policy_file = str(pack.dir / "policy.yaml")
            req_files |= {r.id: policy_file for r in pack.policy.requirements}
            req_files |= {f"option:{o.id}": policy_file for o in pack.policy.options}
        if index and pack.manifest.id in [m.id for m in manifests[:index]]:
            problems.append(
                Problem(
                    f"pack id '{pack.manifest.id}' is already loaded",
                    file=manifest_file,
                    field="id",
                    hint="is the same pack given twice? each pack needs its own id",
                )
            )
        if index:
            by_id = {s.id: i for i, s in enumerate(sections)}
            for section in pack.manifest.sections:
                if section.id in by_id:
                    sections[by_id[section.id]] = section
                else:
                    sections.append(section)
        seen_here: dict[str, str] = {}
        for clause, where in pack.clauses:
            if clause.id in seen_here:
                line, col = where.where(("id",))
                problems.append(
                    Problem(
                        f"clause id '{clause.id}' is used twice in this pack "
                        f"(also in {seen_here[clause.id]})",
                        file=where.file,
                        line=line,
                        column=col,
                        clause=clause.id,
                        field="id",
                        hint="give each clause a unique id; an overlay pack replaces a clause by reusing its id",
                    )
                )
                continue
            seen_here[clause.id] = where.file
            clauses[clause.id] = clause
            sources[clause.id] = where.file
            located[clause.id] = where
        for dropped in pack.manifest.drop if index else []:
            if dropped not in clauses:
                problems.append(
                    Problem(
                        f"drop names unknown clause '{dropped}'", file=manifest_file, field="drop"
                    )
                )
            elif clauses[dropped].status == "required":
                problems.append(
                    Problem(
                        f"clause '{dropped}' is required and cannot be dropped",
                        file=manifest_file,
                        field="drop",
                        hint="replace it with your own wording under the same id instead",
                    )
                )
            else:
                del clauses[dropped]
    library = Library(
        packs=manifests,
        requirements=requirements,
        options=options,
        sections=sections,
        clauses=clauses,
        sources=sources,
        requirement_files=req_files,
    )
    library.located = located
    return library, problems


def _stub(packs: list[_PackFiles]) -> Library:
    """All clauses that loaded, without structure, for checking clause text on its own."""
    clauses: dict[str, Clause] = {}
    located: dict[str, Located] = {}
    for pack in packs:
        for clause, where in pack.clauses:
            clauses[clause.id] = clause
            located[clause.id] = where
    options = {o.id: o for p in packs if p.policy for o in p.policy.options}
    stub = Library(packs=[], requirements={}, options=options, sections=[], clauses=clauses)
    stub.located = located
    return stub


def _validate(library: Library, packs: list[_PackFiles], structure: bool = True) -> list[Problem]:
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
        for i, req in enumerate(clause.covers if structure else []):
            if req not in library.requirements:
                problems.append(
                    at(
                        clause.id,
                        ("covers", i),
                        f"covers unknown requirement '{req}'",
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
            for message in found.problems:
                problems.append(at(clause.id, ("text", i), message))
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
