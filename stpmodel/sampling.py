"""Values of scenario parameters for each Monte Carlo draw, from their own random streams.

Every numeric value in a scenario has a key path, such as ``iapt.recovery_rate`` or, for one
point of a trajectory, ``inpatient.los_days.2019-04``. Draw k of an uncertain value is its
distribution's quantile function at the k-th uniform number of the stream seeded by
(seed, STREAM_PARAMETERS, crc32(path)). So:

- adding draws, or adding or changing another parameter, leaves a parameter's draws unchanged;
- two scenarios run with the same seed draw the same numbers for the same paths (common random
  numbers), so their difference shows the levers, not noise;
- with one draw, every uncertain value takes its median: the central estimate.

The bed simulation has separate streams (see :func:`stpmodel.inputs.stream_seeds`).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

import numpy as np
from pydantic import BaseModel

from .distributions import Dist
from .values import Trajectory, month_label

STREAM_PARAMETERS = 0x5A4D


class Sampler:
    """Draws of each value: ``value`` → [draw], ``series`` → [draw, month].

    ``central``: every uncertain value at its median (default: when there is one draw).
    ``fixed``: values to hold, by key path (the tornado sets one at its p10 or p90).
    """

    def __init__(self, seed: int, n_draws: int, *, central: bool | None = None,
                 fixed: dict[str, float] | None = None):
        self.seed = int(seed)
        self.n_draws = int(n_draws)
        self.central = n_draws == 1 if central is None else central
        self.fixed = dict(fixed or {})

    def uniforms(self, path: str) -> np.ndarray:
        """The first ``n_draws`` numbers of the stream for ``path``, in (0, 1)."""
        sequence = np.random.SeedSequence([self.seed, STREAM_PARAMETERS,
                                           zlib.crc32(path.encode())])
        u = np.random.default_rng(sequence).random(self.n_draws)
        return np.clip(u, 1e-12, 1.0 - 1e-12)

    def value(self, path: str, value: float | Dist | None) -> np.ndarray:
        """Draws of one value [draw]. None (an absent optional value) gives zeros."""
        if path in self.fixed:
            return np.full(self.n_draws, float(self.fixed[path]))
        if value is None:
            return np.zeros(self.n_draws)
        if not isinstance(value, Dist):
            return np.full(self.n_draws, float(value))
        if self.central:
            return np.full(self.n_draws, value.median())
        return value.ppf(self.uniforms(path))

    def series(self, path: str, trajectory: Trajectory, months: np.ndarray) -> np.ndarray:
        """Draws of a trajectory on ``months`` [draw, month]."""
        points = np.stack([self.value(p, v) for p, v in points_of(path, trajectory)], axis=-1)
        return trajectory.resolve_points(points, months)


def points_of(path: str, trajectory: Trajectory) -> Iterator[tuple[str, float | Dist]]:
    """Each point of a trajectory with its key path (the field's own path for a constant)."""
    if not trajectory.months:
        yield path, trajectory.values[0]
        return
    for month, value in zip(trajectory.months, trajectory.values):
        yield f"{path}.{month_label(month)}", value


def uncertain_values(model: BaseModel, prefix: str = "") -> list[tuple[str, Dist]]:
    """Every value given as a distribution, with its key path, in file order."""
    found: list[tuple[str, Dist]] = []
    for name in type(model).model_fields:
        _collect(getattr(model, name), f"{prefix}{name}", found)
    return found


def _collect(value: Any, path: str, found: list[tuple[str, Dist]]) -> None:
    if isinstance(value, Dist):
        found.append((path, value))
    elif isinstance(value, Trajectory):
        found.extend((p, v) for p, v in points_of(path, value) if isinstance(v, Dist))
    elif isinstance(value, BaseModel):
        found.extend(uncertain_values(value, f"{path}."))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _collect(item, f"{path}.{i}", found)
    elif isinstance(value, dict):
        for key, item in value.items():
            label = month_label(key) if isinstance(key, int) else str(key)
            _collect(item, f"{path}.{label}", found)
