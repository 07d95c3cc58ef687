"""``template check``: what in a Word template would break a render."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..problems import ProblemsError
from .common import UserError, note, overlays, verbosity_parent


def cmd_template_check(args: argparse.Namespace) -> int:
    from ..resources import bundled_template
    from ..word.template_check import check_template, count_tags

    if overlays(args):  # -L given before the command: a template is checked without packs
        raise UserError(
            "template check does not use clause packs (--library)",
            hint="check the template alone; 'library validate' checks packs, 'build' checks both",
        )
    path = Path(args.template_file) if args.template_file else bundled_template()
    problems = check_template(path)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        count = len(errors)
        raise ProblemsError(
            problems,
            summary=f"{path}: {count} problem{'s' * (count != 1)}: 'build' refuses this template",
        )
    for warning in problems:
        note(str(warning))
    warned = f", {len(problems)} warning{'s' * (len(problems) != 1)}" if problems else ""
    print(f"OK: {path}: {count_tags(path)} tags, no problems found{warned}.")
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register ``agreement-kit template check TEMPLATE.docx``."""
    group = sub.add_parser("template", help="check a Word template before using it")
    actions = group.add_subparsers(dest="template_command", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check",
        parents=[verbosity_parent()],  # no --library: a template is checked on its own
        help="report what would break a render (exit 0 clean, 2 problems)",
        description=(
            "Report tags split across Word runs, curly quotes in tags, variables the context does "
            "not provide, control tags sharing a paragraph/row/cell, tags in tracked changes, "
            "footnotes, endnotes or comments, and malformed Jinja; and refuse what a template may "
            "not do: active content (macros, OLE, ActiveX, altChunk, attached templates, linked "
            "images, INCLUDETEXT/INCLUDEPICTURE/DDE fields), zip bombs, |safe and autoescape, "
            "include/extends. 'build' runs the same check. See docs/templates.md and "
            "docs/security.md."
        ),
    )
    check.add_argument(
        "template_file",
        nargs="?",
        metavar="TEMPLATE.docx",
        help="the template to check (default: the bundled one)",
    )
    check.set_defaults(func=cmd_template_check)
