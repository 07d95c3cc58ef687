"""The ``agreement-kit`` command line: new, check, build, library, template, wizard.

Exit codes: 0 success / complete, 1 incomplete (coverage gaps, missing answers, file exists),
2 invalid input (a file that cannot be read or does not validate).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .problems import Problem, ProblemsError

OK, INCOMPLETE, INVALID = 0, 1, 2


class UserError(Exception):
    """A message for the user, with an exit code and an optional hint."""

    def __init__(self, message: str, code: int = INVALID, hint: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.hint = hint


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _overlays(args: argparse.Namespace) -> list[str]:
    """Overlay packs given before the command, then after it, in order."""
    before = getattr(args, "library_before", None) or []
    return [*before, *(getattr(args, "library", None) or [])]


def _library(args: argparse.Namespace) -> Any:
    from .library import load_library

    return load_library(_overlays(args))


def _draft(path: str) -> Any:
    from .drafts import load_draft

    if not Path(path).exists():
        raise UserError(
            f"{path}: no such draft file",
            hint=f"create one with 'agreement-kit new {path}' or 'agreement-kit wizard {path}'",
        )
    return load_draft(path)


def _library_for(args: argparse.Namespace, draft: Any, draft_path: str) -> Any:
    """The library with the overlays the draft names, then those on the command line."""
    from .drafts import check_against_library
    from .library import load_library

    base = Path(draft_path).parent
    located = getattr(draft, "_located", None)
    missing = [(i, p) for i, p in enumerate(draft.packs) if not (base / p / "pack.yaml").is_file()]
    if missing:
        problems = [
            located.problem(("packs", i), f"no clause pack at '{p}' (looked in {base / p})")
            if located
            else Problem(f"no clause pack at '{p}'", file=draft_path, field=f"packs[{i}]")
            for i, p in missing
        ]
        raise ProblemsError(problems, summary=f"the draft {draft_path} names a missing pack")
    drafted = [str(base / p) for p in draft.packs]
    seen = {Path(d).resolve() for d in drafted}
    overlays = [*drafted, *(p for p in _overlays(args) if Path(p).resolve() not in seen)]
    library = load_library(overlays)
    problems = check_against_library(draft, library)
    if problems:  # a clause id, option or value the library does not know: a typo, not a gap
        raise ProblemsError(
            problems, summary=f"the draft {draft_path} names things the library lacks"
        )
    return library


# ---------------------------------------------------------------- new


STARTER_NOTES = {
    "packs": "Overlay clause packs (folders) layered over the bundled Wisconsin pack, in order.",
    "district": "The school district: kind is common, union_high, unified or first_class_city.",
    "agencies": (
        "One entry per law enforcement agency. municipality is the legal party (the city, village,\n"
        "# town or county); kind is city, village, town, county, tribe or state_agency."
    ),
    "program": (
        "name is PSL or SRO. One placement per building: days (mon..sun), start and end (24-hour\n"
        "# HH:MM), the building principal, and agency (0 = the first agency listed)."
    ),
    "term": "Dates as YYYY-MM-DD. renewal is none, automatic or by_agreement.",
    "policy_options": "Match the options your board adopted in Policy 8407.",
    "clauses": "optional: clause id -> true/false. alternatives: group -> the chosen clause id.",
    "values": "Clause-specific answers (see 'agreement-kit library list').",
}


def _starter_text(draft: Any) -> str:
    from .drafts import dump_draft

    lines = []
    for line in dump_draft(draft).splitlines():
        key = line.split(":", 1)[0]
        if not line.startswith((" ", "-", "#")) and key in STARTER_NOTES:
            lines += ["", f"# {STARTER_NOTES[key]}"]
        lines.append(line)
    return "\n".join(lines) + "\n"


def cmd_new(args: argparse.Namespace) -> int:
    from .drafts import new_draft
    from .yamlio import atomic_write

    path = Path(args.draft)
    if path.exists() and not args.force:
        raise UserError(f"{path} already exists", INCOMPLETE, "use --force to replace it")
    library = _library(args)
    draft = new_draft(library)
    if _overlays(args):  # so that 'check' and the wizard load the same packs later
        folder = path.resolve().parent
        packs = [os.path.relpath(Path(p).resolve(), folder) for p in _overlays(args)]
        draft = draft.model_copy(update={"packs": packs})
    atomic_write(path, _starter_text(draft))
    print(f"Wrote {path}. Fill in the answers, then run: agreement-kit check {path}")
    return OK


# ---------------------------------------------------------------- check


def _print_coverage(coverage: Any, library: Any) -> None:
    print(f"Policy coverage ({library.pack.title} {library.pack.version}):")
    for req in coverage.requirements:
        if req.state == "not-applicable":
            mark, detail = "n/a", "does not apply under the chosen policy options"
        elif req.state == "covered":
            mark, detail = "ok ", ", ".join(req.covered_by)
        elif req.state == "needs-answers":
            mark, detail = "...", f"{', '.join(req.covered_by)} (answers still missing)"
        else:
            mark, detail = "-- ", "NOT COVERED"
        print(f"  [{mark}] {req.id:<20} {req.title}: {detail}")
    missing = coverage.missing_answers
    if missing:
        print("Missing answers:")
        for path, ids in missing.items():
            print(f"  {path}  (needed by {', '.join(ids)})")
    for problem in coverage.problems:
        print(f"Problem: {problem}")
    included = len(coverage.included)
    if coverage.complete:
        print(f"Complete: {included} clauses included; ready to build.")
    else:
        print(f"Incomplete: {len(coverage.gaps())} gap(s) to resolve before building.")


def cmd_check(args: argparse.Namespace) -> int:
    from .coverage import check_coverage

    draft = _draft(args.draft)
    library = _library_for(args, draft, args.draft)
    coverage = check_coverage(library, draft)
    if args.json:
        print(json.dumps(coverage.to_json(), indent=2, ensure_ascii=False))
    else:
        _print_coverage(coverage, library)
    return OK if coverage.complete else INCOMPLETE


def cmd_checklist(args: argparse.Namespace) -> int:
    from .checklist import checklist_data, checklist_markdown
    from .coverage import check_coverage
    from .yamlio import atomic_write

    draft = _draft(args.draft)
    library = _library_for(args, draft, args.draft)
    coverage = check_coverage(library, draft)
    if args.json:
        text = json.dumps(checklist_data(library, draft, coverage), indent=2, ensure_ascii=False)
        text += "\n"
    else:
        text = checklist_markdown(library, draft, coverage)
    if args.output:
        out = Path(args.output)
        _not_the_input(out, args.draft)
        if out.exists() and not args.force:
            raise UserError(f"{out} already exists; not replaced", INCOMPLETE, "use --force")
        atomic_write(out, text)
        print(f"Wrote {out}")
    else:
        sys.stdout.write(text)
    return OK if coverage.complete else INCOMPLETE


# ---------------------------------------------------------------- build


def _not_the_input(out: Path, draft: str) -> None:
    if out.exists() and out.resolve() == Path(draft).resolve():
        raise UserError(f"{out} is the draft itself; choose another output file")


def cmd_build(args: argparse.Namespace) -> int:
    from .assembly import assemble
    from .coverage import check_coverage
    from .render import render_docx

    draft = _draft(args.draft)
    library = _library_for(args, draft, args.draft)
    out = Path(args.output) if args.output else Path(args.draft).with_suffix(".docx")
    if out.suffix.lower() != ".docx":
        raise UserError(
            f"{out}: the output must be a .docx file", hint="use --pdf to get a PDF beside it"
        )
    _not_the_input(out, args.draft)
    targets = [out, out.with_suffix(".pdf")] if getattr(args, "pdf", False) else [out]
    for target in targets:
        if target.exists() and not args.force:
            raise UserError(
                f"{target} already exists; not replaced", INCOMPLETE, "use --force to replace it"
            )
    coverage = check_coverage(library, draft)
    if not coverage.complete:
        _err(f"Cannot build {out}: the agreement is not complete yet.")
        for gap in coverage.gaps():
            _err(f"  - {gap}")
        _err(f"Run 'agreement-kit check {args.draft}' for the full checklist.")
        return INCOMPLETE
    agreement = assemble(library, draft)
    render_docx(agreement, out, template=getattr(args, "template", None), overwrite=args.force)
    print(f"Wrote {out}")
    if getattr(args, "pdf", False):
        return _pdf(out, args.force)
    return OK


def _pdf(docx: Path, force: bool) -> int:
    try:
        from .pdf import convert_to_pdf
    except ImportError:  # pragma: no cover - the document module provides it
        raise UserError("PDF output is not available in this version") from None
    pdf = convert_to_pdf(docx, overwrite=force)
    print(f"Wrote {pdf}")
    return OK


# ---------------------------------------------------------------- library


def cmd_library_validate(args: argparse.Namespace) -> int:
    from .library import load_library

    packs = args.packs or []
    library = load_library([*(_overlays(args)), *packs])
    names = " + ".join(f"{p.id} {p.version}" for p in library.packs)
    print(
        f"Valid: {names}: {len(library.requirements)} requirements, {len(library.clauses)} clauses, "
        f"{len(library.groups)} alternative groups."
    )
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
    library = _library(args)
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
    from .library_docs import library_markdown
    from .yamlio import atomic_write

    text = library_markdown(_library(args))
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


# ---------------------------------------------------------------- wizard


def cmd_wizard(args: argparse.Namespace) -> int:
    try:
        from tui.app import run_wizard
    except ImportError:
        build_parser().print_help()
        return OK
    return run_wizard(
        getattr(args, "draft", None),
        library=_overlays(args),
        template=getattr(args, "template", None),
    )


# ---------------------------------------------------------------- parser


def _extra_commands() -> list[Callable[[Any, argparse.ArgumentParser], None]]:
    """Subcommand groups contributed by optional modules (e.g. template checking)."""
    found = []
    try:
        from .template_check import add_cli
    except ImportError:
        pass
    else:
        found.append(add_cli)
    return found


def build_parser() -> argparse.ArgumentParser:
    def library_option(parser: argparse.ArgumentParser, dest: str) -> None:
        parser.add_argument(
            "--library",
            "-L",
            action="append",
            dest=dest,
            metavar="PACK_DIR",
            default=argparse.SUPPRESS,
            help="a clause pack folder to layer over the bundled one (repeatable, in order)",
        )

    common = argparse.ArgumentParser(add_help=False)
    library_option(common, "library")
    top = argparse.ArgumentParser(add_help=False)
    library_option(top, "library_before")  # given before the command: applied first
    parser = argparse.ArgumentParser(
        prog="agreement-kit",
        description=(
            "Draft a Wisconsin school district's Police School Liaison / School Resource Officer "
            "agreement (Wis. Stat. § 66.0301, board policy 8407): check policy coverage and build "
            "the Word document. With no command, opens the wizard."
        ),
        parents=[top],
        epilog="Output is a draft for review by the district's counsel, not legal advice.",
    )
    parser.add_argument("--version", action="version", version=f"agreement-kit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("new", parents=[common], help="write a commented starter draft")
    p.add_argument("draft", metavar="DRAFT.yaml")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser(
        "check",
        parents=[common],
        help="show policy coverage and missing answers (exit 0 if complete)",
    )
    p.add_argument("draft", metavar="DRAFT.yaml")
    p.add_argument("--json", action="store_true", help="print the coverage as JSON")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "checklist",
        parents=[common],
        help="the review checklist for counsel: requirement -> clauses, citations, guidance",
    )
    p.add_argument("draft", metavar="DRAFT.yaml")
    p.add_argument("--json", action="store_true", help="JSON instead of Markdown")
    p.add_argument("-o", "--output", metavar="FILE", help="write to a file instead of stdout")
    p.add_argument("--force", action="store_true", help="replace an existing output file")
    p.set_defaults(func=cmd_checklist)

    p = sub.add_parser("build", parents=[common], help="write the agreement as a Word document")
    p.add_argument("draft", metavar="DRAFT.yaml")
    p.add_argument(
        "-o", "--output", metavar="OUT.docx", help="where to write (default: DRAFT.docx)"
    )
    p.add_argument("--force", action="store_true", help="replace an existing output file")
    p.add_argument("--template", metavar="TEMPLATE.docx", help="use your own Word template")
    p.add_argument("--pdf", action="store_true", help="also write a PDF (needs LibreOffice)")
    p.set_defaults(func=cmd_build)

    lib = sub.add_parser("library", help="validate or list clause packs")
    lib_sub = lib.add_subparsers(dest="library_command", metavar="ACTION", required=True)
    p = lib_sub.add_parser(
        "validate", parents=[common], help="check packs (the bundled one, plus any PACK_DIR given)"
    )
    p.add_argument("packs", nargs="*", metavar="PACK_DIR")
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

    p = sub.add_parser("wizard", parents=[common], help="open the drafting wizard")
    p.add_argument("draft", nargs="?", metavar="DRAFT.yaml", help="draft to resume or create")
    p.add_argument("--template", metavar="TEMPLATE.docx", help="use your own Word template")
    p.set_defaults(func=cmd_wizard)

    for add in _extra_commands():
        add(sub, common)
    return parser


def _report(problems: Sequence[Problem], summary: str) -> None:
    _err(f"error: {summary}")
    for problem in problems:
        _err("  " + str(problem).replace("\n", "\n  "))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args.draft = None
        return cmd_wizard(args)
    try:
        return args.func(args)
    except ProblemsError as exc:
        if getattr(args, "json", False):
            payload = {
                "format": 1,
                "valid": False,
                "error": exc.summary,
                "problems": [p.as_dict() for p in exc.problems],
            }
            print(json.dumps(payload, indent=2, ensure_ascii=False))
        _report(exc.problems, exc.summary)
        incomplete = exc.summary.startswith("the agreement is not complete")
        return INCOMPLETE if incomplete else INVALID
    except UserError as exc:
        _err(f"error: {exc}")
        if exc.hint:
            _err(f"  hint: {exc.hint}")
        return exc.code
    except FileExistsError as exc:
        _err(f"error: {exc} already exists; not replaced")
        _err("  hint: use --force to replace it")
        return INCOMPLETE
    except PermissionError as exc:
        _err(f"error: permission denied: {exc.filename}")
        return INVALID
    except BrokenPipeError:  # e.g. piped into 'head': stop quietly
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return OK
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _err(f"error: {where}{exc.strerror or exc}")
        return INVALID
    except KeyboardInterrupt:
        _err("interrupted")
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
