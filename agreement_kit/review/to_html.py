"""An outline as one self-contained HTML file (inline CSS, no scripts, no external resources), fit to
attach to an e-mail or print. Every piece of text is HTML-escaped."""

from __future__ import annotations

from html import escape

from .outline import Block, Bullets, Cell, Heading, Inline, Outline, Paragraph, Run, Table

CSS = """
body { font: 14px/1.45 "Segoe UI", Calibri, Arial, sans-serif; color: #1a1a1a; margin: 2em auto;
       max-width: 1400px; padding: 0 1.5em; }
h1 { font-size: 1.7em; margin-bottom: .2em; }
h2 { font-size: 1.3em; margin-top: 1.8em; border-bottom: 2px solid #2f5496; color: #2f5496; }
h3 { font-size: 1.1em; margin-top: 1.4em; }
table { border-collapse: collapse; width: 100%; margin: .6em 0 1.2em; }
th, td { border: 1px solid #b7b7b7; padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: #dde4f0; }
td p, th p { margin: 0 0 .35em; }
td p:last-child { margin-bottom: 0; }
code { font-family: Consolas, "Courier New", monospace; font-size: .92em; color: #444; }
.good { color: #176b2c; } .warn { color: #9c5700; } .bad { color: #b00020; } .muted { color: #777; }
.alert { border-left: 5px solid #b00020; background: #fdecee; padding: .5em .8em; }
.note { border-left: 5px solid #9c5700; background: #fff6e5; padding: .5em .8em; }
.good-box { border-left: 5px solid #176b2c; background: #eaf6ec; padding: .5em .8em; }
.sub { color: #555; }
@media print { body { max-width: none; margin: 0; } @page { size: landscape; margin: 1.5cm; }
               thead { display: table-header-group; } tr { page-break-inside: avoid; } }
""".strip()


def _run(run: Run) -> str:
    text = escape(run.text, quote=True)
    if run.style == "bold":
        text = f"<strong>{text}</strong>"
    elif run.style == "italic":
        text = f"<em>{text}</em>"
    elif run.style == "code":
        text = f"<code>{text}</code>"
    if run.tone:
        text = f'<span class="{run.tone}">{text}</span>'
    return text


def inline(runs: Inline) -> str:
    return "".join(_run(r) for r in runs)


def _cell(value: Cell, tag: str = "td") -> str:
    body = "".join(f"<p>{inline(p)}</p>" for p in value if "".join(r.text for r in p).strip())
    return f"<{tag}>{body}</{tag}>"


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        level = min(block.level + 1, 6)
        ident = f' id="{escape(block.id, quote=True)}"' if block.id else ""
        return f"<h{level}{ident}>{escape(block.text)}</h{level}>"
    if isinstance(block, Paragraph):
        cls = {"alert": "alert", "note": "note", "good": "good-box"}.get(block.kind)
        attr = f' class="{cls}"' if cls else ""
        return f"<p{attr}>{inline(block.runs)}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{inline(i)}</li>" for i in block.items) + "</ul>"
    return _table(block)


def _table(table: Table) -> str:
    keep = [i for i, c in enumerate(table.columns) if not c.blank]
    total = sum(table.columns[i].width for i in keep) or 1
    cols = "".join(f'<col style="width:{table.columns[i].width / total * 100:.1f}%">' for i in keep)
    head = "".join(f"<th>{escape(table.columns[i].title)}</th>" for i in keep)
    thead = f"<thead><tr>{head}</tr></thead>" if any(table.columns[i].title for i in keep) else ""
    rows = "".join("<tr>" + "".join(_cell(row[i]) for i in keep) + "</tr>" for row in table.rows)
    ident = escape(table.id, quote=True)
    return (
        f'<table id="table-{ident}"><colgroup>{cols}</colgroup>{thead}<tbody>{rows}</tbody></table>'
    )


def render_html(outline: Outline) -> str:
    title = escape(outline.title)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>\n{CSS}\n</style>",
        "</head>",
        "<body>",
        f"<h1>{title}</h1>",
        *(f'<p class="sub">{inline(p)}</p>' for p in outline.subtitle),
        *(_block(b) for b in outline.blocks),
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"
