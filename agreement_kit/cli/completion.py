"""``completion bash|zsh|tcsh``: a shell completion script for every command and option.

The script is generated from the same argparse parser the commands use (with ``shtab``), so it
never falls behind a new command or option. Install it once, e.g. for bash::

    agreement-kit completion bash > ~/.local/share/bash-completion/completions/agreement-kit
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

SHELLS = ("bash", "zsh", "tcsh")


def cmd_completion(args: argparse.Namespace) -> int:
    import shtab

    from . import build_parser

    sys.stdout.write(shtab.complete(build_parser(), shell=args.shell))
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """``completion SHELL``."""
    from .common import verbosity_parent

    p = sub.add_parser(
        "completion",
        parents=[verbosity_parent()],
        help="print a shell completion script (bash, zsh or tcsh)",
        description=(
            "Print a completion script for SHELL on stdout. bash: agreement-kit completion bash > "
            "~/.local/share/bash-completion/completions/agreement-kit; zsh: agreement-kit "
            "completion zsh > ~/.zfunc/_agreement-kit (with ~/.zfunc on fpath); tcsh: "
            "agreement-kit completion tcsh > ~/.agreement-kit.completion.csh and source it."
        ),
    )
    p.add_argument("shell", choices=SHELLS, metavar="SHELL", help="bash, zsh or tcsh")
    p.set_defaults(func=cmd_completion)
