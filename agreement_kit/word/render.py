"""Rendering an assembled agreement into a Word document with docxtpl.

:func:`render_document` fills the template (the context comes from :mod:`.views`) in a sandboxed
Jinja environment with autoescape on (answers come out exactly as typed), parses what docxtpl
produced strictly (a character XML cannot hold is an error, never silently cut off by a recovering
parser), checks that the whole agreement is in it and anchors it (:mod:`.verify`), writes the
document properties (:mod:`.properties`) and our provenance part (:mod:`.record`), and verifies the
saved bytes once more. :func:`render_bytes` and :func:`render_docx` are the stable entry points.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2.sandbox import SecurityError
from lxml import etree

from ..engine.assembly import Agreement
from ..engine.sandbox import describe
from ..problems import Problem, ProblemsError, output_exists
from ..resources import bundled_template
from ..yamlio import atomic_write
from .ooxml import strict_parser
from .prepared import PreparedTemplate, prepared_source, shared_template_environment
from .properties import _set_properties
from .record import attach_record
from .template_check import template_errors
from .template_safety import sanitise
from .verify import BuildReport, finish_document, verify_document
from .views import DocumentContext, document_context, names_of

# ----------------------------------------------------------------------------- rendering


class _RenderLoss(Exception):
    """docxtpl produced XML that does not parse strictly (it would have recovered, losing text)."""

    def __init__(self, part: str, detail: str) -> None:
        super().__init__(f"{part}: {detail}")
        self.part = part
        self.detail = detail


class _StrictTemplate(PreparedTemplate):
    """docxtpl with its recovering re-parse of the body replaced by a strict one (and what does not
    depend on the answers prepared once per process: :mod:`.prepared`)."""

    def fix_tables(self, xml: str) -> Any:
        try:
            etree.fromstring(xml.encode("utf-8", "strict"), parser=strict_parser())
        except UnicodeEncodeError as exc:
            raise _RenderLoss(
                "word/document.xml", f"a character no file can hold ({exc.reason})"
            ) from None
        except etree.XMLSyntaxError as exc:
            raise _RenderLoss("word/document.xml", str(exc)) from None
        return super().fix_tables(xml)


@dataclass
class RenderedDocument:
    """The filled .docx and what the build's self-check found."""

    data: bytes
    report: BuildReport


def _load(path: Path) -> DocxTemplate:
    if not path.is_file():
        raise ProblemsError(
            [Problem("template not found", file=str(path))], summary="cannot render"
        )
    # the same checker as 'template check' (zip bombs, active content, refused tags...): the two
    # always agree, and nothing unsafe is opened
    errors = template_errors(path)
    if errors:
        raise ProblemsError(
            errors,
            summary=f"the template {path} cannot be used (as 'agreement-kit template check' reports)",
        )
    try:
        doc = _StrictTemplate(prepared_source(path))
        doc.init_docx()
    except Exception as exc:  # not a zip, not a Word document
        raise ProblemsError(
            [Problem(f"not a Word (.docx) template: {exc}", file=str(path))],
            summary="cannot render",
        ) from None
    sanitise(doc.docx)  # the template's own provenance-like properties: only we write those
    return doc


def _fill(doc: DocxTemplate, context: DocumentContext, path: Path) -> None:
    from jinja2 import TemplateError

    hint = f"run 'agreement-kit template check {path}'"
    try:
        doc.render(names_of(context), jinja_env=shared_template_environment(), autoescape=True)
    except SecurityError as exc:  # the template sandbox's bounds (before TemplateError: a subclass)
        raise ProblemsError(
            [Problem(f"the template could not be filled: {exc}", file=str(path), hint=hint)],
            summary="cannot render",
        ) from None
    except TemplateError as exc:
        where = getattr(exc, "docx_context", None)
        message = f"the template could not be filled: {getattr(exc, 'message', None) or exc}"
        if where:
            near = " ".join(" ".join(str(x).split()) for x in where if str(x).strip())
            message += f" (near: {near[:200]})"
        raise ProblemsError(
            [Problem(message, file=str(path), hint=hint)], summary="cannot render"
        ) from None
    except _RenderLoss as exc:
        raise ProblemsError(
            [
                Problem(
                    f"filling the template produced XML that is not well-formed in {exc.part} "
                    f"({exc.detail}); text would have been lost",
                    file=str(path),
                    code="render-not-xml",
                    hint="an answer or clause contains a character a Word document cannot hold; "
                    "run 'agreement-kit check' on the draft",
                )
            ],
            summary="cannot render",
        ) from None
    except (etree.XMLSyntaxError, ValueError) as exc:  # a header or footer that does not parse
        raise ProblemsError(
            [
                Problem(
                    f"filling the template produced a part that is not well-formed XML ({exc})",
                    file=str(path),
                    code="render-not-xml",
                    hint=hint,
                )
            ],
            summary="cannot render",
        ) from None
    except (RecursionError, OverflowError, MemoryError, TypeError, ZeroDivisionError) as exc:
        why = describe(exc)
        raise ProblemsError(
            [
                Problem(
                    f"the template could not be filled: {why}",
                    file=str(path),
                    hint=hint,
                )
            ],
            summary="cannot render",
        ) from None


def render_document(agreement: Agreement, template: str | Path | None = None) -> RenderedDocument:
    """The filled, anchored and verified .docx, and the self-check's report."""
    path = Path(template) if template else bundled_template()
    doc = _load(path)
    context = document_context(agreement)  # once: the template and the self-check read it
    _fill(doc, context, path)
    report = finish_document(doc.docx, agreement, str(path), context)
    report.shortened = _set_properties(doc, agreement)
    report.record["properties"] = report.shortened
    attach_record(doc.docx, report.record)
    buffer = io.BytesIO()
    doc.save(buffer)
    data = buffer.getvalue()
    verify_document(data, agreement, str(path))
    return RenderedDocument(data, report)


def render_bytes(agreement: Agreement, template: str | Path | None = None) -> bytes:
    """The filled .docx as bytes."""
    return render_document(agreement, template).data


def render_docx(
    agreement: Agreement,
    out: str | Path,
    *,
    template: str | Path | None = None,
    overwrite: bool = False,
) -> Path:
    """Write the agreement to ``out`` atomically; refuses to replace a file unless ``overwrite``."""
    out = Path(out)
    output_exists(out, overwrite=overwrite)
    atomic_write(out, render_bytes(agreement, template), overwrite=overwrite)
    return out
