"""Issue 12: a predictable keyboard — Enter commits only a valid answer and moves on at once, keys
typed ahead land in the field the user sees focused, drop-downs hand focus on, the day picker and
the clause list never change an answer the user only meant to read or pass."""

from __future__ import annotations

import shutil

from textual import events
from textual.widgets import Input, OptionList, Select, Static

from agreement_kit import load_draft, save_draft
from tests.conftest import EXAMPLES
from tests.test_tui_wizard import BIG, app_for, complete_draft, fill, wizard
from tui.answers import field_id
from tui.app import make_app
from tui.screens import ConfirmScreen
from tui.widgets.fields import DaysPicker


def burst(app, keys: list[str]) -> None:
    """Post keys as a fast typist's burst: all queued before the app handles the first."""
    for key in keys:
        char = key if len(key) == 1 else ("\r" if key == "enter" else None)
        app.post_message(events.Key(key, char))


def focused_path(app) -> str | None:
    return getattr(app.screen.focused, "path", None)


async def test_typed_ahead_keys_go_to_the_field_focused_after_enter(tmp_path):
    path = tmp_path / "draft.yaml"
    app = app_for(path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        assert focused_path(app) == "district.name"
        # Reproduction of the lag: name, Enter, then the kind's first letters before the focus
        # moved used to land in the name field.
        burst(app, [*"Lakeshore SD", "enter", "enter", "down", "down", "enter", *"Board"])
        await pilot.pause()
        await pilot.pause()
        draft = wizard(app).draft
        assert draft.district.name == "Lakeshore SD"
        # Enter opened the drop-down, two downs and Enter chose, and focus moved on at once, so
        # "Board" went into the next field — not into a search of the drop-down.
        assert draft.district.kind == "union_high"
        assert focused_path(app) == "district.board"
        assert app.screen.query_one(f"#{field_id('district.board')}", Input).value == "Board"
        await pilot.press("enter")
        await pilot.pause()
    saved = load_draft(path)
    assert (saved.district.name, saved.district.kind, saved.district.board) == (
        "Lakeshore SD",
        "union_high",
        "Board",
    )


async def test_enter_on_an_invalid_time_keeps_focus_and_the_retyped_answer(tmp_path):
    path = tmp_path / "draft.yaml"
    save_draft(complete_draft(step="program"), path)
    app = app_for(path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        end = "program.placements[0].end"
        await fill(pilot, end, "0630")  # before the 07:15 start: refused
        assert focused_path(app) == end
        assert end in wizard(app).errors
        await pilot.press("ctrl+u", *"1530", "enter")
        await pilot.pause()
        assert end not in wizard(app).errors
        assert focused_path(app) != end
        await pilot.press("ctrl+q")
    assert load_draft(path).program.placements[0].end == "15:30"


async def test_day_picker_enter_moves_on_space_toggles_arrows_stop(tmp_path):
    path = tmp_path / "draft.yaml"
    save_draft(complete_draft(step="program"), path)  # mon and wed
    app = app_for(path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        days = "program.placements[0].days"
        picker = app.screen.query_one(f"#{field_id(days)}", DaysPicker)
        await pilot.click(f"#{field_id(days)}", offset=(1, 0))  # click on Mo: toggles it off
        await pilot.pause()
        assert wizard(app).draft.program.placements[0].days == ["wed"]
        await pilot.press("space")  # Mo back on
        await pilot.press("left")  # at Mo already: stays (no wrap to Su)
        await pilot.pause()
        assert picker.cursor == 0
        rendered = picker.render().plain
        assert rendered.startswith("[■Mo]")  # the cursor is shown on a ticked day, without colour
        await pilot.press("enter")  # moves on, does not untick Monday
        await pilot.pause()
        assert focused_path(app) == "program.placements[0].start"
        assert wizard(app).draft.program.placements[0].days == ["mon", "wed"]


async def test_reading_a_clause_never_changes_it(tmp_path):
    path = tmp_path / "draft.yaml"
    save_draft(complete_draft(step="clauses"), path)
    app = app_for(path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        listing = app.screen.query_one("#clause-list", OptionList)
        before = wizard(app).draft.clauses
        row = listing.get_option_index("records-sharing")
        # A click on the row's title reads it; Enter goes to its answers (there are none).
        await pilot.click("#clause-list", offset=(20, row))
        await pilot.press("enter")
        await pilot.pause()
        assert wizard(app).pane.current == "records-sharing"
        assert wizard(app).draft.clauses == before
        # A click on its mark, or Space, toggles it.
        await pilot.click("#clause-list", offset=(2, row))
        await pilot.pause()
        assert wizard(app).draft.clauses.optional["records-sharing"] is False
        await pilot.press("space")
        await pilot.pause()
        assert wizard(app).draft.clauses.optional["records-sharing"] is True
        # Only the toggled row was redrawn, not every clause.
        assert wizard(app).pane.prompts_redrawn == 2


async def test_space_on_the_chosen_alternative_asks_before_leaving_the_group_out(tmp_path):
    # The bundled pack: its 'attire' alternatives are optional (pick one or none).
    path = tmp_path / "riverton.yaml"
    shutil.copy(EXAMPLES / "riverton.yaml", path)
    app = make_app(path, pdf=False)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        await wizard(app).go_to("clauses")
        await pilot.pause()
        chosen = wizard(app).draft.clauses.alternatives["attire"]
        assert chosen != "none"
        listing = app.screen.query_one("#clause-list", OptionList)
        listing.focus()
        listing.highlighted = listing.get_option_index(chosen)
        await pilot.press("space")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep it
        await pilot.pause()
        assert wizard(app).draft.clauses.alternatives["attire"] == chosen
        await pilot.press("space", "y")
        await pilot.pause()
        assert wizard(app).draft.clauses.alternatives["attire"] == "none"


async def test_clause_search_and_jump_to_section(tmp_path):
    path = tmp_path / "draft.yaml"
    save_draft(complete_draft(step="clauses"), path)
    app = app_for(path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        listing = app.screen.query_one("#clause-list", OptionList)
        listing.focus()
        everything = listing.option_count
        await pilot.press(*"records")  # typing in the list searches
        await pilot.pause()
        search = app.screen.query_one("#clause-search", Input)
        assert search.value == "records" and search.has_focus
        shown = [o.id for o in listing.options if not o.disabled]
        assert shown == ["records-sharing"]
        await pilot.press("enter")  # back to the list, on the match
        await pilot.pause()
        assert listing.has_focus and wizard(app).pane.current == "records-sharing"
        await pilot.press("r")
        await pilot.press("escape")  # clears the search
        await pilot.pause()
        assert listing.option_count == everything
        library = wizard(app).library
        last = library.sections[-1]
        jump = app.screen.query_one("#clause-section", Select)
        jump.value = last.id
        await pilot.pause()
        await pilot.pause()
        first = min(
            (c for c in library.clauses.values() if c.section == last.id), key=lambda c: c.order
        )
        assert wizard(app).pane.current == first.id
        detail = app.screen.query_one("#clause-detail")
        assert detail.scroll_y == 0 and not detail.focusable


async def test_a_second_enter_on_add_does_not_add_an_empty_building(tmp_path):
    path = tmp_path / "draft.yaml"
    save_draft(complete_draft(step="program"), path)
    app = app_for(path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        app.screen.query_one("#add-placements").focus()
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#add-placements").focus()
        await pilot.press("enter")  # the habitual extra Enter
        await pilot.pause()
        assert len(wizard(app).draft.program.placements) == 2
        assert focused_path(app) == "program.placements[1].building"


async def test_missing_answers_carry_a_text_mark_not_only_colour(tmp_path):
    path = tmp_path / "draft.yaml"
    app = app_for(path)  # new: the district name is missing
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        control = app.screen.query_one(f"#{field_id('district.name')}")
        row = control.parent.parent
        label = row.query_one(".field-label", Static)
        assert str(label.render()).startswith("* Name")
        await pilot.press(*"Lakeshore", "enter")
        await pilot.pause()
        assert str(label.render()) == "Name"
        assert "Amber" not in str(app.screen.query_one(".step-intro", Static).render())
