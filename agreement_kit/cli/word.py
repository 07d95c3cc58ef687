"""``audit`` and ``compare``: reading a returned Word document, and redlining two versions."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .common import (
    INCOMPLETE,
    OK,
    UserError,
    emit_json,
    library_for,
    output_folder,
    read_draft,
    refuse_existing,
)


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
    if args.adopt and not args.draft:
        raise UserError(
            "--adopt records the document's accepted edits in a draft: give --draft DRAFT.yaml"
        )
    if args.draft:
        draft = read_draft(args.draft)
        library = library_for(args, draft, args.draft)
    if args.adopt:
        return _adopt(args, data, library, draft)
    audit = audit_document(data, library=library, draft=draft, template=args.template)
    if args.json:
        emit_json("audit", audit.clean, [], document=args.document, **_payload(audit.to_json()))
    else:
        _print_audit(audit, args.document)
    return OK if audit.clean else INCOMPLETE


def _adopt(args: argparse.Namespace, data: bytes, library: Any, draft: Any) -> int:
    """``audit --adopt``: the accepted edits into the draft (saved comment-preserving)."""
    from ..drafts.io import save_draft
    from ..word.adopt import adopt

    result = adopt(
        data,
        library,
        draft,
        source=Path(args.document).name,
        by=args.by,
        template=args.template,
        attach_inserted=args.attach_inserted,
    )
    if result.changed:
        save_draft(result.draft, args.draft)
    if args.json:
        emit_json(
            "audit",
            result.clean,
            [f.problem(args.draft) for f in result.findings],
            document=args.document,
            draft=args.draft,
            saved=result.changed,
            **_payload(result.to_json()),
        )
    else:
        _print_adoption(result, args)
    return OK if result.clean else INCOMPLETE


def _print_adoption(result: Any, args: argparse.Namespace) -> None:
    print(f"Adopting the accepted edits of {args.document} into {args.draft}:")
    for change in result.answers:
        print(
            f"  ANSWER      {change['answer']}: {change['old']!r} -> {change['new']!r} "
            f"(as {change['clause']} now prints it)"
        )
    for cid in result.negotiated:
        print(f"  NEGOTIATED  {cid}: the agreed wording is recorded under negotiated.{cid}")
    for item in result.attached:
        print(f"  ATTACHED    to {item['clause']}: {item['text'][:70]!r}")
    for item in result.left_out:
        print(f"  LEFT OUT    {item['clause']}: {item['how']}")
    for skipped in result.skipped:
        print(f"  NOT ADOPTED {skipped.message}")
    if result.comments:
        print(
            f"  {result.comments} comment(s) are not edits and were not adopted; answer them in Word"
        )
    for note in result.notes:
        print(f"note: {note}")
    print_negotiation(result.findings)
    if result.changed:
        print(f"Saved {args.draft}; the next build reproduces the adopted wording.")
    else:
        print("Nothing adopted; the draft is unchanged.")


def negotiation_findings(library: Any, draft: Any, coverage: Any = None) -> list[Any]:
    """What ``check`` and ``build`` say about negotiated wording (nothing when there is none)."""
    if not draft.negotiated:
        return []
    from ..word.negotiated import negotiation_findings as findings

    return findings(library, draft, coverage)


def print_negotiation(findings: list[Any], stream: Any = None) -> None:
    """Negotiated clauses: deviations from the standard, and what counsel must look at."""
    import sys

    out = stream or sys.stdout
    for finding in findings:
        label = "FOR COUNSEL" if finding.blocking else "warning"
        if finding.kind == "deviation":
            label = "negotiated"
        print(f"{label}: {finding.message}", file=out)
        hint = finding.problem().hint
        if hint and finding.blocking:
            print(f"  hint: {hint}", file=out)


def _version(args: argparse.Namespace, path: str) -> tuple[bytes, Any, Any]:
    """A built .docx for OLD or NEW (a draft is built now), with its draft and coverage if any."""
    from ..engine.assembly import assemble
    from ..engine.coverage import check_coverage
    from ..word.render import render_bytes

    if path.lower().endswith(".docx"):
        return _read_docx(path), None, None
    draft = read_draft(path)
    library = library_for(args, draft, path)
    coverage = check_coverage(library, draft)
    if not coverage.complete:
        raise UserError(
            f"{path}: the agreement is not complete yet, so it cannot be built to compare",
            hint=f"run 'agreement-kit check {path}'",
        )
    return render_bytes(assemble(library, draft), args.template), draft, coverage


def cmd_compare(args: argparse.Namespace) -> int:
    import datetime as dt

    from ..word.redline import coverage_changes, draft_answers, redline, summarise
    from ..yamlio import atomic_write

    old, old_draft, old_cov = _version(args, args.old)
    new, new_draft, new_cov = _version(args, args.new)
    summary = summarise(old, new)
    if old_draft is not None and new_draft is not None:
        summary.answers = draft_answers(old_draft, new_draft)
        summary.coverage = coverage_changes(old_cov, new_cov)
    else:
        summary.notes.append("answers and coverage are compared when both versions are drafts")
    if args.output:
        out = Path(args.output)
        for given in (args.old, args.new):
            if out.exists() and out.resolve() == Path(given).resolve():
                raise UserError(
                    f"{out} is one of the versions compared; choose another output file"
                )
        output_folder(out)
        refuse_existing(out, args.force)
        date = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        data, summary.changes = redline(old, new, author=args.author, date=date)
        atomic_write(out, data, overwrite=args.force)
    else:
        _, summary.changes = redline(old, new, author=args.author, date="2000-01-01T00:00:00Z")
    if args.json:
        emit_json(
            "compare", summary.same, [], old=args.old, new=args.new, **_payload(summary.to_json())
        )
    elif args.md:
        print(summary.markdown(args.old, args.new), end="")
    else:
        _print_comparison(summary, args)
    return OK if summary.same else INCOMPLETE


def _payload(data: dict[str, Any]) -> dict[str, Any]:
    """A result's JSON form without its own ``format`` (the envelope's ``format`` versions it)."""
    return {k: v for k, v in data.items() if k != "format"}


def _print_comparison(summary: Any, args: argparse.Namespace) -> None:
    print(f"Comparing {args.old} -> {args.new}:")
    for c in summary.added:
        print(f"  ADDED      Section {c['number']} {c['title']} ({c['id']})")
    for c in summary.removed:
        print(f"  REMOVED    Section {c['number']} {c['title']} ({c['id']})")
    for c in summary.reworded:
        print(f"  REWORDED   Section {c['number']} {c['title']} ({c['id']})")
        for ch in c["changes"][:6]:
            print(f"      {ch['old']!r} -> {ch['new']!r}")
    for c in summary.renumbered:
        print(f"  RENUMBERED {c['id']}: Section {c['old']} -> Section {c['new']}")
    for a in summary.answers:
        print(f"  ANSWER     {a['answer']}: {a['old']!r} -> {a['new']!r}")
    for r in summary.coverage:
        print(f"  COVERAGE   requirement {r['id']}: {r['old']} -> {r['new']}")
    for note in summary.notes:
        print(f"note: {note}")
    if args.output:
        print(
            f"Wrote {args.output} ({summary.changes} tracked changes; accept or reject them in Word or LibreOffice)"
        )
    print("The versions read the same." if summary.same else "The versions differ.")


# ----------------------------------------------------------------------------- build --counsel-copy


def add_counsel_option(p: argparse.ArgumentParser) -> None:
    """``build``'s ``--counsel-copy OUT.docx``."""
    p.add_argument(
        "--counsel-copy",
        metavar="COUNSEL.docx",
        help="also (or, without -o, only) write the counsel copy: the agreement with the library's "
        "guidance, citations, requirements and alternatives as comments, and a cover page of "
        "points to verify; marked as a counsel copy on every page, never for signature",
    )


