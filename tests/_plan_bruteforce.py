"""Planning optima by brute force: every beat subset × day subset × cyclic daily window.

Independent of ``plan/solve.py`` (which searches only whole areas, single windows and the busiest
days): used by test_plan.py and test_plan_search.py on instances small enough to enumerate.
"""

from __future__ import annotations

import itertools

import numpy as np


def windows(H):
    """Every contiguous (cyclic) set of hours, the empty one included."""
    out = {()}
    for length in range(1, H):
        for start in range(H):
            out.add(tuple(sorted((start + k) % H for k in range(length))))
    out.add(tuple(range(H)))
    return out


def connected(beats, adjacency):
    if not beats:
        return True
    beats = set(beats)
    seen, todo = set(), [next(iter(beats))]
    while todo:
        b = todo.pop()
        if b in seen:
            continue
        seen.add(b)
        todo += [j for i, j in adjacency if i == b and j in beats] + [i for i, j in adjacency if j == b and i in beats]
    return seen == beats


def all_plans(calls, teams, budget, cap, adjacency=None, allowed=None):
    """Yield (covered calls, team-hours, beats, days, hours) of every plan within the budget."""
    B, D, H = calls.shape
    cap = np.broadcast_to(np.asarray(cap, dtype=float), (D, H))
    for r in range(B + 1):
        for beats in itertools.combinations(range(B), r):
            if allowed is not None and not all(allowed[b] for b in beats):
                continue
            if adjacency is not None and not connected(beats, adjacency):
                continue
            demand = calls[list(beats)].sum(axis=0) if beats else np.zeros((D, H))
            for days in itertools.chain.from_iterable(itertools.combinations(range(D), k) for k in range(D + 1)):
                for win in windows(H):
                    if teams * len(days) * len(win) > budget:
                        continue
                    covered = sum(min(demand[d, h], cap[d, h]) for d in days for h in win)
                    yield covered, teams * len(days) * len(win), beats, days, win


def enumerate_best(calls, teams, budget, cap, adjacency=None, allowed=None):
    """The most calls any plan within the budget covers."""
    return max(p[0] for p in all_plans(calls, teams, budget, cap, adjacency, allowed))
