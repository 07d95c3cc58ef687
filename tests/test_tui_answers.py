"""The wizard's headless helpers: answers by draft path, step progress, previews."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from agreement_kit import check_coverage, load_library, new_draft
from tui.answers import (
    AnswerError,
    add_item,
    apply_answer,
    complete_steps,
    describe,
    field_id,
    form_position,
    get_answer,
    iso_date,
    parse_path,
    partner,
    remove_item,
    short_label,
    staffed_by,
    stale_choices,
    step_for_path,
    without_stale_choices,
)
from tui.preview import preview_clause

PACK = Path(__file__).parent / "fixtures" / "tui" / "pack"


@pytest.fixture(scope="module")
def lib():
    return load_library(base=PACK)


def test_paths_parse_and_name_widgets():
    assert parse_path("agencies[1].head.name") == ["agencies", 1, "head", "name"]
    assert parse_path("clauses.optional.cost-share") == ["clauses", "optional", "cost-share"]
    assert field_id("program.placements[0].start") == "f-program-placements-0-start"
    assert step_for_path("agencies[0].municipality.name") == "parties"
    assert step_for_path("policy_options.report_recipient") == "term"
    assert step_for_path("values.cost_share_percent") == "clauses"
    assert step_for_path("title") == "review"


def test_apply_answer_returns_a_new_validated_draft(lib):
    draft = new_draft(lib)
    changed = apply_answer(draft, "district.name", "  Riverton  ", lib)
    assert changed.district.name == "Riverton"
    assert draft.district.name is None  # the old draft is untouched
    dated = apply_answer(changed, "term.effective", "2027-07-01", lib)
    assert dated.term.effective == dt.date(2027, 7, 1)
    assert apply_answer(dated, "term.effective", "", lib).term.effective is None


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        ("term.effective", "2027-13-01", "date"),
        ("term.effective", "2027-02-30", "no such date"),
        ("program.officer_count", "0", "at least 1"),
        ("term.renewal_years", "11", "at most 10"),
        ("values.cost_share_percent", "150", "0 to 100"),
        ("values.cost_share_percent", "lots", "enter a number"),
    ],
)
def test_bad_answers_say_what_is_wrong(lib, path, value, words):
    with pytest.raises(AnswerError, match=words):
        apply_answer(new_draft(lib), path, value, lib)


def test_cross_field_errors_are_reported_without_the_field_prefix(lib):
    draft = add_item(new_draft(lib), "program.placements")
    draft = apply_answer(draft, "program.placements[0].start", "7:30", lib)
    assert draft.program.placements[0].start == "07:30"
    with pytest.raises(AnswerError) as info:
        apply_answer(draft, "program.placements[0].end", "06:00", lib)
    assert str(info.value).startswith("end time 06:00 must be after start time 07:30")


def test_clause_values_are_converted_to_their_kind(lib):
    draft = apply_answer(new_draft(lib), "values.cost_share_percent", "62.5%", lib)
    assert draft.values["cost_share_percent"] == 62.5


def test_removing_an_agency_keeps_placements_pointing_at_theirs(lib):
    draft = add_item(add_item(new_draft(lib), "agencies"), "agencies")
    draft = add_item(add_item(draft, "program.placements"), "program.placements")
    draft = apply_answer(draft, "program.placements[0].agency", "2", lib)
    draft = apply_answer(draft, "program.placements[1].agency", "1", lib)
    after = remove_item(draft, "agencies", 1)
    assert len(after.agencies) == 2
    assert [p.agency for p in after.program.placements] == [1, 0]


def test_complete_steps_follow_missing_answers(lib):
    draft = new_draft(lib)
    done = complete_steps(draft, check_coverage(lib, draft))
    assert "parties" not in done and "program" not in done and "review" not in done
    assert get_answer(draft, "clauses.alternatives.annual-report") == "report-board"


def test_stale_choices_are_listed_and_forgotten(lib):
    draft = new_draft(lib).model_copy(deep=True)
    data = draft.model_dump()
    data["clauses"]["optional"]["gone-clause"] = True
    data["values"]["gone_value"] = 3
    stale_draft = type(draft).model_validate(data)
    assert stale_choices(stale_draft, lib) == ["clauses.optional.gone-clause", "values.gone_value"]
    clean = without_stale_choices(stale_draft, lib)
    assert stale_choices(clean, lib) == []
    assert clean.clauses.optional == draft.clauses.optional


def test_describe_reads_like_the_form(lib):
    assert describe("district.kind") == "District › Kind"
    assert describe("agencies[0].municipality.kind") == "Agency 1 › Municipality kind"
    assert describe("agencies[0].head.name") == "Agency 1 › Chief / sheriff › Name"
    assert describe("program.placements[1].principal") == "Building 2 › Principal"
    assert describe("values.cost_share_percent", lib) == "District share of wages"
    assert short_label("term.effective") == "Effective date"
    assert short_label("district.administrator.name") == "Administrator name"


def test_missing_answers_sort_in_form_order(lib):
    paths = [
        "values.cost_share_percent",
        "term.end",
        "program.placements[0].start",
        "agencies[1].name",
        "agencies[0].municipality.kind",
        "agencies[0].name",
        "district.name",
        "policy_options.report_recipient",
        "term.effective",
        "program.placements[0].building",
    ]
    ordered = sorted(paths, key=lambda p: form_position(p, lib))
    assert ordered == [
        "district.name",
        "agencies[0].name",
        "agencies[0].municipality.kind",
        "agencies[1].name",
        "program.placements[0].building",
        "program.placements[0].start",
        "term.effective",
        "term.end",
        "policy_options.report_recipient",
        "values.cost_share_percent",
    ]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("8/1/2026", "2026-08-01"), ("12/31/2027", "2027-12-31"), ("2027-07-01", "2027-07-01")],
)
def test_us_dates_are_taken(lib, typed, stored):
    assert iso_date(typed) == stored
    draft = apply_answer(new_draft(lib), "term.effective", typed, lib)
    assert draft.term.effective.isoformat() == stored


def test_a_us_date_that_does_not_exist_is_refused(lib):
    with pytest.raises(AnswerError, match="no such date"):
        apply_answer(new_draft(lib), "term.effective", "2/30/2027", lib)


def test_paired_fields(lib):
    assert partner("term.effective") == "term.end"
    assert partner("program.placements[2].end") == "program.placements[2].start"
    assert partner("district.name") is None


def test_an_agency_names_the_buildings_it_staffs(lib):
    draft = add_item(add_item(new_draft(lib), "agencies"), "agencies")
    draft = add_item(add_item(draft, "program.placements"), "program.placements")
    draft = apply_answer(draft, "program.placements[1].building", "Riverton Middle", lib)
    draft = apply_answer(draft, "program.placements[1].agency", "1", lib)
    assert staffed_by(draft, 1) == [(1, "Building 2 (Riverton Middle)")]
    assert staffed_by(draft, 0) == [(0, "Building 1")]


def test_preview_of_a_left_out_clause_shows_how_it_would_read(lib):
    draft = apply_answer(new_draft(lib), "values.cost_share_percent", "40", lib)
    preview = preview_clause(lib, draft, "cost-share")
    assert not preview.included
    assert "40%" in preview.paragraphs[0]
    missing = preview_clause(lib, draft, "report-da")
    assert "[still to answer: District › Administrator › Name]" in missing.paragraphs[0]


def test_the_wizard_uses_only_the_public_api():
    import ast

    import agreement_kit

    tui_dir = Path(__file__).resolve().parent.parent / "tui"
    for source in tui_dir.rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("agreement_kit"):
                assert node.module == "agreement_kit", f"{source}: imports {node.module}"
                for alias in node.names:
                    assert alias.name in agreement_kit.__all__, f"{source}: {alias.name}"
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("agreement_kit.") for a in node.names), source
