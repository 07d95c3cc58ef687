"""agreement-kit's speed and scale, as ratios against baselines measured in the same run.

Run: ``uv run python benchmarks/bench.py [--quick] [--skip-wizard]``

Prints a table, then as its last line one JSON object (the keys of issue 13 and a few more). Every
timing is a median of repeated runs; ratios compare like with like on whatever machine runs them:

* build vs raw docxtpl: ``DocxTemplate(template).render(context); save()`` with the same template and
  the same final context our build produced, against our whole path from files (load the library, read
  the draft, check coverage, assemble, render, save). "warm" repeats both in one process; "cold"
  measures the first call in fresh processes (imports done, in-process caches empty).
* processes: ``agreement-kit build`` against a minimal script that imports docxtpl and renders the same
  context from JSON, both as fresh processes (wall time and peak RSS).
* loads, coverage toggles, batch, wizard (``benchmarks/wizard.py``, the wizard room's script).

Bytecode: the script compiles the virtual environment's site-packages and the project first
(``compileall``), so fresh processes do not pay for it; the table says so. Synthetic packs (500 and
5,000 clauses; 20,000 without ``--quick``) and 421 drafts (fewer with ``--quick``) are generated into a
temporary folder by :mod:`synth`; nothing is committed beyond the generator.
"""

from __future__ import annotations

import argparse
import compileall
import io
import json
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

DRAFT = ROOT / "examples" / "riverton.yaml"
PY = sys.executable
CLI = str(Path(PY).parent / "agreement-kit")

# metric -> (target, "<=" or "<" or ">=", what it means)
TARGETS: dict[str, tuple[float, str]] = {
    "build_vs_raw_docxtpl": (1.5, "<="),
    "build_cold_vs_raw_docxtpl": (2.0, "<="),
    "cli_build_vs_raw_script": (1.3, "<="),
    "load_bundled_cached_ms": (100, "<"),
    "load_bundled_cold_ms": (300, "<"),
    "load_5000_s": (5, "<"),
    "coverage_toggle_ms": (5, "<"),
    "coverage_toggle_ms_5000": (50, "<"),
    "batch_vs_raw": (1.2, "<="),
    "batch_parallel_speedup": (1.7, ">="),
    "wizard_start_vs_bare_textual": (1.5, "<="),
    "wizard_cursor_ms": (30, "<"),
    "wizard_toggle_ms": (50, "<"),
}

ROWS: list[tuple[str, str, str]] = []  # (what, measured, note)


def row(what: str, value: str, note: str = "") -> None:
    ROWS.append((what, value, note))
    print(f"  {what:<52} {value:>14}  {note}", file=sys.stderr, flush=True)


