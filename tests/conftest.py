"""Shared fixtures: where the real data lives, and temporary stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from paths import REAL, REFERENCE, REPO, SAMPLES, SHARED  # noqa: F401  (re-exported)


@pytest.fixture(scope="session")
def real_dir() -> Path:
    if not REAL.is_dir():
        pytest.fail(f"real data not found at {REAL}; set ALTRESPONSE_SHARED")
    return REAL


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES

# Session-wide stores of every shipped calls set (ingested once; see tests/_real_stores.py).
from _real_stores import real_stores, shipped_stores, synthetic_store  # noqa: E402, F401
