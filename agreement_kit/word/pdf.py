"""PDF output through LibreOffice (``soffice --headless --convert-to pdf``).

Each conversion runs with its own throwaway LibreOffice profile in a temporary folder, so several
conversions at once (or a LibreOffice window the user has open) do not collide.

LibreOffice is not left behind: it runs under a small guard process (:data:`_GUARD`) in a process
group of its own. The guard ends LibreOffice's whole group and deletes the temporary folder (which
holds a copy of the agreement) when the conversion finishes, fails, times out, is interrupted, or
when agreement-kit itself is killed — the guard notices its parent is gone (``PR_SET_PDEATHSIG`` on
Linux, and by polling everywhere).
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from ..problems import Problem, ProblemsError, output_exists

log = logging.getLogger(__name__)

TIMEOUT = 180  # seconds; a first start of LibreOffice on a slow machine can take a while
INSTALL_HINT = (
    "install it: apt-get install -y libreoffice-writer (Debian/Ubuntu), "
    "dnf install libreoffice-writer (Fedora), brew install --cask libreoffice (macOS), "
    "or download it from https://www.libreoffice.org; or set AGREEMENT_KIT_SOFFICE to the "
    "soffice program. Without --pdf, build writes only the .docx (Word can save it as PDF)."
)
_MAC_APP = Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")
TEMP_PREFIX = "agreement-kit-pdf-"

# Runs as `python -I -S -c _GUARD WORKDIR PROGRAM ARGS...`: starts LibreOffice in its own process
# group, relays its exit code, and on any way out ends that group and removes WORKDIR.
_GUARD = r"""
import os, shutil, signal, subprocess, sys, time
work, command = sys.argv[1], sys.argv[2:]
parent = os.getppid()
try:
    import ctypes
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: told when the parent dies
except Exception:
    pass
def stop(*_):
    raise SystemExit(143)
for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
    signal.signal(sig, stop)
proc = None
code = 1
try:
    if os.getppid() != parent:
        raise SystemExit(143)
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, start_new_session=True)
    while True:
        try:
            code = proc.wait(timeout=0.2)
            break
        except subprocess.TimeoutExpired:
            if os.getppid() != parent:
                raise SystemExit(143)
finally:
    if proc is not None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            proc.wait(timeout=5)
        except Exception:
            pass
    if os.getppid() != parent or proc is None or code != 0:
        shutil.rmtree(work, ignore_errors=True)
