"""IAPT's calibrated defaults, worked out from NHS Digital's England outturn for the calibration
years only (2018-19 and 2019-20; stpmodel/data/iapt_outturn.csv). Every later year is
out-of-sample (docs/validation.md). The section's defaults are these numbers, rounded; a test
checks that they still agree."""

from __future__ import annotations

import math
from statistics import NormalDist

CALIBRATION_YEARS = ("2018-19", "2019-20")
WEEKS_6, WEEKS_18 = 42.0, 126.0  # [days]


def ratios(value: dict[tuple[str, str], float]) -> dict[str, float]:
    """The calibration years' mean ratios, from ``value[(year, measure)]`` (England outturn):
    entered ÷ referrals, finished ÷ entered, at caseness ÷ finished, recovered ÷ at caseness,
    and the shares of finished courses seen within 6 and 18 weeks."""
    def mean(numerator: str, denominator: str | None = None) -> float:
        parts = [value[(y, numerator)] / (value[(y, denominator)] if denominator else 1.0)
                 for y in CALIBRATION_YEARS]
        return sum(parts) / len(parts)

    return {
        "entry_rate": mean("entered_treatment", "referrals_received"),
        "completion_rate": mean("finished_course_treatment", "entered_treatment"),
        "caseness_rate": mean("at_caseness", "finished_course_treatment"),
        "recovery_rate": mean("recovery", "at_caseness"),
        "within_6_weeks": mean("finished_waited_6w_share"),
        "within_18_weeks": mean("finished_waited_18w_share"),
    }


def lognormal_waits(within_6: float, within_18: float) -> tuple[float, float]:
    """``(median [days], spread)`` of the lognormal delay whose CDF is ``within_6`` at 42 days
    and ``within_18`` at 126 days: spread = (ln 126 − ln 42) ÷ (z18 − z6), median = 42 ×
    exp(−z6 × spread), with z the standard normal quantiles of the shares."""
    z6, z18 = NormalDist().inv_cdf(within_6), NormalDist().inv_cdf(within_18)
    spread = (math.log(WEEKS_18) - math.log(WEEKS_6)) / (z18 - z6)
    return WEEKS_6 * math.exp(-z6 * spread), spread
