"""Safe YAML reading that remembers where every value came from, and atomic file writing."""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

Loc = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 surprises: ``7:30`` stays a string, ``no`` stays a string."""


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
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789"),
)


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


class _AliasFound(Exception):
    def __init__(self, node: yaml.Node) -> None:
        self.node = node


def _walk(
    node: yaml.Node,
    loc: Loc,
    marks: dict[Loc, tuple[int, int]],
    dupes: list[tuple[Loc, str]],
    seen_nodes: set[int],
) -> None:
    if id(node) in seen_nodes and not isinstance(node, yaml.ScalarNode):
        raise _AliasFound(node)
    seen_nodes.add(id(node))
    marks.setdefault(loc, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            child = (*loc, key)
            if key in seen:
                marks[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                dupes.append((child, key))
                continue
            seen.add(key)
            marks[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _walk(value_node, child, marks, dupes, seen_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*loc, i), marks, dupes, seen_nodes)


def _code(character: str | int) -> int:
    return ord(character) if isinstance(character, str) else int(character)


def parse_yaml(text: str, file: str) -> tuple[Located | None, list[Problem]]:
    """Parse ``text`` safely. Returns the located data, or None and the problems found."""
    loader = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is None:
            return Located(None, {}, file), []
        marks: dict[Loc, tuple[int, int]] = {}
        dupes: list[tuple[Loc, str]] = []
        _walk(node, (), marks, dupes, set())
        data = loader.construct_document(node)
    except _AliasFound as exc:
        mark = exc.node.start_mark
        return None, [
            Problem(
                "YAML anchors and aliases (&name / *name) are not allowed",
                file=file,
                line=mark.line + 1,
                column=mark.column + 1,
                hint="write the value out in full",
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
        else:
            hint = "check the indentation and that text containing ': ' or '#' is quoted"
        return None, [
            Problem(
                f"YAML syntax error: {message}",
                file=file,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
                hint=hint,
            )
        ]
    except yaml.reader.ReaderError as exc:
        return None, [
            Problem(
                f"not a text file: character U+{_code(exc.character):04X} at position "
                f"{exc.position} is not allowed",
                file=file,
                hint="drafts and packs are UTF-8 text; is this the right file?",
            )
        ]
    except yaml.YAMLError as exc:  # unmarked errors
        return None, [Problem(f"YAML error: {exc}", file=file)]
    except RecursionError:
        return None, [Problem("the YAML is nested too deeply to be a draft or a pack", file=file)]
    finally:
        if loader is not None:
            loader.dispose()
    located = Located(data, marks, file)
    problems = [located.problem(loc, f"key '{key}' appears twice") for loc, key in dupes]
    return located, problems


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

    With ``overwrite=False`` an existing file is left alone and FileExistsError is raised.
    """
    path = Path(path)
    if not overwrite and path.exists():
        raise FileExistsError(str(path))
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


def pydantic_problems(exc: Any, located: Located, *, prefix: Loc = (), **kw: Any) -> list[Problem]:
    """Turn a pydantic ValidationError into located problems."""
    out = []
    for err in exc.errors():
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
            # Cross-field checks say which field they blame as "field: message".
            blamed = re.match(r"^([a-z_][a-z_0-9.\[\]]*): ", message)
            if blamed:
                for part in re.findall(r"[a-z_0-9]+|\[\d+\]", blamed.group(1)):
                    loc = (*loc, int(part[1:-1]) if part.startswith("[") else part)
                message = message[blamed.end() :]
            got = err.get("input")
            if got is not None and not isinstance(got, (dict, list)):
                message += f" (got {got!r})"
            hint = None
            if kind == "string_type" and isinstance(got, (int, float)):
                hint = 'put the value in quotes, e.g. "07:30" or "1.0"'
            elif kind.startswith("date"):
                hint = "write dates as YYYY-MM-DD, e.g. 2027-07-01"
        out.append(located.problem(loc, message, hint=hint, **kw))
    return out
