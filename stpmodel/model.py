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
from .inputs import STREAM_BEDS, BedInputs, build_beds, build_iapt, stream_seeds
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


def _simulate_beds(days: np.ndarray, inputs: BedInputs, seeds: np.ndarray,
                   block: slice) -> np.ndarray:
    return b.project_beds(days, inputs.rate[block], inputs.los_mean[block],
                          inputs.los_cv[block], inputs.beds[block], inputs.dist,
                          inputs.repatriate, inputs.warmup_days, seeds[block])


def blocks(n_draws: int, n_blocks: int = 20) -> list[slice]:
    """Draws in up to ``n_blocks`` contiguous blocks, so long runs can report progress."""
    size = max(1, -(-n_draws // n_blocks))
    return [slice(start, min(start + size, n_draws)) for start in range(0, n_draws, size)]


def _stack(parts: list[np.ndarray]) -> np.ndarray:
    """Join per-footprint arrays [draw, 1, ...] along the footprint axis."""
    return np.ascontiguousarray(np.concatenate(parts, axis=1))


def _stack_beds(parts: list[BedInputs]) -> BedInputs:
    first = parts[0]
    return BedInputs(
        rate=_stack([p.rate for p in parts]), los_mean=_stack([p.los_mean for p in parts]),
        los_cv=_stack([p.los_cv for p in parts]), beds=_stack([p.beds for p in parts]),
        dist=first.dist, repatriate=first.repatriate,
        warmup_days=max(p.warmup_days for p in parts))


def run(scenario: Scenario, sampler: Sampler | None = None,
        progress: Callable[[int], object] | None = None) -> Projection:
    """Project ``scenario``, every footprint of it. ``sampler`` draws its uncertain values
    (default: from the scenario's seed and draws, central values when there is one draw).
    ``progress`` is told how many draws are done after each block."""
    members = scenario.members
    timeline = Timeline(scenario.start, scenario.end)
    days = timeline.days
    if sampler is None:
        sampler = Sampler(int(scenario.seed), scenario.n_draws)
    n_fp = len(members)
    out = np.zeros((sampler.n_draws, n_fp, r.N_ROWS, timeline.n_months))
    iapt = None
    if scenario.iapt is not None:
        parts = [build_iapt(m.iapt, m, timeline, sampler) for m in members if m.iapt]
        iapt = (_stack([p.series for p in parts]), _stack([p.scalars for p in parts]))
    plans: list[BedInputs] = []
    plan = held = None
    seeds = np.empty((sampler.n_draws, n_fp), dtype=np.uint32)
    if scenario.inpatient is not None:
        seeds = stream_seeds(int(scenario.seed), STREAM_BEDS, sampler.n_draws,
                             [m.footprint.code for m in members])
        plans = [build_beds(m.inpatient, m, timeline, sampler) for m in members if m.inpatient]
        plan = _stack_beds(plans)
        if scenario.finance is not None:  # the counterfactual, on the same random streams
            held = _stack_beds([build_beds(m.inpatient, m, timeline, sampler, held=True)
                                for m in members if m.inpatient])
    held_oap = np.zeros((sampler.n_draws, n_fp, timeline.n_months))
    for block in blocks(sampler.n_draws):
        if iapt is not None:
            out[block, :, : k.N_OUTPUTS] = k.project(days, iapt[0][block], iapt[1][block])
        if plan is not None:
            beds = _simulate_beds(days, plan, seeds, block)
            out[block, :, r.BEDS : r.BEDS + b.N_BED_OUTPUTS] = beds
        if held is not None:
            held_oap[block] = _simulate_beds(days, held, seeds, block)[:, :, b.B_OAP_BED_DAYS]
        if progress is not None:
            progress(block.stop)
    for f, member in enumerate(members):
        _derive(out[:, f : f + 1], member, timeline, sampler, plans[f] if plans else None,
                held_oap[:, f] if held is not None else None)
    footprints = tuple((m.footprint.code, m.footprint.name) for m in members)
    return Projection(scenario, timeline, footprints, out)


def _derive(out: np.ndarray, scenario: Scenario, timeline: Timeline, sampler: Sampler,
            plan: BedInputs | None, held_oap: np.ndarray | None) -> None:
    """The derived rows of one footprint: ``out[draw, 1, row, month]``, a view."""
    if scenario.inpatient is not None and plan is not None:
        derive.inpatient(out, scenario.inpatient, timeline, plan, sampler)
        if held_oap is not None:
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
