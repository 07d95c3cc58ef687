"""The wizard's Review step: the same checklist and sign-off as the command line, driven with Pilot
and asserted on the saved draft."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Button, Input, SelectionList, Static

from agreement_kit import build_checklist, load_draft, load_library
from tests.conftest import EXAMPLES
from tests.helpers import FIXTURES
from tui.answers import field_id
from tui.app import make_app

BIG = (140, 60)
OVERLAY = str(FIXTURES / "recommended-pack")


def riverton(tmp_path: Path, *, replace: tuple[str, str] | None = None) -> Path:
    text = (EXAMPLES / "riverton.yaml").read_text(encoding="utf-8")
    if replace:
        text = text.replace(*replace)
    path = tmp_path / "draft.yaml"
    path.write_text(text + "wizard:\n  step: review\n", encoding="utf-8")
    return path


async def press(app, pilot, selector: str) -> None:
    """Press a button (not a click at its screen position, which a scroll may move) and wait
    until what it asked for is done and saved."""
    app.screen.query_one(selector, Button).press()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def rendered(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@pytest.mark.slow
async def test_review_shows_the_checklist_data_and_recommended_omissions_first(tmp_path):
    path = riverton(
        tmp_path,
        replace=(
            "    advisory-committee: true\n",
            "    advisory-committee: true\n    public-records: false\n",
        ),
    )
    shutil.copytree(OVERLAY, tmp_path / "overlay")
    app = make_app(path, [tmp_path / "overlay"], pdf=False)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        summary = rendered(app, "#review-summary")
        assert "not a sound agreement yet" in summary and "public-records" in summary
        title = rendered(app, "#against-title")
        assert title == "Left out against the library's recommendation (1)"
        pane = app.screen.query_one("#pane-review")
        order = [w.id for w in pane.children if w.id]
        assert order.index("against-title") < order.index("missing-title")
        # the checklist panel shows the checklist's own data, laid out for the terminal
        checklist = build_checklist(load_library([tmp_path / "overlay"]), load_draft(path))
        assert pane.checklist == checklist.model_copy(  # type: ignore[attr-defined]
            update={"provenance": pane.checklist.provenance}  # type: ignore[attr-defined]
        )
        await app.workers.wait_for_complete()  # the panel is laid out in a worker thread
        await pilot.pause()
        console = Console(file=io.StringIO(), width=140, color_system=None, record=True)
        console.print(app.screen.query_one("#checklist", Static).content)
        shown = console.export_text()
        for heading in ("Left out against the library's recommendation", "Deal terms", "Verify"):
            assert heading in shown
        assert shown.index("Left out against") < shown.index("Deal terms")
        assert "NO REASON RECORDED" in shown and "recording-devices-no-body-cameras" in shown
        # record the reason where it is asked
        await pilot.click(f"#{field_id('clauses.omitted.public-records')}")
        await pilot.press(*"The City self-insures", "enter")
        await pilot.pause()
    saved = load_draft(path)
    assert saved.clauses.omitted == {"public-records": "The City self-insures"}
    assert build_checklist(load_library([tmp_path / "overlay"]), saved).sound


@pytest.mark.slow
async def test_approve_and_request_changes_from_the_review_step(tmp_path):
    path = riverton(tmp_path)
    app = make_app(path, pdf=False)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        items = app.screen.query_one("#review-items", SelectionList)
        items.select("requirement:A")
        items.select("clause:insurance")
        app.screen.query_one("#reviewer", Input).value = "Jane Counsel"
        await press(app, pilot, "#approve")
        await pilot.pause()
        assert "Approved 2 item(s)" in rendered(app, "#review-status")
        assert "2 approved" in rendered(app, "#signoff-summary")
        saved = load_draft(path)
        assert saved.review.requirements["A"].by == "Jane Counsel"
        assert saved.review.clauses["insurance"].status == "approved"
        # asking for changes needs a note: the refusal is shown, nothing is saved
        items.deselect_all()
        items.select("clause:notices")
        await press(app, pilot, "#request-changes")
        await pilot.pause()
        assert "say what should change" in rendered(app, "#review-status")
        assert "notices" not in load_draft(path).review.clauses
        app.screen.query_one("#review-note", Input).value = "copy the city attorney"
        await press(app, pilot, "#request-changes")
        await pilot.pause()
    saved = load_draft(path)
    assert saved.review.clauses["notices"].status == "changes_requested"
    assert saved.review.clauses["notices"].note == "copy the city attorney"


@pytest.mark.slow
async def test_a_changed_answer_shows_as_changed_since_review(tmp_path):
    path = riverton(tmp_path)
    app = make_app(path, pdf=False)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        items = app.screen.query_one("#review-items", SelectionList)
        await press(app, pilot, "#select-pending")
        assert len(items.selected) == len(items.options)
        app.screen.query_one("#reviewer", Input).value = "Jane Counsel"
        await press(app, pilot, "#approve")
        await pilot.pause()
        assert "0 not reviewed" in rendered(app, "#signoff-summary")
        screen = app.screen
        screen.apply("values.insurance_limit", "5000000")  # type: ignore[attr-defined]
        await pilot.pause()
        assert "1 changed since review" in rendered(app, "#signoff-summary")
        pane = app.screen.query_one("#pane-review")
        assert pane.review_states["clause:insurance"] == "changed"  # type: ignore[attr-defined]
        await press(app, pilot, "#select-pending")
        assert items.selected == ["clause:insurance"]


@pytest.mark.slow
async def test_sign_off_by_keyboard_alone(tmp_path):
    path = riverton(tmp_path)
    app = make_app(path, pdf=False)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        app.screen.query_one("#reviewer", Input).focus()
        await pilot.press(*"Jane Counsel", "tab")  # to the note
        await pilot.press(*"as drafted", "tab")  # to the list of items
        assert app.focused is app.screen.query_one("#review-items", SelectionList)
        await pilot.press("space", "down", "space", "tab")  # the first two requirements
        assert app.focused is app.screen.query_one("#approve")
        await pilot.press("enter")
        await pilot.pause()
    saved = load_draft(path)
    assert sorted(saved.review.requirements) == ["A", "purpose"]
    assert saved.review.requirements["A"].note == "as drafted"
