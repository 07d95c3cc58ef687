"""A small document outline — headings, paragraphs, bullet lists and tables of styled runs — that the
checklist and the clause book are laid out in once, and that each format renders (Markdown, HTML,
Word, the terminal).

Text in an outline is always plain text: each renderer escapes it for its format (see
:func:`plain`), so nothing a user typed — a newline, a pipe, ``#``, ``<``, a backtick — can become
structure (a new line, a heading, a table row, a tag) in the output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Style = Literal["plain", "bold", "italic", "code"]
Tone = Literal["good", "warn", "bad", "muted"]

# Characters XML 1.0 cannot hold (and so Word cannot), and the line and paragraph separators.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def plain(text: object) -> str:
    """Text folded to one line: every run of whitespace (newlines, tabs, U+2028…) becomes one
    space, and characters no document can hold are dropped."""
    return " ".join(_UNPRINTABLE.sub("", str(text)).split())


@dataclass(frozen=True)
class Run:
    text: str
    style: Style = "plain"
    tone: Tone | None = None


Inline = tuple[Run, ...]  # one paragraph
Cell = tuple[Inline, ...]  # one table cell: paragraphs


def t(text: object, style: Style = "plain", tone: Tone | None = None) -> Run:
    """A run of ``text`` folded to one line (one space kept at either end if it had one)."""
    raw = _UNPRINTABLE.sub("", str(text))
    folded = plain(raw)
    if folded and raw[:1].isspace():
        folded = " " + folded
    if folded and raw[-1:].isspace():
        folded += " "
    return Run(folded, style, tone)


def para(*runs: Run | str) -> Inline:
    return tuple(r if isinstance(r, Run) else t(r) for r in runs)


def cell(*paragraphs: Inline | Run | str) -> Cell:
    out: list[Inline] = []
    for p in paragraphs:
        if isinstance(p, tuple):
            out.append(p)
        else:
            out.append(para(p))
    return tuple(out)


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    id: str = ""  # a stable anchor (html id, tests)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", plain(self.text))


@dataclass(frozen=True)
class Paragraph:
    runs: Inline
    kind: Literal["normal", "note", "alert", "good"] = "normal"


@dataclass(frozen=True)
class Bullets:
    items: tuple[Inline, ...]


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # relative to the other columns
    blank: bool = False  # an empty column for markup in Word (left out elsewhere)

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", plain(self.title))


@dataclass(frozen=True)
class Table:
    id: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]


Block = Heading | Paragraph | Bullets | Table


@dataclass
class Outline:
    title: str
    subtitle: list[Inline] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    footer: str = ""
    landscape: bool = True  # Word: landscape pages (wide tables); the clause book reads portrait

    def __post_init__(self) -> None:  # text from users never spans lines, even in a title
        self.title = plain(self.title)
        self.footer = plain(self.footer)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def text(self) -> str:
        """Every word of the outline as plain text (for tests and previews)."""
        lines = [self.title, *(_inline(p) for p in self.subtitle)]
        for block in self.blocks:
            if isinstance(block, Heading):
                lines.append(block.text)
            elif isinstance(block, Paragraph):
                lines.append(_inline(block.runs))
            elif isinstance(block, Bullets):
                lines += [_inline(i) for i in block.items]
            else:
                for row in block.rows:
                    lines.append(" | ".join(" / ".join(_inline(p) for p in c) for c in row))
        return "\n".join(lines)


def _inline(runs: Inline) -> str:
    return "".join(r.text for r in runs)
