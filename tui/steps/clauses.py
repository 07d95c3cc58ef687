"""Step 4: the clauses, by section — required ones locked, optional ones toggled, alternatives
chosen — with the selected clause's answers, a preview with the current answers, and its
guidance note for counsel."""

from __future__ import annotations

import os

from rich.markup import escape
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from agreement_kit import Coverage, Draft, Library

from ..messages import AnswerChanged
from ..preview import is_included, preview_clause
from ..screens.confirm import ConfirmScreen
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


MARK_WIDTH = 5  # " [x] ": a click here toggles; anywhere else on the row only reads the clause


class ClauseList(OptionList):
    """The clauses by section. Reading a clause (arrows, a click on its name) never changes it:
    Space, or a click on its [x] / (•) mark, includes / leaves out or chooses. Enter goes to the
    clause's answers. Typing a letter starts a search."""

    BINDINGS = [
        Binding("space", "toggle_clause", "Include / choose", id="toggle-clause"),
        Binding("enter", "answers", "Its answers", show=False),
        Binding("shift+down", "detail(1)", "Scroll the text", show=False),
        Binding("shift+up", "detail(-1)", "Scroll the text", show=False),
    ]

    class Toggle(Message):
        def __init__(self, clause_id: str) -> None:
            super().__init__()
            self.clause_id = clause_id

    def action_toggle_clause(self) -> None:
        index = self.highlighted
        if index is None:
            return
        option = self.get_option_at_index(index)
        if option.id and not option.disabled:
            self.post_message(self.Toggle(option.id))

    def action_answers(self) -> None:
        step = next((a for a in self.ancestors if isinstance(a, ClausesStep)), None)
        if step is not None:
            step.focus_answers()

    def action_detail(self, delta: int) -> None:
        detail = self.screen.query_one("#clause-detail", VerticalScroll)
        detail.scroll_relative(y=delta * 3, animate=False)

    async def _on_click(self, event: events.Click) -> None:
        event.prevent_default()  # OptionList's own click would select (toggle) the row
        clicked = event.style.meta.get("option")
        if clicked is None or self.get_option_at_index(clicked).disabled:
            return
        self.highlighted = clicked
        if event.x < MARK_WIDTH:
            self.action_toggle_clause()

    def on_key(self, event: events.Key) -> None:
        """A letter typed in the list starts a search for it."""
        if event.character and event.is_printable and event.character != " ":
            event.stop()
            event.prevent_default()
            search = self.screen.query_one("#clause-search", Input)
            search.value += event.character
            self.screen.set_focus(search)  # now: the next letters typed go there too
            search.cursor_position = len(search.value)


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
    intro = (
        r"Space: include or choose · Enter: its answers · type to search · "
        r"\[■] required \[x] optional (•) pick one"
    )

    def __init__(self, draft: Draft, library: Library, coverage: Coverage) -> None:
        super().__init__(draft, library, coverage)
        self.current: str | None = next(iter(self.ordered()), None)
        self.variants = alternative_names(self.library)
        self.marks: dict[str, str] = {}
        self.prompts_redrawn = 0  # work counted by the tests: rows redrawn after answers

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

    def options(self, query: str = "") -> list[Option]:
        """The list's rows: section headings and their clauses matching ``query`` (any word of
        it, in the title, the policy items it covers, its summary or its section's title)."""
        words = query.lower().split()
        options: list[Option] = []
        for section in self.library.sections:
            members = [c for c in self.library.clauses.values() if c.section == section.id]
            if words:
                members = [c for c in members if self._matches(c.id, section.title, words)]
            if not members:
                continue
            options.append(
                Option(
                    Text(section.title, style="bold", no_wrap=True, overflow="ellipsis"),
                    id=f"section:{section.id}",
                    disabled=True,
                )
            )
            for clause in sorted(members, key=lambda c: c.order):
                options.append(Option(self._prompt(clause.id), id=clause.id))
        return options

    def _matches(self, clause_id: str, section: str, words: list[str]) -> bool:
        clause = self.library.clauses[clause_id]
        hay = " ".join(
            [clause.title, self.variants.get(clause_id, ""), clause.summary, section, clause_id]
            + list(clause.covers)
        ).lower()
        return all(w in hay for w in words)

    def form(self) -> ComposeResult:
        sections = [
            (s.title, s.id)
            for s in self.library.sections
            if any(c.section == s.id for c in self.library.clauses.values())
        ]
        with Horizontal(id="clause-tools"):
            yield Input(
                placeholder="Find a clause (type, Esc clears)",
                id="clause-search",
                compact=True,
                select_on_focus=False,
            )
            yield Select(sections, prompt="Jump to section…", id="clause-section", compact=True)
        with Container(id="clause-split"):
            yield ClauseList(*self.options(), id="clause-list")
            with VerticalScroll(id="clause-detail", can_focus=False):
                yield Static(id="clause-head")
                yield Vertical(id="clause-inputs")
                yield Static("Preview", classes="detail-title")
                yield Static(id="clause-preview")
                yield Static("Guidance for counsel", classes="detail-title")
                yield Static(id="clause-guidance")
                yield Static(id="clause-citations")

    # The base class's on_mount runs too: Textual calls the handler of every class in the MRO.
    async def on_mount(self) -> None:  # type: ignore[override]
        self.marks = {c: mark(self.library, self.draft, c) for c in self.library.clauses}
        if self.current:
            listing = self.query_one(ClauseList)
            listing.highlighted = listing.get_option_index(self.current)
            await self.show_clause(self.current)

    def focus_first(self) -> None:
        self.query_one(ClauseList).focus()

    def focus_answers(self) -> None:
        """Enter on a clause: to its first answer, if it asks for any."""
        fields = [w for w in self.query_one("#clause-inputs").query("Input, Select") if w.focusable]
        if fields:
            fields[0].focus()
        else:
            self.notify(
                "This clause asks for no answers. Space includes or leaves it out.", timeout=3
            )

    # ------------------------------------------------------------ search and jump

    @on(Input.Changed, "#clause-search")
    def _search(self, event: Input.Changed) -> None:
        event.stop()
        listing = self.query_one(ClauseList)
        listing.clear_options()
        listing.add_options(self.options(event.value))
        ids = [o.id for o in listing.options if o.id and not o.disabled]
        if self.current in ids:
            listing.highlighted = listing.get_option_index(self.current)
        elif ids:
            listing.highlighted = listing.get_option_index(ids[0])

    @on(Input.Submitted, "#clause-search")
    def _search_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(ClauseList).focus()

    def on_key(self, event: events.Key) -> None:
        search = self.query_one("#clause-search", Input)
        if event.key == "escape" and search.has_focus:
            event.stop()
            search.value = ""
            self.query_one(ClauseList).focus()
        elif event.key == "down" and search.has_focus:
            event.stop()
            self.query_one(ClauseList).focus()

    @on(Select.Changed, "#clause-section")
    def _jump(self, event: Select.Changed) -> None:
        event.stop()
        if not isinstance(event.value, str):
            return
        search = self.query_one("#clause-search", Input)
        if search.value:
            search.value = ""  # Input.Changed rebuilds the full list first
        self.call_after_refresh(self._jump_to, event.value)

    def _jump_to(self, section: str) -> None:
        listing = self.query_one(ClauseList)
        heading = listing.get_option_index(f"section:{section}")
        listing.highlighted = heading + 1
        listing.scroll_to(y=heading, animate=False)
        listing.focus()

    # ------------------------------------------------------------ the detail pane

    async def show_clause(self, clause_id: str) -> None:
        """Show ``clause_id`` in the detail pane, from its top, with its answer fields."""
        self.render_detail(clause_id)
        self.query_one("#clause-detail", VerticalScroll).scroll_home(animate=False)
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
        clause = self.library.clauses[clause_id]
        asks = tuple(i.id for i in clause.inputs)
        if asks == getattr(self, "_asks", None):
            return  # the same answers (often none): nothing to rebuild while moving the cursor
        self._asks = asks
        if box.children:
            await box.remove_children()
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
        """After an answer: only the rows whose mark changed are redrawn, and the current clause."""
        super().update_view(draft, coverage)
        listing = self.query_one(ClauseList)
        shown = {o.id for o in listing.options}
        for clause_id in self.library.clauses:
            new = mark(self.library, draft, clause_id)
            if self.marks.get(clause_id) != new:
                self.marks[clause_id] = new
                if clause_id in shown:
                    listing.replace_option_prompt(clause_id, self._prompt(clause_id))
                    self.prompts_redrawn += 1
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

    @on(ClauseList.Toggle)
    def _toggle(self, event: ClauseList.Toggle) -> None:
        event.stop()
        clause_id = event.clause_id
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
            if chosen:  # un-choosing leaves the whole group out: say so and ask
                path = f"clauses.alternatives.{clause.group}"

                def answered(yes: bool | None) -> None:
                    if yes:
                        self.post_message(AnswerChanged(path, "none"))

                self.app.push_screen(
                    ConfirmScreen(
                        f"Leave out '{escape(clause.title)}' and have no clause of this kind in "
                        "the agreement? (To switch, choose another alternative instead.)",
                        yes="Leave it out",
                        no="Keep it",
                    ),
                    answered,
                )
                return
            self.post_message(AnswerChanged(f"clauses.alternatives.{clause.group}", clause_id))
        elif clause.status == "required":
            self.notify(
                f"'{clause.title}' is required by the policy and cannot be left out.",
                title="Required clause",
            )
        else:
            on_ = is_included(self.library, self.draft, clause_id)
            self.post_message(AnswerChanged(f"clauses.optional.{clause_id}", not on_))
