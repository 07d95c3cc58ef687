"""Issue 13, crash safety: a save or a build interrupted at any point leaves the previous draft and
the previous output intact, and never a partial file under the final name."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest
from docx import Document

from agreement_kit import load_draft, save_draft
from agreement_kit.cli import main
from agreement_kit.yamlio import atomic_write
from tests.conftest import EXAMPLES

RIVERTON = EXAMPLES / "riverton.yaml"


def _renamed(draft, name):
    return draft.model_copy(update={"district": draft.district.model_copy(update={"name": name})})


def test_a_save_failing_before_the_rename_keeps_the_previous_draft(tmp_path, monkeypatch):
    path = tmp_path / "d.yaml"
    path.write_bytes(RIVERTON.read_bytes())
    before = path.read_bytes()
    draft = _renamed(load_draft(path), "Changed Name School District")

    def power_cut(src, dst):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", power_cut)
    with pytest.raises(OSError):
        save_draft(draft, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.yaml"]  # no temp file left behind


def test_a_build_failing_before_the_rename_keeps_the_previous_output(tmp_path, monkeypatch, capsys):
    draft = tmp_path / "d.yaml"
    draft.write_bytes(RIVERTON.read_bytes())
    out = tmp_path / "d.docx"
    assert main(["build", str(draft)]) == 0
    before = out.read_bytes()

    def power_cut(src, dst):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", power_cut)
    code = main(["build", str(draft), "--force"])
    err = capsys.readouterr().err
    assert code != 0 and "Traceback" not in err
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.docx", "d.yaml"]


def test_atomic_write_removes_its_temp_file_on_any_failure(tmp_path, monkeypatch):
    path = tmp_path / "f.txt"
    path.write_text("previous", encoding="utf-8")

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, "next")
    assert path.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


_WRITER = r"""
import sys
from pathlib import Path
from agreement_kit import load_draft, save_draft
path = Path(sys.argv[1])
draft = load_draft(path)
i = 0
while True:
    i += 1
    name = f"District {i} " + "x" * (i % 5000)
    draft = draft.model_copy(update={"district": draft.district.model_copy(update={"name": name})})
    save_draft(draft, path)
"""


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_killing_a_saving_process_never_leaves_a_broken_draft(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_bytes(RIVERTON.read_bytes())
    rng = random.Random(15)
    for _ in range(12):
        proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(path)])
        time.sleep(1.0 + rng.random() * 1.5)  # start-up, then some saves
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        draft = load_draft(path)  # a complete draft: the previous one or the next one
        assert draft.district.name.startswith(("District ", "Riverton"))
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "d.yaml"]
    assert all(n.startswith(".d.yaml.") and n.endswith(".tmp") for n in leftovers), leftovers


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_killing_a_build_never_leaves_a_broken_document(tmp_path):
    draft = tmp_path / "d.yaml"
    draft.write_bytes(RIVERTON.read_bytes())
    out = tmp_path / "d.docx"
    assert main(["build", str(draft)]) == 0
    rng = random.Random(13)
    command = [sys.executable, "-m", "agreement_kit", "build", str(draft), "--force"]
    for _ in range(8):
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5 + rng.random() * 3)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        Document(str(out))  # whole: the previous build or the new one, never half of one
    final = {p.name for p in tmp_path.iterdir() if not p.name.endswith(".tmp")}
    assert final == {"d.yaml", "d.docx"}
