"""The canonical call-for-service table: its columns, types and closed value sets.

Every source is mapped onto this schema by an adapter (``adapters/<name>.yaml``).
A field a source lacks is null, never invented. ``docs/schema.md`` documents each
column; a test keeps the two in step.

Timestamps are stored as UTC instants (``*_at``), with the source's IANA time zone
in ``source_tz`` and the local wall-clock reading of the received time in
``received_local`` (what hours-of-operation rules and hour-of-day charts need).
"""

from __future__ import annotations

from enum import Enum

import pyarrow as pa

UTC_TS = pa.timestamp("us", tz="UTC")


class Channel(str, Enum):
    """How a call came in (normalised)."""

    E911 = "911"
    PHONE = "phone"
    ALARM = "alarm"
    SELF_INITIATED = "self_initiated"
    TEXT = "text"
    RADIO = "radio"
    ONLINE = "online"
    IN_PERSON = "in_person"
    TRANSFER = "transfer"
    OTHER = "other"


# Normalised priority: 1 = most urgent ... 5 = least urgent / administrative.
PRIORITY_LEVELS = (1, 2, 3, 4, 5)

# (name, arrow type, description) — the single source of truth for the schema.
CALL_COLUMNS: tuple[tuple[str, pa.DataType, str], ...] = (
    ("call_id", pa.string(), "Stable id: '<source>:<source_call_id>', or '<source>:h<hash of the raw row>' when the source has no id."),
    ("source", pa.string(), "Adapter name the row came through, e.g. 'durham'."),
    ("agency", pa.string(), "Agency that handled the call (POLICE, EMS, FIRE or the source's own value)."),
    ("source_call_id", pa.string(), "The source's own event/incident number; null if it has none."),
    ("source_tz", pa.string(), "IANA time zone of the source's local times, e.g. 'America/New_York'."),
    ("received_at", UTC_TS, "Call received (UTC). Null when the source gives a date only."),
    ("received_local", pa.timestamp("us"), "Received time as local wall-clock (no zone). Null when the source gives a date only."),
    ("received_date", pa.date32(), "Local calendar date the call was received (always set when any date is known)."),
    ("dispatched_at", UTC_TS, "First unit dispatched (UTC)."),
    ("enroute_at", UTC_TS, "First unit en route (UTC)."),
    ("onscene_at", UTC_TS, "First unit on scene (UTC)."),
    ("cleared_at", UTC_TS, "Last (or first, where that is all the source has) unit cleared / call closed (UTC)."),
    ("type_code", pa.string(), "Final call-type code as the source gives it."),
    ("type_desc", pa.string(), "Final call-type description as the source gives it."),
    ("initial_type_code", pa.string(), "Initial call-type code, where the source has one separately."),
    ("initial_type_desc", pa.string(), "Initial call-type description, where the source has one separately."),
    ("priority_raw", pa.string(), "Priority exactly as the source gives it."),
    ("priority", pa.int8(), "Normalised priority 1 (most urgent) to 5 (least urgent), via the adapter's value map."),
    ("channel", pa.string(), "How the call came in: one of Channel's values."),
    ("cancelled", pa.bool_(), "Call cancelled before a unit arrived, where the source says so."),
    ("disposition", pa.string(), "Disposition as the source gives it."),
    ("beat", pa.string(), "Police beat: the CAD's own, else the one from point-in-polygon."),
    ("district", pa.string(), "Police district: the CAD's own, else the one from point-in-polygon."),
    ("geo_beat", pa.string(), "Beat from point-in-polygon against the --beats GeoJSON (null without it)."),
    ("geo_district", pa.string(), "District from point-in-polygon against the --beats GeoJSON."),
    ("latitude", pa.float64(), "WGS84 latitude (block-level or generalised as published)."),
    ("longitude", pa.float64(), "WGS84 longitude."),
    ("location_text", pa.string(), "Block-level location text (never a full address)."),
    ("narrative", pa.string(), "Free-text remarks, where the source publishes any."),
    ("flag_mental_health", pa.bool_(), "Source's own mental-health flag (e.g. Burlington)."),
    ("flag_drug", pa.bool_(), "Source's own drug-related flag."),
    ("flag_alcohol", pa.bool_(), "Source's own alcohol-related flag."),
    ("flag_dv", pa.bool_(), "Source's own domestic-violence flag."),
    ("time_flags", pa.string(), "Comma-separated timestamp problems kept, not dropped: e.g. 'dispatched_before_received', 'ambiguous_dst'."),
    ("units", pa.int16(), "Number of units assigned, where known."),
    ("source_file", pa.string(), "Lineage: input file name."),
    ("source_row", pa.int64(), "Lineage: 1-based data row number in the input file (header excluded)."),
    ("ingest_id", pa.string(), "Id of the ingest run that loaded the row (content hash of the input file + adapter)."),
)

CALLS_SCHEMA = pa.schema([pa.field(n, t) for n, t, _ in CALL_COLUMNS])

TIMESTAMP_COLUMNS = ("received_at", "dispatched_at", "enroute_at", "onscene_at", "cleared_at")


class QuarantineReason(str, Enum):
    """Why a row was not loaded. Codes are stable; docs/schema.md explains each."""

    UNPARSEABLE_TIMESTAMP = "unparseable_timestamp"
    MISSING_REQUIRED = "missing_required_field"
    DUPLICATE_ID = "duplicate_id"
    COORDINATES_OUT_OF_BOUNDS = "coordinates_out_of_bounds"
    UNPARSEABLE_NUMBER = "unparseable_number"
    MALFORMED_ROW = "malformed_row"  # wrong number of fields, truncated line
    UNKNOWN_VALUE = "unknown_value"  # a value outside a closed value map
    INVALID_ENCODING = "invalid_encoding"  # bytes that are not text in the adapter's format.encoding


QUARANTINE_SCHEMA = pa.schema(
    [
        pa.field("source", pa.string()),
        pa.field("source_file", pa.string()),
        pa.field("source_row", pa.int64()),
        pa.field("reason", pa.string()),
        pa.field("detail", pa.string()),
        pa.field("raw", pa.string()),  # the original row as JSON (or raw text for malformed lines)
        pa.field("ingest_id", pa.string()),
    ]
)
