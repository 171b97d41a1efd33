"""Inpatient beds, OAPs and crisis teams through the whole pipeline."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from stpmodel.model import run
from stpmodel.results import tabulate
from stpmodel.scenario import parse_scenario

from .conftest import ROOT, SCENARIOS

CRISIS = """\
name: crisis arithmetic
footprint: {code: E54000037, name: Devon}
start: 2019-04
end: 2020-03
population: {adults: 1200000, total: 1500000, growth: 0}
inpatient:
  admissions: 2400
  los_days: 30
  los_cv: 1
  beds: 1000
crisis:
  basic_coverage: {2019-04: 1, 2019-05: 0}
  core_coverage: {2019-04: 0, 2019-05: 1}
  basic_effect: 0.10
  core_effect: 0.23
  build_up_months: 0
  basic_wte_per_team: 14
  core_wte_per_team: 24
  cost_per_wte: 55000
"""


def value(frame, metric, period, column="value"):
    row = frame.filter((frame["metric"] == metric) & (frame["period"] == period))
    assert row.height == 1, (metric, period)
    return row[column][0]


def test_crisis_teams_hand_worked():
    """Glover et al. 2006's point effects, taking effect at once (build_up_months 0).
    1.5m people, one team per 150,000: 10 teams. From May 2019 all are 24/7 (24 WTE each):
    240 WTE; in April all are basic (14 WTE): 140 WTE.
    Cost: (140 + 11 × 240) WTE-months × £55,000 / 12 = £12,741,666.67 for the year.
    Admissions fall relative to April's cover: × (1 − 0.23) / (1 − 0.10) = 0.85556 from May.
    2,400 a year arrive at 2,400 / 365.25 a day; May to March 2020 has 336 days (a leap
    February), so 2,400 × 336 / 365.25 × (1 − 0.85556) = 318.90 are avoided in 2019/20."""
    frame = tabulate(run(parse_scenario(CRISIS)), "year")
    assert value(frame, "crisis_wte", "2019/20") == pytest.approx(240.0)
    assert value(frame, "crisis_cost", "2019/20") == pytest.approx((140 + 11 * 240) * 55000 / 12)
    avoided = 2400 * 336 / 365.25 * (1 - 0.77 / 0.90)
    assert value(frame, "crisis_admissions_avoided", "2019/20") == pytest.approx(avoided)
    # and the simulated admissions follow: 2,400 × 366/365.25 − 318 expected, noise ≈ ±46
    expected = 2400 * 366 / 365.25 - avoided
    assert abs(value(frame, "mh_admissions", "2019/20") - expected) < 4 * expected ** 0.5


def test_a_scenario_reports_only_its_services():
    frame = tabulate(run(parse_scenario(CRISIS)), "year")
    metrics = set(frame["metric"].to_list())
    assert "oap_bed_days" in metrics and "crisis_wte" in metrics
    assert not any(m.startswith("iapt_") for m in metrics)


def test_end_oaps_ends_them_and_the_stalled_plan_does_not():
    """The shipped plan: OAP days and cost fall to zero from 2022/23 in the central draw. The
    crisis effects are uncertain, from none to Glover's, so over 40 draws OAPs end in some and
    not in others: the probability of meeting the standard is strictly between 0 and 1. The
    stalled variant still places thousands of bed days out of area every year."""
    plan = load("end-oaps.yaml")
    central = tabulate(run(plan), "year")
    spread = tabulate(run(plan.with_overrides(draws=40)), "year")
    first = value(central, "oap_bed_days", "2019/20")
    assert first > 5000  # OAPs today (846 days in February 2017 alone)
    for year in ("2022/23", "2023/24"):
        assert value(central, "oap_bed_days", year) == 0
        assert value(central, "oap_cost", year) == 0
        assert value(spread, "oap_bed_days", year, "p50") == 0
        assert 0.2 < value(spread, "standard_oaps_ended", year, "mean") < 0.9
    stalled = tabulate(run(load("end-oaps-stalled.yaml").with_overrides(draws=40)), "year")
    for year in ("2019/20", "2021/22", "2023/24"):
        assert value(stalled, "oap_bed_days", year, "p05") > 2000


def load(name):
    from stpmodel.scenario import load_scenario

    return load_scenario(SCENARIOS / name)


def test_same_seed_gives_identical_csv_whatever_the_thread_count(tmp_path):
    """With uncertain values too: each draw's parameters and streams do not depend on which
    thread runs it."""
    scenario = tmp_path / "uncertain.yaml"
    scenario.write_text((SCENARIOS / "end-oaps.yaml").read_text().replace(
        "  los_cv: 1.0", "  los_cv: {uniform: [0.8, 1.2]}"))
    outputs = []
    for threads in ("1", "2"):
        target = tmp_path / f"threads-{threads}.csv"
        env = {**os.environ, "NUMBA_NUM_THREADS": threads}
        done = subprocess.run(
            [sys.executable, "-m", "stpmodel", "run", str(scenario),
             "--draws", "8", "--by", "month", "-o", str(target)],
            capture_output=True, text=True, cwd=ROOT, env=env)
        assert done.returncode == 0, done.stderr
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 10_000


# --- crisis effects as the evidence stands -----------------------------------------------------


def test_the_default_crisis_effects_run_from_none_to_glovers():
    """Uniform from no effect (Jacobs & Barrenho 2011) to Glover et al. 2006's −10% and −23%:
    one draw takes the medians, 0.05 and 0.115."""
    from stpmodel.services.crisis import Crisis

    crisis = parse_scenario(CRISIS.replace("  basic_effect: 0.10\n  core_effect: 0.23\n", "")
                            ).crisis
    assert crisis.basic_effect.describe() == "{uniform: [0, 0.1]}"
    assert crisis.core_effect.describe() == "{uniform: [0, 0.23]}"
    assert crisis.basic_effect.median() == pytest.approx(0.05)
    assert crisis.core_effect.median() == pytest.approx(0.115)
    assert Crisis.model_fields["build_up_months"].is_required()


def test_cover_builds_up_linearly_over_the_stated_months():
    """Cover moves from basic to 24/7 in May 2019 with a 4-month build-up: the effect the 24/7
    cover has is 1/4, 2/4, 3/4 and then all of its full effect in May, June, July and August,
    and basic cover's fades the same way. So May's admissions are × (1 − (0.75 × 0.10 + 0.25
    × 0.23)) ÷ (1 − 0.10) = 0.8528 of April's cover's; from August × 0.77 ÷ 0.90."""
    text = CRISIS.replace("build_up_months: 0", "build_up_months: 4")
    frame = tabulate(run(parse_scenario(text)), "month")
    held = 2400 / 365.25  # a day, with April's cover
    for month, share in (("2019-05", 0.25), ("2019-06", 0.5), ("2019-07", 0.75),
                         ("2019-08", 1.0)):
        days = {"2019-05": 31, "2019-06": 30, "2019-07": 31, "2019-08": 31}[month]
        effect = (1 - share) * 0.10 + share * 0.23
        avoided = held * days * (1 - (1 - effect) / (1 - 0.10))
        assert value(frame, "crisis_admissions_avoided", month) == pytest.approx(avoided)
    # staff follow the cover at once
    assert value(frame, "crisis_wte", "2019-05") == pytest.approx(240.0)


# --- beds cost money -----------------------------------------------------------------------

BEDS = """\
name: bed costs
footprint: {code: E54000037, name: Devon}
start: 2019-04
end: 2020-03
population: {adults: 1200000, growth: 0}
inpatient:
  admissions: 2400
  los_days: 30
  los_cv: 1
  beds: {2019-04: 200, 2019-10: 210}
  capital_per_new_bed: 50000
  open_bed_day_cost: 600
