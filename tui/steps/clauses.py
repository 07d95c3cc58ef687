"""Step 4: the clauses, by section — required ones locked, optional ones toggled, alternatives
chosen — with the selected clause's answers, a preview with the current answers, and its
guidance note for counsel."""

from __future__ import annotations

import os

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from agreement_kit import Coverage, Draft, Library

from ..messages import AnswerChanged
from ..preview import is_included, preview_clause
from ..widgets.fields import AnswerInput, AnswerSelect, FieldRow
from .base import StepPane

# How a clause input's kind is typed (see AnswerInput); text and anything else is free text.
_INPUT_KINDS = {
    "integer": "integer",
    "number": "number",
    "money": "number",
    "percent": "number",
    "date": "date",
}


class ClauseList(OptionList):
    """The clauses by section. Enter, space or a click includes/leaves out or chooses."""

    BINDINGS = [Binding("space", "select", "Include / choose", id="toggle-clause", show=False)]


def mark(library: Library, draft: Draft, clause_id: str) -> str:
    """The list mark: [■] required, [x]/[ ] optional, (•)/( ) alternative."""
    clause = library.clauses[clause_id]
    on_ = is_included(library, draft, clause_id)
    if clause.group:
        return "(•)" if on_ else "( )"
    if clause.status == "required":
        return "[■]"
    return "[x]" if on_ else "[ ]"


def alternative_names(library: Library) -> dict[str, str]:
    """Short names that tell apart alternatives sharing a title: the part of their ids that
    differs ('attire-uniform', 'attire-plain-clothes' -> 'uniform', 'plain clothes')."""
    out: dict[str, str] = {}
    for members in library.groups.values():
        titles = [library.clauses[m].title for m in members]
        if len(set(titles)) == len(titles):
            continue
        prefix = os.path.commonprefix(members)
        prefix = prefix[: prefix.rfind("-") + 1]
        for member in members:
            out[member] = member.removeprefix(prefix).replace("-", " ") or member
    return out


