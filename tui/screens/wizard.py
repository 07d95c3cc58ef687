"""The wizard screen. It owns the one draft: widgets post answers up, it replaces the draft with a
validated copy, saves it, and hands the new draft and coverage down to the step, the step list and
the coverage panel."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.markup import escape
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Header, Select, Static
from textual.widgets._select import SelectOverlay

from agreement_kit import (
    Coverage,
    Draft,
    DraftChangedError,
    DraftFile,
    Library,
    ProblemsError,
    check_coverage,
    sign_off,
)

from ..answers import (
    STEP_IDS,
    AnswerError,
    add_item,
    apply_answer,
    complete_steps,
    describe,
    get_answer,
    partner,
    remove_item,
    short_label,
    staffed_by,
    stale_choices,
    without_stale_choices,
)
from ..generate import generate, outputs_for, refuse_inputs
from ..messages import (
    AnswerChanged,
    ForgetStaleChoices,
    GenerateFinished,
    GenerateProgress,
    GenerateRequested,
    ItemAdded,
    ItemRemoved,
    RequirementSelected,
    ReviewRecorded,
    StepRequested,
)
from ..recent import remember
from ..steps import STEPS, ReviewStep, StepPane
from ..widgets.coverage_panel import CoveragePanel
from ..widgets.fields import AnswerCheckbox, AnswerInput, DaysPicker
from ..widgets.step_list import StepList
from .confirm import ConfirmScreen

STEP_CLASSES = {cls.step_id: cls for cls in STEPS}


async def settle(widget: Widget) -> None:
    """Let ``widget`` handle the keys already sent to it (a fast typist's burst) before acting on
    the key that follows them."""
    queue: asyncio.Queue[object] = widget._message_queue
    for _ in range(200):
        if queue.empty():
            return
        await asyncio.sleep(0)


@dataclass(frozen=True)
class Session:
    """What the wizard works on: the library, the draft as opened, and where things go."""

    library: Library
    path: Path
    draft: Draft
    template: str | None = None
    pdf_available: bool = False
    pdf: bool = True  # write a PDF too when LibreOffice is there
    file: DraftFile | None = None  # the file held open: saves keep its comments, see outside edits
    note: str = ""  # said once the wizard is up (e.g. the draft was opened under a .yaml name)


class WizardScreen(Screen[None]):
    """The steps, the step list and the coverage panel around the one draft."""

    BINDINGS = [
        # Enter and Tab are taken here, before the focused widget: the focus moves at once, so a
        # key typed ahead lands in the field the user sees focused (see action_enter).
        Binding("enter", "enter", "Next field", priority=True, show=False, id="enter"),
        Binding("tab", "focus_move(1)", "Next field", priority=True, show=False, id="tab"),
        Binding("space", "open_select", "Open", priority=True, show=False, id="open"),
        Binding("down", "arrow(1)", "Down", priority=True, show=False, id="down"),
        Binding("up", "arrow(-1)", "Up", priority=True, show=False, id="up"),
        Binding(
            "shift+tab", "focus_move(-1)", "Previous field", priority=True, show=False, id="backtab"
        ),
        Binding(
            "ctrl+n,f8",
            "next",
            "Next",
            priority=True,
            id="next",
            tooltip="Next step (F8)",
            key_display="^n/F8",
        ),
        Binding(
            "ctrl+b,f7",
            "back",
            "Back",
            priority=True,
            id="back",
            tooltip="Previous step (F7)",
            key_display="^b/F7",
        ),
        Binding("ctrl+s", "save", "Save", priority=True, id="save", tooltip="Save the draft now"),
        Binding(
            "ctrl+g",
            "generate",
            "Generate",
            priority=True,
            id="generate",
            tooltip="Generate the Word document (from the review step)",
        ),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.library = session.library
        self.draft = session.draft
        self.coverage: Coverage = check_coverage(self.library, self.draft)
        saved_step = session.draft.wizard.step
        self.step = saved_step if saved_step in STEP_IDS else STEP_IDS[0]
        self.errors: dict[str, str] = {}
        self.file = session.file or DraftFile(session.path, session.draft, None)
        # Where the user is (a draft path); saved with the step so reopening lands there.
        self.field: str | None = session.draft.wizard.field
        self.opened_at = (self.step, self.field)  # not worth a write on its own
        self.asking_outside = False  # the 'changed by another program' question is open
        self._moved_to: Widget | None = None  # where a choice in a drop-down sent the focus
        self.saved = self.file._text is not None
        self.output = str(session.path.with_suffix(".docx"))
        self.pdf = session.pdf
        self.generating = False
        self.sub_title = str(session.path)

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Header()
        yield StepList([(cls.step_id, cls.short) for cls in STEPS], id="steps")
        with Horizontal(id="main"):
            with Vertical(id="work"):
                yield Container(id="step-body")
                with Horizontal(id="nav"):
                    yield Button("← Back", id="back", compact=True)
                    yield Static(id="save-status")
                    yield Button("Next →", id="next", compact=True)
            yield CoveragePanel(self.library, self.coverage, id="coverage")
        yield Footer()

    async def on_mount(self) -> None:
        await self.show_step(self.step, self.field)
        if self.session.note:
            self.notify(self.session.note, timeout=8)

    @property
    def pane(self) -> StepPane:
        return self.query_one("#step-body").query_one(StepPane)

    def _make_pane(self, step: str) -> StepPane:
        cls = STEP_CLASSES[step]
        if cls is ReviewStep:
            return ReviewStep(
                self.draft,
                self.library,
                self.coverage,
                output=self.output,
                pdf_available=self.session.pdf_available,
                pdf=self.pdf,
            )
        return cls(self.draft, self.library, self.coverage)

    async def show_step(self, step: str, focus: str | None = None) -> None:
        """Build ``step``'s form from the current draft and show it."""
        body = self.query_one("#step-body")
        await body.remove_children()
        pane = self._make_pane(step)
        await body.mount(pane)
        self.step = step
        index = STEP_IDS.index(step)
        self.query_one("#back", Button).disabled = index == 0
        self.query_one("#next", Button).display = index < len(STEP_IDS) - 1
        self._show_progress()
        if not (focus and await pane.focus_path(focus)):
            pane.focus_first()

    def _show_progress(self) -> None:
        self.query_one(StepList).show(self.step, complete_steps(self.draft, self.coverage))

    # ------------------------------------------------------------ the draft

    def replace_draft(self, draft: Draft, *, save: bool = True) -> None:
        """Take ``draft`` as the new state and pass it down; save it unless told not to."""
        self.draft = draft
        self.coverage = check_coverage(self.library, draft)
        self.query_one(CoveragePanel).show(self.coverage)
        self._show_progress()
        self.pane.update_view(draft, self.coverage)
        if save:
            self.save()

    def apply(self, path: str, value: Any) -> bool:
        """Take one answer; on a bad answer show why beside its field and keep the draft as it was."""
        try:
            draft = apply_answer(self.draft, path, value, self.library)
        except AnswerError as exc:
            self.errors[path] = str(exc)
            self.pane.show_error(path, str(exc))
            return False
        self.errors.pop(path, None)
        self.pane.accept(path, get_answer(draft, path))
        if draft != self.draft:
            self.replace_draft(draft)
        self._recheck_partner(path)
        return True

    def _recheck_partner(self, path: str) -> None:
        """After ``path`` changed, check its partner again (an end time rejected against the old
        start may be fine now): clear a stale error and take the partner's answer if it is valid."""
        other = partner(path)
        if other is None:
            return
        text = self.pane.typed(other)
        if other in self.errors and text is not None:
            self.apply(other, text)

    def commit_pending(self) -> bool:
        """Take what was typed into a field that still has focus. False if any answer is invalid."""
        for path, text in self.pane.pending():
            self.apply(path, text)
        return not self.errors

    def _positioned(self) -> Draft:
        """The draft with where the user is (step and field) recorded in it."""
        draft = self.draft
        where = {"step": self.step, "field": self.field}
        if draft.wizard.step != self.step or draft.wizard.field != self.field:
            draft = draft.model_copy(update={"wizard": draft.wizard.model_copy(update=where)})
            self.draft = draft
        return draft

    def save(self, *, replace: bool = False) -> bool:
        """Save the draft, keeping the file's comments and layout. Nothing is written when only
        the position is unchanged since opening (opening and quitting leaves the file as it was).
        A file changed by another program since it was read is never overwritten without asking."""
        draft = self._positioned()
        status = self.query_one("#save-status", Static)
        if self.asking_outside:
            return False
        base = self.file.draft
        same = draft.model_copy(update={"wizard": base.wizard}) == base
        if same and self.saved and self.step == self.opened_at[0]:
            return True  # moving between fields alone is not worth a write
        try:
            self.file.save(draft, replace=replace)
        except DraftChangedError:
            self._ask_outside_change()
            status.update("[b]Not saved:[/b] the file was changed by another program")
            status.add_class("-error")
            return False
        except (OSError, ProblemsError) as exc:
            reason = exc.summary if isinstance(exc, ProblemsError) else str(exc)
            status.update(f"[b]Not saved:[/b] {escape(reason)}")
            status.add_class("-error")
            self.notify(f"Could not save {self.session.path}: {reason}", severity="error")
            return False
        self.saved = True
        status.update(f"Saved to {escape(self.session.path.name)}")
        status.remove_class("-error")
        return True

    def _ask_outside_change(self) -> None:
        """The file changed on disk since the wizard read or saved it: ask, never overwrite."""
        self.asking_outside = True

        async def answered(mine: bool | None) -> None:
            self.asking_outside = False
            if mine:
                if self.save(replace=True):
                    self.notify(f"Saved your answers over the changed {self.session.path.name}")
                return
            try:
                fresh = self.file.reload()
            except ProblemsError as exc:
                self.notify(
                    f"{exc.summary}; keeping your answers on screen (not saved)", severity="error"
                )
                return
            self.replace_draft(fresh, save=False)
            await self.show_step(self.step, self.field)
            self.notify(f"Reloaded {self.session.path.name} as it is now on disk")

        self.app.push_screen(
            ConfirmScreen(
                f"{escape(str(self.session.path))} was changed by another program (an editor, or "
                "a second wizard) since this wizard opened or last saved it.\n\n"
                "Save your answers over it, or reload the file as it is now (your last change "
                "here is dropped)?",
                yes="Save mine over it",
                no="Reload the file",
            ),
            answered,
        )

    def save_for_quit(self) -> bool:
        """Keep every valid answer (even one typed a moment ago) and save."""
        self.commit_pending()
        saved = self.save()
        remember(self.session.path, self.draft.district.name)  # for the start screen's list
        return saved

    def invalid_answer(self) -> str | None:
        """Take typed answers; a sentence naming the first one that is not valid, if any."""
        self.commit_pending()
        if not self.errors:
            return None
        path = next(iter(self.errors))
        return f"{short_label(path, self.library)} is not valid: {self.errors[path]}"

    def _blocked(self) -> bool:
        """Take typed answers; True (and say so) while an answer on this step is invalid."""
        self.commit_pending()
        if not self.errors:
            return False
        path = next(iter(self.errors))
        # In the nav bar, not a toast: a toast would cover the field being fixed.
        status = self.query_one("#save-status", Static)
        status.update(f"[b]Fix this answer first:[/b] {escape(describe(path, self.library))}")
        status.add_class("-error")
        self.app.bell()
        self.call_later(self.pane.focus_path, path)
        return True

    async def go_to(self, step: str, focus: str | None = None) -> bool:
        """Move to ``step`` (saving); refused while an answer on this step is invalid."""
        if self._blocked():
            return False
        if step == self.step and focus:
            return await self.pane.focus_path(focus)
        if isinstance(self.pane, ReviewStep):
            self.output, self.pdf = self.pane.options()  # keep them for when the user is back
        self.step = step
        self.save()
        await self.show_step(step, focus)
        return True

    # ------------------------------------------------------------ the keyboard

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "enter":  # only where Enter means "this answer, then the next field"
            return self._enter_target() is not None
        if action == "open_select":  # a closed drop-down; anywhere else the keys are the widget's
            return isinstance(self.focused, Select) and not self.focused.expanded
        if action == "arrow":  # in a drop-down, open or not
            return isinstance(self.focused, Select | SelectOverlay)
        return True

    def action_arrow(self, delta: int) -> None:
        """↓/↑ in a drop-down, in the key's turn (so Enter typed right after takes this choice)."""
        focused = self.focused
        if isinstance(focused, Select):
            self.action_open_select()
        elif isinstance(focused, SelectOverlay):
            if delta > 0:
                focused.action_cursor_down()
            else:
                focused.action_cursor_up()

    def action_open_select(self) -> None:
        """Open the focused drop-down and focus its list in this key's turn (Textual focuses it a
        moment later, so the next keys typed would go to the closed drop-down)."""
        select = self.focused
        if isinstance(select, Select):
            select.action_show_overlay()
            self.set_focus(select.query_one(SelectOverlay), scroll_visible=False)

    def _enter_target(self) -> Widget | None:
        focused = self.focused
        if isinstance(focused, AnswerInput | DaysPicker | AnswerCheckbox | SelectOverlay | Select):
            return focused
        return None

    async def action_enter(self) -> None:
        """Enter commits the answer and moves on — only when the answer is valid. Done here, in
        the key's own turn, so the next key typed goes to the field now focused."""
        focused = self._enter_target()
        if focused is not None:
            await settle(focused)  # the keys typed before Enter are in the field first
        if isinstance(focused, AnswerInput):
            if focused.commit_needed() and not self.apply(focused.path, focused.answer()):
                self.app.bell()
                return  # the error shows beside the field, which keeps focus
            self.focus_next()
        elif isinstance(focused, SelectOverlay):
            self._choose(focused)
        elif isinstance(focused, Select):
            self.action_open_select()
        elif focused is not None:
            self.focus_next()

    def _choose(self, overlay: SelectOverlay) -> None:
        """Enter in an open drop-down: take the highlighted choice and hand focus onward, so the
        next keys are not a search in the drop-down (which could change the answer)."""
        select = overlay.parent
        index = overlay.highlighted
        if not isinstance(select, Select) or index is None:
            return
        option = overlay.get_option_at_index(index)
        if option.disabled:
            return
        value = select._options[index][1]
        select.expanded = False
        if value != select.value:
            select.value = value  # posts Select.Changed: the answer is taken from there
        self.set_focus(select, scroll_visible=False)
        self._moved_to = self.focus_next()

    def action_focus_move(self, delta: int) -> None:
        """Tab / shift+Tab, at once (see action_enter); leaving a text field commits it."""
        focused = self.focused
        if isinstance(focused, SelectOverlay) and isinstance(focused.parent, Select):
            focused.parent.expanded = False
            self.set_focus(focused.parent, scroll_visible=False)
        if delta > 0:
            self.focus_next()
        else:
            self.focus_previous()

    @on(events.DescendantFocus)
    def _focused(self, event: events.DescendantFocus) -> None:
        """Remember the answer the user is on, to come back to it when the draft is reopened."""
        widget = event.widget
        if isinstance(widget, SelectOverlay) and isinstance(widget.parent, Select):
            if not widget.parent.expanded:  # a late focus from Textual after a choice was made
                target = self._moved_to
                ok = target is not None and target.is_attached and target.focusable
                self.set_focus(target if ok else widget.parent, scroll_visible=False)
            return
        path = getattr(widget, "path", None)
        if isinstance(path, str):
            self.field = path

    # ------------------------------------------------------------ actions

    async def action_next(self) -> None:
        index = STEP_IDS.index(self.step)
        if index + 1 < len(STEP_IDS):
            await self.go_to(STEP_IDS[index + 1])

    async def action_back(self) -> None:
        index = STEP_IDS.index(self.step)
        if index > 0:
            await self.go_to(STEP_IDS[index - 1])

    def action_save(self) -> None:
        self.commit_pending()
        if self.save():
            self.notify(f"Saved {self.session.path}", timeout=2)

    async def action_generate(self) -> None:
        """On the review step: generate. Elsewhere: go there and focus Generate, so the title,
        file name and PDF options are seen before anything is written."""
        if self.step != "review":
            if await self.go_to("review", focus="generate") and isinstance(self.pane, ReviewStep):
                self.pane.show_status("Check the document options above, then press Enter.")
            return
        pane = self.pane
        assert isinstance(pane, ReviewStep)
        output, pdf = pane.options()
        await self.generate(output, pdf)

    async def action_checklist(self) -> None:
        await self.go_to("review", focus="checklist")

    # ------------------------------------------------------------ messages from below

    @on(AnswerChanged)
    def _answer(self, event: AnswerChanged) -> None:
        event.stop()
        self.apply(event.path, event.value)

    @on(StepRequested)
    async def _step_requested(self, event: StepRequested) -> None:
        event.stop()
        await self.go_to(event.step, event.focus)

    @on(Button.Pressed, "#back")
    async def _back_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        await self.action_back()

    @on(Button.Pressed, "#next")
    async def _next_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        await self.action_next()

    @on(ItemAdded)
    async def _add(self, event: ItemAdded) -> None:
        event.stop()
        if self._blocked():
            return
        items = get_answer(self.draft, event.list_path) or []
        empty = get_answer(add_item(self.draft, event.list_path), event.list_path)[-1]
        if items and items[-1] == empty:  # e.g. a second Enter on "+ Add": use the empty one
            first = "name" if event.list_path == "agencies" else "building"
            await self.pane.focus_path(f"{event.list_path}[{len(items) - 1}].{first}")
            self.notify("Fill in the new one first; it is still empty.", timeout=3)
            return
        draft = add_item(self.draft, event.list_path)
        self.replace_draft(draft)
        count = len(get_answer(draft, event.list_path) or [])
        first = "name" if event.list_path == "agencies" else "building"
        await self.show_step(self.step, focus=f"{event.list_path}[{count - 1}].{first}")

    @on(ItemRemoved)
    def _remove(self, event: ItemRemoved) -> None:
        event.stop()
        if self._blocked():
            return
        what = "Agency" if event.list_path == "agencies" else "Building"
        item = get_answer(self.draft, f"{event.list_path}[{event.index}]")
        name = getattr(item, "name", None) or getattr(item, "building", None)
        label = f"{what} {event.index + 1}" + (f" ({name})" if name else "")
        question = f"Remove {escape(label)} and its answers?"
        if event.list_path == "agencies":
            question += self._reassignment(event.index)

        async def answered(yes: bool | None) -> None:
            if yes:
                self.replace_draft(remove_item(self.draft, event.list_path, event.index))
                await self.show_step(self.step)

        self.app.push_screen(
            ConfirmScreen(question, yes="Remove", no="Keep"),
            answered,
        )

    def _reassignment(self, index: int) -> str:
        """What removing agency ``index`` does to the buildings and officers it staffs."""
        buildings = [name for _, name in staffed_by(self.draft, index)]
        officers = sum(1 for o in self.draft.program.officers if o.agency == index)
        if not buildings and not officers:
            return ""
        heir = 1 if index == 0 else 0  # remove_item gives them to the first remaining agency
        heir_name = self.draft.agencies[heir].name
        to = f"Agency {heir + 1}" + (f" ({heir_name})" if heir_name else "")
        things = buildings + [f"{officers} named officer{'s' * (officers != 1)}"] * bool(officers)
        staffs = ", ".join(things)
        verb = "it" if len(things) == 1 else "they"
        return (
            f"\n\nIt staffs {escape(staffs)}; {verb} will be assigned to {escape(to)}. "
            "Check the Agency of each building on the Program step."
        )

    @on(RequirementSelected)
    async def _requirement(self, event: RequirementSelected) -> None:
        event.stop()
        status = next(r for r in self.coverage.requirements if r.id == event.requirement)
        clauses = status.covered_by or self.library.covering(event.requirement)
        focus = f"clauses.optional.{clauses[0]}" if clauses else None
        await self.go_to("clauses", focus)

    @on(ForgetStaleChoices)
    async def _forget_stale(self, event: ForgetStaleChoices) -> None:
        event.stop()
        if self._blocked():
            return
        stale = stale_choices(self.draft, self.library)
        self.replace_draft(without_stale_choices(self.draft, self.library))
        await self.show_step(self.step)
        self.notify("Forgot: " + ", ".join(stale), title="Choices removed", timeout=6)

    @on(ReviewRecorded)
    def _review_recorded(self, event: ReviewRecorded) -> None:
        """Counsel's sign-off from the Review step: the same records ``agreement-kit review`` writes."""
        event.stop()
        try:
            draft = sign_off(
                self.library,
                self.draft,
                event.ids,
                status=event.status,  # type: ignore[arg-type]
                by=event.by,
                note=event.note,
                coverage=self.coverage,
            )
        except ProblemsError as exc:
            self.pane.show_review_status(  # type: ignore[attr-defined]
                "; ".join(p.message for p in exc.problems), error=True
            )
            return
        self.replace_draft(draft)
        done = {"approved": "Approved", "changes_requested": "Changes requested for"}
        self.pane.show_review_status(  # type: ignore[attr-defined]
            f"{done.get(event.status or '', 'Cleared')} {len(event.ids)} item(s)."
        )

    @on(GenerateRequested)
    async def _generate_requested(self, event: GenerateRequested) -> None:
        event.stop()
        await self.generate(event.output, event.pdf, counsel=event.counsel)

    # ------------------------------------------------------------ generation

    async def generate(self, output: str, pdf: bool, *, counsel: bool = False) -> None:
        """Refuse (naming what is missing) or write the documents in a worker thread."""
        pane = self.pane
        if self.generating or not isinstance(pane, ReviewStep):
            return
        if self._blocked():
            return
        if not counsel:  # the counsel copy's name is derived from the agreement's
            self.output, self.pdf = output, pdf
        coverage = self.coverage
        if not coverage.complete:
            reasons = [
                f"requirement {r.id} ({r.title}) is not covered by any included clause"
                for r in coverage.uncovered
            ]
            reasons += coverage.problems
            missing = len(coverage.missing_answers)
            if missing:
                reasons.append(
                    f"{missing} answer{'s are' if missing != 1 else ' is'} missing "
                    "(listed under Missing answers; Enter jumps to each)"
                )
            pane.show_refusal(reasons)  # in the pane, under Generate: a toast would cover it
            self.app.bell()
            return
        docx = Path(output).expanduser()
        if docx.suffix.lower() != ".docx":
            docx = docx.with_suffix(".docx")
        try:  # never over the draft, the template or a pack file, whatever "Replace?" says
            refuse_inputs(
                self.library,
                outputs_for(docx, pdf and not counsel),
                template=self.session.template,
                draft_path=self.session.path,
            )
        except ProblemsError as exc:
            refused = "\n".join(str(p) for p in exc.problems)
            pane.show_status(f"[b]Not generated:[/b] {escape(refused)}", error=True)
            self.app.bell()
            return
        existing = [str(p) for p in outputs_for(docx, pdf) if p.exists()]
        if existing:

            def answered(yes: bool | None) -> None:
                if yes:
                    self._start(docx, pdf, overwrite=True, counsel=counsel)

            self.app.push_screen(
                ConfirmScreen(
                    f"{escape(' and '.join(existing))} already exist{'s' * (len(existing) == 1)}. "
                    "Replace?",
                    yes="Replace",
                    no="Cancel",
                ),
                answered,
            )
            return
        self._start(docx, pdf, overwrite=False, counsel=counsel)

    def _start(self, docx: Path, pdf: bool, *, overwrite: bool, counsel: bool = False) -> None:
        pane = self.pane
        assert isinstance(pane, ReviewStep)
        self.generating = True
        pane.set_busy(True)
        pane.show_status("Generating…")
        self._generate_worker(self.draft, docx, pdf, overwrite, counsel)

    @work(thread=True, exclusive=True, group="generate")
    def _generate_worker(
        self, draft: Draft, docx: Path, pdf: bool, overwrite: bool, counsel: bool = False
    ) -> None:
        def progress(step: int, total: int, text: str) -> None:
            self.post_message(GenerateProgress(step, total, text))

        try:
            out = generate(
                self.library,
                draft,
                docx,
                template=self.session.template,
                pdf=pdf,
                overwrite=overwrite,
                progress=progress,
                counsel=counsel,
                draft_path=self.session.path,
            )
        except ProblemsError as exc:
            lines = [exc.summary, *(str(p) for p in exc.problems)]
            self.post_message(GenerateFinished([], error="\n".join(lines)))
        except FileExistsError as exc:
            self.post_message(GenerateFinished([], error=f"{exc} already exists; not replaced"))
        except OSError as exc:
            self.post_message(GenerateFinished([], error=f"could not write: {exc}"))
        except Exception as exc:  # a bug must not take the wizard (and the answers on screen) down
            self.post_message(
                GenerateFinished(
                    [], error=f"could not generate: {type(exc).__name__}: {exc} (please report it)"
                )
            )
        else:
            written = [str(out.docx.resolve())]
            if out.pdf:
                written.append(str(out.pdf.resolve()))
            self.post_message(GenerateFinished(written, note=out.pdf_note or out.note))

    @on(GenerateProgress)
    def _progress(self, event: GenerateProgress) -> None:
        pane = self.pane
        if isinstance(pane, ReviewStep):
            pane.show_progress(event.step, event.total)
            pane.show_status(escape(event.text))

    @on(GenerateFinished)
    def _finished(self, event: GenerateFinished) -> None:
        self.generating = False
        pane = self.pane
        if event.error:
            self.notify(event.error.splitlines()[0], title="Not generated", severity="error")
        else:
            self.notify("\n".join(event.written), title="Written", timeout=8)
        if not isinstance(pane, ReviewStep):
            return
        pane.set_busy(False)
        if event.error:
            pane.show_status(f"[b]Not generated:[/b] {escape(event.error)}", error=True)
            return
        text = "\n".join(f"[b]Wrote[/b] {escape(p)}" for p in event.written)
        if event.note:
            text += f"\n{escape(event.note)}"
        pane.show_status(text)
