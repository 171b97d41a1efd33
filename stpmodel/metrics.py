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

from . import beds as b
from . import kernel as k
from . import rows as r
from .rows import bed

Aggregation = Literal["flow", "stock", "rate"]


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    aggregation: Aggregation
    description: str
    index: int = -1  # kernel output row, for flows and stocks
    numerator: int = -1  # rows, for rates
    denominator: int = -1
    service: str = "iapt"  # the scenario section that must be present for it to be reported


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
    # inpatient beds and out-of-area placements (one stochastic simulation per draw)
    Metric("mh_admissions", "admissions", "flow", "adult acute mental health admissions",
           index=bed(b.B_ADMISSIONS), service="inpatient"),
    Metric("mh_occupied_bed_days", "bed days", "flow", "local bed days occupied",
           index=bed(b.B_LOCAL_BED_DAYS), service="inpatient"),
    Metric("mh_beds", "beds", "stock", "local beds open", index=r.R_BEDS_OPEN,
           service="inpatient"),
    Metric("mh_occupancy", "fraction", "rate", "local bed days occupied ÷ bed days open",
           numerator=bed(b.B_LOCAL_BED_DAYS), denominator=bed(b.B_BED_DAYS_OPEN),
           service="inpatient"),
    Metric("mh_mean_los", "days", "rate", "mean length of stay of the period's admissions",
           numerator=bed(b.B_LOS_DAYS), denominator=bed(b.B_ADMISSIONS), service="inpatient"),
    Metric("oap_admissions", "admissions", "flow",
           "admissions that found every local bed full and were placed out of area",
           index=bed(b.B_OAP_ADMISSIONS), service="inpatient"),
    Metric("oap_bed_days", "bed days", "flow", "bed days spent out of area",
           index=bed(b.B_OAP_BED_DAYS), service="inpatient"),
    Metric("oap_cost", "£", "flow", "out-of-area bed days × cost per day", index=r.R_OAP_COST,
           service="inpatient"),
    Metric("beds_needed", "beds", "rate",
           "beds to hold local and out-of-area bed days at the target occupancy",
           numerator=r.R_BED_DAYS_NEEDED, denominator=r.R_BED_DAYS_AT_TARGET,
           service="inpatient"),
    # crisis resolution and home treatment teams
    Metric("crisis_admissions_avoided", "admissions", "flow",
           "expected admissions avoided by crisis cover beyond the start month's",
           index=r.R_CRISIS_AVOIDED, service="crisis"),
    Metric("crisis_wte", "WTE", "stock", "crisis team staff", index=r.R_CRISIS_WTE,
           service="crisis"),
    Metric("crisis_cost", "£", "flow", "crisis team staff × cost per WTE", index=r.R_CRISIS_COST,
           service="crisis"),
)

BY_NAME: dict[str, Metric] = {m.name: m for m in METRICS}


def metrics_for(services: tuple[str, ...]) -> tuple[Metric, ...]:
    """The metrics a scenario with these services reports, in registry order."""
    return tuple(m for m in METRICS if m.service in services)
