"""The simulation: the FIFO kernel against Erlang C, hand-computed cases, and bad parameters."""

from __future__ import annotations

import math

import ibis
import numpy as np
import pandas as pd
import pytest

from altresponse.errors import UsageError
from altresponse.simulate import erlang_c, hours_mask, run_queue, simulate

AS_OF = "2024-01-01"  # FakeProgram has one period for every date; the library needs the date explicitly

from _planning_fixtures import FakePeriod, FakeProgram, all_week, classified_frame


# --------------------------------------------------------------------------- queueing theory


@pytest.mark.parametrize(("teams", "arrival_rate"), [(1, 0.7), (3, 2.1), (6, 4.8)])
def test_mmc_matches_erlang_c(teams, arrival_rate):
    """Mean wait and P(wait > 0) within 2% of Erlang C (M/M/c, infinite patience)."""
    service_rate = 1.0
    rng = np.random.default_rng(20240605 + teams)
    replications, customers, warmup = 40, 100_000, 2_000
    waits, waited = [], []
    for _ in range(replications):
        arrivals = np.cumsum(rng.exponential(1 / arrival_rate, customers))
        service = rng.exponential(1 / service_rate, customers)
        wait = (run_queue(arrivals, service, teams) - arrivals)[warmup:]
        waits.append(wait.mean())
        waited.append((wait > 0).mean())
    p_theory, w_theory = erlang_c(teams, arrival_rate, service_rate)
    assert abs(np.mean(waits) / w_theory - 1) < 0.02
    assert abs(np.mean(waited) / p_theory - 1) < 0.02


def test_erlang_c_known_values():
    # M/M/1: P(wait) = rho; M/M/2 with a = 1: C = 1/3, W = C / (2 mu - lambda)
    assert erlang_c(1, 0.25, 1.0) == pytest.approx((0.25, 0.25 / 0.75))
    assert erlang_c(2, 1.0, 1.0) == pytest.approx((1 / 3, 1 / 3))


# --------------------------------------------------------------------------- kernel by hand


def test_three_calls_one_team_by_hand():
    # arrivals 0, 5, 8; 10 min each: starts 0, 10, 20; waits 0, 5, 12
    starts = run_queue([0.0, 5.0, 8.0], [10.0, 10.0, 10.0], 1)
    assert starts.tolist() == [0.0, 10.0, 20.0]


def test_three_calls_one_team_max_wait_falls_back():
    # with at most 10 min of wait the third call (would wait 12) leaves, using no team time
    starts = run_queue([0.0, 5.0, 8.0], [10.0, 10.0, 10.0], 1, deadlines=[10.0, 15.0, 18.0])
    assert starts[:2].tolist() == [0.0, 10.0]
    assert math.isnan(starts[2])


def test_fallback_call_frees_its_place_in_line():
    # call 2 leaves at its deadline; call 3 then starts when call 1 ends
    starts = run_queue([0.0, 1.0, 2.0], [10.0, 10.0, 10.0], 1, deadlines=[0.0, 5.0, 30.0])
    assert starts[0] == 0.0 and math.isnan(starts[1]) and starts[2] == 10.0


def test_two_teams_by_hand():
    starts = run_queue([0.0, 1.0, 2.0, 3.0], [10.0, 4.0, 10.0, 1.0], 2)
    assert starts.tolist() == [0.0, 1.0, 5.0, 10.0]


# --------------------------------------------------------------------------- simulate()


def _tiny_frame(times, beats, onscene_minutes=10.0, **kw):
    frame = classified_frame(times, beats, **kw)
    received_utc = frame["received_local"].dt.tz_localize("UTC")
    frame["onscene_at"] = received_utc
    frame["cleared_at"] = received_utc + pd.Timedelta(minutes=onscene_minutes)
    return frame


def _program(teams=1, area=None, hours=None):
    return FakeProgram(FakePeriod(service_area=area, hours=hours if hours is not None else all_week(), teams_per_shift=teams))


FIXED = dict(mode="replay", travel="fixed", default_travel_minutes=0.0, min_samples=1, what_ifs=False)


def test_simulate_replay_three_calls_by_hand():
    frame = _tiny_frame(["2021-03-01 10:00", "2021-03-01 10:05", "2021-03-01 10:08"], ["111"] * 3)
    out = simulate(ibis.memtable(frame), _program(), replications=1, **FIXED, as_of=AS_OF)
    assert out["answered_share"]["mean"] == 1.0
    assert out["wait_minutes_mean"]["mean"] == pytest.approx(17 / 3)
    assert out["wait_minutes_p50"]["mean"] == pytest.approx(5.0)
    assert out["fallback_to_police"]["mean"] == 0
    # one week simulated, 30 busy minutes out of 168 team-hours
    assert out["utilization"]["mean"] == pytest.approx(30 / (168 * 60))
    assert out["answered_share"]["ci_low"] is None  # one replication: no interval


def test_simulate_max_wait_falls_back_to_police():
    frame = _tiny_frame(["2021-03-01 10:00", "2021-03-01 10:05", "2021-03-01 10:08"], ["111"] * 3)
    out = simulate(frame, _program(), replications=1, max_wait_minutes=10, **FIXED, as_of=AS_OF)
    assert out["answered_calls"]["mean"] == 2
    assert out["fallback_to_police"]["mean"] == 1
    assert out["answered_share"]["mean"] == pytest.approx(2 / 3)
    # freed police time uses the stated default (no dispatch/clear times): 2 x 45 min
    assert out["police_unit_hours_freed"]["mean"] == pytest.approx(1.5)


