"""Draft files: validation with lines, round-trips, atomic saves."""

from __future__ import annotations

import datetime as dt

import pytest

from agreement_kit import ProblemsError, dump_draft, load_draft, parse_draft, save_draft
from agreement_kit.drafts.model import Draft
from tests.helpers import MINI_DRAFT


def problems(text):
    with pytest.raises(ProblemsError) as info:
        parse_draft(text, "d.yaml")
    return info.value.problems


def test_unknown_key_names_line():
    (p,) = problems("format: 1\ndistrict:\n  name: X\n  nmae: Y\n")
    assert (p.file, p.line, p.field) == ("d.yaml", 4, "district.nmae")
    assert "unknown key 'nmae'" in p.message


def test_yaml_error_names_line():
    (p,) = problems("district:\n  name: [unclosed\nterm: {}\n")
    assert p.line == 3 and "YAML syntax error" in p.message


def test_bad_time_and_order_of_times():
    text = (
        "program:\n  placements:\n    - building: A\n      start: '7.30'\n"
        "    - building: B\n      start: '15:00'\n      end: '08:00'\n"
    )
    found = problems(text)
    assert any(p.line == 4 and "24-hour time" in p.message for p in found)
    assert any(
        p.line == 7 and p.field.endswith("end") and "must be after start" in p.message
        for p in found
    )


def test_end_date_before_effective():
    (p,) = problems("term:\n  effective: 2027-07-01\n  end: 2026-06-30\n")
    assert p.line == 3 and p.field == "term.end" and "must be after the effective" in p.message


def test_unquoted_times_and_norway_words_stay_text():
    draft = parse_draft(
        "program:\n  placements:\n    - {building: no, start: 7:30, end: 15:45}\n", "d.yaml"
    )
    placement = draft.program.placements[0]
    assert (placement.building, placement.start, placement.end) == ("no", "07:30", "15:45")


def test_agency_index_out_of_range():
    (p,) = problems("program:\n  placements:\n    - building: A\n      agency: 3\n")
    assert "only 1 agency" in p.message


def test_empty_and_non_mapping_drafts():
    assert "empty" in problems("")[0].message
    assert "mapping" in problems("- a\n- b\n")[0].message


def test_round_trip_keeps_every_answer(tmp_path):
    draft = load_draft(MINI_DRAFT)
    path = tmp_path / "d.yaml"
    save_draft(draft, path)
    again = load_draft(path)
    assert again == draft
    assert again.term.effective == dt.date(2027, 7, 1)
    assert again.district.name == 'Lakeside & Pine <Unified> "School" District'


def test_blank_answers_count_as_unanswered():
    draft = Draft.model_validate({"district": {"name": "   "}})
    assert draft.district.name is None


def test_save_is_atomic_and_keeps_old_file_on_failure(tmp_path, monkeypatch):
    path = tmp_path / "d.yaml"
    save_draft(Draft.model_validate({"district": {"name": "Old"}}), path)
    import agreement_kit.yamlio as yamlio

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(yamlio.os, "replace", broken_replace)
    with pytest.raises(OSError):
        save_draft(Draft.model_validate({"district": {"name": "New"}}), path)
    assert load_draft(path).district.name == "Old"
    assert [p.name for p in tmp_path.iterdir()] == ["d.yaml"]  # no temp file left behind


def test_dump_quotes_values_yaml_would_misread():
    text = dump_draft(Draft.model_validate({"district": {"name": "no"}, "title": "07:30"}))
    assert 'name: "no"' in text and 'title: "07:30"' in text
