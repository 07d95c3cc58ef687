"""How much agreement-kit adds on top of a raw docxtpl render of the same template.

Run: uv run python benchmarks/bench_build.py [--repeat N]

Baseline: DocxTemplate(template).render(context) with a ready-made context (what a hand-rolled
script would do). Measured: the full path from files (load the library, read the draft, check
coverage, assemble, render). Both run in this process, so the printed ratios compare like with like
on whatever machine runs them; absolute times are printed for reference only.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from docxtpl import DocxTemplate

from agreement_kit import assemble, check_coverage, load_draft, load_library
from agreement_kit.resources import bundled_template
from agreement_kit.word.render import render_bytes
from agreement_kit.word.views import template_context

ROOT = Path(__file__).resolve().parent.parent
DRAFT = ROOT / "examples" / "riverton.yaml"


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, int]:
    """Median seconds over ``repeat`` runs, and peak traced memory (bytes) of one run."""
    fn()  # warm caches and imports
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    library = load_library()
    draft = load_draft(DRAFT)
    context = template_context(assemble(library, draft))
    template = bundled_template()

    def raw_docxtpl() -> None:
        doc = DocxTemplate(str(template))
        doc.render(context, autoescape=True)
        doc.save(io.BytesIO())

    def full_pipeline() -> None:
        lib = load_library()
        d = load_draft(DRAFT)
        check_coverage(lib, d)
        render_bytes(assemble(lib, d))

    def load_only() -> None:
        load_library()

    def coverage_only() -> None:
        check_coverage(library, draft)

    base_t, base_m = timed(raw_docxtpl, args.repeat)
    print(f"baseline raw docxtpl render: {base_t * 1000:8.1f} ms, peak {base_m / 1e6:6.1f} MB")
    for name, fn in (
        ("load library", load_only),
        ("check coverage", coverage_only),
        ("full build from files", full_pipeline),
    ):
        t, m = timed(fn, args.repeat)
        print(
            f"{name:<28} {t * 1000:8.1f} ms  time ratio {t / base_t:5.2f}x  "
            f"memory ratio {m / base_m:5.2f}x"
        )


if __name__ == "__main__":
    main()
