"""The metric registry: the single source for output columns, their units and the docs.

Each metric says how it aggregates over a period (a quarter, a financial year):

- ``flow``: summed over the months of the period (people entering treatment, cost);
- ``stock``: the value at the end of the period (waiting list, staff in post);
- ``rate``: recomputed as the period's summed numerator over its summed denominator, never an
  average of monthly rates (access, recovery, waiting-time shares).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from . import kernel as k

Aggregation = Literal["flow", "stock", "rate"]


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    aggregation: Aggregation
    description: str
    index: int = -1  # kernel output row, for flows and stocks
    numerator: int = -1  # kernel output rows, for rates
    denominator: int = -1
    # Which standard a rate is held to, for the docs. Checking standards comes later.


METRICS: tuple[Metric, ...] = (
    Metric("iapt_need", "persons", "stock",
           "adults who could benefit from IAPT: prevalence × adult population", index=k.O_NEED),
    Metric("iapt_referrals", "referrals", "flow", "referrals received", index=k.O_REFERRALS),
    Metric("iapt_entered", "persons", "flow", "people entering a course of treatment",
           index=k.O_ENTERED),
    Metric("iapt_finished", "persons", "flow", "courses finished (two or more sessions)",
           index=k.O_FINISHED),
    Metric("iapt_recovered", "persons", "flow",
           "finished courses at caseness that moved to recovery", index=k.O_RECOVERED),
    Metric("iapt_access_rate", "fraction of need/year", "rate",
           "access achieved: entered ÷ need, annualised (for a financial year: entered in the "
           "year ÷ need)", numerator=k.O_ENTERED, denominator=k.O_NEED_PER_MONTH),
    Metric("iapt_access_target", "fraction of need/year", "rate",
           "access planned by the scenario's access trajectory, on the same basis",
           numerator=k.O_PLANNED, denominator=k.O_NEED_PER_MONTH),
    Metric("iapt_recovery_rate", "fraction", "rate",
           "recovered ÷ finished courses that started at caseness",
           numerator=k.O_RECOVERED, denominator=k.O_FINISHED_CASENESS),
    Metric("iapt_within_6_weeks", "fraction", "rate",
           "share of people entering treatment who waited 6 weeks (42 days) or less",
           numerator=k.O_WITHIN_6, denominator=k.O_ENTERED),
    Metric("iapt_within_18_weeks", "fraction", "rate",
           "share of people entering treatment who waited 18 weeks (126 days) or less",
           numerator=k.O_WITHIN_18, denominator=k.O_ENTERED),
    Metric("iapt_waiting_list", "persons", "stock",
           "people waiting to enter treatment, at the end of the period", index=k.O_WAITING),
    Metric("iapt_wte_required", "WTE", "stock", "therapist WTE needed to deliver the plan",
           index=k.O_WTE_REQUIRED),
    Metric("iapt_wte_available", "WTE", "stock",
           "therapist WTE in post: today's staff grown by at most the recruitment limit",
           index=k.O_WTE_AVAILABLE),
    Metric("iapt_cost", "£", "flow", "cost of courses in progress", index=k.O_COST),
)

BY_NAME: dict[str, Metric] = {m.name: m for m in METRICS}
