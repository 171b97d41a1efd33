"""The orchestrator: scenario → timeline → inputs → kernels → derived rows → :class:`Projection`.

``run`` is pure: it reads no files and writes none. The CLI, batch runs and the tests share it.
"""

from __future__ import annotations

from collections.abc import Callable
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


def _simulate_beds(days: np.ndarray, inputs: BedInputs, block: slice) -> np.ndarray:
    return b.project_beds(days, inputs.rate[block], inputs.los_mean[block],
                          inputs.los_cv[block], inputs.beds[block], inputs.dist,
                          inputs.repatriate, inputs.warmup_days, inputs.seeds[block])


def blocks(n_draws: int, n_blocks: int = 20) -> list[slice]:
    """Draws in up to ``n_blocks`` contiguous blocks, so long runs can report progress."""
    size = max(1, -(-n_draws // n_blocks))
    return [slice(start, min(start + size, n_draws)) for start in range(0, n_draws, size)]


def run(scenario: Scenario, sampler: Sampler | None = None,
        progress: Callable[[int], object] | None = None) -> Projection:
    """Project ``scenario``. ``sampler`` draws its uncertain values (default: from the
    scenario's seed and draws, central values when there is one draw). ``progress`` is told
    how many draws are done after each block."""
    timeline = Timeline(scenario.start, scenario.end)
    days = timeline.days
    if sampler is None:
        sampler = Sampler(int(scenario.seed), scenario.n_draws)
    out = np.zeros((sampler.n_draws, 1, r.N_ROWS, timeline.n_months))
    iapt = build_iapt(scenario.iapt, scenario, timeline, sampler) if scenario.iapt else None
    plan = held = None
    if scenario.inpatient is not None:
        plan = build_beds(scenario.inpatient, scenario, timeline, sampler)
        if scenario.finance is not None:  # the counterfactual, on the same random streams
            held = build_beds(scenario.inpatient, scenario, timeline, sampler, held=True)
    held_oap = np.zeros((sampler.n_draws, timeline.n_months))
    for block in blocks(sampler.n_draws):
        if iapt is not None:
            out[block, :, : k.N_OUTPUTS] = k.project(days, iapt.series[block],
                                                     iapt.scalars[block])
        if plan is not None:
            out[block, :, r.BEDS : r.BEDS + b.N_BED_OUTPUTS] = _simulate_beds(days, plan, block)
        if held is not None:
            held_oap[block] = _simulate_beds(days, held, block)[:, 0, b.B_OAP_BED_DAYS]
        if progress is not None:
            progress(block.stop)
    if scenario.inpatient is not None and plan is not None:
        derive.inpatient(out, scenario.inpatient, timeline, plan, sampler)
        if held is not None:
            derive.oap_savings(out, held_oap, scenario.inpatient, timeline, sampler)
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
