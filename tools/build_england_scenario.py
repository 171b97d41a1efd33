"""Write scenarios/england-ltp.yaml: the Long Term Plan in all 44 STP footprints of April 2017.

    .venv/bin/python tools/build_england_scenario.py           # scenarios/england-ltp.yaml
    .venv/bin/python tools/build_england_scenario.py -o FILE   # elsewhere ('-': stdout)

It reads nothing but stpmodel's bundled reference (stpmodel.reference, stpmodel/data) and the
schema's defaults, so it runs from a fresh clone, and it writes the same bytes every time (no
dates, versions or paths in the text). tests/test_england.py rebuilds the file and compares, so
the shipped scenario cannot drift from this script.

What each footprint gets, and why (the same arithmetic is written beside each value):

- population: the ONS mid-2021 estimates (16+ and all ages) and the reference's projected growth
  of the 16+ population, mid-2021 to mid-2026 (as ``stpmodel new``);
- IAPT: need is on NHS England's basis (the default need_basis, nhse): the footprint's share of
  adults in stpmodel/data/iapt_need.csv × adults, as ``stpmodel new``; today's access = 2018-19
  referrals × 0.679 entering ÷ need, rounded *down* to 0.1% so that today's staff can deliver
  it; the plan follows NHS England's standards as ``stpmodel new`` writes them, each reached as
  the year it is judged on starts (22% from January 2020, judged on the Q4 2019/20 run rate; 25%
  from April 2020; 26.65% from April 2021; 31.26% from April 2023; the last two rounded up to
  0.1%), but never asks a footprint to go below today's access; referrals rise to what the plan
  needs (access × need × growth ÷ 0.679, rounded up to the hundred, as
  scenarios/ltp-footprint.yaml); nobody is queued beyond the pathway delay (waiting_list 0);
  therapists are today's entries × 4.133 sessions (0.531 × 6.9 finished + 0.469 × 1 not) ÷ 1,000
  sessions a WTE; recruitment is what reaching the plan needs: the model lets staff grow by at
  most recruitment ÷ 12 a month, never ahead of the month's need, so the rate to April 2020 is
  12 × the largest monthly rise in the WTE needed up to then (to 25%), and the rate from May 2020
  on 12 × the largest after (to 31.26% by April 2023, then the growth of need);
- inpatient: measured, as ``stpmodel new`` writes it (stpmodel/services/inpatient/
  calibration.py): beds are KH03's 2018/19 mental illness beds × adult acute's share (the eight
  footprints KH03 does not measure get a share of what England's row leaves), and admissions
  offer the load that carries 2018/19's occupied beds in pools of the calibrated size, with
  35-day stays;
- crisis: a shared placeholder plan and staffing; each footprint's whole population sizes teams;
- perinatal, CYP and EIP (issue 14): exactly what ``stpmodel new`` writes for the footprint, by
  the services' own ``plan_for`` (stpmodel/services/{perinatal,cyp,eip}.py), so the arithmetic is
  theirs: the births proxy, the population of the age band, today's access or share within 2
  weeks from the bundled baselines, the plan to the national standards and the staff it needs.
  Keys that are the same everywhere (the placeholders, CYP's age band, England's contacts a
  woman) are shared at the top of each section.
"""

from __future__ import annotations

import argparse
import math
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stpmodel import baselines, reference  # noqa: E402
from stpmodel.services import cyp, eip, perinatal  # noqa: E402
from stpmodel.services.crisis import BASIC_WTE as CRISIS_BASIC_WTE  # noqa: E402
from stpmodel.services.crisis import BUILD_UP_MONTHS as CRISIS_BUILD_UP  # noqa: E402
from stpmodel.services.crisis import CORE_WTE as CRISIS_CORE_WTE  # noqa: E402
from stpmodel.services.crisis import COST_PER_WTE as CRISIS_COST_PER_WTE  # noqa: E402
from stpmodel.services.crisis import Crisis  # noqa: E402
from stpmodel.services.iapt.section import Iapt, nhse_shares  # noqa: E402
from stpmodel.services.iapt.template import (  # noqa: E402
    ACCESS_STANDARD,
    BASELINE_YEAR,
    SESSIONS_PER_WTE,
)
from stpmodel.services.inpatient import Inpatient, calibration  # noqa: E402
from stpmodel.services.inpatient.template import LOS_CV, LOS_STANDARD  # noqa: E402
from stpmodel.template import (  # noqa: E402
    END,
    GROWTH_TO,
    POPULATION_YEAR,
    START,
    default_of,
    num,
    trajectory,
)

OUTPUT = ROOT / "scenarios" / "england-ltp.yaml"
COMMAND = ".venv/bin/python tools/build_england_scenario.py"
WIDTH = 100
SEED = 20191101
DRAWS = 100
OAP_COST_MONTH = "2017-02"  # the latest bundled month of OAP costs (NHS Digital OAP open data)
LOS_TODAY = 35.0  # [days] LOCAL ASSUMPTION: no bundled source gives adult acute stays
LOS_PLAN = {"2019-04": LOS_TODAY, "2022-04": LOS_STANDARD}
CRISIS_BASIC = {"2019-04": 1.0, "2021-04": 0.0}
CRISIS_CORE = {"2019-04": 0.0, "2021-04": 1.0}
COURSE_WEEKS = 7
MILESTONES = {"2020-01": 9, "2020-04": 12, "2021-04": 24, "2023-04": 48}  # months after 2019-04
assert list(MILESTONES) == list(ACCESS_STANDARD), "the milestones are the standards' months"
LAST = ("2024-03", 59)
FIRST_RATE = 12  # recruitment's first rate covers months 1..12 (to April 2020, 25%) ...
RECRUITMENT_STEP = "2020-05"  # ... and its second the months after

