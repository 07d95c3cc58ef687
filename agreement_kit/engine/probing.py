"""Probing clause text: which answers a paragraph reads, which of them are missing, what it prints.

:func:`probe_clause` renders a clause's paragraphs against the :func:`~.tracking.tracked` context
with an Undefined that prints nothing for a missing answer and notes its path — except when text
only tests it for truth (``{% if x %}``), which is how text makes an answer optional. The result
(:class:`ClauseProbe`) holds the missing answers, any other problem, whether the text printed words
and every read (:mod:`.tracking`), which is what the engine (:mod:`.session`) keys its reuse on.
:func:`render_clause` renders the clause for the agreement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jinja2 import ChainableUndefined
from jinja2.runtime import Undefined
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from jinja2.utils import missing as _missing

from ..packs.models import Clause
from .sandbox import describe, make_environment
from .templating import _PROBE_TEMPLATES, ClauseRenderError, _template, is_literal, render_text
from .tracking import _READS, _USED, Path, Read, _Dict, _List, _note
from .values import ValueProblem


def _probe_path(obj: Any, name: Any) -> Path:
    if isinstance(name, _ProbeUndefined):  # a missing answer used as an index: it is needed
        _note(name._probe)
        return ()
    if isinstance(name, Undefined):
        return ()
    if isinstance(obj, _ProbeUndefined):
        return (*obj._probe, str(name)) if obj._probe else ()
    if isinstance(obj, (_Dict, _List)):
        return (*obj._ak_path, str(name))
    if obj is None or obj is _missing:
        return (str(name),)
    return ()  # an item of a literal list or of a plain value: not an answer of the draft


class _ProbeUndefined(ChainableUndefined):
    """Undefined that records the answer's path when text prints it, loops over it, computes with
    it or compares it (``x == 'automatic'``) — but not when it is only tested for truth
    (``{% if x %}``), which is how text makes an answer optional."""

    __slots__ = ("_probe",)

    def __init__(self, hint: Any = None, obj: Any = None, name: Any = None, exc: Any = None):
        super().__init__(hint, obj, name, exc)
        self._probe = _probe_path(obj, name) if name is not None else ()

    def __str__(self) -> str:
        _note(self._probe)
        return ""

    def __eq__(self, other: Any) -> bool:  # choosing a branch by an answer needs the answer
        _note(self._probe)
        return isinstance(other, Undefined)

    def __ne__(self, other: Any) -> bool:
        _note(self._probe)
        return not isinstance(other, Undefined)

    __hash__ = ChainableUndefined.__hash__

    def __iter__(self):
        _note(self._probe)
        return iter(())

    def __len__(self) -> int:
        _note(self._probe)
        return 0

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> Any:
        _note(self._probe)
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _fail_with_undefined_error
    __truediv__ = __rtruediv__ = __mod__ = __rmod__ = __pos__ = __neg__ = _fail_with_undefined_error
    __lt__ = __le__ = __gt__ = __ge__ = __int__ = __float__ = _fail_with_undefined_error
    __getitem__ = ChainableUndefined.__getattr__


def _probe_environment() -> SandboxedEnvironment:
    env = make_environment()
    env.undefined = _ProbeUndefined
    return env


PROBE_ENV = _probe_environment()


def probe_paragraph(
    source: str, context: dict[str, Any], ref: Callable[[str], str], reads: list[Read]
) -> tuple[set[Path], str]:
    """Render ``source`` against a :func:`tracked` context: the missing answers it uses and what it
    printed (missing answers print nothing). Every read is appended to ``reads``, also when the
    paragraph fails: errors other than missing answers (a bad reference, a value a filter cannot
    format) propagate as :class:`~.templating.ClauseRenderError` or the original exception."""
    if is_literal(source):
        return set(), source
    used: set[Path] = set()
    used_token = _USED.set(used)
    reads_token = _READS.set(reads)
    try:
        names = dict(dict.items(context))  # the top-level names are always there: not reads
        names["ref"] = ref
        text = _template(PROBE_ENV, _PROBE_TEMPLATES, source).render(names)
    finally:
        _USED.reset(used_token)
        _READS.reset(reads_token)
    return used, text


def probe(source: str, context: dict[str, Any], ref: Callable[[str], str]) -> set[Path]:
    """Paths of the answers that ``source`` actually uses and ``context`` (from :func:`tracked`)
    lacks; see :func:`probe_paragraph`."""
    return probe_paragraph(source, context, ref, [])[0]


@dataclass(frozen=True)
class RenderedClause:
    """One clause's paragraphs, each ``(text, None)`` or ``(None, why it failed)``, and the
    number each ``ref()`` target printed (valid while those numbers stay the same)."""

    numbers: tuple[tuple[str, str | None], ...]
    parts: tuple[tuple[str | None, str | None], ...]


@dataclass
class ClauseProbe:
    """What probing one clause found; valid while its reads and ref() targets are unchanged."""

    clause: Clause
    missing: tuple[Path, ...]  # context paths of missing answers, in text order
    problem: str | None  # why it cannot be rendered even with the answers
    has_words: bool  # its text prints words for these answers
    refs: dict[str, bool]  # ref() target -> was it included
    reads: tuple[Read, ...]
    rendered: RenderedClause | None = None  # set by the engine once rendered


def probe_clause(
    clause: Clause, context: dict[str, Any], included: set[str], file: str | None = None
) -> ClauseProbe:
    """Probe every paragraph of ``clause`` (stopping at the first that cannot be rendered even
    with all its answers: a reference to an excluded clause, a value a filter cannot format, or
    the sandbox refusing the text — which is the pack's doing, so the message names ``file``)."""
    cid = clause.id
    refs: dict[str, bool] = {}

    def ref(target: str) -> str:
        refs[target] = target in included
        if not refs[target]:
            raise ClauseRenderError(
                cid,
                f"refers to clause {target}, which is not included; include {target} "
                "or choose another alternative",
            )
        return "Section 0.0"

    reads: list[Read] = []
    missing: list[Path] = []
    printed: list[str] = []
    problem = None
    for source in clause.text:
        try:
            paths, text = probe_paragraph(source, context, ref, reads)
        except ClauseRenderError as exc:
            problem = f"clause {cid} {exc.message}"
            break
        except SecurityError as exc:  # the sandbox or its budget: the pack's doing, not the draft's
            problem = (
                f"clause {cid}{f' ({file})' if file else ''} cannot be rendered: {exc}; "
                "this is a problem in the clause pack's text, not in the answers"
            )
            break
        except ValueProblem as exc:  # an answer a filter cannot format: the draft's doing
            problem = f"clause {cid} cannot be rendered with these answers: {exc}"
            break
        except Exception as exc:  # anything else the text does: the pack's doing
            problem = (
                f"clause {cid}{f' ({file})' if file else ''} cannot be rendered: "
                f"{describe(exc)}; this is a problem in the clause pack's text, not in the answers"
            )
            break
        missing += [p for p in sorted(paths) if p not in missing]
        printed.append(text)
    has_words = any(ch.isalnum() for text in printed for ch in text)
    return ClauseProbe(clause, tuple(missing), problem, has_words, refs, tuple(reads))


def render_clause(
    clause: Clause, context: dict[str, Any], ref: Callable[[str], str], used: dict[str, str | None]
) -> RenderedClause:
    """Render every paragraph of ``clause``; ``ref`` records in ``used`` the numbers it printed."""
    parts: list[tuple[str | None, str | None]] = []
    for source in clause.text:
        try:
            parts.append((render_text(clause.id, source, context, ref), None))
        except ClauseRenderError as exc:
            parts.append((None, exc.message))
    return RenderedClause(tuple(used.items()), tuple(parts))
