"""docs/clause-packs.md is executed: every YAML block is written to the file its first line names and
validated as that kind of file, every Python block runs, in order, in a scratch folder."""

from __future__ import annotations

import os
import re
import shutil
import tomllib

import pytest

from agreement_kit.packs.models import Clause, PackManifest, Policy
from agreement_kit.yamlio import parse_yaml
from tests.conftest import EXAMPLES, ROOT

GUIDE = ROOT / "docs" / "clause-packs.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)


def _blocks(kind: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(GUIDE.read_text("utf-8")) if lang == kind]


def _model_for(path: str):
    if path.endswith("pack.yaml"):
        return PackManifest
    if path.endswith("policy.yaml"):
        return Policy
    assert "/clauses/" in path, f"{path}: say which kind of file the block is"
    return Clause


def test_every_yaml_block_names_its_file_and_is_valid():
    blocks = _blocks("yaml")
    assert len(blocks) >= 6
    for body in blocks:
        first = body.splitlines()[0]
        assert first.startswith("# file: "), f"a YAML block must start with '# file: PATH':\n{body}"
        path = first.removeprefix("# file: ").strip()
        located, problems = parse_yaml(body, path)
        assert not problems and located is not None, [str(p) for p in problems]
        _model_for(path).model_validate(located.data)


def test_toml_blocks_parse():
    for body in _blocks("toml"):
        data = tomllib.loads(body)
        assert "agreement_kit.packs" in data["project"]["entry-points"]


def test_the_guide_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").mkdir()
    shutil.copy(EXAMPLES / "riverton.yaml", tmp_path / "examples" / "riverton.yaml")
    for body in _blocks("yaml"):
        path = body.splitlines()[0].removeprefix("# file: ").strip()
        if path.startswith("reference/"):
            continue  # the reference blocks show every key; the worked example is what loads
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    scripts = _blocks("python")
    assert len(scripts) >= 8
    namespace: dict[str, object] = {"__name__": "__docs__"}
    saved = dict(os.environ)
    try:
        for number, body in enumerate(scripts, 1):
            try:
                exec(compile(body, f"{GUIDE.name} python block {number}", "exec"), namespace)
            except Exception as exc:  # name the block, not just the line
                pytest.fail(f"python block {number} of {GUIDE.name} failed: {exc!r}\n{body}")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    out = capsys.readouterr().out
    assert "patched by cesa-7" in out and "upstream" in out
