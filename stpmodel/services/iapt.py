"""IAPT (NHS Talking Therapies): need, referrals, a waiting list, courses, staff and cost.

The waiting list and courses run in the daily waiting-list kernel
(:mod:`stpmodel.kernels.waiting_list`); this module turns the ``iapt:`` section into its
inputs, and declares the metrics, standards and template part. Equations: docs/model.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..metrics import Metric
from ..sections import PERSONS, WTE, Section, spec
from ..standards import ALWAYS, Standard
from ..template import (
    MONTHS_TO_MARCH_2021,
    START,
    NoBaselineError,
    Sources,
    TemplateContext,
    comment_defaults,
    default_of,
    num,
    trajectory,
)
from ..values import FRACTION, Quantity, number, series
from .base import Context, Cost, Service, Staff, stack

if TYPE_CHECKING:
    from ..model import Projection
    from ..timeline import By

REFERRALS = Quantity("referrals/year", 0.0)
MONEY_PER_COURSE = Quantity("£/course", 0.0)


class IaptWorkforce(Section):
    wte: number(WTE) = spec(  # type: ignore[valid-type]
        "IAPT therapists in post in the start month", "WTE")
    sessions_per_wte: number(Quantity("sessions/WTE/year", 0.0, above_lo=True)) = spec(  # type: ignore[valid-type]
        "treatment sessions one whole-time therapist delivers in a year", "sessions/WTE/year")
    recruitment: series(Quantity("WTE/year", 0.0), "step") = spec(  # type: ignore[valid-type]
        "the most by which therapist WTE can grow in a year (net of leavers)", "WTE/year",
        interp="step")


class Iapt(Section):
    prevalence: series(FRACTION, "linear") = spec(  # type: ignore[valid-type]
        "share of adults with a common mental disorder who could benefit (IAPT need)",
        "fraction of adults", default=0.17, interp="linear",
        source="APMS 2014: one adult (16+) in six, 17.0%, has a common mental disorder")
    access: series(FRACTION, "linear") = spec(  # type: ignore[valid-type]
        "planned access: courses entered per year as a share of need. National standard: "
        "22% by March 2020, 25% in 2020/21", "fraction of need/year", interp="linear")
    referrals: series(REFERRALS, "linear") = spec(  # type: ignore[valid-type]
        "referrals received", "referrals/year", interp="linear")
    entry_rate: series(FRACTION, "step") = spec(  # type: ignore[valid-type]
        "share of referrals that go on to enter treatment (the rest leave before treatment)",
        "fraction of referrals", default=0.68, interp="step",
        source="NHS Digital, IAPT annual report 2018-19: 1.09m referrals entered treatment "
               "of 1,603,643 received (0.68)")
    completion_rate: series(FRACTION, "step") = spec(  # type: ignore[valid-type]
        "share of courses entered that finish (two or more treatment sessions)",
        "fraction of entered", default=0.534, interp="step",
        source="NHS Digital 2018-19: 582,556 finished a course (annual measures) ÷ 1.09m "
               "entered treatment (annual report) = 0.534")
    caseness_rate: series(FRACTION, "step") = spec(  # type: ignore[valid-type]
        "share of finished courses that started at caseness (the recovery denominator)",
        "fraction of finished", default=0.937, interp="step",
        source="NHS Digital annual measures 2018-19: 546,105 at caseness ÷ 582,556 finished "
               "(0.937)")
    recovery_rate: series(FRACTION, "step") = spec(  # type: ignore[valid-type]
        "share of finished courses at caseness that move to recovery", "fraction",
        default=0.522, interp="step",
        source="NHS Digital annual measures 2018-19: 284,810 recovered ÷ 546,105 at caseness "
               "(0.522); standard ≥ 0.50")
    waiting_list: number(PERSONS) = spec(  # type: ignore[valid-type]
        "people waiting to enter treatment at the start", "persons")
    course_weeks: number(Quantity("weeks", 1.0, 104.0)) = spec(  # type: ignore[valid-type]
        "time from entering treatment to finishing a course", "weeks")
    sessions_per_course: number(Quantity("sessions/course", 0.0, above_lo=True)) = spec(  # type: ignore[valid-type]
        "treatment sessions per course entered. The default is the mean for finished courses, "
        "so it overstates the sessions of courses that end early: a cautious figure for staff",
        "sessions/course", default=6.9,
        source="NHS Digital, IAPT annual report 2018-19: 6.9 sessions on average per finished "
               "course")
    cost_per_course: series(MONEY_PER_COURSE, "step") = spec(  # type: ignore[valid-type]
        "cost of one course, spread evenly over its weeks", "£/course",
        default=877.0, interp="step",
        source="Radhakrishnan et al., Behav Res Ther 2013: £877 per course overall "
               "(£493 low intensity, £1,416 high intensity)")
    workforce: IaptWorkforce = spec("IAPT therapists", "")


# ---------------------------------------------------------------------------------------------
# Inputs and the kernel


@dataclass(frozen=True)
class IaptInputs:
    """series[draw, footprint, S_*, month]; scalars[draw, footprint, C_*] (see the kernel)."""

    series: np.ndarray
    scalars: np.ndarray


def build(iapt: Iapt, ctx: Context) -> IaptInputs:
    """The waiting-list kernel's inputs for one footprint."""
    from ..kernels import waiting_list as k  # numba: imported when a run needs it

    def draw(path: str) -> np.ndarray:
        node: object = iapt
        for part in path.split("."):
            node = getattr(node, part)
        return ctx.series(f"iapt.{path}", node)

    n = ctx.n_draws
    population = ctx.scenario.population
    out = np.empty((n, 1, k.N_SERIES, ctx.timeline.n_months))
    adults = ctx.value("population.adults", population.adults)
    out[:, 0, k.S_ADULTS] = adults[:, None] * ctx.population_index
    out[:, 0, k.S_PREVALENCE] = draw("prevalence")
    out[:, 0, k.S_ACCESS] = draw("access")
    out[:, 0, k.S_REFERRALS] = draw("referrals") / 12.0
    out[:, 0, k.S_ENTRY] = draw("entry_rate")
    out[:, 0, k.S_COMPLETION] = draw("completion_rate")
    out[:, 0, k.S_CASENESS] = draw("caseness_rate")
    out[:, 0, k.S_RECOVERY] = draw("recovery_rate")
    out[:, 0, k.S_COST_PER_COURSE] = draw("cost_per_course")
    out[:, 0, k.S_RECRUITMENT] = draw("workforce.recruitment") / 12.0

    staff = iapt.workforce
    fixed = np.empty((n, 1, k.N_SCALARS))
    fixed[:, 0, k.C_WAITING0] = ctx.value("iapt.waiting_list", iapt.waiting_list)
    weeks = ctx.value("iapt.course_weeks", iapt.course_weeks)
    fixed[:, 0, k.C_COURSE_DAYS] = np.maximum(1.0, np.round(weeks * 7.0))
    fixed[:, 0, k.C_SESSIONS_PER_COURSE] = ctx.value("iapt.sessions_per_course",
                                                     iapt.sessions_per_course)
    fixed[:, 0, k.C_SESSIONS_PER_WTE] = ctx.value("iapt.workforce.sessions_per_wte",
                                                  staff.sessions_per_wte)
    fixed[:, 0, k.C_WTE0] = ctx.value("iapt.workforce.wte", staff.wte)
    return IaptInputs(out, fixed)


