"""Auditing a returned .docx: a city attorney's edits in python-docx and raw OOXML, reported exactly;
an untouched build and a LibreOffice re-save audit clean."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import docx
import pytest

from agreement_kit import assemble, load_draft, load_library
from agreement_kit.cli import main
from agreement_kit.word.audit import audit_document
from agreement_kit.word.render import render_bytes
from tests.office import libreoffice_convert, needs_soffice

ROOT = Path(__file__).resolve().parent.parent
RIVERTON = ROOT / "examples" / "riverton.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W_NS = W[1:-1]


@pytest.fixture(scope="module")
def built():
    library = load_library()
    draft = load_draft(RIVERTON)
    return library, draft, render_bytes(assemble(library, draft))


def _anchored(document, name):
    return next(
        p
        for p in document.paragraphs
        if any(b.get(f"{W}name") == name for b in p._p.iter(f"{W}bookmarkStart"))
    )


REWORDED = "The Agency will carry its own risks."
INSERTED = "The parties shall meet monthly to discuss the weather."
TRACKED = " subject to annual appropriation"
COMMENT = "Council wants a 60-day notice period here."


def _raw_comment(data: bytes) -> bytes:
    """A comment on the insurance clause, written as raw OOXML (part, relationship, markers)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    parts = {n: src.read(n) for n in src.namelist()}
    comments = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments xmlns:w="{W_NS}">'
        '<w:comment w:id="7" w:author="City Attorney" w:date="2027-06-02T10:00:00Z" w:initials="CA">'
        f"<w:p><w:r><w:t>{COMMENT}</w:t></w:r></w:p></w:comment></w:comments>"
    )
    parts["word/comments.xml"] = comments.encode()
    rels = parts["word/_rels/document.xml.rels"].decode()
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdC7" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/comments" Target="comments.xml"/></Relationships>',
    )
    parts["word/_rels/document.xml.rels"] = rels.encode()
    types = parts["[Content_Types].xml"].decode()
    types = types.replace(
        "</Types>",
        '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.comments+xml"/></Types>',
    )
    parts["[Content_Types].xml"] = types.encode()
    body = parts["word/document.xml"].decode()
    body = re.sub(
        r'(<w:bookmarkStart w:id="\d+" w:name="_akp0_insurance"/>)',
        r'\1<w:commentRangeStart w:id="7"/>',
        body,
        count=1,
    )
    at = body.index('w:name="_akp0_insurance"')
    end = body.index("</w:p>", at)
    body = (
        body[:end]
        + '<w:commentRangeEnd w:id="7"/><w:r><w:commentReference w:id="7"/></w:r>'
        + body[end:]
    )
    parts["word/document.xml"] = body.encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, blob in parts.items():
            zf.writestr(name, blob)
    return out.getvalue()


def city_attorney(data: bytes) -> bytes:
    """What a city attorney does to the draft, with python-docx and raw OOXML."""
    document = docx.Document(io.BytesIO(data))
    # reword one clause: retype its first paragraph (the bookmark goes with it, as in Word)
    _anchored(document, "_akp0_indemnification").text = REWORDED
    # delete the annual-report clause, heading and paragraphs
    for p in list(document.paragraphs):
        if any(
            (b.get(f"{W}name") or "").endswith("_annual_report")
            for b in p._p.iter(f"{W}bookmarkStart")
        ):
            p._p.getparent().remove(p._p)
    # insert a paragraph of its own between two clauses
    _anchored(document, "_akh_insurance").insert_paragraph_before(INSERTED)
    # change the insurance limit where the clause prints it (an answer no derived amount depends
    # on: a changed cost share would also change the printed estimate)
    limit = _anchored(document, "_akp0_insurance")
    for run in limit.runs:
        run.text = run.text.replace("$2,000,000", "$1,000,000")
    # a tracked insertion, in raw OOXML, at the end of the term clause's first paragraph
    term = _anchored(document, "_akp0_term_renewal")
    ins = docx.oxml.parse_xml(
        f'<w:ins xmlns:w="{W_NS}" w:id="901" w:author="City Attorney" '
        f'w:date="2027-06-01T09:00:00Z"><w:r><w:t xml:space="preserve">{TRACKED}</w:t></w:r></w:ins>'
    )
    term._p.append(ins)
    buffer = io.BytesIO()
    document.save(buffer)
    return _raw_comment(buffer.getvalue())


