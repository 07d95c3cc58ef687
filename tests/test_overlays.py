"""Overlay packs: each operation, chains and their order, conflicts, version ranges, partial overrides,
the two-defaults case, demotion and narrowing refused — every problem located in the overlay's own file."""

from __future__ import annotations

import pytest

from agreement_kit import ProblemsError, load_library
from agreement_kit.packs.deviations import deviations
from agreement_kit.packs.hashing import clause_hash
from agreement_kit.packs.models import Clause
from tests.helpers import MINI_PACK, copy_pack, edit
from tests.packtools import clause, line_in, mini_clause, only, problems_of, write_pack


def based_on(clause_id: str, base=MINI_PACK) -> dict:
    """What 'library fork' records: the upstream clause's pack, version, hash and text."""
    lib = load_library(base=base)
    upstream = lib.clauses[clause_id]
    return {
        "pack": lib.origins[clause_id],
        "pack_version": lib.pack.version,
        "version": upstream.version,
        "hash": clause_hash(upstream),
        "text": list(upstream.text),
    }


def test_replace_add_drop_and_patch_are_recorded_as_deviations(tmp_path):
    placement = mini_clause("placement") | {
        "title": "Placement (our wording)",
        "based_on": based_on("placement"),
    }
    overlay = write_pack(
        tmp_path / "ours",
        "ours",
        extends="mini>=0.1,<1",
        clauses=[placement, clause("hotline", text=["A tip line is kept."])],
        drop=["extra"],
        patch={
            "clauses": {
                "report-board": {"guidance": "Board, per our counsel.", "citations": ["y"]}
            },
            "options": {"report_recipient": {"default": "district_administrator"}},
        },
    )
    library = load_library([overlay], base=MINI_PACK)
    assert library.clauses["placement"].title == "Placement (our wording)"
    assert "hotline" in library.clauses and "extra" not in library.clauses
    assert library.clauses["report-board"].guidance == "Board, per our counsel."
    assert library.options["report_recipient"].default == "district_administrator"
    assert library.origins["placement"] == "ours" and library.origins["report-board"] == "mini"
    kinds = {(d.kind, d.id) for d in deviations(library)}
    assert kinds == {
        ("replaced", "placement"),
        ("added", "hotline"),
        ("dropped", "extra"),
        ("patched", "report-board"),
        ("option-patched", "report_recipient"),
    }
    replaced = next(d for d in deviations(library) if d.kind == "replaced")
    assert replaced.upstream_status == "required" and replaced.pack == "ours"
    assert replaced.upstream_hash == based_on("placement")["hash"] and not replaced.stale
    assert replaced.file == str(overlay / "clauses" / "ours.yaml") and replaced.line == 1
    patched = next(d for d in deviations(library) if d.kind == "patched")
    assert patched.fields["citations"] == (["Policy item I"], ["y"])
    assert patched.line == line_in(overlay / "pack.yaml", "report-board:")
    assert library.warnings == []  # the replacement records its base, which is current


def test_patch_changes_an_input_default_without_copying_the_clause(tmp_path):
    overlay = write_pack(
        tmp_path / "ours",
        "ours",
        patch={"clauses": {"extra": {"default": True, "inputs": {"extra_hours": {"default": 4}}}}},
    )
    library = load_library([overlay], base=MINI_PACK)
    extra = library.clauses["extra"]
    assert extra.default is True and extra.inputs[0].default == 4
    assert extra.text == Clause.model_validate(mini_clause("extra")).text
    (patched,) = deviations(library)
    assert patched.fields == {"default": (False, True), "inputs.extra_hours.default": (None, 4)}
    assert patched.hash != patched.upstream_hash  # an input default is part of the content hash


def test_patch_names_an_unknown_input_with_a_suggestion(tmp_path):
    overlay = write_pack(
        tmp_path / "ours", "ours", patch={"clauses": {"extra": {"inputs": {"extra_hour": {}}}}}
    )
    problem = only(problems_of(overlay), "has no input 'extra_hour'")
    assert "did you mean 'extra_hours'" in problem.message
    assert problem.file == str(overlay / "pack.yaml")
    assert problem.line == line_in(overlay / "pack.yaml", "extra_hour:")


