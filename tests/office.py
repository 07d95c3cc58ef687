"""LibreOffice for the Word round-trip tests: a conversion in a private profile, and the skip marker
for machines without it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)


def libreoffice_convert(src: Path, to: str, tmp_path: Path) -> Path:
    """``soffice --headless --convert-to TO`` of ``src`` into a fresh folder; the converted file."""
    out = tmp_path / f"converted-{to}"
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--convert-to",
            to,
            "--outdir",
            str(out),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return out / f"{src.stem}.{to.split(':')[0]}"
