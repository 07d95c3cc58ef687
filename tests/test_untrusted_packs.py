"""A pack from someone else cannot run code or touch files outside its folder: each attack is refused
with a message naming the file, nothing runs, nothing outside the pack is read or written, quickly.

(The clause-sandbox escapes — attribute walks, cycler/joiner/namespace, format/%, range, string
multiplication, recursive loops — are tests/test_integrity_sandbox.py's; here they are checked once at
pack level, through the loader.)"""

from __future__ import annotations

import os
import sys
import time
from importlib import metadata
from pathlib import Path

import pytest

from agreement_kit import ProblemsError, load_library
from agreement_kit.packs import discovery
from agreement_kit.packs.reading import MAX_CLAUSE_FILES
from tests.helpers import MINI_PACK, copy_pack, edit, line_of
from tests.packtools import clause, only, problems_of, write_pack


def _canary(tmp_path: Path) -> Path:
    return tmp_path / "canary"


def _untouched(folder: Path, before: dict[str, float]) -> None:
    after = {str(p): p.stat().st_mtime for p in folder.rglob("*")}
    assert after == before, "a file outside the pack was created or changed"


def _snapshot(folder: Path) -> dict[str, float]:
    return {str(p): p.stat().st_mtime for p in folder.rglob("*")}


@pytest.mark.parametrize(
    "payload",
    [
        "!!python/object/apply:os.system ['touch {canary}']",
        "!!python/object/new:os.system ['touch {canary}']",
        "!!python/name:os.system",
        "!!binary dG91Y2g=",
        "!!set {{a: null}}",
    ],
)
def test_yaml_tags_are_refused_and_nothing_runs(tmp_path, payload):
    pack = copy_pack(tmp_path)
    path = pack / "clauses" / "report.yaml"
    edit(path, "guidance: Board.", "guidance: " + payload.format(canary=_canary(tmp_path)))
    (problem,) = problems_of(base=pack)  # that one problem, not its echoes in other checks
    assert problem.file == str(path) and "not allowed here: the YAML tag !!" in problem.message
    assert problem.line == line_of(path, "guidance: !!")
    assert not _canary(tmp_path).exists()


def test_alias_bomb_is_refused_quickly(tmp_path):
    pack = copy_pack(tmp_path)
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        bomb.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}"] * 9) + "]")
    path = pack / "clauses" / "bomb.yaml"
    path.write_text("\n".join(bomb) + "\n", encoding="utf-8")
    started = time.perf_counter()
    problems = problems_of(base=pack)
    assert time.perf_counter() - started < 1.0  # a generous guard: it is refused in milliseconds
    assert any(p.file == str(path) and "alias" in p.message.lower() for p in problems)


def test_an_oversized_clause_file_is_refused_without_being_read(tmp_path):
    pack = copy_pack(tmp_path)
    path = pack / "clauses" / "huge.yaml"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("- id: huge\n  text:\n")
        line = '    - "' + "x" * 998 + '"\n'
        for _ in range(2_100):
            fh.write(line)
    started = time.perf_counter()
    problem = only(problems_of(base=pack), "larger than")
    assert time.perf_counter() - started < 1.0
    assert problem.file == str(path)


def test_too_many_clause_files_are_refused(tmp_path):
    pack = copy_pack(tmp_path)
    for i in range(MAX_CLAUSE_FILES + 1 - 2):
        (pack / "clauses" / f"x{i:04}.yaml").write_text("", encoding="utf-8")
    problem = only(problems_of(base=pack), "clause files; at most")
    assert problem.file == str(pack / "clauses")


