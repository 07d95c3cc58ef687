"""Assembly: the included clauses in section order, numbered, with their text rendered."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from .. import __version__
from ..drafts.model import Draft
from ..packs.library import Library
from ..problems import Problem, ProblemsError
from .context import DISTRICT_KINDS, days_text, join_and
from .costs import CostEstimate, cost_estimate
from .coverage import Coverage, answer_values, option_values
from .parties import Party, SignatureBlock, party_list, signature_blocks
from .templating import ClauseRenderError
from .values import typed_values

if TYPE_CHECKING:
    from .probing import RenderedClause


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class ClauseRef(_Out):
    """Where ``ref('target')`` printed the target's number in ``paragraphs[paragraph]``: the
    characters ``start:end`` (the "8.1" of "Section 8.1"). The Word render makes them a REF field."""

    paragraph: int
    start: int
    end: int
    target: str


class AssembledClause(_Out):
    number: str  # "3.2"
    id: str
    title: str
    version: str
    paragraphs: list[str]
    refs: list[ClauseRef] = []
    negotiated: bool = (
        False  # prints the parties' agreed wording (draft.negotiated), not the library's
    )


class AssembledSection(_Out):
    number: str  # "3" ("" for recitals)
    id: str
    title: str
    kind: str
    clauses: list[AssembledClause]


class ScheduleRow(_Out):
    building: str
    days: str
    hours: str
    principal: str
    agency: str


class Contact(_Out):
    """A person named in Exhibit A: district administrator, building principals, agency heads."""

    role: str
    name: str | None
    title: str | None
    organization: str


class ClauseProvenance(_Out):
    """Where one included clause came from: its id, author-set version, content hash and pack."""

    id: str
    version: str
    hash: str  # "sha256:…" (agreement_kit.packs.hashing)
    pack: str  # id of the pack that supplied it (the base pack or an overlay)


class Provenance(_Out):
    pack_id: str
    pack_version: str
    overlays: list[str]
    clauses: list[ClauseProvenance]  # every included clause, in library order
    draft_sha256: str
    tool_version: str
    built: str
    library_hash: str = ""  # the whole resolved library (packs.hashing.library_hash)


class Agreement(_Out):
    """Everything the Word template needs, already in the agreement's words."""

    title: str
    short_title: str
    final: bool
    program_title: str
    parties: list[Party]
    sections: list[AssembledSection]
    schedule: list[ScheduleRow]
    signatures: list[SignatureBlock]
    contacts: list[Contact] = []
    effective_date: str | None
    end_date: str | None
    values: dict[str, Any]
    options: dict[str, Any]
    provenance: Provenance
    cost: CostEstimate | None = None  # the per-agency cost table (engine/costs.py)

    def clause_numbers(self) -> dict[str, str]:
        return {c.id: c.number for s in self.sections for c in s.clauses}

    def text(self) -> str:
        """The agreement as plain text (for previews, diffs and tests)."""
        lines = [self.title, ""]
        for section in self.sections:
            heading = f"{section.number}. {section.title}" if section.number else section.title
            lines += [heading.upper(), ""]
            for clause in section.clauses:
                prefix = f"{clause.number} {clause.title}. " if clause.number else ""
                for i, para in enumerate(clause.paragraphs):
                    lines += [(prefix if i == 0 else "") + para, ""]
        return "\n".join(lines)


_REF_OPEN, _REF_CLOSE = (
    "\ue000",
    "\ue001",
)  # private-use marks around a ref() target while rendering
_REF_MARK = re.compile(f"{_REF_OPEN}([a-z0-9-]+){_REF_CLOSE}")


def _resolve_refs(text: str, numbers: dict[str, str], paragraph: int, out: list[ClauseRef]) -> str:
    """Replace the marks ``ref()`` left with the target's number, noting where each one went."""
    if _REF_OPEN not in text:
        return text
    parts: list[str] = []
    length, last = 0, 0
    for match in _REF_MARK.finditer(text):
        parts.append(text[last : match.start()])
        length += match.start() - last
        number = numbers.get(match.group(1), "")
        out.append(
            ClauseRef(
                paragraph=paragraph, start=length, end=length + len(number), target=match.group(1)
            )
        )
        parts.append(number)
        length += len(number)
        last = match.end()
    parts.append(text[last:])
    return "".join(parts).replace(_REF_OPEN, "").replace(_REF_CLOSE, "")


