"""Use-of-force table: schema, registration, and each real force export through its adapter.

One ingest per data set (module-scoped fixtures); the figures are the real files' own
(see the SOURCE.md next to each file in ../shared/data/real).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from altresponse.adapter import load_adapter
from altresponse.force import FORCE_COLUMNS, FORCE_SCHEMA, FORCE_TABLE
from altresponse.ingest import ingest, table_spec

DOCS = Path(__file__).resolve().parents[1] / "docs"

FORCE_ADAPTERS = ("cincinnati_force", "dallas_force", "austin_force", "seattle_force", "new_orleans_force")

DALLAS_ROWS = {2013: 4221, 2014: 3396, 2015: 2243, 2016: 2383, 2017: 2711, 2018: 2712, 2019: 2944}
AUSTIN_ROWS = {2009: 1696, 2010: 2224, 2011: 3098, 2012: 3308, 2013: 3411, 2014: 2886, 2015: 3302, 2016: 3293, 2017: 3595}


def force_table(store: Path) -> pa.Table:
    return pq.read_table(sorted((store / "force").glob("*.parquet")))


def _count(t: pa.Table, column: str, value) -> int:
    return int(pc.sum(pc.fill_null(pc.equal(t[column], value), False)).as_py() or 0)


def _by_file(t: pa.Table, column: str, value) -> dict[int, int]:
    """Rows per year (the year is the file name's last 4 digits) where ``column == value``."""
    out: dict[int, int] = {}
    for f, v in zip(t["source_file"].to_pylist(), t[column].to_pylist()):
        year = int(f.split(".")[0][-4:])
        out.setdefault(year, 0)
        out[year] += v == value
    return out


def _year(path: str) -> int:
    return int(Path(path).name.split(".")[0][-4:])


def _ingest(real_dir, tmp_path_factory, pattern: str, adapter: str):
    store = tmp_path_factory.mktemp(adapter)
    files = sorted(real_dir.glob(pattern))
    report = ingest(files, adapter, store)
    return report, force_table(store)


@pytest.fixture(scope="module")
def cincinnati(real_dir, tmp_path_factory):
    return _ingest(real_dir, tmp_path_factory, "cincinnati/*.csv.gz", "cincinnati_force")


@pytest.fixture(scope="module")
def dallas(real_dir, tmp_path_factory):
    return _ingest(real_dir, tmp_path_factory, "dallas/dpd_response_to_resistance_*.csv.gz", "dallas_force")


@pytest.fixture(scope="module")
def austin(real_dir, tmp_path_factory):
    return _ingest(real_dir, tmp_path_factory, "austin/apd_response_to_resistance_*.csv.gz", "austin_force")


@pytest.fixture(scope="module")
def seattle(real_dir, tmp_path_factory):
    return _ingest(real_dir, tmp_path_factory, "seattle/*.csv.gz", "seattle_force")


@pytest.fixture(scope="module")
def new_orleans(real_dir, tmp_path_factory):
    return _ingest(real_dir, tmp_path_factory, "new_orleans/*.csv.gz", "new_orleans_force")


# --------------------------------------------------------------------------- schema


def test_force_table_is_registered_with_ingest():
    assert table_spec("force") is FORCE_TABLE
    assert FORCE_TABLE.schema.equals(FORCE_SCHEMA)
    assert FORCE_TABLE.id_column == "force_id"


def test_schema_has_the_analysis_columns_and_no_person_fields():
    names = [n for n, _, _ in FORCE_COLUMNS]
    for needed in ("force_id", "incident_id", "occurred_at", "occurred_date", "cfs_number", "service_type", "from_call", "district", "beat", "latitude", "longitude", "subject_injured", "source_file", "source_row", "ingest_id"):
        assert needed in names
    banned = ("race", "sex", "gender", "age", "badge", "name", "officer", "ethnic")
    assert not [n for n in names if set(n.split("_")) & set(banned)]
    assert all(desc for _, _, desc in FORCE_COLUMNS)


@pytest.mark.parametrize("name", FORCE_ADAPTERS)
def test_force_adapters_load_and_target_the_force_table(name):
    a = load_adapter(name)
    assert a.table == "force"
    read = {c for cols in a.fields.values() for c in cols}
    assert not [c for c in read if any(b in c.lower() for b in ("race", "sex", "gender", "badge", "officer_id", "subject_id"))]


# --------------------------------------------------------------------------- raw files
# The figures pinned below are checked against the raw files read here with pandas, applying
# the adapter's null tokens and maps as the adapter file states them (not through ingest).

NULLS = ["", "NA", "NULL", "N/A", "null"]  # the force adapters' format.null_values


def _raw(real_dir, pattern: str):
    import pandas as pd

    return pd.read_csv(sorted(real_dir.glob(pattern))[0], dtype=str, keep_default_na=False, na_values=NULLS)


def test_cincinnati_figures_from_the_raw_file(cincinnati, real_dir):
    import pandas as pd

    _, t = cincinnati
    raw = _raw(real_dir, "cincinnati/*.csv.gz")
    assert len(t) == len(raw) == 22619
    assert len(t) - t["cfs_number"].null_count == int(raw.CFS_NO.notna().sum()) == 22276
    assert pc.count_distinct(t["incident_id"]).as_py() == raw.INCIDENT_NO.nunique() == 16648  # nulls not counted
    assert t["incident_id"].null_count == int(raw.INCIDENT_NO.isna().sum()) == 373
    lat, lon = pd.to_numeric(raw.LATITUDE_X), pd.to_numeric(raw.LONGITUDE_X)
    in_box = lat.between(38.9, 39.4) & lon.between(-84.9, -84.2)  # the adapter's bbox; outside -> null
    assert len(t) - t["latitude"].null_count == int(in_box.sum()) == 11881
    dates = pd.to_datetime(raw.INCIDENT_DATE, format="%m/%d/%Y %I:%M:%S %p").dt.date
    assert (str(dates.min()), str(dates.max())) == ("1996-07-01", "2020-12-09")
    assert _count(t, "subject_injured", True) == int((raw.INCIDENT_DESCRIPTION == "INJURY TO PRISONER").sum()) == 6488


def test_seattle_figures_from_the_raw_file(seattle, real_dir):
    import pandas as pd

    _, t = seattle
    raw = _raw(real_dir, "seattle/*.csv.gz")
    assert len(t) == len(raw) == 11661
    assert pc.count_distinct(t["incident_id"]).as_py() == raw.Incident_Num.nunique() == 11080
    occurred = pd.to_datetime(raw.Occured_date_time, format="%m/%d/%Y %I:%M:%S %p")
    assert (str(occurred.min()), str(occurred.max())) == ("2014-01-27 21:10:00", "2020-10-08 22:58:00")
    assert t["force_id"][0].as_py() == "seattle_force:" + raw.ID.iloc[0]


def test_new_orleans_figures_from_the_raw_file(new_orleans, real_dir):
    _, t = new_orleans
    raw = _raw(real_dir, "new_orleans/*.csv.gz")
    assert len(t) == len(raw) == 5750
    assert pc.count_distinct(t["incident_id"]).as_py() == raw["PIB File Number"].nunique() == 2231
    service = raw["Service Type"]
    assert _count(t, "from_call", True) == int((service == "Call for Service").sum()) == 2146
    not_call = ["Arresting", "Serving a Warrant", "Traffic Stop", "Pedestrian Stop", "Transport"]
    assert _count(t, "from_call", False) == int(service.isin(not_call).sum()) == 3366
    assert _count(t, "subject_injured", True) == int((raw["Subject Injured"] == "Yes").sum()) == 1222


def test_dallas_and_austin_rows_per_file_from_the_raw_files(real_dir):
    import pandas as pd

    for pattern, expected in (("dallas/dpd_response_to_resistance_*.csv.gz", DALLAS_ROWS), ("austin/apd_response_to_resistance_*.csv.gz", AUSTIN_ROWS)):
        files = sorted(real_dir.glob(pattern))
        rows = {_year(str(f)): len(pd.read_csv(f, dtype=str, keep_default_na=False)) for f in files}
        assert rows == expected, pattern


def _from_call_by_file(real_dir, pattern: str, columns: list[str], value: str) -> dict[int, int]:
    """Rows per file whose service-type column (the adapter's first name found) equals ``value``."""
    import pandas as pd

    out = {}
    for f in sorted(real_dir.glob(pattern)):
        df = pd.read_csv(f, dtype=str, keep_default_na=False)
        df.columns = [c.strip() for c in df.columns]
        col = next(c for c in columns if c in df.columns)
        out[_year(str(f))] = int((df[col].str.strip() == value).sum())
    return out


def test_dallas_and_austin_from_call_from_the_raw_files(real_dir):
    dallas = _from_call_by_file(real_dir, "dallas/dpd_response_to_resistance_*.csv.gz", ["SERVICE_TY", "SERVICE_TYPE"], "Service Call")
    assert dallas == {2013: 1118, 2014: 954, 2015: 689, 2016: 673, 2017: 705, 2018: 660, 2019: 731}
    austin = _from_call_by_file(real_dir, "austin/apd_response_to_resistance_*.csv.gz", ["Nature of Contact"], "DISPATCHED CALL")
    assert austin == {2009: 893, 2010: 1077, 2011: 1679, 2012: 2033, 2013: 2165, 2014: 1822, 2015: 2015, 2016: 2048, 2017: 2146}


# --------------------------------------------------------------------------- Cincinnati


def test_cincinnati_every_row_loaded(cincinnati):
    report, t = cincinnati
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (22619, 22619, 0)
    assert all(f.reconciled for f in report.files)
    assert t.schema.equals(FORCE_SCHEMA)
    assert len(set(t["force_id"].to_pylist())) == 22619


def test_cincinnati_cfs_number_is_98_5_percent_filled(cincinnati):
    _, t = cincinnati
    filled = len(t) - t["cfs_number"].null_count
    # 22,288 non-blank CFS_NO values, of which 11 'N/A' and 1 'NA' are null tokens.
    assert filled == 22276
    assert round(filled / len(t), 3) == 0.985


def test_cincinnati_incidents_places_and_dates(cincinnati):
    _, t = cincinnati
    assert pc.count_distinct(t["incident_id"]).as_py() == 16648
    assert t["incident_id"].null_count == 373
    assert len(t) - t["latitude"].null_count == 11881
    assert t["occurred_at"].null_count == 0
    assert str(pc.min(t["occurred_date"]).as_py()) == "1996-07-01"
    assert str(pc.max(t["occurred_date"]).as_py()) == "2020-12-09"
    assert _count(t, "subject_injured", True) == 6488  # INJURY TO PRISONER records
    assert t["from_call"].null_count == len(t)  # the source does not say


# --------------------------------------------------------------------------- Dallas


def test_dallas_all_years_through_one_adapter(dallas):
    report, t = dallas
    assert {_year(f.path): f.rows_read for f in report.files} == DALLAS_ROWS
    assert all(f.reconciled for f in report.files)
    # The one quarantined row is the 2014 file's last line: blank but for OCCURRED_TM 4:07.
    assert report.rows_quarantined == 1
    assert report.quarantine_reasons == {"missing_required_field": 1}
    assert report.rows_loaded == sum(DALLAS_ROWS.values()) - 1 == len(t)
    loaded = {_year(f.path): f.rows_loaded for f in report.files}
    assert loaded == DALLAS_ROWS | {2014: 3395}


def test_dallas_service_calls_are_from_call(dallas):
    _, t = dallas
    assert _by_file(t, "from_call", True) == {2013: 1118, 2014: 954, 2015: 689, 2016: 673, 2017: 705, 2018: 660, 2019: 731}
    assert _count(t, "from_call", True) == 5530
    assert _count(t, "from_call", False) == 14334
    assert t["from_call"].null_count == 745  # 'Other ( In Narrative)' and NULL


def test_dallas_incidents_and_times(dallas):
    _, t = dallas
    assert pc.count_distinct(t["incident_id"]).as_py() == 12219
    # 2018 publishes no time of day: date only
    assert _by_file(t, "occurred_at", None) == {2013: 25, 2014: 7, 2015: 7, 2016: 10, 2017: 14, 2018: 2712, 2019: 13}


# --------------------------------------------------------------------------- Austin


def test_austin_every_year_every_row(austin):
    report, t = austin
    assert {_year(f.path): f.rows_read for f in report.files} == AUSTIN_ROWS
    assert {_year(f.path): f.rows_loaded for f in report.files} == AUSTIN_ROWS
    assert report.rows_quarantined == 0
    assert all(f.reconciled for f in report.files)
    assert len(set(t["force_id"].to_pylist())) == sum(AUSTIN_ROWS.values())
    assert pc.count_distinct(t["incident_id"]).as_py() == 14484


def test_austin_dispatched_calls_are_from_call(austin):
    _, t = austin
    assert _by_file(t, "from_call", True) == {2009: 893, 2010: 1077, 2011: 1679, 2012: 2033, 2013: 2165, 2014: 1822, 2015: 2015, 2016: 2048, 2017: 2146}
    assert _count(t, "from_call", True) == 15878


def test_austin_date_only_rows_are_loaded(austin):
    _, t = austin
    no_time = _by_file(t, "occurred_at", None)
    assert no_time == {2009: 916, 2010: 1008, 2011: 951, 2012: 804, 2013: 660, 2014: 615, 2015: 760, 2016: 871, 2017: 954}
    assert t["occurred_date"].null_count == 0


# --------------------------------------------------------------------------- Seattle


def test_seattle_every_row(seattle):
    report, t = seattle
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (11661, 11661, 0)
    assert pc.count_distinct(t["incident_id"]).as_py() == 11080
    assert t["occurred_at"].null_count == 0
    assert t["from_call"].null_count == 11661  # no activity field
    assert str(pc.min(t["occurred_local"]).as_py()) == "2014-01-27 21:10:00"
    assert str(pc.max(t["occurred_local"]).as_py()) == "2020-10-08 22:58:00"
    assert t["force_id"][0].as_py() == "seattle_force:2014UOF-0001-1377-203"


# --------------------------------------------------------------------------- New Orleans


def test_new_orleans_rows_and_incidents(new_orleans):
    report, t = new_orleans
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (5750, 5750, 0)
    assert pc.count_distinct(t["incident_id"]).as_py() == 2231
    assert len(set(t["force_id"].to_pylist())) == 5750


def test_new_orleans_calls_for_service(new_orleans):
    _, t = new_orleans
    assert _count(t, "from_call", True) == 2146
    assert _count(t, "from_call", False) == 3366
    assert t["from_call"].null_count == 238  # 'Other' 234 and blank 4
    assert _count(t, "subject_injured", True) == 1222


# --------------------------------------------------------------------------- docs


def test_every_force_column_is_documented():
    text = (DOCS / "schema.md").read_text()
    assert [n for n, _, _ in FORCE_COLUMNS if f"| `{n}` |" not in text] == []


def test_every_force_adapter_and_new_adapter_key_is_documented():
    text = (DOCS / "adapters.md").read_text()
    assert [a for a in FORCE_ADAPTERS if f"### `{a}`" not in text] == []
    for key in ("coordinates.point", "time_zero_pad", "block_level"):
        assert f"`{key}" in text or f".{key}`" in text
