"""Children and young people's mental health (CYP): need in an age band within 0–25, planned
access, capacity from staff (WTE × caseload), cost, and, optionally, eating-disorder waits
against the 1-week (urgent) and 4-week (routine) standards.

Eating-disorder referrals wait in the waiting-list kernel (:mod:`stpmodel.kernels.waiting_list`)
with its limits set to 7 and 28 days, one run for urgent and one for routine referrals; the rest
is arithmetic in :func:`derive`. Equations and sources: docs/services/cyp.md.
"""

from __future__ import annotations

from ...metrics import Metric
from ...standards import LTP_END, Standard
from ..base import Cost, Service, Staff
from .run import DERIVED_ROWS, KERNEL_ROWS, build, derive, simulate, stack_inputs
from .section import MHCYP_2017, Cyp, check, parse_age_band
from .standards import ACCESS, ED_FROM, ENGLAND_NEED, ENGLAND_UNDER_18, PLAN
from .template import (
    BASELINE_SOURCE,
    BASELINE_YEAR,
    CASELOAD_PLACEHOLDER,
    COST_PLACEHOLDER,
    CypPlan,
    band_population,
    icb_template,
    plan_for,
    population_by_age,
    template,
)

__all__ = ["ACCESS", "BASELINE_SOURCE", "BASELINE_YEAR", "CASELOAD_PLACEHOLDER",
           "COST_PLACEHOLDER", "ENGLAND_NEED", "ENGLAND_UNDER_18", "MHCYP_2017", "PLAN",
           "SERVICE", "Cyp", "CypPlan", "band_population", "parse_age_band", "plan_for",
           "population_by_age", "template"]

SERVICE = Service(
    name="cyp",
    title="children and young people's mental health (CYP)",
    section=Cyp,
    rows=KERNEL_ROWS + DERIVED_ROWS,
    kernel_rows=len(KERNEL_ROWS),
    standalone=True,
    inputs=build,
    stack=stack_inputs,
    simulate=simulate,
    derive=derive,
    check=check,
    features=lambda cyp: ("cyp_eating_disorders",) if cyp.eating_disorders else (),
    staff=(Staff("wte_required", "wte_available"),),
    costs=(Cost("cost"),),
    reached=("accessed",),
    template=template,
    icb_template=icb_template,
    metrics=(
        Metric("cyp_need", "persons", "stock",
               "children and young people in the age band with a diagnosable mental disorder: "
               "prevalence × population", row="need"),
        Metric("cyp_accessed", "persons", "flow",
               "children and young people with 1+ contacts: the plan, or what the staff in post "
               "can see if fewer", row="accessed", summary=True),
        Metric("cyp_access_rate", "fraction of need/year", "rate",
               "access achieved: accessed ÷ need, annualised", numerator="accessed",
               denominator="need_per_month", summary=True, key=True),
        Metric("cyp_access_target", "fraction of need/year", "rate",
               "access planned by the scenario's access trajectory", numerator="planned",
               denominator="need_per_month"),
        Metric("cyp_capacity", "persons", "flow",
               "children and young people the staff in post can see: WTE × caseload",
               row="capacity"),
        Metric("cyp_wte_required", "WTE", "stock", "clinical WTE the plan needs",
               row="wte_required"),
        Metric("cyp_wte_available", "WTE", "stock",
               "clinical WTE in post: the start's grown by at most the recruitment limit (less "
               "leavers, after the training lag, when given)",
               row="wte_available"),
        Metric("cyp_cost", "£", "flow", "WTE in post × cost per WTE (at the price base)",
               row="cost", key=True),
        Metric("cyp_ed_urgent_started", "persons", "flow",
               "urgent eating-disorder referrals starting treatment", row="ed_urgent_started",
               requires=("cyp_eating_disorders",)),
        Metric("cyp_ed_urgent_within_1_week", "fraction", "rate",
               "share of urgent eating-disorder treatments started within 1 week (7 days) of "
               "referral", numerator="ed_urgent_within_1_week",
               denominator="ed_urgent_started", requires=("cyp_eating_disorders",), key=True),
        Metric("cyp_ed_urgent_waiting", "persons", "stock",
               "urgent referrals queued beyond their pathway delay, at the end of the period",
               row="ed_urgent_waiting", requires=("cyp_eating_disorders",)),
        Metric("cyp_ed_routine_started", "persons", "flow",
               "routine eating-disorder referrals starting treatment",
               row="ed_routine_started", requires=("cyp_eating_disorders",)),
        Metric("cyp_ed_routine_within_4_weeks", "fraction", "rate",
               "share of routine eating-disorder treatments started within 4 weeks (28 days) "
               "of referral", numerator="ed_routine_within_4_weeks",
               denominator="ed_routine_started", requires=("cyp_eating_disorders",), key=True),
        Metric("cyp_ed_routine_waiting", "persons", "stock",
               "routine referrals queued beyond their pathway delay, at the end of the period",
               row="ed_routine_waiting", requires=("cyp_eating_disorders",)),
    ),
    standards=(
        Standard("cyp_access", "cyp_access_rate", ">=", ACCESS,
                 f"CYP access in 2021/22: NHS England's trajectory, 685,439 people, as a share of "
                 f"England's need ({ENGLAND_NEED:,}): {ACCESS[0][1]:.2%}. Other years' "
                 "standards were set on another denominator and are not judged",
                 "NHS England's indicative LTP trajectory 2021/22 by ICB (OCC data file)"),
        Standard("cyp_ed_urgent", "cyp_ed_urgent_within_1_week", ">=",
                 ((ED_FROM, 0.95), (LTP_END, None)),
                 "CYP eating disorders: 95% of urgent referrals treated within 1 week, "
                 "2020/21 to 2023/24",
                 "2019/20 planning guidance ('by March 2021'), maintained by the NHS "
                 "Long Term Plan (RCPsych 2019, appendices 4 and 5)"),
        Standard("cyp_ed_routine", "cyp_ed_routine_within_4_weeks", ">=",
                 ((ED_FROM, 0.95), (LTP_END, None)),
                 "CYP eating disorders: 95% of routine referrals treated within 4 weeks, "
                 "2020/21 to 2023/24",
                 "2019/20 planning guidance ('by March 2021'), maintained by the NHS "
                 "Long Term Plan (RCPsych 2019, appendices 4 and 5)"),
    ),
)
