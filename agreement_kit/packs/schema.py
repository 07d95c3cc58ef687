"""JSON Schemas for the files people write by hand: a pack's ``pack.yaml``, its ``policy.yaml``, a
clause file (one clause or a list of them) and a draft.

They are generated from the pydantic models the loader validates with, so an editor that reads them
(VS Code's YAML extension, any yaml-language-server client) offers the same keys, types and
descriptions the loader enforces. ``agreement-kit library schema -o schemas/`` writes them; the copies
committed under ``schemas/`` ship in the wheel and a test fails when they drift from the models.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

#: file name -> (title, what it describes)
SCHEMA_FILES: dict[str, tuple[str, str]] = {
    "pack.schema.json": ("agreement-kit clause pack manifest (pack.yaml)", "pack"),
    "policy.schema.json": ("agreement-kit policy file (policy.yaml)", "policy"),
    "clause.schema.json": ("agreement-kit clause file (clauses/*.yaml)", "clause"),
    "draft.schema.json": ("agreement-kit draft", "draft"),
}
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _models() -> dict[str, type[BaseModel]]:
    from ..drafts.model import Draft
    from .models import Clause, PackManifest, Policy

    return {"pack": PackManifest, "policy": Policy, "clause": Clause, "draft": Draft}


def schema_for(kind: str) -> dict[str, Any]:
    """The JSON Schema of one kind of file (``pack``, ``policy``, ``clause`` or ``draft``)."""
    name = next(n for n, (_, k) in SCHEMA_FILES.items() if k == kind)
    title = SCHEMA_FILES[name][0]
    model = _models()[kind]
    body = model.model_json_schema()
    if kind == "clause":  # a clause file holds one clause or a list of clauses
        defs = body.pop("$defs", {})
        defs["Clause"] = body
        body = {
            "oneOf": [
                {"$ref": "#/$defs/Clause"},
                {"type": "array", "items": {"$ref": "#/$defs/Clause"}, "minItems": 1},
            ],
            "$defs": defs,
        }
    return {"$schema": SCHEMA_DIALECT, "$id": name, "title": title, **body}


def schemas() -> dict[str, str]:
    """File name -> the schema's text, exactly as ``library schema`` writes it."""
    return {
        name: json.dumps(schema_for(kind), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        for name, (_, kind) in SCHEMA_FILES.items()
    }


def write_schemas(folder: str | Path) -> list[Path]:
    """Write every schema into ``folder`` (created if needed); returns the files written."""
    from ..yamlio import atomic_write

    out = Path(folder)
    written = []
    for name, text in schemas().items():
        atomic_write(out / name, text)
        written.append(out / name)
    return written


def undescribed(schema: dict[str, Any]) -> list[str]:
    """``Model.field`` for every property in ``schema`` that carries no description."""
    objects = [(str(schema.get("title", "")), schema), *schema.get("$defs", {}).items()]
    return [
        f"{name}.{key}"
        for name, obj in objects
        for key, prop in (obj.get("properties") or {}).items()
        if not (isinstance(prop, dict) and prop.get("description"))
    ]


def bundled_schema_dir() -> Path:
    """The folder of the schemas shipped with agreement-kit (inside the wheel or the checkout)."""
    from ..resources import _data_root

    return _data_root("schemas")


def schema_comment(kind: str, for_file: Path | None = None) -> str:
    """The ``# yaml-language-server: $schema=...`` line for a file of ``kind``.

    With ``for_file``, the line points at the nearest ``schemas/`` folder above the file that holds
    the schema (the one ``library schema -o schemas/`` wrote in a pack repository, so the line works
    for everyone who clones it), else at agreement-kit's own copy; the path is relative to the file's
    folder (when both are on one drive). Without ``for_file`` it is absolute.
    """
    import os

    name = next(n for n, (_, k) in SCHEMA_FILES.items() if k == kind)
    target = bundled_schema_dir() / name
    if for_file is not None:
        for folder in Path(for_file).resolve().parents:
            if (folder / "schemas" / name).is_file():
                target = folder / "schemas" / name
                break
    ref = target.as_posix()
    if for_file is not None:
        try:
            ref = Path(os.path.relpath(target, Path(for_file).resolve().parent)).as_posix()
        except ValueError:  # another drive on Windows
            ref = target.as_uri()
    return f"# yaml-language-server: $schema={ref}"
