"""The clause book: the whole library for counsel's one-time review, in Word, Markdown and HTML."""

from __future__ import annotations

import docx
import lxml.html
import pytest

from agreement_kit import load_library
from agreement_kit.cli import main
from agreement_kit.review.book import clause_book, readable
from agreement_kit.review.render import render_outline
from tests.helpers import FIXTURES

OVERLAY = str(FIXTURES / "recommended-pack")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_word_clause_book_has_every_requirement_and_clause(capsys, tmp_path):
    out = tmp_path / "clause-book.docx"
    code, stdout, _ = run(capsys, "library", "book", "-o", out)
    assert code == 0 and f"Wrote {out}" in stdout
    library = load_library()
    document = docx.Document(str(out))
    styles = {}
    for p in document.paragraphs:
        styles.setdefault(p.style.name, []).append(p.text)
    assert "Requirements and the clauses that can cover them" in styles["Heading 1"]
    articles = [
        s for s in library.sections if any(c.section == s.id for c in library.clauses.values())
    ]
    assert len(styles["Heading 2"]) == len(articles)
    assert styles["Heading 2"][1] == f"Article 1. {articles[1].title}"
    assert styles["Heading 3"] == [
        f"{c.title} ({c.id})"
        for s in library.sections
        for c in sorted(
            (c for c in library.clauses.values() if c.section == s.id), key=lambda c: c.order
        )
    ]
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Req.")
    rows = {r.cells[0].text: r.cells[2].text for r in table.rows[1:]}
    assert list(rows) == list(library.requirements)
    for req in library.requirements:
        for cid in library.covering(req):
            assert f"({cid})" in rows[req]
    assert "a required choice of 3 alternatives (recording-devices" in rows["recording-devices"]
    text = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "District share of the agencies' hourly cost of officers (percent, suggested 50)" in text
    assert "Wis. Stat. § 66.0301(3)" in text


def test_overlays_are_marked_by_pack_and_tiers_shown(tmp_path):
    library = load_library([OVERLAY])
    md = render_outline(clause_book(library), "md")
    assert isinstance(md, str)
    assert "wi-psl-sro 2.0.0 (Wisconsin" in md and "then recommended-fixture 0.1.0" in md
    section = md.split("### Public Statements (public-statements)", 1)[1].split("###", 1)[0]
    assert "recommended: left out only with a recorded reason" in section
    assert "replaced by overlay pack recommended-fixture" in section
    standard = md.split("### Insurance (insurance)", 1)[1].split("###", 1)[0]
    assert "from overlay pack" not in standard
    assert "Verify:** Confirm the District's insurer accepts the wording." in md


def test_html_clause_book_is_one_self_contained_file(capsys, tmp_path):
    out = tmp_path / "book.html"
    code, _, _ = run(capsys, "library", "book", "-o", out)
    assert code == 0
    tree = lxml.html.fromstring(out.read_text(encoding="utf-8"))
    assert tree.findall(".//script") == [] and tree.findall(".//link") == []
    assert not [e for e in tree.iter() if e.get("src")]
    assert tree.get_element_by_id("clause-recital-parties") is not None


def test_book_refuses_other_suffixes_and_existing_files(capsys, tmp_path):
    code, _, err = run(capsys, "library", "book", "-o", tmp_path / "book.pdf")
    assert code == 2 and "written as .docx, .md or .html" in err
    out = tmp_path / "book.md"
    out.write_text("mine", encoding="utf-8")
    code, _, _ = run(capsys, "library", "book", "-o", out)
    assert code == 2 and out.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("the {{ district.name }} (the “District”)", "the [district.name] (the “District”)"),
        (
            "{% if agency.many %}each{% else %}the{% endif %} Agency",
            "[if agency.many:] each [otherwise:] the [end] Agency",
        ),
        ("see {{ ref('placement-schedule') }}.", "see [the section: Placement]."),
    ],
)
def test_clause_text_is_shown_readably(source, shown):
    assert readable(source, {"placement-schedule": "Placement"}) == shown
