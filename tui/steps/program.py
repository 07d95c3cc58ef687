"""Step 2: the program — its name, officers, and the placement in each school building."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from ..widgets.fields import AnswerInput, AnswerSelect, DaysPicker, FieldRow
from .base import ListButton, StepPane

PROGRAM_NAMES = [
    ("Police School Liaison (PSL)", "PSL"),
    ("School Resource Officer (SRO)", "SRO"),
]


class ProgramStep(StepPane):
    step_id = "program"
    title = "Program"
    short = "Program"
    intro = "Where and when a liaison is placed in each building (policy 8407, item A)."

    def form(self) -> ComposeResult:
        program = self.draft.program
        agencies = [(a.name or f"Agency {i + 1}", i) for i, a in enumerate(self.draft.agencies)]
        yield FieldRow(
            "Program name",
            AnswerSelect("program.name", PROGRAM_NAMES, program.name, allow_blank=False),
        )
        yield FieldRow(
            "Officers",
            AnswerInput("program.officer_count", program.officer_count, kind="integer"),
            help="liaison officers in all"
            + (", from every agency together" if len(agencies) > 1 else ""),
        )
        yield Static("School buildings", classes="group-title")
        if not program.placements:
            yield Static(
                "No buildings yet. Add each building a liaison serves.", classes="empty-note"
            )
        for i, p in enumerate(program.placements):
            at = f"program.placements[{i}]"
            with Horizontal(classes="item-title"):
                yield Static(f"Building {i + 1}", classes="item-name")
                yield ListButton("Remove", "program.placements", i, id=f"remove-placements-{i}")
            yield FieldRow(
                "Name", AnswerInput(f"{at}.building", p.building, placeholder="School name")
            )
            yield FieldRow(
                "Principal",
                AnswerInput(f"{at}.principal", p.principal, placeholder="Name"),
                help="the District's liaison here",
            )
            yield FieldRow(
                "Days",
                DaysPicker(f"{at}.days", p.days),
                help="space toggles · w = Mon–Fri",
            )
            yield FieldRow(
                "Hours",
                AnswerInput(f"{at}.start", p.start, kind="time", classes="time"),
                Static("to", classes="between"),
                AnswerInput(f"{at}.end", p.end, kind="time", classes="time"),
                help="24-hour clock, e.g. 07:30",
            )
            if len(agencies) > 1:
                yield FieldRow(
                    "Agency",
                    AnswerSelect(
                        f"{at}.agency",
                        [(name, str(i)) for name, i in agencies],
                        str(p.agency),
                        allow_blank=False,
                    ),
                )
        yield ListButton("+ Add a school building", "program.placements", id="add-placements")
