"""Specialist community perinatal mental health care: need from births (the age-0 population as
a stated proxy), planned access, capacity from staff × caseload, women accessing, contacts, cost,
and the Long Term Plan's access ambition as a standard. Equations: docs/services/perinatal.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..metrics import Metric
from ..sections import WTE, Section, spec
from ..standards import LTP_END, Standard
from ..template import START, TemplateContext, comment_defaults, num, trajectory
from ..values import Quantity, number, series
from .base import Context, Cost, Rows, Service, Staff

# The Long Term Plan's ambition and the births proxy it is read against (docs/services/
# perinatal.md, "Standard"): at least 66,000 women a year in specialist community perinatal care
# by 2023/24 (NHS Long Term Plan, 2019; RCPsych 2019, Appendix 5; the Mental Health Dashboard's
# PMH(i.a) standard, "66,000 women per year by 2023/24"), as a share of England's births proxy,
# the persons aged 0 at mid-2021 summed over the 44 footprints (579,361;
# stpmodel/data/perinatal_baseline.csv). 66,000 ÷ 579,361 = 11.39% of births a year.
LTP_WOMEN = 66_000
ENGLAND_AGE0_2021 = 579_361
LTP_SHARE_OF_BIRTHS = round(LTP_WOMEN / ENGLAND_AGE0_2021, 4)  # 0.1139
NCC_CONTACT = 329.30  # £/contact, 2024/25 prices
NCC_CONTACTS = 615_245  # England, 2024/25

PER_YEAR = Quantity("births/year", 0.0, above_lo=True)
# Access is a fraction of births, as the Long Term Plan was expressed locally; at most 1.
ACCESS = Quantity("fraction of births/year", 0.0, 1.0, percent_hint=True)


class Perinatal(Section):
    births: number(PER_YEAR) = spec(  # type: ignore[valid-type]
        "births a year in the footprint in the start month; grows with population.growth. ONS "
        "births by area are not bundled: `stpmodel new` writes the persons aged 0 at mid-2021 "
        "as a proxy", "births/year")
    need_rate: number(Quantity("fraction of births", 0.0, 1.0, percent_hint=True)) = spec(  # type: ignore[valid-type]
        "women a year who need specialist community perinatal mental health care, as a "
        "fraction of births (the births proxy)", "fraction of births",
        default=LTP_SHARE_OF_BIRTHS,
        source="NHS Long Term Plan (2019): at least 66,000 women a year with moderate to severe "
               "perinatal mental health difficulties in specialist community care by 2023/24 "
               "(RCPsych 2019, Appendix 5; NHS England Mental Health Dashboard, PMH(i.a) "
               "standard), ÷ England's persons aged 0 at mid-2021, 579,361 (ONS, the births "
               "proxy; stpmodel/data/perinatal_baseline.csv) = 0.1139. The plan's ambition "
               "taken as need: not a prevalence")
    access: series(ACCESS, "linear") = spec(  # type: ignore[valid-type]
        "women planned to access care a year, as a fraction of births (the access rate of "
        "births the Long Term Plan was expressed in locally; its 66,000 is 0.1139)",
        "fraction of births/year", interp="linear")
    wte: series(WTE, "linear") = spec(  # type: ignore[valid-type]
        "specialist community perinatal staff in post", "WTE", interp="linear")
    caseload: number(Quantity("women/WTE/year", 0.0, above_lo=True)) = spec(  # type: ignore[valid-type]
        "women one WTE can see in a year; no public source gives it", "women/WTE/year")
    contacts_per_woman: number(Quantity("contacts/woman", 0.0, above_lo=True)) = spec(  # type: ignore[valid-type]
        "attended care contacts per woman accessing care; no public source gives it",
        "contacts/woman")
    cost_per_contact: series(Quantity("£/contact", 0.0), "step") = spec(  # type: ignore[valid-type]
        "cost of one care contact, all costs (2024/25 prices)", "£/contact", default=NCC_CONTACT,
        price_year="2024/25", interp="step",
        source="NHS England, National Cost Collection 2024/25, Mental Health Care Contact C02 "
               "Specialist Perinatal Mental Health Community Service: £329.30 (2024/25 prices; "
               "615,245 contacts, £202.6m)")


@dataclass(frozen=True)
class PerinatalInputs:
    births: np.ndarray  # [births/month, draw × month]
    need: np.ndarray  # [women/month, draw × month]
    planned: np.ndarray  # [women/month, draw × month]
    capacity: np.ndarray  # [women/month, draw × month]
    wte: np.ndarray  # [WTE, draw × month]
    contacts_per_woman: np.ndarray  # [contacts/woman, draw]
    cost_per_contact: np.ndarray  # [£/contact, draw × month]


def build(section: Perinatal, ctx: Context) -> PerinatalInputs:
    """Births (÷ 12, grown with the population), need = births × need_rate, planned = access ×
    births, capacity = WTE × caseload ÷ 12, each a month."""
    births = ctx.value("perinatal.births", section.births)[:, None] * ctx.population_index / 12.0
    need = births * ctx.value("perinatal.need_rate", section.need_rate)[:, None]
    planned = births * ctx.series("perinatal.access", section.access)
    wte = ctx.series("perinatal.wte", section.wte)
    capacity = wte * ctx.value("perinatal.caseload", section.caseload)[:, None] / 12.0
    return PerinatalInputs(
        births=births, need=need, planned=planned, capacity=capacity, wte=wte,
        contacts_per_woman=ctx.value("perinatal.contacts_per_woman", section.contacts_per_woman),
        cost_per_contact=ctx.series("perinatal.cost_per_contact", section.cost_per_contact))


def derive(rows: Rows, inputs: PerinatalInputs, ctx: Context) -> None:
    """Women accessing = min(planned, capacity); contacts = women × contacts per woman; cost =
    contacts × cost per contact."""
    accessing = np.minimum(inputs.planned, inputs.capacity)
    contacts = accessing * inputs.contacts_per_woman[:, None]
    rows["births"] = inputs.births
    rows["need"] = inputs.need
    rows["planned"] = inputs.planned
    rows["capacity"] = inputs.capacity
    rows["accessing"] = accessing
    rows["wte"] = inputs.wte
    rows["contacts"] = contacts
    rows["cost"] = contacts * inputs.cost_per_contact


# Illustrative placeholder: no public source gives a perinatal WTE's caseload. It only sizes the
# staff `new` writes (the staff that let the plan be delivered); put your own.
CASELOAD = 40.0
MONTHS_TO_END = 59  # April 2019 to March 2024


def baseline(code: str) -> tuple[float, float, str]:
    """``(women accessing, births proxy, method)`` of a footprint, from the bundled data."""
    from .. import baselines

    row = baselines.perinatal_row(code)
    if row is None:
        from ..template import NoBaselineError

        raise NoBaselineError(f"no perinatal baseline for {code} in the bundled data")
    return float(row["women_accessing"]), float(row["age0_2021"]), str(row["method"])


@dataclass(frozen=True)
class PerinatalPlan:
    """What `stpmodel new` writes for a footprint (tools/build_england_scenario.py too)."""

    women: float  # accessing in the year to March 2022 [women/year]
    births: float  # the births proxy [births/year]
    method: str  # how the baseline was summed to the footprint
    england_women: float  # England's women accessing [women/year]
    today: float  # today's access [fraction of births/year]
    plan: float  # the plan's access from April 2023 [fraction of births/year]
    access: dict[str, float]  # the access trajectory
    contacts: float  # contacts a woman [contacts/woman]
    wte_today: float  # [WTE]
    wte_plan: float  # [WTE]


def plan_for(code: str, growth: float) -> PerinatalPlan:
    """Today's access from the bundled baseline, the plan (the Long Term Plan's share of births,
    or today's if higher) and the staff each needs at CASELOAD, grown at ``growth`` [fraction/
    year] to March 2024 and rounded up to 0.1 WTE."""
    from .. import reference

    women, births, method = baseline(code)
    england_women, _, _ = baseline(reference.ENGLAND)
    today = round(women / births, 5)
    plan = max(LTP_SHARE_OF_BIRTHS, today)
    access = {START: today, "2022-04": today, "2023-04": plan}
    contacts = round(NCC_CONTACTS / england_women, 1)
    grown = max(1.0, (1 + growth) ** (MONTHS_TO_END / 12))
    wte_today = math.ceil(women * grown / CASELOAD * 10) / 10
    wte_plan = math.ceil(births * plan * grown / CASELOAD * 10) / 10
    return PerinatalPlan(women, births, method, england_women, today, plan, access, contacts,
                         wte_today, wte_plan)


def template(t: TemplateContext) -> None:
    from .. import baselines

    fp, out = t.fp, t.out
    p = plan_for(fp.code, t.growth)
    women, births, method, england_women = p.women, p.births, p.method, p.england_women
    today, access, contacts = p.today, p.access, p.contacts
    wte_today, wte_plan = p.wte_today, p.wte_plan
    where = {"stp_row": "the dashboard's STP row",
             "ccg21_rows": "the sum of the dashboard's CCG 2021 rows",
             "ccg21_rows_apportioned": "the sum of the dashboard's CCG 2021 rows, CCGs that "
                                       "straddle footprints split by LSOA count"}.get(method,
                                                                                      method)
    out.key("perinatal")
    comment_defaults(out, Perinatal, {"births", "access", "wte", "caseload",
                                      "contacts_per_woman"})
    out.comment(f"SOURCED, PROXY: {baselines.BIRTHS_PROXY_SOURCE}; persons aged 0 at mid-2021, "
                "used as the April 2019 figure.", 2)
    out.key("births", num(round(births, 1)), 2)
    above = (f" Today's access is already above it ({today:.2%} of births), so it is held."
             if today > LTP_SHARE_OF_BIRTHS else "")
    out.comment(f"SOURCED, then PLAN: today {women:,.1f} women accessing in the year to March "
                f"2022 ({baselines.PERINATAL_SOURCE}; {where}) ÷ {births:,.1f} births = "
                f"{today:.5f} of births, held to April 2022; then, by April 2023 for 2023/24, the "
                "Long Term Plan's 66,000 women a year as a share of England's births proxy "
                f"(66,000 ÷ 579,361 = {num(LTP_SHARE_OF_BIRTHS)}).{above}", 2)
    out.key("access", trajectory(access, 5), 2)
    out.comment(f"ILLUSTRATIVE PLACEHOLDER: {num(CASELOAD)} women a WTE a year; no public source "
                "gives a perinatal team's caseload.", 2)
    out.key("caseload", num(CASELOAD), 2)
    out.comment(f"ILLUSTRATIVE PLACEHOLDER: the staff the plan needs at that caseload (women ÷ "
                f"caseload, grown to March 2024 and rounded up): {wte_today:,.1f} WTE today, "
                f"{wte_plan:,.1f} WTE for the plan by April 2023.", 2)
    out.key("wte", trajectory({START: wte_today, "2022-04": wte_today, "2023-04": wte_plan}, 1),
            2)
    out.comment(f"NATIONAL-DEFAULT ESTIMATE: England's {NCC_CONTACTS:,} perinatal community "
                f"contacts in 2024/25 (National Cost Collection) ÷ {england_women:,.0f} women "
                f"accessing in 2021/22 (PMH(i.a)) = {contacts:g}; too high to the extent that "
                "access grew between the two years.", 2)
    out.key("contacts_per_woman", num(contacts), 2)
    t.assumptions.extend(["perinatal.caseload", "perinatal.wte", "perinatal.contacts_per_woman"])


def icb_template(t: TemplateContext) -> None:
    """Perinatal care for an ICB, 2025/26 to 2029/30: women accessing in the year to March 2022
    (the Mental Health Dashboard's row for the ICB's Q-code, PMH(i.a)) ÷ the ICB's persons aged
    0 at mid-2021 (ONS), held flat: the Long Term Plan's 66,000 was for 2023/24."""
    import polars as pl

    from .. import baselines, reference

    fp, out = t.fp, t.out
    women = baselines.icb_dashboard_value(fp.code, "perinatal_women_accessing")
    row = pl.read_csv(reference.DATA / "icbs.csv", infer_schema_length=0).filter(
        pl.col("code") == fp.code).row(0, named=True)
    england_women, _, _ = baseline(reference.ENGLAND)
    if women is None:
        from ..template import NoBaselineError

        raise NoBaselineError(f"no perinatal baseline for {fp} in the bundled ICB data")
    age0 = float(row["age0_2021"])
    frame = reference.population(reference.ICB2022).filter(
        (pl.col("footprint_code") == fp.code) & (pl.col("age_band") == "0-4"))
    under5_2021 = float(frame.filter((pl.col("mid_year") == 2021)
                                     & (pl.col("basis") == "estimate"))["population"].sum())
    under5_2025 = float(frame.filter((pl.col("mid_year") == 2025)
                                     & (pl.col("basis") == "projection"))["population"].sum())
    births = round(age0 * under5_2025 / under5_2021, 1)
    today = round(women / births, 5)
    contacts = round(NCC_CONTACTS / england_women, 1)
    grown = max(1.0, (1 + t.growth) ** (MONTHS_TO_END / 12))
    wte = math.ceil(women * grown / CASELOAD * 10) / 10
    out.key("perinatal")
    comment_defaults(out, Perinatal, {"births", "access", "wte", "caseload",
                                      "contacts_per_woman"})
    out.comment(f"SOURCED, PROXY, PROJECTED: persons aged 0 at mid-2021 in the ICB's area (ONS, "
                f"{age0:,.0f}; ONS births by area are not bundled), × the projected change in "
                f"its under-5s from mid-2021 to mid-2025 ({under5_2021:,.0f} to "
                f"{under5_2025:,.0f}; stpmodel/data/icb_population.csv), used as the April "
                "2025 figure.", 2)
    out.key("births", num(births), 2)
    out.comment(f"SOURCED, then PLAN held flat: {women:,.0f} women accessing in the year to "
                f"March 2022 ({baselines.PERINATAL_SOURCE}; the dashboard's row for "
                f"{fp.ods_code}, the latest bundled) ÷ {births:,.1f} births = {today:.5f} of "
                "births. The Long Term Plan's 66,000 women a year was for 2023/24 and no later "
                "standard is bundled: write your ICB's plan, and its target under targets:.", 2)
    out.key("access", num(today, 5), 2)
    out.comment(f"ILLUSTRATIVE PLACEHOLDER: {num(CASELOAD)} women a WTE a year; no public source "
                "gives a perinatal team's caseload.", 2)
    out.key("caseload", num(CASELOAD), 2)
    out.comment(f"ILLUSTRATIVE PLACEHOLDER: the staff today's access needs at that caseload "
                f"(women ÷ caseload, grown over the five years and rounded up): {wte:,.1f} "
                "WTE.", 2)
    out.key("wte", num(wte), 2)
    out.comment(f"NATIONAL-DEFAULT ESTIMATE: England's {NCC_CONTACTS:,} perinatal community "
                f"contacts in 2024/25 (National Cost Collection) ÷ {england_women:,.0f} women "
                f"accessing in 2021/22 (PMH(i.a)) = {contacts:g}.", 2)
    out.key("contacts_per_woman", num(contacts), 2)
    t.assumptions.extend(["perinatal.access", "perinatal.caseload", "perinatal.wte",
                          "perinatal.contacts_per_woman"])


