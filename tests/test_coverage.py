"""Coverage: requirement -> covering clauses, missing answers, required clauses and groups."""

from __future__ import annotations

import json

from agreement_kit import check_coverage, load_draft, load_library
from agreement_kit.drafts.model import Draft
from tests.helpers import MINI_DRAFT, MINI_PACK


def mini():
    return load_library(base=MINI_PACK), load_draft(MINI_DRAFT)


def with_(draft: Draft, **changes) -> Draft:
    data = draft.model_dump()
    for dotted, value in changes.items():
        node = data
        *head, last = dotted.split("__")
        for key in head:
            node = node[int(key)] if key.isdigit() else node[key]
        node[last] = value
    return Draft.model_validate(data)


def test_complete_draft():
    library, draft = mini()
    coverage = check_coverage(library, draft)
    assert coverage.complete, coverage.gaps()
    covered = {r.id: r.covered_by for r in coverage.requirements}
    assert covered == {"A": ["placement"], "I": ["report-board"]}


def test_unchosen_alternative_uncovers_requirement():
    library, draft = mini()
    coverage = check_coverage(library, with_(draft, clauses__alternatives={}))
    assert [r.id for r in coverage.uncovered] == ["I"]
    assert any("choose one of report-board, report-da" in g for g in coverage.gaps())


def test_missing_answers_name_draft_paths():
    library, draft = mini()
    draft = with_(draft, program__placements__0__principal=None, district__board=None)
    coverage = check_coverage(library, draft)
    assert coverage.missing_answers == {
        "program.placements[0].principal": ["placement"],
        "district.board": ["report-board"],
    }
    assert not coverage.complete


def test_derived_answers_point_to_their_source():
    library, draft = mini()
    coverage = check_coverage(library, with_(draft, program__placements__0__start=None))
    assert "program.placements[0].start" in coverage.missing_answers


def test_required_clause_cannot_be_left_out():
    library, draft = mini()
    coverage = check_coverage(library, with_(draft, clauses__optional={"placement": False}))
    assert any("placement is required" in p for p in coverage.problems)


def test_optional_clause_toggles_and_needs_its_value():
    library, draft = mini()
    coverage = check_coverage(library, with_(draft, clauses__optional={"extra": True}))
    assert "extra" in coverage.included
    assert coverage.missing_answers == {"values.extra_hours": ["extra"]}
    done = check_coverage(
        library, with_(draft, clauses__optional={"extra": True}, values={"extra_hours": 4})
    )
    assert done.complete


def test_reference_to_excluded_alternative_is_reported():
    library, draft = mini()
    # The placement clause refers to the report clause that matches the option; pick the other.
    draft = with_(draft, clauses__alternatives={"report": "report-da"})
    coverage = check_coverage(library, draft)
    assert any("refers to clause report-board" in p for p in coverage.problems)


def test_unknown_ids_in_draft_are_reported():
    library, draft = mini()
    draft = with_(
        draft,
        clauses__optional={"nope": True},
        clauses__alternatives={"report": "report-x"},
        policy_options={"report_recipient": "mayor"},
        values={"extra_hour": 3},
    )
    text = " ".join(check_coverage(library, draft).problems)
    for needle in (
        "unknown clause 'nope'",
        "'report-x' is not a clause",
        "'mayor' is not one of",
        "value named 'extra_hour'",
    ):
        assert needle in text


def test_json_is_stable_and_serialisable():
    library, draft = mini()
    data = check_coverage(library, draft).to_json()
    assert list(data) == [
        "format",
        "pack",
        "complete",
        "requirements",
        "clauses",
        "groups",
        "missing_answers",
        "problems",
        "located",
    ]
    assert json.loads(json.dumps(data)) == data
    assert data["requirements"][0] == {
        "id": "A",
        "title": "Placement",
        "source": "item A",
        "applies": True,
        "covered": True,
        "state": "covered",
        "covered_by": ["placement"],
        "waiting_on": [],
    }


def test_requirement_that_does_not_apply_under_options(tmp_path):
    from tests.helpers import copy_pack, edit

    pack = copy_pack(tmp_path)
    edit(
        pack / "policy.yaml",
        "    source: item I",
        "    source: item I\n    applies_if: {report_recipient: board}",
    )
    library = load_library(base=pack)
    draft = load_draft(MINI_DRAFT)
    draft = with_(
        draft,
        clauses__alternatives={"report": "report-da"},
        policy_options={"report_recipient": "district_administrator"},
    )
    req = {r.id: r for r in check_coverage(library, draft).requirements}["I"]
    assert req.applies is False and req.covered


def test_only_answers_the_text_actually_uses_are_missing(tmp_path):
    from tests.helpers import copy_pack, edit

    pack = copy_pack(tmp_path)
    edit(
        pack / "clauses" / "report.yaml",
        "{{ district.board }} each year.",
        "{% if options.report_recipient == 'board' %}{{ district.board }}{% else %}"
        "{{ district.administrator.name }}{% endif %} each year"
        "{% if district.attest.name %}, attested by {{ district.attest.name }}{% endif %}.",
    )
    library = load_library(base=pack)
    draft = with_(load_draft(MINI_DRAFT), district__administrator__name=None, district__board=None)
    # The board branch is taken: only the board is missing; the attest line is optional.
    assert check_coverage(library, draft).missing_answers == {"district.board": ["report-board"]}
    draft = with_(draft, policy_options={"report_recipient": "district_administrator"})
    assert check_coverage(library, draft).missing_answers == {
        "district.administrator.name": ["report-board"]
    }


def test_value_of_the_wrong_kind_is_a_problem_not_a_crash(tmp_path):
    from tests.helpers import copy_pack, edit

    pack = copy_pack(tmp_path)
    edit(
        pack / "clauses" / "main.yaml",
        "{{ values.extra_hours }}",
        "{{ values.extra_hours | money }}",
    )
    library = load_library(base=pack)
    draft = with_(
        load_draft(MINI_DRAFT), clauses__optional={"extra": True}, values={"extra_hours": "lots"}
    )
    problems = check_coverage(library, draft).problems
    # reported once, as the answer's problem (typed values), not as a render failure
    assert any("values.extra_hours" in p and "'lots' is not a number" in p for p in problems)
    assert not any("cannot be rendered" in p for p in problems), problems


def test_requirement_waits_on_answers_of_its_clause():
    library, draft = mini()
    coverage = check_coverage(library, with_(draft, program__placements__0__principal=None))
    req = {r.id: r for r in coverage.requirements}["A"]
    assert (req.covered, req.state, req.waiting_on) == (True, "needs-answers", ["placement"])
    assert {r.id: r.state for r in coverage.requirements}["I"] == "covered"
