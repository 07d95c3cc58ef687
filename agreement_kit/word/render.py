"""Rendering an assembled agreement into a Word document with docxtpl.

:func:`render_bytes` fills the template (the context comes from :mod:`.views`) in a sandboxed Jinja
environment with autoescape on (answers come out exactly as typed), then writes the document
properties (:mod:`.properties`).
"""

from __future__ import annotations

import io
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from ..engine.assembly import Agreement
from ..problems import Problem, ProblemsError
from ..resources import bundled_template
from ..yamlio import atomic_write
from .properties import _set_properties
from .views import template_context

# ----------------------------------------------------------------------------- rendering


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def render_bytes(agreement: Agreement, template: str | Path | None = None) -> bytes:
    """The filled .docx as bytes."""
    from jinja2 import TemplateError

    path = Path(template) if template else bundled_template()
    if not path.is_file():
        raise ProblemsError(
            [Problem("template not found", file=str(path))], summary="cannot render"
        )
    try:
        doc = DocxTemplate(str(path))
        doc.init_docx()
    except Exception as exc:  # not a zip, not a Word document
        raise ProblemsError(
            [Problem(f"not a Word (.docx) template: {exc}", file=str(path))],
            summary="cannot render",
        ) from None
    try:
        doc.render(template_context(agreement), jinja_env=_environment(), autoescape=True)
    except TemplateError as exc:
        where = getattr(exc, "docx_context", None)
        hint = f"run 'agreement-kit template check {path}'"
        message = f"the template could not be filled: {getattr(exc, 'message', None) or exc}"
        if where:
            near = " ".join(" ".join(str(x).split()) for x in where if str(x).strip())
            message += f" (near: {near[:200]})"
        raise ProblemsError(
            [Problem(message, file=str(path), hint=hint)], summary="cannot render"
        ) from None
    _set_properties(doc, agreement)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def render_docx(
    agreement: Agreement,
    out: str | Path,
    *,
    template: str | Path | None = None,
    overwrite: bool = False,
) -> Path:
    """Write the agreement to ``out`` atomically; refuses to replace a file unless ``overwrite``."""
    out = Path(out)
    if out.exists() and not overwrite:
        raise FileExistsError(str(out))
    atomic_write(out, render_bytes(agreement, template), overwrite=overwrite)
    return out
