"""Problems found in user input, reported all at once with where they are."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file the user gave us, and where it is."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    clause: str | None = None
    field: str | None = None
    hint: str | None = None

    def location(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def __str__(self) -> str:
        parts = [self.location()]
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
    """Raised when input is invalid; carries every problem found, not just the first."""

    problems: list[Problem] = field(default_factory=list)
    summary: str = "invalid input"

    def __post_init__(self) -> None:
        super().__init__(self.summary)

    def __str__(self) -> str:
        lines = [f"{self.summary} ({len(self.problems)} problem{'s' * (len(self.problems) != 1)}):"]
        lines += [f"  {p}".replace("\n", "\n  ") for p in self.problems]
        return "\n".join(lines)
