"""Small cells are hidden, and no hidden value can be solved for from what is published.

The check is independent of the suppression code: it writes every linear fact a reader has
(each published cell, each row and column total, the grand total) as equations over the hidden
cells and asks linear algebra (a null-space basis) whether any hidden cell is fixed by them;
then, for random tables, a linear program bounds each hidden cell with counts ≥ 0 and checks
its lowest and highest possible values differ.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import null_space
from scipy.optimize import linprog

from altresponse.publish.suppress import augmented, hide_rate, hide_statistic, suppress_table, suppress_vector

K = 11


def _equations(values: np.ndarray, hidden: np.ndarray):
    """(A, b) over the hidden entries of a table with margins: rows, columns and the corner."""
    n_rows, n_cols = values.shape
    index = {cell: k for k, cell in enumerate(zip(*np.nonzero(hidden)))}
    a_rows, b = [], []

    def equation(terms):  # terms: [(coef, (i, j))] summing to 0
        row, rhs = np.zeros(len(index)), 0.0
        for coef, cell in terms:
            if cell in index:
                row[index[cell]] += coef
            else:
                rhs -= coef * values[cell]
        a_rows.append(row)
        b.append(rhs)

    for i in range(n_rows):  # inner cells of a row minus its total (the last row: column totals minus the grand total)
        equation([(1, (i, j)) for j in range(n_cols - 1)] + [(-1, (i, n_cols - 1))])
    for j in range(n_cols):
        equation([(1, (i, j)) for i in range(n_rows - 1)] + [(-1, (n_rows - 1, j))])
    return np.array(a_rows).reshape(len(a_rows), len(index)), np.array(b), list(index)


def solvable_cells(values: np.ndarray, hidden: np.ndarray) -> list[tuple[int, int]]:
    """Hidden entries the published equations determine exactly (linear algebra)."""
    a, _, cells = _equations(values, hidden)
    if not cells:
        return []
    basis = null_space(a) if a.size else np.eye(len(cells))
    return [cell for k, cell in enumerate(cells) if basis.shape[1] == 0 or np.allclose(basis[k], 0, atol=1e-9)]


def bounds(values: np.ndarray, hidden: np.ndarray) -> dict[tuple[int, int], tuple[float, float]]:
    """Lowest and highest value of each hidden entry given the equations and counts ≥ 0 (LP)."""
    a, b, cells = _equations(values, hidden)
    out = {}
    for k, cell in enumerate(cells):
        c = np.zeros(len(cells))
        c[k] = 1
        lo = linprog(c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        hi = linprog(-c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        assert lo.status == 0, lo.message  # the true table is feasible, so the minimum exists
        out[cell] = (lo.fun, np.inf if hi.status == 3 else -hi.fun)  # 3: unbounded (the grand total is hidden too)
    return out


def _check(counts: pd.DataFrame, result) -> None:
    values = augmented(counts)
    hidden = result.hidden
    # every small count is hidden, and every shown count is the true one
    assert not ((values > 0) & (values < K) & ~hidden).any()
    inner = result.cells.to_numpy(dtype=float, na_value=np.nan)
    assert np.array_equal(np.isnan(inner), hidden[:-1, :-1])
    assert np.array_equal(inner[~hidden[:-1, :-1]], values[:-1, :-1][~hidden[:-1, :-1]])
    assert solvable_cells(values, hidden) == []


SMALL = [0, 3, 11, 40]  # zero, small, the threshold, large


@pytest.mark.parametrize("shape", [(1, 3), (2, 2), (2, 3), (3, 2)])
def test_every_small_table_over_a_grid_of_values(shape):
    """Exhaustive: every table of this shape with cells from SMALL (4^6 = 4,096 for 2×3)."""
    n = shape[0] * shape[1]
    checked = 0
    for cells in itertools.product(SMALL, repeat=n):
        counts = pd.DataFrame(np.array(cells).reshape(shape))
        _check(counts, suppress_table(counts, min_cell=K))
        checked += 1
    assert checked == len(SMALL) ** n


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 6).flatmap(
        lambda r: st.integers(2, 5).flatmap(
            lambda c: st.lists(st.sampled_from([0, 1, 2, 5, 9, 10, 11, 12, 30, 80, 400]), min_size=r * c, max_size=r * c).map(
                lambda v: np.array(v).reshape(r, c)
            )
        )
    )
)
def test_random_tables_leave_no_hidden_cell_pinned_even_with_counts_at_least_zero(arr):
    counts = pd.DataFrame(arr)
    result = suppress_table(counts, min_cell=K)
    _check(counts, result)
    values = augmented(counts)
    for cell, (lo, hi) in bounds(values, result.hidden).items():
        assert hi - lo > 0.5, f"hidden cell {cell} = {values[cell]} is pinned to [{lo}, {hi}]"


def test_a_known_small_cell_is_hidden_with_its_partners():
    # rows: months; columns: responses. The 3 is a small cell; its row, its column and a
    # fourth cell are hidden so that 3 = total - others cannot be worked out.
    counts = pd.DataFrame({"team": [40, 3, 55], "police": [120, 90, 130]}, index=["Jan", "Feb", "Mar"])
    result = suppress_table(counts, min_cell=K)
    assert pd.isna(result.cells.loc["Feb", "team"])
    assert result.cells.isna().sum().sum() == 4
    assert result.total == 438
    assert list(result.row_totals) == [160, 93, 185]  # totals stay: the hidden cells form a rectangle
    _check(counts, result)


def test_tables_sharing_a_margin_are_safe_together():
    """Two tables with the same month totals: decide that margin once, then check the two
    tables' equations together (shared row totals are one set of unknowns)."""
    months = ["Jan", "Feb", "Mar", "Apr"]
    by_response = pd.DataFrame({"team": [12, 2, 30, 15], "police": [50, 4, 60, 70]}, index=months)
    by_type = pd.DataFrame({"welfare": [20, 1, 45, 40], "trespass": [42, 5, 45, 45]}, index=months)
    assert (by_response.sum(axis=1) == by_type.sum(axis=1)).all()
    margin = suppress_vector(by_response.sum(axis=1), min_cell=K).isna()
    assert margin["Feb"] and margin.sum() == 2  # Feb (6) and one partner: else Feb = total - the rest
    a = suppress_table(by_response, min_cell=K, hidden_row_totals=margin)
    b = suppress_table(by_type, min_cell=K, hidden_row_totals=margin)
    assert list(a.row_totals.isna()) == list(b.row_totals.isna()) == list(margin)
    # joint system: columns of A and B, one shared row-total column
    va, vb = augmented(by_response), augmented(by_type)
    joint = np.concatenate([va[:, :-1], vb[:, :-1], va[:, -1:]], axis=1)
    hidden = np.concatenate([a.hidden[:, :-1], b.hidden[:, :-1], a.hidden[:, -1:]], axis=1)
    # equations: each row of A's cells = total, each row of B's cells = total, each column sum = its total
    _, n_a = by_response.shape
    ncols = joint.shape[1]
    unknown = {cell: k for k, cell in enumerate(zip(*np.nonzero(hidden)))}
    rows, _ = [], None
    for i in range(joint.shape[0]):
        for block in (range(n_a), range(n_a, ncols - 1)):
            rows.append([(1, (i, j)) for j in block] + [(-1, (i, ncols - 1))])
    for j in range(ncols):
        rows.append([(1, (i, j)) for i in range(joint.shape[0] - 1)] + [(-1, (joint.shape[0] - 1, j))])
    m = np.zeros((len(rows), len(unknown)))
    for r, terms in enumerate(rows):
        for coef, cell in terms:
            if cell in unknown:
                m[r, unknown[cell]] += coef
    basis = null_space(m)
    pinned = [cell for cell, k in unknown.items() if np.allclose(basis[k], 0, atol=1e-9)]
    assert pinned == []


def test_vector_hides_a_partner_for_a_lone_small_count():
    out = suppress_vector(pd.Series({"111": 4, "112": 50, "113": 60, "114": 0}), min_cell=K)
    assert out.isna().tolist() == [True, True, False, False]  # 4, its smallest partner; 0 stays
    assert suppress_vector(pd.Series({"a": 12, "b": 30}), min_cell=K).tolist() == [12, 30]


def test_a_whole_table_below_the_threshold_shows_only_zeros():
    result = suppress_table(pd.DataFrame({"a": [3, 0], "b": [2, 4]}), min_cell=K)
    assert result.total is None
    assert result.cells.fillna(-1).to_numpy().tolist() == [[-1, -1], [0, -1]]


def test_rates_and_statistics_from_few_calls_are_hidden():
    assert hide_rate(5, 8)  # fewer than 11 calls
    assert hide_rate(2, 300)  # a share that names 2 people
    assert hide_rate(295, 300)  # ... or the 5 who did not
    assert not hide_rate(40, 300)
    assert hide_statistic(10) and not hide_statistic(11)
