"""The command line, as a user runs it: exit codes, messages, files written."""

from __future__ import annotations

import json
import subprocess
import sys

import docx
import pytest

from agreement_kit.cli import main
from tests.conftest import EXAMPLES

COMPLETE = str(EXAMPLES / "riverton.yaml")
GAPS = str(EXAMPLES / "riverton-gaps.yaml")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_complete_example(capsys):
    code, out, _ = run(capsys, "check", COMPLETE)
    assert code == 0 and "Complete:" in out


def test_check_gap_example_names_the_gaps(capsys):
    code, out, _ = run(capsys, "check", GAPS)
    assert code == 1
    assert "program.placements[1].principal" in out
    assert "choose one of" in out


def test_check_json(capsys):
    code, out, _ = run(capsys, "check", GAPS, "--json")
    data = json.loads(out)
    assert code == 1 and data["complete"] is False
    assert any(m["answer"] == "program.placements[1].principal" for m in data["missing_answers"])


def test_check_invalid_draft_exit_2_with_line(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("district:\n  name: X\n  boad: Y\n", encoding="utf-8")
    code, _, err = run(capsys, "check", str(bad))
    assert code == 2
    assert f"{bad}:3:3" in err and "unknown key 'boad'" in err
    assert "Traceback" not in err
    bad.write_text("district:\n  name: [X\n", encoding="utf-8")
    code, _, err = run(capsys, "check", str(bad))
    assert code == 2 and "YAML syntax error" in err and f"{bad}:" in err


def test_missing_draft_file(capsys, tmp_path):
    code, _, err = run(capsys, "check", str(tmp_path / "nope.yaml"))
    assert code == 2 and "no such draft file" in err and "agreement-kit new" in err


def test_new_writes_a_commented_starter_that_checks(capsys, tmp_path):
    path = tmp_path / "draft.yaml"
    code, out, _ = run(capsys, "new", str(path))
    assert code == 0 and path.exists()
    text = path.read_text(encoding="utf-8")
    assert text.count("\n# ") >= 5  # comments explain the sections
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1 and "district.name" in out
    code, _, err = run(capsys, "new", str(path))
    assert code == 2 and "already exists" in err  # a usage matter: --force or another name


def test_build_writes_docx_with_answers_as_typed(capsys, tmp_path):
    out = tmp_path / "riverton.docx"
    code, stdout, err = run(capsys, "build", COMPLETE, "-o", str(out))
    assert code == 0, err
    document = docx.Document(out)
    text = "\n".join(p.text for p in document.paragraphs)
    for table in document.tables:
        text += "\n" + "\n".join(c.text for row in table.rows for c in row.cells)
    for answer in (
        "Riverton Area School District",
        "Renée D'Amato-Nguyễn",
        "Jefferson Middle School & Early Learning Center",
        'Karen "Kit" Lindqvist',
    ):
        assert answer in text, answer


def test_build_refuses_incomplete_and_lists_gaps(capsys, tmp_path):
    out = tmp_path / "gaps.docx"
    code, _, err = run(capsys, "build", GAPS, "-o", str(out))
    assert code == 1 and not out.exists()
    assert "program.placements[1].principal" in err


def test_build_refuses_to_overwrite_without_force(capsys, tmp_path):
    out = tmp_path / "a.docx"
    out.write_bytes(b"precious")
    code, _, err = run(capsys, "build", COMPLETE, "-o", str(out))
    assert code == 2 and "--force" in err and out.read_bytes() == b"precious"
    code, _, _ = run(capsys, "build", COMPLETE, "-o", str(out), "--force")
    assert code == 0 and out.read_bytes().startswith(b"PK")


def test_library_validate_and_list_json(capsys):
    code, out, _ = run(capsys, "library", "validate")
    assert code == 0 and "Valid: wi-psl-sro" in out
    code, out, _ = run(capsys, "library", "list", "--json")
    data = json.loads(out)
    assert {"pack", "requirements", "clauses"} <= set(data)
    assert {"id", "summary", "source"} <= set(data["requirements"][0])
    assert {
        "id",
        "title",
        "version",
        "section",
        "status",
        "covers",
        "citations",
        "guidance",
        "group",
    } <= set(data["clauses"][0])


def test_library_validate_reports_broken_overlay(capsys, tmp_path):
    overlay = tmp_path / "ours"
    (overlay / "clauses").mkdir(parents=True)
    (overlay / "pack.yaml").write_text("id: ours\ntitle: Ours\nversion: '1'\n", encoding="utf-8")
    (overlay / "clauses" / "x.yaml").write_text(
        "id: x\ntitle: X\nversion: '1'\nsection: general\nstatus: optional\n"
        "text: ['{{ distict.name }}']\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "library", "validate", str(overlay))
    assert code == 2
    assert f"{overlay / 'clauses' / 'x.yaml'}:6" in err and "did you mean 'district'" in err


def test_library_overlay_on_every_command(capsys, tmp_path):
    overlay = tmp_path / "ours"
    (overlay / "clauses").mkdir(parents=True)
    (overlay / "pack.yaml").write_text("id: ours\ntitle: Ours\nversion: '1'\n", encoding="utf-8")
    (overlay / "clauses" / "x.yaml").write_text(
        "id: our-extra-clause\ntitle: Our extra clause\nversion: '1'\nsection: general\n"
        "status: optional\ndefault: true\ncitations: [local]\nguidance: ours\n"
        "text: ['The parties meet at {{ district.address }}.']\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "--library", str(overlay), "library", "list")
    assert code == 0 and "our-extra-clause" in out
    out_docx = tmp_path / "o.docx"
    code, _, err = run(capsys, "build", COMPLETE, "--library", str(overlay), "-o", str(out_docx))
    assert code == 0, err
    text = "\n".join(p.text for p in docx.Document(out_docx).paragraphs)
    assert "The parties meet at 410 Mill & Main Street" in text


def test_no_traceback_for_unreadable_template(capsys, tmp_path):
    code, _, err = run(
        capsys,
        "build",
        COMPLETE,
        "-o",
        str(tmp_path / "x.docx"),
        "--template",
        str(tmp_path / "missing.docx"),
    )
    assert code == 2 and "template not found" in err


def test_python_dash_m_runs_the_cli():
    result = subprocess.run(
        [sys.executable, "-m", "agreement_kit", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.startswith("agreement-kit ")


@pytest.mark.parametrize("argv", [["check"], ["frobnicate"]])
def test_usage_errors_exit_2(argv, capsys):
    assert main(argv) == 2


def test_checklist_markdown_and_json(capsys, tmp_path):
    code, out, _ = run(capsys, "checklist", COMPLETE, "--format", "md")
    assert code == 0
    assert out.startswith("# Review checklist — Riverton Area School District")
    assert "| **A** |" in out and "NOT COVERED" not in out
    code, out, _ = run(capsys, "checklist", GAPS, "--json")
    data = json.loads(out)
    assert data["format"] == "agreement-kit/checklist@1" and data["ok"] is False
    checklist = data["checklist"]  # the checklist document (schemas/checklist.schema.json)
    assert code == 1 and checklist["complete"] is False
    uncovered = [r["id"] for r in checklist["requirements"] if r["state"] == "not-covered"]
    assert uncovered, "the gaps example leaves a requirement uncovered"
    assert any("program.placements[1].principal" in g for g in checklist["gaps"])
    target = tmp_path / "review.md"
    code, out, _ = run(capsys, "checklist", COMPLETE, "-o", str(target))
    assert code == 0 and target.read_text(encoding="utf-8").startswith("# Review checklist")


def test_unknown_clause_id_in_draft_is_invalid_input(capsys, tmp_path):
    text = (EXAMPLES / "riverton.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "typo.yaml"
    bad.write_text(text.replace("values:", "values:\n  cost_shar_percent: 50", 1), encoding="utf-8")
    code, _, err = run(capsys, "check", str(bad))
    assert code == 2
    assert "no clause asks for a value named 'cost_shar_percent'" in err
    assert f"{bad}:" in err


def test_library_before_and_after_the_command_both_apply(capsys, tmp_path):
    packs = []
    for name in ("one", "two"):
        pack = tmp_path / name
        pack.mkdir()
        (pack / "pack.yaml").write_text(
            f"id: {name}\ntitle: {name}\nversion: '1'\n", encoding="utf-8"
        )
        packs.append(str(pack))
    code, out, _ = run(capsys, "--library", packs[0], "library", "validate", "--library", packs[1])
    assert code == 0 and "wi-psl-sro 2.0.0 + one 1 + two 1" in out


def test_new_with_library_records_the_pack_in_the_draft(capsys, tmp_path):
    pack = tmp_path / "ours"
    pack.mkdir()
    (pack / "pack.yaml").write_text("id: ours\ntitle: Ours\nversion: '1'\n", encoding="utf-8")
    draft = tmp_path / "drafts" / "d.yaml"
    draft.parent.mkdir()  # outputs never create folders
    code, _, _ = run(capsys, "new", str(draft), "--library", str(pack))
    assert code == 0
    from agreement_kit import load_draft

    assert load_draft(draft).packs == ["../ours"]
    # The pack lies outside the draft's folder: a draft alone may not make us read it ...
    code, _, err = run(capsys, "check", str(draft))
    assert code == 2 and "outside the draft's own folder" in err and "--allow-pack-path" in err
    # ... the user's say-so on the command line may.
    code, out, _ = run(capsys, "check", str(draft), "--allow-pack-path", str(tmp_path))
    assert code == 1 and "district.name" in out  # loads the pack again, reports gaps
    inside = tmp_path / "drafts" / "packs" / "ours"
    inside.parent.mkdir()
    pack.rename(inside)
    draft2 = tmp_path / "drafts" / "d2.yaml"
    assert run(capsys, "new", str(draft2), "--library", str(inside))[0] == 0
    assert load_draft(draft2).packs == ["packs/ours"]
    code, out, _ = run(capsys, "check", str(draft2))
    assert code == 1 and "district.name" in out


def test_draft_naming_a_missing_pack(capsys, tmp_path):
    draft = tmp_path / "d.yaml"
    draft.write_text("packs: [nope]\n", encoding="utf-8")
    code, _, err = run(capsys, "check", str(draft))
    assert code == 2 and f"{draft}:1:" in err and "no clause pack at 'nope'" in err


def test_outputs_that_would_lose_work_are_refused(capsys, tmp_path):
    draft = tmp_path / "d.yaml"
    draft.write_bytes((EXAMPLES / "riverton.yaml").read_bytes())
    code, _, err = run(capsys, "build", str(draft), "-o", str(draft), "--force")
    assert code == 2 and "the output must be a .docx" in err
    code, _, err = run(capsys, "checklist", str(draft), "-o", str(draft), "--force")
    assert code == 2 and "is the draft itself" in err
    assert draft.read_bytes() == (EXAMPLES / "riverton.yaml").read_bytes()
    docs = tmp_path / "precious.md"
    docs.write_text("mine", encoding="utf-8")
    code, _, err = run(capsys, "library", "docs", "-o", str(docs))
    assert code == 2 and docs.read_text(encoding="utf-8") == "mine"


def test_unwritable_output_is_a_message_not_a_traceback(capsys, tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("x", encoding="utf-8")
    code, _, err = run(capsys, "build", COMPLETE, "-o", str(blocker / "x.docx"))
    assert code == 3 and "afile is a file" in err and "Traceback" not in err
    folder = tmp_path / "adir.docx"
    folder.mkdir()
    code, _, err = run(capsys, "build", COMPLETE, "-o", str(folder), "--force")
    assert code == 2 and "folder" in err


def test_written_files_keep_usual_permissions(capsys, tmp_path):
    import os
    import stat

    path = tmp_path / "d.yaml"
    run(capsys, "new", str(path))
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    path.chmod(0o664)
    run(capsys, "new", str(path), "--force")
    assert stat.S_IMODE(path.stat().st_mode) == 0o664


def test_value_of_the_wrong_kind_is_invalid_input(capsys, tmp_path):
    text = (EXAMPLES / "riverton.yaml").read_text(encoding="utf-8")
    assert "cost_share_percent:" in text
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "\n".join(
            "  cost_share_percent: 175" if line.startswith("  cost_share_percent:") else line
            for line in text.splitlines()
        ),
        encoding="utf-8",
    )
    code, out, err = run(capsys, "check", str(bad), "--json")
    assert code == 2 and "between 0 and 100" in err
    data = json.loads(out)
    assert data["ok"] is False and data["problems"][0]["field"] == "values.cost_share_percent"


def test_impossible_date_is_reported_with_its_line(capsys, tmp_path):
    text = (EXAMPLES / "riverton.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("effective: 2027-07-01", "effective: 2027-13-45"), encoding="utf-8")
    code, _, err = run(capsys, "check", str(bad))
    assert code == 2 and "term.effective" in err and "YYYY-MM-DD" in err
