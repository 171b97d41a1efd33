"""Turn a validated scenario into the kernels' input arrays on the monthly grid.

This is the one place where trajectories are resolved, units are converted to the kernels'
monthly or daily basis (a year's referrals → per month, weeks → days, ...), and random streams
are derived from the master seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import beds as b
from . import kernel as k
from .scenario import Crisis, Iapt, Inpatient, Scenario
from .timeline import Timeline

STREAM_BEDS = 0xBED5  # the bed simulation's streams: (seed, STREAM_BEDS, draw, footprint)


@dataclass(frozen=True)
class IaptInputs:
    """series[draw, footprint, S_*, month]; scalars[draw, footprint, C_*]."""

    series: np.ndarray
    scalars: np.ndarray


@dataclass(frozen=True)
class BedInputs:
    """Arrays for :func:`stpmodel.beds.project_beds`; [draw, footprint, month] unless noted."""

    rate: np.ndarray  # admissions offered [admissions/day]
    los_mean: np.ndarray  # [days]
    los_cv: np.ndarray  # [draw, footprint]
    beds: np.ndarray  # [beds]
    dist: int
    repatriate: bool
    warmup_days: float
    seeds: np.ndarray  # [draw, footprint] uint32


def adults_by_month(adults: float, growth: np.ndarray) -> np.ndarray:
    """Adult population each month [persons]: ``adults`` in the first month, then compounding
    monthly at the annual ``growth[month]`` [fraction/year]: × (1 + g)^(1/12) a month."""
    factors = np.power(1.0 + growth, 1.0 / 12.0)
    factors[0] = 1.0
    return adults * np.cumprod(factors)


def population_index(scenario: Scenario, timeline: Timeline) -> np.ndarray:
    """Population each month relative to the start month [ratio, n_months]."""
    growth = scenario.population.growth.resolve(timeline.months)
    return adults_by_month(1.0, growth)


def _grid(one: np.ndarray, n_draws: int) -> np.ndarray:
    """Repeat one footprint's array for every draw: [draw, footprint=1, ...]."""
    return np.ascontiguousarray(np.broadcast_to(one, (n_draws, 1, *one.shape)))


def build_iapt(iapt: Iapt, scenario: Scenario, timeline: Timeline) -> IaptInputs:
    months = timeline.months
    staff = iapt.workforce
    one = np.empty((k.N_SERIES, timeline.n_months), dtype=np.float64)
    one[k.S_ADULTS] = scenario.population.adults * population_index(scenario, timeline)
    one[k.S_PREVALENCE] = iapt.prevalence.resolve(months)
    one[k.S_ACCESS] = iapt.access.resolve(months)
    one[k.S_REFERRALS] = iapt.referrals.resolve(months) / 12.0
    one[k.S_ENTRY] = iapt.entry_rate.resolve(months)
    one[k.S_COMPLETION] = iapt.completion_rate.resolve(months)
    one[k.S_CASENESS] = iapt.caseness_rate.resolve(months)
    one[k.S_RECOVERY] = iapt.recovery_rate.resolve(months)
    one[k.S_COST_PER_COURSE] = iapt.cost_per_course.resolve(months)
    one[k.S_RECRUITMENT] = staff.recruitment.resolve(months) / 12.0

    fixed = np.empty(k.N_SCALARS, dtype=np.float64)
    fixed[k.C_WAITING0] = iapt.waiting_list
    fixed[k.C_COURSE_DAYS] = max(1.0, round(iapt.course_weeks * 7.0))
    fixed[k.C_SESSIONS_PER_COURSE] = iapt.sessions_per_course
    fixed[k.C_SESSIONS_PER_WTE] = staff.sessions_per_wte
    fixed[k.C_WTE0] = staff.wte
    n = scenario.n_draws
    return IaptInputs(_grid(one, n), _grid(fixed, n))


def crisis_effect(crisis: Crisis | None, timeline: Timeline) -> np.ndarray:
    """Fall in admissions against no crisis team, each month [fraction, n_months]:
    basic_coverage × basic_effect + core_coverage × core_effect."""
    if crisis is None:
        return np.zeros(timeline.n_months)
    months = timeline.months
    return (crisis.basic_coverage.resolve(months) * crisis.basic_effect
            + crisis.core_coverage.resolve(months) * crisis.core_effect)


def admissions_by_month(inpatient: Inpatient, scenario: Scenario,
                        timeline: Timeline) -> tuple[np.ndarray, np.ndarray]:
    """Expected admissions each month with the crisis cover planned, and with the start month's
    cover held [admissions/month, n_months each]. Baseline admissions already reflect today's
    teams, so crisis effects count relative to the start month: × (1 − e[m]) / (1 − e[0])."""
    effect = crisis_effect(scenario.crisis, timeline)
    held = inpatient.admissions / 12.0 * population_index(scenario, timeline)
    return held * (1.0 - effect) / (1.0 - effect[0]), held


def warmup_days(inpatient: Inpatient, first_mean_los: float) -> float:
    if inpatient.warmup_days is not None:
        return float(inpatient.warmup_days)
    return max(365.0, 10.0 * first_mean_los * max(1.0, inpatient.los_cv ** 2))


def stream_seeds(seed: int, stream: int, n_draws: int, n_footprints: int) -> np.ndarray:
    """One 32-bit seed per draw and footprint, from (seed, stream, draw, footprint), so that
    adding draws or footprints never changes the streams of the others [uint32]."""
    out = np.empty((n_draws, n_footprints), dtype=np.uint32)
    for d in range(n_draws):
        for f in range(n_footprints):
            sequence = np.random.SeedSequence([seed, stream, d, f])
            out[d, f] = sequence.generate_state(1, np.uint32)[0]
    return out


def build_beds(inpatient: Inpatient, scenario: Scenario, timeline: Timeline, *,
               held: bool = False) -> BedInputs:
    """The bed kernel's inputs. ``held``: the counterfactual in which beds, stays and crisis
    cover stay as in the start month (population still grows), on the same random streams."""
    months = timeline.months
    planned, held_admissions = admissions_by_month(inpatient, scenario, timeline)
    admissions = held_admissions if held else planned
    los = inpatient.los_days.resolve(months)
    beds = inpatient.beds.resolve(months)
    if held:
        los = np.full_like(los, los[0])
        beds = np.full_like(beds, beds[0])
    n = scenario.n_draws
    dist = b.LOS_LOGNORMAL if inpatient.los_distribution == "lognormal" else b.LOS_GAMMA
    return BedInputs(
        rate=_grid(admissions / timeline.days, n),
        los_mean=_grid(los, n),
        los_cv=np.full((n, 1), inpatient.los_cv),
        beds=_grid(beds, n),
        dist=dist,
        repatriate=inpatient.repatriate,
        warmup_days=warmup_days(inpatient, float(los[0])),
        seeds=stream_seeds(int(scenario.seed), STREAM_BEDS, n, 1),
    )
