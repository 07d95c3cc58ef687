"""Where to save a draft, asked when the wizard starts without a path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Static

from agreement_kit import ProblemsError

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
                "The wizard saves your answers to this YAML file as you go. An existing draft "
                "is opened where you left it; a new file starts a new agreement.",
                id="choose-intro",
            )
            yield Input(self.default, id="choose-path")
            yield Static(id="choose-note")
            yield Button("Open", id="choose-open", variant="primary", compact=True)
            yield Static(id="choose-problems")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#choose-path", Input).focus()
        self._note(self.default)

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
    if path.is_file():
        if path.suffix.lower() in (".yaml", ".yml"):
            return "an existing draft: it will be opened"
        return "not a draft (a draft is a .yaml file); choose another name"
    if not path.parent.is_dir():
        return f"the folder {escape(str(path.parent))} does not exist"
    return "a new draft will be started here"
