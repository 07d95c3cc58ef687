"""One entry point per output: the checklist (and the clause book) in each format."""

from __future__ import annotations

import io
import json
from typing import Literal

from .model import Checklist
from .outline import Outline

Format = Literal["table", "md", "html", "docx", "json"]
FORMATS: tuple[str, ...] = ("table", "md", "html", "docx", "json")
SUFFIXES = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".json": "json",
}


def render_outline(outline: Outline, fmt: str, *, width: int | None = None) -> str | bytes:
    """``outline`` as Markdown, HTML, Word (bytes) or terminal text (plain, ``width`` columns)."""
    if fmt == "md":
        from .to_markdown import render_markdown

        return render_markdown(outline)
    if fmt == "html":
        from .to_html import render_html

        return render_html(outline)
    if fmt == "docx":
        from .to_docx import render_docx_bytes

        return render_docx_bytes(outline)
    if fmt == "table":
        from rich.console import Console

        from .to_terminal import render_terminal

        console = Console(width=width or 160, record=True, file=io.StringIO(), color_system=None)
        console.print(render_terminal(outline))
        return console.export_text()
    raise ValueError(f"unknown format {fmt!r}")


def render_checklist(checklist: Checklist, fmt: str, *, width: int | None = None) -> str | bytes:
    """The checklist in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        return json.dumps(checklist.to_json(), indent=2, ensure_ascii=False) + "\n"
    from .layout import checklist_outline

    return render_outline(checklist_outline(checklist, detail=fmt != "table"), fmt, width=width)
