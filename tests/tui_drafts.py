"""Answers shared by the wizard tests: the fixed test pack and a Riverton draft built on it."""

from __future__ import annotations

from pathlib import Path

from agreement_kit import Draft, load_library, new_draft

PACK = Path(__file__).parent / "fixtures" / "tui" / "pack"


def riverton_draft(step: str | None, days: list[str], **term: str) -> Draft:
    """A new draft of the test pack with the Riverton parties, one building and the given term."""
    data = new_draft(load_library(base=PACK)).model_dump()
    data["district"].update(name="Riverton Area School District", kind="unified")
    data["district"]["administrator"] = {"name": "Dr. Amélie Zúñiga-Holt", "title": "Administrator"}
    data["agencies"][0].update(
        name="Riverton Police Department", municipality={"name": "City of Riverton", "kind": "city"}
    )
    data["program"]["placements"] = [
        {
            "building": "Riverton High School",
            "principal": "Renée D'Amato",
            "days": days,
            "start": "07:15",
            "end": "15:45",
        }
    ]
    data["term"].update(term)
    data["wizard"]["step"] = step
    return Draft.model_validate(data)
