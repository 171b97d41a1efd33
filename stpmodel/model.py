"""The orchestrator: scenario → timeline → inputs → kernel → :class:`Projection`.

``run`` is pure: it reads no files and writes none. The CLI, batch runs and the tests share it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .inputs import build_inputs
from .kernel import project
from .scenario import Scenario
from .timeline import Timeline


@dataclass(frozen=True)
class Projection:
    """The monthly results of one scenario: ``out[draw, footprint, O_*, month]``."""

    scenario: Scenario
    timeline: Timeline
    footprints: tuple[tuple[str, str], ...]  # (code, name)
    out: np.ndarray


def run(scenario: Scenario) -> Projection:
    timeline = Timeline(scenario.start, scenario.end)
    inputs = build_inputs(scenario, timeline)
    out = project(inputs.days, inputs.series, inputs.scalars)
    footprint = (scenario.footprint.code, scenario.footprint.name)
    return Projection(scenario, timeline, (footprint,), out)
