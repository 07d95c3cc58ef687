"""Writing draft YAML that keeps a person's layout: comments, key order, quoting and flow style.

ruamel.yaml's round-trip mode loads a file into maps and lists that remember their comments and
styles. :func:`apply_changes` puts only the values that changed between two drafts into that
document (so an untouched line is written back exactly as it was), and :func:`emit` writes it with
the file's own indentation and way of writing "no value". Reading a draft for checking stays with
:mod:`agreement_kit.yamlio` (strict and located); ruamel is used only to write.

Every string is written so that it reads back as the same string, whether the reader is
agreement-kit, a YAML 1.2 reader or an old YAML 1.1 one: ``"07:30"``, ``"no"``, ``"1.0"`` and
``"null"`` are quoted; ``&``, ``<``, ``#``, quotes and any Unicode come back as typed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, ScalarString
from ruamel.yaml.tokens import CommentToken

# ---------------------------------------------------------------- layout of an existing file


@dataclass(frozen=True)
class Layout:
    """How a file is indented and how it writes an empty value (``null``, ``~`` or nothing)."""

    mapping: int = 2
    sequence: int = 4
    offset: int = 2
    null: str = "null"


_KEY_LINE = re.compile(r"^( *)([^\s#-][^:#]*|\"[^\"]*\"|'[^']*'):(\s.*)?$")
_ITEM_LINE = re.compile(r"^( *)- ")
_EMPTY_VALUE = re.compile(r":[ \t]*(#.*)?$")
_NULL_VALUE = re.compile(r":[ \t]+(null|~)[ \t]*(#.*)?$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def guess_layout(text: str) -> Layout:
    """The indentation and null style ``text`` uses (the usual ones where it shows none)."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    mapping = offset = sequence = None
    nulls = {"null": 0, "~": 0, "": 0}
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        key = _KEY_LINE.match(line)
        if key and _EMPTY_VALUE.search(line) and not line.lstrip().startswith("- "):
            deeper = following and _indent(following) > _indent(line)
            item = _ITEM_LINE.match(following)
            if item and _indent(following) >= _indent(line):
                if offset is None:
                    offset = _indent(following) - _indent(line)
                    sequence = offset + 2
            elif deeper and mapping is None:
                mapping = _indent(following) - _indent(line)
            elif not deeper:
                nulls[""] += 1
        found = _NULL_VALUE.search(line)
        if found:
            nulls[found.group(1)] += 1
    null = max(nulls, key=lambda k: (nulls[k], k == "null"))
    return Layout(
        mapping=mapping or 2,
        sequence=sequence if sequence is not None else 4,
        offset=offset if offset is not None else 2,
        null=null if any(nulls.values()) else "null",
    )


# ---------------------------------------------------------------- emitter


def _null_representer(style: str) -> type[RoundTripRepresenter]:
    class Representer(RoundTripRepresenter):
        def ignore_aliases(self, data: Any) -> bool:
            return True  # drafts hold no anchors or aliases (the reader refuses them)

    def represent_none(representer: RoundTripRepresenter, data: None) -> Any:
        return representer.represent_scalar("tag:yaml.org,2002:null", style)

    Representer.add_representer(type(None), represent_none)
    return Representer


_REPRESENTERS = {style: _null_representer(style) for style in ("null", "~", "")}


def yaml_for(layout: Layout) -> YAML:
    """A round-trip YAML reader/writer set up for ``layout``."""
    y = YAML(typ="rt")
    y.Representer = _REPRESENTERS.get(layout.null, _REPRESENTERS["null"])
    y.width = 4096  # never re-wrap a long answer onto two lines
    y.preserve_quotes = True
    y.allow_unicode = True
    y.indent(mapping=layout.mapping, sequence=layout.sequence, offset=layout.offset)
    return y


def load_document(text: str) -> tuple[Any, Layout]:
    """``text`` as a round-trip document and its layout. Raises ruamel's errors on bad YAML."""
    layout = guess_layout(text)
    return yaml_for(layout).load(text), layout


def emit(document: Any, layout: Layout) -> str:
    out = io.StringIO()
    yaml_for(layout).dump(document, out)
    return out.getvalue()


# ---------------------------------------------------------------- values as they will be written

_PY_RESOLVER = yaml.resolver.Resolver()  # YAML 1.1, as PyYAML and many older tools read it
_YAML11_BOOLS = {"y", "n", "yes", "no", "on", "off", "true", "false"}


