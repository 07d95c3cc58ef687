"""``checklist``: the review checklist for counsel."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .common import INCOMPLETE, OK, UserError, library_for, not_the_input, read_draft


def cmd_checklist(args: argparse.Namespace) -> int:
    from ..engine.coverage import check_coverage
    from ..review.checklist import checklist_data, checklist_markdown
    from ..yamlio import atomic_write

    draft = read_draft(args.draft)
    library = library_for(args, draft, args.draft)
    coverage = check_coverage(library, draft)
    if args.json:
        text = json.dumps(checklist_data(library, draft, coverage), indent=2, ensure_ascii=False)
        text += "\n"
    else:
        text = checklist_markdown(library, draft, coverage)
    if args.output:
        out = Path(args.output)
        not_the_input(out, args.draft)
        if out.exists() and not args.force:
            raise UserError(f"{out} already exists; not replaced", INCOMPLETE, "use --force")
        atomic_write(out, text)
        print(f"Wrote {out}")
    else:
        sys.stdout.write(text)
    return OK if coverage.complete else INCOMPLETE


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
        print(f"{done[status]} {len(ids)} item(s){who}; saved {args.draft}.")
    state = review_state(library, draft, coverage)
    if args.json:
        print(json.dumps(state.to_json(), indent=2, ensure_ascii=False))
    elif not actions and not args.quiet_list:
        state.print_pending()
    if not args.json:
        print(state)
    return OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """``checklist``."""
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
