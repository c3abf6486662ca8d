"""Write a draft as adapter YAML with each decision explained in a comment above its key."""

from __future__ import annotations

import json
import textwrap

# Section order, and the reasons (dotted keys of Draft.reasons) shown above each.
_ORDER = ("name", "description", "table", "agency", "time_zone", "format", "id", "timestamps", "fields", "values", "coordinates", "block_level", "required")
_FIELD_REASON = {"type_code": "type", "type_desc": "type", "priority_raw": "priority"}


def render(draft) -> str:
    d = draft.data
    out = [
        "# First draft of an adapter, written by `altresponse adapter draft`.",
        f"# Read: {draft.sample}.",
        "# Each comment says why a key was chosen: check each, then run",
        f"#   altresponse check THIS_FILE && altresponse ingest FILE --adapter THIS_FILE --store STORE",
    ]
    for w in draft.warnings:
        out.append(f"# WARNING: {w}")
    for key in _ORDER:
        if key not in d or d[key] is None and key != "time_zone" or d[key] == {}:
            continue
        out.append("")
        if key in draft.reasons:
            out += _comment(draft.reasons[key])
        if key == "timestamps":
            out.append("timestamps:")
            for role, spec in d[key].items():
                out += _comment(draft.reasons.get(f"timestamps.{role}", ""), indent=2)
                out.append(f"  {role}:")
                out += _mapping(spec, 4)
        elif key == "fields":
            out.append("fields:")
            for f, cols in d[key].items():
                reason = draft.reasons.get(_FIELD_REASON.get(f, f))
                if reason and _FIELD_REASON.get(f) != "type" or f == "type_code" or (f == "type_desc" and "type_code" not in d[key]):
                    out += _comment(reason or "", indent=2)
                out.append(f"  {f}: {_scalar(cols)}")
        elif isinstance(d[key], dict):
            out.append(f"{key}:")
            out += _mapping(d[key], 2)
        else:
            out.append(f"{key}: {_scalar(d[key])}")
        if key == "table" and "agency" not in d and "agency" not in d.get("fields", {}):
            out.append("# agency: POLICE   # the file has no agency column: name the agency that handled these calls")
        if key == "time_zone":
            out.append(f"# typemap: {d['name']}-types.yaml   # write it after ingest: altresponse types --store STORE --suggest --out {d['name']}-types.yaml")
    if draft.unused or draft.other_columns:
        out += ["", "# Columns left out:"]
        for col, why in draft.unused.items():
            out += _comment(f"{col!r}: {why}")
        if draft.other_columns:
            out += _comment("not recognised (map them under fields: by hand if they matter): " + ", ".join(map(repr, draft.other_columns)))
    return "\n".join(out) + "\n"


def _comment(text: str, indent: int = 0) -> list[str]:
    if not text:
        return []
    pad = " " * indent
    return [pad + "# " + line for line in textwrap.wrap(text, 100 - indent)]


def _mapping(m: dict, indent: int) -> list[str]:
    pad = " " * indent
    out = []
    for k, v in m.items():
        if isinstance(v, dict):
            if all(not isinstance(x, (dict, list)) for x in v.values()) and len(v) <= 12:
                out.append(f"{pad}{_key(k)}: {{{', '.join(f'{_key(a)}: {_scalar(b)}' for a, b in v.items())}}}")
            else:
                out.append(f"{pad}{_key(k)}:")
                out += _mapping(v, indent + 2)
        else:
            out.append(f"{pad}{_key(k)}: {_scalar(v)}")
    return out


def _key(k) -> str:
    return k if isinstance(k, str) and k.replace("_", "").isalnum() and not k[0].isdigit() and k.lower() not in ("y", "n", "yes", "no", "true", "false", "on", "off", "null") else json.dumps(str(k))


def _scalar(v) -> str:
    # JSON is YAML: strings double-quoted (a value like 911 or NO stays a string), lists inline.
    return json.dumps(v, ensure_ascii=False)
