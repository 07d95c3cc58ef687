"""``library validate | list | docs``: clause packs."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .common import (
    INCOMPLETE,
    OK,
    UserError,
    overlays,
    pack_options,
    plain_library,
    report_warnings,
)


def cmd_library_validate(args: argparse.Namespace) -> int:
    from ..packs.loading import load_library
    from ..packs.summary import library_summary, stack_lines

    packs = args.packs or []
    library = load_library([*(overlays(args)), *packs], **pack_options(args))
    if getattr(args, "json", False):
        payload = {"format": 1, "valid": True, "library": library_summary(library)}
        payload["problems"] = [w.as_dict() for w in library.warnings]
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return OK
    report_warnings(library.warnings)
    names = " + ".join(f"{p.id} {p.version}" for p in library.packs)
    warned = f" ({len(library.warnings)} warning(s) above)" if library.warnings else ""
    print(
        f"Valid: {names}: {len(library.requirements)} requirements, {len(library.clauses)} clauses, "
        f"{len(library.groups)} alternative groups{warned}."
    )
    for line in stack_lines(library):
        print(f"  {line}")
    return OK


def library_json(library: Any) -> dict[str, Any]:
    """The library as one JSON object: pack, requirements and clauses."""
    return {
        "pack": {
            "id": library.pack.id,
            "title": library.pack.title,
            "version": library.pack.version,
            "overlays": [{"id": p.id, "version": p.version} for p in library.packs[1:]],
        },
        "sections": [{"id": s.id, "title": s.title} for s in library.sections],
        "options": [o.model_dump() for o in library.options.values()],
        "requirements": [
            {
                "id": r.id,
                "title": r.title,
                "summary": " ".join(r.summary.split()),
                "source": r.source,
            }
            for r in library.requirements.values()
        ],
        "clauses": [
            {
                "id": c.id,
                "title": c.title,
                "version": c.version,
                "section": c.section,
                "status": c.status,
                "default": c.default,
                "covers": list(c.covers),
                "citations": list(c.citations),
                "guidance": " ".join(c.guidance.split()),
                "group": c.group,
            }
            for c in library.clauses.values()
        ],
    }


def cmd_library_list(args: argparse.Namespace) -> int:
    library = plain_library(args)
    if args.json:
        print(json.dumps(library_json(library), indent=2, ensure_ascii=False))
        return OK
    print(f"{library.pack.title} {library.pack.version}")
    print("\nRequirements")
    for req in library.requirements.values():
        covering = ", ".join(library.covering(req.id)) or "NO CLAUSE"
        print(f"  {req.id:<20} {req.title} ({req.source}) <- {covering}")
    for section in library.sections:
        members = [c for c in library.clauses.values() if c.section == section.id]
        if not members:
            continue
        print(f"\n{section.title}")
        for c in sorted(members, key=lambda c: c.order):
            status = c.status + (f", group {c.group}" if c.group else "")
            covers = f" covers {', '.join(c.covers)}" if c.covers else ""
            print(f"  {c.id:<34} {status}{covers}")
            if c.citations:
                print(f"  {'':<34} cites {'; '.join(c.citations)}")
    return OK


def cmd_library_docs(args: argparse.Namespace) -> int:
    from ..packs.docs import library_markdown
    from ..yamlio import atomic_write

    text = library_markdown(plain_library(args))
    if args.output:
        if Path(args.output).exists() and not args.force:
            raise UserError(
                f"{args.output} already exists; not replaced", INCOMPLETE, "use --force"
            )
        atomic_write(Path(args.output), text)
        print(f"Wrote {args.output}")
    else:
        sys.stdout.write(text)
    return OK


def cmd_library_schema(args: argparse.Namespace) -> int:
    from ..packs.schema import schemas, write_schemas

    if args.check:
        folder = Path(args.output)
        stale = [
            name
            for name, text in schemas().items()
            if not (folder / name).is_file() or (folder / name).read_text("utf-8") != text
        ]
        if stale:
            print(f"Out of date in {folder}: {', '.join(stale)}")
            print(f"Regenerate with: agreement-kit library schema -o {folder}")
            return INCOMPLETE
        print(f"Schemas in {folder} match the models.")
        return OK
    for path in write_schemas(args.output):
        print(f"Wrote {path}")
    return OK


def add_pack_options(parser: argparse.ArgumentParser) -> None:
    """``--base``, ``--allow-pack-path`` and ``--strict``: every command that loads packs has them."""
    parser.add_argument(
        "--base",
        metavar="PACK",
        help="the base pack instead of the bundled one: a folder or an installed pack's id",
    )
    parser.add_argument(
        "--allow-pack-path",
        action="append",
        metavar="DIR",
        help="trust pack folders under DIR that a draft's packs: names outside its own folder",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="treat warnings (an upstream change to a clause you replaced...) as errors, for CI",
    )


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """``library validate | list | docs | schema``."""
    lib = sub.add_parser("library", help="validate or list clause packs")
    lib_sub = lib.add_subparsers(dest="library_command", metavar="ACTION", required=True)
    p = lib_sub.add_parser(
        "validate", parents=[common], help="check packs (the bundled one, plus any PACK_DIR given)"
    )
    p.add_argument("packs", nargs="*", metavar="PACK", help="pack folders (or installed ids)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_library_validate)
    p = lib_sub.add_parser("list", parents=[common], help="list requirements and clauses")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_library_list)

    p = lib_sub.add_parser(
        "docs", parents=[common], help="write the clause reference (docs/clause-library.md)"
    )
    p.add_argument("-o", "--output", metavar="FILE.md", help="write to a file instead of stdout")
    p.add_argument("--force", action="store_true", help="replace an existing output file")
    p.set_defaults(func=cmd_library_docs)

    p = lib_sub.add_parser(
        "schema",
        parents=[common],
        help="write JSON Schemas for pack, policy, clause and draft files (for editors)",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        default="schemas",
        help="folder to write (default: schemas)",
    )
    p.add_argument(
        "--check", action="store_true", help="only check that the files in DIR are up to date"
    )
    p.set_defaults(func=cmd_library_schema)

    from .review import register_book  # the clause book belongs to the review room

    register_book(lib_sub, common)
