"""The bed simulation against queueing theory, and its invariants under common random numbers.

Expected values are closed forms: Erlang's loss formula and Little's law. The simulation's
Monte Carlo error is estimated from independent draws (standard error of the mean over draws).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stpmodel.kernels import beds as b

YEARS = 10
DAYS = np.full(12 * YEARS, 30, dtype=np.int64)  # 30-day months: 3,600 days a run


def erlang_b(a: float, c: int) -> float:
    """Erlang's loss formula B(a, c) by the stable recurrence 1/B(a, k) = 1 + k/(a B(a, k-1))."""
    inv = 1.0
    for k in range(1, c + 1):
        inv = 1.0 + inv * k / a
    return 1.0 / inv


def simulate(rate, los, cv, beds, *, draws=20, dist=b.LOS_GAMMA, repatriate=False,
             warmup=3650.0, days=DAYS, seed0=1, project=b.project_beds):
    m = len(days)
    shape = (draws, 1, m)
    seeds = np.arange(seed0, seed0 + draws, dtype=np.uint32).reshape(draws, 1)
    rate = np.broadcast_to(np.asarray(rate, dtype=float), shape).copy()
    los = np.broadcast_to(np.asarray(los, dtype=float), shape).copy()
    beds = np.broadcast_to(np.asarray(beds, dtype=float), shape).copy()
    return project(days, rate, los, np.full((draws, 1), cv), beds, dist, repatriate, warmup,
                   seeds)[:, 0]


def test_erlang_b_reference_values():
    """B(1, 1) = 1/2; B(2, 2) = (2²/2)/(1 + 2 + 2²/2) = 2/5."""
    assert erlang_b(1.0, 1) == pytest.approx(0.5)
    assert erlang_b(2.0, 2) == pytest.approx(0.4)


@pytest.mark.parametrize("dist", [b.LOS_GAMMA, b.LOS_LOGNORMAL], ids=["gamma", "lognormal"])
@pytest.mark.parametrize("beds", [75, 60, 45], ids=["light", "near-capacity", "overloaded"])
def test_out_of_area_share_is_erlang_b(dist, beds):
    """2 admissions a day staying 30 days on average offer a = 60 beds of load. With no
    repatriation the long-run share placed out of area is B(60, c) whatever the length-of-stay
    distribution (the insensitivity of the loss formula); CV 1.5 makes the two shapes differ.
    B(60, 75) ≈ 0.0083, B(60, 60) ≈ 0.096, B(60, 45) ≈ 0.29."""
    out = simulate(2.0, 30.0, 1.5, float(beds), dist=dist)
    share = out[:, b.B_OAP_ADMISSIONS].sum(axis=1) / out[:, b.B_ADMISSIONS].sum(axis=1)
    error = share.std(ddof=1) / math.sqrt(len(share))
    expected = erlang_b(60.0, beds)
    assert abs(share.mean() - expected) < 4 * error + 1e-4, (share.mean(), expected, error)


@pytest.mark.parametrize("dist", [b.LOS_GAMMA, b.LOS_LOGNORMAL], ids=["gamma", "lognormal"])
def test_littles_law_with_unlimited_beds(dist):
    """With beds never full, mean occupancy = λ × mean stay = 2 × 30 = 60 beds, and nobody is
    placed out of area."""
    out = simulate(2.0, 30.0, 1.2, 10_000.0, dist=dist)
    occupancy = out[:, b.B_LOCAL_BED_DAYS].sum(axis=1) / DAYS.sum()
    error = occupancy.std(ddof=1) / math.sqrt(len(occupancy))
    assert abs(occupancy.mean() - 60.0) < 4 * error, (occupancy.mean(), error)
    assert out[:, b.B_OAP_ADMISSIONS].sum() == 0 and out[:, b.B_OAP_BED_DAYS].sum() == 0
    # the stays reported are those drawn: mean 30 days
    los = out[:, b.B_LOS_DAYS].sum() / out[:, b.B_ADMISSIONS].sum()
    assert los == pytest.approx(30.0, rel=0.02)


