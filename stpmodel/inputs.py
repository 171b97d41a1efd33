"""Turn a validated scenario into the kernel's input arrays on the monthly grid.

This is the one place where trajectories are resolved and units are converted to the kernel's
monthly basis (referrals per year → per month, weeks → days, ...).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import kernel as k
from .scenario import Scenario
from .timeline import Timeline


@dataclass(frozen=True)
class Inputs:
    """days[month]; series[draw, footprint, S_*, month]; scalars[draw, footprint, C_*]."""

    days: np.ndarray
    series: np.ndarray
    scalars: np.ndarray


def adults_by_month(adults: float, growth: np.ndarray) -> np.ndarray:
    """Adult population each month [persons]: ``adults`` in the first month, then compounding
    monthly at the annual ``growth[month]`` [fraction/year]: × (1 + g)^(1/12) a month."""
    factors = np.power(1.0 + growth, 1.0 / 12.0)
    factors[0] = 1.0
    return adults * np.cumprod(factors)


def build_inputs(scenario: Scenario, timeline: Timeline) -> Inputs:
    months = timeline.months
    n_draws = scenario.n_draws
    iapt = scenario.iapt
    staff = iapt.workforce

    one = np.empty((k.N_SERIES, timeline.n_months), dtype=np.float64)
    growth = scenario.population.growth.resolve(months)
    one[k.S_ADULTS] = adults_by_month(scenario.population.adults, growth)
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

    # One footprint for now; every draw is the central estimate until parameters are uncertain.
    series = np.ascontiguousarray(np.broadcast_to(one, (n_draws, 1, *one.shape)))
    scalars = np.ascontiguousarray(np.broadcast_to(fixed, (n_draws, 1, *fixed.shape)))
    return Inputs(timeline.days, series, scalars)
