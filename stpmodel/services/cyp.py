"""Children and young people's mental health (CYP): need in an age band within 0–25, planned
access, capacity from staff (WTE × caseload), cost, and, optionally, eating-disorder waits
against the 1-week (urgent) and 4-week (routine) standards.

Eating-disorder referrals wait in the waiting-list kernel (:mod:`stpmodel.kernels.waiting_list`)
with its limits set to 7 and 28 days, one run for urgent and one for routine referrals; the rest
is arithmetic in :func:`derive`. Equations and sources: docs/services/cyp.md.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
from pydantic import BeforeValidator, WithJsonSchema

from ..metrics import Metric
from ..sections import PERSONS, WTE, Section, spec
from ..standards import Standard
from ..values import FRACTION, Quantity, fail, number, series
from .base import Context, Cost, Rows, Service, Staff, adults_by_month, stack

if TYPE_CHECKING:
    from ..scenario import Scenario
    from ..template import TemplateContext

DATA = Path(__file__).resolve().parent.parent / "data"
OLDEST = 25  # the oldest age a CYP age band may reach (the Long Term Plan's 0–25)
MHCYP_2017 = 0.128  # MHCYP 2017: 12.8% of 5–19 year olds had at least one mental disorder
MONEY_PER_WTE = Quantity("£/WTE/year", 0.0)
CASELOAD = Quantity("persons/WTE/year", 0.0, above_lo=True)
PER_YEAR = Quantity("referrals/year", 0.0)
STARTS = Quantity("treatments/year", 0.0)
UNLIMITED_WTE = 1e18  # [WTE]: eating-disorder capacity is a number of starts, not staff
ED_URGENT_DAYS = 7  # [days]: the urgent standard, 1 week
ED_ROUTINE_DAYS = 28  # [days]: the routine standard, 4 weeks

_BAND = re.compile(r"^\s*(\d+)\s*[-–]\s*(\d+)\s*$")


def parse_age_band(value: Any) -> str:
    """``"0-17"`` → ``"0-17"``; anything that is not a band of whole ages within 0–25 fails."""
    match = _BAND.match(str(value)) if isinstance(value, (str, int)) else None
    if match is None:
        raise fail(f"expected an age band such as 0-17 or 0-25 [years], got {value!r}",
                   "write the youngest and oldest age with a hyphen, e.g. 0-17")
    young, old = int(match.group(1)), int(match.group(2))
    if old > OLDEST or young > old:
        raise fail(f"age band {young}-{old} is outside 0–{OLDEST}: children and young people's "
                   f"services and their national standards cover ages 0 to {OLDEST}",
                   "write 0-17 (under 18s: the access measure and the 35% standard) or 0-25 "
                   "(the Long Term Plan's 345,000 more)")
    return f"{young}-{old}"


def ages(band: str) -> tuple[int, int]:
    young, old = band.split("-")
    return int(young), int(old)


AgeBand = Annotated[str, BeforeValidator(parse_age_band),
                    WithJsonSchema({"type": "string", "pattern": r"^\d+-\d+$"})]


class CypWorkforce(Section):
    wte: number(WTE) = spec(  # type: ignore[valid-type]
        "CYP mental health clinical staff in post in the start month", "WTE")
    caseload: number(CASELOAD) = spec(  # type: ignore[valid-type]
        "children and young people one whole-time clinician sees (1+ contacts) in a year",
        "persons/WTE/year")
    recruitment: series(Quantity("WTE/year", 0.0), "step") = spec(  # type: ignore[valid-type]
        "the most by which WTE can grow in a year (net of leavers)", "WTE/year", interp="step")
    cost_per_wte: series(MONEY_PER_WTE, "step") = spec(  # type: ignore[valid-type]
        "cost of one WTE in a year, pay and non-pay, at the scenario's price year (say which, "
        "e.g. 2024/25 prices)", "£/WTE/year", interp="step")


class CypEdPathway(Section):
    referrals: series(PER_YEAR, "linear") = spec(  # type: ignore[valid-type]
        "eating-disorder referrals of this urgency received", "referrals/year", interp="linear")
    capacity: series(STARTS, "linear") = spec(  # type: ignore[valid-type]
        "treatments the eating-disorder team can start in a year for this urgency",
        "treatments/year", interp="linear")
    waiting_list: number(PERSONS) = spec(  # type: ignore[valid-type]
        "people waiting at the start beyond their pathway delay (a backlog)", "persons")
    wait_median_days: number(Quantity("days", 0.0, 365.0)) | None = spec(  # type: ignore[valid-type]
        "the wait model: median of each person's delay from referral to treatment besides "
        "any queue (lognormal). Required: no published source gives it", "days", default=None)
    wait_spread: number(Quantity("ratio", 0.0, 5.0)) | None = spec(  # type: ignore[valid-type]
        "the wait model: the standard deviation of that delay's logarithm; 0 gives everyone "
        "the median. Required with wait_median_days", "ratio", default=None)


class CypEatingDisorders(Section):
    urgent: CypEdPathway = spec("urgent referrals: standard 95% treated within 1 week", "")
    routine: CypEdPathway = spec("routine referrals: standard 95% treated within 4 weeks", "")


class Cyp(Section):
    age_band: AgeBand = spec(
        "the ages whose need is modelled, youngest-oldest, within 0-25: 0-17 (under 18s, as "
        "NHS England's access measure counts) or up to 0-25 (the Long Term Plan's ages)",
        "years", default="0-17",
        source="NHS England, Mental Health Dashboard CYP(i.b): people aged under 18 with one or "
               "more contacts with NHS-funded services")
    population: number(Quantity("persons", 0.0, above_lo=True)) = spec(  # type: ignore[valid-type]
        "people in the age band in the start month (`stpmodel new` writes the ONS mid-2021 "
        "estimate from stpmodel/data/cyp_population.csv)", "persons")
    growth: series(Quantity("fraction/year", -0.2, 0.2, percent_hint=True),  # type: ignore[valid-type]
                   "step") | None = spec(
        "annual growth of the age band's population; compounds monthly. Default: the adult "
        "population's (population.growth)", "fraction/year", default=None, interp="step")
    prevalence: series(FRACTION, "linear") = spec(  # type: ignore[valid-type]
        "need: the share of the age band with a diagnosable mental disorder",
        "fraction of the age band", default=MHCYP_2017, interp="linear",
        source="NHS Digital, Mental Health of Children and Young People in England, 2017: 12.8% "
               "of 5-19 year olds had at least one mental disorder (diagnostic, DAWBA), the "
               "basis of 'CYP with a diagnosable condition'; applied to the whole age band")
    access: series(FRACTION, "linear") = spec(  # type: ignore[valid-type]
        "planned access: people with 1+ contacts in a year as a share of need. National "
        "standard: 34% in 2019/20, 35% in 2020/21", "fraction of need/year", interp="linear")
    workforce: CypWorkforce = spec("CYP mental health clinical staff", "")
    eating_disorders: CypEatingDisorders | None = spec(
        "community eating-disorder services: referrals, capacity and the wait model for the "
        "waiting-time standards (optional)", "", default=None)


def check(scenario: Scenario) -> None:
    """A waiting-time standard is judged only on a wait model: each eating-disorder pathway
    needs its median and spread."""
    cyp: Cyp = scenario.section("cyp")
    ed = cyp.eating_disorders
    if ed is None:
        return
    for name, pathway, weeks in (("urgent", ed.urgent, 1), ("routine", ed.routine, 4)):
        if pathway.wait_median_days is None or pathway.wait_spread is None:
            raise fail(f"the {weeks}-week waiting standard for {name} eating-disorder referrals "
                       "needs a wait model, and this pathway has none",
                       f"give cyp.eating_disorders.{name}.wait_median_days [days] and "
                       "wait_spread [ratio], or leave out eating_disorders",
                       key=f"cyp.eating_disorders.{name}")


# ---------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True)
class CypInputs:
    """Eating-disorder kernel inputs, urgent then routine: ``series[draw, footprint, pathway,
    S_*, month]`` and ``scalars[draw, footprint, pathway, C_*]``; the rest per footprint."""

    series: np.ndarray
    scalars: np.ndarray
    need: np.ndarray  # [persons, draw × month]
    access: np.ndarray  # [fraction of need/year, draw × month]
    wte: np.ndarray  # in post at the start [WTE, draw]
    caseload: np.ndarray  # [persons/WTE/year, draw]
    recruitment: np.ndarray  # [WTE/month, draw × month]
    cost_per_wte: np.ndarray  # [£/WTE/year, draw × month]


def build(cyp: Cyp, ctx: Context) -> CypInputs:
    from ..kernels import waiting_list as k  # numba: imported when a run needs it

    n, months = ctx.n_draws, ctx.timeline.n_months
    if cyp.growth is None:
        index = ctx.population_index
    else:
        index = adults_by_month(1.0, ctx.series("cyp.growth", cyp.growth))
    population = ctx.value("cyp.population", cyp.population)
    need = ctx.series("cyp.prevalence", cyp.prevalence) * population[:, None] * index
    staff = cyp.workforce

    ser = np.zeros((n, 1, 2, k.N_SERIES, months))
    fixed = np.zeros((n, 1, 2, k.N_SCALARS))
    ed = cyp.eating_disorders
    for p, name in enumerate(("urgent", "routine")):
        out, sc = ser[:, 0, p], fixed[:, 0, p]
        # the kernel's "need × access" is the starts the team can make: capacity × 1 × 1
        out[:, k.S_PREVALENCE] = 1.0
        out[:, k.S_ACCESS] = 1.0
        out[:, k.S_ENTRY] = 1.0  # every referral joins the list
        out[:, k.S_COMPLETION] = 1.0
        sc[:, k.C_COURSE_DAYS] = 1.0
        sc[:, k.C_SESSIONS_FINISHED] = 1.0
        sc[:, k.C_SESSIONS_PER_WTE] = 12.0
        sc[:, k.C_WTE0] = UNLIMITED_WTE  # no staff limit beyond capacity
        sc[:, k.C_WAIT_FIRST] = ED_URGENT_DAYS
        sc[:, k.C_WAIT_SECOND] = ED_ROUTINE_DAYS
        if ed is None:
            continue
        path: CypEdPathway = getattr(ed, name)
        key = f"cyp.eating_disorders.{name}"
        out[:, k.S_ADULTS] = ctx.series(f"{key}.capacity", path.capacity)
        out[:, k.S_REFERRALS] = ctx.series(f"{key}.referrals", path.referrals) / 12.0
        sc[:, k.C_WAITING0] = ctx.value(f"{key}.waiting_list", path.waiting_list)
        sc[:, k.C_DELAY_MEDIAN] = ctx.value(f"{key}.wait_median_days", path.wait_median_days)
        sc[:, k.C_DELAY_SIGMA] = ctx.value(f"{key}.wait_spread", path.wait_spread)
    return CypInputs(
        series=ser, scalars=fixed, need=need,
        access=ctx.series("cyp.access", cyp.access),
        wte=ctx.value("cyp.workforce.wte", staff.wte),
        caseload=ctx.value("cyp.workforce.caseload", staff.caseload),
        recruitment=ctx.series("cyp.workforce.recruitment", staff.recruitment) / 12.0,
        cost_per_wte=ctx.series("cyp.workforce.cost_per_wte", staff.cost_per_wte))


def stack_inputs(parts: list[CypInputs]) -> CypInputs:
    first = parts[0]
    return CypInputs(stack([p.series for p in parts]), stack([p.scalars for p in parts]),
                     first.need, first.access, first.wte, first.caseload, first.recruitment,
                     first.cost_per_wte)


def simulate(inputs: CypInputs, days: np.ndarray, block: slice) -> np.ndarray:
    """The two eating-disorder waiting lists; returns [draw, footprint, KERNEL_ROWS, month]."""
    from ..kernels import waiting_list as k

    runs = [k.project(days, np.ascontiguousarray(inputs.series[block][:, :, p]),
                      np.ascontiguousarray(inputs.scalars[block][:, :, p])) for p in (0, 1)]
    urgent, routine = runs
    return np.stack([urgent[:, :, k.O_REFERRALS], urgent[:, :, k.O_ENTERED],
                     urgent[:, :, k.O_ENTERED_WITHIN_6], urgent[:, :, k.O_WAITING],
                     routine[:, :, k.O_REFERRALS], routine[:, :, k.O_ENTERED],
                     routine[:, :, k.O_ENTERED_WITHIN_18], routine[:, :, k.O_WAITING]], axis=2)


# The kernel's outputs as rows: urgent referrals' within the first limit (7 days), routine
# referrals' within the second (28 days)
KERNEL_ROWS = ("ed_urgent_referrals", "ed_urgent_started", "ed_urgent_within_1_week",
               "ed_urgent_waiting", "ed_routine_referrals", "ed_routine_started",
               "ed_routine_within_4_weeks", "ed_routine_waiting")
DERIVED_ROWS = ("need", "need_per_month", "planned", "capacity", "accessed", "wte_required",
                "wte_available", "cost")


def derive(rows: Rows, inputs: CypInputs, ctx: Context) -> None:
    """Need, plan, staff, capacity, people accessing and cost, month by month [per month]."""
    need = inputs.need
    planned = inputs.access * need / 12.0
    caseload = inputs.caseload[:, None]
    required = planned * 12.0 / caseload
    wte = np.empty_like(required)
    wte[:, 0] = inputs.wte
    for m in range(1, wte.shape[1]):  # staff grow towards the plan, at most by recruitment
        wte[:, m] = np.maximum(wte[:, m - 1], np.minimum(required[:, m],
                                                         wte[:, m - 1] + inputs.recruitment[:, m]))
    capacity = wte * caseload / 12.0
    rows["need"] = need
    rows["need_per_month"] = need / 12.0
    rows["planned"] = planned
    rows["capacity"] = capacity
    rows["accessed"] = np.minimum(planned, capacity)
    rows["wte_required"] = required
    rows["wte_available"] = wte
    rows["cost"] = wte * inputs.cost_per_wte / 12.0


# ---------------------------------------------------------------------------------------------
# Standards (docs/services/cyp.md, "Standards")

# England's need on the model's basis: 12.8% × England's 0-17 year olds, ONS mid-2021
# (11,762,878; stpmodel/data/cyp_population.csv) = 1,505,648.
ENGLAND_UNDER_18 = 11_762_878
ENGLAND_NEED = round(MHCYP_2017 * ENGLAND_UNDER_18)
# 2019/20: 34% (2019/20 planning guidance, RCPsych 2019 appendix 4); 2020/21: 35% (FYFVMH);
# 2021/22: NHS England's indicative LTP trajectory, 685,439 summed over the 42 ICBs, as a share
# of England's need; 2022/23: no number in the bundled sources, not judged; 2023/24: the Long
# Term Plan's 345,000 more (aged 0-25) on top of 2020/21's 35%, as a share of England's need.
LTP_2021_22 = 685_439
LTP_MORE = 345_000
ACCESS = ((2019, 0.34), (2020, 0.35), (2021, round(LTP_2021_22 / ENGLAND_NEED, 4)),
          (2022, None), (2023, round(0.35 + LTP_MORE / ENGLAND_NEED, 4)))
ED_FROM = 2020  # "by March 2021", then maintained (the Long Term Plan)


# ---------------------------------------------------------------------------------------------
# `stpmodel new`

BASELINE_YEAR = "2021-22"
BASELINE_SOURCE = ("NHS England, CYP 1+ contacts in the 12 months to Q4 2021/22 (CCG 2021 rows, "
                   "OCC data file sheet CYP (i.b)), summed to the footprint")
CASELOAD_PLACEHOLDER = 100.0  # [persons/WTE/year]: illustrative; no public source
COST_PLACEHOLDER = 60_000.0  # [£/WTE/year]: illustrative; no public source for a CYP team WTE


@cache
def population_by_age() -> dict[str, dict[int, float]]:
    """ONS mid-2021 persons by footprint and single year of age 0-25 (cyp_population.csv)."""
    table: dict[str, dict[int, float]] = {}
    with (DATA / "cyp_population.csv").open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            table.setdefault(row["footprint_code"], {})[int(row["age"])] = float(row["est_2021"])
    return table


def band_population(code: str, band: str) -> float:
    """People of ``code`` (or England, the sum of footprints) in the age band, mid-2021."""
    young, old = ages(band)
    table = population_by_age()
    codes = list(table) if code == "E92000001" else [code]
    return sum(table[c][a] for c in codes for a in range(young, old + 1))


@dataclass(frozen=True)
class CypPlan:
    """What `stpmodel new` writes for a footprint (tools/build_england_scenario.py too)."""

    baseline: float  # CYP with 1+ contacts in BASELINE_YEAR [persons/year]
    band: str
    population: int  # the band's people, mid-2021 [persons]
    need: float  # [persons]
    today: float  # [fraction of need/year]
    plan: dict[str, float]  # the access trajectory
    wte: float  # [WTE]
    growth: float  # the band's [fraction/year]
    recruitment: int  # [WTE/year]


def plan_for(code: str) -> CypPlan:
    """Today's access from the bundled baseline, the plan (the standards, never below today's),
    the staff today's access needs at CASELOAD_PLACEHOLDER, the under 18s' projected growth and
    the recruitment that keeps up with the plan."""
    from .. import baselines, reference
    from ..template import GROWTH_TO, POPULATION_YEAR, START

    baseline = baselines.cyp_access(code)
    band = "0-17"
    population = round(band_population(code, band))
    need = MHCYP_2017 * population
    today = round(baseline / need, 6)
    plan = {START: today}
    for month, standard in (("2020-04", 0.35), ("2021-04", ACCESS[2][1]),
                            ("2023-04", ACCESS[4][1])):
        plan[month] = max(float(standard or 0.0), today)
    wte = math.ceil(baseline / CASELOAD_PLACEHOLDER * 100) / 100  # up: today's staff see today's
    under_18_2026 = (reference.persons(code, GROWTH_TO, 0, "projection")
                     - reference.persons(code, GROWTH_TO, 18, "projection"))
    under_18 = (reference.persons(code, POPULATION_YEAR)
                - reference.persons(code, POPULATION_YEAR, 18))
    growth = round((under_18_2026 / under_18) ** (1 / (GROWTH_TO - POPULATION_YEAR)) - 1, 4)
    recruitment = _recruitment(plan, need, growth)
    return CypPlan(baseline, band, population, need, today, plan, wte, growth, recruitment)


def template(t: TemplateContext) -> None:
    from .. import reference
    from ..template import (
        GROWTH_TO,
        POPULATION_YEAR,
        comment_defaults,
        num,
        trajectory,
    )

    fp, out = t.fp, t.out
    p = plan_for(fp.code)
    baseline, band, population, need, today = p.baseline, p.band, p.population, p.need, p.today
    plan, wte, growth, recruitment = p.plan, p.wte, p.growth, p.recruitment

    out.key("cyp")
    comment_defaults(out, Cyp, {"age_band", "population", "growth", "access", "workforce"})
    out.comment("SOURCED: under 18s, the ages NHS England's access measure counts; 0-25 models "
                "the Long Term Plan's ages (then write population for that band).", 2)
    out.key("age_band", band, 2)
    out.comment(f"SOURCED: {reference.POPULATION_SOURCE}, ages 0-17 (stpmodel/data/"
                "cyp_population.csv).", 2)
    out.key("population", str(population), 2)
    out.comment(f"SOURCED: {reference.PROJECTION_SOURCE}; under 18s from mid-{POPULATION_YEAR} "
                f"to mid-{GROWTH_TO}, a compound {growth:.2%} a year.", 2)
    out.key("growth", num(growth), 2)
    out.comment(f"PLAN: 34%/35% of need (2019/20, 2020/21), NHS England's 2021/22 indicative "
                f"trajectory ({ACCESS[2][1]:.2%}) and the Long Term Plan's 345,000 more by 2023/24 "
                f"({ACCESS[4][1]:.2%}), from today's access: {baseline:,.0f} CYP with 1+ contacts "
                f"in {BASELINE_YEAR} ({BASELINE_SOURCE}) ÷ need ({num(MHCYP_2017)} × "
                f"{population:,} = {need:,.0f}) = {today:.2%}. The baseline is {BASELINE_YEAR}'s, "
                "put at the start.", 2)
    out.key("access", trajectory(plan, 6), 2)
    out.key("workforce", indent=2)
    out.comment("ILLUSTRATIVE PLACEHOLDER: no public source gives CYP clinicians' caseloads.", 4)
    out.key("caseload", num(CASELOAD_PLACEHOLDER), 4)
    out.comment(f"NATIONAL-DEFAULT ESTIMATE: the staff today's access needs: {baseline:,.0f} ÷ "
                f"{num(CASELOAD_PLACEHOLDER)} a WTE, rounded up.", 4)
    out.key("wte", num(wte, 2), 4)
    out.comment("ILLUSTRATIVE PLACEHOLDER: recruitment that keeps up with the plan's steepest "
                "rise in the staff it needs (a year's worth of the steepest month, rounded up).", 4)
    out.key("recruitment", str(recruitment), 4)
    out.comment("ILLUSTRATIVE PLACEHOLDER: £ per WTE a year at 2024/25 prices; no public source "
                "gives a CYP team's cost per WTE.", 4)
    out.key("cost_per_wte", num(COST_PLACEHOLDER), 4)
    t.assumptions.extend(["cyp.workforce.caseload", "cyp.workforce.wte",
                          "cyp.workforce.recruitment", "cyp.workforce.cost_per_wte"])


def _recruitment(plan: dict[str, float], need: float, growth: float) -> int:
    """The WTE a year that keeps up with the plan's steepest monthly rise in the staff it needs
    (access interpolated linearly between its points, need growing at ``growth``), rounded up."""
    from ..template import START
    from ..values import month_index

    def index(month: str) -> int:
        return month_index(int(month[:4]), int(month[5:])) - month_index(int(START[:4]),
                                                                         int(START[5:]))

    points = sorted((index(m), v) for m, v in plan.items())
    level = []
    for m in range(points[-1][0] + 1):
        access = points[-1][1]
        for (m0, v0), (m1, v1) in zip(points, points[1:]):
            if m0 <= m <= m1:
                access = v0 + (v1 - v0) * (m - m0) / (m1 - m0)
                break
        level.append(access * need * (1 + growth) ** (m / 12) / CASELOAD_PLACEHOLDER)
    steepest = max((b - a for a, b in zip(level, level[1:])), default=0.0)
    return max(0, math.ceil(12 * steepest))


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
               "clinical WTE in post: the start's grown by at most the recruitment limit",
               row="wte_available"),
        Metric("cyp_cost", "£", "flow", "WTE in post × cost per WTE (the scenario's prices)",
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
                 f"CYP access: 34% of need in 2019/20, 35% in 2020/21; NHS England's numbers "
                 f"as a share of England's need ({ENGLAND_NEED:,}) after: "
                 f"{ACCESS[2][1]:.2%} in 2021/22 (685,439), {ACCESS[4][1]:.2%} from 2023/24 "
                 "(35% + 345,000 more)",
                 "2019/20 planning guidance and NHS Long Term Plan (RCPsych 2019, appendices 4 "
                 "and 5); Five Year Forward View for Mental Health (35% by 2020/21); NHS "
                 "England's indicative LTP trajectory 2021/22 by ICB (OCC data file)"),
        Standard("cyp_ed_urgent", "cyp_ed_urgent_within_1_week", ">=", ((ED_FROM, 0.95),),
                 "CYP eating disorders: 95% of urgent referrals treated within 1 week, from "
                 "2020/21", "2019/20 planning guidance ('by March 2021'), maintained by the NHS "
                 "Long Term Plan (RCPsych 2019, appendices 4 and 5)"),
        Standard("cyp_ed_routine", "cyp_ed_routine_within_4_weeks", ">=", ((ED_FROM, 0.95),),
                 "CYP eating disorders: 95% of routine referrals treated within 4 weeks, from "
                 "2020/21", "2019/20 planning guidance ('by March 2021'), maintained by the NHS "
                 "Long Term Plan (RCPsych 2019, appendices 4 and 5)"),
    ),
)
