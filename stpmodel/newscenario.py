"""The text of a ready-to-run scenario for one footprint (``stpmodel new``).

Every value in it says where it came from, in a comment above it:

- **SOURCED**: a published figure for the footprint, from the bundled reference
  (:mod:`stpmodel.reference`) or from a file the user imported;
- **DEFAULT**: left out, so that the schema's default applies; the comment quotes the default's
  published source from the schema;
- **PLAN**: a national standard, written as a trajectory;
- **NATIONAL-DEFAULT ESTIMATE**: no public source gives the footprint's own figure, so an England
  figure is scaled to the footprint (or a sourced figure is carried through), with the arithmetic
  shown;
- **ILLUSTRATIVE PLACEHOLDER**: no public source gives the figure at all; the value only lets the
  scenario run.

Estimates and placeholders are listed under ``assumptions:``, so that ``stpmodel run`` prints
them after the results as assumptions to replace with local figures. The text is validated
against the schema before it is returned.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from . import __version__, reference
from .errors import StpmodelError
from .reference import FootprintRef

START, END = "2019-04", "2024-03"  # the NHS Long Term Plan's five years, 2019/20 to 2023/24
MONTHS_TO_MARCH_2021 = 23  # from April 2019
BASELINE_YEAR = "2018-19"  # the last IAPT year before COVID-19
POPULATION_YEAR, GROWTH_TO = 2021, 2026
WIDTH = 100

# The national IAPT access standard: 22% of need by March 2020 (2019/20 planning guidance) and
# 25% in 2020/21 (Five Year Forward View for Mental Health, 2016).
ACCESS_STANDARD = {"2020-03": 0.22, "2021-03": 0.25}
ACCESS_SOURCE = ("2019/20 planning guidance (22% by March 2020) and the Five Year Forward View "
                 "for Mental Health, 2016 (25% in 2020/21)")
LOS_STANDARD = 32.0  # days: NHS Long Term Plan, mental health deliverables 2023/24

# Illustrative placeholders: no public source gives these. They only let the scenario run.
SESSIONS_PER_WTE = 1000.0  # 25 treatment sessions a week for 40 weeks
LOS_CV = 1.0  # stays as spread as an exponential distribution
CRISIS_BASIC_COVERAGE, CRISIS_CORE_COVERAGE = 1.0, 0.0
CRISIS_BASIC_WTE, CRISIS_CORE_WTE, CRISIS_COST_PER_WTE = 14.0, 24.0, 55_000.0


# ---------------------------------------------------------------------------------------------
# Reading the schema's defaults


def _section(name: str) -> type[BaseModel]:
    from .problems import model_in
    from .scenario import Scenario

    model = model_in(Scenario.model_fields[name].annotation)
    assert model is not None, name
    return model


def schema_default(section: str, key: str) -> float:
    """The number the schema uses when ``section.key`` is left out."""
    value = _section(section).model_fields[key].default
    assert isinstance(value, (int, float)) and not isinstance(value, bool), (section, key)
    return float(value)


def _defaults(section: str, written: set[str]) -> tuple[list[str], list[str]]:
    """``(sourced, settings)``: comment lines for the keys of a section left to their defaults."""
    sourced, settings = [], []
    for key, info in _section(section).model_fields.items():
        if key in written or info.default is PydanticUndefined or info.default is None:
            continue
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        shown = _yaml_scalar(info.default)
        if extra.get("source"):
            sourced.append(f"{key} {shown} ({extra['source']})")
        else:
            settings.append(f"{key} {shown}")
    return sourced, settings


def _yaml_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _num(float(value))
    return str(value)


# ---------------------------------------------------------------------------------------------
# Writing YAML with comments


def _num(value: float, places: int = 4) -> str:
    """A number as YAML: whole numbers without a point, else at most ``places`` decimals."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.{places}f}".rstrip("0").rstrip(".")


@dataclass
class _Text:
    lines: list[str] = field(default_factory=list)

    def comment(self, text: str, indent: int = 0) -> None:
        pad = " " * indent + "# "
        for paragraph in text.split("\n"):
            self.lines.extend(textwrap.wrap(paragraph, WIDTH, initial_indent=pad,
                                            subsequent_indent=pad + "  " if paragraph.startswith(
                                                "- ") else pad,
                                            break_on_hyphens=False) or [pad.rstrip()])

    def key(self, name: str, value: str = "", indent: int = 0) -> None:
        self.lines.append(" " * indent + (f"{name}: {value}" if value else f"{name}:"))

    def blank(self) -> None:
        self.lines.append("")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _trajectory(points: dict[str, float], places: int = 4) -> str:
    if len(set(points.values())) == 1:
        return _num(next(iter(points.values())), places)
    return "{" + ", ".join(f"{month}: {_num(v, places)}" for month, v in points.items()) + "}"


