"""``agreement-kit library fork CLAUSE-ID -o my-pack/``: copy a clause into an overlay pack to reword
it, recording the upstream it was copied from (``based_on``: pack, version, content hash and text).

When the upstream clause later changes, loading the overlay warns ``upstream-moved`` with the
upstream word diff. After merging what you need, ``--update-base`` records the new upstream as the
base, leaving your wording (and your comments) as they are.
"""

from __future__ import annotations

import difflib
import io
import re
from pathlib import Path
from typing import Any

from ..problems import OutputExistsError, Problem, ProblemsError
from .hashing import clause_hash
from .library import Library
from .models import Clause
from .schema import schema_comment
from .versions import major_range

_WIDTH = 92


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.width = _WIDTH
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.preserve_quotes = True
    return yaml


def _foldable(text: str) -> bool:
    """A paragraph that a folded block scalar (``>-``) holds exactly."""
    return text == text.strip() and "  " not in text and not re.search(r"[\n\r\t]", text)


def based_on(library: Library, clause_id: str) -> dict[str, Any]:
    """The ``based_on`` record for a copy of ``clause_id`` as ``library`` has it now."""
    clause = library.clauses[clause_id]
    pack = library.origins.get(clause_id, library.pack.id)
    version = next((p.version for p in library.packs if p.id == pack), "")
    return {
        "pack": pack,
        "pack_version": version,
        "version": clause.version,
        "hash": clause_hash(clause),
        "text": list(clause.text),
    }


def _dump(data: Any) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def _reads_back(text: str, clause: Clause, base: dict[str, Any]) -> bool:
    from ..yamlio import parse_yaml

    located, problems = parse_yaml(text, "<fork>")
    if problems or located is None or not isinstance(located.data, dict):
        return False
    copy = Clause.model_validate(located.data)
    return copy.model_dump(exclude={"based_on"}) == clause.model_dump(exclude={"based_on"}) and (
        copy.based_on is not None and copy.based_on.model_dump() == base
    )


def clause_yaml(clause: Clause, base: dict[str, Any]) -> str:
    """The clause as a YAML document a person edits, with its ``based_on`` record.

    Long paragraphs are written as folded blocks (``>-``) when that reads back exactly, else as
    quoted strings; either way the copy's content hash equals the upstream's.
    """
    from ruamel.yaml.scalarstring import FoldedScalarString

    def fold(paragraphs: list[str]) -> list[Any]:
        return [FoldedScalarString(p) if _foldable(p) and len(p) > 60 else p for p in paragraphs]

    data = clause.model_dump(mode="json", exclude_defaults=True, exclude={"based_on"})
    data["status"] = clause.status
    plain = dict(data, based_on=dict(base))
    folded = dict(data, text=fold(data["text"]), based_on=dict(base, text=fold(base["text"])))
    if data.get("guidance") and _foldable(data["guidance"]):
        folded["guidance"] = FoldedScalarString(data["guidance"])
    text = _dump(folded)
    return text if _reads_back(text, clause, base) else _dump(plain)


def _pack_yaml(folder: Path, library: Library) -> str:
    top = library.packs[-1]
    pack_id = re.sub(r"[^a-z0-9]+", "-", folder.resolve().name.lower()).strip("-") or "my-pack"
    return (
        f"{schema_comment('pack', folder / 'pack.yaml')}\n"
        f"id: {pack_id}\n"
        f"title: {pack_id} (overlay of {top.id})\n"
        'version: "0.1.0"\n'
        f'extends: "{top.id}{major_range(top.version)}"\n'
    )


def _unknown(library: Library, clause_id: str) -> ProblemsError:
    close = difflib.get_close_matches(clause_id, list(library.clauses), n=1)
    return ProblemsError(
        [
            Problem(
                f"no clause '{clause_id}' in the library"
                + (f"; did you mean '{close[0]}'?" if close else ""),
                hint="'agreement-kit library list' shows every clause id",
            )
        ],
        summary="cannot fork",
    )


