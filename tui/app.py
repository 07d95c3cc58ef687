"""The wizard application: ``make_app`` builds it, ``run_wizard`` is what the CLI calls.

The app talks to agreement_kit only through its public API. It opens (or starts) one draft,
shows :class:`~tui.screens.WizardScreen` over it, and saves before it quits.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path

from rich.markup import escape
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from agreement_kit import (
    DraftFile,
    Problem,
    ProblemsError,
    load_library,
    new_draft,
)

from .generate import pdf_converter
from .recent import data_dir, draft_target, remember
from .screens import ChoosePathScreen, ConfirmScreen, Session, WizardScreen
from .steps import STEPS

DEFAULT_DRAFT = "agreement-draft.yaml"


def open_session(
    path: str | Path,
    overlays: Sequence[str | Path] = (),
    *,
    base: str | Path | None = None,
    template: str | None = None,
    pdf: bool | None = None,
) -> Session:
    """Open the draft at ``path`` or start a new one saved there.

    ``pdf`` offers a PDF too: None when LibreOffice is found, or as given (tests pin it).
    Raises :class:`ProblemsError` when the draft or a pack cannot be read; the file is not touched.
    """
    typed = Path(path).expanduser()
    path, note = draft_target(typed)  # refuses a .docx name; adds .yaml when missing
    if not path.exists() and typed != path and typed.is_file():
        # a draft saved earlier without .yaml: kept as it is, continued under the .yaml name
        legacy = DraftFile.open(typed)
        path.write_bytes(typed.read_bytes())
        note = f"{typed.name} is continued as {path.name} (a draft is a .yaml file)."
        del legacy
    if path.is_dir():
        raise ProblemsError(
            [Problem("this is a folder; add a file name", file=str(path))],
            summary=f"cannot open a draft at {path}",
        )
    if path.exists():
        file = DraftFile.open(path)  # read only: opening never rewrites the file
        draft = file.draft
        # the one resolver: the draft's packs:, then the command line's, as 'check' loads them
        library = load_library(list(overlays), base=base, draft=draft)
    else:
        if not path.parent.is_dir():
            raise ProblemsError(
                [Problem("the folder does not exist", file=str(path.parent))],
                summary=f"cannot start a draft at {path}",
            )
        library = load_library(list(overlays), base=base)
        draft = new_draft(library)
        if overlays:
            packs = [os.path.relpath(Path(o).resolve(), path.resolve().parent) for o in overlays]
            draft = draft.model_copy(update={"packs": packs})
        file = DraftFile.new(path, draft)
        try:
            file.save(draft)
        except OSError as exc:
            raise ProblemsError(
                [Problem(f"cannot create the draft here: {exc.strerror or exc}", file=str(path))],
                summary=f"cannot start a draft at {path}",
            ) from None
    remember(path, draft.district.name)
    available = pdf_converter() is not None if pdf is None else pdf
    return Session(
        library=library,
        path=path,
        draft=draft,
        template=template,
        pdf_available=available,
        pdf=available,
        file=file,
        note=note,
    )


class WizardApp(App[int]):
    """The agreement wizard. Give it a session, or an opener to ask for the draft's path first."""

    CSS_PATH = "app.tcss"
    TITLE = "agreement-kit"
    BINDINGS = [
        Binding(
            "ctrl+q",
            "quit",
            "Save & quit",
            priority=True,
            id="quit",
            tooltip="Save the draft and quit",
        ),
        Binding("ctrl+q", "leave", "Quit", priority=True, id="leave", tooltip="Quit"),
        # ctrl+c is what people press to stop a terminal program: the same as ctrl+q here.
        Binding("ctrl+c", "quit", "Save & quit", priority=True, show=False, id="quit-c"),
        Binding("ctrl+c", "leave", "Quit", priority=True, show=False, id="leave-c"),
    ]

    def __init__(
        self,
        session: Session | None = None,
        *,
        opener: partial[Session] | None = None,
        default_path: str = DEFAULT_DRAFT,
    ) -> None:
        super().__init__()
        self.session = session
        self.opener = opener
        self.default_path = default_path
        self.set_keymap(load_keymap())
        self.quit_unsaved = False
        self.quit_invalid = False  # the user chose to quit without an answer that is not valid
        self.asking_to_quit = False

    def on_mount(self) -> None:
        if self.session is not None:
            self.push_screen(WizardScreen(self.session))
        elif self.opener is not None:
            self.push_screen(ChoosePathScreen(self.default_path, self.opener), self._opened)

    def _opened(self, session: Session | None) -> None:
        if session is not None:
            self.session = session
            self.push_screen(WizardScreen(session))

    @property
    def wizard(self) -> WizardScreen | None:
        for screen in reversed(self.screen_stack):
            if isinstance(screen, WizardScreen):
                return screen
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """'Save & quit' once there is a draft; before that (choosing where to save) 'Quit'."""
        if action == "quit":
            return self.wizard is not None
        if action == "leave":
            return self.wizard is None
        return True

    def action_leave(self) -> None:
        self.exit(0)

    async def action_quit(self) -> None:
        wizard = self.wizard
        if self.asking_to_quit:  # ctrl+q again while asked: quit without the bad answer
            self.quit_invalid = True
            self.screen.dismiss(True)
            return
        if wizard is not None and not self.quit_invalid:
            problem = wizard.invalid_answer()
            if problem:
                self._ask_to_quit(wizard, problem)
                return
        if wizard is not None and not wizard.save_for_quit() and not self.quit_unsaved:
            self.quit_unsaved = True  # a second ctrl+q quits anyway
            self.notify(
                "The draft could not be saved (see above). Press ctrl+q again to quit without "
                "saving the latest answers.",
                severity="warning",
                timeout=10,
            )
            return
        self.exit(0)

    def _ask_to_quit(self, wizard: WizardScreen, problem: str) -> None:
        """An answer is not valid: quitting would lose it, so ask first."""
        path = next(iter(wizard.errors))

        async def answered(quit_anyway: bool | None) -> None:
            self.asking_to_quit = False
            if quit_anyway:
                self.quit_invalid = True
                await self.action_quit()
            else:
                await wizard.pane.focus_path(path)

        self.asking_to_quit = True
        self.push_screen(
            ConfirmScreen(
                f"{escape(problem)}\n\nFix it, or quit without it? (The other answers are saved "
                "either way.)",
                yes="Quit without it",
                no="Fix it",
            ),
            answered,
        )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Of Textual's own commands only Quit: themes, screenshots and key lists are not
        # for drafting an agreement.
        wizard = self.wizard
        if wizard is not None:
            yield from self._wizard_commands(wizard)
        for command in super().get_system_commands(screen):
            if command.title == "Quit":
                yield SystemCommand("Quit", "Save the draft and quit", self.action_quit)

    def _wizard_commands(self, wizard: WizardScreen) -> Iterable[SystemCommand]:
        for number, cls in enumerate(STEPS, 1):
            yield SystemCommand(
                f"Go to step {number}: {cls.title}",
                f"Jump to the {cls.title} step",
                partial(wizard.call_later, wizard.go_to, cls.step_id),
            )
        yield SystemCommand(
            "Generate the agreement",
            "Go to the Review step to check the document options and generate",
            partial(wizard.call_later, wizard.action_generate),
        )
        yield SystemCommand(
            "Show the coverage checklist",
            "Every requirement, the clause covering it, and the answers still missing",
            partial(wizard.call_later, wizard.action_checklist),
        )
        yield SystemCommand(
            "Save the draft",
            str(wizard.session.path),
            partial(wizard.call_later, wizard.action_save),
        )


