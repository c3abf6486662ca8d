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


# The suite's budget (issue 12): under 8 minutes on a quiet 2-core machine. Wall time depends on
# what else the machine runs; CPU time (this process and its children) is what the suite costs.
_START = {}


def pytest_sessionstart(session):
    import os
    import time

    _START.update(wall=time.monotonic(), cpu=sum(os.times()[:4]))


def pytest_terminal_summary(terminalreporter):
    import os
    import time

    if not _START:
        return
    wall, cpu = time.monotonic() - _START["wall"], sum(os.times()[:4]) - _START["cpu"]
    terminalreporter.write_line(f"suite time: {wall:.0f} s wall, {cpu:.0f} s CPU (this process and its children)")


def pytest_collection_modifyitems(items):
    # Heaviest modules first, so the two xdist workers end together (tests/_schedule.py says why).
    from _schedule import heaviest_first

    items[:] = heaviest_first(items)
