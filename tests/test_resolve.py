"""The one resolver: base or --base, the draft's packs: (folders confined to the draft's tree, or
installed ids), then --library; installed packs from AGREEMENT_KIT_PACKS; the API honours the draft."""

from __future__ import annotations

import os
import shutil

import pytest

from agreement_kit import ProblemsError, check_coverage, load_draft, load_library, load_library_for
from agreement_kit.cli import main
from agreement_kit.packs.resolve import resolve_packs
from agreement_kit.resources import bundled_pack_dir
from tests.conftest import EXAMPLES
from tests.packtools import clause, write_pack

OVERLAY_CLAUSE = clause(
    "hotline",
    section="general",
    title="Tip Line",
    text=["The District keeps an anonymous tip line."],
)


def _draft(folder, packs):
    text = (EXAMPLES / "riverton.yaml").read_text(encoding="utf-8")
    draft = folder / "riverton.yaml"
    draft.write_text(text.replace("packs: []", f"packs: {packs}"), encoding="utf-8")
    return draft


def _overlay(folder, pack_id="district", **kw):
    kw.setdefault("extends", "wi-psl-sro>=2.0,<3")
    kw.setdefault("clauses", [OVERLAY_CLAUSE])
    return write_pack(folder, pack_id, **kw)


def test_api_honours_the_drafts_packs_like_the_cli(tmp_path, capsys):
    _overlay(tmp_path / "packs" / "district")
    draft = _draft(tmp_path, "[packs/district]")
    library = load_library(draft=load_draft(draft))
    assert "hotline" in library.clauses
    assert [(s.id, s.origin) for s in library.stack] == [
        ("wi-psl-sro", "bundled"),
        ("district", "draft packs[0]"),
    ]
    assert load_library_for(draft).library_hash == library.library_hash
    coverage = check_coverage(library, load_draft(draft))
    assert "hotline" in coverage.included
    assert main(["check", str(draft)]) == 0
    out = capsys.readouterr().out
    assert "district 1.0.0 over wi-psl-sro (draft packs[0]" in out
    assert "Deviations from the standard library: 1 clause(s) added" in out


def test_a_draft_cannot_name_a_pack_folder_outside_its_own_tree(tmp_path):
    outside = _overlay(tmp_path / "elsewhere" / "district")
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    for entry in ("../elsewhere/district", str(outside)):
        draft = _draft(drafts, f"['{entry}']")
        with pytest.raises(ProblemsError) as info:
            load_library(draft=load_draft(draft))
        (problem,) = info.value.problems
        assert problem.file == str(draft) and problem.line == 4 and problem.field == "packs[0]"
        assert "outside the draft's own folder" in problem.message
        assert "--allow-pack-path" in problem.hint
        library = load_library(draft=load_draft(draft), allow_paths=[tmp_path / "elsewhere"])
        assert "hotline" in library.clauses
        library = load_library([outside], draft=load_draft(draft))  # named on the command line
        assert [s.id for s in library.stack] == ["wi-psl-sro", "district"]  # loaded once


def test_a_symlink_inside_the_draft_folder_cannot_lead_out(tmp_path):
    outside = _overlay(tmp_path / "elsewhere" / "district")
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    (drafts / "district").symlink_to(outside, target_is_directory=True)
    draft = _draft(drafts, "[district]")
    with pytest.raises(ProblemsError) as info:
        load_library(draft=load_draft(draft))
    assert "outside the draft's own folder" in info.value.problems[0].message


def test_installed_packs_by_id_and_version_from_the_environment(tmp_path, monkeypatch):
    shelf = tmp_path / "shelf"
    _overlay(shelf / "district-v1", version="1.2.0")
    _overlay(shelf / "district-v2", version="2.0.0", clauses=[OVERLAY_CLAUSE | {"version": "2"}])
    monkeypatch.setenv("AGREEMENT_KIT_PACKS", str(shelf))
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    newest = load_library(draft=load_draft(_draft(drafts, "[district]")))
    assert newest.stack[1].version == "2.0.0" and "AGREEMENT_KIT_PACKS" in newest.stack[1].origin
    pinned = load_library(draft=load_draft(_draft(drafts, "['district>=1,<2']")))
    assert pinned.stack[1].version == "1.2.0"
    assert load_library(["district@1.2.0"]).stack[1].version == "1.2.0"
    with pytest.raises(ProblemsError) as info:
        load_library(draft=load_draft(_draft(drafts, "['district>=3']")))
    assert "no installed version of district satisfies '>=3'" in info.value.problems[0].message
    assert "1.2.0" in info.value.problems[0].message and "2.0.0" in info.value.problems[0].message
    with pytest.raises(ProblemsError) as info:
        load_library(draft=load_draft(_draft(drafts, "[distrct]")))
    assert "did you mean 'district'" in info.value.problems[0].message


