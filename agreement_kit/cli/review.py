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