DRAFT_HASH_FORM = (
    "json-sorted-v1"  # how draft_hash serialises a draft; change it only with a new name
)


def gap_problems(coverage: Coverage) -> list[Problem]:
    """Every reason ``coverage`` cannot be built, as located problems (file, line, clause or the
    draft field to answer), in the order :meth:`Coverage.gaps` gives them."""
    out = list(coverage.located) if coverage.located else [Problem(p) for p in coverage.problems]
    out += [
        Problem(
            f"requirement {r.id} ({r.title}) is not covered by any included clause",
            field=f"requirements.{r.id}",
            code="not-covered",
        )
        for r in coverage.uncovered
    ]
    out += [
        Problem(
            f"missing answer {path} (needed by {', '.join(ids)})",
            field=path,
            code="missing-answer",
        )
        for path, ids in coverage.missing_answers.items()
    ]
    return out


def draft_hash(draft: Draft) -> str:
    """SHA-256 (hex) of the draft's answers in a canonical form, stable across loads and saves.

    The form (:data:`DRAFT_HASH_FORM`): the draft as JSON data (``model_dump(mode="json")``: dates
    as ISO dates, every field present), without the wizard's own state (which step was open), keys
    sorted, no spaces, UTF-8 (``ensure_ascii=False``). Comments and layout of the file do not count.
    """
    data = draft.model_dump(mode="json", exclude={"wizard"})
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def number_clauses(library: Library, included: list[str]) -> list[tuple[Any, str, list[Any]]]:
    """Sections with included clauses, numbered: [(section, number, [(clause, number)])]."""
    by_section: dict[str, list[Any]] = {}
    for clause_id in included:
        clause = library.clauses[clause_id]
        by_section.setdefault(clause.section, []).append(clause)
    out = []
    article = 0
    for section in library.sections:
        members = sorted(by_section.get(section.id, ()), key=lambda c: c.order)
        if not members:
            continue
        if section.kind == "recitals":
            out.append((section, "", [(c, "") for c in members]))
            continue
        article += 1
        out.append(
            (section, str(article), [(c, f"{article}.{i}") for i, c in enumerate(members, 1)])
        )
    return out


def ref_kind(number: str | None) -> str | None:
    """What a ref() to a clause numbered ``number`` prints before numbers are filled in."""
    return None if number is None else ("article" if number else "")


def make_ref(clause_id: str, numbers: dict[str, str], used: dict[str, str | None]) -> Any:
    """``ref()`` for rendering ``clause_id``: "Section <mark>" for an included target (the mark
    becomes its number in :func:`_resolve_refs`, after rendering) or "the recitals". Records in
    ``used`` what each target printed — "" (recitals), "article" or None (not included) — which is
    all the rendered text depends on: renumbering does not make a clause render again."""

    def ref(target: str) -> str:
        number = numbers.get(target)
        used[target] = ref_kind(number)
        if number is None:
            raise ClauseRenderError(
                clause_id, f"refers to clause '{target}', which this agreement does not include"
            )
        if not number:
            return "the recitals"
        return f"Section {_REF_OPEN}{target}{_REF_CLOSE}"

    return ref


def _contacts(draft: Draft) -> list[Contact]:
    d = draft.district
    district = d.name or ""
    people = [
        Contact(
            role="District Administrator",
            name=d.administrator.name,
            title=d.administrator.title,
            organization=district,
        )
    ]
    for p in draft.program.placements:
        people.append(
            Contact(
                role="Building Principal",
                name=p.principal,
                title=f"Principal, {p.building}" if p.building else "Principal",
                organization=district,
            )
        )
    for a in draft.agencies:
        people.append(
            Contact(
                role="Agency Head",
                name=a.head.name,
                title=a.head.title,
                organization=a.name or "",
            )
        )
    return list(dict.fromkeys(people))


def assemble(
    library: Library,
    draft: Draft,
    *,
    overlays: list[str] | None = None,
    allow_incomplete: bool = False,
    today: dt.date | None = None,
    coverage: Coverage | None = None,
) -> Agreement:
    """Build the agreement. Raises :class:`ProblemsError` listing every gap unless it is complete.

    ``allow_incomplete`` renders what it can for a preview; a clause with a missing answer then shows
    its gaps as ``[missing: path]``. Pass the ``coverage`` already computed for this draft to skip
    computing it again. Uses the library's shared :class:`~agreement_kit.engine.session.Engine`.
    """
    from .session import engine_for

    return engine_for(library).assemble(
        draft, coverage=coverage, allow_incomplete=allow_incomplete, today=today
    )


