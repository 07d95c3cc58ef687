"""What every command shares: the user-error type, exit codes, and finding the draft and its library."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..problems import Problem, ProblemsError

OK, INCOMPLETE, INVALID, ENVIRONMENT = 0, 1, 2, 3


class UserError(Exception):
    """A message for the user, with an exit code and an optional hint."""

    def __init__(self, message: str, code: int = INVALID, hint: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.hint = hint


def err(text: str) -> None:
    print(text, file=sys.stderr)


def overlays(args: argparse.Namespace) -> list[str]:
    """Overlay packs given before the command, then after it, in order."""
    before = getattr(args, "library_before", None) or []
    return [*before, *(getattr(args, "library", None) or [])]


def plain_library(args: argparse.Namespace) -> Any:
    """The bundled library with the overlays given on the command line."""
    from ..packs.loading import load_library

    return load_library(overlays(args))


def read_draft(path: str) -> Any:
    """The draft at ``path``; a missing file is a user error with a hint."""
    from ..drafts.io import load_draft

    if not Path(path).exists():
        raise UserError(
            f"{path}: no such draft file",
            hint=f"create one with 'agreement-kit new {path}' or 'agreement-kit wizard {path}'",
        )
    return load_draft(path)


def library_for(args: argparse.Namespace, draft: Any, draft_path: str) -> Any:
    """The library with the overlays the draft names, then those on the command line."""
    from ..drafts.io import check_against_library
    from ..packs.loading import load_library

    base = Path(draft_path).parent
    located = getattr(draft, "_located", None)
    missing = [(i, p) for i, p in enumerate(draft.packs) if not (base / p / "pack.yaml").is_file()]
    if missing:
        problems = [
            located.problem(("packs", i), f"no clause pack at '{p}' (looked in {base / p})")
            if located
            else Problem(f"no clause pack at '{p}'", file=draft_path, field=f"packs[{i}]")
            for i, p in missing
        ]
        raise ProblemsError(problems, summary=f"the draft {draft_path} names a missing pack")
    drafted = [str(base / p) for p in draft.packs]
    seen = {Path(d).resolve() for d in drafted}
    stack = [*drafted, *(p for p in overlays(args) if Path(p).resolve() not in seen)]
    library = load_library(stack)
    problems = check_against_library(draft, library)
    if problems:  # a clause id, option or value the library does not know: a typo, not a gap
        raise ProblemsError(
            problems, summary=f"the draft {draft_path} names things the library lacks"
        )
    return library


def not_the_input(out: Path, draft: str) -> None:
    if out.exists() and out.resolve() == Path(draft).resolve():
        raise UserError(f"{out} is the draft itself; choose another output file")
