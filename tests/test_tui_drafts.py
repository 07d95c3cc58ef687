"""Issue 12: nothing a user typed is lost or overwritten — draft names, resuming, recent drafts,
byte-identical reopening, outside edits, quitting and the exit message."""

from __future__ import annotations

import io
import shutil

from textual.widgets import Input, OptionList, Static

from agreement_kit import load_draft, save_draft
from tests.conftest import EXAMPLES
from tests.test_tui_wizard import BIG, app_for, complete_draft, fill, wizard
from tui.app import exit_message, make_app, run_wizard
from tui.screens import ChoosePathScreen, ConfirmScreen, WizardScreen


async def type_path(pilot, app, text: str) -> None:
    await pilot.press("end", "ctrl+u", *text)
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def test_a_word_name_for_the_draft_is_refused_and_a_bare_name_gets_yaml(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    app = app_for(None)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        await pilot.press("end", "ctrl+u", *"Lakeshore Agreement 2026.docx")
        await pilot.pause()
        note = str(app.screen.query_one("#choose-note", Static).render())
        assert "not a draft" in note and "Lakeshore Agreement 2026.yaml" in note
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoosePathScreen)  # refused: nothing written
        problems = str(app.screen.query_one("#choose-problems", Static).render())
        assert "document" in problems
        assert not (tmp_path / "Lakeshore Agreement 2026.docx").exists()
        await type_path(pilot, app, "Lakeshore Agreement 2026")
        assert isinstance(app.screen, WizardScreen)
        assert wizard(app).session.path.name == "Lakeshore Agreement 2026.yaml"
        await pilot.press(*"Lakeshore SD", "enter")
        await pilot.pause()
        # Review's document name is the draft's with .docx: never the draft itself.
        assert wizard(app).output.endswith("Lakeshore Agreement 2026.docx")
        await pilot.press("ctrl+q")
    assert load_draft(tmp_path / "Lakeshore Agreement 2026.yaml").district.name == "Lakeshore SD"
    assert exit_message(app).endswith("agreement-kit wizard 'Lakeshore Agreement 2026.yaml'")

    # Reopened by the same bare name: the draft is resumed, and listed as a recent draft.
    again = app_for(None)
    async with again.run_test(size=BIG) as pilot:
        await pilot.pause()
        recent = again.screen.query_one("#recent-drafts", OptionList)
        first = str(recent.get_option_at_index(0).prompt)
        assert "Lakeshore SD — saved" in first
        await type_path(pilot, again, "Lakeshore Agreement 2026")
        assert isinstance(again.screen, WizardScreen)
        assert wizard(again).draft.district.name == "Lakeshore SD"


async def test_a_draft_saved_without_yaml_is_continued_under_a_yaml_name(tmp_path):
    legacy = tmp_path / "lakeshore"
    save_draft(complete_draft(step="parties"), tmp_path / "x.yaml")
    shutil.move(tmp_path / "x.yaml", legacy)
    before = legacy.read_bytes()
    app = app_for(None)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        await type_path(pilot, app, str(legacy))
        assert isinstance(app.screen, WizardScreen)
        assert wizard(app).session.path == tmp_path / "lakeshore.yaml"
        assert wizard(app).draft.district.name == "Riverton Area School District"
    assert legacy.read_bytes() == before  # the old file is left as it was
    assert (tmp_path / "lakeshore.yaml").read_bytes() == before


async def test_opening_and_quitting_leaves_a_commented_draft_byte_identical(tmp_path):
    for source in (EXAMPLES / "riverton.yaml", None):
        path = tmp_path / "kept.yaml"
        if source is None:  # a starter written by 'new' (its notes), with a comment of our own
            path.unlink()
            save_draft(complete_draft(step="term"), path)
            path.write_text(path.read_text() + "# my own note, keep me\n", encoding="utf-8")
        else:
            shutil.copy(source, path)
        before = path.read_bytes()
        app = make_app(path, pdf=False) if source else app_for(path)
        async with app.run_test(size=BIG) as pilot:
            await pilot.pause()
            await pilot.press("tab", "tab")
            await pilot.pause()
            await pilot.press("ctrl+q")
        assert path.read_bytes() == before


async def test_a_second_save_after_an_outside_edit_asks_first(tmp_path):
    path = tmp_path / "draft.yaml"
    save_draft(complete_draft(step="parties"), path)
    app = app_for(path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        await fill(pilot, "district.board", "Board of Education")  # first save: fine
        assert load_draft(path).district.board == "Board of Education"
        # Someone edits the file in an editor meanwhile.
        edited = path.read_text(encoding="utf-8").replace(
            "Riverton Area School District", "Riverton Schools"
        )
        path.write_text(edited + "# edited by hand\n", encoding="utf-8")
        await fill(pilot, "district.address", "1 Main St")
        assert isinstance(app.screen, ConfirmScreen)  # asked, not overwritten
        assert "# edited by hand" in path.read_text(encoding="utf-8")
        await pilot.press("n")  # reload theirs
        await pilot.pause()
        assert wizard(app).draft.district.name == "Riverton Schools"
        value = app.screen.query_one("#f-district-name", Input).value
        assert value == "Riverton Schools"
        # The next answer is saved over the reloaded file, keeping their comment.
        await fill(pilot, "district.address", "2 Main St")
        assert not isinstance(app.screen, ConfirmScreen)
    text = path.read_text(encoding="utf-8")
    assert "# edited by hand" in text
    saved = load_draft(path)
    assert (saved.district.name, saved.district.address) == ("Riverton Schools", "2 Main St")


async def test_ctrl_c_saves_and_reopening_returns_to_the_same_field(tmp_path):
    path = tmp_path / "draft.yaml"
    save_draft(complete_draft(step="parties"), path)
    app = app_for(path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        await pilot.press("f8")  # Next without ctrl+n (tmux / VS Code keep some ctrl keys)
        await pilot.pause()
        assert wizard(app).step == "program"
        await fill(pilot, "program.placements[0].principal", "Ms. Ortiz", then="tab")
        await pilot.press("ctrl+c")
        await pilot.pause()
    assert app.return_value == 0
    saved = load_draft(path)
    assert saved.program.placements[0].principal == "Ms. Ortiz"
    assert saved.wizard.step == "program"
    field = saved.wizard.field
    assert field and field.startswith("program.placements[0].")
    again = app_for(path)
    async with again.run_test(size=BIG) as pilot:
        await pilot.pause()
        assert wizard(again).step == "program"
        assert getattr(again.screen.focused, "path", None) == field
        await pilot.press("f7")  # Back
        await pilot.pause()
        assert wizard(again).step == "parties"


def test_without_a_terminal_the_wizard_says_so_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # as with </dev/null
    path = tmp_path / "new.yaml"
    assert run_wizard(str(path)) == 3
    assert "needs a terminal" in capsys.readouterr().err
    assert not path.exists()
    assert run_wizard(None) == 3
