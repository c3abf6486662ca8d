"""The duplicate-id index: a row is a duplicate when its id hash was seen in an earlier row.

The expected marks come from a plain Python set walked row by row (the definition), over
batches with many repeats, rows skipped by ``ok`` (quarantined for another reason) and
enough ids to make the index merge its chunks.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from altresponse.ingest.ids import IdIndex


def _reference(batches, oks):
    seen, out = set(), []
    for h, ok in zip(batches, oks):
        marks = np.zeros(len(h), dtype=bool)
        for i, (v, k) in enumerate(zip(h.tolist(), ok.tolist())):
            if k:
                marks[i] = v in seen
                seen.add(v)
        out.append(marks)
    return out


@settings(max_examples=200, derandomize=True, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_batches=st.integers(1, 12), size=st.integers(0, 3000), span=st.integers(1, 10**6))
def test_duplicates_match_a_set_walked_row_by_row(seed, n_batches, size, span):
    rng = np.random.default_rng(seed)
    batches = [rng.integers(0, span, size, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15) for _ in range(n_batches)]
    oks = [rng.random(size) < 0.9 for _ in range(n_batches)]
    index = IdIndex()
    got = [index.duplicates(h, ok) for h, ok in zip(batches, oks)]
    for g, e in zip(got, _reference(batches, oks)):
        assert (g == e).all()


def test_the_index_merges_and_still_finds_every_id():
    """300,000 ids in 40 batches: the chunks merge (``big``), and every id is found again."""
    rng = np.random.default_rng(14)
    ids = rng.permutation(np.arange(1, 300_001, dtype=np.uint64)) * np.uint64(0x9E3779B97F4A7C15)
    index = IdIndex()
    for part in np.array_split(ids, 40):
        assert not index.duplicates(part, np.ones(len(part), dtype=bool)).any()
    assert len(index.big) > 0
    assert index.contains(ids).all() and not index.contains(ids + np.uint64(1)).any()
    assert index.duplicates(ids[:1000], np.ones(1000, dtype=bool)).all()
