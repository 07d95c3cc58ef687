"""The generated Word document: structure, numbering, signature page, exhibits, properties, escaping.

Documents are reopened with python-docx (and the zip read directly for numbering and properties).
Assertions are on structure and on the draft's answers, not on clause wording.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from agreement_kit import __version__, assemble, load_draft
from agreement_kit.cli import main
from agreement_kit.drafts.model import Draft
from agreement_kit.engine.assembly import draft_hash
from agreement_kit.word.render import render_docx

ROOT = Path(__file__).resolve().parent.parent
RIVERTON = ROOT / "examples" / "riverton.yaml"
TEMPLATES = ROOT / "templates"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TODAY = dt.date(2027, 5, 1)


# ----------------------------------------------------------------------------- helpers


def three_agency_draft(draft: Draft) -> Draft:
    """Riverton with two more agencies (a county sheriff and a village police department)."""
    data = draft.model_dump()
    first = data["agencies"][0]
    sheriff = {
        **first,
        "name": "Pine County Sheriff’s Office",
        "municipality": {"name": "Pine County", "kind": "county"},
        "head": {"name": "Sheriff Ana Brandt-Øvre", "title": "Sheriff"},
        "signatory": {"name": "Lou Kessler", "title": "County Board Chair"},
        "attest": {"name": None, "title": None},
    }
    village = {
        **first,
        "name": "Elm Grove & Birch Police Department",
        "municipality": {"name": "Village of Elm Grove", "kind": "village"},
        "head": {"name": "Chief Sam Yoon", "title": "Chief of Police"},
        "signatory": {"name": "Jo Ng", "title": "Village President"},
        "attest": {"name": "Ida Ruiz", "title": "Village Clerk"},
    }
    data["agencies"] = [first, sheriff, village]
    data["values"]["not_to_exceed"] = 200000  # three agencies cost more than Riverton's one
    placements = data["program"]["placements"]
    data["program"]["placements"] = [
        {**placements[0], "agency": 0},
        {**placements[1], "agency": 1},
        {**placements[0], "building": "Elm Grove Elementary", "principal": "Lee Park", "agency": 2},
    ]
    return Draft.model_validate(data)


def build(library, draft: Draft, path: Path, **update) -> tuple:
    agreement = assemble(library, draft, today=TODAY)
    if update:
        agreement = agreement.model_copy(update=update)
    render_docx(agreement, path, overwrite=True)
    return agreement, docx.Document(str(path))


def body_text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def all_text(document) -> str:
    """Body paragraphs, every table cell, every header and footer."""
    parts = [body_text(document)]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    parts.append(header_text(document))
    for section in document.sections:
        parts += [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def header_text(document) -> str:
    """Header paragraphs and header table cells (the bundled header is a two-column table)."""
    parts = []
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
        for table in section.header.tables:
            parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def table_with_heading(document, first_heading: str):
    for table in document.tables:
        if table.rows and table.rows[0].cells[0].text.strip() == first_heading:
            return table
    raise AssertionError(f"no table starting with {first_heading!r}")


def signature_paragraphs(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith("Signature")]


@pytest.fixture(scope="module")
def riverton(library, tmp_path_factory):
    draft = load_draft(RIVERTON)
    path = tmp_path_factory.mktemp("doc") / "riverton.docx"
    agreement, document = build(library, draft, path)
    return draft, agreement, path, document


# ----------------------------------------------------------------------------- structure


def test_headings_in_order_with_heading_styles(riverton):
    _, agreement, _, document = riverton
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    expected = []
    for section in agreement.sections:
        if section.kind == "recitals":
            continue
        expected.append(("Heading 1", section.title))
        expected += [("Heading 2", clause.title) for clause in section.clauses]
    assert headings == expected
    assert len(expected) > 2


def _numbering_levels(path: Path) -> dict[str, tuple[str, str]]:
    """style id -> (ilvl, lvlText) as Word resolves heading numbering from styles + numbering.xml."""
    with zipfile.ZipFile(path) as zf:
        styles = etree.fromstring(zf.read("word/styles.xml"))
        numbering = etree.fromstring(zf.read("word/numbering.xml"))
    nums = {
        n.get(f"{W}numId"): n.find(f"{W}abstractNumId").get(f"{W}val")
        for n in numbering.iter(f"{W}num")
    }
    abstract = {a.get(f"{W}abstractNumId"): a for a in numbering.iter(f"{W}abstractNum")}
    out = {}
    for style in styles.iter(f"{W}style"):
        num_pr = style.find(f"{W}pPr/{W}numPr")
        if num_pr is None:
            continue
        ilvl = num_pr.find(f"{W}ilvl")
        level = ilvl.get(f"{W}val") if ilvl is not None else "0"
        definition = abstract[nums[num_pr.find(f"{W}numId").get(f"{W}val")]]
        lvl = next(x for x in definition.iter(f"{W}lvl") if x.get(f"{W}ilvl") == level)
        assert lvl.find(f"{W}pStyle").get(f"{W}val") == style.get(f"{W}styleId")
        out[style.get(f"{W}styleId")] = (level, lvl.find(f"{W}lvlText").get(f"{W}val"))
    return out


def test_live_numbering_shows_the_numbers_assembly_computed(riverton):
    """Headings are numbered by the style-linked multi-level list, and what Word displays
    (article n, section n.m, restarting per article) equals Agreement's numbers."""
    _, agreement, path, document = riverton
    levels = _numbering_levels(path)
    assert levels["Heading1"] == ("0", "Article %1.")
    assert levels["Heading2"] == ("1", "%1.%2")
    shown: list[str] = []
    article = section = 0
    for paragraph in document.paragraphs:
        if paragraph.style.name in ("Heading 1", "Heading 2"):
            assert paragraph._p.pPr.numPr is None, "numbering comes from the style, not typed"
            assert not re.match(r"\s*\d", paragraph.text), "no typed number"
        if paragraph.style.name == "Heading 1":
            article, section = article + 1, 0
            shown.append(str(article))
        elif paragraph.style.name == "Heading 2":
            section += 1
            shown.append(f"{article}.{section}")
    computed = []
    for s in agreement.sections:
        if s.kind == "recitals":
            continue
        computed.append(s.number)
        computed += [c.number for c in s.clauses]
    assert shown == computed
    # cross-references in the clause text point at numbers that exist in the document
    numbers = set(computed)
    for ref in re.findall(r"Sections?\s(\d+\.\d+)", body_text(document)):
        assert ref in numbers, ref


