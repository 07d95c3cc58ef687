"""One snapshot per wizard step at the smallest supported terminal (80×24), with pinned Textual.

A fixed clause pack, fixed answers and a relative draft path keep these stable. After a deliberate
change, look at the report and then run ``uv run pytest tests/test_tui_snapshots.py
--snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agreement_kit import Draft, load_library, new_draft, save_draft
from tui.app import make_app

PACK = Path(__file__).parent / "fixtures" / "tui" / "pack"


def sample_draft(step: str) -> Draft:
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
            "days": ["mon", "tue", "wed", "thu", "fri"],
            "start": "07:15",
            "end": "15:45",
        }
    ]
    data["term"]["effective"] = "2027-07-01"  # the end date is left to answer
    data["wizard"]["step"] = step
    return Draft.model_validate(data)


@pytest.mark.parametrize("step", ["parties", "program", "term", "clauses", "review"])
def test_step_snapshot(step, snap_compare, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    save_draft(sample_draft(step), "draft.yaml")
    app = make_app("draft.yaml", base=PACK, pdf=False)
    assert snap_compare(app, terminal_size=(80, 24))
