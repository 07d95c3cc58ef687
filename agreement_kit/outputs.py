"""Writing outputs without ever replacing an input.

Every command that writes a file — ``build`` (.docx and .pdf), ``checklist``, ``library docs``,
``new``, the wizard's Generate — calls :func:`guard_output` first: an output that would land on the
draft, a clause-pack file or the template is refused, **with or without** ``--force`` (``--force``
means "replace my previous output", never "replace my input"). The check compares files, not
names: a symlink, a hard link, ``./d.yaml`` and ``D.YAML`` on a case-insensitive disk all count.

:func:`write_together` writes several outputs of one run (a .docx and its .pdf) so that they appear
together or not at all: each is written to a temporary file beside its final name first, and only
when all of them are complete are they renamed into place, one after another, with interrupts held
off in between. An interrupted run leaves the previous pair untouched and no partial file under a
final name.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from .problems import Problem, ProblemsError, output_exists

PACK_FILES = ("pack.yaml", "policy.yaml")


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def _pack_input(out: Path, pack: Path) -> bool:
    """Whether writing ``out`` would replace or add a file of the pack folder ``pack``."""
    try:
        root = pack.resolve()
        target = out.resolve()
    except OSError:
        return False
    if target.parent == root and target.name in PACK_FILES:
        return True
    if root == target or root in target.parents:
        inside = target.relative_to(root).parts
        if inside[:1] == ("clauses",) and target.suffix.lower() in (".yaml", ".yml"):
            return True
        return target.exists() and target.suffix.lower() in (".yaml", ".yml", ".json")
    return False


def guard_output(
    out: str | Path,
    *,
    draft: str | Path | None = None,
    template: str | Path | None = None,
    packs: Iterable[str | Path] = (),
    inputs: Iterable[str | Path] = (),
    kinds: Iterable[str] = (),
    library: object | None = None,
) -> None:
    """Refuse (:class:`ProblemsError`, exit 2) an output ``out`` that is one of the run's inputs:
    the draft, the template, a file of any clause pack (``packs``, or every pack a loaded
    ``library`` came from), or any other path in ``inputs``; and, when ``kinds`` lists the suffixes
    this output may have (``.md``...), an existing file of another kind (``library docs -o
    draft.yaml``). Applies whatever ``--force`` says."""
    out = Path(out)
    packs = [*packs, *(pack_dirs(library) if library is not None else [])]
    named: list[tuple[str, Path]] = []
    if draft is not None:
        named.append(("the draft itself", Path(draft)))
    if template is not None:
        named.append(("the template itself", Path(template)))
    named += [("an input", Path(p)) for p in inputs]
    for what, path in named:
        if _same(out, path):
            raise ProblemsError(
                [
                    Problem(
                        f"{out} is {what} ({path}); an output never replaces an input, even with --force",
                        file=str(out),
                        hint="choose another output file name (-o)",
                        code="output-is-input",
                    )
                ],
                summary=f"not writing {out}",
            )
    allowed = {k.lower() for k in kinds}
    if allowed and out.exists() and out.suffix.lower() not in allowed:
        raise ProblemsError(
            [
                Problem(
                    f"{out} exists and is not a {'/'.join(sorted(allowed))} file; an output only "
                    "ever replaces an earlier output of its own kind, even with --force",
                    file=str(out),
                    hint=f"choose a file name ending in {sorted(allowed)[0]}",
                    code="output-is-input",
                )
            ],
            summary=f"not writing {out}",
        )
    for pack in packs:
        if _pack_input(out, Path(pack)):
            raise ProblemsError(
                [
                    Problem(
                        f"{out} is inside the clause pack {pack}; an output never replaces or adds "
                        "a pack file, even with --force",
                        file=str(out),
                        hint="write outputs outside the pack folder",
                        code="output-is-input",
                    )
                ],
                summary=f"not writing {out}",
            )


def pack_dirs(library: object) -> list[Path]:
    """The folders of every pack a loaded library came from (for :func:`guard_output`)."""
    sources = getattr(library, "sources", {}) or {}
    dirs: dict[Path, None] = {}
    for file in sources.values():
        folder = Path(file).parent
        dirs[folder.parent if folder.name == "clauses" else folder] = None
    for file in (getattr(library, "requirement_files", {}) or {}).values():
        dirs[Path(file).parent] = None
    return list(dirs)


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold off SIGINT/SIGTERM/SIGHUP (delivered afterwards) while a few renames run."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "pthread_sigmask"
    ):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def write_together(files: Mapping[Path, bytes], *, overwrite: bool) -> list[Path]:
    """Write every ``path: data`` so that all appear or none do (see the module's note).

    Raises :class:`OutputExistsError` when a target exists and ``overwrite`` is false (before writing
    anything), and OSError naming the file that could not be written (the disk full, a folder
    that cannot be written); then nothing is replaced."""
    from .yamlio import _mode_for

    targets = [Path(p) for p in files]
    if not overwrite:
        for target in targets:
            output_exists(target, overwrite=False)
    temps: list[tuple[Path, Path]] = []
    try:
        for target, data in zip(targets, files.values(), strict=True):
            if target.is_dir():
                raise IsADirectoryError(errno.EISDIR, "it is a folder", str(target))
            for parent in (target.parent, *target.parent.parents):
                if parent.exists():
                    if not parent.is_dir():
                        raise NotADirectoryError(errno.ENOTDIR, f"{parent} is a file", str(target))
                    break
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                fd, name = tempfile.mkstemp(
                    prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
                )
            except OSError as exc:
                raise OSError(exc.errno, exc.strerror, str(target)) from None
            tmp = Path(name)
            temps.append((tmp, target))
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.chmod(tmp, _mode_for(target))
            except OSError as exc:
                raise OSError(exc.errno, exc.strerror, str(target)) from None
        with _interrupts_held():
            for done, final in temps:
                os.replace(done, final)
    except BaseException:
        for left, _ in temps:
            left.unlink(missing_ok=True)
        raise
    return targets
