"""The one resolver: which packs a command, the wizard or the API loads, from where, in what order.

1. **The base**: ``--base``/``base=`` (a folder, or an installed pack's id), else the bundled
   ``wi-psl-sro``.
2. **The draft's** ``packs:``, in order. An entry is a folder (relative to the draft) or the id of an
   installed pack with an optional version range (``cesa-7>=1.2,<2``). A folder must lie inside the
   draft's own folder tree, or inside a folder the user named (``--library``, ``--allow-pack-path``):
   a draft someone sends you cannot make agreement-kit read ``/anywhere/else``.
3. **The command line's** ``--library`` packs (``overlays=``), in order: folders or ids.
4. **What they extend**: a pack whose ``extends:`` names a pack not yet in the list pulls it in from
   the installed packs (:mod:`.discovery`: ``AGREEMENT_KIT_PACKS``, then entry points, then bundled).

The loader then applies them base first, each overlay after the pack it extends (:mod:`.chain`).
The same folder named twice is loaded once, at its first place.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..problems import Problem
from ..resources import bundled_pack_dir
from .discovery import find_installed, installed_packs, manifest_head
from .versions import PackRef, looks_like_ref, parse_ref


@dataclass(frozen=True)
class PackSource:
    """One pack to load: its folder and why it is in the list."""

    dir: Path
    origin: str  # "bundled", "--base", "draft packs[0]", "--library", "extended by x (...)"
    written: str = ""  # the entry as the user wrote it


@dataclass
class PackStack:
    """The packs to load, base first, and any problem finding them."""

    sources: list[PackSource]
    problems: list[Problem] = field(default_factory=list)

    @property
    def dirs(self) -> list[Path]:
        return [s.dir for s in self.sources]


def _is_path(entry: str, root: Path | None) -> bool:
    if any(sep in entry for sep in ("/", "\\")) or entry.startswith(".") or entry.startswith("~"):
        return True
    if root is not None and (root / entry / "pack.yaml").is_file():
        return True  # a folder beside the draft (the form drafts used before ids)
    return not looks_like_ref(entry)


def shown_path(path: str | Path) -> str:
    """``path`` as a person would type it here: relative to the current folder when inside it,
    else absolute, with no ``..`` steps; quoted for a shell when it needs to be."""
    import shlex

    full = Path(os.path.abspath(path))
    try:
        text = str(full.relative_to(Path.cwd()))
    except ValueError:
        text = str(full)
    return shlex.quote(text)


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _installed(
    ref: PackRef, origin: str, environ: Mapping[str, str] | None
) -> tuple[PackSource | None, str]:
    found, same = find_installed(ref, environ)
    if found is not None:
        return PackSource(found.dir, f"{origin}: installed ({found.origin})", str(ref)), ""
    if same:
        versions = ", ".join(f"{p.version} ({p.origin})" for p in same)
        return (
            None,
            f"no installed version of {ref.id} satisfies '{ref.spec}'; installed: {versions}",
        )
    ids = sorted({p.id for p in installed_packs(environ)})
    close = difflib.get_close_matches(ref.id, ids, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return None, (
        f"no installed pack has the id '{ref.id}' ({hint}installed: {', '.join(ids) or 'none'})"
    )


def resolve_packs(
    overlays: Sequence[str | Path] = (),
    *,
    base: str | Path | None = None,
    draft: Any = None,
    allow_paths: Sequence[str | Path] = (),
    environ: Mapping[str, str] | None = None,
) -> PackStack:
    """Which packs to load, in the documented order (see the module docstring).

    ``draft`` is a :class:`~agreement_kit.Draft` (its ``packs:`` are read relative to the file it
    was loaded from, or the current folder) or None. Problems finding a pack are collected in
    :attr:`PackStack.problems` (located at the draft's ``packs:`` entry where that is the cause).
    """
    stack = PackStack([])
    problems = stack.problems
    if base is None:
        stack.sources.append(PackSource(bundled_pack_dir(), "bundled"))
    elif not _is_path(str(base), Path.cwd()):
        source, why = _installed(parse_ref(str(base)), "--base", environ)
        if source is None:
            problems.append(
                Problem(why, field="--base", hint="give a pack folder or an installed id")
            )
            stack.sources.append(PackSource(Path(str(base)), "--base", str(base)))
        else:
            stack.sources.append(source)
    else:
        stack.sources.append(PackSource(Path(base), "--base", str(base)))
    cwd = Path.cwd()
    # every --allow-pack-path is a folder (even 'packs', which could also read as an id)
    trusted = [Path(p).resolve() for p in allow_paths]
    trusted += [Path(p).resolve() for p in overlays if _is_path(str(p), cwd)]
    if draft is not None:
        located = getattr(draft, "_located", None)
        file = located.file if located is not None else None
        root = Path(file).resolve().parent if file and Path(file).exists() else Path.cwd()
        for i, entry in enumerate(draft.packs):
            source, why, hint = _draft_entry(entry, i, root, trusted, environ)
            if source is not None:
                stack.sources.append(source)
                continue
            if located is not None:
                problems.append(located.problem(("packs", i), why, hint=hint, code="pack-refused"))
            else:
                problems.append(Problem(why, file=file, field=f"packs[{i}]", hint=hint))
    for entry in overlays:
        text = str(entry)
        if _is_path(text, cwd):
            stack.sources.append(PackSource(Path(entry), "--library", text))
            continue
        source, why = _installed(parse_ref(text), "--library", environ)
        if source is None:
            problems.append(Problem(why, field="--library"))
        else:
            stack.sources.append(source)
    stack.sources = _unique(stack.sources)
    _pull_in_bases(stack, environ)
    return stack


def _draft_entry(
    entry: str,
    index: int,
    root: Path,
    trusted: list[Path],
    environ: Mapping[str, str] | None,
) -> tuple[PackSource | None, str, str | None]:
    origin = f"draft packs[{index}]"
    if not _is_path(entry, root):
        try:
            ref = parse_ref(entry)
        except ValueError as exc:
            return None, str(exc), None
        source, why = _installed(ref, origin, environ)
        if source is None:
            why = f"no clause pack at '{entry}': no folder {root / entry}, and {why}"
        return source, why, "install the pack, or add its folder to AGREEMENT_KIT_PACKS"
    target = (root / os.path.expanduser(entry)).resolve()
    if not (target / "pack.yaml").is_file():
        return None, f"no clause pack at '{entry}' (looked in {target})", None
    if _within(target, root) or any(_within(target, t) for t in trusted):
        return PackSource(Path(os.path.normpath(root / entry)), origin, entry), "", None
    return (
        None,
        f"the draft names the pack folder '{entry}' ({target}), outside the draft's own folder "
        f"({root}); a draft may load packs only from its own folder tree, installed packs (by id) "
        "or folders given on the command line",
        f"if you trust it, pass --allow-pack-path {target} (or --library {target}); or install "
        "the pack and name it by id",
    )


def _unique(sources: list[PackSource]) -> list[PackSource]:
    seen: set[Path] = set()
    out = []
    for source in sources:
        try:
            key = source.dir.resolve()
        except OSError:
            key = source.dir
        if key not in seen:
            seen.add(key)
            out.append(source)
    return out


def _pull_in_bases(stack: PackStack, environ: Mapping[str, str] | None) -> None:
    """Add the installed packs that loaded overlays extend but nobody listed."""
    heads = {s.dir: manifest_head(s.dir) for s in stack.sources}
    for _ in range(32):  # a chain deeper than this is a mistake; the loader reports the rest
        ids = {h[0] for h in heads.values() if h[0]}
        missing: list[tuple[PackRef, str]] = []
        for source in stack.sources[1:]:
            pack_id, _, extends = heads[source.dir]
            if not extends:
                continue
            try:
                ref = parse_ref(extends)
            except ValueError:
                continue  # the loader reports the malformed line
            if ref.id not in ids and ref.id not in {r.id for r, _ in missing}:
                missing.append((ref, pack_id or source.dir.name))
        added = False
        for ref, child in missing:
            found, _ = _installed(ref, f"extended by {child}", environ)
            if found is not None and found.dir not in heads:
                stack.sources.insert(1, found)
                heads[found.dir] = manifest_head(found.dir)
                added = True
        if not added:
            return