# The schema's defaults (their sources are in docs/data-sources.md).
ENTRY = default_of(Iapt, "entry_rate")
COMPLETION = default_of(Iapt, "completion_rate")
SESSIONS_FINISHED = default_of(Iapt, "sessions_finished")
SESSIONS_NOT_FINISHED = default_of(Iapt, "sessions_not_finished")
# sessions a course entered: finished courses' and unfinished ones', at the completion rate
SESSIONS = COMPLETION * SESSIONS_FINISHED + (1 - COMPLETION) * SESSIONS_NOT_FINISHED
PER_TEAM = default_of(Crisis, "population_per_team")
OCCUPANCY = default_of(Inpatient, "target_occupancy")

ASSUMPTIONS = (
    "iapt.referrals", "iapt.waiting_list", "iapt.course_weeks", "iapt.workforce.sessions_per_wte",
    "iapt.workforce.wte", "iapt.workforce.recruitment",
    "inpatient.los_days", "inpatient.los_cv",
    "crisis.basic_coverage", "crisis.core_coverage", "crisis.basic_wte_per_team",
    "crisis.core_wte_per_team", "crisis.cost_per_wte", "crisis.build_up_months",
    # as `stpmodel new` lists them
    "perinatal.caseload", "perinatal.wte", "perinatal.contacts_per_woman",
    "cyp.workforce.caseload", "cyp.workforce.wte", "cyp.workforce.recruitment",
    "cyp.workforce.cost_per_wte",
    "eip.incidence", "eip.access", "eip.entry_rate", "eip.referrals", "eip.waiting_list",
    "eip.care_months", "eip.contacts_per_month", "eip.wait_spread", "eip.workforce.caseload",
    "eip.workforce.wte", "eip.workforce.recruitment",
)


# ---------------------------------------------------------------------------------------------
# Arithmetic


def floor_to(value: float, places: int) -> float:
    scale = 10**places
    return math.floor(value * scale + 1e-9) / scale


def ceil_to(value: float, places: int) -> float:
    scale = 10**places
    return math.ceil(value * scale - 1e-9) / scale


def ceil_hundred(value: float) -> int:
    return int(math.ceil(value / 100 - 1e-9) * 100)


@dataclass(frozen=True)
class Footprint:
    code: str
    name: str
    adults: int
    total: int
    growth: float
    referrals: float
    referrals_basis: str
    share: float  # need on NHS England's basis as a share of adults (stpmodel/data/iapt_need.csv)
    oap_daily_cost: float | None


@dataclass(frozen=True)
class Plan:
    """The derived values of one footprint (see the module docstring)."""

    need: float
    entering: float
    access_today: float
    access: dict[str, float]
    referrals: dict[str, int]
    referrals_needed: dict[str, float]
    wte: float
    wte_needed: dict[str, float]
    recruitment: dict[str, int]
    beds: calibration.Baseline
    perinatal: perinatal.PerinatalPlan
    cyp: cyp.CypPlan
    eip: eip.EipPlan


def baseline(fp: reference.FootprintRef) -> Footprint:
    referrals = reference.iapt_value(fp.code, BASELINE_YEAR, "referrals_received")
    if referrals is None:
        raise SystemExit(f"no IAPT referrals for {fp} in {BASELINE_YEAR} in the bundled reference")
    share = nhse_shares().get(fp.code)
    if share is None:
        raise SystemExit(f"no NHS England IAPT need for {fp} in stpmodel/data/iapt_need.csv")
    return Footprint(
        code=fp.code, name=fp.name,
        adults=round(reference.persons(fp.code, POPULATION_YEAR, 16)),
        total=round(reference.persons(fp.code, POPULATION_YEAR)),
        growth=round(reference.growth(fp.code, POPULATION_YEAR, GROWTH_TO), 4),
        referrals=referrals[0], referrals_basis=referrals[1], share=share,
        oap_daily_cost=reference.oap_value(fp.code, OAP_COST_MONTH, "average_daily_cost"),
    )


