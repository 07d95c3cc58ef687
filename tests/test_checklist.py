"""The review checklist in every format: what counsel must find in it, on the complete and the gap
examples, and that nothing a user typed can forge a line, heading or row of it."""

from __future__ import annotations

import json
import re

import docx
import jsonschema
import lxml.html
import pytest

from agreement_kit import assemble, build_checklist, check_coverage, load_draft, load_library
from agreement_kit.cli import main
from agreement_kit.review.model import checklist_schema
from agreement_kit.review.render import render_checklist
from agreement_kit.review.signoff import sign_off
from tests.conftest import EXAMPLES, ROOT
from tests.helpers import FIXTURES

COMPLETE = EXAMPLES / "riverton.yaml"
GAPS = EXAMPLES / "riverton-gaps.yaml"
FORMATS = ["table", "md", "html", "docx", "json"]


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def library():
    return load_library()


@pytest.fixture(scope="module")
def complete(library):
    return build_checklist(library, load_draft(COMPLETE))


# ------------------------------------------------------------------ reading each format back


def rows_from_docx(data: bytes, header: str) -> list[list[str]]:
    import io

    document = docx.Document(io.BytesIO(data))
    for table in document.tables:
        if table.rows[0].cells[0].text == header:
            return [[c.text for c in row.cells] for row in table.rows[1:]]
    raise AssertionError(f"no table headed {header!r}")


def rows_from_html(text: str, table_id: str) -> list[list[str]]:
    tree = lxml.html.fromstring(text)
    table = tree.get_element_by_id(f"table-{table_id}")
    return [
        ["\n".join(p.text_content() for p in td.findall("p")) for td in tr.findall("td")]
        for tr in table.find("tbody").findall("tr")
    ]


def rows_from_markdown(text: str, heading: str) -> list[list[str]]:
    block = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    lines = [ln for ln in block.splitlines() if ln.startswith("|")][2:]
    return [[c.replace("\\", "") for c in re.split(r"(?<!\\)\|", ln)[1:-1]] for ln in lines]


def requirement_cells(fmt: str, body: str | bytes) -> dict[str, list[str]]:
    """Requirement id -> the text of each cell of its row (JSON: the row as one JSON text)."""
    if fmt == "json":
        data = json.loads(body)
        return {r["id"]: [json.dumps(r, ensure_ascii=False)] for r in data["requirements"]}
    if fmt == "docx":
        rows = rows_from_docx(body, "Req.")  # type: ignore[arg-type]
    elif fmt == "html":
        rows = rows_from_html(body, "requirements")  # type: ignore[arg-type]
    elif fmt == "md":
        heading = "Policy requirements and the clauses that meet them"
        rows = [[c.replace("<br>", "\n") for c in r] for r in rows_from_markdown(body, heading)]  # type: ignore[arg-type]
    else:
        text = body if isinstance(body, str) else body.decode()
        section = text.split("Policy requirements and the clauses that meet them", 1)[1]
        section = section.split("Alternatives: the choice made", 1)[0]
        rows = []
        for line in section.splitlines():
            if line.count("│") < 3:
                continue
            cells = [c.strip() for c in line.split("│")[1:-1]]
            if cells[0]:
                rows.append(cells)
            elif rows:
                rows[-1] = [f"{a}\n{b}" for a, b in zip(rows[-1], cells, strict=True)]
    return {row[0].strip().replace("*", ""): row for row in rows}


def requirement_rows(fmt: str, body: str | bytes) -> dict[str, str]:
    return {k: " ".join(v) for k, v in requirement_cells(fmt, body).items()}


