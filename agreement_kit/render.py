"""Rendering an assembled agreement into a Word document with docxtpl."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from .assembly import Agreement
from .problems import Problem, ProblemsError
from .resources import bundled_template
from .yamlio import atomic_write


def template_context(agreement: Agreement) -> dict[str, Any]:
    """What the Word template sees (documented in docs/templates.md)."""
    data = agreement.model_dump()
    data["agreement"] = agreement.model_dump()
    return data


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
    doc = DocxTemplate(str(path))
    try:
        doc.render(template_context(agreement), jinja_env=_environment(), autoescape=True)
    except TemplateError as exc:
        where = getattr(exc, "docx_context", None)
        hint = "run 'agreement-kit template check' on the template"
        message = f"the template could not be filled: {getattr(exc, 'message', exc)}"
        if where:
            message += f" near: {' '.join(str(x) for x in where)[:200]}"
        raise ProblemsError(
            [Problem(message, file=str(path), hint=hint)], summary="cannot render"
        ) from None
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
