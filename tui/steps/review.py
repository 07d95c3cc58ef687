"""Step 5: review the coverage checklist and missing answers, then generate the documents."""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Checkbox, Input, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from agreement_kit import Coverage, Draft, Library

from ..answers import describe, form_position, stale_choices, step_for_path
from ..messages import ForgetStaleChoices, GenerateRequested, StepRequested
from ..widgets.coverage_panel import MARKS
from ..widgets.fields import AnswerCheckbox, AnswerInput, FieldRow
from .base import StepPane


def checklist_table(library: Library, coverage: Coverage) -> Table:
    table = Table(expand=True, box=None, show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("", width=1, no_wrap=True)
    table.add_column("Requirement", ratio=3)
    table.add_column("Covered by", ratio=2)
    titles = {c.id: c.title for c in coverage.clauses}
    styles = {
        "covered": "green",
        "needs-answers": "yellow",
        "not-covered": "bold red",
        "not-applicable": "dim",
    }
    for req in coverage.requirements:
        state = req.state
        names = ", ".join(titles.get(c, c) for c in req.covered_by)
        if state == "not-applicable":
            by = Text("does not apply (policy options)", style="dim")
        elif state == "not-covered":
            by = Text("NOT COVERED", style="bold red")
        elif state == "needs-answers":
            by = Text(f"{names} (needs answers)", style="yellow")
        else:
            by = Text(names)
        label = f"{req.id}  {req.title}" if len(req.id) <= 2 else req.title
        table.add_row(Text(MARKS[state], style=styles[state]), Text(label), by)
    return table


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


class Checklist(Static, can_focus=True):
    """The coverage checklist; focusable so the keyboard reaches (and scrolls to) it."""


class ReviewStep(StepPane):
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

    def form(self) -> ComposeResult:
        yield Static(id="review-summary")
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
            yield ProgressBar(total=2, show_eta=False, id="progress")
        yield Static(id="generate-status")
        yield Static("Coverage checklist", classes="group-title", id="checklist-title")
        yield Checklist(id="checklist")

    def on_mount(self) -> None:
        self.show_coverage()

    def update_view(self, draft: Draft, coverage: Coverage) -> None:
        super().update_view(draft, coverage)
        self.show_coverage()

    def show_coverage(self) -> None:
        coverage = self.coverage
        self.query_one("#checklist", Static).update(checklist_table(self.library, coverage))
        summary = self.query_one("#review-summary", Static)
        if coverage.complete:
            summary.update("[b]Ready to generate.[/b] Every requirement is covered.")
        else:
            count = len(coverage.gaps())
            summary.update(f"[b]Not ready yet:[/b] {plural(count, 'thing')} to resolve.")
        summary.set_class(coverage.complete, "-complete")
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

    # ------------------------------------------------------------ messages up

    @on(Button.Pressed, "#generate")
    def _generate(self, event: Button.Pressed) -> None:
        event.stop()
        output, pdf = self.options()
        self.post_message(GenerateRequested(output, pdf))

    @on(Checkbox.Changed, "#pdf")
    def _pdf(self, event: Checkbox.Changed) -> None:
        event.checkbox.label = "Yes" if event.value else "No"

    @on(Button.Pressed, "#forget-stale")
    def _forget(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(ForgetStaleChoices())

    @on(OptionList.OptionSelected, "#missing")
    def _jump(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        path = event.option.id
        if path:
            self.post_message(StepRequested(step_for_path(path), focus=path))


def default_output(draft_path: Path) -> str:
    return str(draft_path.with_suffix(".docx"))