def test_no_unrendered_tags_no_none(riverton):
    _, _, _, document = riverton
    text = all_text(document)
    for bad in ("{{", "}}", "{%", "%}", "None", "[missing"):
        assert bad not in text, bad


def test_parties_recitals_and_agreement_clause(riverton):
    draft, agreement, _, document = riverton
    paragraphs = document.paragraphs
    styles = [p.style.name for p in paragraphs]
    assert "Title" in styles and paragraphs[styles.index("Title")].text == agreement.title
    parties = next(p.text for p in paragraphs if "by and between" in p.text)
    assert draft.district.name in parties and draft.district.board in parties
    assert draft.agencies[0].municipality.name in parties and draft.agencies[0].name in parties
    assert parties.count("; and ") == 1  # the parties are separated unambiguously
    recitals = [p.text for p in paragraphs if p.style.name == "Recital"]
    expected = [
        p
        for s in agreement.sections
        if s.kind == "recitals"
        for c in s.clauses
        for p in c.paragraphs
        if not p.startswith("NOW")
    ]
    assert len(recitals) == len(expected) > 0
    assert all(r.startswith("WHEREAS, ") and "WHEREAS" not in r[9:] for r in recitals)
    first_article = styles.index("Heading 1")
    assert paragraphs[first_article - 1].text.startswith("NOW, THEREFORE, ")
    assert sum("NOW, THEREFORE" in p.text for p in paragraphs) == 1


