"""The wizard's steps, in order. Each is a form built from the draft."""

from .base import StepPane
from .clauses import ClausesStep
from .parties import PartiesStep
from .program import ProgramStep
from .review import ReviewStep
from .term import TermStep

STEPS: tuple[type[StepPane], ...] = (PartiesStep, ProgramStep, TermStep, ClausesStep, ReviewStep)
"""The step order, as data."""

__all__ = [
    "STEPS",
    "ClausesStep",
    "PartiesStep",
    "ProgramStep",
    "ReviewStep",
    "StepPane",
    "TermStep",
]
