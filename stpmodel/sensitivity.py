"""One-way sensitivity: the tornado.

Each uncertain value is set to its 10th and then its 90th percentile while every other uncertain
value stays at its median. The bed simulation keeps its random streams throughout (common random
numbers): a value that does not change admissions, stays or beds leaves every simulated patient
as they were, so its swing is its own effect exactly. A value that does change them (a crisis
effect, a length of stay) moves the simulation onto a different sample path, so its swing also
carries Monte Carlo noise; run with more draws (``--draws``) to average it out. With several
draws the metric is the mean over draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from .errors import StpmodelError
from .results import report
from .sampling import Sampler, uncertain_values
from .scenario import Scenario
from .timeline import By

LOW, HIGH = 0.10, 0.90


class SensitivityError(StpmodelError):
    """The tornado cannot be drawn as asked (no uncertain values, unknown metric or period)."""


@dataclass(frozen=True)
class Tornado:
    metric: str
    unit: str
    period: str
    central: float  # the metric with every uncertain value at its median
    frame: pl.DataFrame  # one row per uncertain value, largest swing first


def tornado(scenario: Scenario, metric: str, period: str | None = None,
            by: By = "year", scheduler: str | None = None,
            workers: int | None = None) -> Tornado:
    """The tornado of ``metric`` in ``period`` (default: the last). Each end of each bar, and
    the central case, is one run of the scenario; with ``scheduler`` (a Dask scheduler's
    address, or ``local`` for a cluster of ``workers`` processes here) each run is a task on
    that cluster (:func:`stpmodel.cluster.cluster_map`), the same runs as here, so the
    tornado is the same byte for byte."""
    params = uncertain_values(scenario)
    if not params:
        raise SensitivityError("the scenario has no uncertain values: give some as "
                               "distributions, e.g. recovery_rate: {pert: [0.45, 0.52, 0.56]}")
    ends: list[dict[str, float]] = [{}]
    bounds = []
    for path, dist in params:
        low, high = (float(x) for x in dist.ppf(np.array([LOW, HIGH])))
        bounds.append((low, high))
        ends += [{path: low}, {path: high}]
    calls = [(scenario, metric, period, by, fixed) for fixed in ends]
    if scheduler is None:
        measured = [measure(*call) for call in calls]
    else:
        from .cluster import cluster_map

        measured = cluster_map(measure, calls, scheduler, workers)
    central, chosen, unit = measured[0]
    records = []
    for i, ((path, dist), (low, high)) in enumerate(zip(params, bounds)):
        at_low, at_high = measured[1 + 2 * i][0], measured[2 + 2 * i][0]
        records.append({"parameter": path, "distribution": dist.describe(),
                        "p10": low, "p90": high, "metric_at_p10": at_low,
                        "metric_at_p90": at_high, "swing": abs(at_high - at_low)})
    frame = pl.DataFrame(records).sort(["swing", "parameter"], descending=[True, False])
    return Tornado(metric, unit, chosen, central, frame)


def measure(scenario: Scenario, metric: str, period: str | None, by: By,
            fixed: dict[str, float]) -> tuple[float, str, str]:
    """One end of a bar: ``metric`` in ``period`` (default: the last) with the values in
    ``fixed`` held and every other uncertain value at its median; (value, period, unit). The
    mean over draws when there are several."""
    seed, n = int(scenario.seed), scenario.n_draws
    # a block of footprints at a time (results.report), so that a national run with many
    # draws holds one block's monthly results at once, not every footprint's
    frame = report(scenario, by, sampler=Sampler(seed, n, central=True, fixed=fixed)).frame
    rows = frame.filter(pl.col("metric") == metric)
    if rows.height == 0:
        known = ", ".join(sorted(set(frame["metric"].to_list())))
        raise SensitivityError(f"unknown metric '{metric}' for this scenario; it reports: "
                               f"{known}")
    chosen = str(period or rows["period"].max())
    row = rows.filter(pl.col("period") == chosen)
    if row.height == 0:
        raise SensitivityError(f"no period '{chosen}' by {by!s}; the periods are "
                               f"{', '.join(rows['period'].to_list())}")
    column = "value" if "value" in row.columns else "mean"
    value = row[column][0]
    return (float("nan") if value is None else float(value)), str(chosen), row["unit"][0]
