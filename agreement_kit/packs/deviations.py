"""Deviations from the standard library: everything an overlay pack changed, recorded as it loads.

Each :class:`Deviation` says what happened (a clause replaced, patched, added, dropped or demoted; a
requirement or policy option replaced, added or narrowed), by which pack (file and line), what the
upstream was (its pack, version and content hash) and, for text, the word diff from the standard.
``library list --deviations``, ``check`` and counsel's checklist show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .hashing import short
from .library import Library
from .worddiff import paragraphs_diff

Kind = Literal[
    "replaced",
    "patched",
    "added",
    "dropped",
    "demoted",
    "requirement-replaced",
    "requirement-added",
    "requirement-narrowed",
    "option-replaced",
    "option-added",
    "option-patched",
]

#: kinds that change or remove the standard library's own content (not mere additions)
CHANGES_STANDARD = {
    "replaced",
    "patched",
    "dropped",
    "demoted",
    "requirement-replaced",
    "requirement-narrowed",
    "option-replaced",
    "option-patched",
}


@dataclass(frozen=True)
class Deviation:
    """One change an overlay pack made to what the packs before it say."""

    kind: Kind
    id: str  # clause, requirement or option id
    pack: str  # the overlay that made the change
    pack_version: str
    file: str | None = None  # where the overlay says so
    line: int | None = None
    upstream_pack: str | None = None  # whose content it changed
    upstream_pack_version: str | None = None
    upstream_version: str | None = None  # the upstream clause's own version
    upstream_hash: str | None = None
    upstream_status: str | None = None  # the upstream clause's tier (a replaced required clause)
    hash: str | None = None  # the clause's hash after the change
    based_on_version: str | None = None  # replacements: what the fork recorded
    based_on_hash: str | None = None
    reason: str | None = None  # demotions and narrowings
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # patched: field -> (old, new)
    upstream_text: tuple[str, ...] = ()
    text: tuple[str, ...] = ()

    @property
    def stale(self) -> bool:
        """A replacement whose recorded base is not the upstream clause as it is now."""
        return self.kind == "replaced" and self.based_on_hash != self.upstream_hash

    @property
    def diff(self) -> str:
        """The word diff from the upstream text (empty when the text is the same)."""
        if self.kind in ("replaced", "added", "dropped"):
            return paragraphs_diff(list(self.upstream_text), list(self.text))
        return ""

    def summary(self) -> str:
        """One line: what changed, by which pack, relative to what."""
        up = f"{self.upstream_pack} {self.upstream_pack_version}" if self.upstream_pack else ""
        by = f"{self.pack} {self.pack_version}"
        if self.kind == "replaced":
            base = (
                f"based on {self.based_on_version} ({short(self.based_on_hash)})"
                if self.based_on_hash
                else "no recorded base"
            )
            same = " (text unchanged)" if not self.diff else ""
            stale = "; upstream has moved on" if self.stale else ""
            tier = f"{self.upstream_status} " if self.upstream_status else ""
            return (
                f"{tier}clause {self.id} replaced by {by}{same}: {base}; upstream is clause "
                f"version {self.upstream_version} ({short(self.upstream_hash or '')}) in {up}{stale}"
            )
        if self.kind == "patched":
            what = ", ".join(
                f"{k} {_show(old)} -> {_show(new)}" for k, (old, new) in self.fields.items()
            )
            return f"clause {self.id} of {up} patched by {by}: {what}"
        if self.kind == "option-patched":
            what = ", ".join(f"{k} {_show(o)} -> {_show(n)}" for k, (o, n) in self.fields.items())
            return f"policy option {self.id} of {up} patched by {by}: {what}"
        if self.kind in ("demoted", "requirement-narrowed"):
            noun = "clause" if self.kind == "demoted" else "requirement"
            verb = "demoted to optional" if self.kind == "demoted" else "narrowed (applies_if)"
            return f"{noun} {self.id} of {up} {verb} by {by}: {self.reason}"
        noun = {
            "added": "clause",
            "dropped": "clause",
            "requirement-replaced": "requirement",
            "requirement-added": "requirement",
            "option-replaced": "policy option",
            "option-added": "policy option",
        }[self.kind]
        verb = self.kind.split("-")[-1]
        of = f" of {up}" if up and verb != "added" else ""
        return f"{noun} {self.id}{of} {verb} by {by}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "pack": self.pack,
            "pack_version": self.pack_version,
            "file": self.file,
            "line": self.line,
            "upstream": {
                "pack": self.upstream_pack,
                "pack_version": self.upstream_pack_version,
                "version": self.upstream_version,
                "hash": self.upstream_hash,
            }
            if self.upstream_pack
            else None,
            "hash": self.hash,
            "based_on": {"version": self.based_on_version, "hash": self.based_on_hash}
            if self.based_on_hash
            else None,
            "stale": self.stale,
            "reason": self.reason,
            "upstream_status": self.upstream_status,
            "fields": {k: list(v) for k, v in self.fields.items()},
            "diff": self.diff,
            "summary": self.summary(),
        }


def _show(value: Any) -> str:
    text = str(value)
    return repr(text[:40] + "…") if len(text) > 40 else repr(value)


def deviations(library: Library, *, standard_only: bool = False) -> list[Deviation]:
    """Everything the overlays of ``library`` changed, in the order they were applied.

    ``standard_only`` leaves out pure additions (new clauses, requirements and options), keeping
    only changes to what the packs before said.
    """
    if standard_only:
        return [d for d in library.deviations if d.kind in CHANGES_STANDARD]
    return list(library.deviations)
