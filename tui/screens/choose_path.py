"""Where to save a draft, asked when the wizard starts without a path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from agreement_kit import ProblemsError

from ..recent import draft_target, recent_drafts
from .wizard import Session


class ChoosePathScreen(Screen[Session]):
    """Asks for the draft file; opens it (or starts a new one there) and dismisses with the session.

    A file that cannot be read is never touched: its problems show here and another path can be
    given.
    """

    def __init__(self, default: str, opener: Callable[[Path], Session]) -> None:
        super().__init__()
        self.default = default
        self.opener = opener

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="choose-box"):
            yield Static("[b]Where should the draft be saved?[/b]", id="choose-title")
            yield Static(
                "The wizard keeps your answers in this draft file (a .yaml file) and saves as you "
                "go. An existing draft opens where you left it; a new name starts a new "
                "agreement. The Word document is made from the draft at the end.",
                id="choose-intro",
            )
            yield Input(self.default, id="choose-path")
            yield Static(id="choose-note")
            yield Button("Open", id="choose-open", variant="primary", compact=True)
            yield Static(id="choose-problems")
            recent = [r for r in recent_drafts() if r.saved is not None]
            if recent:
                yield Static("[b]Recent drafts[/b] (Enter opens one)", id="recent-title")
                yield OptionList(
                    *[
                        Option(
                            f"{escape(r.describe())}\n  [dim]{escape(str(r.path))}[/dim]",
                            id=str(r.path),
                        )
                        for r in recent
                    ],
                    id="recent-drafts",
                    compact=True,
                )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#choose-path", Input).focus()
        self._note(self.default)

    @on(OptionList.OptionSelected, "#recent-drafts")
    def _recent(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.query_one("#choose-path", Input).value = event.option.id
            self._open()

    @on(Input.Changed, "#choose-path")
    def _changed(self, event: Input.Changed) -> None:
        self._note(event.value)

    def _note(self, value: str) -> None:
        path = Path(value.strip() or self.default).expanduser()
        where = escape(str(path.resolve()))
        self.query_one("#choose-note", Static).update(
            f"[dim]{where}: {describe_target(path)}[/dim]"
        )

    @on(Input.Submitted, "#choose-path")
    @on(Button.Pressed, "#choose-open")
    def _open(self) -> None:
        value = self.query_one("#choose-path", Input).value.strip() or self.default
        path = Path(value).expanduser()
        problems = self.query_one("#choose-problems", Static)
        if path.is_dir():
            problems.update(
                f"[b]{escape(str(path))} is a folder.[/b] Add a file name, e.g. "
                f"{escape(str(path / self.default))}"
            )
            return
        try:
            session = self.opener(path)
        except ProblemsError as exc:
            untouched = " — the file was not changed." if path.is_file() else ""
            lines = [f"[b]{escape(exc.summary)}[/b]{untouched}"]
            lines += [f"• {escape(str(p))}" for p in exc.problems]
            problems.update("\n".join(lines))
            return
        self.dismiss(session)


def describe_target(path: Path) -> str:
    """What opening ``path`` would do, said before the user presses Enter."""
    if path.is_dir():
        return "this is a folder; add a file name"
    try:
        target, _ = draft_target(path)
    except ProblemsError as exc:
        hint = exc.problems[0].hint or ""
        return f"a document's name, not a draft's: {escape(hint)}"
    kept = f" (kept as {escape(target.name)})" if target != path else ""
    if target.is_file():
        return f"an existing draft{kept}: it will be opened where you left it"
    if path.is_file():
        return f"a draft saved without .yaml: it will be continued as {escape(target.name)}"
    if not target.parent.is_dir():
        return f"the folder {escape(str(target.parent))} does not exist"
    return f"a new draft will be started here{kept}"
