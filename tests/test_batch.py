"""agreement-kit batch: many drafts, one library load per pack stack, failures reported while the
others build, unchanged outputs skipped, names that never collide."""

from __future__ import annotations

import json
import shutil

import pytest
from docx import Document

from agreement_kit.cli import main
from tests.conftest import EXAMPLES

RIVERTON = EXAMPLES / "riverton.yaml"


def district(folder, name: str, district_name: str):
    folder.mkdir(parents=True, exist_ok=True)
    text = RIVERTON.read_text(encoding="utf-8")
    text = text.replace("name: Riverton Area School District", f"name: {district_name}")
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def drafts(tmp_path):
    folder = tmp_path / "drafts"
    for i, name in enumerate(("Lakeside", "Pine Bluff & Oak", "Fox Point")):
        district(folder, f"d{i}", f"{name} School District")
    (folder / "broken.yaml").write_text(
        "format: 1\ndistrict:\n  name: Broken\n  kind: nonsense\n", encoding="utf-8"
    )
    shutil.copy(EXAMPLES / "riverton-gaps.yaml", folder / "gaps.yaml")
    (folder / "notes.txt").write_text("not a draft", encoding="utf-8")
    return folder


def report(out):
    return json.loads((out / "batch-report.json").read_text(encoding="utf-8"))


def text_of(path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_broken_draft_fails_alone(drafts, tmp_path, capsys, jobs):
    out = tmp_path / "out"
    code = main(["batch", str(drafts), "-o", str(out), "--jobs", jobs])
    printed = capsys.readouterr().out
    assert code == 1
    for i, name in enumerate(("Lakeside", "Pine Bluff & Oak", "Fox Point")):
        assert f"{name} School District" in text_of(out / f"d{i}.docx")
    assert not (out / "broken.docx").exists() and not (out / "gaps.docx").exists()
    data = report(out)
    assert data["counts"] == {"built": 3, "skipped": 0, "failed": 2}
    assert data["jobs"] == int(jobs) and data["ok"] is False
    by_name = {r["draft"].rsplit("/", 1)[-1]: r for r in data["results"]}
    assert set(by_name) == {"d0.yaml", "d1.yaml", "d2.yaml", "broken.yaml", "gaps.yaml"}
    broken = by_name["broken.yaml"]
    assert broken["status"] == "failed" and "not valid" in broken["reason"]
    assert broken["problems"][0]["line"] == 4 and "nonsense" in broken["problems"][0]["message"]
    assert "not complete" in by_name["gaps.yaml"]["reason"] and by_name["gaps.yaml"]["problems"]
    assert "3 built, 0 unchanged (skipped), 2 failed" in printed
    assert "failed" in printed and "broken.yaml" in printed


def test_unchanged_drafts_are_skipped_and_force_rebuilds(drafts, tmp_path, capsys):
    for bad in ("broken.yaml", "gaps.yaml"):
        (drafts / bad).unlink()
    out = tmp_path / "out"
    assert main(["batch", str(drafts), "-o", str(out), "--jobs", "1"]) == 0
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("*.docx")}
    assert main(["batch", str(drafts), "-o", str(out), "--jobs", "1"]) == 0
    assert report(out)["counts"] == {"built": 0, "skipped": 3, "failed": 0}
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.docx")} == stamps
    district(drafts, "d1", "Changed Name School District")  # one draft changes
    assert main(["batch", str(drafts), "-o", str(out), "--jobs", "1"]) == 0
    assert report(out)["counts"] == {"built": 1, "skipped": 2, "failed": 0}
    assert "Changed Name School District" in text_of(out / "d1.docx")
    (out / "d2.docx").unlink()  # an output that went missing is built again
    assert main(["batch", str(drafts), "-o", str(out), "--jobs", "1"]) == 0
    assert report(out)["counts"] == {"built": 1, "skipped": 2, "failed": 0}
    assert main(["batch", str(drafts), "-o", str(out), "--jobs", "1", "--force"]) == 0
    assert report(out)["counts"] == {"built": 3, "skipped": 0, "failed": 0}
    capsys.readouterr()


