"""What the wizard's Review step shows: the same checklist, laid out compactly for a terminal."""

from __future__ import annotations

from rich.console import Group

from .layout import checklist_outline
from .model import Checklist
from .to_terminal import render_terminal


def checklist_renderable(checklist: Checklist, *, title: bool = False) -> Group:
    """The checklist as one rich renderable (no guidance columns), exactly the data ``checklist``
    writes: omissions against the recommendation first, deal terms, requirements with their
    clauses and sign-off, alternatives, left-out clauses, points to verify, missing answers,
    parties, deviations and provenance."""
    return render_terminal(checklist_outline(checklist, detail=False), title=title)
