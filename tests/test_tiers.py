"""The 'recommended' tier: left out only with a recorded reason, and 'check' says which it proves."""

from __future__ import annotations

import json
from pathlib import Path

from agreement_kit import check_coverage, load_draft, load_library
from agreement_kit.cli import main
from agreement_kit.review.omissions import omissions
from tests.conftest import EXAMPLES
from tests.helpers import FIXTURES, line_of

PACK = str(FIXTURES / "recommended-pack")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def riverton(tmp_path: Path, clauses: str = "") -> Path:
    """The complete Riverton draft, with ``clauses`` lines added under ``clauses:``."""
    text = (EXAMPLES / "riverton.yaml").read_text(encoding="utf-8")
    draft = tmp_path / "draft.yaml"
    draft.write_text(text.replace("clauses:\n", "clauses:\n" + clauses, 1), encoding="utf-8")
    return draft


def test_all_recommended_included_is_a_sound_agreement(capsys, tmp_path):
    code, out, _ = run(capsys, "check", str(riverton(tmp_path)), "--library", PACK)
    assert code == 0
    summary = out.strip().splitlines()[-1]
    assert summary.startswith("Complete: covers every policy requirement, and every clause the")
    assert "recommends is included" in summary
    assert "left out against" not in out.lower()


def test_recommended_clause_off_without_reason_exits_1_and_is_named_first(capsys, tmp_path):
    draft = riverton(tmp_path, "  omitted: {}\n")
    text = draft.read_text(encoding="utf-8").replace(
        "    advisory-committee: true\n",
        "    advisory-committee: true\n    public-records: false\n",
    )
    draft.write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "check", str(draft), "--library", PACK)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "Left out against the library's recommendation:"
    assert "public-records" in lines[1] and "NO REASON RECORDED" in lines[1]
    assert lines.index("Left out against the library's recommendation:") < next(
        i for i, line in enumerate(lines) if line.startswith("Policy coverage")
    )
    summary = lines[-1]
    assert summary.startswith("Covers every policy requirement, but is not a sound agreement yet")
    assert "public-records" in summary
    # every policy requirement is still covered: this is not a coverage gap
    assert "NOT COVERED" not in out
    code, _, _ = run(capsys, "check", str(draft), "--library", PACK, "--allow-omissions")
    assert code == 0
    code, out, _ = run(capsys, "check", str(draft), "--library", PACK, "--json")
    data = json.loads(out)
    assert code == 1 and data["complete"] is True and data["sound"] is False
    assert {
        "id": "public-records",
        "kind": "clause",
        "title": "Public Records",
        "status": "recommended",
        "reason": None,
    } in data["omitted"]


def test_recommended_clause_left_out_with_a_reason_exits_0_and_lists_the_reason(capsys, tmp_path):
    reason = "The City's attorney refuses mutual indemnity; each party relies on § 895.46."
    draft = riverton(tmp_path, f'  omitted:\n    public-records: "{reason}"\n')
    code, out, _ = run(capsys, "check", str(draft), "--library", PACK)
    assert code == 0, out
    assert out.splitlines()[0] == "Left out against the library's recommendation:"
    assert reason in out.splitlines()[1]
    assert out.strip().splitlines()[-1].startswith("Complete:")
    # listing it under 'omitted' leaves it out of the agreement
    library = load_library([PACK])
    coverage = check_coverage(library, load_draft(draft))
    assert "public-records" not in coverage.included
    found = omissions(library, load_draft(draft), coverage)
    assert found[0].id == "public-records" and found[0].reason == reason
    assert found[0].against_recommendation and not found[0].unreasoned


def test_unreasoned_omissions_come_before_reasoned_and_optional_ones(tmp_path):
    draft = riverton(tmp_path, "  omitted:\n    public-statements: not needed here\n")
    text = draft.read_text(encoding="utf-8").replace(
        "    advisory-committee: true\n",
        "    advisory-committee: true\n    public-records: false\n    public-statements: false\n",
    )
    draft.write_text(text, encoding="utf-8")
    found = omissions(load_library([PACK]), load_draft(draft))
    assert [o.id for o in found[:2]] == ["public-records", "public-statements"]
    assert found[0].unreasoned and not found[1].unreasoned
    assert {o.status for o in found[2:]} == {"optional"}
    assert "traffic-premises" in [o.id for o in found[2:]]


def test_a_reason_may_be_recorded_for_a_whole_alternative_group(tmp_path):
    draft = riverton(
        tmp_path, "  omitted:\n    attire: officers wear the agency's uniform anyway\n"
    )
    text = draft.read_text(encoding="utf-8").replace("    attire: attire-uniform\n", "")
    draft.write_text(text, encoding="utf-8")
    library = load_library()
    coverage = check_coverage(library, load_draft(draft))
    assert not {"attire-uniform", "attire-plain-clothes"} & set(coverage.included)
    group = next(o for o in omissions(library, load_draft(draft)) if o.id == "attire")
    assert group.kind == "group" and group.members == ["attire-uniform", "attire-plain-clothes"]
    assert group.reason == "officers wear the agency's uniform anyway"


def test_omitting_a_required_or_unknown_or_chosen_clause_is_located(capsys, tmp_path):
    draft = riverton(
        tmp_path,
        "  omitted:\n    term-renewal: too long\n    indemnifcation: typo\n"
        "    advisory-committee: chosen as well\n",
    )
    code, _, err = run(capsys, "check", str(draft))
    assert code == 2
    assert f"{draft}:{line_of(draft, 'term-renewal: too long')}:" in err
    assert "'term-renewal' is required and cannot be left out" in err
    assert "unknown clause 'indemnifcation'" in err
    assert "'advisory-committee' is both chosen and listed as left out" in err


def test_drafts_without_the_new_fields_still_load():
    draft = load_draft(EXAMPLES / "riverton.yaml")
    assert draft.clauses.omitted == {} and draft.review.clauses == {}
