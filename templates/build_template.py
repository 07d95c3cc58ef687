"""Build templates/agreement.docx, the bundled Word template that docxtpl fills.

The .docx is written from WordprocessingML directly (not from python-docx's sample document) so
that every style, the live multi-level numbering of articles and sections, the header, the footer
and the tables are exactly what an attorney will find when opening it in Word or LibreOffice.
The output is deterministic: running the script twice gives the same bytes.

Run:   uv run python templates/build_template.py [OUT.docx]
Check: uv run pytest tests/test_document.py -k committed   (the committed file matches this script)

What the tags may use is documented in docs/templates.md (the template context).
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from lxml import etree

OUT = Path(__file__).with_name("agreement.docx")

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
FONT = "Times New Roman"  # LibreOffice substitutes the metric-compatible Liberation Serif
TEXT_WIDTH = 9360  # 6.5 inches in twips: US Letter with 1-inch margins
INDENT = 720  # body text of a section sits under the section title
ACCENT = "D9D9D9"  # table heading shading
DRAFT_RED = "C00000"
SCHEDULE_WIDTHS = [2200, 1700, 2000, 1760, 1700]
CONTACT_WIDTHS = [2240, 2300, 2260, 2560]
RATE_WIDTHS = [
    2340,
    1000,
    1100,
    1200,
    1500,
    1500,
]  # agency, hours/week, hours/year, rate, est., cap
FEE_WIDTHS = [3240, 1500, 1500, 2400]  # agency, hours a week, share of hours, share of the fee
NO_INDENT = '<w:ind w:firstLine="0"/>'
HEADER_WIDTHS = [TEXT_WIDTH - 3600, 3600]
SIGNATURE_INDENT = 3600  # signature blocks sit in the right half of the page

# ----------------------------------------------------------------------------- small builders


# Word rejects properties out of schema order ("unreadable content"): the builders sort them.
PPR_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
]
RPR_ORDER = [
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
]


def ordered(props: str, order: list[str]) -> str:
    """``props`` (a run of sibling elements) sorted into the schema's order."""
    if not props:
        return ""
    holder = etree.fromstring(f'<holder xmlns:w="{W_NS}">{props}</holder>')
    children = sorted(holder, key=lambda e: order.index(etree.QName(e).localname))
    return "".join(
        etree.tostring(c, encoding="unicode").replace(f' xmlns:w="{W_NS}"', "") for c in children
    )


def run(text: str = "", *, bold: bool = False, rpr: str = "") -> str:
    """One run. Template tags are always written whole inside one run."""
    props = ordered(("<w:b/><w:bCs/>" if bold else "") + rpr, RPR_ORDER)
    props = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(*runs: str, style: str | None = None, ppr: str = "") -> str:
    props = ordered((f'<w:pStyle w:val="{style}"/>' if style else "") + ppr, PPR_ORDER)
    props = f"<w:pPr>{props}</w:pPr>" if props else ""
    return f"<w:p>{props}{''.join(runs)}</w:p>"


def p(text: str, style: str | None = None, ppr: str = "", *, bold: bool = False) -> str:
    return para(run(text, bold=bold), style=style, ppr=ppr)


def control(tag: str) -> str:
    """A paragraph holding one docxtpl paragraph-level control tag ({%p ... %}) and nothing else."""
    return para(run(tag), style="TemplateControl")


