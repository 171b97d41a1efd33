"""The sections of a scenario: one pydantic model per service, each field with its unit, range
and, where there is one, a default with its published source.

Those declarations are the single source for validation, ``stpmodel schema`` and
docs/scenario-format.md.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .values import FRACTION, Quantity, choice_series, dated_amounts, number, series

PERSONS = Quantity("persons", 0.0)
REFERRALS = Quantity("referrals/year", 0.0)
WTE = Quantity("WTE", 0.0)
MONEY_PER_COURSE = Quantity("£/course", 0.0)
EFFECT = Quantity("fraction", 0.0, 0.99, percent_hint=True)  # below 1: some admissions remain
OCCUPANCY = Quantity("fraction", 0.0, 1.0, above_lo=True, percent_hint=True)


def spec(description: str, unit: str, *, source: str = "", default: Any = ...,
         interp: str = "") -> Any:
    """A field declaration: description, unit, and for a default, where it comes from."""
    extra: dict[str, Any] = {"unit": unit}
    if source:
        extra["source"] = source
    if interp:
        extra["interpolation"] = interp
    return Field(default, description=description, json_schema_extra=extra)


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True,
                              validate_default=True)  # a number default becomes a Trajectory


class Footprint(Section):
    code: Annotated[str, Field(pattern=r"^E\d{8}$")] = spec(
        "ONS code of the STP/ICS footprint, e.g. E54000017", "ONS code")
    name: Annotated[str, Field(min_length=1)] = spec("footprint name", "text")


class Population(Section):
    adults: number(Quantity("persons", 0.0, above_lo=True)) = spec(  # type: ignore[valid-type]
        "adult population (aged 16 and over) in the start month", "persons")
    growth: series(Quantity("fraction/year", -0.2, 0.2, percent_hint=True),  # type: ignore[valid-type]
                   "step") = spec("annual growth of the adult population; compounds monthly",
                                  "fraction/year", interp="step")


    total: number(Quantity("persons", 0.0, above_lo=True)) | None = spec(  # type: ignore[valid-type]
        "whole population, all ages, in the start month; sizes crisis teams. Grows at the same "
        "rate as adults", "persons", default=None)


class IaptWorkforce(Section):
    wte: number(WTE) = spec(  # type: ignore[valid-type]
        "IAPT therapists in post in the start month", "WTE")
    sessions_per_wte: number(Quantity("sessions/WTE/year", 0.0, above_lo=True)) = spec(  # type: ignore[valid-type]
        "treatment sessions one whole-time therapist delivers in a year", "sessions/WTE/year")
    recruitment: series(Quantity("WTE/year", 0.0), "step") = spec(  # type: ignore[valid-type]
        "the most by which therapist WTE can grow in a year (net of leavers)", "WTE/year",
        interp="step")


class Iapt(Section):
    prevalence: series(FRACTION, "linear") = spec(  # type: ignore[valid-type]
        "share of adults with a common mental disorder who could benefit (IAPT need)",
        "fraction of adults", default=0.17, interp="linear",
        source="APMS 2014: one adult (16+) in six, 17.0%, has a common mental disorder")
    access: series(FRACTION, "linear") = spec(  # type: ignore[valid-type]
        "planned access: courses entered per year as a share of need. National standard: "
        "22% by March 2020, 25% in 2020/21", "fraction of need/year", interp="linear")
    referrals: series(REFERRALS, "linear") = spec(  # type: ignore[valid-type]
        "referrals received", "referrals/year", interp="linear")
    entry_rate: series(FRACTION, "step") = spec(  # type: ignore[valid-type]
        "share of referrals that go on to enter treatment (the rest leave before treatment)",
        "fraction of referrals", default=0.68, interp="step",
        source="NHS Digital, IAPT annual report 2018-19: 1.09m referrals entered treatment "
               "of 1,603,643 received (0.68)")
    completion_rate: series(FRACTION, "step") = spec(  # type: ignore[valid-type]
        "share of courses entered that finish (two or more treatment sessions)",
        "fraction of entered", default=0.534, interp="step",
        source="NHS Digital 2018-19: 582,556 finished a course (annual measures) ÷ 1.09m "
               "entered treatment (annual report) = 0.534")
    caseness_rate: series(FRACTION, "step") = spec(  # type: ignore[valid-type]
        "share of finished courses that started at caseness (the recovery denominator)",
        "fraction of finished", default=0.937, interp="step",
        source="NHS Digital annual measures 2018-19: 546,105 at caseness ÷ 582,556 finished "
               "(0.937)")
    recovery_rate: series(FRACTION, "step") = spec(  # type: ignore[valid-type]
        "share of finished courses at caseness that move to recovery", "fraction",
        default=0.522, interp="step",
        source="NHS Digital annual measures 2018-19: 284,810 recovered ÷ 546,105 at caseness "
               "(0.522); standard ≥ 0.50")
    waiting_list: number(PERSONS) = spec(  # type: ignore[valid-type]
        "people waiting to enter treatment at the start", "persons")
    course_weeks: number(Quantity("weeks", 1.0, 104.0)) = spec(  # type: ignore[valid-type]
        "time from entering treatment to finishing a course", "weeks")
    sessions_per_course: number(Quantity("sessions/course", 0.0, above_lo=True)) = spec(  # type: ignore[valid-type]
        "treatment sessions per course entered. The default is the mean for finished courses, "
        "so it overstates the sessions of courses that end early: a cautious figure for staff",
        "sessions/course", default=6.9,
        source="NHS Digital, IAPT annual report 2018-19: 6.9 sessions on average per finished "
               "course")
    cost_per_course: series(MONEY_PER_COURSE, "step") = spec(  # type: ignore[valid-type]
        "cost of one course, spread evenly over its weeks", "£/course",
        default=877.0, interp="step",
        source="Radhakrishnan et al., Behav Res Ther 2013: £877 per course overall "
               "(£493 low intensity, £1,416 high intensity)")
    workforce: IaptWorkforce = spec("IAPT therapists", "")


class Inpatient(Section):
    admissions: number(Quantity("admissions/year", 0.0)) = spec(  # type: ignore[valid-type]
        "adult acute mental health admissions a year at the start, with today's crisis cover; "
        "they grow with the adult population and fall as crisis cover rises",
        "admissions/year")
    los_days: series(Quantity("days", 0.0, 3650.0, above_lo=True), "linear") = spec(  # type: ignore[valid-type]
        "mean length of stay of admissions in the month. Standard: 32 days or less",
        "days", interp="linear")
    los_cv: number(Quantity("ratio", 0.0, 10.0)) = spec(  # type: ignore[valid-type]
        "coefficient of variation of length of stay (standard deviation ÷ mean)", "ratio")
    los_distribution: Literal["gamma", "lognormal"] = spec(
        "shape of the length-of-stay distribution", "choice", default="gamma")
    beds: series(Quantity("beds", 0.0, 100_000.0, integer=True), "step") = spec(  # type: ignore[valid-type]
        "local adult acute beds open", "beds", interp="step")
    repatriate: bool = spec(
        "bring an out-of-area patient back as soon as a local bed frees (otherwise they stay "
        "out for their whole stay)", "true/false", default=False)
    oap_cost_per_day: series(Quantity("£/bed day", 0.0), "step") = spec(  # type: ignore[valid-type]
        "cost of one out-of-area bed day", "£/bed day", default=530.0,
        interp="step", source="NHS Digital OAP open data, February 2017: England average "
                               "recorded daily cost £530")
    target_occupancy: number(OCCUPANCY) = spec(  # type: ignore[valid-type]
        "bed occupancy to plan for", "fraction", default=0.85,
        source="Royal College of Psychiatrists, cited by the Commission on Acute Adult "
               "Psychiatric Care (Crisp, 2016): 85%")
    warmup_days: number(Quantity("days", 0.0, 36_500.0, uncertain=False)) | None = spec(  # type: ignore[valid-type]
        "days simulated before the start so that wards are not empty at the start; default "
        "10 × the starting mean stay × max(1, CV²), at least 365", "days", default=None)


class Crisis(Section):
    basic_coverage: series(FRACTION, "linear") = spec(  # type: ignore[valid-type]
        "share of the population covered by a crisis team that is not 24/7 to the CORE "
        "standard", "fraction of population", interp="linear")
    core_coverage: series(FRACTION, "linear") = spec(  # type: ignore[valid-type]
        "share of the population covered by a 24/7 crisis team meeting the CORE standard",
        "fraction of population", interp="linear")
    basic_effect: number(EFFECT) = spec(  # type: ignore[valid-type]
        "fall in admissions with a crisis team, against none", "fraction", default=0.10,
        source="Glover, Arts & Babu, Br J Psychiatry 2006: admissions 10% lower with a crisis "
               "resolution team")
    core_effect: number(EFFECT) = spec(  # type: ignore[valid-type]
        "fall in admissions with a 24/7 crisis team, against none", "fraction", default=0.23,
        source="Glover, Arts & Babu, Br J Psychiatry 2006: admissions 23% lower with a 24-hour "
               "crisis resolution team")
    population_per_team: number(Quantity("persons", 0.0, above_lo=True)) = spec(  # type: ignore[valid-type]
        "population one team serves", "persons", default=150_000.0,
        source="Department of Health, Mental Health Policy Implementation Guide (2001): one "
               "team per 150,000 population")
    basic_wte_per_team: number(WTE) = spec(  # type: ignore[valid-type]
        "staff of one crisis team that is not 24/7", "WTE")
    core_wte_per_team: number(WTE) = spec(  # type: ignore[valid-type]
        "staff of one 24/7 CORE crisis team", "WTE")
    cost_per_wte: series(Quantity("£/WTE/year", 0.0), "step") = spec(  # type: ignore[valid-type]
        "cost of one crisis team WTE a year, pay and non-pay", "£/WTE/year", interp="step")


# --- liaison psychiatry -----------------------------------------------------------------------

LEVELS = ("none", "core", "core24", "enhanced")  # service levels, lowest first
MONEY_PER_WTE = Quantity("£/WTE/year", 0.0)
ATTENDANCES = Quantity("attendances/year", 0.0, above_lo=True)
GROWTH = Quantity("fraction/year", -0.5, 0.5, percent_hint=True)


class LiaisonLevel(Section):
    consultants: number(WTE) = spec(  # type: ignore[valid-type]
        "consultant psychiatrists per hospital", "WTE")
    professionals: number(WTE) = spec(  # type: ignore[valid-type]
        "other mental health professionals per hospital", "WTE")
    effect: number(Quantity("ratio", 0.0, 10.0)) = spec(  # type: ignore[valid-type]
        "acute bed days saved, as a multiple of the RAID effect (1 = RAID's 14,500 a year at "
        "the reference hospital size)", "ratio")
    non_pay: number(Quantity("£/year", 0.0)) = spec(  # type: ignore[valid-type]
        "non-pay cost per hospital", "£/year", default=0.0)


class Core24Level(LiaisonLevel):
    consultants: number(WTE) = spec(  # type: ignore[valid-type]
        "consultant psychiatrists per hospital", "WTE", default=2.0,
        source="CORE24: 2 WTE consultants + 13 MH professionals (national liaison survey "
               "2019; HSJ 2022). The documented alternative is 1.5 + 11")
    professionals: number(WTE) = spec(  # type: ignore[valid-type]
        "other mental health professionals per hospital", "WTE", default=13.0,
        source="CORE24: 13 MH professionals (national liaison survey 2019; HSJ 2022)")
    effect: number(Quantity("ratio", 0.0, 10.0)) = spec(  # type: ignore[valid-type]
        "acute bed days saved, as a multiple of the RAID effect", "ratio", default=1.0,
        source="RAID, the 24-hour comprehensive service that CORE24 is modelled on "
               "(Parsonage & Fossey 2011)")


class LiaisonLevels(Section):
    core: LiaisonLevel | None = spec("a core (not 24-hour) liaison service; required if a "
                                     "hospital uses it", "", default=None)
    core24: Core24Level = spec("a CORE24 service", "", default=Core24Level())
    enhanced: LiaisonLevel | None = spec("a service beyond CORE24; required if a hospital uses "
                                         "it", "", default=None)


class Hospital(Section):
    name: Annotated[str, Field(min_length=1)] = spec(
        "acute hospital (or a label for a group of them)", "text")
    count: number(Quantity("hospitals", 1.0, 1000.0, integer=True, uncertain=False)) = spec(  # type: ignore[valid-type]
        "how many hospitals this entry stands for, each with the attendances given", "hospitals",
        default=1)
    ae_attendances: number(ATTENDANCES) | None = spec(  # type: ignore[valid-type]
        "A&E attendances a year, to scale the effect by size (count them as the reference is "
        "counted)", "attendances/year",
        default=None)
    level: choice_series(LEVELS) = spec(  # type: ignore[valid-type]
        "service level over time: none, core, core24 or enhanced", "level", interp="step")


class Liaison(Section):
    hospitals: Annotated[list[Hospital], Field(min_length=1)] = spec(
        "the footprint's acute hospitals", "list")
    levels: LiaisonLevels = spec("staffing, cost and effect of each level", "",
                                 default=LiaisonLevels())
    consultant_cost: series(MONEY_PER_WTE, "step") = spec(  # type: ignore[valid-type]
        "cost of a consultant psychiatrist WTE, pay and on-costs", "£/WTE/year", interp="step")
    professional_cost: series(MONEY_PER_WTE, "step") = spec(  # type: ignore[valid-type]
        "cost of another MH professional WTE, pay and on-costs", "£/WTE/year", interp="step")
    bed_days_saved: number(Quantity("bed days/year", 0.0)) = spec(  # type: ignore[valid-type]
        "acute bed days a RAID-level service saves a year at the reference size",
        "bed days/year", default=14_500.0,
        source="Parsonage & Fossey 2011, RAID at City Hospital Birmingham: 14,500 bed days a "
               "year")
    bed_day_cost: series(Quantity("£/bed day", 0.0), "step") = spec(  # type: ignore[valid-type]
        "cost of an acute bed day", "£/bed day", default=245.0, interp="step",
        source="Parsonage & Fossey 2011: £245 a bed day")
    reference_ae_attendances: number(ATTENDANCES) | None = spec(  # type: ignore[valid-type]
        "A&E attendances of the hospital the bed-day effect was measured in; required when "
        "hospitals give ae_attendances", "attendances/year", default=None)


# --- acute physical-health integration ------------------------------------------------------


class Acute(Section):
    ae_attendances: number(Quantity("attendances/year", 0.0)) = spec(  # type: ignore[valid-type]
        "A&E attendances a year at the footprint's acute hospitals, at the start",
        "attendances/year")
    nel_admissions: number(Quantity("admissions/year", 0.0)) = spec(  # type: ignore[valid-type]
        "non-elective admissions a year at the footprint's acute hospitals, at the start",
        "admissions/year")
    mh_share_ae: number(FRACTION) = spec(  # type: ignore[valid-type]
        "share of A&E attendances by people who use MH services", "fraction", default=0.172,
        source="RCPsych 2019, Figure 2: 17.2% of A&E attendances")
    mh_share_nel: number(FRACTION) = spec(  # type: ignore[valid-type]
        "share of non-elective admissions of people who use MH services", "fraction",
        default=0.237, source="RCPsych 2019, Figure 2: 23.7% of non-elective admissions")
    ae_avoided: series(FRACTION, "linear") = spec(  # type: ignore[valid-type]
        "share of MH service users' A&E attendances avoided by liaison, IAPT for long-term "
        "conditions and integrated care; counted relative to the start month",
        "fraction", interp="linear")
    nel_avoided: series(FRACTION, "linear") = spec(  # type: ignore[valid-type]
        "share of MH service users' non-elective admissions avoided; relative to the start "
        "month", "fraction", interp="linear")
    ae_cost: series(Quantity("£/attendance", 0.0), "step") = spec(  # type: ignore[valid-type]
        "cost of an A&E attendance", "£/attendance", default=148.0, interp="step",
        source="NHS Reference Costs 2016/17 (HFMA summary, 5 Dec 2017): £148 an A&E attendance")
    nel_cost: series(Quantity("£/admission", 0.0), "step") = spec(  # type: ignore[valid-type]
        "cost of a non-elective admission", "£/admission", default=1590.0, interp="step",
        source="NHS Reference Costs 2016/17 (HFMA summary, 5 Dec 2017): £1,590 a non-elective "
               "inpatient episode")


# --- finance ----------------------------------------------------------------------------------


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