def test_schedule_table_has_one_row_per_placement(riverton):
    draft, _, _, document = riverton
    table = table_with_heading(document, "Building")
    assert [c.text for c in table.rows[0].cells] == [
        "Building",
        "Days",
        "Hours",
        "Building principal",
        "Agency",
    ]
    rows = table.rows[1:]
    assert len(rows) == len(draft.program.placements)
    for row, placement in zip(rows, draft.program.placements, strict=True):
        cells = [c.text for c in row.cells]
        assert cells[0] == placement.building and cells[3] == placement.principal
        assert cells[4] == draft.agencies[placement.agency].name
        assert "a.m." in cells[2] or "p.m." in cells[2]


def test_contacts_name_administrator_principals_and_agency_heads(riverton):
    draft, _, _, document = riverton
    table = table_with_heading(document, "Role")
    names = [row.cells[1].text for row in table.rows[1:]]
    assert draft.district.administrator.name in names
    assert draft.agencies[0].head.name in names
    for placement in draft.program.placements:
        assert placement.principal in names


def test_one_signature_block_per_party_one_agency(riverton):
    draft, _, _, document = riverton
    lines = signature_paragraphs(document)
    assert sum(line.startswith("By:") for line in lines) == 3  # district, city, chief of police
    assert draft.district.name.upper() in [line.upper() for line in lines]
    assert draft.agencies[0].municipality.name in lines
    assert f"Name: {draft.district.signatory.name}" in lines
    assert sum(line.startswith("Attest:") for line in lines) == 2


def test_three_agencies_parties_and_signature_blocks(library, tmp_path):
    draft = three_agency_draft(load_draft(RIVERTON))
    agreement, document = build(library, draft, tmp_path / "three.docx")
    lines = signature_paragraphs(document)
    # the district; each municipality's signer, and its chief (acknowledging) or sheriff (joining)
    assert sum(line.startswith("By:") for line in lines) == 1 + 2 * 3
    # an attest line only where an attesting officer is named (the sheriff's county has none)
    assert sum(line.startswith("Attest:") for line in lines) == 3
    for agency in draft.agencies:
        assert agency.municipality.name in lines
        assert f"Name: {agency.signatory.name}" in lines
        assert f"Name: {agency.head.name}" in lines
    assert "acting through its County Board" in lines
    parties = next(p.text for p in document.paragraphs if "by and between" in p.text)
    for agency in draft.agencies:
        assert agency.municipality.name in parties
    assert parties.count("; ") == 3 and "; and the Village of Elm Grove" in parties
    schedule = table_with_heading(document, "Building")
    assert len(schedule.rows) == 1 + 3
    assert {row.cells[4].text for row in schedule.rows[1:]} == {a.name for a in draft.agencies}
    assert "{{" not in all_text(document) and "None" not in all_text(document)


def test_draft_mark_until_final(library, tmp_path, complete_draft):
    _, document = build(library, complete_draft, tmp_path / "draft.docx")
    assert "for review by counsel" in header_text(document)
    assert "for review by counsel" in body_text(document)
    final = complete_draft.model_copy(update={"final": True})
    _, document = build(library, final, tmp_path / "final.docx")
    assert "review by counsel" not in all_text(document).lower()
    assert complete_draft.title in header_text(document)


def test_header_footer_short_title_and_page_x_of_y(riverton):
    draft, _, path, document = riverton
    assert draft.title in header_text(document)
    with zipfile.ZipFile(path) as zf:
        footers = [
            zf.read(n).decode() for n in zf.namelist() if re.match(r"word/footer\d*\.xml", n)
        ]
    instructions = re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", "".join(footers))
    assert [i.strip() for i in instructions] == ["PAGE", "NUMPAGES"]
    assert "Page 1 of 1" in "\n".join(
        p.text for s in document.sections for p in s.footer.paragraphs
    )


def test_exhibit_b_follows_the_policy_options(riverton, library, tmp_path, complete_draft):
    _, agreement, _, document = riverton
    text = body_text(document)
    exhibit_b = text[text.index("Exhibit B") :]
    assert "Board" in exhibit_b
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert len(bullets) == 2  # previous year's activities; recommendations
    assert "the Board may ask for further updates" in exhibit_b
    options = {
        "report_recipient": "district_administrator",
        "report_content": False,
        "board_may_request_updates": False,
    }
    _, other = build(library, complete_draft, tmp_path / "da.docx", options=options)
    text = body_text(other)
    exhibit_b = text[text.index("Exhibit B") :]
    assert "District Administrator" in exhibit_b
    assert complete_draft.district.administrator.name in exhibit_b
    assert not [p for p in other.paragraphs if p.style.name == "List Bullet"]
    assert "may ask for further updates" not in exhibit_b