def fold(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------ the complete example


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_requirement_row_names_its_clauses_sections_and_own_citations(fmt, library, complete):
    draft = load_draft(COMPLETE)
    numbers = assemble(library, draft).clause_numbers()
    coverage = check_coverage(library, draft)
    body = render_checklist(complete, fmt, width=1200)
    cells = requirement_cells(fmt, body)
    assert list(cells) == [r.id for r in coverage.requirements]  # one row per requirement, in order
    included = set(coverage.included)
    for req in coverage.requirements:
        row = fold(" ".join(cells[req.id]))
        assert req.covered_by, req.id
        for cid in req.covered_by:
            assert cid in row, (req.id, cid)
            if fmt != "json":
                assert (f"§ {numbers[cid]}" if numbers[cid] else "Recitals") in row, (req.id, cid)
        if fmt == "json":
            continue
        citations = fold(cells[req.id][4])  # the citations column holds only the clauses' own cites
        own = {c for cid in req.covered_by for c in library.clauses[cid].citations}
        for cite in own:
            assert fold(cite) in citations, (req.id, cite)
        neighbours = {
            cite
            for c in included - set(req.covered_by)
            if library.clauses[c].section in {library.clauses[x].section for x in req.covered_by}
            for cite in library.clauses[c].citations
        }
        for cite in neighbours - own:
            if not any(fold(cite) in fold(o) for o in own):
                assert fold(cite) not in citations, (req.id, cite)
    if fmt == "json":
        data = json.loads(body)
        for row in data["requirements"]:
            assert [c["id"] for c in row["clauses"]] == next(
                r.covered_by for r in coverage.requirements if r.id == row["id"]
            )
            for c in row["clauses"]:
                assert c["number"] == (numbers[c["id"]] or "Recitals")
                assert c["citations"] == list(library.clauses[c["id"]].citations)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_unchosen_member_of_a_required_group_appears(fmt, complete):
    text = fold(as_text(fmt, render_checklist(complete, fmt, width=400)))
    assert "recording-devices-no-body-cameras" in text
    assert "Officers do not wear body cameras for routine school duty" in text or fmt == "table"
    group = next(g for g in complete.groups if g.id == "recording-devices")
    assert group.chosen and group.chosen.id == "recording-devices-privacy-zones"
    assert [m.id for m in group.not_chosen] == [
        "recording-devices-body-cameras",
        "recording-devices-no-body-cameras",
    ]
    assert group.not_chosen[0].guidance


def as_text(fmt: str, body: str | bytes) -> str:
    """What a reader sees: Word and HTML as their text, the others as written."""
    if fmt == "docx":
        return _docx_text(body)  # type: ignore[arg-type]
    if fmt == "html":
        return lxml.html.fromstring(body).text_content()
    return body if isinstance(body, str) else body.decode()


def _docx_text(data: bytes) -> str:
    import io

    document = docx.Document(io.BytesIO(data))
    parts = []
    for block in document.iter_inner_content():  # paragraphs and tables in document order
        if isinstance(block, docx.table.Table):
            parts += [c.text for row in block.rows for c in row.cells]
        else:
            parts.append(block.text)
    return "\n".join(parts)


def test_deal_terms_summary_comes_first_with_the_terms_counsel_reads(complete):
    terms = {t.label: t for t in complete.deal_terms}
    assert terms["District"].value.startswith(
        "Riverton Area School District (unified school district)"
    )
    assert (
        "City of Riverton (city), acting through Riverton Police Department"
        in terms["Agency"].value
    )
    assert terms["Term"].value == (
        "July 1, 2027 to June 30, 2030; renews by written agreement, 1 year at a time"
    )
    assert "42.5 hours a week" in terms["Riverton High School"].value
    assert "75%" in terms["Cost share"].value and "36" in terms["Cost share"].value
    assert terms["Cost share"].number == "11.1"
    assert terms["Termination notice"].value.startswith("Termination at the End of a School Year")
    assert terms["Recording devices"].value.startswith("Body Cameras")
    assert terms["Law enforcement unit"].value.startswith("Law Enforcement Unit")
    assert terms["Minimum liability coverage per occurrence"].value == "$2,000,000"
    assert terms["Annual report due date (month and day)"].value == "August 15"
    recipient = next(t for t in complete.deal_terms if "annual report" in t.label.lower())
    assert recipient.value == "Board"


def test_verify_before_signing_gathers_guidance_and_verify_lists(library):
    checklist = build_checklist(load_library([FIXTURES / "recommended-pack"]), load_draft(COMPLETE))
    points = [(v.clause, v.source, v.text) for v in checklist.verify]
    assert (
        "public-records",
        "verify",
        "Confirm the District's insurer accepts the wording.",
    ) in points
    assert any(
        c == "public-records" and s == "guidance" and "verify the damage caps" in x
        for c, s, x in points
    )
    assert any(c == "records-sharing" and "before relying on it" in x for c, _, x in points)
    assert all(v.number for v in checklist.verify)  # each names the section it affects
    # only clauses in this agreement: traffic-premises is left out in Riverton
    assert "traffic-premises" not in {v.clause for v in checklist.verify}


def test_party_check_uses_the_municipality_as_the_legal_party(library):
    draft = load_draft(COMPLETE)
    agency = draft.agencies[0]
    wrong = agency.model_copy(
        update={
            "municipality": agency.municipality.model_copy(
                update={"name": "Riverton Police Department"}
            )
        }
    )
    tribe = agency.model_copy(
        update={
            "municipality": agency.municipality.model_copy(
                update={"name": "Oneida Nation", "kind": "tribe"}
            )
        }
    )
    missing = agency.model_copy(
        update={"municipality": agency.municipality.model_copy(update={"name": None})}
    )
    checked = build_checklist(
        library, draft.model_copy(update={"agencies": [agency, wrong, tribe, missing]})
    )
    statuses = [(p.role, p.status) for p in checked.parties]
    assert statuses == [
        ("District", "ok"),
        ("Agency", "ok"),
        ("Agency", "check"),
        ("Agency", "check"),
        ("Agency", "missing"),
    ]
    assert "looks like a department" in checked.parties[2].message
    assert "§ 66.0301" in checked.parties[1].message


def test_provenance_and_deviations(library):
    overlay = load_library([FIXTURES / "recommended-pack"])
    checklist = build_checklist(overlay, load_draft(COMPLETE))
    prov = checklist.provenance
    assert (prov.pack_id, prov.pack_version) == ("wi-psl-sro", "2.0.0")
    assert [o.id for o in prov.overlays] == ["recommended-fixture"]
    assert {c.id: c.hash for c in prov.clauses}["public-statements"] == overlay.clause_hash(
        "public-statements"
    )
    assert len(prov.draft_sha256) == 64
    assert {(d.kind, d.id) for d in checklist.deviations} == {
        ("replaced", "public-records"),
        ("replaced", "public-statements"),
    }
    assert all(d.pack == "recommended-fixture" for d in checklist.deviations)
    statements = next(d for d in checklist.deviations if d.id == "public-statements")
    assert statements.number == "14.3" and "[-Each party speaks for itself" in statements.diff
    assert statements.summary.startswith(
        "recommended clause public-statements replaced by recommended-fixture"
    )
    entry = next(c for c in checklist.clauses if c.id == "public-statements")
    assert entry.deviation == statements.summary
    assert prov.overlays[0].origin == "--library" and prov.library_hash == overlay.library_hash
    plain = build_checklist(library, load_draft(COMPLETE))
    assert plain.deviations == []


def test_json_matches_the_committed_schema(complete, library):
    committed = ROOT / "schemas" / "checklist.schema.json"
    assert committed.read_text(encoding="utf-8") == checklist_schema(), (
        "regenerate: uv run python -m agreement_kit.review.model > schemas/checklist.schema.json"
    )
    validator = jsonschema.Draft202012Validator(json.loads(committed.read_text(encoding="utf-8")))
    for draft in (COMPLETE, GAPS):
        data = json.loads(render_checklist(build_checklist(library, load_draft(draft)), "json"))
        assert data["format"] == 1
        assert not list(validator.iter_errors(data)), draft


def test_docx_is_made_for_markup(complete):
    import io

    from docx.enum.section import WD_ORIENT

    document = docx.Document(io.BytesIO(render_checklist(complete, "docx")))  # type: ignore[arg-type]
    assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:2] == ["Deal terms", "Policy requirements and the clauses that meet them"]
    assert "Verify before signing" in headings and "Provenance" in headings
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Req.")
    header = [c.text for c in table.rows[0].cells]
    assert header[-1] == "Counsel's notes" and header[-2] == "Sign-off"
    assert table.rows[0]._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None  # repeats
    assert len(table.rows) == 1 + len(complete.requirements)
    assert all(row.cells[-1].text == "" for row in table.rows[1:])  # left for counsel


