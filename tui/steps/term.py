"""Step 3: the term of the agreement and the options the district's adopted policy chose."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from ..widgets.fields import AnswerCheckbox, AnswerInput, AnswerSelect, FieldRow
from .base import StepPane

RENEWALS = [
    ("No renewal", "none"),
    ("Renews automatically", "automatic"),
    ("Renewal by written agreement", "by_agreement"),
]


class TermStep(StepPane):
    step_id = "term"
    title = "Term and policy options"
    short = "Term"
    intro = "How long the agreement runs, and the options your board adopted."

    def form(self) -> ComposeResult:
        term = self.draft.term
        yield Static("Term", classes="group-title")
        yield FieldRow("Effective date", AnswerInput("term.effective", term.effective, kind="date"))
        yield FieldRow(
            "End date",
            AnswerInput("term.end", term.end, kind="date"),
            help="must be after the effective date",
        )
        yield FieldRow("Renewal", AnswerSelect("term.renewal", RENEWALS, term.renewal))
        yield FieldRow(
            "Renewal years",
            AnswerInput("term.renewal_years", term.renewal_years, kind="integer"),
            help="each renewal period, 1 to 10",
        )
        if not self.library.options:
            return
        yield Static("Policy 8407 options", classes="group-title")
        for option in self.library.options.values():
            path = f"policy_options.{option.id}"
            value = self.draft.policy_options.get(option.id, option.default)
            if option.kind == "bool":
                control = AnswerCheckbox(path, "Yes", bool(value))
            else:
                choices = [(c.label, c.value) for c in option.choices]
                control = AnswerSelect(path, choices, str(value), allow_blank=False)
            yield FieldRow(option.question, control, help=option.help, classes="stacked")
