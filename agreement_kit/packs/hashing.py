"""Content hashes: what decides that a clause "changed".

A clause's hash is computed at load time from what the agreement and its coverage depend on — its
title and text (whitespace folded, Unicode NFC), its inputs (id, kind, choices, default), the
requirements it covers, its tier and its alternative group. Guidance, citations, summary and the
author-set ``version`` are not part of it: rewording a note for counsel does not change the agreement,
and forgetting to bump a version string cannot hide a change to the text.

Provenance, sign-off, upgrade warnings and the audit of a returned document all compare these
hashes, never version strings.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import TYPE_CHECKING, Any

from .models import Clause

if TYPE_CHECKING:
    from .library import Library

PREFIX = "sha256:"
SHORT = 12  # hex digits shown to people ("sha256:3f9a0c…" is enough to tell two versions apart)


def normalise(text: str) -> str:
    """Text as compared for change: NFC, runs of whitespace folded to one space, ends trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _digest(payload: Any) -> str:
    data = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return PREFIX + hashlib.sha256(data.encode("utf-8")).hexdigest()


def clause_content(clause: Clause) -> dict[str, Any]:
    """The parts of a clause its hash covers, in a canonical form."""
    return {
        "title": normalise(clause.title),
        "text": [normalise(p) for p in clause.text],
        "inputs": [
            {
                "id": item.id,
                "kind": item.kind,
                "choices": [c.value for c in item.choices],
                "default": item.default,
            }
            for item in clause.inputs
        ],
        "covers": sorted(clause.covers),
        "status": clause.status,
        "group": clause.group,
    }


def clause_hash(clause: Clause) -> str:
    """``"sha256:<64 hex digits>"`` over :func:`clause_content`."""
    return _digest(clause_content(clause))


def library_hash(library: Library) -> str:
    """The hash of a whole resolved library: which packs (id and version), its sections,
    requirements and policy options, and every clause's id, content hash, section, order and
    default, in library order.

    Two libraries with the same hash build the same agreement from the same draft. Built documents
    record it ("Library hash"), so "was this built from the library we have now?" is one comparison.
    """
    return _digest(
        {
            "packs": [[p.id, p.version] for p in library.packs],
            "sections": [s.model_dump() for s in library.sections],
            "requirements": [r.model_dump() for r in library.requirements.values()],
            "options": [o.model_dump() for o in library.options.values()],
            "clauses": [
                [cid, library.clause_hash(cid), c.section, c.order, c.default]
                for cid, c in library.clauses.items()
            ],
        }
    )


def text_hash(paragraphs: list[str]) -> str:
    """The hash of a clause's paragraphs alone (e.g. negotiated or rendered text)."""
    return _digest([normalise(p) for p in paragraphs])


def short(digest: str) -> str:
    """``"sha256:3f9a0c12ab45"`` — for messages and tables."""
    return digest[: len(PREFIX) + SHORT]
