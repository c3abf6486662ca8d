"""Adapters: one YAML file per source maps its export onto a canonical table.

An adapter says how to read the file (delimiter, encoding, null tokens), which source
columns feed which canonical fields (several candidate columns per field, so per-year
schema drift stays in YAML), how to parse and localise timestamps, how to read
coordinates, and how to normalise coded values. A new city needs no Python.

``load_adapter("durham")`` finds ``src/altresponse/adapters/durham.yaml``; a path to any
``.yaml`` file works too. A mistake in the file raises :class:`AdapterError` with one line
naming file, YAML line and key, e.g.
``adapters/x.yaml line 14, timestamps.received.format: ...``.
"""

from __future__ import annotations

import json
import re
import zoneinfo
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from .config import Lines, read_yaml, validation_problems
from .errors import AdapterError

ADAPTER_DIR = Path(__file__).resolve().parent / "adapters"



def normalise_header(name: str) -> str:
    """Header normalisation used for matching: strip, drop a BOM, collapse whitespace.

    Examples
    --------
    >>> normalise_header("\\ufeff Date  Occurred ")
    'Date Occurred'
    """
    return re.sub(r"\s+", " ", name.replace("\ufeff", "")).strip()


def _as_list(value: Any) -> Any:
    if value is None or isinstance(value, list):
        return value
    return [value]


