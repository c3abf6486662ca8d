"""Program files: loading, the planner's API, round trips, and adversarial files rejected clearly."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest

from altresponse.errors import ProgramError
from altresponse.program import known_beats_from_geojson, load_program, parse_hours

REPO = Path(__file__).resolve().parents[1]
DURHAM = REPO / "programs" / "durham-heart.yaml"
DENVER = REPO / "programs" / "denver-star.yaml"
PILOT_BEATS = ["111", "112", "113", "114", "122", "214", "223", "411", "413", "511", "512", "513"]

GOOD = """\
id: tiny
version: "1"
timezone: America/New_York
planned_response: team
responses:
  - id: team
    name: Team
    kind: field_team
    eligible_types: [MNTL, WELFARE]
    exclusions:
      - {id: team.weapon, words: [weapon]}
    fallback: police
    periods:
      - id: p1
        start: 2022-01-01
        end: 2022-12-31
        service_area: ["111", "112"]
        hours: {weekdays: "09:00-17:00"}
        teams_per_shift: 1
      - id: p2
        start: 2023-01-01
        service_area: citywide
        hours: always
        teams_per_shift: 2
"""


def write(tmp_path: Path, text: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(path: Path, **kw) -> list[str]:
    with pytest.raises(ProgramError) as info:
        load_program(path, **kw)
    return str(info.value).splitlines()


@pytest.fixture(scope="module")
def durham_beats(real_dir) -> set[str]:
    return known_beats_from_geojson(real_dir / "durham" / "durham_police_beats_dissolved.geojson")


def test_durham_program_api(durham_beats):
    prog = load_program(DURHAM, known_beats=durham_beats)
    assert (prog.id, prog.timezone, prog.planned_response) == ("durham-heart", "America/New_York", "crt")
    assert [r.id for r in prog.responses] == ["ccd", "crt", "co_response", "care_nav"]
    assert {r.kind for r in prog.responses} == {"phone", "field_team", "co_response", "follow_up"}
    crt = prog.response("crt")
    pilot = crt.period_at(dt.date(2022, 7, 1))
    assert pilot.service_area == PILOT_BEATS
    assert pilot.hours[0] == [(9 * 60, 17 * 60)] and pilot.hours[5] == []
    later = crt.period_at(dt.date(2023, 10, 23))
    assert later.service_area is None  # citywide
    assert all(sum(e - s for s, e in later.hours[d]) == 12 * 60 for d in range(7))
    assert crt.period_at(dt.date(2021, 5, 1), strict=False) is None
    with pytest.raises(ProgramError, match="no period in effect on 2021-05-01"):
        crt.period_at(dt.date(2021, 5, 1))
    with pytest.raises(ProgramError, match="no response 'nope'"):
        prog.response("nope")


def test_denver_program_loads():
    prog = load_program(DENVER)
    assert prog.planned_response == "star" and prog.timezone == "America/Denver"


def test_round_trip_and_with_area_and_hours(tmp_path):
    prog = load_program(DURHAM)
    assert load_program(prog.to_yaml(tmp_path / "same.yaml")) == prog
    plan = prog.with_area_and_hours("crt", ["111", "112"], {0: [(480, 1200)], 5: [(600, 660)]}, 3, effective=dt.date(2024, 1, 1))
    periods = plan.response("crt").periods
    assert [p.id for p in periods] == ["pilot", "citywide", "from_2024-01-01"]
    assert periods[1].end == dt.date(2023, 12, 31)
    new = plan.response("crt").period_at(dt.date(2024, 6, 1))
    assert (new.service_area, new.hours[0], new.hours[5], new.teams_per_shift) == (["111", "112"], [(480, 1200)], [(600, 660)], 3)
    assert load_program(plan.to_yaml(tmp_path / "plan.yaml")) == plan
    everywhere = prog.with_area_and_hours("crt", None, "always", 4)
    only = everywhere.response("crt").periods
    assert len(only) == 1 and only[0].covers(dt.date(1999, 1, 1)) and only[0].service_area is None
    assert prog.response("crt").period_at(dt.date(2022, 7, 1)).teams_per_shift == 2  # original untouched


def test_hours_forms():
    assert parse_hours({"weekdays": "22:00-02:00"})[5] == [(0, 120)]  # Friday night runs into Saturday
    assert parse_hours({"daily": ["00:00-06:00", "18:00-24:00"]})[3] == [(0, 360), (1080, 1440)]
    assert parse_hours("always")[6] == [(0, 1440)]


def test_good_file_loads(tmp_path):
    prog = load_program(write(tmp_path, GOOD), known_beats={"111", "112"})
    assert prog.response("team").period_at(dt.date(2023, 5, 5)).teams_per_shift == 2


def test_bad_time_reports_file_line_and_key(tmp_path):
    path = write(tmp_path, GOOD.replace('"09:00-17:00"', '"09:00-25:00"'))
    assert problems(path) == [f'{path} line 18, responses[0].periods[0].hours: weekdays: "25:00" is not HH:MM']


def test_unknown_canonical_type(tmp_path):
    path = write(tmp_path, GOOD.replace("[MNTL, WELFARE]", "[MNTL, WELLFARE]"))
    assert problems(path) == [f'{path} line 9, responses[0].eligible_types[1]: "WELLFARE" is not a canonical type']


def test_overlapping_hours(tmp_path):
    path = write(tmp_path, GOOD.replace('{weekdays: "09:00-17:00"}', '{weekdays: "09:00-17:00", fri: "16:00-20:00"}'))
    (line,) = problems(path)
    assert line.startswith(f"{path} line 18, responses[0].periods[0].hours: ")
    assert 'weekdays "09:00-17:00" overlaps fri "16:00-20:00" on fri' in line


def test_overlapping_periods(tmp_path):
    path = write(tmp_path, GOOD.replace("start: 2023-01-01", "start: 2022-12-01"))
    assert problems(path) == [
        f'{path} line 21, responses[0].periods[1].start: period "p2" (from 2022-12-01) overlaps period "p1" (until 2022-12-31)'
    ]


def test_beats_that_do_not_exist(tmp_path, durham_beats):
    path = write(tmp_path, GOOD.replace('["111", "112"]', '["111", "999"]'))
    (line,) = problems(path, known_beats=durham_beats)
    assert line == f'{path} line 17, responses[0].periods[0].service_area[1]: beat "999" does not exist in the known beats (35 beats)'


def test_response_without_fallback(tmp_path):
    path = write(tmp_path, GOOD.replace("    fallback: police\n", ""))
    assert problems(path) == [f'{path} line 6, responses[0]: response "team" has no fallback; name a response or one of police, ems, fire']


def test_fallback_cycle_and_unknown_fallback(tmp_path):
    second = """\
  - id: other
    name: Other
    kind: phone
    eligible_types: [MNTL]
    fallback: team
    periods:
      - {id: p, start: 2022-01-01, service_area: citywide, hours: always, teams_per_shift: 1}
