"""What every step of the wizard has: a form built from the draft, errors and needed-answer marks."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Static

from agreement_kit import Coverage, Draft, Library

from ..answers import display, field_id, parse_path
from ..messages import ItemAdded, ItemRemoved
from ..widgets.fields import AnswerInput, FieldRow


class ListButton(Button):
    """Adds an item to, or removes one from, a list of the draft."""

    def __init__(
        self, label: str, list_path: str, index: int | None = None, *, id: str | None = None
    ) -> None:
        super().__init__(label, compact=True, id=id)
        self.list_path = list_path
        self.index = index


class StepPane(VerticalScroll, can_focus=False):
    """One step's form. Built from the draft it is given; it never changes the draft itself.

    The pane itself takes no focus (a tab stop that shows nothing); focusing a field scrolls it
    into view."""

    step_id: ClassVar[str] = ""
    title: ClassVar[str] = ""
    short: ClassVar[str] = ""  # for the step list
    intro: ClassVar[str] = ""

    def __init__(self, draft: Draft, library: Library, coverage: Coverage) -> None:
        super().__init__(id=f"pane-{self.step_id}", classes="step-pane")
        self.draft = draft
        self.library = library
        self.coverage = coverage

    def compose(self) -> ComposeResult:
        yield Static(self.title, classes="step-title")
        if self.intro:
            yield Static(self.intro, classes="step-intro")
        yield from self.form()

    def form(self) -> ComposeResult:  # pragma: no cover - every step overrides it
        yield from ()

    def on_mount(self) -> None:
        self.mark_needed()

    # ------------------------------------------------------------ attributes down

    def update_view(self, draft: Draft, coverage: Coverage) -> None:
        """The screen replaced the draft (after an answer); refresh what depends on it."""
        self.draft = draft
        self.coverage = coverage
        self.mark_needed()

    def mark_needed(self) -> None:
        missing = self.coverage.missing_answers
        for row in self.query(FieldRow):
            row.show_needed(any(p in missing for p in row.paths))

    def pending(self) -> list[tuple[str, str]]:
        """Text typed but not yet committed (the field still has focus), as (path, text)."""
        return [(i.path, i.answer()) for i in self.query(AnswerInput) if i.commit_needed()]

    def typed(self, path: str) -> str | None:
        """The text in the field for ``path`` as it would be answered, or None (no such field)."""
        control = self.control_for(path)
        return control.answer() if isinstance(control, AnswerInput) else None

    def control_for(self, path: str) -> Widget | None:
        found = self.query(f"#{field_id(path)}")
        return found.first() if found else None

    def show_error(self, path: str, message: str | None) -> None:
        control = self.control_for(path)
        if control is None:
            return
        for row in control.ancestors:
            if isinstance(row, FieldRow):
                row.show_error(path, message)
                break

    def accept(self, path: str, value: object) -> None:
        """The answer at ``path`` was taken: clear its error and show it as the draft holds it."""
        self.show_error(path, None)
        control = self.control_for(path)
        if isinstance(control, AnswerInput):
            shown = display(value)
            if control.value.strip() != shown and not control.has_focus:
                control.value = shown
            control.mark_committed(value)

    async def focus_path(self, path: str) -> bool:
        """Focus the control for ``path`` (or the nearest thing to it); False if there is none."""
        control = self.control_for(path)
        if control is None:
            name = str(parse_path(path)[-1]) if path else ""
            found = self.query(f"#add-{name}") if name.isidentifier() else None
            control = found.first() if found else None
        if control is None:
            return False
        control.focus(scroll_visible=False)
        row = next((a for a in control.ancestors if isinstance(a, FieldRow)), control)
        # After the layout settles (a just-mounted form has no size yet), bring the whole row in;
        # once more a moment later, as a form rebuilt after adding an item can settle late.
        self.call_after_refresh(self._bring_in, row)
        self.set_timer(0.15, lambda: self._bring_in(row))
        return True

    def _bring_in(self, row: Widget) -> None:
        if not row.is_attached:
            return
        siblings = list(self.children)
        at = siblings.index(row) if row in siblings else 0
        title = siblings[at - 1] if at > 0 else None  # an item's first field: its heading too
        if isinstance(title, Horizontal) and title.has_class("item-title"):
            self.scroll_to_widget(title, animate=False, top=False)
        row.scroll_visible(animate=False)

    def focus_first(self) -> None:
        for widget in self.query("Input, Select, Checkbox, DaysPicker, OptionList, Button"):
            if widget.focusable:
                widget.focus()
                return

    # ------------------------------------------------------------ messages up

    @on(Button.Pressed, "ListButton")
    def _list_button(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button
        assert isinstance(button, ListButton)
        if button.index is None:
            self.post_message(ItemAdded(button.list_path))
        else:
            self.post_message(ItemRemoved(button.list_path, button.index))
