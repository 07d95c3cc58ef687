"""``agreement-kit library diff OLD NEW``: what changed between two versions of a library, and which
changes break existing drafts (in the spirit of Accord Project's ``concerto compare``).

Each side is a pack folder, an installed pack (``id@version``), or a built .docx (its provenance:
each included clause's version, content hash and source pack). Changes are decided by content
hashes and fields, never by version strings; the version numbers are then checked against what
changed (a breaking change needs a new major version).

Breaking (an existing draft may stop building, or build a different agreement without being told):
a clause or requirement removed, an input added without a default, an input's kind changed or a
choice removed, ``covers`` changed, a tier raised, a clause moved between alternative groups, an
option removed or its choices narrowed, a requirement's ``applies_if`` changed, a new requirement
that no required clause covers, a new clause a draft gets by default that asks for an answer
without a default.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..problems import Problem, ProblemsError
from .hashing import clause_hash, short
from .library import Library
from .models import Clause
from .versions import parse_version
from .worddiff import paragraphs_diff, word_diff

RANK = {"optional": 0, "recommended": 1, "required": 2}
Kind = Literal[
    "clause-added",
    "clause-removed",
    "clause-changed",
    "requirement-added",
    "requirement-removed",
    "requirement-changed",
    "option-added",
    "option-removed",
    "option-changed",
]


@dataclass
class Change:
    """One difference between the two sides."""

    kind: Kind
    id: str
    breaking: list[str] = field(default_factory=list)  # why it breaks drafts (empty: it does not)
    notes: list[str] = field(default_factory=list)  # what else changed
    old_version: str | None = None
    new_version: str | None = None
    old_hash: str | None = None
    new_hash: str | None = None
    diff: str = ""

    @property
    def is_breaking(self) -> bool:
        return bool(self.breaking)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "breaking": self.is_breaking,
            "breaking_reasons": self.breaking,
            "notes": self.notes,
            "old": {"version": self.old_version, "hash": self.old_hash},
            "new": {"version": self.new_version, "hash": self.new_hash},
            "diff": self.diff,
        }


@dataclass
class Side:
    """One side of a diff: a whole library, or only a built document's provenance."""

    label: str
    packs: list[tuple[str, str]]  # (id, version), base first
    library: Library | None = None
    provenance: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # id -> (v, h, pack)
    library_hash: str = ""

    @property
    def base(self) -> tuple[str, str]:
        return self.packs[0] if self.packs else ("?", "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "packs": [{"id": i, "version": v} for i, v in self.packs],
            "library_hash": self.library_hash,
            "kind": "library" if self.library is not None else "document provenance",
        }


@dataclass
class LibraryDiff:
    old: Side
    new: Side
    changes: list[Change]

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.is_breaking]

    def version_advice(self) -> str | None:
        """What the versions should say about the changes, when they do not."""
        if [i for i, _ in self.old.packs] != [i for i, _ in self.new.packs] or not self.changes:
            return None  # different packs on each side: no one version speaks for the change
        moved = [(o, n) for o, n in zip(self.old.packs, self.new.packs, strict=True) if o != n]
        (old_id, old_v), (new_id, new_v) = moved[-1] if moved else (self.old.packs[-1],) * 2
        old, new = parse_version(old_v), parse_version(new_v)
        if old is None or new is None:
            return None
        if self.breaking and new.major <= old.major and old.major >= 1:
            return (
                f"{len(self.breaking)} breaking change(s) but {new_id} {new_v} keeps major version "
                f"{old.major}: release it as {old.major + 1}.0.0 so overlays written for "
                f"'<{old.major + 1}' refuse it until checked"
            )
        if new <= old:
            return f"the content changed but the version did not go up ({old_v} -> {new_v})"
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "format": 1,
            "old": self.old.as_dict(),
            "new": self.new.as_dict(),
            "identical": not self.changes,
            "breaking": bool(self.breaking),
            "version_advice": self.version_advice(),
            "changes": [c.as_dict() for c in self.changes],
        }


def _defaults_missing(clause: Clause) -> list[str]:
    return [i.id for i in clause.inputs if i.default is None]