finance: {}
"""


def test_open_beds_cost_money_and_new_ones_capital():
    """200 beds April–September (183 days) and 210 October–March (183 days, a leap February):
    (200 × 183 + 210 × 183) × £600 = £45,018,000. Ten beds opened in October × £50,000 =
    £500,000 of capital. Investment counts both above April's rate a day (a bed costs by the
    day it is open, so months of other lengths add nothing): the 10 beds' £600 a day for 183
    days, £1,098,000, and the £500,000."""
    frame = tabulate(run(parse_scenario(BEDS)), "year")
    assert value(frame, "mh_bed_cost", "2019/20") == pytest.approx((200 + 210) * 183 * 600)
    assert value(frame, "mh_bed_capital", "2019/20") == pytest.approx(10 * 50_000)
    assert value(frame, "investment", "2019/20") == pytest.approx(10 * 600 * 183 + 500_000)


def test_closing_beds_releases_their_cost():
    """Closing 20 of 200 beds from October: 20 × £600 × 183 days = £2,196,000 less spend, cash
    released: investment −£2,196,000."""
    text = BEDS.replace("{2019-04: 200, 2019-10: 210}", "{2019-04: 200, 2019-10: 180}")
    frame = tabulate(run(parse_scenario(text)), "year")
    assert value(frame, "mh_bed_capital", "2019/20") == 0
    assert value(frame, "investment", "2019/20") == pytest.approx(-20 * 600 * 183)


# --- beds for a target share out of area ------------------------------------------------------


def test_inverse_erlang_agrees_with_scipy():
    """Erlang B through Poisson: B(a, c) = P(N = c) ÷ P(N ≤ c) for N ~ Poisson(a); the beds
    for a target are the fewest c with B ≤ target, so c − 1 beds must miss it."""
    import numpy as np
    from scipy.stats import poisson

    from stpmodel.kernels.erlang import beds_for_share, erlang_b

    loads = np.array([0.5, 12.0, 97.3, 250.0, 640.0])
    for c in (1, 10, 100, 300):
        assert erlang_b(loads, c) == pytest.approx(poisson.pmf(c, loads) / poisson.cdf(c, loads),
                                                   rel=1e-9, abs=1e-300)
    for target in (0.001, 0.01, 0.05):
        beds = beds_for_share(loads, target)
        for load, c in zip(loads, beds):
            assert poisson.pmf(c, load) / poisson.cdf(c, load) <= target
            assert poisson.pmf(c - 1, load) / poisson.cdf(c - 1, load) > target


def test_beds_for_an_oap_target_in_the_results():
    """2,400 admissions a year × 30 days = 197.1 beds of offered load (2,400 × 30 ÷ 365.25).
    One pool: the beds that keep 1% of admissions out of area are the inverse Erlang B of that
    load, the same every month. In the default pools of 107 beds, 200 beds are round(200 ÷ 107)
    = 2 pools, each offered half the load: 2 × the beds one pool needs for it."""
    from stpmodel.kernels.erlang import beds_for_share

    text = BEDS.replace("  capital_per_new_bed", "  oap_target_share: 0.01\n  capital_per_new_bed")
    one_pool = text.replace("  capital_per_new_bed", "  pool_beds: 1000\n  capital_per_new_bed")
    frame = tabulate(run(parse_scenario(one_pool)), "year")
    load = 2400 * 30 / 365.25
    assert value(frame, "beds_for_oap_target", "2019/20") == beds_for_share(load, 0.01)
    pooled = tabulate(run(parse_scenario(text)), "year")
    assert value(pooled, "beds_for_oap_target", "2019/20") == 2 * beds_for_share(load / 2, 0.01)
    assert 2 * beds_for_share(load / 2, 0.01) > beds_for_share(load, 0.01)
    assert "beds_for_oap_target" not in set(tabulate(run(parse_scenario(BEDS)), "year")["metric"])


def test_cutting_beds_sharply_keeps_occupancy_at_most_one():
    """Issue 18: end-oaps.yaml with its beds cut from 255 to 120 in April 2021 and to 10 in April
    2022 gave a monthly occupancy of 1.09 and 13.45. The patients a cut leaves without a bed now
    go out of area: occupancy is at most 1 every month, and above 0.8 after each cut (2,400
    admissions a year × 32–38 days, less up to 14% once crisis teams are 24/7, is about 200 beds of
    load; the patients kept are those due out soonest, so beds turn over fast just after a cut),
    and local + out-of-area bed days are those of the same patients without the cut (common
    random numbers), month by month."""
    text = (SCENARIOS / "end-oaps.yaml").read_text(encoding="utf-8")
    cut = text.replace("beds: {2019-04: 225, 2020-04: 255}",
                       "beds: {2019-04: 225, 2020-04: 255, 2021-04: 120, 2022-04: 10}")
    assert cut != text
    kept = tabulate(run(parse_scenario(text).with_overrides(draws=4)), "month")
    cut_frame = tabulate(run(parse_scenario(cut).with_overrides(draws=4)), "month")
    months = [p for p in cut_frame["period"].unique().sort() if p >= "2021-04"]
    assert len(months) == 36
    for month in months:
        top = value(cut_frame, "mh_occupancy", month, "p95")
        low = value(cut_frame, "mh_occupancy", month, "p05")
        assert 0.8 < low <= top <= 1.0 + 1e-9, (month, low, top)
    rows = ("mh_occupied_bed_days", "oap_bed_days")
    for month in cut_frame["period"].unique():
        total = sum(value(cut_frame, row, month, "mean") for row in rows)
        held = sum(value(kept, row, month, "mean") for row in rows)
        assert total == pytest.approx(held, rel=1e-6), month
    assert value(cut_frame, "oap_bed_days", "2021-04", "mean") > value(
        kept, "oap_bed_days", "2021-04", "mean")


def test_a_crisis_staffing_shortfall_raises_admissions():
    """The hand-worked case above, but only the 140 WTE of April's basic teams are in post, and
    none can be recruited (recruitment 0, no leavers, no training lag). From May the 24/7 cover
    needs 240 WTE, so 140 / 240 = 0.58333 of it is delivered: the effect is 0.58333 × 0.23 =
    0.134167, and admissions are × (1 − 0.134167) / (1 − 0.10) = 0.962037 of April's cover's.
    Avoided: 2,400 × 336 / 365.25 × (1 − 0.962037) = 83.81, against 318.90 fully staffed, so
    the shortfall raises expected admissions by 235.09 in 2019/20. The gap at March is 240 −
    140 = 100 WTE, and the cost is the staff in post: 140 × £55,000 = £7.7m."""
    text = CRISIS + "  workforce: {in_post: 140, recruitment: 0, leaver_rate: 0, " \
                    "training_months: 0}\n"
    short = tabulate(run(parse_scenario(text)), "year")
    full = tabulate(run(parse_scenario(CRISIS)), "year")
    days = 2400 * 336 / 365.25
    effect = 140 / 240 * 0.23
    avoided_short = days * (1 - (1 - effect) / (1 - 0.10))
    avoided_full = days * (1 - 0.77 / 0.90)
    assert avoided_short == pytest.approx(83.81, abs=0.005)
    assert avoided_full - avoided_short == pytest.approx(235.09, abs=0.01)
    assert value(short, "crisis_admissions_avoided", "2019/20") == pytest.approx(avoided_short)
    assert value(full, "crisis_admissions_avoided", "2019/20") == pytest.approx(avoided_full)
    assert value(short, "crisis_wte_gap", "2019/20") == pytest.approx(100)
    assert value(short, "crisis_wte_in_post", "2019/20") == pytest.approx(140)
    assert value(short, "crisis_cost", "2019/20") == pytest.approx(140 * 55_000)
    assert value(full, "crisis_wte_gap", "2019/20") == 0


def test_crisis_staff_recruited_leave_and_train():
    """From 140 WTE in post, recruiting at most 24 WTE a year (2 a month), a 12% leaver rate (1%
    a month) and a 2-month training lag, towards 240 required from May. Hiring in month k
    arrives in month k + 2; the gap is far above 2 a month, so 2 are hired each month from May
    (k = 1). In post: May 140 × 0.99 = 138.6; June 138.6 × 0.99 = 137.214; July 137.214 × 0.99
    + 2 = 137.84186 (May's hires arrive)."""
    text = CRISIS + "  workforce: {in_post: 140, recruitment: 24, leaver_rate: 0.12, " \
                    "training_months: 2}\n"
    frame = tabulate(run(parse_scenario(text)), "month")
    assert value(frame, "crisis_wte_in_post", "2019-04") == pytest.approx(140)
    assert value(frame, "crisis_wte_in_post", "2019-05") == pytest.approx(138.6)
    assert value(frame, "crisis_wte_in_post", "2019-06") == pytest.approx(137.214)
    assert value(frame, "crisis_wte_in_post", "2019-07") == pytest.approx(137.84186)
