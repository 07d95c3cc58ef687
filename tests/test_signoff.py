"""Counsel's sign-off in the draft, and 'changed since review' when what was approved changes."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from agreement_kit import ProblemsError, load_draft, load_library
from agreement_kit.cli import main
from agreement_kit.review.signoff import review_state, sign_off
from tests.conftest import EXAMPLES
from tests.helpers import FIXTURES, edit

TODAY = dt.date(2027, 3, 1)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def draft_path(tmp_path: Path) -> Path:
    target = tmp_path / "riverton.yaml"
    shutil.copy(EXAMPLES / "riverton.yaml", target)
    return target


def state_of(library, draft, item: str):
    summary = review_state(library, draft)
    return next(i for i in [*summary.items, *summary.stale] if i.id == item).signoff


def test_approve_records_what_was_approved(draft_path):
    library = load_library()
    draft = sign_off(
        library,
        load_draft(draft_path),
        ["cost-share-percentage", "A"],
        status="approved",
        by="Jane Counsel",
        note="fine as drafted",
        today=TODAY,
    )
    record = draft.review.clauses["cost-share-percentage"]
    assert record.status == "approved" and record.by == "Jane Counsel"
    assert record.date == TODAY and record.note == "fine as drafted"
    version = library.clauses["cost-share-percentage"].version
    assert record.version == version and record.hash == library.clause_hash("cost-share-percentage")
    assert record.group == "cost-share" and record.pack == "wi-psl-sro"
    assert record.answers["values.cost_share_percent"] == 75
    assert record.answers["values.cost_weeks"] == 36
    requirement = draft.review.requirements["A"]
    assert requirement.covered_by == {
        "placement-schedule": library.clause_hash("placement-schedule")
    }
    assert state_of(library, draft, "cost-share-percentage").state == "approved"


def test_overlay_rewording_with_the_same_version_is_changed_since_review(tmp_path, draft_path):
    overlay = tmp_path / "overlay"
    shutil.copytree(FIXTURES / "recommended-pack", overlay)
    draft = sign_off(
        load_library([overlay]),
        load_draft(draft_path),
        ["public-records", "public-statements"],
        status="approved",
        by="Jane Counsel",
        today=TODAY,
    )
    edit(
        overlay / "clauses" / "recommended.yaml",
        "to the extent the law provides.",
        "to the fullest extent the law allows, and waives nothing.",
    )
    reloaded = load_library([overlay])
    assert reloaded.clauses["public-records"].version == "1.1"  # the author did not bump it
    signoff = state_of(reloaded, draft, "public-records")
    assert signoff.state == "changed" and not signoff.current
    assert len(signoff.changes) == 1
    assert signoff.changes[0].startswith("its wording changed (sha256:")
    assert "version still 1.1" in signoff.changes[0]
    assert state_of(reloaded, draft, "public-statements").state == "approved"


def test_an_answer_the_clause_uses_changing_is_changed_since_review(draft_path):
    library = load_library()
    draft = sign_off(
        library,
        load_draft(draft_path),
        ["cost-share-percentage", "insurance"],
        status="approved",
        by="Jane Counsel",
        today=TODAY,
    )
    changed = draft.model_copy(update={"values": {**draft.values, "cost_share_percent": 60}})
    signoff = state_of(library, changed, "cost-share-percentage")
    assert signoff.state == "changed"
    # the share, and the first-year estimate the clause prints from it
    assert "the answer values.cost_share_percent changed: 75 → 60" in signoff.changes
    assert state_of(library, changed, "insurance").state == "approved"  # it does not read it


def test_a_second_agency_changes_every_clause_that_agrees_with_the_number(draft_path):
    library = load_library()
    draft = sign_off(
        library,
        load_draft(draft_path),
        ["cost-share-percentage"],
        status="approved",
        by="Jane Counsel",
        today=TODAY,
    )
    more = draft.model_copy(update={"agencies": [*draft.agencies, draft.agencies[0]]})
    assert "the answer the number of agencies changed: 1 → 2" in (
        state_of(library, more, "cost-share-percentage").changes
    )


def test_swapping_an_alternative_shows_on_the_clause_and_the_requirement(draft_path):
    library = load_library()
    draft = sign_off(
        library,
        load_draft(draft_path),
        ["recording-devices-privacy-zones", "recording-devices"],
        status="approved",
        by="Jane Counsel",
        today=TODAY,
    )
    picks = {**draft.clauses.alternatives, "recording-devices": "recording-devices-no-body-cameras"}
    swapped = draft.model_copy(
        update={"clauses": draft.clauses.model_copy(update={"alternatives": picks})}
    )
    clause = state_of(library, swapped, "recording-devices-privacy-zones")
    assert clause.state == "changed"
    assert clause.changes[0].startswith("its alternative was swapped: group recording-devices now")
    assert "(recording-devices-no-body-cameras)" in clause.changes[0]
    requirement = state_of(library, swapped, "recording-devices")
    assert requirement.state == "changed"
    assert requirement.changes == [
        "its alternative was swapped: "
        f"{library.clauses['recording-devices-privacy-zones'].title} "
        "(recording-devices-privacy-zones) → "
        f"{library.clauses['recording-devices-no-body-cameras'].title} "
        "(recording-devices-no-body-cameras)"
    ]


def test_removing_a_covering_clause_shows_on_the_requirement(tmp_path, draft_path):
    overlay = tmp_path / "overlay"
    shutil.copytree(FIXTURES / "recommended-pack", overlay)
    edit(
        overlay / "clauses" / "recommended.yaml",
        '  citations:\n    - "Wis. Stat. § 66.0301(2)"',
        '  covers: [statutory-parties]\n  citations:\n    - "Wis. Stat. § 66.0301(2)"',
    )
    library = load_library([overlay])
    draft = sign_off(
        library,
        load_draft(draft_path),
        ["statutory-parties"],
        status="approved",
        by="Jane Counsel",
        today=TODAY,
    )
    assert "public-statements" in draft.review.requirements["statutory-parties"].covered_by
    text = draft_path.read_text(encoding="utf-8").replace(
        "clauses:\n", "clauses:\n  omitted:\n    public-statements: the parties use e-mail\n", 1
    )
    draft_path.write_text(text, encoding="utf-8")
    without = load_draft(draft_path).model_copy(update={"review": draft.review})
    signoff = state_of(library, without, "statutory-parties")
    assert signoff.state == "changed"
    assert signoff.changes == ["covering clause Public Statements (public-statements) was removed"]


def test_review_command_approve_request_changes_clear(capsys, draft_path):
    before = load_draft(draft_path)
    code, out, _ = run(
        capsys,
        "review",
        str(draft_path),
        "--approve",
        "A",
        "insurance",
        "--by",
        "Jane Counsel",
        "--note",
        "ok",
    )
    assert code == 0 and "Approved 2 item(s) by Jane Counsel" in out
    after = load_draft(draft_path)
    assert after.review.requirements["A"].status == "approved"
    assert after.model_copy(update={"review": before.review}) == before  # nothing else changed
    code, _, err = run(
        capsys, "review", str(draft_path), "--request-changes", "insurance", "--by", "Jane Counsel"
    )
    assert code == 2 and "say what should change" in err
    code, _, _ = run(
        capsys,
        "review",
        str(draft_path),
        "--request-changes",
        "insurance",
        "--by",
        "Jane Counsel",
        "--note",
        "raise the limit to $5,000,000",
    )
    assert code == 0
    code, out, _ = run(capsys, "review", str(draft_path))
    assert "[changes requested] clause insurance: Insurance" in out
    assert "note: raise the limit to $5,000,000" in out
    code, _, _ = run(capsys, "review", str(draft_path), "--clear", "insurance")
    assert code == 0 and "insurance" not in load_draft(draft_path).review.clauses


def test_review_command_refuses_unknown_ambiguous_and_left_out_ids(capsys, draft_path):
    original = draft_path.read_bytes()
    code, _, err = run(capsys, "review", str(draft_path), "--approve", "A2", "--by", "J")
    assert code == 2 and "no requirement or clause 'A2'" in err and "did you mean 'A'?" in err
    code, _, err = run(capsys, "review", str(draft_path), "--approve", "purpose", "--by", "J")
    assert code == 2 and "write requirement:purpose or clause:purpose" in err
    code, _, err = run(
        capsys, "review", str(draft_path), "--approve", "traffic-premises", "--by", "J"
    )
    assert code == 2 and "not included in this agreement" in err
    code, _, err = run(capsys, "review", str(draft_path), "--approve", "A")
    assert code == 2 and "say who is reviewing" in err
    assert draft_path.read_bytes() == original


def test_check_require_review_until_everything_is_approved_and_unchanged(capsys, draft_path):
    code, out, _ = run(capsys, "check", str(draft_path), "--require-review")
    assert code == 1 and "Not signed off: 0 of" in out
    code, _, _ = run(capsys, "check", str(draft_path))
    assert code == 0  # without the flag, review is not required
    code, _, _ = run(capsys, "review", str(draft_path), "--approve", "all", "--by", "Jane Counsel")
    assert code == 0
    code, out, _ = run(capsys, "check", str(draft_path), "--require-review")
    assert code == 0, out
    assert "Counsel has approved all" in out
    edit(draft_path, "cost_share_percent: 75", "cost_share_percent: 70")
    code, out, _ = run(capsys, "check", str(draft_path), "--require-review")
    assert code == 1
    assert "[changed since review] clause cost-share-percentage: Cost Share" in out
    assert "the answer values.cost_share_percent changed: 75 → 70" in out


def test_sign_off_api_errors_are_problems(draft_path):
    library = load_library()
    with pytest.raises(ProblemsError) as info:
        sign_off(library, load_draft(draft_path), ["nope"], status="approved", by="J")
    assert info.value.kind == "invalid"