# One source column, or several candidates (the first present in the header wins).
ColumnList = Annotated[list[str], BeforeValidator(_as_list)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FileFormat(_Model):
    """How to read the file."""

    delimiter: str = Field(",", min_length=1, max_length=1)
    encoding: str = "utf-8"
    null_values: list[str] = Field(default_factory=lambda: ["", "NA", "NULL", "N/A", "null"])
    quote_char: str = Field('"', min_length=1, max_length=1)
    newlines_in_values: bool = False
    """Kept for older adapters; quoted values may always span lines (see ``max_row_lines``)."""
    max_row_lines: int = Field(10, ge=1, le=10_000)
    """Most physical lines one row may span through quoted line breaks. A quote that would
    join more lines is taken as a quote that never closes: its line is quarantined
    (``malformed_row``) and reading goes on with the next line."""


class TimestampSpec(_Model):
    """Where one canonical timestamp comes from and how to parse it.

    Either ``column`` (date and time in one field) or ``date`` (+ optional ``time``).
    Each lists candidate source columns (the first present in the header is used).
    """

    column: ColumnList | None = None
    date: ColumnList | None = None
    time: ColumnList | None = None
    format: ColumnList | None = None
    """strftime formats tried in turn on the value (``date`` + ' ' + ``time`` when split);
    ``ISO8601`` accepts any ISO 8601 text, with or without a UTC offset."""
    date_format: ColumnList | None = None
    """Formats for a date with no time (date-only sources, or a blank ``time``)."""
    offset: Literal["respect", "ignore", "shifted_utc"] = "respect"
    """For values with a UTC offset: ``respect`` it; ``ignore`` it (the digits are local);
    ``shifted_utc``: the source read local times as UTC then converted them, so the true local
    wall clock is the UTC reading of the value (Burlington)."""
    time_zero_pad: int | None = Field(None, ge=1, le=8)
    """Left-pad the ``time`` value with zeros to this width before parsing: military times
    published without leading zeros (Austin: ``'45'`` → ``'0045'``, ``'330'`` → ``'0330'``)."""


    @model_validator(mode="after")
    def _one_way(self) -> TimestampSpec:
        if bool(self.column) == bool(self.date):
            msg = "give either 'column' or 'date' (with optional 'time')"
            raise ValueError(msg)
        if self.time and not self.date:
            msg = "'time' needs 'date'"
            raise ValueError(msg)
        if (self.column or self.time) and not self.format:
            msg = "'format' is required when a time of day is read"
            raise ValueError(msg)
        if self.date and not self.time and not (self.date_format or self.format):
            msg = "'date_format' is required for a date-only timestamp"
            raise ValueError(msg)
        for fmt in (self.format or []) + (self.date_format or []):
            if fmt != "ISO8601" and "%" not in fmt:
                msg = f"{fmt!r} is not a strftime format (e.g. '%m/%d/%Y %I:%M:%S%p') or 'ISO8601'"
                raise ValueError(msg)
        return self


class Coordinates(_Model):
    """Point location: WGS84 lat/lon columns, or projected x/y plus an EPSG code."""

    latitude: ColumnList | None = None
    longitude: ColumnList | None = None
    x: ColumnList | None = None
    y: ColumnList | None = None
    epsg: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    """(min_lon, min_lat, max_lon, max_lat) in WGS84: points outside are out of bounds."""
    out_of_bounds: Literal["quarantine", "null"] = "quarantine"
    """Quarantine a row whose point is outside ``bbox``, or keep it with null coordinates."""
    zero_is_null: bool = True
    """Treat 0/0 (a common CAD placeholder) as no location."""
    point: ColumnList | None = None
    """Text column holding the point, read where the columns above give none (or alone):
    WKT ``POINT (lon lat)``, else a ``(lat, lon)`` pair anywhere in the text (Socrata
    location text, e.g. ``'211 N ERVAY ST\nDallas, TX\n(32.78, -96.79)'``). Text with
    neither (an address only) gives no point; it is not an error."""


    @model_validator(mode="after")
    def _one_way(self) -> Coordinates:
        latlon = bool(self.latitude) and bool(self.longitude)
        xy = bool(self.x) and bool(self.y)
        if (latlon and xy) or not (latlon or xy or self.point):
            msg = "give either 'latitude' and 'longitude', or 'x', 'y' and 'epsg' (optionally with 'point'), or 'point' alone"
            raise ValueError(msg)
        if xy and self.epsg is None:
            msg = "'x'/'y' need 'epsg' (e.g. 2913)"
            raise ValueError(msg)
        if self.bbox and not (self.bbox[0] < self.bbox[2] and self.bbox[1] < self.bbox[3]):
            msg = "bbox must be [min_lon, min_lat, max_lon, max_lat]"
            raise ValueError(msg)
        return self


class ValueMap(_Model):
    """Raw value → normalised value for one canonical column.

    Matching is exact after stripping; ``case_insensitive`` also folds case.
    """

    source: str | None = None
    """Canonical field (from ``fields``) or source column holding the raw value; default:
    the ``fields`` entry of the same name."""
    map: dict[str, Any]
    default: Any = None
    """Value for a raw value not in ``map`` (ignored when ``on_unknown`` is ``quarantine``)."""
    on_unknown: Literal["default", "quarantine"] = "default"
    case_insensitive: bool = True


class IdSpec(_Model):
    """The source's own id. Without one, ids are a stable hash of the raw row."""

    column: ColumnList | None = None
    missing: Literal["hash", "quarantine"] = "quarantine"
    """What to do with a row whose id is blank: hash id, or quarantine (missing_required_field)."""



class GeoSpec(_Model):
    """Property names of the beats GeoJSON usually passed with this source (``--beats``)."""

    beat_property: str | None = None
    district_property: str | None = None


class Adapter(_Model):
    """One source's adapter (``adapters/<name>.yaml``)."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str = ""
    table: str = "calls"
    """Target table: ``calls`` or another registered table (e.g. ``force``)."""
    agency: str | None = None
    """Default agency where the source has no agency column (or it is blank)."""
    time_zone: str
    typemap: str | None = None
    """Type map the classifier should use; default the adapter name."""
    format: FileFormat = Field(default_factory=FileFormat)
    id: IdSpec = Field(default_factory=IdSpec)
    timestamps: dict[str, TimestampSpec] = Field(default_factory=dict)
    """Key = canonical timestamp without ``_at`` (``received``, ``dispatched``, ...)."""
    fields: dict[str, ColumnList] = Field(default_factory=dict)
    """Canonical column → candidate source columns (first present wins)."""
    values: dict[str, ValueMap] = Field(default_factory=dict)
    coordinates: Coordinates | None = None
    block_level: list[str] | None = None
    """Canonical text columns (e.g. ``location_text``) whose leading house number is cut to
    its hundred block: ``'7647 FERGUSON RD'`` → ``'76XX FERGUSON RD'``; a leading numbered
    street (``'24TH ST / MAIN ST'``) is kept. Default: the table's own list (``location_text``
    for calls, none for force); ``[]`` keeps full addresses."""
    required: list[str] = Field(default_factory=list)
    """Canonical columns that must be non-null after mapping, else missing_required_field."""
    geo: GeoSpec = Field(default_factory=GeoSpec)

    @field_validator("time_zone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            zoneinfo.ZoneInfo(v)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            msg = f"{v!r} is not an IANA time zone (e.g. 'America/New_York')"
            raise ValueError(msg) from None
        return v

    @property
    def typemap_name(self) -> str:
        """Type map the classifier should use."""
        return self.typemap or self.name

    def fingerprint(self) -> str:
        """Canonical JSON of the adapter (part of the ingest id)."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True)


