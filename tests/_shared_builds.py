"""Expensive inputs built once per test run and shared by every module and every xdist worker.

The suite runs on two workers (``addopts`` in pyproject.toml), and a session fixture is per worker:
without this, two modules on different workers would each ingest the real stores or build the
Durham report. ``shared`` builds into a folder beside the workers' own temp folders under a file
lock: the first worker builds and pickles the result, the other waits and reads it. Only for
outputs the tests read and never change (stores, written reports and sites).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import pickle
import shutil

from paths import REPO, SAMPLES

PROGRAM = REPO / "programs" / "durham-heart.yaml"
DURHAM = SAMPLES / "durham"
DURHAM_CSV = DURHAM / "durham_dpd_cfs_2021_heart_beats_community_safety_types.csv"
BEATS = DURHAM / "durham_police_beats_dissolved.geojson"
AS_OF = dt.date(2022, 6, 1)  # the demo's what-if date


def shared(tmp_path_factory, name: str, build):
    """``build(folder)``'s result, built once per run whichever module or worker asks first."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, above each worker's own (popen-gw0, popen-gw1)
    folder, done = base / f"shared-{name}", base / f"shared-{name}.pickle"
    with open(base / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            folder.mkdir(exist_ok=True)
            try:
                result = build(folder)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)  # the next asker starts clean (and fails the same way)
                raise
            done.write_bytes(pickle.dumps(result))
        return pickle.loads(done.read_bytes())


def durham_sample_store(tmp_path_factory):
    """The bundled Durham sample ingested with its beats and classified as of AS_OF (the labels
    stored, so every reader with that date only reads the store). Built once per run."""

    def build(folder):
        from altresponse.ingest import ingest
        from altresponse.report import load_inputs

        ingest([DURHAM_CSV], "durham", folder / "store", beats=BEATS)
        load_inputs(folder / "store", PROGRAM, as_of=AS_OF)  # classifies and stores the labels
        return folder / "store"

    return shared(tmp_path_factory, "durham_sample_store", build)


def durham_sample_report(tmp_path_factory):
    """The Durham sample's analyst report (as of AS_OF), written once per run from :func:`durham_sample_store`.

    What ``altresponse demo`` reports; test_report_fixes.py reads the report, test_pages_browser.py
    opens it in Chromium.
    """
    store = durham_sample_store(tmp_path_factory)

    def build(folder):
        from altresponse.report import build_sections, load_inputs, write_report

        classified, force, program = load_inputs(store, PROGRAM, as_of=AS_OF)
        sections = build_sections(classified, force=force, program=program, as_of=AS_OF)
        written = write_report(sections, folder / "report", beats=BEATS, program=program)
        return {"store": store, "html": written["html"], "json": written["json"]}

    return shared(tmp_path_factory, "durham_sample_report", build)


def durham_sample_site(tmp_path_factory):
    """The public site of the Durham sample (as of AS_OF, the default smallest cell), built once per
    run from :func:`durham_sample_store`: test_site.py scans it, test_pages_browser.py opens it.
    """
    store = durham_sample_store(tmp_path_factory)

    def build(folder):
        from altresponse.publish.site import build_site
        from altresponse.report import load_inputs

        classified, _force, program = load_inputs(store, PROGRAM, as_of=AS_OF)
        build_site(classified, program, folder / "site", beats_geojson=BEATS)
        return {"store": store, "site": folder / "site"}

    return shared(tmp_path_factory, "durham_sample_site", build)
