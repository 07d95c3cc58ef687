"""A clause as the agreement would print it with the current answers (no Textual here)."""

from __future__ import annotations

from dataclasses import dataclass

from agreement_kit import Draft, Library, ProblemsError, assemble

from .answers import describe

_GAP = "[missing answer: "


def _words(library: Library, paragraph: str) -> str:
    """'[missing answer: district.board, agencies[0].name]' in the form's words."""
    if not (paragraph.startswith(_GAP) and paragraph.endswith("]")):
        return paragraph
    paths = paragraph[len(_GAP) : -1].split(", ")
    return "[still to answer: " + "; ".join(describe(p, library) for p in paths) + "]"


@dataclass(frozen=True)
class ClausePreview:
    clause_id: str
    included: bool
    number: str
    title: str
    paragraphs: tuple[str, ...]


def with_clause(library: Library, draft: Draft, clause_id: str) -> Draft:
    """The draft with ``clause_id`` chosen (optional clause on, or picked in its group)."""
    clause = library.clauses[clause_id]
    choices = draft.clauses.model_dump()
    if clause.group:
        choices["alternatives"][clause.group] = clause_id
    elif clause.status != "required":
        choices["optional"][clause_id] = True
    else:
        return draft
    return draft.model_copy(update={"clauses": type(draft.clauses).model_validate(choices)})


def is_included(library: Library, draft: Draft, clause_id: str) -> bool:
    clause = library.clauses[clause_id]
    if clause.group:
        pick = draft.clauses.alternatives.get(clause.group)
        if pick is None:
            return library.group_default(clause.group) == clause_id and clause.default
        return pick == clause_id
    if clause.status == "required":
        return True
    wanted = draft.clauses.optional.get(clause_id)
    return clause.default if wanted is None else wanted


def preview_clause(library: Library, draft: Draft, clause_id: str) -> ClausePreview:
    """Render ``clause_id`` with the draft's answers; a left-out clause is shown as if chosen.

    Missing answers show in the text as ``[missing answer: ...]`` (``assemble`` with
    ``allow_incomplete=True``), so the preview works on a half-finished draft.
    """
    included = is_included(library, draft, clause_id)
    source = draft if included else with_clause(library, draft, clause_id)
    clause = library.clauses[clause_id]
    try:
        agreement = assemble(library, source, allow_incomplete=True)
    except ProblemsError as exc:
        lines = tuple(str(p) for p in exc.problems) or (exc.summary,)
        return ClausePreview(clause_id, included, "", clause.title, lines)
    for section in agreement.sections:
        for item in section.clauses:
            if item.id == clause_id:
                paragraphs = tuple(_words(library, p) for p in item.paragraphs)
                return ClausePreview(clause_id, included, item.number, item.title, paragraphs)
    return ClausePreview(clause_id, included, "", clause.title, ("(not in this agreement)",))
