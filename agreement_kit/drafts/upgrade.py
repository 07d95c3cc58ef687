"""``agreement-kit upgrade DRAFT``: what a newer library changes for one draft, and (``--write``)
the draft brought up to date — its pins recorded, entries naming clauses or answers the library no
longer has removed. Nothing is decided for the district: new questions stay unanswered (or take
the pack's default, which the report names), and a choice that no longer exists must be made again.

The old library is the one the draft's ``pins:`` name when that version is installed, or ``--from``
(a pack folder, an installed ``id@version``, or a .docx built from the draft); without it the report
still lists everything the new library asks of the draft, and says that the text changes are not
shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..packs.diff import LibraryDiff, Side, diff_sides, document_side, library_side, load_side
from ..packs.hashing import short
from ..packs.library import Library
from ..packs.worddiff import paragraphs_diff
from ..problems import Problem
from .model import Draft


@dataclass
class Finding:
    """One thing the upgrade changes for this draft."""

    kind: str  # "pin", "clause-gone", "choice-gone", "value-unused", "text-changed", "new-clause",
    # "dropped-clause", "new-answer", "new-default", "new-option", "coverage"
    id: str
    message: str
    action: bool = False  # needs the district's decision (exit 1 until done)
    diff: str = ""
    fixed_by_write: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "message": self.message,
            "needs_decision": self.action,
            "fixed_by_write": self.fixed_by_write,
            "diff": self.diff,
        }


@dataclass
class UpgradeReport:
    draft: Draft
    library: Library
    old: Side | None
    findings: list[Finding] = field(default_factory=list)
    pins: dict[str, str] = field(default_factory=dict)  # what --write records
    complete: bool = False
    gaps: list[str] = field(default_factory=list)
    old_missing: str = ""  # why the old library could not be loaded, when it could not

    @property
    def needs_decision(self) -> bool:
        return any(f.action for f in self.findings) or not self.complete

    def to_json(self) -> dict[str, Any]:
        return {
            "format": 1,
            "old": self.old.as_dict() if self.old else None,
            "new": library_side(self.library, "loaded").as_dict(),
            "pins": self.pins,
            "complete_after_upgrade": self.complete,
            "gaps": self.gaps,
            "findings": [f.as_dict() for f in self.findings],
        }


def pin_warnings(draft: Draft, library: Library) -> list[Problem]:
    """Warnings when the loaded packs are not the versions the draft's ``pins:`` name."""
    located = getattr(draft, "_located", None)
    loaded = {p.id: p.version for p in library.packs}
    out = []
    for pack_id, version in draft.pins.items():
        now = loaded.get(pack_id)
        if now == version:
            continue
        message = f"this draft was last checked against {pack_id} {version}; " + (
            f"{now} is loaded" if now else "that pack is not loaded now"
        )
        hint = "'agreement-kit upgrade DRAFT' shows what changes for this draft; --write records it"
        if located is not None:
            out.append(
                located.problem(
                    ("pins", pack_id), message, hint=hint, severity="warning", code="pin-differs"
                )
            )
        else:
            out.append(
                Problem(
                    message,
                    field=f"pins.{pack_id}",
                    hint=hint,
                    severity="warning",
                    code="pin-differs",
                )
            )
    return out


def _old_side(
    draft: Draft,
    library: Library,
    source: str | None,
    draft_path: Path,
    packs: dict[str, Any],
) -> tuple[Side | None, str]:
    """The library the draft was written against when we can find it, else why not."""
    if source:
        return load_side(source), ""
    base = library.pack
    pinned = draft.pins.get(base.id)
    why = ""
    if pinned and pinned != base.version:
        from ..packs.discovery import find_installed
        from ..packs.loading import load_library
        from ..packs.versions import parse_ref
        from ..problems import ProblemsError

        found, _ = find_installed(parse_ref(f"{base.id}@{pinned}"))
        if found is None:
            why = f"{base.id} {pinned}, which the draft's pins name, is not installed"
        else:
            try:
                old = load_library(draft=draft, base=found.dir, **packs)
            except ProblemsError as exc:  # e.g. the draft's overlays refuse the old base
                first = exc.problems[0] if exc.problems else None
                why = f"the draft's packs do not load over {base.id} {pinned}" + (
                    f" ({first.location()}: {first.message})" if first is not None else ""
                )
            else:
                side = library_side(old, f"{base.id} {pinned} (pinned; {found.origin})")
                return side, ""
    built = draft_path.with_suffix(".docx")
    if built.is_file():
        try:
            return document_side(built), ""
        except Exception:
            why = why or f"{built} could not be read"
    return None, why


