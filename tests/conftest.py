from __future__ import annotations

from pathlib import Path

import pytest

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
