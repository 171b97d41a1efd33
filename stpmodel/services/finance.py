"""Finance and workforce: the services that sum over the others.

- **Workforce**: WTE required and in post, summed over every service that declares staff.
- **Finance**: investment (each service's declared costs above their start-month rate, plus
  non-pay and one-off costs), savings (each service's declared savings), net cost, NPV, the
  budget and the Mental Health Investment Standard.

Neither names another service: they read what the others declare (``Service.staff``,
``Service.costs``, ``Service.savings``). Equations: docs/model.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..metrics import Metric
from ..sections import Section, spec
from ..standards import ALWAYS, Standard
from ..values import Quantity, dated_amounts, month_label, number, series
from .base import Context, Rows, Service

if TYPE_CHECKING:
    from ..model import Projection
    from ..timeline import Timeline

GROWTH = Quantity("fraction/year", -0.5, 0.5, percent_hint=True)


class Mhis(Section):
    base_spend: number(Quantity("£/year", 0.0, above_lo=True)) = spec(  # type: ignore[valid-type]
        "the footprint's mental health spend in the first financial year of the run", "£/year")
    allocation_growth: series(GROWTH, "step") = spec(  # type: ignore[valid-type]
        "growth of the NHS allocation each financial year (read at its April)",
        "fraction/year", interp="step")


class Finance(Section):
    discount_rate: number(Quantity("fraction/year", 0.0, 0.5, percent_hint=True)) = spec(  # type: ignore[valid-type]
        "discount rate for net present value", "fraction/year", default=0.035,
        source="HM Treasury Green Book: 3.5% a year")
    non_pay: series(Quantity("£/year", 0.0), "step") = spec(  # type: ignore[valid-type]
        "recurring non-pay investment not counted in any service", "£/year", default=0.0,
        interp="step")
    one_off: dated_amounts(Quantity("£", 0.0)) = spec(  # type: ignore[valid-type]
        "one-off costs, each in the month named: {YYYY-MM: amount}", "£", default={})
    budget: series(Quantity("£/year", 0.0), "step") | None = spec(  # type: ignore[valid-type]
        "investment the plan may spend a year; years above it are flagged", "£/year",
        default=None, interp="step")
    mhis: Mhis | None = spec("Mental Health Investment Standard check", "", default=None)


# ---------------------------------------------------------------------------------------------
# Workforce


def workforce(rows: Rows, inputs: None, ctx: Context) -> None:
    """WTE required and in post, summed over services."""
    required = np.zeros((ctx.n_draws, ctx.timeline.n_months))
    in_post = np.zeros_like(required)
    for service in ctx.present:
        for staff in service.staff:
            required = required + rows[service.row(staff.required)]
            in_post = in_post + rows[service.row(staff.in_post)]
    rows["required"] = required
    rows["available"] = in_post
    rows["gap"] = required - in_post


WORKFORCE = Service(
    name="workforce",
    title="staff summed over services",
    applies_with=lambda service: bool(service.staff),
    after=lambda service: bool(service.staff),
    rows=("required", "available", "gap"),  # [WTE]
    derive=workforce,
    metrics=(
        Metric("wte_required", "WTE", "stock", "staff needed across services", row="required",
               summary=True, key=True),
        Metric("wte_available", "WTE", "stock", "staff in post across services",
               row="available"),
        Metric("wte_gap", "WTE", "stock", "staff needed but not in post (required − available)",
               row="gap", summary=True, key=True),
    ),
)


# ---------------------------------------------------------------------------------------------
# Finance


@dataclass(frozen=True)
class FinanceInputs:
    one_off: np.ndarray  # [£, draw × month]
    non_pay: np.ndarray  # [£/year, draw × month]
    discount_rate: np.ndarray  # [fraction/year, draw]
    budget: np.ndarray | None  # [£/year, draw × month]
    mhis_base: np.ndarray | None  # [£/year, draw]
    mhis_growth: np.ndarray | None  # allocation growth of each financial year [draw × year]


def fy_index(timeline: Timeline) -> np.ndarray:
    """Financial years since the first month's: 0, 0, ..., 1, ... [int, n_months]."""
    fy_start = (timeline.months - 3) // 12  # April-based year number
    return fy_start - fy_start[0]


def build(finance: Finance, ctx: Context) -> FinanceInputs:
    timeline = ctx.timeline
    one_off = np.zeros((ctx.n_draws, timeline.n_months))
    for month, amount in finance.one_off.items():
        if timeline.start <= month <= timeline.end:
            one_off[:, month - timeline.start] += ctx.value(
                f"finance.one_off.{month_label(month)}", amount)
    base = growth = None
    if finance.mhis is not None:
        years = fy_index(timeline)
        first_months = timeline.start + np.flatnonzero(np.r_[True, np.diff(years) > 0])
        growth = ctx.sampler.series("finance.mhis.allocation_growth",
                                    finance.mhis.allocation_growth, first_months)
        base = ctx.value("finance.mhis.base_spend", finance.mhis.base_spend)
    return FinanceInputs(
        one_off=one_off, non_pay=ctx.series("finance.non_pay", finance.non_pay),
        discount_rate=ctx.value("finance.discount_rate", finance.discount_rate),
        budget=None if finance.budget is None else ctx.series("finance.budget", finance.budget),
        mhis_base=base, mhis_growth=growth)


