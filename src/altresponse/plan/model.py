"""The coverage MIP written out: variables, constraints, objective (docs/planning.md has the maths).

Variables per beat b, weekday d and hour h: ``x[b]`` beat chosen, ``y[h]`` hour in the daily
window, ``s[h]`` a window starts at h, ``z[d]`` working day, ``u[d,h] = y[h]·z[d]``, ``q[d,h]``
calls covered; with contiguity also a root ``r[b]``, supply ``g[b]`` and arc flows ``f``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_EPS = 1e-6  # tie-break: among equal coverage prefer fewer team-hours and fewer beats


@dataclass
class Layout:
    """Index arrays of each variable group in the solution vector."""

    X: np.ndarray
    Y: np.ndarray
    S: np.ndarray
    Z: np.ndarray
    U: np.ndarray
    Q: np.ndarray
    R: np.ndarray | None
    G: np.ndarray | None
    F: np.ndarray | None
    nvar: int

    @classmethod
    def of(cls, B: int, D: int, H: int, arcs: int | None) -> Layout:
        sizes = [("X", B), ("Y", H), ("S", H), ("Z", D), ("U", D * H), ("Q", D * H)]
        if arcs is not None:
            sizes += [("R", B), ("G", B), ("F", arcs)]
        ix, out = 0, {"R": None, "G": None, "F": None}
        for name, n in sizes:
            out[name] = np.arange(ix, ix + n)
            ix += n
        out["U"], out["Q"] = out["U"].reshape(D, H), out["Q"].reshape(D, H)
        return cls(**out, nvar=ix)


class _Rows:
    """Sparse constraint rows ``lower <= Σ value·var <= upper``."""

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.vals: list[float] = []
        self.lo: list[float] = []
        self.hi: list[float] = []

    def add(self, terms, lower, upper) -> None:
        r = len(self.lo)
        for c, v in terms:
            self.rows.append(r)
            self.cols.append(int(c))
            self.vals.append(float(v))
        self.lo.append(lower)
        self.hi.append(upper)


@dataclass
class Model:
    c: np.ndarray
    rows: _Rows
    integrality: np.ndarray
    upper: np.ndarray
    layout: Layout


def build_model(calls: np.ndarray, *, teams: int, team_hours_per_week: float, cap: np.ndarray,
                adjacency: list[tuple[int, int]] | None, allowed: np.ndarray | None) -> Model:
    """The MIP for a ``(beats, days, hours)`` array of call counts and a ``(days, hours)`` capacity."""
    B, D, H = calls.shape
    arcs = None if adjacency is None else [(i, j) for a, b in adjacency for i, j in ((a, b), (b, a))]
    v = Layout.of(B, D, H, None if arcs is None else len(arcs))
    rows = _Rows()
    _cells(rows, v, calls, cap)
    # one contiguous (cyclic) daily window: a window starts where y turns on
    for h in range(H):
        rows.add([(v.Y[h], 1.0), (v.Y[(h - 1) % H], -1.0), (v.S[h], -1.0)], -np.inf, 0.0)
    rows.add([(v.S[h], 1.0) for h in range(H)], -np.inf, 1.0)
    # budget: teams x worked hours a week
    rows.add([(v.U[d, h], float(teams)) for d in range(D) for h in range(H)], -np.inf, float(team_hours_per_week))
    if arcs is not None:
        _connected(rows, v, B, arcs)
    c = np.zeros(v.nvar)
    c[v.Q.ravel()] = -1.0
    # tie-breaks far below one call: spend no team-hour that covers nothing; among equal
    # coverage take the larger area (adding a beat never lowers coverage)
    c[v.U.ravel()] = _EPS
    c[v.X] = -_EPS / max(1, B)
    integrality = np.zeros(v.nvar)
    integrality[np.concatenate([v.X, v.Y, v.S, v.Z])] = 1
    upper = np.full(v.nvar, np.inf)
    upper[np.concatenate([v.X, v.Y, v.S, v.Z, v.U.ravel()])] = 1.0
    if allowed is not None:
        upper[v.X[~np.asarray(allowed, dtype=bool)]] = 0.0
    if arcs is not None:
        integrality[v.R] = 1
        upper[v.R] = 1.0
    return Model(c, rows, integrality, upper, v)


def _cells(rows: _Rows, v: Layout, calls: np.ndarray, cap: np.ndarray) -> None:
    B, D, H = calls.shape
    for d in range(D):
        for h in range(H):
            # covered calls come only from chosen beats ...
            rows.add([(v.Q[d, h], 1.0)] + [(v.X[b], -calls[b, d, h]) for b in range(B) if calls[b, d, h]], -np.inf, 0.0)
            # ... only in worked hours, and no more than the teams can take
            bound = min(cap[d, h], calls[:, d, h].sum())
            rows.add([(v.Q[d, h], 1.0), (v.U[d, h], -bound)], -np.inf, 0.0)
            # u = y * z: a worked hour on a working day
            rows.add([(v.U[d, h], 1.0), (v.Y[h], -1.0)], -np.inf, 0.0)
            rows.add([(v.U[d, h], 1.0), (v.Z[d], -1.0)], -np.inf, 0.0)
            rows.add([(v.U[d, h], 1.0), (v.Y[h], -1.0), (v.Z[d], -1.0)], -1.0, np.inf)


def _connected(rows: _Rows, v: Layout, B: int, arcs: list[tuple[int, int]]) -> None:
    """Connected beats: one root sends one unit of flow to every chosen beat through chosen beats."""
    rows.add([(v.R[b], 1.0) for b in range(B)], -np.inf, 1.0)
    for b in range(B):
        rows.add([(v.R[b], 1.0), (v.X[b], -1.0)], -np.inf, 0.0)
        rows.add([(v.G[b], 1.0), (v.R[b], -float(B))], -np.inf, 0.0)
        terms = [(v.G[b], 1.0), (v.X[b], -1.0)]
        terms += [(v.F[k], 1.0) for k, (i, j) in enumerate(arcs) if j == b]
        terms += [(v.F[k], -1.0) for k, (i, j) in enumerate(arcs) if i == b]
        rows.add(terms, 0.0, 0.0)
    for k, (i, j) in enumerate(arcs):
        rows.add([(v.F[k], 1.0), (v.X[i], -float(B - 1))], -np.inf, 0.0)
        rows.add([(v.F[k], 1.0), (v.X[j], -float(B - 1))], -np.inf, 0.0)