def _stack(parts: list[IaptInputs]) -> IaptInputs:
    return IaptInputs(stack([p.series for p in parts]), stack([p.scalars for p in parts]))


def _simulate(inputs: IaptInputs, days: np.ndarray, block: slice) -> np.ndarray:
    from ..kernels import waiting_list as k

    return k.project(days, inputs.series[block], inputs.scalars[block])


# The kernel's outputs O_NEED ... O_COST, in its order, named as rows (tests/test_layers.py checks)
KERNEL_ROWS = ("need", "need_per_month", "referrals", "joined", "left", "entered", "within_6",
               "within_18", "finished", "finished_caseness", "recovered", "waiting", "planned",
               "capacity", "wte_required", "wte_available", "cost")


# ---------------------------------------------------------------------------------------------
# Notes


TOLERANCE = 0.0005  # [fraction of need/year]: shortfalls smaller than this are not noted


def shortfalls(projection: Projection, by: By) -> list[str]:
    """Sentences naming each period whose IAPT access falls short of the plan, and why, on the
    mean over draws."""
    codes, labels = projection.timeline.periods(by)
    mean = {name: projection.row(f"iapt.{name}").mean(axis=0)  # [footprint, month]
            for name in ("need_per_month", "entered", "planned", "capacity", "wte_required",
                         "wte_available", "joined")}
    notes = []
    for f, (_, name) in enumerate(projection.footprints):
        o = {key: value[f] for key, value in mean.items()}
        for p, label in enumerate(labels):
            months = np.flatnonzero(codes == p)
            need = o["need_per_month"][months].sum()
            if need <= 0:
                continue
            achieved = o["entered"][months].sum() / need
            target = o["planned"][months].sum() / need
            if achieved >= target - TOLERANCE:
                continue
            short = o["capacity"][months] < o["planned"][months] * (1 - 1e-9)
            if short.any():
                worst = months[short][np.argmax((o["wte_required"] - o["wte_available"])
                                                [months[short]])]
                why = (f"therapists were short in {short.sum()} of {len(months)} months (at "
                       f"worst {o['wte_available'][worst]:,.1f} WTE in post against "
                       f"{o['wte_required'][worst]:,.1f} required)")
            else:
                why = (f"too few referrals to fill the plan: "
                       f"{o['joined'][months].sum():,.0f} joined the waiting list against "
                       f"{o['planned'][months].sum():,.0f} planned courses")
            digits = 1 if f"{achieved:.1%}" != f"{target:.1%}" else 2
            notes.append(f"{name} {label}: IAPT access {achieved:.{digits}%} is below the "
                         f"planned {target:.{digits}%}; {why}.")
    return notes


