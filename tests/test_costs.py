"""The cost model: per-agency amounts over Scheduled Hours, a stated rounding rule, and the
not-to-exceed cap — computed, printed in the agreement's cost table, and checked."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import docx
import pytest

from agreement_kit import ProblemsError, assemble, check_coverage, load_draft, render_docx
from agreement_kit.drafts.model import Draft
from agreement_kit.engine.costs import cost_estimate, largest_remainder, weekly_hours

ROOT = Path(__file__).resolve().parent.parent
RIVERTON = ROOT / "examples" / "riverton.yaml"
THREE = ROOT / "examples" / "three-agencies.yaml"


def dollars(text: str) -> int:
    assert text.startswith("$"), text
    return int(text.removeprefix("$").replace(",", ""))


def three_part_time(**values: object) -> Draft:
    """The three-agency example on the cost-share alternative, with part-time placements."""
    draft = load_draft(THREE)
    choices = {**draft.clauses.alternatives, "cost-share": "cost-share-percentage"}
    return draft.model_copy(
        update={
            "values": {**draft.values, **values},
            "clauses": draft.clauses.model_copy(update={"alternatives": choices}),
        }
    )


def cost_rows(path: Path, first_heading: str) -> list[list[str]]:
    document = docx.Document(str(path))
    for table in document.tables:
        if table.rows and table.rows[0].cells[0].text == "Agency":
            headings = [c.text for c in table.rows[0].cells]
            if first_heading in headings:
                return [[c.text for c in row.cells] for row in table.rows[1:]]
    raise AssertionError(f"no cost table with a {first_heading!r} column")


# ----------------------------------------------------------------------------- arithmetic


def test_largest_remainder_adds_up_exactly_and_breaks_ties_in_order():
    shares = largest_remainder(Decimal(100), [Decimal(1), Decimal(1), Decimal(1)])
    assert shares == [34, 33, 33] and sum(shares) == 100
    shares = largest_remainder(Decimal(95000), [Decimal(49534), Decimal(23571), Decimal(13198)])
    assert sum(shares) == 95000
    assert all(s >= w for s, w in zip(shares, [49534, 23571, 13198], strict=True))
    assert largest_remainder(Decimal(10), [Decimal(0), Decimal(0)]) == [5, 5]


def test_a_part_time_placement_is_charged_for_its_hours_only():
    draft = load_draft(RIVERTON)
    # Riverton High School: 8.5 hours x 5 days; Jefferson Middle School: 4 hours x 2 days.
    assert weekly_hours(draft) == [Decimal("50.5")]
    cost = cost_estimate(draft)
    (row,) = cost.agencies
    assert row.annual_hours == Decimal("50.5") * 36
    # 1,818 hours x $62.40 x 75% = $85,082.40 -> $85,082 (nearest dollar)
    assert cost.estimate == row.estimate == 85082
    assert cost.cap == 90000 and row.cap_share == 90000


def test_three_agencies_with_part_time_placements_add_up_and_respect_the_cap():
    cost = cost_estimate(three_part_time())
    weekly = [row.weekly_hours for row in cost.agencies]
    assert weekly == [Decimal("42.5"), Decimal("22.5"), Decimal(12)]  # 5, 3 and 2 days a week
    estimates = [row.estimate for row in cost.agencies]
    assert estimates == [
        49534,
        23571,
        13198,
    ]  # 1,530 h x $64.75, 810 h x $58.20, 432 h x $61.10, x 50%
    assert sum(e for e in estimates if e is not None) == cost.estimate == 86303
    caps = [row.cap_share for row in cost.agencies]
    assert sum(c for c in caps if c is not None) == cost.cap == 95000
    for row in cost.agencies:
        assert row.estimate is not None and row.cap_share is not None
        assert row.estimate <= row.cap_share
    assert not cost.over_cap


def test_the_fee_is_divided_by_scheduled_hours_and_adds_up():
    cost = cost_estimate(three_part_time(annual_fee=135000))
    fees = [row.fee_share for row in cost.agencies]
    assert sum(f for f in fees if f is not None) == cost.fee_total == 135000
    # 42.5 : 22.5 : 12 of 77 hours a week
    assert fees == [74513, 39448, 21039]


# ----------------------------------------------------------------------------- the document


def test_the_cost_table_prints_each_agency_and_a_total_that_adds_up(library, tmp_path):
    draft = three_part_time()
    path = tmp_path / "three.docx"
    render_docx(assemble(library, draft), path)
    rows = cost_rows(path, "Not to exceed")
    names = [a.name for a in draft.agencies]
    assert [r[0] for r in rows] == [*names, "Total"]
    *agencies, total = rows
    assert [r[1] for r in agencies] == ["42.5", "22.5", "12"]
    assert [r[3] for r in agencies] == ["$64.75", "$58.20", "$61.10"]
    assert sum(dollars(r[4]) for r in agencies) == dollars(total[4]) == 86303
    assert sum(dollars(r[5]) for r in agencies) == dollars(total[5]) == 95000
    for row in agencies:
        assert dollars(row[4]) <= dollars(row[5])
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "estimated at $86,303, in total, divided among the Agencies" in text
    assert "shall not exceed $95,000 (the “Not-to-Exceed Amount”)" in text
    assert "rounded to the nearest whole dollar, half a dollar rounding up" in text
    assert "largest remainders" in text


def test_the_fee_table_prints_each_agencys_share(library, tmp_path):
    draft = three_part_time(annual_fee=135000)
    choices = {**draft.clauses.alternatives, "cost-share": "cost-share-flat-fee"}
    draft = draft.model_copy(
        update={"clauses": draft.clauses.model_copy(update={"alternatives": choices})}
    )
    path = tmp_path / "fee.docx"
    render_docx(assemble(library, draft), path)
    rows = cost_rows(path, "Share of the fee")
    *agencies, total = rows
    assert sum(dollars(r[3]) for r in agencies) == dollars(total[3]) == 135000
    assert total[2] == "100%"


def test_no_cost_alternative_prints_no_table(library, tmp_path):
    draft = load_draft(RIVERTON)
    choices = {**draft.clauses.alternatives, "cost-share": "cost-share-none"}
    draft = draft.model_copy(
        update={"clauses": draft.clauses.model_copy(update={"alternatives": choices})}
    )
    path = tmp_path / "none.docx"
    render_docx(assemble(library, draft), path)
    assert not [t for t in docx.Document(str(path)).tables if t.rows[0].cells[0].text == "Agency"]


# ----------------------------------------------------------------------------- checks


def test_a_cap_below_the_estimate_is_a_problem_naming_the_answers(library):
    draft = three_part_time(not_to_exceed=80000)
    coverage = check_coverage(library, draft)
    assert not coverage.complete
    (problem,) = [p for p in coverage.problems if "not-to-exceed" in p]
    assert "$86,303" in problem and "$80,000" in problem and "values.not_to_exceed" in problem
    with pytest.raises(ProblemsError) as info:
        assemble(library, draft)
    assert "values.not_to_exceed" in str(info.value)


def test_a_missing_hourly_cost_is_a_missing_answer_of_that_agency(library):
    draft = three_part_time()
    data = draft.model_dump()
    data["agencies"][1]["hourly_cost"] = None
    coverage = check_coverage(library, Draft.model_validate(data))
    assert "agencies[1].hourly_cost" in coverage.missing_answers
    assert "agencies[0].hourly_cost" not in coverage.missing_answers


def test_hourly_cost_refuses_yes_no_and_not_a_number():
    data = load_draft(RIVERTON).model_dump()
    for bad in (True, "nan", "-5", "lots"):
        data["agencies"][0]["hourly_cost"] = bad
        with pytest.raises(ValueError):
            Draft.model_validate(data)
    data["agencies"][0]["hourly_cost"] = "$62.50"
    assert Draft.model_validate(data).agencies[0].hourly_cost == 62.5
