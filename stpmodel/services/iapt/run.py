"""IAPT's run: the section becomes the waiting-list kernel's inputs; the kernel runs; the Q4 rows
are derived; and the notes say where access falls short of the plan, and why."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..base import Context, Rows, WaitingListInputs, staff_with_leavers
from .section import Iapt, own_code, share_of_adults

if TYPE_CHECKING:
    from ...model import Projection
    from ...timeline import By


def build(iapt: Iapt, ctx: Context) -> WaitingListInputs:
    """The waiting-list kernel's inputs for one footprint."""
    from ...kernels import waiting_list as k  # numba: imported when a run needs it

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
    if iapt.prevalence is not None:
        out[:, 0, k.S_PREVALENCE] = draw("prevalence")
    else:  # checked: the footprint has a share on this basis
        out[:, 0, k.S_PREVALENCE] = share_of_adults(iapt, own_code(ctx.scenario))
    out[:, 0, k.S_ACCESS] = draw("access")
    out[:, 0, k.S_REFERRALS] = draw("referrals") / 12.0
    out[:, 0, k.S_ENTRY] = draw("entry_rate")
    out[:, 0, k.S_COMPLETION] = draw("completion_rate")
    out[:, 0, k.S_CASENESS] = draw("caseness_rate")
    out[:, 0, k.S_RECOVERY] = draw("recovery_rate")
    out[:, 0, k.S_COST_PER_SESSION] = draw("cost_per_session")
    out[:, 0, k.S_RECRUITMENT] = draw("workforce.recruitment") / 12.0

    staff = iapt.workforce
    fixed = np.empty((n, 1, k.N_SCALARS))
    fixed[:, 0, k.C_WAITING0] = ctx.value("iapt.waiting_list", iapt.waiting_list)
    weeks = ctx.value("iapt.course_weeks", iapt.course_weeks)
    fixed[:, 0, k.C_COURSE_DAYS] = np.maximum(1.0, np.round(weeks * 7.0))
    fixed[:, 0, k.C_SESSIONS_FINISHED] = ctx.value("iapt.sessions_finished",
                                                   iapt.sessions_finished)
    fixed[:, 0, k.C_SESSIONS_NOT_FINISHED] = ctx.value("iapt.sessions_not_finished",
                                                       iapt.sessions_not_finished)
    fixed[:, 0, k.C_SESSIONS_PER_WTE] = ctx.value("iapt.workforce.sessions_per_wte",
                                                  staff.sessions_per_wte)
    fixed[:, 0, k.C_WTE0] = ctx.value("iapt.workforce.wte", staff.wte)
    fixed[:, 0, k.C_DELAY_MEDIAN] = ctx.value("iapt.wait_median_days", iapt.wait_median_days)
    fixed[:, 0, k.C_DELAY_SIGMA] = ctx.value("iapt.wait_spread", iapt.wait_spread)
    fixed[:, 0, k.C_WAIT_FIRST] = k.WAIT_6_WEEKS
    fixed[:, 0, k.C_WAIT_SECOND] = k.WAIT_18_WEEKS
    staff_with_leavers(out, fixed, staff, "iapt.workforce", ctx)
    return WaitingListInputs(out, fixed)


# The kernel's outputs O_NEED ... O_COST, in its order, named as rows (tests/test_layers.py checks)
KERNEL_ROWS = ("need", "need_per_month", "referrals", "joined", "left", "entered",
               "entered_within_6", "entered_within_18", "finished", "finished_within_6",
               "finished_within_18", "ended_unfinished", "finished_caseness", "recovered",
               "waiting", "waiting_over_6", "waiting_over_18", "planned", "capacity",
               "wte_required", "wte_available", "sessions", "cost")
# Rows derived from them: January to March only, for the Q4 run rate
DERIVED_ROWS = ("entered_q4", "need_per_month_q4")


def derive(rows: Rows, inputs: WaitingListInputs, ctx: Context) -> None:
    """The fourth quarter's entries and need (January to March; zero in other months), whose
    ratio over a financial year is its Q4 run rate of access."""
    q4 = (ctx.months % 12 < 3).astype(np.float64)  # month indexes count from January
    rows["entered_q4"] = rows["entered"] * q4
    rows["need_per_month_q4"] = rows["need_per_month"] * q4


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




def basis_note(projection: Projection) -> list[str]:
    """Which need the access rates are measured against."""
    iapt: Iapt = projection.scenario.section("iapt")
    if iapt.prevalence is not None:
        return ["IAPT need: the scenario's prevalence × adults (iapt.prevalence)."]
    if iapt.need_basis == "apms2014":
        return ["IAPT need: APMS 2014's 17% of adults (need_basis: apms2014), about 31% above "
                "NHS England's prevalence denominator, so access rates read lower than NHS "
                "England's."]
    return ["IAPT need: NHS England's prevalence denominator for the access standard "
            "(need_basis: nhse), each footprint's share of adults from stpmodel/data/"
            "iapt_need.csv."]
