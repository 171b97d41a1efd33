"""CYP's part of ``stpmodel new``: the band's population and growth, today's access from NHS
England's CYP access by footprint, and the standards as the plan."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from .section import DATA, MHCYP_2017, Cyp, ages
from .standards import PLAN

if TYPE_CHECKING:
    from ...template import TemplateContext

# ---------------------------------------------------------------------------------------------
# `stpmodel new`

BASELINE_YEAR = "2021-22"
BASELINE_SOURCE = ("NHS England, CYP 1+ contacts in the 12 months to Q4 2021/22 (CCG 2021 rows, "
                   "OCC data file sheet CYP (i.b)), summed to the footprint")
CASELOAD_PLACEHOLDER = 100.0  # [persons/WTE/year]: illustrative; no public source
COST_PLACEHOLDER = 60_000.0  # [£/WTE/year]: illustrative; no public source for a CYP team WTE


@cache
def population_by_age() -> dict[str, dict[int, float]]:
    """ONS mid-2021 persons by footprint and single year of age 0-25 (cyp_population.csv)."""
    table: dict[str, dict[int, float]] = {}
    with (DATA / "cyp_population.csv").open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            table.setdefault(row["footprint_code"], {})[int(row["age"])] = float(row["est_2021"])
    return table


def band_population(code: str, band: str) -> float:
    """People of ``code`` (or England, the sum of footprints) in the age band, mid-2021."""
    young, old = ages(band)
    table = population_by_age()
    codes = list(table) if code == "E92000001" else [code]
    return sum(table[c][a] for c in codes for a in range(young, old + 1))


@dataclass(frozen=True)
class CypPlan:
    """What `stpmodel new` writes for a footprint (tools/build_england_scenario.py too)."""

    baseline: float  # CYP with 1+ contacts in BASELINE_YEAR [persons/year]
    band: str
    population: int  # the band's people, mid-2021 [persons]
    need: float  # [persons]
    today: float  # [fraction of need/year]
    plan: dict[str, float]  # the access trajectory
    wte: float  # [WTE]
    growth: float  # the band's [fraction/year]
    recruitment: int  # [WTE/year]


def plan_for(code: str) -> CypPlan:
    """Today's access from the bundled baseline, the plan (the standards, never below today's),
    the staff today's access needs at CASELOAD_PLACEHOLDER, the under 18s' projected growth and
    the recruitment that keeps up with the plan."""
    from ... import baselines, reference
    from ...template import GROWTH_TO, POPULATION_YEAR, START

    baseline = baselines.cyp_access(code)
    band = "0-17"
    population = round(band_population(code, band))
    need = MHCYP_2017 * population
    today = round(baseline / need, 6)
    plan = {START: today}
    for month, level in PLAN:
        plan[month] = max(level, today)
    wte = math.ceil(baseline / CASELOAD_PLACEHOLDER * 100) / 100  # up: today's staff see today's
    under_18_2026 = (reference.persons(code, GROWTH_TO, 0, "projection")
                     - reference.persons(code, GROWTH_TO, 18, "projection"))
    under_18 = (reference.persons(code, POPULATION_YEAR)
                - reference.persons(code, POPULATION_YEAR, 18))
    growth = round((under_18_2026 / under_18) ** (1 / (GROWTH_TO - POPULATION_YEAR)) - 1, 4)
    recruitment = _recruitment(plan, need, growth)
    return CypPlan(baseline, band, population, need, today, plan, wte, growth, recruitment)


def template(t: TemplateContext) -> None:
    from ... import reference
    from ...template import (
        GROWTH_TO,
        POPULATION_YEAR,
        comment_defaults,
        num,
        trajectory,
    )

    fp, out = t.fp, t.out
    p = plan_for(fp.code)
    baseline, band, population, need, today = p.baseline, p.band, p.population, p.need, p.today
    plan, wte, growth, recruitment = p.plan, p.wte, p.growth, p.recruitment

    out.key("cyp")
    comment_defaults(out, Cyp, {"age_band", "population", "growth", "access", "workforce"})
    out.comment("SOURCED: under 18s, the ages NHS England's access measure counts; 0-25 models "
                "the Long Term Plan's ages (then write population for that band).", 2)
    out.key("age_band", band, 2)
    out.comment(f"SOURCED: {reference.POPULATION_SOURCE}, ages 0-17 (stpmodel/data/"
                "cyp_population.csv).", 2)
    out.key("population", str(population), 2)
    out.comment(f"SOURCED: {reference.PROJECTION_SOURCE}; under 18s from mid-{POPULATION_YEAR} "
                f"to mid-{GROWTH_TO}, a compound {growth:.2%} a year.", 2)
    out.key("growth", num(growth), 2)
    out.comment(f"PLAN: 34%/35% of need (2019/20, 2020/21), NHS England's 2021/22 indicative "
                f"trajectory ({PLAN[1][1]:.2%}) and the Long Term Plan's 345,000 more by 2023/24 "
                f"({PLAN[2][1]:.2%}), from today's access: {baseline:,.0f} CYP with 1+ contacts "
                f"in {BASELINE_YEAR} ({BASELINE_SOURCE}) ÷ need ({num(MHCYP_2017)} × "
                f"{population:,} = {need:,.0f}) = {today:.2%}. The baseline is {BASELINE_YEAR}'s, "
                "put at the start.", 2)
    out.key("access", trajectory(plan, 6), 2)
    _workforce(t, baseline, wte, recruitment, "today's access",
               "keeps up with the plan's steepest rise in the staff it needs (a year's worth of "
               "the steepest month, rounded up)")
    _ed_baseline(t)
    _spend_baseline(t, "stp17_code")


def _workforce(t: TemplateContext, baseline: float, wte: float, recruitment: int, access: str,
               rule: str) -> None:
    """The ``workforce:`` keys `new` writes alike for an STP and an ICB: ``access`` names the
    access the staff are sized for, ``rule`` how recruitment was chosen."""
    from ...template import num

    out = t.out
    out.key("workforce", indent=2)
    out.comment("ILLUSTRATIVE PLACEHOLDER: no public source gives CYP clinicians' caseloads.", 4)
    out.key("caseload", num(CASELOAD_PLACEHOLDER), 4)
    out.comment(f"NATIONAL-DEFAULT ESTIMATE: the staff {access} needs: {baseline:,.0f} ÷ "
                f"{num(CASELOAD_PLACEHOLDER)} a WTE, rounded up.", 4)
    out.key("wte", num(wte, 2), 4)
    out.comment(f"ILLUSTRATIVE PLACEHOLDER: recruitment that {rule}.", 4)
    out.key("recruitment", str(recruitment), 4)
    out.comment("ILLUSTRATIVE PLACEHOLDER: £ per WTE a year at 2024/25 prices; no public source "
                "gives a CYP team's cost per WTE.", 4)
    out.key("cost_per_wte", num(COST_PLACEHOLDER), 4)
    t.assumptions.extend(["cyp.workforce.caseload", "cyp.workforce.wte",
                          "cyp.workforce.recruitment", "cyp.workforce.cost_per_wte"])


def _spend_baseline(t: TemplateContext, column: str) -> None:
    """The footprint's CYP mental health and eating-disorder spend, 2021/22, as a comment to set
    cyp_cost against: an ICB's own (``column`` ``icb_code``), or an STP's where its ICB of July
    2022 has the same code and area (``stp17_code``; 29 of 44)."""
    import polars as pl

    from ... import baselines

    rows = baselines.cyp_spend().filter((pl.col(column) == t.fp.code)
                                        & (pl.col("financial_year") == SPEND_YEAR))
    if not rows.height:
        t.out.comment("CYP SPEND: no figure for this footprint alone (its ICB of July 2022 covers "
                      "another area); see stpmodel/data/cyp_spend.csv.", 2)
        return
    row = rows.row(0, named=True)
    t.out.comment(f"CYP SPEND, for comparison with cyp_cost ({baselines.CYP_SPEND_SOURCE}, "
                  f"{SPEND_YEAR}): CYP mental health £{row['cyp_mh_spend'] / 1e6:,.2f}m "
                  "(excluding learning disability and eating disorders), eating disorders "
                  f"£{row['cyp_ed_spend'] / 1e6:,.2f}m, at {SPEND_YEAR} prices.", 2)


SPEND_YEAR = "2021/22"  # the latest year of CYP spend bundled


def _ed_baseline(t: TemplateContext) -> None:
    """The footprint's published eating-disorder waits, as a comment: the dashboard gives shares
    but no referrals, and no source gives capacity or the wait model, so `new` does not write
    ``eating_disorders``."""
    import polars as pl

    from ... import baselines

    rows = {r["pathway"]: r for r in baselines.cyp_ed_baseline().filter(
        pl.col("footprint_code") == t.fp.code).iter_rows(named=True)}
    if not rows:
        return
    parts = [f"{name} {'*' if r['within'] is None else format(r['within'], '.1%')} within "
             f"{r['standard_days'] // 7} week{'s' if r['standard_days'] > 7 else ''}"
             for name, r in rows.items()]
    how = ("the dashboard's own row" if rows["urgent"]["method"] == "dashboard"
           else "CCG 2021 rows weighted by adults")
    t.out.comment("EATING-DISORDER BASELINE, for comparison (Mental Health Dashboard CYP(ii.a) "
                  f"and (ii.b), {rows['urgent']['period']}, {how}; * = suppressed): "
                  + "; ".join(parts) + ". The standards: 95% each. To model waits, add "
                  "eating_disorders with your referrals, capacity and wait model "
                  "(docs/services/cyp.md).", 2)


def _recruitment(plan: dict[str, float], need: float, growth: float) -> int:
    """The WTE a year that keeps up with the plan's steepest monthly rise in the staff it needs
    (access interpolated linearly between its points, need growing at ``growth``), rounded up."""
    from ...template import START
    from ...values import month_index

    def index(month: str) -> int:
        return month_index(int(month[:4]), int(month[5:])) - month_index(int(START[:4]),
                                                                         int(START[5:]))

    points = sorted((index(m), v) for m, v in plan.items())
    level = []
    for m in range(points[-1][0] + 1):
        access = points[-1][1]
        for (m0, v0), (m1, v1) in zip(points, points[1:]):
            if m0 <= m <= m1:
                access = v0 + (v1 - v0) * (m - m0) / (m1 - m0)
                break
        level.append(access * need * (1 + growth) ** (m / 12) / CASELOAD_PLACEHOLDER)
    steepest = max((b - a for a, b in zip(level, level[1:])), default=0.0)
    return max(0, math.ceil(12 * steepest))


ICB_BASELINE_SOURCE = ("NHS England, CYP aged 0-18 with 1+ contacts in the 12 months to Q4 "
                       "2021/22 by ICB (OCC data file, sheet CYP (i.b) - 1+ access ICB 21_22; "
                       "stpmodel/data/icb_dashboard.csv)")


def icb_template(t: TemplateContext) -> None:
    """CYP for an ICB, 2025/26 to 2029/30: the under 18s at mid-2025 (projected), today's access
    from NHS England's 2021/22 count for the ICB over its need then (MHCYP 2017's 12.8% of its
    mid-2021 under 18s), held flat: the Long Term Plan's access ambition was for 2023/24."""
    import polars as pl

    from ... import baselines, reference
    from ...template import ICB_GROWTH_TO, ICB_POPULATION_YEAR, comment_defaults, num

    fp, out = t.fp, t.out
    baseline = baselines.icb_dashboard_value(fp.code, "cyp_access_1plus")
    if baseline is None:
        from ...template import NoBaselineError

        raise NoBaselineError(f"no CYP access for {fp} in the bundled ICB data")
    geo = reference.ICB2022
    frame = reference.population(geo).filter((pl.col("footprint_code") == fp.code)
                                             & (pl.col("age_from") < 18))

    def under_18(year: int, basis: str) -> float:
        rows = frame.filter((pl.col("mid_year") == year) & (pl.col("basis") == basis))
        return float(rows["population"].sum())

    then = under_18(2021, "estimate")
    population = round(under_18(ICB_POPULATION_YEAR, "projection"))
    later = under_18(ICB_GROWTH_TO, "projection")
    growth = round((later / population) ** (1 / (ICB_GROWTH_TO - ICB_POPULATION_YEAR)) - 1, 4)
    today = round(baseline / (MHCYP_2017 * then), 6)
    wte = math.ceil(baseline / CASELOAD_PLACEHOLDER * 100) / 100
    recruitment = max(0, math.ceil(wte * growth))

    out.key("cyp")
    comment_defaults(out, Cyp, {"age_band", "population", "growth", "access", "workforce"})
    out.comment("SOURCED: under 18s, the ages NHS England's access measure counts.", 2)
    out.key("age_band", "0-17", 2)
    out.comment(f"SOURCED, PROJECTED: {reference.ICB_POPULATION_SOURCE}, ages 0-17, "
                f"{reference.PROJECTION_SOURCE}, to mid-{ICB_POPULATION_YEAR} "
                f"(stpmodel/data/icb_population.csv).", 2)
    out.key("population", str(population), 2)
    out.comment(f"SOURCED, PROJECTED: under 18s from mid-{ICB_POPULATION_YEAR} to "
                f"mid-{ICB_GROWTH_TO}, a compound {growth:.2%} a year.", 2)
    out.key("growth", num(growth), 2)
    out.comment(f"SOURCED, then PLAN held flat: {baseline:,.0f} CYP with 1+ contacts in 2021-22 "
                f"({ICB_BASELINE_SOURCE}) ÷ need then ({num(MHCYP_2017)} × {then:,.0f} under "
                f"18s at mid-2021) = {today:.2%}. The Long Term Plan's ambition was for 2023/24 "
                "and no later standard is bundled: write your ICB's plan, and its target under "
                "targets:.", 2)
    out.key("access", num(today, 6), 2)
    t.assumptions.append("cyp.access")
    _workforce(t, baseline, wte, recruitment, "that access",
               "keeps pace with the under 18s' growth (WTE × growth, rounded up)")
    _spend_baseline(t, "icb_code")
