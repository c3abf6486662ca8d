"""Session fixtures: every shipped calls set ingested once per test session, with its shipped adapter.

Imported by ``conftest.py`` so any test module can ask for ``shipped_stores`` (the four real
calls sets and a synthetic one) or one of them, without ingesting again (as
``test_report_real.py`` does per module, these share one copy for the whole session).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from paths import REAL

REAL_CALLS = {
    # name: (file under ../shared/data/real, adapter, beats GeoJSON or None)
    "durham": ("durham/durham_dpd_cfs_2021_heart_beats_community_safety_types.csv", "durham",
               "durham/durham_police_beats_dissolved.geojson"),
    "portland": ("portland/ppb_cfs_nij_2016_08_09.csv.gz", "portland", "portland/portland_police_districts.geojson"),
    "decc_virginia": ("decc_virginia/decc_cad_incidents_2025w35_w48.csv.gz", "decc_virginia", None),
    "burlington": ("burlington/bpd_police_incidents_2022h1.csv.gz", "burlington", None),
}
SYNTH_CALLS, SYNTH_SEED = 5_000, 11


def _ingest_real(name: str, root: Path) -> Path:
    from altresponse.ingest import ingest

    if not REAL.is_dir():
        pytest.fail(f"real data not found at {REAL}; set ALTRESPONSE_SHARED")
    rel, adapter, beats = REAL_CALLS[name]
    store = root / name
    ingest(REAL / rel, adapter, store, beats=REAL / beats if beats else None)
    return store


@pytest.fixture(scope="session")
def real_stores(tmp_path_factory) -> dict[str, Path]:
    """The four real calls sets, each ingested into its own store (once per run, for every xdist worker)."""
    from _shared_builds import shared

    return shared(tmp_path_factory, "real_stores", lambda root: {name: _ingest_real(name, root) for name in REAL_CALLS})


@pytest.fixture(scope="session")
def synthetic_store(tmp_path_factory) -> Path:
    """Seeded synthetic calls (``altresponse.synth``) in a store, with Durham's beats (once per run)."""
    from _shared_builds import shared

    return shared(tmp_path_factory, "synthetic_store", _ingest_synthetic)


def _ingest_synthetic(root: Path) -> Path:
    from altresponse.ingest import ingest
    from altresponse.synth import default_beats_path, write_synthetic_calls

    path = root / "calls.parquet"
    write_synthetic_calls(path, SYNTH_CALLS, seed=SYNTH_SEED)
    ingest(path, "synth", root / "store", beats=default_beats_path())
    return root / "store"


@pytest.fixture(scope="session")
def shipped_stores(real_stores, synthetic_store) -> dict[str, Path]:
    """Every shipped calls set: the four real ones and the synthetic one."""
    return {**real_stores, "synth": synthetic_store}
