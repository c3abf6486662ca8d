"""tests/_schedule.py: the module order the xdist workers get (heaviest first)."""

from __future__ import annotations

from types import SimpleNamespace

from _schedule import SECONDS, heaviest_first
from paths import REPO


def test_every_weighed_module_exists():
    # a renamed or split module would silently lose its place at the front
    missing = [name for name in SECONDS if not (REPO / name).is_file()]
    assert not missing, f"tests/_schedule.py weighs modules that do not exist: {missing}"


def test_heaviest_module_first_and_order_inside_a_module_kept():
    heavy, light = max(SECONDS, key=SECONDS.get), "tests/test_unlisted_module.py"
    ids = [f"{light}::a", f"{heavy}::b", f"{light}::c", f"{heavy}::a"]
    got = [i.nodeid for i in heaviest_first([SimpleNamespace(nodeid=n) for n in ids])]
    assert got == [f"{heavy}::b", f"{heavy}::a", f"{light}::a", f"{light}::c"]