def plan(fp: Footprint) -> Plan:
    """What the scenario gives footprint ``fp``."""
    need = fp.share * fp.adults
    entering = fp.referrals * ENTRY
    today = floor_to(entering / need, 3)
    # the standards as written: rounded up to 0.1% (26.65% → 0.267, 31.26% → 0.313) so that
    # meeting the plan meets them; never below today's access
    access = {START: today, **{m: max(ceil_to(v, 3), today) for m, v in ACCESS_STANDARD.items()}}
    months = {**MILESTONES, LAST[0]: LAST[1]}
    last_standard = list(MILESTONES)[-1]
    target = {m: access.get(m, access[last_standard]) for m in months}  # held after April 2023
    needed = {m: target[m] * need * (1 + fp.growth) ** (n / 12) / ENTRY for m, n in months.items()}
    referrals = {START: round(fp.referrals), **{m: ceil_hundred(v) for m, v in needed.items()}}
    wte = ceil_to(entering * SESSIONS / SESSIONS_PER_WTE, 1)
    wte_needed = {m: needed[m] * ENTRY * SESSIONS / SESSIONS_PER_WTE for m in MILESTONES}
    # The WTE the plan needs each month, as the model computes it; the model lets staff grow by
    # at most recruitment ÷ 12 a month and never beyond what the month needs, so each rate must
    # cover the largest monthly rise in it while it applies.
    points = {0: today, **{MILESTONES[m]: access[m] for m in ACCESS_STANDARD}}
    needs = [float(np.interp(m, list(points), list(points.values()))) * need
             * (1 + fp.growth) ** (m / 12) * SESSIONS / SESSIONS_PER_WTE
             for m in range(LAST[1] + 1)]
    rises = np.diff(needs)  # rises[i]: from month i to month i + 1
    first = max(0, math.ceil(12 * rises[:FIRST_RATE].max() - 1e-9))
    second = max(0, math.ceil(12 * rises[FIRST_RATE:].max() - 1e-9))

    return Plan(need=need, entering=entering, access_today=today, access=access,
                referrals=referrals, referrals_needed=needed, wte=wte,
                wte_needed=wte_needed, recruitment={START: first, RECRUITMENT_STEP: second},
                beds=calibration.baseline(fp.code, LOS_TODAY),
                perinatal=perinatal.plan_for(fp.code, fp.growth), cyp=cyp.plan_for(fp.code),
                eip=eip.plan_for(fp.code))


# ---------------------------------------------------------------------------------------------
# Text


class Text:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def comment(self, text: str, indent: int = 0) -> None:
        pad = " " * indent + "# "
        for paragraph in text.split("\n"):
            hang = pad + "  " if paragraph.startswith("- ") else pad
            self.lines.extend(textwrap.wrap(paragraph, WIDTH, initial_indent=pad,
                                            subsequent_indent=hang, break_on_hyphens=False,
                                            break_long_words=False) or [pad.rstrip()])

    def flow(self, key: str, value: str, indent: int = 0) -> None:
        """``key: value``, a flow mapping wrapped after its commas to fit WIDTH, continued under
        its first entry."""
        first = " " * indent + f"{key}: "
        self.lines.extend(textwrap.wrap(value, WIDTH, initial_indent=first,
                                        subsequent_indent=" " * (len(first) + 1),
                                        break_on_hyphens=False, break_long_words=False))

    def line(self, text: str = "", indent: int = 0) -> None:
        self.lines.append(" " * indent + text if text else "")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build() -> str:
    """The YAML text of scenarios/england-ltp.yaml."""
    footprints = [baseline(fp) for fp in reference.footprints()]
    assert [fp.code for fp in footprints] == list(reference.CODES), "expected the 44 footprints"
    plans = [plan(fp) for fp in footprints]

    out = Text()
    _header(out, footprints, plans)
    _shared(out)
    out.line("footprints:")
    for fp, p in zip(footprints, plans):
        _footprint(out, fp, p)
    return out.text()


