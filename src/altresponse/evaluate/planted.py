"""A planted effect in synthetic calls: the ground truth the estimators must recover.

``altresponse synth --effect E --program FILE`` first writes ordinary synthetic calls, then
this step changes only the calls of the program's eligible types (the evaluated response's
``eligible_types``, read through the synthetic data's Durham type map) in the beats and from
the dates the program serves them (:func:`~altresponse.evaluate.treatment.design`: staggered
where the program is), and nothing else:

- ``E < 0``: each such call is kept with probability ``1 + E``. Thinning a Poisson process
  multiplies its rate exactly, so the expected eligible volume there becomes ``(1 + E)`` times
  what it was.
- ``E > 0``: each such call gains a copy with probability ``E`` (id ``<call_id>-p``), moved to
  a random time of the same local day (every timestamp of the call shifted by the same amount).

Seeded: the same file, program, effect and seed give the same output. Exclusions (words,
risk) are not looked at, so an outcome counting eligible calls after exclusions is still
multiplied by ``1 + E`` in expectation (thinning is independent of them).
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ..errors import UsageError
from ..program import Program, load_program
from .treatment import design

TIME_COLUMNS = ("received_local", "dispatched_local", "enroute_local", "onscene_local", "cleared_local")


def _read(path: Path) -> tuple[pa.Table, str]:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from ..synth import SYNTH_SCHEMA, output_format

    fmt = output_format(path)
    if fmt == "parquet":
        return pq.read_table(path), fmt
    opts = pacsv.ConvertOptions(column_types=SYNTH_SCHEMA, strings_can_be_null=True)
    return pacsv.read_csv(path, convert_options=opts), fmt


def _write(table: pa.Table, path: Path, fmt: str) -> None:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    tmp = path.with_name(path.name + ".partial")
    if fmt == "parquet":
        pq.write_table(table, tmp, compression="zstd")
    elif fmt == "csv.gz":
        with open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0) as sink:
            pacsv.write_csv(table, sink)
    else:
        pacsv.write_csv(table, str(tmp))
    os.replace(tmp, path)


def eligible_mask(natures: pd.Series, program: Program, response_id: str | None = None) -> np.ndarray:
    """Which synthetic calls are of the evaluated response's eligible types (Durham type map)."""
    from ..typemap import load_typemap

    tm = load_typemap("durham")
    rid = response_id or program.planned_response
    types = set(program.response(rid).eligible_types)
    lookup = {n: tm.map_one(n, n)[0] in types for n in natures.dropna().unique()}
    return natures.map(lookup).fillna(False).to_numpy(dtype=bool)


def plant_effect(path: str | Path, program: Program | str | Path, effect: float, *, seed: int = 0,
                 response_id: str | None = None) -> dict:
    """Apply a planted effect to a synthetic calls file in place (see the module docstring).

    Returns
    -------
    dict
        ``{"effect", "eligible_treated_calls", "removed", "added", "treated_beats", "start"}``.

    Raises
    ------
    UsageError
        ``effect`` not above -1, or the program serves none of the file's beats.
    """
    if not effect > -1:
        msg = f"--effect {effect}: must be greater than -1 (a -100% effect would remove every eligible call)"
        raise UsageError(msg)
    path = Path(path)
    prog = program if isinstance(program, Program) else load_program(program)
    table, fmt = _read(path)
    frame = table.to_pandas()
    beats = frame["beat"].astype(object).where(frame["beat"].notna(), None)
    d = design(prog, sorted({str(b) for b in beats if b is not None}), response_id=response_id)
    day = pd.to_datetime(frame["received_local"].str.slice(0, 10), errors="coerce")
    adopt = pd.to_datetime(pd.Series([d.adoption.get(str(b)) if b is not None else None for b in beats], dtype=object))
    treated = (adopt.notna() & day.notna() & (day >= adopt)).to_numpy(dtype=bool)
    target = eligible_mask(frame["nature"], prog, d.response_id) & treated
    rng = np.random.default_rng([seed, 20240601])
    u = rng.random(len(frame))
    summary = {"effect": effect, "eligible_treated_calls": int(target.sum()), "removed": 0, "added": 0,
               "treated_beats": d.treated_units, "start": d.first_start.isoformat() if d.first_start else None}
    if effect < 0:
        drop = target & (u < -effect)
        frame = frame[~drop]
        summary["removed"] = int(drop.sum())
    elif effect > 0:
        copies = frame[target & (u < effect)].copy()
        copies = _redraw_times(copies, rng)
        copies["call_id"] = copies["call_id"] + "-p"
        frame = pd.concat([frame, copies], ignore_index=True).sort_values("received_local", kind="stable")
        summary["added"] = len(copies)
    _write(pa.Table.from_pandas(frame, schema=table.schema, preserve_index=False), path, fmt)
    return summary


def _redraw_times(copies: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    received = pd.to_datetime(copies["received_local"])
    new = received.dt.normalize() + pd.to_timedelta(rng.integers(0, 86_400, size=len(copies)), unit="s")
    shift = new - received
    for col in TIME_COLUMNS:
        ts = pd.to_datetime(copies[col], errors="coerce")
        copies[col] = (ts + shift).dt.strftime("%Y-%m-%d %H:%M:%S").where(ts.notna(), None)
    return copies
