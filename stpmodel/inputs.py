"""Turn a validated scenario into the kernels' input arrays on the monthly grid.

This is the one place where trajectories are resolved, uncertain values are drawn (through a
:class:`~stpmodel.sampling.Sampler`), units are converted to the kernels' monthly or daily basis
(a year's referrals → per month, weeks → days, ...), and the bed simulation's random streams are
derived from the master seed. Shapes: [draw] for a value, [draw, month] for a trajectory.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from . import beds as b
from . import kernel as k
from .sampling import Sampler
from .scenario import Iapt, Inpatient, Scenario
from .timeline import Timeline
from .values import Trajectory

DAYS_PER_YEAR = 365.25
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


def adults_by_month(adults: np.ndarray | float, growth: np.ndarray) -> np.ndarray:
    """Adult population each month [persons, [..., month]]: ``adults`` in the first month, then
    compounding monthly at the annual ``growth[..., month]`` [fraction/year]: × (1 + g)^(1/12)."""
    factors = np.power(1.0 + np.asarray(growth, dtype=np.float64), 1.0 / 12.0)
    factors[..., 0] = 1.0
    return np.asarray(adults)[..., None] * np.cumprod(factors, axis=-1)


def population_index(scenario: Scenario, timeline: Timeline, sampler: Sampler) -> np.ndarray:
    """Population each month relative to the start month [ratio, draw × month]."""
    growth = sampler.series("population.growth", scenario.population.growth, timeline.months)
    return adults_by_month(1.0, growth)


def build_iapt(iapt: Iapt, scenario: Scenario, timeline: Timeline,
               sampler: Sampler) -> IaptInputs:
    months, n = timeline.months, sampler.n_draws
    staff = iapt.workforce

    def series(path: str) -> np.ndarray:
        trajectory = getattr_path(iapt, path)
        assert isinstance(trajectory, Trajectory)
        return sampler.series(f"iapt.{path}", trajectory, months)

    out = np.empty((n, 1, k.N_SERIES, timeline.n_months))
    adults = sampler.value("population.adults", scenario.population.adults)
    out[:, 0, k.S_ADULTS] = adults[:, None] * population_index(scenario, timeline, sampler)
    out[:, 0, k.S_PREVALENCE] = series("prevalence")
    out[:, 0, k.S_ACCESS] = series("access")
    out[:, 0, k.S_REFERRALS] = series("referrals") / 12.0
    out[:, 0, k.S_ENTRY] = series("entry_rate")
    out[:, 0, k.S_COMPLETION] = series("completion_rate")
    out[:, 0, k.S_CASENESS] = series("caseness_rate")
    out[:, 0, k.S_RECOVERY] = series("recovery_rate")
    out[:, 0, k.S_COST_PER_COURSE] = series("cost_per_course")
    out[:, 0, k.S_RECRUITMENT] = series("workforce.recruitment") / 12.0

    fixed = np.empty((n, 1, k.N_SCALARS))
    fixed[:, 0, k.C_WAITING0] = sampler.value("iapt.waiting_list", iapt.waiting_list)
    weeks = sampler.value("iapt.course_weeks", iapt.course_weeks)
    fixed[:, 0, k.C_COURSE_DAYS] = np.maximum(1.0, np.round(weeks * 7.0))
    fixed[:, 0, k.C_SESSIONS_PER_COURSE] = sampler.value("iapt.sessions_per_course",
                                                         iapt.sessions_per_course)
    fixed[:, 0, k.C_SESSIONS_PER_WTE] = sampler.value("iapt.workforce.sessions_per_wte",
                                                      staff.sessions_per_wte)
    fixed[:, 0, k.C_WTE0] = sampler.value("iapt.workforce.wte", staff.wte)
    return IaptInputs(out, fixed)


def getattr_path(model: object, path: str) -> object:
    for part in path.split("."):
        model = getattr(model, part)
    return model


def crisis_effect(scenario: Scenario, timeline: Timeline, sampler: Sampler) -> np.ndarray:
    """Fall in admissions against no crisis team, each month [fraction, draw × month]:
    basic_coverage × basic_effect + core_coverage × core_effect."""
    crisis = scenario.crisis
    if crisis is None:
        return np.zeros((sampler.n_draws, timeline.n_months))
    months = timeline.months
    basic = sampler.series("crisis.basic_coverage", crisis.basic_coverage, months)
    core = sampler.series("crisis.core_coverage", crisis.core_coverage, months)
    return (basic * sampler.value("crisis.basic_effect", crisis.basic_effect)[:, None]
            + core * sampler.value("crisis.core_effect", crisis.core_effect)[:, None])


def admissions_by_month(inpatient: Inpatient, scenario: Scenario, timeline: Timeline,
                        sampler: Sampler) -> tuple[np.ndarray, np.ndarray]:
    """Expected admissions each month with the crisis cover planned, and with the start month's
    cover held [admissions/month, draw × month each]. A year's admissions arrive at an even rate
    a day (÷ 365.25), so a month's share is in proportion to its days. Baseline admissions
    already reflect today's teams, so crisis effects count relative to the start month:
    × (1 − e[m]) / (1 − e[0])."""
    effect = crisis_effect(scenario, timeline, sampler)
    base = sampler.value("inpatient.admissions", inpatient.admissions)
    per_day = base[:, None] / DAYS_PER_YEAR * population_index(scenario, timeline, sampler)
    held = per_day * timeline.days
    return held * (1.0 - effect) / (1.0 - effect[:, :1]), held


def warmup_days(inpatient: Inpatient, first_mean_los: np.ndarray, cv: np.ndarray) -> float:
    """Days simulated before the start: given, or 10 × the longest starting mean stay × max(1,
    CV²), at least 365. One value for every draw, so the streams stay aligned."""
    if inpatient.warmup_days is not None:
        return float(inpatient.warmup_days)
    return float(max(365.0, np.max(10.0 * first_mean_los * np.maximum(1.0, cv ** 2))))


def stream_seeds(seed: int, stream: int, n_draws: int, codes: list[str]) -> np.ndarray:
    """One 32-bit seed per draw and footprint, from (seed, stream, draw, crc32(footprint
    code)), so that adding draws or footprints never changes the streams of the others
    [uint32, draw × footprint]."""
    out = np.empty((n_draws, len(codes)), dtype=np.uint32)
    for f, code in enumerate(codes):
        tag = zlib.crc32(code.encode())
        for d in range(n_draws):
            out[d, f] = np.random.SeedSequence([seed, stream, d, tag]).generate_state(
                1, np.uint32)[0]
    return out


def build_beds(inpatient: Inpatient, scenario: Scenario, timeline: Timeline, sampler: Sampler,
               *, held: bool = False) -> BedInputs:
    """The bed kernel's inputs. ``held``: the counterfactual in which beds, stays and crisis
    cover stay as in the start month (population still grows), on the same random streams."""
    months = timeline.months
    planned, held_admissions = admissions_by_month(inpatient, scenario, timeline, sampler)
    admissions = held_admissions if held else planned
    los = sampler.series("inpatient.los_days", inpatient.los_days, months)
    beds = np.round(sampler.series("inpatient.beds", inpatient.beds, months))
    if held:
        los = np.repeat(los[:, :1], timeline.n_months, axis=1)
        beds = np.repeat(beds[:, :1], timeline.n_months, axis=1)
    cv = sampler.value("inpatient.los_cv", inpatient.los_cv)
    dist = b.LOS_LOGNORMAL if inpatient.los_distribution == "lognormal" else b.LOS_GAMMA
    return BedInputs(
        rate=np.ascontiguousarray((admissions / timeline.days)[:, None]),
        los_mean=np.ascontiguousarray(los[:, None]),
        los_cv=np.ascontiguousarray(cv[:, None]),
        beds=np.ascontiguousarray(beds[:, None]),
        dist=dist,
        repatriate=inpatient.repatriate,
        warmup_days=warmup_days(inpatient, los[:, 0], cv),
    )
