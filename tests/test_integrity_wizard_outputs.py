"""Issue 15, no output replaces an input — in the wizard too: Generate never writes over the
template, the draft or a pack file (not even after "Replace?"), writes the .docx and the .pdf
together or not at all, and an unexpected failure while generating is a message, not a crash."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from agreement_kit import ProblemsError, load_library, save_draft
from agreement_kit.resources import bundled_template
from tests.tui_drafts import PACK, riverton_draft
from tui import generate as generate_module
from tui.app import make_app
from tui.generate import generate


def _draft(tmp_path: Path) -> Path:
    path = tmp_path / "riverton.yaml"
    save_draft(
        riverton_draft(
            "review", ["mon", "wed"], effective="2027-07-01", end="2030-06-30", renewal="none"
        ),
        path,
    )
    return path


async def _generate_to(tmp_path: Path, template: Path | None, output: str) -> str:
    app = make_app(_draft(tmp_path), base=PACK, pdf=False, template=template and str(template))
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#output", Input)
        box.value = output
        await pilot.click("#generate")
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(app.screen.query_one("#generate-status", Static).render())
        await pilot.press("ctrl+q")
    return status


async def test_generate_never_writes_over_the_template(tmp_path):
    template = tmp_path / "t.docx"
    shutil.copyfile(bundled_template(), template)
    before = template.read_bytes()
    status = await _generate_to(tmp_path, template, str(template))
    assert "Not generated" in status and "the template itself" in status
    assert template.read_bytes() == before


def test_generate_never_replaces_the_draft_even_when_replacing(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    library = load_library(base=pack)
    draft = riverton_draft(
        "review", ["mon", "wed"], effective="2027-07-01", end="2030-06-30", renewal="none"
    )
    original = _draft(tmp_path)
    named_pdf = tmp_path / "riverton.pdf"  # a draft someone saved as riverton.pdf
    named_docx = tmp_path / "other.docx"  # ... or as other.docx
    for copy in (named_pdf, named_docx):
        shutil.copyfile(original, copy)
    for docx, pdf, given in (
        (tmp_path / "riverton.docx", True, named_pdf),
        (named_docx, False, named_docx),
    ):
        with pytest.raises(ProblemsError) as info:
            generate(library, draft, docx, pdf=pdf, overwrite=True, draft_path=given)
        assert info.value.problems[0].code == "output-is-input"
        assert "the draft itself" in info.value.problems[0].message
    assert not (tmp_path / "riverton.docx").exists()
    assert named_pdf.read_bytes() == named_docx.read_bytes() == original.read_bytes()


def test_generate_writes_the_docx_and_pdf_together_or_not_at_all(tmp_path, monkeypatch):
    library = load_library(base=PACK)
    draft = riverton_draft(
        "review", ["mon", "wed"], effective="2027-07-01", end="2030-06-30", renewal="none"
    )
    docx, pdf = tmp_path / "a.docx", tmp_path / "a.pdf"
    docx.write_bytes(b"previous docx")
    pdf.write_bytes(b"previous pdf")
    monkeypatch.setattr(generate_module, "find_soffice", lambda: "/bin/true")

    def conversion_fails(*args, **kwargs):
        raise ProblemsError([], summary="LibreOffice failed", kind="environment")

    monkeypatch.setattr(generate_module, "pdf_bytes", conversion_fails)
    with pytest.raises(ProblemsError):
        generate(library, draft, docx, pdf=True, overwrite=True)
    assert docx.read_bytes() == b"previous docx" and pdf.read_bytes() == b"previous pdf"
    monkeypatch.setattr(generate_module, "find_soffice", lambda: None)
    with pytest.raises(ProblemsError) as info:  # no LibreOffice: nothing written, said why
        generate(library, draft, docx, pdf=True, overwrite=True)
    assert "untick PDF" in (info.value.problems[0].hint or "")
    assert docx.read_bytes() == b"previous docx"
    monkeypatch.setattr(generate_module, "find_soffice", lambda: "/bin/true")
    monkeypatch.setattr(generate_module, "pdf_bytes", lambda data, **kw: b"%PDF new")
    generate(library, draft, docx, pdf=True, overwrite=True)
    assert docx.read_bytes().startswith(b"PK") and pdf.read_bytes() == b"%PDF new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "a.pdf"]


async def test_an_unexpected_failure_while_generating_is_a_message(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OverflowError("a bug somewhere")

    monkeypatch.setattr(generate_module, "render_bytes", broken)
    status = await _generate_to(tmp_path, None, str(tmp_path / "out.docx"))
    assert "Not generated" in status and "OverflowError" in status
    assert not (tmp_path / "out.docx").exists()
