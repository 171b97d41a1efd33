"""24/7 crisis provision for children and young people: the share of the footprint's children and
young people covered by crisis care that offers NHS England's functions 24 hours a day, 7 days a
week, its cost, and the Long Term Plan's full coverage by 2023/24 as a standard. Equations:
docs/services/cyp-crisis.md.

The evidence gives no effect of CYP crisis provision on admissions or out-of-area placements that
the model could apply (adult crisis teams' effect, in the ``crisis`` service, is on working-age
adults), so this service reports coverage and cost only.
"""

from __future__ import annotations

import numpy as np

from ..metrics import Metric
from ..sections import Section, spec
from ..standards import LTP_END, Standard
from ..template import TemplateContext
from ..values import FRACTION, Quantity, series
from .base import DAYS_PER_YEAR, Context, Cost, Rows, Service

# England's coverage, the Mental Health Dashboard Q4 2021/22 v3.2, indicator CYP(vii) "CYP Crisis
# Long Term Plan ambition" (the proportion of full or partial coverage of crisis provision for
# CYP that combines crisis assessment, brief response and intensive home treatment), national
# row: 2019/20 0.26, 2020/21 0.67, 2021/22 0.720588235. The dashboard gives no STP or CCG row.
ENGLAND_COVERAGE = {"2019-20": 0.26, "2020-21": 0.67, "2021-22": 0.7206}
COVERAGE_SOURCE = ("NHS England, Mental Health Dashboard Q4 2021/22 v3.2, CYP(vii): the "
                   "proportion of full or partial coverage of 24/7 crisis provision for children "
                   "and young people combining crisis assessment, brief response and intensive "
                   "home treatment; England only")
FULL_FROM = 2023  # 2023/24
STANDARD_SOURCE = ("NHS Long Term Plan (2019): 24/7 age-appropriate crisis care for all children "
                   "and young people by 2023/24 (NHS England, CYP community mental health crisis "
                   "services: national implementation guidance; the dashboard's CYP(vii) "
                   "'Long Term Plan ambition')")


class CypCrisis(Section):
    coverage: series(FRACTION, "linear") = spec(  # type: ignore[valid-type]
        "share of the footprint's children and young people (0-18) covered by crisis care "
        "offering crisis assessment, brief response and intensive home treatment 24 hours a "
        "day, 7 days a week (the dashboard's CYP(vii), which gives only England's)", "fraction",
        interp="linear")
    cost_full: series(Quantity("£/year", 0.0), "step") = spec(  # type: ignore[valid-type]
        "yearly cost of that crisis care covering every child and young person in the "
        "footprint, at 2024/25 prices; no bundled source gives it", "£/year", interp="step")


def build(section: CypCrisis, ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    return (ctx.series("cyp_crisis.coverage", section.coverage),
            ctx.series("cyp_crisis.cost_full", section.cost_full))


def derive(rows: Rows, inputs: tuple[np.ndarray, np.ndarray], ctx: Context) -> None:
    """Coverage × days (so that a period's coverage is its days' mean), and cost = coverage ×
    the full cost a year ÷ 365.25 × days [per month]."""
    coverage, cost_full = inputs
    days = ctx.timeline.days
    rows["days"] = days
    rows["covered_days"] = coverage * days
    rows["cost"] = coverage * cost_full / DAYS_PER_YEAR * days


def template(t: TemplateContext) -> None:
    """Commented out: England's coverage is the only baseline, and no bundled source gives the
    cost, so `new` shows the section for the user to complete rather than invent a cost."""
    out = t.out
    years = ", ".join(f"{y} {v:.0%}" for y, v in ENGLAND_COVERAGE.items())
    out.comment("cyp_crisis (24/7 crisis care for children and young people) is left out: no "
                "bundled source gives a footprint's coverage or its cost. To plan it, remove the "
                f"'#' before the lines below and give your own. For scale, England's coverage: "
                f"{years} ({COVERAGE_SOURCE}). The standard: full coverage from 2023/24 "
                f"({STANDARD_SOURCE}).")
    out.comment("cyp_crisis:")
    out.comment("  coverage: {2019-04: 0.26, 2021-04: 0.72, 2023-04: 1}  # your own [fraction]")
    out.comment("  cost_full: 0  # [£/year, 2024/25 prices] a year's cost at full coverage")


SERVICE = Service(
    name="cyp_crisis",
    title="24/7 crisis provision for children and young people",
    section=CypCrisis,
    rows=("days", "covered_days", "cost"),
    shared_rows=("days",),
    inputs=build,
    derive=derive,
    costs=(Cost("cost", accrual="day"),),
    template=template,
    metrics=(
        Metric("cyp_crisis_coverage", "fraction", "rate",
               "share of children and young people covered by 24/7 crisis provision (the mean "
               "over the period's days)", numerator="covered_days", denominator="days",
               summary=True, key=True),
        Metric("cyp_crisis_cost", "£", "flow",
               "coverage × the yearly cost of full coverage (the scenario's prices)",
               row="cost"),
    ),
    standards=(
        Standard("cyp_crisis_24_7", "cyp_crisis_coverage", ">=",
                 ((FULL_FROM, 1.0), (LTP_END, None)),
                 "24/7 crisis provision for every child and young person, from 2023/24 "
                 "(coverage 100% over the year)", STANDARD_SOURCE),
    ),
)
