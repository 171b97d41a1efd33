"""Early intervention in psychosis: need, capacity and cost worked by hand, the 2-week share
against the lognormal CDF, the standard year by year, and the baselines against the Mental
Health Dashboard's published EIP(i_a) (stpmodel/data/SOURCES.md)."""

from __future__ import annotations

import calendar
import math
import re
from datetime import date, timedelta

import polars as pl
import pytest

from stpmodel import baselines, reference
from stpmodel.model import run
from stpmodel.newscenario import build_scenario
from stpmodel.results import tabulate
from stpmodel.scenario import parse_scenario
from stpmodel.services import BY_NAME, STANDARDS
from stpmodel.services.eip import KERNEL_ROWS, NCC_CONTACT, WITHIN_2_WEEKS, median_for

# One footprint in a steady state: need = 40 per 100,000 × 600,000 = 240 new first episodes a
# year (20 a month); access 1, so 20 a month start care; referrals 480 a year × 0.5 = 20 a month
# join the list. Care lasts 24 months (730 days) with 4 contacts a month (96 a person); a care
# coordinator holds 12 people, so capacity = WTE × 12 ÷ 24 people starting a month.
STEADY = """\
name: steady
footprint: {code: E54000037, name: Devon}
start: 2019-04
end: 2022-03
population: {adults: 1000000, growth: 0}
eip:
  population: 600000
  incidence: 40
  access: 1
  referrals: 480
  entry_rate: 0.5
  waiting_list: 0
  care_months: 24
  contacts_per_month: 4
  wait_median_days: 0
  wait_spread: 0
  workforce: {wte: 1000, caseload: 12, recruitment: 0}
"""


def value(frame: pl.DataFrame, metric: str, period: str) -> float | None:
    row = frame.filter((pl.col("metric") == metric) & (pl.col("period") == period))
    assert row.height == 1, (metric, period)
    return row["value"][0]


def by_year(text: str) -> pl.DataFrame:
    return tabulate(run(parse_scenario(text)), "year")


def cdf(days: float, median: float, spread: float) -> float:
    """The lognormal CDF, written out: Φ((ln days − ln median) ÷ spread)."""
    return 0.5 * math.erfc(-(math.log(days) - math.log(median)) / (spread * math.sqrt(2)))


def test_rows_are_the_waiting_list_kernels_outputs_in_order():
    from stpmodel.kernels import waiting_list as k

    assert len(KERNEL_ROWS) == k.N_OUTPUTS
    for row, index in (("need", k.O_NEED), ("entered", k.O_ENTERED),
                       ("entered_within_2", k.O_ENTERED_WITHIN_6), ("waiting", k.O_WAITING),
                       ("waiting_over_2", k.O_WAITING_OVER_6), ("capacity", k.O_CAPACITY),
                       ("wte_required", k.O_WTE_REQUIRED), ("contacts", k.O_SESSIONS),
                       ("cost", k.O_COST)):
        assert KERNEL_ROWS[index] == row


def test_need_is_incidence_times_the_age_bands_population():
    frame = by_year(STEADY)
    assert value(frame, "eip_need", "2019/20") == pytest.approx(40 / 100_000 * 600_000, rel=1e-12)
    assert value(frame, "eip_entered", "2019/20") == pytest.approx(240, rel=1e-9)
    assert value(frame, "eip_access_rate", "2019/20") == pytest.approx(1.0, rel=1e-9)


def test_capacity_is_wte_times_caseload_over_the_time_in_care():
    """30 WTE × 12 people ÷ 24 months = 15 people can start a month, not the 20 planned: access
    15 × 12 ÷ 240 = 75%. The plan needs 20 × 24 ÷ 12 = 40 WTE."""
    frame = by_year(STEADY.replace("wte: 1000", "wte: 30"))
    assert value(frame, "eip_access_rate", "2019/20") == pytest.approx(0.75, rel=1e-9)
    assert value(frame, "eip_wte_required", "2019/20") == pytest.approx(40, rel=1e-9)
    assert value(frame, "eip_wte_available", "2019/20") == pytest.approx(30, rel=1e-9)


def test_cost_is_contacts_times_the_national_cost_collections_price():
    """Each day's starters (20 ÷ the month's days) stay 730 days, with 96 contacts spread evenly
    over them: a day's contacts are 96/730 × the people in care that day. Before the run starts,
    people are taken to have started at April 2019's daily rate (20/30). The 2020/21 sum is
    close to the round figure: 480 people in care × 4 contacts × 12 months = 23,040."""
    first = date(2019, 4, 1)

    def starters(d: int) -> float:
        if d < 0:
            return 20 / 30
        day = first + timedelta(days=d)
        return 20 / calendar.monthrange(day.year, day.month)[1]

    year = range((date(2020, 4, 1) - first).days, (date(2021, 4, 1) - first).days)
    contacts = sum(96 / 730 * sum(starters(s) for s in range(d - 729, d + 1)) for d in year)
    assert contacts == pytest.approx(23_040, rel=0.005)
    frame = by_year(STEADY)
    assert value(frame, "eip_contacts", "2020/21") == pytest.approx(contacts, rel=1e-9)
    assert value(frame, "eip_cost", "2020/21") == pytest.approx(contacts * 314.44, rel=1e-9)
    assert NCC_CONTACT == round(298_475_225.9273628 / 949_235, 2)  # the NCC's cost ÷ activity


