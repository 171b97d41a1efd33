"""From monthly kernel output to tidy results by period, and the run's notes.

``aggregate`` applies each metric's rule (see :mod:`stpmodel.metrics`) per draw, so that
percentiles of a financial-year figure are taken over each draw's financial-year figure.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from . import kernel as k
from . import rows as r
from .metrics import METRICS, Metric, metrics_for
from .model import Projection
from .standards import STANDARDS, UNIT, applicable, judge
from .timeline import By
from .values import month_label

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


def tabulate(projection: Projection, by: By,
             percentiles: Sequence[float] = PERCENTILES) -> pl.DataFrame:
    """Tidy, long results sorted by footprint, metric and period.

    Columns: scenario, footprint_code, footprint, period, metric, unit, then ``value`` for a
    single draw or ``mean`` and one column per percentile (``p05, p50, p95`` by default) over
    draws. Percentiles are of each draw's value for the period: of its rate, or of its total.
    """
    codes, labels = projection.timeline.periods(by)
    metrics = metrics_for(projection.services)
    values = aggregate(projection.out, codes, metrics)  # [draw, footprint, metric, period]
    standards = applicable(metrics)
    first_months = projection.timeline.months[np.flatnonzero(np.r_[True, np.diff(codes) != 0])]
    met = judge(values, metrics, (first_months - 3) // 12, standards)
    values = np.concatenate([values, met], axis=2)
    columns = [(m.name, m.unit) for m in metrics] + [(s.row_name, UNIT) for s in standards]
    rows = [(code, name, column, label)
            for code, name in projection.footprints for column in columns for label in labels]
    frame = pl.DataFrame({
        "scenario": [projection.scenario.name] * len(rows),
        "footprint_code": [r[0] for r in rows],
        "footprint": [r[1] for r in rows],
        "period": [r[3] for r in rows],
        "metric": [r[2][0] for r in rows],
        "unit": [r[2][1] for r in rows],
    })
    if values.shape[0] == 1:
        stats = {"value": values[0].reshape(-1)}
    else:
        stats = {"mean": values.mean(axis=0).reshape(-1)}
        for p in percentiles:
            stats[percentile_column(p)] = np.percentile(values, p, axis=0).reshape(-1)
    frame = frame.with_columns(pl.Series(c, v).fill_nan(None) for c, v in stats.items())
    return frame.sort(["footprint_code", "metric", "period"])


def percentile_column(p: float) -> str:
    """``5`` → ``p05``, ``97.5`` → ``p97.5``."""
    return f"p{p:02.0f}" if float(p).is_integer() else f"p{p:g}"


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
            digits = 1 if f"{achieved:.1%}" != f"{target:.1%}" else 2
            notes.append(f"{name} {label}: IAPT access {achieved:.{digits}%} is below the "
                         f"planned {target:.{digits}%}; {why}.")
    return notes


def payback(projection: Projection) -> str | None:
    """When cumulative savings overtake cumulative investment for good (the mean over draws),
    as a sentence; None when the scenario has no finance section."""
    if "finance" not in projection.services:
        return None
    cumulative = projection.out[:, 0, r.R_CUMULATIVE_NET_COST].mean(axis=0)
    months = projection.timeline.months
    if not np.any(projection.out[:, 0, r.R_INVESTMENT] > 0):
        return "payback: nothing is invested above the start month's spend."
    positive = np.flatnonzero(cumulative > 0)
    if positive.size == 0:
        return "payback: savings cover investment from the first month."
    if positive[-1] == len(months) - 1:
        return (f"payback: not by {month_label(int(months[-1]))}; the cumulative net cost is "
                f"then £{cumulative[-1]:,.0f}.")
    return (f"payback: {month_label(int(months[positive[-1] + 1]))}, when cumulative savings "
            "overtake cumulative investment for good.")


def unmet_standards(frame: pl.DataFrame) -> list[str]:
    """Sentences naming each standard not met (in every draw), by period and footprint."""
    column = "value" if "value" in frame.columns else "mean"
    value_of = {(row["footprint_code"], row["period"], row["metric"]): row[column]
                for row in frame.iter_rows(named=True)}
    lines = []
    for standard in STANDARDS:
        rows = frame.filter((pl.col("metric") == standard.row_name)
                            & pl.col(column).is_not_null() & (pl.col(column) < 1.0))
        for row in rows.iter_rows(named=True):
            key = (row["footprint_code"], row["period"])
            got = value_of.get((*key, standard.metric))
            if standard.against:
                bound = value_of.get((*key, standard.against))
                need = f"{standard.op} {standard.against} ({_show(bound)})"
            else:
                need = f"{standard.op} {_show(standard.threshold(_fy_of(row['period'])))}"
            text = (f"{row['footprint']} {row['period']}: {standard.description}: "
                    f"{standard.metric} is {_show(got)}, needs {need}")
            if column != "value":
                text += f" (met in {row[column]:.0%} of draws)"
            lines.append(text)
    return lines


def _fy_of(period: str) -> int:
    """The financial year (its April's calendar year) of a period label: 2019/20, 2019/20 Q1
    or a month such as 2020-01."""
    year = int(period[:4])
    if period[4] == "/":
        return year
    return year if int(period[5:7]) >= 4 else year - 1


def _show(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
