"""The CLI contract every command keeps (docs/cli.md): exit 0 success, 1 ran and not clean, 2 invalid
input or usage, 3 environment; one JSON envelope for every --json output, valid input or not; every
error a user can cause, from the CLI or the API, a ProblemsError."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
from pathlib import Path

import jsonschema
import pytest

from agreement_kit import OutputExistsError, ProblemsError
from agreement_kit.cli import build_parser, main
from agreement_kit.problems import Problem
from tests.conftest import EXAMPLES, ROOT

COMPLETE = str(EXAMPLES / "riverton.yaml")
GAPS = str(EXAMPLES / "riverton-gaps.yaml")
SCHEMA = json.loads((ROOT / "schemas" / "cli-envelope.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    """Inputs a user could give: a broken draft, a broken pack, missing files."""
    (tmp_path / "dir.docx").mkdir()
    bad = tmp_path / "bad.yaml"
    bad.write_text("district:\n  name: [unclosed\n", encoding="utf-8")
    pack = tmp_path / "badpack"
    pack.mkdir()
    (pack / "pack.yaml").write_text("id: Not An Id\ntitle: x\n", encoding="utf-8")
    return {
        "bad": str(bad),
        "badpack": str(pack),
        "missing": str(tmp_path / "missing.yaml"),
        "missing_docx": str(tmp_path / "missing.docx"),
        "tmp": str(tmp_path),
    }


def envelope(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, dict, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    data = json.loads(out)  # stdout holds exactly one JSON document
    VALIDATOR.validate(data)
    assert data["ok"] is (code == 0), (argv, code, data["ok"])
    if "error" in data:
        assert data["error"]["exit_code"] == code
    assert "Traceback" not in err
    return code, data, err


# (name, argv with {placeholders}, expected exit code); the valid and invalid runs of one command
# must print the same 'format'
JSON_CASES = [
    ("check", ["check", COMPLETE, "--json"], 0),
    ("check", ["check", GAPS, "--json"], 1),
    ("check", ["check", "{bad}", "--json"], 2),
    ("check", ["check", "{missing}", "--json"], 2),
    ("check", ["check", "--json"], 2),  # a usage error
    ("check", ["check", COMPLETE, "--json", "--no-such-option"], 2),
    ("checklist", ["checklist", GAPS, "--json"], 1),
    ("checklist", ["checklist", "{bad}", "--json"], 2),
    ("review", ["review", COMPLETE, "--json"], 0),
    ("review", ["review", "{bad}", "--json"], 2),
    ("upgrade", ["upgrade", COMPLETE, "--json"], 0),
    ("upgrade", ["upgrade", "{missing}", "--json"], 2),
    ("library-validate", ["library", "validate", "--json"], 0),
    ("library-validate", ["library", "validate", "{badpack}", "--json"], 2),
    ("library-list", ["library", "list", "--json"], 0),
    ("library-list", ["library", "list", "--deviations", "--json"], 0),
    ("library-list", ["library", "list", "--json", "-L", "{badpack}"], 2),
    ("library-diff", ["library", "diff", "{missing}", "{badpack}", "--json"], 2),
    ("audit", ["audit", "{missing_docx}", "--json"], 2),
    ("compare", ["compare", "{missing}", GAPS, "--json"], 2),
    ("batch", ["batch", "{bad}", "-o", "{tmp}/out", "--json", "-j", "1"], 1),
    ("batch", ["batch", COMPLETE, "-o", "{tmp}/out", "--json", "--jobs", "0"], 2),
    ("batch", ["batch", COMPLETE, "-o", "{tmp}/no/such/out", "--json", "-j", "1"], 3),
]


@pytest.mark.parametrize(("what", "argv", "expected"), JSON_CASES)
def test_every_json_output_is_the_one_envelope(capsys, files, what, argv, expected):
    argv = [a.format(**files) for a in argv]
    code, data, _ = envelope(capsys, argv)
    assert code == expected
    assert data["format"] == f"agreement-kit/{what}@1"
    if code:
        assert any(p["severity"] == "error" for p in data["problems"]) or data.get("error")
    if code >= 2:  # stopped before a result: the error says why, with the kind behind the code
        kinds = {2: "invalid", 3: "environment"}
        assert data["error"]["kind"] == kinds[code] and data["problems"]


def test_json_cases_cover_every_command_with_json():
    with_json = {name for name, parser in _commands(build_parser()) if _has(parser, "--json")}
    assert with_json == {case[0] for case in JSON_CASES}


@pytest.mark.slow
def test_json_of_documents_valid_and_invalid(capsys, tmp_path):
    """audit and compare on real documents, and batch building one: the same envelope."""
    built = tmp_path / "r.docx"
    assert main(["build", COMPLETE, "-o", str(built)]) == 0
    capsys.readouterr()
    code, data, _ = envelope(capsys, ["audit", str(built), "--json"])
    assert code == 0 and data["format"] == "agreement-kit/audit@1" and data["clean"] is True
    code, data, _ = envelope(capsys, ["compare", COMPLETE, str(built), "--json"])
    assert code in (0, 1) and data["format"] == "agreement-kit/compare@1"
    code, data, _ = envelope(capsys, ["batch", COMPLETE, "-o", str(tmp_path / "b"), "--json"])
    assert code == 0 and data["format"] == "agreement-kit/batch@1"
    code, data, _ = envelope(capsys, ["library", "diff", str(built), str(built), "--json"])
    assert code == 0 and data["format"] == "agreement-kit/library-diff@1"


def test_the_schema_describes_problem_as_the_code_writes_it():
    problem = SCHEMA["$defs"]["problem"]
    assert sorted(problem["properties"]) == sorted(Problem("x").as_dict())
    assert sorted(problem["required"]) == sorted(Problem("x").as_dict())


def test_a_payload_cannot_take_the_envelopes_keys():
    from agreement_kit.cli.common import envelope as make

    with pytest.raises(ValueError):
        make("check", True, [], ok=False)
    data = make("check", False, [Problem("m", file="f"), {"message": "n"}], extra=1)
    VALIDATOR.validate(data)
    assert data["problems"][1]["file"] is None and data["extra"] == 1


# ----------------------------------------------------------------------------- exit codes


def _run(capsys, argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    return code, out, err


EXIT_CASES = [
    # command, argv, code, a phrase stderr or stdout must hold
    ("new", ["new", "{tmp}/d.yaml"], 0, "Wrote"),
    ("new", ["new", COMPLETE], 2, "already exists"),
    ("new", ["new", "{tmp}/typo/d.yaml"], 3, "typo does not exist"),
    ("check", ["check", COMPLETE], 0, "Complete"),
    ("check", ["check", GAPS], 1, "Incomplete"),
    ("check", ["check", "{bad}"], 2, "YAML syntax"),
    ("build", ["build", GAPS, "-o", "{tmp}/g.docx"], 1, "not complete"),
    ("build", ["build", "{bad}"], 2, "YAML syntax"),
    ("build", ["build", COMPLETE, "-o", "{tmp}/typo/dir/out.docx"], 3, "typo/dir does not exist"),
    ("build", ["build", COMPLETE, "-o", "{tmp}/dir.docx/"], 2, "is a folder"),
    ("checklist", ["checklist", COMPLETE, "--format", "md"], 0, "# Review checklist"),
    ("checklist", ["checklist", GAPS, "--format", "md"], 1, "NOT COVERED"),
    ("checklist", ["checklist", "{missing}"], 2, "no such draft"),
    ("checklist", ["checklist", COMPLETE, "-o", "{tmp}/no/c.md"], 3, "does not exist"),
    ("review", ["review", COMPLETE, "--summary"], 0, ""),
    ("review", ["review", COMPLETE, "--approve", "A", "--clear", "B"], 2, "one of"),
    ("upgrade", ["upgrade", COMPLETE], 0, ""),
    ("upgrade", ["upgrade", "{missing}"], 2, "no such draft"),
    ("library-validate", ["library", "validate"], 0, "Valid"),
    ("library-validate", ["library", "validate", "{badpack}"], 2, "pack.yaml"),
    ("library-list", ["library", "list"], 0, "Requirements"),
    ("library-docs", ["library", "docs", "-o", "{tmp}/lib.md"], 0, "Wrote"),
    ("library-docs", ["library", "docs", "-o", "{tmp}/none/lib.md"], 3, "does not exist"),
    ("library-diff", ["library", "diff", "{missing}", "{missing}"], 2, ""),
    ("library-fork", ["library", "fork", "no-such-clause", "-o", "{tmp}/p"], 2, "no-such-clause"),
    ("library-schema", ["library", "schema", "--check", "-o", "{tmp}"], 1, "Out of date"),
    ("library-schema", ["library", "schema", "-o", "{tmp}/s"], 0, "Wrote"),
    ("library-book", ["library", "book", "--format", "md"], 0, "#"),
    ("library-book", ["library", "book", "-o", "{tmp}/b.pdf"], 2, ".docx, .md or .html"),
    ("library-book", ["library", "book", "-o", "{tmp}/none/b.md"], 3, "does not exist"),
    ("template-check", ["template", "check"], 0, "OK:"),
    ("template-check", ["template", "check", "{missing_docx}"], 2, "template not found"),
    ("template-check", ["template", "check", "--library", "{badpack}"], 2, "unrecognized"),
    ("template-check", ["--library", "{badpack}", "template", "check"], 2, "clause packs"),
    ("audit", ["audit", "{missing_docx}"], 2, "no such file"),
    ("audit", ["audit", "{bad}", "--adopt"], 2, "--draft"),
    ("compare", ["compare", "{missing}", "{missing}"], 2, "no such draft"),
    ("batch", ["batch", "{bad}", "-o", "{tmp}/out", "-j", "1"], 1, "failed"),
    ("batch", ["batch", COMPLETE, "-o", "{bad}"], 2, "is a file"),
    ("batch", ["batch", COMPLETE, "-o", "{tmp}/x/y/out"], 3, "does not exist"),
    ("completion", ["completion", "bash"], 0, "agreement-kit"),
    ("completion", ["completion", "fish"], 2, "invalid choice"),
    ("wizard", ["wizard", "--no-such-option"], 2, "unrecognized"),
    ("usage", ["frobnicate"], 2, "invalid choice"),
    ("usage", ["check"], 2, "required"),
]


@pytest.mark.parametrize(("command", "argv", "expected", "phrase"), EXIT_CASES)
def test_exit_codes(capsys, files, command, argv, expected, phrase):
    argv = [a.format(**files) for a in argv]
    code, out, err = _run(capsys, argv)
    assert code == expected, (argv, out, err)
    assert phrase in out + err


def test_exit_cases_cover_every_command():
    names = {name for name, _ in _commands(build_parser())}
    assert names <= {case[0] for case in EXIT_CASES}


def test_the_exit_code_comes_from_the_kind_not_the_message(capsys, monkeypatch):
    """A message that reads like another kind's changes nothing: the kind decides."""
    from agreement_kit.cli import drafting

    def fail(kind: str):
        def command(args: argparse.Namespace) -> int:
            raise ProblemsError([Problem("LibreOffice is not installed")], "invalid input", kind)  # type: ignore[arg-type]

        return command

    for kind, code in (("invalid", 2), ("incomplete", 1), ("environment", 3)):
        monkeypatch.setattr(drafting, "cmd_check", fail(kind))
        assert main(["check", COMPLETE]) == code
    capsys.readouterr()


