"""``agreement-kit template check``: deliberately broken templates, built here with python-docx."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from agreement_kit.cli import main
from agreement_kit.resources import bundled_template
from agreement_kit.word.template_check import check_template


def save(document, path: Path) -> Path:
    document.save(str(path))
    return path


def runs(document, *pieces: str):
    """A paragraph whose text is split into one Word run per piece (as Word does after edits)."""
    paragraph = document.add_paragraph()
    for piece in pieces:
        paragraph.add_run(piece)
    return paragraph


def messages(problems) -> str:
    return "\n".join(str(p) for p in problems)


def add_part(path: Path, name: str, xml: str) -> None:
    """Add an XML part to a .docx (footnotes/comments that python-docx cannot create)."""
    data = io.BytesIO(path.read_bytes())
    out = io.BytesIO()
    with zipfile.ZipFile(data) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr(name, xml)
    path.write_bytes(out.getvalue())


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_bundled_template_passes():
    assert check_template(bundled_template()) == []


def test_cli_passes_the_bundled_template(capsys):
    assert main(["template", "check", str(bundled_template())]) == 0
    assert "no problems" in capsys.readouterr().out
    assert main(["template", "check"]) == 0  # default: the bundled template


def test_split_tag_names_part_paragraph_and_text(tmp_path):
    document = docx.Document()
    document.add_paragraph("{{ title }}")
    runs(document, "Dear {{ district.na", "me }}, welcome")
    problems = check_template(save(document, tmp_path / "split.docx"))
    assert len(problems) == 1
    (problem,) = problems
    assert "split across 2 Word runs" in problem.message
    assert problem.field == "word/document.xml, paragraph 2"
    assert "Dear {{ district.name }}, welcome" in problem.message
    assert problem.hint and "type it again" in problem.hint


def test_split_opening_delimiter(tmp_path):
    document = docx.Document()
    runs(document, "{", "{ title }}")
    problems = check_template(save(document, tmp_path / "split2.docx"))
    assert "split across 2 Word runs" in messages(problems)


def test_curly_quotes_inside_a_tag(tmp_path):
    document = docx.Document()
    document.add_paragraph("{{ title|replace(\u201cA\u201d, \u2018B\u2019) }}")
    document.add_paragraph("Curly quotes outside tags are fine: \u201cAgreement\u201d.")
    problems = check_template(save(document, tmp_path / "curly.docx"))
    assert len(problems) == 1
    assert "curly quotes" in problems[0].message and "paragraph 1" in problems[0].field


def test_header_is_checked_too(tmp_path):
    document = docx.Document()
    header = document.sections[0].header.paragraphs[0]
    header.add_run("{{ short_")
    header.add_run("title }}")
    problems = check_template(save(document, tmp_path / "header.docx"))
    assert len(problems) == 1
    assert problems[0].field.startswith("word/header") and "split" in problems[0].message


def test_unknown_variables_with_suggestions(tmp_path):
    document = docx.Document()
    document.add_paragraph("{{ titel }}")
    document.add_paragraph("{%p for s in articles %}")
    document.add_paragraph("{{ s.titel }} {{ s.number }}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{{ values.cost_weeks }} {{ options.report_recipient }}")  # open maps
    document.add_paragraph("{{ district.name|upper }} {{ provenance.pack_id }}")
    document.add_paragraph("{{ schedule.building }}")
    problems = check_template(save(document, tmp_path / "vars.docx"))
    text = messages(problems)
    assert len(problems) == 3, text
    assert "'titel' is not in the template context; did you mean 'title'?" in text
    assert "'articles[].titel'" in text
    assert "'schedule' is a list" in text


def test_control_tags_sharing_a_paragraph_row_or_cell(tmp_path):
    document = docx.Document()
    document.add_paragraph("{%p if final %}{{ title }}")
    document.add_paragraph("{%p endif %}")
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "{%tr for row in schedule %}"
    table.cell(0, 1).text = "{{ row.days }}"
    table.cell(1, 0).text = "{{ row.building }}"
    table.cell(2, 0).text = "{%tr endfor %}"
    problems = check_template(save(document, tmp_path / "controls.docx"))
    text = messages(problems)
    assert "{%p if final %} shares its paragraph with {{ title }}" in text
    assert "{%tr for row in schedule %} shares its table row with {{ row.days }}" in text


def test_tr_tag_outside_a_table(tmp_path):
    document = docx.Document()
    document.add_paragraph("{%tr for row in schedule %}")
    document.add_paragraph("{%tr endfor %}")
    problems = check_template(save(document, tmp_path / "tr.docx"))
    assert "not inside a table row" in messages(problems)


def test_tag_inside_a_tracked_change(tmp_path):
    document = docx.Document()
    paragraph = document.add_paragraph("Signed by ")
    run = paragraph.add_run("{{ title }}")
    insertion = OxmlElement("w:ins")
    insertion.set(qn("w:id"), "1")
    insertion.set(qn("w:author"), "Counsel")
    run._r.addprevious(insertion)
    insertion.append(run._r)
    problems = check_template(save(document, tmp_path / "tracked.docx"))
    assert len(problems) == 1 and "tracked insertion" in problems[0].message
    assert "Accept All Changes" in problems[0].hint


def test_tags_in_footnotes_and_comments(tmp_path):
    path = save(docx.Document(), tmp_path / "notes.docx")
    note = f'<w:footnotes {W_NS}><w:footnote w:id="1"><w:p><w:r><w:t>See {{{{ title }}}}</w:t></w:r></w:p></w:footnote></w:footnotes>'
    comment = f'<w:comments {W_NS}><w:comment w:id="0"><w:p><w:r><w:t>{{{{ short_title }}}}</w:t></w:r></w:p></w:comment></w:comments>'
    add_part(path, "word/footnotes.xml", note)
    add_part(path, "word/comments.xml", comment)
    problems = check_template(path)
    fields = sorted(p.field for p in problems)
    assert fields == ["word/comments.xml, paragraph 1", "word/footnotes.xml, paragraph 1"]
    assert "footnotes, which agreement-kit does not fill" in messages(problems)


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        (["{%p for s in articles %}", "{{ s.title }}"], "is never closed"),
        (["{%p if final %}", "{%p endfor %}"], "unexpected {%p endfor %}"),
        (["{{ title | }}"], "Jinja cannot read {{ title | }}"),
        (["{{ title|nosuchfilter }}"], "No filter named 'nosuchfilter'"),
        (["{{ title"], "does not close in the same paragraph"),
    ],
)
def test_malformed_jinja(tmp_path, paragraphs, expected):
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    problems = check_template(save(document, tmp_path / "bad.docx"))
    assert expected in messages(problems)


def test_cli_reports_every_problem_and_exits_2(tmp_path, capsys):
    document = docx.Document()
    runs(document, "{{ ti", "tle }}")
    document.add_paragraph("{{ “title” }}")
    document.add_paragraph("{{ nope }}")
    path = save(document, tmp_path / "broken.docx")
    assert main(["template", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "3 problems" in err
    assert "split across 2 Word runs" in err and "curly quotes" in err and "'nope'" in err
    assert "Traceback" not in err


def test_not_a_docx(tmp_path, capsys):
    path = tmp_path / "notes.docx"
    path.write_text("plain text", encoding="utf-8")
    assert main(["template", "check", str(path)]) == 2
    assert "not a Word (.docx) file" in capsys.readouterr().err
    assert main(["template", "check", str(tmp_path / "missing.docx")]) == 2


def test_docs_describe_every_context_name():
    from agreement_kit.word.views import DocumentContext

    docs = (Path(__file__).resolve().parent.parent / "docs" / "templates.md").read_text("utf-8")
    for name in DocumentContext.model_fields:
        assert f"`{name}`" in docs, f"docs/templates.md does not describe `{name}`"
