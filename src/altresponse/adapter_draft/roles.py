"""Which column plays which part: id, timestamps, call type, place, priority, channel, flags.

Each guess comes from the column's name (keywords) and its values (uniqueness, cardinality,
shape); every decision keeps a one-line reason that the draft writes as a comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dates import DateReading, read_dates
from .sample import Sample

# Timestamp roles: name keywords (strongest first). A column whose name has a word of
# `_NOT_A_ROLE` is a timestamp of something else (a reopen, a view of the screen).
TIME_ROLES = {
    "received": ("received", "receive", "recv", "start", "call date", "call time", "create", "entered", "entry", "reported", "occ", "response date", "incident date", "date", "time"),
    "dispatched": ("dispatch", "disp", "assigned"),
    "enroute": ("enroute", "en route", "rollout", "responding"),
    "onscene": ("arriv", "on scene", "onscene", "at scene"),
    "cleared": ("close", "clear", "complete", "finish"),
}
_NOT_A_ROLE = ("reopen", "viewed", "queue", "phone", "ack", "entry date", "report date")
_ID_WORDS = ("incident number", "event number", "call number", "incident id", "event id", "call id", "case number", "cad", "master incident", "number", "id", "no")
_CODE_WORDS = ("type code", "case type", "call type", "nature code", "incident type", "problem code", "type", "code")
_DESC_WORDS = ("desc", "description", "nature", "problem", "call type", "type", "complaint", "offense")
_COARSE_WORDS = ("group", "category", "class")
_FLAG_WORDS = {"flag_mental_health": ("mental",), "flag_drug": ("drug",), "flag_dv": ("dv", "domestic"), "flag_alcohol": ("alcohol",)}
_TRUTHY = {"0", "1", "true", "false", "y", "n", "yes", "no", "t", "f"}
_CHANNEL_WORDS = (
    ("center", "transfer"), ("911", "911"), ("e911", "911"), ("wireless", "911"), ("text", "text"), ("tdd", "text"), ("sms", "text"),
    ("officer", "self_initiated"), ("self", "self_initiated"), ("field", "self_initiated"), ("radio", "radio"),
    ("alarm", "alarm"), ("online", "online"), ("web", "online"), ("in person", "in_person"), ("walk", "in_person"),
    ("flag", "in_person"), ("phone", "phone"), ("cell", "phone"), ("line", "phone"), ("c2c", "transfer"),
    ("cad2cad", "transfer"), ("transfer", "transfer"),
)


def words(header: str) -> str:
    """A header as lower-case words: ``'Incident_Start_Time'`` → ``'incident start time'``.

    Examples
    --------
    >>> words("TimeFirstUnitDispatchAcknowledged")
    'time first unit dispatch acknowledged'
    """
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", header)
    return re.sub(r"[^a-z0-9]+", " ", spaced.lower()).strip()


def _has(name: str, word: str) -> bool:
    return re.search(rf"(^| ){re.escape(word)}", name) is not None


@dataclass
class Roles:
    """Every guess, each with its reason."""

    dates: dict[str, DateReading] = field(default_factory=dict)
    timestamps: dict[str, list[str]] = field(default_factory=dict)
    """role -> [column] or [date column, time column]."""
    id: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    unused: dict[str, str] = field(default_factory=dict)
    """Column -> why it was left out."""


def find_roles(sample: Sample) -> Roles:
    """Guess the part each column plays."""
    roles = Roles()
    for h in sample.header:
        values = sample.values(h)
        if values:
            reading = read_dates(values)
            if reading is not None:
                roles.dates[h] = reading
    _timestamps(sample, roles)
    _id(sample, roles)
    _types(sample, roles)
    _places(sample, roles)
    _others(sample, roles)
    return roles


def _timestamps(sample: Sample, roles: Roles) -> None:
    dated = {h: r for h, r in roles.dates.items() if r.kind in ("datetime", "date")}
    timed = {h: r for h, r in roles.dates.items() if r.kind == "time"}
    taken: set[str] = set()
    for role, keys in TIME_ROLES.items():
        best = None
        for h, r in dated.items():
            name = words(h)
            if h in taken or any(_has(name, w) for w in _NOT_A_ROLE):
                continue
            rank = next((i for i, k in enumerate(keys) if _has(name, k)), None)
            if rank is None:
                continue
            # stronger keyword first, then fewer nulls, then a 'first' over a 'final' time
            score = (rank, round(sample.null_share(h), 2), _has(name, "final"))
            if best is None or score < best[0]:
                best = (score, h)
        if best is None:
            continue
        h = best[1]
        taken.add(h)
        reading = dated[h]
        partner = _time_partner(h, timed) if reading.kind == "date" else None
        roles.timestamps[role] = [h, partner] if partner else [h]
        if partner:
            taken.add(partner)
        roles.reasons[f"timestamps.{role}"] = _time_reason(h, reading, partner, timed.get(partner), sample)
    for h in dated:
        if h not in taken:
            roles.unused[h] = "a date or time that matches no canonical timestamp (received, dispatched, enroute, onscene, cleared)"
    for h in timed:
        if h not in taken:
            roles.unused[h] = "a time of day with no date column beside it"


def _time_partner(date_col: str, timed: dict[str, DateReading]) -> str | None:
    stem = words(date_col).replace("date", "").strip()
    for h in timed:
        if words(h).replace("time", "").strip() == stem:
            return h
    return next(iter(timed), None) if len(timed) == 1 else None


def _time_reason(h, reading, partner, partner_reading, sample) -> str:
    formats = " or ".join(reading.formats)
    text = f"{h!r}: {reading.kind} values read by {formats}"
    if reading.kind == "date" and not partner:
        text += "; no time of day anywhere in the column, so a date only"
    if reading.midnight_only:
        text += "; every value is at 00:00:00, so the times carry no information: read as a date only"
    if partner:
        text += f"; the time of day is in {partner!r} ({' or '.join(partner_reading.formats)}"
        text += ", 12-hour with AM/PM)" if any("%p" in f for f in partner_reading.formats) else ", 24-hour)"
    elif reading.kind == "datetime":
        text += "; 12-hour with AM/PM" if any("%p" in f for f in reading.formats) else ""
    if reading.note:
        text += f"; {reading.note}"
    share = sample.null_share(h)
    if share:
        text += f"; {share:.1%} blank"
    return text


def _id(sample: Sample, roles: Roles) -> None:
    best = None
    for h in sample.header:
        if h in roles.dates:
            continue
        values = sample.values(h)
        if len(values) < 0.9 * sample.rows or not values:
            continue
        if len(set(values)) < 0.995 * len(values) or _is_number(values[0]) and "." in values[0]:
            continue
        name = words(h)
        rank = next((i for i, k in enumerate(_ID_WORDS) if _has(name, k)), None)
        if rank is None:
            continue
        if best is None or rank < best[0]:
            best = (rank, h)
    if best is None:
        roles.reasons["id"] = "no column is unique in every row and named like an id: ids are a stable hash of the raw row"
        return
    h = best[1]
    roles.id = h
    blank = sample.rows - len(sample.values(h))
    dup = len(sample.values(h)) - len(set(sample.values(h)))
    roles.reasons["id"] = f"{h!r} is unique in {len(sample.values(h)) - dup:,} of {sample.rows:,} rows" + (
        f"; {blank} blank: those rows get a hash id instead of being quarantined" if blank else "")


def _is_number(v: str) -> bool:
    try:
        float(v)
    except ValueError:
        return False
    return True


def _cardinality(sample: Sample, h: str) -> int:
    return len(set(sample.values(h)))


def _types(sample: Sample, roles: Roles) -> None:
    cands = []
    for h in sample.header:
        name = words(h)
        if h in roles.dates or h == roles.id or _has(name, "priority"):
            continue
        values = sample.values(h)
        if not values or all(_is_number(v) for v in values[:200]):
            continue
        card = _cardinality(sample, h)
        if card < 5 or card > max(2000, 0.5 * len(values)):
            continue
        code_rank = next((i for i, k in enumerate(_CODE_WORDS) if _has(name, k)), None)
        desc_rank = next((i for i, k in enumerate(_DESC_WORDS) if _has(name, k)), None)
        if code_rank is None and desc_rank is None:
            continue
        coarse = any(_has(name, w) for w in _COARSE_WORDS)
        cands.append((coarse, -card, h))
    if not cands:
        roles.reasons["type"] = "no column is named like a call type (type, nature, problem, description): map type_desc by hand"
        return
    cands.sort()
    first = cands[0][2]
    partner = next((h for _, _, h in cands[1:] if _one_to_one(sample, first, h)), None)
    if partner is None:
        role = "type_code" if _code_like(sample.values(first)) else "type_desc"
        roles.fields[role] = first
        roles.reasons["type"] = f"{first!r} ({_cardinality(sample, first)} values) is the finest column named like a call type; its values look like {'codes' if role == 'type_code' else 'descriptions'}"
    else:
        code, desc = sorted((first, partner), key=lambda h: (not _code_like(sample.values(h)), _mean_len(sample.values(h))))
        roles.fields["type_code"], roles.fields["type_desc"] = code, desc
        roles.reasons["type"] = f"{code!r} and {desc!r} pair one to one ({_cardinality(sample, code)} values): {code!r} is the code (short, no spaces), {desc!r} the description"
    for coarse, _, h in cands:
        if h not in roles.fields.values():
            roles.unused[h] = "a coarser grouping of call types than the type column" if coarse or _cardinality(sample, h) < _cardinality(sample, first) else "another call-type column"


def _code_like(values: list[str]) -> bool:
    shown = values[:500]
    return sum(" " not in v and len(v) <= 10 for v in shown) >= 0.9 * len(shown)


def _mean_len(values: list[str]) -> float:
    return sum(map(len, values[:500])) / max(1, len(values[:500]))


def _one_to_one(sample: Sample, a: str, b: str) -> bool:
    return _functional(sample, a, b) and _functional(sample, b, a)


def _functional(sample: Sample, a: str, b: str) -> bool:
    pairs: dict[str, set] = {}
    for x, y in zip(sample.columns[a], sample.columns[b]):
        pairs.setdefault(x, set()).add(y)
    return sum(len(v) == 1 for v in pairs.values()) >= 0.9 * len(pairs)


def _places(sample: Sample, roles: Roles) -> None:
    for role, keys in (("beat", ("beat", "area", "zone", "sector", "post", "reporting area")), ("district", ("district", "precinct", "division"))):
        for key in keys:
            h = next((h for h in sample.header if h not in roles.fields.values() and _has(words(h), key) and not _has(words(h), "name")), None)
            if h is None or not sample.values(h):
                continue
            card = _cardinality(sample, h)
            if card > 500:
                continue
            roles.fields[role] = h
            roles.reasons[role] = f"{h!r} is named like a {role} and has {card} values"
            break
    for h in sample.header:
        name = words(h)
        if h in roles.fields.values() or not any(_has(name, w) for w in ("address", "location", "street", "block")):
            continue
        values = sample.values(h)[:1000]
        numbered = sum(bool(re.match(r"^\d+[0-9X]*\s", v)) or "/" in v or "&" in v for v in values)
        if values and numbered >= 0.5 * len(values):
            roles.fields["location_text"] = h
            roles.reasons["location_text"] = f"{h!r} holds addresses (house numbers or intersections in {numbered / len(values):.0%}); stored at block level"
        else:
            roles.unused[h] = "street names with no house number or block: a whole street is not a place"


def _others(sample: Sample, roles: Roles) -> None:
    used = set(roles.fields.values()) | {roles.id} | {c for cols in roles.timestamps.values() for c in cols}
    for h in sample.header:
        if h in used:
            continue
        name = words(h)
        values = sample.values(h)
        distinct = set(values)
        if _has(name, "priority") or _has(name, "prio"):
            roles.fields["priority_raw"] = h
            roles.reasons["priority"] = f"{h!r} is named like a priority ({len(distinct)} values)"
        elif _has(name, "agency") and 1 < len(distinct) <= 20:
            roles.fields["agency"] = h
            roles.reasons["agency"] = f"{h!r}: {', '.join(sorted(distinct)[:6])}"
        elif _has(name, "dispo"):
            roles.fields["disposition"] = h
            roles.reasons["disposition"] = f"{h!r} is named like a disposition ({len(distinct)} values)"
        elif any(_has(name, w) for w in ("reception", "origin", "channel", "how received", "call source", "source")) and channel_map(distinct):
            roles.fields["channel"] = h
            roles.reasons["channel"] = f"{h!r}: how the call came in ({len(distinct)} values)"
        elif distinct and {v.lower() for v in distinct} <= _TRUTHY:
            flag = next((f for f, ws in _FLAG_WORDS.items() if any(_has(name, w) for w in ws)), None)
            if flag and flag not in roles.fields:
                roles.fields[flag] = h
                roles.reasons[flag] = f"{h!r} holds {'/'.join(sorted(distinct))}: the source's own flag"


def channel_map(values) -> dict[str, str] | None:
    """Raw channel value → canonical channel by keyword, or None if under half the values match one.

    Examples
    --------
    >>> channel_map({"E-911", "Phone", "OFFICER", "Walk In"})
    {'E-911': '911', 'OFFICER': 'self_initiated', 'Phone': 'phone', 'Walk In': 'in_person'}
    """
    out = {}
    for v in sorted(values):
        if re.fullmatch(r"(?i)\s*(not captured|unknown|none|n/?a|not recorded)\s*", v):
            out[v] = None  # the source says it does not know: null, not 'other'
            continue
        low = " " + re.sub(r"[^a-z0-9]+", " ", v.lower()).replace("e 911", "911") + " "
        low = low.replace(" ", " ")
        hit = next((c for k, c in _CHANNEL_WORDS if f" {k}" in low or k in low.replace(" ", "")), None)
        if hit:
            out[v] = hit
    return out if values and sum(c is not None for c in out.values()) >= 0.5 * len(values) else None


def priority_map(values) -> dict[str, int]:
    """Raw priority → 1..5: the first number in the value, clipped (lower is more urgent).

    Examples
    --------
    >>> priority_map({"Priority 1", "0", "9", "P"})
    {'0': 1, '9': 5, 'Priority 1': 1}
    """
    out = {}
    for v in sorted(values):
        m = re.search(r"\d+", v)
        if m:
            out[v] = min(5, max(1, int(m.group(0))))
    return out
