"""Hashing: the ingest id of a file, and the index of id hashes that finds duplicate ids."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ..adapter import Adapter
from ..errors import InputError


def ingest_id_of(path: str | Path, adapter: Adapter) -> str:
    """Content hash of the file bytes and the adapter (names the store parts)."""
    return digests(path, adapter)[0]


def digests(path: str | Path, adapter: Adapter) -> tuple[str, str, str]:
    """(ingest id, SHA-256 of the file, short hash of the adapter), reading the file once."""
    fingerprint = adapter.fingerprint().encode()
    both, file_only = hashlib.sha256(), hashlib.sha256()
    both.update(fingerprint)
    both.update(b"\0")
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                both.update(chunk)
                file_only.update(chunk)
    except OSError as exc:
        msg = f"{path}: cannot read ({exc.strerror})"
        raise InputError(msg) from None
    adapter_hash = hashlib.sha256(fingerprint).hexdigest()[:12]
    return f"{adapter.name}-{both.hexdigest()[:16]}", file_only.hexdigest(), adapter_hash


class IdIndex:
    """Set of 64-bit id hashes in sorted numpy chunks: bounded memory (8 bytes per id).

    Two different ids share a 64-bit hash with probability ~n²/2⁶⁵ (about 3e-6 for 10M ids).
    """

    def __init__(self):
        self.big = np.empty(0, dtype=np.uint64)
        self.small: list[np.ndarray] = []
        self.n_small = 0

    def contains(self, h: np.ndarray) -> np.ndarray:
        order = np.argsort(h, kind="stable")
        out = np.empty(len(h), dtype=bool)
        out[order] = self._contains_sorted(h[order])
        return out

    def _contains_sorted(self, h: np.ndarray) -> np.ndarray:
        # sorted needles walk each chunk in order (searchsorted reuses its last position): ~2× faster
        out = _in_sorted(h, self.big)
        for s in self.small:
            out |= _in_sorted(h, s)
        return out

    def add(self, h: np.ndarray) -> None:
        self._add_sorted(np.sort(h))

    def duplicates(self, h: np.ndarray, ok: np.ndarray) -> np.ndarray:
        """Rows (among ``ok``) whose hash is in the index or earlier in ``h``; adds the new ones."""
        dup = np.zeros(len(h), dtype=bool)
        if not ok.any():
            return dup
        ok_idx = np.flatnonzero(ok)
        order = np.argsort(h[ok_idx], kind="stable")  # stable: a row's first occurrence sorts first
        s = h[ok_idx][order]
        d = self._contains_sorted(s)
        d[1:] |= s[1:] == s[:-1]
        dup[ok_idx[order[d]]] = True
        self._add_sorted(s[~d])
        return dup

    def _add_sorted(self, h: np.ndarray) -> None:
        if not len(h):
            return
        self.small.append(h)
        self.n_small += len(h)
        if len(self.small) > 8 or self.n_small > max(len(self.big) // 4, 1 << 18):
            self.big = np.sort(np.concatenate([self.big, *self.small]))
            self.small, self.n_small = [], 0


class RowHasher:
    """Ids for rows without one: a hash of the raw row, the k-th identical copy getting (hash, k).

    Memory: the index of row hashes seen (8 bytes a row) plus a count for each row that has
    identical copies.
    """

    def __init__(self):
        self.seen = IdIndex()
        self.copies: dict[int, int] = {}  # row hash -> rows with it so far (only when >= 2)

    @staticmethod
    def base(batch: pa.RecordBatch, header: list[str]) -> np.ndarray:
        """The hash of each raw row alone (no state: safe on any thread)."""
        order = sorted(range(len(header)), key=lambda i: header[i])
        frame = pd.DataFrame({header[i]: batch.column(i).to_numpy(zero_copy_only=False) for i in order})
        return pd.util.hash_pandas_object(frame, index=False).to_numpy()

    def number(self, base: np.ndarray, need: np.ndarray, copies: np.ndarray) -> pa.Array:
        """Ids from row hashes ``base``: the k-th copy of a row in the file so far gets (hash, k).
        Depends on every earlier batch: call in file order."""
        result = base.copy()
        todo = np.flatnonzero(need)
        if not len(todo):
            return hex64(result)
        h = base[todo]
        k = self._before(h) + pd.Series(h).groupby(h).cumcount().to_numpy()
        later = k > 0
        salt = k[later].astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)  # wraps mod 2**64
        result[todo[later]] = pd.util.hash_array(h[later] ^ salt)
        copies[todo[later]] = True
        uniq, count = np.unique(h, return_counts=True)
        total = self._before(uniq) + count
        self.copies.update(zip(uniq[total > 1].tolist(), total[total > 1].tolist()))
        self.seen.add(uniq[~self.seen.contains(uniq)])
        return hex64(result)

    def _before(self, h: np.ndarray) -> np.ndarray:
        """Rows with each hash in earlier batches."""
        seen = self.seen.contains(h).astype(np.int64)
        if self.copies:
            known = pd.Series(h).map(self.copies).to_numpy(dtype=float, na_value=np.nan)
            seen = np.where(np.isnan(known), seen, np.nan_to_num(known)).astype(np.int64)
        return seen


def _in_sorted(h: np.ndarray, sorted_arr: np.ndarray) -> np.ndarray:
    if not len(sorted_arr):
        return np.zeros(len(h), dtype=bool)
    pos = np.searchsorted(sorted_arr, h)
    pos[pos == len(sorted_arr)] = 0
    return sorted_arr[pos] == h


def hash_strings(arr) -> np.ndarray:
    values = arr.to_numpy(zero_copy_only=False) if hasattr(arr, "to_numpy") else np.asarray(arr, dtype=object)
    return pd.util.hash_array(values.astype(object), categorize=False)


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def hex64(h: np.ndarray) -> pa.Array:
    """uint64 → 16-char lowercase hex strings, vectorised."""
    b = h.astype(">u8").view(np.uint8).reshape(-1, 8)
    out = np.empty((len(h), 16), dtype=np.uint8)
    out[:, 0::2] = _HEX[b >> 4]
    out[:, 1::2] = _HEX[b & 15]
    return pa.array(out.view("S16").ravel(), type=pa.binary(16)).cast(pa.binary()).cast(pa.string())
