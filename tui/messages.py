"""Messages the wizard's widgets post up to the screen, which owns the draft."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class AnswerChanged(Message):
    """The user gave an answer (on leaving a field, on Enter, or on a toggle)."""

    path: str
    value: Any


@dataclass
class ItemAdded(Message):
    """Add an empty item to a list of the draft (``agencies`` or ``program.placements``)."""

    list_path: str


@dataclass
class ItemRemoved(Message):
    """Remove item ``index`` from a list of the draft."""

    list_path: str
    index: int


@dataclass
class StepRequested(Message):
    """Go to a step (from the step list, a Back/Next button or a jump)."""

    step: str
    focus: str | None = None  # a draft path to focus once there


@dataclass
class GenerateRequested(Message):
    """Build the documents (``counsel``: the counsel copy, with the library's notes)."""

    output: str
    pdf: bool
    counsel: bool = False


@dataclass
class GenerateProgress(Message):
    """A step of document generation finished (posted from the worker thread)."""

    step: int
    total: int
    text: str


@dataclass
class GenerateFinished(Message):
    """Generation ended: ``written`` lists the files, or ``error`` says why it failed."""

    written: list[str]
    error: str | None = None
    note: str | None = None


@dataclass
class ForgetStaleChoices(Message):
    """Drop choices and answers for clauses, options or values the library no longer has."""


@dataclass
class RequirementSelected(Message):
    """The user picked a requirement in the coverage panel: show the clauses that cover it."""

    requirement: str


@dataclass
class ReviewRecorded(Message):
    """Counsel approves, asks for changes to (``status``), or clears (``None``) these items."""

    ids: list[str]  # "requirement:A", "clause:insurance"
    status: str | None  # "approved", "changes_requested" or None to clear
    by: str | None
    note: str | None