@pytest.mark.parametrize(
    ("choice", "heading", "expected"),
    [
        ("cost-share-percentage", "Not to exceed", ["$85,082", "$90,000"]),
        ("cost-share-flat-fee", "Share of the fee", ["$52,500"]),
        ("cost-share-none", None, None),
    ],
)
def test_cost_table_when_a_cost_share_clause_is_included(
    library, complete_draft, tmp_path, choice, heading, expected
):
    choices = {**complete_draft.clauses.alternatives, "cost-share": choice}
    draft = complete_draft.model_copy(
        update={
            "clauses": complete_draft.clauses.model_copy(update={"alternatives": choices}),
            "values": {**complete_draft.values, "annual_fee": 52500},
        }
    )
    agreement, document = build(library, draft, tmp_path / "cost.docx")
    tables = [t for t in document.tables if t.rows[0].cells[0].text == "Agency"]
    if expected is None:
        assert tables == []
        return
    (table,) = tables
    headings = [c.text for c in table.rows[0].cells]
    assert heading in headings
    (row,) = table.rows[1:]  # one agency: no total row
    assert row.cells[0].text == draft.agencies[0].name
    assert [c.text for c in row.cells if c.text.startswith("$")][-len(expected) :] == expected
    number = next(c.number for s in agreement.sections for c in s.clauses if c.id == choice)
    assert f"(Section {number})" in body_text(document)


# ----------------------------------------------------------------------------- properties, XML


def _custom_properties(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("docProps/custom.xml"))
        types = etree.fromstring(zf.read("[Content_Types].xml"))
        rels = zf.read("_rels/.rels").decode()
    assert any(
        o.get("PartName") == "/docProps/custom.xml" and "custom-properties" in o.get("ContentType")
        for o in types
    )
    assert "relationships/custom-properties" in rels
    return {p.get("name"): p[0].text or "" for p in root}


def test_custom_properties_hold_the_provenance(riverton, complete_draft):
    draft, agreement, path, document = riverton
    props = _custom_properties(path)
    prov = agreement.provenance
    assert props["Clause pack"] == prov.pack_id
    assert props["Clause pack version"] == prov.pack_version
    assert props["Draft SHA-256"] == draft_hash(draft) == prov.draft_sha256
    assert props["agreement-kit version"] == __version__
    assert props["Build date"] == TODAY.isoformat()
    assert props["Clause count"] == str(len(prov.clauses))
    clauses = {k.removeprefix("Clause: "): v for k, v in props.items() if k.startswith("Clause: ")}
    assert clauses == {c.id: f"{c.version}; {c.hash}; {c.pack}" for c in prov.clauses}
    core = document.core_properties
    assert core.title == agreement.title
    assert core.author == draft.district.name
    assert core.subject == agreement.short_title


def test_every_xml_part_parses(riverton):
    _, _, path, _ = riverton
    with zipfile.ZipFile(path) as zf:
        names = [n for n in zf.namelist() if n.endswith((".xml", ".rels"))]
        assert "word/document.xml" in names and "docProps/custom.xml" in names
        for name in names:
            etree.fromstring(zf.read(name))  # raises on malformed XML


