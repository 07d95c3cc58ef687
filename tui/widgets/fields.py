"""Form controls that edit one answer each, named after its draft path.

Each control posts :class:`~tui.messages.AnswerChanged` when the user gives an answer — text fields
on leaving the field or on Enter (never per keystroke), choices and toggles at once — and the
screen decides what it means. :class:`FieldRow` lays a label, controls, an error line and a help
line out together, so an error always shows beside its field.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.style import Style as RichStyle
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, Static

from ..answers import display, field_id, iso_date
from ..messages import AnswerChanged

_RESTRICT = {
    "date": (r"[0-9/-]*", 10, "YYYY-MM-DD"),
    "time": (r"[0-9:.]*", 5, "HH:MM"),
    "integer": (r"[0-9]*", 6, ""),
    "number": (r"[0-9.,$%-]*", 16, ""),
}


class AnswerInput(Input):
    """A text field for the answer at ``path``; ``kind`` restricts what can be typed."""

    def __init__(
        self,
        path: str,
        value: Any = None,
        *,
        kind: str = "text",
        placeholder: str = "",
        classes: str | None = None,
    ) -> None:
        restrict, max_length, hint = _RESTRICT.get(kind, (None, 0, ""))
        super().__init__(
            display(value),
            placeholder=placeholder or hint,
            restrict=restrict,
            max_length=max_length,
            id=field_id(path),
            compact=True,
            classes=classes,
        )
        self.path = path
        self.kind = kind
        self.committed = display(value)

    def on_mount(self) -> None:
        if self.app.is_headless:  # steady screenshots and snapshots
            self.cursor_blink = False

    def answer(self) -> str:
        """The text as the draft should get it (a time typed as 0730 becomes 07:30)."""
        text = self.value.strip()
        if self.kind == "time" and text.isdigit() and len(text) in (3, 4):
            text = f"{text[:-2]}:{text[-2:]}"
        if self.kind == "date":
            text = iso_date(text)  # 8/1/2026 -> 2026-08-01
        return text

    def commit_needed(self) -> bool:
        """True when the text differs from the draft, or is marked invalid (so a fix is seen)."""
        return self.value.strip() != self.committed.strip() or self.has_class("-invalid")

    def mark_committed(self, value: Any) -> None:
        self.committed = display(value)

    @on(Input.Blurred)
    def _left(self, event: Input.Blurred) -> None:
        self.cursor_position = 0  # show the start of a long answer, not its end
        if self.commit_needed():
            self.post_message(AnswerChanged(self.path, self.answer()))

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        # The wizard screen takes Enter first (a priority binding, so focus moves before the next
        # key is read); this is the fallback elsewhere: commit, and let the screen judge it.
        event.stop()
        if self.commit_needed():
            self.post_message(AnswerChanged(self.path, self.answer()))


class AnswerSelect(Select[str]):
    """A drop-down choice for the answer at ``path``."""

    def __init__(
        self,
        path: str,
        options: Iterable[tuple[str, str]],
        value: str | None = None,
        *,
        prompt: str = "Choose…",
        allow_blank: bool = True,
    ) -> None:
        choices = list(options)
        known = value in {v for _, v in choices}
        super().__init__(
            choices,
            value=value if known and value is not None else Select.NULL,
            prompt=prompt,
            allow_blank=allow_blank,
            id=field_id(path),
            compact=True,
        )
        self.path = path
        self.committed = value if known else None

    @on(Select.Changed)
    def _chosen(self, event: Select.Changed) -> None:
        value = event.value if isinstance(event.value, str) else None
        if value != self.committed:
            self.committed = value
            self.post_message(AnswerChanged(self.path, value))


class AnswerCheckbox(Checkbox):
    """A yes/no answer at ``path``. Its label says which it is ('Yes' / 'No' by default, or
    ``label`` after it), and the box reads [x] or [ ], so on and off never look alike, with or
    without colour."""

    BINDINGS = [Binding("space", "toggle_button", "Toggle", show=False)]  # Enter moves on

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        return Content.assemble(("[x]" if self.value else "[ ]", style))

    def __init__(self, path: str, label: str, value: bool) -> None:
        self.suffix = label
        super().__init__(self._words(bool(value)), bool(value), id=field_id(path), compact=True)
        self.path = path

    def _words(self, value: bool) -> str:
        answer = "Yes" if value else "No"
        return f"{answer} — {self.suffix}" if self.suffix else answer

    @on(Checkbox.Changed)
    def _toggled(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.label = self._words(event.value)
        self.post_message(AnswerChanged(self.path, event.value))


DAYS: tuple[tuple[str, str], ...] = (
    ("mon", "Mo"),
    ("tue", "Tu"),
    ("wed", "We"),
    ("thu", "Th"),
    ("fri", "Fr"),
    ("sat", "Sa"),
    ("sun", "Su"),
)


class DaysPicker(Widget, can_focus=True):
    """The weekdays of a placement: ←/→ move (stopping at Mo and Su), space toggles, click toggles
    a day; Enter moves on like everywhere else. The day under the cursor is shown in brackets, so
    it is visible on a ticked day and without colour."""

    BINDINGS = [
        Binding("left", "move(-1)", "Previous day", show=False),
        Binding("right", "move(1)", "Next day", show=False),
        Binding("space", "toggle_day", "Toggle day", id="toggle-day"),
        Binding("w", "weekdays", "Mon–Fri", id="weekdays"),
    ]
    COMPONENT_CLASSES = {"days--on", "days--cursor"}
    cursor = reactive(0)

    def __init__(self, path: str, days: Sequence[str]) -> None:
        super().__init__(id=field_id(path))
        self.path = path
        self.days = tuple(days)

    def render(self) -> Text:
        text = Text(no_wrap=True)
        on_style = self.get_component_rich_style("days--on")
        cursor_style = self.get_component_rich_style("days--cursor")
        for i, (day, label) in enumerate(DAYS):
            style = on_style if day in self.days else RichStyle()
            here = self.has_focus and i == self.cursor
            if here:  # the cursor's style last, so it wins over the ticked colour
                style = style + cursor_style + RichStyle(reverse=True)
            mark = "■" if day in self.days else "□"
            text.append("[" if here else " ")
            text.append(f"{mark}{label}", style=style)
            text.append("]" if here else " ")
        return text

    def _set(self, days: Iterable[str]) -> None:
        wanted = set(days)
        self.days = tuple(d for d, _ in DAYS if d in wanted)
        self.refresh()
        self.post_message(AnswerChanged(self.path, list(self.days)))

    def action_move(self, delta: int) -> None:
        self.cursor = max(0, min(len(DAYS) - 1, self.cursor + delta))

    def action_toggle_day(self) -> None:
        day = DAYS[self.cursor][0]
        self._set(set(self.days) ^ {day})

    def action_weekdays(self) -> None:
        self._set(["mon", "tue", "wed", "thu", "fri"])

    def on_click(self, event: events.Click) -> None:
        index = event.x // 5
        if 0 <= index < len(DAYS):
            self.cursor = index
            self.action_toggle_day()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


NEEDED = "* "  # before the label of an answer still needed (see the steps' intros)


class FieldRow(Vertical):
    """A label, one or more controls, and the error and help lines that belong to them."""

    def __init__(
        self, label: str, *controls: Widget, help: str = "", classes: str | None = None
    ) -> None:
        super().__init__(classes=classes)
        self.label = label
        self.controls = controls
        self.help = help
        self.errors: dict[str, str] = {}

    @property
    def paths(self) -> list[str]:
        return [c.path for c in self.controls if hasattr(c, "path")]

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-line"):
            yield Static(self.label, classes="field-label")
            yield from self.controls
        yield Static("", classes="field-error")
        if self.help:
            yield Static(self.help, classes="field-help")

    def show_error(self, path: str, message: str | None) -> None:
        """Show (or clear, with ``None``) the error for the control editing ``path``."""
        if message is None:
            self.errors.pop(path, None)
        else:
            self.errors[path] = message
        for control in self.controls:
            if getattr(control, "path", None) == path:
                control.set_class(message is not None, "-invalid")
        self.set_class(bool(self.errors), "-invalid")
        text = "; ".join(self.errors.values())
        self.query_one(".field-error", Static).update(f"⚠ {text}" if text else "")

    def show_needed(self, needed: bool) -> None:
        """Mark the row as still to be answered: a '*' before the label as well as its colour,
        so the mark survives NO_COLOR and monochrome terminals."""
        if needed == self.has_class("-needed") and self.is_mounted:
            return
        self.set_class(needed, "-needed")
        labels = self.query(".field-label")
        if labels:
            labels.first(Static).update(f"{NEEDED}{self.label}" if needed else self.label)