def derive(rows: Rows, inputs: FinanceInputs, ctx: Context) -> None:
    """Investment above the start month's spend, savings, net cost, NPV, budget and MHIS."""
    timeline = ctx.timeline
    days = timeline.days.astype(np.float64)
    investment = np.zeros((ctx.n_draws, timeline.n_months))
    savings = np.zeros_like(investment)
    for service in ctx.present:
        for cost in service.costs:
            spend = rows[service.row(cost.row)]
            if cost.accrual == "day":  # hold the start month's spend a day
                investment = investment + spend - spend[:, :1] / days[0] * days
            else:
                investment = investment + spend - spend[:, :1]
        for row in service.savings:
            savings = savings + rows[service.row(row)]
    investment = investment + inputs.one_off
    investment = investment + inputs.non_pay / 12.0
    net_cost = investment - savings
    discount = (1.0 + inputs.discount_rate[:, None]) ** -fy_index(timeline).astype(np.float64)
    rows["investment"] = investment
    rows["savings"] = savings
    rows["net_cost"] = net_cost
    rows["net_benefit"] = -net_cost
    rows["cumulative_net_cost"] = np.cumsum(net_cost, axis=-1)
    rows["npv"] = np.cumsum(-net_cost * discount, axis=-1)
    if inputs.budget is not None:
        rows["budget"] = inputs.budget / 12.0
    if inputs.mhis_base is not None and inputs.mhis_growth is not None:
        growth = inputs.mhis_growth.copy()
        growth[:, 0] = 0.0  # the first year is the base
        factor = np.cumprod(1.0 + growth, axis=-1)[:, fy_index(timeline)]
        base = inputs.mhis_base[:, None]
        rows["mh_spend"] = base / 12.0 + investment
        rows["mhis_minimum"] = base / 12.0 * factor


def payback(projection: Projection) -> list[str]:
    """When cumulative savings overtake cumulative investment for good (the mean over draws),
    as a sentence."""
    total = projection.out[:, 0]  # [draw, row, month]: one footprint, or the run's total
    investment = total[:, projection.layout["finance.investment"]]
    cumulative = total[:, projection.layout["finance.cumulative_net_cost"]].mean(axis=0)
    months = projection.timeline.months
    if not np.any(investment > 0):
        return ["payback: nothing is invested above the start month's spend."]
    positive = np.flatnonzero(cumulative > 0)
    if positive.size == 0:
        return ["payback: savings cover investment from the first month."]
    if positive[-1] == len(months) - 1:
        return [f"payback: not by {month_label(int(months[-1]))}; the cumulative net cost is "
                f"then £{cumulative[-1]:,.0f}."]
    return [f"payback: {month_label(int(months[positive[-1] + 1]))}, when cumulative savings "
            "overtake cumulative investment for good."]


SERVICE = Service(
    name="finance",
    title="investment, savings, NPV, budget and MHIS",
    section=Finance,
    reads=("workforce",),
    after=lambda service: bool(service.costs or service.savings),
    rows=(
        "investment",  # spend above the start month's, plus non-pay and one-off costs [£]
        "savings",  # [£]
        "net_cost",  # investment − savings [£]
        "net_benefit",  # savings − investment [£]
        "cumulative_net_cost",  # [£]
        "npv",  # cumulative discounted net benefit [£]
        "budget",  # [£]
        "mh_spend",  # MHIS base spend / 12 + investment [£]
        "mhis_minimum",  # base / 12 × cumulative allocation growth [£]
    ),
    inputs=build,
    derive=derive,
    features=lambda finance: tuple(name for name in ("budget", "mhis")
                                   if getattr(finance, name) is not None),
    total_notes=payback,
    metrics=(
        Metric("investment", "£", "flow",
               "spend above the start month's rate, plus non-pay and one-off costs",
               row="investment", summary=True, key=True),
        Metric("savings", "£", "flow", "liaison, acute and OAP savings", row="savings",
               summary=True, key=True),
        Metric("net_cost", "£", "flow", "investment − savings", row="net_cost", summary=True,
               key=True),
        Metric("cumulative_net_cost", "£", "stock", "net cost since the start",
               row="cumulative_net_cost"),
        Metric("npv", "£", "stock",
               "net present value of savings − investment since the start, discounted by "
               "financial year", row="npv", summary=True, key=True),
        Metric("roi", "ratio", "rate",
               "return on investment: (savings − investment) ÷ investment",
               numerator="net_benefit", denominator="investment"),
        Metric("benefit_cost_ratio", "ratio", "rate", "savings ÷ investment",
               numerator="savings", denominator="investment"),
        Metric("budget", "£", "flow", "the investment budget", row="budget",
               requires=("budget",)),
        Metric("mh_spend", "£", "flow", "MH spend: the MHIS base spend plus investment",
               row="mh_spend", requires=("mhis",)),
        Metric("mhis_minimum", "£", "flow",
               "MH spend the Mental Health Investment Standard requires: base × allocation "
               "growth", row="mhis_minimum", requires=("mhis",)),
    ),
    standards=(
        Standard("within_budget", "investment", "<=", ((ALWAYS, 0.0),),
                 "investment within the scenario's budget", "the scenario's finance.budget",
                 against="budget"),
        Standard("mhis", "mh_spend", ">=", ((ALWAYS, 0.0),),
                 "Mental Health Investment Standard: MH spend grows at least as fast as the "
                 "allocation", "NHS England, Mental Health Investment Standard",
                 against="mhis_minimum"),
    ),
)
