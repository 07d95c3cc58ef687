"""One snapshot per wizard step at the smallest supported terminal (80×24), with pinned Textual.

A fixed clause pack, fixed answers and a relative draft path keep these stable. After a deliberate
change, look at the report and then run ``uv run pytest tests/test_tui_snapshots.py
--snapshot-update``.
"""

from __future__ import annotations

import pytest

from agreement_kit import Draft, save_draft
from tests.tui_drafts import PACK, riverton_draft
from tui.app import make_app


def sample_draft(step: str) -> Draft:
    # the end date is left to answer
    return riverton_draft(step, ["mon", "tue", "wed", "thu", "fri"], effective="2027-07-01")


@pytest.mark.parametrize("step", ["parties", "program", "term", "clauses", "review"])
def test_step_snapshot(step, snap_compare, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    save_draft(sample_draft(step), "draft.yaml")
    app = make_app("draft.yaml", base=PACK, pdf=False)
    assert snap_compare(app, terminal_size=(80, 24))
