"""Safe YAML reading that remembers where every value came from, and atomic file writing."""

from __future__ import annotations

import errno
import math
import os
import re
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem
from .textpolicy import text_problem

Loc = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 surprises: ``7:30`` stays a string, ``no`` stays a string;
    an alias is refused where it is written (the node walk below refuses it too, for loaders
    that compose in C)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _AliasAt(event.start_mark)
        return super().compose_node(parent, index)


class _AliasAt(Exception):
    def __init__(self, mark: Any) -> None:
        self.mark = mark


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag
        not in (
            "tag:yaml.org,2002:bool",
            "tag:yaml.org,2002:int",
            "tag:yaml.org,2002:float",
            "tag:yaml.org,2002:timestamp",  # dates stay text; the models parse and check them
        )
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_PLAIN_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")
_PLAIN_FLOAT = re.compile(r"^[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?$")
_Loader.add_implicit_resolver("tag:yaml.org,2002:int", _PLAIN_INT, list("-+0123456789"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:float", _PLAIN_FLOAT, list("-+0123456789"))

_CLoader: Any = None
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        """libyaml's C parser (about ten times faster) with :class:`_Loader`'s resolvers. Used
        only when a file parses cleanly; anything it would refuse is parsed again by
        :class:`_Loader`, so every message and location reads exactly the same."""

    _CLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


class Located:
    """A YAML document's data plus the line and column of every mapping key and sequence item."""

    def __init__(self, data: Any, marks: dict[Loc, tuple[int, int]], file: str) -> None:
        self.data = data
        self.marks = marks
        self.file = file

    def where(self, loc: Iterable[str | int]) -> tuple[int | None, int | None]:
        """Line and column (1-based) of the deepest known part of ``loc``."""
        path = tuple(loc)
        while path:
            if path in self.marks:
                return self.marks[path]
            path = path[:-1]
        return self.marks.get((), (None, None))

    def problem(self, loc: Iterable[str | int], message: str, **kw: Any) -> Problem:
        loc = tuple(loc)
        line, col = self.where(loc)
        field = kw.pop("field", None) or dotted(loc)
        return Problem(message, file=self.file, line=line, column=col, field=field or None, **kw)


def dotted(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


ALLOWED_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq")
)
MAX_DIGITS = 18  # a number in a draft or a pack has at most this many digits


class _Refused(Exception):
    """Something the policy refuses, found while walking the composed YAML."""

    def __init__(self, node: yaml.Node, message: str, hint: str, loc: Loc) -> None:
        self.node = node
        self.message = message
        self.hint = hint
        self.loc = loc


_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


_SURROGATES = re.compile("[\ud800-\udfff]")


def _join_surrogate_pairs(text: str) -> str:
    """``"\\ud83d\\ude00"`` (JSON's way to escape 😀, which PyYAML decodes as two halves) as the one
    character it means; a half without its partner stays, for the text policy to refuse."""

    def pair(match: re.Match[str]) -> str:
        return match.group().encode("utf-16", "surrogatepass").decode("utf-16")

    return re.sub("[\ud800-\udbff][\udc00-\udfff]", pair, text)


_PLAIN_BY_TAG = {_NUMBER_TAGS[0]: _PLAIN_INT, _NUMBER_TAGS[1]: _PLAIN_FLOAT}


def _scalar_problem(node: yaml.ScalarNode, loc: Loc, *, key: bool) -> _Refused | None:
    what = "this key" if key else "this value"
    if _SURROGATES.search(node.value):
        node.value = _join_surrogate_pairs(node.value)
    message = text_problem(node.value)
    if message:
        return _Refused(node, f"{what} {message}", "retype it without the character", loc)
    plain = _PLAIN_BY_TAG.get(node.tag)
    if plain is not None and not plain.match(node.value.strip()):
        return _Refused(
            node,
            f"'{node.value[:24]}' is not a plain number",
            "write numbers as digits, e.g. 39 or 43.5 (no !!int/!!float forms such as .nan or 0x10)",
            loc,
        )
    if plain is _PLAIN_FLOAT and not math.isfinite(float(node.value.replace("_", "") or "0")):
        return _Refused(
            node,
            f"the number {node.value[:24]} is too large to be a number at all",
            "no amount, count or percentage in an agreement needs that many digits; check the value",
            loc,
        )
    if plain is not None and sum(c.isdigit() for c in node.value) > MAX_DIGITS:
        return _Refused(
            node,
            f"the number {node.value[:24]}{'…' if len(node.value) > 24 else ''} has more than "
            f"{MAX_DIGITS} digits",
            "no amount, count or percentage in an agreement needs that many; check the value",
            loc,
        )
    return None


def _walk(
    node: yaml.Node,
    loc: Loc,
    marks: dict[Loc, tuple[int, int]],
    dupes: list[tuple[Loc, str]],
    seen_nodes: set[int],
    refused: list[_Refused],
) -> None:
    """Record where every key and item is, and what the policy refuses: aliases (a node met
    twice — with PyYAML's Python and C loaders alike an alias is the anchored node itself), tags
    other than the plain core types, and scalars the text policy refuses."""
    if id(node) in seen_nodes:
        raise _Refused(
            node,
            "YAML anchors and aliases (&name / *name) are not allowed",
            "write the value out in full where it is needed",
            loc,
        )
    seen_nodes.add(id(node))
    marks.setdefault(loc, (node.start_mark.line + 1, node.start_mark.column + 1))
    if node.tag not in ALLOWED_TAGS:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        hint = (
            "packs and drafts may hold plain data only: text, numbers, true/false, lists and "
            "mappings (no !!binary, !!set, !!timestamp, !!python or other tags)"
        )
        if tag == "!!merge":
            message = "YAML merge keys (<<) are not allowed"
            hint = "write the keys out in full"
        else:
            message = f"not allowed here: the YAML tag {tag}"
        refused.append(_Refused(node, message, hint, loc))
        return
    if isinstance(node, yaml.ScalarNode):
        found = _scalar_problem(node, loc, key=False)
        if found:
            refused.append(found)
    elif isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                refused.append(
                    _Refused(
                        key_node,
                        "YAML merge keys (<<) are not allowed",
                        "write the keys out in full",
                        loc,
                    )
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in ALLOWED_TAGS:
                refused.append(
                    _Refused(
                        key_node,
                        "a mapping key must be plain text",
                        "write the key as a word, e.g. name:",
                        loc,
                    )
                )
                continue
            if id(key_node) in seen_nodes:
                raise _Refused(
                    key_node,
                    "YAML anchors and aliases (&name / *name) are not allowed",
                    "write the key out",
                    loc,
                )
            seen_nodes.add(id(key_node))
            key = key_node.value
            child = (*loc, key)
            found = _scalar_problem(key_node, loc, key=True)
            if found:
                refused.append(found)
                continue
            marks[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in seen:
                dupes.append((child, key))
                continue
            seen.add(key)
            _walk(value_node, child, marks, dupes, seen_nodes, refused)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*loc, i), marks, dupes, seen_nodes, refused)


def _code(character: str | int) -> int:
    return ord(character) if isinstance(character, str) else int(character)


def _refusal(exc: _Refused, file: str) -> Problem:
    mark = exc.node.start_mark
    return Problem(
        exc.message,
        file=file,
        line=mark.line + 1,
        column=mark.column + 1,
        field=dotted(exc.loc) or None,
        hint=exc.hint,
        code="yaml-refused",
    )


def parse_yaml(text: str, file: str) -> tuple[Located | None, list[Problem]]:
    """Parse ``text`` safely and apply the text policy to every key and value.

    Returns the located data, or None and the problems found. Refused outright (None): YAML
    aliases, tags other than the plain core types, and any key or value that the text policy
    (:mod:`agreement_kit.textpolicy`) refuses — every one of them is reported, each with its line.
    """
    if len(text) > MAX_YAML_BYTES:
        return None, [Problem("the text is larger than 2 MB; is it the right file?", file=file)]
    fast = _parse_clean(text, file)
    if fast is not None:
        return fast
    loader = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is None:
            return Located(None, {}, file), []
        marks: dict[Loc, tuple[int, int]] = {}
        dupes: list[tuple[Loc, str]] = []
        refused: list[_Refused] = []
        _walk(node, (), marks, dupes, set(), refused)
        if refused:
            return None, [_refusal(r, file) for r in refused]
        data = loader.construct_document(node)
    except _Refused as exc:
        return None, [_refusal(exc, file)]
    except _AliasAt as exc:
        return None, [
            Problem(
                "YAML anchors and aliases (&name / *name) are not allowed",
                file=file,
                line=exc.mark.line + 1,
                column=exc.mark.column + 1,
                hint="write the value out in full where it is needed",
                code="yaml-refused",
            )
        ]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        hint = None
        if isinstance(exc, yaml.constructor.ConstructorError):
            message = f"not allowed here: {exc.problem}"
            hint = "packs and drafts may hold plain data only (no !!python or other tags)"
        elif "found character '\\t'" in message:
            hint = "YAML indentation must use spaces, not tabs"
        elif "escape" in message:
            hint = "check the \\ escapes in double-quoted text, or use single quotes"
        else:
            hint = "check the indentation and that text containing ': ' or '#' is quoted"
        return None, [
            Problem(
                f"YAML syntax error: {message}",
                file=file,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
                hint=hint,
                code="yaml-syntax",
            )
        ]
    except yaml.reader.ReaderError as exc:
        return None, [
            Problem(
                f"not a text file: character U+{_code(exc.character):04X} at position "
                f"{exc.position} is not allowed",
                file=file,
                hint="drafts and packs are UTF-8 text; is this the right file?",
                code="yaml-syntax",
            )
        ]
    except yaml.YAMLError as exc:  # unmarked errors
        return None, [Problem(f"YAML error: {exc}", file=file, code="yaml-syntax")]
    except RecursionError:
        return None, [Problem("the YAML is nested too deeply to be a draft or a pack", file=file)]
    except (ValueError, OverflowError) as exc:  # a constructor refusing a value
        return None, [Problem(f"a value cannot be read: {exc}", file=file, code="yaml-syntax")]
    finally:
        if loader is not None:
            loader.dispose()
    return _result(data, marks, dupes, file)


def _result(
    data: Any, marks: dict[Loc, tuple[int, int]], dupes: list[tuple[Loc, str]], file: str
) -> tuple[Located, list[Problem]]:
    located = Located(data, marks, file)
    problems = [located.problem(loc, f"key '{key}' appears twice") for loc, key in dupes]
    return located, problems


def _parse_clean(text: str, file: str) -> tuple[Located | None, list[Problem]] | None:
    """What :func:`parse_yaml` returns, through the C parser — or None when it is not available or
    finds anything to refuse (then the Python parser runs, finds it again and words it). Nodes,
    tags and marks are the same (libyaml counts lines and columns in characters too)."""
    if _CLoader is None:
        return None
    try:
        source = text.encode("utf-8")  # lone surrogates cannot be encoded: the Python path reports
    except UnicodeEncodeError:
        return None
    loader = _CLoader(source)
    try:
        node = loader.get_single_node()
        if node is None:
            return Located(None, {}, file), []
        marks: dict[Loc, tuple[int, int]] = {}
        dupes: list[tuple[Loc, str]] = []
        refused: list[_Refused] = []
        _walk(node, (), marks, dupes, set(), refused)
        if refused:
            return None
        data = loader.construct_document(node)
    except Exception:  # a syntax error, an alias, a value a constructor refuses: word it below
        return None
    finally:
        loader.dispose()
    return _result(data, marks, dupes, file)


MAX_YAML_BYTES = 2_000_000


def read_yaml(path: Path) -> tuple[Located | None, list[Problem]]:
    try:
        if path.exists() and not path.is_file():
            kind = "a folder" if path.is_dir() else "not a regular file"
            return None, [Problem(f"this is {kind}, not a YAML file", file=str(path))]
        if path.stat().st_size > MAX_YAML_BYTES:
            return None, [
                Problem("file is larger than 2 MB; is it the right file?", file=str(path))
            ]
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem("file not found", file=str(path))]
    except UnicodeDecodeError as exc:
        return None, [Problem(f"not UTF-8 text ({exc.reason})", file=str(path))]
    except OSError as exc:
        return None, [Problem(f"cannot read: {exc.strerror}", file=str(path))]
    return parse_yaml(text, str(path))


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; give a new file the usual ones (0666 less umask)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write(path: Path, data: bytes | str, *, overwrite: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    With ``overwrite=False`` an existing file is left alone and
    :class:`~agreement_kit.problems.OutputExistsError` is raised.
    """
    path = Path(path)
    if not overwrite and path.exists():
        from .problems import OutputExistsError

        raise OutputExistsError(path)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "it is a folder", str(path))
    payload = data.encode("utf-8") if isinstance(data, str) else data
    for parent in (path.parent, *path.parent.parents):
        if parent.exists():
            if not parent.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, f"{parent} is a file", str(path))
            break
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_UNION_MEMBERS = {
    "str": "text",
    "bool": "true/false",
    "int": "a whole number",
    "float": "a number",
    "date": "a date (YYYY-MM-DD)",
    "list": "a list",
    "dict": "a mapping",
}


def _member(part: Any) -> str | None:
    """The union member a pydantic error location ends with ('str', 'list[str]'...), if any."""
    if not isinstance(part, str):
        return None
    base = part.split("[", 1)[0]
    if base in _UNION_MEMBERS:
        return base
    if base.startswith(("function-", "literal", "lax-or-strict", "json-or-python")):
        return "other"
    return None


def _merge_unions(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One error per location: a value that fits no member of ``str | bool | ...`` is reported
    once, naming what would fit, not once per member."""
    grouped: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    order: list[tuple[Any, ...]] = []
    out: list[dict[str, Any]] = []
    for err in errors:
        loc = tuple(err["loc"])
        if loc and _member(loc[-1]) and err["type"].endswith(("_type", "_parsing")):
            key = loc[:-1]
            if key not in grouped:
                grouped[key] = []
                order.append(key)
            grouped[key].append(err)
        else:
            out.append(err)
    for key in order:
        group = grouped[key]
        if len(group) == 1:
            out.append({**group[0], "loc": key})
            continue
        kinds = [_UNION_MEMBERS[m] for e in group if (m := _member(e["loc"][-1])) in _UNION_MEMBERS]
        kinds = list(dict.fromkeys(kinds))
        wanted = ", ".join(kinds[:-1]) + f" or {kinds[-1]}" if len(kinds) > 1 else "".join(kinds)
        out.append(
            {
                "loc": key,
                "type": "union_type",
                "msg": f"expected {wanted or 'a different kind of value'}",
                "input": group[0].get("input"),
            }
        )
    return out


def pydantic_problems(exc: Any, located: Located, *, prefix: Loc = (), **kw: Any) -> list[Problem]:
    """Turn a pydantic ValidationError into located problems, one per field."""
    out = []
    for err in _merge_unions(exc.errors()):
        loc = (*prefix, *err["loc"])
        kind = err["type"]
        if kind == "extra_forbidden":
            message = f"unknown key '{loc[-1]}'"
            hint = "check the spelling; see docs for the keys allowed here"
        elif kind == "missing":
            message = f"required key '{loc[-1]}' is missing"
            hint = None
        else:
            message = err["msg"].removeprefix("Value error, ")
            if kind == "string_type":
                message = "expected text"
            # Cross-field checks say which field they blame as "field: message".
            blamed = re.match(r"^([a-z_][a-z_0-9.\[\]]*): ", message)
            if blamed:
                for part in re.findall(r"[a-z_0-9]+|\[\d+\]", blamed.group(1)):
                    loc = (*loc, int(part[1:-1]) if part.startswith("[") else part)
                message = message[blamed.end() :]
            got = err.get("input")
            if got is not None and not isinstance(got, (dict, list)) and "(got " not in message:
                shown = repr(got)
                message += f" (got {shown[:60]}{'…' if len(shown) > 60 else ''})"
            hint = None
            if (
                kind == "string_type"
                and isinstance(got, (int, float))
                and not isinstance(got, bool)
            ):
                if loc and loc[-1] in ("start", "end"):
                    hint = 'put the time in quotes, e.g. "07:30"'
                else:
                    hint = f'put it in quotes if it is meant as text, e.g. "{got}"'
            elif kind.startswith("date"):
                hint = "write dates as YYYY-MM-DD, e.g. 2027-07-01"
        out.append(located.problem(loc, message, hint=hint, **kw))
    return out