# ------------------------------------------------------------------ the gap example


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "json", "table"])
def test_gap_example_marks_the_missing_requirement_and_exits_1_after_writing(fmt, capsys, tmp_path):
    suffix = {"table": "txt"}.get(fmt, fmt)
    out = tmp_path / f"checklist.{suffix}"
    code, stdout, _ = run(capsys, "checklist", GAPS, "--format", fmt, "-o", out)
    assert code == 1
    assert f"Wrote {out}" in stdout and out.exists()
    body = out.read_bytes() if fmt == "docx" else out.read_text(encoding="utf-8")
    rows = requirement_rows(fmt, body)
    assert (
        "NOT COVERED" in rows["recording-devices"]
        or '"state": "not-covered"' in rows["recording-devices"]
    )
    text = as_text(fmt, body)
    assert "program.placements[1].principal" in text
    assert "Not complete" in text or '"complete": false' in text


def test_complete_example_exits_0_and_the_format_follows_the_suffix(capsys, tmp_path):
    for suffix in ("md", "html", "docx", "json"):
        out = tmp_path / f"c.{suffix}"
        code, _, _ = run(capsys, "checklist", COMPLETE, "-o", out)
        assert code == 0 and out.stat().st_size > 1000
    assert docx.Document(str(tmp_path / "c.docx")).tables
    assert json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))["complete"] is True
    assert (tmp_path / "c.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    code, _, err = run(capsys, "checklist", COMPLETE, "--format", "docx")
    assert code == 2 and "needs a file" in err
    code, out, _ = run(capsys, "checklist", COMPLETE)
    assert code == 0 and "Deal terms" in out and "Policy requirements" in out


# ------------------------------------------------------------------ omissions and sign-off


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "table"])
def test_recommended_omission_is_listed_first_with_its_reason(fmt, tmp_path):
    reason = "The City will not sign a mutual indemnity; § 895.46 applies."
    text = COMPLETE.read_text(encoding="utf-8").replace(
        "clauses:\n", f'clauses:\n  omitted:\n    public-records: "{reason}"\n', 1
    )
    path = tmp_path / "d.yaml"
    path.write_text(text, encoding="utf-8")
    checklist = build_checklist(load_library([FIXTURES / "recommended-pack"]), load_draft(path))
    assert checklist.sound and checklist.left_out[0].id == "public-records"
    body = render_checklist(checklist, fmt, width=400)
    flat = fold(as_text(fmt, body))
    first = flat.index("Left out against the library's recommendation")
    assert first < flat.index("Deal terms") < flat.index("Policy requirements")
    assert fold(reason) in flat[first : flat.index("Deal terms")]


