"""The calibration constants (``data/synth_calibration.yaml``, each with its source) and the tables made from them.

Read on first use, not at import (importing a module reads no file). ``altresponse.synth``
exposes every constant as a module attribute (``synth.CALLS_PER_BEAT_2021``) through
:func:`constant`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import yaml

# Derived, not read: the default volume gives a year of output the real per-beat public volume.
_DERIVED = ("CALLS_PER_YEAR", "CALLS_PER_YEAR_DEFAULT", "BLOCKS_PER_STREET")


def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


@cache
def calibration() -> dict[str, Any]:
    """Every constant by name (lists as tuples, DECC priority groups as ints)."""
    text = (resources.files("altresponse") / "data" / "synth_calibration.yaml").read_text(encoding="utf-8")
    cal = {k: _tuples(v) for k, v in yaml.safe_load(text).items()}
    cal["DECC_INTERVALS"] = {k: {int(g): v for g, v in t.items()} for k, t in cal["DECC_INTERVALS"].items()}
    cal["CALLS_PER_YEAR"] = cal["CALLS_PER_YEAR_DEFAULT"] = round(
        sum(cal["CALLS_PER_BEAT_2021"].values()) / ((1 - cal["SELF_INITIATED_SHARE"]) * (1 - cal["CANCELLED_SHARE"]))
    )
    cal["BLOCKS_PER_STREET"] = cal["BLOCKS_PER_BEAT"] // cal["STREETS_PER_BEAT"]
    return cal


def constant(name: str) -> Any:
    return calibration()[name]


# --- tables made from the constants ---------------------------------------------------------


@dataclass(frozen=True)
class Natures:
    names: tuple[str, ...]
    groups: tuple[str, ...]
    public_probs: np.ndarray  # [n_beats, n_natures], rows sum to 1 (zero for self natures)
    self_probs: np.ndarray  # [n_natures]
    priority_cum: np.ndarray  # [n_natures, n_codes] cumulative


def eligible_extra_share() -> float:
    """Share of public calls given to ASSIST PERSON + FOLLOW UP + INDECENCY."""
    c = calibration()
    return c["ELIGIBLE_CALLS_PER_YEAR"] / c["POLICE_CALLS_PER_YEAR"] - pooled_real_share().sum()


def pooled_real_share() -> np.ndarray:
    c = calibration()
    counts = np.array(list(c["REAL_NATURE_COUNTS_BY_BEAT"].values()), dtype=float).sum(axis=0)
    total = sum(c["CALLS_PER_BEAT_2021"][b] for b in c["REAL_NATURE_COUNTS_BY_BEAT"])
    return counts / total


def nature_table(beats: tuple[str, ...]) -> Natures:
    """Per-beat public nature probabilities, self-initiated ones, and each nature's priority mix."""
    c = calibration()
    real_natures = c["REAL_NATURES"]
    alarm_share = sum(c["ALARM_SOURCE_COUNTS"].values()) / c["FILTERED_CALLS_2021"]
    extra_share = eligible_extra_share()
    rest_share = 1.0 - extra_share - alarm_share - pooled_real_share().sum()
    specs: list[tuple[str, str, float, dict]] = []  # (name, group, citywide public share, prio)
    for name in real_natures:
        specs.append((name, "care", np.nan, {k: float(v) for k, v in c["REAL_PRIORITY_COUNTS"][name].items()}))
    for block, mass in ((c["EXTRA_CARE_NATURES"], extra_share), (c["ALARM_NATURES"], alarm_share), (c["OTHER_NATURES"], rest_share)):
        weight = sum(s for _, _, s, _ in block)
        specs.extend((n, g, mass * s / weight, p) for n, g, s, p in block)
    n_public = len(specs)
    self_weight = sum(s for _, _, s, _ in c["SELF_INITIATED_NATURES"])
    self_specs = [(n, g, s / self_weight, p) for n, g, s, p in c["SELF_INITIATED_NATURES"]]
    names = tuple(s[0] for s in specs) + tuple("SELF:" + s[0] for s in self_specs)
    groups = tuple(s[1] for s in specs + self_specs)

    n_nat = len(names)
    public = np.zeros((len(beats), n_nat))
    pooled = pooled_real_share()
    other_share = np.array([s[2] for s in specs[len(real_natures):]])
    for i, beat in enumerate(beats):
        if beat in c["REAL_NATURE_COUNTS_BY_BEAT"]:
            real = np.array(c["REAL_NATURE_COUNTS_BY_BEAT"][beat], float) / c["CALLS_PER_BEAT_2021"][beat]
        else:
            real = pooled
        public[i, : len(real_natures)] = real
        public[i, len(real_natures) : n_public] = other_share / other_share.sum() * (1.0 - real.sum())
    selfp = np.zeros(n_nat)
    selfp[n_public:] = [s[2] for s in self_specs]

    codes = c["PRIORITY_CODES"]
    prio = np.zeros((n_nat, len(codes)))
    for j, (_, _, _, p) in enumerate(specs + self_specs):
        for code, w in p.items():
            prio[j, codes.index(code)] = w
    display = tuple(n.removeprefix("SELF:") for n in names)
    return Natures(display, groups, public, selfp, cum(prio))


def lognormal_params(median: float, p90: float) -> tuple[float, float]:
    return float(np.log(median)), float((np.log(p90) - np.log(median)) / 1.2815515655446004)


def cum(p: np.ndarray) -> np.ndarray:
    """Cumulative probabilities along the last axis, exactly 1.0 from the last non-zero on."""
    p = np.asarray(p, float)
    out = np.cumsum(p / p.sum(axis=-1, keepdims=True), axis=-1)
    last = p.shape[-1] - 1 - np.argmax((p > 0)[..., ::-1], axis=-1)
    cols = np.arange(p.shape[-1])
    return np.where(cols >= np.expand_dims(last, -1), 1.0, out)


def pick(table: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Index into a cumulative table; ``table`` is 1-D or [rows, k] matched to u's rows."""
    if table.ndim == 1:
        return np.minimum(np.searchsorted(table, u, side="right"), len(table) - 1)
    return np.minimum((table < u[:, None]).sum(axis=1), table.shape[1] - 1)