def test_drafts_with_the_same_name_get_distinct_outputs(tmp_path, capsys):
    a = district(tmp_path / "north" / "x", "riverton", "North School District")
    b = district(tmp_path / "south" / "x", "riverton", "South School District")
    c = district(tmp_path / "other", "Riverton", "Third School District")
    out = tmp_path / "out"
    assert main(["batch", str(a), str(b), str(c), "-o", str(out), "--jobs", "1"]) == 0
    outputs = [r["output"] for r in report(out)["results"]]
    assert len(set(o.lower() for o in outputs)) == 3
    texts = {o: text_of(o) for o in outputs}
    assert sum("North School District" in t for t in texts.values()) == 1
    assert sum("South School District" in t for t in texts.values()) == 1
    assert sum("Third School District" in t for t in texts.values()) == 1
    capsys.readouterr()


def test_a_file_no_batch_wrote_is_not_replaced_without_force(drafts, tmp_path, capsys):
    for bad in ("broken.yaml", "gaps.yaml"):
        (drafts / bad).unlink()
    out = tmp_path / "out"
    out.mkdir()
    (out / "d0.docx").write_bytes(b"someone else's file")
    assert main(["batch", str(drafts), "-o", str(out), "--jobs", "1"]) == 1
    assert (out / "d0.docx").read_bytes() == b"someone else's file"
    failed = [r for r in report(out)["results"] if r["status"] == "failed"]
    assert [r["output"] for r in failed] == [str(out / "d0.docx")]
    assert "already exists" in failed[0]["reason"]
    assert main(["batch", str(drafts), "-o", str(out), "--jobs", "1", "--force"]) == 0
    assert "Lakeside School District" in text_of(out / "d0.docx")
    capsys.readouterr()


def test_checklist_and_json(drafts, tmp_path, capsys):
    for bad in ("broken.yaml", "gaps.yaml", "d1.yaml", "d2.yaml"):
        (drafts / bad).unlink()
    out = tmp_path / "out"
    capsys.readouterr()
    assert main(["batch", str(drafts), "-o", str(out), "--checklist", "--json", "-j", "1"]) == 0
    payload = json.loads(capsys.readouterr().out)  # stdout holds only the JSON
    assert payload["ok"] is True and payload["problems"] == []
    assert payload["batch"]["counts"]["built"] == 1
    checklist = (out / "d0.checklist.md").read_text(encoding="utf-8")
    assert "Lakeside School District" in checklist


@pytest.mark.parametrize("case", ["no drafts", "output is a file", "jobs zero"])
def test_bad_usage_exits_2(tmp_path, capsys, case):
    empty = tmp_path / "empty"
    empty.mkdir()
    target = tmp_path / "out"
    args = ["batch", str(empty), "-o", str(target)]
    if case == "output is a file":
        target.write_text("x", encoding="utf-8")
        args = ["batch", str(RIVERTON), "-o", str(target)]
    elif case == "jobs zero":
        args = ["batch", str(RIVERTON), "-o", str(target), "--jobs", "0"]
    assert main(args) == 2
    assert "error:" in capsys.readouterr().err


def test_one_library_load_per_pack_stack(drafts, tmp_path, monkeypatch, capsys):
    from agreement_kit.packs import loading

    for bad in ("broken.yaml", "gaps.yaml"):
        (drafts / bad).unlink()
    overlay = tmp_path / "overlay"
    (overlay / "clauses").mkdir(parents=True)
    (overlay / "pack.yaml").write_text(
        "id: local-notes\ntitle: Local\nversion: 1.0.0\nextends: wi-psl-sro\n", encoding="utf-8"
    )
    other = district(drafts, "d3", "Overlay School District")
    other.write_text(
        other.read_text(encoding="utf-8").replace("packs: []", f"packs: [{overlay}]"),
        encoding="utf-8",
    )
    loads = []
    original = loading.load_stack
    monkeypatch.setattr(loading, "load_stack", lambda *a, **k: loads.append(a) or original(*a, **k))
    out = tmp_path / "out"
    code = main(
        ["batch", str(drafts), "-o", str(out), "-j", "1", "--allow-pack-path", str(overlay)]
    )
    assert code == 0, report(out)
    assert report(out)["counts"]["built"] == 4
    assert len(loads) == 2  # the bundled stack for three drafts, the overlay stack for one
    capsys.readouterr()
