"""Issue 15, no output replaces an input: a build, a checklist, docs or a PDF is never written over
the draft, a pack file or the template, with or without --force; the .docx and .pdf of one build
are written together or not at all; LibreOffice never outlives agreement-kit."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agreement_kit.cli import main
from agreement_kit.outputs import guard_output, write_together
from agreement_kit.problems import ProblemsError
from agreement_kit.resources import bundled_template
from agreement_kit.word import pdf as pdf_module
from tests.conftest import EXAMPLES
from tests.helpers import copy_pack

RIVERTON = EXAMPLES / "riverton.yaml"


def _draft(tmp_path: Path, name: str = "d.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(RIVERTON.read_bytes())
    return path


def _run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def test_build_never_writes_over_its_template(tmp_path, capsys):
    draft = _draft(tmp_path)
    template = tmp_path / "t.docx"
    shutil.copyfile(bundled_template(), template)
    before = template.read_bytes()
    code, err = _run(
        capsys, "build", str(draft), "--template", str(template), "-o", str(template), "--force"
    )
    assert code == 2 and "the template itself" in err and "even with --force" in err
    assert template.read_bytes() == before


def test_a_pdf_never_replaces_a_draft_named_like_it(tmp_path, capsys, monkeypatch):
    draft = _draft(tmp_path, "d.pdf")  # a draft that happens to be called d.pdf
    monkeypatch.setattr(pdf_module, "find_soffice", lambda: "/bin/true")
    code, err = _run(capsys, "build", str(draft), "--pdf", "--force")
    assert code == 2 and "the draft itself" in err
    assert draft.read_bytes() == RIVERTON.read_bytes()
    assert not (tmp_path / "d.docx").exists()  # nothing written: refused before building


def test_docs_and_checklists_never_replace_a_draft_or_a_pack_file(tmp_path, capsys):
    draft = _draft(tmp_path)
    code, err = _run(capsys, "library", "docs", "-o", str(draft), "--force")
    assert code == 2 and "not a" in err and draft.read_bytes() == RIVERTON.read_bytes()
    pack = copy_pack(tmp_path)
    manifest = (pack / "pack.yaml").read_bytes()
    code, err = _run(capsys, "checklist", str(draft), "-o", str(pack / "pack.yaml"), "--force")
    assert code == 2 and (pack / "pack.yaml").read_bytes() == manifest


def test_links_to_an_input_count_as_the_input(tmp_path, capsys):
    draft = _draft(tmp_path)
    link = tmp_path / "link.md"
    link.symlink_to(draft)
    code, err = _run(capsys, "checklist", str(draft), "-o", str(link), "--force")
    assert code == 2 and "the draft itself" in err
    hard = tmp_path / "hard.md"
    os.link(draft, hard)
    code, err = _run(capsys, "checklist", str(draft), "-o", str(hard), "--force")
    assert code == 2 and draft.read_bytes() == RIVERTON.read_bytes()


def test_pack_folders_are_inputs(tmp_path):
    pack = copy_pack(tmp_path)
    for target in (
        pack / "policy.yaml",
        pack / "clauses" / "new.yaml",
        pack / "clauses" / "main.yaml",
    ):
        with pytest.raises(ProblemsError) as info:
            guard_output(target, packs=[pack])
        assert info.value.problems[0].code == "output-is-input"
    guard_output(pack.parent / "out.docx", packs=[pack])  # beside the pack is fine


def test_outputs_of_one_build_are_written_together_or_not_at_all(tmp_path, monkeypatch):
    docx, pdf = tmp_path / "a.docx", tmp_path / "a.pdf"
    docx.write_bytes(b"old docx")
    pdf.write_bytes(b"old pdf")
    real_replace = os.replace
    calls = []

    def failing_fsync(fd):
        calls.append(fd)
        if len(calls) == 2:  # the disk fills while the second file is written
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError) as info:
        write_together({docx: b"new docx", pdf: b"new pdf"}, overwrite=True)
    assert info.value.filename == str(pdf)  # a full disk names the file
    assert docx.read_bytes() == b"old docx" and pdf.read_bytes() == b"old pdf"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "a.pdf"]  # no temp left
    monkeypatch.setattr(os, "replace", real_replace)


def test_an_interrupted_pdf_build_leaves_the_previous_pair(tmp_path, capsys, monkeypatch):
    draft = _draft(tmp_path)
    docx, pdf = tmp_path / "d.docx", tmp_path / "d.pdf"
    docx.write_bytes(b"previous docx")
    pdf.write_bytes(b"previous pdf")
    monkeypatch.setattr(pdf_module, "find_soffice", lambda: "/bin/true")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pdf_module, "pdf_bytes", interrupted)
    assert main(["build", str(draft), "--pdf", "--force"]) == 130
    assert docx.read_bytes() == b"previous docx" and pdf.read_bytes() == b"previous pdf"


def test_full_disk_names_the_file(tmp_path, capsys, monkeypatch):
    draft = _draft(tmp_path)

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    code, err = _run(capsys, "build", str(draft))
    assert code in (2, 3) and str(tmp_path / "d.docx") in err and "No space left" in err
    assert not (tmp_path / "d.docx").exists()


# ----------------------------------------------------------------------------- LibreOffice


def _soffice_processes(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in cmdline and "soffice" in cmdline:
            found.append(int(entry.name))
    return found


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find processes")
def test_libreoffice_is_ended_with_its_parent(tmp_path):
    if pdf_module.find_soffice() is None:
        pytest.skip("LibreOffice is not installed")
    from agreement_kit import assemble, load_draft, load_library
    from agreement_kit.word.render import render_bytes

    source = tmp_path / "a.docx"
    source.write_bytes(render_bytes(assemble(load_library(), load_draft(RIVERTON))))
    temp = tmp_path / "tmp"
    temp.mkdir()
    script = (
        "import sys; from pathlib import Path; from agreement_kit.word.pdf import pdf_bytes; "
        "pdf_bytes(Path(sys.argv[1]).read_bytes())"
    )
    env = {**os.environ, "TMPDIR": str(temp)}
    for _ in range(4):
        parent = subprocess.Popen([sys.executable, "-c", script, str(source)], env=env)
        deadline = time.monotonic() + 120
        while not _soffice_processes(str(temp)) and time.monotonic() < deadline:
            if parent.poll() is not None:
                break
            time.sleep(0.05)
        assert _soffice_processes(str(temp)), "LibreOffice never started"
        time.sleep(0.3)
        parent.send_signal(signal.SIGKILL)  # no cleanup code of the parent can run
        parent.wait()
        deadline = time.monotonic() + 30
        while (
            _soffice_processes(str(temp)) or list(temp.iterdir())
        ) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _soffice_processes(str(temp)) == []
        assert list(temp.iterdir()) == []  # the copy of the agreement is gone too
