"""The wizard driven through its UI with Textual's Pilot, asserting on the saved draft and documents.

The tests use a small fixed clause pack (tests/fixtures/tui/pack) so library edits do not move them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from textual.widgets import Input, Static

from agreement_kit import Draft, load_draft, save_draft
from tests.tui_drafts import PACK, riverton_draft
from tui.answers import field_id
from tui.app import make_app, run_wizard
from tui.screens import ChoosePathScreen, ConfirmScreen, WizardScreen
from tui.widgets.fields import FieldRow

BIG = (120, 50)


def app_for(path: Path | str | None):
    return make_app(path, base=PACK, pdf=False)


def complete_draft(step: str | None = None) -> Draft:
    return riverton_draft(
        step, ["mon", "wed"], effective="2027-07-01", end="2030-06-30", renewal="none"
    )


def docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts).replace("\xa0", " ")  # times use no-break spaces


def wizard(app) -> WizardScreen:
    screen = app.wizard
    assert screen is not None
    return screen


def row_of(app, path: str) -> FieldRow:
    control = app.screen.query_one(f"#{field_id(path)}")
    return next(a for a in control.ancestors if isinstance(a, FieldRow))


async def fill(pilot, path: str, text: str, then: str = "enter") -> None:
    """Click the field for ``path``, replace its text by typing, and leave it with ``then``."""
    await pilot.click(f"#{field_id(path)}")
    await pilot.press("end", "ctrl+u", *text, then)
    await pilot.pause()


async def choose(pilot, path: str, downs: int) -> None:
    """Open the drop-down for ``path`` with a click and pick the option ``downs`` below the top."""
    await pilot.click(f"#{field_id(path)}")
    await pilot.pause()
    await pilot.press("home", *["down"] * downs, "enter")
    await pilot.pause()


async def test_new_draft_to_docx_through_the_ui(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = app_for("riverton.yaml")
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        assert wizard(app).step == "parties"
        # Parties: the district name has focus; type it.
        await pilot.press(*"Riverton SD & Co", "enter")
        await choose(pilot, "district.kind", 3)  # Choose… common, union high, unified
        await fill(pilot, "district.administrator.name", "Dr. Holt")
        await fill(pilot, "agencies[0].name", "Riverton PD")
        await fill(pilot, "agencies[0].municipality.name", "City of Rivo")
        await choose(pilot, "agencies[0].municipality.kind", 1)
        await pilot.click("#next")
        await pilot.pause()
        # Program: add a building, then type its answers.
        assert wizard(app).step == "program"
        await pilot.click("#add-placements")
        await pilot.pause()
        await pilot.press(*"Rivo High", "enter", *"R. D'Amato", "enter")
        for day in range(5):  # click Mon..Fri
            await pilot.click(f"#{field_id('program.placements[0].days')}", offset=(day * 5 + 1, 0))
        await fill(pilot, "program.placements[0].start", "7:15", then="tab")
        await pilot.press(*"15:45", "tab")
        await pilot.press("ctrl+n")
        await pilot.pause()
        # Term and policy options.
        assert wizard(app).step == "term"
        await fill(pilot, "term.effective", "2027-07-01")
        await fill(pilot, "term.end", "2030-06-30")
        await pilot.press("ctrl+n")
        await pilot.pause()
        # Clauses: include the optional cost-share clause and set its percentage.
        assert wizard(app).step == "clauses"
        await pilot.click("#clause-list")
        await pilot.press("end", "up")
        await pilot.pause()
        assert wizard(app).pane.current == "cost-share"
        await pilot.press("space")
        await pilot.pause()
        await fill(pilot, "values.cost_share_percent", "60")
        await pilot.press("ctrl+n")
        await pilot.pause()
        # Review: generate.
        assert wizard(app).step == "review"
        assert "Ready to generate" in str(app.screen.query_one("#review-summary", Static).render())
        await pilot.click("#generate")
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(app.screen.query_one("#generate-status", Static).render())
        assert "Wrote" in status and "riverton.docx" in status
        await pilot.press("ctrl+q")
    assert app.return_value == 0

    saved = load_draft(tmp_path / "riverton.yaml")
    assert saved.district.name == "Riverton SD & Co"
    assert saved.district.kind == "unified"
    assert saved.district.administrator.name == "Dr. Holt"
    municipality = saved.agencies[0].municipality
    assert (municipality.name, municipality.kind) == ("City of Rivo", "city")
    placement = saved.program.placements[0]
    assert placement.building == "Rivo High"
    assert placement.days == ["mon", "tue", "wed", "thu", "fri"]
    assert (placement.start, placement.end) == ("07:15", "15:45")
    assert saved.term.effective.isoformat() == "2027-07-01"
    assert saved.clauses.optional["cost-share"] is True
    assert saved.values["cost_share_percent"] == 60
    assert saved.wizard.step == "review"

    text = docx_text(tmp_path / "riverton.docx")
    assert "Riverton SD & Co" in text
    assert "City of Rivo" in text
    assert "Rivo High on Monday through Friday from 7:15 a.m. to 3:45 p.m." in text
    assert "The District pays 60% of the" in text
    assert "This Agreement runs from July 1, 2027 to June 30, 2030." in text


async def test_resume_restores_answers_and_step(tmp_path):
    path = tmp_path / "draft.yaml"
    save_draft(complete_draft(step="term"), path)
    app = app_for(path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        assert wizard(app).step == "term"
        assert app.screen.query_one("#f-term-effective", Input).value == "2027-07-01"
        assert app.focused is app.screen.query_one("#f-term-effective")
        await pilot.press("ctrl+b", "ctrl+b")
        await pilot.pause()
        assert wizard(app).step == "parties"
        name = app.screen.query_one(f"#{field_id('district.administrator.name')}", Input)
        assert name.value == "Dr. Amélie Zúñiga-Holt"
    assert load_draft(path).wizard.step == "parties"


async def test_validation_error_shows_beside_the_field_and_blocks_moving_on(tmp_path):
    path = tmp_path / "draft.yaml"
    save_draft(complete_draft(step="term"), path)
    app = app_for(path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        await fill(pilot, "term.end", "2026-06-30", then="tab")
        row = row_of(app, "term.end")
        assert row.has_class("-invalid")
        error = str(row.query_one(".field-error", Static).render())
        assert "must be after the effective date 2027-07-01" in error
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert wizard(app).step == "term"  # blocked
        assert app.focused is app.screen.query_one("#f-term-end")
        assert load_draft(path).term.end.isoformat() == "2030-06-30"  # bad value never saved
        # A bad date format, then fixing it, clears the error and lets the user on.
        await fill(pilot, "term.end", "2030-6-31", then="tab")
        assert "date" in str(row.query_one(".field-error", Static).render())
        await fill(pilot, "term.end", "2031-06-30", then="tab")
        assert not row.has_class("-invalid")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert wizard(app).step == "clauses"
    assert load_draft(path).term.end.isoformat() == "2031-06-30"


async def test_bad_time_is_shown_on_its_field(tmp_path):
    path = tmp_path / "draft.yaml"
    save_draft(complete_draft(step="program"), path)
    app = app_for(path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        await fill(pilot, "program.placements[0].end", "06:00", then="tab")
        row = row_of(app, "program.placements[0].end")
        assert "end time 06:00 must be after start time 07:15" in str(
            row.query_one(".field-error", Static).render()
        )
        assert app.screen.query_one(f"#{field_id('program.placements[0].end')}").has_class(
            "-invalid"
        )
        await pilot.click("#next")
        await pilot.pause()
        assert wizard(app).step == "program"


async def test_toggling_and_choosing_clauses_change_coverage_and_preview(tmp_path):
    path = tmp_path / "draft.yaml"
    save_draft(complete_draft(step="clauses"), path)
    app = app_for(path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        screen = app.screen
        records = screen.query_one("#req-records")
        updates = screen.query_one("#req-board-updates")
        preview = screen.query_one("#clause-preview", Static)
        assert records.has_class("-covered") and updates.has_class("-covered")
        await pilot.click("#clause-list")
        await pilot.press("home", "down")  # recital-parties -> placement
        await pilot.press("down")  # -> records-sharing
        await pilot.pause()
        assert wizard(app).pane.current == "records-sharing"
        assert "Not in the agreement now" not in str(preview.render())
        await pilot.press("space")
        await pilot.pause()
        assert records.has_class("-uncovered")
        assert str(records.render()).startswith("✗")
        assert "Not in the agreement now" in str(preview.render())
        assert wizard(app).draft.clauses.optional["records-sharing"] is False
        # Choose the other annual-report alternative.
        await pilot.press("down", "down")  # report-board -> report-da
        await pilot.pause()
        assert wizard(app).pane.current == "report-da"
        assert "Not in the agreement now" in str(preview.render())
        await pilot.press("space")
        await pilot.pause()
        assert updates.has_class("-uncovered")
        text = str(preview.render())
        assert "Not in the agreement now" not in text
        assert "to the District Administrator, Dr. Amélie Zúñiga-Holt" in text
    saved = load_draft(path)
    assert saved.clauses.alternatives["annual-report"] == "report-da"
    assert saved.clauses.optional["records-sharing"] is False


async def test_a_requirement_in_the_panel_leads_to_its_clause(tmp_path):
    path = tmp_path / "draft.yaml"
    save_draft(complete_draft(step="parties"), path)
    app = app_for(path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        await pilot.click("#req-records", offset=(2, 0))
        await pilot.pause()
        assert wizard(app).step == "clauses"
        assert wizard(app).pane.current == "records-sharing"
        assert "Records sharing" in str(app.screen.query_one("#clause-head", Static).render())


async def test_generation_is_refused_while_a_requirement_is_uncovered(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    draft = complete_draft(step="review")
    data = draft.model_dump()
    data["clauses"]["optional"]["records-sharing"] = False
    save_draft(Draft.model_validate(data), tmp_path / "draft.yaml")
    app = app_for("draft.yaml")
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+g")
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(app.screen.query_one("#generate-status", Static).render())
        assert "Cannot generate yet" in status
        assert "requirement records (Student records) is not covered" in status
        assert not (tmp_path / "draft.docx").exists()


async def test_quitting_mid_step_keeps_the_answers(tmp_path):
    path = tmp_path / "draft.yaml"
    app = app_for(path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        await pilot.press(*"Half-typed District")  # still in the field: not yet committed
        await pilot.press("ctrl+q")
    assert load_draft(path).district.name == "Half-typed District"
    assert load_draft(path).wizard.step == "parties"


async def test_missing_answers_jump_to_where_they_are_asked(tmp_path):
    path = tmp_path / "draft.yaml"
    draft = complete_draft(step="review")
    data = draft.model_dump()
    data["agencies"][0]["municipality"]["name"] = None
    save_draft(Draft.model_validate(data), path)
    app = app_for(path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        missing = app.screen.query_one("#missing")
        assert [o.id for o in missing.options] == ["agencies[0].municipality.name"]
        await pilot.click("#missing", offset=(4, 0))
        await pilot.pause()
        assert wizard(app).step == "parties"
        assert app.focused is app.screen.query_one(f"#{field_id('agencies[0].municipality.name')}")
        assert row_of(app, "agencies[0].municipality.name").has_class("-needed")


async def test_adding_and_removing_an_agency(tmp_path):
    path = tmp_path / "draft.yaml"
    save_draft(complete_draft(step="parties"), path)
    app = app_for(path)
    async with app.run_test(size=(120, 80)) as pilot:
        await pilot.pause()
        await pilot.click("#add-agencies")
        await pilot.pause()
        assert app.focused is app.screen.query_one(f"#{field_id('agencies[1].name')}")
        await pilot.press(*"Dane County Sheriff", "enter")
        await pilot.pause()
        assert [a.name for a in load_draft(path).agencies][1] == "Dane County Sheriff"
        await pilot.click("#remove-agencies-1")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert len(wizard(app).draft.agencies) == 1
    assert len(load_draft(path).agencies) == 1


async def test_command_palette_jumps_to_the_checklist(tmp_path):
    path = tmp_path / "draft.yaml"
    save_draft(complete_draft(step="parties"), path)
    app = app_for(path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"coverage checklist")
        await pilot.pause(0.3)  # the palette searches in the background
        await pilot.press("enter")
        await pilot.pause()
        assert wizard(app).step == "review"


async def test_without_a_path_it_asks_where_to_save(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.yaml").write_text("district: [unclosed\n", encoding="utf-8")
    app = app_for(None)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ChoosePathScreen)
        assert app.screen.query_one("#choose-path", Input).value == "agreement-draft.yaml"
        await pilot.press("end", "ctrl+u", *"broken.yaml", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoosePathScreen)  # stays, showing the problem
        assert "the file was not changed" in str(app.screen.query_one("#choose-problems").render())
        await pilot.press("ctrl+u", *"new.yaml", "enter")
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)
    assert (tmp_path / "broken.yaml").read_text(encoding="utf-8") == "district: [unclosed\n"
    assert load_draft(tmp_path / "new.yaml").format == 1


def test_a_draft_that_cannot_be_read_is_reported_and_left_alone(tmp_path, capsys):
    path = tmp_path / "draft.yaml"
    text = "district:\n  name: Riverton\n  colour: blue\n"
    path.write_text(text, encoding="utf-8")
    assert run_wizard(str(path)) == 2
    err = capsys.readouterr().err
    assert "colour" in err and f"{path}:3" in err
    assert "was not changed" in err
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_step_fits_small_and_large_terminals(tmp_path, size):
    path = tmp_path / "draft.yaml"
    save_draft(complete_draft(step="parties"), path)
    app = app_for(path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for step in ("program", "term", "clauses", "review"):
            await pilot.press("ctrl+n")
            await pilot.pause()
            assert wizard(app).step == step
            # The nav bar, coverage panel and the step's first control are on screen.
            for selector in ("#back", "#coverage", "#steps"):
                region = app.screen.query_one(selector).region
                assert region.width > 0 and region.bottom <= size[1]
            assert app.focused is not None and app.focused.region.width > 0


async def test_a_failed_save_is_shown_and_quitting_asks_twice(tmp_path, monkeypatch):
    path = tmp_path / "draft.yaml"
    save_draft(complete_draft(step="parties"), path)
    app = app_for(path)

    def refuse(self, draft, *, replace=False):
        raise PermissionError(13, "Permission denied", str(self.path))

    monkeypatch.setattr("agreement_kit.DraftFile.save", refuse)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+a", "ctrl+k", *"New name", "tab")
        await pilot.pause()
        assert "Not saved" in str(app.screen.query_one("#save-status", Static).render())
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running  # the first ctrl+q does not lose the answer silently
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_value == 0
    assert load_draft(path).district.name == "Riverton Area School District"
