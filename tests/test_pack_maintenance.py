"""A consultant's maintenance loop over a CESA layer and a district layer (the minimal fixture pack as
the base, so the loop does not depend on the bundled pack's clause ids): the messages say which file
and line, and every command a hint prints does what it says when run as printed."""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

import pytest

from agreement_kit import load_library
from agreement_kit.cli import main
from tests.helpers import MINI_DRAFT, MINI_PACK, edit, line_of
from tests.packtools import write_pack

CLAUSE = "report-board"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A CESA's pack repository: base/ (the standard pack), packs/cesa, packs/district, drafts/."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(MINI_PACK, tmp_path / "base")
    write_pack(tmp_path / "packs" / "cesa", "cesa", extends="mini>=0.1,<1")
    write_pack(tmp_path / "packs" / "district", "district", extends="cesa>=1.0,<2")
    (tmp_path / "drafts").mkdir()
    draft = tmp_path / "drafts" / "district.yaml"
    draft.write_text(
        MINI_DRAFT.read_text("utf-8").replace(
            "format: 1\n", "format: 1\npacks: [../packs/cesa, ../packs/district]\n"
        ),
        "utf-8",
    )
    return tmp_path


def _fork(capsys):
    args = ["library", "fork", CLAUSE, "-o", "packs/district", "--base", "base", "-L", "packs/cesa"]
    assert main(args) == 0
    capsys.readouterr()
    return Path("packs/district/clauses") / f"{CLAUSE}.yaml"


def _v2(root: Path, version: str = "0.2.0") -> Path:
    """The standard pack's next release, rewording the clause the district forked."""
    v2 = root / "base-v2"
    shutil.copytree(MINI_PACK, v2)
    edit(v2 / "pack.yaml", 'version: "0.1.0"', f'version: "{version}"')
    edit(v2 / "clauses" / "report.yaml", "shall report to the", "shall report in writing to the")
    return v2


def _hint_command(hint: str) -> list[str]:
    """The agreement-kit command a hint tells the user to run, as arguments for main()."""
    line = hint.splitlines()[0]
    command = line[line.index("agreement-kit ") :]
    return shlex.split(command)[1:]


def test_a_relative_allow_pack_path_trusts_the_folder(repo, capsys):
    assert main(["check", "drafts/district.yaml", "--base", "base"]) == 2
    assert "outside the draft's own folder" in capsys.readouterr().err
    # 'packs' has no slash and could read as a pack id; as --allow-pack-path it is a folder
    assert (
        main(["check", "drafts/district.yaml", "--base", "base", "--allow-pack-path", "packs"]) == 0
    )
    out = capsys.readouterr().out
    assert "/../" not in out  # the packs in effect, named without detours
    assert f"(draft packs[1]: {repo / 'packs' / 'district'})" in out


def test_following_the_upstream_moved_hint_records_the_new_base(repo, capsys):
    copy = _fork(capsys)
    edit(copy, "shall report to the", "shall report promptly to the")  # the district's wording
    _v2(repo)
    assert main(["library", "validate", "--base", "base-v2", "packs/cesa", "packs/district"]) == 0
    err = capsys.readouterr().err
    assert f"warning: {copy}:{line_of(copy, 'based_on:')}:1: clause {CLAUSE}" in err
    library = load_library(["packs/cesa", "packs/district"], base="base-v2")
    (warning,) = [w for w in library.warnings if w.code == "upstream-moved"]
    assert "{+in writing+}" in warning.hint
    command = _hint_command(warning.hint)
    # the same upstream as the one that moved: the new base, the layer the district extends
    assert command == [
        *("library", "fork", CLAUSE, "-o", "packs/district", "--update-base"),
        *("--base", "base-v2", "-L", "packs/cesa"),
    ]
    before = copy.read_text("utf-8")
    assert main(command) == 0
    assert "is now based on mini 0.2.0" in capsys.readouterr().out
    after = copy.read_text("utf-8")
    # only based_on changed: the district's lines are exactly as they were
    assert after[: after.index("based_on:")] == before[: before.index("based_on:")]
    assert "promptly" in after  # wording kept
    assert load_library(["packs/cesa", "packs/district"], base="base-v2").warnings == []
    assert main([*command, "--strict"]) == 0  # run again: nothing to do, nothing written
    assert "already based on the upstream loaded here" in capsys.readouterr().out
    assert copy.read_text("utf-8") == after


