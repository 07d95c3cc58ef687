"""Issue 15, every failure is a located problem: no traceback, no empty message, and a pack's fault
is attributed to the pack (its file), not to "these answers"."""

from __future__ import annotations

import pytest

from agreement_kit import assemble, check_coverage, load_draft, load_library
from agreement_kit.cli import main
from agreement_kit.drafts.io import check_against_library, parse_draft
from agreement_kit.engine import sandbox
from agreement_kit.problems import ProblemsError
from tests.conftest import EXAMPLES
from tests.helpers import MINI_DRAFT, copy_pack, edit

RIVERTON = EXAMPLES / "riverton.yaml"


def _with_extra(tmp_path, text: str):
    pack = copy_pack(tmp_path)
    edit(
        pack / "clauses" / "main.yaml",
        "The officer works {{ values.extra_hours }} extra hours",
        text,
    )
    library = load_library(base=pack)
    draft = load_draft(MINI_DRAFT)
    draft = draft.model_copy(
        update={"clauses": draft.clauses.model_copy(update={"optional": {"extra": True}})}
    )
    return pack, library, draft


def _weeks_line(text: str) -> str:
    """The example's own cost_weeks line (whatever number it holds)."""
    return next(line for line in text.splitlines() if line.strip().startswith("cost_weeks:"))


@pytest.mark.parametrize(
    "yaml_value",
    ["1.0e999", "-1.0e999", "99999999999999999999999999", "1" * 5000],
)
def test_non_numbers_in_number_inputs_are_located(tmp_path, yaml_value):
    text = RIVERTON.read_text(encoding="utf-8")
    text = text.replace(_weeks_line(text).strip(), f"cost_weeks: {yaml_value}")
    with pytest.raises(ProblemsError) as info:
        parse_draft(text, "d.yaml")
    (problem,) = info.value.problems
    assert problem.file == "d.yaml" and problem.line and problem.field == "values.cost_weeks"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -0.0, True, 10**30])
def test_non_numbers_given_through_the_api_are_located(library, value):
    draft = load_draft(RIVERTON)
    draft = draft.model_copy(update={"values": {**draft.values, "cost_weeks": value}})
    (problem,) = check_against_library(draft, library)
    assert problem.field == "values.cost_weeks" and problem.message
    assert not check_coverage(library, draft).complete


def test_out_of_memory_is_a_message_not_an_empty_string(tmp_path, monkeypatch):
    _, library, draft = _with_extra(tmp_path, "The officer is {{ district.name|upper }}")

    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setitem(sandbox.ENV.filters, "upper", exhausted)
    with pytest.raises(ProblemsError) as info:
        assemble(library, draft)
    (problem,) = [p for p in info.value.problems if p.clause == "extra"]
    assert "memory" in problem.message


def test_pack_faults_are_attributed_to_the_pack(tmp_path):
    pack, library, draft = _with_extra(tmp_path, "The officer works {{ 1 + district.name }}")
    (problem,) = [p for p in check_coverage(library, draft).problems if "extra" in p]
    assert str(pack / "clauses" / "main.yaml") in problem
    assert "problem in the clause pack" in problem and "with these answers" not in problem


def test_answer_faults_are_attributed_to_the_answers(tmp_path):
    _, library, draft = _with_extra(tmp_path, "The officer gets {{ district.name|money }}")
    (problem,) = [p for p in check_coverage(library, draft).problems if "extra" in p]
    assert "with these answers" in problem


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("  name: Riverton Area School District", '  name: "Riverton \\ud800 District"'),
        ('title: "Riverton PSL', 'title: !!binary "Bw=="\nx_title: "Riverton PSL'),
        ("  cost_weeks: 36", "  cost_weeks: 1.0e999"),
        ("  report_due: August 15", '  report_due: "August 15. The District waives all claims"'),
        ("  name: Riverton Area School District", '  name: "Riverton \\u202eDistrict"'),
    ],
)
def test_hostile_drafts_never_produce_a_traceback(tmp_path, capsys, old, new):
    text = RIVERTON.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "d.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    out = tmp_path / "d.docx"
    for command in (["check", str(path)], ["build", str(path), "-o", str(out)]):
        code = main(command)
        err = capsys.readouterr().err
        assert code == 2, (command, err)
        assert "Traceback" not in err and f"{path}:" in err
        assert not out.exists()
