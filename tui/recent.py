"""Where drafts live: the name a draft may have, and the list of recently opened drafts.

A draft is always a ``.yaml``/``.yml`` file: a name without one gets ``.yaml``; a Word or PDF name
is refused (writing YAML into it would destroy the document). The recent list is a small JSON file
in the platform's user data folder (``platformdirs``; ``AGREEMENT_KIT_DATA_DIR`` overrides it, as
the tests do), so the start screen can offer the drafts a person was working on.

Nothing here imports Textual.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from agreement_kit import Problem, ProblemsError

DRAFT_SUFFIXES = (".yaml", ".yml")
OUTPUT_SUFFIXES = (".docx", ".pdf", ".doc", ".odt", ".rtf", ".txt", ".md", ".html")
MAX_RECENT = 8


def draft_target(value: str | Path) -> tuple[Path, str]:
    """The file a draft named ``value`` is kept in, and a note when it is not the name as typed.

    ``Lakeshore 2026`` -> ``Lakeshore 2026.yaml``. A name ending in a document's suffix
    (``.docx``, ``.pdf``...) is refused with a :class:`ProblemsError`. A draft saved earlier without
    the suffix is found again: ``name`` opens ``name.yaml`` when that exists.
    """
    path = Path(value).expanduser()
    suffix = path.suffix.lower()
    if suffix in DRAFT_SUFFIXES:
        return path, ""
    if suffix in OUTPUT_SUFFIXES:
        better = path.with_suffix(".yaml")
        raise ProblemsError(
            [
                Problem(
                    f"'{path.name}' is the name of a document, not of a draft: a draft is a .yaml "
                    "file that holds your answers (the Word document is made from it at the end)",
                    file=str(path),
                    hint=f"use {better.name} for the draft",
                )
            ],
            summary=f"a draft cannot be called {path.name}",
        )
    named = path.with_name(path.name + ".yaml")
    return named, f"The draft is kept as {named.name} (a draft is a .yaml file)."


@dataclass(frozen=True)
class Recent:
    path: Path
    district: str
    saved: dt.datetime | None  # the file's last change; None when it is gone

    def describe(self) -> str:
        when = self.saved.strftime("%b %d, %Y %I:%M %p") if self.saved else "file not found"
        name = self.district or "district not named yet"
        return f"{name} — saved {when}" if self.saved else f"{name} — {when}"


def data_dir() -> Path:
    override = os.environ.get("AGREEMENT_KIT_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("agreement-kit"))


def _store() -> Path:
    return data_dir() / "recent-drafts.json"


def _read() -> list[dict[str, str]]:
    try:
        data = json.loads(_store().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, list):
        return []
    return [e for e in data if isinstance(e, dict) and isinstance(e.get("path"), str)]


def remember(path: Path, district: str | None) -> None:
    """Put ``path`` first in the recent list (best effort: a read-only home loses only the list)."""
    key = str(path.expanduser().resolve())
    entries = [e for e in _read() if e.get("path") != key]
    entries.insert(0, {"path": key, "district": district or ""})
    store = _store()
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        tmp = store.with_suffix(".tmp")
        tmp.write_text(json.dumps(entries[:MAX_RECENT], indent=1), encoding="utf-8")
        os.replace(tmp, store)
    except OSError:
        pass


def recent_drafts() -> list[Recent]:
    """The recently opened drafts, newest first, with their district names and last-saved times."""
    out = []
    for entry in _read():
        path = Path(entry["path"])
        try:
            saved: dt.datetime | None = dt.datetime.fromtimestamp(path.stat().st_mtime)
        except OSError:
            saved = None
        out.append(Recent(path, str(entry.get("district") or ""), saved))
    return out