def _clause_change(library_old: Library, library_new: Library, cid: str) -> Change | None:
    a, b = library_old.clauses[cid], library_new.clauses[cid]
    change = Change(
        "clause-changed",
        cid,
        old_version=a.version,
        new_version=b.version,
        old_hash=clause_hash(a),
        new_hash=clause_hash(b),
    )
    lines = [f"title: {word_diff(a.title, b.title)}"] if a.title != b.title else []
    if a.text != b.text:
        lines += paragraphs_diff(list(a.text), list(b.text)).splitlines()
        change.notes.append("text changed")
    if a.title != b.title:
        change.notes.append("title changed")
    change.diff = "\n".join(line for line in lines if line)
    old_inputs = {i.id: i for i in a.inputs}
    new_inputs = {i.id: i for i in b.inputs}
    for iid, item in new_inputs.items():
        before = old_inputs.get(iid)
        if before is None:
            if item.default is None:
                change.breaking.append(f"new input '{iid}' without a default")
            else:
                change.notes.append(f"new input '{iid}' (default {item.default!r})")
            continue
        if before.kind != item.kind:
            change.breaking.append(f"input '{iid}' kind {before.kind} -> {item.kind}")
        lost = {c.value for c in before.choices} - {c.value for c in item.choices}
        if lost:
            change.breaking.append(f"input '{iid}' lost choice(s) {', '.join(sorted(lost))}")
        if before.default != item.default:
            if item.default is None:
                change.breaking.append(f"input '{iid}' lost its default {before.default!r}")
            else:
                change.notes.append(f"input '{iid}' default {before.default!r} -> {item.default!r}")
    for iid in [i for i in old_inputs if i not in new_inputs]:
        change.notes.append(f"input '{iid}' removed (a draft's answer to it is no longer used)")
    if sorted(a.covers) != sorted(b.covers):
        change.breaking.append(
            f"covers {', '.join(a.covers) or '-'} -> {', '.join(b.covers) or '-'}"
        )
    if RANK[b.status] > RANK[a.status]:
        change.breaking.append(f"tier raised {a.status} -> {b.status}")
    elif b.status != a.status:
        change.notes.append(f"tier lowered {a.status} -> {b.status}")
    if a.group != b.group:
        change.breaking.append(f"alternative group {a.group or '-'} -> {b.group or '-'}")
    for name in ("section", "default", "order", "guidance", "summary", "citations"):
        if getattr(a, name) != getattr(b, name):
            if name in ("guidance", "summary", "citations"):
                change.notes.append(f"{name} changed")
            else:
                change.notes.append(f"{name} {getattr(a, name)!r} -> {getattr(b, name)!r}")
    if library_old.origins.get(cid) != library_new.origins.get(cid):
        change.notes.append(
            f"source pack {library_old.origins.get(cid)} -> {library_new.origins.get(cid)}"
        )
    if change.old_hash != change.new_hash and a.version == b.version:
        change.notes.append(f"content changed but the clause version is still {a.version}")
    if not change.breaking and not change.notes and not change.diff:
        return None
    return change


def _library_changes(old: Library, new: Library) -> list[Change]:
    changes: list[Change] = []
    for cid, clause in old.clauses.items():
        if cid not in new.clauses:
            changes.append(
                Change(
                    "clause-removed",
                    cid,
                    breaking=[f"{clause.status} clause removed"],
                    old_version=clause.version,
                    old_hash=clause_hash(clause),
                    diff=paragraphs_diff(list(clause.text), []),
                )
            )
        elif (found := _clause_change(old, new, cid)) is not None:
            changes.append(found)
    for cid, clause in new.clauses.items():
        if cid in old.clauses:
            continue
        change = Change(
            "clause-added", cid, new_version=clause.version, new_hash=clause_hash(clause)
        )
        included_by_default = clause.status != "optional" or (clause.default and not clause.group)
        missing = _defaults_missing(clause)
        if included_by_default and missing:
            change.breaking.append(
                f"new {clause.status} clause asks for {', '.join(missing)} without a default"
            )
        change.notes.append(f"{clause.status} clause in section {clause.section}")
        changes.append(change)
    for rid, req in old.requirements.items():
        if rid not in new.requirements:
            changes.append(Change("requirement-removed", rid, breaking=["requirement removed"]))
        elif (new_req := new.requirements[rid]) != req:
            change = Change("requirement-changed", rid)
            if new_req.applies_if != req.applies_if:
                change.breaking.append(f"applies_if {req.applies_if} -> {new_req.applies_if}")
            for name in ("title", "summary", "source", "kind"):
                if getattr(req, name) != getattr(new_req, name):
                    change.notes.append(f"{name} changed")
            changes.append(change)
    for rid in [r for r in new.requirements if r not in old.requirements]:
        change = Change("requirement-added", rid)
        required = [c for c in new.covering(rid) if new.clauses[c].status == "required"]
        if not required:
            change.breaking.append(
                "new requirement that no required clause covers: drafts may gain a gap"
            )
        else:
            change.notes.append(f"covered by required {', '.join(required)}")
        changes.append(change)
    for oid, option in old.options.items():
        if oid not in new.options:
            changes.append(Change("option-removed", oid, breaking=["policy option removed"]))
            continue
        new_option = new.options[oid]
        change = Change("option-changed", oid)
        if new_option.kind != option.kind:
            change.breaking.append(f"kind {option.kind} -> {new_option.kind}")
        lost = {c.value for c in option.choices} - {c.value for c in new_option.choices}
        if lost:
            change.breaking.append(f"lost choice(s) {', '.join(sorted(lost))}")
        if new_option.default != option.default:
            change.notes.append(f"default {option.default!r} -> {new_option.default!r}")
        if new_option.question != option.question or new_option.help != option.help:
            change.notes.append("wording changed")
        if change.breaking or change.notes:
            changes.append(change)
    for oid in [o for o in new.options if o not in old.options]:
        changes.append(
            Change("option-added", oid, notes=[f"default {new.options[oid].default!r} applies"])
        )
    return changes


