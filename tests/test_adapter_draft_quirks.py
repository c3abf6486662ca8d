"""item 17, quirk by quirk: the draft's guesses on small files built here (each row written in
the test), plus the real exports' parts that no shipped adapter exercises (x/y alone, no zone)."""

from __future__ import annotations

import gzip

import pytest

from altresponse.adapter import load_adapter
from altresponse.adapter_draft import draft_adapter
from altresponse.adapter_draft.dates import read_dates

from paths import REAL


def _csv(tmp_path, header, rows, name="export.csv"):
    path = tmp_path / name
    path.write_text("\n".join([",".join(header), *[",".join(r) for r in rows]]) + "\n", encoding="utf-8")
    return path


def _rows(n, make):
    return [make(i) for i in range(n)]


def test_item17_day_first_24_hour_and_sentinels(tmp_path):
    rows = _rows(60, lambda i: [f"E{i:05d}", f"{1 + i % 28:02d}/{1 + i % 12:02d}/2023 {i % 24:02d}:{i % 60:02d}",
                                "1900-01-01 00:00:00" if i % 5 == 0 else f"2023-01-{1 + i % 28:02d} 10:00:00",
                                "NULL" if i % 7 == 0 else "Noise complaint", "0" if i % 9 == 0 else "-78.9",
                                "0" if i % 9 == 0 else "36.0"])
    path = _csv(tmp_path, ["Event ID", "Received", "Cleared Time", "Call Type", "Longitude", "Latitude"], rows)
    draft = draft_adapter(path, name="t")
    d = draft.data
    assert d["timestamps"]["received"] == {"column": ["Received"], "format": ["%d/%m/%Y %H:%M"]}
    assert "day first" in draft.reasons["timestamps.received"]
    assert "1900-01-01 00:00:00" in d["format"]["null_values"] and "NULL" in d["format"]["null_values"]
    assert d["coordinates"]["zero_is_null"] is True and "0/0" in draft.reasons["coordinates"]
    assert d["id"]["column"] == ["Event ID"]
    assert d["time_zone"] == "America/New_York" and "guessed" in draft.reasons["time_zone"]
    out = tmp_path / "a.yaml"
    out.write_text(draft.to_yaml())
    load_adapter(out)  # the draft is a valid adapter


def test_item17_dates_without_times_and_midnight_only_become_dates(tmp_path):
    rows = _rows(40, lambda i: [f"2022-03-{1 + i % 28:02d}", f"2022-03-{1 + i % 28:02d} 00:00:00", "THEFT"])
    path = _csv(tmp_path, ["Report Date", "Call Date", "Nature"], rows)
    d = draft_adapter(path, name="t", time_zone="America/Chicago").data
    assert d["timestamps"]["received"] == {"date": ["Call Date"], "date_format": ["%Y-%m-%d %H:%M:%S"]}
    assert read_dates(["2022-03-01"]).kind == "date"


def test_item17_twelve_hour_split_date_and_time(tmp_path):
    rows = _rows(40, lambda i: [f"{1 + i % 12}/{1 + i % 28}/2021", f"{1 + i % 12}:0{i % 10}:1{i % 10}{'AM' if i % 2 else 'PM'}", "CRISIS"])
    path = _csv(tmp_path, ["Call Date", "Call Time", "Nature"], rows)
    spec = draft_adapter(path, name="t", time_zone="America/New_York").data["timestamps"]["received"]
    assert spec["date"] == ["Call Date"] and spec["time"] == ["Call Time"]
    assert spec["format"] == ["%m/%d/%Y %I:%M:%S%p"]


def test_item17_state_plane_from_value_ranges_alone(tmp_path):
    # Portland's x/y without its lon/lat columns: the zone must come from the values alone.
    src = REAL / "portland" / "ppb_cfs_nij_2016_08_09.csv.gz"
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        lines = [next(fh) for _ in range(2001)]
    header = lines[0].strip().split(",")
    keep = [i for i, h in enumerate(header) if h not in ("longitude", "latitude")]
    text = "\n".join(",".join(line.strip().split(",")[i] for i in keep) for line in lines) + "\n"
    path = tmp_path / "xy_only.csv"
    path.write_text(text, encoding="utf-8")
    draft = draft_adapter(path, name="t")
    c = draft.data["coordinates"]
    assert c["x"] == ["x_coordinate"] and c["epsg"] in (2269, 2913)  # Oregon North (US ft / intl ft)
    assert "2913" in draft.reasons["coordinates"] or c["epsg"] == 2913  # the alternative is named
    assert draft.data["time_zone"] == "America/Los_Angeles"


