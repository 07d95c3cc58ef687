"""Write the wizard screenshots in docs/ (SVG, 120×40) from the Riverton example draft.

Run from the repository root:  uv run python docs/wizard_screenshots.py
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path

from agreement_kit import Draft, load_draft, save_draft
from tui.app import make_app

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLE = ROOT / "examples" / "riverton.yaml"
SIZE = (120, 40)


def with_step(draft: Draft, step: str) -> Draft:
    return draft.model_copy(update={"wizard": draft.wizard.model_copy(update={"step": step})})


async def shoot(folder: Path, step: str, name: str, keys: tuple[str, ...] = ()) -> None:
    save_draft(with_step(load_draft(EXAMPLE), step), folder / "riverton.yaml")
    app = make_app("riverton.yaml", pdf=True)  # shows the PDF option as with LibreOffice
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
            await pilot.pause()
        app.save_screenshot(str(DOCS / name))
    print(f"wrote docs/{name}")


async def main() -> None:
    folder = Path(tempfile.mkdtemp())
    here = Path.cwd()
    os.chdir(folder)
    try:
        await shoot(folder, "parties", "wizard-parties.svg")
        await shoot(folder, "program", "wizard-program.svg")
        await shoot(folder, "term", "wizard-term.svg")
        # The clauses step with the cost-share clause chosen, its answer and preview showing.
        await shoot(folder, "clauses", "wizard.svg", keys=("end", *["up"] * 21))
        await shoot(folder, "review", "wizard-review.svg")
    finally:
        os.chdir(here)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
