"""Erlang C: the M/M/c steady state the kernel is checked against."""

from __future__ import annotations

from ..errors import UsageError


def erlang_c(teams: int, arrival_rate: float, service_rate: float) -> tuple[float, float]:
    """P(wait > 0) and mean wait of an M/M/c queue (Erlang C).

    Returns
    -------
    tuple of float
        ``(probability_of_waiting, mean_wait)``, the wait in the time unit of the rates.

    Examples
    --------
    >>> p, w = erlang_c(1, 0.5, 1.0)   # M/M/1: P(wait) = rho, W = rho / (mu - lambda)
    >>> round(p, 6), round(w, 6)
    (0.5, 1.0)
    """
    a = arrival_rate / service_rate
    rho = a / teams
    if rho >= 1:
        msg = f"offered load {a:.3g} needs more than {teams} teams for a steady state"
        raise UsageError(msg)
    term = 1.0
    total = 1.0
    for k in range(1, teams):
        term *= a / k
        total += term
    last = term * a / teams / (1 - rho)
    p_wait = last / (total + last)
    return p_wait, p_wait / (teams * service_rate - arrival_rate)
