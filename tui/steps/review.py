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

from ..answers import describe, stale_choices, step_for_path
from ..messages import ForgetStaleChoices, GenerateRequested, StepRequested
from ..widgets.coverage_panel import MARKS, requirement_state
from ..widgets.fields import AnswerCheckbox, AnswerInput, FieldRow
from .base import StepPane


def checklist_table(library: Library, coverage: Coverage) -> Table:
    table = Table(expand=True, box=None, show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("", width=1, no_wrap=True)
    table.add_column("Requirement", ratio=3)
    table.add_column("Covered by", ratio=2)
    titles = {c.id: c.title for c in coverage.clauses}
    for req in coverage.requirements:
        state = requirement_state(req.applies, req.covered_by)
        style = {"covered": "green", "uncovered": "bold red", "na": "dim"}[state]
        if state == "na":
            by = Text("does not apply (policy options)", style="dim")
        elif state == "uncovered":
            by = Text("NOT COVERED", style="bold red")
        else:
            by = Text(", ".join(titles.get(c, c) for c in req.covered_by))
        table.add_row(Text(MARKS[state], style=style), Text(f"{req.id}  {req.title}"), by)
    return table


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
            AnswerCheckbox("final", "No DRAFT marking", self.draft.final),
        )
        yield FieldRow("Save as", Input(self.output, id="output", compact=True))
        pdf_label = "Also write a PDF" if self.pdf_available else "not available (no LibreOffice)"
        yield FieldRow(
            "PDF",
            Checkbox(pdf_label, self.pdf, id="pdf", compact=True, disabled=not self.pdf_available),
        )
        with Horizontal(id="generate-bar"):
            yield Button("Generate", id="generate", variant="primary", compact=True)
            yield ProgressBar(total=2, show_eta=False, id="progress")
        yield Static(id="generate-status")
        yield Static("Coverage checklist", classes="group-title", id="checklist-title")
        yield Static(id="checklist")

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
            summary.update(f"[b]Not ready yet:[/b] {len(coverage.gaps())} thing(s) to resolve.")
        summary.set_class(coverage.complete, "-complete")
        missing = coverage.missing_answers
        self.query_one("#missing-title", Static).update(
            f"Missing answers ({len(missing)})" if missing else "Missing answers: none"
        )
        listing = self.query_one("#missing", OptionList)
        listing.clear_options()
        for path, ids in missing.items():
            prompt = Text(no_wrap=True, overflow="ellipsis")
            prompt.append(describe(path, self.library))
            prompt.append(f"  needed by {', '.join(ids)}", style="dim")
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
            self.query_one("#missing", OptionList).focus()
            self.call_after_refresh(
                self.scroll_to_widget, self.query_one("#checklist-title"), top=True
            )
            return True
        return await super().focus_path(path)

    # ------------------------------------------------------------ generation, shown

    def options(self) -> tuple[str, bool]:
        """Where to write and whether to write a PDF, as the user set them."""
        output = self.query_one("#output", Input).value.strip() or self.output
        return output, self.query_one("#pdf", Checkbox).value

    def show_refusal(self, gaps: list[str]) -> None:
        shown = gaps[:6]
        more = f"\n…and {len(gaps) - 6} more" if len(gaps) > 6 else ""
        text = "[b]Cannot generate yet:[/b]\n" + "\n".join(f"• {escape(g)}" for g in shown) + more
        self.show_status(text, error=True)

    def show_status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#generate-status", Static)
        status.update(text)
        status.set_class(error, "-error")
        self.call_after_refresh(status.scroll_visible)

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
