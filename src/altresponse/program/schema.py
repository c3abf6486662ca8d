"""The JSON Schema of a program file (``docs/program.schema.json``): pydantic's, with the YAML forms."""

from __future__ import annotations

from typing import Any

from .hours import DAY_GROUPS
from .model import Program


def json_schema() -> dict[str, Any]:
    """JSON Schema of the YAML form of a program file (``docs/program.schema.json``)."""
    schema = Program.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "altresponse program"
    range_re = r"^([01]\d|2[0-4]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$"
    ranges = {
        "anyOf": [
            {"type": "string", "pattern": range_re},
            {"const": "closed"},
            {"type": "array", "items": {"type": "string", "pattern": range_re}},
        ]
    }
    period = schema["$defs"]["Period"]["properties"]
    period["hours"] = {
        "description": 'Hours in the program time zone: "always", "closed", or day key -> "HH:MM-HH:MM" (or a list).',
        "anyOf": [
            {"enum": ["always", "closed"]},
            {
                "type": "object",
                "propertyNames": {"enum": list(DAY_GROUPS)},
                "additionalProperties": ranges,
            },
        ],
    }
    period["service_area"] = {
        "description": 'Police beats, "citywide", or {local: NAME}: the beats of the city the program is applied to.',
        "anyOf": [
            {"const": "citywide"},
            {"type": "array", "items": {"type": "string"}, "minItems": 1},
            {"type": "object", "properties": {"local": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}, "note": {"type": "string"}},
             "required": ["local"], "additionalProperties": False},
        ],
    }
    period.pop("local_area", None)  # internal: the YAML form is service_area: {local: NAME}
    schema["properties"]["version"] = {"anyOf": [{"type": "string"}, {"type": "number"}], "title": "Version"}
    return schema
