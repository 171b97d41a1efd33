"""The national scenario, scenarios/england-ltp.yaml: all 44 STP footprints of April 2017.

It must be exactly what tools/build_england_scenario.py writes, validate, run, and report an
England total (E92000001) that is its footprints' figures added up the way the design says:
flows and stocks summed, rates recomputed from summed numerators and denominators. The scenario
runs with one draw, and a full national run takes about a second, so it is run whole.
"""

from __future__ import annotations

import calendar
import io
import math
import subprocess
import sys

import polars as pl
import pytest
from typer.testing import CliRunner

from stpmodel.cli import app
from stpmodel.scenario import load_scenario
from stpmodel.services import BY_NAME, metrics_for

from .conftest import ROOT, SCENARIOS

SCENARIO = SCENARIOS / "england-ltp.yaml"
TOOL = ROOT / "tools" / "build_england_scenario.py"
CODES = [f"E540000{n:02d}" for n in range(5, 49)]
ENGLAND = "E92000001"
YEARS = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]

runner = CliRunner()


def run_csv(*args: str) -> pl.DataFrame:
    """One draw (the file ships with 100): the sums and recomputed rates checked here hold on
    every sample path, and one draw gives a plain value column."""
    result = runner.invoke(app, ["run", str(SCENARIO), "-f", "csv", "--draws", "1", *args])
    assert result.exit_code == 0, result.output
    return pl.read_csv(io.StringIO(result.stdout), schema_overrides={"value": pl.Float64})


@pytest.fixture(scope="module")
def by_year() -> pl.DataFrame:
    return run_csv()


@pytest.fixture(scope="module")
def by_month() -> pl.DataFrame:
    return run_csv("--by", "month")


def table(frame: pl.DataFrame, metric: str) -> dict[tuple[str, str], float]:
    """(footprint_code, period) → value of one metric."""
    rows = frame.filter(pl.col("metric") == metric)
    return {(r["footprint_code"], r["period"]): r["value"] for r in rows.iter_rows(named=True)}


def fy_of(month: str) -> str:
    year, mm = int(month[:4]), int(month[5:])
    start = year if mm >= 4 else year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def days_in(month: str) -> int:
    return calendar.monthrange(int(month[:4]), int(month[5:]))[1]


def erlang_b(a: float, c: int) -> float:
    """Erlang's loss formula B(a, c) [fraction of arrivals lost] by its recursion:
    B(a, 0) = 1; B(a, n) = aB(a, n−1) ÷ (n + aB(a, n−1))."""
    b = 1.0
    for n in range(1, c + 1):
        b = a * b / (n + a * b)
    return b


def test_the_shipped_file_is_what_the_tool_writes(tmp_path):
    """Rebuilding from the bundled reference gives the shipped bytes, so the two cannot drift:
    after changing the tool (or the reference), run it again and commit both."""
    out = tmp_path / "england-ltp.yaml"
    subprocess.run([sys.executable, str(TOOL), "-o", str(out)], check=True, cwd=tmp_path)
    assert out.read_bytes() == SCENARIO.read_bytes(), (
        "scenarios/england-ltp.yaml is not what tools/build_england_scenario.py writes; run "
        "`.venv/bin/python tools/build_england_scenario.py`")


