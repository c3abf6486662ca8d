"""The analyst report's defects a new user met on the bundled Durham demo, each held by a test
(the page width at 375/1280 px and axe are in tests/publish/test_pages_browser.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from paths import REPO

from altresponse import fmt


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory):
    from _shared_builds import durham_sample_report

    # the Durham sample (with its beats) reported as of 2022-06-01, built once per run
    written = durham_sample_report(tmp_path_factory)
    html = Path(written["html"]).read_text()
    return html, json.loads(Path(written["json"]).read_text())


def _body(html: str) -> str:
    return html.split("<main>", 1)[1].split("</main>", 1)[0]


def _block(html: str, key: str) -> str:
    return _body(html).split(f'<section id="{key}">', 1)[1].split("</section>", 1)[0]


def test_a_what_this_means_box_opens_the_page_with_linked_findings(demo_report):
    html, doc = demo_report
    body = _body(html)
    box = body.split('<div class="summary"', 1)[1].split("</div>", 1)[0]
    assert body.index('<div class="summary"') < body.index("<section")
    items = re.findall(r'<li>(.*?)</li>', box)
    assert 3 <= len(items) <= 5
    for target in re.findall(r'href="#(\w+)"', box):
        assert f'<section id="{target}">' in body
    # the finding that matters most leads: same budget, different hours, computed from report.json
    n = doc["planning"]["numbers"]
    crt = next(r for r in doc["coverage"]["tables"]["program"] if r["response"] == n["response_id"])
    assert f"reach {fmt.share(n['plan_covered_share'], 0)} of eligible calls instead of {fmt.share(crt['share_in_area_and_hours'], 0)}" in items[0]


def test_risk_names_the_rules_that_cannot_fire_before_any_share(demo_report):
    html, doc = demo_report
    block = _block(html, "risk")
    assert block.index("cannot fire") < block.index('class="headline"')
    assert "risk.weapon_words" in block and "narrative is empty" in block
    assert "risk.premise_force" in block and "no use-of-force data" in block
    assert doc["risk"]["lead"][0].startswith("6 of 8 risk rules cannot fire")


def test_map_tells_beats_with_no_data_from_zero_and_labels_them(demo_report):
    html, doc = demo_report
    specs = json.loads(re.search(r"const SPECS = (\{.*?\});\n", html, re.S).group(1).replace("<\\/", "</"))
    spec = specs["chart-location-0"]
    texts = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    labels = {v["label"] for v in texts[0]["data"]["values"]}
    for row in doc["location"]["tables"]["by_beat"]:
        assert f"{row['beat']}: {row['eligible_calls']:,}" in labels
    states = {f["properties"]["beat"]: f["properties"]["state"] for f in spec["layer"][0]["data"]["values"]}
    assert states["114"] == "no data"  # a pilot beat the sample lacks: not drawn as zero
    assert states["223"] == "data"


def test_beat_map_draws_zero_as_a_value_and_absent_as_no_data():
    from altresponse.report._maps import beat_map

    square = {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]}
    feats = [{"type": "Feature", "properties": {"beat": b}, "geometry": square} for b in ("A", "B", "C")]
    spec = beat_map(feats, {"A": 0.0, "B": 5.0}, hidden={"C"}).to_dict()
    props = {f["properties"]["beat"]: f["properties"] for f in spec["layer"][0]["data"]["values"]}
    assert props["A"]["state"] == "data" and props["A"]["value"] == 0
    assert props["C"]["state"] == "hidden" and props["C"]["value"] is None


def test_one_seed_printed_for_simulate_and_the_planning_section(demo_report):
    from altresponse.cli.demo import demo_steps

    _, doc = demo_report
    simulate = next(s for s in demo_steps(Path("out")) if s[0] == "simulate")
    seed = simulate[simulate.index("--seed") + 1]
    assert int(seed) == doc["planning"]["numbers"]["seed"] == 0
    assert any(f"seed {seed}" in f for f in doc["planning"]["findings"])


def test_one_number_formatter():
    assert fmt.count(1820.4) == "1,820" and fmt.value(1820.4, kind="number") == "1,820"
    assert fmt.share(0.2613) == "26.1%"
    assert fmt.interval(-3.2, 12.4, kind="count") == "0 to 12"  # a count's interval never goes negative
    assert fmt.column([56.0, 112.0], kind="number") == ["56", "112"]  # one column, one number of decimals
    assert fmt.kind_of("answered_calls_ci_low") == "count" and fmt.kind_of("share_eligible") == "share"


def test_page_numbers_are_formatted_and_named(demo_report):
    html, _ = demo_report
    body = _body(html)
    text = re.sub(r"<[^>]+>", " ", body)
    assert not re.search(r"\d\.\d+e[+-]\d", text)
    # no raw fraction beside a share (the one dimensionless parameter, a spread of 0.75, is not a share)
    assert not re.search(r"(?<![\d.])0\.\d{2,}(?![\d%])", text.replace("(coefficient of variation) 0.75", ""))
    assert "<th" in body and ">eligible_calls<" not in body and ">canonical_type<" not in body
    assert '<abbr title="code EDP">Emotional disturbance or abnormal behaviour</abbr>' in body
    assert '<abbr title="code crt">Community Response Team</abbr>' in body
    for jargon in ("per replication", "CV ", "haversine"):
        assert jargon not in text


def test_what_if_table_is_reshaped_long_on_the_page(demo_report):
    html, doc = demo_report
    block = _block(html, "planning")
    what_ifs = block.split("Table: what ifs", 1)[1].split("</table>", 1)[0]
    assert what_ifs.count("<th") <= 10  # 34 columns in the CSV, a handful on the page
    current = next(r for r in doc["planning"]["tables"]["what_ifs"] if r["scenario"] == "current")
    share = f"{fmt.share(current['answered_share'])} ({fmt.share(current['answered_share_ci_low'])} to {fmt.share(current['answered_share_ci_high'])})"
    assert share in what_ifs
    simulation = block.split("Table: simulation", 1)[1].split("</table>", 1)[0]
    row = next(r for r in doc["planning"]["tables"]["simulation"] if r["metric"] == "answered_share")
    assert re.search(rf"<td[^>]*>{re.escape(fmt.share(row['program']))}</td>", simulation)  # a share, not "0"


def test_no_contradictions(demo_report):
    html, doc = demo_report
    volume = _block(html, "volume")
    assert "Not shown (by channel)" in volume and "Table: by channel" not in volume
    assert any("District totals differ from the sum of their beats" in f for f in doc["location"]["findings"])


def test_no_private_altair_module_is_imported():
    src = REPO / "src" / "altresponse"
    offenders = [p for p in src.rglob("*.py") if re.search(r"altair\.utils\._|from altair\.[\w.]*\._", p.read_text())]
    assert offenders == []


def test_load_inputs_takes_the_date_as_text_like_the_other_verbs(tmp_path_factory, tmp_path):
    # load_inputs passed a YYYY-MM-DD string on to the label check, which called .isoformat() on it
    import shutil

    from _shared_builds import AS_OF, PROGRAM, durham_sample_store

    from altresponse.errors import UsageError
    from altresponse.report import load_inputs

    store = tmp_path / "store"  # a copy: a wrong date would classify again and write labels
    shutil.copytree(durham_sample_store(tmp_path_factory), store)
    notes: list = []
    classified, _force, program = load_inputs(store, PROGRAM, as_of=AS_OF.isoformat(), notes=notes)
    assert program.id == "durham-heart" and classified.count().execute() > 0
    assert notes == []  # the stored labels were made for the same date: used, not recomputed
    with pytest.raises(UsageError, match="as_of '2022-13-01' is not a date"):
        load_inputs(store, PROGRAM, as_of="2022-13-01")
