"""The yardstick numbers with vectorized pandas, as an analyst's notebook would compute them.

Run: python benchmarks/yardstick_pandas.py CALLS.csv LOOKUPS.json OUT.json
Definitions: benchmarks/yardstick.py. One read of the CSV, typed columns, no Python loop over rows.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd

TIME_COLS = ["received_local", "onscene_local", "cleared_local"]
FMT = "%Y-%m-%d %H:%M:%S"


def read_calls(csv: str, lookups: dict) -> pd.DataFrame:
    cols = [*TIME_COLS, "nature", "priority", "source", "beat", "location_text", "latitude", "longitude", "units"]
    df = pd.read_csv(csv, usecols=cols, dtype={"priority": "string", "beat": "string", "nature": "string", "source": "string", "location_text": "string"})
    for c in TIME_COLS:
        local = pd.to_datetime(df[c], format=FMT)
        # ambiguous local time (the repeated autumn hour) = daylight time, as altresponse ingest reads it
        df[c] = local
        df[c.replace("_local", "_at")] = local.dt.tz_localize(lookups["tz"], ambiguous=np.ones(len(df), bool), nonexistent="shift_forward")
    types = pd.DataFrame.from_dict(lookups["natures"], orient="index")
    df["canonical_type"] = df["nature"].map(types["canonical_type"])
    df["eligible"] = df["nature"].map(types["eligible"]).fillna(False).astype(bool)
    df["priority_n"] = df["priority"].map(lookups["priority"]).astype("Float64")
    df["self_init"] = df["source"].isin(lookups["self_initiated_sources"])
    return df


def valid_seconds(df: pd.DataFrame, start: str, end: str) -> pd.Series:
    """Interval seconds where valid (both present, not backwards, not 0 s self-initiated), else NaN."""
    sec = (df[end] - df[start]).dt.total_seconds()
    ok = sec.notna() & (sec >= 0) & ~((sec == 0) & df["self_init"])
    return sec.where(ok)


def yardstick(df: pd.DataFrame) -> dict:
    out = {}
    out["calls_by_month"] = df.groupby(df["received_local"].dt.strftime("%Y-%m")).size().to_dict()
    out["calls_by_beat"] = df.groupby(df["beat"].fillna("null")).size().to_dict()
    how = df["received_local"].dt.day_of_week.astype(str) + "-" + df["received_local"].dt.strftime("%H")
    out["calls_by_hour_of_week"] = how.value_counts().to_dict()
    out["eligible_by_type"] = df.loc[df["eligible"], "canonical_type"].value_counts().to_dict()

    resp = pd.DataFrame({"p": df["priority_n"], "s": valid_seconds(df, "received_at", "onscene_at")}).dropna(subset=["s"])
    g = resp.groupby(resp["p"].astype("Int64").astype("string").fillna("null"))["s"]
    stats = pd.DataFrame({"n": g.size(), "med": g.quantile(0.5), "p90": g.quantile(0.9)})
    out["response_by_priority"] = {k: [int(r.n), float(r.med), float(r.p90)] for k, r in stats.iterrows()}

    place = df["location_text"].str.strip().str.upper().replace("", pd.NA)
    point = df["latitude"].round(3).astype(str) + "," + df["longitude"].round(3).astype(str)
    place = place.fillna(point.where(df["latitude"].notna() & df["longitude"].notna()))
    rp = pd.DataFrame({"place": place, "when": df["received_local"], "eligible": df["eligible"]}).dropna(subset=["place", "when"])
    rp = rp.sort_values(["place", "when"], kind="stable")
    gap = rp["when"] - rp.groupby("place")["when"].shift()
    rp["repeat"] = gap.notna() & (gap <= pd.Timedelta(days=30))
    rate = rp.groupby(np.where(rp["eligible"], "eligible", "other"))["repeat"].agg(["size", "sum"])
    out["repeat_30d"] = {k: [int(r["size"]), int(r["sum"])] for k, r in rate.iterrows()}

    hours = valid_seconds(df, "onscene_at", "cleared_at") / 3600.0 * df["units"].where(df["units"] > 0, 1).fillna(1)
    out["unit_hours"] = {"eligible": float(hours[df["eligible"]].sum()), "all": float(hours.sum())}
    return {k: ({str(kk): vv for kk, vv in v.items()}) for k, v in out.items()}


def main() -> None:
    csv, lookups, out = sys.argv[1:4]
    numbers = yardstick(read_calls(csv, json.loads(open(lookups).read())))
    with open(out, "w") as fh:
        json.dump(numbers, fh, default=float)


if __name__ == "__main__":
    main()