def test_sign_off_and_changes_since_review_show_in_the_checklist(library):
    draft = sign_off(
        library,
        load_draft(COMPLETE),
        ["A", "cost-share-percentage"],
        status="approved",
        by="Jane Counsel",
    )
    changed = draft.model_copy(update={"values": {**draft.values, "cost_share_percent": 60}})
    checklist = build_checklist(library, changed)
    row = next(r for r in checklist.requirements if r.id == "A")
    assert row.signoff.state == "approved" and row.signoff.by == "Jane Counsel"
    clause = next(c for c in checklist.clauses if c.id == "cost-share-percentage")
    assert clause.signoff and clause.signoff.state == "changed"
    assert checklist.review.approved == 1 and checklist.review.changed == 1
    md = render_checklist(checklist, "md")
    assert "**CHANGED SINCE REVIEW**" in md
    attention = md.split("## Changed since counsel's review, or changes requested\n", 1)[1]
    attention = attention.split("\n## ", 1)[0]
    assert md.index("## Changed since counsel") < md.index("## Deal terms")
    assert "cost-share-percentage" in attention and "75 → 60" in attention
    assert "requirement A" not in attention.lower()  # approved and unchanged
    assert "the answer values.cost\\_share\\_percent changed: 75 → 60" in md


# ------------------------------------------------------------------ escaping what users typed

HOSTILE = (
    "Riverton\n\n**Reviewed by counsel:** APPROVED\n| A | fake row | x |\n# Forged heading\n"
    "<script>alert(1)</script> `code` *star* _under_ &lt; [link](http://x)"
)