# --------------------------------------------------------------------------- loading


def adapter_path(name_or_path: str | Path) -> Path:
    """Resolve a shipped adapter name or a YAML path.

    Raises
    ------
    AdapterError
        If neither a file nor a shipped adapter of that name exists.
    """
    text = str(name_or_path)
    candidate = Path(text)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        if not candidate.is_file():
            msg = f"{text}: no such adapter file"
            raise AdapterError(msg)
        return candidate
    shipped = ADAPTER_DIR / f"{text}.yaml"
    if shipped.is_file():
        return shipped
    known = ", ".join(shipped_adapters()) or "none"
    msg = f"unknown adapter {text!r}; shipped adapters: {known} (or pass a path to a .yaml file)"
    raise AdapterError(msg)


def shipped_adapters() -> list[str]:
    """Names of the adapters shipped in ``altresponse/adapters``."""
    return sorted(p.stem for p in ADAPTER_DIR.glob("*.yaml"))


def load_adapter(name_or_path: str | Path | Adapter) -> Adapter:
    """Load and validate an adapter by shipped name or path.

    Parameters
    ----------
    name_or_path
        ``"durham"`` (shipped), a path to a YAML file, or an :class:`Adapter` (returned as is).

    Returns
    -------
    Adapter

    Raises
    ------
    AdapterError
        One line naming file, YAML line and key of the (first) problem.

    Examples
    --------
    >>> load_adapter("durham").time_zone
    'America/New_York'
    """
    if isinstance(name_or_path, Adapter):
        return name_or_path
    path = adapter_path(name_or_path)
    shown = _shown(path)
    data, lines = read_yaml(path, error=AdapterError, shown=shown, what="adapter")
    return adapter_from_yaml(data, lines, shown)


def adapter_from_yaml(data: Any, lines: Lines, shown: str) -> Adapter:
    """Validate an adapter file already read by :func:`altresponse.config.read_yaml` (see :func:`load_adapter`)."""
    if not isinstance(data, dict):
        msg = f"{shown} line 1: an adapter must be a mapping of keys (name, time_zone, fields, ...)"
        raise AdapterError(msg)
    try:
        return Adapter.model_validate(data)
    except ValidationError as exc:
        raise AdapterError(_one_line(exc, lines, shown)) from None


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ADAPTER_DIR.parent))
    except ValueError:
        return str(path)


def _one_line(exc: ValidationError, lines: Lines, shown: str) -> str:
    errors = exc.errors()
    more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
    return validation_problems(shown, exc, lines)[0] + more


def json_schema() -> dict:
    """JSON Schema of adapter files (``docs/adapter.schema.json``)."""
    schema = Adapter.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "altresponse adapter"
    return schema