# ---------------------------------------------------------------------------------------------
# The scenario


@dataclass(frozen=True)
class Sources:
    """Where the IAPT and OAP baselines come from: the bundled reference, or imported files."""

    iapt: pl.DataFrame | None = None  # columns footprint_code, reporting_period, measure, value
    iapt_label: str = "bundled with stpmodel"
    oaps: pl.DataFrame | None = None  # as stpmodel.iotools.oaps.oap_baseline returns
    oaps_label: str = "bundled with stpmodel"


def build_scenario(fp: FootprintRef, sources: Sources | None = None) -> str:
    """The YAML text of a ready-to-run scenario for footprint ``fp``."""
    src = sources or Sources()
    out = _Text()
    assumptions: list[str] = []
    adults = round(reference.persons(fp.code, POPULATION_YEAR, 16))
    total = round(reference.persons(fp.code, POPULATION_YEAR))
    adults_2026 = reference.persons(fp.code, GROWTH_TO, 16, "projection")
    growth = round(reference.growth(fp.code, POPULATION_YEAR, GROWTH_TO), 4)

    body = _Text()
    _population(body, fp, adults, total, adults_2026, growth)
    body.blank()
    _iapt(body, fp, src, adults, growth, assumptions)
    body.blank()
    _inpatient(body, fp, src, adults, assumptions)
    body.blank()
    _crisis(body, fp, total, assumptions)

    _header(out, fp)
    out.key("name", f"\"{fp.name}: public baseline and national standards\"")
    out.key("description", ">")
    out.lines.extend(textwrap.wrap(
        f"A starting point for {fp.name} written by stpmodel new: today's population and IAPT "
        "referrals from published data, the national IAPT access standard as the plan, and "
        "national-default estimates or placeholders for beds, stays, staff and costs.",
        WIDTH, initial_indent="  ", subsequent_indent="  "))
    out.key("footprint", f"{{code: {fp.code}, name: \"{fp.name}\"}}")
    out.key("start", START)
    out.key("end", END)
    out.blank()
    out.comment("Values that no public source gives for this footprint (NATIONAL-DEFAULT "
                "ESTIMATE or ILLUSTRATIVE PLACEHOLDER below): `stpmodel run` lists them after "
                "the results as assumptions to replace with local figures.")
    out.key("assumptions")
    out.lines.extend(f"  - {path}" for path in assumptions)
    out.blank()
    text = out.text() + body.text()
    _validate(text)
    return text


def _header(out: _Text, fp: FootprintRef) -> None:
    out.comment(f"{fp.name} ({fp.code}): a ready-to-run scenario written by `stpmodel new` "
                f"(stpmodel {__version__}). Edit it: it is yours now.")
    out.comment("")
    out.comment("Every value says where it comes from:\n"
                "- SOURCED: a published figure for this footprint (bundled sources: "
                "stpmodel/data/SOURCES.md);\n"
                "- DEFAULT: left out, so the schema's default applies (its source is quoted; "
                "all defaults: docs/data-sources.md);\n"
                "- PLAN: a national standard, as a trajectory;\n"
                "- NATIONAL-DEFAULT ESTIMATE: no public source gives this footprint's figure; "
                "an England figure scaled to the footprint, or sourced figures carried through, "
                "with the arithmetic shown;\n"
                "- ILLUSTRATIVE PLACEHOLDER: no public source gives it at all; the value only "
                "lets the scenario run.")


def _population(out: _Text, fp: FootprintRef, adults: int, total: int, adults_2026: float,
                growth: float) -> None:
    out.key("population")
    out.comment(f"SOURCED: {reference.POPULATION_SOURCE}; aged 16 and over, and all ages. The "
                "nearest bundled estimate, used as the April 2019 figure.", 2)
    out.key("adults", str(adults), 2)
    out.key("total", str(total), 2)
    out.comment(f"SOURCED, PROJECTED: no local projection is bundled, so the population is "
                f"{reference.PROJECTION_SOURCE}. Aged 16+: {adults:,} (mid-{POPULATION_YEAR}) to "
                f"{adults_2026:,.0f} (mid-{GROWTH_TO}), a compound {growth:.2%} a year.", 2)
    out.key("growth", _num(growth), 2)


