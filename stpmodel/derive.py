"""Rows derived with plain arithmetic from the inputs and the kernels' outputs.

Each function fills some rows of ``out[draw, footprint, row, month]`` (see :mod:`stpmodel.rows`)
in place. Units are per month unless stated; the equations are in docs/model.md.
"""

from __future__ import annotations

import numpy as np

from . import beds as b
from . import kernel as k
from . import rows as r
from .inputs import BedInputs, admissions_by_month, population_index
from .scenario import Acute, Crisis, Finance, Inpatient, Liaison, Scenario
from .sections import LEVELS
from .timeline import Timeline

CORE24 = LEVELS.index("core24")


def inpatient(out: np.ndarray, inpatient: Inpatient, timeline: Timeline,
              plan: BedInputs) -> None:
    months = timeline.months
    cost_per_day = inpatient.oap_cost_per_day.resolve(months)
    expected = plan.rate * timeline.days
    out[:, :, r.R_BEDS_OPEN] = plan.beds
    out[:, :, r.R_ADMISSIONS_EXPECTED] = expected
    out[:, :, r.R_LOS_EXPECTED_DAYS] = expected * plan.los_mean
    out[:, :, r.R_OAP_COST] = out[:, :, r.bed(b.B_OAP_BED_DAYS)] * cost_per_day
    out[:, :, r.R_BED_DAYS_NEEDED] = (out[:, :, r.bed(b.B_LOCAL_BED_DAYS)]
                                      + out[:, :, r.bed(b.B_OAP_BED_DAYS)])
    out[:, :, r.R_BED_DAYS_AT_TARGET] = timeline.days * inpatient.target_occupancy


def oap_savings(out: np.ndarray, held_oap_bed_days: np.ndarray, inpatient: Inpatient,
                timeline: Timeline) -> None:
    """OAP cost had beds, stays and crisis cover stayed as in the start month (same random
    streams), less the plan's OAP cost."""
    held = held_oap_bed_days * inpatient.oap_cost_per_day.resolve(timeline.months)
    out[:, :, r.R_OAP_COST_HELD] = held
    out[:, :, r.R_OAP_SAVINGS] = held - out[:, :, r.R_OAP_COST]


def crisis(out: np.ndarray, crisis: Crisis, scenario: Scenario, timeline: Timeline) -> None:
    assert scenario.inpatient is not None and scenario.population.total is not None
    months = timeline.months
    planned, held = admissions_by_month(scenario.inpatient, scenario, timeline)
    out[:, :, r.R_CRISIS_AVOIDED] = held - planned
    population = scenario.population.total * population_index(scenario, timeline)
    teams_basic = population * crisis.basic_coverage.resolve(months) / crisis.population_per_team
    teams_core = population * crisis.core_coverage.resolve(months) / crisis.population_per_team
    wte = teams_basic * crisis.basic_wte_per_team + teams_core * crisis.core_wte_per_team
    out[:, :, r.R_CRISIS_WTE] = wte
    out[:, :, r.R_CRISIS_COST] = wte * crisis.cost_per_wte.resolve(months) / 12.0


def liaison(out: np.ndarray, liaison: Liaison, timeline: Timeline) -> None:
    """Hospitals at each level; staff, cost, and bed days saved against the start month."""
    months = timeline.months
    params = [liaison.levels.core, liaison.levels.core24, liaison.levels.enhanced]
    # per level, lowest first ('none' is all zeros): consultants, professionals, effect, non-pay
    table = np.zeros((len(LEVELS), 4))
    for i, level in enumerate(params, start=1):
        if level is not None:
            table[i] = (level.consultants, level.professionals, level.effect, level.non_pay)
    hospitals = np.zeros(timeline.n_months)
    core24 = np.zeros(timeline.n_months)
    staff = np.zeros((2, timeline.n_months))
    non_pay = np.zeros(timeline.n_months)
    effect_change = np.zeros(timeline.n_months)  # Σ count × size × (effect − start effect)
    for hospital in liaison.hospitals:
        level = hospital.level.resolve(months).astype(np.int64)
        count = hospital.count
        size = 1.0
        if hospital.ae_attendances is not None and liaison.reference_ae_attendances is not None:
            size = hospital.ae_attendances / liaison.reference_ae_attendances
        hospitals += count
        core24 += count * (level >= CORE24)
        staff += count * table[level, :2].T
        non_pay += count * table[level, 3]
        effect_change += count * size * (table[level, 2] - table[level[0], 2])
    saved = effect_change * liaison.bed_days_saved / 12.0
    cost = (staff[0] * liaison.consultant_cost.resolve(months)
            + staff[1] * liaison.professional_cost.resolve(months) + non_pay) / 12.0
    out[:, :, r.R_LIAISON_HOSPITALS] = hospitals
    out[:, :, r.R_LIAISON_CORE24] = core24
    out[:, :, r.R_LIAISON_CONSULTANT_WTE] = staff[0]
    out[:, :, r.R_LIAISON_PROFESSIONAL_WTE] = staff[1]
    out[:, :, r.R_LIAISON_WTE] = staff.sum(axis=0)
    out[:, :, r.R_LIAISON_COST] = cost
    out[:, :, r.R_LIAISON_BED_DAYS_SAVED] = saved
    out[:, :, r.R_LIAISON_SAVINGS] = saved * liaison.bed_day_cost.resolve(months)


