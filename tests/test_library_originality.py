"""Clause text, summaries and guidance are our own words: no run of eight or more consecutive words
appears in the board policy or in the domain reference they were drafted from.

The references live outside the repository (``shared/reference`` beside the checkout or beside the
folder holding it; ``AGREEMENT_KIT_REFERENCES`` names another folder), so on a clean clone, as in CI,
the comparison is skipped with a reason rather than silently passing.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from agreement_kit import load_library

ROOT = Path(__file__).resolve().parent.parent
SOURCES_ENV = "AGREEMENT_KIT_REFERENCES"
SOURCES = ("policy-8407.txt", "domain.md")


def reference_folder() -> Path | None:
    """Where the reference texts are: $AGREEMENT_KIT_REFERENCES, else ``shared/reference`` beside
    the checkout (a clone) or one level up (a git worktree kept in a folder of worktrees)."""
    named = os.environ.get(SOURCES_ENV)
    candidates = [Path(named)] if named else []
    candidates += [up / "shared" / "reference" for up in (ROOT.parent, ROOT.parent.parent)]
    return next((c for c in candidates if all((c / n).is_file() for n in SOURCES)), None)


RUN = 8  # words: a shorter shared run is a legal phrase or a statute's name, not copying

_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_WORD = re.compile(r"[a-z0-9§]+")


def words(text: str) -> list[list[str]]:
    """Lower-case word runs of ``text``. A template tag splits a run (what it prints is not ours to
    compare), so text on both sides of a tag is never joined into one run."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    return [_WORD.findall(piece) for piece in _JINJA.split(text)]


def shingles(runs: list[list[str]], n: int = RUN) -> set[tuple[str, ...]]:
    return {tuple(run[i : i + n]) for run in runs for i in range(len(run) - n + 1)}


def copied(text: str, reference: set[tuple[str, ...]]) -> list[str]:
    """The runs of ``text`` of ``RUN`` words or more found in ``reference``, each once."""
    hits = []
    for run in words(text):
        i = 0
        while i <= len(run) - RUN:
            if tuple(run[i : i + RUN]) in reference:
                j = i + RUN
                while j < len(run) and tuple(run[j - RUN + 1 : j + 1]) in reference:
                    j += 1
                hits.append(" ".join(run[i:j]))
                i = j
            else:
                i += 1
    return hits


def test_the_checker_finds_a_copied_run_and_ignores_a_short_one():
    reference = shingles(words("The quick brown fox jumps over the lazy dog near the river bank."))
    assert copied(
        "As they say, the QUICK brown fox jumps over the lazy dog near home.", reference
    ) == ["the quick brown fox jumps over the lazy dog near"]
    assert copied("The quick brown fox jumps over the cat.", reference) == []
    # a template tag breaks the run
    assert copied("the quick brown fox {{ x }} jumps over the lazy dog near", reference) == []


@pytest.fixture(scope="module")
def reference() -> set[tuple[str, ...]]:
    folder = reference_folder()
    if folder is None:
        pytest.skip(
            f"the reference texts ({', '.join(SOURCES)}) are not in ../shared/reference beside this "
            f"checkout (nor named by ${SOURCES_ENV}); they are not part of the repository, so a "
            "clean clone cannot run the comparison"
        )
    runs: list[list[str]] = []
    for name in SOURCES:
        runs += words((folder / name).read_text(encoding="utf-8"))
    return shingles(runs)


def test_no_clause_repeats_eight_words_of_the_policy_or_the_domain_reference(reference):
    library = load_library()
    found = []
    for clause in library.clauses.values():
        fields = {
            "title": clause.title,
            "summary": clause.summary,
            "guidance": clause.guidance,
            **{f"text[{i}]": t for i, t in enumerate(clause.text)},
            **{f"verify[{i}]": v for i, v in enumerate(getattr(clause, "verify", None) or [])},
        }
        for name, text in fields.items():
            for citation in clause.citations:  # a citation is a fact, not prose: it may repeat
                text = text.replace(citation, "{{ citation }}")
            found += [f"{clause.id} {name}: {hit!r}" for hit in copied(text, reference)]
    assert found == []


def test_no_requirement_summary_repeats_the_policy(reference):
    library = load_library()
    found = []
    for requirement in library.requirements.values():
        found += [f"{requirement.id}: {hit!r}" for hit in copied(requirement.summary, reference)]
    assert found == []
