"""Replacements remember their base: 'library fork' records it; an upstream change to the clause
warns with the upstream word diff (validate, check), --strict fails; --update-base records the new base."""

from __future__ import annotations

import json
import shutil

import pytest

from agreement_kit import ProblemsError, load_library
from agreement_kit.cli import main
from agreement_kit.packs.deviations import deviations
from agreement_kit.resources import bundled_pack_dir
from tests.conftest import EXAMPLES
from tests.helpers import edit

CLAUSE = "termination-on-notice"
OLD = "in this Agreement for any reason by giving the"
NEW = "in this Agreement for any reason at all by giving the"


def _v2(tmp_path):
    """A simulated v2 of the bundled pack that rewords the clause the district forked."""
    v2 = tmp_path / "wi-psl-sro-v2"
    shutil.copytree(bundled_pack_dir(), v2)
    edit(v2 / "pack.yaml", 'version: "2.0.0"', 'version: "2.1.0"')
    path = v2 / "clauses" / "12-term.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f"- id: {CLAUSE}")
    block = text[start : text.index("\n- id:", start + 1)]
    assert OLD in block
    new_block = block.replace('version: "2.0"', 'version: "2.1"').replace(OLD, NEW)
    path.write_text(text.replace(block, new_block), encoding="utf-8")
    return v2


def _fork(tmp_path, capsys):
    pack = tmp_path / "district"
    assert main(["library", "fork", CLAUSE, "-o", str(pack)]) == 0
    out = capsys.readouterr().out
    assert f"Wrote {pack / 'pack.yaml'}" in out and "edit its wording" in out
    copy = pack / "clauses" / f"{CLAUSE}.yaml"
    assert copy.read_text("utf-8").startswith("# yaml-language-server: $schema=")
    return pack, copy


def test_fork_copies_a_clause_with_its_base_and_changes_nothing(tmp_path, capsys):
    pack, copy = _fork(tmp_path, capsys)
    library = load_library([pack])
    assert library.warnings == []
    (replaced,) = deviations(library)
    assert replaced.kind == "replaced" and replaced.diff == "" and not replaced.stale
    assert library.clause_hash(CLAUSE) == load_library().clause_hash(CLAUSE)
    assert 'extends: "wi-psl-sro>=2.0.0,<3"' in (pack / "pack.yaml").read_text("utf-8")
    assert main(["library", "fork", CLAUSE, "-o", str(pack)]) == 2  # never replaced silently
    assert main(["library", "fork", "termination-on-notic", "-o", str(pack)]) == 2
    assert "did you mean 'termination-on-notice'" in capsys.readouterr().err


def test_upstream_change_to_a_replaced_clause_warns_and_strict_fails(tmp_path, capsys):
    pack, copy = _fork(tmp_path, capsys)
    edit(copy, "summary: Any party", "summary: Our wording. Any party")
    edit(copy, "notice stating the date on which", "notice stating the calendar date on which")
    v2 = _v2(tmp_path)

    library = load_library([pack], base=v2)
    (warning,) = [w for w in library.warnings if w.code == "upstream-moved"]
    assert warning.severity == "warning" and warning.file == str(copy)
    assert f"your replacement of {CLAUSE} was based on wi-psl-sro 2.0.0" in warning.message
    assert "upstream it is now clause version 2.1 in wi-psl-sro 2.1.0" in warning.message
    assert "{+at all+}" in warning.hint  # the upstream word diff
    (replaced,) = deviations(library)
    assert replaced.stale
    with pytest.raises(ProblemsError) as info:
        load_library([pack], base=v2, strict=True)
    assert any(p.code == "upstream-moved" and p.severity == "error" for p in info.value.problems)

    # the CLI: validate warns and succeeds; --strict fails for CI
    assert main(["library", "validate", "--base", str(v2), str(pack)]) == 0
    err = capsys.readouterr().err
    assert "warning:" in err and "upstream" in err and "at all" in err
    assert main(["library", "validate", "--base", str(v2), str(pack), "--strict"]) == 2
    # check warns on a draft too, and --strict fails it
    draft = tmp_path / "district" / "riverton.yaml"
    draft.write_text(
        (EXAMPLES / "riverton.yaml").read_text("utf-8").replace("packs: []", "packs: [.]"), "utf-8"
    )
    capsys.readouterr()
    assert main(["check", str(draft), "--base", str(v2)]) == 0
    assert "upstream-moved" not in capsys.readouterr().out
    assert main(["check", str(draft), "--base", str(v2), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [w["code"] for w in data["library"]["warnings"]] == ["upstream-moved"]
    assert main(["check", str(draft), "--base", str(v2), "--strict"]) == 2

    # the maintainer merges what they need, then records the new base: the warning goes
    assert (
        main(["library", "fork", CLAUSE, "-o", str(pack), "--base", str(v2), "--update-base"]) == 0
    )
    text = copy.read_text("utf-8")
    assert "the calendar date on which" in text and "Our wording." in text  # wording kept
    library = load_library([pack], base=v2)
    assert library.warnings == []
    assert not deviations(library)[0].stale


def test_replacement_without_a_recorded_base_warns(tmp_path, capsys):
    pack, copy = _fork(tmp_path, capsys)
    text = copy.read_text("utf-8")
    copy.write_text(text[: text.index("based_on:")], "utf-8")
    (warning,) = load_library([pack]).warnings
    assert warning.code == "replaced-without-base" and "--update-base" in warning.hint


def test_list_json_and_deviations(tmp_path, capsys):
    pack, copy = _fork(tmp_path, capsys)
    edit(copy, "notice stating the date on which", "notice stating the calendar date on which")
    assert main(["library", "list", "--json", "-L", str(pack)]) == 0
    data = json.loads(capsys.readouterr().out)
    clause = next(c for c in data["clauses"] if c["id"] == CLAUSE)
    assert clause["pack"] == "district" and clause["hash"].startswith("sha256:")
    assert clause["status"] == "required" and clause["text"][0].startswith("Notwithstanding")
    assert clause["based_on"]["pack"] == "wi-psl-sro" and clause["file"] == str(copy)
    cost = next(c for c in data["clauses"] if c["id"] == "cost-share-percentage")
    assert cost["inputs"][0]["id"] and cost["pack"] == "wi-psl-sro"
    assert [p["id"] for p in data["library"]["packs"]] == ["wi-psl-sro", "district"]

    assert main(["library", "list", "--deviations", "-L", str(pack)]) == 0
    out = capsys.readouterr().out
    assert f"required clause {CLAUSE} replaced by district 0.1.0" in out
    assert "[-the-]{+the calendar+}" in out or "{+calendar+}" in out
    assert main(["library", "list", "--deviations", "--json", "-L", str(pack)]) == 0
    (item,) = json.loads(capsys.readouterr().out)["deviations"]
    assert item["kind"] == "replaced" and "calendar" in item["diff"]
    assert main(["library", "list", "--deviations"]) == 0
    assert "No deviations" in capsys.readouterr().out
