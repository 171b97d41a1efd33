"""Liaison psychiatry in acute hospitals (CORE24): hospitals moving between service levels,
their staff and cost, and the acute bed days saved against the start month's levels.
Equations: docs/model.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import numpy as np
from pydantic import Field

from ..metrics import Metric
from ..sections import WTE, Section, spec
from ..staffing import StaffGroup, group_in_post, staffed
from ..standards import LTP_END, Standard
from ..values import Quantity, choice_series, fail, number, series
from .base import Context, Cost, Rows, Service, Staff

if TYPE_CHECKING:
    from ..scenario import Scenario

LEVELS = ("none", "core", "core24", "enhanced")  # service levels, lowest first
# Tadros et al. 2013: up to 64 beds a day saved at City Hospital, against RAID's 14,500 bed days a
# year there (Parsonage & Fossey 2011): 64 × 365 / 14,500 [ratio]
TADROS = round(64 * 365 / 14_500, 3)
CORE24 = LEVELS.index("core24")
MONEY_PER_WTE = Quantity("£/WTE/year", 0.0)
ATTENDANCES = Quantity("attendances/year", 0.0, above_lo=True)


class LiaisonLevel(Section):
    consultants: number(WTE) = spec(  # type: ignore[valid-type]
        "consultant psychiatrists per hospital", "WTE")
    professionals: number(WTE) = spec(  # type: ignore[valid-type]
        "other mental health professionals per hospital", "WTE")
    effect: number(Quantity("ratio", 0.0, 10.0)) = spec(  # type: ignore[valid-type]
        "acute bed days saved, as a multiple of the RAID effect (1 = RAID's 14,500 a year at "
        "the reference hospital size)", "ratio")
    non_pay: number(Quantity("£/year", 0.0)) = spec(  # type: ignore[valid-type]
        "non-pay cost per hospital", "£/year", default=0.0)


class Core24Level(LiaisonLevel):
    consultants: number(WTE) = spec(  # type: ignore[valid-type]
        "consultant psychiatrists per hospital", "WTE", default=2.0,
        source="CORE24: 2 WTE consultants + 13 MH professionals (national liaison survey "
               "2019; HSJ 2022). The documented alternative is 1.5 + 11")
    professionals: number(WTE) = spec(  # type: ignore[valid-type]
        "other mental health professionals per hospital", "WTE", default=13.0,
        source="CORE24: 13 MH professionals (national liaison survey 2019; HSJ 2022)")
    effect: number(Quantity("ratio", 0.0, 10.0)) = spec(  # type: ignore[valid-type]
        "acute bed days saved, as a multiple of the RAID effect; uncertain", "ratio",
        default={"uniform": [0.0, TADROS]},
        source="from no effect on length of stay (BMC Psychiatry 2020, 20:27) to Tadros et al. "
               "2013 (Psychiatric Bulletin 37:4): 43-64 beds a day saved in RAID's 600-bed "
               "hospital, 64 × 365 ÷ 14,500 = 1.611 × RAID's 39.7 (Parsonage & Fossey 2011); "
               "uniform between, median 0.806")


class LiaisonLevels(Section):
    core: LiaisonLevel | None = spec("a core (not 24-hour) liaison service; required if a "
                                     "hospital uses it", "", default=None)
    core24: Core24Level = spec("a CORE24 service", "", default=Core24Level())
    enhanced: LiaisonLevel | None = spec("a service beyond CORE24; required if a hospital uses "
                                         "it", "", default=None)


class Hospital(Section):
    name: Annotated[str, Field(min_length=1)] = spec(
        "acute hospital (or a label for a group of them)", "text")
    count: number(Quantity("hospitals", 1.0, 1000.0, integer=True, uncertain=False)) = spec(  # type: ignore[valid-type]
        "how many hospitals this entry stands for, each with the attendances given", "hospitals",
        default=1)
    ae_attendances: number(ATTENDANCES) | None = spec(  # type: ignore[valid-type]
        "A&E attendances a year, to scale the effect by size (count them as the reference is "
        "counted)", "attendances/year",
        default=None)
    level: choice_series(LEVELS) = spec(  # type: ignore[valid-type]
        "service level over time: none, core, core24 or enhanced", "level", interp="step")


class LiaisonWorkforce(Section):
    consultants: StaffGroup = spec("consultant psychiatrists", "")
    professionals: StaffGroup = spec("other mental health professionals", "")


class Liaison(Section):
    hospitals: Annotated[list[Hospital], Field(min_length=1)] = spec(
        "the footprint's acute hospitals", "list")
    levels: LiaisonLevels = spec("staffing, cost and effect of each level", "",
                                 default=LiaisonLevels())
    consultant_cost: series(MONEY_PER_WTE, "step") = spec(  # type: ignore[valid-type]
        "cost of a consultant psychiatrist WTE, pay and on-costs", "£/WTE/year", interp="step")
    professional_cost: series(MONEY_PER_WTE, "step") = spec(  # type: ignore[valid-type]
        "cost of another MH professional WTE, pay and on-costs", "£/WTE/year", interp="step")
    bed_days_saved: number(Quantity("bed days/year", 0.0)) = spec(  # type: ignore[valid-type]
        "acute bed days a RAID-level service saves a year at the reference size",
        "bed days/year", default=14_500.0,
        source="Parsonage & Fossey 2011, RAID at City Hospital Birmingham: 14,500 bed days a "
               "year")
    bed_day_cost: series(Quantity("£/bed day", 0.0), "step") = spec(  # type: ignore[valid-type]
        "cost of an acute bed day", "£/bed day", default=245.0, interp="step",
        price_year="2010/11",
        source="Parsonage & Fossey 2011: £245 a bed day (taken at 2010/11 prices, the year "
               "before the report; the National Cost Collection 2024/25 has no acute bed-day "
               "cost)")
    reference_ae_attendances: number(ATTENDANCES) | None = spec(  # type: ignore[valid-type]
        "A&E attendances of the hospital the bed-day effect and each level's staffing are for; "
        "required when hospitals give ae_attendances", "attendances/year", default=None)
    workforce: LiaisonWorkforce | None = spec(
        "the liaison staff in post, by group: a shortfall in either group gives less service, "
        "which saves fewer bed days. Without it the services are taken as staffed as planned",
        "", default=None)


def check(scenario: Scenario) -> None:
    """Every level a hospital uses is described, and sizes have a reference size."""
    liaison: Liaison = scenario.section("liaison")
    for i, hospital in enumerate(liaison.hospitals):
        for level in {LEVELS[int(v)] for v in hospital.level.values}:
            if level in ("core", "enhanced") and getattr(liaison.levels, level) is None:
                raise fail(f"hospital '{hospital.name}' uses the {level} level, whose "
                           "staffing and effect are not given",
                           f"add liaison.levels.{level}: {{consultants: ..., "
                           "professionals: ..., effect: ...}",
                           key=f"liaison.hospitals.{i}.level")
        if hospital.ae_attendances is not None and liaison.reference_ae_attendances is None:
            raise fail("hospitals are sized by A&E attendances, so the effect needs the "
                       "size of the hospital it was measured in",
                       "add liaison.reference_ae_attendances [attendances/year]",
                       key=f"liaison.hospitals.{i}.ae_attendances")


@dataclass(frozen=True)
class LiaisonInputs:
    """Sums over hospitals, each month: [draw, month] unless noted."""

    hospitals: np.ndarray  # [hospitals, month]
    core24: np.ndarray  # hospitals at CORE24 or above [hospitals, month]
    staff: np.ndarray  # consultants, professionals required [WTE, draw × 2 × month]
    in_post: np.ndarray  # consultants, professionals in post [WTE, draw × 2 × month]
    non_pay: np.ndarray  # [£/year]
    effect_change: np.ndarray  # delivered Σ count × size × effect − the start month's [ratio]
    bed_days_saved: np.ndarray  # RAID's bed days a year [bed days/year, draw]
    consultant_cost: np.ndarray  # [£/WTE/year]
    professional_cost: np.ndarray  # [£/WTE/year]
    bed_day_cost: np.ndarray  # [£/bed day]


def build(liaison: Liaison, ctx: Context) -> LiaisonInputs:
    """Hospitals at each level, and their staff, non-pay and effect, summed."""
    n, n_months = ctx.n_draws, ctx.timeline.n_months
    # per draw and level, lowest first ('none' is all zeros): consultants, professionals,
    # effect, non-pay
    table = np.zeros((n, len(LEVELS), 4))
    for i, name in enumerate(LEVELS[1:], start=1):
        level = getattr(liaison.levels, name)
        if level is not None:
            for j, part in enumerate(("consultants", "professionals", "effect", "non_pay")):
                table[:, i, j] = ctx.value(f"liaison.levels.{name}.{part}", getattr(level, part))
    hospitals = np.zeros(n_months)
    core24 = np.zeros(n_months)
    staff = np.zeros((n, 2, n_months))
    non_pay = np.zeros((n, n_months))
    effect = np.zeros((n, n_months))
    reference = ctx.value("liaison.reference_ae_attendances", liaison.reference_ae_attendances)
    for h, hospital in enumerate(liaison.hospitals):
        level = hospital.level.resolve(ctx.months).astype(np.int64)
        count = float(hospital.count)  # type: ignore[arg-type]
        size = np.ones(n)
        if hospital.ae_attendances is not None:
            size = ctx.value(f"liaison.hospitals.{h}.ae_attendances",
                             hospital.ae_attendances) / reference
        hospitals += count
        core24 += count * (level >= CORE24)
        scale = count * size[:, None]  # staff, non-pay and effect all scale with size
        staff += scale[:, None, :] * np.moveaxis(table[:, level, :2], 1, 2)
        non_pay += scale * table[:, level, 3]
        effect += scale * table[:, level, 2]
    in_post = staff
    if liaison.workforce is not None:
        in_post = np.stack([
            group_in_post(getattr(liaison.workforce, group), f"liaison.workforce.{group}",
                          staff[:, g], ctx)
            for g, group in enumerate(("consultants", "professionals"))], axis=1)
        effect = effect * np.minimum(staffed(staff[:, 0], in_post[:, 0]),
                                     staffed(staff[:, 1], in_post[:, 1]))
    return LiaisonInputs(
        hospitals=hospitals, core24=core24, staff=staff, in_post=in_post, non_pay=non_pay,
        effect_change=effect - effect[:, :1],
        bed_days_saved=ctx.value("liaison.bed_days_saved", liaison.bed_days_saved),
        consultant_cost=ctx.series("liaison.consultant_cost", liaison.consultant_cost),
        professional_cost=ctx.series("liaison.professional_cost", liaison.professional_cost),
        bed_day_cost=ctx.series("liaison.bed_day_cost", liaison.bed_day_cost))


def derive(rows: Rows, inputs: LiaisonInputs, ctx: Context) -> None:
    """Staff required and in post, cost (of the staff in post), and bed days saved against the
    start month's levels."""
    saved = inputs.effect_change * inputs.bed_days_saved[:, None] / 12.0
    staff, in_post = inputs.staff, inputs.in_post
    cost = (in_post[:, 0] * inputs.consultant_cost + in_post[:, 1] * inputs.professional_cost
            + inputs.non_pay) / 12.0
    rows["hospitals"] = inputs.hospitals
    rows["core24"] = inputs.core24
    rows["consultant_wte"] = staff[:, 0]
    rows["professional_wte"] = staff[:, 1]
    rows["wte"] = staff.sum(axis=1)
    rows["consultant_gap"] = staff[:, 0] - in_post[:, 0]
    rows["professional_gap"] = staff[:, 1] - in_post[:, 1]
    rows["wte_in_post"] = in_post.sum(axis=1)
    rows["wte_gap"] = rows["wte"] - rows["wte_in_post"]
    rows["cost"] = cost
    rows["bed_days_saved"] = saved
    rows["savings"] = saved * inputs.bed_day_cost


