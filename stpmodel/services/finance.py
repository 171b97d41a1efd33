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
        "the footprint's recurrent mental health spend a year at the start month's rates, as "
        "the Mental Health Investment Standard counts it (excluding learning disability and "
        "dementia), at the price base: the first financial year's spend before the plan's "
        "investment", "£/year")
    last_year_spend: number(Quantity("£/year", 0.0, above_lo=True)) | None = spec(  # type: ignore[valid-type]
        "actual MHIS spend in the financial year before the first (excluding learning "
        "disability and dementia), at the price base; gives the first year its minimum. "
        "Without it the first year is not judged", "£/year", default=None)
    allocation_growth: series(GROWTH, "step") = spec(  # type: ignore[valid-type]
        "real-terms growth of the NHS allocation each financial year (read at its April): cash "
        "growth deflated by the scenario's price index, since all money is at the price base",
        "fraction/year", interp="step")


class Finance(Section):
    discount_rate: number(Quantity("fraction/year", 0.0, 0.5, percent_hint=True)) = spec(  # type: ignore[valid-type]
        "discount rate for present values", "fraction/year", default=0.035,
        source="HM Treasury Green Book: 3.5% a year")
    non_pay: series(Quantity("£/year", 0.0), "step") = spec(  # type: ignore[valid-type]
        "recurring non-pay investment not counted in any service", "£/year", default=0.0,
        interp="step")
    one_off: dated_amounts(Quantity("£", 0.0)) = spec(  # type: ignore[valid-type]
        "one-off (non-recurrent) costs, each in the month named: {YYYY-MM: amount}", "£",
        default={})
    optimism_bias: number(Quantity("fraction", 0.0, 2.0, percent_hint=True)) | None = spec(  # type: ignore[valid-type]
        "optimism-bias uplift on investment (the part above zero), as the Green Book's "
        "supplementary guidance asks of appraisals; no default, since its upper bounds depend "
        "on the kind of project (for example 41% on the operating costs of outsourcing, 24% "
        "on the capital cost of standard buildings: HM Treasury, Supplementary Green Book "
        "Guidance: Optimism Bias, 2003)", "fraction", default=None)
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
    optimism_bias: np.ndarray | None  # [fraction, draw]
    budget: np.ndarray | None  # [£/year, draw × month]
    mhis_base: np.ndarray | None  # [£/year, draw]
    mhis_last_year: np.ndarray | None  # [£/year, draw]
    mhis_growth: np.ndarray | None  # real allocation growth of each financial year [draw × year]


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
    base = last = growth = None
    if finance.mhis is not None:
        years = fy_index(timeline)
        first_months = timeline.start + np.flatnonzero(np.r_[True, np.diff(years) > 0])
        growth = ctx.sampler.series("finance.mhis.allocation_growth",
                                    finance.mhis.allocation_growth, first_months)
        base = ctx.value("finance.mhis.base_spend", finance.mhis.base_spend)
        if finance.mhis.last_year_spend is not None:
            last = ctx.value("finance.mhis.last_year_spend", finance.mhis.last_year_spend)
    bias = None
    if finance.optimism_bias is not None:
        bias = ctx.value("finance.optimism_bias", finance.optimism_bias)
    non_pay = ctx.series("finance.non_pay", finance.non_pay)
    for scheme in ctx.scenario.applied_schemes:  # their own costs (stpmodel/schemes.py)
        path = f"schemes.{scheme.name}.costs"
        if scheme.costs.recurrent is not None:
            recurrent = ctx.series(f"{path}.recurrent", scheme.costs.recurrent)
            if scheme.start is not None:
                recurrent = np.where(timeline.months < scheme.start, 0.0, recurrent)
            non_pay = non_pay + recurrent
        for month, amount in scheme.costs.one_off.items():
            if timeline.start <= month <= timeline.end:
                one_off[:, month - timeline.start] += ctx.value(
                    f"{path}.one_off.{month_label(month)}", amount)
    return FinanceInputs(
        one_off=one_off, non_pay=non_pay,
        discount_rate=ctx.value("finance.discount_rate", finance.discount_rate),
        optimism_bias=bias,
        budget=None if finance.budget is None else ctx.series("finance.budget", finance.budget),
        mhis_base=base, mhis_last_year=last, mhis_growth=growth)


def mhis_minimum(spend: np.ndarray, years: np.ndarray, growth: np.ndarray,
                 last_year: np.ndarray | None) -> np.ndarray:
    """The MHIS minimum each month [£, draw × month]: last financial year's actual spend a month
    (its total ÷ its months in the run) × (1 + this year's allocation growth). The first year's
    is last_year_spend ÷ 12 × (1 + growth), or NaN (not judged) without it.

    NHS England's rule: each year's spend ≥ last year's actual spend × (1 + allocation growth).
    """
    minimum = np.full_like(spend, np.nan)
    first = years == 0
    if last_year is not None:
        minimum[:, first] = (last_year[:, None] / 12.0) * (1.0 + growth[:, :1])
    for y in range(1, int(years[-1]) + 1):
        before, this = years == y - 1, years == y
        rate = spend[:, before].sum(axis=1) / before.sum()  # last year's actual a month
        minimum[:, this] = (rate * (1.0 + growth[:, y]))[:, None]
    return minimum


