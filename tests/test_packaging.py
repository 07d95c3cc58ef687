"""The wheel carries the bundled pack and template, and the installed package finds them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    (path,) = out.glob("*.whl")
    return path


def test_wheel_contains_pack_template_and_wizard(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "agreement_kit/_data/clause_library/wi-psl-sro/pack.yaml" in names
    assert "agreement_kit/_data/clause_library/wi-psl-sro/policy.yaml" in names
    assert any(
        n.startswith("agreement_kit/_data/clause_library/wi-psl-sro/clauses/") for n in names
    )
    assert "agreement_kit/_data/templates/agreement.docx" in names
    assert "tui/__init__.py" in names
    assert "agreement_kit/py.typed" in names
    for kind in ("pack", "policy", "clause", "draft"):
        assert f"agreement_kit/_data/schemas/{kind}.schema.json" in names
    assert not any(n.startswith("tests/") for n in names)


def test_unpacked_wheel_builds_sample_outside_the_repo(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    work = tmp_path / "elsewhere"
    work.mkdir()
    draft = work / "sample.yaml"
    draft.write_bytes((EXAMPLES / "riverton.yaml").read_bytes())
    code = (
        "import sys, agreement_kit, agreement_kit.resources as r;"
        "from agreement_kit.cli import main;"
        f"assert agreement_kit.__file__.startswith({str(site)!r}), agreement_kit.__file__;"
        f"assert str(r.bundled_pack_dir()).startswith({str(site)!r});"
        "sys.exit(main(['build', 'sample.yaml', '-o', 'sample.docx']))"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=work, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (work / "sample.docx").read_bytes().startswith(b"PK")
