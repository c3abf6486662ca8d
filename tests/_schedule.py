"""The order test modules reach the two xdist workers: heaviest first.

With ``--dist loadscope`` each module goes whole to one worker, handed out one at a time in the
order of the queue, so the run ends when the busier worker ends. xdist's own order (most tests
first) left one-test modules that take a minute (the Spark cluster, the fuzzers, the pipeline
benchmark) to the end, where one worker ran them while the other sat idle: three quiet runs of
the same tree took 364, 482 and 532 s. Heaviest first (longest-processing-time scheduling) leaves
only small modules for the end. The suite runs with ``--no-loadscope-reorder`` so xdist keeps
this order; within a module the order is unchanged.

``SECONDS`` are per-module sums of the junit ``time`` of one full run (setup, call and teardown;
measured under load, so only their order matters). A module not listed counts as light and keeps
its place after the listed ones. Regenerate after a module grows a lot::

    .venv/bin/python -m pytest --junitxml=run.xml && .venv/bin/python tests/_schedule.py run.xml
"""

from __future__ import annotations

import sys

SECONDS = {
    "tests/test_engines.py": 322,
    "tests/test_cli_plan.py": 205,
    "tests/test_programs_shipped.py": 196,
    "tests/test_rules.py": 184,
    "tests/publish/test_site.py": 177,
    "tests/evaluate/test_planted.py": 154,
    "tests/publish/test_pages_browser.py": 127,
    "tests/test_spark_cluster.py": 116,
    "tests/test_newcity_items.py": 102,
    "tests/evaluate/test_cli_evaluate.py": 91,
    "tests/test_typemap.py": 83,
    "tests/test_report_real.py": 74,
    "tests/serve/test_serve_input.py": 70,
    "tests/test_report_planning.py": 61,
    "tests/test_synth.py": 59,
    "tests/test_ingest_timestamps.py": 52,
    "tests/serve/test_serve_kill.py": 46,
    "tests/test_check_fuzz.py": 45,
    "tests/test_report.py": 43,
    "tests/test_demo.py": 41,
    "tests/serve/test_serve_followups.py": 39,
    "tests/test_benchmark_pipeline.py": 35,
    "tests/serve/test_serve_triage.py": 33,
    "tests/test_adapter_draft.py": 31,
    "tests/evaluate/test_panel_denver.py": 30,
    "tests/publish/test_suppress.py": 29,
    "tests/test_classify.py": 28,
    "tests/serve/test_serve_pages.py": 26,
    "tests/test_check.py": 25,
    "tests/test_force.py": 21,
    "tests/serve/test_serve_outcomes.py": 20,
    "tests/serve/test_serve_export.py": 20,
    "tests/serve/test_serve_auth.py": 19,
    "tests/test_new_city_walkthrough.py": 19,
    "tests/serve/test_serve_fuzz.py": 19,
    "tests/serve/test_serve_premises.py": 18,
    "tests/test_compare.py": 17,
    "tests/adapters/test_dst_ambiguous_decc_virginia.py": 15,
    "tests/test_notebook_api.py": 13,
    "tests/adapters/test_house_numbers_denver.py": 12,
}


def module_of(nodeid: str) -> str:
    """``tests/x.py`` of ``tests/x.py::test_y[param]``."""
    return nodeid.split("::", 1)[0]


def heaviest_first(items: list) -> list:
    """``items`` (pytest items) with their modules in descending ``SECONDS``; a stable sort, so
    tests keep their order inside a module and unlisted modules keep theirs."""
    return sorted(items, key=lambda item: -SECONDS.get(module_of(item.nodeid), 0))


def seconds_from_junit(path: str, floor: float = 10.0) -> dict[str, int]:
    """Per-module seconds from a junit XML (the modules at or above ``floor``), heaviest first."""
    import xml.etree.ElementTree as ET
    from collections import Counter

    total: Counter = Counter()
    for case in ET.parse(path).iter("testcase"):
        total[case.get("classname").replace(".", "/") + ".py"] += float(case.get("time") or 0)
    return {name: round(s) for name, s in total.most_common() if s >= floor}


if __name__ == "__main__":
    for name, s in seconds_from_junit(sys.argv[1]).items():
        print(f'    "{name}": {s},')
