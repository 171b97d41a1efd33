"""The orchestrator: scenario → timeline → inputs → kernels → :class:`Projection`.

``run`` is pure: it reads no files and writes none. The CLI, batch runs and the tests share it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import beds as b
from . import kernel as k
from . import rows as r
from .inputs import admissions_by_month, build_beds, build_iapt, population_index
from .scenario import Crisis, Inpatient, Scenario
from .timeline import Timeline


@dataclass(frozen=True)
class Projection:
    """The monthly results of one scenario: ``out[draw, footprint, row, month]`` (see
    :mod:`stpmodel.rows`)."""

    scenario: Scenario
    timeline: Timeline
    footprints: tuple[tuple[str, str], ...]  # (code, name)
    out: np.ndarray

    @property
    def services(self) -> tuple[str, ...]:
        return self.scenario.services


def run(scenario: Scenario) -> Projection:
    timeline = Timeline(scenario.start, scenario.end)
    days = timeline.days
    out = np.zeros((scenario.n_draws, 1, r.N_ROWS, timeline.n_months))
    if scenario.iapt is not None:
        iapt = build_iapt(scenario.iapt, scenario, timeline)
        out[:, :, : k.N_OUTPUTS] = k.project(days, iapt.series, iapt.scalars)
    if scenario.inpatient is not None:
        inp = build_beds(scenario.inpatient, scenario, timeline)
        out[:, :, r.BEDS : r.BEDS + b.N_BED_OUTPUTS] = b.project_beds(
            days, inp.rate, inp.los_mean, inp.los_cv, inp.beds, inp.dist, inp.repatriate,
            inp.warmup_days, inp.seeds)
        _derive_beds(out, scenario.inpatient, timeline, inp.beds)
        if scenario.crisis is not None:
            _derive_crisis(out, scenario.crisis, scenario, timeline)
    footprint = (scenario.footprint.code, scenario.footprint.name)
    return Projection(scenario, timeline, (footprint,), out)


def _derive_beds(out: np.ndarray, inpatient: Inpatient, timeline: Timeline,
                 beds: np.ndarray) -> None:
    months = timeline.months
    out[:, :, r.R_BEDS_OPEN] = beds
    out[:, :, r.R_OAP_COST] = (out[:, :, r.bed(b.B_OAP_BED_DAYS)]
                               * inpatient.oap_cost_per_day.resolve(months))
    out[:, :, r.R_BED_DAYS_NEEDED] = (out[:, :, r.bed(b.B_LOCAL_BED_DAYS)]
                                      + out[:, :, r.bed(b.B_OAP_BED_DAYS)])
    out[:, :, r.R_BED_DAYS_AT_TARGET] = timeline.days * inpatient.target_occupancy


def _derive_crisis(out: np.ndarray, crisis: Crisis, scenario: Scenario,
                   timeline: Timeline) -> None:
    assert scenario.inpatient is not None and scenario.population.total is not None
    months = timeline.months
    planned, held = admissions_by_month(scenario.inpatient, scenario, timeline)
    out[:, :, r.R_CRISIS_AVOIDED] = held - planned
    population = scenario.population.total * population_index(scenario, timeline)
    teams_basic = population * crisis.basic_coverage.resolve(months) / crisis.population_per_team
    teams_core = population * crisis.core_coverage.resolve(months) / crisis.population_per_team
    wte = teams_basic * crisis.basic_wte_per_team + teams_core * crisis.core_wte_per_team
    out[:, :, r.R_CRISIS_WTE] = wte
    out[:, :, r.R_CRISIS_COST] = wte * crisis.cost_per_wte.resolve(months) / 12.0