def test_patch_refuses_text_fields():
    # text, title and covers are changed by replacing (so the change has a recorded base)
    from pydantic import ValidationError

    from agreement_kit.packs.models import ClausePatch

    with pytest.raises(ValidationError):
        ClausePatch.model_validate({"text": ["New words."]})


def test_chain_applies_in_extends_order_whatever_the_listing_order(tmp_path):
    cesa = write_pack(
        tmp_path / "cesa",
        "cesa-7",
        version="2.1.0",
        extends="mini>=0.1,<1",
        patch={"clauses": {"extra": {"guidance": "CESA 7 wording."}}},
    )
    district = write_pack(
        tmp_path / "district",
        "lakeside",
        extends="cesa-7>=2.0,<3",
        patch={"clauses": {"extra": {"guidance": "Lakeside wording."}}},
    )
    library = load_library([district, cesa], base=MINI_PACK)  # listed child first
    assert [p.id for p in library.packs] == ["mini", "cesa-7", "lakeside"]
    assert [(s.id, s.extends) for s in library.stack] == [
        ("mini", None),
        ("cesa-7", "mini"),
        ("lakeside", "cesa-7"),
    ]
    assert library.clauses["extra"].guidance == "Lakeside wording."  # the child wins
    patches = [(d.pack, d.upstream_pack) for d in deviations(library)]
    assert patches == [("cesa-7", "mini"), ("lakeside", "mini")]


def test_extends_cycle_is_reported_at_each_extends_line(tmp_path):
    a = write_pack(tmp_path / "a", "pack-a", extends="pack-b")
    b = write_pack(tmp_path / "b", "pack-b", extends="pack-a")
    problems = [p for p in problems_of(a, b) if p.code == "extends-cycle"]
    assert {p.file for p in problems} == {str(a / "pack.yaml"), str(b / "pack.yaml")}
    assert all(p.line == 4 and p.field == "extends" for p in problems)
    assert "pack-a -> pack-b -> pack-a" in problems[0].message


def test_extends_a_pack_that_is_not_loaded(tmp_path):
    district = write_pack(tmp_path / "d", "lakeside", extends="cesa-7>=2")
    problem = only(problems_of(district), "extends 'cesa-7', which is not loaded")
    assert (problem.file, problem.line) == (str(district / "pack.yaml"), 4)
    assert "AGREEMENT_KIT_PACKS" in problem.hint


@pytest.mark.parametrize("spec", ["mini", "mini>=0.1", "mini>=0.1,<1", "mini==0.1.*", "mini@0.1.0"])
def test_version_ranges_the_base_satisfies_are_accepted(tmp_path, spec):
    overlay = write_pack(tmp_path / "o", "ours", extends=spec)
    assert [p.id for p in load_library([overlay], base=MINI_PACK).packs] == ["mini", "ours"]


@pytest.mark.parametrize("spec", ["mini>=1.0,<2", "mini<0.1", "mini==0.2.*"])
def test_version_ranges_the_base_does_not_satisfy_are_refused(tmp_path, spec):
    overlay = write_pack(tmp_path / "o", "ours", extends=spec)
    problem = only(problems_of(overlay), "this pack was written for")
    assert "mini 0.1.0 is loaded" in problem.message and problem.code == "extends-version"
    assert (problem.file, problem.line, problem.field) == (str(overlay / "pack.yaml"), 4, "extends")
    assert "library diff" in problem.hint


@pytest.mark.parametrize(
    ("field", "value", "needle"),
    [
        ("version", "soon", "is not a version number"),
        ("extends", "mini >= one", "is not a version range"),
        ("extends", "Mini Pack", "is not a pack id"),
    ],
)
def test_malformed_versions_and_ranges_are_located(tmp_path, field, value, needle):
    overlay = write_pack(tmp_path / "o", "ours", **{field: value})
    problem = only(problems_of(overlay), needle)
    assert problem.file == str(overlay / "pack.yaml")
    assert problem.line == line_in(overlay / "pack.yaml", f"{field}:")


