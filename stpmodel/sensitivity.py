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
            by: By = "year") -> Tornado:
    params = uncertain_values(scenario)
    if not params:
        raise SensitivityError("the scenario has no uncertain values: give some as "
                               "distributions, e.g. recovery_rate: {pert: [0.45, 0.52, 0.56]}")
    seed, n = int(scenario.seed), scenario.n_draws

    def measure(fixed: dict[str, float]) -> tuple[float, str, str]:
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

    central, chosen, unit = measure({})
    records = []
    for path, dist in params:
        low, high = (float(x) for x in dist.ppf(np.array([LOW, HIGH])))
        at_low = measure({path: low})[0]
        at_high = measure({path: high})[0]
        records.append({"parameter": path, "distribution": dist.describe(),
                        "p10": low, "p90": high, "metric_at_p10": at_low,
                        "metric_at_p90": at_high, "swing": abs(at_high - at_low)})
    frame = pl.DataFrame(records).sort(["swing", "parameter"], descending=[True, False])
    return Tornado(metric, unit, chosen, central, frame)
