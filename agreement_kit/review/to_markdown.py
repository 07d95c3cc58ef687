"""An outline as Markdown (GitHub-flavoured tables), every piece of text escaped."""

from __future__ import annotations

import re

from .outline import Block, Bullets, Cell, Heading, Inline, Outline, Paragraph, Run, Table

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=>])")


def escape(text: str) -> str:
    """Plain text as Markdown that shows exactly that text: no emphasis, code, links, tags, table
    cells or entities (the text is already one line: see :func:`outline.plain`)."""
    return _ENTITY.sub("&amp;", _SPECIAL.sub(r"\\\1", text))


def _run(run: Run) -> str:
    if not run.text.strip():
        return run.text
    lead = run.text[: len(run.text) - len(run.text.lstrip())]
    tail = run.text[len(run.text.rstrip()) :]
    core = run.text.strip()
    if run.style == "code" and not re.search(r"[`|\\]", core):
        body = f"`{core}`"
    else:
        body = escape(core)
        if run.style == "bold" or run.tone == "bad":
            body = f"**{body}**"
        elif run.style == "italic":
            body = f"*{body}*"
    return lead + body + tail


def inline(runs: Inline) -> str:
    text = "".join(_run(r) for r in runs).strip()
    # a paragraph must not start like a list item, a quote or a setext underline
    return _LINE_START.sub(
        lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else f"\\{m.group(3)}", text
    )


def _cell(value: Cell) -> str:
    return "<br>".join(p for p in (inline(x) for x in value) if p) or " "


def _block(block: Block) -> list[str]:
    if isinstance(block, Heading):
        return ["#" * (block.level + 1) + " " + escape(block.text), ""]
    if isinstance(block, Paragraph):
        text = inline(block.runs)
        return [f"> {text}" if block.kind in ("alert", "note") else text, ""]
    if isinstance(block, Bullets):
        return [*(f"- {inline(item)}" for item in block.items), ""]
    return _table(block)


def _table(table: Table) -> list[str]:
    keep = [i for i, c in enumerate(table.columns) if not c.blank]
    head = [escape(table.columns[i].title) or " " for i in keep]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in keep) + "|"]
    for row in table.rows:
        lines.append("| " + " | ".join(_cell(row[i]) for i in keep) + " |")
    return [*lines, ""]


def render_markdown(outline: Outline) -> str:
    out = [f"# {escape(outline.title)}", ""]
    for line in outline.subtitle:
        out += [inline(line), ""]
    for block in outline.blocks:
        out += _block(block)
    return "\n".join(out).rstrip() + "\n"
