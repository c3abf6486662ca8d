"""The one YAML reader (config.py): one pass, lines for every key, and hostile files refused
with one line each. Each test is named for its issue item and holds the smallest file that
shows it (issue 8 "new city", issue 15 "hostile files")."""

from __future__ import annotations

import time

import pytest
from test_adapter import GOOD as ADAPTER

from altresponse.adapter import load_adapter
from altresponse.config import MAX_BYTES, MAX_DEPTH, MAX_VALUES, parse_yaml, read_yaml
from altresponse.errors import AdapterError, ConfigError, InputError, ProgramError
from altresponse.program import load_program
from altresponse.typemap import load_typemap


PROGRAM = """id: tiny
version: 1.10
timezone: America/New_York
planned_response: team
responses:
  - id: team
    name: Team
    kind: field_team
    eligible_types: [WELFARE]
    fallback: police
    periods:
      - id: p1
        start: 2022-01-01
        service_area: citywide
        hours: always
        teams_per_shift: 1
"""


def write(tmp_path, text, name="c.yaml"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def one_line(exc_info) -> str:
    msg = str(exc_info.value)
    assert "\n" not in msg, msg
    return msg


# --- issue 8 ----------------------------------------------------------------------------


def test_item8_repeated_keys_both_lines(tmp_path):
    program = write(tmp_path, PROGRAM.replace("planned_response: team\n", "planned_response: team\ntimezone: UTC\n"), "p.yaml")
    with pytest.raises(ProgramError) as info:
        load_program(program)
    assert one_line(info) == f"{program} line 5, timezone: key repeated (first at line 3); remove one"
    adapter = write(tmp_path, ADAPTER + "time_zone: UTC\n", "a.yaml")
    with pytest.raises(AdapterError) as info:
        load_adapter(adapter)
    assert one_line(info) == f"{adapter} line 9, time_zone: key repeated (first at line 2); remove one"
    typemap = write(tmp_path, "source: t\ndescription: d\nexact:\n  CRISIS: EDP\n  CRISIS: MNTL\n", "t.yaml")
    with pytest.raises(ConfigError, match=r"t\.yaml line 5, exact\.CRISIS: key repeated \(first at line 4\)"):
        load_typemap(typemap)


def test_item8_version_kept_as_written(tmp_path):
    assert load_program(write(tmp_path, PROGRAM)).version == "1.10"
    assert load_program(write(tmp_path, PROGRAM.replace("1.10", "2"))).version == "2"
    assert load_program(write(tmp_path, PROGRAM.replace("1.10", '"2023.10"'))).version == "2023.10"


def test_item8_beats_kept_as_written(tmp_path):
    path = write(tmp_path, PROGRAM.replace("service_area: citywide", "service_area: [011, 1_2, 113]"))
    assert load_program(path).responses[0].periods[0].service_area == ["011", "1_2", "113"]


# --- issue 8 item 13: values that need quoting --------------------------------------------


def test_item13_numeric_key_says_quote_it_at_the_keys_line(tmp_path):
    path = write(tmp_path, "source: t\ndescription: d\nexact:\n  CRISIS: EDP\n  415: MNTL\n", "t.yaml")
    with pytest.raises(ConfigError) as info:
        load_typemap(path)
    assert one_line(info) == 't.yaml line 5, exact.415: the key 415 is read by YAML as a number, not text: quote it ("415")'


def test_item13_null_value_says_quote_it(tmp_path):
    text = ADAPTER + "coordinates:\n  latitude: Lat\n  longitude: Lon\n  out_of_bounds: null\n"
    path = write(tmp_path, text)
    with pytest.raises(AdapterError) as info:
        load_adapter(path)
    assert one_line(info) == (
        f'{path} line 12, coordinates.out_of_bounds: the value null is read by YAML as no value (null), '
        """not text: quote it ("null"); use 'quarantine' or 'null'"""
    )


def test_item13_number_where_a_column_name_belongs(tmp_path):
    path = write(tmp_path, ADAPTER.replace("type_desc: Nature", "type_desc: Nature\n  beat: 123"))
    with pytest.raises(AdapterError) as info:
        load_adapter(path)
    assert one_line(info) == f'{path} line 5, fields.beat[0]: the value 123 is read by YAML as a number, not text: quote it ("123")'


# --- issue 8 item 14: impossible dates, not UTF-8 -------------------------------------------


def test_item14_impossible_date_names_file_and_line(tmp_path):
    path = write(tmp_path, PROGRAM.replace("2022-01-01", "2022-06-31"))
    with pytest.raises(ProgramError) as info:
        load_program(path)
    assert one_line(info) == f"{path} line 13, responses[0].periods[0].start: 2022-06-31 is not a real date (day is out of range for month)"


def test_item14_latin1_file_names_file_and_line(tmp_path):
    path = write(tmp_path, "name: x\ndescription: caf\xe9\n".encode("latin-1"))
    with pytest.raises(AdapterError) as info:
        load_adapter(path)
    assert one_line(info) == f"{path} line 2: not a text YAML file (byte 0xe9 is not UTF-8; save the file as UTF-8)"


# --- issue 15 item 7: not text ------------------------------------------------------------


def test_item15_7_binary_file_not_text_yaml(tmp_path):
    import gzip

    for name, raw in [("bin.yaml", bytes(range(256))), ("gz.yaml", gzip.compress(b"a: 1\n")), ("nul.yaml", b"a: 1\x00\n")]:
        with pytest.raises(ConfigError, match=rf"{name} line 1: not a text YAML file"):
            read_yaml(write(tmp_path, raw, name))


def test_item15_7_utf16_with_bom_is_read(tmp_path):
    for codec in ("utf-16-le", "utf-16-be"):
        bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
        data, lines = read_yaml(write(tmp_path, bom + "a: é\nb: [1]\n".encode(codec)))
        assert data == {"a": "é", "b": [1]} and lines[("b", 0)] == 2
    assert read_yaml(write(tmp_path, b"\xef\xbb\xbfa: 1\n"))[0] == {"a": 1}


# --- issue 15 item 8: recursion and unhashable values -------------------------------------


def test_item15_8_deep_nesting_one_line(tmp_path):
    path = write(tmp_path, "a: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ConfigError) as info:
        read_yaml(path)
    assert one_line(info) == f"{path} line 1: nested more than {MAX_DEPTH} levels deep; a config file is shallow"
    deep_ok = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"  # the document mapping is a level
    parse_yaml(deep_ok, shown="x")


def test_item15_8_self_referencing_alias_one_line(tmp_path):
    path = write(tmp_path, "a: &r [*r]\n")
    with pytest.raises(ConfigError) as info:
        read_yaml(path)
    assert one_line(info) == f"{path} line 1, a[0]: alias *r is inside the anchor &r it names (a loop)"


def test_item15_8_mapping_where_a_type_id_belongs(tmp_path):
    path = write(tmp_path, PROGRAM.replace("eligible_types: [WELFARE]", "eligible_types: [{a: 1}]"))
    with pytest.raises(ProgramError) as info:
        load_program(path)
    assert one_line(info) == f"{path} line 9, responses[0].eligible_types[0]: Input should be a valid string"
    path = write(tmp_path, PROGRAM.replace("fallback: police", "fallback: {a: 1}"))
    with pytest.raises(ProgramError, match=r"line 10, responses\[0\]\.fallback: Input should be a valid string"):
        load_program(path)
    path = write(tmp_path, "source: t\ndescription: d\nexact:\n  CRISIS: {a: 1}\n", "t.yaml")
    with pytest.raises(ConfigError, match=r"t\.yaml line 4, exact\.CRISIS: Input should be a valid string"):
        load_typemap(path)
    with pytest.raises(ConfigError, match=r"x line 1: a key must be a plain value"):
        parse_yaml("? {a: 1}\n: b\n", shown="x")


# --- issue 15 item 9: unreadable ----------------------------------------------------------


def test_item15_9_unreadable_file_one_line_exit3(tmp_path, monkeypatch):
    with pytest.raises(InputError, match=r"cannot read \(a directory\)$"):
        read_yaml(tmp_path)
    path = write(tmp_path, "a: 1\n")

    def denied(self, *a, **k):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(type(path), "open", denied)
    with pytest.raises(InputError) as info:
        read_yaml(path)
    assert str(info.value) == f"{path}: cannot read (Permission denied)" and info.value.exit_code == 3


# --- issue 15 item 10: alias bombs and huge files --------------------------------------------


def billion_laughs(levels: int, *, inside: str = "") -> str:
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n" + inside


def test_item15_10_alias_bomb_refused_fast(tmp_path):
    for levels in (8, 9):
        path = write(tmp_path, billion_laughs(levels))
        start = time.perf_counter()
        with pytest.raises(ConfigError) as info:
            read_yaml(path)
        assert time.perf_counter() - start < 2
        assert f"more than {MAX_VALUES:,} values, counting each alias as the values it repeats" in one_line(info)
    bomb = PROGRAM.replace("eligible_types: [WELFARE]", "eligible_types: *l8")
    path = write(tmp_path, billion_laughs(9) + bomb.replace("id: tiny\n", "id: tiny\n", 1))
    start = time.perf_counter()
    with pytest.raises(ProgramError, match="counting each alias as the values it repeats"):
        load_program(path)
    assert time.perf_counter() - start < 2


def test_item15_10_huge_file_refused_before_reading(tmp_path):
    path = tmp_path / "big.yaml"
    with path.open("wb") as fh:  # 50 MB, sparse: the size alone refuses it
        fh.truncate(50_000_000)
    start = time.perf_counter()
    with pytest.raises(ConfigError) as info:
        read_yaml(path)
    assert time.perf_counter() - start < 2
    assert one_line(info) == f"{path}: 50,000,000 bytes is too large for a config file (at most {MAX_BYTES:,}); is it a data file?"
    comments = "# a comment line that is long enough\n" * (MAX_BYTES // 37 + 1)
    with pytest.raises(ConfigError, match="too large for a config file"):
        read_yaml(write(tmp_path, comments))


def test_item15_10_long_list_refused_fast_and_long_comments_read_fast(tmp_path):
    long_list = "k: [" + ", ".join(["1"] * (MAX_BYTES // 3 - 10)) + "]\n"  # just under the size limit
    start = time.perf_counter()
    with pytest.raises(ConfigError, match=f"line 1: more than {MAX_VALUES:,} values"):
        read_yaml(write(tmp_path, long_list))
    assert time.perf_counter() - start < 2
    comments = "a: 1\n" + "# a comment line that is long enough\n" * (MAX_BYTES // 37 - 10)
    start = time.perf_counter()
    assert read_yaml(write(tmp_path, comments))[0] == {"a": 1}
    assert time.perf_counter() - start < 2


# --- what held: still FILE line N, key: message ----------------------------------------------


def test_held_tags_huge_numbers_unicode_ids(tmp_path):
    path = write(tmp_path, PROGRAM.replace("kind: field_team", "kind: !!python/object:os.system x"))
    with pytest.raises(ProgramError) as info:
        load_program(path)
    assert one_line(info) == f"{path} line 8, responses[0].kind: tag !!python/object:os.system is not allowed in a config file (write plain values)"
    path = write(tmp_path, PROGRAM.replace("teams_per_shift: 1", "teams_per_shift: 1e309"))
    with pytest.raises(ProgramError, match=r"line 16, responses\[0\]\.periods\[0\]\.teams_per_shift: "):
        load_program(path)
    path = write(tmp_path, PROGRAM.replace("id: team", "id: équipe"))
    with pytest.raises(ProgramError, match=r"line 6, responses\[0\]\.id: String should match pattern"):
        load_program(path)


def test_yaml_12_words_stay_text_and_lines_of_every_key():
    data, lines = parse_yaml("a: yes\nb: on\nc:\n  - x: 1\n    y: [2, 3]\n", shown="x")
    assert data == {"a": "yes", "b": "on", "c": [{"x": 1, "y": [2, 3]}]}
    assert lines[("c", 0)] == 4 and lines[("c", 0, "y")] == 5 and lines[("c", 0, "y", 1)] == 5
    with pytest.raises(ConfigError, match=r"x line 3, b: merge keys \(<<\) are not read"):
        parse_yaml("a: &a {k: 1}\nb:\n  <<: *a\n", shown="x")
    assert parse_yaml("'<<': 1\n", shown="x")[0] == {"<<": 1}
    with pytest.raises(ConfigError, match="x line 2: a second YAML document"):
        parse_yaml("a: 1\n---\nb: 2\n", shown="x")
