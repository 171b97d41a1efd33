"""IAPT (NHS Talking Therapies): need on NHS England's basis, referrals, a waiting list, courses
that finish or end early, staff, cost, and the standards year by year.

The waiting list and courses run in the daily waiting-list kernel
(:mod:`stpmodel.kernels.waiting_list`). This package declares the service: its section
(:mod:`.section`), its run (:mod:`.run`: inputs, kernel, derived rows, notes) and its part of
``stpmodel new`` (:mod:`.template`). Equations: docs/model.md; validation: docs/validation.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...metrics import Metric
from ...standards import ALWAYS, LTP_END, Standard
from ...values import fail
from ..base import Cost, Service, Staff, simulate_waiting_list, stack_waiting_lists
from .run import DERIVED_ROWS, KERNEL_ROWS, basis_note, build, derive, shortfalls
from .section import Iapt, own_code, share_of_adults
from .template import icb_template, template
from .validation import england_reference, footprint_reference

if TYPE_CHECKING:
    from ...scenario import Scenario

__all__ = ["SERVICE", "Iapt"]


def check(scenario: Scenario) -> None:
    """Need on NHS England's basis needs the footprint's figure, unless prevalence is given."""
    iapt: Iapt = scenario.section("iapt")
    code = scenario.footprint.code
    if iapt.prevalence is None and share_of_adults(iapt, own_code(scenario)) is None:
        raise fail(f"the bundled data give no NHS England need for footprint {code}"
                   + (" (custom: the bundled data are not used)"
                      if scenario.footprint.custom else ""),
                   "give iapt.prevalence [fraction of adults], or need_basis: apms2014",
                   key="iapt.need_basis")


# NHS England's access standards, year by year (docs/model.md, "IAPT standards";
# stpmodel/data/iapt_standards.csv). 2019/20 was judged on the fourth quarter's run rate, 22% of
# need a year (5.5% in the quarter). Later years are judged on the year's flow: 25% in 2020/21
# (FYFVMH: 1.5m); then NHS England's numbers for England as a share of its need, 6,078,342
# (stpmodel/data/iapt_need.csv): 2021/22's quarterly targets, 394,431 + 402,290 + 404,910 +
# 418,008 = 1,619,639, are 26.65%; the Long Term Plan's 1.9m by 2023/24 is 31.26%, for 2023/24
# only: the plan ends there (standards.LTP_END), and later years are not judged.
# No ambition for 2022/23 is in the bundled data, so that year is not judged.
ENGLAND_NEED = 6_078_342
Q4_RUN_RATE = ((2019, 0.22), (2020, None))
ACCESS = ((2020, 0.25), (2021, round(1_619_639 / ENGLAND_NEED, 4)), (2022, None),
          (2023, round(1_900_000 / ENGLAND_NEED, 4)), (LTP_END, None))

SERVICE = Service(
    name="iapt",
    title="IAPT (NHS Talking Therapies)",
    section=Iapt,
    rows=KERNEL_ROWS + DERIVED_ROWS,
    kernel_rows=len(KERNEL_ROWS),
    standalone=True,
    same_for_every_footprint=("need_basis",),
    inputs=build,
    stack=stack_waiting_lists,
    simulate=simulate_waiting_list,
    derive=derive,
    check=check,
    staff=(Staff("wte_required", "wte_available"),),
    costs=(Cost("cost", accrual="day"),),  # sessions accrue by the day
    reached=("entered",),
    template=template,
    icb_template=icb_template,
    notes=shortfalls,
    total_notes=basis_note,
    docs=(("validation.md", "iapt-england", england_reference),
          ("validation.md", "iapt-footprints", footprint_reference)),
    metrics=(
        Metric("iapt_need", "persons", "stock",
               "adults who could benefit from IAPT, on the scenario's need basis (NHS England's "
               "by default): prevalence × adult population", row="need"),
        Metric("iapt_referrals", "referrals", "flow", "referrals received", row="referrals"),
        Metric("iapt_entered", "persons", "flow",
               "people entering a course of treatment (a first treatment session)",
               row="entered", summary=True),
        Metric("iapt_finished", "persons", "flow",
               "courses finished (two or more treatment sessions), in the period they end",
               row="finished"),
        Metric("iapt_ended_unfinished", "persons", "flow",
               "courses entered that ended without finishing (one treatment session)",
               row="ended_unfinished"),
        Metric("iapt_recovered", "persons", "flow",
               "finished courses at caseness that moved to recovery", row="recovered",
               summary=True),
        Metric("iapt_access_rate", "fraction of need/year", "rate",
               "access achieved: entered ÷ need, annualised (for a financial year: entered in "
               "the year ÷ need)", numerator="entered", denominator="need_per_month",
               summary=True, key=True),
        Metric("iapt_access_q4_run_rate", "fraction of need/year", "rate",
               "access in January to March, annualised: for a financial year, its fourth "
               "quarter's run rate (how 2019/20's standard was judged)",
               numerator="entered_q4", denominator="need_per_month_q4"),
        Metric("iapt_access_target", "fraction of need/year", "rate",
               "access planned by the scenario's access trajectory, on the same basis",
               numerator="planned", denominator="need_per_month"),
        Metric("iapt_recovery_rate", "fraction", "rate",
               "recovered ÷ finished courses that started at caseness",
               numerator="recovered", denominator="finished_caseness", key=True),
        Metric("iapt_within_6_weeks", "fraction", "rate",
               "share of finished courses whose first treatment came 6 weeks (42 days) or less "
               "after referral (NHS Digital's basis)",
               numerator="finished_within_6", denominator="finished", key=True),
        Metric("iapt_within_18_weeks", "fraction", "rate",
               "share of finished courses whose first treatment came 18 weeks (126 days) or "
               "less after referral (NHS Digital's basis)",
               numerator="finished_within_18", denominator="finished", key=True),
        Metric("iapt_waiting_list", "persons", "stock",
               "people queued for a therapist beyond the usual pathway delay, at the end of "
               "the period", row="waiting"),
        Metric("iapt_waiting_over_6_weeks", "persons", "stock",
               "of them, those who have waited more than 6 weeks (queue and pathway delay)",
               row="waiting_over_6"),
        Metric("iapt_waiting_over_18_weeks", "persons", "stock",
               "of them, those who have waited more than 18 weeks (queue and pathway delay)",
               row="waiting_over_18"),
        Metric("iapt_wte_required", "WTE", "stock", "therapist WTE needed to deliver the plan",
               row="wte_required"),
        Metric("iapt_wte_available", "WTE", "stock",
               "therapist WTE in post: today's staff grown by at most the recruitment limit",
               row="wte_available"),
        Metric("iapt_sessions", "sessions", "flow",
               "treatment sessions delivered: finished courses' sessions over their weeks, and "
               "unfinished courses' at their start", row="sessions"),
        Metric("iapt_cost", "£", "flow", "sessions × cost per session (2024/25 prices)",
               row="cost", key=True),
    ),
    standards=(
        Standard("iapt_access_2019_20", "iapt_access_q4_run_rate", ">=", Q4_RUN_RATE,
                 "IAPT access 2019/20: a run rate of 22% of need a year in its fourth quarter "
                 "(5.5% in January to March)",
                 "NHS England, 2019/20 operational planning and contracting guidance"),
        Standard("iapt_access", "iapt_access_rate", ">=", ACCESS,
                 "IAPT access: 25% of need in 2020/21; NHS England's numbers as a share of "
                 "England's need after: 26.65% in 2021/22 (1.62m), 31.26% in 2023/24 (1.9m)",
                 "Five Year Forward View for Mental Health (2016): 25% = 1.5m a year; NHS "
                 "Mental Health Dashboard, IAPT(i_a) Targets 2021/22; NHS Long Term Plan: 1.9m "
                 "by 2023/24"),
        Standard("iapt_recovery", "iapt_recovery_rate", ">=", ((ALWAYS, 0.50), (LTP_END, None)),
                 "IAPT recovery: at least 50%, to 2023/24",
                 "2019/20 planning guidance; from 2024/25 NHS England's guidance sets reliable "
                 "recovery (48%) instead, a measure the model does not report"),
        Standard("iapt_6_weeks", "iapt_within_6_weeks", ">=", ((ALWAYS, 0.75),),
                 "IAPT waits: 75% of finished courses started within 6 weeks of referral",
                 "2019/20 planning guidance; NHS Digital's measure"),
        Standard("iapt_18_weeks", "iapt_within_18_weeks", ">=", ((ALWAYS, 0.95),),
                 "IAPT waits: 95% of finished courses started within 18 weeks of referral",
                 "2019/20 planning guidance; NHS Digital's measure"),
    ),
)
