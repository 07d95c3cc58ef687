"""Reading one pack folder: ``pack.yaml``, ``policy.yaml`` and ``clauses/*.yaml``, each validated
against its model, every problem located, nothing read from outside the folder.

A pack may come from someone else, so reading is bounded: only regular files inside the pack folder
(symlinks that lead out are refused), at most :data:`MAX_CLAUSE_FILES` clause files and
:data:`MAX_PACK_BYTES` in all, each file within the YAML reader's own size limit; YAML is read with the
safe reader (no tags, no aliases). Nothing in a pack is executed or imported.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..problems import Problem
from ..yamlio import Located, pydantic_problems, read_yaml
from .models import Clause, PackManifest, Policy

MAX_CLAUSE_FILES = 500
MAX_PACK_BYTES = 20_000_000


class Sub(Located):
    """A view of one item inside a file that may hold several (a clause in a list)."""

    def __init__(self, parent: Located, prefix: tuple[Any, ...]) -> None:
        super().__init__(parent.data, parent.marks, parent.file)
        self.prefix = prefix

    def where(self, loc: Iterable[str | int]) -> tuple[int | None, int | None]:
        return super().where((*self.prefix, *loc))


@dataclass
class PackFiles:
    """One pack folder as read: each file's model and where its values are."""

    dir: Path
    manifest: PackManifest | None = None
    manifest_at: Located | None = None
    policy: Policy | None = None
    policy_at: Located | None = None
    clauses: list[tuple[Clause, Located]] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)  # clause files that could not be read at all

    @property
    def manifest_file(self) -> str:
        return str(self.dir / "pack.yaml")

    @property
    def policy_file(self) -> str:
        return str(self.dir / "policy.yaml")


def _load_model(
    path: Path, model: type[BaseModel], problems: list[Problem]
) -> tuple[Any, Located | None]:
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
        problems.extend(pydantic_problems(exc, located))
        return None, located


def _inside(root: Path, path: Path) -> bool:
    try:
        return root in path.resolve().parents
    except (OSError, RuntimeError):  # a symlink loop
        return False


def read_pack(pack_dir: Path, problems: list[Problem]) -> PackFiles:
    """Read the pack at ``pack_dir``, appending every problem found to ``problems``."""
    files = PackFiles(pack_dir)
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
        if (path.exists() or path.is_symlink()) and not _inside(root, path):
            problems.append(Problem("this file points outside its pack; not read", file=str(path)))
            return files
    files.manifest, files.manifest_at = _load_model(manifest_path, PackManifest, problems)
    if policy_path.exists():
        files.policy, files.policy_at = _load_model(policy_path, Policy, problems)
    clause_dir = pack_dir / "clauses"
    paths = sorted(clause_dir.glob("*.yaml")) if clause_dir.is_dir() else []
    if len(paths) > MAX_CLAUSE_FILES:
        problems.append(
            Problem(
                f"the pack has {len(paths)} clause files; at most {MAX_CLAUSE_FILES} are read",
                file=str(clause_dir),
                hint="put several clauses in one file (a YAML list)",
            )
        )
        files.unread.append(str(clause_dir))
        return files
    total = 0
    for path in paths:
        if not _inside(root, path):
            problems.append(
                Problem("clause file points outside its pack; not read", file=str(path))
            )
            files.unread.append(str(path))
            continue
        with contextlib.suppress(OSError):
            total += path.stat().st_size if path.is_file() else 0
        if total > MAX_PACK_BYTES:
            problems.append(
                Problem(
                    f"the pack's clause files exceed {MAX_PACK_BYTES // 1_000_000} MB in all; "
                    "the rest are not read",
                    file=str(path),
                )
            )
            files.unread.append(str(path))
            break
        _read_clause_file(path, files, problems)
    return files


def _read_clause_file(path: Path, files: PackFiles, problems: list[Problem]) -> None:
    located, found = read_yaml(path)
    problems.extend(found)
    if located is None:
        files.unread.append(str(path))
        return
    if located.data is None:
        return  # an empty file (e.g. only comments)
    items = located.data if isinstance(located.data, list) else [located.data]
    in_list = isinstance(located.data, list)
    for i, item in enumerate(items):
        prefix: tuple[Any, ...] = (i,) if in_list else ()
        if not isinstance(item, dict):
            problems.append(located.problem(prefix, "a clause must be a mapping of keys"))
            continue
        clause_id = item.get("id")
        try:
            clause = Clause.model_validate(item)
        except ValidationError as exc:
            problems.extend(
                pydantic_problems(exc, located, prefix=prefix, clause=str(clause_id or "?"))
            )
            continue
        files.clauses.append((clause, Sub(located, prefix)))
