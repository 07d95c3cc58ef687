"""Coverage means substance (issue 15): a clause covers a requirement only when, for this draft, its
text prints words. Empty output, a zero-width space or a branch not taken must not give '[ok] A'."""

from __future__ import annotations

import json

import pytest

from agreement_kit import ProblemsError, assemble, check_coverage, load_draft, load_library
from agreement_kit.cli import main
from tests.conftest import EXAMPLES
from tests.helpers import MINI_DRAFT, copy_pack, edit, line_of

RIVERTON = EXAMPLES / "riverton.yaml"

PLACEMENT_TEXT = (
    '    - "{{ agency.The }} assign{{ agency.s }} officers to {% for p in program.placements %}'
    "{{ p.building }} ({{ p.principal }}, {{ p.days_text }}, {{ p.hours }})"
    '{% if not loop.last %}; {% endif %}{% endfor %}."\n'
    "    - \"Reports are due as {{ ref('report-board') if options.report_recipient == 'board' "
    "else ref('report-da') }} says.\"\n"
)

HOLLOW = {
    "empty output": """    - "{{ '' }}"\n""",
    "zero-width space": """    - '{{ "\\u200b" }}'\n""",  # Jinja decodes the escape: the file is plain ASCII
    "branch not taken": """    - "{% if false %}Officers are placed in every school.{% endif %}"\n""",
    "answer-dependent branch": (
        """    - "{% if options.report_recipient == 'district_administrator' %}"""
        """Officers are placed.{% endif %}"\n"""
    ),
}


@pytest.fixture(params=list(HOLLOW))
def hollow_pack(request, tmp_path):
    pack = copy_pack(tmp_path)
    main_file = pack / "clauses" / "main.yaml"
    edit(main_file, PLACEMENT_TEXT, HOLLOW[request.param])
    return pack


def test_a_clause_that_prints_no_words_covers_nothing(hollow_pack):
    library = load_library(base=hollow_pack)
    draft = load_draft(MINI_DRAFT)
    coverage = check_coverage(library, draft)
    status = {r.id: r for r in coverage.requirements}
    assert status["A"].state == "not-covered"
    assert status["A"].covered_by == []
    assert "placement" in coverage.included  # still included: it is required
    assert not coverage.complete
    (problem,) = [p for p in coverage.located if p.clause == "placement"]
    assert problem.code == "clause-prints-nothing"
    assert problem.file == str(hollow_pack / "clauses" / "main.yaml")
    lines = (hollow_pack / "clauses" / "main.yaml").read_text(encoding="utf-8").splitlines()
    start = line_of(hollow_pack / "clauses" / "main.yaml", "- id: placement")
    text_line = next(i for i, t in enumerate(lines, 1) if i > start and t.strip() == "text:")
    assert problem.line == text_line
    assert "prints no words" in problem.message and "cannot cover A" in problem.message
    assert any("placement" in p and "main.yaml" in p for p in coverage.problems)
    with pytest.raises(ProblemsError) as raised:
        assemble(library, draft)
    assert raised.value.kind == "incomplete"


def test_check_names_the_overlay_clause_and_its_file(tmp_path, capsys):
    """An overlay that replaces the only clause covering a requirement with hollow text."""
    import yaml

    library = load_library()
    requirement, clause_id = next(
        (r, c[0])
        for r in library.requirements
        if len(c := library.covering(r)) == 1 and library.clauses[c[0]].status == "required"
    )
    original = library.clauses[clause_id]
    overlay = tmp_path / "overlay"
    (overlay / "clauses").mkdir(parents=True)
    manifest = {"id": "hollow-overlay", "title": "Hollow", "version": "1.0.0"}
    manifest["extends"] = library.pack.id
    (overlay / "pack.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    replaced = original.model_dump(exclude_defaults=True)
    replaced["text"] = ["{% if false %}Whatever the clause said.{% endif %}"]
    clause_file = overlay / "clauses" / "hollow.yaml"
    clause_file.write_text(yaml.safe_dump([replaced], sort_keys=False), encoding="utf-8")
    code = main(["check", str(RIVERTON), "--library", str(overlay), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    status = next(r for r in out["requirements"] if r["id"] == requirement)
    assert status["state"] == "not-covered"
    errors = [p for p in out["problems"] if p["severity"] == "error"]  # warnings are there too
    (problem,) = [p for p in errors if p["clause"] == clause_id]
    assert problem["file"] == str(clause_file) and problem["line"]
    main(["check", str(RIVERTON), "--library", str(overlay)])
    text = capsys.readouterr().out
    assert f"{requirement}" in text and "NOT COVERED" in text
    assert str(clause_file) in text and clause_id in text


def test_the_same_clause_covers_when_its_branch_prints(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack / "clauses" / "main.yaml", PLACEMENT_TEXT, HOLLOW["answer-dependent branch"])
    library = load_library(base=pack)
    draft = load_draft(MINI_DRAFT)
    answered = draft.model_copy(
        update={"policy_options": {"report_recipient": "district_administrator"}}
    )
    answered = answered.model_copy(
        update={
            "clauses": answered.clauses.model_copy(update={"alternatives": {"report": "report-da"}})
        }
    )
    coverage = check_coverage(library, answered)
    assert {r.id: r.state for r in coverage.requirements}["A"] == "covered", coverage.gaps()
    # and back: the toggle to the other option makes it hollow again (the engine re-probes it)
    assert {r.id: r.state for r in check_coverage(library, draft).requirements}[
        "A"
    ] == "not-covered"


def test_a_paragraph_that_prints_nothing_is_left_out_of_the_agreement(tmp_path):
    pack = copy_pack(tmp_path)
    edit(
        pack / "clauses" / "main.yaml",
        PLACEMENT_TEXT,
        PLACEMENT_TEXT + """    - "{% if false %}Never printed.{% endif %}"\n""",
    )
    library = load_library(base=pack)
    draft = load_draft(MINI_DRAFT)
    coverage = check_coverage(library, draft)
    assert coverage.complete, coverage.gaps()
    agreement = assemble(library, draft)
    placement = next(c for s in agreement.sections for c in s.clauses if c.id == "placement")
    assert len(placement.paragraphs) == 2  # the placement sentence and the reports sentence
    assert all(p.strip() for p in placement.paragraphs)


def test_the_bundled_library_has_no_hollow_clauses():
    library = load_library()
    draft = load_draft(RIVERTON)
    coverage = check_coverage(library, draft)
    assert not [p for p in coverage.located if p.code == "clause-prints-nothing"]