def test_audit_reports_exactly_what_the_city_attorney_changed(built, tmp_path, capsys):
    library, draft, data = built
    audit = audit_document(city_attorney(data), library=library, draft=draft)
    assert audit.changed("deleted") == ["annual-report"]
    assert sorted(audit.changed("edited")) == ["indemnification", "insurance"]
    assert audit.changed("moved") == []
    indemnification = next(c for c in audit.clauses if c.id == "indemnification")
    assert any("carry" in ch.new for ch in indemnification.changes)
    assert indemnification.found[0] == REWORDED and indemnification.lost_anchors == 1
    limit = next(c for c in audit.clauses if c.id == "insurance")
    assert [(c.old, c.new) for c in limit.changes] == [("$2,000,000", "$1,000,000")]
    assert [(a.answer, a.was, a.now) for a in audit.answers] == [
        ("values.insurance_limit", "$2,000,000", "$1,000,000")
    ]
    assert [i["text"] for i in audit.inserted] == [INSERTED]
    assert audit.other == []
    assert [(r.kind, r.author, r.text, r.clause) for r in audit.revisions] == [
        ("insertion", "City Attorney", TRACKED.strip(), "term-renewal")
    ]
    assert [(c.author, c.text, c.clause) for c in audit.comments] == [
        ("City Attorney", COMMENT, "insurance")
    ]
    assert [loss.id for loss in audit.lost] == ["I", "report-content", "board-updates"]
    assert "annual-report" in audit.to_json()["required_clauses_touched"]

    returned = tmp_path / "returned.docx"
    returned.write_bytes(city_attorney(data))
    code = main(["audit", str(returned), "--draft", str(RIVERTON)])
    out = capsys.readouterr().out
    assert code == 1
    assert "requirement I " in out and "DELETED" in out and INSERTED in out
    code = main(["audit", str(returned), "--draft", str(RIVERTON), "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 1 and payload["format"] == "agreement-kit/audit@1" and payload["clean"] is False
    assert payload["summary"]["deleted"] == ["annual-report"]
    assert payload["requirements_lost"][0]["id"] == "I"


def test_an_untouched_build_audits_clean(built, tmp_path, capsys):
    library, draft, data = built
    audit = audit_document(data, library=library, draft=draft)
    assert audit.clean, audit.to_json()
    path = tmp_path / "as-built.docx"
    path.write_bytes(data)
    assert main(["audit", str(path), "--draft", str(RIVERTON)]) == 0
    assert main(["audit", str(path)]) == 0  # against the record the build left in the document
    assert "Clean" in capsys.readouterr().out


def test_without_the_draft_the_record_in_the_document_is_the_standard(built):
    _, _, data = built
    audit = audit_document(city_attorney(data))
    assert audit.basis == "record"
    assert "annual-report" in audit.changed("deleted")
    assert "I" in [loss.id for loss in audit.lost]


def test_a_file_that_is_not_a_document_exits_2(tmp_path, capsys):
    bad = tmp_path / "not.docx"
    bad.write_text("hello")
    assert main(["audit", str(bad)]) == 2
    assert "not a Word" in capsys.readouterr().err


@pytest.mark.slow
@needs_soffice
def test_anchors_survive_a_libreoffice_resave(built, tmp_path):
    library, draft, data = built
    src = tmp_path / "built.docx"
    src.write_bytes(data)
    resaved = libreoffice_convert(src, "docx", tmp_path).read_bytes()
    assert resaved != data
    audit = audit_document(resaved, library=library, draft=draft)
    assert audit.clean, audit.to_json()
    assert all(c.lost_anchors == 0 for c in audit.clauses)