def test_it_validates_and_lists_the_44_footprints():
    result = runner.invoke(app, ["validate", str(SCENARIO)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{SCENARIO}: ok\n"
    scenario = load_scenario(SCENARIO)
    assert [m.footprint.code for m in scenario.members] == CODES
    assert scenario.n_draws == 100  # so that each standard is a probability
    assert scenario.services == ("iapt", "crisis", "inpatient", "perinatal", "cyp", "eip",
                                 "finance")  # registry order
    for member in scenario.members:  # each footprint starts from its own 2018-19 access and
        # follows NHS England's standards (26.65% and 31.26% rounded up to 0.1%)
        today = member.iapt.access.values[0]
        assert member.iapt.access.values[1:] == tuple(max(v, today)
                                                      for v in (0.22, 0.25, 0.267, 0.313))
        assert member.iapt.waiting_list == 0


def test_devon_by_hand():
    """Devon's block, worked by hand from its published figures (stpmodel/data): 1,022,155 adults
    (16+, ONS mid-2021), growth 0.76% a year, need 0.12396 of adults on NHS England's basis
    (stpmodel/data/iapt_need.csv), 34,460 IAPT referrals in 2018-19 (NHS Digital), and its
    inpatient baseline as tests/test_inpatient_calibration.py works it out."""
    devon = {m.footprint.code: m for m in load_scenario(SCENARIO).members}["E54000037"]
    need = 0.12396 * 1_022_155  # 126,706.33
    entering = 34_460 * 0.679  # 23,398.34 a year
    assert entering / need == pytest.approx(0.18467, abs=1e-5)
    # today's, rounded down; then the standards, 26.65% and 31.26% rounded up
    assert devon.iapt.access.values == (0.184, 0.22, 0.25, 0.267, 0.313)
    # 22% of need, grown 9 months, ÷ 0.679 entering = 41,287.38 referrals; up to the hundred
    assert 0.22 * need * 1.0076 ** (9 / 12) / 0.679 == pytest.approx(41_287.38, abs=0.01)
    assert devon.iapt.referrals.values[:2] == (34_460, 41_300)
    sessions = 0.531 * 6.9 + 0.469 * 1  # 4.1329 a course entered
    assert devon.iapt.workforce.wte == 96.8  # 23,398.34 × 4.1329 ÷ 1,000 = 96.70, up
    # the steepest rise in the WTE the plan needs is March to April 2020, 24% to 25% of need
    # (22% in January + 2 × 1% a month): 12 × that month's rise, rounded up
    rise = (0.25 * 1.0076 - 0.24 * 1.0076 ** (11 / 12)) * need * sessions / 1000
    assert 12 * rise == pytest.approx(64.28, abs=0.01)
    assert devon.iapt.workforce.recruitment.values[0] == 65
    # 281.6 KH03 beds × 0.5601 = 157.7 → 158, in 2 pools of 79, with 220.15 beds' worth of
    # admissions offered a day (the load that places its 24,245 OAP bed days of 2018/19):
    # 220.15 × 365.25 ÷ 35 = 2,297.4
    assert devon.inpatient.beds.values == (158,)
    assert devon.inpatient.pool_beds == 90
    assert 365 * 220.147 * erlang_b(220.147 / 2, 79) == pytest.approx(24_245, rel=1e-4)
    assert devon.inpatient.admissions == 2297


def test_devons_perinatal_cyp_and_eip_by_hand():
    """Devon's perinatal, CYP and EIP values, worked by hand from its bundled baselines, are
    what `stpmodel new --footprint Devon` writes (and scenarios/ltp-footprint.yaml copies):
    - perinatal: 717.0 women accessing (PMH(i.a), Q4 2021/22) ÷ 10,030 births (persons aged 0,
      mid-2021) = 0.071486, to 5 places 0.07149; the plan 66,000 ÷ 579,361 = 0.1139; staff at 40
      women a WTE, grown 1.0076^(59/12) = 1.0380 to March 2024: 717 × 1.0380 ÷ 40 = 18.61 → 18.7
      today and 10,030 × 0.1139 × 1.0380 ÷ 40 = 29.65 → 29.7 for the plan (up to 0.1);
    - CYP: 12,140 with 1+ contacts in 2021-22 ÷ (0.128 × 221,742 = 28,382.98) = 0.427721; staff
      12,140 ÷ 100 = 121.4 WTE;
    - EIP: people aged 14 to 65, 766,235; need 30 per 100,000 × 766,235 = 229.87 a year, so
      229.87 ÷ 0.5 = 459.7 → 459 referrals (down) and 229.87 ÷ 12 × 36 ÷ 15 = 45.97 → 46.0 WTE
      (up to 0.1); the median 14 × exp(−1.07 × Φ⁻¹(0.63)) = 9.816 days."""
    from statistics import NormalDist

    devon = {m.footprint.code: m for m in load_scenario(SCENARIO).members}["E54000037"]
    assert 717 / 10_030 == pytest.approx(0.071486, abs=1e-6)
    assert devon.perinatal.births == 10_030
    assert devon.perinatal.access.values == (0.07149, 0.07149, 0.1139)
    grown = 1.0076 ** (59 / 12)
    assert grown == pytest.approx(1.0380, abs=1e-4)
    assert 717 * grown / 40 == pytest.approx(18.61, abs=0.01)
    assert 10_030 * 0.1139 * grown / 40 == pytest.approx(29.65, abs=0.01)
    assert devon.perinatal.wte.values == (18.7, 18.7, 29.7)
    assert devon.perinatal.caseload == 40 and devon.perinatal.contacts_per_woman == 14.1
    assert 12_140 / (0.128 * 221_742) == pytest.approx(0.427721, abs=1e-6)
    assert devon.cyp.population == 221_742
    assert devon.cyp.access.values == (0.427721, 0.427721, 0.4552, 0.5791)
    assert devon.cyp.workforce.wte == 121.4
    need = 30 / 100_000 * 766_235
    assert need == pytest.approx(229.87, abs=0.01)
    assert devon.eip.population == 766_235
    assert devon.eip.referrals.values == (459,)
    assert devon.eip.workforce.wte == 46.0
    assert 14 * math.exp(-1.07 * NormalDist().inv_cdf(0.63)) == pytest.approx(9.816, abs=5e-4)
    assert devon.eip.wait_median_days == 9.816


def test_englands_first_year_reproduces_the_bundled_baselines(by_year):
    """England's first year (2019/20) of the new services against the bundled baselines
    (stpmodel.reference) summed over the 44 footprints:
    - perinatal women accessing and CYP with 1+ contacts: within 0.5% of the sums (43,998 women;
      660,995 CYP). Each footprint starts at its baseline; births and need then grow with the
      population over the year (about + g × 5.5 ÷ 12 on the year's mean, g ≈ 0.6% a year:
      +0.3%), and CYP access rises within the year to 35% where a footprint starts below it.
      The dashboard's own England figures differ from those sums (43,656 women, 0.8% fewer;
      674,485 CYP, 2.0% more), so England's first year is judged against the sums;
    - EIP within 2 weeks: every footprint's share is its published one (to the 3-place
      median: within 0.001), and England's is their mean weighted by the people starting care,
      Σ share × entered ÷ Σ entered. Those weights are the placeholder plan's (30 per 100,000
      aged 14 to 65), not the dashboard's caseloads, so England's share (69.5%) is not the
      published 68.19%: about 1.3 points above it."""
    from stpmodel import baselines

    first = YEARS[0]
    women = sum(float(baselines.perinatal_row(c)["women_accessing"]) for c in CODES)
    assert table(by_year, "perinatal_accessing")[(ENGLAND, first)] == pytest.approx(
        women, rel=0.005)
    contacts = sum(baselines.cyp_access(c) for c in CODES)
    assert table(by_year, "cyp_accessed")[(ENGLAND, first)] == pytest.approx(contacts, rel=0.005)

    within, entered = table(by_year, "eip_within_2_weeks"), table(by_year, "eip_entered")
    shares = {c: baselines.eip_within_2_weeks(c) for c in CODES}
    for code in CODES:
        assert within[(code, first)] == pytest.approx(shares[code], abs=0.001), code
    weighted = (sum(shares[c] * entered[(c, first)] for c in CODES)
                / sum(entered[(c, first)] for c in CODES))
    assert within[(ENGLAND, first)] == pytest.approx(weighted, abs=1e-4)
    published = baselines.eip_within_2_weeks(ENGLAND)
    assert published == pytest.approx(0.6819)
    assert 0.01 < within[(ENGLAND, first)] - published < 0.015


def test_each_footprint_starts_from_its_measured_2018_19():
    """Every footprint's beds, pools and admissions are its measured baseline (calibration.py),
    and with a published 2018/19 the load places exactly that year's OAP bed days: Σ over the k
    pools of (a/k) B(a/k, n) × 365 (Erlang's loss formula, worked here by its recursion)."""
    from stpmodel.services.inpatient import calibration

    fitted = 0
    for member in load_scenario(SCENARIO).members:
        code = member.footprint.code
        base = calibration.baseline(code, 35.0)
        assert member.inpatient.beds.values == (base.beds,)
        assert member.inpatient.pool_beds == base.pool_beds
        assert member.inpatient.admissions == round(base.load * 365.25 / 35), code
        if base.published is None:
            continue
        fitted += 1
        sizes = calibration.pools(base.beds, base.pool_beds)
        k = len(sizes)
        days = 365 * sum(base.load / k * erlang_b(base.load / k, n) for n in sizes)
        assert days == pytest.approx(base.published, rel=1e-6), code
    assert fitted == 44


def test_the_backcast_is_what_its_tool_writes(tmp_path):
    out = tmp_path / "backcast.yaml"
    subprocess.run([sys.executable, str(ROOT / "tools" / "build_inpatient_backcast.py"), "-o",
                    str(out)], check=True, cwd=tmp_path)
    assert out.read_bytes() == (ROOT / "scenarios" / "england-inpatient-backcast.yaml"
                                ).read_bytes(), (
        "scenarios/england-inpatient-backcast.yaml is not what tools/build_inpatient_backcast.py "
        "writes; run `.venv/bin/python tools/build_inpatient_backcast.py`")


def test_run_shows_england_and_every_footprint_keeps_to_its_iapt_plan():
    """The table shows England's total. No footprint's access falls short of its plan: the
    recruitment and referrals the tool derives are enough in every month (a shortfall would be
    a note on standard error). One draw: nothing in IAPT is uncertain in this file, so every
    draw plans the same; the shipped 100 are checked below."""
    result = runner.invoke(app, ["run", str(SCENARIO), "--draws", "1"])
    assert result.exit_code == 0, result.output
    assert "England, the total of 44 footprints" in result.stdout
    assert "IAPT access" not in result.stderr, result.stderr


def test_the_csv_holds_every_footprint_and_england(by_year):
    assert sorted(by_year["footprint_code"].unique()) == [*CODES, ENGLAND]
    assert by_year.filter(pl.col("footprint_code") == ENGLAND)["footprint"].unique().to_list() \
        == ["England"]
    assert sorted(by_year["period"].unique()) == YEARS
    assert by_year["value"].is_null().sum() < by_year.height  # figures, not blanks


def test_england_flows_and_stocks_are_the_sums_of_the_footprints(by_year):
    """Every flow (summed over the year) and every stock (at the year's end) that the scenario
    reports: England's value is the sum of the 44 footprints' values. The CSV holds 6 decimals,
    so the sum of 44 rounded values may differ from the rounded total by up to 44 × 5e-7."""
    services = load_scenario(SCENARIO).services
    checked = [m.name for m in metrics_for(services) if m.aggregation in ("flow", "stock")]
    checked.append("beds_needed")  # a rate over days in the period, the same for every footprint
    for name in ("iapt_entered", "oap_bed_days", "mh_admissions", "iapt_waiting_list",
                 "mh_beds", "crisis_wte", "npv"):
        assert name in checked
    for metric in checked:
        values = table(by_year, metric)
        for year in YEARS:
            parts = sum(values[(code, year)] for code in CODES)
            assert values[(ENGLAND, year)] == pytest.approx(parts, rel=1e-9, abs=1e-4), \
                (metric, year)


def test_england_rates_are_recomputed_from_the_footprints(by_month, by_year):
    """England's rates are recomputed from the footprints' summed numerators and denominators,
    never averaged. For IAPT access in a financial year FY:

        access(England, FY) = Σ_f Σ_{m in FY} entered[f, m]  ÷  Σ_f Σ_{m in FY} need[f, m] / 12

    entered[f, m] is footprint f's iapt_entered in month m, and need[f, m] its iapt_need (a stock,
    so the month's value in monthly rows); need / 12 is a month's share of a year's need, so
    summing it over the 12 months of a year gives the year's need, and over the months of any
    period the need of that period. Likewise occupancy is Σ occupied bed days ÷ Σ (beds × days in
    the month), and the mean stay is Σ (mean stay × admissions) ÷ Σ admissions. The averages of
    the footprints' rates would differ: the check fails if England's figure were an average.
    """
    entered, need = table(by_month, "iapt_entered"), table(by_month, "iapt_need")
    occupied, beds = table(by_month, "mh_occupied_bed_days"), table(by_month, "mh_beds")
    months = sorted({period for _, period in entered})
    assert len(months) == 60
    access, occupancy = table(by_year, "iapt_access_rate"), table(by_year, "mh_occupancy")
    for year in YEARS:
        mine = [m for m in months if fy_of(m) == year]
        people = sum(entered[(c, m)] for c in CODES for m in mine)
        year_need = sum(need[(c, m)] / 12 for c in CODES for m in mine)
        assert access[(ENGLAND, year)] == pytest.approx(people / year_need, abs=1e-6), year
        bed_days = sum(beds[(c, m)] * days_in(m) for c in CODES for m in mine)
        used = sum(occupied[(c, m)] for c in CODES for m in mine)
        assert occupancy[(ENGLAND, year)] == pytest.approx(used / bed_days, abs=1e-6), year
    for month in months[:3]:  # and month by month
        people = sum(entered[(c, month)] for c in CODES)
        assert table(by_month, "iapt_access_rate")[(ENGLAND, month)] == pytest.approx(
            people / sum(need[(c, month)] / 12 for c in CODES), abs=1e-6)

    los, admissions = table(by_year, "mh_mean_los"), table(by_year, "mh_admissions")
    for year in YEARS:
        weighted = sum(los[(c, year)] * admissions[(c, year)] for c in CODES)
        assert los[(ENGLAND, year)] == pytest.approx(
            weighted / sum(admissions[(c, year)] for c in CODES), abs=1e-5), year

    first = YEARS[0]
    average = sum(access[(c, first)] for c in CODES) / len(CODES)
    # recomputed, not averaged: the average is far outside the 1e-6 the checks above allow
    assert abs(access[(ENGLAND, first)] - average) > 1e-4
    assert BY_NAME["iapt_access_rate"].aggregation == "rate"


def test_the_shipped_draws_make_each_standard_a_probability():
    """Run as shipped (100 draws), a standard's row for a footprint is the share of the 100
    draws that meet it, k ÷ 100, and the OAP standard is neither always nor never met in some
    footprints: one sample path could only say yes or no."""
    result = runner.invoke(app, ["run", str(SCENARIO), "-f", "csv"])
    assert result.exit_code == 0, result.output
    frame = pl.read_csv(io.StringIO(result.stdout), schema_overrides={"mean": pl.Float64})
    met = frame.filter(pl.col("metric").str.starts_with("standard_")
                       & pl.col("mean").is_not_null())["mean"].to_list()
    assert met and all(0 <= v <= 1 and abs(v * 100 - round(v * 100)) < 1e-9 for v in met)
    oaps = frame.filter((pl.col("metric") == "standard_oaps_ended")
                        & (pl.col("footprint_code") != ENGLAND)
                        & pl.col("mean").is_not_null())["mean"].to_list()
    assert len(oaps) == 44 * 3  # judged from 2021/22
    assert sum(0 < v < 1 for v in oaps) >= 10
