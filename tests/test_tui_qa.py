"""The wizard's fixes from QA, driven through the UI with Pilot and checked on the saved draft."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList, Static

from agreement_kit import Draft, load_draft, save_draft
from tests.test_tui_wizard import BIG, app_for, complete_draft, fill, row_of, wizard
from tui.answers import field_id
from tui.screens import ChoosePathScreen, ConfirmScreen


async def test_coverage_panel_counts_only_covered_and_shows_missing_first(tmp_path):
    path = tmp_path / "draft.yaml"
    app = app_for(path)  # a new, empty draft
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        title = str(screen.query_one("#coverage-title", Static).render())
        placement = screen.query_one("#req-A")
        assert placement.has_class("-needs") and not placement.has_class("-covered")
        assert str(placement.render()).startswith("◐")
        covered = sum(1 for r in wizard(app).coverage.requirements if r.state == "covered")
        applying = sum(1 for r in wizard(app).coverage.requirements if r.applies)
        assert covered < applying
        assert f"{covered}/{applying}" in title
        missing = screen.query_one("#coverage-missing", Static)
        assert "answers missing" in str(missing.render())
        assert missing.region.y < placement.region.y  # above the rows: visible at 80×24
        assert 0 < missing.region.bottom <= 24


async def test_review_lists_missing_answers_in_form_words_and_order(tmp_path):
    path = tmp_path / "draft.yaml"
    draft = complete_draft(step="review")
    data = draft.model_dump()
    data["district"]["name"] = None
    data["agencies"][0]["municipality"] = {"name": None, "kind": None}
    data["term"]["effective"] = None
    save_draft(Draft.model_validate(data), path)
    app = app_for(path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        listing = app.screen.query_one("#missing", OptionList)
        assert [o.id for o in listing.options] == [
            "district.name",
            "agencies[0].municipality.name",
            "term.effective",
        ]
        prompts = [str(o.prompt) for o in listing.options]
        assert prompts[0].startswith("District › Name  needed by The parties")
        assert prompts[1].startswith("Agency 1 › Municipality  needed by")
        assert prompts[2].startswith("Term › Effective date  needed by Term")
        assert "recital-parties" not in " ".join(prompts)
        summary = str(app.screen.query_one("#review-summary", Static).render())
        assert "things to resolve" in summary and "thing(s)" not in summary


async def test_changing_the_start_time_rechecks_the_end_time(tmp_path):
    path = tmp_path / "draft.yaml"
    data = complete_draft(step="program").model_dump()
    data["program"]["placements"][0]["end"] = None
    save_draft(Draft.model_validate(data), path)
    app = app_for(path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        end = "program.placements[0].end"
        await fill(pilot, end, "06:00", then="tab")
        assert row_of(app, end).has_class("-invalid")
        assert wizard(app).draft.program.placements[0].end is None
        await fill(pilot, "program.placements[0].start", "05:30", then="tab")
        assert not row_of(app, end).has_class("-invalid")
        assert end not in wizard(app).errors
        placement = wizard(app).draft.program.placements[0]
        assert (placement.start, placement.end) == ("05:30", "06:00")
    saved = load_draft(path).program.placements[0]
    assert (saved.start, saved.end) == ("05:30", "06:00")


async def test_changing_the_effective_date_rechecks_the_end_date(tmp_path):
    path = tmp_path / "draft.yaml"
    save_draft(complete_draft(step="term"), path)
    app = app_for(path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        await fill(pilot, "term.end", "2027-01-01", then="tab")
        assert row_of(app, "term.end").has_class("-invalid")
        await fill(pilot, "term.effective", "2026-07-01", then="tab")
        assert not row_of(app, "term.end").has_class("-invalid")
    term = load_draft(path).term
    assert (term.effective.isoformat(), term.end.isoformat()) == ("2026-07-01", "2027-01-01")


async def test_quitting_with_an_invalid_answer_asks_first(tmp_path):
    path = tmp_path / "draft.yaml"
    save_draft(complete_draft(step="term"), path)
    app = app_for(path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        assert app.focused is app.screen.query_one("#f-term-effective")
        await pilot.press("end", "ctrl+u", *"2027-13-01")  # still in the field
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one("#confirm-question", Static).render())
        assert "Effective date is not valid" in question and "quit without it" in question
        await pilot.press("n")  # fix it
        await pilot.pause()
        assert app.focused is app.screen.query_one("#f-term-effective")
        await pilot.press("ctrl+u", *"2027-08-01", "ctrl+q")  # a valid answer is saved on quit
        await pilot.pause()
    assert not app.is_running
    assert load_draft(path).term.effective.isoformat() == "2027-08-01"


async def test_quitting_without_the_invalid_answer_keeps_the_old_one(tmp_path):
    path = tmp_path / "draft.yaml"
    save_draft(complete_draft(step="term"), path)
    app = app_for(path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        await pilot.press("end", "ctrl+u", *"2027-13-01", "ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
    assert not app.is_running
    assert load_draft(path).term.effective.isoformat() == "2027-07-01"


async def test_removing_an_agency_names_the_buildings_it_staffs(tmp_path):
    path = tmp_path / "draft.yaml"
    data = complete_draft(step="parties").model_dump()
    data["agencies"].append({"name": "Dane County Sheriff's Office"})
    data["program"]["placements"][0]["agency"] = 1
    save_draft(Draft.model_validate(data), path)
    app = app_for(path)
    async with app.run_test(size=(120, 80)) as pilot:
        await pilot.pause()
        await pilot.click("#remove-agencies-1")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one("#confirm-question", Static).render())
        assert "Agency 2 (Dane County Sheriff's Office)" in question
        assert "It staffs Building 1 (Riverton High School)" in question
        assert "will be assigned to Agency 1 (Riverton Police Department)" in question
        await pilot.press("y")
        await pilot.pause()
    saved = load_draft(path)
    assert [a.name for a in saved.agencies] == ["Riverton Police Department"]
    assert saved.program.placements[0].agency == 0


async def test_us_dates_are_typed_with_slashes(tmp_path):
    path = tmp_path / "draft.yaml"
    save_draft(complete_draft(step="term"), path)
    app = app_for(path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        await fill(pilot, "term.effective", "8/1/2026", then="tab")
        field = app.screen.query_one(f"#{field_id('term.effective')}", Input)
        assert field.value == "2026-08-01"
        assert not row_of(app, "term.effective").has_class("-invalid")
    assert load_draft(path).term.effective.isoformat() == "2026-08-01"


async def test_ctrl_g_goes_to_review_and_waits_for_enter(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    save_draft(complete_draft(step="parties"), "draft.yaml")
    app = app_for("draft.yaml")
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert wizard(app).step == "review"
        assert app.focused is app.screen.query_one("#generate")
        await app.workers.wait_for_complete()
        assert not (tmp_path / "draft.docx").exists()  # nothing written yet
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert (tmp_path / "draft.docx").exists()


async def test_choosing_a_folder_says_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("hello\n", encoding="utf-8")
    app = app_for(None)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        note = app.screen.query_one("#choose-note", Static)
        await pilot.press("end", "ctrl+u", *str(tmp_path))
        await pilot.pause()
        assert "this is a folder" in str(note.render())
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoosePathScreen)
        assert "is a folder" in str(app.screen.query_one("#choose-problems").render())
        await pilot.press("ctrl+u", *"notes.txt")
        await pilot.pause()
        assert "not a draft" in str(note.render())
        await pilot.press("ctrl+u", *"nowhere/draft.yaml", "enter")
        await pilot.pause()
        problems = str(app.screen.query_one("#choose-problems").render())
        assert "does not exist" in problems and "not changed" not in problems
    assert not Path(tmp_path / "nowhere").exists()


async def test_the_palette_offers_the_wizard_commands_and_quit_only(tmp_path):
    path = tmp_path / "draft.yaml"
    save_draft(complete_draft(step="parties"), path)
    app = app_for(path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
    assert titles[-1] == "Quit" and "Generate the agreement" in titles
    shown = " ".join(titles).lower()
    assert not any(word in shown for word in ("theme", "screenshot", "maximize", "keys"))