def median_time(fn: Callable[[], object], repeat: int, warmup: int = 1) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(
    args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> tuple[float, str]:
    """Run a process: its wall time in seconds and its stdout (exit 0 or 1 expected)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd, text=True
    )
    out, errors = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{errors[-2000:]}")
    return wall, out


RSS_WRAPPER = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)"
)


def peak_rss(args: list[str], env: dict[str, str] | None = None) -> float:
    """Peak resident memory (MiB) of the largest process in ``args``'s tree."""
    _, out = run([PY, "-c", RSS_WRAPPER, *args], env=env)
    return float(out.strip().splitlines()[-1])


def fresh(code: str, repeat: int, env: dict[str, str] | None = None) -> float:
    """Median of the float a fresh Python process prints last (a time it measured itself)."""
    values = []
    for _ in range(repeat):
        _, out = run([PY, "-c", code], env=env, cwd=ROOT)
        values.append(float(out.strip().splitlines()[-1]))
    return statistics.median(values)


def environment(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(extra)
    return env


def compile_bytecode() -> None:
    site = sysconfig.get_paths()["purelib"]
    for folder in (site, ROOT / "agreement_kit", ROOT / "tui"):
        compileall.compile_dir(str(folder), quiet=2, workers=0)


# ---------------------------------------------------------------------------------- the parts


def plain(value: Any) -> Any:
    """A template context as JSON data (what a hand-written script would hold)."""
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return plain(value.model_dump(mode="json"))
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def full_build(library_overlays: tuple[str, ...] = ()) -> bytes:
    from agreement_kit import assemble, check_coverage, load_draft, load_library
    from agreement_kit.word.render import render_bytes

    library = load_library(list(library_overlays))
    draft = load_draft(DRAFT)
    coverage = check_coverage(library, draft)
    try:
        agreement = assemble(library, draft, coverage=coverage)  # type: ignore[call-arg]
    except TypeError:  # before assemble took a coverage
        agreement = assemble(library, draft)
    return render_bytes(agreement)


def bench_build(repeat: int, results: dict[str, Any], tmp: Path) -> None:
    from docxtpl import DocxTemplate

    from agreement_kit import assemble, load_draft, load_library
    from agreement_kit.resources import bundled_template
    from agreement_kit.word.views import template_context

    template = bundled_template()
    context = template_context(assemble(load_library(), load_draft(DRAFT)))

    def raw() -> None:
        doc = DocxTemplate(str(template))
        doc.render(context, autoescape=True)
        doc.save(io.BytesIO())

    raw_t = median_time(raw, repeat)
    ours_t = median_time(full_build, repeat)
    results["raw_docxtpl_ms"] = raw_t * 1000
    results["build_warm_ms"] = ours_t * 1000
    results["build_vs_raw_docxtpl"] = ours_t / raw_t
    row("raw docxtpl render+save, warm", f"{raw_t * 1000:.1f} ms", "baseline")
    row(
        "build from files (load..render), warm",
        f"{ours_t * 1000:.1f} ms",
        f"{ours_t / raw_t:.2f}x raw",
    )

    raw_cold = (
        "import io, time, json\n"
        "from docxtpl import DocxTemplate\n"
        "from agreement_kit.resources import bundled_template\n"
        f"ctx = json.load(open({str(tmp / 'context.json')!r}))\n"
        "t = time.perf_counter(); d = DocxTemplate(str(bundled_template()));"
        " d.render(ctx, autoescape=True); d.save(io.BytesIO())\n"
        "print(time.perf_counter() - t)\n"
    )
    (tmp / "context.json").write_text(json.dumps(plain(context), default=str), encoding="utf-8")
    ours_cold = (
        "import time, sys\n"
        f"sys.path.insert(0, {str(HERE)!r})\n"
        "import agreement_kit.word.render, agreement_kit.engine.assembly, agreement_kit.packs.loading\n"
        "from bench import full_build\n"
        "t = time.perf_counter(); full_build(); print(time.perf_counter() - t)\n"
    )
    reps = max(3, repeat // 3)
    raw_c = fresh(raw_cold, reps, environment())
    ours_c = fresh(ours_cold, reps, environment())
    ours_nc = fresh(ours_cold, reps, environment(AGREEMENT_KIT_NO_CACHE="1"))
    results["build_cold_vs_raw_docxtpl"] = ours_c / raw_c
    results["build_cold_nocache_vs_raw_docxtpl"] = ours_nc / raw_c
    row("raw docxtpl, first render in a fresh process", f"{raw_c * 1000:.1f} ms", "baseline")
    row(
        "build, first in a fresh process (disk cache on)",
        f"{ours_c * 1000:.1f} ms",
        f"{ours_c / raw_c:.2f}x raw",
    )
    row(
        "build, first in a fresh process (no disk cache)",
        f"{ours_nc * 1000:.1f} ms",
        f"{ours_nc / raw_c:.2f}x raw",
    )


def bench_cli(repeat: int, results: dict[str, Any], tmp: Path) -> None:
    script = tmp / "raw_render.py"
    script.write_text(
        "import json, sys\n"
        "from docxtpl import DocxTemplate\n"
        "ctx = json.load(open(sys.argv[1], encoding='utf-8'))\n"
        "doc = DocxTemplate(sys.argv[2]); doc.render(ctx, autoescape=True); doc.save(sys.argv[3])\n",
        encoding="utf-8",
    )
    from agreement_kit.resources import bundled_template

    env = environment()
    raw_args = [
        PY,
        str(script),
        str(tmp / "context.json"),
        str(bundled_template()),
        str(tmp / "raw.docx"),
    ]
    ours_args = [CLI, "build", str(DRAFT), "-o", str(tmp / "cli.docx"), "--force"]
    check_args = [CLI, "check", str(DRAFT)]
    help_args = [CLI, "--help"]
    for args in (raw_args, ours_args, check_args):  # once each before timing (warm the disk cache)
        run(args, env)
    times: dict[str, list[float]] = {"raw": [], "build": [], "check": [], "help": [], "pass": []}
    for _ in range(repeat):
        for key, args in (
            ("raw", raw_args),
            ("build", ours_args),
            ("check", check_args),
            ("help", help_args),
            ("pass", [PY, "-c", "pass"]),
        ):
            times[key].append(run(args, env)[0])
    med = {k: statistics.median(v) for k, v in times.items()}
    results["cli_build_vs_raw_script"] = med["build"] / med["raw"]
    results["cli_check_vs_raw_script"] = med["check"] / med["raw"]
    results["cli_help_ms"] = med["help"] * 1000
    results["cli_build_peak_rss_mb"] = peak_rss(ours_args, env)
    results["raw_script_peak_rss_mb"] = peak_rss(raw_args, env)
    row(
        "raw script as a process",
        f"{med['raw'] * 1000:.0f} ms",
        f"{results['raw_script_peak_rss_mb']:.0f} MiB peak",
    )
    row(
        "agreement-kit build as a process",
        f"{med['build'] * 1000:.0f} ms",
        f"{med['build'] / med['raw']:.2f}x raw, {results['cli_build_peak_rss_mb']:.0f} MiB peak",
    )
    row(
        "agreement-kit check as a process",
        f"{med['check'] * 1000:.0f} ms",
        f"{med['check'] / med['raw']:.2f}x raw",
    )
    row(
        "agreement-kit --help as a process",
        f"{med['help'] * 1000:.0f} ms",
        f"python -c pass: {med['pass'] * 1000:.0f} ms",
    )


LOAD_CODE = (
    "import time\n"
    "import agreement_kit.packs.loading as L\n"
    "t = time.perf_counter(); L.load_library({args}); print(time.perf_counter() - t)\n"
)


def bench_loads(repeat: int, results: dict[str, Any], packs: dict[int, Path]) -> None:
    cached = fresh(LOAD_CODE.format(args=""), repeat, environment())
    cold = fresh(LOAD_CODE.format(args=""), repeat, environment(AGREEMENT_KIT_NO_CACHE="1"))
    results["load_bundled_ms"] = {"cached": cached * 1000, "cold": cold * 1000}
    results["load_bundled_cached_ms"] = cached * 1000
    results["load_bundled_cold_ms"] = cold * 1000
    row("load bundled pack, fresh process, disk cache", f"{cached * 1000:.1f} ms")
    row("load bundled pack, fresh process, no cache", f"{cold * 1000:.1f} ms")
    for size, folder in sorted(packs.items()):
        code = LOAD_CODE.format(args=f"base={str(folder)!r}")
        took = fresh(code, 1, environment(AGREEMENT_KIT_NO_CACHE="1"))
        results[f"load_{size}_s"] = took
        row(
            f"load {size:,}-clause pack, cold",
            f"{took:.2f} s",
            f"{took / size * 1e6:.0f} µs/clause",
        )
        if size <= 5000:
            took = fresh(code, 1, environment())  # the first call fills the disk cache
            took = fresh(code, 1, environment())
            results[f"load_{size}_cached_s"] = took
            row(f"load {size:,}-clause pack, disk cache", f"{took:.3f} s")


def _toggled(draft: Any, clause: str) -> Any:
    choices = draft.clauses.model_dump()
    choices["optional"][clause] = not choices["optional"].get(clause, True)
    return draft.model_copy(update={"clauses": type(draft.clauses).model_validate(choices)})


def bench_toggles(results: dict[str, Any], packs: dict[int, Path], quick: bool) -> None:
    import agreement_kit
    from agreement_kit import check_coverage, load_draft, load_library

    Engine = getattr(agreement_kit, "Engine", None)
    draft = load_draft(DRAFT)
    for size, folder in [(79, None), *sorted(packs.items())]:
        if quick and size > 5000:
            continue
        library = load_library(base=folder) if folder else load_library()
        optional = [
            c.id for c in library.clauses.values() if c.status == "optional" and not c.group
        ]
        picks = optional[:: max(1, len(optional) // 12)][:12]
        drafts = [draft]
        for cid in picks:  # a chain of drafts, each one toggle from the one before
            drafts.append(_toggled(drafts[-1], cid))
        if Engine is not None:
            engine = Engine(library)
            engine.coverage(draft)
            times = []
            for d in drafts[1:]:
                start = time.perf_counter()
                engine.coverage(d)
                times.append(time.perf_counter() - start)
            took = statistics.median(times)
        else:
            check_coverage(library, draft)
            reps = drafts[1:] if size <= 500 else drafts[1:3]
            times = []
            for d in reps:
                start = time.perf_counter()
                check_coverage(library, d)
                times.append(time.perf_counter() - start)
            took = statistics.median(times)
        key = "coverage_toggle_ms" if size == 79 else f"coverage_toggle_ms_{size}"
        results[key] = took * 1000
        how = "Engine session" if Engine is not None else "check_coverage (no session yet)"
        row(f"coverage after one toggle, {size:,} clauses", f"{took * 1000:.2f} ms", how)
        if Engine is not None:
            changed = draft.model_copy(
                update={
                    "district": draft.district.model_copy(update={"name": "Other School District"})
                }
            )
            engine = Engine(library)
            engine.coverage(draft)
            times = []
            for d in (changed, draft) * 3:
                start = time.perf_counter()
                engine.coverage(d)
                times.append(time.perf_counter() - start)
            took = statistics.median(times)
            key = "coverage_answer_ms" if size == 79 else f"coverage_answer_ms_{size}"
            results[key] = took * 1000
            row(f"coverage after the district name changes, {size:,}", f"{took * 1000:.2f} ms")


def bench_batch(results: dict[str, Any], drafts_dir: Path, count: int, tmp: Path) -> None:
    from docxtpl import DocxTemplate

    from agreement_kit import assemble, load_draft, load_library
    from agreement_kit.resources import bundled_template
    from agreement_kit.word.render import render_bytes
    from agreement_kit.word.views import template_context

    paths = sorted(drafts_dir.glob("*.yaml"))
    library = load_library()
    sample = paths[:: max(1, len(paths) // 40)]
    contexts = [template_context(assemble(library, load_draft(p))) for p in sample]
    template = str(bundled_template())
    out = tmp / "raw-out"
    out.mkdir(exist_ok=True)

    def raw_all() -> None:
        for i, context in enumerate(contexts):
            doc = DocxTemplate(template)
            doc.render(context, autoescape=True)
            doc.save(str(out / f"{i}.docx"))

    raw_per_doc = median_time(raw_all, 3) / len(contexts)
    row(
        "raw docxtpl per document (render+save to file)", f"{raw_per_doc * 1000:.1f} ms", "baseline"
    )

    def api_all() -> None:
        for i, p in enumerate(sample):
            (out / f"api-{i}.docx").write_bytes(render_bytes(assemble(library, load_draft(p))))

    api_per_doc = median_time(api_all, 3) / len(sample)
    results["api_sequential_docs_per_s"] = 1 / api_per_doc
    row(
        "API loop per document (read, assemble, render, write)",
        f"{api_per_doc * 1000:.1f} ms",
        f"{api_per_doc / raw_per_doc:.2f}x raw",
    )

    env = environment()
    probe = subprocess.run([CLI, "batch", "--help"], capture_output=True, env=env)
    if probe.returncode != 0:
        for key in (
            "batch_docs_per_s",
            "batch_vs_raw",
            "batch_parallel_speedup",
            "batch_peak_rss_mb",
        ):
            results[key] = None
        results["batch_note"] = "agreement-kit batch does not exist yet"
        row("agreement-kit batch", "n/a", "not built yet")
        return
    walls = {}
    for jobs in (1, 2):
        target = tmp / f"batch-{jobs}"
        args = [CLI, "batch", str(drafts_dir), "-o", str(target), "--jobs", str(jobs), "--force"]
        walls[jobs] = statistics.median(run(args, env)[0] for _ in range(2))
        row(
            f"agreement-kit batch {count} drafts, --jobs {jobs}",
            f"{walls[jobs]:.2f} s",
            f"{count / walls[jobs]:.1f} docs/s (process start and library load included)",
        )
    results["batch_docs_per_s"] = count / walls[2]
    results["batch_docs_per_s_jobs1"] = count / walls[1]
    results["batch_vs_raw"] = (walls[1] / count) / raw_per_doc
    results["batch_parallel_speedup"] = walls[1] / walls[2]
    results["batch_peak_rss_mb"] = peak_rss(
        [CLI, "batch", str(drafts_dir), "-o", str(tmp / "batch-rss"), "--jobs", "2", "--force"], env
    )
    row("batch per document vs raw (--jobs 1)", f"{results['batch_vs_raw']:.2f}x")
    row("batch parallel speedup (--jobs 2 vs 1)", f"{results['batch_parallel_speedup']:.2f}x")
    row("batch peak RSS (largest process)", f"{results['batch_peak_rss_mb']:.0f} MiB")


def bench_wizard(results: dict[str, Any], quick: bool, skip: bool) -> None:
    keys = ("wizard_start_vs_bare_textual", "wizard_toggle_ms", "wizard_cursor_ms")
    script = HERE / "wizard.py"
    reason = None
    if skip:
        reason = "skipped (--skip-wizard)"
    elif not script.exists():
        reason = "benchmarks/wizard.py (the wizard room's) does not exist yet"
    else:
        try:
            args = [PY, str(script), "--json", *(["--quick"] if quick else [])]
            _, out = run(args, environment(), cwd=ROOT)
            found = json.loads(out.strip().splitlines()[-1])
            for key in keys:
                results[key] = found.get(key)
                row(key, f"{found.get(key)}", "from benchmarks/wizard.py")
            return
        except Exception as exc:  # report, do not fail the rest of the benchmark
            reason = f"benchmarks/wizard.py failed: {str(exc)[-300:]}"
    for key in keys:
        results[key] = None
    results["wizard_note"] = reason
    row("wizard numbers", "n/a", reason or "")


def verdicts(results: dict[str, Any]) -> dict[str, bool | None]:
    out: dict[str, bool | None] = {}
    for key, (target, how) in TARGETS.items():
        value = results.get(key)
        if value is None:
            out[key] = None
        elif how == "<=":
            out[key] = value <= target
        elif how == "<":
            out[key] = value < target
        else:
            out[key] = value >= target
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs (under two minutes)")
    parser.add_argument("--skip-wizard", action="store_true", help="leave out the wizard numbers")
    args = parser.parse_args()
    began = time.perf_counter()
    compile_bytecode()
    results: dict[str, Any] = {
        "quick": args.quick,
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
    }
    repeat = 5 if args.quick else 15
    sizes = (500, 5000) if args.quick else (500, 5000, 20000)
    count = 120 if args.quick else 421
    print(
        f"agreement-kit benchmark ({'quick' if args.quick else 'full'}; bytecode compiled first; "
        f"{os.cpu_count()} cores; Python {results['python']})",
        file=sys.stderr,
    )
    with tempfile.TemporaryDirectory(prefix="ak-bench-") as name:
        tmp = Path(name)
        packs = {n: synth.make_pack(tmp / f"pack-{n}", n) for n in sizes}
        drafts_dir = tmp / "drafts"
        synth.make_drafts(drafts_dir, count)
        results["batch_drafts"] = count
        bench_build(repeat, results, tmp)
        bench_cli(repeat, results, tmp)
        bench_loads(repeat, results, packs)
        bench_toggles(results, packs, args.quick)
        bench_batch(results, drafts_dir, count, tmp)
        bench_wizard(results, args.quick, args.skip_wizard)
    results["targets_met"] = verdicts(results)
    results["seconds"] = round(time.perf_counter() - began, 1)
    print("", file=sys.stderr)
    print(f"{'measure':<54} {'value':>14}  note")
    for what, value, note in ROWS:
        print(f"{what:<54} {value:>14}  {note}")
    print("")
    print(
        "targets: "
        + ", ".join(
            f"{k} {'met' if v else ('MISSED' if v is False else 'n/a')}"
            for k, v in results["targets_met"].items()
        )
    )
    print(json.dumps(results, sort_keys=True, default=float))


if __name__ == "__main__":
    main()