def _records(side: Side) -> dict[str, tuple[str, str, str]]:
    if side.library is None:
        return side.provenance
    lib = side.library
    return {
        cid: (c.version, lib.clause_hash(cid), lib.origins.get(cid, ""))
        for cid, c in lib.clauses.items()
    }


def _provenance_changes(old: Side, new: Side) -> list[Change]:
    """Changes when at least one side is only a document's provenance (ids, versions, hashes).

    A document lists only the clauses it included, so a clause a library has and the document
    lacks is neither "added" nor "removed".
    """
    a, b = _records(old), _records(new)
    changes = []
    for cid, (version, digest, pack) in a.items():
        if cid not in b:
            if not (old.library is not None and new.library is None):
                changes.append(
                    Change(
                        "clause-removed",
                        cid,
                        breaking=["clause removed"],
                        old_version=version,
                        old_hash=digest,
                    )
                )
            continue
        v2, h2, p2 = b[cid]
        if h2 == digest and p2 == pack:
            continue
        change = Change(
            "clause-changed", cid, old_version=version, new_version=v2, old_hash=digest, new_hash=h2
        )
        if h2 != digest:
            change.notes.append(f"content changed ({short(digest)} -> {short(h2)})")
            if version == v2:
                change.notes.append(f"content changed but the clause version is still {version}")
        if p2 != pack:
            change.notes.append(f"source pack {pack} -> {p2}")
        changes.append(change)
    if not (old.library is None and new.library is not None):
        for cid, (v2, h2, _) in b.items():
            if cid not in a:
                changes.append(Change("clause-added", cid, new_version=v2, new_hash=h2))
    return changes


def diff_sides(old: Side, new: Side) -> LibraryDiff:
    """Compare two sides (see the module docstring)."""
    if old.library is not None and new.library is not None:
        changes = _library_changes(old.library, new.library)
    else:
        changes = _provenance_changes(old, new)
    return LibraryDiff(old, new, changes)


def library_side(library: Library, label: str) -> Side:
    return Side(
        label=label,
        packs=[(p.id, p.version) for p in library.packs],
        library=library,
        library_hash=library.library_hash,
    )


def document_side(path: Path) -> Side:
    """A built .docx's provenance as one side of a diff."""
    from ..word.properties import CLAUSE_PREFIX, read_custom_properties

    try:
        props = read_custom_properties(path)
    except Exception as exc:  # not a zip, not a Word file
        raise ProblemsError(
            [Problem(f"cannot read the document's properties: {exc}", file=str(path))],
            summary=f"{path} is not a .docx built by agreement-kit",
        ) from None
    records: dict[str, tuple[str, str, str]] = {}
    for name, value in props.items():
        if name.startswith(CLAUSE_PREFIX):
            parts = [p.strip() for p in value.split(";")]
            if len(parts) >= 3:
                records[name[len(CLAUSE_PREFIX) :]] = (parts[0], parts[1], parts[2])
    if not records:
        raise ProblemsError(
            [Problem("the document records no clause provenance", file=str(path))],
            summary=f"{path} was not built by agreement-kit (or its properties were removed)",
        )
    packs = [(props.get("Clause pack", "?"), props.get("Clause pack version", ""))]
    for item in filter(None, (x.strip() for x in props.get("Overlay packs", "").split(","))):
        pack_id, _, version = item.partition("@")
        packs.append((pack_id, version))
    return Side(
        label=str(path),
        packs=packs,
        provenance=records,
        library_hash=props.get("Library hash", ""),
    )


