"""``library validate | list | docs``: clause packs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .common import (
    INCOMPLETE,
    OK,
    emit_json,
    log_loaded,
    not_the_input,
    overlays,
    pack_options,
    plain_library,
    refuse_existing,
    report_warnings,
)


def cmd_library_validate(args: argparse.Namespace) -> int:
    from ..packs.loading import load_library
    from ..packs.summary import library_summary, stack_lines

    packs = args.packs or []
    library = load_library([*(overlays(args)), *packs], **pack_options(args))
    log_loaded(library)
    if getattr(args, "json", False):
        emit_json("library-validate", True, library.warnings, library=library_summary(library))
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


def cmd_library_list(args: argparse.Namespace) -> int:
    from ..packs.summary import library_json

    library = plain_library(args)
    if args.deviations:
        return _list_deviations(library, args.json)
    if args.json:
        data = {k: v for k, v in library_json(library).items() if k != "format"}
        emit_json("library-list", True, library.warnings, **data)
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


def _list_deviations(library: Any, as_json: bool) -> int:
    from ..packs.deviations import deviations
    from ..packs.summary import stack_lines

    found = deviations(library)
    if as_json:
        emit_json("library-list", True, library.warnings, deviations=[d.as_dict() for d in found])
        return OK
    for line in stack_lines(library, hint=False):
        print(line)
    if not found:
        print("\nNo deviations: every clause, requirement and option is the standard library's.")
        return OK
    print()
    for item in found:
        print(f"- {item.summary()}")
        if item.file:
            print(f"    at {item.file}" + (f":{item.line}" if item.line else ""))
        for line in item.diff.splitlines():
            print(f"    {line}")
    return OK


def cmd_library_docs(args: argparse.Namespace) -> int:
    from ..packs.docs import library_markdown
    from ..yamlio import atomic_write

    library = plain_library(args)
    text = library_markdown(library)
    if args.output:
        not_the_input(Path(args.output), None, library=library, kinds=(".md", ".markdown", ".txt"))
        refuse_existing(args.output, args.force)
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


def _upstream_loaded(target: Path, library: Any) -> None:
    """Refuse to fork into (or update) a pack whose ``extends:`` base is not loaded: the copy would
    record the wrong upstream."""
    from ..packs.discovery import manifest_head
    from ..packs.versions import parse_ref

    pack_id, _, extends = manifest_head(target)
    if not extends:
        return
    try:
        wanted = parse_ref(extends).id
    except ValueError:
        return  # validate reports the malformed line
    if wanted in {p.id for p in library.packs}:
        return
    from ..problems import Problem, ProblemsError
    from ..yamlio import read_yaml

    located, _ = read_yaml(target / "pack.yaml")
    line, column = located.where(("extends",)) if located is not None else (None, None)
    raise ProblemsError(
        [
            Problem(
                f"{pack_id or target} extends '{wanted}', which is not loaded, so its upstream "
                "clause cannot be known",
                file=str(target / "pack.yaml"),
                line=line,
                column=column,
                field="extends",
                hint=f"load it as when you validate: -L <folder of {wanted}> (or install it, or add "
                "its folder to AGREEMENT_KIT_PACKS)",
                code="extends-missing",
            )
        ],
        summary="cannot fork",
    )


def cmd_library_fork(args: argparse.Namespace) -> int:
    from ..packs.fork import fork_clause, update_base
    from ..packs.loading import load_stack
    from ..packs.resolve import resolve_packs

    target = Path(args.output)
    # upstream = everything below the target pack: the command line's packs and what the target
    # extends, without the target itself
    options = pack_options(args)
    named = [*overlays(args), *([str(target)] if (target / "pack.yaml").is_file() else [])]
    stack = resolve_packs(named, base=options["base"], allow_paths=options["allow_paths"])
    mine = target.resolve()
    stack.sources = [s for s in stack.sources if s.dir.resolve() != mine]
    library = load_stack(stack, strict=options["strict"])
    report_warnings([w for w in library.warnings if w.code != "replaced-without-base"])
    _upstream_loaded(target, library)
    if args.update_base:
        from ..packs.fork import based_on
        from ..packs.hashing import short

        path, changed = update_base(library, args.clause, target)
        base = based_on(library, args.clause)
        said = (
            f"{base['pack']} {base['pack_version']}, clause version {base['version']} "
            f"({short(base['hash'])})"
        )
        if changed:
            print(
                f"Updated {path}: {args.clause} is now based on {said}; your wording is unchanged."
            )
        else:
            print(
                f"{path}: {args.clause} is already based on the upstream loaded here ({said}); "
                "nothing to update.\n"
                "  To record a newer upstream, load it as when you validate: give the same --base "
                "and --library (-L) options."
            )
        return OK
    path, created = fork_clause(library, args.clause, target, force=args.force)
    if created:
        print(f"Wrote {target / 'pack.yaml'} (a new overlay of {library.packs[-1].id})")
    print(f"Wrote {path}: edit its wording; keep the id and based_on.")
    print(f"Check it with: agreement-kit library validate {target}")
    return OK


def cmd_library_diff(args: argparse.Namespace) -> int:
    from ..packs.diff import diff_sides, diff_text, load_side

    options = pack_options(args)
    layers = overlays(args)
    result = diff_sides(
        load_side(args.old, layers, **options), load_side(args.new, layers, **options)
    )
    if args.json:
        data = {k: v for k, v in result.to_json().items() if k != "format"}
        emit_json("library-diff", not result.changes, [], **data)
    else:
        sys.stdout.write(diff_text(result))
    return INCOMPLETE if result.changes else OK


def cmd_upgrade(args: argparse.Namespace) -> int:
    from ..drafts.io import save_draft
    from ..drafts.upgrade import apply_upgrade, report_text, upgrade_report
    from ..packs.loading import load_library
    from .common import read_draft

    draft = read_draft(args.draft)
    library = load_library(overlays(args), draft=draft, **pack_options(args))
    report_warnings(library.warnings)
    report = upgrade_report(
        draft,
        library,
        draft_path=args.draft,
        source=args.old,
        overlays=overlays(args),
        allow_paths=pack_options(args)["allow_paths"],
    )
    code = INCOMPLETE if report.needs_decision else OK
    if args.json:
        data = {k: v for k, v in report.to_json().items() if k != "format"}
        emit_json("upgrade", code == OK, library.warnings, **data)
    else:
        sys.stdout.write(report_text(report, args.draft))
    if args.write:
        save_draft(apply_upgrade(report), args.draft)
        fixed = sum(f.fixed_by_write for f in report.findings)
        print(
            f"Wrote {args.draft}: pins recorded, {fixed} entr{'y' if fixed == 1 else 'ies'} updated.",
            file=sys.stderr if args.json else sys.stdout,  # with --json, stdout holds only JSON
        )
    elif any(f.fixed_by_write for f in report.findings) and not args.json:
        print(
            f"Run 'agreement-kit upgrade {args.draft} --write' to record the new pins and tidy the draft."
        )
    return code


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
    """``library validate | list | docs | diff | fork | schema`` and ``upgrade``."""
    p = sub.add_parser(
        "upgrade",
        parents=[common],
        help="show what a newer library changes for a draft; --write records it in the draft",
    )
    p.add_argument("draft", metavar="DRAFT.yaml")
    p.add_argument(
        "--from",
        dest="old",
        metavar="OLD",
        help="the library the draft was written for: a pack folder, id@version or a built .docx "
        "(default: the draft's pinned version if installed, or the .docx built beside it)",
    )
    p.add_argument(
        "--write",
        action="store_true",
        help="record the loaded versions in the draft's pins and remove entries the library no "
        "longer has",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_upgrade)

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
    p.add_argument(
        "--deviations",
        action="store_true",
        help="list what the overlays changed (replaced, patched, added, dropped, demoted), with diffs",
    )
    p.set_defaults(func=cmd_library_list)

    p = lib_sub.add_parser(
        "docs", parents=[common], help="write the clause reference (docs/clause-library.md)"
    )
    p.add_argument("-o", "--output", metavar="FILE.md", help="write to a file instead of stdout")
    p.add_argument("--force", action="store_true", help="replace an existing output file")
    p.set_defaults(func=cmd_library_docs)

    p = lib_sub.add_parser(
        "diff",
        parents=[common],
        help="what changed between two library versions, breaking or not (exit 1 if any change)",
        description="Compare two versions of a library. With --library packs, both pack sides "
        "are loaded with those overlays over them: what an upgrade of the base changes for your "
        "stack (a built .docx side records its own packs). Exit 0 identical, 1 different, 2 when "
        "a side cannot be read.",
    )
    p.add_argument(
        "old", metavar="OLD", help="a pack folder, an installed id@version or a built .docx"
    )
    p.add_argument("new", metavar="NEW", help="the same kinds as OLD")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_library_diff)

    p = lib_sub.add_parser(
        "fork",
        parents=[common],
        help="copy a clause into your overlay pack to reword it, recording its upstream base",
    )
    p.add_argument("clause", metavar="CLAUSE-ID")
    p.add_argument("-o", "--output", metavar="PACK_DIR", required=True, help="your overlay pack")
    p.add_argument("--force", action="store_true", help="replace the copy if it exists")
    p.add_argument(
        "--update-base",
        action="store_true",
        help="keep your wording; record the upstream clause as it is now as its base",
    )
    p.set_defaults(func=cmd_library_fork)

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
