"""docs/schema.md documents every canonical column and every quarantine reason; the adapter JSON Schema is current."""

from __future__ import annotations

import json
from pathlib import Path

from altresponse.adapter import json_schema
from altresponse.calls import CALL_COLUMNS, QuarantineReason

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_column_documented():
    text = (DOCS / "schema.md").read_text()
    missing = [name for name, _, _ in CALL_COLUMNS if f"`{name}`" not in text]
    assert missing == []


def test_every_quarantine_reason_documented():
    text = (DOCS / "schema.md").read_text()
    missing = [r.value for r in QuarantineReason if f"`{r.value}`" not in text]
    assert missing == []


def test_adapter_json_schema_is_current():
    shipped = json.loads((DOCS / "adapter.schema.json").read_text())
    assert shipped == json_schema()
