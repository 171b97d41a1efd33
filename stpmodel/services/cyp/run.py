"""CYP's run: the section becomes need, plan, staff and the eating-disorder pathways' inputs to
the waiting-list kernel; the kernel runs; the derived rows follow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ...staffing import in_post
from ..base import Context, Rows, adults_by_month, stack
from .section import ED_ROUTINE_DAYS, ED_URGENT_DAYS, UNLIMITED_WTE, Cyp, CypEdPathway

if TYPE_CHECKING:
    pass

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
    leaver_rate: np.ndarray | None = None  # [fraction/year, draw]; None: recruitment is net
    training_months: int = 0  # [months]


def build(cyp: Cyp, ctx: Context) -> CypInputs:
    from ...kernels import waiting_list as k  # numba: imported when a run needs it

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
        cost_per_wte=ctx.series("cyp.workforce.cost_per_wte", staff.cost_per_wte),
        leaver_rate=None if staff.leaver_rate is None and staff.training_months is None else (
            np.zeros(n) if staff.leaver_rate is None
            else ctx.value("cyp.workforce.leaver_rate", staff.leaver_rate)),
        training_months=int(staff.training_months or 0))


def stack_inputs(parts: list[CypInputs]) -> CypInputs:
    first = parts[0]
    return CypInputs(stack([p.series for p in parts]), stack([p.scalars for p in parts]),
                     first.need, first.access, first.wte, first.caseload, first.recruitment,
                     first.cost_per_wte, first.leaver_rate, first.training_months)


def simulate(inputs: CypInputs, days: np.ndarray, block: slice) -> np.ndarray:
    """The two eating-disorder waiting lists; returns [draw, footprint, KERNEL_ROWS, month]."""
    from ...kernels import waiting_list as k

    series, scalars = inputs.series[block], inputs.scalars[block]
    if not (series[..., k.S_REFERRALS, :].any() or scalars[..., k.C_WAITING0].any()):
        # nobody referred or waiting on either list (no eating_disorders section): every row
        # the kernel would return here is 0, so it is not run
        n_draws, n_footprints = series.shape[:2]
        return np.zeros((n_draws, n_footprints, len(KERNEL_ROWS), series.shape[-1]))
    runs = [k.project(days, np.ascontiguousarray(series[:, :, p]),
                      np.ascontiguousarray(scalars[:, :, p])) for p in (0, 1)]
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
    if inputs.leaver_rate is not None:  # leavers and a training lag (stpmodel/staffing.py)
        wte = in_post(required, inputs.wte, inputs.recruitment * 12.0, inputs.leaver_rate,
                      inputs.training_months)
    else:
        wte = np.empty_like(required)
        wte[:, 0] = inputs.wte
        for m in range(1, wte.shape[1]):  # staff grow towards the plan, at most by recruitment
            wte[:, m] = np.maximum(wte[:, m - 1], np.minimum(
                required[:, m], wte[:, m - 1] + inputs.recruitment[:, m]))
    capacity = wte * caseload / 12.0
    rows["need"] = need
    rows["need_per_month"] = need / 12.0
    rows["planned"] = planned
    rows["capacity"] = capacity
    rows["accessed"] = np.minimum(planned, capacity)
    rows["wte_required"] = required
    rows["wte_available"] = wte
    rows["cost"] = wte * inputs.cost_per_wte / 12.0