def derive(rows: Rows, inputs: FinanceInputs, ctx: Context) -> None:
    """Investment above the start month's spend, cash and capacity savings, net cost, present
    values, NPV, the Green Book ratios' rows, budget and MHIS. Equations: docs/model.md."""
    timeline = ctx.timeline
    days = timeline.days.astype(np.float64)
    recurrent = np.zeros((ctx.n_draws, timeline.n_months))
    cash = np.zeros_like(recurrent)
    capacity = np.zeros_like(recurrent)
    for service in ctx.present:
        for cost in service.costs:
            spend = rows[service.row(cost.row)]
            if cost.accrual == "day":  # hold the start month's spend a day
                recurrent = recurrent + spend - spend[:, :1] / days[0] * days
            else:
                recurrent = recurrent + spend - spend[:, :1]
        for row in service.savings:
            cash = cash + rows[service.row(row)]
        for row in service.capacity:
            capacity = capacity + rows[service.row(row)]
    recurrent = recurrent + inputs.non_pay / 12.0
    spent = recurrent + inputs.one_off
    bias = np.zeros_like(spent)
    if inputs.optimism_bias is not None:
        bias = np.maximum(spent, 0.0) * inputs.optimism_bias[:, None]
    investment = spent + bias
    net_cost = investment - cash
    discount = (1.0 + inputs.discount_rate[:, None]) ** -fy_index(timeline).astype(np.float64)
    pv_investment = np.cumsum(investment * discount, axis=-1)
    pv_cash = np.cumsum(cash * discount, axis=-1)
    pv_capacity = np.cumsum(capacity * discount, axis=-1)
    rows["investment"] = investment
    rows["optimism_bias"] = bias
    rows["cash_savings"] = cash
    rows["capacity_savings"] = capacity
    rows["net_cost"] = net_cost
    rows["net_cost_with_capacity"] = net_cost - capacity
    rows["cumulative_net_cost"] = np.cumsum(net_cost, axis=-1)
    rows["pv_investment"] = pv_investment
    rows["pv_cash_savings"] = pv_cash
    rows["pv_savings_with_capacity"] = pv_cash + pv_capacity
    rows["npv"] = pv_cash - pv_investment
    rows["npv_with_capacity"] = pv_cash + pv_capacity - pv_investment
    if inputs.budget is not None:
        rows["budget"] = inputs.budget / 12.0
    if inputs.mhis_base is not None and inputs.mhis_growth is not None:
        spend = inputs.mhis_base[:, None] / 12.0 + recurrent
        minimum = mhis_minimum(spend, fy_index(timeline), inputs.mhis_growth,
                               inputs.mhis_last_year)
        rows["mh_spend"] = spend
        rows["mhis_minimum"] = minimum
        rows["mhis_headroom"] = spend - minimum


def _payback(months: np.ndarray, cumulative: np.ndarray) -> tuple[str, int | None]:
    """('never'|'first'|'month', index) from a cumulative net cost [month]."""
    positive = np.flatnonzero(cumulative > 0)
    if positive.size == 0:
        return "first", None
    if positive[-1] == len(months) - 1:
        return "never", None
    return "month", int(positive[-1] + 1)


def payback(projection: Projection) -> list[str]:
    """When cumulative cash savings overtake cumulative investment for good (the mean over
    draws), undiscounted and discounted, as sentences."""
    total = projection.out[:, 0]  # [draw, row, month]: one footprint, or the run's total
    investment = total[:, projection.layout["finance.investment"]]
    months = projection.timeline.months
    base = projection.scenario.prices.base
    if not np.any(investment > 0):
        return ["payback: nothing is invested above the start month's spend."]
    lines = []
    for label, cumulative in (
            ("undiscounted", total[:, projection.layout["finance.cumulative_net_cost"]]),
            ("discounted", -total[:, projection.layout["finance.npv"]])):
        kind, index = _payback(months, cumulative.mean(axis=0))
        if kind == "first":
            lines.append(f"payback ({label}, cash savings): savings cover investment from the "
                         "first month.")
        elif kind == "never":
            lines.append(f"payback ({label}, cash savings): not by "
                         f"{month_label(int(months[-1]))}; the cumulative net cost is then "
                         f"£{cumulative.mean(axis=0)[-1]:,.0f} at {base} prices.")
        else:
            assert index is not None
            lines.append(f"payback ({label}, cash savings): {month_label(int(months[index]))}, "
                         "when cumulative savings overtake cumulative investment for good.")
    return lines


