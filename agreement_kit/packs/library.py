"""The library: one or more clause packs merged into requirements, options, sections and clauses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..problems import Problem
from ..yamlio import Located
from .models import Clause, PackManifest, PolicyOption, Requirement, Section

if TYPE_CHECKING:
    from .deviations import Deviation


@dataclass(frozen=True)
class Spot:
    """Where in a pack file something is said (for problems that blame an overlay's own line)."""

    file: str | None
    line: int | None = None
    column: int | None = None
    field: str | None = None
    clause: str | None = None

    def location(self) -> str:
        where = self.file or "<input>"
        return where + (f":{self.line}" if self.line is not None else "")

    def problem(self, message: str, **kw: Any) -> Problem:
        kw.setdefault("clause", self.clause)
        return Problem(
            message, file=self.file, line=self.line, column=self.column, field=self.field, **kw
        )


@dataclass(frozen=True)
class StackEntry:
    """One loaded pack: what it is, the folder it was read from, and why it was loaded."""

    id: str
    version: str
    dir: str
    origin: str  # "bundled", "--base", "draft packs[0]", "--library", "installed (entry point)"...
    extends: str | None = None  # the pack id it overlays (None for the base)

    def describe(self) -> str:
        return f"{self.id} {self.version} ({self.origin}: {self.dir})"

    def as_dict(self) -> dict[str, str | None]:
        return {
            "id": self.id,
            "version": self.version,
            "path": self.dir,
            "origin": self.origin,
            "extends": self.extends,
        }


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
    stack: list[StackEntry] = field(default_factory=list)  # the packs, in the order applied
    warnings: list[Problem] = field(default_factory=list)  # located, severity "warning"
    deviations: list[Deviation] = field(default_factory=list)  # what overlays changed
    policy_located: dict[str, tuple[Located, tuple[Any, ...]]] = field(
        default_factory=dict, repr=False
    )  # "req:ID" / "option:ID" -> the policy file and the item's path in it
    requirement_origins: dict[str, str] = field(default_factory=dict)  # req / "option:id" -> pack
    blame: dict[str, Spot] = field(
        default_factory=dict, repr=False
    )  # "group:g" / "covers:R" / "option:o" -> the latest overlay entry that changed it

    @property
    def library_hash(self) -> str:
        """A content hash of the whole resolved library (see :func:`hashing.library_hash`)."""
        if "_library_hash" not in self.__dict__:
            origin = self.__dict__.get("_origin")  # a copy handed out by the library cache
            if origin is not None and self.same_objects(origin):
                return origin.library_hash
            from .hashing import library_hash

            self.__dict__["_library_hash"] = library_hash(self)
        return str(self.__dict__["_library_hash"])

    def same_objects(self, other: Library) -> bool:
        """Whether ``other`` holds the very same packs, requirements, options, sections, clauses and
        locations (a cached library and an unchanged copy of it; identity makes this quick)."""
        return other is self or (
            self.clauses == other.clauses
            and self.requirements == other.requirements
            and self.options == other.options
            and self.sections == other.sections
            and self.packs == other.packs
            and self.sources == other.sources
            and self.located == other.located
        )

    @property
    def overlays(self) -> list[StackEntry]:
        """The packs layered over the base, in the order applied."""
        return self.stack[1:]

    def clause_hash(self, clause_id: str) -> str:
        """The clause's content hash (see :mod:`agreement_kit.packs.hashing`), computed once."""
        cache = self.__dict__.setdefault("_hashes", {})
        clause = self.clauses[clause_id]
        kept = cache.get(clause_id)
        if kept is None or kept[0] is not clause:  # (the clause object it was computed for, hash)
            from .hashing import clause_hash

            kept = cache[clause_id] = (clause, clause_hash(clause))
        return str(kept[1])

    @property
    def pack(self) -> PackManifest:
        """The base pack."""
        return self.packs[0]

    def _index(self) -> _Index:
        """Maps derived from the clauses, built once (again only if ``clauses`` is replaced)."""
        index: _Index | None = self.__dict__.get("_derived")
        if index is None or index.of is not self.clauses or index.size != len(self.clauses):
            index = _Index.build(self.clauses)
            self.__dict__["_derived"] = index
        return index

    @property
    def groups(self) -> dict[str, list[str]]:
        """Alternative group id -> its clause ids, in library order (built once; do not modify)."""
        return self._index().groups

    def group_default(self, group: str) -> str:
        members = self.groups[group]
        return next((c for c in members if self.clauses[c].default), members[0])

    def covering(self, requirement: str) -> list[str]:
        """Ids of the clauses that cover ``requirement``, in library order."""
        return list(self._index().covering.get(requirement, ()))

    def clause_inputs(self) -> dict[str, Any]:
        """Every clause input id -> its definition (first clause that declares it wins)."""
        return dict(self._index().inputs)


@dataclass
class _Index:
    of: dict[str, Clause]
    size: int
    groups: dict[str, list[str]]
    covering: dict[str, list[str]]
    inputs: dict[str, Any]

    @classmethod
    def build(cls, clauses: dict[str, Clause]) -> _Index:
        groups: dict[str, list[str]] = {}
        covering: dict[str, list[str]] = {}
        inputs: dict[str, Any] = {}
        for clause in clauses.values():
            if clause.group:
                groups.setdefault(clause.group, []).append(clause.id)
            for requirement in dict.fromkeys(clause.covers):
                covering.setdefault(requirement, []).append(clause.id)
            for item in clause.inputs:
                inputs.setdefault(item.id, item)
        return cls(clauses, len(clauses), groups, covering, inputs)
