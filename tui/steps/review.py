"""Step 5: review — what is left out against the library's recommendation, missing answers,
counsel's sign-off and the checklist for counsel (the same data as ``agreement-kit checklist``),
then generate the documents."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, OptionList, ProgressBar, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection
from textual.worker import get_current_worker

from agreement_kit import Checklist as ChecklistData
from agreement_kit import (
    Coverage,
    Draft,
    Library,
    build_checklist,
    checklist_renderable,
)

from ..answers import describe, form_position, stale_choices, step_for_path
from ..messages import ForgetStaleChoices, GenerateRequested, ReviewRecorded, StepRequested
from ..widgets.fields import AnswerCheckbox, AnswerInput, FieldRow
from .base import StepPane

SIGNOFF_LABELS = {
    "approved": "✓ approved",
    "changed": "! changed since",
    "changes_requested": "✎ changes asked",
    "not_reviewed": "· not reviewed",
}
SIGNOFF_STYLES = {
    "approved": "green",
    "changed": "bold red",
    "changes_requested": "yellow",
    "not_reviewed": "dim",
}


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


class Checklist(Static, can_focus=True):
    """The coverage checklist; focusable so the keyboard reaches (and scrolls to) it."""


class ReviewStep(StepPane):
    DEFAULT_CSS = """
    ReviewStep #against { height: auto; }
    ReviewStep #review-items { height: auto; max-height: 12; border: none; }
    ReviewStep #review-bar { height: 1; margin-top: 1; }
    ReviewStep #review-bar Button { width: auto; margin-right: 2; }
    ReviewStep #review-status { margin-top: 1; }
    """

    step_id = "review"
    title = "Review and generate"
    short = "Review"
    intro = "Check that every requirement is covered and every answer given, then generate."

    def __init__(
        self,
        draft: Draft,
        library: Library,
        coverage: Coverage,
        *,
        output: str = "agreement.docx",
        pdf_available: bool = False,
        pdf: bool = False,
    ) -> None:
        super().__init__(draft, library, coverage)
        self.output = output
        self.pdf_available = pdf_available
        self.pdf = pdf and pdf_available
        self.review_states: dict[str, str] = {}
        self.checklist: ChecklistData | None = None
        self._painted: tuple[object, int] | None = None

    def form(self) -> ComposeResult:
        yield Static(id="review-summary")
        yield Static(id="against-title", classes="group-title")
        yield Vertical(id="against")
        yield Static(id="missing-title", classes="group-title")
        yield OptionList(id="missing")
        yield Static(id="problems")
        yield Button("Forget choices the library no longer has", id="forget-stale", compact=True)
        yield Static("Document", classes="group-title")
        yield FieldRow(
            "Short title",
            AnswerInput("title", self.draft.title, placeholder="optional; for the page header"),
        )
        yield FieldRow(
            "Final copy",
            AnswerCheckbox("final", "", self.draft.final),
            help="Yes: no DRAFT marking on the pages",
        )
        yield FieldRow("Save as", Input(self.output, id="output", compact=True))
        if self.pdf_available:
            yield FieldRow(
                "Also a PDF",
                Checkbox("Yes" if self.pdf else "No", self.pdf, id="pdf", compact=True),
            )
        else:
            yield FieldRow(
                "Also a PDF",
                Static("not available (LibreOffice is not installed)", classes="note"),
            )
        with Horizontal(id="generate-bar"):
            yield Button("Generate", id="generate", variant="primary", compact=True)
            yield Button("Counsel copy", id="counsel-copy", compact=True)
            yield ProgressBar(total=2, show_eta=False, id="progress")
        yield Static(id="generate-status")
        yield Static("Counsel's sign-off", classes="group-title", id="signoff-title")
        yield Static(id="signoff-summary")
        yield FieldRow("Reviewer", Input(id="reviewer", placeholder="name", compact=True))
        yield FieldRow(
            "Note",
            Input(id="review-note", placeholder="kept with the review", compact=True),
            help="needed when asking for changes",
        )
        yield SelectionList[str](id="review-items")
        with Horizontal(id="review-bar"):
            yield Button("Approve", id="approve", compact=True)
            yield Button("Request changes", id="request-changes", compact=True)
            yield Button("Clear", id="clear-review", compact=True)
            yield Button("Select all not approved", id="select-pending", compact=True)
        yield Static(id="review-status")
        yield Static("Checklist for counsel", classes="group-title", id="checklist-title")
        yield Checklist(id="checklist")

    def on_mount(self) -> None:
        self.show_coverage()

    def update_view(self, draft: Draft, coverage: Coverage) -> None:
        super().update_view(draft, coverage)
        self.show_coverage()

    def show_coverage(self) -> None:
        coverage = self.coverage
        checklist = build_checklist(self.library, self.draft, coverage)
        self.checklist = checklist
        self.paint_checklist()
        summary = self.query_one("#review-summary", Static)
        if coverage.complete:
            head = "Ready to generate." if checklist.sound else "Ready to generate, but:"
            verdict = checklist.verdict.removeprefix("Complete: ")
            summary.update(f"[b]{head}[/b] {escape(verdict[:1].upper() + verdict[1:])}")
        else:
            count = len(coverage.gaps())
            summary.update(f"[b]Not ready yet:[/b] {plural(count, 'thing')} to resolve.")
        summary.set_class(coverage.complete, "-complete")
        self.show_against(checklist)
        self.show_signoff(checklist)
        missing = coverage.missing_answers
        self.query_one("#missing-title", Static).update(
            f"Missing answers ({len(missing)})" if missing else "Missing answers: none"
        )
        listing = self.query_one("#missing", OptionList)
        listing.clear_options()
        titles = {c.id: c.title for c in coverage.clauses}
        for path in sorted(missing, key=lambda p: form_position(p, self.library)):
            prompt = Text(no_wrap=True, overflow="ellipsis")
            prompt.append(describe(path, self.library))
            needed = ", ".join(titles.get(c, c) for c in missing[path])
            prompt.append(f"  needed by {needed}", style="dim")
            listing.add_option(Option(prompt, id=path))
        listing.display = bool(missing)
        if missing:
            listing.highlighted = 0
        problems = self.query_one("#problems", Static)
        problems.update("\n".join(f"⚠ {escape(p)}" for p in coverage.problems))
        problems.display = bool(coverage.problems)
        self.query_one("#forget-stale").display = bool(stale_choices(self.draft, self.library))

    def paint_checklist(self) -> None:
        """Lay the checklist out for the panel's width in a worker thread, then show it as styled
        lines: the step answers at once, and Textual only scrolls text instead of laying out every
        table again on each refresh."""
        if self.checklist is None:
            return
        panel = self.query_one("#checklist", Checklist)
        width = max(40, panel.content_size.width or self.content_size.width or 76)
        key = (self.checklist, width)
        if key == self._painted:
            return
        first = self._painted is None or self._painted[1] != width
        self._painted = key
        if first:  # opening the step or a new width: at once, so what is shown is never stale
            panel.update(_lay_out(self.checklist, width))
        else:  # an answer changed: in the background, so the form keeps up with typing
            self._paint(self.checklist, width)

    @work(thread=True, exclusive=True, group="checklist")
    def _paint(self, checklist: ChecklistData, width: int) -> None:
        text = _lay_out(checklist, width)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.query_one("#checklist", Checklist).update, text)

    def on_resize(self) -> None:
        if self.checklist is not None:
            self.call_after_refresh(self.paint_checklist)

    def show_against(self, checklist: ChecklistData) -> None:
        """Recommended clauses left out, first, each with a field for the reason."""
        against = checklist.against_recommendation
        title = self.query_one("#against-title", Static)
        title.update(f"Left out against the library's recommendation ({len(against)})")
        title.display = bool(against)
        box = self.query_one("#against", Vertical)
        wanted = [f"clauses.omitted.{o.id}" for o in against]
        shown = [row.paths[0] for row in box.query(FieldRow)]
        if shown != wanted:
            box.remove_children()
            box.mount_all(
                FieldRow(
                    o.title,
                    AnswerInput(
                        f"clauses.omitted.{o.id}",
                        o.reason,
                        placeholder="why it is left out (needed for a sound agreement)",
                    ),
                    help=o.summary,
                    classes="-needed" if o.unreasoned else None,
                )
                for o in against
            )
        else:
            for row, o in zip(box.query(FieldRow), against, strict=True):
                row.set_class(o.unreasoned, "-needed")
        box.display = bool(against)

    def show_signoff(self, checklist: ChecklistData) -> None:
        """Each requirement and included clause with its sign-off, for approving or asking."""
        totals = checklist.review
        self.query_one("#signoff-summary", Static).update(
            Text(
                f"{totals.approved} approved, {totals.changed} changed since review, "
                f"{totals.changes_requested} with changes requested, "
                f"{totals.not_reviewed} not reviewed."
            )
        )
        items = self.query_one("#review-items", SelectionList)
        selected = set(items.selected)
        rows: list[tuple[str, str, str, str]] = [
            (f"requirement:{r.id}", r.signoff.state, r.id, r.title) for r in checklist.requirements
        ]
        rows += [
            (
                f"clause:{c.id}",
                c.signoff.state if c.signoff else "not_reviewed",
                f"§ {c.number}" if c.number and c.number[0].isdigit() else (c.number or ""),
                c.title,
            )
            for c in checklist.clauses
        ]
        highlighted = items.highlighted
        items.clear_options()
        options = []
        width = max((len(label) for _, _, label, _ in rows), default=0)
        for value, state, label, name in rows:
            prompt = Text(no_wrap=True, overflow="ellipsis")
            prompt.append(f"{SIGNOFF_LABELS[state]:<18}", style=SIGNOFF_STYLES[state])
            prompt.append(f"{label:<{width}}  ", style="bold")
            prompt.append(name)
            options.append(Selection(prompt, value, value in selected))
        items.add_options(options)
        if options:  # keep the cursor where it was (or on the first item)
            items.highlighted = min(highlighted or 0, len(options) - 1)
        self.review_states = {value: state for value, state, _, _ in rows}

    def show_review_status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#review-status", Static)
        status.update(Text(text, style="bold red" if error else ""))
        self.call_after_refresh(self._bring_in, status)

    def focus_first(self) -> None:
        target = "#missing" if self.coverage.missing_answers else "#generate"
        self.query_one(target).focus()

    async def focus_path(self, path: str) -> bool:
        if path == "checklist":
            self.query_one("#checklist", Checklist).focus(scroll_visible=False)
            self.call_after_refresh(
                self.scroll_to_widget, self.query_one("#checklist-title"), top=True
            )
            return True
        if path == "generate":
            button = self.query_one("#generate", Button)
            button.focus(scroll_visible=False)
            status = self.query_one("#generate-status")
            self.call_after_refresh(self._bring_in, status)
            self.set_timer(0.15, lambda: self._bring_in(status))
            return True
        return await super().focus_path(path)

    # ------------------------------------------------------------ generation, shown

    def options(self) -> tuple[str, bool]:
        """Where to write and whether to write a PDF, as the user set them."""
        output = self.query_one("#output", Input).value.strip() or self.output
        found = self.query("#pdf")
        return output, bool(found and found.first(Checkbox).value)

    def show_refusal(self, gaps: list[str]) -> None:
        shown = gaps[:6]
        more = f"\n…and {len(gaps) - 6} more" if len(gaps) > 6 else ""
        text = "[b]Cannot generate yet:[/b]\n" + "\n".join(f"• {escape(g)}" for g in shown) + more
        self.show_status(text, error=True)

    def show_status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#generate-status", Static)
        status.update(text)
        status.set_class(error, "-error")
        self.call_after_refresh(self._bring_in, status)

    def show_progress(self, step: int, total: int) -> None:
        self.query_one("#progress", ProgressBar).update(total=total, progress=step)

    def set_busy(self, busy: bool) -> None:
        self.query_one("#generate", Button).disabled = busy
        self.query_one("#counsel-copy", Button).disabled = busy

    # ------------------------------------------------------------ messages up

    @on(Button.Pressed, "#generate")
    def _generate(self, event: Button.Pressed) -> None:
        event.stop()
        output, pdf = self.options()
        self.post_message(GenerateRequested(output, pdf))

    @on(Button.Pressed, "#counsel-copy")
    def _counsel_copy(self, event: Button.Pressed) -> None:
        event.stop()
        output, _ = self.options()
        self.post_message(GenerateRequested(counsel_output(output), False, counsel=True))

    @on(Checkbox.Changed, "#pdf")
    def _pdf(self, event: Checkbox.Changed) -> None:
        event.checkbox.label = "Yes" if event.value else "No"

    @on(Button.Pressed, "#forget-stale")
    def _forget(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(ForgetStaleChoices())

    @on(Button.Pressed, "#approve, #request-changes, #clear-review")
    def _review(self, event: Button.Pressed) -> None:
        event.stop()
        ids = list(self.query_one("#review-items", SelectionList).selected)
        if not ids:
            self.show_review_status("Select the requirements and clauses first.", error=True)
            return
        status = {"approve": "approved", "request-changes": "changes_requested"}.get(
            event.button.id or ""
        )
        by = self.query_one("#reviewer", Input).value.strip() or None
        note = self.query_one("#review-note", Input).value.strip() or None
        self.post_message(ReviewRecorded(ids, status, by, note))

    @on(Button.Pressed, "#select-pending")
    def _select_pending(self, event: Button.Pressed) -> None:
        event.stop()
        items = self.query_one("#review-items", SelectionList)
        items.deselect_all()
        for value, state in self.review_states.items():
            if state != "approved":
                items.select(value)

    @on(OptionList.OptionSelected, "#missing")
    def _jump(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        path = event.option.id
        if path:
            self.post_message(StepRequested(step_for_path(path), focus=path))


def _lay_out(checklist: ChecklistData, width: int) -> Text:
    """The checklist rendered once at ``width`` into styled lines."""
    console = Console(width=width, file=io.StringIO(), color_system="truecolor")
    options = console.options.update_width(width)
    lines = console.render_lines(checklist_renderable(checklist), options, pad=False)
    text = Text(no_wrap=True)
    for n, line in enumerate(lines):
        if n:
            text.append("\n")
        for segment in line:
            text.append(segment.text, segment.style)
    return text


def counsel_output(output: str) -> str:
    """Where the counsel copy goes: beside the agreement, ``NAME-counsel.docx``."""
    path = Path(output)
    return str(path.with_name(f"{path.stem or 'agreement'}-counsel.docx"))


def default_output(draft_path: Path) -> str:
    return str(draft_path.with_suffix(".docx"))
