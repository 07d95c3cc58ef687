"""``new``, ``check``, ``build`` and ``wizard``: drafting an agreement and building the Word document."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from .common import (
    INCOMPLETE,
    OK,
    UserError,
    emit_json,
    err,
    library_for,
    not_the_input,
    note,
    overlays,
    plain_library,
    read_draft,
    refuse_existing,
    template_path,
)
from .word import (
    COUNSEL_NOTE,
    add_counsel_option,
    counsel_copy_bytes,
    counsel_output,
    negotiation_findings,
    print_negotiation,
)


def cmd_new(args: argparse.Namespace) -> int:
    from ..drafts.io import new_draft, save_draft

    path = Path(args.draft)
    refuse_existing(path, args.force)
    library = plain_library(args)
    not_the_input(path, None, library=library, kinds=(".yaml", ".yml"))
    draft = new_draft(library)
    if overlays(args):  # so that 'check' and the wizard load the same packs later
        folder = path.resolve().parent
        packs = [
            os.path.relpath(Path(p).resolve(), folder) if Path(p).exists() else p
            for p in overlays(args)
        ]
        draft = draft.model_copy(update={"packs": packs})
        outside = [p for p in packs if p.startswith("..") or os.path.isabs(p)]
        if outside:
            note(
                f"note: {', '.join(outside)} lies outside the draft's folder; a draft may load "
                "packs only from its own folder tree or installed packs, so give "
                f"--allow-pack-path {Path(overlays(args)[0]).resolve().parent} (or --library) "
                "when you check or build it"
            )
    save_draft(draft, path, fresh=True)  # a commented starter
    print(f"Wrote {path}. Fill in the answers, then run: agreement-kit check {path}")
    return OK


def _print_omissions(found: list[Any]) -> None:
    against = [o for o in found if o.against_recommendation]
    if not against:
        return
    print("Left out against the library's recommendation:")
    for o in against:
        why = f"reason recorded: {o.reason}" if o.reason else "NO REASON RECORDED"
        print(f"  [{'-- ' if o.unreasoned else 'ok '}] {o.id:<20} {o.title}: {why}")
    print()


def _print_coverage(coverage: Any, library: Any) -> None:
    from ..packs.summary import stack_lines

    print(f"Policy coverage ({library.pack.title} {library.pack.version}):")
    for line in stack_lines(library):  # which overlays made this result, always
        print(f"  {line}")
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


def _summary(coverage: Any, unreasoned: list[Any], review: Any) -> str:
    """One line that says what the draft is: incomplete, policy-complete only, or sound."""
    included = len(coverage.included)
    if not coverage.complete:
        return f"Incomplete: {len(coverage.gaps())} gap(s) to resolve before building."
    if unreasoned:
        ids = ", ".join(o.id for o in unreasoned)
        return (
            f"Covers every policy requirement, but is not a sound agreement yet: "
            f"{len(unreasoned)} recommended clause(s) left out without a recorded reason ({ids}). "
            f"Record a reason under clauses.omitted, or include them."
        )
    line = (
        f"Complete: covers every policy requirement, and every clause the library recommends is "
        f"included or left out with a recorded reason; {included} clauses included; ready to build."
    )
    if review is not None:
        line += f" {review}"
    return line


def cmd_check(args: argparse.Namespace) -> int:
    from ..engine.coverage import check_coverage
    from ..review.omissions import omissions, unreasoned
    from ..review.signoff import review_summary

    draft = read_draft(args.draft)
    library = library_for(args, draft, args.draft)
    coverage = check_coverage(library, draft)
    found = omissions(library, draft, coverage)
    blocking = unreasoned(found)
    review = review_summary(library, draft, coverage) if args.require_review else None
    negotiated = negotiation_findings(library, draft, coverage)  # agreed wording, rechecked
    sound = coverage.complete and not blocking
    if (
        not coverage.complete
        or any(f.blocking for f in negotiated)
        or blocking
        and not args.allow_omissions
        or review is not None
        and not review.done
    ):
        code = INCOMPLETE
    else:
        code = OK
    if args.json:
        from ..packs.summary import library_summary

        data = coverage.to_json()
        for key in ("format", "problems", "located"):  # the envelope's problems hold them
            data.pop(key, None)
        data["library"] = library_summary(library)  # the packs in effect and where each came from
        data["sound"] = sound
        data["omitted"] = [
            o.model_dump(include={"id", "kind", "title", "status", "reason"}) for o in found
        ]
        if review is not None:
            data["review"] = review.to_json()
        data["negotiated"] = [f.as_dict() for f in negotiated]
        problems = [*library.warnings, *coverage.located, *(f.problem() for f in negotiated)]
        emit_json("check", code == OK, problems, **data)
    else:
        _print_omissions(found)
        _print_coverage(coverage, library)
        if review is not None:
            review.print_pending()
        print_negotiation(negotiated)
        summary = _summary(coverage, blocking, review)
        if any(f.blocking for f in negotiated):
            summary = "Not ready: negotiated wording needs counsel first (see above). " + (
                summary.replace("; ready to build.", ".")
            )
        print(summary)
    return code


def cmd_build(args: argparse.Namespace) -> int:
    from ..engine.assembly import assemble
    from ..engine.coverage import check_coverage
    from ..outputs import write_together
    from ..word.pdf import require_soffice
    from ..word.render import render_document

    draft = read_draft(args.draft)
    library = library_for(args, draft, args.draft)
    out = Path(args.output) if args.output else Path(args.draft).with_suffix(".docx")
    if out.suffix.lower() != ".docx":
        raise UserError(
            f"{out}: the output must be a .docx file", hint="use --pdf to get a PDF beside it"
        )
    want_pdf = getattr(args, "pdf", False)
    counsel = counsel_output(args)  # --counsel-copy: alone, or beside -o
    agreement_too = counsel is None or args.output is not None
    targets = [out, out.with_suffix(".pdf")] if want_pdf else [out]
    targets = [*(targets if agreement_too else []), *([counsel] if counsel else [])]
    for target in targets:  # never over the draft, the template or a pack file, even with --force
        not_the_input(target, args.draft, template=template_path(args), library=library)
    if want_pdf:
        require_soffice()  # the .docx and the .pdf are written together or not at all
    for target in targets:
        refuse_existing(target, args.force)
    coverage = check_coverage(library, draft)
    if not coverage.complete:
        err(f"Cannot build {out}: the agreement is not complete yet.")
        for gap in coverage.gaps():
            err(f"  - {gap}")
        err(f"Run 'agreement-kit check {args.draft}' for the full checklist.")
        return INCOMPLETE
    agreement = assemble(library, draft)
    rendered = render_document(agreement, getattr(args, "template", None))
    files = {out: rendered.data} if agreement_too else {}
    if want_pdf:
        from ..word.pdf import pdf_bytes

        files[targets[1]] = pdf_bytes(rendered.data, label=str(out))
    if counsel is not None:
        files[counsel] = counsel_copy_bytes(args, library, draft, agreement, rendered)
    write_together(files, overwrite=args.force)
    _print_build_report(rendered.report)
    print_negotiation(negotiation_findings(library, draft, coverage), stream=sys.stderr)
    for target in files:
        print(f"Wrote {target}" + (COUNSEL_NOTE if target == counsel else ""))
    return OK


def _print_build_report(report: Any) -> None:
    """The self-check's findings: anchors, cross-references, and any text the template added."""
    print(
        f"Checked: every assembled clause is in the document; {report.anchors} anchors, "
        f"{report.references} cross-references as Word fields."
    )
    for name, value in report.shortened.items():
        note(
            f"note: the {name.removeprefix('core:')} property is longer than Word allows; shortened "
            f"(the full {len(value)} characters are kept in the document's provenance part)"
        )
    if report.template_text:
        note(
            f"warning: the template adds {len(report.template_text)} passage(s) of its own that no "
            "clause or answer produced (counsel should read them):"
        )
        for item in report.template_text:
            note(f'  - {item.where}: "{item.text}"')


