"""Building the documents: what the wizard's generate worker runs (no Textual here).

The steps report progress through a callback so the worker can post it to the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from agreement_kit import (
    Draft,
    Library,
    ProblemsError,
    assemble,
    build_counsel_copy,
    convert_to_pdf,
    find_soffice,
    render_docx,
)

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Outputs:
    docx: Path
    pdf: Path | None = None
    pdf_note: str | None = None  # why no PDF was written, when one was asked for
    note: str | None = None  # anything else to say about what was written


def pdf_converter() -> Callable[..., Path] | None:
    """``convert_to_pdf`` when LibreOffice is installed, else None."""
    return convert_to_pdf if find_soffice() else None


def outputs_for(docx: Path, pdf: bool) -> list[Path]:
    """The files a generation would write."""
    return [docx, docx.with_suffix(".pdf")] if pdf else [docx]


def generate(
    library: Library,
    draft: Draft,
    docx: Path,
    *,
    template: str | None = None,
    pdf: bool = False,
    overwrite: bool = False,
    progress: Progress = lambda step, total, text: None,
    counsel: bool = False,
) -> Outputs:
    """Assemble, write the .docx and, if asked and possible, the PDF.

    Raises :class:`ProblemsError` (incomplete agreement, template trouble, conversion failure) or
    :class:`FileExistsError` when a file is there and ``overwrite`` is false.
    """
    if counsel:  # the counsel copy: the library's notes as comments, a cover of points to verify
        progress(0, 1, f"Writing the counsel copy {docx.name}…")
        build_counsel_copy(library, draft, docx, template=template, overwrite=overwrite)
        progress(1, 1, f"Wrote {docx} (counsel copy, not for signature)")
        note = "This is the counsel copy (notes as comments, points to verify): not for signature."
        return Outputs(docx, note=note)
    total = 3 if pdf else 2
    progress(0, total, "Assembling the agreement…")
    agreement = assemble(library, draft)
    progress(1, total, f"Writing {docx.name}…")
    render_docx(agreement, docx, template=template, overwrite=overwrite)
    if not pdf:
        progress(total, total, f"Wrote {docx}")
        return Outputs(docx)
    convert = pdf_converter()
    if convert is None:
        note = "PDF not written: LibreOffice (soffice) was not found"
        progress(total, total, note)
        return Outputs(docx, pdf_note=note)
    progress(2, total, "Converting to PDF with LibreOffice…")
    try:
        written = Path(convert(docx, overwrite=overwrite))
    except ProblemsError as exc:
        note = f"PDF not written: {'; '.join(str(p) for p in exc.problems) or exc.summary}"
        progress(total, total, note)
        return Outputs(docx, pdf_note=note)
    progress(total, total, f"Wrote {docx} and {written}")
    return Outputs(docx, written)
