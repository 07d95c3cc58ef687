"""Issue 15, one text policy at the boundary: every string that can reach a document is checked once
where it enters — after YAML decoding, for every scalar — and no tag other than the plain core
types, and no alias, is accepted in a draft or a pack."""

from __future__ import annotations

import pytest

from agreement_kit import load_library
from agreement_kit.drafts.io import load_draft, parse_draft
from agreement_kit.drafts.model import Draft, Person
from agreement_kit.packs.models import ClauseInput
from agreement_kit.problems import ProblemsError
from agreement_kit.textpolicy import text_problem
from agreement_kit.yamlio import parse_yaml
from tests.helpers import MINI_DRAFT, copy_pack, edit, line_of


def refused(text: str):
    located, problems = parse_yaml(text, "f.yaml")
    assert located is None, f"accepted: {located.data!r}"
    assert problems
    return problems


@pytest.mark.parametrize(
    ("yaml_text", "needle"),
    [
        ('name: "Samuel \\ud800 Okafor"\n', "U+D800"),  # a lone surrogate escape
        ('name: "a\\ab"\n', "U+0007"),  # BEL escape
        ('name: "a\\x85b"\n', "U+0085"),  # C1 control (NEL)
        ('name: "a\\u2028b"\n', "U+2028"),  # line separator
        ('name: "abc\\u202edef"\n', "RIGHT-TO-LEFT OVERRIDE"),
        ('name: "abc\\u2067def"\n', "U+2067"),  # right-to-left isolate
        ('name: "River\\u200bton"\n', "ZERO WIDTH SPACE"),
        ('name: "River\\u200dton"\n', "ZERO WIDTH JOINER"),  # between Latin letters
        ('name: "\\ufeffRiverton"\n', "U+FEFF"),
        ('name: "Smith\\u00adson"\n', "SOFT HYPHEN"),
        ('name: "x\\uffffy"\n', "U+FFFF"),
        ('name: "x\\U000E0041y"\n', "U+E0041"),  # invisible tag character
        ('"k\\x07": 1\n', "U+0007"),  # keys too
    ],
)
def test_refused_characters_are_located(yaml_text, needle):
    (problem,) = refused(yaml_text)
    assert needle in problem.message
    assert problem.file == "f.yaml" and problem.line == 1 and problem.column


@pytest.mark.parametrize(
    "tag_text",
    [
        'a: !!binary "Bw=="\n',  # base64 of a BEL: the control-character check never saw it
        "a: !!set {x, y}\n",
        "a: !!omap [{x: 1}]\n",
        "a: !!pairs [{x: 1}]\n",
        "a: !!timestamp 2027-07-01\n",
        "a: !!python/object/apply:os.system [echo]\n",
        "a: !local x\n",
        "a: !!float .nan\n",
        "a: !!float .inf\n",
        "a: !!int 0x10\n",
    ],
)
def test_only_plain_core_types(tag_text):
    (problem,) = refused(tag_text)
    assert problem.line == 1
    assert "not allowed" in problem.message or "not a plain number" in problem.message


def test_merge_keys_and_aliases_refused_where_written():
    (problem,) = refused("a: {k: 1}\nb:\n  <<: {k: 2}\n")
    assert "merge" in problem.message and problem.line == 3
    (problem,) = refused("a: &x plain string\nb: *x\n")  # scalar aliases too
    assert "aliases" in problem.message and problem.line == 2


def test_alias_expansion_cannot_blow_up_a_pack(tmp_path):
    pack = copy_pack(tmp_path)
    path = pack / "clauses" / "report.yaml"
    bomb = "x0: &a0 " + "'" + "lorem " * 1000 + "'\n"
    bomb += "".join(
        f"x{i}: &a{i} [{', '.join(f'*a{i - 1}' for _ in range(10))}]\n" for i in range(1, 9)
    )
    path.write_text(bomb, encoding="utf-8")
    with pytest.raises(ProblemsError) as info:
        load_library(base=pack)
    (problem,) = [p for p in info.value.problems if "aliases" in p.message]
    assert problem.file == str(path) and problem.line == 2


