"""Shared fixtures: where the real data lives, and temporary stores."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# The real exports sit beside the repo (../shared/data/real); never edited.
SHARED = Path(os.environ.get("ALTRESPONSE_SHARED", REPO.parent / "shared"))
REAL = SHARED / "data" / "real"
REFERENCE = SHARED / "data" / "reference"
SAMPLES = REPO / "data" / "samples"


@pytest.fixture(scope="session")
def real_dir() -> Path:
    if not REAL.is_dir():
        pytest.fail(f"real data not found at {REAL}; set ALTRESPONSE_SHARED")
    return REAL


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES
