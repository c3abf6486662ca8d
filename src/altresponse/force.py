"""The canonical use-of-force table: its columns and its registration with ingest.

Force data come from police departments' open-data portals (Cincinnati, Dallas, Austin,
Seattle, New Orleans ship adapters ``adapters/<city>_force.yaml``). A row is what the source
publishes as a row, usually one per officer, subject or force type of an incident; rows of
one incident share ``incident_id``, so count incidents with ``count(distinct incident_id)``.

Person-identifying fields are left out on purpose: no names, badge numbers, officer or
subject ids, and no subject race, sex or age (our analyses do not need them).

``from_call`` is what links force to the call-taking work this toolkit plans: it is true when
the source says the force arose from a call for service (Dallas ``Service Call``, Austin
``DISPATCHED CALL``, New Orleans ``Call for Service``), false when it names another activity
(arrest, traffic stop, warrant ...), and null when the source does not say.

Importing this module registers the ``force`` table, so an adapter with ``table: force``
loads into ``STORE/force/`` (``ingest.table_spec("force")`` imports it on demand).
"""

from __future__ import annotations

import pyarrow as pa

from .ingest import TableSpec, register_table

UTC_TS = pa.timestamp("us", tz="UTC")

# (name, arrow type, description) — the single source of truth for the schema.
FORCE_COLUMNS: tuple[tuple[str, pa.DataType, str], ...] = (
    ("force_id", pa.string(), "Stable row id: '<source>:<source_force_id>', or '<source>:h<hash of the raw row>' when the source has no unique row id."),
    ("source", pa.string(), "Adapter name the row came through, e.g. 'dallas_force'."),
    ("agency", pa.string(), "Police department, e.g. 'Dallas Police Department'."),
    ("source_force_id", pa.string(), "The source's own unique row id (Seattle ID, Austin RIN); null where the source has none."),
    ("incident_id", pa.string(), "Source incident / file number grouping the rows of one incident (Dallas FILENUM, New Orleans PIB File Number, Seattle Incident_Num, Austin Primary Key, Cincinnati INCIDENT_NO)."),
    ("source_tz", pa.string(), "IANA time zone of the source's local times."),
    ("occurred_at", UTC_TS, "When the force occurred (UTC). Null when the source gives a date only (or the time is blank)."),
    ("occurred_local", pa.timestamp("us"), "Occurred time as local wall-clock (no zone). Null when only a date is known."),
    ("occurred_date", pa.date32(), "Local calendar date of the incident (always set for loaded rows)."),
    ("cfs_number", pa.string(), "CAD call-for-service / event number, where the source has one (Cincinnati CFS_NO); joins to calls.source_call_id."),
    ("service_type", pa.string(), "Activity that led to the force, as the source gives it (Dallas SERVICE_TY, Austin Nature of Contact, New Orleans Service Type)."),
    ("from_call", pa.bool_(), "True: the force arose from a call for service / dispatched call; false: from another activity; null: unknown. Set by the adapter's value map on service_type."),
    ("force_type", pa.string(), "Force used, as the source gives it (may list several, comma- or semicolon-separated)."),
    ("force_level", pa.string(), "Force level as the source gives it. Scales differ: Austin R2R Level 1 is most serious; Seattle Level 1 and New Orleans L1 are least serious."),
    ("district", pa.string(), "Police district / precinct / area command as the source gives it."),
    ("beat", pa.string(), "Police beat, where the source has one (Dallas, Seattle)."),
    ("latitude", pa.float64(), "WGS84 latitude (block level or as published); null when unknown or outside the source's bounds."),
    ("longitude", pa.float64(), "WGS84 longitude."),
    ("location_text", pa.string(), "Block-level location text as published (never a full address where the source masks it)."),
    ("subject_injured", pa.bool_(), "The source records an injury to the subject (observed, or complaint of injury/pain where the source does not separate them); null when it does not say."),
    ("time_flags", pa.string(), "Comma-separated time problems kept, not dropped: 'ambiguous_dst', 'nonexistent_dst'."),
    ("source_file", pa.string(), "Lineage: input file name."),
    ("source_row", pa.int64(), "Lineage: 1-based data row number in the input file (header excluded)."),
    ("ingest_id", pa.string(), "Id of the ingest run that loaded the row (content hash of the input file + adapter)."),
)

FORCE_SCHEMA = pa.schema([pa.field(n, t) for n, t, _ in FORCE_COLUMNS])

FORCE_TABLE = TableSpec(
    name="force",
    schema=FORCE_SCHEMA,
    id_column="force_id",
    source_id_column="source_force_id",
    default_required=("occurred_date",),
)

register_table(FORCE_TABLE)
