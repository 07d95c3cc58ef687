"""Issues 13 and 15, property-based: drafts and clause texts from the full Unicode range (including
``&``, ``<``, quotes, right-to-left text, combining marks, emoji, control characters, lone
surrogates, bidi overrides, zero-width characters, very long strings), many agencies and buildings,
odd dates. Each is either refused with a located problem, or built into a .docx that python-docx
reopens, in which every XML part parses strictly and every answer appears exactly as typed (after
the declared normalisation: surrounding spaces trimmed, runs of white space read as one, and the
no-break spaces the agreement ties after "§" and in "Wis. Stat."). Never a traceback, never a
truncation.

Examples are bounded (``max_examples``) so CI stays fast; ``HYPOTHESIS_PROFILE=thorough`` runs more.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import os
import shutil
import zipfile
from typing import Any

import pytest
import yaml
from docx import Document
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from agreement_kit import assemble, check_coverage, load_library
from agreement_kit.drafts.io import check_against_library, parse_draft
from agreement_kit.problems import ProblemsError
from agreement_kit.word.render import render_bytes
from tests.conftest import EXAMPLES
from tests.helpers import MINI_DRAFT, MINI_PACK

settings.register_profile(
    "ci",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,  # the same examples every run: CI never fails at random
)
settings.register_profile(
    "thorough",
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

TRICKY = [
    "&",
    "<",
    ">",
    '"',
    "'",
    "&amp;",
    "<w:p>",
    "]]>",
    "{{ x }}",
    "{_{",
    "}_}",
    "{_%",
    "%_}",
    "{%p",
    "\u05e9\u05dc\u05d5\u05dd",
    "\u0645\u0631\u062d\u0628\u0627",
    "e\u0301",
    "\U0001f46e\u200d\u2640\ufe0f",
    "\U0001f3eb",
    "\u00a7 5",
    "Wis. Stat.",
    "\t",
    "\n",
    "\r",
    "\x07",
    "\x0b",
    "\x85",
    "\ud800",
    "\udfff",
    "\u202e",
    "\u2066",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u00ad",
    "\u2028",
    "\uffff",
    "\U000e0041",
    "  ",
    "\u3000",
    "Smith & Sons <Sheriff>",
]
# Any code point, surrogates included (hypothesis leaves them out unless told), plus the tricky ones.
chars = st.characters(codec=None, exclude_categories=())
text = st.one_of(
    st.text(chars, min_size=1, max_size=40),
    st.lists(
        st.one_of(st.sampled_from(TRICKY), st.text(chars, max_size=4)), min_size=1, max_size=8
    ).map("".join),
    st.text(st.sampled_from("ab &<>\"'"), min_size=1000, max_size=3000),  # very long
)


def _yaml(data: dict[str, Any]) -> str:
    # JSON is YAML; json.dumps writes every character as an escape a YAML reader decodes exactly
    # (lone surrogates included), which is how a hostile or careless file would carry them.
    return json.dumps(data, indent=2, ensure_ascii=True, default=str)


def _norm(value: str) -> str:
    return " ".join(value.replace("\u00a0", " ").split())


def _strict_parts(data: bytes) -> None:
    parser = etree.XMLParser(recover=False, resolve_entities=False, huge_tree=False)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(
                    zf.read(name), parser
                )  # raises on anything a recovering parser hides


def _document_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    out: list[str] = []

    def paragraphs(container: Any) -> None:
        for p in container.paragraphs:
            out.append(p.text)
        for table in getattr(container, "tables", []):
            for row in table.rows:
                for cell in row.cells:
                    paragraphs(cell)

    paragraphs(doc)
    for section in doc.sections:
        paragraphs(section.header)
        paragraphs(section.footer)
    return "\n".join(out)


def _located(exc: ProblemsError) -> None:
    assert exc.problems, exc.summary
    for problem in exc.problems:
        assert problem.file or problem.clause or problem.field, f"unlocated: {problem}"
        assert problem.message.strip(), "an empty message"


def _answers(data: dict[str, Any]) -> list[str]:
    """The free-text answers of the draft that the agreement prints."""
    district = data["district"]
    found = [district["name"], district["signatory"]["name"], district["signatory"]["title"]]
    for agency in data["agencies"]:
        found += [agency["name"], agency["municipality"]["name"], agency["signatory"]["name"]]
    for placement in data["program"]["placements"]:
        found += [placement["building"], placement["principal"]]
    return [a for a in found if isinstance(a, str) and a.strip()]


def _base() -> dict[str, Any]:
    return yaml.safe_load((EXAMPLES / "riverton.yaml").read_text(encoding="utf-8"))


# Text a person might type, in any script (no control, format, separator or unassigned code points),
# for the fields that are not the one under attack in an example.
safe_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cf", "Zl", "Zp", "Cn")),
    min_size=1,
    max_size=30,
)


def _put(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


@st.composite
def drafts(draw: Any) -> dict[str, Any]:
    """The sample draft with every free-text answer replaced, many agencies and buildings and odd
    dates; in about half of the examples one answer (any of them) is fully hostile."""
    data = _base()
    fields: list[tuple[Any, ...]] = [
        ("title",),
        ("district", "name"),
        ("district", "signatory", "name"),
        ("district", "signatory", "title"),
        ("values", "report_due"),
    ]
    agency = data["agencies"][0]
    data["agencies"] = []
    for i in range(draw(st.integers(1, 6))):
        data["agencies"].append(copy.deepcopy(agency))
        fields += [("agencies", i, "name"), ("agencies", i, "municipality", "name")]
        fields += [("agencies", i, "signatory", "name")]
    first = data["program"]["placements"][0]
    data["program"]["placements"] = []
    for i in range(draw(st.integers(1, 30))):
        item = copy.deepcopy(first)
        item["agency"] = draw(st.integers(0, len(data["agencies"]) - 1))
        item["building"] = f"School {i}"
        data["program"]["placements"].append(item)
        fields += [("program", "placements", i, "principal")]
    fields += [("program", "placements", 0, "building")]
    for path in fields:
        _put(data, path, draw(st.sampled_from(["Lakeside & <Pine>"]) | safe_text))
    data["values"]["report_due"] = draw(st.sampled_from(["August 15"]) | safe_text)
    attacked = draw(st.none() | st.sampled_from(fields))
    if attacked is not None:
        _put(data, attacked, draw(text))
    start = draw(st.dates(dt.date(1900, 1, 1), dt.date(2199, 12, 31)))
    data["term"]["effective"] = start.isoformat()
    data["term"]["end"] = (start + dt.timedelta(days=draw(st.integers(-5, 4000)))).isoformat()
    return data


@pytest.fixture(scope="module")
def bundled():
    return load_library()


@given(data=drafts())
def test_any_draft_is_refused_where_located_or_built_exactly(bundled, data):
    source = _yaml(data)
    try:
        draft = parse_draft(source, "fuzz.yaml")
        coverage = check_coverage(bundled, draft)
        if not coverage.complete:
            # incomplete, and it says why: a located problem with an answer, or what is missing
            located = check_against_library(draft, bundled)
            for problem in located:
                assert problem.file == "fuzz.yaml" and problem.line and problem.field
            assert located or coverage.missing_answers or coverage.gaps()
            event("incomplete")
            return
        built = render_bytes(assemble(bundled, draft))
    except ProblemsError as exc:
        _located(exc)
        event("refused")
        return
    event("built")
    _strict_parts(built)
    printed = _norm(_document_text(built))
    for answer in _answers(json.loads(source)):
        assert _norm(answer) in printed, f"{answer!r} is not in the document as typed"


@st.composite
def clause_texts(draw: Any) -> list[str]:
    literal = st.one_of(
        st.text(
            st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cf", "Zl", "Zp", "Cn")),
            min_size=1,
            max_size=200,
        ),
        st.text(chars, min_size=1, max_size=60),  # anything at all
    )
    jinja = st.sampled_from(
        [
            "{{ district.name }}",
            "{% if agency.many %}several{% else %}one{% endif %}",
            "{{ 'x'|center(1000000000) }}",
            "{{ ''.__class__ }}",
            "{% for a in agencies %}{{ a.name }}{% endfor %}",
            "{{ values.nope }}",
            "{{",
            "{% if %}",
            "{#",
        ]
    )
    return draw(
        st.lists(
            st.one_of(
                literal, st.lists(st.one_of(literal, jinja), min_size=1, max_size=4).map("".join)
            ),
            min_size=1,
            max_size=3,
        )
    )


@given(paragraphs=clause_texts())
def test_any_clause_text_is_refused_where_located_or_rendered_exactly(tmp_path_factory, paragraphs):
    from agreement_kit.drafts.io import load_draft

    pack = tmp_path_factory.mktemp("fuzzpack")
    shutil.copytree(MINI_PACK, pack, dirs_exist_ok=True)
    clause = {
        "id": "fuzz",
        "title": "Fuzz",
        "version": "1.0",
        "section": "main",
        "status": "required",
        "citations": ["none"],
        "guidance": "Generated.",
        "text": paragraphs,
    }
    (pack / "clauses" / "fuzz.yaml").write_text(_yaml(clause), encoding="utf-8")
    try:
        library = load_library(base=pack)
        built = render_bytes(assemble(library, load_draft(MINI_DRAFT)))
    except ProblemsError as exc:
        _located(exc)
        event("refused")
        return
    event("built")
    _strict_parts(built)
    printed = _norm(_document_text(built))
    for paragraph in paragraphs:
        if not any(mark in paragraph for mark in ("{{", "{%", "{#", "}}", "%}", "#}")):
            assert _norm(paragraph) in printed, f"{paragraph!r} lost or changed"