def _header(out: Text, footprints: list[Footprint], plans: list[Plan]) -> None:
    measured = sum(p.beds.measured for p in plans)
    out.comment(f"The NHS Long Term Plan's mental health commitments in England: all 44 STP "
                f"footprints of April 2017 ({reference.CODES[0]}–{reference.CODES[-1]}), "
                f"{START} to {END}. `stpmodel run` shows England's total (E92000001); "
                "`-f csv` or `-o FILE` holds every footprint as well.")
    out.comment("")
    out.comment(f"GENERATED: do not edit by hand. Written by `{COMMAND}` from stpmodel's "
                "bundled reference (stpmodel.reference; sources in stpmodel/data/SOURCES.md) and "
                "the schema's defaults. Change the script and run it again: "
                "tests/test_england.py fails when this file is not what the script writes.")
    out.comment("")
    out.comment("The keys at the top are shared by every footprint; each block under "
                "`footprints:` lays that footprint's own values over them. Every value says "
                "where it comes from:\n"
                "- SOURCED: a published figure (the bundled reference);\n"
                "- DEFAULT: left out, so the schema's default applies (its source: "
                "docs/data-sources.md);\n"
                "- PLAN: a national standard, as a trajectory;\n"
                "- PLAN ASSUMPTION: what the plan needs, by the arithmetic shown; no footprint "
                "published it;\n"
                "- NATIONAL-DEFAULT ESTIMATE: an England figure scaled to the footprint, or "
                "sourced figures carried through;\n"
                "- LOCAL ASSUMPTION: no public source is bundled; the value only lets the "
                "scenario run;\n"
                "- ILLUSTRATIVE PLACEHOLDER: the same, in the words `stpmodel new` uses (the "
                "perinatal, CYP and EIP sections are what it writes).\n"
                "Estimates and assumptions are listed under `assumptions`; `stpmodel run` prints "
                "them after the results (with the first footprint's values).")
    out.comment("")
    out.comment(f"Beds: measured (KH03, 2018/19) for {measured} footprints; the other "
                f"{len(plans) - measured} share what England's row leaves by adults. Each block "
                "says which.")
    out.comment("")
    out.comment("Left out: liaison (CORE24) and acute integration. The bundled table lists acute "
                "trusts, not hospitals (CORE24 coverage counts hospitals, and many trusts run "
                "several), and no source gives today's liaison level or its costs, so every "
                "hospital's level would be an assumption. scenarios/ltp-footprint.yaml shows them "
                "for one footprint.")
    out.line("name: England LTP plan")
    out.line("description: >")
    out.lines.extend(textwrap.wrap(
        "The 44 STP footprints of April 2017 from their public baselines to the Long Term Plan: "
        "IAPT access to NHS England's standards (22% as the run rate of January to March 2020, "
        "25% in 2020/21, 26.65% in 2021/22, 31.26% from 2023/24, of need on NHS England's "
        "basis), 24/7 CORE crisis cover by "
        "April 2021 and adult acute stays down to 32 days by April 2022, with beds held at "
        "today's; and, as `stpmodel new` writes them, specialist community perinatal care from "
        "today's access (2021/22) to the Long Term Plan's 11.39% of births by 2023/24, CYP "
        "access from today's to 45.52% of need in 2021/22 and 57.91% from 2023/24, and early "
        "intervention in psychosis holding each footprint's share seen within 2 weeks (the "
        "standard: 60%).", WIDTH, initial_indent="  ", subsequent_indent="  "))
    out.line(f"start: {START}")
    out.line(f"end: {END}")
    out.comment("100 draws: each standard's row is then the share of draws that meet it (about "
                "±5 points at worst), and the crisis effects and bed paths vary between draws.")
    out.line(f"draws: {DRAWS}")
    out.line(f"seed: {SEED}")
    out.line()
    out.comment("Values with no public source behind them (estimates, placeholders and plan "
                "assumptions): run lists them after the results.")
    out.line("assumptions:")
    for path in ASSUMPTIONS:
        out.line(f"- {path}", 2)
    out.line()