def upgrade_report(
    draft: Draft,
    library: Library,
    *,
    draft_path: str | Path,
    source: str | None = None,
    overlays: Sequence[str | Path] = (),
    allow_paths: Sequence[str | Path] = (),
) -> UpgradeReport:
    """What ``library`` changes for ``draft`` (see the module docstring).

    ``overlays`` and ``allow_paths`` are the ones ``library`` was loaded with, so that the pinned
    old library is loaded the same way, over the old base.
    """
    from ..engine.coverage import check_coverage, included_clauses

    packs = {"overlays": list(overlays), "allow_paths": list(allow_paths)}
    old, why = _old_side(draft, library, source, Path(draft_path), packs)
    report = UpgradeReport(draft, library, old, old_missing=why)
    report.pins = {p.id: p.version for p in library.packs}
    for pack_id, version in draft.pins.items():
        now = report.pins.get(pack_id)
        if now is None:
            report.findings.append(
                Finding(
                    "pin",
                    pack_id,
                    f"pack {pack_id} {version} is no longer loaded",
                    fixed_by_write=True,
                )
            )
        elif now != version:
            report.findings.append(
                Finding("pin", pack_id, f"{pack_id}: {version} -> {now}", fixed_by_write=True)
            )
    for pack_id in [p for p in report.pins if p not in draft.pins]:
        report.findings.append(
            Finding(
                "pin",
                pack_id,
                f"{pack_id} {report.pins[pack_id]} (not pinned before)",
                fixed_by_write=True,
            )
        )
    _stale_entries(report)
    included, _ = included_clauses(library, draft)
    if report.old is not None:
        _against_old(report, included)
    coverage = check_coverage(library, draft)
    inputs = library.clause_inputs()
    for path, clause_ids in coverage.missing_answers.items():
        report.findings.append(
            Finding(
                "new-answer",
                path,
                f"needs an answer: {path} (for {', '.join(clause_ids)})",
                action=True,
            )
        )
    for key, item in inputs.items():
        if (
            key not in draft.values
            and item.default is not None
            and item.kind not in ("money", "percent")
        ):
            users = [c for c in included if any(i.id == key for i in library.clauses[c].inputs)]
            if users:
                report.findings.append(
                    Finding(
                        "new-default",
                        key,
                        f"values.{key} is not answered; the pack's default {item.default!r} applies "
                        f"(for {', '.join(users)})",
                    )
                )
    for option in library.options.values():
        if option.id not in draft.policy_options:
            report.findings.append(
                Finding(
                    "new-option",
                    option.id,
                    f"policy_options.{option.id} is not answered; the default {option.default!r} "
                    f"applies ({option.question})",
                )
            )
    report.complete = coverage.complete
    report.gaps = coverage.gaps()
    return report


def _stale_entries(report: UpgradeReport) -> None:
    draft, library = report.draft, report.library
    for key, wanted in draft.clauses.optional.items():
        if key in library.clauses:
            continue
        if wanted:
            message = f"clause {key} was included, and the library no longer has it"
            report.findings.append(
                Finding("clause-gone", key, message, action=True, fixed_by_write=True)
            )
        else:
            message = f"clause {key} was left out, and the library no longer has it"
            report.findings.append(Finding("clause-gone", key, message, fixed_by_write=True))
    groups = library.groups
    for group, chosen in draft.clauses.alternatives.items():
        if group not in groups:
            report.findings.append(
                Finding(
                    "choice-gone",
                    group,
                    f"alternative group {group} no longer exists (the draft chose {chosen})",
                    fixed_by_write=True,
                )
            )
        elif chosen != "none" and chosen not in groups[group]:
            report.findings.append(
                Finding(
                    "choice-gone",
                    group,
                    f"the draft chose {chosen} for {group}, which no longer offers it; choose one of "
                    f"{', '.join(groups[group])}",
                    action=True,
                )
            )
    inputs = library.clause_inputs()
    for key in draft.values:
        if key not in inputs:
            report.findings.append(
                Finding(
                    "value-unused",
                    key,
                    f"values.{key} is no longer asked for by any clause",
                    fixed_by_write=True,
                )
            )


