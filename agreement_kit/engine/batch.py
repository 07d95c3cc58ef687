"""Building many drafts at once (``agreement-kit batch``): one library load per pack stack, in
parallel worker processes, a failing draft reported with its reason while the others still build,
and unchanged outputs skipped on the next run.

:func:`plan` turns the command line's drafts and folders into :class:`Job` s with output names that
never collide. :func:`run` builds them (in this process with ``jobs=1``, else in a process pool) and
returns a :class:`BatchReport`; :func:`build_one` is one draft's work, run inside a worker.

Skipping: each output is keyed on the draft's hash, the library's hash, the template's bytes, the
tool version and what was asked for (PDF, checklist). The report of the previous run
(:data:`REPORT_NAME` in the output folder) holds those keys; an output whose key is unchanged and
whose files are all still there is skipped, unless ``force``. A file in the output folder that no
earlier batch wrote is never replaced without ``force``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..problems import Problem, ProblemsError

REPORT_NAME = "batch-report.json"
REPORT_FORMAT = 1
DRAFT_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Options:
    """What every draft of one batch is built with (picklable: it travels to the workers)."""

    out_dir: str
    overlays: tuple[str, ...] = ()
    base: str | None = None
    allow_paths: tuple[str, ...] = ()
    strict: bool = False
    template: str | None = None
    pdf: bool = False
    checklist: bool = False
    force: bool = False


@dataclass(frozen=True)
class Job:
    draft: str  # the draft file
    output: str  # the .docx to write


@dataclass
class Result:
    """What became of one draft: ``built``, ``skipped`` (unchanged) or ``failed`` (and why)."""

    draft: str
    output: str
    status: str
    reason: str = ""
    problems: list[dict[str, Any]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    key: str = ""
    seconds: float = 0.0


@dataclass
class BatchReport:
    results: list[Result]
    jobs: int
    started: str
    seconds: float

    @property
    def counts(self) -> dict[str, int]:
        out = {"built": 0, "skipped": 0, "failed": 0}
        for r in self.results:
            out[r.status] = out.get(r.status, 0) + 1
        return out

    @property
    def ok(self) -> bool:
        return not any(r.status == "failed" for r in self.results)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": REPORT_FORMAT,
            "tool_version": __version__,
            "started": self.started,
            "seconds": round(self.seconds, 3),
            "jobs": self.jobs,
            "counts": self.counts,
            "ok": self.ok,
            "results": [asdict(r) for r in self.results],
        }


# ----------------------------------------------------------------------------- planning


def find_drafts(inputs: Sequence[str | Path]) -> tuple[list[Path], list[Problem]]:
    """The draft files named, and the ``*.yaml``/``*.yml`` files of the folders named (not their
    subfolders), each once, in the order given (a folder's files by name)."""
    found: list[Path] = []
    problems: list[Problem] = []
    seen: set[Path] = set()
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            members = sorted(p for p in path.iterdir() if p.suffix.lower() in DRAFT_SUFFIXES)
            members = [p for p in members if p.is_file() and p.name != REPORT_NAME]
            if not members:
                problems.append(Problem("this folder holds no drafts (*.yaml)", file=str(path)))
        elif path.is_file():
            members = [path]
        else:
            problems.append(Problem("no such draft file or folder", file=str(path)))
            members = []
        for member in members:
            key = member.resolve()
            if key not in seen:
                seen.add(key)
                found.append(member)
    return found, problems


def output_names(drafts: Sequence[Path]) -> list[str]:
    """A distinct ``.docx`` name per draft: its own name, and where two drafts share a name
    (``a/riverton.yaml``, ``b/riverton.yaml``) the folder's name before it, then a number."""
    stems = [d.stem for d in drafts]
    taken: set[str] = set()
    clashing = {s.lower() for s in stems if sum(1 for t in stems if t.lower() == s.lower()) > 1}
    names = []
    for draft, stem in zip(drafts, stems, strict=True):
        name = f"{draft.resolve().parent.name}-{stem}" if stem.lower() in clashing else stem
        candidate, n = name, 2
        while candidate.lower() in taken:
            candidate, n = f"{name}-{n}", n + 1
        taken.add(candidate.lower())
        names.append(f"{candidate}.docx")
    return names


def plan(inputs: Sequence[str | Path], out_dir: str | Path) -> tuple[list[Job], list[Problem]]:
    drafts, problems = find_drafts(inputs)
    jobs = [
        Job(str(d), str(Path(out_dir) / name))
        for d, name in zip(drafts, output_names(drafts), strict=True)
    ]
    return jobs, problems


def previous_keys(out_dir: str | Path) -> dict[str, str]:
    """Output file -> key, from the last batch's report in ``out_dir`` (empty when unreadable)."""
    try:
        data = json.loads((Path(out_dir) / REPORT_NAME).read_text(encoding="utf-8"))
        return {
            r["output"]: r["key"]
            for r in data.get("results", [])
            if r.get("status") in ("built", "skipped") and r.get("key")
        }
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


# ----------------------------------------------------------------------------- one draft


_LIBRARIES: dict[tuple[Any, ...], Any] = {}  # per process and batch: one load per pack stack


def _library(draft: Any, options: Options) -> Any:
    from ..packs.cache import load_cached
    from ..packs.resolve import resolve_packs

    stack = resolve_packs(
        list(options.overlays),
        base=options.base,
        draft=draft,
        allow_paths=list(options.allow_paths),
    )
    if stack.problems:
        raise ProblemsError(
            stack.problems, summary="a clause pack could not be found or is refused"
        )
    key = (tuple((str(s.dir), s.origin) for s in stack.sources), options.strict)
    if key not in _LIBRARIES:
        _LIBRARIES[key] = load_cached(stack, strict=options.strict)
    return _LIBRARIES[key]


_TEMPLATE_HASHES: dict[str, tuple[tuple[int, int], str]] = {}


def _template_hash(path: Path) -> str:
    info = path.stat()
    stamp = (info.st_size, info.st_mtime_ns)
    kept = _TEMPLATE_HASHES.get(str(path))
    if kept is None or kept[0] != stamp:
        kept = (stamp, hashlib.sha256(path.read_bytes()).hexdigest())
        _TEMPLATE_HASHES[str(path)] = kept
    return kept[1]


def targets(job: Job, options: Options) -> list[Path]:
    out = Path(job.output)
    files = [out]
    if options.pdf:
        files.append(out.with_suffix(".pdf"))
    if options.checklist:
        files.append(out.with_name(out.stem + ".checklist.md"))
    return files


def build_one(job: Job, options: Options, previous: str | None) -> Result:
    """Build one draft; every failure becomes a ``failed`` result with its reason, never an
    exception (the other drafts go on)."""
    start = time.perf_counter()
    result = Result(job.draft, job.output, "failed")
    try:
        _build(job, options, previous, result)
    except ProblemsError as exc:
        result.status = "failed"
        result.reason = exc.summary
        result.problems = [p.as_dict() for p in exc.problems]
    except FileExistsError as exc:
        result.status, result.reason = "failed", f"{exc} already exists; not replaced (use --force)"
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        result.status, result.reason = "failed", f"{where}{exc.strerror or exc}"
    except Exception as exc:  # a defect of ours: report it and carry on with the others
        result.status, result.reason = "failed", f"internal error: {type(exc).__name__}: {exc}"
    result.seconds = round(time.perf_counter() - start, 4)
    return result


def _build(job: Job, options: Options, previous: str | None, result: Result) -> None:
    from ..drafts.io import check_against_library, load_draft
    from ..outputs import guard_output, pack_dirs, write_together
    from ..resources import bundled_template
    from .assembly import assemble, draft_hash
    from .session import engine_for

    draft = load_draft(job.draft)
    library = _library(draft, options)
    errors = [p for p in check_against_library(draft, library) if p.severity == "error"]
    if errors:
        raise ProblemsError(errors, summary="the draft names things the library lacks")
    template = Path(options.template) if options.template else bundled_template()
    files = targets(job, options)
    for target in files:
        guard_output(target, draft=job.draft, template=template, packs=pack_dirs(library))
    key = hashlib.sha256(
        json.dumps(
            [
                __version__,
                draft_hash(draft),
                library.library_hash,
                _template_hash(template),
                options.pdf,
                options.checklist,
            ]
        ).encode()
    ).hexdigest()
    result.key = key
    result.files = [str(t) for t in files]
    if not options.force and previous == key and all(t.exists() for t in files):
        result.status = "skipped"
        return
    written_before = previous is not None  # an earlier batch wrote these names: replace them
    engine = engine_for(library)
    coverage = engine.coverage(draft)
    if not coverage.complete:
        raise ProblemsError(
            [Problem(gap, file=job.draft) for gap in coverage.gaps()],
            summary="the agreement is not complete yet",
            kind="incomplete",
        )
    agreement = assemble(library, draft, coverage=coverage)
    from ..word.render import render_document

    rendered = render_document(agreement, options.template)
    data: dict[Path, bytes] = {files[0]: rendered.data}
    if options.pdf:
        from ..word.pdf import pdf_bytes

        data[files[1]] = pdf_bytes(rendered.data, label=job.output)
    if options.checklist:
        from ..review.checklist import build_checklist
        from ..review.render import render_checklist

        text = render_checklist(build_checklist(library, draft, coverage), "md")
        data[files[-1]] = text.encode("utf-8") if isinstance(text, str) else text
    write_together(data, overwrite=options.force or written_before)
    result.status = "built"


def _worker_init() -> None:
    # workers are plain builders: interrupts are handled by the parent, which ends them
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _build_many(batch: list[tuple[Job, str | None]], options: Options) -> list[Result]:
    return [build_one(job, options, previous) for job, previous in batch]


# ----------------------------------------------------------------------------- the batch


def default_jobs() -> int:
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


def run(
    jobs_list: Sequence[Job],
    options: Options,
    *,
    jobs: int | None = None,
    progress: Callable[[Result], None] | None = None,
) -> BatchReport:
    """Build every job (``jobs`` worker processes; 1 = in this process) and report. The report is
    also written to :data:`REPORT_NAME` in the output folder."""
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    begin = time.perf_counter()
    _LIBRARIES.clear()  # packs may have changed since an earlier batch in this process
    workers = max(1, jobs or default_jobs())
    previous = previous_keys(options.out_dir)
    todo = [(job, previous.get(job.output)) for job in jobs_list]
    results: dict[int, Result] = {}

    def done(index: int, result: Result) -> None:
        results[index] = result
        if progress is not None:
            progress(result)

    if workers == 1 or len(todo) <= 1:
        for i, (job, prev) in enumerate(todo):
            done(i, build_one(job, options, prev))
    else:
        chunks = list(_chunks(list(enumerate(todo)), workers))
        with ProcessPoolExecutor(max_workers=workers, initializer=_worker_init) as pool:
            futures = {
                pool.submit(_build_many, [item for _, item in chunk], options): [
                    i for i, _ in chunk
                ]
                for chunk in chunks
            }
            for future in as_completed(futures):
                for index, result in zip(futures[future], future.result(), strict=True):
                    done(index, result)
    report = BatchReport(
        [results[i] for i in range(len(todo))], workers, started, time.perf_counter() - begin
    )
    write_report(report, options.out_dir)
    return report


def _chunks(items: list[Any], workers: int) -> Iterable[list[Any]]:
    """Small chunks (progress moves, and a slow draft does not hold up a whole share), drafts of
    one folder together."""
    size = max(1, min(8, len(items) // (workers * 4) or 1))
    for start in range(0, len(items), size):
        yield items[start : start + size]


def write_report(report: BatchReport, out_dir: str | Path) -> Path:
    from ..yamlio import atomic_write

    path = Path(out_dir) / REPORT_NAME
    atomic_write(path, json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n")
    return path
