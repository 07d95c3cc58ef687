"""PDF output through LibreOffice (``soffice --headless --convert-to pdf``).

Each conversion runs with its own throwaway LibreOffice profile in a temporary folder, so several
conversions at once (or a LibreOffice window the user has open) do not collide.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..problems import Problem, ProblemsError
from ..yamlio import atomic_write

TIMEOUT = 180  # seconds; a first start of LibreOffice on a slow machine can take a while
INSTALL_HINT = (
    "install it: apt-get install -y libreoffice-writer (Debian/Ubuntu), "
    "dnf install libreoffice-writer (Fedora), brew install --cask libreoffice (macOS), "
    "or download it from https://www.libreoffice.org; or set AGREEMENT_KIT_SOFFICE to the "
    "soffice program. The .docx was written; you can also save it as PDF from Word."
)
_MAC_APP = Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")


def find_soffice() -> str | None:
    """The LibreOffice program: $AGREEMENT_KIT_SOFFICE, then soffice/libreoffice on PATH."""
    configured = os.environ.get("AGREEMENT_KIT_SOFFICE")
    if configured:
        return configured if Path(configured).is_file() else shutil.which(configured)
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return str(_MAC_APP) if _MAC_APP.is_file() else None


def convert_to_pdf(
    docx: Path, *, overwrite: bool = False, out: Path | None = None, timeout: float = TIMEOUT
) -> Path:
    """Write ``docx`` as a PDF next to it (or to ``out``) and return the PDF's path.

    Raises :class:`FileExistsError` when the PDF exists and ``overwrite`` is false, and
    :class:`ProblemsError` when LibreOffice is missing, fails or takes longer than ``timeout``.
    """
    docx = Path(docx)
    target = Path(out) if out else docx.with_suffix(".pdf")
    if target.exists() and not overwrite:
        raise FileExistsError(str(target))
    if not docx.is_file():
        raise ProblemsError(
            [Problem("no such Word document", file=str(docx))], summary="cannot write the PDF"
        )
    soffice = find_soffice()
    if soffice is None:
        raise ProblemsError(
            [
                Problem(
                    "LibreOffice is not installed (no 'soffice' program found)", hint=INSTALL_HINT
                )
            ],
            summary="cannot write the PDF",
            kind="environment",
        )
    with tempfile.TemporaryDirectory(prefix="agreement-kit-pdf-") as tmp:
        work = Path(tmp)
        profile = (work / "profile").as_uri()
        source = work / "in" / "agreement.docx"
        source.parent.mkdir()
        shutil.copyfile(docx, source)
        command = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        try:
            result = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=timeout,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ProblemsError(
                [
                    Problem(
                        f"LibreOffice did not finish within {timeout:g} seconds",
                        file=str(docx),
                        hint="close other LibreOffice windows and try again",
                    )
                ],
                summary="cannot write the PDF",
            ) from None
        except OSError as exc:
            raise ProblemsError(
                [Problem(f"could not run {soffice}: {exc}", hint=INSTALL_HINT)],
                summary="cannot write the PDF",
            ) from None
        produced = work / "out" / "agreement.pdf"
        if result.returncode != 0 or not produced.is_file():
            detail = " ".join((result.stderr or result.stdout or "").split())[:300]
            raise ProblemsError(
                [
                    Problem(
                        "LibreOffice could not convert the document"
                        + (f": {detail}" if detail else f" (exit code {result.returncode})"),
                        file=str(docx),
                    )
                ],
                summary="cannot write the PDF",
            )
        atomic_write(target, produced.read_bytes(), overwrite=overwrite)
    return target
