"""The bundled Wisconsin PSL/SRO clause library: completeness, coverage and the text it renders."""

from __future__ import annotations

import dataclasses
import itertools
import re
import shutil
from pathlib import Path

import pytest

from agreement_kit import ProblemsError, assemble, check_coverage, load_draft, load_library
from agreement_kit.cli import main
from agreement_kit.drafts.model import ClauseChoices, Draft
from agreement_kit.packs.docs import assured_coverage, library_markdown
from agreement_kit.packs.library import Library
from agreement_kit.resources import bundled_pack_dir

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DOCS = ROOT / "docs" / "clause-library.md"

# Text that must never appear in a rendered paragraph.
ARTIFACTS = [
    ("None", re.compile(r"\bNone\b")),
    ("unrendered tag", re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")),
    ("missing-answer marker", re.compile(r"\[missing")),
    ("doubled space", re.compile(r"  ")),
    ("space before punctuation", re.compile(r" [.,;:)]")),
    (
        "doubled punctuation",
        # ".," after an initialism ("T.L.O.,") is a citation, not a doubled mark
        re.compile(r"(?<!\.)\.\.(?!\.)|,,|;;|,[.;]|;[,.]|(?<![ap]\.m)(?<![A-Z])\.[,;]"),
    ),
    ("empty parentheses or quotes", re.compile(r"\(\s*\)|“\s*”")),
    ("repeated word", re.compile(r"\b(the|a|an|and|of|to|or)\s+\1\b", re.IGNORECASE)),
]


def clause_defects(library: Library) -> list[str]:
    """Every clause must cite something and carry guidance and a summary for counsel."""
    out = []
    for clause in library.clauses.values():
        if not [c for c in clause.citations if c.strip()]:
            out.append(f"{clause.id}: no citations")
        if len(clause.guidance.split()) < 15:
            out.append(f"{clause.id}: guidance missing or too short")
        if not clause.summary.strip():
            out.append(f"{clause.id}: no summary")
    return out


def unassured(library: Library) -> list[str]:
    """Requirements that some complete draft could leave uncovered."""
    return [req for req, found in assured_coverage(library).items() if not found]


def paragraph_problems(text: str) -> list[str]:
    out = [name for name, pattern in ARTIFACTS if pattern.search(text)]
    if not text.strip():
        out.append("empty paragraph")
    elif not re.match(r"^[A-Z“(]", text):
        out.append("does not start a sentence")
    elif not re.search(r"([.:;]|; and)$", text):
        out.append("does not end a sentence")
    return out


def without(library: Library, **changes: object) -> Library:
    """A shallow copy of ``library`` with some fields replaced (the original stays untouched)."""
    return dataclasses.replace(library, **changes)


# ----------------------------------------------------------------------------- the library


def test_library_validates_and_is_big_enough(library):
    assert len(library.clauses) >= 40
    assert len(library.groups) >= 4
    statuses = {c.status for c in library.clauses.values()}
    assert statuses == {"required", "recommended", "optional"}


def test_every_clause_has_citations_guidance_and_summary(library):
    assert clause_defects(library) == []


def test_clause_defects_catches_a_clause_that_cites_nothing(library):
    clause = library.clauses["duty-relationships"]
    bare = clause.model_copy(update={"citations": [], "guidance": ""})
    broken = without(library, clauses={**library.clauses, bare.id: bare})
    assert clause_defects(broken) == [
        "duty-relationships: no citations",
        "duty-relationships: guidance missing or too short",
    ]


def test_every_requirement_is_assured_by_a_required_clause_or_group(library):
    assert unassured(library) == []
    assured = assured_coverage(library)
    assert assured["recording-devices"] == ["group:recording-devices"]
    assert "annual-report" in assured["I"]


def test_losing_the_last_covering_clause_is_detected(library):
    clauses = {k: v for k, v in library.clauses.items() if k != "duty-relationships"}
    assert unassured(without(library, clauses=clauses)) == ["B"]


def test_an_optional_or_partial_cover_does_not_count(library):
    clause = library.clauses["placement-schedule"]
    optional = clause.model_copy(update={"status": "optional"})
    assert unassured(without(library, clauses={**library.clauses, clause.id: optional})) == ["A"]
    member = library.clauses["recording-devices-no-body-cameras"]
    partial = member.model_copy(update={"covers": []})
    changed = {**library.clauses, member.id: partial}
    assert unassured(without(library, clauses=changed)) == ["recording-devices"]


def test_loader_rejects_the_pack_when_a_requirement_loses_its_clause(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(bundled_pack_dir(), pack)
    duties = pack / "clauses" / "04-duties.yaml"
    text = duties.read_text(encoding="utf-8")
    # Drop item B's only clause by pointing its coverage at an item that is covered elsewhere.
    assert "covers: [B]" in text
    duties.write_text(text.replace("covers: [B]", "covers: [C]"), encoding="utf-8")
    with pytest.raises(ProblemsError) as info:
        load_library(base=pack)
    assert any("requirement 'B'" in p.message for p in info.value.problems)


def test_policy_option_and_requirement_ids_are_stable(library):
    assert set(library.options) >= {
        "report_recipient",
        "report_content",
        "board_may_request_updates",
    }
    assert set(library.requirements) >= {
        *"ABCDEFGHI",
        "purpose",
        "report-content",
        "board-updates",
        "principals-liaison",
        "collaboration",
        "safety-plan",
        "no-substitution",
        "records",
        "recording-devices",
        "statutory-parties",
        "statutory-term",
    }


def test_cost_share_group_has_the_ids_the_template_reads(library):
    assert library.groups["cost-share"] == [
        "cost-share-percentage",
        "cost-share-flat-fee",
        "cost-share-none",
    ]
    inputs = {
        c: {i.id: i.kind for i in library.clauses[c].inputs} for c in library.groups["cost-share"]
    }
    assert inputs == {
        "cost-share-percentage": {
            "cost_share_percent": "percent",
            "cost_weeks": "integer",
            "not_to_exceed": "money",
            "rate_notice_date": "text",
        },
        "cost-share-flat-fee": {"annual_fee": "money"},
        "cost-share-none": {},
    }


# What a sound agreement cannot leave out (issue 11, point 7): each is required, alone or as a
# required choice of alternatives.
SOUND = [
    "indemnification",
    "insurance",
    "claims-cooperation",
    "employment-status",
    "supervision",
    "general-provisions",
    "notices",
    "amendment",
    "discipline-vs-criminal",
    "interviews-parent-notice",
    "questioning-safeguards",
    "searches",
    "arrests-on-campus",
    "approval-signatures",
    "termination-authority",
    "termination-on-notice",
    "cost-share-percentage",
    "le-unit-designated",
]


def test_the_clauses_a_sound_agreement_needs_are_required(library):
    assert [c for c in SOUND if library.clauses[c].status != "required"] == []


def test_every_clause_gives_the_reason_for_its_tier_first(library):
    wrong = []
    for clause in library.clauses.values():
        lead = clause.guidance.split(None, 1)[0].rstrip(":,.")
        if lead.lower() != clause.status:
            wrong.append(f"{clause.id} ({clause.status}): {clause.guidance[:60]!r}")
    assert wrong == []


def test_a_required_choice_cannot_be_left_unmade(library, complete_draft):
    for group in ("indemnification", "interviews", "termination-notice", "cost-share"):
        choices = {**complete_draft.clauses.alternatives, group: "none"}
        draft = complete_draft.model_copy(
            update={"clauses": complete_draft.clauses.model_copy(update={"alternatives": choices})}
        )
        coverage = check_coverage(library, draft)
        assert not coverage.complete
        assert any(f"alternative group {group}" in p for p in coverage.problems), group


def test_groups_have_exactly_one_default(library):
    for group, members in library.groups.items():
        defaults = [m for m in members if library.clauses[m].default]
        assert len(defaults) == 1, group


# ----------------------------------------------------------------------------- rendering


def _everything(library: Library, draft: Draft, **choices: str) -> Draft:
    """``draft`` with every optional clause on, the given alternatives, and every input answered."""
    values = {i.id: i.default for i in library.clause_inputs().values()}
    values.update({k: v for k, v in draft.values.items() if v is not None})
    alternatives = {g: library.group_default(g) for g in library.groups}
    alternatives.update(choices)
    optional = {
        c.id: True for c in library.clauses.values() if c.status == "optional" and not c.group
    }
    return draft.model_copy(
        update={
            "clauses": ClauseChoices(optional=optional, alternatives=alternatives),
            "values": values,
        }
    )


def _variants(library: Library) -> list[dict[str, str]]:
    """One choice dict per alternative of every group (others at their default)."""
    return [{g: m} for g, members in library.groups.items() for m in members]


def _check_agreement(agreement, label: str) -> list[str]:
    problems = []
    for section in agreement.sections:
        for clause in section.clauses:
            assert clause.paragraphs, f"{label}: {clause.id} has no paragraphs"
            for i, para in enumerate(clause.paragraphs, 1):
                for problem in paragraph_problems(para):
                    problems.append(f"{label}: {clause.id} ¶{i}: {problem}: {para[:90]!r}")
    return problems


@pytest.mark.parametrize("example", ["riverton.yaml", "three-agencies.yaml"])
def test_every_clause_and_alternative_renders_cleanly(library, example):
    draft = load_draft(EXAMPLES / example)
    problems = []
    seen: set[str] = set()
    for choices in _variants(library):
        full = _everything(library, draft, **choices)
        coverage = check_coverage(library, full)
        assert coverage.complete, (choices, coverage.gaps())
        agreement = assemble(library, full)
        seen |= {c.id for s in agreement.sections for c in s.clauses}
        problems += _check_agreement(agreement, f"{example} {choices}")
    assert seen == set(library.clauses), set(library.clauses) - seen
    assert problems == []


@pytest.mark.parametrize("example", ["riverton.yaml", "three-agencies.yaml"])
def test_policy_options_and_renewal_kinds_render_cleanly(library, example):
    draft = _everything(library, load_draft(EXAMPLES / example))
    problems = []
    for recipient, content, updates, renewal in itertools.product(
        ["district_administrator", "board"],
        [True, False],
        [True, False],
        ["none", "automatic", "by_agreement"],
    ):
        variant = draft.model_copy(
            update={
                "policy_options": {
                    "report_recipient": recipient,
                    "report_content": content,
                    "board_may_request_updates": updates,
                },
                "term": draft.term.model_copy(update={"renewal": renewal}),
            }
        )
        agreement = assemble(library, variant)
        problems += _check_agreement(agreement, f"{recipient}/{content}/{updates}/{renewal}")
    assert problems == []


def _annual_report(library: Library, draft: Draft, **options: object) -> str:
    variant = draft.model_copy(update={"policy_options": {**draft.policy_options, **options}})
    agreement = assemble(library, variant)
    clause = next(c for s in agreement.sections for c in s.clauses if c.id == "annual-report")
    return " ".join(clause.paragraphs)


def test_annual_report_follows_the_policy_options(library, complete_draft):
    to_board = _annual_report(library, complete_draft, report_recipient="board")
    assert "shall deliver to the Board a written annual report" in to_board
    to_da = _annual_report(library, complete_draft, report_recipient="district_administrator")
    assert "shall deliver to the District Administrator a written annual report" in to_da
    assert "the Board a written annual report" not in to_da

    with_content = _annual_report(library, complete_draft, report_content=True)
    assert "summarize the Program activities" in with_content
    assert "recommendations for the coming School Year" in with_content
    without_content = _annual_report(library, complete_draft, report_content=False)
    assert "recommendations" not in without_content

    updates = _annual_report(library, complete_draft, board_may_request_updates=True)
    assert "The Board may ask for updates or reports" in updates
    no_updates = _annual_report(library, complete_draft, board_may_request_updates=False)
    assert "The Board may ask for updates" not in no_updates


def test_plural_agencies_read_correctly(library, complete_draft):
    one = assemble(library, complete_draft).text()
    three = assemble(library, load_draft(EXAMPLES / "three-agencies.yaml")).text()
    # One agency: "the Agency", never a plural form in the body text.
    assert "the Agency shall" in one
    assert "the Agencies" not in one and "each Agency" not in one and "Each Agency" not in one
    # Three agencies: plural forms, and "the Agency" only as part of a defined role.
    assert "the Agencies shall" in three
    assert "Each Agency shall" in three
    assert "The Agencies take part in this Agreement severally and not jointly" in three
    assert not re.search(r"\bthe Agency\b(?! Head| Supervisor| that)", three)
    for name in ("Kettle Falls Police Department", "Cedar Hollow Police Department"):
        assert f"staffed by the {name}" in three
    assert "Kettle County Sheriff's Office" in three
    assert "three (3) Officers" in three
    assert "two (2) Officers" in one


def test_tricky_answers_come_through_as_typed(library, complete_draft):
    text = assemble(library, complete_draft).text()
    assert "Jefferson Middle School & Early Learning Center" in text
    assert "Renée D'Amato-Nguyễn for Riverton High School" in text
    assert "410 Mill & Main Street" in text


# ----------------------------------------------------------------------------- docs and examples


def test_clause_library_doc_is_current(library):
    assert DOCS.exists(), "run: uv run agreement-kit library docs -o docs/clause-library.md --force"
    assert DOCS.read_text(encoding="utf-8") == library_markdown(library), (
        "docs/clause-library.md is stale; run: "
        "uv run agreement-kit library docs -o docs/clause-library.md --force"
    )


def test_clause_library_doc_lists_every_clause_and_requirement(library):
    text = library_markdown(library)
    for clause in library.clauses:
        assert f"`{clause}`" in text
    for req in library.requirements:
        assert f"\n| {req} |" in text
    assert "**none**" not in text


def test_riverton_example_is_complete(capsys):
    assert main(["check", str(EXAMPLES / "riverton.yaml")]) == 0
    assert "Complete" in capsys.readouterr().out


def test_three_agency_example_is_complete(capsys, library):
    draft = load_draft(EXAMPLES / "three-agencies.yaml")
    kinds = [a.municipality.kind for a in draft.agencies]
    assert kinds == ["city", "village", "county"]
    assert sorted({p.agency for p in draft.program.placements}) == [0, 1, 2]
    assert main(["check", str(EXAMPLES / "three-agencies.yaml")]) == 0


def test_gaps_example_names_the_principal_and_the_group(capsys):
    assert main(["check", str(EXAMPLES / "riverton-gaps.yaml")]) == 1
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "program.placements[1].principal" in output
    assert "alternative group recording-devices" in output


@pytest.mark.parametrize(
    "text, problem",
    [
        ("The Agency shall pay None dollars.", "None"),
        ("The Agency shall pay {{ values.fee }}.", "unrendered tag"),
        ("The Agency shall pay  the fee.", "doubled space"),
        ("The Agency shall pay the fee .", "space before punctuation"),
        ("The hours end at 12:00 p.m..", "doubled punctuation"),
        ("The Agency shall pay the the fee.", "repeated word"),
        ("the Agency shall pay the fee.", "does not start a sentence"),
        ("The Agency shall pay the fee", "does not end a sentence"),
        (" ", "empty paragraph"),
    ],
)
def test_paragraph_checker_catches_artifacts(text, problem):
    assert problem in paragraph_problems(text)
    assert paragraph_problems("The hours are 7:15 a.m. to 3:45 p.m., Monday through Friday.") == []


@pytest.mark.parametrize("kind", ["town", "tribe", "state_agency"])
def test_other_kinds_of_municipality_read_correctly(library, complete_draft, kind):
    agency = complete_draft.agencies[0]
    body = "Tribal Council" if kind == "tribe" else None  # a tribe names its own governing body
    municipality = agency.municipality.model_copy(
        update={"name": "Example Nation", "kind": kind, "governing_body": body}
    )
    draft = complete_draft.model_copy(
        update={"agencies": [agency.model_copy(update={"municipality": municipality})]}
    )
    agreement = assemble(library, draft)
    assert _check_agreement(agreement, kind) == []
    recitals = " ".join(p for c in agreement.sections[0].clauses for p in c.paragraphs)
    expected = {
        "town": "Example Nation is a Wisconsin town acting through its Town Board, and its law",
        "tribe": (
            "Example Nation is a federally recognized American Indian tribe or band acting through "
            "its Tribal Council"
        ),
        "state_agency": "Example Nation is an agency of the State of Wisconsin, and its law",
    }[kind]
    assert expected in recitals
    approvals = {
        "town": "the Town Board of Example Nation approved it by Resolution No.",
        "tribe": "the Tribal Council of Example Nation approved it by Resolution No.",
        "state_agency": "Example Nation approved it through its officer authorized to contract",
    }[kind]
    assert approvals in recitals