def _shared(out: Text) -> None:

    out.comment("population: each footprint's own (below). SOURCED: "
                f"{reference.POPULATION_SOURCE}; adults = 16+, total = all ages; the nearest "
                f"bundled estimate, used as the {START} figure. growth: SOURCED, PROJECTED: the "
                f"16+ population from mid-{POPULATION_YEAR} to mid-{GROWTH_TO}, "
                f"{reference.PROJECTION_SOURCE}; as a compound rate a year.")
    out.line()
    out.line("iapt:")
    d = {key: num(default_of(Iapt, key)) for key in (
        "caseness_rate", "recovery_rate", "cost_per_session", "wait_median_days", "wait_spread")}
    out.comment(f"DEFAULT (left out): need_basis nhse, NHS England's prevalence denominator for "
                "the access standard (each footprint's share of adults in "
                "stpmodel/data/iapt_need.csv, from the NHS Mental Health Dashboard, IAPT(i_a)), "
                "so need = that share × adults; England's measured ratios, the mean of 2018-19 "
                f"and 2019-20: entry_rate {num(ENTRY)}, completion_rate {num(COMPLETION)}, "
                f"caseness_rate {d['caseness_rate']}, recovery_rate {d['recovery_rate']}; "
                f"sessions_finished {num(SESSIONS_FINISHED)} (NHS Digital 2018-19) and "
                f"sessions_not_finished {num(SESSIONS_NOT_FINISHED)}, so a course entered takes "
                f"{num(COMPLETION)} × {num(SESSIONS_FINISHED)} + {num(1 - COMPLETION)} × "
                f"{num(SESSIONS_NOT_FINISHED)} = {num(SESSIONS, 3)} sessions; cost_per_session "
                f"£{d['cost_per_session']} (National Cost Collection, 2024/25 prices); "
                f"wait_median_days {d['wait_median_days']} and wait_spread {d['wait_spread']} "
                "(calibrated to England's waits, docs/validation.md).", 2)
    out.comment("PLAN (each footprint's `access`): NHS England's access standards, each reached "
                "as the year it is judged on starts: 22% from January 2020 (2019/20 is judged on "
                "its fourth quarter's run rate; 2019/20 planning guidance), 25% from April 2020 "
                "(2020/21; Five Year Forward View for Mental Health, 2016), 26.65% from April "
                "2021 (2021/22; NHS England's 2021/22 targets) and 31.26% from April 2023 "
                "(2023/24 on; the Long Term Plan's 1.9m), the last two rounded up to 0.267 and "
                f"0.313; from today's access: {BASELINE_YEAR} referrals × {num(ENTRY)} ÷ need, "
                "rounded down to 0.1% so that today's staff deliver it. A footprint already "
                "above a standard keeps today's access.", 2)
    out.comment(f"PLAN ASSUMPTION (each footprint's `referrals`): from {BASELINE_YEAR}'s "
                "(SOURCED, NHS Digital IAPT annual key measures) up to what the plan needs, "
                f"access × need × (1 + growth)^(months ÷ 12) ÷ {num(ENTRY)}, rounded up to the "
                "hundred, at January 2020, April 2020, April 2021, April 2023 and March 2024 (as "
                "scenarios/ltp-footprint.yaml).", 2)
    out.comment("NATIONAL-DEFAULT ESTIMATE: nobody queued for a therapist beyond the usual "
                "pathway delay; England's waits in 2018-19 and 2019-20 are that delay alone "
                "(wait_median_days, wait_spread; docs/validation.md).", 2)
    out.line("waiting_list: 0", 2)
    out.comment(f"LOCAL ASSUMPTION: {num(SESSIONS_FINISHED)} sessions a finished course (NHS "
                "Digital 2018-19) at about one a week.", 2)
    out.line(f"course_weeks: {COURSE_WEEKS}", 2)
    out.line("workforce:", 2)
    out.comment("LOCAL ASSUMPTION: 25 treatment sessions a week for 40 weeks; no public source "
                "gives therapists' sessions.", 4)
    out.line(f"sessions_per_wte: {num(SESSIONS_PER_WTE)}", 4)
    out.comment(f"NATIONAL-DEFAULT ESTIMATE (each footprint's `wte`): the staff today's activity "
                f"needs, entries × {num(SESSIONS, 3)} sessions ÷ {num(SESSIONS_PER_WTE)}, "
                "rounded up to 0.1 WTE. PLAN ASSUMPTION (each footprint's `recruitment` "
                "[WTE/year]): what the plan needs. The WTE the plan needs each month is access × "
                f"need × growth × {num(SESSIONS, 3)} ÷ {num(SESSIONS_PER_WTE)}; the model lets "
                "staff grow by at most recruitment ÷ 12 a month, never ahead of that need, so "
                "the rate to April 2020 is 12 × the largest monthly rise in it up to then (to "
                f"25%), and the rate from {RECRUITMENT_STEP} on 12 × the largest after (to 31.26% "
                "by April 2023, then the growth of need), each rounded up.", 4)
    out.line()
    out.line("inpatient:")
    share = calibration.share()
    out.comment(f"SOURCED, MEASURED (each footprint's `beds`, `pool_beds` and `admissions`; "
                "stpmodel/services/inpatient/calibration.py): beds are KH03's 2018/19 mental "
                f"illness beds available (average daily, overnight) × {share:.4f}, adult acute's "
                "share of adult bed days in the National Cost Collection 2024/25; the eight "
                "footprints KH03 does not measure by its trusts' headquarters share what "
                "England's row leaves by adults. pool_beds and admissions: fitted to the "
                f"footprint's 2018/19 beds, occupancy (× {share:.4f}) and inappropriate OAP bed "
                "days (Mental Health Dashboard CR(iii.a)), as `stpmodel new` writes them: the "
                "beds split into k pools, an admission taking a bed only in its own; the offered "
                "load a places the recorded OAP bed days, Σ (a/k) B(a/k, n) × 365; admissions = "
                f"a × 365.25 ÷ {num(LOS_TODAY)}. Beds are held: the plan works through stays and "
                "crisis cover.", 2)
    out.comment(f"LOCAL ASSUMPTION: {num(LOS_TODAY)} days today (no bundled source gives adult "
                "acute stays; the England mean of all mental health spells in 2018, 107 days, "
                "includes long-stay care). PLAN ASSUMPTION: the Long Term Plan's 32 days "
                "(a 2023/24 standard) reached by April 2022.", 2)
    out.line(f"los_days: {trajectory(LOS_PLAN)}", 2)
    out.comment("LOCAL ASSUMPTION: stays as spread as an exponential distribution "
                "(coefficient of variation 1).", 2)
    out.line(f"los_cv: {LOS_CV:.1f}", 2)
    out.comment("oap_cost_per_day: SOURCED where published (the footprint's average recorded "
                "daily cost, February 2017, NHS Digital OAP open data); otherwise the DEFAULT, "
                f"England's £530. target_occupancy: DEFAULT {num(OCCUPANCY)} (RCPsych, cited by "
                "the Crisp Commission 2016).", 2)
    out.line()
    out.line("crisis:")
    out.comment(f"DEFAULT (left out): one team per {PER_TEAM:,.0f} people (Mental Health Policy "
                "Implementation Guide); the effects on admissions, uncertain: from none (Jacobs "
                "& Barrenho 2011) to −10% with a crisis team and −23% with a 24-hour one "
                "(Glover, Arts & Babu 2006), uniform between.", 2)
    out.comment("LOCAL ASSUMPTION: today every footprint has a crisis team everywhere, none 24/7 "
                "to the CORE standard (no bundled source gives crisis cover by footprint). PLAN "
                "ASSUMPTION: all 24/7 CORE by April 2021 (the Long Term Plan's 24/7 crisis "
                "commitment).", 2)
    out.line(f"basic_coverage: {trajectory(CRISIS_BASIC, 1)}", 2)
    out.line(f"core_coverage: {trajectory(CRISIS_CORE, 1)}", 2)
    out.comment("LOCAL ASSUMPTIONS: staff of a team that is not 24/7 and of a 24/7 CORE team, "
                "and the cost of a WTE (pay and non-pay), as scenarios/end-oaps.yaml.", 2)
    out.line(f"basic_wte_per_team: {num(CRISIS_BASIC_WTE)}", 2)
    out.line(f"core_wte_per_team: {num(CRISIS_CORE_WTE)}", 2)
    out.line(f"cost_per_wte: {num(CRISIS_COST_PER_WTE)}", 2)
    out.comment("LOCAL ASSUMPTION: a change in cover reaches its full effect on admissions over "
                "a year (no published source gives the build-up).", 2)
    out.line(f"build_up_months: {CRISIS_BUILD_UP}", 2)
    out.line()
    _shared_issue_14(out)
    out.comment("DEFAULT: discount rate 3.5% (HM Treasury Green Book); no budget or MHIS check.")
    out.line("finance: {}")
    out.line()
    out.comment("The price base: money in the results is at 2024/25 prices (GDP deflators); the "
                "footprints' OAP daily costs are February 2017's, at 2016/17 prices.")
    out.line("prices: {base: 2024/25, written: {inpatient.oap_cost_per_day: 2016/17}}")
    out.line()