def test_build_pdf_without_libreoffice_writes_nothing_and_exits_3(capsys, tmp_path, monkeypatch):
    out = tmp_path / "a.docx"
    monkeypatch.setenv("AGREEMENT_KIT_SOFFICE", str(tmp_path / "no" / "soffice"))
    code, _, err = _run(capsys, ["build", COMPLETE, "-o", str(out), "--pdf"])
    assert code == 3 and not out.exists() and not out.with_suffix(".pdf").exists()
    # the variable names a missing program: said so, not "not installed"
    assert f"AGREEMENT_KIT_SOFFICE is set to {tmp_path / 'no' / 'soffice'}" in err
    assert "not installed" not in err
    monkeypatch.setenv("AGREEMENT_KIT_SOFFICE", "")
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice anywhere
    monkeypatch.setattr("agreement_kit.word.pdf.candidates", lambda: [tmp_path / "soffice"])
    code, _, err = _run(capsys, ["build", COMPLETE, "-o", str(out), "--pdf"])
    assert code == 3 and "LibreOffice is not installed" in err and not out.exists()


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root writes anywhere")
def test_an_unwritable_folder_is_exit_3_naming_it(capsys, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        code, _, err = _run(capsys, ["build", COMPLETE, "-o", str(locked / "a.docx")])
    finally:
        locked.chmod(0o700)
    assert code == 3 and f"{locked} cannot be written" in err


def test_an_unwritable_folder_is_exit_3_even_as_root(capsys, tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, m: False if Path(p) == locked else real(p, m))
    code, _, err = _run(capsys, ["checklist", COMPLETE, "-o", str(locked / "c.md")])
    assert code == 3 and f"{locked} cannot be written" in err and not (locked / "c.md").exists()


def test_an_os_error_while_writing_is_an_environment_problem(capsys, tmp_path, monkeypatch):
    import errno

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "lib.md"))

    monkeypatch.setattr("agreement_kit.yamlio.atomic_write", full)
    code, _, err = _run(capsys, ["library", "docs", "-o", str(tmp_path / "lib.md")])
    assert code == 3 and "No space left on device" in err and "lib.md" in err


