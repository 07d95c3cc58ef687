"""Writing small overlay packs for tests: a pack.yaml, an optional policy.yaml, clause files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from agreement_kit import ProblemsError, load_library
from tests.helpers import MINI_PACK


def write_pack(
    folder: Path,
    pack_id: str,
    *,
    version: str = "1.0.0",
    extends: str | None = "mini",
    clauses: list[dict[str, Any]] | None = None,
    policy: dict[str, Any] | None = None,
    **manifest: Any,
) -> Path:
    """A pack folder with the given manifest keys, clauses (one file) and policy."""
    folder.mkdir(parents=True, exist_ok=True)
    head: dict[str, Any] = {"id": pack_id, "title": f"{pack_id} pack", "version": version}
    if extends is not None:
        head["extends"] = extends
    head.update(manifest)
    (folder / "pack.yaml").write_text(yaml.safe_dump(head, sort_keys=False), encoding="utf-8")
    if policy is not None:
        body = {"id": f"{pack_id}-policy", "title": "Local policy", **policy}
        (folder / "policy.yaml").write_text(yaml.safe_dump(body, sort_keys=False), "utf-8")
    if clauses:
        (folder / "clauses").mkdir(exist_ok=True)
        (folder / "clauses" / "ours.yaml").write_text(
            yaml.safe_dump(clauses, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
    return folder


def clause(clause_id: str, **fields: Any) -> dict[str, Any]:
    """A valid clause for the mini pack's 'main' section, with ``fields`` overriding."""
    body: dict[str, Any] = {
        "id": clause_id,
        "title": clause_id.replace("-", " ").title(),
        "version": "1.0",
        "section": "main",
        "status": "optional",
        "citations": ["x"],
        "guidance": "ours",
        "text": ["The parties agree."],
    }
    body.update(fields)
    return body


def mini_clause(clause_id: str) -> dict[str, Any]:
    """The mini pack's own clause ``clause_id`` as plain data (to copy and change)."""
    for path in sorted((MINI_PACK / "clauses").glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            if item["id"] == clause_id:
                return dict(item)
    raise KeyError(clause_id)


def problems_of(*overlays: Path, base: Path = MINI_PACK, **kw: Any) -> list[Any]:
    with pytest.raises(ProblemsError) as info:
        load_library(list(overlays), base=base, **kw)
    return info.value.problems


def only(problems: list[Any], needle: str) -> Any:
    found = [p for p in problems if needle in p.message]
    assert found, f"no problem mentioning {needle!r} in {[str(p) for p in problems]}"
    return found[0]


def line_in(path: Path, needle: str, start: int = 1) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if number >= start and needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")