SERVICE = Service(
    name="liaison",
    title="liaison psychiatry in acute hospitals (CORE24)",
    section=Liaison,
    rows=("hospitals", "core24", "consultant_wte", "professional_wte", "wte", "consultant_gap",
          "professional_gap", "wte_in_post", "wte_gap", "cost", "bed_days_saved",
          "savings"),  # see derive; per month, [WTE], [£], [bed days]
    standalone=True,
    inputs=build,
    derive=derive,
    check=check,
    staff=(Staff("wte", "wte_in_post"),),  # in post = required without a workforce
    costs=(Cost("cost"),),
    capacity=("savings",),  # acute bed days freed: capacity, not cash
    metrics=(
        Metric("liaison_core24_coverage", "fraction", "ratio",
               "share of acute hospitals with liaison at CORE24 or above, at the end of the "
               "period (March for a year, as the Long Term Plan's target is a year-end "
               "position)",
               numerator="core24", denominator="hospitals", summary=True, key=True),
        Metric("liaison_wte", "WTE", "stock", "liaison staff required, all groups", row="wte"),
        Metric("liaison_wte_in_post", "WTE", "stock",
               "liaison staff in post, all groups (as required without a workforce section)",
               row="wte_in_post"),
        Metric("liaison_wte_gap", "WTE", "stock", "liaison staff required but not in post",
               row="wte_gap"),
        Metric("liaison_consultant_gap", "WTE", "stock",
               "liaison consultant psychiatrists required but not in post",
               row="consultant_gap"),
        Metric("liaison_professional_gap", "WTE", "stock",
               "other liaison MH professionals required but not in post",
               row="professional_gap"),
        Metric("liaison_consultant_wte", "WTE", "stock", "liaison consultant psychiatrists",
               row="consultant_wte"),
        Metric("liaison_professional_wte", "WTE", "stock", "other liaison MH professionals",
               row="professional_wte"),
        Metric("liaison_cost", "£", "flow",
               "liaison staff in post × cost per WTE, plus non-pay",
               row="cost", key=True),
        Metric("liaison_bed_days_saved", "bed days", "flow",
               "acute bed days saved by liaison above the start month's levels",
               row="bed_days_saved"),
        Metric("liaison_savings", "£", "flow",
               "liaison bed days saved × cost per bed day: capacity released, not cash",
               row="savings"),
    ),
    standards=(
        Standard("liaison_core24", "liaison_core24_coverage", ">=",
                 ((2020, 0.50), (2023, 0.70), (LTP_END, None)),
                 "CORE24 liaison: 50% of acute hospitals by 2020/21, 70% by 2023/24",
                 "NHS Long Term Plan (2019)"),
    ),
)
