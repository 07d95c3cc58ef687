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


def test_building_the_parser_imports_no_models():
    """--help and every command's start: the parser needs no pydantic, Jinja or YAML."""
    code = (
        "import sys; from agreement_kit.cli import build_parser; build_parser();"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'pydantic', 'jinja2', 'yaml', 'ruamel', 'docxtpl', 'lxml', 'textual', 'rich'})))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_checklist_formats_match_the_renderer():
    from agreement_kit.cli.review import FORMATS as CLI_FORMATS
    from agreement_kit.review.render import FORMATS

    assert CLI_FORMATS == FORMATS