def acute(out: np.ndarray, acute: Acute, scenario: Scenario, timeline: Timeline) -> None:
    """A&E attendances and non-elective admissions of MH service users avoided, relative to the
    share avoided in the start month."""
    months = timeline.months
    growth = population_index(scenario, timeline)
    ae_share = acute.ae_avoided.resolve(months)
    nel_share = acute.nel_avoided.resolve(months)
    ae = acute.ae_attendances / 12.0 * growth * acute.mh_share_ae * (ae_share - ae_share[0])
    nel = acute.nel_admissions / 12.0 * growth * acute.mh_share_nel * (nel_share - nel_share[0])
    out[:, :, r.R_ACUTE_AE_AVOIDED] = ae
    out[:, :, r.R_ACUTE_NEL_AVOIDED] = nel
    out[:, :, r.R_ACUTE_SAVINGS] = (ae * acute.ae_cost.resolve(months)
                                    + nel * acute.nel_cost.resolve(months))


def workforce(out: np.ndarray) -> None:
    """WTE required and in post, summed over services (liaison and crisis teams are taken as
    staffed as planned; only IAPT has a recruitment limit)."""
    fully_staffed = out[:, :, r.R_LIAISON_WTE] + out[:, :, r.R_CRISIS_WTE]
    out[:, :, r.R_WTE_REQUIRED] = out[:, :, k.O_WTE_REQUIRED] + fully_staffed
    out[:, :, r.R_WTE_AVAILABLE] = out[:, :, k.O_WTE_AVAILABLE] + fully_staffed
    out[:, :, r.R_WTE_GAP] = out[:, :, r.R_WTE_REQUIRED] - out[:, :, r.R_WTE_AVAILABLE]


def fy_index(timeline: Timeline) -> np.ndarray:
    """Financial years since the first month's: 0, 0, ..., 1, ... [int, n_months]."""
    months = timeline.months
    fy_start = (months - 3) // 12  # April-based year number
    return fy_start - fy_start[0]


def finance(out: np.ndarray, finance: Finance, timeline: Timeline) -> None:
    """Investment above the start month's spend, savings, net cost, NPV, budget and MHIS."""
    months = timeline.months
    days = timeline.days.astype(np.float64)
    # IAPT's cost accrues by the day, the others by the month: hold each at its start rate
    iapt = out[:, :, k.O_COST]
    investment = iapt - iapt[..., :1] / days[0] * days
    for row in (r.R_LIAISON_COST, r.R_CRISIS_COST):
        investment = investment + out[:, :, row] - out[:, :, row][..., :1]
    one_off = np.zeros(timeline.n_months)
    for month, amount in finance.one_off.items():
        if timeline.start <= month <= timeline.end:
            one_off[month - timeline.start] += amount
    investment = investment + finance.non_pay.resolve(months) / 12.0 + one_off
    savings = (out[:, :, r.R_LIAISON_SAVINGS] + out[:, :, r.R_ACUTE_SAVINGS]
               + out[:, :, r.R_OAP_SAVINGS])
    net_cost = investment - savings
    discount = (1.0 + finance.discount_rate) ** -fy_index(timeline).astype(np.float64)
    out[:, :, r.R_INVESTMENT] = investment
    out[:, :, r.R_SAVINGS] = savings
    out[:, :, r.R_NET_COST] = net_cost
    out[:, :, r.R_NET_BENEFIT] = -net_cost
    out[:, :, r.R_CUMULATIVE_NET_COST] = np.cumsum(net_cost, axis=-1)
    out[:, :, r.R_NPV] = np.cumsum(-net_cost * discount, axis=-1)
    if finance.budget is not None:
        out[:, :, r.R_BUDGET] = finance.budget.resolve(months) / 12.0
    if finance.mhis is not None:
        years = fy_index(timeline)
        first_aprils = timeline.start + np.flatnonzero(np.r_[True, np.diff(years) > 0])
        growth = finance.mhis.allocation_growth.resolve(first_aprils)
        growth[0] = 0.0  # the first year is the base
        factor = np.cumprod(1.0 + growth)[years]
        out[:, :, r.R_MH_SPEND] = finance.mhis.base_spend / 12.0 + investment
        out[:, :, r.R_MHIS_MINIMUM] = finance.mhis.base_spend / 12.0 * factor