def test_an_overlay_pulls_in_the_installed_pack_it_extends(tmp_path, monkeypatch):
    shelf = tmp_path / "shelf"
    write_pack(shelf / "cesa", "cesa-7", version="2.0.0", extends="wi-psl-sro>=2,<3")
    district = _overlay(tmp_path / "drafts" / "district", extends="cesa-7>=2,<3")
    monkeypatch.setenv("AGREEMENT_KIT_PACKS", str(shelf))
    library = load_library(draft=load_draft(_draft(tmp_path / "drafts", "[district]")))
    assert [(s.id, s.extends) for s in library.stack] == [
        ("wi-psl-sro", None),
        ("cesa-7", "wi-psl-sro"),
        ("district", "cesa-7"),
    ]
    assert library.stack[1].origin.startswith("extended by district: installed")
    assert str(district) == library.stack[2].dir


def test_base_by_folder_or_id_on_the_cli(tmp_path, capsys):
    v2 = tmp_path / "wi-v2"
    shutil.copytree(bundled_pack_dir(), v2)
    text = (v2 / "pack.yaml").read_text(encoding="utf-8")
    (v2 / "pack.yaml").write_text(text.replace('version: "2.0.0"', 'version: "3.0.0"'), "utf-8")
    assert main(["library", "validate", "--base", str(v2)]) == 0
    assert "wi-psl-sro 3.0.0" in capsys.readouterr().out
    os.environ["AGREEMENT_KIT_PACKS"] = str(tmp_path)
    try:
        assert main(["library", "validate", "--base", "wi-psl-sro>=3"]) == 0
        assert "wi-psl-sro 3.0.0" in capsys.readouterr().out
        assert main(["library", "validate", "--base", "wi-psl-sro<3"]) == 0
        assert "wi-psl-sro 2.0.0" in capsys.readouterr().out
    finally:
        del os.environ["AGREEMENT_KIT_PACKS"]


def test_resolver_order_is_draft_packs_then_command_line(tmp_path):
    one = _overlay(tmp_path / "one", "one", clauses=[])
    two = _overlay(tmp_path / "d" / "two", "two", clauses=[])
    draft = load_draft(_draft(tmp_path / "d", "[two]"))
    stack = resolve_packs([one], draft=draft)
    assert [s.origin for s in stack.sources] == ["bundled", "draft packs[0]", "--library"]
    assert [s.dir.resolve() for s in stack.sources[1:]] == [two.resolve(), one.resolve()]


def test_the_readme_api_recipe_honours_the_drafts_packs(tmp_path, monkeypatch, capsys):
    """The README's recipe and 'check' agree on a draft whose overlay adds a requirement it lacks."""
    import re

    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    recipe = next(
        b for b in re.findall(r"```python\n(.*?)```", readme, re.S) if "load_library" in b
    )
    policy = {
        "requirements": [
            {
                "id": "tip-line",
                "title": "Anonymous tip line",
                "summary": "The agreement provides for a tip line.",
                "source": "Local policy",
                "kind": "policy-prose",
            }
        ]
    }
    tip = OVERLAY_CLAUSE | {"covers": ["tip-line"], "default": False}
    _overlay(tmp_path / "examples" / "ours", clauses=[tip], policy=policy)
    _draft(tmp_path / "examples", "[ours]")
    monkeypatch.chdir(tmp_path)
    exec(compile(recipe, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "tip-line NOT COVERED" in out and "requirement tip-line" in out
    assert not (tmp_path / "riverton.docx").exists()  # incomplete: the recipe does not build
    assert main(["check", "examples/riverton.yaml"]) == 1
