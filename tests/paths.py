"""Where test data lives. A plain module (not conftest) so tests can import it by name."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The real exports sit beside the repo (../shared/data/real); never edited.
SHARED = Path(os.environ.get("ALTRESPONSE_SHARED", REPO.parent / "shared"))
REAL = SHARED / "data" / "real"
REFERENCE = SHARED / "data" / "reference"
SAMPLES = REPO / "data" / "samples"