def test_item17_no_zone_in_file_warns_and_says_utc(tmp_path):
    rows = _rows(30, lambda i: [f"C{i}", f"2024-05-{1 + i % 28:02d} 1{i % 10}:00:00", "ALARM"])
    path = _csv(tmp_path, ["Call Number", "Start Time", "Problem"], rows)
    draft = draft_adapter(path, name="t")
    assert draft.data["time_zone"] == "UTC"
    assert any("time zone unknown" in w for w in draft.warnings)
    assert "WARNING: time zone unknown" in draft.to_yaml()


def test_item17_cli_draft_exit_codes(tmp_path):
    from typer.testing import CliRunner

    from altresponse.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["adapter", "draft", str(tmp_path / "missing.csv")])
    assert res.exit_code != 0 and "no such file" in res.output
    res = runner.invoke(app, ["adapter", "draft", str(REAL / "durham" / "durham_dpd_cfs_2021_heart_beats_community_safety_types.csv"),
                              "--bbox", "1,2,3"])
    assert res.exit_code == 2 and "--bbox" in res.output
    out = tmp_path / "d.yaml"
    res = runner.invoke(app, ["adapter", "draft", str(REAL / "durham" / "durham_dpd_cfs_2021_heart_beats_community_safety_types.csv"),
                              "--name", "durhamx", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert load_adapter(out).name == "durhamx"


def test_item17_zero_as_a_null_timestamp(tmp_path):
    # 20% of dispatch times are '0' (a CAD placeholder): still a timestamp, '0' read as null
    rows = _rows(50, lambda i: [f"C{i}", f"2024-05-{1 + i % 28:02d} 1{i % 10}:00:00",
                                "0" if i % 5 == 0 else f"2024-05-{1 + i % 28:02d} 1{i % 10}:05:00", "ALARM"])
    path = _csv(tmp_path, ["Call Number", "Received Time", "Dispatch Time", "Problem"], rows)
    draft = draft_adapter(path, name="t", time_zone="America/Denver")
    assert draft.data["timestamps"]["dispatched"]["column"] == ["Dispatch Time"]
    assert "0" in draft.data["format"]["null_values"]
    out = tmp_path / "a.yaml"
    out.write_text(draft.to_yaml())
    from altresponse import store
    from altresponse.ingest import ingest

    rep = ingest([path], load_adapter(out), tmp_path / "s")
    assert rep.rows_loaded == 50
    calls = store.calls(tmp_path / "s").execute()
    assert calls["dispatched_at"].isna().sum() == 10 and calls["received_at"].notna().all()


def test_item17_semicolons_and_windows_1252(tmp_path):
    kinds = ["Ruhestörung", "Streit", "Diebstahl", "Hilflose Person", "Lärm"]
    rows = [f"C{i};{1 + i % 28:02d}.03.2023 {i % 24:02d}:15;{kinds[i % 5]};{7 + i % 3}" for i in range(40)]
    path = tmp_path / "export.csv"
    path.write_bytes(("Call ID;Received;Problem;Beat\n" + "\n".join(rows) + "\n").encode("cp1252"))
    draft = draft_adapter(path, name="t", time_zone="Europe/Berlin")
    assert draft.data["format"]["delimiter"] == ";" and draft.data["format"]["encoding"] == "cp1252"
    assert draft.data["timestamps"]["received"]["format"] == ["%d.%m.%Y %H:%M"]
    out = tmp_path / "a.yaml"
    out.write_text(draft.to_yaml())
    from altresponse import store
    from altresponse.ingest import ingest

    assert ingest([path], load_adapter(out), tmp_path / "s").rows_loaded == 40
    assert set(store.calls(tmp_path / "s").execute()["type_desc"]) == set(kinds)
