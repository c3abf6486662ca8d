"""The same seed gives the same synthetic calls as before synth became a package.

Golden: tests/golden/synth_golden.json, made by tests/golden/make_synth_golden.py with the old
single-file synth.py (committed before the refactor).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "golden"))
from make_synth_golden import digest  # noqa: E402

GOLDEN = json.loads((Path(__file__).parent / "golden" / "synth_golden.json").read_text())


@pytest.mark.parametrize("expected", GOLDEN, ids=lambda g: json.dumps(g["args"]))
def test_same_seed_same_output_as_before(expected):
    assert digest(expected["args"]) == expected
