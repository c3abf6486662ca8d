"""`altresponse check` (cli/check.py): every config kind we ship, told by its keys or --kind;
service-area beats against what is known; user input is exit 2 with one line, I/O exit 3.
Each test is named for its issue item (issue 8 "new city", issue 15 "hostile files")."""

from __future__ import annotations

import json

import pytest
from paths import REPO
from test_config import PROGRAM
from typer.testing import CliRunner

from altresponse.cli import app

SRC = REPO / "src" / "altresponse"
CONFIGS = sorted((REPO / "programs").glob("*.yaml"))


def _kind(path):
    from altresponse.check import detect_kind
    from altresponse.config import read_yaml

    return detect_kind(read_yaml(path)[0], str(path))


# programs/ holds program files and, beside a program, the data files it uses (offense lists)
PROGRAMS = [p for p in CONFIGS if _kind(p) == "program"]
OFFENSE_LISTS = [p for p in CONFIGS if _kind(p) == "offense_lists"]


def check(*args) -> tuple[int, list[str]]:
    res = CliRunner().invoke(app, ["check", *map(str, args)])
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    return res.exit_code, res.output.strip().splitlines()


def write(tmp_path, text, name="c.yaml"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


@pytest.mark.parametrize(
    ("path", "kind"),
    [*((p, "program") for p in PROGRAMS),
     *((p, "offense_lists") for p in OFFENSE_LISTS),
     *((p, "adapter") for p in sorted((SRC / "adapters").glob("*.yaml"))),
     *((p, "typemap") for p in sorted((SRC / "typemaps").glob("*.yaml"))),
     (SRC / "data" / "taxonomy.yaml", "taxonomy")],
    ids=lambda v: getattr(v, "name", v),
)
def test_item12_every_shipped_config_is_valid_as_its_kind(path, kind):
    res = CliRunner().invoke(app, ["check", str(path), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["kind"] == kind and doc["valid"] is True


def test_item12_typemap_is_not_checked_as_a_program(tmp_path):
    path = write(tmp_path, "source: t\ndescription: d\nexact:\n  CRISIS: EDP\npatterns:\n  - {id: X, regex: 'ZZ', type: MNTL}\n")
    code, out = check(path)
    assert (code, out) == (0, [f"{path}: valid typemap t"])
    code, out = check(path, "--kind", "program")  # forced: judged as a program, one line per problem
    assert code == 2 and all(line.removeprefix("error: ").startswith(f"{path} line") for line in out)
    code, out = check(path, "--kind", "van")
    assert (code, out) == (2, ["error: --kind 'van': use one of program, adapter, typemap, taxonomy, offense_lists"])


def test_item12_keys_of_no_kind_ask_for_kind(tmp_path):
    path = write(tmp_path, "id: x\nname: y\n")
    code, out = check(path)
    assert (code, out) == (2, [f"error: {path} line 1: cannot tell which kind of config this is (keys: id, name); "
                                "pass --kind program|adapter|typemap|taxonomy|offense_lists"])
    code, out = check(write(tmp_path, "- a\n- b\n"))
    assert code == 2 and out[0].endswith("this one is a list, not a mapping of keys")


def test_item13_numeric_key_exit2_quote_it(tmp_path):
    path = write(tmp_path, "source: t\ndescription: d\nexact:\n  415: MNTL\n")
    code, out = check(path)
    assert (code, out) == (2, [f'error: {path} line 4, exact.415: the key 415 is read by YAML as a number, not text: quote it ("415")'])


def test_item14_impossible_date_and_non_utf8_exit2_with_file_and_line(tmp_path):
    path = write(tmp_path, PROGRAM.replace("2022-01-01", "2022-06-31"))
    assert check(path) == (2, [f"error: {path} line 13, responses[0].periods[0].start: 2022-06-31 is not a real date (day is out of range for month)"])
    path = write(tmp_path, PROGRAM.replace("name: Team", "name: \xc9quipe").encode("latin-1"))
    assert check(path) == (2, [f"error: {path} line 7: not a text YAML file (byte 0xc9 is not UTF-8; save the file as UTF-8)"])


def test_item15_7_binary_utf16_latin1_gzip_random(tmp_path):
    import gzip
    import random

    rng = random.Random(7)
    files = {
        "bin.yaml": bytes(range(256)),
        "gz.yaml": gzip.compress(PROGRAM.encode()),
        "latin1.yaml": "id: caf\xe9\n".encode("latin-1"),
        "random.yaml": bytes(rng.randrange(256) for _ in range(10_000)),
    }
    for name, raw in files.items():
        code, out = check(write(tmp_path, raw, name))
        assert code == 2 and len(out) == 1 and "not a text YAML file" in out[0], (name, out)
    utf16 = write(tmp_path, b"\xff\xfe" + PROGRAM.encode("utf-16-le"), "u16.yaml")
    assert check(utf16) == (0, [f"{utf16}: valid program tiny 1.10"])


def test_item15_9_unreadable_one_line_exit3(tmp_path):
    assert check(tmp_path) == (3, [f"error: {tmp_path}: cannot read (a directory)"])
    assert check("/dev/null") == (3, ["error: /dev/null: cannot read (not a regular file)"])
    assert check(tmp_path / "absent.yaml") == (2, [f"error: {tmp_path / 'absent.yaml'}: no such config file"])


def test_item15_10_bomb_in_eligible_types_one_line(tmp_path):
    from test_config import billion_laughs

    path = write(tmp_path, billion_laughs(9) + PROGRAM.replace("eligible_types: [WELFARE]", "eligible_types: *l8"))
    code, out = check(path)
    assert code == 2 and len(out) == 1 and "values, counting each alias as the values it repeats" in out[0]


# --- issue 8 item 16: beats ------------------------------------------------------------------

DURHAM = REPO / "programs" / "durham-heart.yaml"


def typo_program(tmp_path):
    text = DURHAM.read_text(encoding="utf-8")
    assert text.count('["111", "112"') == 3
    return write(tmp_path, text.replace('["111", "112"', '["1114", "112"', 1), "typo.yaml")


def test_item16_smallest_mistyped_beat_warned(tmp_path):
    path = write(tmp_path, PROGRAM.replace("service_area: citywide", 'service_area: ["111", "112", "113", "1114"]'))
    assert check(path) == (0, [
        f'{path} line 14, responses[0].periods[0].service_area[3]: warning: beat "1114" does not look like the other beats '
        """(most are like "999"); a typo? (pass --beats or --store to check beats against the city's)""",
        f"{path}: valid program tiny 1.10",
    ])
    mixed = write(tmp_path, PROGRAM.replace("service_area: citywide", 'service_area: ["A1", "B2", "311", "4"]'), "m.yaml")
    assert check(mixed)[1] == [f"{mixed}: valid program tiny 1.10"]  # no common shape: nothing to compare with


def test_item16_mistyped_beat_warned_without_beats(tmp_path):
    path = typo_program(tmp_path)
    code, out = check(path)
    assert code == 0 and out[0].startswith(f"{path} line 98, responses[1].periods[0].service_area[0]: warning: beat \"1114\" "
                                           'does not look like the other beats (most are like "999")')
    assert check(path, "--strict")[0] == 1
    assert check(DURHAM, "--strict") == (0, [f"{DURHAM}: valid program durham-heart 2023.10"])


def test_item16_mistyped_beat_is_an_error_against_beats_geojson(tmp_path, real_dir):
    geojson = real_dir / "durham" / "durham_police_beats_dissolved.geojson"
    code, out = check(typo_program(tmp_path), "--beats", geojson, "--adapter", "durham")
    assert code == 2 and 'line 98, responses[1].periods[0].service_area[0]: beat "1114" does not exist in the known beats' in out[0]
    assert check(DURHAM, "--beats", geojson)[0] == 0


@pytest.fixture(scope="module")
def small_durham_store(real_dir, tmp_path_factory):
    """The first 300 calls of the real Durham export, ingested with and without the beats GeoJSON."""
    from altresponse.ingest import ingest

    src = real_dir / "durham" / "durham_dpd_cfs_2021_heart_beats_community_safety_types.csv"
    base = tmp_path_factory.mktemp("checkstore")
    csv = base / "calls.csv"
    csv.write_text("\n".join(src.read_text(encoding="utf-8").splitlines()[:301]) + "\n", encoding="utf-8")
    plain, with_geo = base / "plain", base / "geo"
    ingest(csv, "durham", plain)
    ingest(csv, "durham", with_geo, beats=real_dir / "durham" / "durham_police_beats_dissolved.geojson")
    return plain, with_geo, csv


def test_item16_store_calls_warn_and_store_geojson_rejects(tmp_path, small_durham_store):
    import pandas as pd

    plain, with_geo, csv = small_durham_store
    seen = set(pd.read_csv(csv, dtype=str)["Beat"].dropna())  # the beats of the calls, from the raw file
    assert "1114" not in seen and "111" in seen
    code, out = check(typo_program(tmp_path), "--store", plain)
    assert code == 0 and out[0].endswith(f'warning: beat "1114" matches no call in store {plain} ({len(seen)} beats seen); a typo?')
    code, out = check(typo_program(tmp_path), "--store", with_geo)
    assert code == 2 and 'beat "1114" does not exist in the known beats' in out[0]


@pytest.mark.parametrize(
    ("old", "new", "line", "key"),
    [
        ("planned_response: crt", "# deleted", 16, "planned_response"),  # deleted key: the line of the first key
        ("timezone: America/New_York", "time_zone: America/New_York", 19, "time_zone"),  # renamed key
        ("teams_per_shift: 1        # ASSUMPTION: staffing per shift not published", "teams_per_shift: [1]", 68, "responses[0].periods[0].teams_per_shift"),
        ("teams_per_shift: 1        # ASSUMPTION: staffing per shift not published", "teams_per_shift: 1e999", 68, "responses[0].periods[0].teams_per_shift"),
        ("  - id: crt\n", "  - id: crt\n    id: équipe\n", 78, "responses[1].id"),  # repeated key, unicode id
        ("kind: field_team", "kind: !!python/name:os.system", 79, "responses[1].kind"),
    ],
)
def test_item15_held_shipped_program_edits_give_file_line_key(tmp_path, old, new, line, key):
    text = DURHAM.read_text(encoding="utf-8")
    assert old in text
    path = write(tmp_path, text.replace(old, new, 1))
    code, out = check(path)
    assert code == 2, out
    assert any(o.removeprefix("error: ").startswith(f"{path} line {line}, {key}: ") for o in out), out


def test_item15_real_process_one_line_no_traceback(tmp_path):
    """The real entry point (not typer's runner): stderr is one line, stdout empty, exit 2."""
    import subprocess
    import sys

    from test_config import billion_laughs

    files = [write(tmp_path, billion_laughs(9), "bomb.yaml"), write(tmp_path, "a: &r [*r]\n", "loop.yaml"),
             write(tmp_path, "a: " + "[" * 5000 + "]" * 5000 + "\n", "deep.yaml"), write(tmp_path, bytes(range(256)), "bin.yaml")]
    code = "import sys; from altresponse.cli import main; sys.argv[0] = 'altresponse'; main()"
    for path in files:
        res = subprocess.run([sys.executable, "-c", code, "check", str(path)], capture_output=True, text=True, timeout=60)
        assert res.returncode == 2 and res.stdout == "", (path.name, res)
        assert len(res.stderr.strip().splitlines()) == 1 and res.stderr.startswith(f"error: {path}"), (path.name, res.stderr)


def test_item16_beats_geojson_without_beat_ids_is_refused_not_empty(tmp_path):
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    geojson = write(tmp_path, json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"DISTRICT": "D1"}, "geometry": square}]}), "districts.geojson")
    code, out = check(DURHAM, "--beats", geojson)
    assert (code, out) == (2, [f"error: {geojson}: no feature has a beat id (property LAWBEAT, BEAT, ...); cannot check service areas"])


def test_item15_rich_markup_in_a_message_is_printed_as_text(tmp_path):
    path = write(tmp_path, PROGRAM.replace("kind: field_team", "kind: '[/x] [bold]'"))
    code, out = check(path)
    assert (code, out) == (2, [f"error: {path} line 8, responses[0].kind: '[/x] [bold]': input should be "
                                "'phone', 'field_team', 'co_response' or 'follow_up'"])
