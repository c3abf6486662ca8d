"""The notebook API, as documented in README.md: return types, and one materialisation for analyze."""

from __future__ import annotations

import ibis
import ibis.expr.operations as ops

from altresponse import analyze
from altresponse.classify import classify

from paths import REPO


def _lazy():
    import datetime as dt

    import pyarrow as pa

    from altresponse.calls import CALLS_SCHEMA

    rows = [{"call_id": f"durham:{i}", "source": "durham", "source_tz": "America/New_York", "type_desc": desc,
             "priority": 3, "beat": "111", "received_date": dt.date(2022, 7, 1)} for i, desc in enumerate(["CRISIS", "LARCENY"])]
    return classify(ibis.memtable(pa.Table.from_pylist(rows, schema=CALLS_SCHEMA)), REPO / "programs" / "durham-heart.yaml")


def test_notebook_materialize_once():
    lazy = _lazy()
    assert not isinstance(lazy.op(), ops.PhysicalTable)
    done = analyze.materialize(lazy)
    assert isinstance(done.op(), ops.PhysicalTable)
    assert analyze.materialize(done) is done  # a stored table is not copied again
    assert done.count().execute() == 2


def test_notebook_return_types_match_readme():
    readme = (REPO / "README.md").read_text()
    assert "call `.to_pandas()` or `.to_pyarrow()` on any result" not in readme  # it was not true
    section = analyze.volume(analyze.materialize(_lazy()))
    assert set(section) >= {"available"} and isinstance(section, dict)
    for name in ("`tables` already holds pandas DataFrames", "`Plan`", "materialize"):
        assert name in readme
