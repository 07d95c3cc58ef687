"""Wizard latencies against their budgets, measured headless, as ratios to a minimal Textual app.

Run: ``uv run python benchmarks/wizard.py [--quick] [--json]``

* first interactive frame: a fresh process from start to the first frame it can be typed into —
  ``agreement-kit``'s start screen, and the wizard opened on a draft — against a minimal Textual
  app with a Footer and one Input, started the same way (budget: ≤ 1.5×);
* keystroke to echo in a text field (< 30 ms), clause-list cursor move (< 30 ms), clause toggle to
  the coverage panel (< 50 ms), step switch (< 150 ms), each the median of several, through
  Textual's Pilot on the bundled Wisconsin pack and ``examples/riverton.yaml`` (copied to a
  temporary folder); the keystroke also against the minimal app;
* adding the 8th school building against adding the 1st (budget: no slower, ≤ 1.2× with noise).

A table goes to stderr; the last stdout line is one JSON object (``benchmarks/bench.py`` reads
``wizard_start_vs_bare_textual``, ``wizard_toggle_ms`` and ``wizard_cursor_ms`` from it). The
machine is shared, so read the ratios; each interaction includes Pilot's wait for the app to be
idle, so the numbers are upper bounds of what a person sees.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGETS: dict[str, tuple[float, str]] = {
    "wizard_start_vs_bare_textual": (1.5, "<="),
    "wizard_keystroke_ms": (30, "<"),
    "wizard_cursor_ms": (30, "<"),
    "wizard_toggle_ms": (50, "<"),
    "wizard_step_ms": (150, "<"),
    "wizard_add_8th_vs_1st": (1.2, "<="),
}

BARE = """
import time, sys
began = float(sys.argv[1])
from textual.app import App
from textual.widgets import Footer, Input
class Bare(App):
    def compose(self):
        yield Input()
        yield Footer()
async def ready(pilot):
    await pilot.pause()
    print(time.time() - began, flush=True)
    pilot.app.exit()
Bare().run(headless=True, size=(100, 30), auto_pilot=ready)
"""

WIZARD = """
import time, sys
began = float(sys.argv[1])
sys.path.insert(0, sys.argv[3])
from tui.app import make_app
async def ready(pilot):
    await pilot.pause()
    while not pilot.app.screen.focused:  # interactive: a field has focus
        await pilot.pause()
    print(time.time() - began, flush=True)
    pilot.app.exit()
make_app(sys.argv[2] or None, pdf=False).run(headless=True, size=(100, 30), auto_pilot=ready)
"""


def start_seconds(code: str, *args: str, repeat: int) -> float:
    """Median seconds from spawning a fresh Python to its first interactive frame."""
    times = []
    for _ in range(repeat):
        began = time.time()
        out = subprocess.run(
            [sys.executable, "-c", code, str(began), *args],
            capture_output=True,
            text=True,
            cwd=tempfile.gettempdir(),
            timeout=120,
            check=True,
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


async def timed(action: Callable[[], Awaitable[Any]], repeat: int) -> float:
    """Median milliseconds of ``action`` (which ends once the app is idle again)."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        await action()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


async def bare_keystroke(repeat: int) -> float:
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Input

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Input()
            yield Footer()

    app = Bare()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()

        async def key() -> None:
            await pilot.press("a")
            await pilot.pause()

        return await timed(key, repeat)


async def wizard_interactions(tmp: Path, repeat: int) -> dict[str, float]:
    from textual.widgets import Input, OptionList

    from tui.answers import field_id
    from tui.app import make_app

    draft = tmp / "riverton.yaml"
    shutil.copy(ROOT / "examples" / "riverton.yaml", draft)
    app = make_app(draft, pdf=False)
    out: dict[str, float] = {}
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.wizard
        assert screen is not None
        await screen.go_to("parties")
        await pilot.pause()
        field = screen.query_one("#f-district-address", Input)
        screen.set_focus(field)
        await pilot.pause()

        async def key() -> None:
            await pilot.press("a")
            await pilot.pause()

        out["wizard_keystroke_ms"] = await timed(key, repeat)
        await pilot.press("escape")

        steps = iter(["program", "parties"] * repeat)

        async def switch() -> None:
            await screen.go_to(next(steps))
            await pilot.pause()

        screen.query_one("#f-district-address", Input).value = ""  # not an answer to keep
        screen.errors.clear()
        out["wizard_step_ms"] = await timed(switch, repeat)

        await screen.go_to("clauses")
        await pilot.pause()
        listing = screen.query_one("#clause-list", OptionList)
        listing.focus()
        listing.highlighted = 1
        await pilot.pause()
        moves = iter(["down", "up"] * repeat)

        async def cursor() -> None:
            await pilot.press(next(moves))
            await pilot.pause()

        out["wizard_cursor_ms"] = await timed(cursor, repeat)
        optional = next(
            c for c in screen.library.clauses.values() if c.status != "required" and not c.group
        )
        listing.highlighted = listing.get_option_index(optional.id)
        await pilot.pause()

        async def toggle() -> None:
            await pilot.press("space")
            await pilot.pause()

        out["wizard_toggle_ms"] = await timed(toggle, repeat * 2)  # an even count: as it was

        await screen.go_to("program")
        await pilot.pause()
        adds = []
        for _ in range(8):
            count = len(screen.draft.program.placements)
            button = screen.query_one("#add-placements")
            screen.set_focus(button)
            await pilot.pause()
            began = time.perf_counter()
            await pilot.press("enter")
            await pilot.pause()
            adds.append((time.perf_counter() - began) * 1000)
            assert len(screen.draft.program.placements) == count + 1
            name = f"program.placements[{count}].building"
            screen.query_one(f"#{field_id(name)}", Input).value = f"School {count}"
            screen.apply(name, f"School {count}")  # not empty, so another can be added
            await pilot.pause()
        out["wizard_add_1st_ms"] = adds[0]
        out["wizard_add_8th_ms"] = adds[-1]
        out["wizard_add_8th_vs_1st"] = adds[-1] / adds[0]
        app.exit()
    return out