def field(instr: str, shown: str) -> str:
    """A complex field (PAGE, NUMPAGES) that Word and LibreOffice update on their own."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r><w:t>{shown}</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def cell(content: str, width: int, *, span: int = 1, shade: bool = False) -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if shade:
        props += f'<w:shd w:val="clear" w:color="auto" w:fill="{ACCENT}"/>'
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{content}</w:tc>"


def row(cells: str, *, header: bool = False) -> str:
    props = "<w:cantSplit/>" + ("<w:tblHeader/>" if header else "")
    return f"<w:tr><w:trPr>{props}</w:trPr>{cells}</w:tr>"


def loop_row(tag: str, widths: list[int]) -> str:
    """A table row holding only a {%tr ... %} tag (docxtpl replaces the whole row)."""
    return row(cell(para(run(tag), style="TableText"), sum(widths), span=len(widths)))


def table(rows: str, widths: list[int], *, indent: int = 0, borders: bool = True) -> str:
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    style = '<w:tblStyle w:val="TableGrid"/>' if borders else ""
    no_borders = (
        ""
        if borders
        else "<w:tblBorders>"
        + "".join(
            f'<w:{side} w:val="nil"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + "</w:tblBorders>"
    )
    props = (
        f'{style}<w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        f'<w:tblInd w:w="{indent}" w:type="dxa"/>{no_borders}'
        '<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
        'w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
    )
    return f"<w:tbl><w:tblPr>{props}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>"


def total_row(tags: list[str], widths: list[int], loop_tag: str) -> str:
    """A bold row shown only when ``loop_tag``'s condition holds (docxtpl {%tr if %})."""
    body = row(
        "".join(
            cell(para(run(t, bold=True), style="TableText"), w)
            for t, w in zip(tags, widths, strict=True)
        )
    )
    return loop_row(f"{{%tr if {loop_tag} %}}", widths) + body + loop_row("{%tr endif %}", widths)


def cost_table(headings: list[str], fields: list[str], widths: list[int]) -> str:
    """The per-agency cost table under a cost-share clause: one row per agency, then the total."""
    head = row(
        "".join(
            cell(p(h, "TableHeading"), w, shade=True) for h, w in zip(headings, widths, strict=True)
        ),
        header=True,
    )
    body = row(
        "".join(
            cell(p(f"{{{{ line.{f} }}}}", "TableText"), w)
            for f, w in zip(fields, widths, strict=True)
        )
    )
    rows = (
        loop_row("{%tr for line in c.cost.lines %}", widths)
        + body
        + loop_row("{%tr endfor %}", widths)
        + total_row([f"{{{{ c.cost.total.{f} }}}}" for f in fields], widths, "c.cost.total")
    )
    return table(head + rows, widths, indent=INDENT)


def data_table(
    headings: list[str], tags: list[str], loop: str, widths: list[int], *, indent: int = 0
) -> str:
    """A bordered table: a repeating heading row, then one row per item of ``loop``."""
    head = row(
        "".join(
            cell(p(h, "TableHeading"), w, shade=True) for h, w in zip(headings, widths, strict=True)
        ),
        header=True,
    )
    body = row("".join(cell(p(t, "TableText"), w) for t, w in zip(tags, widths, strict=True)))
    rows = loop_row(f"{{%tr for {loop} %}}", widths) + body + loop_row("{%tr endfor %}", widths)
    return table(head + rows, widths, indent=indent)


# ----------------------------------------------------------------------------- the parts


def rpr_font(size_half_points: int | None = None) -> str:
    size = (
        f'<w:sz w:val="{size_half_points}"/><w:szCs w:val="{size_half_points}"/>'
        if size_half_points
        else ""
    )
    return f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>{size}'


def pstyle(
    sid: str,
    name: str,
    *,
    based: str | None = "Normal",
    nxt: str | None = None,
    ppr: str = "",
    rpr: str = "",
    ui: int | None = None,
    qformat: bool = True,
) -> str:
    custom = "" if ui is not None else ' w:customStyle="1"'
    out = f'<w:style w:type="paragraph"{custom} w:styleId="{sid}">'
    out += f'<w:name w:val="{name}"/>'
    if based:
        out += f'<w:basedOn w:val="{based}"/>'
    if nxt:
        out += f'<w:next w:val="{nxt}"/>'
    if ui is not None:
        out += f'<w:uiPriority w:val="{ui}"/>'
    if qformat:
        out += "<w:qFormat/>"
    if ppr:
        out += f"<w:pPr>{ordered(ppr, PPR_ORDER)}</w:pPr>"
    if rpr:
        out += f"<w:rPr>{ordered(rpr, RPR_ORDER)}</w:rPr>"
    return out + "</w:style>"


