"""IAPT on NHS England's definitions: need basis, calibrated defaults, finishers and
non-finishers, waits on NHS Digital's basis, and the standards year by year. Every expected
number is worked out here, from a closed form or the bundled outturn (its sources:
stpmodel/data/SOURCES.md)."""

from __future__ import annotations

import calendar
import math
from datetime import date, timedelta

import polars as pl
import pytest

from stpmodel import baselines
from stpmodel.errors import ScenarioError
from stpmodel.model import run
from stpmodel.results import tabulate, total_notes
from stpmodel.scenario import parse_scenario
from stpmodel.services.iapt import ACCESS, ENGLAND_NEED, Iapt
from stpmodel.services.iapt.calibration import lognormal_waits, ratios
from stpmodel.services.iapt.section import nhse_shares

from .conftest import MINIMAL

# One footprint in a steady state: need = 0.1 × 1.2m = 120,000; 25% access = 30,000 entering a
# year = 2,500 a month; referrals × 0.5 entering = 2,500 a month joins the list; no backlog and
# ample staff, so nobody queues for a therapist.
STEADY = """\
name: steady
footprint: {code: E54000017, name: Birmingham and Solihull}
start: 2019-04
end: 2021-03
population: {adults: 1200000, growth: 0}
iapt:
  prevalence: 0.1
  access: 0.25
  referrals: 60000
  entry_rate: 0.5
  completion_rate: 0.6
  caseness_rate: 0.9
  recovery_rate: 0.5
  sessions_finished: 8
  sessions_not_finished: 1
  cost_per_session: 100
  wait_median_days: 0
  waiting_list: 0
  course_weeks: 7
  workforce: {wte: 10000, sessions_per_wte: 1000, recruitment: 0}
"""


def value(frame: pl.DataFrame, metric: str, period: str) -> float:
    row = frame.filter((pl.col("metric") == metric) & (pl.col("period") == period))
    assert row.height == 1, (metric, period)
    return float(row["value"][0])


def outturn() -> dict[tuple[str, str], float]:
    rows = baselines.iapt_outturn().filter(pl.col("preferred"))
    return {(y, m): float(v) for y, m, v in rows.select(
        "financial_year", "measure", "value").iter_rows()}


# --- need ------------------------------------------------------------------------------------


def test_need_is_nhs_englands_by_default_and_apms_only_when_asked():
    """Birmingham and Solihull (E54000017): NHS England's share of adults, from the bundled
    iapt_need.csv, × adults; with need_basis: apms2014, 0.17 × adults, which is larger."""
    share = nhse_shares()["E54000017"]
    text = MINIMAL.replace("  prevalence: 0.17\n", "")
    nhse = tabulate(run(parse_scenario(text)), "year")
    apms = tabulate(run(parse_scenario(text.replace("iapt:\n", "iapt:\n  need_basis: apms2014\n"))),
                    "year")
    assert value(nhse, "iapt_need", "2019/20") == pytest.approx(share * 1_000_000, rel=1e-12)
    assert value(apms, "iapt_need", "2019/20") == pytest.approx(170_000, rel=1e-12)
    assert total_notes(run(parse_scenario(text)))[0].startswith(
        "IAPT need: NHS England's prevalence denominator")


def test_englands_need_is_the_fyfvmh_denominator():
    """NHS England's denominator for England, 6,078,342 (Q1 2019/20's 289,582 entering ÷ Q4
    2018/19's quarterly access rate 0.0476416), is within 1.5% of the Five Year Forward View's
    6.0m (25% = 1.5m a year); APMS 2014's 17% of England's 46.1m adults would be 7.8m, 29% more."""
    need = baselines.iapt_need().filter(pl.col("footprint_code") == "E92000001").row(0, named=True)
    # the rate is shown to 7 places here, so the quotient is good to about ±2
    assert need["need"] == ENGLAND_NEED == pytest.approx(289_582 / 0.0476416, abs=2)
    assert ENGLAND_NEED / 6_000_000 == pytest.approx(1.0, abs=0.015)
    assert 0.17 * need["adults_16plus"] / ENGLAND_NEED == pytest.approx(1.29, abs=0.01)


def test_a_footprint_without_a_bundled_need_must_say_its_own():
    # An ICB with a new code (no STP of 2017 had its area), and a custom footprint
    text = MINIMAL.replace("  prevalence: 0.17\n", "").replace(
        "E54000017, name: Birmingham and Solihull", "E54000063, name: Surrey Heartlands ICB")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "s.yaml")
    assert "no NHS England need for footprint E54000063" in str(caught.value)
    parse_scenario(text.replace("iapt:\n", "iapt:\n  need_basis: apms2014\n"))  # this is fine
    # A custom footprint takes nothing from the bundle by its code, even a bundled code
    text = MINIMAL.replace("  prevalence: 0.17\n", "").replace(
        "name: Birmingham and Solihull", "name: My area, custom: true")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "s.yaml")
    assert ("no NHS England need for footprint E54000017 (custom: the bundled data are not "
            "used)") in str(caught.value)
    parse_scenario(text.replace("iapt:\n", "iapt:\n  need_basis: apms2014\n"))  # this is fine


