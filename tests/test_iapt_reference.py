"""The bundled IAPT (NHS Talking Therapies) outturn, need and standards tables.

These read only the bundled CSVs in stpmodel/data (built by tools/build_iapt_reference.py),
never ../shared. The published figures they pin, and where they were published:

- NHS Digital, *Psychological Therapies: annual report on the use of IAPT services* (annual key
  measures), England: referrals received 1,603,643 (2018-19) and 1,694,790 (2019-20); finished
  a course of treatment 582,556 and 606,192; recovery rate 52.1% and 51.1%.
- NHS England, *Mental Health Dashboard* Q4 2021/22: IAPT(i_a) England access rate Q4 2018/19
  4.76%; people entering treatment Q1 2019/20 289,582; 2021/22 Q4 access target 418,008;
  6-week wait 89.3% and 18-week wait 98.4% in Q4 2021/22.
- NHS England, *NHS Talking Therapies monthly activity and performance*, M031 summed by financial
  year: 1,249,124 (2021-22), 1,216,341 (2022-23), 1,257,718 (2023-24), 1,196,618 (2024-25).
- NHS England, *The Five Year Forward View for Mental Health* (2016): 25% of need = 1.5m people
  entering treatment a year by 2020/21, so a need of about 6.0m.
"""

from __future__ import annotations

import polars as pl
import pytest

from stpmodel import baselines
from stpmodel import reference as ref
from stpmodel.services.iapt.section import nhse_shares

YEARS = ("2018-19", "2019-20", "2020-21", "2021-22", "2022-23", "2023-24", "2024-25")


def value(year: str, measure: str) -> float:
    v = baselines.iapt_outturn_value(year, measure)
    assert v is not None, (year, measure)
    return v


# ---------------------------------------------------------------------------------------------
# iapt_outturn.csv

@pytest.mark.parametrize(("year", "referrals", "finished", "recovery_rate"), [
    ("2018-19", 1_603_643, 582_556, 0.521),
    ("2019-20", 1_694_790, 606_192, 0.511),
])
def test_calibration_years_match_nhs_digital_annual_report(year, referrals, finished,
                                                           recovery_rate):
    assert value(year, "referrals_received") == referrals
    assert value(year, "finished_course_treatment") == finished
    assert value(year, "recovery_rate_published") == pytest.approx(recovery_rate, abs=0.0005)
    # recovery ÷ at caseness from the counts agrees with NHS Digital's unrounded rate
    assert value(year, "recovery_rate") == pytest.approx(recovery_rate, abs=0.0015)


@pytest.mark.parametrize("year", YEARS)
def test_recovery_rate_is_recovery_over_caseness(year):
    assert value(year, "recovery_rate") == pytest.approx(
        value(year, "recovery") / value(year, "at_caseness"), abs=0.00006)
    assert value(year, "recovery_rate") == pytest.approx(
        value(year, "recovery_rate_published"), abs=0.0015)
    assert value(year, "at_caseness") + value(year, "not_at_caseness") <= \
        value(year, "finished_course_treatment")


@pytest.mark.parametrize(("year", "entered"), [
    ("2021-22", 1_249_124), ("2022-23", 1_216_341), ("2023-24", 1_257_718),
    ("2024-25", 1_196_618),
])
def test_entered_treatment_is_the_monthly_m031_sum(year, entered):
    assert value(year, "entered_treatment") == entered


def test_entered_treatment_2019_20_is_the_dashboard_quarters():
    assert value("2019-20", "entered_treatment") == 289_582 + 290_166 + 285_194 + 300_805


def test_2021_22_gives_both_sources_and_they_agree():
    rows = baselines.iapt_outturn().filter((pl.col("financial_year") == "2021-22")
                                     & (pl.col("measure") == "entered_treatment"))
    assert rows.height == 2 and rows["preferred"].sum() == 1
    a, b = rows["value"].to_list()
    assert abs(a / b - 1) < 0.005


def test_2018_19_entered_is_derived_and_plausible():
    row = baselines.iapt_outturn().filter((pl.col("financial_year") == "2018-19")
                                    & (pl.col("measure") == "entered_treatment"))
    assert row["basis"][0] == "derived"
    # between the 2017-18 run rate (about 4.1% of need a quarter) and 2019-20's 1.17m
    assert 1_000_000 < row["value"][0] < value("2019-20", "entered_treatment")


@pytest.mark.parametrize("year", YEARS)
def test_every_year_has_the_back_cast_measures(year):
    for measure in ("referrals_received", "entered_treatment", "finished_course_treatment",
                    "at_caseness", "recovery", "recovery_rate", "finished_per_entered",
                    "finished_waited_6w_share", "finished_waited_18w_share"):
        assert baselines.iapt_outturn_value(year, measure) is not None, measure
    # NHS England's waits standards (75% within 6 weeks, 95% within 18) were met every year,
    # at 87-93% and 98-99%
    assert 0.86 < value(year, "finished_waited_6w_share") < 0.93
    assert 0.97 < value(year, "finished_waited_18w_share") < 0.995
    assert 0.5 < value(year, "finished_per_entered") < 0.65