def spacing(before: int = 0, after: int = 0, line: int = 240) -> str:
    return f'<w:spacing w:before="{before}" w:after="{after}" w:line="{line}" w:lineRule="auto"/>'


def styles_xml() -> str:
    justify = '<w:jc w:val="both"/>'
    center = '<w:jc w:val="center"/>'
    keep = "<w:keepNext/><w:keepLines/>"
    styles = [
        pstyle(
            "Normal",
            "Normal",
            based=None,
            ui=0,
            ppr="<w:widowControl/>" + spacing(after=160),
        ).replace('w:styleId="Normal"', 'w:default="1" w:styleId="Normal"'),
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
        "<w:unhideWhenUsed/></w:style>",
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal">'
        '<w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/>'
        '<w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
        '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr></w:style>",
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList">'
        '<w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/>'
        "<w:unhideWhenUsed/></w:style>",
        pstyle(
            "Title",
            "Title",
            nxt="Subtitle",
            ui=10,
            ppr=keep + spacing(after=80) + center,
            rpr='<w:b/><w:bCs/><w:caps/><w:spacing w:val="10"/><w:sz w:val="28"/><w:szCs w:val="28"/>',
        ),
        pstyle(
            "Subtitle",
            "Subtitle",
            nxt="AgreementText",
            ui=11,
            ppr=keep + spacing(after=480) + center,
            rpr="<w:i/><w:iCs/>",
        ),
        pstyle(
            "DraftMark",
            "Draft Mark",
            ppr=spacing(after=240) + center,
            rpr=f'<w:b/><w:bCs/><w:caps/><w:color w:val="{DRAFT_RED}"/><w:sz w:val="20"/>'
            '<w:szCs w:val="20"/><w:spacing w:val="20"/>',
        ),
        pstyle(
            "AgreementText",
            "Agreement Text",
            ppr=spacing(after=200) + justify + f'<w:ind w:firstLine="{INDENT}"/>',
        ),
        pstyle(
            "Recital",
            "Recital",
            ppr=spacing(after=200) + justify + f'<w:ind w:firstLine="{INDENT}"/>',
        ),
        pstyle(
            "CenteredHeading",
            "Centered Heading",
            nxt="Recital",
            ppr=keep + spacing(before=240, after=240) + center + '<w:outlineLvl w:val="0"/>',
            rpr="<w:b/><w:bCs/><w:caps/>",
        ),
        pstyle(
            "Heading1",
            "heading 1",
            nxt="Heading2",
            ui=9,
            ppr=keep
            + '<w:numPr><w:numId w:val="1"/></w:numPr>'
            + spacing(before=360, after=200)
            + center
            + '<w:outlineLvl w:val="0"/>',
            rpr="<w:b/><w:bCs/><w:caps/>",
        ),
        pstyle(
            "Heading2",
            "heading 2",
            nxt="BodyText",
            ui=9,
            ppr=keep
            + '<w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr>'
            + spacing(before=200, after=120)
            + f'<w:ind w:left="{INDENT}" w:hanging="{INDENT}"/>'
            + '<w:outlineLvl w:val="1"/>',
            rpr="<w:b/><w:bCs/>",
        ),
        pstyle(
            "Heading3",
            "heading 3",
            nxt="Heading3",
            ui=9,
            ppr='<w:numPr><w:ilvl w:val="2"/><w:numId w:val="1"/></w:numPr>'
            + spacing(after=160)
            + justify
            + f'<w:ind w:left="{2 * INDENT}" w:hanging="{INDENT}"/>'
            + '<w:outlineLvl w:val="2"/>',
        ),
        pstyle(
            "BodyText",
            "Body Text",
            nxt="BodyText",
            ui=99,
            ppr=spacing(after=160) + justify + f'<w:ind w:left="{INDENT}"/>',
        ),
        pstyle(
            "ListBullet",
            "List Bullet",
            ui=99,
            ppr='<w:numPr><w:numId w:val="2"/></w:numPr>'
            + spacing(after=120)
            + justify
            + f'<w:ind w:left="{INDENT + 360}" w:hanging="360"/>',
        ),
        pstyle(
            "ExhibitTitle",
            "Exhibit Title",
            nxt="ExhibitSubtitle",
            ppr="<w:pageBreakBefore/>"
            + keep
            + spacing(after=60)
            + center
            + '<w:outlineLvl w:val="0"/>',
            rpr="<w:b/><w:bCs/><w:caps/>",
        ),
        pstyle(
            "ExhibitSubtitle",
            "Exhibit Subtitle",
            nxt="AgreementText",
            ppr=keep + spacing(after=360) + center,
            rpr="<w:b/><w:bCs/>",
        ),
        pstyle(
            "ExhibitHeading",
            "Exhibit Heading",
            nxt="AgreementText",
            ppr=keep + spacing(before=240, after=120) + '<w:outlineLvl w:val="1"/>',
            rpr="<w:b/><w:bCs/>",
        ),
        pstyle(
            "TableText",
            "Table Text",
            ppr=spacing(before=40, after=40),
            rpr='<w:sz w:val="21"/><w:szCs w:val="21"/>',
        ),
        pstyle(
            "TableCaption",
            "Table Caption",
            ppr="<w:keepNext/>" + spacing(before=60, after=60) + f'<w:ind w:left="{INDENT}"/>',
            rpr="<w:b/><w:bCs/>",
        ),
        pstyle(
            "TableNote",
            "Table Note",
            ppr=spacing(before=60, after=200) + f'<w:ind w:left="{INDENT}"/>',
            rpr='<w:i/><w:iCs/><w:sz w:val="20"/><w:szCs w:val="20"/>',
        ),
        pstyle(
            "TableHeading",
            "Table Heading",
            based="TableText",
            ppr="<w:keepNext/>",
            rpr="<w:b/><w:bCs/>",
        ),
        pstyle(
            "SignatureText",
            "Signature Text",
            nxt="SignatureText",
            ppr="<w:keepNext/><w:keepLines/>"
            + spacing(after=0)
            + f'<w:ind w:left="{SIGNATURE_INDENT}"/>',
        ),
        pstyle(
            "SignatureLine",
            "Signature Line",
            based="SignatureText",
            nxt="SignatureText",
            ppr=spacing(before=480, after=0),
        ),
        pstyle(
            "SignatureHeading",
            "Signature Heading",
            based="SignatureText",
            nxt="SignatureNote",
            ppr=spacing(before=360, after=60),
        ),
        pstyle(
            "SignatureNote",
            "Signature Note",
            based="SignatureText",
            nxt="SignatureLine",
            ppr=spacing(before=60, after=0),
            rpr='<w:i/><w:iCs/><w:sz w:val="20"/><w:szCs w:val="20"/>',
        ),
        pstyle(
            "SignatureLegend",
            "Signature Legend",
            nxt="SignatureText",
            ppr=spacing(after=480) + center,
            rpr="<w:i/><w:iCs/>",
        ),
        pstyle(
            "SignatureSpacer",
            "Signature Spacer",
            based="SignatureText",
            ppr='<w:keepNext w:val="0"/>' + spacing(after=480),
        ),
        pstyle(
            "TemplateControl",
            "Template Control",
            ppr=spacing(after=0),
            rpr='<w:color w:val="7F7F7F"/><w:sz w:val="16"/><w:szCs w:val="16"/>',
            qformat=False,
        ),
        pstyle(
            "Header",
            "header",
            ui=99,
            qformat=False,
            ppr=spacing(after=0),
            rpr='<w:color w:val="404040"/><w:sz w:val="18"/><w:szCs w:val="18"/>',
        ),
        pstyle(
            "Footer",
            "footer",
            ui=99,
            qformat=False,
            ppr=spacing(after=0) + center,
            rpr='<w:color w:val="404040"/><w:sz w:val="18"/><w:szCs w:val="18"/>',
        ),
        '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/>'
        '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>'
        "<w:pPr>"
        + spacing(after=0)
        + "</w:pPr><w:tblPr><w:tblBorders>"
        + "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + '</w:tblBorders><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
        '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
        '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
    ]
    defaults = (
        "<w:docDefaults><w:rPrDefault><w:rPr>"
        + rpr_font(24)
        + '<w:lang w:val="en-US" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        "<w:pPrDefault><w:pPr>" + spacing() + "</w:pPr></w:pPrDefault></w:docDefaults>"
    )
    return f'{XML_HEAD}<w:styles xmlns:w="{W_NS}">{defaults}{"".join(styles)}</w:styles>'