def test_the_2_week_share_with_no_queue_is_the_lognormal_cdf_at_14_days():
    text = STEADY.replace("wait_median_days: 0", "wait_median_days: 9") \
        .replace("wait_spread: 0", "wait_spread: 0.8")
    frame = by_year(text)
    for year in ("2019/20", "2020/21"):
        assert value(frame, "eip_within_2_weeks", year) == pytest.approx(cdf(14, 9, 0.8),
                                                                         abs=1e-9)
    assert median_for(cdf(14, 9, 0.8), 0.8) == pytest.approx(9, rel=1e-9)


def test_the_2_week_share_falls_when_care_coordinators_are_short():
    text = STEADY.replace("wait_median_days: 0", "wait_median_days: 9") \
        .replace("wait_spread: 0", "wait_spread: 0.8").replace("wte: 1000", "wte: 38")
    frame = by_year(text)
    assert value(frame, "eip_within_2_weeks", "2020/21") < cdf(14, 9, 0.8) - 0.05
    assert value(frame, "eip_waiting_list", "2020/21") > 0


# --- the standard by year --------------------------------------------------------------------


def test_the_standard_is_56_percent_in_2019_20_and_60_percent_from_2020_21():
    standard = next(s for s in STANDARDS if s.name == "eip_2_weeks")
    assert standard.thresholds == WITHIN_2_WEEKS
    assert [standard.threshold(y) for y in (2016, 2017, 2018, 2019, 2020, 2021, 2023)] == [
        None, 0.50, None, 0.56, 0.60, 0.60, 0.60]
    assert BY_NAME["eip_within_2_weeks"].denominator == "entered"


def test_58_percent_meets_2019_20_and_misses_2020_21():
    median = round(median_for(0.58, 1.0), 6)  # 14 × exp(−Φ⁻¹(0.58)) = 11.44 days
    text = STEADY.replace("wait_median_days: 0", f"wait_median_days: {median}") \
        .replace("wait_spread: 0", "wait_spread: 1")
    frame = by_year(text)
    assert value(frame, "eip_within_2_weeks", "2019/20") == pytest.approx(0.58, abs=1e-6)
    assert value(frame, "standard_eip_2_weeks", "2019/20") == 1.0
    assert value(frame, "standard_eip_2_weeks", "2020/21") == 0.0
    assert value(frame, "standard_eip_2_weeks", "2021/22") == 0.0


# --- baselines -------------------------------------------------------------------------------


def test_englands_baseline_is_the_published_68_2_percent():
    assert round(baselines.eip_within_2_weeks("E92000001"), 3) == 0.682


def test_every_footprint_has_a_baseline_and_the_stp_rows_are_the_dashboards():
    table = baselines.eip_baseline()
    assert table["footprint_code"].to_list() == ["E92000001", *[f"E540000{n:02d}"
                                                                for n in range(5, 49)]]
    assert table["within_2_weeks"].null_count() == 0
    assert (table["method"] == "dashboard").sum() == 38  # England and 37 STP rows
    # published STP rows, to 2 places: Devon (QJK) 0.63, Lincolnshire (QJM) 0.09
    assert baselines.eip_within_2_weeks("E54000037") == 0.63
    assert baselines.eip_within_2_weeks("E54000013") == 0.09


def test_the_calibrated_median_gives_every_footprint_its_published_share():
    """What `new` writes (the median to 3 places, the borrowed spread 1.07) puts each footprint's
    share within 2 weeks, with no queue, on the dashboard's, within rounding."""
    for code, share in zip(*baselines.eip_baseline().select("footprint_code",
                                                              "within_2_weeks")):
        median = round(median_for(share, 1.07), 3)
        assert cdf(14, median, 1.07) == pytest.approx(share, abs=0.0005), code


def test_new_writes_a_baseline_equal_to_the_dashboards_for_every_footprint():
    """`new`'s EIP section, run on its own: each year's share within 2 weeks is the footprint's
    published Q4 2021/22 share, within rounding (referrals are rounded down, so nobody
    queues)."""
    for fp in reference.footprints():
        text = build_scenario(fp)
        eip = re.search(r"\neip:\n(?:(?:  .*|)\n)+", text).group(0)
        population = re.search(r"\npopulation:\n(?:  .*\n)+", text).group(0)
        head = (f"name: x\nfootprint: {{code: {fp.code}, name: \"{fp.name}\"}}\nstart: 2019-04\n"
                "end: 2024-03\n")
        frame = by_year(head + population + eip)
        share = baselines.eip_within_2_weeks(fp.code)
        for year in ("2019/20", "2023/24"):
            assert value(frame, "eip_within_2_weeks", year) == pytest.approx(share, abs=0.0005), (
                fp.code, year)


def test_the_template_says_how_each_footprints_share_was_read():
    """stpmodel/data/eip_baseline.csv: Devon's share is the dashboard's own row (method
    dashboard); West Yorkshire's is its CCG 2021 rows weighted by adults (ccg21_weighted)."""
    from stpmodel.services.eip import plan_for

    assert plan_for("E54000037").basis == "the dashboard's row for E54000037"
    assert plan_for("E54000005").basis == "E54000005's CCG 2021 rows weighted by adults 16+"
