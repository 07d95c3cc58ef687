"""The counsel copy: the library's notes as Word comments on each clause heading, a cover page of
points to verify from the review checklist, marked as a counsel copy, and still the same agreement
for the audit."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
import pytest

from agreement_kit import build_checklist, check_coverage, load_draft, load_library
from agreement_kit.cli import main
from agreement_kit.word.audit import audit_document, read_document
from agreement_kit.word.counsel import AUTHOR, MARK, counsel_copy_document
from agreement_kit.word.properties import read_custom_properties
from agreement_kit.word.record import read_record
from tests.office import libreoffice_convert, needs_soffice

ROOT = Path(__file__).resolve().parent.parent
RIVERTON = ROOT / "examples" / "riverton.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TODAY = dt.date(2027, 5, 1)


@pytest.fixture(scope="module")
def library():
    return load_library()


@pytest.fixture(scope="module")
def draft():
    return load_draft(RIVERTON)


@pytest.fixture(scope="module")
def copy(library, draft):
    return counsel_copy_document(library, draft, today=TODAY).data


def _anchored_comments(data: bytes) -> dict[str, list[str]]:
    """Bookmark names of the paragraph each comment starts in -> comment ids."""
    document = docx.Document(io.BytesIO(data))
    out: dict[str, list[str]] = {}
    for p in document.element.body.iter(f"{W}p"):
        starts = [c.get(f"{W}id") for c in p.iter(f"{W}commentRangeStart")]
        for b in p.iter(f"{W}bookmarkStart"):
            if starts:
                out.setdefault(b.get(f"{W}name"), []).extend(starts)
    return out


def _comment_texts(data: bytes) -> dict[str, str]:
    document = docx.Document(io.BytesIO(data))
    return {str(c.comment_id): c.text for c in document.comments}


def test_each_clause_has_its_note_as_a_comment_on_its_heading(library, draft, copy):
    coverage = check_coverage(library, draft)
    document = docx.Document(io.BytesIO(copy))
    comments = list(document.comments)
    assert len(comments) == len(coverage.included)
    assert {c.author for c in comments} == {AUTHOR}
    assert {c.timestamp.date() for c in comments} == {TODAY}  # dated with the build date
    anchored = _anchored_comments(copy)
    texts = _comment_texts(copy)
    (cost,) = anchored["_akh_cost_share_percentage"]  # on the heading, not the body
    note = texts[cost]
    clause = library.clauses["cost-share-percentage"]
    assert note.startswith("Section ") and "cost-share-percentage, version" in note
    assert " ".join(clause.guidance.split())[:60] in " ".join(note.split())
    assert all(citation in note for citation in clause.citations)
    assert "Covers no policy requirement" in note  # the cost share covers none by itself
    (report,) = anchored["_akh_annual_report"]
    assert all(f"{r} \u2014" in texts[report] for r in library.clauses["annual-report"].covers)
    assert "Policy 8407, item I" in texts[report]
    # the alternatives of its group that were not chosen, one line each
    assert "Alternatives not chosen" in note
    for other in library.groups[clause.group]:
        if other != clause.id:
            assert f"({other}): " in note
    # a recital has no heading: its note sits on its first paragraph
    recital = next(iter(coverage.included))
    assert any(name.endswith(recital.replace("-", "_")) for name in anchored)


def test_the_cover_lists_what_counsel_must_verify_from_the_checklist(library, draft, copy):
    checklist = build_checklist(library, draft, today=TODAY)
    document = docx.Document(io.BytesIO(copy))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == MARK
    cover = texts[: texts.index("Verify before signing") + len(checklist.verify) + 1]
    assert checklist.verify, "the bundled library has points to verify"
    for point in checklist.verify:
        assert any(point.text in line for line in cover), point.text
    # marked on every page and in the properties, so it is never sent as the agreement
    assert all(MARK in [p.text for p in s.header.paragraphs] for s in document.sections)
    assert document.core_properties.title.startswith("Counsel copy")
    assert read_custom_properties(copy)["Counsel copy"] == "true"
    assert read_record(_parts(copy))["counsel_copy"]["author"] == AUTHOR


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_the_counsel_copy_audits_as_the_same_agreement(library, draft, copy):
    audit = audit_document(copy, library=library, draft=draft)
    assert audit.clean, audit.to_json()
    assert any("counsel copy" in note for note in audit.notes)
    assert audit_document(copy).clean  # against its own record too
    # the cover is not agreement text, and the clause text is untouched
    read = read_document(copy)
    assert all(MARK not in text for _, text in read.other)


def test_a_reviewers_comment_on_the_counsel_copy_is_still_reported(library, draft, copy):
    document = docx.Document(io.BytesIO(copy))
    insurance = next(
        p
        for p in document.paragraphs
        if any(b.get(f"{W}name") == "_akp0_insurance" for b in p._p.iter(f"{W}bookmarkStart"))
    )
    document.add_comment(insurance.runs, "Council wants 60 days.", author="City Attorney")
    # a reply signed with our author's name but saying something else is a reviewer's too
    document.add_comment(insurance.runs, "Agreed.", author=AUTHOR)
    buffer = io.BytesIO()
    document.save(buffer)
    audit = audit_document(buffer.getvalue(), library=library, draft=draft)
    assert [(c.author, c.clause, c.text) for c in audit.comments] == [
        ("City Attorney", "insurance", "Council wants 60 days."),
        (AUTHOR, "insurance", "Agreed."),
    ]
    assert not audit.clean


def test_build_writes_the_counsel_copy_alone_or_beside_the_agreement(tmp_path, capsys):
    alone = tmp_path / "counsel.docx"
    assert main(["build", str(RIVERTON), "--counsel-copy", str(alone)]) == 0
    assert alone.is_file() and not (RIVERTON.with_suffix(".docx")).exists()
    assert "counsel copy" in capsys.readouterr().out
    agreement, copy = tmp_path / "a.docx", tmp_path / "c.docx"
    assert main(["build", str(RIVERTON), "-o", str(agreement), "--counsel-copy", str(copy)]) == 0
    assert agreement.is_file() and copy.is_file()
    assert "Counsel copy" not in read_custom_properties(agreement.read_bytes())
    assert len(list(docx.Document(str(agreement)).comments)) == 0
    assert main(["build", str(RIVERTON), "-o", str(copy), "--counsel-copy", str(copy)]) == 2
    assert "both the agreement" in capsys.readouterr().err
    assert main(["build", str(RIVERTON), "--counsel-copy", str(tmp_path / "x.docx"), "--pdf"]) == 2
    assert main(["build", str(RIVERTON), "--counsel-copy", str(copy)]) == 2  # exists
    assert "already exists" in capsys.readouterr().err


@pytest.mark.slow
@needs_soffice
def test_comments_survive_a_libreoffice_resave_on_their_headings(library, draft, copy, tmp_path):
    src = tmp_path / "counsel.docx"
    src.write_bytes(copy)
    resaved = libreoffice_convert(src, "docx", tmp_path).read_bytes()
    assert resaved != copy
    audit = audit_document(resaved, library=library, draft=draft)
    assert audit.clean, audit.to_json()
    texts = _comment_texts(resaved)
    anchored = _anchored_comments(resaved)
    assert len(texts) == len(check_coverage(library, draft).included)
    (cost,) = anchored["_akh_cost_share_percentage"]
    assert "cost-share-percentage" in texts[cost]


async def test_the_wizard_writes_a_counsel_copy_beside_the_agreement(tmp_path):
    from textual.widgets import Input, Static

    from agreement_kit import save_draft
    from tests.tui_drafts import PACK, riverton_draft
    from tui.app import make_app

    path = tmp_path / "riverton.yaml"
    save_draft(
        riverton_draft(
            "review", ["mon", "wed"], effective="2027-07-01", end="2030-06-30", renewal="none"
        ),
        path,
    )
    app = make_app(path, base=PACK, pdf=False)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        output = app.screen.query_one("#output", Input).value
        await pilot.click("#counsel-copy")
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(app.screen.query_one("#generate-status", Static).render())
        assert "counsel copy" in status and "riverton-counsel.docx" in status
        assert app.screen.query_one("#output", Input).value == output  # the agreement's name kept
        await pilot.press("ctrl+q")
    written = tmp_path / "riverton-counsel.docx"
    assert written.is_file() and not (tmp_path / "riverton.docx").exists()
    document = docx.Document(str(written))
    assert document.paragraphs[0].text == MARK and len(list(document.comments)) > 0