def verdict(key: str, value: float) -> str:
    budget = BUDGETS.get(key)
    if budget is None:
        return ""
    target, how = budget
    ok = value <= target if how == "<=" else value < target
    return f"{'met' if ok else 'NOT met'} (budget {how} {target:g})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (under ~40 s)")
    parser.add_argument("--json", action="store_true", help="(the JSON line is always printed)")
    args = parser.parse_args()
    starts = 2 if args.quick else 7
    repeat = 6 if args.quick else 25
    results: dict[str, Any] = {"quick": args.quick}

    bare = start_seconds(BARE, repeat=starts)
    with tempfile.TemporaryDirectory(prefix="ak-wizard-bench-") as name:
        tmp = Path(name)
        start = start_seconds(WIZARD, "", str(ROOT), repeat=starts)
        draft = tmp / "start.yaml"
        shutil.copy(ROOT / "examples" / "riverton.yaml", draft)
        on_draft = start_seconds(WIZARD, str(draft), str(ROOT), repeat=starts)
        results.update(asyncio.run(wizard_interactions(tmp, repeat)))
    results["bare_textual_start_ms"] = bare * 1000
    results["wizard_start_ms"] = start * 1000
    results["wizard_start_on_draft_ms"] = on_draft * 1000
    results["wizard_start_vs_bare_textual"] = start / bare
    results["wizard_start_on_draft_vs_bare_textual"] = on_draft / bare
    results["bare_textual_keystroke_ms"] = asyncio.run(bare_keystroke(repeat))
    results["wizard_keystroke_vs_bare_textual"] = (
        results["wizard_keystroke_ms"] / results["bare_textual_keystroke_ms"]
    )

    rows = [
        ("first frame, minimal Textual app", "bare_textual_start_ms", "ms"),
        ("first frame, agreement-kit start screen", "wizard_start_ms", "ms"),
        ("  vs minimal app", "wizard_start_vs_bare_textual", "x"),
        ("first frame, wizard on a draft", "wizard_start_on_draft_ms", "ms"),
        ("  vs minimal app", "wizard_start_on_draft_vs_bare_textual", "x"),
        ("keystroke to echo, minimal app", "bare_textual_keystroke_ms", "ms"),
        ("keystroke to echo, wizard", "wizard_keystroke_ms", "ms"),
        ("  vs minimal app", "wizard_keystroke_vs_bare_textual", "x"),
        ("clause-list cursor move", "wizard_cursor_ms", "ms"),
        ("clause toggle to coverage panel", "wizard_toggle_ms", "ms"),
        ("step switch", "wizard_step_ms", "ms"),
        ("add 1st building", "wizard_add_1st_ms", "ms"),
        ("add 8th building", "wizard_add_8th_ms", "ms"),
        ("  8th vs 1st", "wizard_add_8th_vs_1st", "x"),
    ]
    print(f"wizard latencies ({'quick' if args.quick else 'full'}), headless", file=sys.stderr)
    for label, key, unit in rows:
        value = results[key]
        shown = f"{value:.2f}x" if unit == "x" else f"{value:.1f} ms"
        print(f"  {label:<42} {shown:>10}  {verdict(key, value)}", file=sys.stderr)
    results["budgets_met"] = {
        key: (results[key] <= t if how == "<=" else results[key] < t)
        for key, (t, how) in BUDGETS.items()
    }
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in results.items()}))


if __name__ == "__main__":
    main()
