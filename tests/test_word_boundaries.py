"""The word room's modules use other rooms' code through public names only, so that a rename
inside the engine, the packs or the template views cannot silently break the audit."""

from __future__ import annotations

import ast
from pathlib import Path

WORD = Path(__file__).resolve().parent.parent / "agreement_kit" / "word"
OTHER_ROOMS_IN_WORD = {"views"}  # word/views.py belongs to the content room


def _private_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom):
            continue
        module = node.module or ""
        outside = node.level >= 2 or (
            node.level == 0 and not module.startswith("agreement_kit.word")
        )
        if node.level == 1 and module.split(".")[0] in OTHER_ROOMS_IN_WORD:
            outside = True
        for alias in node.names:
            if outside and alias.name.startswith("_"):
                found.append(f"{path.name}:{node.lineno} imports {alias.name} from {module}")
    return found


def test_word_modules_import_no_private_names_from_other_rooms():
    offenders = [
        line
        for path in sorted(WORD.glob("*.py"))
        if path.stem not in OTHER_ROOMS_IN_WORD
        for line in _private_imports(path)
    ]
    assert offenders == []


def test_the_check_itself_sees_a_private_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from ..engine.coverage import _draft_path\nfrom .views import _NOW\n")
    assert len(_private_imports(sample)) == 2