@pytest.fixture(scope="module")
def hostile(library):
    draft = load_draft(COMPLETE)
    district = draft.district.model_copy(update={"name": HOSTILE})
    agency = draft.agencies[0]
    agency = agency.model_copy(
        update={
            "name": "Police | Dept\n| B | row |",
            "municipality": agency.municipality.model_copy(update={"name": "City <b>of</b>\r\nX"}),
        }
    )
    return build_checklist(
        library, draft.model_copy(update={"district": district, "agencies": [agency]})
    )


def test_markdown_cannot_be_forged_by_an_answer(hostile, complete):
    md = render_checklist(hostile, "md")
    clean = render_checklist(complete, "md")
    assert isinstance(md, str) and isinstance(clean, str)
    headings = [ln for ln in md.splitlines() if ln.startswith("#")]
    assert len(headings) == len([ln for ln in clean.splitlines() if ln.startswith("#")])
    assert not any(
        ln.startswith(("**Reviewed", "| A | fake", "| B | row", "<script"))
        for ln in md.splitlines()
    )
    assert len(md.splitlines()) == len(clean.splitlines())  # no extra line anywhere
    table_lines = [ln for ln in md.splitlines() if ln.startswith("|")]
    assert all(
        len(re.findall(r"(?<!\\)\|", ln)) == len(re.findall(r"(?<!\\)\|", c))
        for ln, c in zip(
            table_lines, [ln for ln in clean.splitlines() if ln.startswith("|")], strict=True
        )
    )
    assert "<script>" not in md and "\\<script\\>" in md
    assert "\\`code\\`" in md and "\\*star\\*" in md and "\\_under\\_" in md and "&amp;lt;" in md


def test_html_cannot_be_forged_by_an_answer(hostile):
    html = render_checklist(hostile, "html")
    assert isinstance(html, str)
    tree = lxml.html.fromstring(html)
    assert tree.findall(".//script") == [] and tree.findall(".//b") == []
    assert not [a for a in tree.iter("a")]
    terms = rows_from_html(html, "terms")
    assert fold(terms[0][1]).startswith(
        fold(HOSTILE)
    )  # shown exactly as typed (folded to one line)
    assert "City <b>of</b> X" in terms[1][1]


def test_word_and_terminal_cannot_be_forged_by_an_answer(hostile, complete):
    import io

    data = render_checklist(hostile, "docx")
    document = docx.Document(io.BytesIO(data))  # type: ignore[arg-type]
    clean = docx.Document(io.BytesIO(render_checklist(complete, "docx")))  # type: ignore[arg-type]
    assert len(document.paragraphs) == len(clean.paragraphs)
    assert [len(t.rows) for t in document.tables] == [len(t.rows) for t in clean.tables]
    assert all(
        "\n" not in c.text
        for t in document.tables
        for row in t.rows
        for c in row.cells[:2]
        if "Riverton" in c.text and "Reviewed" in c.text
    )
    table = render_checklist(hostile, "table", width=400)
    assert isinstance(table, str)
    assert not any(ln.lstrip().startswith("**Reviewed") for ln in table.splitlines())
    assert fold(HOSTILE)[:60] in fold(table)


def test_text_the_template_adds_is_listed(capsys, tmp_path):
    from tests.test_word_build import _template_without

    sentence = "The District waives all claims against the Agency."
    template = _template_without(tmp_path, extra=sentence)
    out = tmp_path / "c.json"
    code, _, _ = run(capsys, "checklist", COMPLETE, "--template", template, "-o", out)
    assert code == 0
    additions = json.loads(out.read_text(encoding="utf-8"))["template_additions"]
    assert [a["text"] for a in additions] == [sentence] and additions[0]["where"]
    md = tmp_path / "c.md"
    run(capsys, "checklist", COMPLETE, "--template", template, "-o", md)
    section = md.read_text(encoding="utf-8").split("### Text the Word template adds", 1)[1]
    assert sentence in section.split("##", 1)[0]
    code, _, _ = run(capsys, "checklist", COMPLETE, "-o", tmp_path / "plain.json")
    assert (
        json.loads((tmp_path / "plain.json").read_text(encoding="utf-8"))["template_additions"]
        == []
    )
