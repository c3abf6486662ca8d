"""Triage one live call with the program's compiled rule tree (the one ``classify`` uses).

The request is what a call-taker knows; :class:`Triage` turns it into the same *facts*
``classify`` builds for a stored call (type through the source's type map, priority, beat,
local time in the program's zone, premise history) and calls :meth:`RuleTree.evaluate`. It owns
no rules. Yes/no answers reach the rules through the program's word flags: a "yes" to weapon,
violence or injury adds that flag's first word to the text the rules read, exactly as if the
call-taker had typed it; intoxication and suicidal are recorded, and change the decision only
through the type the call-taker chose (the program has no flag for them).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from ..taxonomy import UNKNOWN
from .premises import PremiseIndex, premise_key

FLAG_ANSWERS = ("weapon", "violence", "injury")
DEFAULT_NAMES = {"police": "Police", "ems": "EMS", "fire": "Fire"}


class FieldError(ValueError):
    """A request value the service cannot use; becomes a 422 naming ``field``."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Location(_Strict):
    beat: str | None = Field(None, max_length=32, description="Police beat, if the call-taker's screen shows it.")
    latitude: float | None = Field(None, ge=-90, le=90, description="WGS84; with longitude, gives the beat and the premise.")
    longitude: float | None = Field(None, ge=-180, le=180)
    address: str | None = Field(None, max_length=200, description="Block-level address (e.g. '100 BLOCK MAIN ST'): the premise key.")


class Answers(_Strict):
    weapon: bool | None = None
    violence: bool | None = Field(None, description="Violence toward others.")
    injury: bool | None = None
    intoxication: bool | None = None
    suicidal: bool | None = None


class TriageRequest(_Strict):
    """A call as the call-taker knows it."""

    type_code: str | None = Field(None, max_length=100, description="The source's type code (through its type map).")
    type_desc: str | None = Field(None, max_length=200, description="The source's type description / nature.")
    priority: int | None = Field(None, ge=1, le=5, description="Normalised priority, 1 most urgent.")
    location: Location = Field(default_factory=Location)  # a factory: a default instance would be deep-copied per request
    received_at: AwareDatetime | None = Field(None, description="With a zone or offset; default now.")
    answers: Answers = Field(default_factory=Answers)
    narrative: str | None = Field(None, max_length=4000, description="Free text; stored encrypted, never logged.")
    call_id: str | None = Field(None, max_length=200, description="The CAD's own id, to link records.")


class OutcomeRequest(_Strict):
    """What was actually sent, and why a care-eligible call did not get a care team."""

    sent: Literal["recommended_team", "police", "co_response", "none"]
    reason: Literal["out_of_hours", "out_of_area", "no_team_available", "excluded_by_call_taker",
                    "caller_declined", "other"] | None = None
    reason_text: str | None = Field(None, max_length=1000, description="Required with reason 'other'; stored encrypted.")
    backup_requested: bool | None = None
    onscene_at: AwareDatetime | None = None
    cleared_at: AwareDatetime | None = None