# ----------------------------------------------------------------------------- quiet and verbose


def test_every_command_has_quiet_and_verbose():
    for name, parser in _commands(build_parser()):
        assert _has(parser, "--quiet") and _has(parser, "-q"), name
        assert _has(parser, "--verbose") and _has(parser, "-v"), name


def test_quiet_hides_warnings_and_verbose_says_more(capsys, tmp_path):
    overlay = tmp_path / "ours"
    (overlay / "clauses").mkdir(parents=True)
    (overlay / "pack.yaml").write_text(
        "id: ours\ntitle: Ours\nversion: '1.0.0'\nextends: wi-psl-sro\n", encoding="utf-8"
    )
    # a replaced clause without based_on: a warning on stderr
    from agreement_kit import load_library

    clause = load_library().clauses["public-records"].model_dump(exclude_defaults=True)
    import yaml

    (overlay / "clauses" / "c.yaml").write_text(yaml.safe_dump([clause]), encoding="utf-8")
    code, _, err = _run(capsys, ["library", "validate", str(overlay)])
    assert code == 0 and "warning:" in err
    code, out, err = _run(capsys, ["library", "validate", str(overlay), "-q"])
    assert code == 0 and err == "" and "Valid" in out
    code, _, err = _run(capsys, ["-q", "library", "validate", str(overlay)])
    assert code == 0 and err == ""
    code, _, err = _run(capsys, ["-q", "check", "{missing}".format(missing=tmp_path / "nope.yaml")])
    assert code == 2 and "no such draft" in err  # errors are never hidden
    code, _, err = _run(capsys, ["library", "validate", "-v"])
    assert code == 0 and "loaded wi-psl-sro" in err and "debug:" not in err
    code, _, err = _run(capsys, ["library", "validate", "-vv"])
    assert code == 0 and "debug: agreement-kit" in err