def numbering_xml() -> str:
    """Articles (Heading 1), sections (Heading 2) and subsections (Heading 3): one live outline."""
    levels = [
        # (format, text, paragraph style, indent left, hanging, suffix)
        ("decimal", "Article %1.", "Heading1", 0, 0, "space"),
        ("decimal", "%1.%2", "Heading2", INDENT, INDENT, "tab"),
        ("lowerLetter", "(%3)", "Heading3", 2 * INDENT, INDENT, "tab"),
        ("lowerRoman", "(%4)", None, 3 * INDENT, INDENT, "tab"),
        ("decimal", "%5.", None, 4 * INDENT, INDENT, "tab"),
        ("lowerLetter", "%6.", None, 5 * INDENT, INDENT, "tab"),
        ("lowerRoman", "%7.", None, 6 * INDENT, INDENT, "tab"),
        ("decimal", "%8.", None, 7 * INDENT, INDENT, "tab"),
        ("lowerLetter", "%9.", None, 8 * INDENT, INDENT, "tab"),
    ]
    outline = ""
    for level, (fmt, text, style, left, hanging, suffix) in enumerate(levels):
        outline += (
            f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            + (f'<w:pStyle w:val="{style}"/>' if style else "")
            + f'<w:suff w:val="{suffix}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            + "<w:pPr>"
            + (
                f'<w:tabs><w:tab w:val="num" w:pos="{left}"/></w:tabs>'
                f'<w:ind w:left="{left}" w:hanging="{hanging}"/>'
                if left
                else ""
            )
            + "</w:pPr></w:lvl>"
        )
    bullet = (
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
        '<w:pStyle w:val="ListBullet"/><w:lvlText w:val="\u2022"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{INDENT + 360}" w:hanging="360"/></w:pPr>'
        f"<w:rPr>{rpr_font()}</w:rPr></w:lvl>"
    )
    return (
        f'{XML_HEAD}<w:numbering xmlns:w="{W_NS}">'
        '<w:abstractNum w:abstractNumId="0"><w:nsid w:val="4A4B0001"/>'
        '<w:multiLevelType w:val="multilevel"/><w:tmpl w:val="4A4B1001"/>'
        '<w:name w:val="Agreement Outline"/>'
        f"{outline}</w:abstractNum>"
        '<w:abstractNum w:abstractNumId="1"><w:nsid w:val="4A4B0002"/>'
        '<w:multiLevelType w:val="singleLevel"/><w:tmpl w:val="4A4B1002"/>'
        f"{bullet}</w:abstractNum>"
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
        "</w:numbering>"
    )


