"""Word diffs of clause text: what an upstream change, a replacement or an upgrade did, word by word.

``[-removed words-]{+added words+}`` (the notation of ``git diff --word-diff``) in plain text, and the
same as a list of ``(op, text)`` pieces for renderers that colour or redline it.
"""

from __future__ import annotations

import difflib
import re
from typing import Literal

from .hashing import normalise

Op = Literal["equal", "delete", "insert"]
_TOKEN = re.compile(r"\S+")


def word_pieces(old: str, new: str) -> list[tuple[Op, str]]:
    """The change from ``old`` to ``new`` as pieces of equal, deleted and inserted words."""
    a, b = _TOKEN.findall(normalise(old)), _TOKEN.findall(normalise(new))
    out: list[tuple[Op, str]] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(("equal", " ".join(a[i1:i2])))
        else:
            if i2 > i1:
                out.append(("delete", " ".join(a[i1:i2])))
            if j2 > j1:
                out.append(("insert", " ".join(b[j1:j2])))
    return out


def word_diff(old: str, new: str, context: int | None = 8) -> str:
    """``old`` -> ``new`` in ``[-...-]{+...+}`` notation; runs of unchanged words longer than
    ``2 * context`` are shortened to their ends around ``…``."""
    out = ""
    previous: Op | None = None
    for op, text in word_pieces(old, new):
        if op == "delete":
            piece = f"[-{text}-]"
        elif op == "insert":
            piece = f"{{+{text}+}}"
        else:
            words = text.split()
            if context is not None and len(words) > 2 * context + 1:
                text = " ".join([*words[:context], "…", *words[-context:]])
            piece = text
        joiner = "" if (previous == "delete" and op == "insert") or not out else " "
        out += joiner + piece
        previous = op
    return out


def paragraphs_diff(old: list[str], new: list[str], context: int | None = 8) -> str:
    """A word diff of two lists of paragraphs, one line per paragraph that changed."""
    lines = []
    matcher = difflib.SequenceMatcher(
        a=[normalise(p) for p in old], b=[normalise(p) for p in new], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        olds, news = old[i1:i2], new[j1:j2]
        for k in range(max(len(olds), len(news))):
            before = olds[k] if k < len(olds) else ""
            after = news[k] if k < len(news) else ""
            number = j1 + k + 1 if k < len(news) else i1 + k + 1
            lines.append(f"¶{number}: {word_diff(before, after, context)}")
    return "\n".join(lines)
