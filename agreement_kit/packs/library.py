"""The library: one or more clause packs merged into requirements, options, sections and clauses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..yamlio import Located
from .models import Clause, PackManifest, PolicyOption, Requirement, Section


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
    origins: dict[str, str] = field(
        default_factory=dict
    )  # clause id -> id of the pack it came from

    def clause_hash(self, clause_id: str) -> str:
        """The clause's content hash (see :mod:`agreement_kit.packs.hashing`), computed once."""
        cache = self.__dict__.setdefault("_hashes", {})
        if clause_id not in cache:
            from .hashing import clause_hash

            cache[clause_id] = clause_hash(self.clauses[clause_id])
        return cache[clause_id]

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
