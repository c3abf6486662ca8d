"""The synthetic CSV rewritten with Durham's time format, and an adapter that reads it (issue 14).

Durham's CAD export writes times as ``1/1/2021 12:41:53AM`` (``%m/%d/%Y %I:%M:%S%p``, no zero
padding on month, day or hour: see ../shared/data/real/durham/), the format pandas parses 14×
slower than ISO. This writes the same calls with that format, so ingest's time can be measured
on it with everything else equal:

    PYTHONPATH=src .venv/bin/python benchmarks/durham_format.py /work/benchcache/synth_1000000_seed14_2021-01-01.csv OUT_DIR
    /usr/bin/time -v altresponse ingest OUT_DIR/durham_format.csv --adapter OUT_DIR/synth_durham_format.yaml --store S --json
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb


TIMES = ("received_local", "dispatched_local", "enroute_local", "onscene_local", "cleared_local")
# Durham adapter's formats for received (src/altresponse/adapters/durham.yaml), in its order
FORMATS = ["%m/%d/%Y %I:%M:%S%p", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S"]


def write(src: Path, out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    csv, yaml_path = out_dir / "durham_format.csv", out_dir / "synth_durham_format.yaml"
    con = duckdb.connect()
    cols = con.execute(f"DESCRIBE SELECT * FROM read_csv('{src}', all_varchar=true)").fetchall()
    select = ", ".join(
        f"strftime(strptime(\"{c}\", '%Y-%m-%d %H:%M:%S'), '%-m/%-d/%Y %-I:%M:%S%p') AS \"{c}\"" if c in TIMES else f'"{c}"'
        for c, *_ in cols
    )
    con.execute(f"COPY (SELECT {select} FROM read_csv('{src}', all_varchar=true)) TO '{csv}' (HEADER, DELIMITER ',')")
    synth_yaml = (Path(__file__).resolve().parents[1] / "src/altresponse/adapters/synth.yaml").read_text()
    fmt = '["%Y-%m-%d %H:%M:%S"]'
    yaml_text = synth_yaml.replace("name: synth", "name: synth_durham_format").replace(fmt, str(FORMATS).replace("'", '"'))
    yaml_path.write_text(yaml_text)
    return csv, yaml_path


if __name__ == "__main__":
    csv, adapter = write(Path(sys.argv[1]), Path(sys.argv[2]))
    print(csv, adapter)