def signature_blocks() -> str:
    """One block per party, kept on one page (every line keeps with the next but the spacer): the
    party, how it acts, its approving resolution, then each signer (the signing officer, the clerk
    who attests, the attorney who approves as to form, and for a law enforcement party the chief's
    acknowledgment or the sheriff's joinder, each with its own heading and statement)."""
    return "".join(
        [
            control("{%p for b in signatures %}"),
            para(run("{{ b.party }}", bold=True, rpr="<w:caps/>"), style="SignatureText"),
            p("{{ b.acting_through }}", "SignatureText"),
            control("{%p if b.approval %}"),
            p("{{ b.approval }}", "SignatureNote"),
            control("{%p endif %}"),
            control("{%p for s in b.signers %}"),
            control("{%p if s.heading %}"),
            para(run("{{ s.heading }}", bold=True, rpr="<w:caps/>"), style="SignatureHeading"),
            control("{%p endif %}"),
            control("{%p if s.statement %}"),
            p("{{ s.statement }}", "SignatureNote"),
            control("{%p endif %}"),
            para(run("{{ s.lead }} "), run("_" * 30), style="SignatureLine"),
            p("Name: {{ s.name }}", "SignatureText"),
            p("Title: {{ s.title }}", "SignatureText"),
            control("{%p if s.dated %}"),
            p("Date: ______________________", "SignatureLine", ppr=spacing(before=240)),
            control("{%p endif %}"),
            control("{%p endfor %}"),
            p("", "SignatureSpacer"),
            control("{%p endfor %}"),
        ]
    )


