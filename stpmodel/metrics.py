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
    also: tuple[str, ...] = ()  # further sections that must all be present
    any_of: tuple[str, ...] = ()  # if given: reported when any of these is present instead

    def reported_for(self, services: tuple[str, ...]) -> bool:
        if self.any_of:
            return any(s in services for s in self.any_of)
        return self.service in services and all(s in services for s in self.also)


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
    Metric("mh_planned_los", "days", "rate",
           "mean length of stay planned (the trajectory, weighted by expected admissions); the "
           "simulated mh_mean_los scatters around it", numerator=r.R_LOS_EXPECTED_DAYS,
           denominator=r.R_ADMISSIONS_EXPECTED, service="inpatient"),
    Metric("oap_admissions", "admissions", "flow",
           "admissions that found every local bed full and were placed out of area",
           index=bed(b.B_OAP_ADMISSIONS), service="inpatient"),
    Metric("oap_bed_days", "bed days", "flow", "bed days spent out of area",
           index=bed(b.B_OAP_BED_DAYS), service="inpatient"),
    Metric("oap_cost", "£", "flow", "out-of-area bed days × cost per day", index=r.R_OAP_COST,
           service="inpatient"),
    Metric("beds_needed", "beds", "rate",
           "beds to hold local and out-of-area bed days at the target occupancy",
           numerator=r.R_BED_DAYS_NEEDED, denominator=r.R_DAYS,
           service="inpatient"),
    # crisis resolution and home treatment teams
    Metric("crisis_admissions_avoided", "admissions", "flow",
           "expected admissions avoided by crisis cover beyond the start month's",
           index=r.R_CRISIS_AVOIDED, service="crisis"),
    Metric("crisis_wte", "WTE", "stock", "crisis team staff", index=r.R_CRISIS_WTE,
           service="crisis"),
    Metric("crisis_cost", "£", "flow", "crisis team staff × cost per WTE", index=r.R_CRISIS_COST,
           service="crisis"),
    # liaison psychiatry
    Metric("liaison_core24_coverage", "fraction", "rate",
           "share of acute hospitals with liaison at CORE24 or above",
           numerator=r.R_LIAISON_CORE24, denominator=r.R_LIAISON_HOSPITALS, service="liaison"),
    Metric("liaison_wte", "WTE", "stock", "liaison staff, all groups", index=r.R_LIAISON_WTE,
           service="liaison"),
    Metric("liaison_consultant_wte", "WTE", "stock", "liaison consultant psychiatrists",
           index=r.R_LIAISON_CONSULTANT_WTE, service="liaison"),
    Metric("liaison_professional_wte", "WTE", "stock", "other liaison MH professionals",
           index=r.R_LIAISON_PROFESSIONAL_WTE, service="liaison"),
    Metric("liaison_cost", "£", "flow", "liaison staff × cost per WTE, plus non-pay",
           index=r.R_LIAISON_COST, service="liaison"),
    Metric("liaison_bed_days_saved", "bed days", "flow",
           "acute bed days saved by liaison above the start month's levels",
           index=r.R_LIAISON_BED_DAYS_SAVED, service="liaison"),
    Metric("liaison_savings", "£", "flow", "liaison bed days saved × cost per bed day",
           index=r.R_LIAISON_SAVINGS, service="liaison"),
    # acute physical-health integration
    Metric("acute_ae_avoided", "attendances", "flow",
           "A&E attendances of MH service users avoided", index=r.R_ACUTE_AE_AVOIDED,
           service="acute"),
    Metric("acute_nel_avoided", "admissions", "flow",
           "non-elective admissions of MH service users avoided", index=r.R_ACUTE_NEL_AVOIDED,
           service="acute"),
    Metric("acute_savings", "£", "flow", "avoided attendances and admissions × unit costs",
           index=r.R_ACUTE_SAVINGS, service="acute"),
    # workforce, all services
    Metric("wte_required", "WTE", "stock", "staff needed across services",
           index=r.R_WTE_REQUIRED, any_of=("iapt", "crisis", "liaison")),
    Metric("wte_available", "WTE", "stock", "staff in post across services",
           index=r.R_WTE_AVAILABLE, any_of=("iapt", "crisis", "liaison")),
    Metric("wte_gap", "WTE", "stock", "staff needed but not in post (required − available)",
           index=r.R_WTE_GAP, any_of=("iapt", "crisis", "liaison")),
    # finance
    Metric("investment", "£", "flow",
           "spend above the start month's rate, plus non-pay and one-off costs",
           index=r.R_INVESTMENT, service="finance"),
    Metric("oap_savings", "£", "flow",
           "OAP cost had beds, stays and crisis cover stayed as at the start, less the plan's",
           index=r.R_OAP_SAVINGS, service="finance", also=("inpatient",)),
    Metric("savings", "£", "flow", "liaison, acute and OAP savings", index=r.R_SAVINGS,
           service="finance"),
    Metric("net_cost", "£", "flow", "investment − savings", index=r.R_NET_COST,
           service="finance"),
    Metric("cumulative_net_cost", "£", "stock", "net cost since the start",
           index=r.R_CUMULATIVE_NET_COST, service="finance"),
    Metric("npv", "£", "stock",
           "net present value of savings − investment since the start, discounted by financial "
           "year", index=r.R_NPV, service="finance"),
    Metric("roi", "ratio", "rate", "return on investment: (savings − investment) ÷ investment",
           numerator=r.R_NET_BENEFIT, denominator=r.R_INVESTMENT, service="finance"),
    Metric("benefit_cost_ratio", "ratio", "rate", "savings ÷ investment",
           numerator=r.R_SAVINGS, denominator=r.R_INVESTMENT, service="finance"),
    Metric("budget", "£", "flow", "the investment budget", index=r.R_BUDGET, service="budget"),
    Metric("mh_spend", "£", "flow", "MH spend: the MHIS base spend plus investment",
           index=r.R_MH_SPEND, service="mhis"),
    Metric("mhis_minimum", "£", "flow",
           "MH spend the Mental Health Investment Standard requires: base × allocation growth",
           index=r.R_MHIS_MINIMUM, service="mhis"),
)

BY_NAME: dict[str, Metric] = {m.name: m for m in METRICS}

# What a board asks first: the default table shows these (those the scenario reports) and the
# standards; ``--all`` shows every metric.
SUMMARY = ("iapt_entered", "iapt_access_rate", "iapt_recovered", "mh_admissions", "oap_bed_days",
           "oap_cost", "liaison_core24_coverage", "crisis_admissions_avoided", "investment",
           "savings", "net_cost", "npv", "wte_required", "wte_gap")


def metrics_for(services: tuple[str, ...]) -> tuple[Metric, ...]:
    """The metrics a scenario with these services reports, in registry order."""
    return tuple(m for m in METRICS if m.reported_for(services))