def load_side(spec: str, layers: Sequence[str | Path] = (), **pack_options: Any) -> Side:
    """``spec`` is a .docx file, a pack folder, or an installed pack ``id`` / ``id@version``.

    ``layers`` (``--library``) are overlays loaded over a pack side, so that two versions of a
    base can be compared as a district's stack sees them; a .docx side records its own packs.
    """
    from .discovery import manifest_head
    from .loading import load_library

    path = Path(spec)
    if path.suffix.lower() == ".docx" and path.is_file():
        return document_side(path)
    options = {k: v for k, v in pack_options.items() if k in ("allow_paths", "strict")}
    folder: Path | None = path if (path / "pack.yaml").is_file() else None
    if folder is None:
        from .discovery import find_installed
        from .versions import parse_ref

        try:
            ref = parse_ref(spec)
        except ValueError:
            raise ProblemsError(
                [Problem(f"'{spec}' is not a .docx, a pack folder or an installed pack id")],
                summary="cannot compare",
            ) from None
        found, same = find_installed(ref)
        if found is None:
            versions = ", ".join(p.version for p in same) or "none"
            raise ProblemsError(
                [Problem(f"no installed pack matches '{spec}' (installed versions: {versions})")],
                summary="cannot compare",
            )
        folder = found.dir
    _, _, extends = manifest_head(folder)
    # an overlay: compare the library it makes over what it extends; a base: the pack alone
    # an overlay side goes over the --base the user gave (else the bundled pack)
    overlays, base = (
        ([*layers, folder], pack_options.get("base")) if extends else (list(layers), folder)
    )
    library = load_library(overlays, base=base, **options)
    return library_side(library, spec)


_TITLES = {
    "clause-added": "clause added",
    "clause-removed": "clause removed",
    "clause-changed": "clause changed",
    "requirement-added": "requirement added",
    "requirement-removed": "requirement removed",
    "requirement-changed": "requirement changed",
    "option-added": "option added",
    "option-removed": "option removed",
    "option-changed": "option changed",
}


def diff_text(result: LibraryDiff) -> str:
    """The diff for people: a summary line, then one entry per change, breaking ones first."""

    def side(s: Side) -> str:
        packs = " + ".join(f"{i} {v}".strip() for i, v in s.packs)
        return f"{packs} ({s.label})" if s.label not in packs else packs

    lines = [f"Comparing {side(result.old)}", f"     with {side(result.new)}"]
    if result.old.library is None or result.new.library is None:
        lines.append(
            "(a built document records each included clause's version and content hash only: "
            "changed clauses are named, not shown word by word)"
        )
    old_ids, new_ids = [i for i, _ in result.old.packs], [i for i, _ in result.new.packs]
    if old_ids != new_ids and old_ids[:1] == new_ids[:1]:
        only = [i for i in old_ids + new_ids if (i in old_ids) != (i in new_ids)]
        lines.append(
            "(the two sides load different packs, so the changes include what "
            f"{', '.join(only[:-1]) + ' and ' if len(only) > 1 else ''}{only[-1]} "
            f"change{'s' if len(only) == 1 else ''}; add the same --library packs to compare "
            "like with like)"
        )
    if not result.changes:
        lines.append("No differences.")
        return "\n".join(lines) + "\n"
    lines.append(
        f"{len(result.changes)} change(s), {len(result.breaking)} breaking "
        "(may stop an existing draft building, or change its agreement without warning)."
    )
    advice = result.version_advice()
    if advice:
        lines.append(f"Version: {advice}.")
    ordered = sorted(result.changes, key=lambda c: not c.is_breaking)
    for change in ordered:
        flag = "BREAKING" if change.is_breaking else "        "
        versions = ""
        if change.old_version and change.new_version and change.old_version != change.new_version:
            versions = f" {change.old_version} -> {change.new_version}"
        lines.append(f"\n{flag}  {_TITLES[change.kind]}: {change.id}{versions}")
        for reason in change.breaking:
            lines.append(f"          ! {reason}")
        for note in change.notes:
            lines.append(f"          - {note}")
        for line in change.diff.splitlines():
            lines.append(f"            {line}")
    return "\n".join(lines) + "\n"
