"""What a metric is: an output column with its unit and how it aggregates over a period.

Each service declares its metrics (``stpmodel/services/``); the registry collects them into the
single list that output columns, the docs and the diff use (:data:`stpmodel.services.METRICS`).

A metric says how it aggregates over a period (a quarter, a financial year):

- ``flow``: summed over the months of the period (people entering treatment, cost);
- ``stock``: the value at the end of the period (waiting list, staff in post);
- ``rate``: recomputed as the period's summed numerator over its summed denominator, never an
  average of monthly rates (access, recovery, waiting-time shares);
- ``ratio``: the numerator's value at the end of the period over the denominator's, both
  stocks (a benefit:cost ratio of present values since the start; coverage in March).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Aggregation = Literal["flow", "stock", "rate", "ratio"]


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    aggregation: Aggregation
    description: str
    row: str = ""  # for flows and stocks: a row name (the service's own, or 'service.row')
    numerator: str = ""  # for rates: row names
    denominator: str = ""
    requires: tuple[str, ...] = ()  # further services that must all be present
    any_of: tuple[str, ...] = ()  # if given: reported when any of these is present instead
    summary: bool = False  # shown in the default table (what a board asks first)
    key: bool = False  # a column of batch's summary.csv
    # set by the registry: the service that declares it, and the row indexes
    service: str = ""
    index: int = -1
    num: int = -1
    den: int = -1

    def reported_for(self, services: tuple[str, ...]) -> bool:
        if self.any_of:
            return any(s in services for s in self.any_of)
        return self.service in services and all(s in services for s in self.requires)