def build_agreement(
    library: Library,
    draft: Draft,
    coverage: Coverage,
    context: dict[str, Any],
    render: Callable[[str, dict[str, str]], RenderedClause],
    *,
    draft_sha256: str,
    allow_incomplete: bool = False,
    today: dt.date | None = None,
) -> Agreement:
    """The agreement from a coverage already computed: ``render(clause_id, numbers)`` gives each
    included clause's paragraphs (the engine memoises it); ``context`` is the clause context with
    unanswered leaves removed."""
    if not coverage.complete and not allow_incomplete:
        raise ProblemsError(
            gap_problems(coverage), summary="the agreement is not complete yet", kind="incomplete"
        )
    included = coverage.included
    missing = {c.id: c.missing for c in coverage.clauses if c.missing}
    layout = number_clauses(library, included)
    numbers = {c.id: n for _, _, members in layout for c, n in members}
    problems: list[Problem] = []
    sections = []
    for section, number, members in layout:
        clauses = []
        for clause, clause_number in members:
            paragraphs: list[str] = []
            refs: list[ClauseRef] = []
            for text, error in render(clause.id, numbers).parts:
                if error is None:
                    if text:  # a paragraph that prints nothing for these answers is left out
                        paragraphs.append(_resolve_refs(text, numbers, len(paragraphs), refs))
                    continue
                gaps = missing.get(clause.id)
                message = f"missing answer: {', '.join(gaps)}" if gaps else error
                if not allow_incomplete:
                    problems.append(Problem(message, clause=clause.id))
                paragraphs.append(f"[{message}]")
            title, agreed = clause.title, draft.negotiated.get(clause.id)
            if agreed is not None:  # the wording the parties agreed (docs/drafts.md)
                title, (paragraphs, spans) = agreed.title or title, agreed.printed(numbers)
                refs = [ClauseRef(paragraph=p, start=a, end=b, target=t) for p, a, b, t in spans]
            clauses.append(
                AssembledClause(
                    number=clause_number,
                    id=clause.id,
                    title=title,
                    version=clause.version,
                    paragraphs=paragraphs,
                    refs=refs,
                    negotiated=agreed is not None,
                )
            )
        sections.append(
            AssembledSection(
                number=number,
                id=section.id,
                title=section.title,
                kind=section.kind,
                clauses=clauses,
            )
        )
    if problems:
        raise ProblemsError(problems, summary="some clauses could not be rendered")
    program = context["program"]
    district_name = draft.district.name or "[District]"
    agency_names = join_and([a.name or "[Agency]" for a in draft.agencies])
    schedule = [
        ScheduleRow(
            building=p.building or "",
            days=days_text(list(p.days)) or "",
            hours=(program["placements"][i].get("hours") or ""),
            principal=p.principal or "",
            agency=(draft.agencies[p.agency].name or "") if p.agency < len(draft.agencies) else "",
        )
        for i, p in enumerate(draft.program.placements)
    ]
    return Agreement(
        title=f"Intergovernmental Agreement for a {program['title']}",
        short_title=draft.title or f"{district_name} – {agency_names} {program['name']} Agreement",
        final=draft.final,
        program_title=program["title"],
        parties=party_list(draft, DISTRICT_KINDS),
        sections=sections,
        schedule=schedule,
        signatures=signature_blocks(draft),
        contacts=_contacts(draft),
        effective_date=context["term"].get("effective_date"),
        end_date=context["term"].get("end_date"),
        values={
            k: v
            for k, v in typed_values(library.clause_inputs(), answer_values(library, draft)).items()
            if v is not None
        },
        options=option_values(library, draft),
        cost=cost_estimate(draft, answer_values(library, draft)),
        provenance=Provenance(
            pack_id=library.pack.id,
            pack_version=library.pack.version,
            overlays=[f"{p.id}@{p.version}" for p in library.packs[1:]],
            clauses=[
                ClauseProvenance(
                    id=c,
                    version=library.clauses[c].version,
                    hash=library.clause_hash(c),
                    pack=library.origins.get(c, library.pack.id),
                )
                for c in included
            ],
            draft_sha256=draft_sha256,
            library_hash=library.library_hash,
            tool_version=__version__,
            built=(today or dt.date.today()).isoformat(),
        ),
    )
