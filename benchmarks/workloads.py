"""The timed workloads of `make bench`, each run in its own process by benchmarks/bench.py:

    python -m benchmarks.workloads TASK [N_DRAWS]

prints one JSON object. A national-scale input is built directly as kernel arrays: 44 footprints ×
60 months (April 2019 to March 2024) × draws, each footprint about 2,400 admissions a year with
stays of 32–38 days on average (CV 1: exponential stays), and beds near the offered load.
"""

from __future__ import annotations

import hashlib
import json
import resource
import sys
import time

import numpy as np
from numba import njit

from stpmodel.kernels import streams

N_FOOTPRINTS = 44
DAYS = np.array([30, 31, 30, 31, 31, 30, 31, 30, 31, 31, 28, 31] * 5, dtype=np.int64)  # [month]
WARMUP = 380.0  # [days]: stpmodel's default, 10 × the longest mean stay (38 days)


def bed_inputs(n_draws: int, seed: int = 1) -> tuple:
    """Arguments for stpmodel.kernels.beds.project_beds, [draw, footprint, month]."""
    rng = np.random.default_rng(seed)
    shape = (n_draws, N_FOOTPRINTS, 1)
    n_months = len(DAYS)
    rate = 2400.0 / 365.0 * rng.uniform(0.9, 1.1, shape) * np.ones(n_months)  # [admissions/day]
    los = rng.uniform(32.0, 38.0, shape) * np.ones(n_months)  # [days]
    beds = np.round(rate * los * rng.uniform(0.9, 1.05, shape))  # near the load
    seeds = rng.integers(0, 2**32, (n_draws, N_FOOTPRINTS), dtype=np.uint32)
    return (DAYS, rate, los, np.ones((n_draws, N_FOOTPRINTS)), beds, 0, False, WARMUP, seeds)


def simulated_admissions(args: tuple) -> float:
    """Expected admissions simulated, warm-up included: Σ rate × days + rate[0] × warm-up."""
    rate = args[1]
    return float((rate * DAYS).sum() + (rate[..., 0] * WARMUP).sum())


def iapt_inputs(n_draws: int, seed: int = 2) -> tuple:
    """Arguments for stpmodel.kernels.waiting_list.project: IAPT from 15% to 25% access; 53.4% of
    courses finish, with 6.9 sessions (1 if not), at £173.55 a session; each wait has a
    lognormal pathway delay of median 11.7 days and log-sd 1.07; staff at the start deliver the
    first month's plan."""
    from stpmodel.kernels import waiting_list as k

    rng = np.random.default_rng(seed)
    n_months = len(DAYS)
    series = np.zeros((n_draws, N_FOOTPRINTS, k.N_SERIES, n_months))
    adults = rng.uniform(5e5, 2e6, (n_draws, N_FOOTPRINTS, 1))
    series[:, :, k.S_ADULTS] = adults
    series[:, :, k.S_PREVALENCE] = 0.17
    series[:, :, k.S_ACCESS] = np.linspace(0.15, 0.25, n_months)
    series[:, :, k.S_REFERRALS] = adults * 0.17 * np.linspace(0.15, 0.25, n_months) / 12 / 0.68
    completion, finished, not_finished = 0.534, 6.9, 1.0
    for row, value in [(k.S_ENTRY, 0.68), (k.S_COMPLETION, completion), (k.S_CASENESS, 0.937),
                       (k.S_RECOVERY, 0.522), (k.S_COST_PER_SESSION, 173.55),
                       (k.S_RECRUITMENT, 2.0)]:
        series[:, :, row] = value
    per_course = completion * finished + (1.0 - completion) * not_finished  # [sessions/entry]
    scalars = np.zeros((n_draws, N_FOOTPRINTS, k.N_SCALARS))
    scalars[..., k.C_WAITING0] = 1800.0
    scalars[..., k.C_COURSE_DAYS] = 49.0
    scalars[..., k.C_SESSIONS_FINISHED] = finished
    scalars[..., k.C_SESSIONS_NOT_FINISHED] = not_finished
    scalars[..., k.C_SESSIONS_PER_WTE] = 1000.0
    scalars[..., k.C_WTE0] = adults[..., 0] * 0.17 * 0.15 * per_course / 1000.0
    scalars[..., k.C_DELAY_MEDIAN] = 11.7
    scalars[..., k.C_DELAY_SIGMA] = 1.07
    scalars[..., k.C_WAIT_FIRST] = k.WAIT_6_WEEKS
    scalars[..., k.C_WAIT_SECOND] = k.WAIT_18_WEEKS
    return DAYS, series, scalars


