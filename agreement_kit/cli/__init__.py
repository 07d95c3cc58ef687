"""The ``agreement-kit`` command line. One module per command group; this module builds the parser
and holds the contract every command follows: how errors become messages and exit codes.

Exit codes (the same for every command; ``docs/cli.md``): 0 success; 1 it ran and the result is not
clean (gaps, differences, failed builds in a batch); 2 invalid input or usage; 3 an environment
problem (LibreOffice missing, a folder that does not exist or cannot be written). Every user error is
a :class:`~agreement_kit.problems.ProblemsError` whose ``kind`` gives the code; nothing here reads a
message's text. Every ``--json`` output is the envelope of :func:`.common.emit_json`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from .. import __version__
from ..problems import Problem, ProblemsError
from . import batch, completion, drafting, library, review, template, word
from .common import (
    INVALID,
    OK,
    command_name,
    configure_logging,
    emit_json,
    err,
    log,
    verbosity_options,
)

GROUPS = (drafting, review, library, template, word, batch, completion)

EPILOG = """\
exit codes (every command):
  0  success
  1  it ran, and the result is not clean (gaps, differences, failed builds in a batch)
  2  invalid input or usage (a file that does not validate, an unknown option, an output
     that exists without --force)
  3  an environment problem (LibreOffice missing, a folder that does not exist or cannot
     be written)

--json prints one envelope on stdout, for valid and invalid input alike:
  {"format": "agreement-kit/<command>@1", "ok": true|false, "problems": [...], ...}
The full reference is docs/cli.md in the source distribution.
Output is a draft for review by the district's counsel, not legal advice."""


class UsageError(ProblemsError):
    """A command line argparse cannot read (exit 2, like argparse's own errors)."""

    usage: str = ""


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors raised as :class:`UsageError` so that :func:`main` reports them
    like every other error (and in the JSON envelope with --json) and returns 2."""

    def error(self, message: str) -> NoReturn:
        said = f"{self.prog}: {message}"
        exc = UsageError(
            [Problem(said, hint=f"see '{self.prog} --help'", code="usage")],
            summary=said,
            kind="invalid",
        )
        exc.usage = self.format_usage()
        raise exc


def build_parser() -> argparse.ArgumentParser:
    def library_option(parser: argparse.ArgumentParser, dest: str) -> None:
        parser.add_argument(
            "--library",
            "-L",
            action="append",
            dest=dest,
            metavar="PACK_DIR",
            default=argparse.SUPPRESS,
            help="a clause pack folder to layer over the bundled one (repeatable, in order)",
        )

    common = _Parser(add_help=False)
    library_option(common, "library")
    library.add_pack_options(common)
    verbosity_options(common, "")
    top = _Parser(add_help=False)
    library_option(top, "library_before")  # given before the command: applied first
    verbosity_options(top, "_before")
    parser = _Parser(
        prog="agreement-kit",
        description=(
            "Draft a Wisconsin school district's Police School Liaison / School Resource Officer "
            "agreement (Wis. Stat. § 66.0301, board policy 8407): check policy coverage and build "
            "the Word document. With no command, opens the wizard."
        ),
        parents=[top],
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"agreement-kit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in GROUPS:
        group.register(sub, common)
    return parser


def _verbosity(args: argparse.Namespace) -> int:
    loud = getattr(args, "verbose", 0) + getattr(args, "verbose_before", 0)
    quiet = getattr(args, "quiet", 0) + getattr(args, "quiet_before", 0)
    return loud - quiet


def _report(exc: ProblemsError) -> None:
    """The error on stderr: the summary, then each problem with where it is and its hint."""
    err(f"error: {exc.summary}")
    for problem in exc.problems:
        if problem.file or problem.clause or problem.line is not None:
            err("  " + str(problem).replace("\n", "\n  "))
            continue
        if problem.message != exc.summary:  # an unlocated problem: no '<input>:' in front
            field = f"{problem.field}: " if problem.field else ""
            err(f"  {field}{problem.message}")
        if problem.hint:
            err(f"  hint: {problem.hint}")


def _environment(exc: OSError) -> ProblemsError:
    """An operating-system error nothing else caught (a folder that cannot be written, a disk that
    is full): an environment problem naming the file."""
    where = exc.filename or None
    what = exc.strerror or str(exc) or type(exc).__name__
    return ProblemsError(
        [Problem(what, file=str(where) if where else None, code="os-error")],
        summary=f"cannot write or read {where}" if where else what,
        kind="environment",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (``--help`` and ``--version`` exit 0 through
    argparse's ``SystemExit``)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        sys.stderr.write(exc.usage)
        _report(exc)
        if "--json" in argv:
            emit_json(_guess_name(parser, argv), False, exc.problems, error=exc)
        return INVALID
    configure_logging(_verbosity(args))
    log.debug("agreement-kit %s: %s", __version__, " ".join(argv) or "(no arguments)")
    if args.command is None:
        args.draft = None
        return drafting.cmd_wizard(args)
    try:
        try:
            return int(args.func(args))
        except (ProblemsError, BrokenPipeError):  # OutputExistsError is an OSError too
            raise
        except OSError as exc:
            raise _environment(exc) from exc
    except ProblemsError as exc:
        if getattr(args, "json", False):
            emit_json(command_name(args), False, exc.problems, error=exc)
        _report(exc)
        log.debug("exit %d (%s)", exc.exit_code, exc.kind, exc_info=log.isEnabledFor(10))
        return exc.exit_code
    except BrokenPipeError:  # e.g. piped into 'head': stop quietly
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return OK
    except KeyboardInterrupt:
        err("interrupted")
        return 130


def _guess_name(parser: argparse.ArgumentParser, argv: Sequence[str]) -> str:
    """The command's envelope name from an argv argparse could not read (for a usage error)."""
    words: list[str] = []
    current: argparse.ArgumentParser | None = parser
    for item in argv:
        if current is None:
            break
        if item.startswith("-"):
            continue
        choices = _subcommands(current)
        if item not in choices:
            break
        words.append(item)
        current = choices[item]
    return "-".join(words) or "agreement-kit"


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