def needs_quotes(text: str) -> bool:
    """True when some YAML reader would take ``text``, written plain, for something else."""
    if not text or text.lower() in _YAML11_BOOLS or text[0].isdigit():
        return True  # times, numbers-as-text and dates are quoted for readers that guess
    tag = _PY_RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    return tag != "tag:yaml.org,2002:str"


_BREAKS = ("\x85", "\u2028", "\u2029")  # line breaks to YAML 1.1; written as escapes


def _scalar(value: Any, like: Any = None) -> Any:
    if isinstance(value, str):
        if any(c in value for c in _BREAKS):
            return DoubleQuotedScalarString(value)
        if isinstance(like, ScalarString):
            return type(like)(value)  # keep the person's quoting
        return DoubleQuotedScalarString(value) if needs_quotes(value) else value
    return value


def is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, dt.date))


def _prose(value: Any) -> bool:
    """A sentence rather than a word (negotiated paragraphs): one item a line, not ``[...]``."""
    return isinstance(value, str) and len(value) > 40


def to_node(value: Any, like: Any = None) -> Any:
    """``value`` (plain data from a draft) as round-trip nodes: lists of words in flow style
    (``days: [mon, wed]``), everything else (lists of sentences too) in block style."""
    if isinstance(value, Mapping):
        out = CommentedMap()
        for key, item in value.items():
            out[key] = to_node(item)
        return out
    if isinstance(value, Sequence) and not isinstance(value, str):
        seq = CommentedSeq(to_node(item) for item in value)
        flow = isinstance(like, CommentedSeq) and like.fa.flow_style()
        if flow or all(is_scalar(v) and not _prose(v) for v in value):
            seq.fa.set_flow_style()
        return seq
    return _scalar(value, like)


# ---------------------------------------------------------------- applying changes


def plain(value: Any) -> Any:
    """Draft data as it reads back from YAML: dates as ISO text, for comparing."""
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _same(a: Any, b: Any) -> bool:
    return plain(a) == plain(b)


def _fingerprint(value: Any) -> str:
    return json.dumps(plain(value), sort_keys=True, ensure_ascii=False)


def apply_changes(
    document: CommentedMap,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    parent: tuple[Any, Any] | None = None,
) -> None:
    """Change ``document`` (which reads as ``old``) so that it reads as ``new``, touching only
    what differs: keys that were left out stay left out unless their value changes, new keys go
    where the draft's order puts them, removed dictionary entries are deleted."""
    for key in [k for k in old if k not in new]:
        if key in document:
            _delete(document, key, parent)
    order = list(new)
    for key, value in new.items():
        if key in old and _same(old[key], value):
            continue
        if key not in document:
            before = [k for k in order[: order.index(key)] if k in document]
            _insert(document, list(document).index(before[-1]) + 1 if before else 0, key, value)
            continue
        _replace(document, key, old.get(key), value)


def _replace(container: Any, key: Any, old: Any, new: Any) -> None:
    current = container[key]
    trailing = _peek(container, key)
    if isinstance(new, Mapping) and isinstance(old, Mapping) and isinstance(current, CommentedMap):
        apply_changes(current, old, new, (container, key))
    elif (
        isinstance(new, list)
        and isinstance(old, list)
        and isinstance(current, CommentedSeq)
        and len(current) == len(old)
    ):
        _apply_to_list(current, old, new, (container, key))
    else:
        rest = _pop(container, key)
        container[key] = to_node(new, like=current)
        _push(container, key, rest)
        return
    if trailing and not len(current):  # the block was emptied: keep the notes after it
        current.fa.set_flow_style()
        token = CommentToken("\n" + trailing, CommentMark(0))
        current.ca.comment = [token, None]  # the notes above its first entry went with it
        entry = container.ca.items.setdefault(key, [None, None, None, None])
        entry[2], entry[3] = token, None


