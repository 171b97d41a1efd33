"""Standards by period: the Long Term Plan's standards apply to their years only (to 2023/24);
later years are shown as '–' and never judged against them, with a note saying so; a scenario
states its own targets under ``targets:``, judged like a standard."""

from __future__ import annotations

import polars as pl
import pytest

from stpmodel.errors import ScenarioError
from stpmodel.model import run
from stpmodel.results import report, standard_notes, tabulate
from stpmodel.scenario import parse_scenario
from stpmodel.services import STANDARDS
from stpmodel.standards import LTP_END, judged_years, target
from stpmodel.timeline import Timeline

# IAPT in a steady state, April 2023 to March 2026: need = 0.1 × 1.2m = 120,000; access 25% =
# 30,000 entering a year = referrals 60,000 × entry 0.5; ample staff, no queue. Access is 0.25
# in every year (flows are steady), recovery 0.5 of those at caseness.
STEADY = """\
name: steady
footprint: {code: E54000017, name: Birmingham and Solihull}
start: 2023-04
end: 2026-03
population: {adults: 1200000, growth: 0}
iapt:
  prevalence: 0.1
  access: 0.25
  referrals: 60000
  entry_rate: 0.5
  recovery_rate: 0.5
  wait_median_days: 0
  waiting_list: 0
  course_weeks: 7
  workforce: {wte: 10000, sessions_per_wte: 1000, recruitment: 0}
"""


def value(frame: pl.DataFrame, metric: str, period: str) -> float | None:
    row = frame.filter((pl.col("metric") == metric) & (pl.col("period") == period))
    assert row.height == 1, (metric, period)
    return row["value"][0]


def test_every_long_term_plan_standard_ends_with_2023_24():
    """The Long Term Plan's standards (and those it maintained) end with 2023/24; the standing
    IAPT waiting-time standards (2015, still reported against) and the scenario's own finance
    checks go on."""
    ends = {s.name: judged_years(s)[1] for s in STANDARDS}
    assert LTP_END == 2024
    for name in ("iapt_access", "iapt_recovery", "oaps_ended", "los_32_days", "perinatal_access",
                 "liaison_core24", "cyp_ed_urgent", "cyp_ed_routine", "eip_2_weeks",
                 "cyp_crisis_24_7"):
        assert ends[name] == 2023, name
    assert ends["iapt_access_2019_20"] == 2019
    assert ends["cyp_access"] == 2021
    for name in ("iapt_6_weeks", "iapt_18_weeks", "within_budget", "mhis"):
        assert ends[name] is None, name


def test_a_year_after_the_plan_is_not_judged():
    """Access 25% is below 2023/24's 31.26% (1.9m ÷ 6,078,342): judged, not met. 2024/25 and
    2025/26 have no national standard, so they are missing ('–'), not 'not met'."""
    frame = tabulate(run(parse_scenario(STEADY)), "year")
    assert value(frame, "iapt_access_rate", "2024/25") == pytest.approx(0.25, rel=1e-6)
    assert value(frame, "standard_iapt_access", "2023/24") == 0.0
    assert value(frame, "standard_iapt_access", "2024/25") is None
    assert value(frame, "standard_iapt_access", "2025/26") is None
    assert value(frame, "standard_iapt_recovery", "2023/24") is not None
    assert value(frame, "standard_iapt_recovery", "2025/26") is None
    assert value(frame, "standard_iapt_6_weeks", "2025/26") == 1.0  # a standing standard


def test_the_output_says_which_standards_were_not_judged():
    result = report(parse_scenario(STEADY), "year")
    lines = [n for n in result.notes if "not judged" in n]
    assert ("standard_iapt_access applies to 2020/21 to 2023/24 only: from 2024/25 it is shown "
            "as '–', not judged; state your own target for iapt_access_rate under targets: "
            "(docs/scenario-format.md).") in lines
    assert any(n.startswith("standard_iapt_recovery applies to years up to 2023/24 only")
               for n in lines)
    # A run within the plan's years gets no such note
    within = parse_scenario(STEADY.replace("start: 2023-04", "start: 2019-04")
                            .replace("end: 2026-03", "end: 2024-03"))
    assert standard_notes(within, Timeline(within.start, within.end)) == []


def test_a_scenarios_own_target_is_judged_in_its_years():
    """Access is 0.25 every year: at_least 0.25 from 2024/25 is met (equal meets), 0.26 in
    2025/26 only is not; years outside a target's span are '–'."""
    text = STEADY + ("targets:\n"
                     "  - {metric: iapt_access_rate, at_least: 0.25, first_year: 2024/25,"
                     " last_year: 2024/25}\n"
                     "  - {metric: iapt_access_rate, at_least: 0.26, first_year: 2025/26}\n"
                     "  - {metric: iapt_recovery_rate, at_most: 0.4, first_year: 2025}\n")
    result = report(parse_scenario(text), "year")
    frame = result.frame
    assert value(frame, "standard_target_iapt_access_rate", "2023/24") is None
    assert value(frame, "standard_target_iapt_access_rate", "2024/25") == 1.0
    assert value(frame, "standard_target_iapt_access_rate", "2025/26") == 0.0
    assert value(frame, "standard_target_iapt_recovery_rate", "2025/26") == 0.0
    # no 'state your own target' note for metrics that have one
    assert not any(n.startswith("standard_iapt_access applies") for n in result.notes)
    from stpmodel.results import unmet_standards

    unmet = unmet_standards(frame)
    assert any(line.startswith("Birmingham and Solihull 2025/26: the scenario's target for "
                               "iapt_access_rate (targets:) is not met: iapt_access_rate is "
                               "0.25") for line in unmet)


def test_target_thresholds_close_after_their_last_year():
    t = target("x", ">=", ((2025, 2026, 0.3), (2028, None, 0.4)))
    assert [t.threshold(fy) for fy in range(2024, 2030)] == [None, 0.3, 0.3, None, 0.4, 0.4]


@pytest.mark.parametrize(("entry", "message"), [
    ("{metric: iapt_acess_rate, at_least: 0.3, first_year: 2025/26}",
     "s.yaml:17:6: targets[0].metric: 'iapt_acess_rate' is not a metric this scenario reports\n"
     "  hint: did you mean 'iapt_access_rate'?"),
    ("{metric: iapt_access_rate, first_year: 2025/26}",
     "s.yaml:17:5: targets[0]: give one of at_least or at_most"),
    ("{metric: iapt_access_rate, at_least: 0.3, first_year: 2025/27}",
     "s.yaml:17:59: targets[0].first_year: expected a financial year like 2025/26, got "
     "'2025/27'"),
    ("{metric: iapt_access_rate, at_least: 0.3, first_year: 2026/27, last_year: 2025/26}",
     "targets[0].last_year: last_year is before first_year"),
    ("{metric: oap_bed_days, at_most: 0, first_year: 2025/26}",
     "targets[0].metric: 'oap_bed_days' is not a metric this scenario reports"),
])
def test_a_bad_target_is_a_located_error(entry, message):
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(STEADY + f"targets:\n  - {entry}\n", "s.yaml")
    assert message in str(caught.value)