class Triage:
    """The program, its compiled tree, the type map, beats and premise index, ready for calls."""

    def __init__(self, program, tree, typemap, *, beats=None, premises=None):
        self.program = program
        self.tree = tree
        self.evaluate = tree.evaluator
        self.typemap = typemap
        self.beats = beats
        self.premises = premises if premises is not None else PremiseIndex()
        self.tz = ZoneInfo(program.timezone)
        self.flag_words = {f: program.keywords[f][0] for f in FLAG_ANSWERS if program.keywords.get(f)}
        self.names = {r.id: r.name or r.id for r in program.responses}
        self.display = {**DEFAULT_NAMES, **self.names}
        self._spans = {r.id: [(p.start, p.end) for p in r.periods] for r in tree.responses}
        # The output's key names, built once (the hot path only looks them up).
        self._keys = [(r.id, self.names[r.id], f"eligible_{r.id}", f"eligible_rule_{r.id}", f"in_area_{r.id}", f"in_hours_{r.id}")
                      for r in tree.responses]
        self._route = [(r, f"eligible_{r}") for r in tree.route_order]
        self._program_doc = {"id": program.id, "version": program.version, "as_of": tree.as_of.isoformat() if tree.as_of else None}
        self._beat_ids = {b for b in beats.beat if b is not None} if beats is not None else None
        if beats is not None:
            import shapely

            x0, y0, x1, y1 = shapely.total_bounds(beats.geometries)
            m = 0.01  # ~1 km: a call on the city line is still in the city
            self._bounds = (x0 - m, y0 - m, x1 + m, y1 + m)

    def facts(self, req: TriageRequest, now: dt.datetime) -> tuple[dict, dict]:
        """The rule tree's facts for a request, and what the service derived on the way.

        Raises
        ------
        FieldError
            Unknown type, unknown beat, coordinates outside the city.
        """
        if req.type_code is None and req.type_desc is None:
            raise FieldError("type_code", "give type_code or type_desc (the call type as the CAD knows it)")
        ctype, type_rule = self.typemap.map_one(req.type_code, req.type_desc)
        if ctype == UNKNOWN:
            field = "type_code" if req.type_code is not None else "type_desc"
            value = req.type_code if req.type_code is not None else req.type_desc
            raise FieldError(field, f"{value!r} is not in the {self.typemap.source} type map")
        beat, beat_from = self._beat(req.location)
        local = (req.received_at or now).astimezone(self.tz).replace(tzinfo=None)
        key = _premise_key(req.location)
        pv, pf = self.premises.counts(key, local)
        extra = [self.flag_words[f] for f in self.flag_words if getattr(req.answers, f)]
        narrative = " ".join([req.narrative or "", *extra]).strip() or None
        facts = {
            "canonical_type": ctype, "category": self.typemap.taxonomy.category(ctype), "priority": req.priority,
            "type_desc": req.type_desc, "narrative": narrative, "premise_violence": pv, "premise_force": pf,
            "beat": beat, "received_date": local.date(), "received_local": local,
        }
        return facts, {"type_rule": type_rule, "beat_from": beat_from, "premise_key_known": key is not None}

    def _beat(self, loc: Location) -> tuple[str | None, str | None]:
        has_point = loc.latitude is not None or loc.longitude is not None
        if has_point and (loc.latitude is None or loc.longitude is None):
            missing = "location.longitude" if loc.longitude is None else "location.latitude"
            raise FieldError(missing, "give latitude and longitude together")
        if has_point and self.beats is not None:
            x0, y0, x1, y1 = self._bounds
            if not (x0 <= loc.longitude <= x1 and y0 <= loc.latitude <= y1):
                raise FieldError("location.latitude", f"({loc.latitude}, {loc.longitude}) is outside the city's beats "
                                 f"(longitude {x0:.3f}..{x1:.3f}, latitude {y0:.3f}..{y1:.3f})")
        if loc.beat is not None:
            beat = loc.beat.strip()
            if self._beat_ids is not None and beat not in self._beat_ids:
                raise FieldError("location.beat", f"{beat!r} is not a beat in {self.beats.path.name}")
            return beat, "given"
        if has_point and self.beats is not None:
            found, _ = self.beats.assign([loc.longitude], [loc.latitude])
            return found[0], ("coordinates" if found[0] is not None else None)
        return None, None

    def decide(self, req: TriageRequest, now: dt.datetime) -> dict:
        """The recommendation document for one request (without the decision id)."""
        facts, derived = self.facts(req, now)
        out = self.evaluate(facts)
        return self.document(facts, derived, out)

    def document(self, facts: dict, derived: dict, out: dict) -> dict:
        responses = [{"id": rid, "name": name, "eligible": out[e], "eligible_rule": out[er], "in_area": out[ia], "in_hours": out[ih]}
                     for rid, name, e, er, ia, ih in self._keys]
        first = next((r for r, e in self._route if out[e]), None)
        rec = out["recommended_response"]
        fallback = None
        if first is not None and rec != first:
            fallback = {"from": first, "to": rec, "rule": out["recommended_rule"], "why": self._why(out, first, facts)}
        return {
            "recommended_response": rec,
            "recommended_name": self.display.get(rec, rec),
            "recommended_rule": out["recommended_rule"],
            "eligible": out["eligible"],
            "risk": {"level": out["risk_level"], "rule": out["risk_rule"]},
            "responses": responses,
            "fallback": fallback,
            "call": {"canonical_type": facts["canonical_type"], "category": facts["category"], "type_rule": derived["type_rule"],
                     "beat": facts["beat"], "beat_from": derived["beat_from"], "received_local": facts["received_local"].isoformat(),
                     "premise_violence": facts["premise_violence"], "premise_force": facts["premise_force"]},
            "program": dict(self._program_doc),
        }


    def _why(self, out: dict, first: str, facts: dict) -> str:
        # The output says whether the first eligible response was in area and hours; a date
        # outside all its periods shows as both False, so look at the periods to tell them apart.
        ia, ih = out[f"in_area_{first}"], out[f"in_hours_{first}"]
        on = self.tree.as_of or facts["received_date"]
        operating = any((a is None or a <= on) and (b is None or on <= b) for a, b in self._spans[first])
        if not operating:
            return f"{self.names[first]} is not operating on {on.isoformat()}"
        if ia is None:
            return f"{self.names[first]}: the beat is unknown"
        if not ia:
            return f"{self.names[first]}: beat {facts['beat']} is outside its service area"
        if ih is None:
            return f"{self.names[first]}: the time is unknown"
        return f"{self.names[first]}: {facts['received_local']:%a %H:%M} is outside its hours"


def _premise_key(loc: Location) -> str | None:
    return premise_key(loc.address, loc.latitude, loc.longitude)
