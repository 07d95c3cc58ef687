"""The incremental engine: coverage, clause previews and the assembled agreement for successive
drafts of one library, recomputing only what an answer or a toggle changed.

Create one :class:`Engine` per loaded library and give it each new draft as the user edits::

    from agreement_kit import Engine, load_library

    engine = Engine(load_library())
    coverage = engine.coverage(draft)              # a Coverage, as check_coverage returns
    preview = engine.preview(draft, "term-renewal")  # one clause as the agreement would print it
    agreement = engine.assemble(draft)             # the Agreement, as assemble returns

Drafts are immutable values: pass the new draft each time (the wizard's ``model_copy``); the engine
compares it with the previous one. Calls with the same draft object reuse the last result, so the
wizard may ask for coverage, a preview and the agreement of one draft without extra work. The engine
is safe to call from a worker thread (one call at a time per engine).

Why it is fast: a clause's coverage, missing answers and rendered text depend only on the clause
(its content), the ``ref()`` targets it names (included or not; their numbers) and the answers its
text actually reads — which probing records (:mod:`.probing`). Each clause's probe is kept until one
of those reads changes: a toggle re-probes only the clauses that refer to the toggled one, and an
answer change only the clauses that read that answer. ``check_coverage`` and ``assemble`` use the
library's shared engine (:func:`engine_for`), so they get the same reuse.

:attr:`Engine.stats` counts paragraph probes and renders (tests assert on the counts).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import Any

from ..drafts.io import check_against_library
from ..drafts.model import Draft
from ..packs.library import Library
from ..packs.models import Clause
from ..problems import Problem
from .assembly import (
    Agreement,
    _resolve_refs,
    build_agreement,
    draft_hash,
    make_ref,
    number_clauses,
    ref_kind,
)
from .coverage import (
    ClauseStatus,
    Coverage,
    GroupStatus,
    RequirementStatus,
    _draft_paths,
    applies,
    included_clauses,
    render_context,
)
from .probing import ClauseProbe, RenderedClause, probe_clause, render_clause
from .tracking import Path, changed_paths, observe, tracked, value_at


@dataclass
class EngineStats:
    """Work done so far: paragraphs probed (for coverage) and rendered (for the agreement)."""

    probes: int = 0
    renders: int = 0


@dataclass(frozen=True)
class ClausePreview:
    """One clause as the agreement would print it with the draft's answers. A clause the draft
    leaves out is shown as if it were chosen (``included`` is False); ``paragraphs`` show missing
    answers as ``[missing answer: path, ...]``."""

    clause_id: str
    included: bool
    number: str
    title: str
    paragraphs: tuple[str, ...]
    missing: tuple[str, ...]  # draft paths still to answer for this clause


@dataclass
class _Last:
    """Results for the current draft (thrown away when a different draft comes)."""

    data: dict[str, Any] | None = None  # the draft as data: what "a different draft" compares
    coverage: Coverage | None = None
    hash: str | None = None
    agreements: dict[tuple[bool, dt.date], Agreement] = field(default_factory=dict)


class Engine:
    """Coverage, previews and assembly for successive drafts of one :class:`Library`."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.stats = EngineStats()
        self._lock = threading.RLock()
        self._probes: dict[str, ClauseProbe] = {}
        self._readers: dict[Path, set[str]] = {}  # context path -> clauses whose probe read it
        self._rows: dict[str, tuple[Clause, ClauseStatus]] = {}
        # Coverage state carried from draft to draft; only "dirty" clauses' rows are recomputed.
        self._on: set[str] = set()  # the clauses the previous draft included
        self._dirty: set[str] = set(library.clauses)
        self._waiting: set[str] = set()  # included clauses that still need answers
        self._hollow: set[str] = set()  # included clauses that print no words
        self._clause_problems: dict[str, Problem] = {}
        self._referrers: dict[str, set[str]] = {}  # ref() target -> clauses whose probe asked
        self._order = {cid: i for i, cid in enumerate(library.clauses)}
        self._plain: dict[str, Any] | None = None  # the current draft's context, None removed
        self._tracked: dict[str, Any] = {}
        self._last = _Last()

    # ------------------------------------------------------------------ public

    def coverage(self, draft: Draft) -> Coverage:
        """What :func:`~agreement_kit.check_coverage` returns for ``draft``."""
        with self._lock:
            self._sync(draft)
            if self._last.coverage is None:
                self._last.coverage = self._coverage(draft)
            return self._last.coverage

    def assemble(
        self,
        draft: Draft,
        *,
        coverage: Coverage | None = None,
        allow_incomplete: bool = False,
        today: dt.date | None = None,
    ) -> Agreement:
        """What :func:`~agreement_kit.assemble` returns for ``draft`` (coverage computed once)."""
        with self._lock:
            self._sync(draft)
            key = (allow_incomplete, today or dt.date.today())
            if coverage is None and key in self._last.agreements:
                return self._last.agreements[key]
            coverage = coverage or self.coverage(draft)
            on = set(coverage.included)
            if self._last.hash is None:
                self._last.hash = draft_hash(draft)
            agreement = build_agreement(
                self.library,
                draft,
                coverage,
                self._plain or {},
                lambda cid, numbers: self._render(cid, on, numbers),
                draft_sha256=self._last.hash,
                allow_incomplete=allow_incomplete,
                today=today,
            )
            self._last.agreements[key] = agreement
            return agreement

    def preview(self, draft: Draft, clause_id: str) -> ClausePreview:
        """``clause_id`` as the agreement would print it; a left-out clause as if it were chosen."""
        with self._lock:
            coverage = self.coverage(draft)
            clause = self.library.clauses[clause_id]
            included = coverage.included
            on = set(included)
            chosen = clause_id in on
            if not chosen:  # as if chosen: in its group instead of the group's pick, or added
                siblings = set(self.library.groups.get(clause.group, ())) if clause.group else set()
                included = [
                    c
                    for c in self.library.clauses
                    if c == clause_id or (c in on and c not in siblings)
                ]
                on = set(included)
            numbers = {
                c.id: n
                for _, _, members in number_clauses(self.library, included)
                for c, n in members
            }
            probe = self._probe(clause_id, on)
            missing = self._missing(probe, {})
            paragraphs: list[str] = []
            for text, error in self._render(clause_id, on, numbers).parts:
                if error is None:
                    if text:
                        paragraphs.append(_resolve_refs(text, numbers, len(paragraphs), []))
                else:
                    gaps = ", ".join(missing)
                    paragraphs.append(f"[missing answer: {gaps}]" if missing else f"[{error}]")
            return ClausePreview(
                clause_id,
                chosen,
                numbers.get(clause_id, ""),
                clause.title,
                tuple(paragraphs),
                tuple(missing),
            )

    # ------------------------------------------------------------------ keeping probes valid

    def _sync(self, draft: Draft) -> None:
        """Make ``draft`` current: forget the probes whose reads it changes."""
        data = draft.model_dump(mode="python")
        if data == self._last.data:  # the same answers (even if a different object)
            return
        plain = render_context(self.library, draft)
        if self._plain is not None:
            for path in changed_paths(self._plain, plain):
                for cid in tuple(self._readers.get(path, ())):
                    probe = self._probes.get(cid)
                    if probe is not None and not _still_valid(probe, plain):
                        self._forget(cid)
        self._plain = plain
        self._tracked = tracked(plain)
        self._last = _Last(data=data)

    def _forget(self, cid: str) -> None:
        probe = self._probes.pop(cid, None)
        if probe is None:
            return
        self._dirty.add(cid)
        for path, _, _ in probe.reads:
            readers = self._readers.get(path)
            if readers is not None:
                readers.discard(cid)
        for target in probe.refs:
            self._referrers.get(target, set()).discard(cid)

    def _probe(self, cid: str, on: set[str]) -> ClauseProbe:
        clause = self.library.clauses[cid]
        probe = self._probes.get(cid)
        if probe is not None:
            if probe.clause is clause and all((t in on) == was for t, was in probe.refs.items()):
                return probe
            self._forget(cid)
        self.stats.probes += len(clause.text)
        probe = probe_clause(clause, self._tracked, on, self.library.sources.get(cid))
        self._probes[cid] = probe
        for path, _, _ in probe.reads:
            self._readers.setdefault(path, set()).add(cid)
        for target in probe.refs:
            self._referrers.setdefault(target, set()).add(cid)
        return probe

    def _render(self, cid: str, on: set[str], numbers: dict[str, str]) -> RenderedClause:
        probe = self._probe(cid, on)
        done = probe.rendered
        if done is not None and all(ref_kind(numbers.get(t)) == n for t, n in done.numbers):
            return done
        used: dict[str, str | None] = {}
        self.stats.renders += len(probe.clause.text)
        probe.rendered = render_clause(
            probe.clause, self._tracked, make_ref(cid, numbers, used), used
        )
        return probe.rendered

    # ------------------------------------------------------------------ coverage

    def _missing(self, probe: ClauseProbe, cache: dict[Path, list[str]]) -> list[str]:
        """Draft paths of the answers ``probe`` lacks (where the user gives them)."""
        out: list[str] = []
        if not probe.missing:
            return out
        data = self._last.data or {}
        for path in probe.missing:
            if path not in cache:
                cache[path] = _draft_paths(path, data)
            out += [w for w in cache[path] if w not in out]
        return out

    def _coverage(self, draft: Draft) -> Coverage:
        library = self.library
        included, choice_problems = included_clauses(library, draft)
        on = set(included)
        located = [p for p in check_against_library(draft, library) if p.severity == "error"]
        drafted = len(located)  # these read as before: with their location, "<input>" if none
        located += [Problem(p) for p in choice_problems]
        if not draft.agencies:
            located.append(Problem("the agreement needs at least one agency", field="agencies"))
        if not draft.program.placements:
            located.append(
                Problem(
                    "the program needs at least one building placement (policy item A)",
                    field="program.placements",
                )
            )
        self._update_rows(on)
        located += [
            self._clause_problems[c]
            for c in sorted(self._clause_problems, key=self._order.__getitem__)
        ]
        waiting, hollow = self._waiting, self._hollow
        rows = [self._rows[cid][1] for cid in library.clauses]
        requirements = []
        for r in library.requirements.values():
            covering = library.covering(r.id)
            requirements.append(
                RequirementStatus.model_construct(
                    id=r.id,
                    title=r.title,
                    source=r.source,
                    applies=applies(library, draft, r),
                    covered_by=[c for c in covering if c in on and c not in hollow],
                    waiting_on=[c for c in covering if c in waiting],
                )
            )
        groups = [
            GroupStatus.model_construct(
                id=g,
                required=library.clauses[members[0]].status == "required",
                clauses=members,
                chosen=next((m for m in members if m in on), None),
            )
            for g, members in library.groups.items()
        ]
        return Coverage.model_construct(
            pack=library.pack.id,
            pack_version=library.pack.version,
            overlays=[f"{p.id}@{p.version}" for p in library.packs[1:]],
            requirements=requirements,
            clauses=rows,
            groups=groups,
            problems=[
                str(p) if p.file or i < drafted else p.message for i, p in enumerate(located)
            ],
            located=located,
        )

    def _update_rows(self, on: set[str]) -> None:
        """Recompute the rows that can have changed: clauses whose probe was forgotten, whose
        inclusion flipped or whose ref() targets did, and those still waiting for answers (where the
        user gives a missing answer depends on the draft, not only on what the text read)."""
        flipped = on ^ self._on
        dirty = self._dirty | flipped | self._waiting
        for target in flipped:
            dirty |= self._referrers.get(target, set())
        cache: dict[Path, list[str]] = {}
        for cid in dirty:
            clause = self.library.clauses[cid]
            self._waiting.discard(cid)
            self._hollow.discard(cid)
            self._clause_problems.pop(cid, None)
            missing: list[str] = []
            if cid in on:
                probe = self._probe(cid, on)
                missing = self._missing(probe, cache)
                if missing:
                    self._waiting.add(cid)
                elif probe.problem:
                    self._clause_problems[cid] = Problem(probe.problem, clause=cid)
                elif not probe.has_words:
                    self._hollow.add(cid)
                    self._clause_problems[cid] = self._hollow_problem(clause)
            self._row(clause, cid in on, missing)
        self._dirty.clear()
        self._on = on

    def _hollow_problem(self, clause: Clause) -> Problem:
        where = self.library.located.get(clause.id)
        line, column = where.where(("text",)) if where is not None else (None, None)
        covers = f"; it cannot cover {', '.join(clause.covers)}" if clause.covers else ""
        return Problem(
            f"clause {clause.id} ({clause.title}) prints no words for these answers{covers}",
            file=self.library.sources.get(clause.id),
            line=line,
            column=column,
            clause=clause.id,
            field="text",
            hint="give the clause wording that prints for every answer (text inside an {% if %} "
            "that is false prints nothing), or leave the clause out",
            code="clause-prints-nothing",
        )

    def _row(self, clause: Clause, on: bool, missing: list[str]) -> ClauseStatus:
        kept = self._rows.get(clause.id)
        if kept and kept[0] is clause and kept[1].included == on and kept[1].missing == missing:
            return kept[1]
        row = ClauseStatus.model_construct(
            id=clause.id,
            title=clause.title,
            section=clause.section,
            status=clause.status,
            group=clause.group,
            included=on,
            covers=list(clause.covers),
            missing=missing,
        )
        self._rows[clause.id] = (clause, row)
        return row


def _still_valid(probe: ClauseProbe, plain: dict[str, Any]) -> bool:
    return all(observe(kind, value_at(plain, path)) == seen for path, kind, seen in probe.reads)


_ENGINES_LOCK = threading.Lock()


def engine_for(library: Library) -> Engine:
    """The library's shared engine (created on first use), used by ``check_coverage``/``assemble``.
    Copies of a cached library (:mod:`agreement_kit.packs.cache`) share their original's engine
    while they hold the same clauses, requirements, options and sections; a copy that was changed
    gets its own."""
    origin = library.__dict__.get("_origin")
    owner = origin if origin is not None and origin.same_objects(library) else library
    engine = owner.__dict__.get("_engine")
    if engine is None:
        with _ENGINES_LOCK:
            engine = owner.__dict__.get("_engine")
            if engine is None:
                engine = Engine(owner)
                owner.__dict__["_engine"] = engine
    return engine
