"""Issue 15, templates are data, not programs: `template check` and `build` share one checker and
agree on every hostile template; active content is refused naming the part; zip bombs are refused
from the zip directory without decompressing; the template sandbox is bounded; provenance
properties are ours only; docxtpl's {_{ un-escaping never applies to answers."""

from __future__ import annotations

import tracemalloc
import zipfile

import pytest
from docx import Document

from agreement_kit import assemble, load_draft
from agreement_kit.cli import main
from agreement_kit.problems import ProblemsError
from agreement_kit.word.properties import read_custom_properties
from agreement_kit.word.render import render_bytes
from agreement_kit.word.template_check import check_template
from tests import hostile
from tests.conftest import EXAMPLES

RIVERTON = EXAMPLES / "riverton.yaml"


@pytest.fixture(scope="module")
def agreement(library):
    return assemble(library, load_draft(RIVERTON))


def _errors(problems):
    return [p for p in problems if p.severity == "error"]


def _build_refuses(agreement, template) -> list:
    with pytest.raises(ProblemsError) as info:
        render_bytes(agreement, template)
    return info.value.problems


@pytest.mark.parametrize("kind", sorted(hostile.ACTIVE))
def test_active_content_is_refused_by_check_and_build(tmp_path, agreement, kind, capsys):
    template = hostile.rewrite(tmp_path / "t.docx", hostile.ACTIVE[kind])
    checked = _errors(check_template(template))
    assert checked, f"template check accepted {kind}"
    assert all(p.file == str(template) and p.field for p in checked)  # names the part
    built = _build_refuses(agreement, template)
    assert {p.message for p in built} == {p.message for p in checked}  # one checker: they agree
    assert main(["template", "check", str(template)]) == 2


@pytest.mark.parametrize("kind", sorted(hostile.TAGS))
def test_escaping_cannot_be_switched_off(tmp_path, agreement, kind):
    template = hostile.rewrite(tmp_path / "t.docx", hostile.TAGS[kind])
    checked = _errors(check_template(template))
    assert checked and any("not allowed" in p.message for p in checked), [str(p) for p in checked]
    built = _build_refuses(agreement, template)
    assert {p.message for p in built} == {p.message for p in checked}


@pytest.mark.parametrize("kind", sorted(hostile.BOMBS))
def test_template_sandbox_is_bounded(tmp_path, agreement, kind):
    template = hostile.rewrite(tmp_path / "t.docx", hostile.BOMBS[kind])
    checked = _errors(check_template(template))
    built = _build_refuses(agreement, template)
    assert all(p.file == str(template) for p in built)
    if checked:  # refused before any render, by both
        assert {p.message for p in built} == {p.message for p in checked}
    else:  # depends on the answers: the render's budget stops it, with the template named
        (problem,) = built
        assert "could not be filled" in problem.message


def test_zip_bomb_refused_from_the_directory_with_bounded_memory(tmp_path, agreement, monkeypatch):
    bomb = hostile.zip_bomb(tmp_path / "bomb.docx")  # declares a 3 GB document.xml
    opened = []
    real_open = zipfile.ZipFile.open

    def counting_open(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", counting_open)
    tracemalloc.start()
    try:
        checked = check_template(bomb)
        built = _build_refuses(agreement, bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "word/document.xml" not in opened  # decided from the declared size, not by reading
    assert peak < 20_000_000
    assert [p.code for p in checked] == ["template-zip-bomb"] and "3,000,000,000" in checked[
        0
    ].message
    assert [p.message for p in built] == [p.message for p in checked]


def test_a_part_holding_more_than_it_declares_is_refused(tmp_path, agreement):
    liar = hostile.lying_zip(tmp_path / "liar.docx")
    tracemalloc.start()
    try:
        checked = check_template(liar)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000
    assert any(p.field == "word/document.xml" and p.code == "template-zip-bomb" for p in checked)
    _build_refuses(agreement, liar)


def test_xml_entity_bomb_refused(tmp_path, agreement):
    template = hostile.rewrite(tmp_path / "t.docx", hostile.entity_bomb)
    assert any("DTD" in p.message for p in check_template(template))
    _build_refuses(agreement, template)


def test_template_text_passes_the_text_policy(tmp_path, agreement):
    template = hostile.rewrite(tmp_path / "t.docx", hostile.bidi_text)
    (problem,) = _errors(check_template(template))
    assert "RIGHT-TO-LEFT OVERRIDE" in problem.message and "paragraph" in (problem.field or "")
    _build_refuses(agreement, template)


def test_provenance_properties_are_ours_only(tmp_path, agreement):
    template = hostile.rewrite(tmp_path / "t.docx", hostile.fake_provenance)
    warnings = [p for p in check_template(template) if p.severity == "warning"]
    assert {p.code for p in warnings} == {"template-property"}
    assert any("Reviewed by counsel" in p.message for p in warnings)
    assert main(["template", "check", str(template)]) == 0  # reported, not fatal
    props = read_custom_properties(render_bytes(agreement, template))
    assert "Reviewed by counsel" not in props
    assert props.get("Clause: indemnification", "").split("; ")[1] == next(
        c.hash for c in agreement.provenance.clauses if c.id == "indemnification"
    )


def test_docxtpl_unescaping_does_not_apply_to_answers(tmp_path, library):
    draft = load_draft(RIVERTON)
    name = "Smith {_{ district.name }_} & {_% if x %_} Sons"
    draft = draft.model_copy(update={"district": draft.district.model_copy(update={"name": name})})
    out = tmp_path / "a.docx"
    out.write_bytes(render_bytes(assemble(library, draft)))
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert name in text


def test_bundled_template_is_clean():
    from agreement_kit.resources import bundled_template

    assert check_template(bundled_template()) == []
