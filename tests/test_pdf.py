"""PDF output through LibreOffice: a clear message without it, one real conversion with it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from agreement_kit import assemble, load_draft
from agreement_kit.cli import main
from agreement_kit.problems import ProblemsError
from agreement_kit.word import pdf as pdf_module
from agreement_kit.word.pdf import convert_to_pdf
from agreement_kit.word.render import render_docx

ROOT = Path(__file__).resolve().parent.parent
RIVERTON = ROOT / "examples" / "riverton.yaml"


@pytest.fixture
def no_soffice(monkeypatch, tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("AGREEMENT_KIT_SOFFICE", raising=False)
    monkeypatch.setattr(pdf_module, "_MAC_APP", tmp_path / "no-such-app" / "soffice")


def test_missing_libreoffice_says_how_to_install_it(no_soffice, tmp_path):
    source = tmp_path / "a.docx"
    source.write_bytes(b"PK not really")
    with pytest.raises(ProblemsError) as caught:
        convert_to_pdf(source)
    (problem,) = caught.value.problems
    assert "LibreOffice is not installed" in problem.message
    assert "apt-get install -y libreoffice-writer" in problem.hint
    assert "brew install --cask libreoffice" in problem.hint
    assert not (tmp_path / "a.pdf").exists()


def test_build_pdf_without_libreoffice_writes_nothing_and_explains(no_soffice, tmp_path, capsys):
    out = tmp_path / "riverton.docx"
    code = main(["build", str(RIVERTON), "-o", str(out), "--pdf"])
    captured = capsys.readouterr()
    assert code == 3  # an environment problem: LibreOffice is missing
    assert not out.exists() and not out.with_suffix(".pdf").exists()  # together or not at all
    assert "cannot write the PDF" in captured.err and "libreoffice-writer" in captured.err
    assert "Without --pdf" in captured.err
    assert "Traceback" not in captured.err


def test_existing_pdf_is_not_replaced_without_overwrite(tmp_path):
    source = tmp_path / "a.docx"
    source.write_bytes(b"PK")
    target = tmp_path / "a.pdf"
    target.write_bytes(b"keep me")
    with pytest.raises(FileExistsError):
        convert_to_pdf(source)
    assert target.read_bytes() == b"keep me"


def test_a_failing_converter_is_reported(tmp_path, monkeypatch):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'source file could not be loaded' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("AGREEMENT_KIT_SOFFICE", str(fake))
    source = tmp_path / "a.docx"
    source.write_bytes(b"PK")
    with pytest.raises(ProblemsError) as caught:
        convert_to_pdf(source)
    assert "could not be loaded" in caught.value.problems[0].message


@pytest.mark.timeout(300)
def test_sample_converts_with_pages_and_text(library, tmp_path):
    if pdf_module.find_soffice() is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed; install libreoffice-writer to run this"
        )
    if not (shutil.which("pdftotext") and shutil.which("pdfinfo")):
        pytest.skip("poppler-utils (pdftotext, pdfinfo) is not installed")
    draft = load_draft(RIVERTON)
    agreement = assemble(library, draft)
    docx_path = render_docx(agreement, tmp_path / "riverton.docx")
    pdf = convert_to_pdf(docx_path, timeout=240)
    assert pdf == tmp_path / "riverton.pdf" and pdf.read_bytes().startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    articles = sum(1 for s in agreement.sections if s.kind != "recitals")
    assert pages >= 4  # body, signature page, Exhibit A, Exhibit B
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    for answer in (
        draft.district.name,
        "Renée D'Amato-Nguyễn",
        'Karen "Kit" Lindqvist',
        "Jefferson Middle School & Early Learning Center",
        draft.title,
    ):
        assert answer in flat, answer
    assert f"Page 1 of {pages}" in flat and f"Page {pages} of {pages}" in flat
    # LibreOffice draws the live numbering: the article and section numbers assembly computed
    assert "ARTICLE 1." in flat and f"ARTICLE {articles}." in flat
    first = next(s for s in agreement.sections if s.kind != "recitals")
    assert f"{first.clauses[0].number} {first.clauses[0].title}" in flat
    assert "EXHIBIT A" in flat and "EXHIBIT B" in flat
    assert "{{" not in flat and "None" not in flat
