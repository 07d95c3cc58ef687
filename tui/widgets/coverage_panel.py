"""The live coverage panel: each requirement of the policy, covered or not, beside every step."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from agreement_kit import Coverage, Library

from ..messages import RequirementSelected

# A requirement's state (RequirementStatus.state) -> its mark and the CSS class of its row.
MARKS = {"covered": "✓", "needs-answers": "◐", "not-covered": "✗", "not-applicable": "–"}
CLASSES = {
    "covered": "-covered",
    "needs-answers": "-needs",
    "not-covered": "-uncovered",
    "not-applicable": "-na",
}


class RequirementRow(Static):
    """One requirement; a click asks to see the clauses that cover it."""

    def __init__(self, requirement: str) -> None:
        super().__init__(id=f"req-{requirement}", classes="req")
        self.requirement = requirement

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(RequirementSelected(self.requirement))


class CoveragePanel(VerticalScroll, can_focus=False):
    """Shows a :class:`Coverage`; the screen hands it a new one whenever the draft changes."""

    def __init__(self, library: Library, coverage: Coverage, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.library = library
        self.coverage = coverage

    def compose(self) -> ComposeResult:
        yield Static(id="coverage-title")
        yield Static(id="coverage-missing")
        for req in self.library.requirements.values():
            yield RequirementRow(req.id)
        yield Static("✓ covered  ◐ needs answers\n✗ not covered  – n/a", id="coverage-legend")

    def on_mount(self) -> None:
        self.show(self.coverage)

    def show(self, coverage: Coverage) -> None:
        self.coverage = coverage
        applying = [r for r in coverage.requirements if r.applies]
        covered = sum(1 for r in applying if r.state == "covered")
        self.query_one("#coverage-title", Static).update(
            f"[b]Policy coverage[/b]  {covered}/{len(applying)} ✓"
        )
        titles = {c.id: c.title for c in coverage.clauses}
        for req in coverage.requirements:
            state = req.state
            label = req.id if len(req.id) <= 2 else ""
            text = f"{MARKS[state]} {label + ' ' if label else ''}{req.title}"
            row = self.query_one(f"#req-{req.id}", Static)
            row.update(text)
            for name, css in CLASSES.items():
                row.set_class(state == name, css)
            by = ", ".join(titles.get(c, c) for c in req.covered_by)
            summary = " ".join(self.library.requirements[req.id].summary.split())
            detail = {
                "covered": f"Covered by: {by}",
                "needs-answers": f"Covered by {by} once its answers are given",
                "not-covered": "NOT COVERED: include a clause that covers it",
                "not-applicable": "Does not apply under the chosen policy options",
            }[state]
            row.tooltip = f"{summary}\n{detail}\n(click to see the clauses)"
        missing = len(coverage.missing_answers)
        problems = len(coverage.problems)
        if coverage.complete:
            footer = "[b]Ready to generate[/b]"
        else:
            parts = []
            if missing:
                parts.append(f"{missing} answer{'s' * (missing != 1)} missing")
            if problems:
                parts.append(f"{problems} problem{'s' * (problems != 1)}")
            uncovered = len(coverage.uncovered)
            if uncovered:
                parts.append(f"{uncovered} not covered")
            footer = " · ".join(parts)
        widget = self.query_one("#coverage-missing", Static)
        widget.update(footer)
        widget.set_class(coverage.complete, "-complete")