def _shared_issue_14(out: Text) -> None:
    """The perinatal, CYP and EIP keys every footprint shares, as `stpmodel new` writes them."""
    england = perinatal.plan_for(reference.ENGLAND, 0.0)  # England's contacts a woman
    out.line("perinatal:")
    out.comment(f"DEFAULT (left out): need_rate {num(perinatal.LTP_SHARE_OF_BIRTHS)} (the Long "
                f"Term Plan's {perinatal.LTP_WOMEN:,} women a year ÷ England's births proxy, "
                f"{perinatal.ENGLAND_AGE0_2021:,} persons aged 0 at mid-2021); cost_per_contact "
                f"£{perinatal.NCC_CONTACT:.2f} (National Cost Collection 2024/25, 2024/25 "
                "prices).", 2)
    out.comment(f"SOURCED, PROXY (each footprint's `births`): {baselines.BIRTHS_PROXY_SOURCE}; "
                "persons aged 0 at mid-2021, used as the April 2019 figure.", 2)
    out.comment("SOURCED, then PLAN (each footprint's `access`): today's women accessing in the "
                f"year to March 2022 ({baselines.PERINATAL_SOURCE}) ÷ births, rounded to 5 "
                "places, held to April 2022; then, by April 2023 for 2023/24, the Long Term "
                f"Plan's {perinatal.LTP_WOMEN:,} women a year as a share of England's births "
                f"proxy, {num(perinatal.LTP_SHARE_OF_BIRTHS)}, or today's where higher.", 2)
    out.comment(f"ILLUSTRATIVE PLACEHOLDER: {num(perinatal.CASELOAD)} women a WTE a year; no "
                "public source gives a perinatal team's caseload.", 2)
    out.line(f"caseload: {num(perinatal.CASELOAD)}", 2)
    out.comment("ILLUSTRATIVE PLACEHOLDER (each footprint's `wte`): the staff the plan needs at "
                "that caseload (women ÷ caseload, grown at the footprint's growth to March 2024 "
                "and rounded up to 0.1 WTE), today's to April 2022 and the plan's by April "
                "2023.", 2)
    out.comment(f"NATIONAL-DEFAULT ESTIMATE: England's {perinatal.NCC_CONTACTS:,} perinatal "
                f"community contacts in 2024/25 (National Cost Collection) ÷ "
                f"{england.england_women:,.0f} women accessing in 2021/22 (PMH(i.a)) = "
                f"{england.contacts:g}; too high to the extent that access grew between the two "
                "years.", 2)
    out.line(f"contacts_per_woman: {num(england.contacts)}", 2)
    out.line()
    out.line("cyp:")
    out.comment(f"DEFAULT (left out): prevalence {num(cyp.MHCYP_2017)} (NHS Digital, Mental "
                "Health of Children and Young People in England, 2017: 12.8% of 5-19 year olds "
                "had at least one mental disorder; applied to the whole age band).", 2)
    out.comment("SOURCED: under 18s, the ages NHS England's access measure counts.", 2)
    out.line("age_band: 0-17", 2)
    out.comment("SOURCED (each footprint's `population` and `growth`): "
                f"{reference.POPULATION_SOURCE}, ages 0-17 (stpmodel/data/cyp_population.csv); "
                f"{reference.PROJECTION_SOURCE}, "
                f"under 18s from mid-{POPULATION_YEAR} to mid-{GROWTH_TO}, as a compound rate a "
                "year.", 2)
    out.comment(f"PLAN (each footprint's `access`): 34%/35% of need (2019/20, 2020/21), NHS "
                f"England's 2021/22 indicative trajectory ({cyp.PLAN[1][1]:.2%}) and the Long "
                f"Term Plan's 345,000 more by 2023/24 ({cyp.PLAN[2][1]:.2%}), never below "
                f"today's: CYP with 1+ contacts in {cyp.BASELINE_YEAR} ({cyp.BASELINE_SOURCE}) ÷ "
                f"need ({num(cyp.MHCYP_2017)} × under 18s), put at the start.", 2)
    out.line("workforce:", 2)
    out.comment("ILLUSTRATIVE PLACEHOLDER: no public source gives CYP clinicians' caseloads.", 4)
    out.line(f"caseload: {num(cyp.CASELOAD_PLACEHOLDER)}", 4)
    out.comment("ILLUSTRATIVE PLACEHOLDER: £ per WTE a year at 2024/25 prices; no public source "
                "gives a CYP team's cost per WTE.", 4)
    out.line(f"cost_per_wte: {num(cyp.COST_PLACEHOLDER)}", 4)
    out.comment(f"NATIONAL-DEFAULT ESTIMATE (each footprint's `wte`): the staff today's access "
                f"needs, CYP with 1+ contacts ÷ {num(cyp.CASELOAD_PLACEHOLDER)} a WTE, rounded "
                "up. ILLUSTRATIVE PLACEHOLDER (each footprint's `recruitment`): a year's worth "
                "of the plan's steepest monthly rise in the staff it needs, rounded up.", 4)
    out.line()
    out.line("eip:")
    out.comment(f"DEFAULT (left out): cost_per_contact £{eip.NCC_CONTACT:.2f} (National Cost "
                "Collection 2024/25, Early Intervention Team for Psychosis; 2024/25 prices).", 2)
    out.comment(f"SOURCED (each footprint's `population`): people aged 14 to 65 at "
                f"mid-{POPULATION_YEAR} (ONS, stpmodel/data/population.csv): 2/6 of 10-15, "
                "16-17 to 55-64, 1/10 of 65-74.", 2)
    out.comment("ILLUSTRATIVE PLACEHOLDERS: no first episode psychosis incidence is in the "
                "bundled data [new cases per 100,000 aged 14 to 65 a year]; every new first "
                "episode starts EIP care (no national access standard for EIP is bundled); half "
                "of referrals start EIP care; three years of care, four contacts a month.", 2)
    out.line(f"incidence: {num(eip.PLACEHOLDER_INCIDENCE)}", 2)
    out.line(f"access: {num(eip.PLACEHOLDER_ACCESS)}", 2)
    out.line(f"entry_rate: {num(eip.PLACEHOLDER_ENTRY)}", 2)
    out.line(f"care_months: {num(eip.PLACEHOLDER_CARE_MONTHS)}", 2)
    out.line(f"contacts_per_month: {num(eip.PLACEHOLDER_CONTACTS)}", 2)
    out.comment("ILLUSTRATIVE PLACEHOLDER (each footprint's `referrals`): need × access ÷ "
                "entry_rate, rounded down. No EIP referral counts are in the bundled data.", 2)
    out.comment("NATIONAL-DEFAULT ESTIMATE: nobody queued beyond the usual pathway delay.", 2)
    out.line("waiting_list: 0", 2)
    out.comment(f"SOURCED (calibrated; each footprint's `wait_median_days`): the median that, "
                f"with no queue and the spread below, puts the footprint's share of the Mental "
                f"Health Dashboard's EIP(i_a) for {eip.BASELINE_PERIOD} "
                f"(stpmodel/data/eip_baseline.csv) within 2 weeks: 14 × "
                f"exp(−{num(eip.BORROWED_SPREAD)} × Φ⁻¹(share)) days, to 3 places.", 2)
    out.comment(f"ILLUSTRATIVE PLACEHOLDER: IAPT's calibrated spread ({num(eip.BORROWED_SPREAD)}"
                "), borrowed; one published share cannot fix both median and spread.", 2)
    out.line(f"wait_spread: {num(eip.BORROWED_SPREAD)}", 2)
    out.line("workforce:", 2)
    out.comment(f"ILLUSTRATIVE PLACEHOLDER: {num(eip.PLACEHOLDER_CASELOAD)} people per care "
                "coordinator. NATIONAL-DEFAULT ESTIMATE: no recruitment, the plan being flat. "
                "Each footprint's `wte`: the staff the plan needs, people starting a year ÷ 12 "
                f"× {num(eip.PLACEHOLDER_CARE_MONTHS)} months ÷ caseload, rounded up to 0.1.", 4)
    out.line(f"caseload: {num(eip.PLACEHOLDER_CASELOAD)}", 4)
    out.line("recruitment: 0", 4)
    out.line()


