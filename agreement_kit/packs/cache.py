"""A cache of validated libraries, so a command does not read and validate the packs every time.

:func:`load_cached` wraps :func:`~agreement_kit.packs.loading.load_stack`. The key is a SHA-256 over
the cache format, the tool's version, a fingerprint of the tool's own code (its modules' sizes and
modification times, so a changed checkout never reuses an old result), the Python and pydantic
versions, ``strict``, and for every pack in the stack its folder, why it was loaded, and the bytes of
every file in it. Any change to any pack file gives a new key; nothing is ever trusted by date.

Two levels:

* **in the process**: the last few libraries, handed out as copies (their dicts and lists are new;
  the frozen models inside are shared), so a long-running process or a batch pays once;
* **on disk**: one JSON file per key in the user's cache folder (``platformdirs``), written
  atomically. JSON holds data only — a cache file cannot run code; classes are rebuilt only from
  agreement-kit's own models, re-validated. A file that cannot be read or decoded is ignored and
  written again; a failing load is never cached (its problems are reported every time).

``AGREEMENT_KIT_NO_CACHE=1`` turns both off (the test suite sets it); ``AGREEMENT_KIT_CACHE_DIR``
puts the files somewhere else.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import decimal
import hashlib
import importlib
import json
import os
import sys
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .. import __version__
from ..yamlio import Located
from .library import Library
from .reading import Sub

if TYPE_CHECKING:
    from .resolve import PackStack

FORMAT = 1
KEEP_FILES = 32  # cache files kept on disk (the oldest are removed)
KEEP_IN_MEMORY = 8
_TAG = "\x00"  # marks an encoded value; a validated key can never hold a NUL character

_MEMORY: OrderedDict[str, Library] = OrderedDict()
_LOCK = threading.Lock()


def enabled() -> bool:
    return os.environ.get("AGREEMENT_KIT_NO_CACHE", "").strip() in ("", "0")


def cache_dir() -> Path:
    override = os.environ.get("AGREEMENT_KIT_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("agreement-kit")) / "libraries"


def load_cached(stack: PackStack, *, strict: bool = False) -> Library:
    """The library ``stack`` loads, from the cache when its packs have not changed."""
    from .loading import load_stack

    if stack.problems or not enabled():
        return load_stack(stack, strict=strict)
    key = stack_key(stack, strict)
    if key is None:
        return load_stack(stack, strict=strict)
    with _LOCK:
        kept = _MEMORY.get(key)
        if kept is not None:
            _MEMORY.move_to_end(key)
            return copy_library(kept)
    library = _read(key)
    if library is None:
        library = load_stack(stack, strict=strict)
        _write(key, library)
    with _LOCK:
        _MEMORY[key] = library
        while len(_MEMORY) > KEEP_IN_MEMORY:
            _MEMORY.popitem(last=False)
    return copy_library(library)


def copy_library(library: Library) -> Library:
    """A copy whose containers are new (changing it cannot change the cached one). The frozen
    models, the YAML locations and what was derived from them are shared: content hashes (checked
    against the clause objects) and, through ``_origin``, the engine's probes (while unchanged)."""
    copy = Library(
        **{f.name: _shallow(getattr(library, f.name)) for f in dataclasses.fields(Library)}
    )
    if "_hashes" in library.__dict__:  # each checked against its clause object on use
        copy.__dict__["_hashes"] = library.__dict__["_hashes"]
    copy.__dict__["_origin"] = library  # its library hash and engine serve the copy while unchanged
    return copy


def _shallow(value: Any) -> Any:
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return list(value)
    return value


# --------------------------------------------------------------------------- the key


