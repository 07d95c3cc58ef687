"""``checklist``: the review checklist for counsel."""

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
    emit_json,
    library_for,
    not_the_input,
    read_draft,
    refuse_existing,
)

# review.render.FORMATS, written out so that building the parser (--help, every command's start)
# does not import the checklist models; tests/test_startup_imports.py keeps the two equal
FORMATS: tuple[str, ...] = ("table", "md", "html", "docx", "json")


def _template_text(library: Any, draft: Any, coverage: Any, args: argparse.Namespace) -> Any:
    """What the Word template adds beyond headings, from a trial build (complete drafts only)."""
    if not coverage.complete:
        return []
    from ..engine.assembly import assemble
    from ..review.model import TemplateAddition
    from ..word.render import render_document

    report = render_document(assemble(library, draft), args.template).report
    return [TemplateAddition(text=x.text, where=x.where) for x in report.template_text]


def cmd_checklist(args: argparse.Namespace) -> int:
    from ..engine.coverage import check_coverage
    from ..review.checklist import build_checklist
    from ..review.render import SUFFIXES, render_checklist
    from ..yamlio import atomic_write

    draft = read_draft(args.draft)
    library = library_for(args, draft, args.draft)
    coverage = check_coverage(library, draft)
    fmt = "json" if args.json else args.format
    out = Path(args.output) if args.output else None
    if fmt is None:
        fmt = SUFFIXES.get(out.suffix.lower(), "md") if out else "table"
    if out is not None:
        kinds = (*SUFFIXES, ".txt")  # a checklist replaces only an earlier checklist's kind
        not_the_input(out, args.draft, library=library, kinds=kinds)
        refuse_existing(out, args.force)
    checklist = build_checklist(
        library, draft, coverage, template_additions=_template_text(library, draft, coverage, args)
    )
    if out is None and fmt == "docx":
        raise UserError("a Word checklist needs a file: give -o CHECKLIST.docx")
    if out is None and fmt == "table":
        from rich.console import Console

        from ..review.layout import checklist_outline
        from ..review.to_terminal import render_terminal

        Console(highlight=False).print(render_terminal(checklist_outline(checklist, detail=False)))
    elif out is None and fmt == "json":  # on stdout: the envelope, the checklist inside it
        emit_json(
            "checklist",
            checklist.complete,
            coverage.located,
            checklist=json.loads(render_checklist(checklist, "json")),
        )
    else:
        body = render_checklist(checklist, fmt)
        if out is None:
            sys.stdout.write(body if isinstance(body, str) else body.decode())
        else:
            atomic_write(out, body)
            print(f"Wrote {out}")
    # A draft with gaps exits 1 even when the file was written, so scripts can gate on it.
    return OK if checklist.complete else INCOMPLETE


def cmd_review(args: argparse.Namespace) -> int:
    from ..drafts.io import save_draft
    from ..engine.coverage import check_coverage
    from ..review.signoff import every_item, review_state, sign_off

    draft = read_draft(args.draft)
    library = library_for(args, draft, args.draft)
    coverage = check_coverage(library, draft)
    actions = [
        (s, ids)
        for s, ids in (
            ("approved", args.approve),
            ("changes_requested", args.request_changes),
            (None, args.clear),
        )
        if ids
    ]
    if len(actions) > 1:
        raise UserError("give one of --approve, --request-changes or --clear at a time")
    if actions:
        status, ids = actions[0]
        if ids == ["all"]:
            ids = every_item(library, coverage)
        draft = sign_off(
            library,
            draft,
            ids,
            status=status,  # type: ignore[arg-type]
            by=args.by,
            note=args.note,
            coverage=coverage,
        )
        save_draft(draft, args.draft)
        done = {
            "approved": "Approved",
            "changes_requested": "Changes requested for",
            None: "Cleared",
        }
        who = f" by {args.by.strip()}" if status is not None else ""
        said = f"{done[status]} {len(ids)} item(s){who}; saved {args.draft}."
        print(said, file=sys.stderr if args.json else sys.stdout)  # stdout: only the JSON
    state = review_state(library, draft, coverage)
    if args.json:
        emit_json("review", True, [], **state.to_json())
    elif not actions and not args.quiet_list:
        state.print_pending()
    if not args.json:
        print(state)
    return OK