def timed(function, *args) -> tuple[float, object]:
    """Wall time [s] of a call, and its result."""
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def cpu_timed(function, *args) -> tuple[float, object]:
    """CPU time [s] of a call (every thread of this process), and its result: for one-thread
    figures, which a shared machine's other work then moves less."""
    start = time.process_time()
    result = function(*args)
    return time.process_time() - start, result


def small(args: tuple) -> tuple:
    """The same arguments cut to one draw: compiles (or loads from the cache) before timing."""
    return tuple(a[:1] if isinstance(a, np.ndarray) and a.ndim > 1 else a for a in args)


def national(n_draws: int) -> dict:
    """Both kernels on the whole national grid, as one run would call them; peak RSS."""
    from stpmodel.kernels import beds
    from stpmodel.kernels import waiting_list as kernel

    bed_args, iapt_args = bed_inputs(n_draws), iapt_inputs(n_draws)
    beds.project_beds(*small(bed_args))
    kernel.project(*small(iapt_args))
    bed_s, out = timed(beds.project_beds, *bed_args)
    iapt_s, _ = timed(kernel.project, *iapt_args)
    share = float(out[:, :, beds.B_OAP_ADMISSIONS].sum() / out[:, :, beds.B_ADMISSIONS].sum())
    return {"beds_s": bed_s, "iapt_s": iapt_s, "admissions": simulated_admissions(bed_args),
            "oap_share": share, "peak_rss_mb": peak_rss_mb()}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def kernels(n_draws: int) -> dict:
    """Kernel throughput on n_draws × 44 footprints × 60 months (threads: NUMBA_NUM_THREADS)."""
    from stpmodel.kernels import beds
    from stpmodel.kernels import waiting_list as kernel

    bed_args, iapt_args = bed_inputs(n_draws), iapt_inputs(n_draws)
    beds.project_beds(*small(bed_args))
    kernel.project(*small(iapt_args))
    start = time.process_time()
    bed_s, out = timed(beds.project_beds, *bed_args)
    bed_cpu_s = time.process_time() - start
    iapt_cpu_s, _ = cpu_timed(kernel.project, *iapt_args)
    return {"beds_s": bed_s, "beds_cpu_s": bed_cpu_s, "iapt_cpu_s": iapt_cpu_s,
            "admissions": simulated_admissions(bed_args),
            "cells": n_draws * N_FOOTPRINTS * len(DAYS),
            "digest": hashlib.sha256(out.tobytes()).hexdigest()}


@njit(cache=True)
def _draws_own(rate, los, seeds, per_stream):  # pragma: no cover - compiled
    """Two exponential draws per admission from the kernel's streams, summed."""
    total = 0.0
    for i in range(seeds.shape[0]):
        st = streams.new_stream(seeds[i])
        gap = 1.0 / rate[i]
        for _ in range(per_stream):
            e, st = streams.exponential(st)
            total += e * gap
            e, st = streams.exponential(st)
            total += e * los[i]
    return total


@njit(cache=True)
def _draws_numba(rate, los, seeds, per_stream):  # pragma: no cover - compiled
    """The same draws from numba's np.random (a Mersenne Twister, and a logarithm a draw)."""
    total = 0.0
    for i in range(seeds.shape[0]):
        np.random.seed(seeds[i])
        for _ in range(per_stream):
            total += np.random.exponential(1.0 / rate[i])
            total += np.random.gamma(1.0, los[i])
    return total