# --- calibrated defaults ---------------------------------------------------------------------


def test_defaults_are_the_calibration_years_ratios():
    """Each ratio default is England's mean of 2018-19 and 2019-20 (the calibration years) from
    the bundled outturn, to 3 places; the wait defaults are the lognormal through both years'
    mean shares within 6 and 18 weeks, to 1 decimal and 2 places."""
    calibrated = ratios(outturn())
    fields = Iapt.model_fields
    for key in ("entry_rate", "completion_rate", "caseness_rate", "recovery_rate"):
        assert fields[key].default == round(calibrated[key], 3), key
    median, spread = lognormal_waits(calibrated["within_6_weeks"], calibrated["within_18_weeks"])
    assert fields["wait_median_days"].default == round(median, 1)
    assert fields["wait_spread"].default == round(spread, 2)


def test_the_lognormal_fit_passes_through_both_shares():
    median, spread = lognormal_waits(0.9, 0.99)

    def cdf(days: float) -> float:
        return 0.5 * math.erfc(-(math.log(days) - math.log(median)) / (spread * math.sqrt(2)))

    assert cdf(42) == pytest.approx(0.9, abs=1e-12)
    assert cdf(126) == pytest.approx(0.99, abs=1e-12)


# --- finishers, non-finishers, staff and cost ------------------------------------------------


def daily(per_month: float, first: date, last: date) -> list[float]:
    """A month's entries spread evenly over its days, day by day from ``first`` to ``last``."""
    out, day = [], first
    while day <= last:
        out.append(per_month / calendar.monthrange(day.year, day.month)[1])
        day += timedelta(days=1)
    return out


def test_finishers_and_non_finishers_have_their_own_sessions_and_cost():
    """Steady state: 2,500 enter a month (30,000 a year), spread over each month's days. In
    2020/21, 40% of the year's entries end after 1 session (12,000) and 60% finish 49 days after
    they start, so the year's finishers are 0.6 × the entries of the 365 days that begin 49 days
    before April 2020. A finishing course has 8 sessions spread over its 49 days, so the year's
    sessions are 12,000 × 1 + 8/49 × Σ over its days of the finishing courses in progress (each
    day, the last 49 days' finishing entries); cost at £100 a session. Staff: 30,000 × (0.6 × 8
    + 0.4 × 1) = 156,000 sessions a year ÷ 1,000 a WTE = 156 WTE."""
    start = date(2020, 4, 1) - timedelta(days=49)
    entries = daily(2500, start - timedelta(days=48), date(2021, 3, 31))  # 48 days of lead
    finishing = [0.6 * e for e in entries]
    finished = sum(finishing[48 : 48 + 365])
    in_progress = [sum(finishing[d + 49 - 48 : d + 49 + 1]) for d in range(48, 48 + 365)]
    sessions = 12_000 * 1 + 8 / 49 * sum(in_progress)
    frame = tabulate(run(parse_scenario(STEADY)), "year")
    assert value(frame, "iapt_entered", "2020/21") == pytest.approx(30_000, rel=1e-9)
    assert value(frame, "iapt_ended_unfinished", "2020/21") == pytest.approx(12_000, rel=1e-9)
    assert value(frame, "iapt_finished", "2020/21") == pytest.approx(finished, rel=1e-9)
    assert finished == pytest.approx(18_000, rel=0.005)  # month lengths move it a little
    assert value(frame, "iapt_sessions", "2020/21") == pytest.approx(sessions, rel=1e-9)
    assert value(frame, "iapt_cost", "2020/21") == pytest.approx(100 * sessions, rel=1e-9)
    assert value(frame, "iapt_wte_required", "2020/21") == pytest.approx(156, rel=1e-9)
    assert value(frame, "iapt_recovered", "2020/21") == pytest.approx(finished * 0.9 * 0.5,
                                                                      rel=1e-9)


def test_staff_limit_entries_through_sessions_per_course_entered():
    """120 WTE × 1,000 sessions ÷ 12 = 10,000 sessions a month; at 0.6 × 8 + 0.4 × 1 = 5.2
    sessions a course entered, 1,923.08 courses a month can start, not 2,500: access 19.23%."""
    frame = tabulate(run(parse_scenario(STEADY.replace("wte: 10000", "wte: 120"))), "year")
    assert value(frame, "iapt_access_rate", "2019/20") == pytest.approx(
        120 * 1000 / 5.2 / 120_000, rel=1e-9)


# --- waits -----------------------------------------------------------------------------------


