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


def pack_options(args: argparse.Namespace) -> dict[str, Any]:
    """``--base``, ``--allow-pack-path`` and ``--strict`` as keywords for the pack resolver."""
    return {
        "base": getattr(args, "base", None),
        "allow_paths": getattr(args, "allow_pack_path", None) or [],
        "strict": bool(getattr(args, "strict", False)),
    }


def report_warnings(warnings: list[Problem]) -> None:
    """Print warnings (an upstream change to a replaced clause, a removed clause...) on stderr."""
    for problem in warnings:
        err("warning: " + str(problem).replace(": warning:", ":", 1).replace("\n", "\n  "))


def plain_library(args: argparse.Namespace) -> Any:
    """The base library (bundled or --base) with the overlays given on the command line."""
    from ..packs.loading import load_library

    library = load_library(overlays(args), **pack_options(args))
    report_warnings(library.warnings)
    return library


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
    """The library for this draft: the one resolver (:mod:`agreement_kit.packs.resolve`) with the
    draft's ``packs:`` and the command line's packs; then the draft checked against it."""
    import dataclasses

    from ..drafts.io import check_against_library
    from ..drafts.upgrade import pin_warnings
    from ..packs.loading import load_library

    options = pack_options(args)
    library = load_library(overlays(args), draft=draft, **options)
    problems = check_against_library(draft, library) + pin_warnings(draft, library)
    warnings = [p for p in problems if p.severity == "warning"]
    errors = [p for p in problems if p.severity == "error"]
    if options["strict"]:
        errors += [dataclasses.replace(w, severity="error") for w in warnings]
        warnings = []
    report_warnings([*library.warnings, *warnings])
    if errors:  # a clause id, option or value the library does not know: a typo, not a gap
        raise ProblemsError(
            errors, summary=f"the draft {draft_path} names things the library lacks"
        )
    return library


def not_the_input(
    out: Path,
    draft: str | None,
    *,
    template: Path | None = None,
    library: Any = None,
    kinds: tuple[str, ...] = (),
) -> None:
    """Refuse an output that would replace an input (the draft, the template, a pack file) or an
    existing file of another kind, with or without --force
    (:func:`agreement_kit.outputs.guard_output`)."""
    from ..outputs import guard_output, pack_dirs

    packs = pack_dirs(library) if library is not None else []
    guard_output(out, draft=draft, template=template, packs=packs, kinds=kinds)


def template_path(args: argparse.Namespace) -> Path:
    """The Word template a command uses: --template, else the bundled one."""
    from ..resources import bundled_template

    given = getattr(args, "template", None)
    return Path(given) if given else bundled_template()
