"""The yardstick numbers in bare DuckDB SQL: the floor on this machine.

Run: python benchmarks/yardstick_duckdb.py CALLS.csv LOOKUPS.json OUT.json
Definitions: benchmarks/yardstick.py. DuckDB's own parallel CSV reader into one typed table,
then one query per number; DuckDB defaults (all cores, 80% of RAM).
"""

from __future__ import annotations

import json
import sys

import duckdb

# Local wall clock -> UTC seconds. ICU's timezone() is the slow part (about 1 s per million
# values here), so it runs once per distinct local hour (the UTC offset is constant within an
# hour) and the calls join to that small table. ICU reads an ambiguous local time as standard
# time; altresponse ingest reads it as daylight time, the earlier instant: the earlier of the two
# readings (h, and h - 1 h read, + 1 h) is it.
LOAD = """
create table raw as
select received_local, onscene_local, cleared_local, nature, beat, units,
       lk.canonical_type, coalesce(lk.eligible, false) as eligible,
       pr.priority_n, coalesce(source in ({self_init}), false) as self_init,
       coalesce(nullif(upper(trim(location_text)), ''),
                round(latitude, 3)::varchar || ',' || round(longitude, 3)::varchar) as place
from read_csv({csv}, header = true, timestampformat = '%Y-%m-%d %H:%M:%S',
              types = {{'priority': 'VARCHAR', 'beat': 'VARCHAR', 'units': 'BIGINT'}}) c
left join natures lk using (nature)
left join priorities pr on pr.priority = c.priority;

create table tz_hours as
select h, epoch(least(timezone({tz}, h), timezone({tz}, h - interval 1 hour) + interval 1 hour)) - epoch(h) as off
from (select distinct date_trunc('hour', t) as h
      from (select unnest([received_local, onscene_local, cleared_local]) as t from raw) where t is not null);

create table calls as
select raw.*, epoch(received_local) + r.off as received_s, epoch(onscene_local) + o.off as onscene_s,
       epoch(cleared_local) + c.off as cleared_s
from raw
left join tz_hours r on r.h = date_trunc('hour', received_local)
left join tz_hours o on o.h = date_trunc('hour', onscene_local)
left join tz_hours c on c.h = date_trunc('hour', cleared_local);
"""

VALID = "case when {s} is not null and {e} is not null and {e} >= {s} and not ({e} = {s} and self_init) then {e} - {s} end"

QUERIES = {
    "calls_by_month": "select strftime(received_local, '%Y-%m'), count(*) from calls group by 1",
    "calls_by_beat": "select coalesce(beat, 'null'), count(*) from calls group by 1",
    "calls_by_hour_of_week": "select (isodow(received_local) - 1) || '-' || strftime(received_local, '%H'), count(*) from calls group by 1",
    "eligible_by_type": "select canonical_type, count(*) from calls where eligible group by 1",
    "response_by_priority": f"""
        select coalesce(priority_n::varchar, 'null'), count(s), quantile_cont(s, 0.5), quantile_cont(s, 0.9)
        from (select priority_n, {VALID.format(s='received_s', e='onscene_s')} as s from calls) where s is not null group by 1""",
    "repeat_30d": """
        select case when eligible then 'eligible' else 'other' end, count(*),
               count(*) filter (where received_local - prev <= interval 30 days)
        from (select eligible, received_local, lag(received_local) over (partition by place order by received_local) as prev
              from calls where place is not null) group by 1""",
    "unit_hours": f"""
        select 'eligible', sum(h) filter (where eligible) from
          (select eligible, ({VALID.format(s='onscene_s', e='cleared_s')}) / 3600.0 * coalesce(case when units > 0 then units end, 1) as h from calls)
        union all
        select 'all', sum(({VALID.format(s='onscene_s', e='cleared_s')}) / 3600.0 * coalesce(case when units > 0 then units end, 1)) from calls""",
}


def yardstick(con: duckdb.DuckDBPyConnection, csv: str, lookups: dict) -> dict:
    con.execute("create table natures (nature varchar, canonical_type varchar, eligible boolean)")
    con.executemany("insert into natures values (?, ?, ?)", [(n, v["canonical_type"], v["eligible"]) for n, v in lookups["natures"].items()])
    con.execute("create table priorities (priority varchar, priority_n bigint)")
    con.executemany("insert into priorities values (?, ?)", list(lookups["priority"].items()))
    self_init = ", ".join(_quote(s) for s in lookups["self_initiated_sources"]) or "null"
    con.execute(LOAD.format(tz=_quote(lookups["tz"]), self_init=self_init, csv=_quote(csv)))
    out = {}
    for name, sql in QUERIES.items():
        rows = con.sql(sql).fetchall()
        if name == "response_by_priority":
            out[name] = {k: [n, med, p90] for k, n, med, p90 in rows}
        elif name == "repeat_30d":
            out[name] = {k: [n, r] for k, n, r in rows}
        else:
            out[name] = {k: v for k, v in rows}
    return out


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def main() -> None:
    csv, lookups, out = sys.argv[1:4]
    numbers = yardstick(duckdb.connect(), csv, json.loads(open(lookups).read()))
    with open(out, "w") as fh:
        json.dump(numbers, fh, default=float)


if __name__ == "__main__":
    main()