def test_overlay_without_extends_warns_and_applies_over_the_base(tmp_path):
    overlay = write_pack(tmp_path / "o", "ours", extends=None)
    library = load_library([overlay], base=MINI_PACK)
    (warning,) = library.warnings
    assert warning.code == "extends-missing" and "extends: mini>=0.1.0,<1" in warning.hint
    with pytest.raises(ProblemsError):
        load_library([overlay], base=MINI_PACK, strict=True)


def test_sibling_overlays_changing_the_same_clause_conflict(tmp_path):
    one = write_pack(
        tmp_path / "one", "one", patch={"clauses": {"extra": {"guidance": "One's note."}}}
    )
    two = write_pack(
        tmp_path / "two", "two", patch={"clauses": {"extra": {"guidance": "Two's note."}}}
    )
    problem = only(problems_of(one, two), "is also changed by pack 'one'")
    assert problem.code == "overlay-conflict" and problem.file == str(two / "pack.yaml")
    assert problem.line == line_in(two / "pack.yaml", "extra:")
    assert "extends: one" in problem.hint
    # stated order: two extends one -> no conflict, two wins
    write_pack(
        tmp_path / "two", "two", extends="one", patch={"clauses": {"extra": {"guidance": "Two's."}}}
    )
    assert load_library([one, two], base=MINI_PACK).clauses["extra"].guidance == "Two's."


def test_added_alternative_with_a_second_default_is_located_in_the_overlay(tmp_path):
    new_member = clause(
        "report-committee",
        section="reporting",
        status="required",
        group="report",
        default=True,
        covers=["I"],
        text=["{{ agency.The }} shall report to the committee each year."],
    )
    overlay = write_pack(tmp_path / "o", "ours", clauses=[new_member])
    problem = only(problems_of(overlay), "more than one default clause")
    assert problem.file == str(overlay / "clauses" / "ours.yaml")
    assert problem.line == 1
    # the partial override that makes it right: the old default patched off
    write_pack(
        tmp_path / "o",
        "ours",
        clauses=[new_member],
        patch={"clauses": {"report-board": {"default": False}}},
    )
    library = load_library([overlay], base=MINI_PACK)
    assert library.groups["report"] == ["report-board", "report-da", "report-committee"]
    assert library.group_default("report") == "report-committee"


def test_patching_a_second_default_is_located_at_the_patch(tmp_path):
    overlay = write_pack(
        tmp_path / "o", "ours", patch={"clauses": {"report-da": {"default": True}}}
    )
    problem = only(problems_of(overlay), "more than one default clause")
    assert problem.file == str(overlay / "pack.yaml")
    assert problem.line == line_in(overlay / "pack.yaml", "default: true")


def test_patching_away_the_only_default_of_a_required_group(tmp_path):
    overlay = write_pack(
        tmp_path / "o", "ours", patch={"clauses": {"report-board": {"default": False}}}
    )
    problem = only(problems_of(overlay), "has no default clause")
    assert problem.file == str(overlay / "pack.yaml")


def test_replacement_cannot_demote_a_required_clause(tmp_path):
    weaker = mini_clause("placement") | {"status": "optional", "based_on": based_on("placement")}
    overlay = write_pack(tmp_path / "o", "ours", clauses=[weaker], drop=["placement"])
    problems = problems_of(overlay)
    problem = only(problems, "is required in mini; an overlay cannot make it optional")
    path = overlay / "clauses" / "ours.yaml"
    assert (problem.file, problem.line, problem.code) == (
        str(path),
        line_in(path, "status: optional"),
        "demotion-refused",
    )
    assert only(problems, "cannot be dropped").file == str(overlay / "pack.yaml")


def test_patch_cannot_demote_a_required_clause(tmp_path):
    overlay = write_pack(
        tmp_path / "o", "ours", patch={"clauses": {"placement": {"status": "recommended"}}}
    )
    problem = only(problems_of(overlay), "cannot make it recommended")
    assert problem.file == str(overlay / "pack.yaml")
    assert problem.line == line_in(overlay / "pack.yaml", "status: recommended")


