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
    Problem,
    ProblemsError,
    assemble,
    build_counsel_copy,
    convert_to_pdf,
    find_soffice,
    guard_output,
    pdf_bytes,
    render_bytes,
    write_together,
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


def refuse_inputs(
    library: Library,
    targets: list[Path],
    *,
    template: str | None = None,
    draft_path: Path | None = None,
) -> None:
    """Raise :class:`ProblemsError` if any of ``targets`` is the draft, the template or a file of
    a clause pack the library came from (asked before "Replace?", and again when writing)."""
    for target in targets:
        guard_output(target, draft=draft_path, template=template, library=library)


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
    draft_path: Path | None = None,
) -> Outputs:
    """Assemble, then write the .docx and, if asked, the PDF — both or neither.

    No output ever replaces the draft (``draft_path``), the template or a clause-pack file, even
    with ``overwrite`` (the same rule as ``build``). With ``pdf`` the two files are written
    together or not at all, so a failed conversion never leaves a new .docx beside an old .pdf.

    Raises :class:`ProblemsError` (incomplete agreement, template trouble, an output that is an
    input, no LibreOffice, a failed conversion) or :class:`FileExistsError` when a file is there
    and ``overwrite`` is false.
    """
    targets = outputs_for(docx, pdf and not counsel)
    refuse_inputs(library, targets, template=template, draft_path=draft_path)
    if counsel:  # the counsel copy: the library's notes as comments, a cover of points to verify
        progress(0, 1, f"Writing the counsel copy {docx.name}…")
        build_counsel_copy(library, draft, docx, template=template, overwrite=overwrite)
        progress(1, 1, f"Wrote {docx} (counsel copy, not for signature)")
        note = "This is the counsel copy (notes as comments, points to verify): not for signature."
        return Outputs(docx, note=note)
    if pdf and not find_soffice():
        raise ProblemsError(
            [
                Problem(
                    "LibreOffice (soffice) was not found, so no PDF can be written",
                    hint="untick PDF to write the Word document alone, or install LibreOffice",
                )
            ],
            summary="nothing was written: the .docx and the .pdf are written together or not at all",
            kind="environment",
        )
    if not overwrite:
        for target in targets:
            if target.exists():
                raise FileExistsError(str(target))
    total = 3 if pdf else 2
    progress(0, total, "Assembling the agreement…")
    agreement = assemble(library, draft)
    progress(1, total, f"Filling the template for {docx.name}…")
    data = render_bytes(agreement, template)
    files = {docx: data}
    if pdf:
        progress(2, total, "Converting to PDF with LibreOffice…")
        files[targets[1]] = pdf_bytes(data, label=str(docx))
    write_together(files, overwrite=overwrite)
    progress(total, total, f"Wrote {' and '.join(str(p) for p in files)}")
    return Outputs(docx, targets[1] if pdf else None)