SERVICE = Service(
    name="perinatal",
    title="specialist community perinatal mental health care",
    section=Perinatal,
    rows=("births", "need", "planned", "capacity", "accessing", "wte", "contacts", "cost"),
    standalone=True,
    inputs=build,
    derive=derive,
    staff=(Staff("wte", "wte"),),  # staff in post, as planned
    costs=(Cost("cost"),),
    reached=("accessing",),
    template=template,
    icb_template=icb_template,
    metrics=(
        Metric("perinatal_births", "births", "flow",
               "births (the births proxy: persons aged 0), grown with the population",
               row="births"),
        Metric("perinatal_need", "women", "flow",
               "women who need specialist community perinatal care: births × need_rate",
               row="need"),
        Metric("perinatal_planned", "women", "flow",
               "women planned to access care: access × births", row="planned"),
        Metric("perinatal_capacity", "women", "flow", "women the staff can see: WTE × caseload",
               row="capacity"),
        Metric("perinatal_accessing", "women", "flow",
               "women accessing specialist community perinatal care: min(planned, capacity)",
               row="accessing", summary=True),
        Metric("perinatal_access_of_births", "fraction of births/year", "rate",
               "women accessing ÷ births: the access rate of births the Long Term Plan's "
               "66,000 is judged on here", numerator="accessing", denominator="births",
               summary=True, key=True),
        Metric("perinatal_access_rate", "fraction of need/year", "rate",
               "women accessing ÷ need", numerator="accessing", denominator="need"),
        Metric("perinatal_wte", "WTE", "stock", "specialist community perinatal staff in post",
               row="wte"),
        Metric("perinatal_contacts", "contacts", "flow",
               "care contacts: women accessing × contacts per woman", row="contacts"),
        Metric("perinatal_cost", "£", "flow",
               "contacts × cost per contact (2024/25 prices by default)", row="cost", key=True),
    ),
    standards=(
        Standard("perinatal_access", "perinatal_access_of_births", ">=",
                 ((2023, LTP_SHARE_OF_BIRTHS), (LTP_END, None)),
                 "perinatal access: in 2023/24, 66,000 women a year as a share of England's "
                 "births proxy (persons aged 0 at mid-2021, 579,361): 11.39% of births",
                 "NHS Long Term Plan (2019), as RCPsych 2019, Appendix 5 and the Mental Health "
                 "Dashboard's PMH(i.a) standard give it; ONS mid-2021 population aged 0"),
    ),
)
