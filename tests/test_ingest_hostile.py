"""Issue 15, hostile exports: one regression test per numbered item, each on the smallest file
that shows it, black-box through ``ingest()`` or ``altresponse ingest --json``."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pyarrow.parquet as pq
from typer.testing import CliRunner

from altresponse.cli import app
from altresponse.ingest import ingest

runner = CliRunner()
DURHAM_HEADER = "Call Date,Call Time,Priority,Nature,Beat,Longitude,Latitude"


def _durham_row(i: int, nature: str = "CRISIS", lon: str = "-78.9", lat: str = "35.98") -> str:
    return f"1/{1 + i % 28}/2021,{1 + i % 12}:{i % 60:02d}:00AM,3,{nature},411,{lon},{lat}"


def _durham_file(tmp_path, rows, name="in.csv", newline="\n") -> object:
    path = tmp_path / name
    text = newline.join([DURHAM_HEADER, *rows]) + newline
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def _quarantine(store):
    return pq.read_table(sorted((store / "quarantine").glob("*.parquet"))).to_pylist()


def _cli_json(*args):
    """Run the real console entry point in a child process: stderr exactly as a user sees it."""
    code = "import sys; from altresponse.cli import main; sys.argv = ['altresponse', *sys.argv[1:]]; main()"
    proc = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, timeout=120, env=os.environ.copy())
    return proc


def test_item15_1_oversized_cell_counted(tmp_path):
    from altresponse.ingest import MAX_ROW_BYTES

    rows = [_durham_row(i) for i in range(20)]
    rows[17] = _durham_row(17, nature='"' + "x" * (10 * MAX_ROW_BYTES) + '"')  # a 10 MiB quoted cell near the end
    report = ingest(_durham_file(tmp_path, rows), "durham", tmp_path / "s")
    f = report.files[0]
    assert (f.rows_read, f.rows_loaded, f.quarantine_reasons) == (20, 19, {"malformed_row": 1})
    q = _quarantine(tmp_path / "s")[0]
    assert q["source_row"] == 18 and "file line 19" in q["detail"] and "limit" in q["detail"]
    assert q["raw"].startswith(rows[17][:40])
    # cells under the limit whose rows straddle the 4 MiB read steps are grown into, and loaded
    big = [_durham_row(i, nature="A" * (MAX_ROW_BYTES - 100)) for i in range(6)]
    report = ingest(_durham_file(tmp_path, big, "big.csv"), "durham", tmp_path / "s2")
    assert (report.rows_read, report.rows_loaded) == (6, 6)


def test_item15_2_overflowing_coordinates_counted(tmp_path):
    values = ["1e309", "-1e309", "inf", "-Infinity", "9" * 400]
    rows = [_durham_row(i, lat=v) for i, v in enumerate(values)] + [_durham_row(9)]
    report = ingest(_durham_file(tmp_path, rows), "durham", tmp_path / "s")
    f = report.files[0]
    assert (f.rows_read, f.rows_loaded, f.rows_quarantined) == (6, 6, 0)
    assert f.values_changed["unparseable_number"] == len(values)
    assert f.values_changed["coordinates_nulled"] == len(values)


def test_item15_3_unclosed_quote_keeps_raw_and_line(tmp_path):
    rows = [_durham_row(i) for i in range(8)]
    rows[2] = rows[2].replace(",CRISIS", ',"CRISIS')  # opened, never closed
    report = ingest(_durham_file(tmp_path, rows), "durham", tmp_path / "s")
    assert (report.rows_read, report.rows_loaded, report.quarantine_reasons) == (8, 7, {"malformed_row": 1})
    q = _quarantine(tmp_path / "s")[0]
    assert q["raw"] == rows[2] and q["source_row"] == 3 and "file line 4" in q["detail"]


def test_item15_3_quote_spanning_50_lines_merges_nothing(tmp_path):
    rows = [_durham_row(i) for i in range(60)]
    rows[1] = rows[1].replace(",CRISIS", ',"CRISIS')
    rows[51] = rows[51].replace(",CRISIS", ',"CRISIS')  # the quote "closes" here, 50 lines later
    report = ingest(_durham_file(tmp_path, rows), "durham", tmp_path / "s")
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (60, 58, 2)
    details = [q["detail"] for q in _quarantine(tmp_path / "s")]
    assert "file line 3" in details[0] and "50 lines later" in details[0]
    # a quoted value with a real line break in it is still one row
    ok = [_durham_row(0), _durham_row(1, nature='"CRISIS\nSECOND LINE"'), _durham_row(2)]
    report = ingest(_durham_file(tmp_path, ok, "lf.csv"), "durham", tmp_path / "s2")
    assert (report.rows_read, report.rows_loaded) == (3, 3)


def test_item15_4_blank_lines_skipped_and_counted(tmp_path):
    rows = [_durham_row(0), "", _durham_row(1), "   ", "", _durham_row(2), ""]
    report = ingest(_durham_file(tmp_path, rows), "durham", tmp_path / "s")
    f = report.files[0]
    assert (f.rows_read, f.rows_loaded, f.rows_quarantined, f.blank_lines) == (3, 3, 0, 4)
    header_and_blanks = _durham_file(tmp_path, ["", "", ""], "hb.csv")
    f = ingest(header_and_blanks, "durham", tmp_path / "s2").files[0]
    assert (f.rows_read, f.blank_lines) == (0, 3)


def test_item15_5_invalid_byte_in_ragged_row_is_one_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes((DURHAM_HEADER + "\n" + _durham_row(0) + "\n").encode() + b"1/1/2021,1:00:00AM,3,CRISIS\xff,411\n")
    proc = _cli_json("ingest", path, "--adapter", "durham", "--store", tmp_path / "s", "--json")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no 'Exception ignored in ... on_invalid', no traceback
    doc = json.loads(proc.stdout)
    assert (doc["rows_read"], doc["rows_loaded"], doc["quarantine_reasons"]) == (2, 1, {"invalid_encoding": 1})


def test_item15_6_cr_line_endings_read(tmp_path):
    rows = [_durham_row(i) for i in range(5)]
    cr = ingest(_durham_file(tmp_path, rows, "cr.csv", newline="\r"), "durham", tmp_path / "s")
    assert (cr.rows_read, cr.rows_loaded) == (5, 5)
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(f"{DURHAM_HEADER}\r\n{rows[0]}\r{rows[1]}\n{rows[2]}\r\n{rows[3]}\r{rows[4]}".encode())
    report = ingest(mixed, "durham", tmp_path / "s2")
    assert (report.rows_read, report.rows_loaded, report.files[0].blank_lines) == (5, 5, 0)
    got = pq.read_table(sorted((tmp_path / "s2/calls").glob("*.parquet")))["beat"].to_pylist()
    assert got == ["411"] * 5  # no stray CR in a value


def test_item15_9_unreadable_file_is_one_line_exit_3(tmp_path, monkeypatch):
    import builtins

    path = _durham_file(tmp_path, [_durham_row(0)])
    real_access, real_open = os.access, builtins.open

    def no_access(p, mode, *a, **k):
        return False if str(p) == str(path) else real_access(p, mode, *a, **k)

    def no_open(p, *a, **k):
        if str(p) == str(path):
            raise PermissionError(13, "Permission denied", str(p))
        return real_open(p, *a, **k)

    monkeypatch.setattr(os, "access", no_access)  # what click consults for 'readable'
    monkeypatch.setattr(builtins, "open", no_open)
    result = runner.invoke(app, ["ingest", str(path), "--adapter", "durham", "--store", str(tmp_path / "s")])
    assert result.exit_code == 3, result.output
    assert len(result.output.strip().splitlines()) == 1 and "Permission denied" in result.output
    assert "Usage" not in result.output


def test_item15_11_invalid_utf8_row_quarantined_with_its_bytes(tmp_path):
    path = tmp_path / "latin.csv"
    body = [_durham_row(0).encode(), _durham_row(1, nature="CAF\xc9").encode("latin-1"), _durham_row(2).encode()]
    path.write_bytes(DURHAM_HEADER.encode() + b"\n" + b"\n".join(body) + b"\n")
    report = ingest(path, "durham", tmp_path / "s")
    assert (report.rows_read, report.rows_loaded, report.quarantine_reasons) == (3, 2, {"invalid_encoding": 1})
    q = _quarantine(tmp_path / "s")[0]
    assert q["source_row"] == 2 and "CAF\\xc9" in q["raw"]
    # an adapter that says latin-1 reads it
    from altresponse.adapter import load_adapter

    durham = load_adapter("durham")
    latin = durham.model_copy(update={"format": durham.format.model_copy(update={"encoding": "latin-1"})})
    report = ingest(path, latin, tmp_path / "s2")
    assert (report.rows_read, report.rows_loaded) == (3, 3)
    natures = pq.read_table(sorted((tmp_path / "s2/calls").glob("*.parquet")))["type_desc"].to_pylist()
    assert "CAFÉ" in natures


def test_item15_12_empty_exports_say_empty_file(tmp_path):
    cases = {"zero.csv": b"", "bom.csv": b"\xef\xbb\xbf", "header_no_newline.csv": DURHAM_HEADER.encode(), "header.csv": (DURHAM_HEADER + "\n").encode()}
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = runner.invoke(app, ["ingest", str(path), "--adapter", "durham", "--store", str(tmp_path / "s"), "--json"])
        assert result.exit_code == 0, (name, result.output)
        f = json.loads(result.stdout)["files"][0]
        assert (f["rows_read"], f["rows_loaded"]) == (0, 0) and f["note"].startswith("empty file"), name


def test_item15_13_identical_rows_and_nulled_points_counted(tmp_path):
    rows = [_durham_row(i) for i in range(6)]
    rows += [rows[1], rows[2], rows[3]]  # three exact copies of earlier rows
    rows += [_durham_row(20, lon="0", lat="0"), _durham_row(21, lon="0", lat="0")]
    report = ingest(_durham_file(tmp_path, rows), "durham", tmp_path / "s")
    f = report.files[0]
    assert (f.rows_read, f.rows_loaded) == (11, 11)  # two real calls can look alike: kept
    assert f.values_changed["identical_rows_kept"] == 3
    assert f.values_changed["coordinates_zero"] == 2 and f.values_changed["coordinates_nulled"] == 2
