"""library diff OLD NEW: added, removed and changed clauses, requirements and options, word diffs,
each change classified as breaking or not; pack folders, installed id@version, built documents."""

from __future__ import annotations

import json

import pytest

from agreement_kit.cli import main
from agreement_kit.packs.diff import diff_sides, load_side
from tests.conftest import EXAMPLES
from tests.helpers import copy_pack, edit


def _versions(tmp_path):
    old = copy_pack(tmp_path, "v1")
    new = copy_pack(tmp_path, "v2")
    edit(new / "pack.yaml", 'version: "0.1.0"', 'version: "0.2.0"')
    return old, new


def _diff(old, new):
    return diff_sides(load_side(str(old)), load_side(str(new)))


def _change(result, kind, item):
    found = [c for c in result.changes if c.kind == kind and c.id == item]
    assert found, f"no {kind} {item} in {[(c.kind, c.id) for c in result.changes]}"
    return found[0]


def test_identical_versions_have_no_changes(tmp_path, capsys):
    old, new = _versions(tmp_path)
    assert _diff(old, new).changes == []
    assert main(["library", "diff", str(old), str(new)]) == 0
    assert "No differences." in capsys.readouterr().out


def test_text_change_is_a_word_diff_and_not_breaking(tmp_path):
    old, new = _versions(tmp_path)
    edit(
        new / "clauses" / "report.yaml",
        "shall report to the {{ district.board }}",
        "shall report in writing to the {{ district.board }}",
    )
    change = _change(_diff(old, new), "clause-changed", "report-board")
    assert not change.is_breaking and "text changed" in change.notes
    assert "report {+in writing+} to the" in change.diff
    assert "content changed but the clause version is still 1.0" in change.notes


@pytest.mark.parametrize(
    ("where", "old_text", "new_text", "kind", "item", "reason"),
    [
        (  # removed clause
            "clauses/main.yaml",
            "- id: extra\n",
            "- id: extra-renamed\n",
            "clause-removed",
            "extra",
            "optional clause removed",
        ),
        (  # new input without a default
            "clauses/main.yaml",
            "    - {id: extra_hours, label: Extra hours, kind: integer}",
            "    - {id: extra_hours, label: Extra hours, kind: integer}\n    - {id: rate, label: Rate, kind: money}",
            "clause-changed",
            "extra",
            "new input 'rate' without a default",
        ),
        (  # changed covers
            "clauses/main.yaml",
            "  covers: [A]",
            "  covers: [A, I]",
            "clause-changed",
            "placement",
            "covers A -> A, I",
        ),
        (  # tier raised
            "clauses/main.yaml",
            "  status: optional\n  default: false",
            "  status: required\n  default: false",
            "clause-changed",
            "extra",
            "tier raised optional -> required",
        ),
        (  # removed requirement
            "policy.yaml",
            "  - id: A\n    title: Placement\n    summary: Officers are placed on specific days.\n    source: item A\n",
            "",
            "requirement-removed",
            "A",
            "requirement removed",
        ),
        (  # option's choices narrowed
            "policy.yaml",
            "      - {value: board, label: Board}\n",
            "",
            "option-changed",
            "report_recipient",
            "lost choice(s) board",
        ),
    ],
)
def test_each_breaking_kind(tmp_path, where, old_text, new_text, kind, item, reason):
    old, new = _versions(tmp_path)
    edit(new / where, old_text, new_text)
    if item == "A" and kind == "requirement-removed":  # keep v2 valid: nothing covers A now
        edit(new / "clauses" / "main.yaml", "  covers: [A]", "  covers: []")
    if reason.startswith("lost choice"):
        edit(new / "policy.yaml", "default: board", "default: district_administrator")
    result = _diff(old, new)
    change = _change(result, kind, item)
    assert change.is_breaking and reason in change.breaking, change.breaking
    assert result.version_advice() is None  # 0.x: no major-version rule yet


def test_input_with_a_default_and_lowered_tier_are_not_breaking(tmp_path):
    old, new = _versions(tmp_path)
    edit(
        new / "clauses" / "main.yaml",
        "    - {id: extra_hours, label: Extra hours, kind: integer}",
        "    - {id: extra_hours, label: Extra hours, kind: integer}\n    - {id: weeks, label: Weeks, kind: integer, default: 36}",
    )
    change = _change(_diff(old, new), "clause-changed", "extra")
    assert not change.is_breaking and "new input 'weeks' (default 36)" in change.notes


def test_breaking_change_without_a_major_bump_is_called_out(tmp_path, capsys):
    old, new = _versions(tmp_path)
    edit(old / "pack.yaml", 'version: "0.1.0"', 'version: "1.0.0"')
    edit(new / "pack.yaml", 'version: "0.2.0"', 'version: "1.1.0"')
    edit(new / "clauses" / "main.yaml", "  covers: [A]", "  covers: [A, I]")
    assert "release it as 2.0.0" in _diff(old, new).version_advice()
    assert main(["library", "diff", str(old), str(new), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["breaking"] is True and data["identical"] is False
    (change,) = data["changes"]
    assert change["kind"] == "clause-changed" and change["breaking_reasons"] == ["covers A -> A, I"]
    assert main(["library", "diff", str(old), str(new)]) == 1
    out = capsys.readouterr().out
    assert "BREAKING  clause changed: placement" in out and "release it as 2.0.0" in out


def test_installed_versions_by_id(tmp_path, monkeypatch, capsys):
    old, new = _versions(tmp_path)
    edit(new / "clauses" / "main.yaml", "  covers: [A]", "  covers: [A, I]")
    monkeypatch.setenv("AGREEMENT_KIT_PACKS", str(tmp_path))
    assert main(["library", "diff", "mini@0.1.0", "mini@0.2.0"]) == 1
    assert "BREAKING  clause changed: placement" in capsys.readouterr().out
    assert main(["library", "diff", "mini@0.1.0", "mini@9"]) == 2
    assert "installed versions: 0.1.0, 0.2.0" in capsys.readouterr().err


def test_diff_against_a_built_documents_provenance(tmp_path, capsys):
    import shutil

    from agreement_kit.resources import bundled_pack_dir

    draft = tmp_path / "riverton.yaml"
    draft.write_bytes((EXAMPLES / "riverton.yaml").read_bytes())
    built = tmp_path / "riverton.docx"
    assert main(["build", str(draft), "-o", str(built)]) == 0
    from agreement_kit.word.properties import read_custom_properties

    props = read_custom_properties(built)
    assert props["Library hash"].startswith("sha256:")
    assert props["Clause: placement-schedule"].endswith("; wi-psl-sro")
    v2 = tmp_path / "v2"
    shutil.copytree(bundled_pack_dir(), v2)
    edit(v2 / "pack.yaml", 'version: "2.0.0"', 'version: "2.1.0"')
    path = v2 / "clauses" / "12-term.yaml"
    edit(path, "- id: termination-end-of-school-year", "- id: termination-school-year-end")
    capsys.readouterr()
    assert main(["library", "diff", str(built), str(bundled_pack_dir())]) == 0
    assert "No differences." in capsys.readouterr().out
    assert main(["library", "diff", str(built), str(v2), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["old"]["kind"] == "document provenance"
    removed = [c for c in data["changes"] if c["kind"] == "clause-removed"]
    assert [c["id"] for c in removed] == ["termination-end-of-school-year"]
    assert removed[0]["breaking"]
    assert main(["library", "diff", str(draft), str(v2)]) == 2  # not a .docx, folder or id