def counsel_output(args: argparse.Namespace) -> Path | None:
    """The counsel copy's path, checked before any work is done (None when not asked for)."""
    given = getattr(args, "counsel_copy", None)
    if not given:
        return None
    out = Path(given)
    if out.suffix.lower() != ".docx":
        raise UserError(f"{out}: the counsel copy must be a .docx file")
    if out.exists() and out.resolve() == Path(args.draft).resolve():
        raise UserError(f"{out} is the draft itself; choose another output file")
    if args.output and Path(args.output).resolve() == out.resolve():
        raise UserError(
            f"{out} is given for both the agreement (-o) and the counsel copy",
            hint="the counsel copy is a separate document: give it its own name",
        )
    if getattr(args, "pdf", False) and not args.output:
        raise UserError(
            "--pdf makes a PDF of the agreement; with only --counsel-copy there is none to convert",
            hint="give -o OUT.docx as well, or leave out --pdf",
        )
    return out


COUNSEL_NOTE = " (counsel copy: notes as comments, not for signature)"


def counsel_copy_bytes(
    args: argparse.Namespace, library: Any, draft: Any, agreement: Any, rendered: Any
) -> bytes:
    """The counsel copy of the agreement just rendered (the build's self-check runs on it too)."""
    from ..word.counsel import counsel_copy_document

    template = getattr(args, "template", None)
    return counsel_copy_document(
        library, draft, agreement=agreement, template=template, rendered=rendered
    ).data


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
    p.add_argument(
        "--adopt",
        action="store_true",
        help="record the document's accepted edits in the draft (--draft): changed answers as "
        "answers, other wording as negotiated text; pending tracked changes are not adopted",
    )
    p.add_argument("--by", metavar="NAME", help="with --adopt: who agreed the wording")
    p.add_argument(
        "--attach-inserted",
        action="store_true",
        help="with --adopt: a paragraph inserted right after a clause becomes that clause's last "
        "paragraph (otherwise it is reported and not adopted)",
    )
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser(
        "compare",
        parents=[common],
        help="redline two versions (drafts or built .docx) with tracked changes and a clause summary",
    )
    p.add_argument(
        "old", metavar="OLD", help="the earlier version: a draft (.yaml) or a built .docx"
    )
    p.add_argument("new", metavar="NEW", help="the later version: a draft (.yaml) or a built .docx")
    p.add_argument(
        "-o", "--output", metavar="REDLINE.docx", help="write the tracked-changes document"
    )
    p.add_argument("--author", default="agreement-kit", help="author of the tracked changes")
    p.add_argument(
        "--template", metavar="TEMPLATE.docx", help="template for versions given as drafts"
    )
    p.add_argument("--force", action="store_true", help="replace an existing output file")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help="print the summary as JSON")
    group.add_argument("--md", action="store_true", help="print the summary as Markdown")
    p.set_defaults(func=cmd_compare)
