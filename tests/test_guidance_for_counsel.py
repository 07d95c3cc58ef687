"""Guidance notes are written for the district's attorney: no tool instructions in them.

A note that says "run `agreement-kit check`" or "give it an order below 99" is for a pack author, not
for counsel; such a point belongs in a YAML comment beside the clause (or in the pack's docs).
"""

from __future__ import annotations

import re

import pytest

from agreement_kit import load_library
from agreement_kit.packs.library import Library

# (what it is, pattern) — each names a kind of tool talk that must not reach counsel's notes.
TOOL_TALK = [
    ("a command", re.compile(r"agreement-kit|\brun [`'\"]|\b(uv|pip|pytest|git) \w")),
    ("code markup", re.compile(r"`|\{\{|\{%")),
    (
        "a file name",
        re.compile(r"\b[\w-]+\.(?:ya?ml|docx|pdf|md|html|json|py|txt)\b", re.IGNORECASE),
    ),
    (
        "a YAML key",
        re.compile(
            r"\b(?:id|version|section|status|default|group|order|covers|citations|guidance|"
            r"summary|inputs|text|applies_if|extends|drop|packs|values|policy_options|clauses|"
            r"optional|alternatives|verify)\s*:(?!\S)"
        ),
    ),
    (
        "a draft or context path",
        re.compile(
            r"\b(?:values|options|policy_options|clauses|program|district|term|agencies|agency)"
            r"\.[a-z_]+\b"
        ),
    ),
    ("a field name", re.compile(r"\b[a-z]+_[a-z0-9_]+\b")),
    ("a clause ordering key", re.compile(r"\border (?:below|above|under|over|of) \d+")),
    ("the pack machinery", re.compile(r"\b(?:overlay|overlays|the template|the wizard)\b")),
]


def tool_talk(text: str) -> list[str]:
    """The kinds of tool talk found in ``text``, with the words that matched."""
    return [
        f"{what} ({m.group(0)!r})" for what, pattern in TOOL_TALK if (m := pattern.search(text))
    ]


def guidance_defects(library: Library) -> list[str]:
    out = []
    for clause in library.clauses.values():
        for where, text in [("guidance", clause.guidance), *(("verify", v) for v in clause.verify)]:
            out += [f"{clause.id}: {where} mentions {found}" for found in tool_talk(text)]
    return out


def test_bundled_guidance_has_no_tool_instructions():
    assert guidance_defects(load_library()) == []


@pytest.mark.parametrize(
    "note",
    [
        "Check that every item is covered (run `agreement-kit check`).",
        "If you add a recital, give it an order below 99.",
        "Edit 11-funding.yaml to change the amount.",
        "Set status: optional to drop it.",
        "The fee comes from values.annual_fee.",
        "The recipient (report_recipient) follows the options.",
        "Replace this clause in a district overlay.",
        "Note that the template prints a cost table.",
    ],
)
def test_tool_talk_is_caught(note):
    assert tool_talk(note)


@pytest.mark.parametrize(
    "note",
    [
        "§ 66.0301(3) lets the agreement provide for proration of expenses.",
        "State v. Angelia D.B., 211 Wis. 2d 140 (1997) applied the T.L.O. standard.",
        "Officers question students in order to investigate; verify the holding.",
        "The agency may insist on the exceptions: an emergency or a compromised investigation.",
    ],
)
def test_legal_prose_is_not_tool_talk(note):
    assert tool_talk(note) == []
