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
from ..standards import LTP_END, Standard
from ..values import Quantity, choice_series, fail, number, series
from .base import Context, Cost, Rows, Service, Staff

if TYPE_CHECKING:
    from ..scenario import Scenario

LEVELS = ("none", "core", "core24", "enhanced")  # service levels, lowest first
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
        "acute bed days saved, as a multiple of the RAID effect", "ratio", default=1.0,
        source="RAID, the 24-hour comprehensive service that CORE24 is modelled on "
               "(Parsonage & Fossey 2011)")


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
        source="Parsonage & Fossey 2011: £245 a bed day")
    reference_ae_attendances: number(ATTENDANCES) | None = spec(  # type: ignore[valid-type]
        "A&E attendances of the hospital the bed-day effect was measured in; required when "
        "hospitals give ae_attendances", "attendances/year", default=None)


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
    staff: np.ndarray  # consultants, professionals [WTE, draw × 2 × month]
    non_pay: np.ndarray  # [£/year]
    effect_change: np.ndarray  # Σ count × size × (effect − start effect) [ratio]
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
    effect_change = np.zeros((n, n_months))
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
        staff += count * np.moveaxis(table[:, level, :2], 1, 2)
        non_pay += count * table[:, level, 3]
        effect_change += count * size[:, None] * (table[:, level, 2] - table[:, level[:1], 2])
    return LiaisonInputs(
        hospitals=hospitals, core24=core24, staff=staff, non_pay=non_pay,
        effect_change=effect_change,
        bed_days_saved=ctx.value("liaison.bed_days_saved", liaison.bed_days_saved),
        consultant_cost=ctx.series("liaison.consultant_cost", liaison.consultant_cost),
        professional_cost=ctx.series("liaison.professional_cost", liaison.professional_cost),
        bed_day_cost=ctx.series("liaison.bed_day_cost", liaison.bed_day_cost))


def derive(rows: Rows, inputs: LiaisonInputs, ctx: Context) -> None:
    """Staff, cost, and bed days saved against the start month's levels."""
    saved = inputs.effect_change * inputs.bed_days_saved[:, None] / 12.0
    staff = inputs.staff
    cost = (staff[:, 0] * inputs.consultant_cost + staff[:, 1] * inputs.professional_cost
            + inputs.non_pay) / 12.0
    rows["hospitals"] = inputs.hospitals
    rows["core24"] = inputs.core24
    rows["consultant_wte"] = staff[:, 0]
    rows["professional_wte"] = staff[:, 1]
    rows["wte"] = staff.sum(axis=1)
    rows["cost"] = cost
    rows["bed_days_saved"] = saved
    rows["savings"] = saved * inputs.bed_day_cost


SERVICE = Service(
    name="liaison",
    title="liaison psychiatry in acute hospitals (CORE24)",
    section=Liaison,
    rows=("hospitals", "core24", "consultant_wte", "professional_wte", "wte", "cost",
          "bed_days_saved", "savings"),  # see derive; per month, [WTE], [£], [bed days]
    standalone=True,
    inputs=build,
    derive=derive,
    check=check,
    staff=(Staff("wte", "wte"),),  # taken as staffed as planned
    costs=(Cost("cost"),),
    savings=("savings",),
    metrics=(
        Metric("liaison_core24_coverage", "fraction", "rate",
               "share of acute hospitals with liaison at CORE24 or above",
               numerator="core24", denominator="hospitals", summary=True, key=True),
        Metric("liaison_wte", "WTE", "stock", "liaison staff, all groups", row="wte"),
        Metric("liaison_consultant_wte", "WTE", "stock", "liaison consultant psychiatrists",
               row="consultant_wte"),
        Metric("liaison_professional_wte", "WTE", "stock", "other liaison MH professionals",
               row="professional_wte"),
        Metric("liaison_cost", "£", "flow", "liaison staff × cost per WTE, plus non-pay",
               row="cost", key=True),
        Metric("liaison_bed_days_saved", "bed days", "flow",
               "acute bed days saved by liaison above the start month's levels",
               row="bed_days_saved"),
        Metric("liaison_savings", "£", "flow", "liaison bed days saved × cost per bed day",
               row="savings"),
    ),
    standards=(
        Standard("liaison_core24", "liaison_core24_coverage", ">=",
                 ((2020, 0.50), (2023, 0.70), (LTP_END, None)),
                 "CORE24 liaison: 50% of acute hospitals by 2020/21, 70% by 2023/24",
                 "NHS Long Term Plan (2019)"),
    ),
)