sys.exit(code)
"""


def _windows_candidates() -> list[Path]:
    """Where the LibreOffice installer puts soffice.exe on Windows (64- and 32-bit)."""
    roots = [os.environ.get(name) for name in ("ProgramFiles", "ProgramFiles(x86)", "ProgramW6432")]
    roots += [r"C:\Program Files", r"C:\Program Files (x86)"]
    seen: dict[str, None] = {}
    for root in roots:
        if root:
            seen[str(Path(root) / "LibreOffice" / "program" / "soffice.exe")] = None
    return [Path(p) for p in seen]


def candidates() -> list[Path]:
    """The places LibreOffice is looked for when it is not on PATH (macOS, Windows)."""
    if sys.platform == "win32":
        return _windows_candidates()
    return [_MAC_APP]


def find_soffice() -> str | None:
    """The LibreOffice program: $AGREEMENT_KIT_SOFFICE (a path or a program name on PATH), then
    soffice/libreoffice on PATH, then the usual install folders (macOS' app bundle, Windows'
    Program Files\\LibreOffice\\program\\soffice.exe). None when not found."""
    configured = os.environ.get("AGREEMENT_KIT_SOFFICE")
    if configured:
        return configured if Path(configured).is_file() else shutil.which(configured)
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            log.debug("LibreOffice found on PATH: %s", found)
            return found
    for place in candidates():
        if place.is_file():
            log.debug("LibreOffice found at %s", place)
            return str(place)
    return None


def require_soffice() -> str:
    """The LibreOffice program, or :class:`ProblemsError` (``environment``, exit 3) saying how to
    install it — checked before a build writes anything, so the .docx and .pdf come together or
    not at all. When ``AGREEMENT_KIT_SOFFICE`` names a program that is not there, says so."""
    soffice = find_soffice()
    if soffice is None:
        raise _missing()
    return soffice


def _missing() -> ProblemsError:
    configured = os.environ.get("AGREEMENT_KIT_SOFFICE")
    if configured:
        problem = Problem(
            f"AGREEMENT_KIT_SOFFICE is set to {configured}, but there is no such program",
            hint="point AGREEMENT_KIT_SOFFICE at LibreOffice's soffice program (or unset it to "
            "look on PATH)",
            code="soffice-missing",
        )
    else:
        problem = Problem(
            "LibreOffice is not installed (no 'soffice' program found)",
            hint=INSTALL_HINT,
            code="soffice-missing",
        )
    return ProblemsError([problem], summary="cannot write the PDF", kind="environment")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """End the guard (which ends LibreOffice's group and cleans up), then make sure."""
    if proc.poll() is None:
        try:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()


def pdf_bytes(docx: bytes, *, timeout: float = TIMEOUT, label: str | None = None) -> bytes:
    """``docx`` (the bytes of a .docx) converted to PDF by LibreOffice.

    Raises :class:`ProblemsError` when LibreOffice is missing (``environment``), fails or takes
    longer than ``timeout``. No LibreOffice process and no temporary file outlives the call."""
    soffice = require_soffice()
    work = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
    try:
        source = work / "in" / "agreement.docx"
        source.parent.mkdir()
        source.write_bytes(docx)
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        # LibreOffice's own temporary files go inside the work folder too, so they are removed
        # with it even when LibreOffice is killed
        scratch = work / "tmp"
        scratch.mkdir()
        env = {**os.environ, "TMPDIR": str(scratch), "TMP": str(scratch), "TEMP": str(scratch)}
        try:
            proc = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _GUARD, str(work), *command],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except OSError as exc:
            raise ProblemsError(
                [Problem(f"could not run {soffice}: {exc}", hint=INSTALL_HINT)],
                summary="cannot write the PDF",
                kind="environment",
            ) from None
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(proc)
            raise ProblemsError(
                [
                    Problem(
                        f"LibreOffice did not finish within {timeout:g} seconds",
                        file=label,
                        hint="close other LibreOffice windows and try again",
                    )
                ],
                summary="cannot write the PDF",
                kind="environment",
            ) from None
        except BaseException:  # Ctrl-C, or the caller giving up
            _stop(proc)
            raise
        produced = work / "out" / "agreement.pdf"
        if proc.returncode != 0 or not produced.is_file():
            text = (err or out or b"").decode("utf-8", "replace")
            detail = " ".join(text.split())[:300]
            raise ProblemsError(
                [
                    Problem(
                        "LibreOffice could not convert the document"
                        + (f": {detail}" if detail else f" (exit code {proc.returncode})"),
                        file=label,
                        code="soffice-failed",
                    )
                ],
                summary="cannot write the PDF",
                kind="environment",
            )
        return produced.read_bytes()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def convert_to_pdf(
    docx: Path, *, overwrite: bool = False, out: Path | None = None, timeout: float = TIMEOUT
) -> Path:
    """Write ``docx`` as a PDF next to it (or to ``out``) and return the PDF's path.

    Raises :class:`~agreement_kit.problems.OutputExistsError` when the PDF exists and ``overwrite`` is false, and
    :class:`ProblemsError` when LibreOffice is missing, fails or takes longer than ``timeout``,
    or when the PDF would replace the document itself."""
    from ..outputs import guard_output, write_together

    docx = Path(docx)
    target = Path(out) if out else docx.with_suffix(".pdf")
    guard_output(target, inputs=[docx])
    output_exists(target, overwrite=overwrite)
    if not docx.is_file():
        raise ProblemsError(
            [Problem("no such Word document", file=str(docx))], summary="cannot write the PDF"
        )
    data = pdf_bytes(docx.read_bytes(), timeout=timeout, label=str(docx))
    write_together({target: data}, overwrite=overwrite)
    return target