# ----------------------------------------------------------------------------- the API


def test_api_refuses_an_existing_output_with_a_problems_error(tmp_path, library, complete_draft):
    from agreement_kit import assemble, build_counsel_copy, convert_to_pdf, render_docx

    out = tmp_path / "a.docx"
    out.write_bytes(b"mine")
    agreement = assemble(library, complete_draft)
    with pytest.raises(OutputExistsError) as info:
        render_docx(agreement, out)
    assert isinstance(info.value, ProblemsError) and info.value.kind == "invalid"
    assert (
        info.value.problems[0].file == str(out) and info.value.problems[0].code == "output-exists"
    )
    with pytest.raises(ProblemsError):
        build_counsel_copy(library, complete_draft, out)
    out.with_suffix(".pdf").write_bytes(b"mine")
    with pytest.raises(OutputExistsError):
        convert_to_pdf(out)
    assert out.read_bytes() == b"mine" and out.with_suffix(".pdf").read_bytes() == b"mine"


def test_api_without_libreoffice_is_an_environment_problems_error(tmp_path, monkeypatch):
    from agreement_kit import convert_to_pdf, pdf_bytes

    missing = tmp_path / "LibreOffice" / "soffice"
    monkeypatch.setenv("AGREEMENT_KIT_SOFFICE", str(missing))
    docx = tmp_path / "a.docx"
    docx.write_bytes(b"PK")
    for call in (lambda: convert_to_pdf(docx), lambda: pdf_bytes(b"PK")):
        with pytest.raises(ProblemsError) as info:
            call()
        assert info.value.kind == "environment" and info.value.exit_code == 3
        assert str(missing) in info.value.problems[0].message
    assert not docx.with_suffix(".pdf").exists()