def stack_key(stack: PackStack, strict: bool) -> str | None:
    """The cache key for loading ``stack``, or None when a pack file cannot be read."""
    digest = hashlib.sha256()
    head = [FORMAT, __version__, _code_fingerprint(), list(sys.version_info[:2]), strict]
    head.append(_pydantic_version())
    digest.update(json.dumps(head).encode())
    try:
        for source in stack.sources:
            folder = Path(source.dir)
            # the folder as given and the current folder too: problems, hints and the stack
            # name files as the user wrote them, relative to where they ran the command
            where = f"{folder.resolve()}\n{folder}\n{Path.cwd()}"
            digest.update(f"\n{where}\n{source.origin}\n".encode())
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                digest.update(f"{path.relative_to(folder)}\n".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    except OSError:
        return None
    return digest.hexdigest()


def _pydantic_version() -> str:
    import pydantic

    return str(pydantic.VERSION)


_FINGERPRINT: list[str] = []


def _code_fingerprint() -> str:
    """Sizes and modification times of agreement-kit's modules (once per process)."""
    if not _FINGERPRINT:
        root = Path(__file__).resolve().parent.parent
        parts = []
        for path in sorted(root.rglob("*.py")):
            with contextlib.suppress(OSError):
                info = path.stat()
                parts.append(f"{path.relative_to(root)}:{info.st_size}:{info.st_mtime_ns}")
        _FINGERPRINT.append(hashlib.sha256("\n".join(parts).encode()).hexdigest())
    return _FINGERPRINT[0]


# --------------------------------------------------------------------------- reading and writing


def _path(key: str) -> Path:
    return cache_dir() / f"{key}.json"


def _read(key: str) -> Library | None:
    try:
        text = _path(key).read_text(encoding="utf-8")
        data = json.loads(text)
        if data.get("format") != FORMAT or data.get("key") != key:
            return None
        return decode_library(data["library"])
    except Exception:  # missing, unreadable, corrupt or from another version: load afresh
        return None


def _write(key: str, library: Library) -> None:
    from ..yamlio import atomic_write

    try:
        payload = {"format": FORMAT, "key": key, "library": encode_library(library)}
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        if not same(library, decode_library(json.loads(text)["library"])):
            return  # something did not survive the round trip: never cache an approximation
    except Exception:  # a value the format does not hold, and the like: just do not cache
        return
    folder = cache_dir()
    with contextlib.suppress(OSError):
        atomic_write(folder / f"{key}.json", text)
        files = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[KEEP_FILES:]:
            old.unlink(missing_ok=True)


# --------------------------------------------------------------------------- the data format


class _Uncacheable(Exception):  # noqa: N818 (not an error the user sees)
    """The library holds a value this format does not know: it is simply not cached."""


def encode_library(library: Library) -> dict[str, Any]:
    """The library as JSON data: every field, each file's YAML locations once, and the content
    hashes already computed."""
    encoder = _Encoder()
    fields = {f.name: encoder.encode(getattr(library, f.name)) for f in dataclasses.fields(Library)}
    hashes = {cid: library.clause_hash(cid) for cid in library.clauses}
    return {
        "fields": fields,
        "located": encoder.table,
        "hashes": hashes,
        "hash": library.library_hash,
    }


def decode_library(data: dict[str, Any]) -> Library:
    table: list[Located] = []
    for entry in data["located"]:
        if "parent" in entry:
            table.append(Sub(table[entry["parent"]], tuple(_decode(entry["prefix"], table))))
        else:
            marks = {tuple(loc): (line, col) for loc, line, col in entry["marks"]}
            table.append(Located(_decode(entry["data"], table), marks, entry["file"]))
    library = Library(**{name: _decode(v, table) for name, v in data["fields"].items()})
    library.__dict__["_hashes"] = {
        cid: (library.clauses[cid], h)
        for cid, h in data["hashes"].items()
        if cid in library.clauses
    }
    library.__dict__["_library_hash"] = data["hash"]
    return library


class _Encoder:
    """Tagged JSON for the values a library holds; YAML locations go to a table, one per file."""

    def __init__(self) -> None:
        self.table: list[dict[str, Any]] = []
        self.located: dict[int, int] = {}  # id(Located) -> table index
        self.files: dict[int, int] = {}  # id(a file's data) -> index of its file entry

    def encode(self, value: Any) -> Any:
        kind = type(value)
        if value is None or kind in (str, int, float, bool):
            return value
        if kind is list:
            return [self.encode(v) for v in value]
        if kind is dict:
            if all(type(k) is str and k != _TAG for k in value):
                return {k: self.encode(v) for k, v in value.items()}
            pairs = [[self.encode(k), self.encode(v)] for k, v in value.items()]
            return {_TAG: "dict", "v": pairs}
        if kind is tuple:
            return {_TAG: "tuple", "v": [self.encode(v) for v in value]}
        if kind is dt.date:
            return {_TAG: "date", "v": value.isoformat()}
        if isinstance(value, Located):
            return {_TAG: "located", "v": self.locate(value)}
        if isinstance(value, decimal.Decimal):
            return {_TAG: "decimal", "cls": _name(kind), "v": str(value)}
        if isinstance(value, BaseModel):
            dumped = value.model_dump(mode="python", exclude_unset=True)
            return {_TAG: "model", "cls": _name(kind), "v": self.encode(dumped)}
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            state = {f.name: self.encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
            return {_TAG: "dataclass", "cls": _name(kind), "v": state}
        raise _Uncacheable(kind.__name__)

    def locate(self, value: Located) -> int:
        if id(value) in self.located:
            return self.located[id(value)]
        if type(value) not in (Located, Sub):
            raise _Uncacheable(type(value).__name__)
        index = self.files.get(id(value.data))
        if index is None:
            if any(type(p) not in (str, int) for loc in value.marks for p in loc):
                raise _Uncacheable("a YAML location")
            marks = [[list(loc), line, col] for loc, (line, col) in value.marks.items()]
            self.table.append({"file": value.file, "data": self.encode(value.data), "marks": marks})
            index = self.files[id(value.data)] = len(self.table) - 1
        if type(value) is Sub:
            self.table.append({"parent": index, "prefix": self.encode(value.prefix)})
            index = len(self.table) - 1
        self.located[id(value)] = index
        return index


def _name(cls: type) -> str:
    if not cls.__module__.startswith("agreement_kit.") and cls is not decimal.Decimal:
        raise _Uncacheable(cls.__name__)
    return f"{cls.__module__}:{cls.__qualname__}"


def _cls(name: str) -> Any:
    module, _, qualname = name.partition(":")
    if name == "decimal:Decimal":
        return decimal.Decimal
    if not module.startswith("agreement_kit.") or "." in qualname:
        raise ValueError(f"not one of agreement-kit's classes: {name}")
    found = getattr(importlib.import_module(module), qualname)
    if not isinstance(found, type):
        raise ValueError(name)
    return found


def _decode(value: Any, table: list[Located]) -> Any:
    if isinstance(value, list):
        return [_decode(v, table) for v in value]
    if not isinstance(value, dict):
        return value
    tag = value.get(_TAG)
    if tag is None:
        return {k: _decode(v, table) for k, v in value.items()}
    inner: Any = value["v"]
    if tag == "dict":
        return {_decode(k, table): _decode(v, table) for k, v in inner}
    if tag == "tuple":
        return tuple(_decode(v, table) for v in inner)
    if tag == "date":
        return dt.date.fromisoformat(inner)
    if tag == "located":
        return table[inner]
    cls = _cls(value["cls"])
    if tag == "decimal" and issubclass(cls, decimal.Decimal):
        return cls(inner)
    if tag == "model" and issubclass(cls, BaseModel):
        return cls.model_validate(_decode(inner, table))
    if tag == "dataclass" and dataclasses.is_dataclass(cls):
        maker: Any = cls
        return maker(**{k: _decode(v, table) for k, v in inner.items()})
    raise ValueError(f"unknown cache entry {tag!r}")


def same(a: Any, b: Any) -> bool:
    """Whether two libraries (or parts of them) hold the same values; YAML locations compare by
    content, everything else by type and value."""
    if isinstance(a, Located) or isinstance(b, Located):
        return (
            type(a) is type(b)
            and a.file == b.file
            and a.marks == b.marks
            and a.data == b.data
            and getattr(a, "prefix", None) == getattr(b, "prefix", None)
        )
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return all(same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, BaseModel):
        return a == b and a.model_fields_set == b.model_fields_set
    return bool(a == b)
