"""Problems found in user input, reported all at once with where they are.

Every error a user can cause — from the CLI or the public API — is a :class:`ProblemsError` (or a
subclass). Its :attr:`~ProblemsError.kind` says what sort of failure it is, and the CLI maps the kind
to its exit code (:data:`EXIT_CODES`); nothing decides an exit code by reading a message's text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]
Kind = Literal["invalid", "incomplete", "environment"]

#: What each kind of failure exits with: 1 ran and the result is not clean, 2 invalid input or
#: usage, 3 an environment problem (LibreOffice missing, a folder that cannot be written).
EXIT_CODES: dict[str, int] = {"incomplete": 1, "invalid": 2, "environment": 3}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file the user gave us, and where it is.

    ``severity`` is ``"error"`` (the input cannot be used as it is) or ``"warning"`` (it can, but a
    person should look). ``code`` is a short stable identifier for scripts (e.g. ``"yaml-syntax"``,
    ``"upstream-moved"``); messages may be reworded, codes are not.
    """

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    clause: str | None = None
    field: str | None = None
    hint: str | None = None
    severity: Severity = "error"
    code: str | None = None

    def location(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def __str__(self) -> str:
        parts = [self.location()]
        if self.severity == "warning":
            parts.append("warning")
        if self.clause:
            parts.append(f"clause {self.clause}")
        if self.field:
            parts.append(self.field)
        text = ": ".join(parts) + f": {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "code": self.code,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "clause": self.clause,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass
class ProblemsError(Exception):
    """Raised when input is invalid; carries every problem found, not just the first.

    ``kind`` is ``"invalid"`` (bad input or usage; exit 2), ``"incomplete"`` (the input is valid but
    the result is not clean, e.g. an agreement with gaps; exit 1) or ``"environment"`` (something
    outside the input is missing or broken, e.g. LibreOffice or an unwritable folder; exit 3).
    """

    problems: list[Problem] = field(default_factory=list)
    summary: str = "invalid input"
    kind: Kind = "invalid"

    def __post_init__(self) -> None:
        super().__init__(self.summary)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.kind]

    def __str__(self) -> str:
        lines = [f"{self.summary} ({len(self.problems)} problem{'s' * (len(self.problems) != 1)}):"]
        lines += [f"  {p}".replace("\n", "\n  ") for p in self.problems]
        return "\n".join(lines)


class OutputExistsError(ProblemsError, FileExistsError):
    """An output file is already there and replacing it was not asked for (``overwrite=False``,
    no ``--force``). A :class:`ProblemsError` of kind ``"invalid"`` (exit 2: a usage matter, since
    ``--force`` or another name fixes it); also a :class:`FileExistsError`, so that code written for
    the plain exception still catches it. :attr:`path` is the file."""

    def __init__(
        self, path: str | os.PathLike[str], hint: str = "use --force to replace it"
    ) -> None:
        self.path = Path(path)
        ProblemsError.__init__(
            self,
            [
                Problem(
                    "already exists; not replaced",
                    file=str(self.path),
                    hint=hint,
                    code="output-exists",
                )
            ],
            summary=f"{self.path} already exists; not replaced",
            kind="invalid",
        )
        self.filename = str(self.path)

    def __reduce__(self) -> tuple[object, ...]:  # picklable across batch worker processes
        return (type(self), (self.path, self.problems[0].hint or ""))


def output_exists(path: str | os.PathLike[str], *, overwrite: bool) -> None:
    """Raise :class:`OutputExistsError` when ``path`` exists and ``overwrite`` is false."""
    if not overwrite and Path(path).exists():
        raise OutputExistsError(path)
