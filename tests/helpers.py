"""Helpers for tests: a writable copy of the minimal fixture pack, and running the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI_PACK = FIXTURES / "mini-pack"
MINI_DRAFT = FIXTURES / "mini-draft.yaml"


def copy_pack(tmp_path: Path, name: str = "pack") -> Path:
    target = tmp_path / name
    shutil.copytree(MINI_PACK, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """1-based line number of the first line containing ``needle``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")
