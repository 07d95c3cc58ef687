"""Loading clause packs: resolving which packs apply (:mod:`.resolve`), reading each pack's files
(:mod:`.reading`), ordering them (:mod:`.chain`), layering each overlay over the packs before it
(:mod:`.overlays`) and validating the merged result (:mod:`.validation`) — :func:`load_library`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..problems import Problem, ProblemsError
from .chain import Chain, order
from .library import Library, StackEntry
from .overlays import merge
from .reading import PackFiles, read_pack
from .resolve import PackStack, resolve_packs
from .validation import validate


def load_library(
    overlays: Sequence[str | Path] = (),
    *,
    base: str | Path | None = None,
    draft: Any = None,
    allow_paths: Sequence[str | Path] = (),
    strict: bool = False,
    environ: Mapping[str, str] | None = None,
) -> Library:
    """The library a draft is checked and built with: the base pack (bundled, or ``base``: a folder
    or an installed id), the packs the ``draft`` names, then ``overlays`` (folders or installed ids),
    each overlay after the pack it extends. See :mod:`agreement_kit.packs.resolve` for the order.

    Raises :class:`ProblemsError` listing every problem found in every file. Warnings (an upstream
    change to a clause an overlay replaced, an entry naming a clause removed upstream...) are kept
    in :attr:`Library.warnings`; with ``strict=True`` they are errors too.
    """
    if isinstance(draft, (str, Path)):
        from ..drafts.io import load_draft

        draft = load_draft(draft)
    stack = resolve_packs(
        overlays, base=base, draft=draft, allow_paths=allow_paths, environ=environ
    )
    from .cache import load_cached  # the same result, from the cache when no pack file changed

    return load_cached(stack, strict=strict)


def load_library_for(
    draft_path: str | Path,
    overlays: Sequence[str | Path] = (),
    *,
    base: str | Path | None = None,
    allow_paths: Sequence[str | Path] = (),
    strict: bool = False,
) -> Library:
    """The library for the draft at ``draft_path``: exactly what ``agreement-kit check`` loads."""
    return load_library(
        overlays, base=base, draft=draft_path, allow_paths=allow_paths, strict=strict
    )


def load_stack(stack: PackStack, *, strict: bool = False) -> Library:
    """Read, order, merge and validate the packs of ``stack`` (see :func:`load_library`)."""
    if stack.problems:
        raise ProblemsError(
            stack.problems, summary="a clause pack could not be found or is refused"
        )
    problems: list[Problem] = []
    packs = [read_pack(source.dir, problems) for source in stack.sources]
    library, chain = _build(packs, problems)
    if library is not None and chain is not None:
        origins = {source.dir: source.origin for source in stack.sources}
        library.stack = [
            StackEntry(
                id=p.manifest.id,
                version=p.manifest.version,
                dir=str(p.dir),
                origin=origins.get(p.dir, ""),
                extends=chain.parents.get(p.manifest.id),
            )
            for p in chain.packs
            if p.manifest is not None
        ]
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    if library is not None:
        library.warnings = warnings
    if strict and warnings:
        errors += [dataclasses.replace(w, severity="error") for w in warnings]
    if errors or library is None:
        raise ProblemsError(
            errors + ([] if strict else warnings), summary="the clause library is not valid"
        )
    return library


def _build(packs: list[PackFiles], problems: list[Problem]) -> tuple[Library | None, Chain | None]:
    base = packs[0]
    if base.manifest is not None and not Path(base.policy_file).exists():
        problems.append(Problem("the base pack has no policy.yaml", file=base.policy_file))
    if any(p.manifest is None for p in packs) or base.policy is None:
        # still check every clause's own text, so all problems are reported at once
        problems += validate(_stub(packs), packs, structure=False)
        return None, None
    seen: dict[str, PackFiles] = {}
    for pack in packs:
        assert pack.manifest is not None
        if pack.manifest.id in seen:
            line, col = pack.manifest_at.where(("id",)) if pack.manifest_at else (None, None)
            problems.append(
                Problem(
                    f"pack id '{pack.manifest.id}' is already loaded (from {seen[pack.manifest.id].dir})",
                    file=pack.manifest_file,
                    line=line,
                    column=col,
                    field="id",
                    hint="is the same pack given twice? each pack needs its own id",
                )
            )
            return None, None
        seen[pack.manifest.id] = pack
    chain = order(packs, problems, problems)
    library, found = merge(chain)
    problems += found
    problems += validate(library, chain.packs)
    return library, chain


def _stub(packs: list[PackFiles]) -> Library:
    """All clauses that loaded, without structure, for checking clause text on its own."""
    from ..yamlio import Located

    clauses: dict[str, Any] = {}
    located: dict[str, Located] = {}
    for pack in packs:
        for clause, where in pack.clauses:
            clauses[clause.id] = clause
            located[clause.id] = where
    options = {o.id: o for p in packs if p.policy for o in p.policy.options}
    stub = Library(packs=[], requirements={}, options=options, sections=[], clauses=clauses)
    stub.located = located
    return stub
