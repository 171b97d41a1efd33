"""The monthly grid of a run and its grouping into months, quarters and financial years.

NHS financial years run April to March: ``2019/20`` is April 2019 to March 2020, and its first
quarter, ``2019/20 Q1``, is April to June 2019.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np

from .values import month_label

By = Literal["month", "quarter", "year"]
BY_CHOICES: tuple[By, ...] = ("month", "quarter", "year")


def financial_year(index: int) -> str:
    """``financial_year(month_index(2020, 3)) == '2019/20'``."""
    year, month = divmod(index, 12)
    first = year if month >= 3 else year - 1  # month is 0-based: 3 is April
    return f"{first}/{(first + 1) % 100:02d}"


def quarter(index: int) -> str:
    """``quarter(month_index(2019, 4)) == '2019/20 Q1'``; January–March is Q4."""
    return f"{financial_year(index)} Q{((index % 12) - 3) % 12 // 3 + 1}"


def period_label(index: int, by: By) -> str:
    if by == "month":
        return month_label(index)
    if by == "quarter":
        return quarter(index)
    return financial_year(index)


@dataclass(frozen=True)
class Timeline:
    """Months ``start``..``end`` inclusive, as month indexes."""

    start: int
    end: int

    @property
    def months(self) -> np.ndarray:
        """Month indexes [int64, n_months]."""
        return np.arange(self.start, self.end + 1, dtype=np.int64)

    @property
    def n_months(self) -> int:
        return self.end - self.start + 1

    @cached_property
    def days(self) -> np.ndarray:
        """Days in each month [int64, n_months]; worked out once (a national run asks some 300
        times) and read-only, so that no caller can change it for the others."""
        days = np.array([calendar.monthrange(m // 12, m % 12 + 1)[1] for m in self.months],
                        dtype=np.int64)
        days.setflags(write=False)
        return days

    def periods(self, by: By) -> tuple[np.ndarray, list[str]]:
        """Group months into periods: ``(period_of_month[int64, n_months], labels)``. Labels are in
        time order; a period at either end may hold fewer months than a full one."""
        labels: list[str] = []
        codes = np.empty(self.n_months, dtype=np.int64)
        for i, m in enumerate(self.months):
            label = period_label(int(m), by)
            if not labels or labels[-1] != label:
                labels.append(label)
            codes[i] = len(labels) - 1
        return codes, labels

    def is_partial(self, by: By) -> list[bool]:
        """For each period, whether the run covers fewer months than the whole period."""
        codes, labels = self.periods(by)
        full = {"month": 1, "quarter": 3, "year": 12}[by]
        counts = np.bincount(codes, minlength=len(labels))
        return [bool(c < full) for c in counts]