# ---------------------------------------------------------------------------------------------
# Its part of `stpmodel new`

BASELINE_YEAR = "2018-19"  # the last IAPT year before COVID-19
# The national IAPT access standard: 22% of need by March 2020 (2019/20 planning guidance) and
# 25% in 2020/21 (Five Year Forward View for Mental Health, 2016).
ACCESS_STANDARD = {"2020-03": 0.22, "2021-03": 0.25}
ACCESS_SOURCE = ("2019/20 planning guidance (22% by March 2020) and the Five Year Forward View "
                 "for Mental Health, 2016 (25% in 2020/21)")
SESSIONS_PER_WTE = 1000.0  # illustrative placeholder: 25 treatment sessions a week for 40 weeks


def _counts(code: str, label: str, src: Sources) -> tuple[str, float, str]:
    """``(year, referrals, basis)``: the latest year up to 2018-19 with referrals for ``code``."""
    import polars as pl

    from .. import reference

    table = src.iapt if src.iapt is not None else reference.iapt()
    rows = table.filter((pl.col("footprint_code") == code)
                        & (pl.col("measure") == "referrals_received")
                        & (pl.col("reporting_period") <= BASELINE_YEAR)
                        & pl.col("value").is_not_null()).sort("reporting_period")
    if not rows.height:
        raise NoBaselineError(f"no IAPT referrals for {label} up to {BASELINE_YEAR} in the IAPT "
                              f"data ({src.iapt_label})")
    last = rows.row(-1, named=True)
    basis = last.get("basis") or "published"
    return str(last["reporting_period"]), float(last["value"]), str(basis)


