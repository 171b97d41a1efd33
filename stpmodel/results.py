"""From monthly kernel output to tidy results by period, and the run's notes.

``aggregate`` applies each metric's rule (see :mod:`stpmodel.metrics`) per draw, so that
percentiles of a financial-year figure are taken over each draw's financial-year figure.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from . import kernel as k
from .metrics import METRICS, Metric, metrics_for
from .model import Projection
from .timeline import By

PERCENTILES = (5, 50, 95)


def aggregate(out: np.ndarray, period_of_month: np.ndarray,
              metrics: Sequence[Metric] = METRICS) -> np.ndarray:
    """values[draw, footprint, metric, period] from out[draw, footprint, row, month].

    ``period_of_month`` gives each month's period, numbered 0.. in time order (periods are
    contiguous runs of months).
    """
    starts = np.flatnonzero(np.r_[True, np.diff(period_of_month) != 0])
    ends = np.r_[starts[1:], len(period_of_month)] - 1
    sums = np.add.reduceat(out, starts, axis=3)  # every output summed over each period
    values = np.empty((*out.shape[:2], len(metrics), len(starts)), dtype=np.float64)
    for i, metric in enumerate(metrics):
        if metric.aggregation == "flow":
            values[:, :, i] = sums[:, :, metric.index]
        elif metric.aggregation == "stock":
            values[:, :, i] = out[:, :, metric.index][..., ends]
        else:
            num = sums[:, :, metric.numerator]
            den = sums[:, :, metric.denominator]
            with np.errstate(invalid="ignore", divide="ignore"):
                values[:, :, i] = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return values


def tabulate(projection: Projection, by: By) -> pl.DataFrame:
    """Tidy, long results sorted by footprint, metric and period.

    Columns: scenario, footprint_code, footprint, period, metric, unit, then ``value`` for a
    single draw or ``mean, p05, p50, p95`` over draws.
    """
    codes, labels = projection.timeline.periods(by)
    metrics = metrics_for(projection.services)
    values = aggregate(projection.out, codes, metrics)  # [draw, footprint, metric, period]
    rows = [(code, name, metric, label)
            for code, name in projection.footprints for metric in metrics for label in labels]
    frame = pl.DataFrame({
        "scenario": [projection.scenario.name] * len(rows),
        "footprint_code": [r[0] for r in rows],
        "footprint": [r[1] for r in rows],
        "period": [r[3] for r in rows],
        "metric": [r[2].name for r in rows],
        "unit": [r[2].unit for r in rows],
    })
    if values.shape[0] == 1:
        stats = {"value": values[0].reshape(-1)}
    else:
        stats = {"mean": values.mean(axis=0).reshape(-1)}
        for p in PERCENTILES:
            stats[f"p{p:02d}"] = np.percentile(values, p, axis=0).reshape(-1)
    frame = frame.with_columns(pl.Series(c, v).fill_nan(None) for c, v in stats.items())
    return frame.sort(["footprint_code", "metric", "period"])


def partial_periods(projection: Projection, by: By) -> list[str]:
    """Sentences naming periods the run covers only in part, whose flows are not a full one's."""
    if by == "month":
        return []
    timeline = projection.timeline
    codes, labels = timeline.periods(by)
    full = 3 if by == "quarter" else 12
    return [f"{label} covers {int((codes == p).sum())} of its {full} months in this run."
            for p, (label, partial) in enumerate(zip(labels, timeline.is_partial(by)))
            if partial]


def shortfalls(projection: Projection, by: By, tolerance: float = 0.0005) -> list[str]:
    """Sentences naming each period whose IAPT access falls short of the plan, and why.

    Uses the first footprint and the mean over draws. ``tolerance`` [fraction of need/year]
    ignores differences too small to matter.
    """
    if "iapt" not in projection.services:
        return []
    codes, labels = projection.timeline.periods(by)
    out = projection.out.mean(axis=0)  # [footprint, row, month]
    notes = []
    for f, (_, name) in enumerate(projection.footprints):
        o = out[f]
        for p, label in enumerate(labels):
            months = np.flatnonzero(codes == p)
            need = o[k.O_NEED_PER_MONTH, months].sum()
            if need <= 0:
                continue
            achieved = o[k.O_ENTERED, months].sum() / need
            target = o[k.O_PLANNED, months].sum() / need
            if achieved >= target - tolerance:
                continue
            short = o[k.O_CAPACITY, months] < o[k.O_PLANNED, months] * (1 - 1e-9)
            if short.any():
                worst = months[short][np.argmax((o[k.O_WTE_REQUIRED] - o[k.O_WTE_AVAILABLE])
                                                [months[short]])]
                why = (f"therapists were short in {short.sum()} of {len(months)} months (at "
                       f"worst {o[k.O_WTE_AVAILABLE, worst]:,.1f} WTE in post against "
                       f"{o[k.O_WTE_REQUIRED, worst]:,.1f} required)")
            else:
                why = (f"too few referrals to fill the plan: "
                       f"{o[k.O_JOINED, months].sum():,.0f} joined the waiting list against "
                       f"{o[k.O_PLANNED, months].sum():,.0f} planned courses")
            notes.append(f"{name} {label}: IAPT access {achieved:.1%} is below the planned "
                         f"{target:.1%}; {why}.")
    return notes
