"""What every command shares: the exit codes, the JSON envelope, user errors, logging, and finding
the draft and its library.

The contract every command keeps (``docs/cli.md``):

- exit :data:`OK` (0) success; :data:`INCOMPLETE` (1) it ran and the result is not clean (gaps,
  differences, failed builds in a batch); :data:`INVALID` (2) invalid input or usage (argparse's own
  errors included); :data:`ENVIRONMENT` (3) an environment problem (LibreOffice missing, a folder
  that does not exist or cannot be written). The code comes from :attr:`ProblemsError.kind`, never
  from a message's text.
- every ``--json`` output is one envelope, printed by :func:`emit_json`:
  ``{"format": "agreement-kit/<what>@1", "ok": bool, "problems": [Problem...], ...payload}``
  (``schemas/cli-envelope.schema.json``), the same shape for valid and invalid input.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..problems import EXIT_CODES, Kind, Problem, ProblemsError

OK, INCOMPLETE, INVALID, ENVIRONMENT = 0, 1, 2, 3

#: The envelope's version: the number after ``@`` in every ``format``.
ENVELOPE_VERSION = 1
#: Keys the envelope itself owns; a payload may not use them.
ENVELOPE_KEYS = frozenset({"format", "ok", "problems", "error"})

log = logging.getLogger("agreement_kit")

_KIND_OF_CODE: dict[int, Kind] = {code: kind for kind, code in EXIT_CODES.items()}  # type: ignore[misc]


class UserError(ProblemsError):
    """A user error with one unlocated message, an exit code and an optional hint: a
    :class:`ProblemsError` like every other (``code`` picks its kind: 1 incomplete, 2 invalid,
    3 environment)."""

    def __init__(
        self, message: str, code: int = INVALID, hint: str | None = None, *, file: str | None = None
    ) -> None:
        super().__init__(
            [Problem(message, file=file, hint=hint)],
            summary=message,
            kind=_KIND_OF_CODE.get(code, "invalid"),
        )
        self.hint = hint

    @property
    def code(self) -> int:
        return self.exit_code


def envelope(
    what: str,
    ok: bool,
    problems: Iterable[Problem | Mapping[str, Any]] = (),
    /,
    *,
    error: ProblemsError | None = None,
    **payload: Any,
) -> dict[str, Any]:
    """The one JSON envelope of every ``--json`` output (see :func:`emit_json`)."""
    clash = ENVELOPE_KEYS & payload.keys()
    if clash:
        raise ValueError(f"payload keys {sorted(clash)} belong to the envelope")
    data: dict[str, Any] = {
        "format": f"agreement-kit/{what}@{ENVELOPE_VERSION}",
        "ok": bool(ok),
        "problems": [p.as_dict() if isinstance(p, Problem) else _problem_dict(p) for p in problems],
    }
    if error is not None:
        data["error"] = {"kind": error.kind, "exit_code": error.exit_code, "summary": error.summary}
    return {**data, **payload}


def emit_json(
    what: str,
    ok: bool,
    problems: Iterable[Problem | Mapping[str, Any]] = (),
    /,
    *,
    error: ProblemsError | None = None,
    **payload: Any,
) -> None:
    """Print the JSON envelope of a ``--json`` output on stdout (and nothing else goes there).

    ``what`` names the output (``"check"``, ``"library-validate"``...; the format is
    ``agreement-kit/<what>@1``): use the command's name, words joined by ``-``, so that an error
    reported by :func:`agreement_kit.cli.main` has the same ``format``. ``ok`` is whether the
    result is clean (exit 0); ``problems`` are :class:`Problem` objects (or their dicts), warnings
    included (``severity``); ``payload`` is the command's own data, at the top level beside
    ``format``, ``ok`` and ``problems`` (which it may not use). ``error`` is for
    :func:`agreement_kit.cli.main` only: the failure that stopped the command (its kind, exit code
    and summary), when there is no result."""
    data = envelope(what, ok, problems, error=error, **payload)
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def command_name(args: argparse.Namespace) -> str:
    """The ``what`` of a command's envelope: its name and sub-command, joined by ``-``."""
    parts = [getattr(args, "command", None)]
    for dest in ("library_command", "template_command", "completion_shell_command"):
        parts.append(getattr(args, dest, None))
    return "-".join(p for p in parts if p) or "agreement-kit"


def _problem_dict(problem: Mapping[str, Any]) -> dict[str, Any]:
    """A problem given as a dict (e.g. from a worker process) with every key of Problem.as_dict."""
    base = Problem(str(problem.get("message", ""))).as_dict()
    return {**base, **{k: v for k, v in problem.items() if k in base}}


def err(text: str) -> None:
    """A line for the user on stderr (errors; always shown, even with --quiet)."""
    print(text, file=sys.stderr)


