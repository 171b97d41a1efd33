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
  basic_wte_per_team: 14
  core_wte_per_team: 24
  cost_per_wte: 55000
"""


def value(frame, metric, period, column="value"):
    row = frame.filter((frame["metric"] == metric) & (frame["period"] == period))
    assert row.height == 1, (metric, period)
    return row[column][0]


def test_crisis_teams_hand_worked():
    """1.5m people, one team per 150,000: 10 teams. From May 2019 all are 24/7 (24 WTE each):
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
    """The shipped plan: OAP days and cost fall to zero from 2022/23 in the central draw and in
    the 95th percentile of 40 draws; the stalled variant still places thousands of bed days
    out of area every year."""
    plan = load("end-oaps.yaml")
    central = tabulate(run(plan), "year")
    spread = tabulate(run(plan.with_overrides(draws=40)), "year")
    first = value(central, "oap_bed_days", "2019/20")
    assert first > 5000  # OAPs today (846 days in February 2017 alone)
    for year in ("2022/23", "2023/24"):
        assert value(central, "oap_bed_days", year) == 0
        assert value(central, "oap_cost", year) == 0
        assert value(spread, "oap_bed_days", year, "p95") == 0
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


def test_cutting_beds_sharply_keeps_occupancy_at_most_one():
    """Issue 18: end-oaps.yaml with its beds cut from 240 to 120 in April 2021 and to 10 in April
    2022 gave a monthly occupancy of 1.09 and 13.45. The patients a cut leaves without a bed now
    go out of area: occupancy is at most 1 every month, and above 0.8 after each cut (2,400
    admissions a year × 32–38 days, less 14% once crisis teams are 24/7, is about 190 beds of
    load; the patients kept are those due out soonest, so beds turn over fast just after a cut),
    and local + out-of-area bed days are those of the same patients without the cut (common
    random numbers), month by month."""
    text = (SCENARIOS / "end-oaps.yaml").read_text(encoding="utf-8")
    cut = text.replace("beds: {2019-04: 225, 2020-04: 240}",
                       "beds: {2019-04: 225, 2020-04: 240, 2021-04: 120, 2022-04: 10}")
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
