"""What a library is made of, for people and scripts: the packs in effect and where each came from,
the whole library's hash, the deviations from the standard and the warnings found while loading.

``check``, ``library validate`` and the checklist show these, so nobody reads "Complete" without
seeing which overlays made it so.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from .deviations import CHANGES_STANDARD, deviations
from .hashing import short
from .library import Library

_NOUNS = {
    "replaced": "clause(s) replaced",
    "patched": "clause(s) patched",
    "added": "clause(s) added",
    "dropped": "clause(s) dropped",
    "demoted": "clause(s) demoted",
    "requirement-replaced": "requirement(s) replaced",
    "requirement-added": "requirement(s) added",
    "requirement-narrowed": "requirement(s) narrowed",
    "option-replaced": "option(s) replaced",
    "option-added": "option(s) added",
    "option-patched": "option(s) patched",
}


def stack_lines(library: Library, *, hint: bool = True) -> list[str]:
    """``Packs: ...`` and ``Deviations: ...`` lines (always present, "no overlays" included)."""
    lines = []
    for i, entry in enumerate(library.stack):
        over = f" over {entry.extends}" if entry.extends else ""
        head = "Packs: " if i == 0 else "       "
        lines.append(f"{head}{entry.id} {entry.version}{over} ({entry.origin}: {entry.dir})")
    if not library.stack:
        lines.append(f"Packs: {', '.join(f'{p.id} {p.version}' for p in library.packs)}")
    if len(library.stack) <= 1:
        lines[-1] += "; no overlays"
    found = deviations(library)
    if found:
        counts = Counter(d.kind for d in found)
        parts = [f"{n} {_NOUNS[k]}" for k, n in counts.items()]
        required = [
            d.id for d in found if d.kind in CHANGES_STANDARD and d.upstream_status == "required"
        ]
        if required:
            parts.append(f"required clause(s) changed: {', '.join(sorted(set(required)))}")
        lines.append("Deviations from the standard library: " + "; ".join(parts))
        if hint:
            lines.append("  (agreement-kit library list --deviations shows each with its diff)")
    lines.append(f"Library hash: {short(library.library_hash)}")
    return lines


def library_summary(library: Library) -> dict[str, Any]:
    """The same as JSON: packs with their origin, the library hash, deviations and warnings."""
    return {
        "hash": library.library_hash,
        "packs": [entry.as_dict() for entry in library.stack],
        "deviations": [d.as_dict() for d in deviations(library)],
        "warnings": [w.as_dict() for w in library.warnings],
    }


def clause_json(library: Library, clause_id: str) -> dict[str, Any]:
    """One clause as ``library list --json`` shows it: its text, inputs, tier, source and hash."""
    c = library.clauses[clause_id]
    return {
        "id": c.id,
        "title": c.title,
        "version": c.version,
        "hash": library.clause_hash(c.id),
        "pack": library.origins.get(c.id),
        "file": library.sources.get(c.id),
        "section": c.section,
        "status": c.status,
        "default": c.default,
        "group": c.group,
        "order": c.order,
        "covers": list(c.covers),
        "citations": list(c.citations),
        "summary": c.summary,
        "guidance": " ".join(c.guidance.split()),
        "verify": list(getattr(c, "verify", [])),
        "inputs": [i.model_dump(mode="json") for i in c.inputs],
        "text": list(c.text),
        "based_on": c.based_on.model_dump(exclude={"text"}) if c.based_on else None,
    }


def library_json(library: Library) -> dict[str, Any]:
    """The whole library as one JSON object (``library list --json``)."""
    return {
        "format": 1,
        "pack": {
            "id": library.pack.id,
            "title": library.pack.title,
            "version": library.pack.version,
            "overlays": [{"id": p.id, "version": p.version} for p in library.packs[1:]],
        },
        "library": library_summary(library),
        "sections": [s.model_dump() for s in library.sections],
        "options": [o.model_dump(mode="json") for o in library.options.values()],
        "requirements": [
            {
                "id": r.id,
                "title": r.title,
                "summary": " ".join(r.summary.split()),
                "source": r.source,
                "kind": r.kind,
                "applies_if": dict(r.applies_if),
                "pack": library.requirement_origins.get(r.id),
                "covered_by": library.covering(r.id),
            }
            for r in library.requirements.values()
        ],
        "clauses": [clause_json(library, cid) for cid in library.clauses],
    }
