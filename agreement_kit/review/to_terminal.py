"""An outline as rich renderables, for the terminal (``checklist --format table``) and the wizard's
Review step. Text goes in as :class:`rich.text.Text`, never as markup, so nothing typed is styled."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.table import Table as RichTable
from rich.text import Text

from .outline import Bullets, Cell, Heading, Inline, Outline, Paragraph, Table

STYLES = {"plain": "", "bold": "bold", "italic": "italic", "code": "cyan"}
TONES = {"good": "green", "warn": "yellow", "bad": "bold red", "muted": "dim"}


def text(runs: Inline) -> Text:
    out = Text()
    for run in runs:
        style = " ".join(s for s in (STYLES[run.style], TONES.get(run.tone or "", "")) if s)
        out.append(run.text, style=style or None)
    return out


def _plain(runs: Inline) -> str:
    return "".join(r.text for r in runs)


def _cell(value: Cell) -> Text:
    out = Text("\n").join(text(p) for p in value if "".join(r.text for r in p).strip())
    out.overflow = "fold"  # a word longer than its column breaks; it is never cut off
    return out


def _table(table: Table) -> RichTable:
    keep = [i for i, c in enumerate(table.columns) if not c.blank]
    grid = RichTable(
        expand=True,
        show_lines=True,
        header_style="bold",
        show_header=any(table.columns[i].title for i in keep),
    )
    for i in keep:
        title = table.columns[i].title
        longest = max((len(_plain(p)) for row in table.rows for p in row[i]), default=1)
        if i == keep[0]:  # the key column (an id, a term): as wide as its text, up to 24
            grid.add_column(title, width=max(4, len(title), min(longest, 24)))
        elif table.columns[i].width <= 1.0:  # a narrow column (a section number, a status)
            word = max((len(w) for w in title.split()), default=1)
            grid.add_column(title, width=max(word, min(longest, 12)))
        else:
            grid.add_column(title, ratio=max(1, round(table.columns[i].width * 10)))
    for row in table.rows:
        grid.add_row(*(_cell(row[i]) for i in keep))
    return grid


def renderables(outline: Outline, *, title: bool = True) -> list[RenderableType]:
    out: list[RenderableType] = []
    if title:
        out.append(Text(outline.title, style="bold underline"))
        out += [text(p) for p in outline.subtitle]
    for block in outline.blocks:
        if isinstance(block, Heading):
            out.append(Rule(Text(block.text, style="bold"), align="left"))
        elif isinstance(block, Paragraph):
            style = {"alert": "bold red", "note": "yellow", "good": "green"}.get(block.kind)
            line = text(block.runs)
            if style:
                line.stylize(style)
            out.append(line)
        elif isinstance(block, Bullets):
            out += [Text("• ") + text(item) for item in block.items]
        else:
            out.append(_table(block))
    return out


def render_terminal(outline: Outline, *, title: bool = True) -> Group:
    return Group(*renderables(outline, title=title))