KEYMAP_FILE = "keymap.toml"


def keymap_path() -> Path:
    """The optional file that remaps the wizard's keys (binding id = "keys"), see docs/wizard.md."""
    return data_dir() / KEYMAP_FILE


def load_keymap() -> dict[str, str]:
    """Binding id -> keys from the keymap file; a file that cannot be read changes nothing."""
    import tomllib

    try:
        data = tomllib.loads(keymap_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    keys = data.get("keys", data)
    return {k: v for k, v in keys.items() if isinstance(k, str) and isinstance(v, str)}


def make_app(
    draft_path: str | Path | None,
    library: Sequence[str | Path] = (),
    template: str | None = None,
    *,
    base: str | Path | None = None,
    pdf: bool | None = None,
) -> WizardApp:
    """Build the wizard for ``draft_path`` (or one that asks where to save, when it is None).

    Raises :class:`ProblemsError` when the draft or a pack cannot be read.
    """
    opener = partial(open_session, overlays=list(library), base=base, template=template, pdf=pdf)
    if draft_path is None:
        return WizardApp(opener=opener)
    return WizardApp(opener(draft_path))


def run_wizard(
    draft_path: str | None, library: Sequence[str] = (), template: str | None = None
) -> int:
    """Run the wizard in the terminal. Returns the exit code (2 when a file cannot be read, 3 when
    there is no terminal to run in)."""
    terminal = sys.stdin.isatty() and sys.stdout.isatty()
    if not terminal and not (draft_path and Path(draft_path).exists()):
        return _no_terminal()  # before a new draft is written
    try:
        app = make_app(draft_path, library, template)
    except ProblemsError as exc:
        print(f"error: {exc.summary}", file=sys.stderr)
        for problem in exc.problems:
            print("  " + str(problem).replace("\n", "\n  "), file=sys.stderr)
        if draft_path and Path(draft_path).exists():
            print(f"  The file {draft_path} was not changed. Fix it, then reopen.", file=sys.stderr)
        return 2
    if not terminal:  # Textual would wait forever for keys that never come
        return _no_terminal()
    code = app.run()
    message = exit_message(app)
    if message:
        print(message)
    return code or app.return_code or 0  # a crash is not a success


def _no_terminal() -> int:
    print(
        "error: the wizard needs a terminal (its input or output is not one).\n"
        "  Run 'agreement-kit wizard' in a terminal window, or use 'agreement-kit new', "
        "'check' and 'build' in scripts.",
        file=sys.stderr,
    )
    return 3


def exit_message(app: WizardApp) -> str:
    """Where the draft is and the command that takes the user back to it."""
    wizard_session = app.session
    if wizard_session is None:
        return ""
    path = wizard_session.path
    shown = os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    saved = "saved" if not app.quit_unsaved else "NOT fully saved (see the message above)"
    return (
        f"Your draft is {saved} in {path.resolve()}\n"
        f"To continue where you left off:  agreement-kit wizard {shlex.quote(shown)}"
    )