def document_xml() -> str:
    rate_table = cost_table(
        [
            "Agency",
            "Hours a week",
            "Hours a year",
            "Hourly rate",
            "Estimated payment",
            "Not to exceed",
        ],
        ["agency", "weekly_hours", "annual_hours", "rate", "amount", "cap"],
        RATE_WIDTHS,
    )
    fee_table = cost_table(
        ["Agency", "Hours a week", "Share of hours", "Share of the fee"],
        ["agency", "weekly_hours", "annual_hours", "amount"],
        FEE_WIDTHS,
    )
    body = [
        control("{%p if not final %}"),
        p("Draft \u2014 for review by counsel", "DraftMark"),
        control("{%p endif %}"),
        p("{{ title }}", "Title"),
        p("{{ subtitle }}", "Subtitle"),
        p("{{ parties_text }}", "AgreementText"),
        control("{%p if recitals %}"),
        p("Recitals", "CenteredHeading"),
        control("{%p for r in recitals %}"),
        para(run("{{ r.lead }}", bold=True), run("{{ r.text }}"), style="Recital"),
        control("{%p endfor %}"),
        control("{%p endif %}"),
        para(
            run("{{ now_therefore.lead }}", bold=True),
            run("{{ now_therefore.text }}"),
            style="AgreementText",
        ),
        control("{%p for s in articles %}"),
        p("{{ s.title }}", "Heading1"),
        control("{%p for c in s.clauses %}"),
        p("{{ c.title }}", "Heading2"),
        control("{%p for para in c.paragraphs %}"),
        p("{{ para }}", "BodyText"),
        control("{%p endfor %}"),
        control("{%p if c.cost %}"),
        p("{{ c.cost.caption }}", "TableCaption"),
        control("{%p if c.cost.kind == 'rate' %}"),
        rate_table,
        control("{%p else %}"),
        fee_table,
        control("{%p endif %}"),
        p("{{ c.cost.note }}", "TableNote"),
        control("{%p endif %}"),
        control("{%p endfor %}"),
        control("{%p endfor %}"),
        p("[Signature page follows.]", "AgreementText", ppr=center_ppr(before=240)),
        p("Signatures", "CenteredHeading", ppr="<w:pageBreakBefore/>"),
        para(
            run("Signature page to the "),
            run("{{ title }}"),
            run(" "),
            run("{{ subtitle }}"),
            run("."),
            style="SignatureLegend",
        ),
        signature_blocks(),
        p("Exhibit A", "ExhibitTitle"),
        p("Placement Schedule and Contacts", "ExhibitSubtitle"),
        p("A-1. Placement schedule", "ExhibitHeading"),
        p("{{ schedule_intro }}", "AgreementText", ppr=NO_INDENT),
        data_table(
            ["Building", "Days", "Hours", "Building principal", "Agency"],
            [
                "{{ row.building }}",
                "{{ row.days }}",
                "{{ row.hours }}",
                "{{ row.principal }}",
                "{{ row.agency }}",
            ],
            "row in schedule",
            SCHEDULE_WIDTHS,
        ),
        p("A-2. Contacts", "ExhibitHeading"),
        p("{{ contacts_intro }}", "AgreementText", ppr=NO_INDENT),
        data_table(
            ["Role", "Name", "Title", "Organization"],
            [
                "{{ person.role }}",
                "{{ person.name }}",
                "{{ person.title }}",
                "{{ person.organization }}",
            ],
            "person in contacts",
            CONTACT_WIDTHS,
        ),
        p("Exhibit B", "ExhibitTitle"),
        p("Annual Report", "ExhibitSubtitle"),
        p("{{ report.intro }}", "AgreementText", ppr=NO_INDENT),
        control("{%p if report.contents %}"),
        p("{{ report.contents_intro }}", "AgreementText", ppr=NO_INDENT),
        control("{%p for item in report.contents %}"),
        p("{{ item }}", "ListBullet"),
        control("{%p endfor %}"),
        control("{%p endif %}"),
        control("{%p for line in report.more %}"),
        p("{{ line }}", "AgreementText", ppr=spacing(before=240, after=200) + NO_INDENT),
        control("{%p endfor %}"),
    ]
    section = (
        '<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader1"/>'
        '<w:footerReference w:type="default" r:id="rIdFooter1"/>'
        '<w:pgSz w:w="12240" w:h="15840"/>'
        '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="720" '
        'w:footer="720" w:gutter="0"/><w:cols w:space="720"/></w:sectPr>'
    )
    return (
        f'{XML_HEAD}<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>'
        f"{''.join(body)}{section}</w:body></w:document>"
    )


