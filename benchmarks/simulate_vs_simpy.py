"""altresponse's FIFO team kernel vs the same models written with SimPy, side by side.

Run: .venv/bin/python benchmarks/simulate_vs_simpy.py

Two models, the same random stream for both simulators:
1. M/M/c: Poisson arrivals, exponential service, c teams, infinite patience.
2. Replay: a Durham-sized year (~20,000 eligible calls) with shift hours (08:00-20:00 every
   day) and a 30-minute maximum wait after which a call falls back to police.
Both simulators must give the same answer (checked); events per second count two events per
call (arrival and completion) for both. Then one full `simulate()` run (one replication, no
what-ifs) of a synthetic Durham-sized year is timed end to end.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import simpy

from altresponse.simulate import run_queue, simulate


def simpy_queue(arrivals, service, teams, deadlines=None):
    """SimPy baseline: FIFO Resource; a call leaves unserved when its deadline passes."""
    env = simpy.Environment()
    crew = simpy.Resource(env, capacity=teams)
    starts = np.full(len(arrivals), np.nan)

    def call(i, s):
        with crew.request() as req:
            if deadlines is None:
                yield req
            else:
                patience = deadlines[i] - env.now
                got = yield req | env.timeout(max(patience, 0.0))
                if req not in got:
                    return
            starts[i] = env.now
            yield env.timeout(s)

    def source():
        last = 0.0
        for i, (a, s) in enumerate(zip(arrivals.tolist(), service.tolist())):
            yield env.timeout(a - last)
            last = a
            env.process(call(i, s))

    env.process(source())
    env.run()
    return starts


def timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def compare(name, arrivals, service, teams, deadlines=None):
    ours, t_ours = timed(run_queue, arrivals, service, teams, deadlines)
    base, t_simpy = timed(simpy_queue, arrivals, service, teams, deadlines)
    same = np.array_equal(np.isnan(ours), np.isnan(base)) and np.allclose(ours[~np.isnan(ours)], base[~np.isnan(base)])
    events = 2 * len(arrivals)
    print(
        f"{name:<34} calls {len(arrivals):>9,}  altresponse {events / t_ours:>12,.0f} ev/s ({t_ours:.3f} s)  "
        f"SimPy {events / t_simpy:>10,.0f} ev/s ({t_simpy:.3f} s)  ratio {t_simpy / t_ours:5.1f}x  same answer: {same}"
    )
    return t_simpy / t_ours


def main():
    rng = np.random.default_rng(12345)
    # 1. M/M/10 at 80% load, 500,000 calls
    n, teams, lam, mu = 500_000, 10, 8.0, 1.0
    arrivals = np.cumsum(rng.exponential(1 / lam, n))
    service = rng.exponential(1 / mu, n)
    r1 = compare("M/M/10, rho 0.8", arrivals, service, teams)

    # 2. replay of a Durham-sized year: 20,000 calls, shifts 08-20 daily, 30-min max wait
    n = 20_000
    minutes = np.sort(rng.uniform(0, 365 * 1440, n))
    day_minute = minutes % 1440
    open_calls = (day_minute >= 480) & (day_minute < 1200)
    arr = minutes[open_calls]
    close = np.floor(arr / 1440) * 1440 + 1200
    deadlines = np.minimum(arr + 30.0, np.nextafter(close, -math.inf))
    busy = rng.lognormal(math.log(45) - 0.5 * math.log(1 + 0.75**2), math.sqrt(math.log(1 + 0.75**2)), arr.size) + 10.0
    r2 = compare("replay year, 2 teams, shifts+wait", arr, busy, 2, deadlines)

    # 3. one simulated year end to end through simulate() (prepare, sample, queue, metrics)
    times = pd.Timestamp("2023-01-02") + pd.to_timedelta(minutes, unit="min")
    frame = pd.DataFrame(
        {
            "received_local": times,
            "received_date": times.date,
            "beat": rng.choice([str(b) for b in range(111, 146)], n),
            "canonical_type": rng.choice(["WELFARE", "TRESPASS", "EDP"], n),
            "latitude": 35.99 + rng.normal(0, 0.03, n),
            "longitude": -78.90 + rng.normal(0, 0.03, n),
            "eligible_crt": True,
        }
    )

    class _Period:
        service_area = None
        hours = {d: [(480, 1200)] for d in range(7)}
        teams_per_shift = 2

    class _Program:
        planned_response = "crt"

        def response(self, rid):
            class R:
                def period_at(self, when):
                    return _Period()

            return R()

    simulate(frame.head(100), _Program(), replications=1, what_ifs=False, as_of="2024-01-01")  # warm imports
    _, t_year = timed(lambda: simulate(frame, _Program(), replications=1, what_ifs=False, as_of="2024-01-01"))
    print(f"{'one simulated year, simulate()':<34} calls {n:>9,}  {t_year:.3f} s end to end (target < 1 s)")
    print(f"summary: ratio vs SimPy {r1:.1f}x (M/M/c), {r2:.1f}x (replay); target >= 20x")


if __name__ == "__main__":
    main()
