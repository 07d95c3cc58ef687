"""The text policy: which characters may reach a document.

Every string that can end up in an agreement — a draft's answers, a pack's clause text and titles, a
template's own text, a clause-specific value — passes :func:`text_problem` once, where it enters
(:mod:`agreement_kit.yamlio` for files, the draft and pack models for values set through the API or
the wizard). Refused, with the character's code point and name:

* characters XML 1.0 cannot hold (C0 controls other than tab and newline — a carriage return is
  refused too, Word would read it as a paragraph break; U+FFFE,
  U+FFFF) and lone surrogates (``"\\ud800"`` written as a YAML escape): a Word document cannot
  carry them, and a recovering XML parser silently drops the text after them;
* other control characters (DEL, the C1 range U+0080–U+009F) and the line and paragraph separators
  U+2028/U+2029;
* invisible format characters (Unicode category Cf): bidirectional overrides, embeddings and
  isolates (U+202A–U+202E, U+2066–U+2069, which can make a sentence display in a different order
  than it reads), direction marks, zero-width spaces, word joiners, soft hyphens, byte-order marks,
  tag characters. The zero-width joiner and non-joiner (U+200D, U+200C) are allowed only between two
  characters outside ASCII, where emoji sequences and Arabic, Persian and Indic scripts need them;
  between Latin letters they only hide a difference between two names that look the same;
* Unicode noncharacters (U+FDD0–U+FDEF and U+nFFFE/U+nFFFF).

Nothing is silently changed: a refused character is reported with where it is, so the person who
typed or pasted it decides what was meant.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

# Characters that are refused wherever they appear (a fast pre-filter; the exact rule is below).
_SUSPECT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891"
    "\u08e2\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufdd0-\ufdef\ufeff"
    "\ufff9-\ufffb\ufffe\uffff\ud800-\udfff"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001-\U000e007f]"
    "|[\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0004fffe\U0004ffff"
    "\U0005fffe\U0005ffff\U0006fffe\U0006ffff\U0007fffe\U0007ffff\U0008fffe\U0008ffff"
    "\U0009fffe\U0009ffff\U000afffe\U000affff\U000bfffe\U000bffff\U000cfffe\U000cffff"
    "\U000dfffe\U000dffff\U000efffe\U000effff\U000ffffe\U000fffff\U0010fffe\U0010ffff]"
)
_JOINERS = "\u200c\u200d"
MAX_TEXT = 100_000  # characters in one string: no answer or paragraph needs more


def _name(char: str) -> str:
    code = ord(char)
    name = unicodedata.name(char, "")
    if not name:
        if 0xD800 <= code <= 0xDFFF:
            name = "a lone surrogate"
        elif unicodedata.category(char) == "Cc":
            name = "a control character"
        else:
            name = "a noncharacter"
    return f"U+{code:04X} ({name})"


def _why(char: str) -> str:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return (
            "which is half of a character, not a character (often a \\u escape written by "
            "mistake); a Word document cannot hold it and text after it would be lost"
        )
    if code == 0x0D:
        return "a carriage return, which Word reads as a paragraph break; use a plain new line"
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return "which a Word document cannot hold; delete it (it often comes from copy and paste)"
    if code in (0x2028, 0x2029):
        return "an invisible line break; use a plain new line or a space"
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return (
            "an invisible character that changes the order in which the text around it is "
            "displayed, so the document could read differently from what it says; delete it"
        )
    if unicodedata.category(char) == "Cf":
        return "an invisible character a reader cannot see in the document; delete it"
    return "which is not a character a document can hold; delete it"


def _joiner_ok(text: str, index: int) -> bool:
    before = text[index - 1] if index else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    return all(
        c and ord(c) > 0x7F and not c.isspace() and c not in _JOINERS for c in (before, after)
    )


def bad_characters(text: str) -> Iterator[tuple[int, str]]:
    """(index, character) of every character the policy refuses in ``text``."""
    for match in _SUSPECT.finditer(text):
        char = match.group()
        if char in "\t\n":
            continue
        if char in _JOINERS and _joiner_ok(text, match.start()):
            continue
        yield match.start(), char


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot go into a document (None when it can)."""
    if len(text) > MAX_TEXT:
        return f"is {len(text):,} characters long; the most a single answer or paragraph may hold is {MAX_TEXT:,}"
    if _SUSPECT.search(text) is None:  # nearly every text: nothing to look at closely
        return None
    found = list(bad_characters(text))
    if not found:
        return None
    index, char = found[0]
    where = f"at character {index + 1}" if len(text) > 1 else ""
    message = f"contains {_name(char)} {where}".rstrip() + f", {_why(char)}"
    others = {c for _, c in found[1:] if c != char}
    if len(found) > 1:
        message += f" ({len(found)} such characters in all" + (
            f", also {', '.join(sorted(_name(c) for c in others)[:3])})" if others else ")"
        )
    return message


def data_problems(
    value: Any, path: tuple[str | int, ...] = ()
) -> list[tuple[tuple[str | int, ...], str]]:
    """(path, message) for every string in ``value`` (nested dicts, lists, keys) the policy refuses."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    if isinstance(value, str):
        message = text_problem(value)
        if message:
            out.append((path, message))
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and (message := text_problem(key)):
                out.append(((*path, key), f"the key {message}"))
            out += data_problems(item, (*path, key if isinstance(key, (str, int)) else str(key)))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            out += data_problems(item, (*path, i))
    return out


def check_value(value: Any) -> Any:
    """A pydantic "before" validator body: ``value`` unchanged, or ValueError naming the problem."""
    found = data_problems(value)
    if found:
        path, message = found[0]
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        raise ValueError(f"{where}: {message}" if where else message)
    return value