def center_ppr(before: int = 0) -> str:
    return spacing(before=before, after=0) + '<w:jc w:val="center"/><w:ind w:firstLine="0"/>'


def header_xml() -> str:
    """Short title on the left, the DRAFT mark on the right, a rule below: a borderless table, so
    a long short title wraps in its own column instead of pushing the mark onto another line."""
    mark = run("{{ draft_mark }}", bold=True, rpr=f'<w:caps/><w:color w:val="{DRAFT_RED}"/>')
    widths = [HEADER_WIDTHS[0], HEADER_WIDTHS[1]]
    cells = cell(para(run("{{ short_title }}"), style="Header"), widths[0]) + cell(
        para(mark, style="Header", ppr='<w:jc w:val="right"/>'), widths[1]
    )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    props = (
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblBorders>'
        '<w:bottom w:val="single" w:sz="4" w:space="0" w:color="7F7F7F"/></w:tblBorders>'
        '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="0" w:type="dxa"/>'
        '<w:bottom w:w="60" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>'
    )
    table = f"<w:tbl><w:tblPr>{props}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
    table += f"<w:tr>{cells}</w:tr></w:tbl>"
    after = para(style="Header", ppr=spacing(after=0) + '<w:rPr><w:sz w:val="8"/></w:rPr>')
    return f'{XML_HEAD}<w:hdr xmlns:w="{W_NS}" xmlns:r="{R_NS}">{table}{after}</w:hdr>'


def footer_xml() -> str:
    body = para(
        run("Page "),
        field("PAGE", "1"),
        run(" of "),
        field("NUMPAGES", "1"),
        style="Footer",
    )
    return f'{XML_HEAD}<w:ftr xmlns:w="{W_NS}" xmlns:r="{R_NS}">{body}</w:ftr>'


def settings_xml() -> str:
    return (
        f'{XML_HEAD}<w:settings xmlns:w="{W_NS}">'
        '<w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/>'
        '<w:characterSpacingControl w:val="doNotCompress"/>'
        "<w:compat>"
        '<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>'
        "</w:compat>"
        '<w:themeFontLang w:val="en-US"/><w:decimalSymbol w:val="."/>'
        '<w:listSeparator w:val=","/></w:settings>'
    )


