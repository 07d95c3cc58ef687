"""Widgets of the wizard: form controls, the coverage panel and the step list."""

from .coverage_panel import CoveragePanel
from .fields import AnswerCheckbox, AnswerInput, AnswerSelect, DaysPicker, FieldRow
from .step_list import StepList

__all__ = [
    "AnswerCheckbox",
    "AnswerInput",
    "AnswerSelect",
    "CoveragePanel",
    "DaysPicker",
    "FieldRow",
    "StepList",
]