def _iapt_counts(fp: FootprintRef, src: Sources) -> tuple[str, float, str]:
    """``(year, referrals, basis)``: the latest year up to 2018-19 with referrals for ``fp``."""
    table = src.iapt if src.iapt is not None else reference.iapt()
    rows = table.filter((pl.col("footprint_code") == fp.code)
                        & (pl.col("measure") == "referrals_received")
                        & (pl.col("reporting_period") <= BASELINE_YEAR)
                        & pl.col("value").is_not_null()).sort("reporting_period")
    if not rows.height:
        raise NoBaselineError(f"no IAPT referrals for {fp} up to {BASELINE_YEAR} in the IAPT "
                              f"data ({src.iapt_label})")
    last = rows.row(-1, named=True)
    basis = last.get("basis") or "published"
    return str(last["reporting_period"]), float(last["value"]), str(basis)


class NoBaselineError(StpmodelError):
    """The data given have no baseline for the footprint asked for."""


def _iapt(out: _Text, fp: FootprintRef, src: Sources, adults: int, growth: float,
          assumptions: list[str]) -> None:
    year, referrals, basis = _iapt_counts(fp, src)
    prevalence = schema_default("iapt", "prevalence")
    entry = schema_default("iapt", "entry_rate")
    sessions = schema_default("iapt", "sessions_per_course")
    need = prevalence * adults
    entering = referrals * entry
    today = round(entering / need, 3)
    access = {START: today, **{m: max(v, today) for m, v in ACCESS_STANDARD.items()}}
    to_2021 = (1 + growth) ** (MONTHS_TO_MARCH_2021 / 12)
    needed_referrals = ACCESS_STANDARD["2021-03"] * need * to_2021 / entry
    wte = round(entering * sessions / SESSIONS_PER_WTE, 1)
    wte_2021 = ACCESS_STANDARD["2021-03"] * need * to_2021 * sessions / SESSIONS_PER_WTE
    recruitment = max(0, math.ceil((wte_2021 - wte) / (MONTHS_TO_MARCH_2021 / 12)))
    waiting = round(entering / 52 * 4)
    weeks = round(sessions)

    out.key("iapt")
    sourced, settings = _defaults("iapt", {"access", "referrals", "waiting_list",
                                           "course_weeks", "workforce"})
    out.comment("DEFAULT (left out): " + "; ".join(sourced) + ".", 2)
    if settings:
        out.comment("Settings left at their defaults: " + ", ".join(settings) + ".", 2)
    out.comment(f"PLAN: the national access standard, {ACCESS_SOURCE}; from today's access. "
                f"Today: {referrals:,.0f} referrals × {_num(entry)} entering treatment ÷ need "
                f"({_num(prevalence)} × {adults:,} adults = {need:,.0f}) = {today:.1%} of need.",
                2)
    out.key("access", _trajectory(access, 3), 2)
    where = "" if basis == "published" else f", {basis}"
    when = (f"{year}, the last year before COVID-19" if year == BASELINE_YEAR
            else f"{year}, the latest year up to {BASELINE_YEAR} in the data")
    out.comment(f"SOURCED: referrals received in {when} "
                f"({reference.IAPT_SOURCE}, {src.iapt_label}: STP {fp.code}{where}). Held flat: "
                f"25% access by March 2021 needs about {needed_referrals:,.0f} a year "
                f"(0.25 × need × growth ÷ {_num(entry)}); until referrals rise, `run` notes that "
                "access falls short for want of referrals. Write your plan as a trajectory, "
                "e.g. {2019-04: ..., 2021-03: ...}.", 2)
    out.key("referrals", _num(round(referrals)), 2)
    out.comment(f"NATIONAL-DEFAULT ESTIMATE: about 4 weeks of people entering treatment "
                f"({entering:,.0f} a year ÷ 52 × 4), as most people started within 6 weeks "
                "in England in 2018-19 (NHS Digital, IAPT annual report 2018-19: 89.4%).", 2)
    out.key("waiting_list", str(waiting), 2)
    out.comment(f"NATIONAL-DEFAULT ESTIMATE: {_num(sessions)} sessions a course (the default) at "
                "about one a week.", 2)
    out.key("course_weeks", str(weeks), 2)
    out.key("workforce", indent=2)
    out.comment("ILLUSTRATIVE PLACEHOLDER: 25 treatment sessions a week for 40 weeks; no "
                "public source gives therapists' sessions.", 4)
    out.key("sessions_per_wte", _num(SESSIONS_PER_WTE), 4)
    out.comment(f"NATIONAL-DEFAULT ESTIMATE: the staff today's activity needs: {entering:,.0f} "
                f"courses × {_num(sessions)} sessions ÷ {SESSIONS_PER_WTE:,.0f} sessions a "
                "WTE.", 4)
    out.key("wte", _num(wte), 4)
    out.comment(f"ILLUSTRATIVE PLACEHOLDER: enough recruitment to staff 25% access by March 2021 "
                f"({wte_2021:,.1f} WTE) from today's {wte:,.1f} WTE within 23 months.", 4)
    out.key("recruitment", str(recruitment), 4)
    assumptions += ["iapt.waiting_list", "iapt.course_weeks", "iapt.workforce.sessions_per_wte",
                    "iapt.workforce.wte", "iapt.workforce.recruitment"]