def _apply_to_list(
    seq: CommentedSeq, old: list[Any], new: list[Any], parent: tuple[Any, Any] | None = None
) -> None:
    if all(is_scalar(v) for v in [*old, *new]):
        rest = _pop_all(seq)
        while len(seq):
            del seq[len(seq) - 1]
        for item in new:
            seq.append(_scalar(item))
        if len(seq):
            _push(seq, len(seq) - 1, rest)
        return
    matcher = SequenceMatcher(
        a=[_fingerprint(x) for x in old], b=[_fingerprint(x) for x in new], autojunk=False
    )
    # From the end, so that the positions of the earlier items stay where they were.
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag == "equal":
            continue
        common = min(i2 - i1, j2 - j1)
        for k in range(common):
            _replace(seq, i1 + k, old[i1 + k], new[j1 + k])
        for index in range(i2 - 1, i1 + common - 1, -1):
            _delete(seq, index, parent)
        for k, item in enumerate(new[j1 + common : j2]):
            _insert(seq, i1 + common + k, None, item)


# ---------------------------------------------------------------- comments that belong elsewhere
#
# ruamel keeps the comment lines *after* a value with that value (on its innermost last entry):
# the note above the next key hangs on the previous one. When entries are added or removed those
# lines are moved, so that a note stays above what it describes.


def _keys(container: Any) -> list[Any]:
    return list(container) if isinstance(container, CommentedMap) else list(range(len(container)))


def _holder(container: Any, key: Any) -> tuple[Any, Any, int]:
    """Where the comment after ``container[key]`` is kept: (container, key, slot)."""
    value = container[key]
    while (
        isinstance(value, (CommentedMap, CommentedSeq)) and len(value) and not value.fa.flow_style()
    ):
        container, key = value, _keys(value)[-1]
        value = container[key]
    return container, key, 2 if isinstance(container, CommentedMap) else 0


def _token(container: Any, key: Any) -> Any:
    holder, at, slot = _holder(container, key)
    entry = holder.ca.items.get(at)
    return entry[slot] if entry and len(entry) > slot else None


def _split(text: str) -> tuple[str, str]:
    """A comment token's text as (its end-of-line part, the lines after it)."""
    if text.startswith("#"):
        eol, _, rest = text.partition("\n")
        return eol + "\n", rest
    return "\n", text[1:] if text.startswith("\n") else text


def _peek(container: Any, key: Any) -> str:
    token = _token(container, key)
    return _split(token.value)[1] if token is not None else ""


def _pop(container: Any, key: Any) -> str:
    """Take away (and return) the comment lines after ``container[key]``; keep its own comment."""
    token = _token(container, key)
    if token is None:
        return ""
    eol, rest = _split(token.value)
    token.value = eol
    return rest


def _pop_all(container: Any) -> str:
    return _pop(container, _keys(container)[-1]) if len(container) else ""


def _push(container: Any, key: Any, rest: str) -> None:
    """Put comment lines after ``container[key]``."""
    if not rest:
        return
    token = _token(container, key)
    if token is not None:
        token.value = _split(token.value)[0] + rest
        return
    holder, at, slot = _holder(container, key)
    entry = holder.ca.items.setdefault(at, [None, None, None, None])
    entry[slot] = CommentToken("\n" + rest, CommentMark(0))


def _delete(container: Any, key: Any, parent: tuple[Any, Any] | None = None) -> None:
    """Delete an entry; the notes after it now follow the entry before it, or go above the new
    first entry (the notes above the deleted entry go with it)."""
    keys = _keys(container)
    position = keys.index(key)
    rest = _pop(container, key)
    if position > 0:
        _pop(container, keys[position - 1])
    del container[key]
    if position > 0:
        _push(container, keys[position - 1], rest)
    elif len(container) and rest.strip() and parent is not None:
        _set_notes_above_first(container, parent, rest)
    # an emptied block: _replace moves the notes after it


def _set_notes_above_first(container: Any, parent: tuple[Any, Any], rest: str) -> None:
    owner, key = parent
    tokens = [CommentToken(rest.lstrip("\n"), CommentMark(0))]
    entry = owner.ca.items.setdefault(key, [None, None, None, None])
    entry[3] = tokens
    container.ca.comment = [container.ca.comment[0] if container.ca.comment else None, tokens]


def _insert(container: Any, position: int, key: Any, value: Any) -> None:
    """Insert an entry at ``position``; the notes after the entry before it move after it."""
    keys = _keys(container)
    rest = _pop(container, keys[position - 1]) if position > 0 else ""
    node = to_node(value)
    if isinstance(container, CommentedMap):
        container.insert(position, key, node)
        _push(container, key, rest)
    else:
        container.insert(position, node)
        _push(container, position, rest)