def test_answers_come_out_exactly_as_typed(library, tmp_path, complete_draft):
    nasty = 'Lake & Pine <Unified> "School" District – Ærø’s'
    title = "A&B <board> \"packet\" 'copy' — Zoë"
    data = complete_draft.model_dump()
    data["district"]["name"] = nasty
    data["title"] = title
    data["agencies"][0]["name"] = "Smith & Wesson <Town> Police"
    data["program"]["placements"][0]["principal"] = 'Renée "Ray" O\'Neil-Nguyễn <acting>'
    draft = Draft.model_validate(data)
    _, document = build(library, draft, tmp_path / "esc.docx")
    text = all_text(document)
    for answer in (nasty, "Smith & Wesson <Town> Police", 'Renée "Ray" O\'Neil-Nguyễn <acting>'):
        assert answer in text, answer
    assert title in header_text(document)
    assert "&amp;" not in text and "&lt;" not in text and "&#" not in text
    _, sample = build(library, complete_draft, tmp_path / "sample.docx")
    sample_text = all_text(sample)
    for answer in ("Joseph Weiß", 'Karen "Kit" Lindqvist', "Lee Høeg", "Renée D'Amato-Nguyễn"):
        assert answer in sample_text, answer


# ----------------------------------------------------------------------------- templates


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_template", TEMPLATES / "build_template.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_template", module)
    spec.loader.exec_module(module)
    return module


def _normalised(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    for element in root.iter():
        for name in list(element.attrib):
            if "rsid" in name:
                del element.attrib[name]
        if isinstance(element.tag, str) and element.tag.endswith(("}created", "}modified")):
            element.text = ""
    return etree.tostring(root, method="c14n")


def test_committed_template_matches_the_build_script(tmp_path):
    builder = _load_builder()
    fresh = builder.build(tmp_path / "fresh.docx")
    with zipfile.ZipFile(fresh) as a, zipfile.ZipFile(TEMPLATES / "agreement.docx") as b:
        assert sorted(a.namelist()) == sorted(b.namelist()), (
            "templates/agreement.docx is out of date: run uv run python templates/build_template.py"
        )
        for name in a.namelist():
            assert _normalised(a.read(name)) == _normalised(b.read(name)), (
                f"{name} differs: run uv run python templates/build_template.py"
            )


def _own_template(path: Path, extra: str = "") -> Path:
    """A district's own template: its letterhead in the header, its own fonts, fewer parts."""
    document = docx.Document()
    document.styles["Normal"].font.name = "Georgia"
    document.sections[0].header.paragraphs[
        0
    ].text = "LETTERHEAD {{ district.name }} {{ district.address }}"
    document.add_paragraph("{{ title }}", style="Title")
    document.add_paragraph("{{ parties_text }}")
    document.add_paragraph("{%p for r in recitals %}")
    document.add_paragraph("{{ r.lead }}{{ r.text }}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{{ now_therefore.lead }}{{ now_therefore.text }}")
    document.add_paragraph("{%p for s in articles %}")
    document.add_paragraph("{{ s.number }}. {{ s.title }}", style="Heading 1")
    document.add_paragraph("{%p for c in s.clauses %}")
    document.add_paragraph("{{ c.number }} {{ c.title }}. {{ c.paragraphs|join(' ') }}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p for b in signatures %}")
    document.add_paragraph("{{ b.party }} — {{ b.signer_name }}, {{ b.signer_title }}")
    document.add_paragraph("{%p endfor %}")
    if extra:
        document.add_paragraph(extra)
    document.save(str(path))
    return path


def test_build_with_a_districts_own_template(tmp_path, capsys, complete_draft):
    template = _own_template(tmp_path / "own.docx")
    out = tmp_path / "own-out.docx"
    code = main(["build", str(RIVERTON), "-o", str(out), "--template", str(template)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    document = docx.Document(str(out))
    assert (
        f"LETTERHEAD {complete_draft.district.name} {complete_draft.district.address}"
        in header_text(document)
    )
    text = body_text(document)
    district = complete_draft.district
    assert f"{district.name} — {district.signatory.name}, {district.signatory.title}" in text
    assert "1. " in text and "{{" not in text
    assert _custom_properties(out)["Clause pack"] == "wi-psl-sro"


def test_own_template_with_an_unknown_variable_is_a_clear_error(tmp_path, capsys):
    template = _own_template(tmp_path / "bad.docx", extra="{{ district.nmae }}")
    out = tmp_path / "bad-out.docx"
    code = main(["build", str(RIVERTON), "-o", str(out), "--template", str(template)])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert "nmae" in err and "template check" in err
    assert "Traceback" not in err