def floor(n_draws: int) -> dict:
    """The least work an admission needs: its two random numbers (the gap to the next arrival
    and the stay: with CV 1 both exponential, each a ziggurat draw from one xoshiro256++ word),
    drawn and summed, nothing else. With the kernel's own streams and, for comparison, with
    numba's np.random. One thread."""
    args = bed_inputs(n_draws)
    rate, los = args[1][:, :, 0].ravel(), args[2][:, :, 0].ravel()
    seeds = args[8].ravel()
    per_stream = int(simulated_admissions(args) / len(seeds))
    _draws_own(rate[:3], los[:3], seeds[:3], 9)  # compiled (or loaded) before timing
    _draws_numba(rate[:3], los[:3], seeds[:3], 9)
    own_s, _ = cpu_timed(_draws_own, rate, los, seeds, per_stream)
    numba_s, _ = cpu_timed(_draws_numba, rate, los, seeds, per_stream)
    return {"own_s": own_s, "numba_s": numba_s, "admissions": float(per_stream * len(seeds))}


def reference(n_footprints: int) -> dict:
    """The plain NumPy/Python references (tests/test_oracle.py) against the kernels on the same
    footprints, one thread."""
    from stpmodel.kernels import beds
    from stpmodel.kernels import waiting_list as kernel
    from tests.test_oracle import reference_beds, reference_iapt

    args = bed_inputs(1)
    days, rate, los, cv, bed, dist, repatriate, warmup, seeds = args
    picked = tuple(a[:, :n_footprints] if isinstance(a, np.ndarray) and a.ndim > 1 else a
                   for a in args)
    beds.project_beds(*small(picked))
    kernel_s = min(cpu_timed(beds.project_beds, *picked)[0] for _ in range(5))
    start = time.process_time()
    for f in range(n_footprints):
        reference_beds(days, rate[0, f], los[0, f], 1.0, bed[0, f], dist, repatriate, warmup,
                       seeds[0, f])
    reference_s = time.process_time() - start

    days, series, scalars = iapt_inputs(1)
    kernel.project(days, series, scalars)
    iapt_kernel_s = min(cpu_timed(kernel.project, days, series, scalars)[0] for _ in range(5))
    start = time.process_time()
    for f in range(N_FOOTPRINTS):
        reference_iapt(days, series[0, f], scalars[0, f])
    iapt_reference_s = time.process_time() - start
    return {"beds_kernel_s": kernel_s, "beds_reference_s": reference_s,
            "iapt_kernel_s": iapt_kernel_s,
            "iapt_reference_s": iapt_reference_s}


def simpy_oap_share(rate: float, los: float, beds: int, days: float, warmup: float,
                    seed: int) -> float:
    """One SimPy replication of the same loss system, written as SimPy's documentation would
    have it: a Resource of beds, an arrival process and a process per stay. The share of
    admissions after ``warmup`` that found every bed full."""
    import random

    import simpy

    rng = random.Random(seed)
    env = simpy.Environment()
    ward = simpy.Resource(env, capacity=beds)
    counts = [0, 0]  # admissions, placed out of area (after the warm-up)

    def stay(duration: float):
        with ward.request() as request:
            yield request
            yield env.timeout(duration)

    def arrivals():
        while True:
            yield env.timeout(rng.expovariate(rate))
            duration = rng.expovariate(1.0 / los)
            counted = env.now >= warmup
            counts[0] += counted
            if ward.count < ward.capacity:
                env.process(stay(duration))
            else:
                counts[1] += counted

    env.process(arrivals())
    env.run(until=warmup + days)
    return counts[1] / counts[0]


def erlang_b(a: float, c: int) -> float:
    inv = 1.0
    for k in range(1, c + 1):
        inv = 1.0 + inv * k / a
    return 1.0 / inv