SERVICE = Service(
    name="finance",
    title="investment, savings, NPV, the Green Book ratios, budget and MHIS",
    section=Finance,
    reads=("workforce",),
    after=lambda service: bool(service.costs or service.savings or service.capacity),
    rows=(
        "investment",  # spend above the start month's, plus non-pay, one-off costs and
                       # optimism bias [£]
        "optimism_bias",  # [£]
        "cash_savings",  # cash-releasing savings [£]
        "capacity_savings",  # capacity-releasing savings [£]
        "net_cost",  # investment − cash savings [£]
        "net_cost_with_capacity",  # investment − cash − capacity savings [£]
        "cumulative_net_cost",  # [£]
        "pv_investment",  # cumulative discounted investment [£]
        "pv_cash_savings",  # cumulative discounted cash savings [£]
        "pv_savings_with_capacity",  # cumulative discounted cash + capacity savings [£]
        "npv",  # pv_cash_savings − pv_investment [£]
        "npv_with_capacity",  # pv_savings_with_capacity − pv_investment [£]
        "budget",  # [£]
        "mh_spend",  # MHIS base spend / 12 + recurrent investment [£]
        "mhis_minimum",  # last year's actual spend a month × (1 + allocation growth) [£]
        "mhis_headroom",  # mh_spend − mhis_minimum [£]
    ),
    inputs=build,
    derive=derive,
    features=lambda finance: tuple(name for name in ("budget", "mhis", "optimism_bias")
                                   if getattr(finance, name) is not None),
    total_notes=payback,
    metrics=(
        Metric("investment", "£", "flow",
               "spend above the start month's rate, plus non-pay and one-off costs and any "
               "optimism bias", row="investment", summary=True, key=True),
        Metric("optimism_bias", "£", "flow", "the optimism-bias uplift within investment",
               row="optimism_bias", requires=("optimism_bias",)),
        Metric("cash_savings", "£", "flow",
               "cash-releasing savings: spend that stops (OAP spend avoided, beds and contracts "
               "closed)", row="cash_savings", summary=True, key=True),
        Metric("capacity_savings", "£", "flow",
               "capacity-releasing savings: activity freed (bed days, attendances, admissions) "
               "valued at unit cost; no cash leaves the system until capacity closes",
               row="capacity_savings", summary=True, key=True),
        Metric("net_cost", "£", "flow", "investment − cash savings", row="net_cost",
               summary=True, key=True),
        Metric("net_cost_with_capacity", "£", "flow",
               "investment − cash savings − capacity savings", row="net_cost_with_capacity"),
        Metric("cumulative_net_cost", "£", "stock", "net cost (cash) since the start",
               row="cumulative_net_cost"),
        Metric("pv_investment", "£", "stock",
               "present value of investment since the start, discounted by financial year",
               row="pv_investment"),
        Metric("pv_cash_savings", "£", "stock",
               "present value of cash savings since the start", row="pv_cash_savings"),
        Metric("npv", "£", "stock",
               "net present value: PV of cash savings − PV of investment since the start",
               row="npv", summary=True, key=True),
        Metric("npv_with_capacity", "£", "stock",
               "net present value counting capacity released: PV of cash and capacity savings "
               "− PV of investment", row="npv_with_capacity", summary=True, key=True),
        Metric("benefit_cost_ratio", "ratio", "ratio",
               "Green Book benefit:cost ratio since the start: PV of cash savings ÷ PV of "
               "investment", numerator="pv_cash_savings", denominator="pv_investment"),
        Metric("benefit_cost_ratio_with_capacity", "ratio", "ratio",
               "benefit:cost ratio counting capacity released: PV of cash and capacity "
               "savings ÷ PV of investment", numerator="pv_savings_with_capacity",
               denominator="pv_investment"),
        Metric("roi", "ratio", "ratio",
               "return on investment since the start: NPV ÷ PV of investment",
               numerator="npv", denominator="pv_investment"),
        Metric("roi_with_capacity", "ratio", "ratio",
               "return on investment counting capacity released: NPV with capacity ÷ PV of "
               "investment", numerator="npv_with_capacity", denominator="pv_investment"),
        Metric("budget", "£", "flow", "the investment budget", row="budget",
               requires=("budget",)),
        Metric("mh_spend", "£", "flow",
               "MHIS spend: the base spend plus recurrent investment (no one-off costs or "
               "optimism bias)", row="mh_spend", requires=("mhis",)),
        Metric("mhis_minimum", "£", "flow",
               "MH spend the Mental Health Investment Standard requires: last year's actual "
               "spend × (1 + allocation growth)", row="mhis_minimum", requires=("mhis",)),
        Metric("mhis_headroom", "£", "flow",
               "MHIS spend − its minimum: above zero the standard is met with room to spare",
               row="mhis_headroom", requires=("mhis",)),
    ),
    standards=(
        Standard("within_budget", "investment", "<=", ((ALWAYS, 0.0),),
                 "investment within the scenario's budget", "the scenario's finance.budget",
                 against="budget"),
        Standard("mhis", "mh_spend", ">=", ((ALWAYS, 0.0),),
                 "Mental Health Investment Standard: MH spend at least last year's actual "
                 "spend × (1 + allocation growth)",
                 "NHS England, Mental Health Investment Standard", against="mhis_minimum"),
    ),
)