"""
    path = write(tmp_path, GOOD.replace("fallback: police", "fallback: other") + second)
    assert problems(path) == [f"{path} line 12, responses[0].fallback: fallback cycle: team -> other -> team"]
    path = write(tmp_path, GOOD.replace("fallback: police", "fallback: sheriff"), "q.yaml")
    assert problems(path) == [f'{path} line 12, responses[0].fallback: "sheriff" is not a response id or one of police, ems, fire']


def test_unknown_key_and_bad_kind_and_many_problems_at_once(tmp_path):
    text = GOOD.replace("kind: field_team", "kind: van").replace("    fallback: police\n", "    fallback: police\n    colour: red\n")
    text = text.replace("planned_response: team", "planned_response: teem").replace("[MNTL, WELFARE]", "[MNTL, NOPE]")
    lines = problems(write(tmp_path, text))
    joined = "\n".join(lines)
    assert len(lines) == 4, joined
    assert "line 8, responses[0].kind: 'van': input should be 'phone', 'field_team', 'co_response' or 'follow_up'" in joined
    assert "line 13, responses[0].colour: unknown key 'colour'" in joined
    assert 'line 4, planned_response: "teem" is not a response id; use one of team' in joined
    assert 'responses[0].eligible_types[1]: "NOPE" is not a canonical type' in joined


def test_not_yaml_and_missing_file(tmp_path):
    path = write(tmp_path, "id: [unclosed\n")
    (line,) = problems(path)
    assert line.startswith(f"{path} line 2: not valid YAML")
    with pytest.raises(ProgramError, match="no such program file"):
        load_program(tmp_path / "absent.yaml")


def test_json_schema_is_current():
    from altresponse.program import json_schema

    shipped = json.loads((REPO / "docs" / "program.schema.json").read_text(encoding="utf-8"))
    assert shipped == json_schema()


def test_shipped_programs_valid_against_json_schema():
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    schema = json.loads((REPO / "docs" / "program.schema.json").read_text(encoding="utf-8"))
    for path in (DURHAM, DENVER):
        data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
        jsonschema.validate(data, schema)