def test_simulate_area_hours_and_shift_end():
    # hours 09:00-17:00; 08:00 call is out of hours, beat 999 is out of area,
    # the 16:55 call cannot start before the shift closes (team busy until 17:00)
    frame = _tiny_frame(
        ["2021-03-01 08:00", "2021-03-01 12:00", "2021-03-01 16:50", "2021-03-01 16:55"],
        ["111", "999", "111", "111"],
    )
    prog = _program(area=["111"], hours=all_week(9 * 60, 17 * 60))
    out = simulate(frame, prog, replications=1, **FIXED, as_of=AS_OF)
    assert out["outside_program"]["mean"] == 2
    assert out["answered_calls"]["mean"] == 1
    assert out["fallback_to_police"]["mean"] == 1


def test_simulate_overnight_window():
    frame = _tiny_frame(["2021-03-01 23:30", "2021-03-02 02:00", "2021-03-02 12:00"], ["1"] * 3)
    prog = _program(hours=all_week(22 * 60, 6 * 60))  # 22:00 to 06:00 next day
    out = simulate(frame, prog, replications=1, **FIXED, as_of=AS_OF)
    assert out["answered_calls"]["mean"] == 2
    assert out["outside_program"]["mean"] == 1


def test_simulate_resample_intervals_and_what_ifs():
    rng = np.random.default_rng(7)
    n = 400
    times = pd.Timestamp("2021-01-04") + pd.to_timedelta(np.sort(rng.uniform(0, 8 * 7 * 1440, n)), unit="min")
    frame = classified_frame(times, rng.choice(["111", "112", "213"], n))
    prog = _program(teams=1, area=["111", "112"], hours=all_week(9 * 60, 17 * 60))
    out = simulate(frame, prog, replications=8, seed=3, max_teams=10, as_of=AS_OF)
    share = out["answered_share"]
    assert share["ci_low"] <= share["mean"] <= share["ci_high"]
    assert abs(out["eligible_calls"]["mean"] / n - 1) < 0.1
    names = [row["scenario"] for row in out["what_ifs"]]
    assert names == ["current", "24/7", "citywide", "24/7 citywide", "+1 teams"]
    by_name = {row["scenario"]: row for row in out["what_ifs"]}
    assert by_name["24/7 citywide"]["outside_program"] == 0
    assert by_name["+1 teams"]["answered_share"] >= by_name["current"]["answered_share"]
    curve = [row["answered_share"] for row in out["staffing_curve"]]
    assert curve == sorted(curve)
    assert out["teams_for_target"] == out["staffing_curve"][-1]["teams"]
    assert out["staffing_curve"][-1]["answered_share"] >= 0.9
    assert "assumed" in out["assumptions"]["time_on_scene"]  # no on-scene times in this data


def test_simulate_same_seed_same_numbers():
    rng = np.random.default_rng(1)
    times = pd.Timestamp("2021-01-04") + pd.to_timedelta(np.sort(rng.uniform(0, 14 * 1440, 60)), unit="min")
    frame = classified_frame(times, ["1"] * 60)
    a = simulate(frame, _program(), replications=3, seed=5, what_ifs=False, as_of=AS_OF)
    b = simulate(frame, _program(), replications=3, seed=5, what_ifs=False, as_of=AS_OF)
    assert a == b


# --------------------------------------------------------------------------- bad parameters


def _one_call():
    return classified_frame(["2021-03-01 10:00"], ["111"])


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"replications": 0}, "--replications"),
        ({"max_wait_minutes": -1}, "--max-wait-minutes"),
        ({"speed_kmh": 0}, "--speed-kmh"),
        ({"mode": "bogus"}, "--mode"),
    ],
)
def test_bad_parameters(kwargs, needle):
    with pytest.raises(UsageError, match=needle):
        simulate(_one_call(), _program(), **kwargs, as_of=AS_OF)


def test_zero_teams_is_an_error():
    with pytest.raises(UsageError, match="teams_per_shift"):
        simulate(_one_call(), _program(teams=0), as_of=AS_OF)


def test_hours_outside_the_day_are_an_error():
    with pytest.raises(UsageError, match="outside 0-24"):
        hours_mask({0: [(9 * 60, 25 * 60)]})
    with pytest.raises(UsageError, match="outside 0-24"):
        simulate(_one_call(), _program(hours={0: [(-60, 600)]}), as_of=AS_OF)


def test_missing_eligible_column_is_an_error():
    with pytest.raises(UsageError, match="eligible_team"):
        simulate(_one_call().drop(columns=["eligible_team"]), _program(), as_of=AS_OF)


def test_program_path_and_iso_date_accepted_like_classify():
    # A program file path and a YYYY-MM-DD string, as classify() takes them; a bad date names the argument.
    from paths import REPO

    frame = classified_frame(pd.to_datetime(["2024-01-02 10:00", "2024-01-02 11:00", "2024-01-03 12:00"]), ["111", "112", "111"], rid="crt")
    out = simulate(frame, REPO / "programs" / "durham-heart.yaml", as_of="2024-01-01", replications=1, what_ifs=False)
    assert (out["as_of"], out["program_period"]) == ("2024-01-01", "crt period citywide (2023-10-23..) on 2024-01-01")
    with pytest.raises(UsageError, match="as_of '2024-13-01' is not a date"):
        simulate(frame, REPO / "programs" / "durham-heart.yaml", as_of="2024-13-01")
