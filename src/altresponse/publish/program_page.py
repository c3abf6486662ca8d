"""The "what the program is" section, read from the program file so the page never drifts from the rules."""

from __future__ import annotations

from ..analyze.planning import describe_hours
from ..layout import esc

KINDS = {
    "field_team": "a team that goes to the person",
    "phone": "a clinician on the phone, in the 911 centre",
    "co_response": "a clinician together with a police officer",
    "follow_up": "follow-up after a response",
}


def _area(period) -> str:
    if period.service_area is None:
        return "citywide"
    beats = ", ".join(period.service_area)
    return f"{len(period.service_area)} police beats ({beats})"


def _dates(period) -> str:
    start = f"{period.start:%-d %b %Y}" if period.start else "the start"
    return f"from {start}" + (f" to {period.end:%-d %b %Y}" if period.end else " on")


def describe(program, names: dict[str, dict[str, str]]) -> str:
    """HTML: each response in plain words, where and when it works now, the calls it takes, its roll-out."""
    import datetime as dt

    type_names = names.get("canonical_type", {})
    today = dt.date.today()
    parts = [f"<p>{esc(program.name or program.id)} sends an unarmed, care-first response to some 911 calls. "
             "These are its responses, as its published rules define them:</p>"]
    for r in program.responses:
        types = ", ".join(type_names.get(t, t) for t in r.eligible_types)
        words = sorted({w for e in r.exclusions for w in (e.words or [])})
        unless = f" Not when the call mentions {' or '.join(words)}." if words else ""
        now = r.period_at(today, strict=False) or r.periods[-1]
        periods = "".join(
            f"<li>{esc(_dates(p))}: {esc(_area(p))}; {esc(describe_hours(p.hours))}</li>" for p in r.periods
        )
        parts.append(
            f"<h3>{esc(r.name)}</h3><p>{esc(KINDS.get(r.kind, r.kind.replace('_', ' ')).capitalize())}. "
            f"<strong>Where and when:</strong> {esc(_area(now))}, {esc(describe_hours(now.hours))} ({esc(_dates(now))}).</p>"
            f"<p><strong>Calls it can take:</strong> {esc(types)}.{esc(unless)}</p>"
            f"<details><summary>Roll-out of {esc(r.name)}</summary><ul>{periods}</ul></details>"
        )
    return "".join(parts)
