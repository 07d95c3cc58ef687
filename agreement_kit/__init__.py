"""agreement-kit: clause library, policy coverage and Word assembly for Wisconsin PSL/SRO agreements.

The public API::

    from agreement_kit import load_library, load_draft, check_coverage, assemble, render_docx

    library = load_library()                       # the bundled Wisconsin pack (+ overlays)
    draft = load_draft("examples/riverton.yaml")
    coverage = check_coverage(library, draft)      # requirement -> clauses, missing answers
    agreement = assemble(library, draft)           # numbered, rendered clauses
    render_docx(agreement, "riverton.docx")        # the Word document

An interactive front end (the wizard) keeps one :class:`Engine` per library and gives it each new
draft; it recomputes only what changed (see :mod:`agreement_kit.engine.session`)::

    engine = Engine(library)
    engine.coverage(draft)                         # what check_coverage returns
    engine.preview(draft, "term-renewal")          # one clause as printed (a ClausePreview)
    engine.assemble(draft)                         # what assemble returns

Names are imported on first use, so ``import agreement_kit`` (and the command line's start-up) does
not pay for docxtpl, python-docx or lxml until a document is rendered.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> the module that defines it
_EXPORTS: dict[str, str] = {
    "Agreement": ".engine.assembly",
    "assemble": ".engine.assembly",
    "ClausePreview": ".engine.session",
    "Coverage": ".engine.coverage",
    "check_coverage": ".engine.coverage",
    "Draft": ".drafts.model",
    "DraftChangedError": ".drafts.io",
    "DraftFile": ".drafts.io",
    "Engine": ".engine.session",
    "dump_draft": ".drafts.io",
    "load_draft": ".drafts.io",
    "new_draft": ".drafts.io",
    "parse_draft": ".drafts.io",
    "save_draft": ".drafts.io",
    "Library": ".packs.library",
    "load_library": ".packs.loading",
    "load_library_for": ".packs.loading",
    "convert_to_pdf": ".word.pdf",
    "find_soffice": ".word.pdf",
    "OutputExistsError": ".problems",
    "Problem": ".problems",
    "ProblemsError": ".problems",
    "render_docx": ".word.render",
    "render_bytes": ".word.render",
    "build_counsel_copy": ".word.counsel",
    "Checklist": ".review.model",
    "build_checklist": ".review.checklist",
    "render_checklist": ".review.render",
    "checklist_renderable": ".review.api",
    "ReviewSummary": ".review.signoff",
    "review_state": ".review.signoff",
    "sign_off": ".review.signoff",
    "Omission": ".review.omissions",
    "omissions": ".review.omissions",
    "clause_book": ".review.book",
    "guard_output": ".outputs",
    "write_together": ".outputs",
    "pdf_bytes": ".word.pdf",
    "parse_value": ".engine.values",
    "ValueProblem": ".engine.values",
    "text_problem": ".textpolicy",
    "check_template": ".word.template_check",
}

if TYPE_CHECKING:  # what type checkers and editors see
    from .drafts.io import (
        DraftChangedError,
        DraftFile,
        dump_draft,
        load_draft,
        new_draft,
        parse_draft,
        save_draft,
    )
    from .drafts.model import Draft
    from .engine.assembly import Agreement, assemble
    from .engine.coverage import Coverage, check_coverage
    from .engine.session import ClausePreview, Engine
    from .engine.values import ValueProblem, parse_value
    from .outputs import guard_output, write_together
    from .packs.library import Library
    from .packs.loading import load_library, load_library_for
    from .problems import OutputExistsError, Problem, ProblemsError
    from .review.api import checklist_renderable
    from .review.book import clause_book
    from .review.checklist import build_checklist
    from .review.model import Checklist
    from .review.omissions import Omission, omissions
    from .review.render import render_checklist
    from .review.signoff import ReviewSummary, review_state, sign_off
    from .textpolicy import text_problem
    from .word.counsel import build_counsel_copy
    from .word.pdf import convert_to_pdf, find_soffice, pdf_bytes
    from .word.render import render_bytes, render_docx
    from .word.template_check import check_template


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'agreement_kit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = [
    "Agreement",
    "Checklist",
    "ClausePreview",
    "Coverage",
    "Draft",
    "DraftChangedError",
    "DraftFile",
    "Engine",
    "Library",
    "Omission",
    "OutputExistsError",
    "Problem",
    "ProblemsError",
    "ReviewSummary",
    "ValueProblem",
    "__version__",
    "assemble",
    "build_checklist",
    "build_counsel_copy",
    "check_coverage",
    "check_template",
    "checklist_renderable",
    "clause_book",
    "convert_to_pdf",
    "dump_draft",
    "find_soffice",
    "guard_output",
    "load_draft",
    "load_library",
    "load_library_for",
    "new_draft",
    "omissions",
    "parse_draft",
    "parse_value",
    "pdf_bytes",
    "render_bytes",
    "render_checklist",
    "render_docx",
    "review_state",
    "save_draft",
    "sign_off",
    "text_problem",
    "write_together",
]
