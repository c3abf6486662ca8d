"""The ``hours`` grammar of a program period: parse the YAML form into minute ranges and back.

``always``, ``closed``, or day keys (``mon``..``sun``, ``weekdays``, ``weekends``, ``daily``) to
``"HH:MM-HH:MM"`` ranges in the program's time zone; a range ending before it starts runs past
midnight. Parsed hours are weekday (0 = Monday) -> sorted half-open ranges of minutes of the day.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# YAML day keys -> the weekdays each covers
DAY_GROUPS = {
    "weekdays": WEEKDAYS[:5],
    "weekends": WEEKDAYS[5:],
    "daily": WEEKDAYS,
    **{d: (d,) for d in WEEKDAYS},
}
_HHMM = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")


def _parse_hhmm(text: str) -> int:
    m = _HHMM.match(text.strip())
    if not m or (m.group(1) == "24" and m.group(2) != "00"):
        msg = f'"{text.strip()}" is not HH:MM'
        raise ValueError(msg)
    return int(m.group(1)) * 60 + int(m.group(2))


def _fmt_hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def parse_hours(raw: Any) -> dict[int, list[tuple[int, int]]]:
    """Parse the YAML ``hours`` form into weekday (0=Mon) -> sorted half-open minute ranges.

    Accepted: ``always``; ``closed``; or a mapping whose keys are ``mon``..``sun``,
    ``weekdays``, ``weekends`` or ``daily`` and whose values are ``"HH:MM-HH:MM"``, a list of
    those, or ``closed``. A range ending before it starts runs past midnight into the next
    day. ``24:00`` ends a day.

    Raises
    ------
    ValueError
        Malformed times, unknown day keys and overlapping ranges (one message per problem,
        joined by ``"; "``).
    """
    if isinstance(raw, Mapping) and raw and all(isinstance(k, int) for k in raw):
        return _normalise_minute_hours(raw)
    if raw == "always":
        return {d: [(0, 1440)] for d in range(7)}
    if raw == "closed" or raw is None:
        return {d: [] for d in range(7)}
    if not isinstance(raw, Mapping):
        msg = f"{raw!r} is not 'always', 'closed' or a mapping of weekday -> \"HH:MM-HH:MM\""
        raise ValueError(msg)
    out: dict[int, list[tuple[int, int, str]]] = {d: [] for d in range(7)}
    problems: list[str] = []
    for key, value in raw.items():
        if key not in DAY_GROUPS:
            problems.append(f"{key!r} is not a day; use one of {', '.join(DAY_GROUPS)}")
            continue
        values = [value] if isinstance(value, str) or value is None else value
        if not isinstance(values, list):
            problems.append(f'{key}: {value!r} is not "HH:MM-HH:MM" or a list of those')
            continue
        for item in values:
            if item is None or item == "closed":
                continue
            if not isinstance(item, str) or item.count("-") != 1:
                problems.append(f'{key}: {item!r} is not "HH:MM-HH:MM"')
                continue
            a, b = item.split("-")
            try:
                start, end = _parse_hhmm(a), _parse_hhmm(b)
            except ValueError as exc:
                problems.append(f"{key}: {exc}")
                continue
            if start == end or start == 1440:
                problems.append(f'{key}: "{item}" is an empty range')
                continue
            for day_name in DAY_GROUPS[key]:
                d = WEEKDAYS.index(day_name)
                label = f'{key} "{item}"'
                if end > start:
                    out[d].append((start, end, label))
                else:  # runs past midnight
                    out[d].append((start, 1440, label))
                    if end > 0:
                        out[(d + 1) % 7].append((0, end, label))
    clashes: dict[tuple[str, str], list[str]] = {}
    for d, ranges in out.items():
        ranges.sort()
        for (s1, e1, l1), (s2, e2, l2) in zip(ranges, ranges[1:]):
            if s2 < e1:
                clashes.setdefault((l1, l2), []).append(WEEKDAYS[d])
    for (l1, l2), days in clashes.items():
        problems.append(f"{l1} overlaps {l2} on {', '.join(days)}")
    if problems:
        raise ValueError("; ".join(dict.fromkeys(problems)))
    return {d: _merge([(s, e) for s, e, _ in r]) for d, r in out.items()}


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(ranges):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _normalise_minute_hours(raw: Mapping) -> dict[int, list[tuple[int, int]]]:
    out: dict[int, list[tuple[int, int]]] = {d: [] for d in range(7)}
    for d, ranges in raw.items():
        if d not in range(7):
            msg = f"weekday {d!r} is not 0 (Mon) .. 6 (Sun)"
            raise ValueError(msg)
        for s, e in ranges:
            if not (0 <= s < e <= 1440):
                msg = f"{WEEKDAYS[d]}: ({s}, {e}) is not a range of minutes 0..1440 with start < end"
                raise ValueError(msg)
        merged = _merge(list(ranges))
        if sum(e - s for s, e in merged) != sum(e - s for s, e in ranges):
            msg = f"{WEEKDAYS[d]}: ranges {list(ranges)} overlap"
            raise ValueError(msg)
        out[d] = merged
    return out


def hours_to_yaml(hours: Mapping[int, list[tuple[int, int]]]) -> dict[str, Any] | str:
    """The YAML form of parsed hours (inverse of :func:`parse_hours`)."""
    if all(hours.get(d) == [(0, 1440)] for d in range(7)):
        return "always"
    if not any(hours.get(d) for d in range(7)):
        return "closed"
    return {
        WEEKDAYS[d]: [f"{_fmt_hhmm(s)}-{_fmt_hhmm(e)}" for s, e in hours[d]] if hours.get(d) else "closed"
        for d in range(7)
    }

