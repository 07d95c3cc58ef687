"""The points counsel must verify before signing: a clause's ``verify:`` list, and every sentence of
its guidance that asks for verification ("verify ...", "was not verified ...")."""

from __future__ import annotations

import re

from ..packs.models import Clause

_VERIFY = re.compile(r"\bverif(?:y|ied|ication)\b", re.IGNORECASE)
# Words after which a full stop does not end a sentence in legal prose.
_ABBREVIATIONS = {
    "wis", "stat", "stats", "v", "vs", "ct", "app", "no", "nos", "e.g", "i.e", "dr", "st", "ch",
    "cf", "inc", "co", "sec", "secs", "art", "para", "p", "pp", "mr", "ms", "jr", "al", "seq",
    "u.s", "u.s.c", "c.f.r", "n.w", "n.w.2d", "wis.2d", "f", "f.3d", "f.2d", "s.ct", "l.ed",
    "adm", "admin", "code", "approx", "dept", "gov", "op", "oag",
}  # fmt: skip
_END = re.compile(r"[.?!][\"”’)]*\s+")
_STARTS = re.compile(r"[A-Z“\"(§]")


def sentences(text: str) -> list[str]:
    """``text`` split into sentences, without splitting at 'Wis. Stat.', 'v.', 'U.S.' or initials."""
    text = " ".join(text.split())
    out: list[str] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end()
        if end >= len(text) or not _STARTS.match(text[end]):
            continue
        word = re.search(r"([\w.]+)[.?!][\"”’)]*$", text[start : match.start() + 1])
        token = (word.group(1) if word else "").lower()
        if token in _ABBREVIATIONS or re.fullmatch(r"[a-z](\.[a-z])*", token):
            continue
        out.append(text[start:end].strip())
        start = end
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


def verify_points(clause: Clause) -> list[tuple[str, str]]:
    """``(source, text)`` for each point: ``("verify", ...)`` from the clause's list, then
    ``("guidance", sentence)`` for each guidance sentence that asks for verification."""
    points = [("verify", " ".join(v.split())) for v in clause.verify if v.strip()]
    seen = {text for _, text in points}
    for sentence in sentences(clause.guidance):
        if _VERIFY.search(sentence) and sentence not in seen:
            points.append(("guidance", sentence))
    return points
