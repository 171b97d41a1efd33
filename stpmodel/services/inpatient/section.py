"""The ``inpatient:`` section: adult acute mental health beds and out-of-area placements, every
key with its unit, range and, for a default, its source; and the rules that tie it to the rest
of the scenario."""

from __future__ import annotations

from typing import Any, Literal

from ...distributions import Dist
from ...sections import Section, spec
from ...values import Quantity, fail, number, series

OCCUPANCY = Quantity("fraction", 0.0, 1.0, above_lo=True, percent_hint=True)
# The pool size that reproduces England's 2018/19 inappropriate OAP bed days from the measured
# beds and occupancy of every footprint (stpmodel/services/inpatient/calibration.py, which a test
# re-derives; docs/validation.md shows the out-of-sample years).
POOL_BEDS = 107
POOL_SOURCE = ("England's 2018/19 inappropriate OAP bed days (Mental Health Dashboard CR(iii.a), "
               "239,015) reproduced from each footprint's KH03 beds and occupancy with Erlang's "
               "loss formula (docs/model.md, docs/validation.md)")


class Inpatient(Section):
    # at most 1,000,000 a year: over eight times England's 119,851 mental health inpatient spells
    # of 2018 (national.csv), so any footprint or all England fits; the bed kernel honours it
    admissions: number(Quantity("admissions/year", 0.0, 1_000_000.0)) = spec(  # type: ignore[valid-type]
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
    pool_beds: number(Quantity("beds", 1.0, 100_000.0, uncertain=False)) | None = spec(  # type: ignore[valid-type]
        "beds in one pool: the footprint's beds work as separate pools of about this many, and "
        "an admission can take a bed only in its own (wards differ by sex, acuity and trust), "
        "so some are placed out of area while beds stand empty elsewhere; left out, every bed "
        "is open to every admission (one pool)", "beds", default=POOL_BEDS,
        source="calibrated: " + POOL_SOURCE)
    repatriate: bool = spec(
        "bring an out-of-area patient back as soon as a local bed frees (otherwise they stay "
        "out for their whole stay)", "true/false", default=False)
    oap_cost_per_day: series(Quantity("£/bed day", 0.0), "step") = spec(  # type: ignore[valid-type]
        "cost of one out-of-area bed day", "£/bed day", default=530.0,
        price_year="2016/17", interp="step",
        source="NHS Digital OAP open data, February 2017: England average recorded daily cost "
               "£530 (2016/17 prices)")
    target_occupancy: number(OCCUPANCY) = spec(  # type: ignore[valid-type]
        "bed occupancy to plan for", "fraction", default=0.85,
        source="Royal College of Psychiatrists, cited by the Commission on Acute Adult "
               "Psychiatric Care (Crisp, 2016): 85%")
    open_bed_day_cost: series(Quantity("£/bed day", 0.0, 100_000.0), "step") = spec(  # type: ignore[valid-type]
        "cost of a local bed open for a day, at 2024/25 prices: what opening a bed costs and "
        "closing one releases", "£/bed day", default=637.12, interp="step",
        price_year="2024/25",
        source="National Cost Collection 2024/25: adult acute mental health bed day £719.10 "
               "(per occupied bed day, 2024/25 prices) × England's mental illness bed "
               "occupancy, 0.886 (KH03, 2019-20 Q4: 16,068 of 18,139), so an open bed costs "
               "£637.12 a day")
    capital_per_new_bed: number(Quantity("£/bed", 0.0, 10_000_000.0)) | None = spec(  # type: ignore[valid-type]
        "one-off capital cost of each bed opened above the month before, at 2024/25 prices; "
        "no bundled source gives it, so it is required when beds rise", "£/bed",
        default=None)
    oap_target_share: number(Quantity("fraction", 0.0, 1.0, above_lo=True,  # type: ignore[valid-type]
                                      uncertain=False, percent_hint=True)) | None = spec(
        "a target share of admissions placed out of area; gives beds_for_oap_target, the beds "
        "the loss formula says hold it (inverse Erlang B)", "fraction", default=None)
    warmup_days: number(Quantity("days", 0.0, 36_500.0, uncertain=False)) | None = spec(  # type: ignore[valid-type]
        "days simulated before the start so that wards are not empty at the start; default "
        "10 × the starting mean stay × max(1, CV²), at least 365", "days", default=None)


def check(scenario: Any) -> None:
    """A plan that opens beds must say what a new bed costs."""
    inpatient: Inpatient = scenario.section("inpatient")
    if inpatient.capital_per_new_bed is not None:
        return
    values = [v.median() if isinstance(v, Dist) else v for v in inpatient.beds.values]
    if any(b > a for a, b in zip(values, values[1:])):
        raise fail("beds rise during the plan, so opening them has a capital cost to state",
                   "add inpatient.capital_per_new_bed [£/bed] (0 if the beds exist already)",
                   key="inpatient.beds")
