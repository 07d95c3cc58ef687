"""The ``agreement-kit`` command line. One module per command group; this module builds the parser
and holds the contract every command follows: how errors become messages and exit codes.

Exit codes: 0 success / complete, 1 incomplete (coverage gaps, missing answers, file exists),
2 invalid input (a file that cannot be read or does not validate).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence

from .. import __version__
from ..problems import Problem, ProblemsError
from . import batch, drafting, library, review, template, word
from .common import INCOMPLETE, INVALID, OK, UserError, err

GROUPS = (drafting, review, library, template, word, batch)


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

    common = argparse.ArgumentParser(add_help=False)
    library_option(common, "library")
    library.add_pack_options(common)
    top = argparse.ArgumentParser(add_help=False)
    library_option(top, "library_before")  # given before the command: applied first
    parser = argparse.ArgumentParser(
        prog="agreement-kit",
        description=(
            "Draft a Wisconsin school district's Police School Liaison / School Resource Officer "
            "agreement (Wis. Stat. § 66.0301, board policy 8407): check policy coverage and build "
            "the Word document. With no command, opens the wizard."
        ),
        parents=[top],
        epilog="Output is a draft for review by the district's counsel, not legal advice.",
    )
    parser.add_argument("--version", action="version", version=f"agreement-kit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in GROUPS:
        group.register(sub, common)
    return parser


def _report(problems: Sequence[Problem], summary: str) -> None:
    err(f"error: {summary}")
    for problem in problems:
        err("  " + str(problem).replace("\n", "\n  "))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args.draft = None
        return drafting.cmd_wizard(args)
    try:
        return args.func(args)
    except ProblemsError as exc:
        if getattr(args, "json", False):
            payload = {
                "format": 1,
                "valid": False,
                "error": exc.summary,
                "problems": [p.as_dict() for p in exc.problems],
            }
            print(json.dumps(payload, indent=2, ensure_ascii=False))
        _report(exc.problems, exc.summary)
        return exc.exit_code
    except UserError as exc:
        err(f"error: {exc}")
        if exc.hint:
            err(f"  hint: {exc.hint}")
        return exc.code
    except FileExistsError as exc:
        err(f"error: {exc} already exists; not replaced")
        err("  hint: use --force to replace it")
        return INCOMPLETE
    except PermissionError as exc:
        err(f"error: permission denied: {exc.filename}")
        return INVALID
    except BrokenPipeError:  # e.g. piped into 'head': stop quietly
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return OK
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        err(f"error: {where}{exc.strerror or exc}")
        return INVALID
    except KeyboardInterrupt:
        err("interrupted")
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
