"""Small-cell suppression with complementary suppression, as pure functions over counts.

The public site shows counts of calls about people in crisis, so any count from 1 to
``min_cell - 1`` is hidden (*primary* suppression; 0 is shown, it identifies no one). Hiding a
cell is not enough when its row and column totals are published: a hidden cell would be the
total minus the others. So more cells are hidden (*complementary* suppression) until no hidden
value can be solved for.

Why the test below is exact. Write the table with its margins as an (R+1) × (C+1) array whose
last column holds minus the row totals, last row minus the column totals and the corner the
grand total: then every row and every column of that array sums to zero, and those are all
the linear facts a reader has. The hidden cells are edges of a bipartite graph (row i — column
j). Values that keep every sum are the published ones plus a circulation on that graph, so a
hidden cell is pinned down exactly when its edge lies on no cycle (a *bridge*). If every hidden
cell is positive, a small circulation keeps them all non-negative, so a hidden cell on a cycle
has more than one possible value even to a reader who knows counts are never negative.
:func:`suppress_table` therefore hides positive cells until the graph has no bridge, preferring
inner cells with small counts and never hiding the grand total.

Tables that share a margin (monthly counts by response and by call type share the month
totals) stay consistent when the shared margin is decided once, with :func:`suppress_vector`,
and passed to each table as ``hidden_row_totals``: a reader then learns nothing from one table
that helps with another beyond totals both already treat as known.

Examples
--------
>>> import pandas as pd
>>> t = suppress_table(pd.DataFrame({"a": [20, 3], "b": [30, 40]}, index=["x", "y"]), min_cell=11)
>>> t.cells.isna().to_numpy().tolist()  # the 3, and three more so it cannot be solved for
[[True, True], [True, True]]
>>> int(t.row_totals["y"]), t.total
(43, 93)
>>> suppress_vector(pd.Series({"p": 4, "q": 50, "r": 60}), min_cell=11).tolist()
[<NA>, <NA>, 60]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MIN_CELL = 11
_MARGIN_PENALTY = 10**9  # hide a margin only when no inner cell will do
_ZERO_PENALTY = 10**12  # a hidden 0 can pin its cycle, so use one only as a last resort


@dataclass(frozen=True)
class Suppressed:
    """A table as published: hidden cells are ``<NA>``.

    Attributes
    ----------
    cells : DataFrame
        Inner cells (nullable Int64).
    row_totals, col_totals : Series
        Margins (nullable Int64).
    total : int or None
        Grand total (None only when it is itself below ``min_cell``).
    hidden : ndarray of bool, shape (R+1, C+1)
        Which entries of the table-with-margins are hidden (last row/column: the margins).
    primary : ndarray of bool, same shape
        Which of those were hidden because they are small (the rest hide others).
    """

    cells: pd.DataFrame
    row_totals: pd.Series
    col_totals: pd.Series
    total: int | None
    hidden: np.ndarray
    primary: np.ndarray


def small(value: int | float, min_cell: int = MIN_CELL) -> bool:
    """Whether a count must be hidden by itself (1 .. min_cell-1)."""
    return 0 < value < min_cell


def augmented(counts: pd.DataFrame) -> np.ndarray:
    """The table with its margins: inner cells, row totals (last column), column totals (last
    row), grand total (corner). Counts only; the signs of the zero-sum form are left to callers."""
    x = counts.to_numpy(dtype=np.int64)
    out = np.zeros((x.shape[0] + 1, x.shape[1] + 1), dtype=np.int64)
    out[:-1, :-1] = x
    out[:-1, -1] = x.sum(axis=1)
    out[-1, :-1] = x.sum(axis=0)
    out[-1, -1] = x.sum()
    return out


def bridges(hidden: np.ndarray) -> list[tuple[int, int]]:
    """Hidden entries that lie on no cycle of the row–column graph: those a reader can solve for.

    Parameters
    ----------
    hidden
        Boolean (R+1) × (C+1) mask over the table with margins.
    """
    n_rows, n_cols = hidden.shape
    edges = [(int(i), int(j)) for i, j in zip(*np.nonzero(hidden))]
    adj: dict[int, list[tuple[int, int]]] = {}
    for k, (i, j) in enumerate(edges):
        adj.setdefault(i, []).append((n_rows + j, k))
        adj.setdefault(n_rows + j, []).append((i, k))
    out = []
    for k, (i, j) in enumerate(edges):
        # is column node j reachable from row node i without edge k?
        seen, stack = {i}, [i]
        while stack:
            node = stack.pop()
            for nxt, e in adj.get(node, ()):
                if e != k and nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        if n_rows + j not in seen:
            out.append((i, j))
    return out


def _cost(values: np.ndarray, cells: list[tuple[int, int]]) -> int:
    n_rows, n_cols = values.shape
    cost = 0
    for i, j in cells:
        v = int(values[i, j])
        cost += v
        if i == n_rows - 1 or j == n_cols - 1:
            cost += _MARGIN_PENALTY
        if v == 0:
            cost += _ZERO_PENALTY
    return cost


def protect(values: np.ndarray, hidden: np.ndarray, fixed: np.ndarray) -> np.ndarray:
    """Hide more entries until no hidden entry is a bridge (see the module docstring).

    Parameters
    ----------
    values
        The table with margins (:func:`augmented`).
    hidden
        Entries hidden so far.
    fixed
        Entries whose state must not change (e.g. a shared margin, the grand total).

    Returns
    -------
    ndarray of bool
        The final mask. Raises nothing: if no rectangle can protect a cell, every entry that is
        not fixed is hidden (a table that small says nothing safely).
    """
    hidden = hidden.copy()
    n_rows, n_cols = values.shape
    for _ in range(n_rows * n_cols):
        open_bridges = bridges(hidden)
        if not open_bridges:
            return hidden
        r, c = open_bridges[0]
        best, best_cost = None, None
        for r2 in range(n_rows):
            for c2 in range(n_cols):
                if r2 == r or c2 == c:
                    continue
                new = [(a, b) for a, b in ((r, c2), (r2, c), (r2, c2)) if not hidden[a, b]]
                if any(fixed[a, b] for a, b in new):
                    continue
                cost = _cost(values, new)
                if best_cost is None or cost < best_cost:
                    best, best_cost = new, cost
        if best is None:
            break
        for a, b in best:
            hidden[a, b] = True
    hidden = hidden | ~fixed
    return hidden


def suppress_table(
    counts: pd.DataFrame,
    *,
    min_cell: int = MIN_CELL,
    hidden_row_totals: pd.Series | None = None,
) -> Suppressed:
    """Hide small cells of a two-way table of counts, and enough others that none can be solved for.

    Parameters
    ----------
    counts
        Non-negative integer counts; rows and columns are the table's two dimensions.
    min_cell
        Counts from 1 to ``min_cell - 1`` are hidden.
    hidden_row_totals
        Boolean per row (index as ``counts``): the decision on a row margin other tables share
        (from :func:`suppress_vector`); those row totals are hidden and no others.

    Returns
    -------
    Suppressed
    """
    values = augmented(counts)
    n_rows, n_cols = values.shape
    primary = (values > 0) & (values < min_cell)
    hidden = primary.copy()
    fixed = np.zeros_like(hidden)
    fixed[-1, -1] = True  # the grand total is on the page as a headline
    if hidden_row_totals is not None:
        shared = hidden_row_totals.reindex(counts.index).fillna(False).to_numpy(dtype=bool)
        hidden[:-1, -1] = shared
        fixed[:-1, -1] = True
    if values[-1, -1] < min_cell:  # a table this small shows nothing but its zeros
        hidden = values > 0
    else:
        hidden = protect(values, hidden, fixed)
    shown = np.where(hidden, -1, values)

    def nullable(arr):
        return pd.array([None if v < 0 else int(v) for v in arr], dtype="Int64")

    cells = pd.DataFrame(
        {col: nullable(shown[:-1, j]) for j, col in enumerate(counts.columns)}, index=counts.index
    )
    row_totals = pd.Series(nullable(shown[:-1, -1]), index=counts.index, name="total")
    col_totals = pd.Series(nullable(shown[-1, :-1]), index=counts.columns, name="total")
    total = None if hidden[-1, -1] else int(values[-1, -1])
    return Suppressed(cells, row_totals, col_totals, total, hidden, primary)


def suppress_vector(counts: pd.Series, *, min_cell: int = MIN_CELL) -> pd.Series:
    """Hide small counts of a one-way table whose total is published, and a second one where
    only one is hidden (else it is the total minus the rest).

    Returns
    -------
    Series
        Nullable Int64, ``<NA>`` where hidden.
    """
    wide = counts.to_frame("n").T
    # one row: its total is the grand total, published
    table = suppress_table(wide, min_cell=min_cell, hidden_row_totals=pd.Series([False], index=wide.index))
    return pd.Series(table.cells.iloc[0].to_numpy(), index=counts.index, dtype="Int64", name=counts.name)


def hide_rate(numerator: int | float, denominator: int | float, *, min_cell: int = MIN_CELL) -> bool:
    """Whether a share ``numerator / denominator`` must be hidden.

    A share with its denominator tells the numerator, so it is hidden when the denominator, the
    numerator or the rest (denominator − numerator) is a small count (a share of 2 in 300 names
    two people as surely as the count 2 does).
    """
    if denominator is None or pd.isna(denominator) or denominator < min_cell:
        return True
    rest = denominator - numerator
    return small(numerator, min_cell) or small(rest, min_cell)


def hide_statistic(n: int | float, *, min_cell: int = MIN_CELL) -> bool:
    """Whether a median, percentile or mean of ``n`` calls must be hidden (fewer than ``min_cell``)."""
    return n is None or pd.isna(n) or n < min_cell
