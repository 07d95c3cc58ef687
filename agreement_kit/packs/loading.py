"""Loading clause packs: reading each pack's files, layering overlays over the base pack, and
validating the merged result (:func:`load_library`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..problems import Problem, ProblemsError
from ..resources import bundled_pack_dir
from ..yamlio import Located, pydantic_problems, read_yaml
from .library import Library
from .models import Clause, PackManifest, Policy
from .validation import validate


@dataclass
class _PackFiles:
    dir: Path
    manifest: PackManifest | None = None
    policy: Policy | None = None
    clauses: list[tuple[Clause, Located]] = field(default_factory=list)


def _load_model(
    path: Path, model: type[BaseModel], problems: list[Problem], **kw: Any
) -> tuple[Any, Any]:
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
        problems += validate(library, packs)
    else:  # a manifest or the policy did not load: still check every clause's own text
        stub = _stub(packs)
        problems += validate(stub, packs, structure=False)
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
    origins: dict[str, str] = {}
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
            origins[clause.id] = pack.manifest.id
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
        origins=origins,
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
