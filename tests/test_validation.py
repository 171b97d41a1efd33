"""The England IAPT back-cast against NHS Digital's outturn (docs/validation.md).

Published figures: stpmodel/data/iapt_outturn.csv (NHS Digital, IAPT / NHS Talking Therapies
annual key measures, England; NHS England, Mental Health Dashboard Q4 2021/22 IAPT(i_a),
IAPT(iii_a), IAPT(iii_b); NHS Talking Therapies monthly activity and performance M031, M052,
M054, M076). Calibration used 2018-19 and 2019-20 only. Tolerances: counts and the recovery rate
within ±5%, the shares within 6 and 18 weeks within ±3 percentage points. Two out-of-sample
cells miss, and are pinned as misses so that a change to them is seen (docs/validation.md says
why they miss).
"""

from __future__ import annotations

import pytest

from stpmodel.services.iapt.validation import Check, england_checks

KNOWN_MISSES = {
    # finished ÷ entered was 0.625 in the first COVID-19 year, against 0.531 calibrated
    ("2020-21", "iapt_finished"): (-0.15, -0.12),
    # waits were shorter after the calibration years: 91.6% within 6 weeks, against 88.4%
    ("2024-25", "iapt_within_6_weeks"): (-0.035, -0.030),
}


@pytest.fixture(scope="module")
def checks() -> list[Check]:
    return england_checks()


def test_every_year_and_measure_is_checked(checks: list[Check]) -> None:
    assert len(checks) == 7 * 6
    assert {c.year for c in checks if c.calibration} == {"2018-19", "2019-20"}


def test_the_inputs_arrive(checks: list[Check]) -> None:
    """Referrals and people entering treatment are the back-cast's inputs: to 0.01%."""
    for c in checks:
        if c.measure in ("iapt_referrals", "iapt_entered"):
            assert abs(c.error) < 1e-4, (c.year, c.measure, c.error)


def test_finished_recovery_and_waits_are_within_tolerance(checks: list[Check]) -> None:
    for c in checks:
        if (c.year, c.measure) not in KNOWN_MISSES:
            assert c.within, (c.year, c.measure, c.published, c.model, c.error)


def test_the_known_misses_are_where_the_docs_say(checks: list[Check]) -> None:
    found = {(c.year, c.measure): c for c in checks}
    for key, (low, high) in KNOWN_MISSES.items():
        assert not found[key].within
        assert low <= found[key].error <= high, (key, found[key].error)


def test_the_calibration_years_fit_closely(checks: list[Check]) -> None:
    """In sample the fit is tighter: finished within 2.5%, recovery within 1.5%, waits within
    1.5 points."""
    limits = {"iapt_finished": 0.025, "iapt_recovery_rate": 0.015, "iapt_within_6_weeks": 0.015,
              "iapt_within_18_weeks": 0.015}
    for c in checks:
        if c.calibration and c.measure in limits:
            assert abs(c.error) <= limits[c.measure], (c.year, c.measure, c.error)