def _footprint_issue_14(out: Text, fp: Footprint, p: Plan) -> None:
    """A footprint's own perinatal, CYP and EIP values."""
    peri, c, e = p.perinatal, p.cyp, p.eip
    grown = max(1.0, (1 + fp.growth) ** (perinatal.MONTHS_TO_END / 12))
    out.line("perinatal:", 4)
    out.comment(f"Today: {peri.women:,.1f} women ÷ {peri.births:,.1f} births = "
                f"{num(peri.today, 5)}; staff: women ÷ {num(perinatal.CASELOAD)} × "
                f"{grown:.4f} (growth to March 2024), {num(peri.wte_today, 1)} WTE today and "
                f"{num(peri.wte_plan, 1)} for {num(peri.plan, 5)} of births.", 6)
    out.line(f"births: {num(round(peri.births, 1))}", 6)
    out.line(f"access: {trajectory(peri.access, 5)}", 6)
    staff = {START: peri.wte_today, "2022-04": peri.wte_today, "2023-04": peri.wte_plan}
    out.line(f"wte: {trajectory(staff, 1)}", 6)
    out.line("cyp:", 4)
    out.comment(f"Today: {c.baseline:,.0f} CYP with 1+ contacts ÷ ({num(cyp.MHCYP_2017)} × "
                f"{c.population:,} = {c.need:,.0f}) = {c.today:.2%}; staff {c.baseline:,.0f} ÷ "
                f"{num(cyp.CASELOAD_PLACEHOLDER)}, rounded up: {num(c.wte, 2)} WTE.", 6)
    out.line(f"population: {c.population}", 6)
    out.line(f"growth: {num(c.growth)}", 6)
    out.flow("access", trajectory(c.plan, 6), 6)
    out.line(f"workforce: {{wte: {num(c.wte, 2)}, recruitment: {c.recruitment}}}", 6)
    out.line("eip:", 4)
    out.comment(f"{e.share:.1%} within 2 weeks ({e.basis}): median 14 × "
                f"exp(−{num(eip.BORROWED_SPREAD)} × Φ⁻¹({num(e.share)})); need "
                f"{num(eip.PLACEHOLDER_INCIDENCE)} per 100,000 × {e.population:,} = "
                f"{e.need:,.1f} a year.", 6)
    out.line(f"population: {e.population}", 6)
    out.line(f"referrals: {e.referrals}", 6)
    out.line(f"wait_median_days: {num(e.median, 3)}", 6)
    out.line(f"workforce: {{wte: {num(e.wte)}}}", 6)


