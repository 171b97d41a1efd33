"""The ``iapt:`` section: every key with its unit, range and, for a default, its source.

Defaults that are ratios are England's measured ratios, the mean of the calibration years
2018-19 and 2019-20 (:mod:`.calibration` works them out from stpmodel/data/iapt_outturn.csv);
docs/validation.md shows how well they carry to later years. Money is at 2024/25 prices.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path
from typing import Any, Literal

from ...sections import PERSONS, WTE, Section, spec
from ...staffing import LEAVERS, MONTHS, leaver_rate_spec, training_months_spec
from ...values import FRACTION, Quantity, number, series

NEED_FILE = Path(__file__).resolve().parent.parent.parent / "data" / "iapt_need.csv"
APMS_2014 = 0.17  # APMS 2014: one adult (16+) in six has a common mental disorder
REFERRALS = Quantity("referrals/year", 0.0)
MONEY_PER_SESSION = Quantity("£/session", 0.0)


class IaptWorkforce(Section):
    wte: number(WTE) = spec(  # type: ignore[valid-type]
        "IAPT therapists in post in the start month", "WTE")
    sessions_per_wte: number(Quantity("sessions/WTE/year", 0.0, above_lo=True)) = spec(  # type: ignore[valid-type]
        "treatment sessions one whole-time therapist delivers in a year", "sessions/WTE/year")
    recruitment: series(Quantity("WTE/year", 0.0), "step") = spec(  # type: ignore[valid-type]
        "the most by which therapist WTE can grow in a year: net of leavers, or, with "
        "leaver_rate or training_months, the most who can start training or be recruited",
        "WTE/year", interp="step")
    leaver_rate: number(LEAVERS) | None = leaver_rate_spec()  # type: ignore[valid-type]
    training_months: number(MONTHS) | None = training_months_spec()  # type: ignore[valid-type]


class Iapt(Section):
    need_basis: Literal["nhse", "apms2014"] = spec(
        "what need (the denominator of access) means: nhse, NHS England's prevalence "
        "denominator for the access standard (about 6.0m for England; per footprint from the "
        "bundled Mental Health Dashboard figures); or apms2014, 17% of adults (APMS 2014), which "
        "is about 31% larger", "choice", default="nhse",
        source="Five Year Forward View for Mental Health (2016): 25% access = 1.5m people a "
               "year, a prevalence denominator of about 6.0m; NHS Mental Health Dashboard "
               "IAPT(i_a)")
    prevalence: series(FRACTION, "linear") | None = spec(  # type: ignore[valid-type]
        "need as a share of adults (16+). Default: from need_basis (nhse: the footprint's "
        "share in stpmodel/data/iapt_need.csv; apms2014: 0.17)", "fraction of adults",
        default=None, interp="linear")
    access: series(FRACTION, "linear") = spec(  # type: ignore[valid-type]
        "planned access: courses entered per year as a share of need. National standard: "
        "22% by March 2020 (the Q4 run rate), 25% in 2020/21", "fraction of need/year",
        interp="linear")
    referrals: series(REFERRALS, "linear") = spec(  # type: ignore[valid-type]
        "referrals received", "referrals/year", interp="linear")
    entry_rate: series(FRACTION, "step") = spec(  # type: ignore[valid-type]
        "share of referrals that go on to enter treatment (the rest leave before treatment)",
        "fraction of referrals", default=0.679, interp="step",
        source="England outturn, mean of 2018-19 and 2019-20: entered treatment ÷ referrals "
               "received, 1,074,994 ÷ 1,603,643 (0.670) and 1,165,747 ÷ 1,694,790 (0.688) (NHS "
               "Digital annual key measures; NHS England Mental Health Dashboard IAPT(i_a))")
    completion_rate: series(FRACTION, "step") = spec(  # type: ignore[valid-type]
        "share of courses entered that finish (two or more treatment sessions)",
        "fraction of entered", default=0.531, interp="step",
        source="England outturn, mean of 2018-19 and 2019-20: finished courses ÷ entered "
               "treatment in the year, 582,556 ÷ 1,074,994 (0.542) and 606,192 ÷ 1,165,747 "
               "(0.520). The Five Year Forward View for Mental Health planned on 0.583 (350,000 "
               "of 600,000): write that to use it")
    caseness_rate: series(FRACTION, "step") = spec(  # type: ignore[valid-type]
        "share of finished courses that started at caseness (the recovery denominator)",
        "fraction of finished", default=0.938, interp="step",
        source="NHS Digital annual key measures, England, mean of 2018-19 and 2019-20: at "
               "caseness ÷ finished, 546,105 ÷ 582,556 (0.937) and 569,244 ÷ 606,192 (0.939)")
    recovery_rate: series(FRACTION, "step") = spec(  # type: ignore[valid-type]
        "share of finished courses at caseness that move to recovery", "fraction",
        default=0.517, interp="step",
        source="NHS Digital annual key measures, England, mean of 2018-19 and 2019-20: "
               "recovered ÷ at caseness, 284,810 ÷ 546,105 (0.522) and 291,371 ÷ 569,244 "
               "(0.512); standard ≥ 0.50")
    waiting_list: number(PERSONS) = spec(  # type: ignore[valid-type]
        "people queued for a therapist at the start beyond the usual pathway delay (a "
        "backlog); those within their pathway delay are not counted", "persons")
    course_weeks: number(Quantity("weeks", 1.0, 104.0)) = spec(  # type: ignore[valid-type]
        "time from entering treatment to finishing a course that finishes", "weeks")
    sessions_finished: number(Quantity("sessions/course", 0.0, above_lo=True)) = spec(  # type: ignore[valid-type]
        "treatment sessions of a finished course", "sessions/course", default=6.9,
        source="NHS Digital, IAPT annual report 2018-19: 6.9 treatment sessions on average per "
               "finished course")
    sessions_not_finished: number(Quantity("sessions/course", 0.0)) = spec(  # type: ignore[valid-type]
        "treatment sessions of a course entered but not finished", "sessions/course",
        default=1.0,
        source="NHS Digital's definitions: entering treatment is a first treatment session, "
               "and finishing a course needs at least two, so a course that ends unfinished "
               "had one")
    cost_per_session: series(MONEY_PER_SESSION, "step") = spec(  # type: ignore[valid-type]
        "cost of one treatment session, at 2024/25 prices", "£/session", default=173.55,
        price_year="2024/25", interp="step",
        source="NHS England, National Cost Collection 2024/25: NHS Talking Therapies treatment "
               "contact £173.55 (2024/25 prices)")
    wait_median_days: number(Quantity("days", 0.0, 365.0)) = spec(  # type: ignore[valid-type]
        "median of the pathway delay each person has between referral and first treatment "
        "besides any queue for a therapist (assessment, booking, the route taken)", "days",
        default=11.7,
        source="calibrated so that, with no queue, the shares of finished courses seen within "
               "6 and 18 weeks of referral are England's mean of 2018-19 and 2019-20, 0.884 and "
               "0.987 (NHS England Mental Health Dashboard IAPT(iii_a), IAPT(iii_b); "
               "docs/validation.md)")
    wait_spread: number(Quantity("ratio", 0.0, 5.0)) = spec(  # type: ignore[valid-type]
        "spread of that delay: the standard deviation of its logarithm (lognormal); 0 gives "
        "everyone the median", "ratio", default=1.07,
        source="calibrated with wait_median_days (docs/validation.md)")
    workforce: IaptWorkforce = spec("IAPT therapists", "")


@cache
def nhse_shares() -> dict[str, float]:
    """Need on NHS England's basis as a share of adults 16+, by footprint code [fraction]
    (stpmodel/data/iapt_need.csv; its sources are in stpmodel/data/SOURCES.md)."""
    with NEED_FILE.open(encoding="utf-8") as file:
        return {row["footprint_code"]: float(row["need_share_of_adults"])
                for row in csv.DictReader(file)}


def own_code(scenario: Any) -> str:
    """The code to look the scenario's footprint up by in the bundled data: none for a custom
    footprint (``footprint.custom: true``), which gives its baselines itself."""
    return "" if scenario.footprint.custom else str(scenario.footprint.code)


def share_of_adults(iapt: Iapt, code: str) -> float | None:
    """The default prevalence for a footprint: the NHS England share for ``code`` (None when the
    bundled data have none), or APMS 2014's."""
    if iapt.need_basis == "apms2014":
        return APMS_2014
    return nhse_shares().get(code)
