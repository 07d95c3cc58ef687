"""``batch``: build many drafts at once — a whole state's districts — in parallel.

The work is in :mod:`agreement_kit.engine.batch`; this module reads the command line, shows progress
(a progress bar in a terminal, one plain line per draft otherwise), prints the summary and exits
0 when every draft built (or was unchanged), 1 when some failed, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .common import INCOMPLETE, OK, UserError, emit_json, err, output_folder, overlays, pack_options


def cmd_batch(args: argparse.Namespace) -> int:
    from ..engine.batch import REPORT_NAME, Options, default_jobs, plan, run

    out_dir = Path(args.output)
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"{out_dir} is a file; -o names the folder the documents go in")
    if args.jobs is not None and args.jobs < 1:
        raise UserError("--jobs must be 1 or more", hint="--jobs 1 builds in this process")
    jobs, problems = plan(args.drafts, out_dir)
    for problem in problems:
        err(f"error: {problem}")
    if not jobs:
        raise UserError("no drafts to build", hint="name draft files or folders holding *.yaml")
    options = pack_options(args)
    settings = Options(
        out_dir=str(out_dir),
        overlays=tuple(overlays(args)),
        base=options["base"],
        allow_paths=tuple(str(p) for p in options["allow_paths"]),
        strict=options["strict"],
        template=getattr(args, "template", None),
        pdf=args.pdf,
        checklist=args.checklist,
        force=args.force,
    )
    if args.pdf:
        from ..word.pdf import require_soffice

        require_soffice()  # before anything is built: every .docx comes with its .pdf
    workers = args.jobs or default_jobs()
    output_folder(out_dir)  # OUT_DIR may be new, but not a new tree (a typo in its parent)
    out_dir.mkdir(exist_ok=True)
    show = _Progress(len(jobs), workers, quiet=args.json, silent=_quiet(args))
    try:
        report = show.around(lambda tick: run(jobs, settings, jobs=workers, progress=tick))
    finally:
        show.close()
    if args.json:
        failed = [
            {**p, "file": p.get("file") or r.draft}
            for r in report.results
            if r.status == "failed"
            for p in (r.problems or [{"message": r.reason, "file": r.draft}])
        ]
        emit_json(
            "batch",
            report.ok and not problems,
            [*problems, *failed],
            report=str(out_dir / REPORT_NAME),
            batch=report.to_json(),
        )
    else:
        _summary(report, out_dir / REPORT_NAME)
    return OK if report.ok and not problems else INCOMPLETE


def _quiet(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "quiet", 0) or getattr(args, "quiet_before", 0))


class _Progress:
    """A rich progress bar on a terminal; one plain line per draft otherwise (stderr with --json,
    so that stdout holds only the JSON)."""

    def __init__(self, total: int, workers: int, *, quiet: bool, silent: bool = False) -> None:
        self.total = total
        self.count = 0
        self.silent = silent  # --quiet: no progress at all
        self.stream = sys.stderr if quiet else sys.stdout
        self.bar: Any = None
        if self.stream.isatty() and not silent:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(
                TextColumn(f"Building ({workers} process{'es' if workers > 1 else ''})"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("left"),
                TimeRemainingColumn(),
                TextColumn("{task.fields[last]}"),
                console=Console(file=self.stream),
            )
            self.task = self.bar.add_task("batch", total=total, last="")
            self.bar.start()

    def around(self, work: Any) -> Any:
        return work(self.tick)

    def tick(self, result: Any) -> None:
        self.count += 1
        name = Path(result.draft).name
        if self.bar is not None:
            self.bar.update(self.task, advance=1, last=f"{result.status} {name}")
            if result.status == "failed":
                self.bar.console.print(f"[red]failed[/red] {result.draft}: {result.reason}")
            return
        if self.silent:
            return
        line = f"[{self.count}/{self.total}] {result.status:<7} {result.draft}"
        line += f" -> {result.output}" if result.status != "failed" else f": {result.reason}"
        print(line, file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _summary(report: Any, report_file: Path) -> None:
    counts = report.counts
    failed = [r for r in report.results if r.status == "failed"]
    rate = len(report.results) / report.seconds if report.seconds else 0.0
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"Batch: {len(report.results)} drafts in {report.seconds:.1f} s")
        for column in ("built", "unchanged (skipped)", "failed", "processes", "drafts/s"):
            table.add_column(column, justify="right")
        table.add_row(
            str(counts["built"]),
            str(counts["skipped"]),
            str(counts["failed"]),
            str(report.jobs),
            f"{rate:.1f}",
        )
        console = Console()
        console.print(table)
        for r in failed:
            console.print(f"[red]failed[/red] {r.draft}: {r.reason}", markup=True, highlight=False)
            for p in r.problems[:5]:
                console.print(f"    {_problem_line(p)}", markup=False, highlight=False)
    else:
        print(
            f"Batch: {len(report.results)} drafts in {report.seconds:.1f} s with {report.jobs} "
            f"process(es): {counts['built']} built, {counts['skipped']} unchanged (skipped), "
            f"{counts['failed']} failed"
        )
        for r in failed:
            print(f"  failed {r.draft}: {r.reason}")
            for p in r.problems[:5]:
                print(f"    {_problem_line(p)}")
    print(f"Report: {report_file}")


def _problem_line(problem: dict[str, Any]) -> str:
    where = problem.get("file") or ""
    if problem.get("line"):
        where += f":{problem['line']}"
    return f"{where}: {problem.get('message')}" if where else str(problem.get("message"))


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """``batch``."""
    p = sub.add_parser(
        "batch",
        parents=[common],
        help="build many drafts at once, in parallel (a folder of drafts -> a folder of documents)",
        description=(
            "Build every draft named (and every *.yaml in the folders named) into OUT_DIR, one "
            "library load per pack stack, in parallel processes. A draft that fails is reported "
            "with its reason and produces no file; the others still build. Unchanged drafts are "
            "skipped on the next run (--force builds them again). Writes OUT_DIR/batch-report.json. "
            "Exit 0 when every draft built, 1 when some failed, 2 for bad usage."
        ),
    )
    p.add_argument("drafts", nargs="+", metavar="DRAFT_OR_DIR")
    p.add_argument(
        "-o", "--output", required=True, metavar="OUT_DIR", help="folder for the documents"
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help="worker processes (default: all cores; 1 = none)",
    )
    p.add_argument("--pdf", action="store_true", help="also write each PDF (needs LibreOffice)")
    p.add_argument(
        "--checklist",
        action="store_true",
        help="also write counsel's checklist beside each document",
    )
    p.add_argument("--force", action="store_true", help="build again even if nothing changed")
    p.add_argument("--template", metavar="TEMPLATE.docx", help="use your own Word template")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_batch)
