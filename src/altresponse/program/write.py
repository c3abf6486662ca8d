"""Write a program back to its YAML form: what a person would have written, defaults left out."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .hours import hours_to_yaml
from .parts import DEFAULT_KEYWORDS

if TYPE_CHECKING:
    from .model import Program


def program_to_dict(program: Program) -> dict[str, Any]:
    """The YAML form of ``program`` as plain data (what :func:`write_yaml` writes)."""
    data = program.model_dump(mode="python", exclude_none=True)
    if data.get("keywords") == DEFAULT_KEYWORDS:
        del data["keywords"]
    for key in ("sources", "assumptions", "risk_rules", "published"):
        if not data.get(key):
            data.pop(key, None)
    for r, resp in zip(data["responses"], program.responses):
        for p, period in zip(r["periods"], resp.periods):
            p["service_area"] = "citywide" if period.service_area is None else list(period.service_area)
            if period.local_area is not None:  # the beats a city named stay out of the file
                p["service_area"] = {"local": p.pop("local_area")}
            p["hours"] = hours_to_yaml(period.hours)
            if period.start is None:
                p.pop("start", None)
        if not r.get("exclusions"):
            r.pop("exclusions", None)
    return data


def write_yaml(program: Program, path: str | Path) -> Path:
    """Write ``program`` as YAML that :func:`altresponse.program.load_program` reads back to an equal program."""
    path = Path(path)
    path.write_text(yaml.safe_dump(program_to_dict(program), sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
