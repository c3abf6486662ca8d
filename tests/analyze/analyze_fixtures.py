"""Small hand-made classified tables (the columns of docs/architecture.md)."""

from __future__ import annotations

import ibis
import pandas as pd
import pyarrow as pa
import pytest

from altresponse.calls import CALLS_SCHEMA

CLASSIFIED_EXTRA = {
    "canonical_type": pa.string(),
    "category": pa.string(),
    "type_rule": pa.string(),
    "eligible_crt": pa.bool_(),
    "eligible_rule_crt": pa.string(),
    "in_area_crt": pa.bool_(),
    "in_hours_crt": pa.bool_(),
    "eligible": pa.bool_(),
    "recommended_response": pa.string(),
    "recommended_rule": pa.string(),
    "risk_level": pa.string(),
    "risk_rule": pa.string(),
    "program_id": pa.string(),
    "program_version": pa.string(),
}
SCHEMA = pa.schema(list(CALLS_SCHEMA) + [pa.field(n, t) for n, t in CLASSIFIED_EXTRA.items()])


def make_classified(rows: list[dict], *, tz: str = "America/New_York") -> ibis.Table:
    """A classified table from a few dicts; unspecified columns are null.

    ``received_local`` (naive local) drives ``received_at``/``received_date`` unless given;
    ``*_after`` keys (seconds after received) make dispatched/onscene/cleared times.
    """
    out = []
    for i, row in enumerate(rows):
        row = dict(row)
        r = {name: None for name in SCHEMA.names}
        r["call_id"] = row.pop("call_id", f"t:{i + 1}")
        r["source"] = "t"
        r["source_tz"] = tz
        local = row.pop("received_local", None)
        if local is not None:
            local = pd.Timestamp(local)
            r["received_local"] = local
            r["received_at"] = local.tz_localize(tz).tz_convert("UTC")
            r["received_date"] = local.date()
        for key, col in (("dispatched_after", "dispatched_at"), ("onscene_after", "onscene_at"), ("cleared_after", "cleared_at")):
            secs = row.pop(key, None)
            if secs is not None:
                r[col] = r["received_at"] + pd.Timedelta(seconds=secs)
        if "received_date" in row:
            row["received_date"] = pd.Timestamp(row["received_date"]).date()
        r.setdefault("eligible", False)
        r.update(row)
        if r["eligible"] is None:
            r["eligible"] = False
        out.append(r)
    table = pa.Table.from_pylist(out, schema=SCHEMA)
    return ibis.memtable(table)


@pytest.fixture
def classified_factory():
    return make_classified


def as_classified(calls: ibis.Table) -> ibis.Table:
    """Canonical calls with the classification columns added as nulls (not eligible).

    Lets real-file counts (per beat, per month) be checked before any program is applied.
    """
    extra = {n: ibis.null(str(ibis.dtype(t))) for n, t in (
        ("canonical_type", "string"), ("category", "string"), ("recommended_response", "string"),
        ("risk_level", "string"), ("risk_rule", "string"),
    )}
    return calls.mutate(eligible=ibis.literal(False), **extra)


@pytest.fixture(scope="session")
def durham_store(tmp_path_factory, real_dir):
    """The real Durham 2021 subset ingested (with the dissolved beats) into a temporary store."""
    from altresponse.ingest import ingest

    store = tmp_path_factory.mktemp("durham_store")
    ingest(
        [real_dir / "durham" / "durham_dpd_cfs_2021_heart_beats_community_safety_types.csv"],
        "durham",
        store,
        beats=real_dir / "durham" / "durham_police_beats_dissolved.geojson",
    )
    return store


@pytest.fixture(scope="session")
def durham_csv(real_dir):
    import pandas as pd

    return pd.read_csv(real_dir / "durham" / "durham_dpd_cfs_2021_heart_beats_community_safety_types.csv", dtype={"Beat": str})
