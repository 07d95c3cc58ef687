"""Discovery through entry points, as a district would use it: our wheel and the example pack package
built, installed into a fresh virtual environment outside the repository, and an agreement built
from a draft that names the pack by id — through the CLI and through the public API."""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT

PACKAGE = ROOT / "examples" / "pack-package"
pytestmark = pytest.mark.slow


def _build(project: Path, out: Path) -> Path:
    result = subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = out.glob("*.whl")
    return wheel


def _third_party_paths() -> list[str]:
    """The site-packages folders this interpreter finds agreement-kit's dependencies in. Their .pth
    files are not processed from there, so the repository's editable install stays out of sight."""
    found = [*site.getsitepackages(), *(p for p in sys.path if p.endswith("site-packages"))]
    return list(dict.fromkeys(p for p in found if Path(p).is_dir()))


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, Path]:
    """A fresh venv with our wheel and the example pack's wheel installed (no network, no deps)."""
    base = tmp_path_factory.mktemp("pack-package")
    ours = _build(ROOT, base / "dist-ours")
    theirs = _build(PACKAGE, base / "dist-pack")
    names = zipfile.ZipFile(theirs).namelist()
    assert "agreement_kit_pack_lakeside/pack.yaml" in names
    assert any(n.endswith("entry_points.txt") for n in names)
    target = base / "venv"
    python = target / "bin" / "python"
    try:
        venv.EnvBuilder(with_pip=True).create(target)
        install = [str(python), "-m", "pip", "install", "--no-index"]
    except subprocess.CalledProcessError:  # an interpreter without ensurepip: uv installs instead
        uv = shutil.which("uv")
        if uv is None:
            pytest.skip("neither ensurepip nor uv is available to install wheels")
        shutil.rmtree(target, ignore_errors=True)
        venv.EnvBuilder(with_pip=False).create(target)
        install = [uv, "pip", "install", "--offline", "--python", str(python)]
    result = subprocess.run(
        [*install, "--no-deps", "-q", str(ours), str(theirs)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    # the dependencies (pydantic, docxtpl...) come from this test's environment, read-only
    (Path(purelib) / "_deps.pth").write_text("\n".join(_third_party_paths()) + "\n", "utf-8")
    work = base / "district"
    work.mkdir()
    draft = work / "lakeside.yaml"
    text = (EXAMPLES / "riverton.yaml").read_text("utf-8")
    draft.write_text(text.replace("packs: []", "packs: [lakeside-district]"), "utf-8")
    return {"python": python, "bin": target / "bin", "work": work, "draft": draft}


def _run(env: dict[str, Path], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "AGREEMENT_KIT_PACKS")}
    return subprocess.run(
        list(args), cwd=env["work"], env=clean, capture_output=True, text=True, timeout=300
    )


def test_cli_builds_an_agreement_from_a_draft_naming_the_installed_pack(env):
    where = _run(
        env, str(env["python"]), "-c", "import agreement_kit; print(agreement_kit.__file__)"
    )
    assert str(env["bin"].parent) in where.stdout, (
        where.stdout + where.stderr
    )  # our wheel, not the repo
    check = _run(env, str(env["bin"] / "agreement-kit"), "check", "lakeside.yaml")
    assert check.returncode == 0, check.stdout + check.stderr
    assert (
        "lakeside-district 1.0.0 over wi-psl-sro (draft packs[0]: installed (entry point"
        in check.stdout
    )
    assert "anonymous-tip-line" in check.stdout or "Complete" in check.stdout
    build = _run(env, str(env["bin"] / "agreement-kit"), "build", "lakeside.yaml", "-o", "out.docx")
    assert build.returncode == 0, build.stdout + build.stderr
    from docx import Document

    from agreement_kit.word.properties import read_custom_properties

    text = "\n".join(p.text for p in Document(str(env["work"] / "out.docx")).paragraphs)
    assert "anonymous tip line for students, families and staff" in text
    props = read_custom_properties(env["work"] / "out.docx")
    assert props["Clause: anonymous-tip-line"].endswith("; lakeside-district")
    assert props["Overlay packs"] == "lakeside-district@1.0.0"
    listing = _run(
        env,
        str(env["bin"] / "agreement-kit"),
        "library",
        "list",
        "--json",
        "-L",
        "lakeside-district",
    )
    assert listing.returncode == 0, listing.stderr
    clause = next(
        c for c in json.loads(listing.stdout)["clauses"] if c["id"] == "anonymous-tip-line"
    )
    assert clause["pack"] == "lakeside-district"


def test_public_api_builds_the_same_agreement(env):
    script = textwrap.dedent(
        """
        from agreement_kit import assemble, check_coverage, load_draft, load_library, render_docx

        draft = load_draft("lakeside.yaml")
        library = load_library(draft=draft)  # honours the draft's packs: (here, an installed id)
        coverage = check_coverage(library, draft)
        assert coverage.complete, coverage.gaps()
        assert "anonymous-tip-line" in coverage.included
        render_docx(assemble(library, draft), "api.docx")
        print(library.stack[1].origin)
        """
    )
    result = _run(env, str(env["python"]), "-c", script)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().startswith(
        "draft packs[0]: installed (entry point lakeside-district"
    )
    from docx import Document

    text = "\n".join(p.text for p in Document(str(env["work"] / "api.docx")).paragraphs)
    assert "anonymous tip line" in text


def test_discovering_the_pack_runs_none_of_its_code(env, tmp_path):
    """The entry point is located, never imported: a package whose import has a side effect shows
    that effect only if something imports it."""
    marker = env["work"] / "imported.txt"
    site_dir = _run(
        env,
        str(env["python"]),
        "-c",
        "import agreement_kit_pack_lakeside as m, os; print(os.path.dirname(m.__file__))",
    ).stdout.strip()
    init = Path(site_dir) / "__init__.py"
    original = init.read_text("utf-8")
    init.write_text(original + f"\nopen({str(marker)!r}, 'w').write('ran')\n", "utf-8")
    try:
        result = _run(env, str(env["bin"] / "agreement-kit"), "check", "lakeside.yaml")
        assert result.returncode == 0, result.stderr
        assert not marker.exists()
    finally:
        init.write_text(original, "utf-8")
