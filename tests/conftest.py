from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# The validated-library cache (agreement_kit.packs.cache) is off for the whole suite, subprocesses
# included: no test reads or writes the user's cache folder. Tests of the cache turn it on with a
# folder of their own (tests/test_library_cache.py).
os.environ["AGREEMENT_KIT_NO_CACHE"] = "1"
# The wizard's recent-drafts list and keymap file live in a folder of the run's own, never the
# user's data folder (tui/recent.py).
os.environ["AGREEMENT_KIT_DATA_DIR"] = tempfile.mkdtemp(prefix="agreement-kit-data-")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def library():
    from agreement_kit import load_library

    return load_library()


@pytest.fixture
def complete_draft():
    from agreement_kit import load_draft

    return load_draft(EXAMPLES / "riverton.yaml")
