"""Start-up: a command imports only what it needs. `check` and `--help` never load docxtpl, lxml,
python-docx or Textual (they cost most of a process's start-up and are for building documents)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import EXAMPLES

HEAVY = ("docxtpl", "lxml", "docx", "textual")

CODE = """
import contextlib, io, sys
from agreement_kit.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        code = main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
heavy = sorted({m.split('.')[0] for m in sys.modules} & set(%r))
print(code, ' '.join(heavy))
"""


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["check", str(EXAMPLES / "riverton.yaml")],
        ["check", str(EXAMPLES / "riverton.yaml"), "--json"],
        ["check", str(EXAMPLES / "riverton-gaps.yaml")],
    ],
    ids=["help", "check", "check-json", "check-gaps"],
)
def test_command_does_not_import_document_libraries(args):
    result = subprocess.run(
        [sys.executable, "-c", CODE % (HEAVY,), *args], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    code, _, heavy = result.stdout.strip().partition(" ")
    assert code in ("0", "1"), result.stdout
    assert heavy == "", f"{' '.join(args)} imported {heavy}"
