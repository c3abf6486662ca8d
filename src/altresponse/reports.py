"""The canonical crime-reports table: its columns and its registration with ingest.

A *report* is an offense the police recorded (a NIBRS offense row: one incident can carry
several offenses). Evaluations count them per place and week, the way Dee & Pyne (2022)
counted Denver's reports of targeted low-level offenses. Reports are not calls for service:
a call may produce no report, and a report may come from an officer's own activity.

Person-identifying fields are left out on purpose: no names, no victim or suspect details;
places are cut to the hundred block by the adapter (``block_level``).

Importing this module registers the ``reports`` table, so an adapter with ``table: reports``
(e.g. ``adapters/denver_reports.yaml``) loads into ``STORE/reports/``.
"""

from __future__ import annotations

import pyarrow as pa

from .ingest import TableSpec, register_table

UTC_TS = pa.timestamp("us", tz="UTC")

# (name, arrow type, description) — the single source of truth for the schema.
REPORT_COLUMNS: tuple[tuple[str, pa.DataType, str], ...] = (
    ("report_id", pa.string(), "Stable row id: '<source>:<source_report_id>'."),
    ("source", pa.string(), "Adapter name the row came through, e.g. 'denver_reports'."),
    ("agency", pa.string(), "Police department, e.g. 'Denver Police Department'."),
    ("source_report_id", pa.string(), "The source's own unique offense id (Denver OFFENSE_ID)."),
    ("incident_id", pa.string(), "Incident the offense belongs to (Denver INCIDENT_ID); count incidents with count(distinct incident_id)."),
    ("source_tz", pa.string(), "IANA time zone of the source's local times."),
    ("reported_at", UTC_TS, "When the offense was reported (UTC)."),
    ("reported_local", pa.timestamp("us"), "Reported time as local wall-clock."),
    ("reported_date", pa.date32(), "Local calendar date of the report (the date evaluations count by)."),
    ("occurred_at", UTC_TS, "When the offense first occurred (UTC); can precede the report by days or years."),
    ("occurred_local", pa.timestamp("us"), "First occurrence as local wall-clock."),
    ("occurred_date", pa.date32(), "Local calendar date of the first occurrence."),
    ("offense_code", pa.string(), "The source's offense code (Denver OFFENSE_CODE)."),
    ("offense_type", pa.string(), "Offense type as the source names it (Denver OFFENSE_TYPE_ID, e.g. 'criminal-trespassing')."),
    ("offense_category", pa.string(), "Offense category (Denver OFFENSE_CATEGORY_ID, e.g. 'public-disorder')."),
    ("beat", pa.string(), "Smallest police area the source gives (Denver precinct, e.g. '611')."),
    ("district", pa.string(), "Police district as the source gives it."),
    ("neighborhood", pa.string(), "Neighborhood as the source gives it."),
    ("latitude", pa.float64(), "WGS84 latitude (block level or as published); null when unknown."),
    ("longitude", pa.float64(), "WGS84 longitude."),
    ("location_text", pa.string(), "Hundred-block location ('159XX E RANDOLPH PL' for 15987), never a house address."),
    ("time_flags", pa.string(), "Comma-separated time problems kept, not dropped: 'ambiguous_dst', 'nonexistent_dst'."),
    ("source_file", pa.string(), "Lineage: input file name."),
    ("source_row", pa.int64(), "Lineage: 1-based data row number in the input file (header excluded)."),
    ("ingest_id", pa.string(), "Id of the ingest run that loaded the row (content hash of the input file + adapter)."),
)

REPORTS_SCHEMA = pa.schema([pa.field(n, t) for n, t, _ in REPORT_COLUMNS])

REPORTS_TABLE = TableSpec(
    name="reports",
    schema=REPORTS_SCHEMA,
    id_column="report_id",
    source_id_column="source_report_id",
    interval_chain=("occurred_at", "reported_at"),
    default_required=("reported_date",),
)

register_table(REPORTS_TABLE)
