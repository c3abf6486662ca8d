"""Target tables ingest can write: ``TableSpec``, the registry, and the adapter check against it."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from ..adapter import Adapter
from ..calls import CALLS_SCHEMA, TIMESTAMP_COLUMNS, Channel
from ..errors import AdapterError


@dataclass(frozen=True)
class TableSpec:
    """A target table ingest can write (``adapter.table`` names one).

    Parameters
    ----------
    name
        Table name and store sub-directory (``calls``, ``force``).
    schema
        Arrow schema of the table.
    id_column
        Column holding ``'<source>:<id>'``; duplicates of it are quarantined.
    source_id_column
        Column holding the source's own id (or None).
    interval_chain
        Timestamp columns in the order they should happen; a later one that is earlier than
        the previous known one is flagged ``<later>_before_<earlier>`` in ``time_flags``.
    closed_values
        Column → allowed values (checked against the adapter's value maps when it loads).
    default_required
        Columns required when the adapter lists none.
    default_block_level
        Text columns cut to the hundred block when the adapter does not say ``block_level``.
    """

    name: str
    schema: pa.Schema
    id_column: str
    source_id_column: str | None = None
    interval_chain: tuple[str, ...] = ()
    closed_values: dict[str, frozenset] = field(default_factory=dict)
    default_required: tuple[str, ...] = ()
    default_block_level: tuple[str, ...] = ()


TABLES: dict[str, TableSpec] = {
    "calls": TableSpec(
        name="calls",
        schema=CALLS_SCHEMA,
        id_column="call_id",
        source_id_column="source_call_id",
        interval_chain=TIMESTAMP_COLUMNS,
        closed_values={"channel": frozenset(c.value for c in Channel)},
        default_required=("received_date",),
        default_block_level=("location_text",),  # privacy by default: no house numbers
    )
}


def register_table(spec: TableSpec) -> None:
    """Register another target table (e.g. ``force``) so adapters can name it in ``table:``."""
    TABLES[spec.name] = spec


def table_spec(name: str) -> TableSpec:
    """The spec of a target table; ``altresponse.<name>`` is imported to let it register.

    Raises
    ------
    AdapterError
        If no such table is registered.
    """
    if name not in TABLES:
        import importlib

        try:
            importlib.import_module(f"altresponse.{name}")
        except ImportError:
            pass
    if name not in TABLES:
        msg = f"table {name!r} is not a known target table; choose one of {', '.join(sorted(TABLES))}"
        raise AdapterError(msg)
    return TABLES[name]


def check_adapter_against(spec: TableSpec, adapter: Adapter) -> None:
    names = set(spec.schema.names)
    where = f"adapter {adapter.name}"
    for key in adapter.fields:
        if key not in names:
            msg = f"{where}, fields.{key}: {key!r} is not a column of the {spec.name} table"
            raise AdapterError(msg)
    for key in adapter.timestamps:
        if f"{key}_at" not in names:
            options = ", ".join(n[:-3] for n in spec.schema.names if n.endswith("_at"))
            msg = f"{where}, timestamps.{key}: no column {key}_at in the {spec.name} table; use one of {options}"
            raise AdapterError(msg)
    for key, vmap in adapter.values.items():
        if key not in names:
            msg = f"{where}, values.{key}: {key!r} is not a column of the {spec.name} table"
            raise AdapterError(msg)
        allowed = spec.closed_values.get(key)
        if allowed:
            for raw, value in list(vmap.map.items()) + [("default", vmap.default)]:
                if value is not None and str(value) not in allowed:
                    msg = f"{where}, values.{key}.map[{raw!r}]: {value!r} is not one of {', '.join(sorted(allowed))}"
                    raise AdapterError(msg)
    for key in adapter.block_level or ():
        if key not in names or not pa.types.is_string(spec.schema.field(key).type):
            msg = f"{where}, block_level: {key!r} is not a text column of the {spec.name} table"
            raise AdapterError(msg)
    for key in adapter.required:
        if key not in names:
            msg = f"{where}, required: {key!r} is not a column of the {spec.name} table"
            raise AdapterError(msg)