def template(t: TemplateContext) -> None:
    from .. import reference

    fp, out, adults, growth = t.fp, t.out, t.adults, t.growth
    year, referrals, basis = _counts(fp.code, str(fp), t.sources)
    prevalence = default_of(Iapt, "prevalence")
    entry = default_of(Iapt, "entry_rate")
    sessions = default_of(Iapt, "sessions_per_course")
    need = prevalence * adults
    entering = referrals * entry
    today = round(entering / need, 3)
    access = {START: today, **{m: max(v, today) for m, v in ACCESS_STANDARD.items()}}
    to_2021 = (1 + growth) ** (MONTHS_TO_MARCH_2021 / 12)
    needed_referrals = ACCESS_STANDARD["2021-03"] * need * to_2021 / entry
    wte = round(entering * sessions / SESSIONS_PER_WTE, 1)
    wte_2021 = ACCESS_STANDARD["2021-03"] * need * to_2021 * sessions / SESSIONS_PER_WTE
    recruitment = max(0, math.ceil((wte_2021 - wte) / (MONTHS_TO_MARCH_2021 / 12)))
    waiting = round(entering / 52 * 4)
    weeks = round(sessions)

    out.key("iapt")
    comment_defaults(out, Iapt, {"access", "referrals", "waiting_list", "course_weeks",
                                 "workforce"})
    out.comment(f"PLAN: the national access standard, {ACCESS_SOURCE}; from today's access. "
                f"Today: {referrals:,.0f} referrals × {num(entry)} entering treatment ÷ need "
                f"({num(prevalence)} × {adults:,} adults = {need:,.0f}) = {today:.1%} of need.",
                2)
    out.key("access", trajectory(access, 3), 2)
    where = "" if basis == "published" else f", {basis}"
    when = (f"{year}, the last year before COVID-19" if year == BASELINE_YEAR
            else f"{year}, the latest year up to {BASELINE_YEAR} in the data")
    out.comment(f"SOURCED: referrals received in {when} "
                f"({reference.IAPT_SOURCE}, {t.sources.iapt_label}: STP {fp.code}{where}). Held "
                f"flat: 25% access by March 2021 needs about {needed_referrals:,.0f} a year "
                f"(0.25 × need × growth ÷ {num(entry)}); until referrals rise, `run` notes that "
                "access falls short for want of referrals. Write your plan as a trajectory, "
                "e.g. {2019-04: ..., 2021-03: ...}.", 2)
    out.key("referrals", num(round(referrals)), 2)
    out.comment(f"NATIONAL-DEFAULT ESTIMATE: about 4 weeks of people entering treatment "
                f"({entering:,.0f} a year ÷ 52 × 4), as most people started within 6 weeks "
                "in England in 2018-19 (NHS Digital, IAPT annual report 2018-19: 89.4%).", 2)
    out.key("waiting_list", str(waiting), 2)
    out.comment(f"NATIONAL-DEFAULT ESTIMATE: {num(sessions)} sessions a course (the default) at "
                "about one a week.", 2)
    out.key("course_weeks", str(weeks), 2)
    out.key("workforce", indent=2)
    out.comment("ILLUSTRATIVE PLACEHOLDER: 25 treatment sessions a week for 40 weeks; no "
                "public source gives therapists' sessions.", 4)
    out.key("sessions_per_wte", num(SESSIONS_PER_WTE), 4)
    out.comment(f"NATIONAL-DEFAULT ESTIMATE: the staff today's activity needs: {entering:,.0f} "
                f"courses × {num(sessions)} sessions ÷ {SESSIONS_PER_WTE:,.0f} sessions a "
                "WTE.", 4)
    out.key("wte", num(wte), 4)
    out.comment(f"ILLUSTRATIVE PLACEHOLDER: enough recruitment to staff 25% access by March 2021 "
                f"({wte_2021:,.1f} WTE) from today's {wte:,.1f} WTE within 23 months.", 4)
    out.key("recruitment", str(recruitment), 4)
    t.assumptions.extend(["iapt.waiting_list", "iapt.course_weeks",
                          "iapt.workforce.sessions_per_wte", "iapt.workforce.wte",
                          "iapt.workforce.recruitment"])