def test_demote_entry_cannot_demote_a_required_clause(tmp_path):
    overlay = write_pack(
        tmp_path / "o", "ours", demote=[{"clause": "placement", "reason": "we prefer not"}]
    )
    problem = only(problems_of(overlay), "it cannot be demoted")
    assert problem.line == line_in(overlay / "pack.yaml", "clause: placement")


def _recommended_base(tmp_path):
    base = copy_pack(tmp_path, "base")
    edit(
        base / "clauses" / "main.yaml",
        "  status: optional\n  default: false",
        "  status: recommended",
    )
    return base


def test_recommended_clause_is_demoted_or_dropped_only_with_a_recorded_reason(tmp_path):
    base = _recommended_base(tmp_path)
    quiet = write_pack(
        tmp_path / "q", "quiet", patch={"clauses": {"extra": {"status": "optional"}}}
    )
    problem = only(problems_of(quiet, base=base), "needs a recorded reason")
    assert problem.code == "demotion-unrecorded" and problem.file == str(quiet / "pack.yaml")
    assert "demote: [{clause: extra, reason: ...}]" in problem.hint
    dropper = write_pack(tmp_path / "d", "dropper", drop=["extra"])
    assert only(problems_of(dropper, base=base), "dropping it needs a recorded reason")

    reason = "Our officers never work extra duty; the board decided so in 2026."
    said = write_pack(tmp_path / "s", "said", demote=[{"clause": "extra", "reason": reason}])
    library = load_library([said], base=base)
    assert library.clauses["extra"].status == "optional"
    (demoted,) = deviations(library)
    assert (demoted.kind, demoted.id, demoted.reason) == ("demoted", "extra", reason)
    assert reason in demoted.summary()
    dropped = write_pack(
        tmp_path / "s2", "said2", drop=["extra"], demote=[{"clause": "extra", "reason": reason}]
    )
    library = load_library([dropped], base=base)
    assert "extra" not in library.clauses
    assert {d.kind for d in deviations(library)} == {"demoted", "dropped"}


def test_duplicate_and_unknown_drops(tmp_path):
    overlay = write_pack(tmp_path / "o", "ours", drop=["extra", "extra", "extr"])
    problems = problems_of(overlay)
    duplicate = only(problems, "listed twice in drop")
    assert duplicate.code == "duplicate-drop" and duplicate.field == "drop.1"
    first = line_in(overlay / "pack.yaml", "- extra")
    assert duplicate.line == line_in(overlay / "pack.yaml", "- extra", start=first + 1)
    typo = only(problems, "'extr' is unknown")
    assert "did you mean 'extra'" in typo.message
    # a name with no close match: most likely removed upstream; a warning, not an error
    gone = write_pack(tmp_path / "g", "gone", drop=["advisory-committee"])
    library = load_library([gone], base=MINI_PACK)
    (warning,) = library.warnings
    assert warning.code == "drop-gone" and "removed upstream?" in warning.message
    assert warning.file == str(gone / "pack.yaml") and warning.line == 6


def test_overlay_that_breaks_a_group_is_blamed_not_the_base(tmp_path):
    moved = mini_clause("report-da") | {"based_on": based_on("report-da")}
    moved.pop("group")
    overlay = write_pack(tmp_path / "o", "ours", clauses=[moved])
    problem = only(problems_of(overlay), "has only one clause after the overlay packs")
    assert problem.file == str(overlay / "clauses" / "ours.yaml")


def test_replacement_that_drops_a_covers_entry_is_blamed(tmp_path):
    uncovering = mini_clause("placement") | {"covers": [], "based_on": based_on("placement")}
    overlay = write_pack(tmp_path / "o", "ours", clauses=[uncovering])
    problem = only(problems_of(overlay), "requirement 'A' (Placement) is covered by no clause")
    path = overlay / "clauses" / "ours.yaml"
    assert problem.file == str(path) and problem.line == line_in(path, "covers:")


