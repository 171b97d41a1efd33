"""The national standards, and whether each is met in each period.

A standard compares one reported metric, aggregated over the period, with a threshold that may
change by financial year (or with another metric, for the budget and MHIS checks). It is judged
per draw, so with several draws the mean of a standard row is the share of draws meeting it.
A period before a standard applies, or whose metric is missing, reports nothing for it.
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
    # (first financial year it applies to, threshold), ascending; with ``against`` the
    # threshold only says from when the standard applies
    thresholds: tuple[tuple[int, float], ...]
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
STANDARDS: tuple[Standard, ...] = (
    Standard("iapt_access", "iapt_access_rate", ">=", ((2019, 0.22), (2020, 0.25)),
             "IAPT access: 22% of need in 2019/20, 25% from 2020/21",
             "2019/20 planning guidance; Five Year Forward View for Mental Health (2016)"),
    Standard("iapt_recovery", "iapt_recovery_rate", ">=", ((ALWAYS, 0.50),),
             "IAPT recovery: at least 50%", "2019/20 planning guidance"),
    Standard("iapt_6_weeks", "iapt_within_6_weeks", ">=", ((ALWAYS, 0.75),),
             "IAPT waits: 75% enter treatment within 6 weeks", "2019/20 planning guidance"),
    Standard("iapt_18_weeks", "iapt_within_18_weeks", ">=", ((ALWAYS, 0.95),),
             "IAPT waits: 95% enter treatment within 18 weeks", "2019/20 planning guidance"),
    Standard("liaison_core24", "liaison_core24_coverage", ">=", ((2020, 0.50), (2023, 0.70)),
             "CORE24 liaison: 50% of acute hospitals by 2020/21, 70% by 2023/24",
             "NHS Long Term Plan (2019)"),
    Standard("oaps_ended", "oap_bed_days", "<=", ((2021, 0.0),),
             "no out-of-area placements from 2021/22",
             "Five Year Forward View for Mental Health (2016): eliminate inappropriate OAPs "
             "by 2020/21"),
    Standard("los_32_days", "mh_planned_los", "<=", ((2023, 32.0),),
             "adult acute mean length of stay of 32 days or less from 2023/24 (as planned: "
             "the simulated mean scatters around it)",
             "NHS Long Term Plan, mental health deliverables for 2023/24"),
    Standard("within_budget", "investment", "<=", ((ALWAYS, 0.0),),
             "investment within the scenario's budget", "the scenario's finance.budget",
             against="budget"),
    Standard("mhis", "mh_spend", ">=", ((ALWAYS, 0.0),),
             "Mental Health Investment Standard: MH spend grows at least as fast as the "
             "allocation", "NHS England, Mental Health Investment Standard",
             against="mhis_minimum"),
)


def applicable(metrics: tuple[Metric, ...]) -> tuple[Standard, ...]:
    """The standards whose metrics (and comparison metric) are reported."""
    names = {m.name for m in metrics}
    return tuple(s for s in STANDARDS
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
            out[:, :, s, p] = np.where(np.isnan(v), np.nan, met.astype(np.float64))
    return out