def note(text: str) -> None:
    """A note or warning on stderr; --quiet hides it."""
    if log.isEnabledFor(logging.WARNING):
        print(text, file=sys.stderr)


def verbosity_options(parser: argparse.ArgumentParser, suffix: str = "") -> None:
    """``-q/--quiet`` and ``-v/--verbose``, which every command has (repeatable; counted)."""
    parser.add_argument(
        "-q",
        "--quiet",
        action="count",
        dest="quiet" + suffix,
        default=argparse.SUPPRESS,
        help="print only errors on stderr (no warnings, notes or progress)",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        dest="verbose" + suffix,
        default=argparse.SUPPRESS,
        help="say more on stderr (-vv: debugging detail)",
    )


def verbosity_parent() -> argparse.ArgumentParser:
    """A parent parser with only -q/-v, for commands that load no clause packs."""
    parent = argparse.ArgumentParser(add_help=False)
    verbosity_options(parent)
    return parent


def configure_logging(verbosity: int) -> None:
    """``-q`` (-1): errors only; default (0): warnings; ``-v`` (1): progress notes; ``-vv`` (2):
    debugging detail. Messages go to stderr through stdlib logging (logger ``agreement_kit``)."""
    level = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    if verbosity < -1:
        level = logging.ERROR
    log.setLevel(level)
    for handler in list(log.handlers):
        if getattr(handler, "_agreement_kit", False):
            log.removeHandler(handler)
    handler = _StderrHandler()
    handler._agreement_kit = True  # type: ignore[attr-defined]
    log.addHandler(handler)
    log.propagate = False


class _StderrHandler(logging.Handler):
    """Writes each record to whatever ``sys.stderr`` is at the time (tests swap it)."""

    PREFIX = {logging.DEBUG: "debug: ", logging.WARNING: "warning: ", logging.ERROR: "error: "}

    def emit(self, record: logging.LogRecord) -> None:
        try:
            print(self.PREFIX.get(record.levelno, "") + record.getMessage(), file=sys.stderr)
        except Exception:  # pragma: no cover - logging must never take a command down
            self.handleError(record)


def output_folder(target: str | Path) -> None:
    """Refuse (``environment``, exit 3) an output whose folder does not exist or cannot be written,
    naming the folder. Outputs never create folders: a typo in ``-o`` is an error, not a new tree."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    shown = str(folder) if str(folder) not in ("", ".") else "the current folder"
    if not folder.exists():
        raise ProblemsError(
            [
                Problem(
                    f"the folder {shown} does not exist",
                    file=str(target),
                    hint=f"create it first (mkdir -p {folder}) or choose another -o",
                    code="no-such-folder",
                )
            ],
            summary=f"cannot write {target}",
            kind="environment",
        )
    if not folder.is_dir():
        raise ProblemsError(
            [Problem(f"{shown} is a file, not a folder", file=str(target), code="no-such-folder")],
            summary=f"cannot write {target}",
            kind="environment",
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ProblemsError(
            [
                Problem(
                    f"the folder {shown} cannot be written (permission denied)",
                    file=str(target),
                    hint="choose a folder you can write to (-o)",
                    code="folder-not-writable",
                )
            ],
            summary=f"cannot write {target}",
            kind="environment",
        )


def refuse_existing(target: str | Path, force: bool) -> None:
    """Refuse an existing output unless ``--force`` (:class:`OutputExistsError`, exit 2)."""
    from ..problems import output_exists

    output_exists(target, overwrite=force)


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
    """Print warnings (an upstream change to a replaced clause, a removed clause...) on stderr
    (hidden by --quiet)."""
    for problem in warnings:
        note("warning: " + str(problem).replace(": warning:", ":", 1).replace("\n", "\n  "))


def plain_library(args: argparse.Namespace) -> Any:
    """The base library (bundled or --base) with the overlays given on the command line."""
    from ..packs.loading import load_library

    library = load_library(overlays(args), **pack_options(args))
    log_loaded(library)
    report_warnings(library.warnings)
    return library


def log_loaded(library: Any) -> None:
    """-v: which packs were loaded, from where."""
    if log.isEnabledFor(logging.INFO):
        names = " + ".join(f"{p.id} {p.version}" for p in library.packs)
        log.info("loaded %s (%d clauses)", names, len(library.clauses))


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
    log_loaded(library)
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
    target = Path(out)
    if target.is_dir():
        raise ProblemsError(
            [
                Problem(
                    "is a folder; give the output's file name",
                    file=str(target),
                    hint=f"e.g. -o {target / 'agreement.docx'}",
                    code="output-is-folder",
                )
            ],
            summary=f"cannot write {target}",
        )
    output_folder(out)


def template_path(args: argparse.Namespace) -> Path:
    """The Word template a command uses: --template, else the bundled one."""
    from ..resources import bundled_template

    given = getattr(args, "template", None)
    return Path(given) if given else bundled_template()
