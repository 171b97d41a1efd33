"""Crisis resolution and home treatment teams (CRHT): cover, staff, cost, and the effect on
admissions that the inpatient service applies (so the admissions they avoid are reported
there). Equations: docs/model.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..metrics import Metric
from ..sections import WTE, Section, spec
from ..staffing import StaffGroup, group_in_post, staffed
from ..template import TemplateContext, comment_defaults, default_of, num
from ..values import FRACTION, Quantity, fail, month_label, number, series
from .base import Context, Cost, Rows, Service, Staff

if TYPE_CHECKING:
    from ..scenario import Scenario

# −1 (admissions double) to below 1 (some admissions remain): the evidence includes no effect
EFFECT = Quantity("fraction", -1.0, 0.99, percent_hint=True)


class Crisis(Section):
    basic_coverage: series(FRACTION, "linear") = spec(  # type: ignore[valid-type]
        "share of the population covered by a crisis team that is not 24/7 to the CORE "
        "standard", "fraction of population", interp="linear")
    core_coverage: series(FRACTION, "linear") = spec(  # type: ignore[valid-type]
        "share of the population covered by a 24/7 crisis team meeting the CORE standard",
        "fraction of population", interp="linear")
    basic_effect: number(EFFECT) = spec(  # type: ignore[valid-type]
        "fall in adult acute admissions with a crisis team, against none, once built up; "
        "uncertain", "fraction", default={"uniform": [0.0, 0.10]},
        source="from no significant effect (Jacobs & Barrenho, Br J Psychiatry 2011, the same "
               "data) to Glover, Arts & Babu, Br J Psychiatry 2006: admissions of working-age "
               "adults 10% lower with a crisis resolution team; uniform between, median 5%")
    core_effect: number(EFFECT) = spec(  # type: ignore[valid-type]
        "fall in adult acute admissions with a 24/7 crisis team, against none, once built up; "
        "uncertain", "fraction", default={"uniform": [0.0, 0.23]},
        source="from no significant effect (Jacobs & Barrenho 2011) to Glover, Arts & Babu "
               "2006: admissions of working-age adults 23% lower with a 24-hour crisis "
               "resolution team; uniform between, median 11.5%")
    build_up_months: number(Quantity("months", 0.0, 120.0, integer=True, uncertain=False)) = spec(  # type: ignore[valid-type]
        "months a change in cover takes to reach its full effect on admissions (linearly); "
        "no published source gives it, so it is yours to state", "months")
    population_per_team: number(Quantity("persons", 0.0, above_lo=True)) = spec(  # type: ignore[valid-type]
        "population one team serves", "persons", default=150_000.0,
        source="Department of Health, Mental Health Policy Implementation Guide (2001): one "
               "team per 150,000 population")
    basic_wte_per_team: number(WTE) = spec(  # type: ignore[valid-type]
        "staff of one crisis team that is not 24/7", "WTE")
    core_wte_per_team: number(WTE) = spec(  # type: ignore[valid-type]
        "staff of one 24/7 CORE crisis team", "WTE")
    cost_per_wte: series(Quantity("£/WTE/year", 0.0), "step") = spec(  # type: ignore[valid-type]
        "cost of one crisis team WTE a year, pay and non-pay", "£/WTE/year", interp="step")
    workforce: StaffGroup | None = spec(
        "the crisis teams' staff: WTE in post at the start, recruitment limit, leaver rate and "
        "training lag. A shortfall gives less cover, and that cover lowers admissions less. "
        "Without it the teams are taken as staffed as planned", "", default=None)


def check(scenario: Scenario) -> None:
    """Crisis teams change admissions and are sized by the whole population; basic and CORE
    cover together cover at most everyone."""
    crisis = scenario.section("crisis")
    if scenario.section("inpatient") is None:
        raise fail("crisis teams change admissions, so they need an 'inpatient:' section",
                   key="crisis")
    if scenario.population.total is None:
        raise fail("crisis teams are sized by the whole population: add "
                   "population.total [persons]", key="population")
    basic, core = crisis.basic_coverage, crisis.core_coverage
    for month in sorted({*basic.months, *core.months} or {scenario.start}):
        both = basic.resolve(month) + core.resolve(month)
        if both > 1.0 + 1e-12:
            raise fail(f"basic_coverage + core_coverage is {both:g} in "
                       f"{month_label(month)}; together they can cover at most the "
                       "whole population (1)", key="crisis.core_coverage")


def built_up(cover: np.ndarray, months: int) -> np.ndarray:
    """Cover as it acts on admissions: the mean of the last ``months`` months' cover (the
    months before the start at the start's), so that a change takes full effect linearly over
    ``months`` months [fraction, draw × month]."""
    if months <= 1:
        return cover
    padded = np.concatenate([np.repeat(cover[:, :1], months - 1, axis=1), cover], axis=1)
    total = np.cumsum(padded, axis=1)
    total = np.concatenate([np.zeros((cover.shape[0], 1)), total], axis=1)
    return (total[:, months:] - total[:, :-months]) / months


@dataclass(frozen=True)
class CrisisInputs:
    effect: np.ndarray  # fall in admissions against no crisis team [fraction, draw × month]
    wte: np.ndarray  # required by the cover planned [WTE, draw × month]
    in_post: np.ndarray  # [WTE, draw × month]
    cost_per_wte: np.ndarray  # [£/WTE/year, draw × month]


def build(crisis: Crisis, ctx: Context) -> CrisisInputs:
    """Cover, staff and effect for one footprint. Staff required are the population ÷
    population_per_team × (cover × WTE per team) for each kind of team, from the month the cover
    starts. With a workforce, staff in post follow recruitment, leavers and the training lag
    (stpmodel/staffing.py), and the cover delivered is the cover planned × the share of the
    staff in post (at most 1). The effect is basic cover × basic_effect + CORE cover ×
    core_effect, each cover as delivered and built up over build_up_months."""
    basic = ctx.series("crisis.basic_coverage", crisis.basic_coverage)
    core = ctx.series("crisis.core_coverage", crisis.core_coverage)
    total = ctx.value("population.total", ctx.scenario.population.total)
    population = total[:, None] * ctx.population_index
    per_team = ctx.value("crisis.population_per_team", crisis.population_per_team)[:, None]
    wte = population / per_team * (
        basic * ctx.value("crisis.basic_wte_per_team", crisis.basic_wte_per_team)[:, None]
        + core * ctx.value("crisis.core_wte_per_team", crisis.core_wte_per_team)[:, None])
    available = wte
    if crisis.workforce is not None:
        available = group_in_post(crisis.workforce, "crisis.workforce", wte, ctx)
        share = staffed(wte, available)
        basic, core = basic * share, core * share
    months = int(crisis.build_up_months)  # type: ignore[arg-type]
    effect = (built_up(basic, months) * ctx.value("crisis.basic_effect",
                                                  crisis.basic_effect)[:, None]
              + built_up(core, months) * ctx.value("crisis.core_effect",
                                                   crisis.core_effect)[:, None])
    return CrisisInputs(effect, wte, available,
                        ctx.series("crisis.cost_per_wte", crisis.cost_per_wte))


def derive(rows: Rows, inputs: CrisisInputs, ctx: Context) -> None:
    """Staff required, in post and the gap; cost is for the staff in post."""
    rows["wte"] = inputs.wte
    rows["wte_in_post"] = inputs.in_post
    rows["wte_gap"] = inputs.wte - inputs.in_post
    rows["cost"] = inputs.in_post * inputs.cost_per_wte / 12.0


# Illustrative placeholders: no public source gives these. They only let the scenario run.
BASIC_COVERAGE, CORE_COVERAGE = 1.0, 0.0
BASIC_WTE, CORE_WTE, COST_PER_WTE = 14.0, 24.0, 55_000.0
BUILD_UP_MONTHS = 12


def template(t: TemplateContext) -> None:
    out = t.out
    per_team = default_of(Crisis, "population_per_team")
    written = {"basic_coverage", "core_coverage", "basic_wte_per_team", "core_wte_per_team",
               "cost_per_wte", "build_up_months"}
    out.key("crisis")
    comment_defaults(out, Crisis, written,
                     extra=f" So {t.total:,} people need {t.total / per_team:.1f} teams.")
    first = int(t.start[:4])
    out.comment("ILLUSTRATIVE PLACEHOLDER: a crisis team covers everyone today, none of it 24/7 "
                "to the CORE standard. No bundled source gives crisis cover by footprint. PLAN: "
                "write your move to 24/7 CORE teams as trajectories, e.g. "
                f"core_coverage: {{{first}-04: 0, {first + 2}-04: 1}}.", 2)
    out.key("basic_coverage", num(BASIC_COVERAGE), 2)
    out.key("core_coverage", num(CORE_COVERAGE), 2)
    out.comment("ILLUSTRATIVE PLACEHOLDERS: staff of a team that is not 24/7 and of a 24/7 CORE "
                "team, and the cost of a WTE (pay and non-pay). No public source is bundled; "
                "these are the values scenarios/end-oaps.yaml uses.", 2)
    out.key("basic_wte_per_team", num(BASIC_WTE), 2)
    out.key("core_wte_per_team", num(CORE_WTE), 2)
    out.key("cost_per_wte", num(COST_PER_WTE), 2)
    out.comment("ILLUSTRATIVE PLACEHOLDER: a change in cover reaches its full effect on "
                "admissions over a year. No published source gives the build-up.", 2)
    out.key("build_up_months", str(BUILD_UP_MONTHS), 2)
    t.assumptions.extend(["crisis.basic_coverage", "crisis.core_coverage",
                          "crisis.basic_wte_per_team", "crisis.core_wte_per_team",
                          "crisis.cost_per_wte", "crisis.build_up_months"])


def icb_template(t: TemplateContext) -> None:
    """Crisis teams for an ICB: the same placeholders, sized by its population; only where the
    ICB's scenario has beds (crisis acts through admissions), that is where KH03 measures them
    (the inpatient part's rule, services/inpatient/calibration.py)."""
    from .inpatient import calibration

    beds = calibration.measured(calibration.ICB_YEAR, geography=calibration.ICB2022)
    if t.fp.code not in beds:
        t.out.comment("CRISIS: left out with the beds (crisis teams act on the model through "
                      "admissions to beds); add it with an inpatient section.")
        return
    template(t)


SERVICE = Service(
    name="crisis",
    title="crisis resolution and home treatment teams",
    section=Crisis,
    rows=("wte", "wte_in_post", "wte_gap", "cost"),  # [WTE] ×3, [£]
    inputs=build,
    derive=derive,
    check=check,
    staff=(Staff("wte", "wte_in_post"),),  # in post = required without a workforce
    costs=(Cost("cost"),),
    template=template,
    icb_template=icb_template,
    metrics=(
        Metric("crisis_wte", "WTE", "stock", "crisis team staff the cover planned requires",
               row="wte"),
        Metric("crisis_wte_in_post", "WTE", "stock",
               "crisis team staff in post (as required without a workforce section)",
               row="wte_in_post"),
        Metric("crisis_wte_gap", "WTE", "stock", "crisis team staff required but not in post",
               row="wte_gap"),
        Metric("crisis_cost", "£", "flow", "crisis team staff in post × cost per WTE",
               row="cost", key=True),
    ),
)