# ---------------------------------------------------------------------------------------------
# The service

SERVICE = Service(
    name="iapt",
    title="IAPT (NHS Talking Therapies)",
    section=Iapt,
    rows=KERNEL_ROWS,
    kernel_rows=len(KERNEL_ROWS),
    standalone=True,
    inputs=build,
    stack=_stack,
    simulate=_simulate,
    staff=(Staff("wte_required", "wte_available"),),
    costs=(Cost("cost", accrual="day"),),  # courses in progress accrue by the day
    template=template,
    notes=shortfalls,
    metrics=(
        Metric("iapt_need", "persons", "stock",
               "adults who could benefit from IAPT: prevalence × adult population", row="need"),
        Metric("iapt_referrals", "referrals", "flow", "referrals received", row="referrals"),
        Metric("iapt_entered", "persons", "flow", "people entering a course of treatment",
               row="entered", summary=True),
        Metric("iapt_finished", "persons", "flow", "courses finished (two or more sessions)",
               row="finished"),
        Metric("iapt_recovered", "persons", "flow",
               "finished courses at caseness that moved to recovery", row="recovered",
               summary=True),
        Metric("iapt_access_rate", "fraction of need/year", "rate",
               "access achieved: entered ÷ need, annualised (for a financial year: entered in "
               "the year ÷ need)", numerator="entered", denominator="need_per_month",
               summary=True, key=True),
        Metric("iapt_access_target", "fraction of need/year", "rate",
               "access planned by the scenario's access trajectory, on the same basis",
               numerator="planned", denominator="need_per_month"),
        Metric("iapt_recovery_rate", "fraction", "rate",
               "recovered ÷ finished courses that started at caseness",
               numerator="recovered", denominator="finished_caseness", key=True),
        Metric("iapt_within_6_weeks", "fraction", "rate",
               "share of people entering treatment who waited 6 weeks (42 days) or less",
               numerator="within_6", denominator="entered", key=True),
        Metric("iapt_within_18_weeks", "fraction", "rate",
               "share of people entering treatment who waited 18 weeks (126 days) or less",
               numerator="within_18", denominator="entered", key=True),
        Metric("iapt_waiting_list", "persons", "stock",
               "people waiting to enter treatment, at the end of the period", row="waiting"),
        Metric("iapt_wte_required", "WTE", "stock", "therapist WTE needed to deliver the plan",
               row="wte_required"),
        Metric("iapt_wte_available", "WTE", "stock",
               "therapist WTE in post: today's staff grown by at most the recruitment limit",
               row="wte_available"),
        Metric("iapt_cost", "£", "flow", "cost of courses in progress", row="cost", key=True),
    ),
    standards=(
        Standard("iapt_access", "iapt_access_rate", ">=", ((2019, 0.22), (2020, 0.25)),
                 "IAPT access: 22% of need in 2019/20, 25% from 2020/21",
                 "2019/20 planning guidance; Five Year Forward View for Mental Health (2016)"),
        Standard("iapt_recovery", "iapt_recovery_rate", ">=", ((ALWAYS, 0.50),),
                 "IAPT recovery: at least 50%", "2019/20 planning guidance"),
        Standard("iapt_6_weeks", "iapt_within_6_weeks", ">=", ((ALWAYS, 0.75),),
                 "IAPT waits: 75% enter treatment within 6 weeks", "2019/20 planning guidance"),
        Standard("iapt_18_weeks", "iapt_within_18_weeks", ">=", ((ALWAYS, 0.95),),
                 "IAPT waits: 95% enter treatment within 18 weeks",
                 "2019/20 planning guidance"),
    ),
)