def _national(item: str) -> tuple[float, str]:
    frame = reference.national()
    row = frame.filter(pl.col("item") == item).row(0, named=True)
    return float(row["value"]), str(row["source"])


def _inpatient(out: _Text, fp: FootprintRef, src: Sources, adults: int,
               assumptions: list[str]) -> None:
    spells, spells_source = _national("mh_inpatient_spells_2018")
    england_adults = reference.persons(reference.ENGLAND, POPULATION_YEAR, 16)
    share = adults / england_adults
    admissions = round(spells * share)
    occupancy = schema_default("inpatient", "target_occupancy")
    beds = math.ceil(admissions * LOS_STANDARD / 365 / occupancy)
    mean_los, _ = _national("mh_inpatient_mean_los_2018")
    oaps = src.oaps if src.oaps is not None else reference.oaps()
    latest = _latest_oap_month(oaps, fp.code)
    daily = None if latest is None else reference.oap_value(fp.code, latest,
                                                            "average_daily_cost", oaps)
    written = {"admissions", "los_days", "los_cv", "beds"} | ({"oap_cost_per_day"} if daily
                                                              else set())

    out.key("inpatient")
    out.comment(f"NATIONAL-DEFAULT ESTIMATE: England's {spells:,.0f} mental health inpatient "
                f"spells in 2018 ({spells_source}) × this footprint's share of England's adults "
                f"(16+, mid-{POPULATION_YEAR}: {adults:,} ÷ {england_adults:,.0f} = "
                f"{share:.2%}). Those spells include more than adult acute care, so this "
                "overstates adult acute admissions.", 2)
    out.key("admissions", str(admissions), 2)
    out.comment(f"ILLUSTRATIVE PLACEHOLDER: the Long Term Plan standard of {_num(LOS_STANDARD)} "
                "days, a target rather than a measured stay. No bundled source gives adult acute "
                f"stays; the England mean of all mental health spells in 2018, {mean_los:g} "
                "days, includes long-stay care.", 2)
    out.key("los_days", _num(LOS_STANDARD), 2)
    out.comment("ILLUSTRATIVE PLACEHOLDER: stays as spread as an exponential distribution "
                "(coefficient of variation 1).", 2)
    out.key("los_cv", _num(LOS_CV), 2)
    out.comment(f"NATIONAL-DEFAULT ESTIMATE: the beds that would run at the {occupancy:.0%} "
                f"target occupancy: {admissions:,} admissions × {_num(LOS_STANDARD)} days ÷ 365 ÷ "
                f"{_num(occupancy)}, rounded up. A footprint that places people out of area has "
                "fewer beds than its demand needs: put your own bed count here.", 2)
    out.key("beds", str(beds), 2)
    if daily is not None:
        out.comment(f"SOURCED: {fp.name}'s average recorded daily cost of an out-of-area "
                    f"placement, {latest} ({reference.OAP_SOURCE}, {src.oaps_label}).", 2)
        out.key("oap_cost_per_day", _num(daily), 2)
    sourced, settings = _defaults("inpatient", written)
    if sourced:
        out.comment("DEFAULT (left out): " + "; ".join(sourced) + "."
                    + ("" if daily else f" {fp.name}'s own daily OAP cost is suppressed or not "
                                        "published, so England's applies."), 2)
    if settings:
        out.comment("Settings left at their defaults: " + ", ".join(settings) + ".", 2)
    _oap_baseline(out, fp, oaps, src.oaps_label)
    assumptions += ["inpatient.admissions", "inpatient.los_days", "inpatient.los_cv",
                    "inpatient.beds"]


