"""An outline as a Word document made for markup: landscape pages, real headings (Word's navigation
pane lists them), real tables with the header row repeated on every page, fixed column widths, and
an empty "Counsel's notes" column where the outline has one. Built with python-docx."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

from .outline import Bullets, Cell, Heading, Inline, Outline, Paragraph, Run, Table, t

LONG, SHORT, MARGIN = 11.0, 8.5, 0.6  # inches: US Letter
TONES = {
    "good": RGBColor(0x17, 0x6B, 0x2C),
    "warn": RGBColor(0x9C, 0x57, 0x00),
    "bad": RGBColor(0xB0, 0x00, 0x20),
    "muted": RGBColor(0x6E, 0x6E, 0x6E),
}
BOX = {"alert": "FDECEE", "note": "FFF6E5", "good": "EAF6EC"}
HEADER_FILL = "DDE4F0"
BODY_PT, TABLE_PT, CODE_PT = 10, 8, 7.5


def _runs(paragraph: Any, runs: Inline, size: float | None = None) -> None:
    for item in runs:
        if not item.text:
            continue
        run = paragraph.add_run(item.text)
        run.bold = item.style == "bold" or None
        run.italic = item.style == "italic" or None
        if item.style == "code":
            run.font.name = "Consolas"
            run.font.size = Pt(CODE_PT if size else BODY_PT - 1)
        elif size:
            run.font.size = Pt(size)
        if item.tone:
            run.font.color.rgb = TONES[item.tone]


def _shade(element: Any, fill: str) -> None:
    props = (
        element.get_or_add_tcPr()
        if hasattr(element, "get_or_add_tcPr")
        else element.get_or_add_pPr()
    )
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    props.append(shd)


def _fill_cell(target: Any, value: Cell, size: float, bold: bool = False) -> None:
    paragraphs = [p for p in value if "".join(r.text for r in p).strip()] or [()]
    first = True
    for runs in paragraphs:
        p = target.paragraphs[0] if first else target.add_paragraph()
        first = False
        p.paragraph_format.space_after = Pt(2)
        p.paragraph_format.space_before = Pt(0)
        _runs(p, runs, size)
        if bold:
            for run in p.runs:
                run.bold = True


def _table(doc: Any, table: Table, page_width: float) -> None:
    usable = page_width - 2 * MARGIN
    total = sum(c.width for c in table.columns) or 1
    widths = [Inches(usable * c.width / total) for c in table.columns]
    titled = any(c.title for c in table.columns)
    grid = doc.add_table(rows=0, cols=len(table.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    grid.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    grid._tbl.tblPr.append(layout)
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
    if titled:
        row = grid.add_row()
        header = OxmlElement("w:tblHeader")  # repeat this row at the top of every page
        header.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(header)
        for cell, column, width in zip(row.cells, table.columns, widths, strict=True):
            cell.width = width
            _fill_cell(cell, ((_plain_run(column.title),),), TABLE_PT, bold=True)
            _shade(cell._tc, HEADER_FILL)
    for values in table.rows:
        row = grid.add_row()
        if _short(values):  # keep a short row on one page; long rows may break across pages
            keep = OxmlElement("w:cantSplit")
            keep.set(qn("w:val"), "true")
            row._tr.get_or_add_trPr().append(keep)
        for cell, value, width in zip(row.cells, values, widths, strict=True):
            cell.width = width
            _fill_cell(cell, value, TABLE_PT)
    doc.add_paragraph().paragraph_format.space_after = Pt(4)


def _short(values: tuple[Cell, ...]) -> bool:
    return all(sum(len(r.text) for p in c for r in p) < 500 for c in values)


def _plain_run(text: str) -> Run:
    return t(text)


def _page_number(paragraph: Any) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {text} "
            run._r.append(instr)


def render_docx_bytes(outline: Outline) -> bytes:
    doc = Document()
    section = doc.sections[0]
    width, height = (LONG, SHORT) if outline.landscape else (SHORT, LONG)
    section.orientation = WD_ORIENT.LANDSCAPE if outline.landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Inches(width), Inches(height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(MARGIN))
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(BODY_PT)
    for name, size in (("Title", 20), ("Heading 1", 14), ("Heading 2", 12)):
        doc.styles[name].font.size = Pt(size)
    props = doc.core_properties
    props.title = outline.title[:250]
    props.subject = (
        "Review checklist for counsel" if "checklist" in outline.title.lower() else "Clause book"
    )
    props.author = "agreement-kit"
    props.comments = ""
    doc.add_paragraph(outline.title, style="Title")
    for line in outline.subtitle:
        _runs(doc.add_paragraph(), line)
    for block in outline.blocks:
        if isinstance(block, Heading):
            doc.add_heading(block.text, level=min(block.level, 3))
        elif isinstance(block, Paragraph):
            p = doc.add_paragraph()
            _runs(p, block.runs)
            if block.kind in BOX:
                _shade(p._p, BOX[block.kind])
        elif isinstance(block, Bullets):
            for item in block.items:
                _runs(doc.add_paragraph(style="List Bullet"), item)
        else:
            _table(doc, block, width)
    footer = section.footer.paragraphs[0]
    footer.add_run(outline.footer + " — page ").font.size = Pt(8)
    _page_number(footer)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
