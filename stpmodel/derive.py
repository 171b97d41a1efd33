"""Rows derived with plain arithmetic from the inputs and the kernels' outputs.

Each function fills some rows of ``out[draw, footprint, row, month]`` (see :mod:`stpmodel.rows`)
in place, drawing the values it needs through the sampler ([draw] or [draw, month]). Units are per
month unless stated; the equations are in docs/model.md.
"""

from __future__ import annotations

import numpy as np

from . import beds as b
from . import kernel as k
from . import rows as r
from .inputs import BedInputs, admissions_by_month, population_index
from .sampling import Sampler
from .scenario import Acute, Crisis, Finance, Inpatient, Liaison, Scenario
from .sections import LEVELS
from .timeline import Timeline
from .values import month_label

CORE24 = LEVELS.index("core24")


def _set(out: np.ndarray, row: int, value: np.ndarray) -> None:
    """Write a [draw, month] (or broadcastable) array into the single footprint's row."""
    out[:, 0, row] = value


def inpatient(out: np.ndarray, inpatient: Inpatient, timeline: Timeline, plan: BedInputs,
              sampler: Sampler) -> None:
    cost_per_day = sampler.series("inpatient.oap_cost_per_day", inpatient.oap_cost_per_day,
                                  timeline.months)
    expected = plan.rate[:, 0] * timeline.days
    target = sampler.value("inpatient.target_occupancy", inpatient.target_occupancy)
    _set(out, r.R_BEDS_OPEN, plan.beds[:, 0])
    _set(out, r.R_ADMISSIONS_EXPECTED, expected)
    _set(out, r.R_LOS_EXPECTED_DAYS, expected * plan.los_mean[:, 0])
    _set(out, r.R_OAP_COST, out[:, 0, r.bed(b.B_OAP_BED_DAYS)] * cost_per_day)
    _set(out, r.R_BED_DAYS_NEEDED,
         (out[:, 0, r.bed(b.B_LOCAL_BED_DAYS)] + out[:, 0, r.bed(b.B_OAP_BED_DAYS)])
         / target[:, None])
    _set(out, r.R_DAYS, timeline.days)


def oap_savings(out: np.ndarray, held_oap_bed_days: np.ndarray, inpatient: Inpatient,
                timeline: Timeline, sampler: Sampler) -> None:
    """OAP cost had beds, stays and crisis cover stayed as in the start month (same random
    streams), less the plan's OAP cost. ``held_oap_bed_days[draw, month]``."""
    cost_per_day = sampler.series("inpatient.oap_cost_per_day", inpatient.oap_cost_per_day,
                                  timeline.months)
    held = held_oap_bed_days * cost_per_day
    _set(out, r.R_OAP_COST_HELD, held)
    _set(out, r.R_OAP_SAVINGS, held - out[:, 0, r.R_OAP_COST])


def crisis(out: np.ndarray, crisis: Crisis, scenario: Scenario, timeline: Timeline,
           sampler: Sampler) -> None:
    assert scenario.inpatient is not None and scenario.population.total is not None
    months = timeline.months
    planned, held = admissions_by_month(scenario.inpatient, scenario, timeline, sampler)
    total = sampler.value("population.total", scenario.population.total)
    population = total[:, None] * population_index(scenario, timeline, sampler)
    per_team = sampler.value("crisis.population_per_team", crisis.population_per_team)[:, None]
    basic = sampler.series("crisis.basic_coverage", crisis.basic_coverage, months)
    core = sampler.series("crisis.core_coverage", crisis.core_coverage, months)
    wte = population / per_team * (
        basic * sampler.value("crisis.basic_wte_per_team", crisis.basic_wte_per_team)[:, None]
        + core * sampler.value("crisis.core_wte_per_team", crisis.core_wte_per_team)[:, None])
    cost = sampler.series("crisis.cost_per_wte", crisis.cost_per_wte, months)
    _set(out, r.R_CRISIS_AVOIDED, held - planned)
    _set(out, r.R_CRISIS_WTE, wte)
    _set(out, r.R_CRISIS_COST, wte * cost / 12.0)