def test_waits_with_no_queue_are_the_pathway_delay():
    """With nobody queued, the share of finished courses whose first treatment came within 6
    weeks is the lognormal delay's CDF at 42 days: median 11.7, spread 1.07."""
    text = STEADY.replace("wait_median_days: 0", "wait_median_days: 11.7\n  wait_spread: 1.07")
    frame = tabulate(run(parse_scenario(text)), "year")

    def cdf(days: float) -> float:
        return 0.5 * math.erfc(-(math.log(days) - math.log(11.7)) / (1.07 * math.sqrt(2)))

    assert value(frame, "iapt_within_6_weeks", "2020/21") == pytest.approx(cdf(42), abs=1e-9)
    assert value(frame, "iapt_within_18_weeks", "2020/21") == pytest.approx(cdf(126), abs=1e-9)


def test_waits_fall_smoothly_as_staff_fall_short():
    """The plan rises while staff are held: the queue grows month by month, and so each month's
    share within 6 weeks falls through values between, not from all to none at once."""
    text = STEADY.replace("wait_median_days: 0", "wait_median_days: 11.7\n  wait_spread: 1.07") \
        .replace("access: 0.25", "access: {2019-04: 0.25, 2019-10: 0.35}") \
        .replace("referrals: 60000", "referrals: {2019-04: 60000, 2019-10: 84000}") \
        .replace("wte: 10000", "wte: 160")
    frame = tabulate(run(parse_scenario(text)), "month")
    shares = frame.filter(pl.col("metric") == "iapt_within_6_weeks")["value"].to_list()
    between = [s for s in shares if 0.05 < s < 0.85]
    assert len(between) >= 4
    assert all(b <= a + 1e-9 for a, b in zip(shares[6:], shares[7:]))  # falls once short


# --- standards by year -----------------------------------------------------------------------


def test_2019_20_is_judged_on_its_fourth_quarter_run_rate():
    """Access rises from 15% to 23% by January 2020 and holds: the year's flow is below 22% but
    January to March run at 23% a year, so the 2019/20 standard is met on NHS England's rule;
    stopping at 21% misses it."""
    def frame(level: float) -> pl.DataFrame:
        text = STEADY.replace("access: 0.25", f"access: {{2019-04: 0.15, 2020-01: {level}}}") \
            .replace("referrals: 60000", "referrals: 80000")
        return tabulate(run(parse_scenario(text)), "year")

    met = frame(0.23)
    assert value(met, "iapt_access_rate", "2019/20") < 0.22
    assert value(met, "iapt_access_q4_run_rate", "2019/20") == pytest.approx(0.23, rel=1e-9)
    assert value(met, "standard_iapt_access_2019_20", "2019/20") == 1.0
    assert value(frame(0.21), "standard_iapt_access_2019_20", "2019/20") == 0.0
    blank = met.filter((pl.col("metric") == "standard_iapt_access_2019_20")
                       & (pl.col("period") == "2020/21"))["value"][0]
    assert blank is None  # 2019/20's rule only


def test_later_standards_are_nhs_englands_numbers_over_its_need():
    """2021/22: the dashboard's England targets 394,431 + 402,290 + 404,910 + 418,008 =
    1,619,639 over 6,078,342 = 26.65%; 2023/24: 1.9m ÷ 6,078,342 = 31.26%; 2022/23 unjudged."""
    rows = baselines.iapt_standards()
    england = rows.filter((pl.col("financial_year").str.starts_with("2021"))
                          & (pl.col("org_code") == "E92000001")
                          & (pl.col("measure") == "entered_treatment")
                          & (pl.col("period").str.starts_with("Q")))
    assert england["value"].sum() == pytest.approx(1_619_639, abs=1)
    assert dict(ACCESS) == {2020: 0.25, 2021: round(1_619_639 / 6_078_342, 4), 2022: None,
                            2023: round(1_900_000 / 6_078_342, 4), 2024: None}
    assert dict(ACCESS)[2021] == 0.2665 and dict(ACCESS)[2023] == 0.3126


def test_people_accessing_services_counts_what_services_declare():
    """IAPT declares its people entering treatment: with access rising from 25% to 30% of
    120,000 in May 2019, April has 2,500 entering and every later month 3,000, so 500 a month
    above the start, 11 × 500 = 5,500 in 2019/20; a scenario with no such service has no row."""
    text = STEADY.replace("access: 0.25", "access: {2019-04: 0.25, 2019-05: 0.30}") \
        .replace("referrals: 60000", "referrals: 80000").replace("wte: 10000", "wte: 100000")
    frame = tabulate(run(parse_scenario(text)), "year")
    assert value(frame, "people_accessing", "2019/20") == pytest.approx(2500 + 11 * 3000)
    assert value(frame, "people_accessing_above_start", "2019/20") == pytest.approx(5500)
