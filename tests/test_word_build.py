"""The build checks itself and anchors the document: strict XML, every clause in order, hidden
bookmarks, REF fields that follow renumbering, properties Word can hold, template text reported."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from agreement_kit import assemble, load_draft, load_library
from agreement_kit.cli import main
from agreement_kit.drafts.model import Draft
from agreement_kit.problems import ProblemsError
from agreement_kit.word.fields import update_fields
from agreement_kit.word.properties import MAX_PROPERTY, SHORTENED, read_custom_properties
from agreement_kit.word.record import read_record
from agreement_kit.word.render import render_bytes, render_document

ROOT = Path(__file__).resolve().parent.parent
RIVERTON = ROOT / "examples" / "riverton.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TODAY = dt.date(2027, 5, 1)


@pytest.fixture(scope="module")
def library():
    return load_library()


@pytest.fixture(scope="module")
def agreement(library):
    return assemble(library, load_draft(RIVERTON), today=TODAY)


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _bookmarks(document) -> dict[str, object]:
    """Bookmark name -> the python-docx paragraph it sits in."""
    out = {}
    for p in document.paragraphs:
        for b in p._p.iter(f"{W}bookmarkStart"):
            out[b.get(f"{W}name")] = p
    return out


def test_every_clause_heading_and_paragraph_is_anchored(agreement):
    document = docx.Document(io.BytesIO(render_bytes(agreement)))
    marks = _bookmarks(document)
    for section in agreement.sections:
        for clause in section.clauses:
            slug = clause.id.replace("-", "_")
            if clause.number:
                assert marks[f"_akh_{slug}"[:40]].text == clause.title
            for n in range(len(clause.paragraphs)):
                name = f"_akp{n}_{slug}"
                assert name in marks or len(name) > 40, name
    for extra in ("signatures", "exhibit_a", "exhibit_b"):
        assert f"_akx_{extra}" in marks
    assert marks["_akx_signatures"].text == "Signatures"


def test_references_are_word_fields_with_the_current_number_cached(agreement):
    data = render_bytes(agreement)
    root = etree.fromstring(_parts(data)["word/document.xml"])
    instructions = [t.text for t in root.iter(f"{W}instrText")]
    assert " REF _akh_placement_schedule \\w \\h " in instructions
    numbers = agreement.clause_numbers()
    definitions = next(c for s in agreement.sections for c in s.clauses if c.id == "definitions")
    ref = next(r for r in definitions.refs if r.target == "placement-schedule")
    assert (
        definitions.paragraphs[ref.paragraph][ref.start : ref.end] == numbers["placement-schedule"]
    )
    document = docx.Document(io.BytesIO(data))
    building = next(p for p in document.paragraphs if p.text.startswith("“Building” means"))
    assert f"Section {numbers['placement-schedule']}" in building.text
    settings = _parts(data)["word/settings.xml"].decode()
    assert "updateFields" not in settings  # cached results: Word does not ask to update


def test_inserting_a_section_renumbers_the_reference_when_fields_update(agreement):
    document = docx.Document(io.BytesIO(render_bytes(agreement)))
    marks = _bookmarks(document)
    target = marks["_akh_placement_schedule"]
    before = agreement.clause_numbers()["placement-schedule"]
    target.insert_paragraph_before("A Section Counsel Inserted", style=target.style)
    buffer = io.BytesIO()
    document.save(buffer)
    updated = docx.Document(io.BytesIO(update_fields(buffer.getvalue())))
    building = next(p for p in updated.paragraphs if p.text.startswith("“Building” means"))
    article, section = before.split(".")
    assert f"Section {article}.{int(section) + 1}" in building.text
    assert f"Section {before} " not in building.text + " "


def test_provenance_part_records_each_clause_text_and_hash(agreement):
    record = read_record(_parts(render_bytes(agreement)))
    assert record is not None and record["format"] == 1
    ids = [c["id"] for c in record["clauses"]]
    assert ids == [c.id for s in agreement.sections for c in s.clauses]
    first = record["clauses"][0]
    assert first["hash"].startswith("sha256:") and first["text_hash"].startswith("sha256:")
    assert first["paragraphs"] == agreement.sections[0].clauses[0].paragraphs


def _six_agencies(draft: Draft) -> Draft:
    data = draft.model_dump()
    first = data["agencies"][0]
    names = ["North", "South", "East", "West", "Lakeshore", "Prairie Valley"]
    data["agencies"] = [
        {
            **first,
            "name": f"{name} Metropolitan Police and Public Safety Department",
            "municipality": {"name": f"City of {name} Heights", "kind": "city"},
        }
        for name in names
    ]
    data["title"] = None
    return Draft.model_validate(data)


def test_six_agency_draft_without_a_title_builds_with_shortened_properties(library, tmp_path):
    draft = _six_agencies(load_draft(RIVERTON))
    agreement = assemble(library, draft, today=TODAY)
    assert len(agreement.short_title) > MAX_PROPERTY
    rendered = render_document(agreement)
    document = docx.Document(io.BytesIO(rendered.data))
    subject = document.core_properties.subject
    assert len(subject) <= MAX_PROPERTY and subject.endswith(SHORTENED)
    assert agreement.short_title.startswith(subject.removesuffix(SHORTENED))
    record = read_record(_parts(rendered.data))
    assert record["properties"]["core:subject"] == agreement.short_title
    for value in read_custom_properties(rendered.data).values():
        assert len(value) <= MAX_PROPERTY


@pytest.mark.parametrize("bad", ["\ud800", "\x01"])
def test_a_character_xml_cannot_hold_is_an_error_not_a_cut(agreement, bad):
    section = agreement.sections[1]
    clause = section.clauses[0]
    poisoned = clause.model_copy(
        update={"paragraphs": [f"before {bad} after", *clause.paragraphs[1:]]}
    )
    sections = list(agreement.sections)
    sections[1] = section.model_copy(update={"clauses": [poisoned, *section.clauses[1:]]})
    with pytest.raises(ProblemsError) as info:
        render_bytes(agreement.model_copy(update={"sections": sections}))
    assert info.value.problems[0].code == "render-not-xml"


def _template_without(tmp_path: Path, *, skip_article: str | None = None, extra: str = "") -> Path:
    """A district template: recitals, articles (optionally one left out), signatures."""
    document = docx.Document()
    add = document.add_paragraph
    add("{{ title }}", style="Title")
    add("{{ parties_text }}")
    add("{%p for r in recitals %}")
    add("{{ r.lead }}{{ r.text }}")
    add("{%p endfor %}")
    add("{{ now_therefore.lead }}{{ now_therefore.text }}")
    add("{%p for s in articles %}")
    if skip_article:
        add(f"{{%p if s.id != '{skip_article}' %}}")
    add("{{ s.number }}. {{ s.title }}", style="Heading 1")
    add("{%p for c in s.clauses %}")
    add("{{ c.number }} {{ c.title }}", style="Heading 2")
    add("{%p for para in c.paragraphs %}")
    add("{{ para }}")
    add("{%p endfor %}")
    add("{%p endfor %}")
    if skip_article:
        add("{%p endif %}")
    add("{%p endfor %}")
    if extra:
        add(extra)
    path = tmp_path / "district.docx"
    document.save(str(path))
    return path


def test_a_template_that_omits_an_article_is_refused_naming_its_clauses(
    agreement, tmp_path, capsys
):
    template = _template_without(tmp_path, skip_article="liability")
    with pytest.raises(ProblemsError) as info:
        render_bytes(agreement, template)
    message = " ".join(p.message for p in info.value.problems)
    liability = next(s for s in agreement.sections if s.id == "liability")
    for clause in liability.clauses:
        assert clause.id in message
    assert liability.title in message
    out = tmp_path / "out.docx"
    code = main(["build", str(RIVERTON), "-o", str(out), "--template", str(template)])
    assert code == 2 and not out.exists()
    assert "indemnification" in capsys.readouterr().err


def test_a_template_sentence_of_its_own_is_reported(agreement, tmp_path, capsys):
    sentence = "The District waives all claims against the Agency."
    template = _template_without(tmp_path, extra=sentence)
    rendered = render_document(agreement, template)
    assert [t.text for t in rendered.report.template_text] == [sentence]
    assert read_record(_parts(rendered.data))["template_text"][0]["text"] == sentence
    out = tmp_path / "out.docx"
    assert main(["build", str(RIVERTON), "-o", str(out), "--template", str(template)]) == 0
    assert sentence in capsys.readouterr().err


def test_the_bundled_template_adds_no_text_of_its_own(agreement):
    assert render_document(agreement).report.template_text == []
