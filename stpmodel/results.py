"""From monthly kernel output to tidy results by period, and the run's notes.

``aggregate`` applies each metric's rule (see :mod:`stpmodel.metrics`) per draw, so that
percentiles of a financial-year figure are taken over each draw's financial-year figure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np
import polars as pl

from .cluster import dask_client
from .metrics import Metric
from .model import Projection, run
from .sampling import Sampler
from .scenario import Scenario
from .services import LAYOUT, METRICS, N_ROWS, STANDARDS, metrics_for, present, standards_for
from .standards import UNIT, Standard, judge, not_judged, target
from .timeline import By, Timeline

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
            if metric.aggregation == "ratio":  # stocks at the end of the period
                num = out[:, :, metric.num][..., ends]
                den = out[:, :, metric.den][..., ends]
            else:
                num = sums[:, :, metric.num]
                den = sums[:, :, metric.den]
            with np.errstate(invalid="ignore", divide="ignore"):
                values[:, :, i] = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return values


def tabulate(projection: Projection, by: By, percentiles: Sequence[float] = PERCENTILES,
             *, total: bool = True) -> pl.DataFrame:
    """Tidy, long results sorted by footprint, metric and period.

    Columns: scenario, footprint_code, footprint, period, metric, unit, then ``value`` for a
    single draw or ``mean`` and one column per percentile (``p05, p50, p95`` by default) over
    draws. Percentiles are of each draw's value for the period: of its rate, or of its total.
    With several footprints, ``total`` adds their total (see :func:`total_label`): flows and
    stocks summed per draw, rates recomputed from the summed numerators and denominators.
    """
    frames = [_frame(projection.out, projection.footprints, projection, by, percentiles)]
    if total and len(projection.footprints) > 1:
        frames.append(_frame(total_rows(projection.out)[:, None],
                             (total_label(projection.footprints),), projection, by, percentiles))
    return pl.concat(frames).sort(["footprint_code", "metric", "period"])


def total_rows(out: np.ndarray) -> np.ndarray:
    """out[draw, row, month] summed over footprints; rows the same for every footprint (such
    as days in the month) are taken once."""
    summed = out.sum(axis=1)
    for row in LAYOUT.shared:
        summed[:, row] = out[:, 0, row]
    return summed


def total_label(footprints: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """England (its ONS code) when every one of the 44 footprints, or of the 42 ICBs, is
    there, else 'All'."""
    from .reference import CODES, icbs

    codes = {code for code, _ in footprints}
    if codes == set(CODES) or codes == {fp.code for fp in icbs()}:
        return ("E92000001", "England")
    return ("ALL", f"All {len(codes)} footprints")


def judged(out: np.ndarray, projection: Projection, by: By
           ) -> tuple[np.ndarray, tuple[Metric, ...], tuple[Standard, ...], list[str]]:
    """``values[draw, footprint, column, period]`` from ``out[draw, footprint, row, month]``:
    every metric of the projection's services aggregated by period, then whether each standard
    (and each of the scenario's targets) is met; with the metrics, the standards and the
    periods' labels."""
    codes, labels = projection.timeline.periods(by)
    metrics = metrics_for(projection.services)
    values = aggregate(out, codes, metrics)  # [draw, footprint, metric, period]
    standards = standards_for(metrics) + targets_of(projection.scenario)
    first_months = projection.timeline.months[np.flatnonzero(np.r_[True, np.diff(codes) != 0])]
    met = judge(values, metrics, (first_months - 3) // 12, standards)
    return np.concatenate([values, met], axis=2), metrics, standards, labels


def _frame(out: np.ndarray, footprints: Sequence[tuple[str, str]], projection: Projection,
           by: By, percentiles: Sequence[float]) -> pl.DataFrame:
    values, metrics, standards, labels = judged(out, projection, by)
    columns = [(m.name, priced(m.unit, projection.scenario.prices.base)) for m in metrics] + [
        (s.row_name, UNIT) for s in standards]
    rows = [(code, name, column, label)
            for code, name in footprints for column in columns for label in labels]
    frame = pl.DataFrame({
        "scenario": [projection.scenario.name] * len(rows),
        "footprint_code": [row[0] for row in rows],
        "footprint": [row[1] for row in rows],
        "period": [row[3] for row in rows],
        "metric": [row[2][0] for row in rows],
        "unit": [row[2][1] for row in rows],
    })
    if values.shape[0] == 1:
        stats = {"value": values[0].reshape(-1)}
    else:
        stats = {"mean": values.mean(axis=0).reshape(-1)}
        # every percentile from one partial sort (the same values as one call each)
        quantiles = np.percentile(values, list(percentiles), axis=0)
        for p, q in zip(percentiles, quantiles):
            stats[percentile_column(p)] = q.reshape(-1)
    return frame.with_columns(pl.Series(c, v).fill_nan(None) for c, v in stats.items())


def targets_of(scenario: Scenario) -> tuple[Standard, ...]:
    """The scenario's own targets (``targets:``) as standards, one per metric."""
    spans: dict[str, list[tuple[int, int | None, float]]] = {}
    ops: dict[str, str] = {}
    for t in scenario.targets:
        level = t.at_least if t.at_least is not None else t.at_most
        assert level is not None
        spans.setdefault(t.metric, []).append((t.first_year, t.last_year, level))
        ops[t.metric] = ">=" if t.at_least is not None else "<="
    return tuple(target(metric, ">=" if ops[metric] == ">=" else "<=", tuple(s))
                 for metric, s in spans.items())


def standard_notes(scenario: Scenario, timeline: Timeline) -> list[str]:
    """Sentences for the national standards that end before the run does (the Long Term
    Plan's, after 2023/24): their later years are '–', not judged."""
    months = timeline.months
    first_fy, last_fy = int((months[0] - 3) // 12), int((months[-1] - 3) // 12)
    own = {t.metric for t in scenario.targets}
    return not_judged(tuple(s for s in standards_for(metrics_for(scenario.services))
                            if s.metric not in own), first_fy, last_fy)


def priced(unit: str, base: str) -> str:
    """A money unit with its price base: ``£`` → ``£ (2024/25 prices)``."""
    return f"{unit} ({base} prices)" if unit.startswith("£") else unit


def percentile_column(p: float) -> str:
    """``5`` → ``p05``, ``97.5`` → ``p97.5``."""
    return f"p{p:02.0f}" if float(p).is_integer() else f"p{p:g}"


def partial_periods(projection: Projection, by: By) -> list[str]:
    """Sentences naming periods the run covers only in part, whose flows are not a full one's."""
    return partial_periods_of(projection.timeline, by)


def partial_periods_of(timeline: Timeline, by: By) -> list[str]:
    if by == "month":
        return []
    codes, labels = timeline.periods(by)
    full = 3 if by == "quarter" else 12
    return [f"{label} covers {int((codes == p).sum())} of its {full} months in this run."
            for p, (label, partial) in enumerate(zip(labels, timeline.is_partial(by)))
            if partial]


def notes(projection: Projection, by: By) -> list[str]:
    """The services' sentences on one block of footprints (such as IAPT access falling short of
    the plan, and why)."""
    return [note for service in present(projection.scenario.sections)
            if service.notes is not None for note in service.notes(projection, by)]


def total_notes(projection: Projection) -> list[str]:
    """The services' sentences on the run's total (such as when the plan pays back)."""
    return [note for service in present(projection.scenario.sections)
            if service.total_notes is not None for note in service.total_notes(projection)]


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
            unit = _UNITS.get(standard.metric, "")
            if standard.against:
                bound = value_of.get((*key, standard.against))
                need = f"{standard.op} {standard.against} ({_show(bound, unit)})"
            else:
                need = (f"{standard.op} "
                        f"{_show(standard.threshold(_fy_of(row['period'])), unit)}")
            text = (f"{row['footprint']} {row['period']}: {standard.description}: "
                    f"{standard.metric} is {_show(got, unit)}, needs {need}")
            if column != "value":
                text += f" (met in {row[column]:.0%} of draws)"
            lines.append(text)
    targets = frame.filter(pl.col("metric").str.starts_with("standard_target_")
                           & pl.col(column).is_not_null() & (pl.col(column) < 1.0))
    for row in targets.iter_rows(named=True):
        metric = row["metric"].removeprefix("standard_target_")
        got = value_of.get((row["footprint_code"], row["period"], metric))
        text = (f"{row['footprint']} {row['period']}: the scenario's target for {metric} "
                f"(targets:) is not met: {metric} is {_show(got)}")
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


_UNITS = {m.name: m.unit for m in METRICS}


def _show(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    if unit.startswith("£"):  # as every table shows money
        from .output import format_money

        return format_money(value)
    return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"


@dataclass(frozen=True)
class Report:
    """What ``stpmodel run`` shows: the tidy results and the notes that go with them."""

    frame: pl.DataFrame
    notes: list[str]


BLOCK_BYTES = 256e6  # the monthly results :func:`report` holds at once (but one footprint's)


def block_footprints(n_footprints: int, per_footprint: float, max_bytes: float = BLOCK_BYTES
                     ) -> int:
    """How many footprints :func:`report` runs at a time: as many as ``max_bytes`` of monthly
    results hold (``per_footprint`` bytes each), at least one."""
    return min(n_footprints, max(1, int(max_bytes // per_footprint)))


def report(scenario: Scenario, by: By, percentiles: Sequence[float] = PERCENTILES,
           progress: Callable[[int], object] | None = None,
           max_bytes: float = BLOCK_BYTES, sampler: Sampler | None = None,
           scheduler: str | None = None, workers: int | None = None) -> Report:
    """Run ``scenario`` and tabulate it, a block of footprints at a time so that the monthly
    results of every draw are never all held at once: each block is reduced to its periods and
    percentiles, and to its share of the per-draw total, before the next is run. ``sampler``:
    as :func:`stpmodel.model.run`'s (the same for every block: draws are keyed by path).
    ``scheduler``, ``workers``: as :func:`stpmodel.model.run`'s, one client for every block
    (one local cluster started, not one a block)."""
    opened = nullcontext() if scheduler is None else dask_client(scheduler, workers)
    with opened:  # each run() takes up the client
        members = scenario.members
        timeline = Timeline(scenario.start, scenario.end)
        per_footprint = scenario.n_draws * N_ROWS * timeline.n_months * 8.0
        size = block_footprints(len(members), per_footprint, max_bytes)
        frames: list[pl.DataFrame] = []
        lines = partial_periods_of(timeline, by) + standard_notes(scenario, timeline)
        total: np.ndarray | None = None
        # one block's monthly results at a time, in the same memory each time
        buffer = np.empty(int(size * per_footprint // 8))
        for start in range(0, len(members), size):
            block = scenario.with_members(members[start : start + size])
            done = start * scenario.n_draws
            tick = None if progress is None else (lambda n, done=done: progress(done + n))
            projection = run(block, sampler, progress=tick, buffer=buffer, scheduler=scheduler,
                             workers=workers)
            frames.append(tabulate(projection, by, percentiles, total=False))
            lines += notes(projection, by)
            part = total_rows(projection.out)
            del projection  # its monthly results go before the next block's are made
            if total is None:
                total = part
            else:
                total += part
                total[:, LAYOUT.shared] = part[:, LAYOUT.shared]  # taken once, not summed
        assert total is not None
        whole = Projection(scenario, timeline, tuple((m.footprint.code, m.footprint.name)
                                                     for m in members), total[:, None])
        if len(members) > 1:
            frames.append(_frame(whole.out, (total_label(whole.footprints),), whole, by,
                                 percentiles))
        return Report(pl.concat(frames).sort(["footprint_code", "metric", "period"]),
                      lines + total_notes(whole))
