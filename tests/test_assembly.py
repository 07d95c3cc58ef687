"""Assembly: order, numbering, cross-references, strict rendering, escaping in the .docx."""

from __future__ import annotations

import docx
import pytest

from agreement_kit import ProblemsError, assemble, load_draft, load_library, render_docx
from agreement_kit.drafts.model import Draft
from tests.helpers import MINI_DRAFT, MINI_PACK


def mini(**clauses):
    library = load_library(base=MINI_PACK)
    data = load_draft(MINI_DRAFT).model_dump()
    data["clauses"].update(clauses)
    return library, Draft.model_validate(data)


def test_sections_and_clauses_are_numbered_in_order():
    library, draft = mini()
    agreement = assemble(library, draft)
    assert [(s.number, s.id) for s in agreement.sections] == [
        ("", "recitals"),
        ("1", "main"),
        ("2", "reporting"),
    ]
    assert agreement.clause_numbers() == {"parties": "", "placement": "1.1", "report-board": "2.1"}


def test_ref_follows_renumbering_when_optional_clause_is_toggled():
    library, draft = mini(optional={"extra": True})
    draft = draft.model_copy(update={"values": {"extra_hours": 6}})
    agreement = assemble(library, draft)
    assert agreement.clause_numbers()["extra"] == "1.2"
    text = agreement.text()
    assert "6 extra hours; see Section 1.1." in text
    assert "Reports are due as Section 2.1 says." in text


def test_incomplete_draft_is_refused_with_every_gap():
    library, draft = mini(alternatives={})
    draft = draft.model_copy(update={"district": draft.district.model_copy(update={"name": None})})
    with pytest.raises(ProblemsError) as info:
        assemble(library, draft)
    messages = " ".join(p.message for p in info.value.problems)
    assert "requirement I" in messages and "district.name" in messages


def test_preview_of_incomplete_draft_marks_the_gap():
    library, draft = mini()
    draft = draft.model_copy(update={"district": draft.district.model_copy(update={"board": None})})
    agreement = assemble(library, draft, allow_incomplete=True)
    assert "[missing answer: district.board]" in agreement.text()


def test_plural_agencies_read_correctly():
    library, draft = mini()
    second = {
        **draft.agencies[0].model_dump(),
        "name": "Pine County Sheriff's Office",
        "municipality": {"name": "Pine County", "kind": "county"},
    }
    draft = Draft.model_validate(
        {**draft.model_dump(), "agencies": [draft.agencies[0].model_dump(), second]}
    )
    text = assemble(library, draft).text()
    assert "The Agencies assign officers" in text
    assert "City of Lakeside and Pine County may contract" in text


def test_docx_keeps_answers_exactly_as_typed(tmp_path):
    library, draft = mini()
    out = render_docx(assemble(library, draft), tmp_path / "a.docx")
    text = "\n".join(p.text for p in docx.Document(out).paragraphs)
    assert 'Lakeside & Pine <Unified> "School" District' in text
    assert "Renée Núñez" in text and "Zoë Ångström" not in text  # DA clause not chosen
    assert "Pat O'Brien" in text
    assert "{{" not in text and "{%" not in text and "None" not in text


def test_render_refuses_to_overwrite(tmp_path):
    library, draft = mini()
    agreement = assemble(library, draft)
    out = tmp_path / "a.docx"
    out.write_bytes(b"keep me")
    with pytest.raises(FileExistsError):
        render_docx(agreement, out)
    assert out.read_bytes() == b"keep me"
    render_docx(agreement, out, overwrite=True)
    assert out.read_bytes().startswith(b"PK")


def test_provenance_records_pack_clauses_and_draft_hash():
    library, draft = mini()
    prov = assemble(library, draft).provenance
    assert (prov.pack_id, prov.pack_version) == ("mini", "0.1.0")
    placement = next(c for c in prov.clauses if c.id == "placement")
    assert (placement.version, placement.pack) == ("1.0", "mini")
    assert placement.hash.startswith("sha256:") and len(placement.hash) == 7 + 64
    assert len(prov.draft_sha256) == 64