def test_windows_install_folders_are_probed(monkeypatch, tmp_path):
    from agreement_kit.word import pdf

    program = tmp_path / "PF" / "LibreOffice" / "program" / "soffice.exe"
    program.parent.mkdir(parents=True)
    program.write_bytes(b"")
    monkeypatch.setattr(pdf.sys, "platform", "win32")
    monkeypatch.setenv("ProgramFiles", str(tmp_path / "PF"))
    monkeypatch.delenv("AGREEMENT_KIT_SOFFICE", raising=False)
    monkeypatch.setattr(pdf.shutil, "which", lambda _name: None)
    assert program in pdf.candidates()
    assert pdf.find_soffice() == str(program)


def test_readme_api_sample_runs_twice(tmp_path, monkeypatch, capsys):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    (sample,) = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "render_docx" in b]
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    exec(compile(sample, "README.md", "exec"), {})
    assert (tmp_path / "riverton.docx").is_file()
    exec(compile(sample, "README.md", "exec"), {})  # the second run: a message, no traceback
    assert "already exists" in capsys.readouterr().out


# ----------------------------------------------------------------------------- docs and --help


def test_help_states_the_exit_codes_and_the_envelope():
    text = build_parser().format_help()
    for line in ("0  success", "1  it ran", "2  invalid input or usage", "3  an environment"):
        assert line in text
    assert "agreement-kit/<command>@1" in text


def test_docs_cli_describes_every_command():
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name, parser in _commands(build_parser()):
        words = name.replace("-", " ", 1) if name.startswith(("library-", "template-")) else name
        assert f"agreement-kit {words}" in doc, f"docs/cli.md lacks '{words}'"
        for option in _options(parser):
            assert option in doc, f"docs/cli.md: {words} lacks {option}"
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |"):
        assert code in doc
    assert "cli-envelope.schema.json" in doc


def test_completion_scripts_know_every_command(capsys):
    for shell in ("bash", "zsh", "tcsh"):
        assert main(["completion", shell]) == 0
        script = capsys.readouterr().out
        for name, _ in _commands(build_parser()):
            assert name.split("-")[-1] in script, (shell, name)


# ----------------------------------------------------------------------------- helpers


def _commands(parser: argparse.ArgumentParser, prefix: str = ""):
    """(name, parser) of every runnable command: 'check', 'library-validate'..."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                full = f"{prefix}-{name}" if prefix else name
                if any(isinstance(a, argparse._SubParsersAction) for a in sub._actions):
                    yield from _commands(sub, full)
                else:
                    yield full, sub


def _has(parser: argparse.ArgumentParser, option: str) -> bool:
    return any(option in a.option_strings for a in parser._actions)


def _options(parser: argparse.ArgumentParser) -> list[str]:
    """The long options a command has beyond the shared ones."""
    shared = {"--help", "--library", "--base", "--allow-pack-path", "--strict", "--quiet"}
    shared.add("--verbose")
    return [
        o
        for a in parser._actions
        for o in a.option_strings
        if o.startswith("--") and o not in shared
    ]
