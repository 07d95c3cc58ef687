"""The clause context as clause text sees it: read-only, and recording every read.

:func:`tracked` turns the clause context into mappings and lists that know their own path and cannot
be changed by text. While a paragraph renders against them (with :data:`_READS` set), every read is
recorded as ``(path, kind, observation)``: ``kind`` is ``"get"`` (a value, or that it is absent),
``"len"`` (how many items, or which keys) or ``"all"`` (the whole value, e.g. when text prints a
mapping). A paragraph's output depends on nothing else than the clause text and its ``ref()``
targets, so a probe stays valid as long as :func:`observe` of each of its reads gives the same
answer in a later draft's context (:func:`value_at`); :func:`changed_paths` lists where two drafts'
contexts differ, so only the clauses that read there need checking.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any, NoReturn

Path = tuple[str, ...]

Read = tuple[Path, str, Any]  # (path, kind, observation)
ABSENT: Any = object()  # what a path holds when the draft has no answer there

_USED: ContextVar[set[Path] | None] = ContextVar("_USED", default=None)
_READS: ContextVar[list[Read] | None] = ContextVar("_READS", default=None)


def _note(path: Path) -> None:
    used = _USED.get()
    if used is not None and path:
        used.add(path)


# Observations use the base-class methods: the tracked containers' own methods record reads.
def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return ("dict", tuple((k, _freeze(v)) for k, v in dict.items(value)))
    if isinstance(value, list):
        return ("list", tuple(_freeze(v) for v in list.__iter__(value)))
    return (type(value), value)


def observe(kind: str, value: Any) -> Any:
    """What a read of ``kind`` saw in ``value``; equal observations mean an equal outcome.

    Leaves are compared with their type (``1``, ``1.0`` and ``True`` print differently)."""
    if value is ABSENT:
        return None
    if kind == "all":
        return _freeze(value)
    if isinstance(value, dict):
        return ("dict", tuple(dict.__iter__(value))) if kind == "len" else "dict"
    if isinstance(value, list):
        return ("list", list.__len__(value)) if kind == "len" else "list"
    return (type(value), value)


def value_at(context: Any, path: Path) -> Any:
    """The value at ``path`` in a plain context (list items by their index as text), or ABSENT."""
    node = context
    for part in path:
        if isinstance(node, dict):
            node = dict.get(node, part, ABSENT)
        elif isinstance(node, list) and isinstance(part, str) and part.isdigit():
            index = int(part)
            node = node[index] if index < len(node) else ABSENT
        else:
            return ABSENT
        if node is ABSENT:
            return ABSENT
    return node


def _read(path: Path, kind: str, value: Any) -> None:
    reads = _READS.get()
    if reads is not None:
        reads.append((path, kind, observe(kind, value)))


def _refuse(*args: Any, **kwargs: Any) -> NoReturn:
    raise TypeError("clause text cannot change the draft's answers")


class _Dict(dict):
    """A read-only context mapping that knows its path and records what text reads from it."""

    _ak_path: Path = ()

    def __getitem__(self, key: Any) -> Any:
        value = dict.get(self, key, ABSENT)
        _read((*self._ak_path, key), "get", value)
        if value is ABSENT:
            raise KeyError(key)
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        value = dict.get(self, key, ABSENT)
        _read((*self._ak_path, key), "get", value)
        return default if value is ABSENT else value

    def __contains__(self, key: Any) -> bool:
        value = dict.get(self, key, ABSENT)
        _read((*self._ak_path, key), "get", value)
        return value is not ABSENT

    def __iter__(self) -> Iterator[Any]:
        _read(self._ak_path, "len", self)
        return dict.__iter__(self)

    def keys(self) -> Any:
        _read(self._ak_path, "len", self)
        return dict.keys(self)

    def __len__(self) -> int:
        _read(self._ak_path, "len", self)
        return dict.__len__(self)

    def _whole(self) -> None:
        _read(self._ak_path, "all", self)

    def items(self) -> Any:
        self._whole()
        return dict.items(self)

    def values(self) -> Any:
        self._whole()
        return dict.values(self)

    def __eq__(self, other: object) -> bool:
        self._whole()
        return dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        self._whole()
        return dict.__ne__(self, other)

    __hash__ = None

    def __repr__(self) -> str:
        self._whole()
        return dict.__repr__(self)

    __str__ = __repr__

    def copy(self) -> dict[Any, Any]:
        self._whole()
        return dict(dict.items(self))

    __setitem__ = __delitem__ = pop = popitem = setdefault = update = clear = _refuse
    __ior__ = _refuse


class _List(list):
    """A read-only context list that knows its path and records what text reads from it."""

    _ak_path: Path = ()

    def _iterated(self) -> None:
        if not list.__len__(self):  # looping over an empty list of answers uses a missing answer
            _note(self._ak_path)
        leaves = any(not isinstance(v, (dict, list)) for v in list.__iter__(self))
        _read(self._ak_path, "all" if leaves else "len", self)

    def __iter__(self) -> Iterator[Any]:
        self._iterated()
        return list.__iter__(self)

    def __reversed__(self) -> Iterator[Any]:
        self._iterated()
        return list.__reversed__(self)

    def __len__(self) -> int:
        _read(self._ak_path, "len", self)
        return list.__len__(self)

    def __getitem__(self, index: Any) -> Any:
        if not isinstance(index, int):  # a slice
            _read(self._ak_path, "all", self)
            return list.__getitem__(self, index)
        size = list.__len__(self)
        if index < 0:
            _read(self._ak_path, "len", self)
            index += size
        if not 0 <= index < size:
            _read((*self._ak_path, str(index)), "get", ABSENT)
            raise IndexError(index)
        value = list.__getitem__(self, index)
        _read((*self._ak_path, str(index)), "get", value)
        return value

    def _whole(self) -> None:
        _read(self._ak_path, "all", self)

    def __contains__(self, item: object) -> bool:
        self._whole()
        return list.__contains__(self, item)

    def __eq__(self, other: object) -> bool:
        self._whole()
        return list.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        self._whole()
        return list.__ne__(self, other)

    def __lt__(self, other: Any) -> bool:
        self._whole()
        return list.__lt__(self, other)

    def __le__(self, other: Any) -> bool:
        self._whole()
        return list.__le__(self, other)

    def __gt__(self, other: Any) -> bool:
        self._whole()
        return list.__gt__(self, other)

    def __ge__(self, other: Any) -> bool:
        self._whole()
        return list.__ge__(self, other)

    __hash__ = None

    def __repr__(self) -> str:
        self._whole()
        return list.__repr__(self)

    __str__ = __repr__

    def __add__(self, other: Any) -> list[Any]:
        self._whole()
        return list(list.__iter__(self)) + list(other)

    def __mul__(self, count: Any) -> list[Any]:
        self._whole()
        return list(list.__iter__(self)) * count

    __rmul__ = __mul__

    def copy(self) -> list[Any]:
        self._whole()
        return list(list.__iter__(self))

    def index(self, *args: Any) -> int:
        self._whole()
        return list.index(self, *args)

    def count(self, item: Any) -> int:
        self._whole()
        return list.count(self, item)

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = extend = insert = pop = remove = sort = reverse = clear = _refuse


def tracked(value: Any, path: Path = ()) -> Any:
    """The context with ``None`` answers removed, read-only, every mapping and list knowing its path."""
    if isinstance(value, dict):
        out = _Dict((k, tracked(v, (*path, k))) for k, v in value.items() if v is not None)
        out._ak_path = path
        return out
    if isinstance(value, list):
        items = _List(tracked(v, (*path, str(i))) for i, v in enumerate(value))
        items._ak_path = path
        return items
    return value


def changed_paths(old: Any, new: Any, path: Path = (), out: set[Path] | None = None) -> set[Path]:
    """Every path (and each of its ancestors) whose value differs between two plain contexts."""
    out = set() if out is None else out
    if type(old) is not type(new):
        out.add(path)
        if isinstance(old, (dict, list)) or isinstance(new, (dict, list)):
            changed_paths(_children(old), _children(new), path, out)
        return out
    if isinstance(old, dict):
        before = len(out)
        for key in old.keys() | new.keys():
            changed_paths(old.get(key, ABSENT), new.get(key, ABSENT), (*path, key), out)
        if len(out) > before or list(old) != list(new):
            out.add(path)
    elif isinstance(old, list):
        before = len(out)
        for i in range(max(len(old), len(new))):
            changed_paths(
                old[i] if i < len(old) else ABSENT,
                new[i] if i < len(new) else ABSENT,
                (*path, str(i)),
                out,
            )
        if len(out) > before:
            out.add(path)
    elif old != new and old is not new:
        out.add(path)
    return out


def _children(value: Any) -> Any:
    if isinstance(value, list):
        return {str(i): v for i, v in enumerate(value)}
    return value if isinstance(value, dict) else {}