def cmd_library_book(args: argparse.Namespace) -> int:
    from ..review.book import clause_book
    from ..review.render import SUFFIXES, render_outline
    from ..yamlio import atomic_write
    from .common import plain_library

    out = Path(args.output) if args.output else None
    fmt = args.format or (SUFFIXES.get(out.suffix.lower()) if out else "md")
    if fmt not in ("md", "html", "docx"):
        raise UserError(
            f"{out}: the clause book is written as .docx, .md or .html",
            hint="e.g. -o clause-book.docx",
        )
    if out is not None:
        not_the_input(out, None, kinds=(".docx", ".md", ".markdown", ".html", ".htm"))
        refuse_existing(out, args.force)
    if out is None and fmt == "docx":
        raise UserError("a Word clause book needs a file: give -o clause-book.docx")
    body = render_outline(clause_book(plain_library(args)), fmt)
    if out is None:
        sys.stdout.write(body if isinstance(body, str) else body.decode())
    else:
        atomic_write(out, body)
        print(f"Wrote {out}")
    return OK


def register_book(lib_sub: Any, common: argparse.ArgumentParser) -> None:
    """``library book``: the whole library for counsel's one-time review."""
    p = lib_sub.add_parser(
        "book",
        parents=[common],
        help="write the clause book for counsel: every requirement and clause, with guidance",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="clause-book.docx, .md or .html (default: Markdown to stdout)",
    )
    p.add_argument("--format", choices=("md", "html", "docx"), help="default: from the -o suffix")
    p.add_argument("--force", action="store_true", help="replace an existing output file")
    p.set_defaults(func=cmd_library_book)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """``checklist``."""
    p = sub.add_parser(
        "checklist",
        parents=[common],
        help="the review checklist for counsel: deal terms, requirement -> clauses, choices, omissions, sign-off",
    )
    p.add_argument("draft", metavar="DRAFT.yaml")
    p.add_argument(
        "--format",
        choices=FORMATS,
        help="table (terminal), md, html (one file for e-mail), docx (for markup in Word) or json; "
        "default: from the -o suffix, else table",
    )
    p.add_argument("--json", action="store_true", help="same as --format json")
    p.add_argument(
        "--template",
        metavar="TEMPLATE.docx",
        help="the Word template the agreement is built with (lists text it adds beyond headings)",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to a file (exit 1 still means the draft has gaps, after writing)",
    )
    p.add_argument("--force", action="store_true", help="replace an existing output file")
    p.set_defaults(func=cmd_checklist)

    p = sub.add_parser(
        "review",
        parents=[common],
        help="record counsel's sign-off: approve or request changes per requirement or clause",
        description=(
            "Record counsel's review in the draft. IDs are requirement ids (A, I, purpose...) or "
            "clause ids; write requirement:ID or clause:ID when one id is both; 'all' means every "
            "requirement and included clause. With no action, lists what still needs review."
        ),
    )
    p.add_argument("draft", metavar="DRAFT.yaml")
    p.add_argument("--approve", nargs="+", metavar="ID", default=[], help="approve these items")
    p.add_argument(
        "--request-changes",
        nargs="+",
        metavar="ID",
        default=[],
        help="ask for changes (needs --note)",
    )
    p.add_argument("--clear", nargs="+", metavar="ID", default=[], help="forget these reviews")
    p.add_argument("--by", metavar="NAME", help="who is reviewing (needed to approve or request)")
    p.add_argument("--note", metavar="TEXT", help="a note kept with the review")
    p.add_argument("--json", action="store_true", help="print the sign-off state as JSON")
    p.add_argument(
        "--summary", dest="quiet_list", action="store_true", help="print only the summary line"
    )
    p.set_defaults(func=cmd_review)
