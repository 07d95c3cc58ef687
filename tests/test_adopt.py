"""Adopting negotiated wording: accepted edits of a returned .docx recorded in the draft, the next
build reproducing them, and negotiated text that loses a requirement's substance held for counsel."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import docx
import pytest

from agreement_kit import assemble, build_checklist, load_draft, load_library
from agreement_kit.cli import main
from agreement_kit.drafts.model import NegotiatedClause, NegotiatedRef
from agreement_kit.engine.session import engine_for
from agreement_kit.word.audit import audit_document
from agreement_kit.word.negotiated import negotiation_findings
from agreement_kit.word.redline import document_texts
from agreement_kit.word.render import render_bytes
from tests.test_audit import INSERTED, REWORDED, _anchored, city_attorney

ROOT = Path(__file__).resolve().parent.parent
RIVERTON = ROOT / "examples" / "riverton.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def library():
    return load_library()


@pytest.fixture(scope="module")
def built(library):
    return render_bytes(assemble(library, load_draft(RIVERTON)))


@pytest.fixture
def draft_file(tmp_path):
    path = tmp_path / "riverton.yaml"
    shutil.copy(RIVERTON, path)
    return path


def _returned(tmp_path: Path, data: bytes, name: str = "returned.docx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _edit(data: bytes, change) -> bytes:
    document = docx.Document(io.BytesIO(data))
    change(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_accepted_edits_go_into_the_draft_and_the_rest_is_reported(
    library, built, draft_file, tmp_path, capsys
):
    returned = _returned(tmp_path, city_attorney(built))
    args = ["audit", str(returned), "--draft", str(draft_file), "--adopt", "--by", "City Attorney"]
    assert main(args) == 1  # adopted, but not everything could be
    out = capsys.readouterr().out
    saved = load_draft(draft_file)
    # the insurance-limit edit is an answer: the draft's answer changes, so the next build follows
    assert saved.values["insurance_limit"] == 1000000
    assert "ANSWER      values.insurance_limit: 2000000 -> 1000000" in out
    # the reworded clause is negotiated text, with who, when and what it was based on
    agreed = saved.negotiated["indemnification"]
    assert agreed.paragraphs[0] == REWORDED
    assert agreed.by == "City Attorney" and agreed.source == "returned.docx" and agreed.date
    assert agreed.base_version == library.clauses["indemnification"].version
    assert agreed.base_hash == library.clause_hash("indemnification")
    assert set(saved.negotiated) == {"indemnification"}
    # what is not agreed text is not adopted, and each says why
    assert "annual-report was deleted, but it is required" in out  # requirement I keeps its clause
    assert "term-renewal has 1 pending tracked change" in out
    assert f"{INSERTED!r}" in out and "--attach-inserted" in out
    assert "1 comment(s) are not edits" in out
    # the file keeps what a person wrote in it
    assert "# A complete sample draft" in draft_file.read_text(encoding="utf-8")


def test_the_next_build_reproduces_the_negotiated_agreement(library, built, draft_file, tmp_path):
    returned = _returned(tmp_path, city_attorney(built))
    main(["audit", str(returned), "--draft", str(draft_file), "--adopt"])
    adopted = load_draft(draft_file)
    rebuilt = render_bytes(assemble(library, adopted))
    document = docx.Document(io.BytesIO(rebuilt))
    assert _anchored(document, "_akp0_indemnification").text == REWORDED
    audit = audit_document(returned.read_bytes(), library=library, draft=adopted)
    edited = {c.id: c.state for c in audit.clauses if c.state != "unchanged"}
    assert edited == {"annual-report": "deleted"}  # only what was not adopted still differs
    assert [i["text"] for i in audit.inserted] == [INSERTED]
    # the build says it prints negotiated wording
    record_clause = next(
        c
        for s in assemble(library, adopted).sections
        for c in s.clauses
        if c.id == "indemnification"
    )
    assert record_clause.negotiated


def test_an_inserted_paragraph_joins_the_clause_before_it_only_when_asked(
    library, built, draft_file, tmp_path
):
    returned = _returned(tmp_path, city_attorney(built))
    args = ["audit", str(returned), "--draft", str(draft_file), "--adopt", "--attach-inserted"]
    main(args)
    adopted = load_draft(draft_file)
    assert adopted.negotiated["indemnification"].paragraphs[-1] == INSERTED
    # the next build prints it where the attorney put it, now as part of the clause
    rebuilt = render_bytes(assemble(library, adopted))
    texts, theirs = document_texts(rebuilt), document_texts(returned.read_bytes())
    assert texts.index(INSERTED) - texts.index(REWORDED) == theirs.index(INSERTED) - theirs.index(
        REWORDED
    )
    document = docx.Document(io.BytesIO(rebuilt))
    last = len(adopted.negotiated["indemnification"].paragraphs) - 1
    assert _anchored(document, f"_akp{last}_indemnification").text == INSERTED


def test_pending_changes_are_never_adopted(library, built, draft_file, tmp_path, capsys):
    def propose(document):
        term = _anchored(document, "_akp0_term_renewal")
        ins = docx.oxml.parse_xml(
            f'<w:ins xmlns:w="{W[1:-1]}" w:id="901" w:author="City Attorney" '
            'w:date="2027-06-01T09:00:00Z"><w:r><w:t xml:space="preserve"> if funded</w:t>'
            "</w:r></w:ins>"
        )
        term._p.append(ins)
        for run in term.runs:  # and an accepted edit in the same clause
            run.text = run.text.replace("This Agreement", "The Agreement", 1)

    returned = _returned(tmp_path, _edit(built, propose))
    before = draft_file.read_text(encoding="utf-8")
    assert main(["audit", str(returned), "--draft", str(draft_file), "--adopt"]) == 1
    assert "pending tracked change" in capsys.readouterr().out
    assert draft_file.read_text(encoding="utf-8") == before  # nothing adopted, nothing written


def test_a_deleted_optional_clause_is_switched_off(library, built, draft_file, tmp_path):
    def delete(document):
        for p in list(document.paragraphs):
            names = [b.get(f"{W}name") or "" for b in p._p.iter(f"{W}bookmarkStart")]
            if any(n.endswith("_advisory_committee") for n in names):
                p._p.getparent().remove(p._p)

    returned = _returned(tmp_path, _edit(built, delete))
    assert main(["audit", str(returned), "--draft", str(draft_file), "--adopt"]) == 0
    adopted = load_draft(draft_file)
    assert adopted.clauses.optional["advisory-committee"] is False
    assert audit_document(returned.read_bytes(), library=library, draft=adopted).clean


def test_a_reworded_recital_and_a_cross_reference_round_trip(library, built, draft_file, tmp_path):
    def reword(document):
        recital = _anchored(document, "_akp0_recital_policy")
        for run in recital.runs:
            run.text = run.text.replace("works collaboratively", "works closely")
        definitions = _anchored(document, "_akp0_definitions")
        definitions.runs[0].text = "In this Agreement: " + definitions.runs[0].text

    returned = _returned(tmp_path, _edit(built, reword))
    assert main(["audit", str(returned), "--draft", str(draft_file), "--adopt"]) == 0
    adopted = load_draft(draft_file)
    recital = adopted.negotiated["recital-policy"].paragraphs[0]
    assert "works closely" in recital and not recital.startswith(
        "WHEREAS"
    )  # the lead is the view's
    refs = adopted.negotiated["definitions"].refs
    assert refs and {(r.target, r.number) for r in refs} == {("placement-schedule", "3.1")}
    assert audit_document(returned.read_bytes(), library=library, draft=adopted).clean
    # the reference is a live field in the next build, and follows a renumbering
    rebuilt = render_bytes(assemble(library, adopted))
    xml = docx.Document(io.BytesIO(rebuilt)).element.xml
    assert "REF _akh_placement_schedule" in xml
    agreed = adopted.negotiated["definitions"]
    paragraphs, spans = agreed.printed({"placement-schedule": "4.1"})
    (paragraph, start, end, target) = spans[0]
    assert paragraphs[paragraph][start:end] == "4.1" and target == "placement-schedule"
    assert "Section 4.1" in paragraphs[paragraph]


def _gutted(document):
    first = _anchored(document, "_akp0_annual_report")
    for run in first.runs:
        run.text = ""
    first.runs[0].text = "The Agency may tell the District how the Program went, when convenient."
    for n in (1, 2):
        try:
            p = _anchored(document, f"_akp{n}_annual_report")
        except StopIteration:
            continue
        p._p.getparent().remove(p._p)


def test_gutted_negotiated_text_is_held_for_counsel_until_approved(
    library, built, draft_file, tmp_path, capsys
):
    returned = _returned(tmp_path, _edit(built, _gutted))
    assert main(["audit", str(returned), "--draft", str(draft_file), "--adopt"]) == 1
    assert "FOR COUNSEL" in capsys.readouterr().out
    assert "annual-report" in load_draft(draft_file).negotiated  # recorded, not silently accepted
    # check reports it as a problem until counsel approves this wording
    assert main(["check", str(draft_file), "--json"]) == 1
    found = {f["code"]: f for f in json.loads(capsys.readouterr().out)["negotiated"]}
    lost = found["negotiated-substance-lost"]
    assert lost["blocking"] and {"I", "report-content"} <= set(lost["requirements"])
    assert "negotiated-deviation" in found
    assert main(["check", str(draft_file)]) == 1
    out = capsys.readouterr().out
    assert "FOR COUNSEL" in out and "review --approve clause:annual-report" in out
    # the checklist shows the clause as a negotiated deviation, with the warning and a word diff
    checklist = build_checklist(library, load_draft(draft_file))
    (deviation,) = [d for d in checklist.deviations if d.kind == "negotiated"]
    assert deviation.id == "annual-report" and "COUNSEL MUST APPROVE" in deviation.summary
    assert "[-" in deviation.diff and "{+" in deviation.diff
    # counsel approves the agreed wording: a warning remains, check passes
    args = ["review", str(draft_file), "--approve", "clause:annual-report", "--by", "D. Counsel"]
    assert main(args) == 0
    assert main(["check", str(draft_file)]) == 0
    assert "counsel approved this wording" in capsys.readouterr().out
    # other wording adopted later is not what counsel approved
    draft = load_draft(draft_file)
    other = draft.negotiated["annual-report"].model_copy(update={"paragraphs": ["Nothing."]})
    changed = draft.model_copy(update={"negotiated": {"annual-report": other}})
    (lost,) = [f for f in negotiation_findings(library, changed) if f.kind == "substance-lost"]
    assert lost.blocking


def test_key_terms_gone_are_flagged_even_when_most_words_stay(library):
    draft = load_draft(RIVERTON)
    standard = list(engine_for(library).preview(draft, "annual-report").paragraphs)
    letter = [
        p.replace("written annual report", "letter")
        .replace("annual report", "letter")
        .replace("report", "letter")
        for p in standard
    ]
    agreed = NegotiatedClause(paragraphs=letter)
    findings = negotiation_findings(
        library, draft.model_copy(update={"negotiated": {"annual-report": agreed}})
    )
    (lost,) = [f for f in findings if f.kind == "substance-lost"]
    assert "I" in lost.requirements and "report" in lost.message and lost.blocking


def test_an_upstream_change_and_a_lost_reference_are_said(library):
    draft = load_draft(RIVERTON)
    standard = list(engine_for(library).preview(draft, "definitions").paragraphs)
    agreed = NegotiatedClause(
        paragraphs=standard,
        base_version="0.9",
        base_hash="sha256:" + "0" * 64,
        refs=[NegotiatedRef(paragraph=0, at=0, number="9.9", target="no-such-clause")],
    )
    findings = negotiation_findings(
        library, draft.model_copy(update={"negotiated": {"definitions": agreed}})
    )
    kinds = {f.kind: f for f in findings}
    assert not kinds["upstream-changed"].blocking
    assert "changed since its wording was negotiated" in kinds["upstream-changed"].message
    assert kinds["reference-lost"].blocking


def test_adopt_needs_the_draft(built, tmp_path, capsys):
    returned = _returned(tmp_path, built)
    assert main(["audit", str(returned), "--adopt"]) == 2
    assert "--draft" in capsys.readouterr().err
