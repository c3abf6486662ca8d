"""What one ``ingest`` call did: a report per file and the totals."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

import pyarrow as pa

SAMPLE_QUARANTINE = 5


@dataclass
class FileReport:
    """What happened to one input file."""

    path: str
    ingest_id: str
    source: str
    table: str
    file_sha256: str = ""
    adapter_hash: str = ""
    already_ingested: bool = False
    replaced: list[str] = field(default_factory=list)
    """Store parts this file replaced (``--replace``)."""
    committed: bool = True
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    blank_lines: int = 0
    """Blank lines skipped: not rows, so not in ``rows_read``."""
    values_changed: dict[str, int] = field(default_factory=dict)
    """Values a rule changed or dropped in loaded rows, by reason (the row itself was kept)."""
    date_only: dict[str, str] = field(default_factory=dict)
    """Timestamp → what was stored, for timestamps that carry no time of day."""
    time_flags: dict[str, int] = field(default_factory=dict)
    columns_used: dict[str, str] = field(default_factory=dict)
    columns_missing: list[str] = field(default_factory=list)
    columns_ignored: list[str] = field(default_factory=list)
    quarantine_sample: list[dict] = field(default_factory=list)
    geo: dict | None = None
    note: str = ""
    seconds: float = 0.0

    @property
    def reconciled(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_quarantined and self.rows_quarantined == sum(
            self.quarantine_reasons.values()
        )


@dataclass
class IngestReport:
    """Reports of every file of one ``ingest`` call, with totals."""

    store: str
    adapter: str
    files: list[FileReport] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files if not f.already_ingested)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files if not f.already_ingested and f.committed)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files if not f.already_ingested and f.committed)

    @property
    def quarantine_reasons(self) -> dict[str, int]:
        total: Counter = Counter()
        for f in self.files:
            if not f.already_ingested and f.committed:
                total.update(f.quarantine_reasons)
        return dict(total)

    @property
    def already_ingested(self) -> list[str]:
        return [f.path for f in self.files if f.already_ingested]

    def to_dict(self) -> dict:
        """JSON-ready document (the CLI's ``--json`` output)."""
        return {
            "store": self.store,
            "adapter": self.adapter,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_quarantined": self.rows_quarantined,
            "quarantine_reasons": self.quarantine_reasons,
            "already_ingested": self.already_ingested,
            "files": [asdict(f) | {"reconciled": f.reconciled} for f in self.files],
        }


def add_sample(rep: FileReport, q: pa.Table) -> None:
    room = SAMPLE_QUARANTINE - len(rep.quarantine_sample)
    if room > 0:
        for r in q.slice(0, room).select(["source_row", "reason", "detail"]).to_pylist():
            rep.quarantine_sample.append(r)
