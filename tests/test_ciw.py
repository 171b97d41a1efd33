"""The bed model in Ciw, a discrete-event simulation library for queueing networks, against
Erlang's loss formula and against the bed kernel (`make bench` times the same comparison).

The model is the kernel's, with constant rates and beds: Poisson admissions, gamma lengths of
stay, c beds and no queue (an admission that finds every bed full is lost to the ward: placed out
of area). Erlang B holds whatever the stay distribution, so all three must agree within Monte
Carlo error: the standard error of the mean of independent replications.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from stpmodel.kernels import beds as b

from .test_beds import erlang_b

ciw = pytest.importorskip("ciw", reason="ciw is not installed: pip install -e '.[dev]'")


def ciw_oap_share(rate: float, los: float, cv: float, beds: int, days: float, warmup: float,
                  seed: int) -> tuple[float, int]:
    """One Ciw replication: the share of admissions after ``warmup`` [days] that found every bed
    full, and how many admissions there were. rate [admissions/day], los [days]."""
    shape = 1.0 / (cv * cv)
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate)],
        service_distributions=[ciw.dists.Gamma(shape, los / shape)],
        number_of_servers=[beds], queue_capacities=[0])
    ciw.seed(seed)
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_time(warmup + days)
    records = [r for r in simulation.get_all_records(include_incomplete=True)
               if r.arrival_date >= warmup]
    lost = sum(r.record_type == "rejection" for r in records)
    return lost / len(records), len(records)


def kernel_oap_share(rate: float, los: float, cv: float, beds: int, days: float, warmup: float,
                     draws: int) -> np.ndarray:
    """The bed kernel's share placed out of area, one value per draw [fraction]."""
    months = int(days // 30)
    grid = np.full((draws, 1, months), 1.0)
    out = b.project_beds(np.full(months, 30, dtype=np.int64), grid * rate, grid * los,
                         np.full((draws, 1), cv), grid * beds, b.LOS_GAMMA, False, warmup,
                         np.arange(1, draws + 1, dtype=np.uint32).reshape(draws, 1))[:, 0]
    return out[:, b.B_OAP_ADMISSIONS].sum(axis=1) / out[:, b.B_ADMISSIONS].sum(axis=1)


def mean_and_error(values) -> tuple[float, float]:
    values = np.asarray(values, dtype=float)
    return float(values.mean()), float(values.std(ddof=1) / math.sqrt(len(values)))


def test_ciw_kernel_and_erlang_b_agree():
    """1 admission a day staying 10 days on average (CV 1.5), 10 beds: a = 10 beds of load,
    B(10, 10) ≈ 0.2146 lost. Ciw: 8 replications of 3,000 days after 300 of warm-up; the
    kernel: 40 draws of the same."""
    expected = erlang_b(10.0, 10)
    assert expected == pytest.approx(0.2146, abs=1e-4)
    ciw_mean, ciw_error = mean_and_error(
        [ciw_oap_share(1.0, 10.0, 1.5, 10, 3000.0, 300.0, seed)[0] for seed in range(8)])
    kernel_mean, kernel_error = mean_and_error(
        kernel_oap_share(1.0, 10.0, 1.5, 10, 3000.0, 300.0, 40))
    assert abs(ciw_mean - expected) < 4 * ciw_error, (ciw_mean, ciw_error, expected)
    assert abs(kernel_mean - expected) < 4 * kernel_error, (kernel_mean, kernel_error)
    both = math.hypot(ciw_error, kernel_error)
    assert abs(ciw_mean - kernel_mean) < 4 * both, (ciw_mean, kernel_mean, both)
