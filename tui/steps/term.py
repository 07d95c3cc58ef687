"""Step 3: the term of the agreement and the options the district's adopted policy chose."""

from __future__ import annotations

import re

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
            help = option.help
            control: AnswerCheckbox | AnswerSelect
            if option.kind == "bool":
                control = AnswerCheckbox(path, "", bool(value))
                help = yes_help(help)
            else:
                choices = [(c.label, c.value) for c in option.choices]
                control = AnswerSelect(path, choices, str(value), allow_blank=False)
            yield FieldRow(option.question, control, help=help, classes="stacked")


def yes_help(help: str) -> str:
    """A yes/no option's help as the checkbox reads: the pack's 'When true, the report must…'
    becomes 'Yes: the report must…'."""
    text = " ".join(help.split())
    found = re.match(r"(?i)^(when|if) (true|yes|set|checked|on),?\s+", text)
    if not found:
        return text
    rest = text[found.end() :]
    return f"Yes: {rest}"