def cmd_wizard(args: argparse.Namespace) -> int:
    try:
        from tui.app import run_wizard
    except ImportError:
        from . import build_parser

        build_parser().print_help()
        return OK
    return run_wizard(
        getattr(args, "draft", None),
        library=overlays(args),
        template=getattr(args, "template", None),
    )


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """``new``, ``check``, ``build`` and ``wizard``."""
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
    p.add_argument(
        "--allow-omissions",
        action="store_true",
        help="exit 0 even while a recommended clause is left out without a recorded reason",
    )
    p.add_argument(
        "--require-review",
        action="store_true",
        help="exit 1 until counsel has approved every requirement and included clause, unchanged",
    )
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("build", parents=[common], help="write the agreement as a Word document")
    p.add_argument("draft", metavar="DRAFT.yaml")
    p.add_argument(
        "-o", "--output", metavar="OUT.docx", help="where to write (default: DRAFT.docx)"
    )
    p.add_argument("--force", action="store_true", help="replace an existing output file")
    p.add_argument("--template", metavar="TEMPLATE.docx", help="use your own Word template")
    p.add_argument("--pdf", action="store_true", help="also write a PDF (needs LibreOffice)")
    add_counsel_option(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("wizard", parents=[common], help="open the drafting wizard")
    p.add_argument("draft", nargs="?", metavar="DRAFT.yaml", help="draft to resume or create")
    p.add_argument("--template", metavar="TEMPLATE.docx", help="use your own Word template")
    p.set_defaults(func=cmd_wizard)