def _latest_oap_month(oaps: pl.DataFrame, code: str) -> str | None:
    months = oaps.filter(pl.col("footprint_code") == code)["period"].unique().sort()
    return None if not months.len() else str(months[-1])


def _oap_baseline(out: _Text, fp: FootprintRef, oaps: pl.DataFrame, label: str) -> None:
    from .iotools.oaps import PARTIAL

    mine = oaps.filter(pl.col("footprint_code") == fp.code)
    if not mine.height:
        return
    out.comment(f"OAP BASELINE, for comparison ({reference.OAP_SOURCE}, {label}). The model "
                "cannot calibrate to it: compare it with oap_bed_days in the results, and set "
                "beds and stays so that they match. * = suppressed; ≥ = a lower bound (some of "
                "the footprint's CCGs suppressed).", 2)
    for month in mine["period"].unique().sort().to_list():
        rows = {r["measure"]: r for r in mine.filter(pl.col("period") == month)
                .iter_rows(named=True)}
        parts = [_oap_figure(rows.get("oap_days"), "OAP days"),
                 _oap_figure(rows.get("recorded_cost"), "recorded cost", "£"),
                 _oap_figure(rows.get("active_at_end"), "active at month end")]
        note = " (from 17 October)" if month in PARTIAL else ""
        out.comment(f"- {month}{note}: " + ", ".join(p for p in parts if p) + ".", 2)


def _oap_figure(row: dict[str, Any] | None, unit: str, pound: str = "") -> str:
    """``846 OAP days``; ``≥ 304 OAP days`` where some cells are suppressed; ``* OAP days``."""
    if row is None:
        return ""
    if row["value"] is not None:
        return f"{pound}{row['value']:,.0f} {unit}"
    if row["published"] is not None:
        return f"≥ {pound}{row['published']:,.0f} {unit}"
    return f"* {unit}"


def _crisis(out: _Text, fp: FootprintRef, total: int, assumptions: list[str]) -> None:
    per_team = schema_default("crisis", "population_per_team")
    written = {"basic_coverage", "core_coverage", "basic_wte_per_team", "core_wte_per_team",
               "cost_per_wte"}
    out.key("crisis")
    sourced, settings = _defaults("crisis", written)
    out.comment("DEFAULT (left out): " + "; ".join(sourced) + f". So {total:,} people need "
                f"{total / per_team:.1f} teams.", 2)
    if settings:
        out.comment("Settings left at their defaults: " + ", ".join(settings) + ".", 2)
    out.comment("ILLUSTRATIVE PLACEHOLDER: a crisis team covers everyone today, none of it 24/7 "
                "to the CORE standard. No bundled source gives crisis cover by footprint. PLAN: "
                "write your move to 24/7 CORE teams as trajectories, e.g. "
                "core_coverage: {2019-04: 0, 2021-04: 1}.", 2)
    out.key("basic_coverage", _num(CRISIS_BASIC_COVERAGE), 2)
    out.key("core_coverage", _num(CRISIS_CORE_COVERAGE), 2)
    out.comment("ILLUSTRATIVE PLACEHOLDERS: staff of a team that is not 24/7 and of a 24/7 CORE "
                "team, and the cost of a WTE (pay and non-pay). No public source is bundled; "
                "these are the values scenarios/end-oaps.yaml uses.", 2)
    out.key("basic_wte_per_team", _num(CRISIS_BASIC_WTE), 2)
    out.key("core_wte_per_team", _num(CRISIS_CORE_WTE), 2)
    out.key("cost_per_wte", _num(CRISIS_COST_PER_WTE), 2)
    assumptions += ["crisis.basic_coverage", "crisis.core_coverage", "crisis.basic_wte_per_team",
                    "crisis.core_wte_per_team", "crisis.cost_per_wte"]


def _validate(text: str) -> None:
    """The text must be a valid scenario; if not, that is a bug in this module."""
    from .errors import ScenarioError
    from .scenario import parse_scenario

    try:
        parse_scenario(text, "<stpmodel new>")
    except ScenarioError as exc:
        raise AssertionError(f"stpmodel new wrote an invalid scenario:\n{exc}\n\n{text}") from None
