"""compare: a redline with real tracked changes between two versions, and the clause summary."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from agreement_kit import assemble, load_draft, load_library
from agreement_kit.cli import main
from agreement_kit.word.ooxml import normalise, read_parts
from agreement_kit.word.redline import document_texts, redline, resolve
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
    # the share, and the first-year estimate the clause computes from it
    assert reworded["cost-share-percentage"]["changes"] == [
        {"op": "replace", "old": "75%", "new": "60%"},
        {"op": "replace", "old": "$85,082,", "new": "$68,066,"},
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


def _with_reworded_definitions(library, draft):
    """The draft with its definitions clause negotiated: words added before a cross-reference."""
    from agreement_kit.drafts.model import NegotiatedClause, NegotiatedRef

    clause = next(
        c for s in assemble(library, draft).sections for c in s.clauses if c.id == "definitions"
    )
    ref = clause.refs[0]
    lead = "In this Agreement: "
    paragraphs = list(clause.paragraphs)
    paragraphs[ref.paragraph] = lead + paragraphs[ref.paragraph]
    refs = [
        NegotiatedRef(
            paragraph=ref.paragraph,
            at=ref.start + len(lead),
            number=clause.paragraphs[ref.paragraph][ref.start : ref.end],
            target=ref.target,
        )
    ]
    agreed = NegotiatedClause(paragraphs=paragraphs, refs=refs)
    return draft.model_copy(update={"negotiated": {"definitions": agreed}})


def _paragraph(data: bytes, bookmark: str):
    from lxml import etree

    root = etree.fromstring(read_parts(data)["word/document.xml"])
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    return next(
        p
        for p in root.iter(f"{w}p")
        if any(b.get(f"{w}name") == bookmark for b in p.iter(f"{w}bookmarkStart"))
    )


def test_a_reworded_paragraph_keeps_its_cross_reference_field():
    library = load_library()
    draft = load_draft(RIVERTON)
    old = render_bytes(assemble(library, draft))
    new = render_bytes(assemble(library, _with_reworded_definitions(library, draft)))
    data, count = redline(old, new, author="District counsel", date="2027-06-01T00:00:00Z")
    assert count == 1
    p = _paragraph(data, "_akp3_definitions")  # the paragraph with the reference
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    assert [t.text for t in p.iter(f"{w}instrText")] == [" REF _akh_placement_schedule \\w \\h "]
    inserted = ["".join(t.text for t in i.iter(f"{w}t")) for i in p.iter(f"{w}ins")]
    assert inserted == ["In this Agreement: "]
    assert resolve(data, accept=True) == document_texts(new)
    assert resolve(data, accept=False) == document_texts(old)


def test_a_renumbered_reference_is_a_tracked_change_of_the_field():
    import copy

    from agreement_kit.word.redline import Marker, redline_paragraph

    library = load_library()
    data = render_bytes(assemble(library, load_draft(RIVERTON)))
    old = _paragraph(data, "_akp3_definitions")
    new = copy.deepcopy(old)
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    result = next(t for t in new.iter(f"{w}t") if t.text == "3.1")
    result.text = "4.1"  # the target moved to Article 4
    assert redline_paragraph(old, new, Marker("counsel", "2027-06-01T00:00:00Z"))
    deleted = next(new.iter(f"{w}del"))
    assert [t.text for t in deleted.iter(f"{w}delInstrText")] == [
        " REF _akh_placement_schedule \\w \\h "
    ]
    assert [t.text for t in deleted.iter(f"{w}delText")] == ["3.1"]
    added = next(new.iter(f"{w}ins"))
    assert [t.text for t in added.iter(f"{w}instrText")] == [
        " REF _akh_placement_schedule \\w \\h "
    ]
    assert [t.text for t in added.iter(f"{w}t")] == ["4.1"]


def _uno_python() -> str | None:
    """A Python with LibreOffice's UNO bridge (Debian's python3-uno), if there is one."""
    for candidate in ("/usr/bin/python3", shutil.which("python3") or ""):
        if candidate and Path(candidate).exists():
            found = subprocess.run([candidate, "-c", "import uno"], capture_output=True, timeout=60)
            if found.returncode == 0:
                return candidate
    return None


@pytest.mark.slow
@needs_soffice
@pytest.mark.parametrize("mode", ["accept", "reject"])
def test_libreoffice_accept_all_gives_new_and_reject_all_gives_old(versions, tmp_path, mode):
    python = _uno_python()
    if python is None:
        pytest.skip("no Python with LibreOffice's UNO bridge (apt-get install python3-uno)")
    _, _, redline_path, (old, new) = versions
    done = subprocess.run(
        [
            python,
            str(ROOT / "tests" / "uno_tracked.py"),
            str(redline_path),
            mode,
            str(tmp_path / "p"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    got = [t for t in (normalise(x) for x in json.loads(done.stdout)) if t]
    assert got == document_texts(new if mode == "accept" else old)
