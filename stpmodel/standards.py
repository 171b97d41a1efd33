"""What a national standard is, and whether each is met in each period.

Each service declares its standards (``stpmodel/services/``); the registry collects them
(:data:`stpmodel.services.STANDARDS`). A standard compares one reported metric, aggregated over the
period, with a threshold that may change by financial year (or with another metric, for the budget
and MHIS checks). It is judged per draw, so with several draws the mean of a standard row is the
share of draws meeting it. A period before a standard applies, or whose metric is missing, reports
nothing for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from .metrics import Metric

EPSILON = 1e-9  # slack for comparing floats: 0.25 achieved meets a 0.25 standard
UNIT = "met"  # 1 met, 0 not met; a mean over draws is the share of draws that meet it


@dataclass(frozen=True)
class Standard:
    name: str
    metric: str
    op: Literal[">=", "<="]
    # (first financial year it applies to, threshold), ascending; a threshold of None ends the
    # standard from that year; with ``against`` the threshold only says from when it applies
    thresholds: tuple[tuple[int, float | None], ...]
    description: str
    source: str
    against: str = ""  # another metric to compare with instead of a threshold

    @property
    def row_name(self) -> str:
        return f"standard_{self.name}"

    def threshold(self, fy: int) -> float | None:
        """The threshold in force in the financial year starting in April of ``fy``."""
        value = None
        for first, threshold in self.thresholds:
            if fy >= first:
                value = threshold
        return value


ALWAYS = 0  # applies from any year
# The NHS Long Term Plan (2019) set its mental health standards for 2019/20 to 2023/24. A
# standard of that plan ends with it: (LTP_END, None) closes its thresholds, so 2024/25 on are not
# judged against it (NHS England's later planning guidance set other measures or levels, not
# bundled); a scenario for later years states its own under ``targets``.
LTP_END = 2024


def fy_label(fy: int) -> str:
    """``2023`` → ``2023/24``."""
    return f"{fy}/{(fy + 1) % 100:02d}"


def judged_years(standard: Standard) -> tuple[int | None, int | None]:
    """``(first, last)``: the first and last financial years a threshold is in force (None:
    open-ended)."""
    first = next((fy for fy, t in standard.thresholds if t is not None), None)
    last = None
    if standard.thresholds and standard.thresholds[-1][1] is None:
        last = standard.thresholds[-1][0] - 1
    return (None if first == ALWAYS else first), last


def not_judged(standards: tuple[Standard, ...], first_fy: int, last_fy: int) -> list[str]:
    """Sentences for a run that goes on past the Long Term Plan (2023/24): each standard that
    stops before the run does, whose later years are shown as '–', never judged against a
    standard that did not apply then."""
    if last_fy < LTP_END:
        return []
    lines = []
    for standard in standards:
        first, last = judged_years(standard)
        if last is None or last >= last_fy:
            continue
        if first == last:
            span = f"{fy_label(last)} only"
        elif first is None:
            span = f"years up to {fy_label(last)} only"
        else:
            span = f"{fy_label(first)} to {fy_label(last)} only"
        after = fy_label(max(last + 1, first_fy))
        lines.append(f"{standard.row_name} applies to {span}: from {after} it is shown as '–', "
                     f"not judged; state your own target for {standard.metric} under "
                     "targets: (docs/scenario-format.md).")
    return lines


def target(metric: str, op: Literal[">=", "<="],
           spans: tuple[tuple[int, int | None, float], ...]) -> Standard:
    """A scenario's own target for ``metric``: ``spans`` of (first year, last year or None,
    level), judged as a standard (row ``standard_target_<metric>``)."""
    thresholds: list[tuple[int, float | None]] = []
    for first, last, level in sorted(spans):
        thresholds.append((first, level))
        if last is not None:
            thresholds.append((last + 1, None))
    thresholds.sort(key=lambda pair: (pair[0], pair[1] is not None))
    return Standard(f"target_{metric}", metric, op, tuple(thresholds),
                    f"the scenario's target for {metric}", "the scenario's targets")


def applicable(metrics: tuple[Metric, ...],
               standards: tuple[Standard, ...]) -> tuple[Standard, ...]:
    """The ``standards`` whose metrics (and comparison metric) are reported."""
    names = {m.name for m in metrics}
    return tuple(s for s in standards
                 if s.metric in names and (not s.against or s.against in names))


def judge(values: np.ndarray, metrics: tuple[Metric, ...], period_fy: np.ndarray,
          standards: tuple[Standard, ...]) -> np.ndarray:
    """met[draw, footprint, standard, period]: 1.0 met, 0.0 not met, NaN not applicable.

    ``values[draw, footprint, metric, period]`` are aggregated metrics (see results.aggregate);
    ``period_fy[period]`` is the financial year (its April's calendar year) of each period.
    """
    index = {m.name: i for i, m in enumerate(metrics)}
    out = np.full((*values.shape[:2], len(standards), values.shape[3]), np.nan)
    for s, standard in enumerate(standards):
        value = values[:, :, index[standard.metric]]
        for p, fy in enumerate(period_fy):
            threshold = standard.threshold(int(fy))
            if threshold is None:
                continue
            bound = values[:, :, index[standard.against], p] if standard.against else threshold
            v = value[..., p]
            met = v >= bound - EPSILON if standard.op == ">=" else v <= bound + EPSILON
            out[:, :, s, p] = np.where(np.isnan(v) | np.isnan(bound), np.nan,
                                       met.astype(np.float64))
    return out