def test_update_base_without_the_layer_it_extends_is_refused(repo, capsys):
    _fork(capsys)
    assert main(["library", "fork", CLAUSE, "-o", "packs/district", "--update-base"]) == 2
    err = capsys.readouterr().err
    manifest = Path("packs/district/pack.yaml")
    assert f"{manifest}:{line_of(manifest, 'extends:')}:1: extends:" in err
    assert "district extends 'cesa', which is not loaded" in err and "-L" in err


def test_an_upstream_moved_hint_over_the_bundled_pack_names_no_base(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    clause_id = next(iter(load_library().clauses))
    assert main(["library", "fork", clause_id, "-o", "mine"]) == 0
    copy = Path("mine/clauses") / f"{clause_id}.yaml"
    text = copy.read_text("utf-8")
    start = text.index("  hash: sha256:") + len("  hash: sha256:")
    copy.write_text(text[:start] + "0" * 64 + text[start + 64 :], "utf-8")  # an older base
    (warning,) = load_library(["mine"]).warnings
    assert _hint_command(warning.hint) == [
        *("library", "fork", clause_id, "-o", "mine", "--update-base")
    ]


def test_a_base_out_of_range_names_the_range_as_written_and_a_diff_to_run(repo, capsys):
    _v2(repo, version="1.0.0")  # a major release: out of the CESA layer's range
    assert main(["library", "validate", "--base", "base-v2", "packs/cesa"]) == 2
    err = capsys.readouterr().err
    manifest = Path("packs/cesa/pack.yaml")
    assert f"{manifest}:{line_of(manifest, 'extends:')}:1: extends:" in err
    assert "this pack was written for mini>=0.1,<1, but mini 1.0.0 is loaded (from base-v2)" in err
    assert "library diff OLD (mini as you wrote for) base-v2" in err
    assert 'extends: "mini>=1.0.0,<2"' in err


def test_diff_with_the_same_layers_on_both_sides(repo, capsys):
    copy = _fork(capsys)
    edit(copy, "shall report to the", "shall report promptly to the")
    _v2(repo)
    # the bases alone: the reworded clause
    assert main(["library", "diff", "base", "base-v2"]) == 1
    assert "clause changed: report-board" in capsys.readouterr().out
    # as the district's stack sees it: the district's own copy wins on both sides
    layers = ["-L", "packs/cesa", "-L", "packs/district"]
    assert main(["library", "diff", "base", "base-v2", *layers, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [p["id"] for p in data["new"]["packs"]] == ["mini", "cesa", "district"]
    assert data["identical"] and data["version_advice"] is None


def test_diff_of_sides_with_different_packs_says_so_and_gives_no_version_advice(repo, capsys):
    _fork(capsys)
    edit(
        Path("packs/district/clauses") / f"{CLAUSE}.yaml", "report to the", "report at once to the"
    )
    assert (
        main(["library", "diff", "base", "packs/district", "-L", "packs/cesa", "--base", "base"])
        == 1
    )
    out = capsys.readouterr().out
    assert "the two sides load different packs" in out and "include what district changes" in out
    assert "Version:" not in out  # mini's version did not have to move: district's did


def test_upgrade_loads_the_pinned_library_with_the_trusted_packs(repo, capsys, monkeypatch):
    _v2(repo)
    draft = Path("drafts/district.yaml")
    edit(draft, "format: 1\n", "format: 1\npins: {mini: 0.1.0}\n")
    monkeypatch.setenv("AGREEMENT_KIT_PACKS", str(repo / "base"))  # where 0.1.0 is installed
    args = ["upgrade", str(draft), "--base", "base-v2", "--allow-pack-path", "packs"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "compared with mini 0.1.0 + cesa 1.0.0 + district 1.0.0" in out
    assert "changed: report-board" in out and "{+in writing+}" in out


def test_fork_points_editors_at_the_repositorys_own_schemas(repo, capsys):
    assert main(["library", "schema", "-o", "schemas"]) == 0
    copy = _fork(capsys)
    first = copy.read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../../schemas/clause.schema.json"
    assert (copy.parent / first.split("$schema=", 1)[1]).resolve().is_file()


def test_a_chain_over_a_missing_base_is_not_called_a_cycle(repo, capsys):
    assert main(["library", "validate", "packs/cesa", "packs/district"]) == 2  # no --base
    err = capsys.readouterr().err
    assert "cycle" not in err
    assert "packs/cesa/pack.yaml:4:1: extends: this pack extends 'mini', which is not loaded" in err
    assert "--base if it is a base pack" in err
    assert (
        "packs/district/pack.yaml:4:1: extends: this pack extends 'cesa', which cannot be "
        "applied: district -> cesa -> mini, and 'mini' is not loaded"
    ) in err
