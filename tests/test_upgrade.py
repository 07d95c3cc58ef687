"""Upgrades don't break drafts: a removed clause the draft only turned off is a warning; new inputs and
options take their defaults at build time; 'upgrade DRAFT' shows what changes and --write records it."""

from __future__ import annotations

import json
import shutil

from agreement_kit import assemble, check_coverage, load_draft, load_library
from agreement_kit.cli import main
from agreement_kit.resources import bundled_pack_dir
from tests.conftest import EXAMPLES
from tests.helpers import edit


def _v2(tmp_path):
    """v2 of the bundled pack: traffic-premises removed, termination-end-of-school-year reworded, a new input
    with a default in the cost-share clause, a new policy option."""
    v2 = tmp_path / "shelf" / "wi-psl-sro-2"
    shutil.copytree(bundled_pack_dir(), v2)
    edit(v2 / "pack.yaml", 'version: "2.0.0"', 'version: "3.0.0"')
    for path in (v2 / "clauses").glob("*.yaml"):
        text = path.read_text("utf-8")
        if "- id: traffic-premises\n" in text:
            start = text.index("- id: traffic-premises\n")
            end = text.find("\n- id:", start + 1)
            path.write_text(text[:start] + (text[end + 1 :] if end != -1 else ""), "utf-8")
        if "- id: termination-end-of-school-year" in text:
            edit(
                path,
                "in this Agreement for any reason, effective on",
                "in this Agreement for any reason at all, effective on",
            )
    edit(
        v2 / "policy.yaml",
        "  - id: report_content\n",
        "  - id: report_format\n    question: How is the report delivered?\n    kind: choice\n"
        "    choices:\n      - {value: written, label: In writing}\n      - {value: oral, label: Orally}\n"
        "    default: written\n  - id: report_content\n",
    )
    return v2


def _draft(tmp_path, pins="{wi-psl-sro: 2.0.0}"):
    draft = tmp_path / "riverton.yaml"
    text = (EXAMPLES / "riverton.yaml").read_text("utf-8")
    draft.write_text(text.replace("packs: []", f"packs: []\npins: {pins}"), "utf-8")
    assert "traffic-premises: false" in text
    return draft


def test_a_removed_clause_the_draft_turned_off_is_a_warning_not_invalid(tmp_path, capsys):
    v2 = _v2(tmp_path)
    draft = _draft(tmp_path)
    assert main(["check", str(draft), "--base", str(v2)]) == 0
    err = capsys.readouterr().err
    assert "leaves out clause 'traffic-premises', which the library no longer has" in err
    assert "last checked against wi-psl-sro 2.0.0; 3.0.0 is loaded" in err
    assert main(["check", str(draft), "--base", str(v2), "--strict"]) == 2
    # ... but a removed clause the draft INCLUDED is an error: the agreement would lose it silently
    edit(draft, "traffic-premises: false", "traffic-premises: true")
    assert main(["check", str(draft), "--base", str(v2)]) == 2
    assert "agreement-kit upgrade" in capsys.readouterr().err


def test_new_option_and_input_defaults_apply_at_build_time(tmp_path):
    v2 = _v2(tmp_path)
    library = load_library(base=v2)
    draft = load_draft(_draft(tmp_path))
    assert "report_format" not in draft.policy_options
    coverage = check_coverage(library, draft)
    assert coverage.complete, coverage.gaps()
    agreement = assemble(library, draft)
    assert agreement.options["report_format"] == "written"


def test_upgrade_shows_what_changes_and_write_records_it(tmp_path, capsys, monkeypatch):
    v2 = _v2(tmp_path)
    draft = _draft(tmp_path)
    old = tmp_path / "shelf" / "wi-psl-sro-1"
    shutil.copytree(bundled_pack_dir(), old)
    monkeypatch.setenv("AGREEMENT_KIT_PACKS", str(tmp_path / "shelf"))
    before = draft.read_text("utf-8")
    assert main(["upgrade", str(draft), "--base", str(v2)]) == 0
    out = capsys.readouterr().out
    assert "compared with wi-psl-sro 2.0.0 (wi-psl-sro 2.0.0 (pinned" in out
    assert "wi-psl-sro: 2.0.0 -> 3.0.0" in out
    assert "clause traffic-premises was left out, and the library no longer has it" in out
    assert "changed: termination-end-of-school-year" in out and "{+reason at all,+}" in out
    assert "policy_options.report_format is not answered; the default 'written' applies" in out
    assert "--write" in out and draft.read_text("utf-8") == before  # nothing written yet

    assert main(["upgrade", str(draft), "--base", str(v2), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    kinds = {(f["kind"], f["id"]) for f in data["findings"]}
    assert ("clause-gone", "traffic-premises") in kinds and (
        "text-changed",
        "termination-end-of-school-year",
    ) in kinds
    assert data["pins"] == {"wi-psl-sro": "3.0.0"} and data["complete_after_upgrade"]

    assert main(["upgrade", str(draft), "--base", str(v2), "--write"]) == 0
    assert "Wrote" in capsys.readouterr().out
    upgraded = load_draft(draft)
    assert upgraded.pins == {"wi-psl-sro": "3.0.0"}
    assert "traffic-premises" not in upgraded.clauses.optional
    assert upgraded.district.name == load_draft(EXAMPLES / "riverton.yaml").district.name
    assert main(["check", str(draft), "--base", str(v2), "--strict"]) == 0  # no warnings left


def test_upgrade_names_a_choice_that_must_be_made_again(tmp_path, capsys):
    v2 = _v2(tmp_path)
    path = v2 / "clauses" / "12-term.yaml"
    edit(path, "- id: termination-end-of-school-year", "- id: termination-school-year-end")
    draft = _draft(tmp_path)
    assert main(["upgrade", str(draft), "--base", str(v2), "--from", str(bundled_pack_dir())]) == 1
    out = capsys.readouterr().out
    assert (
        "the draft chose termination-end-of-school-year for termination-notice, which no longer "
        "offers it" in out
    )
    assert "  ! " in out


def test_upgrade_without_the_old_library_says_so(tmp_path, capsys):
    v2 = _v2(tmp_path)
    draft = _draft(tmp_path, pins="{wi-psl-sro: 0.9.0}")  # a version not installed here
    assert main(["upgrade", str(draft), "--base", str(v2)]) == 0
    assert "give --from OLD" in capsys.readouterr().out


def test_a_new_input_with_a_default_does_not_block_a_build(tmp_path):
    from tests.helpers import MINI_DRAFT, copy_pack

    pack = copy_pack(tmp_path)
    edit(
        pack / "clauses" / "main.yaml",
        "{id: extra_hours, label: Extra hours, kind: integer}",
        "{id: extra_hours, label: Extra hours, kind: integer, default: 4}",
    )
    text = MINI_DRAFT.read_text("utf-8").replace(
        "clauses:\n", "clauses:\n  optional: {extra: true}\n"
    )
    draft = tmp_path / "d.yaml"
    draft.write_text(text, "utf-8")
    library = load_library(base=pack)
    loaded = load_draft(draft)
    assert "extra_hours" not in loaded.values
    assert check_coverage(library, loaded).complete
    extra = next(
        c for s in assemble(library, loaded).sections for c in s.clauses if c.id == "extra"
    )
    assert extra.paragraphs[0].startswith("The officer works 4 extra hours")