class ClausesStep(StepPane):
    step_id = "clauses"
    title = "Clauses"
    short = "Clauses"
    intro = r"Enter/space: include or choose · \[■] required \[x] optional (•) pick one"

    def __init__(self, draft: Draft, library: Library, coverage: Coverage) -> None:
        super().__init__(draft, library, coverage)
        self.current: str | None = next(iter(self.ordered()), None)
        self.variants = alternative_names(self.library)

    def ordered(self) -> list[str]:
        """Clause ids in agreement order (by section, then order within it)."""
        out: list[str] = []
        for section in self.library.sections:
            members = [c for c in self.library.clauses.values() if c.section == section.id]
            out += [c.id for c in sorted(members, key=lambda c: c.order)]
        return out

    def _prompt(self, clause_id: str) -> Text:
        clause = self.library.clauses[clause_id]
        text = Text()  # cut short or wrapped by the list's CSS (narrow / wide)
        text.append(f" {mark(self.library, self.draft, clause_id)} ")
        text.append(clause.title)
        variant = self.variants.get(clause_id)
        if variant:
            text.append(f" · {variant}")
        items = [r for r in clause.covers if len(r) <= 2]  # policy items A–I, by letter
        if items:
            text.append(f"  {', '.join(items)}", style="dim")
        return text

    def form(self) -> ComposeResult:
        options: list[Option] = []
        for section in self.library.sections:
            members = [c for c in self.library.clauses.values() if c.section == section.id]
            if not members:
                continue
            options.append(
                Option(
                    Text(section.title, style="bold", no_wrap=True, overflow="ellipsis"),
                    disabled=True,
                )
            )
            for clause in sorted(members, key=lambda c: c.order):
                options.append(Option(self._prompt(clause.id), id=clause.id))
        with Container(id="clause-split"):
            yield ClauseList(*options, id="clause-list")
            with VerticalScroll(id="clause-detail"):
                yield Static(id="clause-head")
                yield Vertical(id="clause-inputs")
                yield Static("Preview", classes="detail-title")
                yield Static(id="clause-preview")
                yield Static("Guidance for counsel", classes="detail-title")
                yield Static(id="clause-guidance")
                yield Static(id="clause-citations")

    # The base class's on_mount runs too: Textual calls the handler of every class in the MRO.
    async def on_mount(self) -> None:  # type: ignore[override]
        if self.current:
            listing = self.query_one(ClauseList)
            listing.highlighted = listing.get_option_index(self.current)
            await self.show_clause(self.current)

    # ------------------------------------------------------------ the detail pane

    async def show_clause(self, clause_id: str) -> None:
        """Show ``clause_id`` in the detail pane, with its answer fields."""
        self.render_detail(clause_id)
        await self._rebuild_inputs(clause_id)

    def render_detail(self, clause_id: str) -> None:
        self.current = clause_id
        clause = self.library.clauses[clause_id]
        included = is_included(self.library, self.draft, clause_id)
        preview = preview_clause(self.library, self.draft, clause_id)
        if clause.group:
            others = len(self.library.groups.get(clause.group, [])) - 1
            pick = "pick one" if clause.status == "required" else "pick one or none"
            kind = f"one of {others + 1} alternatives ({pick})"
        else:
            kind = clause.status
        state = "included" if included else "left out"
        requirements = self.library.requirements
        covers = "; ".join(
            (f"{r} " if len(r) <= 2 else "") + requirements[r].title if r in requirements else r
            for r in clause.covers
        )
        title = clause.title + (
            f" · {self.variants[clause_id]}" if clause_id in self.variants else ""
        )
        head = f"[b]{escape(title)}[/b]\n{kind} · [b]{state}[/b]"
        if covers:
            head += f"\nCovers: {escape(covers)}"
        if clause.summary:
            head += f"\n{escape(clause.summary)}"
        self.query_one("#clause-head", Static).update(head)
        number = f"{preview.number} " if preview.number else ""
        body = f"[b]{escape(number + preview.title)}.[/b] " + "\n\n".join(
            escape(p) for p in preview.paragraphs
        )
        if not included:
            body = "[i]Not in the agreement now; this is how it would read if chosen.[/i]\n" + body
        self.query_one("#clause-preview", Static).update(body)
        guidance = " ".join(clause.guidance.split()) or "(none)"
        self.query_one("#clause-guidance", Static).update(escape(guidance))
        cites = "; ".join(clause.citations)
        lines = [f"Citations: {escape(cites)}"] if cites else []
        lines.append(f"For counsel: clause {escape(clause.id)}, version {escape(clause.version)}")
        self.query_one("#clause-citations", Static).update(f"[dim]{chr(10).join(lines)}[/dim]")

    async def _rebuild_inputs(self, clause_id: str) -> None:
        box = self.query_one("#clause-inputs", Vertical)
        await box.remove_children()
        clause = self.library.clauses[clause_id]
        rows = []
        for item in clause.inputs:
            path = f"values.{item.id}"
            value = self.draft.values.get(item.id)
            control: AnswerSelect | AnswerInput
            if item.kind == "choice":
                choices = [(c.label, c.value) for c in item.choices]
                control = AnswerSelect(path, choices, value if isinstance(value, str) else None)
            else:
                example = f"e.g. {item.default}" if item.default not in (None, "") else ""
                kind = _INPUT_KINDS.get(item.kind, "text")
                control = AnswerInput(path, value, kind=kind, placeholder=example)
            rows.append(FieldRow(item.label, control, help=item.help, classes="stacked"))
        if rows:
            await box.mount(Static("Answers for this clause", classes="detail-title"), *rows)
            self.mark_needed()

    # ------------------------------------------------------------ attributes down

    def update_view(self, draft: Draft, coverage: Coverage) -> None:
        super().update_view(draft, coverage)
        listing = self.query_one(ClauseList)
        for clause_id in self.library.clauses:
            listing.replace_option_prompt(clause_id, self._prompt(clause_id))
        if self.current:
            self.render_detail(self.current)

    async def focus_path(self, path: str) -> bool:
        if path.startswith("values."):
            key = path.removeprefix("values.")
            owner = next(
                (c.id for c in self.library.clauses.values() if any(i.id == key for i in c.inputs)),
                None,
            )
            if owner:
                listing = self.query_one(ClauseList)
                listing.highlighted = listing.get_option_index(owner)
                await self.show_clause(owner)
        elif path.startswith("clauses."):
            key = path.rsplit(".", 1)[-1]
            if key in self.library.clauses:
                listing = self.query_one(ClauseList)
                listing.highlighted = listing.get_option_index(key)
                listing.focus()
                return True
        return await super().focus_path(path)

    # ------------------------------------------------------------ messages up

    @on(OptionList.OptionHighlighted, "#clause-list")
    async def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self.current:
            await self.show_clause(event.option.id)

    @on(OptionList.OptionSelected, "#clause-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        clause_id = event.option.id
        if not clause_id:
            return
        clause = self.library.clauses[clause_id]
        if clause.group:
            chosen = is_included(self.library, self.draft, clause_id)
            required = clause.status == "required"
            if chosen and required:
                self.notify(
                    f"One of '{clause.group}' must be chosen; pick another to switch.",
                    title="Required choice",
                )
                return
            self.post_message(
                AnswerChanged(
                    f"clauses.alternatives.{clause.group}", "none" if chosen else clause_id
                )
            )
        elif clause.status == "required":
            self.notify(
                f"'{clause.title}' is required by the policy and cannot be left out.",
                title="Required clause",
            )
        else:
            on_ = is_included(self.library, self.draft, clause_id)
            self.post_message(AnswerChanged(f"clauses.optional.{clause_id}", not on_))
