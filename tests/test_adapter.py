"""Adapter YAML: shipped adapters load; a mistake is one line naming file, line and key."""

from __future__ import annotations

import pytest

from altresponse.adapter import load_adapter, shipped_adapters
from altresponse.errors import AdapterError


def test_shipped_adapters_load():
    assert {"durham", "portland", "decc_virginia", "burlington", "synth"} <= set(shipped_adapters())
    for name in shipped_adapters():
        a = load_adapter(name)
        assert a.name == name
    assert load_adapter("synth").typemap_name == "durham"
    assert load_adapter("portland").typemap_name == "portland"


GOOD = """name: x
time_zone: America/New_York
fields:
  type_desc: Nature
timestamps:
  received:
    column: When
    format: "%Y-%m-%d %H:%M:%S"
"""


def test_bad_format_names_file_line_and_key(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text(GOOD.replace('format: "%Y-%m-%d %H:%M:%S"', "format: YYYY-MM-DD"))
    with pytest.raises(AdapterError) as exc:
        load_adapter(path)
    msg = str(exc.value)
    assert "\n" not in msg
    assert msg.startswith(f"{path} line 6, timestamps.received:")
    assert "'YYYY-MM-DD' is not a strftime format" in msg


def test_unknown_key_and_bad_zone(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text(GOOD + "colour: blue\n")
    with pytest.raises(AdapterError, match=r"line 9, colour: unknown key"):
        load_adapter(path)
    path.write_text(GOOD.replace("America/New_York", "Eastern"))
    with pytest.raises(AdapterError, match=r"line 2, time_zone: 'Eastern' is not an IANA time zone"):
        load_adapter(path)


def test_not_yaml_and_unknown_name(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("name: [unclosed\n")
    with pytest.raises(AdapterError, match="not valid YAML"):
        load_adapter(path)
    with pytest.raises(AdapterError, match="unknown adapter 'atlantis'.*durham"):
        load_adapter("atlantis")