def _against_old(report: UpgradeReport, included: list[str]) -> None:
    """Changes to the clauses this draft includes, relative to the old library."""
    old = report.old
    assert old is not None
    library = report.library
    result: LibraryDiff = diff_sides(old, library_side(library, "loaded"))
    by_id = {c.id: c for c in result.changes if c.kind.startswith("clause-")}
    before: set[str] = set()
    if old.library is not None:
        from ..engine.coverage import included_clauses

        before = set(included_clauses(old.library, report.draft)[0])
    else:
        before = set(old.provenance)
    for clause_id in included:
        change = by_id.get(clause_id)
        if clause_id not in before:
            report.findings.append(
                Finding(
                    "new-clause",
                    clause_id,
                    f"now included: {clause_id} ({library.clauses[clause_id].title})",
                )
            )
        elif change is not None and change.kind == "clause-changed":
            detail = "; ".join(change.breaking + change.notes)
            report.findings.append(
                Finding(
                    "text-changed",
                    clause_id,
                    f"changed: {clause_id} {change.old_version} -> {change.new_version} "
                    f"({short(change.old_hash or '')} -> {short(change.new_hash or '')}): {detail}",
                    diff=change.diff,
                )
            )
    for clause_id in sorted(before - set(included)):
        text = ""
        if old.library is not None and clause_id in old.library.clauses:
            text = paragraphs_diff(list(old.library.clauses[clause_id].text), [])
        report.findings.append(
            Finding(
                "dropped-clause", clause_id, f"no longer in this agreement: {clause_id}", diff=text
            )
        )


def apply_upgrade(report: UpgradeReport) -> Draft:
    """The draft with the new pins and without the entries the library no longer has."""
    draft, library = report.draft, report.library
    optional = {k: v for k, v in draft.clauses.optional.items() if k in library.clauses}
    groups = library.groups
    alternatives = {k: v for k, v in draft.clauses.alternatives.items() if k in groups}
    inputs = library.clause_inputs()
    values = {k: v for k, v in draft.values.items() if k in inputs}
    clauses = draft.clauses.model_copy(update={"optional": optional, "alternatives": alternatives})
    return draft.model_copy(
        update={"pins": dict(report.pins), "clauses": clauses, "values": values}
    )


def report_text(report: UpgradeReport, draft_path: str) -> str:
    lines = [f"Upgrading {draft_path} to " + " + ".join(f"{i} {v}" for i, v in report.pins.items())]
    if report.old is None:
        why = f": {report.old_missing}" if report.old_missing else ""
        lines.append(
            f"  (the library it was written against is not available{why}; give --from OLD — a "
            "pack folder, id@version or a .docx built from it — to see the wording changes)"
        )
    else:
        lines.append(
            "  compared with "
            + " + ".join(f"{i} {v}" for i, v in report.old.packs)
            + f" ({report.old.label})"
        )
    if not report.findings:
        lines.append("Nothing changes for this draft.")
    titles = {
        "pin": "Pins",
        "clause-gone": "Clauses the library no longer has",
        "choice-gone": "Choices to make again",
        "value-unused": "Answers no longer used",
        "text-changed": "Changed wording in this agreement",
        "new-clause": "Clauses now included",
        "dropped-clause": "Clauses no longer included",
        "new-answer": "Answers the agreement now needs",
        "new-default": "Defaults that now apply",
        "new-option": "Policy options not answered (defaults apply)",
    }
    for kind, title in titles.items():
        found = [f for f in report.findings if f.kind == kind]
        if not found:
            continue
        lines.append(f"\n{title}:")
        for item in found:
            mark = "!" if item.action else "-"
            lines.append(f"  {mark} {item.message}")
            for line in item.diff.splitlines():
                lines.append(f"      {line}")
    lines.append("")
    if report.complete:
        lines.append("After the upgrade the agreement is complete.")
    else:
        lines.append(f"After the upgrade: {len(report.gaps)} gap(s) to resolve.")
    return "\n".join(lines) + "\n"