def test_plain_python_agrees_with_erlang_b_too():
    """The same simulation uncompiled (py_func). Its random streams differ from numba's, so it
    is checked against the closed form: a = 1 × 20 = 20 beds of load on 20 beds,
    B(20, 20) ≈ 0.159. Smaller, so its Monte Carlo error is wider."""
    days = np.full(24, 30, dtype=np.int64)
    out = simulate(1.0, 20.0, 1.0, 20.0, draws=8, days=days, warmup=400.0,
                   project=b.project_beds.py_func)
    share = out[:, b.B_OAP_ADMISSIONS].sum(axis=1) / out[:, b.B_ADMISSIONS].sum(axis=1)
    error = share.std(ddof=1) / math.sqrt(len(share))
    assert abs(share.mean() - erlang_b(20.0, 20)) < 4 * error


def test_bed_days_add_up():
    """Every bed day is either local or out of area, and local bed days never exceed beds open;
    the warm-up's admissions are not counted but the beds they hold are."""
    out = simulate(2.0, 30.0, 1.0, 50.0, draws=4)
    assert (out[:, b.B_LOCAL_BED_DAYS] <= out[:, b.B_BED_DAYS_OPEN] + 1e-9).all()
    assert (out[:, b.B_BED_DAYS_OPEN] == 50 * 30).all()
    assert out[:, b.B_LOCAL_BED_DAYS, 0].min() > 0.8 * 50 * 30  # wards are full from month one


def test_repatriation_brings_patients_home_sooner():
    """Same arrivals and stays (common random numbers): bringing OAPs home when a bed frees
    cuts out-of-area bed days but not out-of-area admissions."""
    stay = simulate(2.0, 30.0, 1.0, 55.0, draws=10)
    home = simulate(2.0, 30.0, 1.0, 55.0, draws=10, repatriate=True)
    np.testing.assert_array_equal(stay[:, b.B_ADMISSIONS], home[:, b.B_ADMISSIONS])
    assert home[:, b.B_OAP_BED_DAYS].sum() < 0.8 * stay[:, b.B_OAP_BED_DAYS].sum()
    # total bed days are conserved: a repatriated stay moves from out of area to local
    total = stay[:, b.B_LOCAL_BED_DAYS] + stay[:, b.B_OAP_BED_DAYS]
    total_home = home[:, b.B_LOCAL_BED_DAYS] + home[:, b.B_OAP_BED_DAYS]
    np.testing.assert_allclose(total.sum(axis=1), total_home.sum(axis=1), rtol=1e-9)



