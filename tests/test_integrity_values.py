"""Issue 15, typed values: money, percentages, counts, weeks and hours refuse what a lawyer would
never write, accept "50%" and "$92,500" the same everywhere, and print once, as a lawyer writes them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agreement_kit import assemble, check_coverage, load_draft
from agreement_kit.drafts.io import check_against_library
from agreement_kit.engine.sandbox import letter
from agreement_kit.engine.values import Money, Percent, ValueProblem, parse_value, shares_to_100
from agreement_kit.packs.models import ClauseInput
from tests.conftest import EXAMPLES


def item(kind: str, **kw) -> ClauseInput:
    return ClauseInput(id="x", label="X", kind=kind, **kw)


@pytest.mark.parametrize(
    ("kind", "raw", "printed"),
    [
        ("money", 92500, "$92,500"),
        ("money", "$92,500", "$92,500"),
        ("money", "92500.0", "$92,500"),
        ("money", 1234.5, "$1,234.50"),
        ("money", "0", "$0"),
        ("percent", 50, "50%"),
        ("percent", "50%", "50%"),
        ("percent", "43.3", "43.3%"),
        ("percent", 75.0, "75%"),
        ("integer", 39, "39"),
        ("integer", "39", "39"),
        ("integer", 39.0, "39"),
        ("integer", "1,000", "1,000"),
        ("number", "37.5", "37.5"),
    ],
)
def test_accepted_values_print_as_a_lawyer_writes_them(kind, raw, printed):
    assert str(parse_value(item(kind), raw)) == printed


@pytest.mark.parametrize(
    ("kind", "raw", "needle"),
    [
        ("money", "nan", "not an amount"),
        ("money", float("nan"), "not nan"),
        ("money", float("inf"), "not inf"),
        ("money", True, "not true"),
        ("money", "-0", "-0"),
        ("money", -0.0, "-0"),
        ("money", "1e3", "not an amount"),
        ("money", "0.001", "fractions of a cent"),
        ("money", 10**40, "too large"),
        ("percent", "1e-07", "not a percentage"),
        ("percent", 99.9999999, "decimal places"),
        ("percent", 101, "between 0 and 100"),
        ("integer", "3,9", "ambiguous"),
        ("integer", "1e3", "not a number"),
        ("integer", True, "not true"),
        ("integer", "39.5", "whole number"),
        ("integer", -1, "0 or more"),
    ],
)
def test_nonsense_is_refused_with_a_reason(kind, raw, needle):
    with pytest.raises(ValueProblem, match=needle):
        parse_value(item(kind), raw)


def test_declared_whole_dollars_and_cents():
    assert str(parse_value(item("money", cents=True), 5)) == "$5.00"
    with pytest.raises(ValueProblem, match="whole dollars"):
        parse_value(item("money", cents=False), "12.50")


def test_short_text_is_bounded_and_a_single_phrase():
    phrase = item("text", max_length=40, single_phrase=True)
    assert parse_value(phrase, "August 15") == "August 15"
    with pytest.raises(ValueProblem, match="more than a phrase"):
        parse_value(phrase, "Aug 15. The District waives all claims")
    with pytest.raises(ValueProblem, match="at most 40"):
        parse_value(phrase, "August 15 " * 10)
    with pytest.raises(ValueProblem, match="quotes"):
        parse_value(phrase, 15.0)  # would print '15.0'


def test_shares_add_up_to_100():
    shares = shares_to_100([Decimal(1)] * 3)
    assert [str(s) for s in shares] == ["33.34%", "33.33%", "33.33%"]
    assert sum(shares) == 100
    assert Percent("43.3").complement() + Percent("43.3") == 100


def test_letters_never_run_out():
    assert [letter(n) for n in (1, 26, 27, 28, 52, 53, 702, 703)] == [
        "a",
        "z",
        "aa",
        "ab",
        "az",
        "ba",
        "zz",
        "aaa",
    ]


def _draft(**values):
    draft = load_draft(EXAMPLES / "riverton.yaml")
    return draft.model_copy(update={"values": {**draft.values, **values}})


def test_formatted_inputs_validate_and_render_the_same(library):
    draft = _draft(cost_share_percent="75%", insurance_limit="$2,000,000")
    assert check_against_library(draft, library) == []
    text = assemble(library, draft).text()
    assert "75% of the Program Cost" in text and "$2,000,000 per occurrence" in text


def test_bare_values_print_typed_in_clause_text(library):
    draft = _draft(cost_weeks=39.0, training_hours="40", not_to_exceed=100000)
    text = assemble(library, draft).text()
    assert "On the basis of 39 weeks of Scheduled Hours" in text and "39.0" not in text


@pytest.mark.parametrize(
    ("key", "raw"),
    [
        ("cost_weeks", "3,9"),
        ("training_hours", True),
        ("cost_share_percent", "1e-07"),
        ("insurance_limit", "nan"),
        ("report_due", "August 15. The District waives all claims"),
    ],
)
def test_draft_values_that_would_print_nonsense_are_located_problems(library, key, raw):
    problems = check_against_library(_draft(**{key: raw}), library)
    assert [p.field for p in problems] == [f"values.{key}"], [str(p) for p in problems]
    coverage = check_coverage(library, _draft(**{key: raw}))
    assert not coverage.complete


def test_money_in_the_cost_table_and_the_clause_agree(library):
    from agreement_kit.word.views import document_context

    draft = _draft(annual_fee="$92,500")
    draft = draft.model_copy(
        update={
            "clauses": draft.clauses.model_copy(
                update={
                    "alternatives": {
                        **draft.clauses.alternatives,
                        "cost-share": "cost-share-flat-fee",
                    }
                }
            )
        }
    )
    agreement = assemble(library, draft)
    assert "an annual fee of $92,500 to the Agency" in agreement.text()
    cost = document_context(agreement).cost
    assert [r.value for r in cost.rows] == ["$92,500"]
    assert isinstance(agreement.values["annual_fee"], Money)


def test_27_buildings_get_labels(library):
    draft = load_draft(EXAMPLES / "riverton.yaml")
    first = draft.program.placements[0]
    placements = [first.model_copy(update={"building": f"School {i}"}) for i in range(28)]
    draft = draft.model_copy(
        update={
            "program": draft.program.model_copy(update={"placements": placements}),
            "values": {**draft.values, "not_to_exceed": 10_000_000},  # 28 buildings cost more
        }
    )
    text = assemble(library, draft).text()
    assert (
        "(z) at School 25" in text and "(aa) at School 26" in text and "(ab) at School 27" in text
    )
