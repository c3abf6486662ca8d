"""Compare a drafted adapter with a shipped one: per key, the source column each resolves to
in a given file's header, and per column, the rows each loads (helpers for the draft tests)."""

from __future__ import annotations

from altresponse.adapter import Adapter, normalise_header


def resolved(adapter: Adapter, header: list[str]) -> dict[str, object]:
    """Key -> what the adapter reads from a file with this header (first present candidate)."""
    present = {normalise_header(h) for h in header}

    def first(cols):
        return next((c for c in cols or [] if normalise_header(c) in present), None)

    out: dict[str, object] = {"time_zone": adapter.time_zone, "id.column": first(adapter.id.column)}
    for role, spec in adapter.timestamps.items():
        out[f"timestamps.{role}"] = (first(spec.column), first(spec.date), first(spec.time), spec.offset)
    for f, cols in adapter.fields.items():
        col = first(cols)
        if col is not None:
            out[f"fields.{f}"] = col
    c = adapter.coordinates
    if c is not None:
        out["coordinates"] = (first(c.latitude), first(c.longitude), first(c.x), first(c.y), c.epsg)
    out["agency"] = adapter.agency
    return {k: v for k, v in out.items() if v is not None}


def differences(draft: Adapter, shipped: Adapter, header: list[str]) -> dict[str, tuple]:
    a, b = resolved(draft, header), resolved(shipped, header)
    return {k: (a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)}


def column_differences(draft_calls, shipped_calls, *, skip=("source_file", "ingest_id")) -> dict[str, int]:
    """Column -> rows whose value differs (joined on call_id; both pandas frames)."""
    j = draft_calls.merge(shipped_calls, on="call_id", suffixes=("_d", "_s"))
    out = {}
    for col in draft_calls.columns:
        if col == "call_id" or col in skip:
            continue
        d, s = j[f"{col}_d"], j[f"{col}_s"]
        same = (d == s) | (d.isna() & s.isna())
        if d.dtype.kind == "f":
            same = same | ((d - s).abs() < 1e-6)
        n = int((~same).sum())
        if n:
            out[col] = n
    return out