def test_applies_if_naming_an_impossible_value_is_an_error(tmp_path):
    policy = {
        "requirements": [
            {
                "id": "I",
                "title": "Annual report",
                "summary": "An annual report.",
                "source": "item I",
                "applies_if": {"report_recipient": "mayor"},
            }
        ]
    }
    overlay = write_pack(
        tmp_path / "o",
        "ours",
        policy=policy,
        narrow=[{"requirement": "I", "reason": "our board adopted another version"}],
    )
    problem = only(problems_of(overlay), "which that option can never be")
    assert problem.code == "impossible-condition"
    assert problem.file == str(overlay / "policy.yaml")
    assert problem.line == line_in(overlay / "policy.yaml", "report_recipient: mayor")


def test_a_new_option_switching_off_a_base_requirement_must_be_declared(tmp_path):
    policy = {
        "options": [
            {
                "id": "has_placement",
                "question": "Placed officers?",
                "kind": "bool",
                "default": False,
            }
        ],
        "requirements": [
            {
                "id": "A",
                "title": "Placement",
                "summary": "Officers are placed on specific days.",
                "source": "item A",
                "applies_if": {"has_placement": True},
            }
        ],
    }
    overlay = write_pack(tmp_path / "o", "ours", policy=policy)
    problem = only(problems_of(overlay), "this overlay makes it apply only when has_placement")
    assert problem.code == "requirement-narrowed"
    assert problem.file == str(overlay / "policy.yaml")
    assert problem.line == line_in(overlay / "policy.yaml", "applies_if:")
    assert "narrow: [{requirement: A" in problem.hint
    reason = "Our adopted policy 8407 makes placement optional."
    write_pack(
        tmp_path / "o", "ours", policy=policy, narrow=[{"requirement": "A", "reason": reason}]
    )
    library = load_library([overlay], base=MINI_PACK)
    narrowed = [d for d in deviations(library) if d.kind == "requirement-narrowed"]
    assert [(d.id, d.reason) for d in narrowed] == [("A", reason)]


def test_patching_an_option_default_that_switches_a_requirement_off_warns(tmp_path):
    base = copy_pack(tmp_path, "base")
    edit(
        base / "policy.yaml",
        "    source: item I",
        "    source: item I\n    applies_if: {report_recipient: board}",
    )
    overlay = write_pack(
        tmp_path / "o",
        "ours",
        patch={"options": {"report_recipient": {"default": "district_administrator"}}},
    )
    library = load_library([overlay], base=base)
    (warning,) = library.warnings
    assert (
        warning.code == "requirement-off-by-default" and "switches requirement I" in warning.message
    )
    assert warning.file == str(overlay / "pack.yaml")
    assert warning.line == line_in(overlay / "pack.yaml", "report_recipient:")


def test_patching_an_option_to_a_value_it_cannot_take(tmp_path):
    overlay = write_pack(
        tmp_path / "o", "ours", patch={"options": {"report_recipient": {"default": "mayor"}}}
    )
    problem = only(problems_of(overlay), "mayor")
    assert problem.file == str(overlay / "pack.yaml")
    assert problem.line == line_in(overlay / "pack.yaml", "default: mayor")


def test_unknown_patch_target_suggests_the_right_id(tmp_path):
    overlay = write_pack(tmp_path / "o", "ours", patch={"clauses": {"placment": {"order": 5}}})
    problem = only(problems_of(overlay), "'placment' is unknown")
    assert "did you mean 'placement'" in problem.message
    assert problem.line == line_in(overlay / "pack.yaml", "placment:")


def test_clause_problems_in_an_overlay_point_at_the_overlay(tmp_path):
    bad = clause("hotline", section="nowhere", covers=["Z"], text=["{{ distict.name }}"])
    overlay = write_pack(tmp_path / "o", "ours", clauses=[bad])
    path = str(overlay / "clauses" / "ours.yaml")
    problems = problems_of(overlay)
    for needle in ("unknown section 'nowhere'", "unknown requirement 'Z'", "'distict'"):
        assert only(problems, needle).file == path