def fork_clause(
    library: Library, clause_id: str, folder: str | Path, *, force: bool = False
) -> tuple[Path, bool]:
    """Copy ``clause_id`` into the pack at ``folder`` (created with a pack.yaml if new).

    Returns the clause file written and whether a pack.yaml was created. An existing clause file is
    left alone (:class:`~agreement_kit.problems.OutputExistsError`) unless ``force``.
    """
    from ..yamlio import atomic_write

    if clause_id not in library.clauses:
        raise _unknown(library, clause_id)
    folder = Path(folder)
    target = folder / "clauses" / f"{clause_id}.yaml"
    if target.exists() and not force:
        raise OutputExistsError(target)
    created = not (folder / "pack.yaml").exists()
    if created:
        atomic_write(folder / "pack.yaml", _pack_yaml(folder, library), overwrite=False)
    clause = library.clauses[clause_id]
    header = (
        f"{schema_comment('clause', target)}\n"
        f"# Copied from {library.origins.get(clause_id)} to reword. Keep the id: it replaces the\n"
        "# upstream clause. based_on records what you copied; when upstream changes, validate warns.\n"
    )
    atomic_write(target, header + clause_yaml(clause, based_on(library, clause_id)))
    return target, created


def _folded(text: str, indent: int) -> Any:
    """``text`` as a folded block whose lines end before column ``_WIDTH`` (for a round-trip dump,
    which keeps fold positions and wraps nothing else)."""
    from ruamel.yaml.scalarstring import FoldedScalarString

    if not (_foldable(text) and len(text) > 60):
        return text
    folded = FoldedScalarString(text)
    positions, line_start, last_space = [], 0, -1
    for i, char in enumerate(text):
        if char == " ":
            if i - line_start > _WIDTH - indent and last_space > line_start:
                positions.append(last_space)
                line_start = last_space + 1
            last_space = i
    if len(text) - line_start > _WIDTH - indent and last_space > line_start:
        positions.append(last_space)
    folded.fold_pos = positions
    return folded


def _item(text: str, clause_id: str, path: Path) -> Any:
    """The clause ``clause_id`` of a clause file's text, as plain data (None if unreadable)."""
    from ..yamlio import parse_yaml

    located, problems = parse_yaml(text, str(path))
    if problems or located is None:
        return None
    data = located.data
    for item in data if isinstance(data, list) else [data]:
        if isinstance(item, dict) and item.get("id") == clause_id:
            return item
    return None


def update_base(library: Library, clause_id: str, folder: str | Path) -> tuple[Path, bool]:
    """Record the upstream clause as it is now as the base of the replacement in ``folder``.

    Edits only the ``based_on`` mapping of that clause, in place: comments, layout and your wording
    stay exactly as they are. Returns the file and whether it changed (False when the recorded base
    already is this upstream: nothing is written).
    """
    from ..yamlio import atomic_write

    if clause_id not in library.clauses:
        raise _unknown(library, clause_id)
    folder = Path(folder)
    record = based_on(library, clause_id)
    yaml = _yaml()
    yaml.width = 1 << 16  # keep every line break of the file as it is
    for path in sorted((folder / "clauses").glob("*.yaml")):
        source = path.read_text(encoding="utf-8")
        document = yaml.load(source)
        items = document if isinstance(document, list) else [document]
        for item in items:
            if not (isinstance(item, dict) and item.get("id") == clause_id):
                continue
            old = item.get("based_on")
            if isinstance(old, dict) and old.get("hash") == record["hash"]:
                return path, False
            indent = 4 if item is document else 6
            item["based_on"] = dict(record, text=[_folded(x, indent + 2) for x in record["text"]])
            out = io.StringIO()
            yaml.dump(document, out)
            text = out.getvalue()
            if _item(text, clause_id, path) != dict(
                _item(source, clause_id, path), based_on=record
            ):
                item["based_on"] = record  # never write a file that reads back differently
                out = io.StringIO()
                yaml.dump(document, out)
                text = out.getvalue()
            atomic_write(path, text)
            return path, True
    raise ProblemsError(
        [
            Problem(
                f"the pack at {folder} has no clause '{clause_id}' to update",
                file=str(folder / "clauses"),
                hint=f"copy it first: agreement-kit library fork {clause_id} -o {folder}",
            )
        ],
        summary="cannot update the base",
    )
