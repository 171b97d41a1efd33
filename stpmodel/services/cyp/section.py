"""The ``cyp:`` section: every key with its unit, range and, for a default, its source; the age
band; and the rules that tie it to the rest of the scenario."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

from ...sections import PERSONS, WTE, Section, spec
from ...staffing import LEAVERS, MONTHS, leaver_rate_spec, training_months_spec
from ...values import FRACTION, Quantity, fail, number, series

if TYPE_CHECKING:
    from ...scenario import Scenario

DATA = Path(__file__).resolve().parent.parent.parent / "data"
OLDEST = 25  # the oldest age a CYP age band may reach (the Long Term Plan's 0–25)
MHCYP_2017 = 0.128  # MHCYP 2017: 12.8% of 5–19 year olds had at least one mental disorder
MONEY_PER_WTE = Quantity("£/WTE/year", 0.0)
CASELOAD = Quantity("persons/WTE/year", 0.0, above_lo=True)
PER_YEAR = Quantity("referrals/year", 0.0)
STARTS = Quantity("treatments/year", 0.0)
UNLIMITED_WTE = 1e18  # [WTE]: eating-disorder capacity is a number of starts, not staff
ED_URGENT_DAYS = 7  # [days]: the urgent standard, 1 week
ED_ROUTINE_DAYS = 28  # [days]: the routine standard, 4 weeks

_BAND = re.compile(r"^\s*(\d+)\s*[-–]\s*(\d+)\s*$")


def parse_age_band(value: Any) -> str:
    """``"0-17"`` → ``"0-17"``; anything that is not a band of whole ages within 0–25 fails."""
    match = _BAND.match(str(value)) if isinstance(value, (str, int)) else None
    if match is None:
        raise fail(f"expected an age band such as 0-17 or 0-25 [years], got {value!r}",
                   "write the youngest and oldest age with a hyphen, e.g. 0-17")
    young, old = int(match.group(1)), int(match.group(2))
    if young > old:
        raise fail(f"age band {young}-{old} runs backwards: the youngest age comes first",
                   f"write {old}-{young}")
    if old > OLDEST:
        raise fail(f"age band {young}-{old} is outside 0–{OLDEST}: children and young people's "
                   f"services and their national standards cover ages 0 to {OLDEST}",
                   "write 0-17 (under 18s: the access measure) or 0-25 (the Long Term Plan's "
                   "ages); the band labels the population you give, which need is worked from")
    return f"{young}-{old}"


def ages(band: str) -> tuple[int, int]:
    young, old = band.split("-")
    return int(young), int(old)


AgeBand = Annotated[str, BeforeValidator(parse_age_band),
                    WithJsonSchema({"type": "string", "pattern": r"^\d+-\d+$"})]


class CypWorkforce(Section):
    wte: number(WTE) = spec(  # type: ignore[valid-type]
        "CYP mental health clinical staff in post in the start month", "WTE")
    caseload: number(CASELOAD) = spec(  # type: ignore[valid-type]
        "children and young people one whole-time clinician sees (1+ contacts) in a year",
        "persons/WTE/year")
    recruitment: series(Quantity("WTE/year", 0.0), "step") = spec(  # type: ignore[valid-type]
        "the most by which WTE can grow in a year: net of leavers, or, with leaver_rate, the "
        "most who can start training or be recruited", "WTE/year", interp="step")
    leaver_rate: number(LEAVERS) | None = leaver_rate_spec()  # type: ignore[valid-type]
    training_months: number(MONTHS) | None = training_months_spec()  # type: ignore[valid-type]
    cost_per_wte: series(MONEY_PER_WTE, "step") = spec(  # type: ignore[valid-type]
        "cost of one WTE in a year, pay and non-pay, at 2024/25 prices (the price base of every "
        "other cost)", "£/WTE/year", interp="step")


class CypEdPathway(Section):
    referrals: series(PER_YEAR, "linear") = spec(  # type: ignore[valid-type]
        "eating-disorder referrals of this urgency received", "referrals/year", interp="linear")
    capacity: series(STARTS, "linear") = spec(  # type: ignore[valid-type]
        "treatments the eating-disorder team can start in a year for this urgency",
        "treatments/year", interp="linear")
    waiting_list: number(PERSONS) = spec(  # type: ignore[valid-type]
        "people waiting at the start beyond their pathway delay (a backlog)", "persons")
    wait_median_days: number(Quantity("days", 0.0, 365.0)) | None = spec(  # type: ignore[valid-type]
        "the wait model: median of each person's delay from referral to treatment besides "
        "any queue (lognormal). Required: no published source gives it", "days", default=None)
    wait_spread: number(Quantity("ratio", 0.0, 5.0)) | None = spec(  # type: ignore[valid-type]
        "the wait model: the standard deviation of that delay's logarithm; 0 gives everyone "
        "the median. Required with wait_median_days", "ratio", default=None)


class CypEatingDisorders(Section):
    urgent: CypEdPathway = spec("urgent referrals: standard 95% treated within 1 week", "")
    routine: CypEdPathway = spec("routine referrals: standard 95% treated within 4 weeks", "")


class Cyp(Section):
    age_band: AgeBand = spec(
        "the ages whose need is modelled, youngest-oldest, within 0-25: 0-17 (under 18s, as "
        "NHS England's access measure counts) or up to 0-25 (the Long Term Plan's ages)",
        "years", default="0-17",
        source="NHS England, Mental Health Dashboard CYP(i.b): people aged under 18 with one or "
               "more contacts with NHS-funded services")
    population: number(Quantity("persons", 0.0, above_lo=True)) = spec(  # type: ignore[valid-type]
        "people in the age band in the start month (`stpmodel new` writes the ONS mid-2021 "
        "estimate from stpmodel/data/cyp_population.csv)", "persons")
    growth: series(Quantity("fraction/year", -0.2, 0.2, percent_hint=True),  # type: ignore[valid-type]
                   "step") | None = spec(
        "annual growth of the age band's population; compounds monthly. Default: the adult "
        "population's (population.growth)", "fraction/year", default=None, interp="step")
    prevalence: series(FRACTION, "linear") = spec(  # type: ignore[valid-type]
        "need: the share of the age band with a diagnosable mental disorder",
        "fraction of the age band", default=MHCYP_2017, interp="linear",
        source="NHS Digital, Mental Health of Children and Young People in England, 2017: 12.8% "
               "of 5-19 year olds had at least one mental disorder (diagnostic, DAWBA), the "
               "basis of 'CYP with a diagnosable condition'; applied to the whole age band")
    access: series(FRACTION, "linear") = spec(  # type: ignore[valid-type]
        "planned access: people with 1+ contacts in a year as a share of need. National "
        "standard: 34% in 2019/20, 35% in 2020/21", "fraction of need/year", interp="linear")
    workforce: CypWorkforce = spec("CYP mental health clinical staff", "")
    eating_disorders: CypEatingDisorders | None = spec(
        "community eating-disorder services: referrals, capacity and the wait model for the "
        "waiting-time standards (optional)", "", default=None)


def check(scenario: Scenario) -> None:
    """A waiting-time standard is judged only on a wait model: each eating-disorder pathway
    needs its median and spread."""
    cyp: Cyp = scenario.section("cyp")
    ed = cyp.eating_disorders
    if ed is None:
        return
    for name, pathway, weeks in (("urgent", ed.urgent, 1), ("routine", ed.routine, 4)):
        if pathway.wait_median_days is None or pathway.wait_spread is None:
            raise fail(f"the {weeks}-week waiting standard for {name} eating-disorder referrals "
                       "needs a wait model, and this pathway has none",
                       f"give cyp.eating_disorders.{name}.wait_median_days [days] and "
                       "wait_spread [ratio], or leave out eating_disorders",
                       key=f"cyp.eating_disorders.{name}")
