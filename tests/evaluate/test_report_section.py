"""The report's evaluation section: answer first, event-study chart, checks, table; numbers in report.json."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd

from altresponse.evaluate.panel import Outcome
from altresponse.evaluate.run import evaluate_panel
from altresponse.evaluate.treatment import Design
from altresponse.report import sections_to_json
from altresponse.report import write_evaluation_page
from altresponse.report.evaluation import evaluation_section

WEEKS = [dt.date(2021, 1, 4) + dt.timedelta(weeks=k) for k in range(16)]


def _doc() -> dict:
    rng = np.random.default_rng(5)
    rows = [{"unit": f"u{u}", "period": w, "y": int(rng.poisson(30 * (0.7 if u < 6 and k >= 8 else 1)))}
            for u in range(20) for k, w in enumerate(WEEKS)]
    d = Design("t", {f"u{u}": (WEEKS[8] if u < 6 else None) for u in range(20)})
    doc = evaluate_panel(pd.DataFrame(rows), [Outcome("y", "eligible calls", "count", None)], d, period="week",
                         placebo_draws=5, team_calls=100)
    return json.loads(json.dumps(doc, default=str))  # as read back from evaluation.json


def test_section_leads_with_the_answer_and_carries_the_document():
    doc = _doc()
    sec = evaluation_section(doc)
    assert sec["headline"] == doc["headline"]["sentence"]
    assert sec["headline"].startswith("Eligible calls in the treated units fell by")
    assert sec["numbers"]["relative_effect"] == doc["headline"]["relative_effect"]
    assert "wild-cluster bootstrap" in sec["numbers"]["interval"]  # 20 units < 30: the headline says which interval
    assert any(f.startswith("Check: ") for f in sec["findings"])
    caption, spec = sec["charts"][0]
    assert caption.startswith("Event study") and spec["layer"]
    out = sections_to_json({"evaluation": sec})["evaluation"]
    assert out["numbers"]["ci_low"] == doc["headline"]["ci_low"]
    assert out["document"]["headline"] == doc["headline"]
    assert {"estimator", "effect", "95% interval"} <= set(out["tables"]["estimates"][0])


def test_standalone_page_has_the_sentence(tmp_path):
    doc = _doc()
    path = write_evaluation_page(doc, tmp_path, title="Test: evaluation")
    text = path.read_text()
    assert doc["headline"]["sentence"] in text.replace("&#x27;", "'")
    assert 'id="chart-evaluation-x0"' in text