def test_huge_numbers_refused_before_construction():
    (problem,) = refused("cost_weeks: " + "9" * 5000 + "\n")
    assert "more than 18 digits" in problem.message


def test_every_problem_reported_at_once():
    problems = refused('a: "\\a"\nb: !!binary "Bw=="\nc: "\\u202e"\n')
    assert [p.line for p in problems] == [1, 2, 3]


def test_allowed_text_comes_through_unchanged():
    text = 'a: "Smith & <Sons> \\"Q\\" O\'Leary — Renée D\'Amato-Nguyễn 👨\\u200d👩\\u200d👧 עברית ١٢٣ e\\u0301"\n'
    located, problems = parse_yaml(text, "f.yaml")
    assert not problems
    assert located.data["a"].endswith("e\u0301")
    assert "👨\u200d👩\u200d👧" in located.data["a"]  # a joiner between emoji is part of the emoji


def test_draft_file_with_smuggled_bel_is_refused_with_line(tmp_path):
    draft = tmp_path / "d.yaml"
    draft.write_text(
        MINI_DRAFT.read_text(encoding="utf-8").replace(
            "format: 1", 'format: 1\ntitle: !!binary "Bw=="', 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(ProblemsError) as info:
        load_draft(draft)
    (problem,) = info.value.problems
    assert problem.file == str(draft) and problem.line == line_of(draft, "!!binary")


def test_pack_text_with_surrogate_is_refused_with_clause_file_and_line(tmp_path):
    pack = copy_pack(tmp_path)
    path = pack / "clauses" / "report.yaml"
    edit(path, "guidance: Board.", 'guidance: "Board \\ud800 and then the rest"')
    with pytest.raises(ProblemsError) as info:
        load_library(base=pack)
    (problem,) = [p for p in info.value.problems if "U+D800" in p.message]
    assert problem.file == str(path) and problem.line == line_of(path, "ud800")
    assert problem.field and problem.field.endswith("guidance")


def test_models_apply_the_same_policy_to_the_api_and_the_wizard():
    with pytest.raises(ValueError, match=r"U\+202E"):
        Person(name="Dana \u202ePérez")
    with pytest.raises(ValueError, match=r"U\+D800"):
        Draft(values={"report_due": "Aug\ud80015"})
    with pytest.raises(ValueError, match=r"U\+0007"):
        Draft(policy_options={"x\x07": True})
    with pytest.raises(ValueError, match=r"U\+200B"):
        ClauseInput(id="x", label="Fee\u200b", kind="money")


def test_wrong_types_get_one_message_and_a_relevant_hint():
    with pytest.raises(ProblemsError) as info:
        parse_draft("values:\n  a: [1]\npolicy_options:\n  x: [1]\ndistrict:\n  name: 5\n")
    messages = {p.field: p for p in info.value.problems}
    assert len(info.value.problems) == 3, [str(p) for p in info.value.problems]
    assert "values.a" in messages and "policy_options.x" in messages
    assert "07:30" not in (messages["district.name"].hint or "")
    assert not any(
        ".str" in (p.field or "") or ".bool" in (p.field or "") for p in info.value.problems
    )


def test_joiners_allowed_only_where_scripts_need_them():
    assert text_problem("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645") is None  # Persian ZWNJ
    assert text_problem("Sam\u200cuel") is not None
    assert text_problem("\u200dabc") is not None


def test_json_surrogate_pair_escapes_mean_one_character():
    located, problems = parse_yaml('a: "\\ud83d\\ude00 ok"\n', "f.yaml")  # how JSON escapes 😀
    assert not problems and located.data == {"a": "\U0001f600 ok"}
    (problem,) = refused('a: "\\ude00\\ud83d"\n')  # halves in the wrong order are not a character
    assert "U+DE00" in problem.message