def inpatient_note(b: calibration.Baseline) -> str:
    """What a footprint's measured inpatient baseline is and how it was fitted."""
    how = "KH03, its own trusts" if b.measured else "England's unmeasured beds, by adults"
    published = "not published" if b.published is None else f"{b.published:,.0f} published"
    return (f"SOURCED, MEASURED 2018/19 ({how}): {b.beds:,} beds, {b.occupied:,.1f} occupied; "
            f"OAP bed days {published}. Fitted: {calibration.FITS[b.how]}: {b.pools} "
            f"pool{'s' if b.pools > 1 else ''}, load {b.load:,.1f} beds, occupancy "
            f"{b.occupancy:.1%}, {b.modelled:,.0f} OAP bed days; × 365.25 ÷ {num(LOS_TODAY)}.")


def _footprint(out: Text, fp: Footprint, p: Plan) -> None:
    apportioned = "" if fp.referrals_basis == "published" else " (apportioned from E54000049)"
    above = [m for m, v in ACCESS_STANDARD.items() if p.access_today > ceil_to(v, 3)]
    if out.lines[-1] != "footprints:":
        out.line()
    out.comment(f"{fp.name} ({fp.code})", 2)
    out.line(f"- code: {fp.code}", 2)
    out.line(f"name: {quoted(fp.name)}", 4)
    out.line(f"population: {{adults: {fp.adults}, total: {fp.total}, growth: {num(fp.growth)}}}",
             4)
    out.line("iapt:", 4)
    note = (" Already above the standard for " + " and ".join(above) + ", so held there."
            if above else "")
    out.comment(f"Today: {fp.referrals:,.0f} referrals in {BASELINE_YEAR}{apportioned} × "
                f"{num(ENTRY)} = {p.entering:,.0f} entering ÷ need {fp.share:.5f} × "
                f"{fp.adults:,} = {p.need:,.0f} is {p.entering / p.need:.4f}, rounded down to "
                f"{num(p.access_today, 3)}.{note}", 6)
    out.line(f"access: {trajectory(p.access, 3)}", 6)
    out.comment("Needed: " + ", ".join(f"{v:,.0f} by {m}" for m, v in p.referrals_needed.items())
                + ".", 6)
    out.flow("referrals", trajectory(p.referrals), 6)
    out.comment(f"{p.wte:,.1f} WTE today; the plan needs "
                + ", ".join(f"{v:,.1f} by {m}" for m, v in p.wte_needed.items())
                + f" (referrals needed × {num(ENTRY)} × {num(SESSIONS, 3)} ÷ "
                f"{num(SESSIONS_PER_WTE)}).", 6)
    out.line(f"workforce: {{wte: {num(p.wte, 1)}, recruitment: {trajectory(p.recruitment)}}}", 6)
    out.line("inpatient:", 4)
    b = p.beds
    out.comment(inpatient_note(b), 6)
    out.line(f"admissions: {b.admissions}", 6)
    out.line(f"beds: {b.beds}", 6)
    out.line(f"pool_beds: {b.pool_beds}", 6)
    if fp.oap_daily_cost is not None:
        out.line(f"oap_cost_per_day: {num(fp.oap_daily_cost)}", 6)
    _footprint_issue_14(out, fp, p)


def write_scenario(argv: list[str] | None, doc: str, output: Path,
                   make: Callable[[], str]) -> int:
    """A builder's command line: ``-o FILE`` (``-`` for stdout), by default ``output``."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("-o", "--output", default=str(output),
                        help="where to write the scenario ('-' for stdout)")
    args = parser.parse_args(argv)
    text = make()
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    return write_scenario(argv, __doc__, OUTPUT, build)


if __name__ == "__main__":
    raise SystemExit(main())
