"""Small stand-ins shared by test_plan.py and test_simulate.py.

``FakeProgram`` mimics the documented ``altresponse.program`` API (planned_response,
response(id).period_at(date), with_area_and_hours, to_yaml) so the planning modules can be
tested on hand-made classified tables independently of program.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import yaml


@dataclass(frozen=True)
class FakePeriod:
    service_area: list[str] | None
    hours: dict | None
    teams_per_shift: int


@dataclass
class FakeResponse:
    period: FakePeriod

    def period_at(self, when):  # noqa: ARG002 - one period for every date
        return self.period


@dataclass
class FakeProgram:
    period: FakePeriod
    planned_response: str = "team"
    written: dict = field(default_factory=dict)
    id: str = "fake"

    def response(self, rid):
        if rid != self.planned_response:
            raise KeyError(rid)
        return FakeResponse(self.period)

    def with_area_and_hours(self, response_id, beats, hours, teams_per_shift):
        assert response_id == self.planned_response
        return FakeProgram(replace(self.period, service_area=beats, hours=hours, teams_per_shift=teams_per_shift), response_id)

    def renamed(self, new_id):
        return replace(self, id=new_id)

    def to_yaml(self, path):
        doc = {
            "id": self.id,
            "planned_response": self.planned_response,
            "service_area": self.period.service_area,
            "hours": {int(d): [list(w) for w in ws] for d, ws in (self.period.hours or {}).items()},
            "teams_per_shift": self.period.teams_per_shift,
        }
        with open(path, "w") as fh:
            yaml.safe_dump(doc, fh)


def all_week(start_min=0, end_min=1440):
    return {d: [(start_min, end_min)] for d in range(7)}


def classified_frame(received_local, beats, *, types=None, lat=None, lon=None, rid="team", **extra):
    """A classified-table stand-in with the columns plan/simulate read."""
    received = pd.to_datetime(pd.Series(received_local))
    n = len(received)
    frame = pd.DataFrame(
        {
            "received_local": received,
            "received_date": received.dt.date,
            "beat": [str(b) for b in beats],
            "canonical_type": types if types is not None else ["WELFARE"] * n,
            "latitude": lat if lat is not None else np.full(n, np.nan),
            "longitude": lon if lon is not None else np.full(n, np.nan),
            "dispatched_at": pd.Series([pd.NaT] * n, dtype="datetime64[us, UTC]"),
            "onscene_at": pd.Series([pd.NaT] * n, dtype="datetime64[us, UTC]"),
            "cleared_at": pd.Series([pd.NaT] * n, dtype="datetime64[us, UTC]"),
            f"eligible_{rid}": [True] * n,
        }
    )
    for k, v in extra.items():
        frame[k] = v
    return frame