@pytest.mark.parametrize("repatriate", [False, True], ids=["stay-out", "repatriate"])
def test_cutting_beds_below_those_occupied_moves_the_surplus_out_of_area(repatriate):
    """6 admissions a day staying 35 days offer a = 210 beds of load. On 240 beds, then cut to
    120 in month 13 and to 10 in month 25 (the issue's cuts: they gave occupancy 1.09 and
    13.45), the patients a cut leaves without a bed go out of area for the rest of their stay.
    So occupancy is at most 1 in every month, and with load far above the beds it is near 1: a
    bed that frees is taken again within 1/6 of a day on average. Just after the cut to 120 the
    patients kept are those due out soonest, and they leave about as fast as patients arrive,
    so that month is emptier: 0.94 on average over 800 draws, 0.76 the least (and from the
    next month on, never below 0.9).
    With repatriation it is exactly 1: some OAP is always out, and comes home the moment a bed
    frees. Every bed day
    is still there, local or out of area: per month, local + OAP bed days are those of the same
    arrivals and stays on 240 beds throughout (common random numbers). A move is not a new
    admission, so out-of-area admissions never exceed admissions."""
    days = np.full(36, 30, dtype=np.int64)
    cut = np.repeat([240.0, 120.0, 10.0], 12)
    out = simulate(6.0, 35.0, 1.0, cut, draws=4, days=days, warmup=700.0,
                   repatriate=repatriate)
    kept = simulate(6.0, 35.0, 1.0, 240.0, draws=4, days=days, warmup=700.0,
                    repatriate=repatriate)
    occupancy = out[:, b.B_LOCAL_BED_DAYS] / out[:, b.B_BED_DAYS_OPEN]
    assert occupancy.max() <= 1.0 + 1e-12
    assert occupancy[:, 12].min() > 0.75  # the month of the cut (see above)
    assert occupancy[:, 13:].min() > 0.9  # full: the load is far above 120 or 10 beds
    if repatriate:
        np.testing.assert_allclose(occupancy[:, 12:], 1.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(out[:, b.B_LOCAL_BED_DAYS] + out[:, b.B_OAP_BED_DAYS],
                               kept[:, b.B_LOCAL_BED_DAYS] + kept[:, b.B_OAP_BED_DAYS],
                               rtol=1e-9)
    np.testing.assert_array_equal(out[:, b.B_ADMISSIONS], kept[:, b.B_ADMISSIONS])
    np.testing.assert_array_equal(out[:, b.B_LOS_DAYS], kept[:, b.B_LOS_DAYS])
    assert (out[:, b.B_OAP_ADMISSIONS] <= out[:, b.B_ADMISSIONS]).all()
    # before the cut nothing differs; after it, the moved stays' days are out of area
    np.testing.assert_array_equal(out[:, :, :12], kept[:, :, :12])
    assert (out[:, b.B_OAP_BED_DAYS, 12] > kept[:, b.B_OAP_BED_DAYS, 12]).all()


def test_a_cut_in_a_month_with_no_admissions_still_moves_the_surplus():
    """With no admissions at all in the months after a cut, nobody new arrives to be turned
    away, but those already in beds beyond the new number still leave them at the cut."""
    days = np.full(6, 30, dtype=np.int64)
    rate = np.array([2.0, 2.0, 0.0, 0.0, 0.0, 0.0])
    out = simulate(rate, 30.0, 0.0, np.array([80.0, 80.0, 20.0, 20.0, 20.0, 20.0]), draws=2,
                   days=days, warmup=400.0)
    occupancy = out[:, b.B_LOCAL_BED_DAYS] / out[:, b.B_BED_DAYS_OPEN]
    assert occupancy.max() <= 1.0 + 1e-12
    assert (out[:, b.B_OAP_BED_DAYS, 2] > 0).all()
    assert (out[:, b.B_OAP_ADMISSIONS, 2:] == 0).all()  # a move is not an admission


# --- properties under common random numbers --------------------------------------------------

cases = st.tuples(st.floats(0.2, 5.0), st.floats(3.0, 60.0), st.floats(0.0, 2.0),
                  st.integers(1, 200), st.sampled_from([b.LOS_GAMMA, b.LOS_LOGNORMAL]))
SHORT = np.full(12, 30, dtype=np.int64)


@settings(max_examples=60, deadline=None)
@given(cases, st.integers(1, 50))
def test_more_beds_never_gives_more_oap_days(case, extra):
    """Holds on every sample path, not just on average. With the same arrivals and stays, every
    admission that c beds admit, c + k beds admit too: the larger ward holds the smaller one's
    patients plus at most k more at any moment, since it only gains an extra while the smaller
    ward is full and it is not. So its out-of-area set is a subset of the smaller ward's."""
    rate, los, cv, beds, dist = case
    few = simulate(rate, los, cv, float(beds), draws=3, dist=dist, days=SHORT, warmup=400.0)
    more = simulate(rate, los, cv, float(beds + extra), draws=3, dist=dist, days=SHORT,
                    warmup=400.0)
    assert (more[:, b.B_OAP_BED_DAYS].sum(axis=1)
            <= few[:, b.B_OAP_BED_DAYS].sum(axis=1) + 1e-9).all()
    assert (more[:, b.B_OAP_ADMISSIONS] <= few[:, b.B_OAP_ADMISSIONS]).all()
    assert (few >= 0).all() and (more >= 0).all()


@settings(max_examples=30, deadline=None)
@given(cases, st.floats(1.25, 3.0))
def test_more_admissions_never_gives_fewer_oap_days_on_average(case, factor):
    """More admissions (× 1.25 to × 3) with the same streams. Unlike beds this is not true on
    every sample path (an earlier admission can block a short stay and so admit a later long
    one), so it is asserted for the total over 40 draws."""
    rate, los, cv, beds, dist = case
    base = simulate(rate, los, cv, float(beds), draws=40, dist=dist, days=SHORT, warmup=400.0)
    busier = simulate(rate * factor, los, cv, float(beds), draws=40, dist=dist, days=SHORT,
                      warmup=400.0)
    assert busier[:, b.B_OAP_BED_DAYS].sum() >= base[:, b.B_OAP_BED_DAYS].sum() - 1e-9
    assert busier[:, b.B_ADMISSIONS].sum() >= base[:, b.B_ADMISSIONS].sum()


@settings(max_examples=30, deadline=None)
@given(st.floats(0.2, 5.0), st.floats(3.0, 40.0), st.floats(0.0, 1.0))
def test_no_oap_days_when_beds_far_exceed_the_load(rate, los, cv):
    """Offered load a = rate × stay; with 2a + 60 beds, and stays this concentrated (CV ≤ 1),
    being full is vanishingly rare (B(a, 2a + 60) < 1e-20 for the loads drawn)."""
    a = rate * los
    out = simulate(rate, los, cv, float(math.ceil(2 * a + 60)), draws=3, days=SHORT,
                   warmup=400.0)
    assert out[:, b.B_OAP_BED_DAYS].sum() == 0


def test_the_plan_and_its_counterfactual_together_equal_two_runs():
    """project_beds_pair simulates the months before the counterfactual's inputs differ from
    the plan's once, and continues each from there: bit for bit two project_beds calls. 120
    random cases: the difference from the warm-up on, from a month on, or none; every stay
    distribution, CV 0 to 3, repatriation, beds cut."""
    rng = np.random.default_rng(17)
    for _ in range(120):
        months, draws = int(rng.integers(2, 30)), 3
        days = rng.integers(28, 32, months).astype(np.int64)
        rate = rng.uniform(0.5, 6, (draws, 1, months))
        los = rng.uniform(5, 40, (draws, 1, months))
        beds = np.round(rate * los * rng.uniform(0.5, 1.2, (draws, 1, months)))
        held_rate, held_los, held_beds = rate.copy(), los.copy(), beds.copy()
        split = int(rng.integers(-1, months + 1))  # -1: the warm-up differs; months: none
        if split < months:
            start = max(split, 0)
            held_rate[..., start:] *= rng.uniform(0.8, 1.2)
            held_los[..., start:] = held_los[..., start : start + 1]
            held_beds[..., start:] = np.round(held_beds[..., start:] * rng.uniform(0.3, 1.3))
        cv = np.full((draws, 1), float(rng.choice([0.0, 0.5, 1.0, 2.0, 3.0])))
        dist, repatriate = int(rng.integers(0, 2)), bool(rng.integers(0, 2))
        seeds = rng.integers(0, 2**32, (draws, 1), dtype=np.uint32)
        common = (dist, repatriate, 60.0, seeds)
        plan, held = b.project_beds_pair(days, rate, los, cv, beds, held_rate, held_los,
                                         held_beds, *common)
        np.testing.assert_array_equal(plan, b.project_beds(days, rate, los, cv, beds, *common))
        np.testing.assert_array_equal(held, b.project_beds(days, held_rate, held_los, cv,
                                                           held_beds, *common))
        if split == months:  # nothing differs: the counterfactual is the plan
            np.testing.assert_array_equal(held, plan)


def test_written_in_place_equals_the_pools_runs_summed():
    """project_beds_into writes into a run's own array, at a row offset, the pools of each
    footprint summed: bit for bit the sums, in pool order, of project_beds for the plan and
    (with the counterfactual) project_beds_pair's OAP bed days; the rows around are left
    alone. 60 random cases: 1 to 3 pools a footprint, with and without the counterfactual,
    every stay distribution, repatriation."""
    rng = np.random.default_rng(1717)
    for case in range(60):
        months, draws = int(rng.integers(2, 20)), 3
        pools = rng.integers(1, 4, int(rng.integers(1, 4)))
        n_pools = int(pools.sum())
        pool_start = np.concatenate([[0], np.cumsum(pools)]).astype(np.int64)
        days = rng.integers(28, 32, months).astype(np.int64)
        rate = rng.uniform(0.5, 6, (draws, n_pools, months))
        los = rng.uniform(5, 40, (draws, n_pools, months))
        beds = np.round(rate * los * rng.uniform(0.5, 1.2, (draws, n_pools, months)))
        held_rate = rate * rng.uniform(0.8, 1.2)
        held_los = np.repeat(los[..., :1], months, axis=2)
        held_beds = np.repeat(beds[..., :1], months, axis=2)
        cv = np.full((draws, n_pools), float(rng.choice([0.0, 0.5, 1.0, 2.0])))
        dist, repatriate = int(rng.integers(0, 2)), bool(rng.integers(0, 2))
        seeds = rng.integers(0, 2**32, (draws, n_pools), dtype=np.uint32)
        common = (dist, repatriate, 60.0, seeds)
        has_held = case % 2 == 0
        first = 2
        out = np.zeros((draws, len(pools), first + b.N_BED_OUTPUTS + 2, months))
        out[:, :, 0] = 7.0  # a row before the kernel's, and one after
        out[:, :, -1] = 9.0
        held = (held_rate, held_los, held_beds) if has_held else (rate, los, beds)
        b.project_beds_into(days, rate, los, cv, beds, *held, *common, has_held, pool_start, out,
                            first)
        if has_held:
            plan, held = b.project_beds_pair(days, rate, los, cv, beds, held_rate, held_los,
                                             held_beds, *common)
        else:
            plan, held = b.project_beds(days, rate, los, cv, beds, *common), None
        want = np.zeros((draws, len(pools), b.N_BED_OUTPUTS + 1, months))
        for f in range(len(pools)):
            for j in range(pool_start[f], pool_start[f + 1]):
                want[:, f, : b.N_BED_OUTPUTS] += plan[:, j]
                if held is not None:
                    want[:, f, b.N_BED_OUTPUTS] += held[:, j, b.B_OAP_BED_DAYS]
        np.testing.assert_array_equal(out[:, :, first : first + b.N_BED_OUTPUTS + 1], want)
        assert (out[:, :, 0] == 7.0).all() and (out[:, :, -1] == 9.0).all()
        assert (out[:, :, 1] == 0.0).all()
        assert want[:, :, b.B_ADMISSIONS].sum() > 0


def test_the_default_warm_up_is_as_good_as_one_twice_as_long():
    """The first quarter's out-of-area bed days depend on the OAPs already out at the start,
    who were placed in the last few mean stays: with the default warm-up (at least 365 days,
    10 mean stays) the first quarter agrees with a warm-up twice as long within 3 standard
    errors over 3,000 draws (docs/performance.md, Not done: 1.7 there at 4,000), where 3 mean
    stays fall far short (a fifth, there), so the test can tell."""
    from types import SimpleNamespace

    from stpmodel.services.inpatient.run import warmup_days

    days = np.array([30, 31, 30, 31, 31, 30], dtype=np.int64)
    draws, rate, los, beds = 3000, 2400 / 365, 35.0, 220
    grid = np.ones((draws, 1, len(days)))
    default = warmup_days(SimpleNamespace(warmup_days=None), np.array([los]), np.array([1.0]))
    assert default == 365.0

    def first_quarter(warm: float, offset: int) -> tuple[float, float]:
        seeds = np.arange(draws, dtype=np.uint32).reshape(draws, 1) + offset
        out = b.project_beds(days, grid * rate, grid * los, np.ones((draws, 1)), grid * beds,
                             b.LOS_GAMMA, False, warm, seeds)
        oap = out[:, 0, b.B_OAP_BED_DAYS, :3].sum(axis=1)
        return float(oap.mean()), float(oap.var(ddof=1) / draws)

    (m1, v1), (m2, v2) = first_quarter(default, 0), first_quarter(2 * default, draws)
    assert abs(m1 - m2) < 3 * math.sqrt(v1 + v2)
    m3, v3 = first_quarter(3 * los, 2 * draws)
    assert m2 - m3 > 3 * math.sqrt(v2 + v3)
