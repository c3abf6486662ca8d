"""Draft a first adapter for an export we have never seen (``altresponse adapter draft``).

``draft_adapter(path)`` reads a sample of the file and guesses, column by column, which is the
call id, the received time and each later timestamp, the call type code and description, the
beat and district, the coordinates (lon/lat, or projected x/y with the EPSG code found from the
value ranges), the date formats (with or without times, 12/24-hour, day first), the null tokens
and placeholder values (``NULL``, ``1900-01-01``, 0/0) and the time zone when the file says.
Every guess carries its reason; :meth:`Draft.to_yaml` writes them as comments above the keys,
so the analyst reviews a file that explains itself. The draft is validated as an adapter
before it is returned.

One job per module: ``sample`` (read the file), ``dates`` (formats), ``roles`` (which column
is what), ``coords`` (coordinates, EPSG), ``zone`` (time zone), ``render`` (YAML with comments).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .coords import find_coordinates
from .roles import channel_map, find_roles, priority_map
from .sample import NULL_TOKENS, SAMPLE_ROWS, Sample, read_sample
from .zone import shifted_utc, zone_from_offsets, zone_from_point

__all__ = ["Draft", "draft_adapter"]


@dataclass
class Draft:
    """A drafted adapter: the mapping, a reason per key and the warnings for the analyst."""

    data: dict
    reasons: dict[str, str] = field(default_factory=dict)
    """Dotted key (``timestamps.received``) -> why."""
    warnings: list[str] = field(default_factory=list)
    unused: dict[str, str] = field(default_factory=dict)
    other_columns: list[str] = field(default_factory=list)
    """Columns no guess used or explained."""
    sample: str = ""

    def to_yaml(self) -> str:
        """The adapter as YAML, each decision explained in a comment above its key."""
        from .render import render

        return render(self)


def draft_adapter(
    path: str | Path,
    *,
    name: str | None = None,
    time_zone: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    agency: str | None = None,
    rows: int = SAMPLE_ROWS,
) -> Draft:
    """Read a sample of ``path`` and draft its adapter.

    Parameters
    ----------
    path
        A CSV or CSV.gz export.
    name
        The adapter (source) name; default from the file name.
    time_zone
        IANA zone, when the file does not say (no UTC offsets and no coordinates).
    bbox
        The city's box ``(min_lon, min_lat, max_lon, max_lat)``: bounds the points and picks
        the State Plane zone of projected x/y.
    agency
        The agency that handled the calls (POLICE, EMS, FIRE), when the file has no agency column.
    rows
        Rows read for the sample.

    Returns
    -------
    Draft

    Raises
    ------
    InputError
        If the file cannot be read.
    """
    sample = read_sample(path, rows=rows)
    roles = find_roles(sample)
    draft = Draft(data={}, reasons=dict(roles.reasons), unused=dict(roles.unused))
    draft.sample = f"{sample.rows:,} rows of {sample.path.name}" + (" (the first rows only)" if sample.truncated else " (the whole file)")
    d = draft.data
    d["name"] = name or _name_from(sample.path)
    d["description"] = f"Drafted by `altresponse adapter draft` from {sample.path.name}: review every comment"
    d["table"] = "calls"
    if agency:
        d["agency"] = agency
        draft.reasons["agency"] = "given with --agency: the agency for rows with no agency column (or a blank one)"
    d["time_zone"] = None  # filled below, after coordinates
    d["format"] = _format(sample, roles, draft)
    d["id"] = {"column": [roles.id] if roles.id else None,
               "missing": "hash" if roles.id is None or len(sample.values(roles.id)) < sample.rows else "quarantine"}
    d["timestamps"] = _timestamps(sample, roles, draft)
    d["fields"] = {k: [v] for k, v in roles.fields.items()}
    d["values"] = _values(sample, roles)
    if "cancelled" in d["values"]:
        draft.reasons["disposition"] += f"; cancelled = a disposition naming a cancellation ({', '.join(d['values']['cancelled']['map'])})"
    cols = {h: [None if v in NULL_TOKENS else v for v in sample.columns[h]] for h in sample.header}
    guess = find_coordinates(cols, bbox=bbox)
    if guess is not None:
        d["coordinates"] = _coordinates(guess)
        draft.reasons["coordinates"] = "; ".join(guess.notes or [])
        for col in guess.left_out or []:
            draft.unused[col] = "a lon/lat copy derived from the x/y columns (see coordinates)"
    else:
        draft.reasons["coordinates"] = "no latitude/longitude or x/y columns found: calls have no point location"
    if "location_text" in d["fields"]:
        d["block_level"] = ["location_text"]
    d["required"] = ["received_date"]
    draft.reasons["required"] = "a call needs a date; a call with no type is kept and typed UNKNOWN (add type_desc here to quarantine it instead)"
    d["time_zone"] = _zone(roles, guess, time_zone, draft)
    draft.other_columns = [h for h in sample.header if h not in _mentioned(d) and h not in draft.unused]
    _check(draft)
    return draft


def _name_from(path: Path) -> str:
    stem = path.name.split(".")[0].lower()
    stem = re.sub(r"[^a-z0-9_]+", "_", stem).strip("_")
    stem = re.sub(r"^[^a-z]+", "", stem)
    return stem or "new_source"


def _format(sample: Sample, roles, draft: Draft) -> dict:
    tokens = sorted(sample.null_tokens, key=lambda t: -sample.null_tokens[t])
    nulls = list(dict.fromkeys(["", *tokens]))
    sentinels = sorted({s for r in roles.dates.values() for s in (r.sentinels or [])})
    nulls += sentinels
    out = {"delimiter": sample.delimiter}
    if sample.encoding != "utf-8":
        out["encoding"] = sample.encoding
    out["null_values"] = nulls
    seen = ", ".join(f"{t!r} ×{sample.null_tokens[t]:,}" for t in tokens) or "none"
    draft.reasons["format"] = (f"delimiter {sample.delimiter!r} from the header line; {sample.encoding}; null tokens seen: {seen}"
                               + (f"; placeholder dates (0, or before 1950) read as null: {', '.join(sentinels[:5])} "
                                  "(null_values apply to every column: check no other column uses them as values)" if sentinels else ""))
    return out


def _timestamps(sample: Sample, roles, draft: Draft) -> dict:
    out = {}
    for role, cols in roles.timestamps.items():
        reading = roles.dates[cols[0]]
        if len(cols) == 2:
            time_reading = roles.dates[cols[1]]
            out[role] = {"date": [cols[0]], "time": [cols[1]],
                         "format": [f"{d} {t}" for d in reading.formats for t in time_reading.formats],
                         "date_format": list(reading.formats)}
        elif reading.kind == "date" or reading.midnight_only:
            out[role] = {"date": [cols[0]], "date_format": list(reading.formats)}
        else:
            out[role] = {"column": [cols[0]], "format": list(reading.formats)}
            if reading.formats == ["ISO8601"] and reading.offsets:
                shifted, why = shifted_utc(sample, cols[0])
                if shifted:
                    out[role]["offset"] = "shifted_utc"
                if why:
                    draft.reasons[f"timestamps.{role}"] += f"; {why}"
    if "received" not in out:
        draft.warnings.append("no column looks like the received time: map timestamps.received by hand")
    return out


def _values(sample: Sample, roles) -> dict:
    out = {}
    if "priority_raw" in roles.fields:
        pm = priority_map(set(sample.values(roles.fields["priority_raw"])))
        if pm:
            out["priority"] = {"source": "priority_raw", "map": pm}
    if "channel" in roles.fields:
        cm = channel_map(set(sample.values(roles.fields["channel"])))
        out["channel"] = {"map": cm, "default": "other"}
    if "disposition" in roles.fields:
        cancel = sorted(v for v in set(sample.values(roles.fields["disposition"])) if "cancel" in v.lower())
        if cancel:
            out["cancelled"] = {"source": "disposition", "map": {v: True for v in cancel}, "default": False}
    return out


def _coordinates(guess) -> dict:
    out = {}
    if guess.x:
        out.update(x=[guess.x], y=[guess.y], epsg=guess.epsg)
    else:
        out.update(latitude=[guess.latitude], longitude=[guess.longitude])
    out["zero_is_null"] = guess.zero_is_null
    if guess.bbox:
        out["bbox"] = list(guess.bbox)
    return out


def _zone(roles, guess, given: str | None, draft: Draft) -> str:
    received = roles.timestamps.get("received")
    reading = roles.dates.get(received[0]) if received else None
    if given:
        draft.reasons["time_zone"] = "given with --time-zone"
        return given
    if reading is not None and reading.offsets:
        zone, why = zone_from_offsets(reading)
        if zone:
            draft.reasons["time_zone"] = f"from the file: {why}"
            return zone
    if guess is not None and guess.center:
        zone = zone_from_point(*guess.center)
        if zone:
            draft.reasons["time_zone"] = (f"the file gives no zone; guessed from where the points are (median longitude "
                                          f"{guess.center[0]:.2f}): zone borders follow state and county lines, check it")
            return zone
    draft.reasons["time_zone"] = "UNKNOWN: the file gives no UTC offset and no location; set the source's IANA zone (or pass --time-zone)"
    draft.warnings.append("time zone unknown: the draft says UTC; set time_zone (or pass --time-zone) before ingesting")
    return "UTC"


def _mentioned(d: dict) -> set[str]:
    found: set[str] = set()

    def walk(v):
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            found.update(x for x in v if isinstance(x, str))

    walk({k: d[k] for k in ("id", "timestamps", "fields", "coordinates") if d.get(k)})
    return found


def _check(draft: Draft) -> None:
    """Validate the draft as an adapter: a draft that does not load is a bug, never the user's."""
    from ..adapter import Adapter

    Adapter.model_validate({k: v for k, v in draft.data.items() if v is not None or k == "time_zone"})
