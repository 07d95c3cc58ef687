"""The step list across the top: where you are, which steps still need answers; click to go."""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from ..messages import StepRequested


class StepItem(Static):
    def __init__(self, step: str, number: int, title: str) -> None:
        super().__init__(id=f"step-{step}", classes="step-item")
        self.step = step
        self.number = number
        self.title = title

    def show(self, current: bool, complete: bool) -> None:
        mark = "✓" if complete else "·"
        self.update(f"{self.number} {self.title} {mark}")
        self.set_class(current, "-current")
        self.set_class(complete, "-complete")

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(StepRequested(self.step))


class StepList(Horizontal):
    """Shows the steps; the screen tells it the current step and which are complete."""

    def __init__(self, steps: Sequence[tuple[str, str]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.steps = list(steps)

    def compose(self) -> ComposeResult:
        for number, (step, title) in enumerate(self.steps, 1):
            yield StepItem(step, number, title)

    def show(self, current: str, complete: set[str]) -> None:
        for item in self.query(StepItem):
            item.show(item.step == current, item.step in complete)
