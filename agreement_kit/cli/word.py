"""``audit`` and ``compare``: reading a returned Word document, and redlining two versions."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from .common import INCOMPLETE, OK, UserError, library_for, read_draft


def _read_docx(path: str) -> bytes:
    file = Path(path)
    if not file.is_file():
        raise UserError(f"{path}: no such file")
    return file.read_bytes()


def _print_audit(audit: Any, path: str) -> None:
    print(
        f"Audit of {path} (compared with {'what the draft builds' if audit.basis == 'draft' else 'the text recorded at build time'}):"
    )
    for clause in audit.clauses:
        if clause.state == "unchanged":
            continue
        label = f"Section {clause.number} " if clause.number else ""
        req = " [required clause]" if clause.required else ""
        print(f"  {clause.state.upper():<9} {label}{clause.title} ({clause.id}){req}")
        for change in clause.changes[:12]:
            if change.op == "replace":
                print(f"      - {change.old!r} -> {change.new!r}")
            elif change.op == "delete":
                print(f"      - deleted {change.old!r}")
            else:
                print(f"      - inserted {change.new!r}")
        if len(clause.changes) > 12:
            print(f"      ... and {len(clause.changes) - 12} more changes")
    unchanged = sum(1 for c in audit.clauses if c.state == "unchanged")
    print(f"  {unchanged} of {len(audit.clauses)} clauses unchanged.")
    for item in audit.inserted:
        print(f"  INSERTED  ({item['where']}, belongs to no clause): {item['text']!r}")
    for item in audit.other:
        print(f"  CHANGED   ({item['where']}): {item['was']!r} -> {item['now']!r}")
    for answer in audit.answers:
        print(f"  ANSWER    {answer.answer} (in {answer.clause}): {answer.was!r} -> {answer.now!r}")
    if audit.revisions:
        print(f"Pending tracked changes ({len(audit.revisions)}), not yet accepted or rejected:")
        for r in audit.revisions:
            print(f"  {r.kind} by {r.author or 'unknown'} {r.date[:10]} in {r.where}: {r.text!r}")
    if audit.comments:
        print(f"Comments ({len(audit.comments)}):")
        for c in audit.comments:
            print(f"  {c.author or 'unknown'} {c.date[:10]} on {c.where}: {c.text!r}")
    for loss in audit.lost:
        print(f"NOT COVERED: requirement {loss.id} ({loss.title}; {loss.source}): {loss.reason}")
    touched = [c.id for c in audit.clauses if c.required and c.state in ("edited", "deleted")]
    if touched:
        print(f"Required clauses touched: {', '.join(touched)}")
    for note in audit.notes:
        print(f"note: {note}")
    print(
        "Clean: the document is exactly what was built."
        if audit.clean
        else "The document differs from what was built."
    )


def cmd_audit(args: argparse.Namespace) -> int:
    from ..word.audit import audit_document

    data = _read_docx(args.document)
    library = draft = None
    if args.draft:
        draft = read_draft(args.draft)
        library = library_for(args, draft, args.draft)
    audit = audit_document(data, library=library, draft=draft, template=args.template)
    if args.json:
        print(
            json.dumps(
                {**audit.to_json(), "document": args.document, "problems": []},
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        _print_audit(audit, args.document)
    return OK if audit.clean else INCOMPLETE


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """``audit`` (and ``compare``)."""
    p = sub.add_parser(
        "audit",
        parents=[common],
        help="report what changed in a returned Word document (exit 0 if exactly as built)",
    )
    p.add_argument("document", metavar="RETURNED.docx")
    p.add_argument("--draft", metavar="DRAFT.yaml", help="compare with what this draft builds now")
    p.add_argument(
        "--template", metavar="TEMPLATE.docx", help="the template the document was built with"
    )
    p.add_argument("--json", action="store_true", help="print the audit as JSON")
    p.set_defaults(func=cmd_audit)