def test_symlinks_out_of_the_pack_are_not_followed(tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("- id: secret\n  title: Secret\n", encoding="utf-8")
    pack = copy_pack(tmp_path)
    (pack / "clauses" / "leak.yaml").symlink_to(secret)
    problem = only(problems_of(base=pack), "points outside its pack")
    assert problem.file == str(pack / "clauses" / "leak.yaml")
    assert "Secret" not in " ".join(p.message for p in problems_of(base=pack))
    # a whole clauses/ folder linked elsewhere
    other = copy_pack(tmp_path, "other")
    outside = tmp_path / "outside-clauses"
    (other / "clauses").rename(outside)
    (other / "clauses").symlink_to(outside, target_is_directory=True)
    problems = problems_of(base=other)
    assert any("points outside its pack" in p.message for p in problems)
    # pack.yaml itself
    third = copy_pack(tmp_path, "third")
    real = tmp_path / "elsewhere-pack.yaml"
    (third / "pack.yaml").rename(real)
    (third / "pack.yaml").symlink_to(real)
    assert only(problems_of(base=third), "points outside its pack").file == str(third / "pack.yaml")


def test_a_link_inside_the_pack_is_fine(tmp_path):
    pack = copy_pack(tmp_path)
    (pack / "clauses" / "report.yaml").rename(pack / "report-real.yaml")
    (pack / "clauses" / "report.yaml").symlink_to(pack / "report-real.yaml")
    assert "report-board" in load_library(base=pack).clauses


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_not_read(tmp_path):
    pack = copy_pack(tmp_path)
    os.mkfifo(pack / "clauses" / "pipe.yaml")
    started = time.perf_counter()
    problem = only(problems_of(base=pack), "not a regular file")
    assert time.perf_counter() - started < 5 and problem.file == str(pack / "clauses" / "pipe.yaml")


def test_loading_a_hostile_pack_touches_nothing_outside_it(tmp_path):
    pack = copy_pack(tmp_path)
    edit(
        pack / "clauses" / "report.yaml",
        "{{ district.board }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}{{ cycler.__init__.__globals__.os }}",
    )
    before = _snapshot(tmp_path)
    started = time.perf_counter()
    problems = problems_of(base=pack)
    assert time.perf_counter() - started < 5
    assert any(p.file == str(pack / "clauses" / "report.yaml") for p in problems)
    _untouched(tmp_path, before)


def test_overlay_text_payload_is_refused_in_the_overlays_file(tmp_path):
    evil = clause("evil", text=["{{ joiner.__init__.__globals__ }}{{ 'x' * 100000000 }}"])
    overlay = write_pack(tmp_path / "o", "evil-pack", clauses=[evil])
    problems = problems_of(overlay)
    assert {p.file for p in problems} == {str(overlay / "clauses" / "ours.yaml")}


# -- installed packs: located from metadata, never imported ------------------------------------------


def _package(tmp_path: Path, canary: Path) -> Path:
    pkg = tmp_path / "site" / "evil_pack"
    write_pack(pkg, "evil-pack", clauses=[clause("evil-clause")])
    (pkg / "__init__.py").write_text(f"open({str(canary)!r}, 'w').write('ran')\n", "utf-8")
    return pkg


def _entry_points(monkeypatch, tmp_path, value: str) -> None:
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    ep = metadata.EntryPoint(name="evil-pack", value=value, group=discovery.ENTRY_POINT_GROUP)
    monkeypatch.setattr(discovery.metadata, "entry_points", lambda group: [ep])


def test_an_installed_pack_is_found_without_importing_it(tmp_path, monkeypatch):
    canary = _canary(tmp_path)
    _package(tmp_path, canary)
    _entry_points(monkeypatch, tmp_path, "evil_pack")
    library = load_library(["evil-pack"], base=MINI_PACK)
    assert "evil-clause" in library.clauses
    assert "entry point evil-pack" in library.stack[1].origin
    assert not canary.exists() and "evil_pack" not in sys.modules


def test_an_entry_point_cannot_point_outside_its_package(tmp_path, monkeypatch):
    _package(tmp_path, _canary(tmp_path))
    write_pack(tmp_path / "outside", "evil-pack", clauses=[clause("outside-clause")])
    _entry_points(monkeypatch, tmp_path, "evil_pack:../../outside")
    with pytest.raises(ProblemsError) as info:
        load_library(["evil-pack"], base=MINI_PACK)
    assert "no installed pack has the id 'evil-pack'" in info.value.problems[0].message
    warnings: list = []
    discovery.installed_packs(problems=warnings)
    assert warnings and warnings[0].code == "entry-point-broken"


def test_a_draft_cannot_name_an_absolute_path(tmp_path):
    from agreement_kit import parse_draft

    write_pack(tmp_path / "far" / "evil", "evil-pack")
    (tmp_path / "d").mkdir()
    draft_file = tmp_path / "d" / "draft.yaml"
    draft_file.write_text(f"packs: [{tmp_path / 'far' / 'evil'}]\n", encoding="utf-8")
    draft = parse_draft(draft_file.read_text("utf-8"), str(draft_file))
    with pytest.raises(ProblemsError) as info:
        load_library(draft=draft)
    assert "outside the draft's own folder" in info.value.problems[0].message
