"""The orchestrator: scenario → timeline → inputs → kernels → derived rows → :class:`Projection`.

``run`` is pure: it reads no files and writes none. The CLI, batch runs and the tests share it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import beds as b
from . import derive
from . import kernel as k
from . import rows as r
from .inputs import BedInputs, build_beds, build_iapt
from .sampling import Sampler
from .scenario import Scenario
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


def _simulate_beds(days: np.ndarray, inputs: BedInputs) -> np.ndarray:
    return b.project_beds(days, inputs.rate, inputs.los_mean, inputs.los_cv, inputs.beds,
                          inputs.dist, inputs.repatriate, inputs.warmup_days, inputs.seeds)


def run(scenario: Scenario, sampler: Sampler | None = None) -> Projection:
    """Project ``scenario``. ``sampler`` draws its uncertain values (default: from the
    scenario's seed and draws, central values when there is one draw)."""
    timeline = Timeline(scenario.start, scenario.end)
    days = timeline.days
    if sampler is None:
        sampler = Sampler(int(scenario.seed), scenario.n_draws)
    out = np.zeros((sampler.n_draws, 1, r.N_ROWS, timeline.n_months))
    if scenario.iapt is not None:
        iapt = build_iapt(scenario.iapt, scenario, timeline, sampler)
        out[:, :, : k.N_OUTPUTS] = k.project(days, iapt.series, iapt.scalars)
    if scenario.inpatient is not None:
        plan = build_beds(scenario.inpatient, scenario, timeline, sampler)
        out[:, :, r.BEDS : r.BEDS + b.N_BED_OUTPUTS] = _simulate_beds(days, plan)
        derive.inpatient(out, scenario.inpatient, timeline, plan, sampler)
        if scenario.finance is not None:  # the counterfactual, on the same random streams
            held = _simulate_beds(days, build_beds(scenario.inpatient, scenario, timeline,
                                                   sampler, held=True))
            derive.oap_savings(out, held[:, 0, b.B_OAP_BED_DAYS], scenario.inpatient, timeline,
                               sampler)
    if scenario.crisis is not None:
        derive.crisis(out, scenario.crisis, scenario, timeline, sampler)
    if scenario.liaison is not None:
        derive.liaison(out, scenario.liaison, timeline, sampler)
    if scenario.acute is not None:
        derive.acute(out, scenario.acute, scenario, timeline, sampler)
    derive.workforce(out)
    if scenario.finance is not None:
        derive.finance(out, scenario.finance, timeline, sampler)
    footprint = (scenario.footprint.code, scenario.footprint.name)
    return Projection(scenario, timeline, (footprint,), out)