def liaison(out: np.ndarray, liaison: Liaison, timeline: Timeline, sampler: Sampler) -> None:
    """Hospitals at each level; staff, cost, and bed days saved against the start month."""
    months, n, n_months = timeline.months, sampler.n_draws, timeline.n_months
    # per draw and level, lowest first ('none' is all zeros): consultants, professionals,
    # effect, non-pay
    table = np.zeros((n, len(LEVELS), 4))
    for i, name in enumerate(LEVELS[1:], start=1):
        level = getattr(liaison.levels, name)
        if level is not None:
            for j, part in enumerate(("consultants", "professionals", "effect", "non_pay")):
                table[:, i, j] = sampler.value(f"liaison.levels.{name}.{part}",
                                               getattr(level, part))
    hospitals = np.zeros(n_months)
    core24 = np.zeros(n_months)
    staff = np.zeros((n, 2, n_months))
    non_pay = np.zeros((n, n_months))
    effect_change = np.zeros((n, n_months))  # Σ count × size × (effect − start effect)
    reference = sampler.value("liaison.reference_ae_attendances",
                              liaison.reference_ae_attendances)
    for h, hospital in enumerate(liaison.hospitals):
        level = hospital.level.resolve(months).astype(np.int64)
        count = float(hospital.count)  # type: ignore[arg-type]
        size = np.ones(n)
        if hospital.ae_attendances is not None:
            size = sampler.value(f"liaison.hospitals.{h}.ae_attendances",
                                 hospital.ae_attendances) / reference
        hospitals += count
        core24 += count * (level >= CORE24)
        staff += count * np.moveaxis(table[:, level, :2], 1, 2)
        non_pay += count * table[:, level, 3]
        effect_change += count * size[:, None] * (table[:, level, 2] - table[:, level[:1], 2])
    saved = effect_change * sampler.value("liaison.bed_days_saved",
                                          liaison.bed_days_saved)[:, None] / 12.0
    cost = (staff[:, 0] * sampler.series("liaison.consultant_cost", liaison.consultant_cost,
                                         months)
            + staff[:, 1] * sampler.series("liaison.professional_cost",
                                           liaison.professional_cost, months)
            + non_pay) / 12.0
    _set(out, r.R_LIAISON_HOSPITALS, hospitals)
    _set(out, r.R_LIAISON_CORE24, core24)
    _set(out, r.R_LIAISON_CONSULTANT_WTE, staff[:, 0])
    _set(out, r.R_LIAISON_PROFESSIONAL_WTE, staff[:, 1])
    _set(out, r.R_LIAISON_WTE, staff.sum(axis=1))
    _set(out, r.R_LIAISON_COST, cost)
    _set(out, r.R_LIAISON_BED_DAYS_SAVED, saved)
    _set(out, r.R_LIAISON_SAVINGS,
         saved * sampler.series("liaison.bed_day_cost", liaison.bed_day_cost, months))


def acute(out: np.ndarray, acute: Acute, scenario: Scenario, timeline: Timeline,
          sampler: Sampler) -> None:
    """A&E attendances and non-elective admissions of MH service users avoided, relative to the
    share avoided in the start month."""
    months = timeline.months
    growth = population_index(scenario, timeline, sampler)

    def value(name: str) -> np.ndarray:
        return sampler.value(f"acute.{name}", getattr(acute, name))[:, None]

    ae_share = sampler.series("acute.ae_avoided", acute.ae_avoided, months)
    nel_share = sampler.series("acute.nel_avoided", acute.nel_avoided, months)
    ae = value("ae_attendances") / 12.0 * growth * value("mh_share_ae") * (
        ae_share - ae_share[:, :1])
    nel = value("nel_admissions") / 12.0 * growth * value("mh_share_nel") * (
        nel_share - nel_share[:, :1])
    _set(out, r.R_ACUTE_AE_AVOIDED, ae)
    _set(out, r.R_ACUTE_NEL_AVOIDED, nel)
    _set(out, r.R_ACUTE_SAVINGS,
         ae * sampler.series("acute.ae_cost", acute.ae_cost, months)
         + nel * sampler.series("acute.nel_cost", acute.nel_cost, months))


