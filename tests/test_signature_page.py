"""The parties and the signature page, per kind of municipality: who the legal party is, the body it
acts through, its approving resolution, who signs, attests and approves as to form, and the chief's
acknowledgment or the sheriff's joinder. Read back from the rendered .docx."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from agreement_kit import assemble, check_coverage, load_draft, render_docx
from agreement_kit.drafts.model import Draft

ROOT = Path(__file__).resolve().parent.parent
RIVERTON = ROOT / "examples" / "riverton.yaml"
THREE = ROOT / "examples" / "three-agencies.yaml"

KINDS = {
    "city": {
        "municipality": {"name": "City of Alder", "kind": "city"},
        "name": "Alder Police Department",
        "head": {"name": "Chief Ana Ruiz", "title": "Chief of Police"},
        "signatory": {"name": "Mayor Bo Lind", "title": "Mayor"},
        "attest": {"name": "Cy Park", "title": "City Clerk"},
    },
    "village": {
        "municipality": {"name": "Village of Birch", "kind": "village"},
        "name": "Birch Police Department",
        "head": {"name": "Chief Dee Moss", "title": "Chief of Police"},
        "signatory": {"name": "Eve Stone", "title": "Village President"},
        "attest": {"name": "Flo Reyes", "title": "Village Clerk"},
    },
    "town": {
        "municipality": {"name": "Town of Cedar", "kind": "town"},
        "name": "Cedar Police Department",
        "head": {"name": "Chief Gil Hart", "title": "Chief of Police"},
        "signatory": {"name": "Hal Quinn", "title": "Town Chair"},
        "attest": {"name": "Ivy Cole", "title": "Town Clerk"},
    },
    "county": {
        "municipality": {"name": "Dane County", "kind": "county"},
        "name": "Dane County Sheriff's Office",
        "head": {"name": "Jo Berg", "title": "Sheriff"},
        "signatory": {"name": "Kit Lowe", "title": "County Executive"},
        "attest": {"name": "Lu Vang", "title": "County Clerk"},
    },
}


def one_agency(kind: str, **changes: object) -> Draft:
    data = load_draft(RIVERTON).model_dump()
    agency = {**data["agencies"][0], **KINDS[kind], "counsel": {"name": None, "title": None}}
    agency.update(changes)
    data["agencies"] = [agency]
    return Draft.model_validate(data)


def signature_blocks(path: Path) -> list[list[str]]:
    """The signature page as blocks of lines (a block ends at the empty spacer paragraph)."""
    document = docx.Document(str(path))
    blocks: list[list[str]] = [[]]
    for p in document.paragraphs:
        if not p.style.name.startswith("Signature") or p.style.name == "Signature Legend":
            continue
        if p.text.strip():
            blocks[-1].append(p.text)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def parties_paragraph(path: Path) -> str:
    document = docx.Document(str(path))
    return next(p.text for p in document.paragraphs if "by and between" in p.text)


def build(library, draft: Draft, path: Path) -> Path:
    render_docx(assemble(library, draft), path, overwrite=True)
    return path


def lines_after(block: list[str], first: str, count: int) -> list[str]:
    i = block.index(first)
    return block[i : i + count]


@pytest.mark.parametrize("kind", ["city", "village", "town"])
def test_a_city_village_or_town_signs_through_its_body_and_the_chief_acknowledges(
    library, tmp_path, kind
):
    spec = KINDS[kind]
    body = {"city": "Common Council", "village": "Village Board", "town": "Town Board"}[kind]
    path = build(library, one_agency(kind), tmp_path / f"{kind}.docx")
    district, agency = signature_blocks(path)
    assert district[0] == "Riverton Area School District"
    name = spec["municipality"]["name"]
    assert agency[:3] == [
        name,
        f"acting through its {body}",
        f"Approved by the {body} by Resolution No. R-27-102, adopted June 16, 2027.",
    ]
    assert lines_after(agency, "By: " + "_" * 30, 4) == [
        "By: " + "_" * 30,
        f"Name: {spec['signatory']['name']}",
        f"Title: {spec['signatory']['title']}",
        "Date: ______________________",
    ]
    assert f"Name: {spec['attest']['name']}" in agency
    counsel = {"city": "City Attorney", "village": "Village Attorney", "town": "Town Attorney"}
    i = agency.index("Approved as to form: " + "_" * 30)
    assert agency[i + 2] == f"Title: {counsel[kind]}"
    department = spec["name"]
    assert f"Acknowledged for the {department}" in agency
    assert (
        f"The Chief of Police has read this Agreement and acknowledges the duties it assigns to "
        f"the {department} and its officers." in agency
    )
    assert agency[-3:] == [
        f"Name: {spec['head']['name']}",
        "Title: Chief of Police",
        "Date: ______________________",
    ]
    assert sum(line.startswith("By:") for line in agency) == 2  # the signer and the chief
    opening = parties_paragraph(path)
    assert f"the {name}, a Wisconsin {kind} acting through its {body}" in opening
    assert f"whose law enforcement agency is the {department}" in opening


def test_a_county_signs_through_its_board_and_the_sheriff_joins(library, tmp_path):
    spec = KINDS["county"]
    path = build(library, one_agency("county"), tmp_path / "county.docx")
    _, county = signature_blocks(path)
    assert county[:2] == ["Dane County", "acting through its County Board"]
    assert "Name: Kit Lowe" in county and "Title: County Executive" in county
    i = county.index("Approved as to form: " + "_" * 30)
    assert county[i + 2] == "Title: Corporation Counsel"
    # the Sheriff's own block: the sheriff's office as heading, what the signature means, a line
    sheriff = county[county.index(spec["name"]) :]
    assert sheriff == [
        "Dane County Sheriff's Office",
        "The Sheriff joins in this Agreement and agrees to carry out the duties it assigns to the "
        "Dane County Sheriff's Office and its officers.",
        "By: " + "_" * 30,
        "Name: Jo Berg",
        "Title: Sheriff",
        "Date: ______________________",
    ]
    assert not any(line.startswith("Acknowledged") for line in county)
    opening = parties_paragraph(path)
    assert "Dane County, a Wisconsin county acting through its County Board" in opening
    assert "the Dane County, " not in opening


def test_the_three_agency_example_has_a_block_for_each_body_and_the_sheriff(library, tmp_path):
    draft = load_draft(THREE)
    path = build(library, draft, tmp_path / "three.docx")
    blocks = signature_blocks(path)
    assert [b[0] for b in blocks] == [
        "Kettle Valley School District",
        "City of Kettle Falls",
        "Village of Cedar Hollow",
        "Kettle County",
    ]
    assert blocks[3][1] == "acting through its County Board of Supervisors"
    assert "Kettle County Sheriff's Office" in blocks[3]
    assert "Acknowledged for the Kettle Falls Police Department" in blocks[1]
    assert "Acknowledged for the Cedar Hollow Police Department" in blocks[2]
    # the village has not adopted its resolution yet: a line to fill in, not a missing answer
    assert blocks[2][2] == (
        "Approved by the Village Board by Resolution No. ____________, adopted __________________."
    )


def test_the_recitals_record_each_resolution_or_a_line_to_fill_in(library):
    text = assemble(library, load_draft(THREE)).text()
    assert (
        "the Board approved this Agreement by Resolution No. 27-08, adopted July 12, 2027" in text
    )
    assert (
        "and the County Board of Supervisors of Kettle County approved it by Resolution No. "
        "2027-R-115, adopted July 27, 2027;" in text
    )
    assert (
        "the Village Board of the Village of Cedar Hollow approved it by Resolution No. ___" in text
    )


def test_a_signing_copy_needs_every_resolution_number_and_date(library):
    draft = load_draft(THREE).model_copy(update={"final": True})
    coverage = check_coverage(library, draft)
    assert not coverage.complete
    assert set(coverage.missing_answers) == {
        "agencies[1].approval.resolution",
        "agencies[1].approval.date",
    }


def test_a_tribe_names_its_own_governing_body_and_is_not_called_a_section_66_municipality(
    library,
):
    draft = one_agency(
        "city",
        municipality={"name": "Example Nation", "kind": "tribe"},
        name="Example Nation Police Department",
    )
    coverage = check_coverage(library, draft)
    assert "agencies[0].municipality.governing_body" in coverage.missing_answers
    draft = one_agency(
        "city",
        municipality={
            "name": "Example Nation",
            "kind": "tribe",
            "governing_body": "Tribal Council",
        },
        name="Example Nation Police Department",
    )
    text = assemble(library, draft).text()
    assert "the District is a municipality within the meaning of" in text
    assert "Example Nation enters into this Agreement under the authority of its own law" in text
    assert "the Tribal Council of Example Nation approved it by Resolution No." in text