def font_table_xml() -> str:
    return (
        f'{XML_HEAD}<w:fonts xmlns:w="{W_NS}">'
        f'<w:font w:name="{FONT}"><w:panose1 w:val="02020603050405020304"/>'
        '<w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
        "</w:fonts>"
    )


def core_xml() -> str:
    return (
        f"{XML_HEAD}"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:title>Intergovernmental agreement template</dc:title>"
        "<dc:subject>Police School Liaison / School Resource Officer agreement</dc:subject>"
        "<dc:creator>agreement-kit</dc:creator>"
        "<dc:description>Word template filled by agreement-kit (docxtpl). "
        "See docs/templates.md.</dc:description>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2025-01-01T00:00:00Z</dcterms:created>'
        '<dcterms:modified xsi:type="dcterms:W3CDTF">2025-01-01T00:00:00Z</dcterms:modified>'
        "</cp:coreProperties>"
    )


def app_xml() -> str:
    return (
        f"{XML_HEAD}"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        "<Application>agreement-kit</Application></Properties>"
    )


CT = "application/vnd.openxmlformats-officedocument"


def content_types_xml() -> str:
    overrides = {
        "/word/document.xml": f"{CT}.wordprocessingml.document.main+xml",
        "/word/styles.xml": f"{CT}.wordprocessingml.styles+xml",
        "/word/numbering.xml": f"{CT}.wordprocessingml.numbering+xml",
        "/word/settings.xml": f"{CT}.wordprocessingml.settings+xml",
        "/word/fontTable.xml": f"{CT}.wordprocessingml.fontTable+xml",
        "/word/header1.xml": f"{CT}.wordprocessingml.header+xml",
        "/word/footer1.xml": f"{CT}.wordprocessingml.footer+xml",
        "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        "/docProps/app.xml": f"{CT}.extended-properties+xml",
    }
    items = "".join(
        f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides.items()
    )
    return (
        f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{items}</Types>"
    )


REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def rels(items: list[tuple[str, str, str]]) -> str:
    body = "".join(
        f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>' for rid, kind, target in items
    )
    return (
        f'{XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{body}</Relationships>"
    )


def parts() -> dict[str, str]:
    """Every part of the template, by its name in the .docx zip."""
    return {
        "[Content_Types].xml": content_types_xml(),
        "_rels/.rels": rels(
            [
                ("rId1", f"{REL}/officeDocument", "word/document.xml"),
                (
                    "rId2",
                    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                    "docProps/core.xml",
                ),
                ("rId3", f"{REL}/extended-properties", "docProps/app.xml"),
            ]
        ),
        "docProps/core.xml": core_xml(),
        "docProps/app.xml": app_xml(),
        "word/document.xml": document_xml(),
        "word/_rels/document.xml.rels": rels(
            [
                ("rIdStyles", f"{REL}/styles", "styles.xml"),
                ("rIdNumbering", f"{REL}/numbering", "numbering.xml"),
                ("rIdSettings", f"{REL}/settings", "settings.xml"),
                ("rIdFonts", f"{REL}/fontTable", "fontTable.xml"),
                ("rIdHeader1", f"{REL}/header", "header1.xml"),
                ("rIdFooter1", f"{REL}/footer", "footer1.xml"),
            ]
        ),
        "word/styles.xml": styles_xml(),
        "word/numbering.xml": numbering_xml(),
        "word/settings.xml": settings_xml(),
        "word/fontTable.xml": font_table_xml(),
        "word/header1.xml": header_xml(),
        "word/footer1.xml": footer_xml(),
    }


def build(out: Path = OUT) -> Path:
    """Write the template (same bytes every time: fixed zip dates, fixed order)."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts().items():
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text.encode("utf-8"))
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    print(f"wrote {build(target)}")