def test_dashboard_and_monthly_waits_agree_in_2021_22():
    rows = baselines.iapt_outturn().filter((pl.col("financial_year") == "2021-22")
                                     & (pl.col("measure") == "finished_waited_6w_share"))
    assert rows.height == 2
    assert abs(rows["value"][0] - rows["value"][1]) < 0.005


def test_calibration_and_out_of_sample_years():
    frame = baselines.iapt_outturn()
    use = dict(frame.select("financial_year", "use").unique().iter_rows())
    assert use == {y: "calibration" if y in ("2018-19", "2019-20") else "out_of_sample"
                   for y in YEARS}
    assert frame["source"].str.len_chars().min() > 20
    key = frame.filter(pl.col("preferred")).group_by("financial_year", "measure").len()
    assert key["len"].max() == 1


# ---------------------------------------------------------------------------------------------
# iapt_need.csv

def test_england_need_matches_the_fyfvmh_denominator():
    need = baselines.iapt_need()
    england = need.row(0, named=True)
    assert england["footprint_code"] == ref.ENGLAND
    # 289,582 entered in Q1 2019/20 / 4.764% (Q4 2018/19) = 6.08m; the FYFVMH's 1.5m = 25%
    # of need gives 6.0m. Within 5%.
    assert england["need"] == pytest.approx(289_582 / 0.0476416, rel=0.001)
    assert england["need"] == pytest.approx(6_000_000, rel=0.05)
    # 22% (2019/20) as a Q4 run rate: 5.5% of need in Q4 is about 334,000
    assert 0.055 * england["need"] == pytest.approx(334_000, rel=0.01)


def test_need_covers_the_44_footprints():
    need = baselines.iapt_need()
    codes = need["footprint_code"].to_list()
    assert codes[0] == ref.ENGLAND and codes[1:] == list(ref.CODES)
    assert need["need"].null_count() == 0 and need["need"].min() > 20_000
    assert set(need["method"]) <= {"dashboard", "dashboard_ccg", "apportioned",
                                   "population_fill"}
    assert (need["method"] == "dashboard").sum() == 38  # England + 37 unchanged STPs
    assert need.filter(pl.col("method") == "population_fill")["dashboard_share"].max() == 0


def test_footprints_sum_to_england():
    need = baselines.iapt_need()
    england, fps = need["need"][0], need["need"][1:].sum()
    # footprints from dashboard counts and rates, England from its own row: within 2%
    assert fps == pytest.approx(england, rel=0.02)
    # the population basis spreads England's need exactly (to rounding)
    assert need["need_population_basis"][1:].sum() == pytest.approx(england, rel=0.0001)


def test_need_shares_are_sensible_and_tie_to_population():
    need = baselines.iapt_need()
    shares = need["need_share_of_adults"]
    assert shares[0] == pytest.approx(0.132, abs=0.001)
    assert shares[1:].min() > 0.08 and shares[1:].max() < 0.22
    for row in need.iter_rows(named=True):
        assert row["need_share_of_adults"] == pytest.approx(
            row["need"] / row["adults_16plus"], abs=0.00001)
    devon = need.filter(pl.col("footprint_code") == "E54000037").row(0, named=True)
    assert devon["adults_16plus"] == pytest.approx(ref.persons("E54000037", 2021, 16), abs=1)
    assert nhse_shares()["E54000037"] == devon["need_share_of_adults"]  # what the model reads
    assert "E54000099" not in nhse_shares()


# ---------------------------------------------------------------------------------------------
# iapt_standards.csv

def test_standards():
    s = baselines.iapt_standards()
    eng = s.filter(pl.col("org_code") == ref.ENGLAND)

    def one(year, period, measure):
        rows = eng.filter((pl.col("financial_year") == year) & (pl.col("period") == period)
                          & (pl.col("measure") == measure))
        assert rows.height == 1
        return rows["value"][0]

    assert one("2019-20", "Q4", "access_rate") == 0.22
    assert one("2020-21", "year", "entered_treatment") == 1_500_000
    assert one("2023-24", "year", "entered_treatment") == 1_900_000
    assert one("2021-22", "Q4", "entered_treatment") == pytest.approx(418_008, abs=1)
    assert one("2021-22", "Q1", "entered_treatment") == pytest.approx(394_431, abs=1)
    stp = s.filter((pl.col("org_code") != ref.ENGLAND) & (pl.col("period") == "Q4"))
    assert stp.height == 42
    assert stp["value"].sum() == pytest.approx(418_008, rel=0.001)
    assert s["source"].str.len_chars().min() > 20
