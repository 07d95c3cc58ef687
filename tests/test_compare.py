"""compare: a redline with real tracked changes between two versions, and the clause summary."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest

from agreement_kit import assemble, load_draft, load_library
from agreement_kit.cli import main
from agreement_kit.word.ooxml import read_parts
from agreement_kit.word.redline import document_texts, resolve
from agreement_kit.word.render import render_bytes
from tests.office import libreoffice_convert, needs_soffice

ROOT = Path(__file__).resolve().parent.parent
RIVERTON = ROOT / "examples" / "riverton.yaml"


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    folder = tmp_path_factory.mktemp("versions")
    old = folder / "old.yaml"
    new = folder / "new.yaml"
    text = RIVERTON.read_text(encoding="utf-8")
    old.write_text(text, encoding="utf-8")
    changed = text.replace("advisory-committee: true", "advisory-committee: false")
    changed = changed.replace("cost_share_percent: 75", "cost_share_percent: 60")
    assert changed != text
    new.write_text(changed, encoding="utf-8")
    redline = folder / "redline.docx"
    code = main(["compare", str(old), str(new), "-o", str(redline), "--author", "District counsel"])
    assert code == 1  # the versions differ
    library = load_library()
    builds = [render_bytes(assemble(library, load_draft(p))) for p in (old, new)]
    return old, new, redline, builds


def test_accept_all_gives_the_new_build_and_reject_all_the_old(versions):
    _, _, redline, (old, new) = versions
    data = redline.read_bytes()
    assert resolve(data, accept=True) == document_texts(new)
    assert resolve(data, accept=False) == document_texts(old)


def test_the_redline_has_real_tracked_changes_and_opens_in_python_docx(versions):
    _, _, redline, _ = versions
    xml = read_parts(redline.read_bytes())["word/document.xml"].decode()
    assert "<w:ins " in xml and "<w:del " in xml and "<w:delText" in xml
    assert 'w:author="District counsel"' in xml
    assert ">60%</w:t></w:r></w:ins>" in xml and ">75%</w:delText></w:r></w:del>" in xml
    document = docx.Document(str(redline))  # opens; the clause headings are all there
    assert any(p.text == "Cost Share" for p in document.paragraphs)


def test_the_summary_names_the_toggled_clause_and_the_changed_answer(versions, capsys):
    old, new, _, _ = versions
    assert main(["compare", str(old), str(new), "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in payload["clauses_removed"]] == ["advisory-committee"]
    reworded = {c["id"]: c for c in payload["clauses_reworded"]}
    assert reworded["cost-share-percentage"]["changes"] == [
        {"op": "replace", "old": "75%", "new": "60%"}
    ]
    answers = {a["answer"]: (a["old"], a["new"]) for a in payload["answers_changed"]}
    assert answers["values.cost_share_percent"] == (75, 60)
    assert answers["clauses.optional.advisory-committee"] == (True, False)
    assert main(["compare", str(old), str(new), "--md"]) == 1
    md = capsys.readouterr().out
    assert "## Clauses removed" in md and "advisory-committee" in md and "cost_share_percent" in md


def test_two_built_documents_compare_too(versions, tmp_path, capsys):
    _, _, _, (old, new) = versions
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    a.write_bytes(old)
    b.write_bytes(new)
    assert main(["compare", str(a), str(a)]) == 0
    capsys.readouterr()
    assert main(["compare", str(a), str(b), "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in payload["clauses_removed"]] == ["advisory-committee"]
    assert "cost-share-percentage" in [c["id"] for c in payload["clauses_reworded"]]


@pytest.mark.slow
@needs_soffice
def test_libreoffice_opens_the_redline(versions, tmp_path):
    _, _, redline, _ = versions
    pdf = libreoffice_convert(redline, "pdf", tmp_path)
    assert pdf.is_file() and pdf.stat().st_size > 10_000
    assert io.BytesIO(pdf.read_bytes()).read(4) == b"%PDF"