def workforce(out: np.ndarray) -> None:
    """WTE required and in post, summed over services (liaison and crisis teams are taken as
    staffed as planned; only IAPT has a recruitment limit)."""
    fully_staffed = out[:, :, r.R_LIAISON_WTE] + out[:, :, r.R_CRISIS_WTE]
    out[:, :, r.R_WTE_REQUIRED] = out[:, :, k.O_WTE_REQUIRED] + fully_staffed
    out[:, :, r.R_WTE_AVAILABLE] = out[:, :, k.O_WTE_AVAILABLE] + fully_staffed
    out[:, :, r.R_WTE_GAP] = out[:, :, r.R_WTE_REQUIRED] - out[:, :, r.R_WTE_AVAILABLE]


def fy_index(timeline: Timeline) -> np.ndarray:
    """Financial years since the first month's: 0, 0, ..., 1, ... [int, n_months]."""
    fy_start = (timeline.months - 3) // 12  # April-based year number
    return fy_start - fy_start[0]


def finance(out: np.ndarray, finance: Finance, timeline: Timeline, sampler: Sampler) -> None:
    """Investment above the start month's spend, savings, net cost, NPV, budget and MHIS."""
    months = timeline.months
    days = timeline.days.astype(np.float64)
    # IAPT's cost accrues by the day, the others by the month: hold each at its start rate
    iapt = out[:, 0, k.O_COST]
    investment = iapt - iapt[:, :1] / days[0] * days
    for row in (r.R_LIAISON_COST, r.R_CRISIS_COST):
        investment = investment + out[:, 0, row] - out[:, 0, row][:, :1]
    for month, amount in finance.one_off.items():
        if timeline.start <= month <= timeline.end:
            path = f"finance.one_off.{month_label(month)}"
            investment[:, month - timeline.start] += sampler.value(path, amount)
    investment = investment + sampler.series("finance.non_pay", finance.non_pay, months) / 12.0
    savings = out[:, 0, r.R_LIAISON_SAVINGS] + out[:, 0, r.R_ACUTE_SAVINGS] + out[
        :, 0, r.R_OAP_SAVINGS]
    net_cost = investment - savings
    rate = sampler.value("finance.discount_rate", finance.discount_rate)[:, None]
    discount = (1.0 + rate) ** -fy_index(timeline).astype(np.float64)
    _set(out, r.R_INVESTMENT, investment)
    _set(out, r.R_SAVINGS, savings)
    _set(out, r.R_NET_COST, net_cost)
    _set(out, r.R_NET_BENEFIT, -net_cost)
    _set(out, r.R_CUMULATIVE_NET_COST, np.cumsum(net_cost, axis=-1))
    _set(out, r.R_NPV, np.cumsum(-net_cost * discount, axis=-1))
    if finance.budget is not None:
        _set(out, r.R_BUDGET, sampler.series("finance.budget", finance.budget, months) / 12.0)
    if finance.mhis is not None:
        years = fy_index(timeline)
        first_months = timeline.start + np.flatnonzero(np.r_[True, np.diff(years) > 0])
        growth = sampler.series("finance.mhis.allocation_growth",
                                finance.mhis.allocation_growth, first_months)
        growth[:, 0] = 0.0  # the first year is the base
        factor = np.cumprod(1.0 + growth, axis=-1)[:, years]
        base = sampler.value("finance.mhis.base_spend", finance.mhis.base_spend)[:, None]
        _set(out, r.R_MH_SPEND, base / 12.0 + investment)
        _set(out, r.R_MHIS_MINIMUM, base / 12.0 * factor)
