"""What a review decision rests on: the answers a clause reads, and the hashes of what was reviewed.

:func:`clause_answers` lists every answer a clause's text can read (from the text's variables, so a
branch not taken today still counts: changing the answer that picks the branch changes the clause),
with its value as the clause sees it. Sign-off records these and reports a change in any of them.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

from ..drafts.model import AnswerValue, Draft
from ..engine.context import clause_context
from ..engine.templating import analyse
from ..packs.hashing import text_hash
from ..packs.library import Library
from ..packs.models import Clause, Requirement

Path = tuple[str, ...]
# Words that agree with the number of agencies ('the Agency'/'the Agencies'): one answer, the count.
_AGENCY_WORDS_KEEP = {"names", "parties"}


@functools.lru_cache(maxsize=4096)
def _paths(source: str) -> frozenset[Path]:
    try:
        return frozenset(analyse(source).paths)
    except Exception:  # text that does not parse is reported by validation, not here
        return frozenset()


def clause_paths(clause: Clause) -> list[Path]:
    """The context paths a clause's text reads ('*' = each list item), sorted."""
    found: set[Path] = set()
    for source in clause.text:
        found |= _paths(source)
    return sorted(found)


def _key(parts: tuple[str, ...]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out


def _plain(value: Any) -> AnswerValue:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [str(_plain(v)) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _resolve(path: Path, data: Any, done: tuple[str, ...], out: dict[str, AnswerValue]) -> None:
    if not path:
        if isinstance(data, dict):
            for key, value in data.items():
                _resolve((), value, (*done, key), out)
        elif isinstance(data, list) and any(isinstance(v, dict) for v in data):
            out[_key(done) + "[]"] = len(data)  # a list of items: its length is what it reads
        else:
            out[_key(done)] = _plain(data)
        return
    head, tail = path[0], path[1:]
    if isinstance(data, list):
        if head == "*":
            out[_key(done) + "[]"] = len(data)
            for i, item in enumerate(data):
                _resolve(tail, item, (*done, str(i)), out)
        elif head.isdigit():
            index = int(head)
            _resolve(tail, data[index] if index < len(data) else None, (*done, head), out)
        return
    if isinstance(data, dict):
        _resolve(tail, data.get(head), (*done, head), out)
        return
    out[_key((*done, *path))] = None  # reads below an unanswered value


def answer_context(library: Library, draft: Draft) -> dict[str, Any]:
    """The values clause text sees for ``draft`` (policy options limited to the library's)."""
    options = {k: v for k, v in draft.policy_options.items() if k in library.options}
    for key, option in library.options.items():
        options.setdefault(key, option.default)
    return clause_context(draft, options, dict(draft.values))


def clause_answers(
    library: Library, draft: Draft, clause_id: str, context: dict[str, Any] | None = None
) -> dict[str, AnswerValue]:
    """Each answer ``clause_id``'s text reads -> its value now (as the clause sees it), by path
    (``program.placements[0].hours``; ``agencies[]`` is the number of agencies)."""
    context = context if context is not None else answer_context(library, draft)
    out: dict[str, AnswerValue] = {}
    for path in clause_paths(library.clauses[clause_id]):
        if path[0] == "agency" and (len(path) < 2 or path[1] not in _AGENCY_WORDS_KEEP):
            out["agencies[]"] = len(context.get("agencies") or [])
            continue
        _resolve(path, context, (), out)
    return dict(sorted(out.items()))


def wording_hash(clause: Clause) -> str:
    """The hash of a clause's title and text only (to tell 'reworded' from 'other terms changed')."""
    return text_hash([clause.title, *clause.text])


def requirement_hash(requirement: Requirement) -> str:
    """The hash of what a requirement says (title, summary, source, when it applies)."""
    applies = json.dumps(requirement.applies_if, sort_keys=True)
    return text_hash([requirement.title, requirement.summary, requirement.source, applies])


def describe_answer(key: str) -> str:
    """'agencies[]' -> 'the number of agencies'; other paths as written."""
    if key.endswith("[]"):
        return f"the number of {key[:-2].rsplit('.', 1)[-1].replace('_', ' ')}"
    return key