def peer_ciw(replications: int) -> dict:
    """Ciw, SimPy and the kernel on one footprint's ward: 6.6 admissions a day staying 35 days
    (CV 1) on 220 beds, 3 years after a 380-day warm-up. CPU time per simulated bed-year (run
    it on one thread), and the share placed out of area with its Monte Carlo error, beside
    Erlang's B(a, c)."""
    from stpmodel.kernels import beds
    from tests.test_ciw import ciw_oap_share, mean_and_error

    rate, los, n_beds, years = 2400.0 / 365.0, 35.0, 220, 3
    shares, start = [], time.process_time()
    for seed in range(replications):
        shares.append(ciw_oap_share(rate, los, 1.0, n_beds, 365.0 * years, WARMUP, seed)[0])
    ciw_s = time.process_time() - start
    simpy_shares, start = [], time.process_time()
    for seed in range(replications):
        simpy_shares.append(simpy_oap_share(rate, los, n_beds, 365.0 * years, WARMUP, seed))
    simpy_s = time.process_time() - start
    draws = 400
    days = np.array([30, 31, 30, 31, 31, 30, 31, 30, 31, 31, 28, 31] * years, dtype=np.int64)
    grid = np.ones((draws, 1, len(days)))
    args = (days, grid * rate, grid * los, np.ones((draws, 1)), grid * n_beds, beds.LOS_GAMMA,
            False, WARMUP, np.arange(draws, dtype=np.uint32).reshape(draws, 1))
    beds.project_beds(*small(args))
    kernel_s, out = cpu_timed(beds.project_beds, *args)
    kernel_shares = (out[:, 0, beds.B_OAP_ADMISSIONS].sum(axis=1)
                     / out[:, 0, beds.B_ADMISSIONS].sum(axis=1))
    bed_years = n_beds * (WARMUP + 365.0 * years) / 365.0  # per replication, warm-up included
    ciw_mean, ciw_error = mean_and_error(shares)
    simpy_mean, simpy_error = mean_and_error(simpy_shares)
    kernel_mean, kernel_error = mean_and_error(kernel_shares)
    return {"ciw_s_per_bed_year": ciw_s / (replications * bed_years),
            "simpy_s_per_bed_year": simpy_s / (replications * bed_years),
            "kernel_s_per_bed_year": kernel_s / (draws * bed_years),
            "ciw_share": ciw_mean, "ciw_error": ciw_error,
            "simpy_share": simpy_mean, "simpy_error": simpy_error,
            "kernel_share": kernel_mean, "kernel_error": kernel_error,
            "erlang_b": erlang_b(rate * los, n_beds)}


def outside(n_draws: int) -> dict:
    """Everything a national run does but the bed kernel: england-ltp.yaml through
    results.report (inputs, the other kernels, derived rows, tables and totals) with the bed
    kernel replaced by one that writes nothing. CPU time (run it on one thread) and peak RSS."""
    from pathlib import Path

    from stpmodel.kernels import beds
    from stpmodel.results import report
    from stpmodel.scenario import load_scenario

    beds.project_beds_into = lambda *args: None
    path = Path(__file__).resolve().parent.parent / "scenarios" / "england-ltp.yaml"
    warm = load_scenario(path).with_overrides(draws=2)
    report(warm.with_members(warm.members[:1]), "year")  # the other kernels loaded
    scenario = load_scenario(path).with_overrides(draws=n_draws)
    cpu_s, _ = cpu_timed(report, scenario, "year")
    return {"cpu_s": cpu_s, "peak_rss_mb": peak_rss_mb()}


TASKS = {"national": national, "kernels": kernels, "floor": floor, "reference": reference,
         "ciw": peer_ciw, "outside": outside}

if __name__ == "__main__":
    task, size = sys.argv[1], int(sys.argv[2])
    print(json.dumps(TASKS[task](size)))
