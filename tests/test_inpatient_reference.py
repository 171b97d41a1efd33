"""The bundled inpatient baselines: KH03 mental illness beds by footprint, inappropriate
out-of-area placement bed days by quarter, and England's inpatient series.

These read only the bundled CSVs in stpmodel/data (built by tools/build_inpatient_reference.py),
never ../shared. The published figures they pin:

- NHS England, KH03 (mental illness sector, overnight), England average daily beds: 2018-19 Q4
  18,368 available and 16,378 occupied; 2019-20 Q4 18,139 and 16,068.
- NHS England, Mental Health Dashboard Q4 2021/22, CR(iii.a) inappropriate out-of-area
  placement bed days, England: 51,935 in Q4 2021/22 and 58,735 in Q3 2021/22 (Oct-Dec 2021).
- NHS England, National Cost Collection 2024/25: acute adult mental health bed day £719.10,
  2,461,767 bed days.
"""

from __future__ import annotations

import polars as pl
import pytest

from stpmodel import baselines

ENGLAND = "E92000001"
CODES = [f"E540000{n:02d}" for n in range(5, 49)]
# Footprint sums against England: the beds are the extract's trust rows mapped whole to one
# footprint each, so they add up to England's row (which is their sum) to rounding. The OAP
# footprints come from published STP and CCG rows, which NHS England says run "a little below"
# England (unknown geography): 1.5% to 2.6% a quarter here.
BEDS_TOLERANCE = 0.001
OAPS_TOLERANCE = 0.03


@pytest.fixture(scope="module")
def beds() -> pl.DataFrame:
    return baselines.inpatient_baseline()


@pytest.fixture(scope="module")
def oaps() -> pl.DataFrame:
    return baselines.inpatient_oaps_quarterly()


@pytest.mark.parametrize(("year", "available", "occupied"),
                         [("2018-19", 18368, 16378), ("2019-20", 18139, 16068)])
def test_england_kh03_q4_published(year: str, available: int, occupied: int) -> None:
    row = baselines.inpatient_beds(ENGLAND, year, "Q4")
    assert row is not None
    assert round(row["beds_available"]) == available
    assert round(row["beds_occupied"]) == occupied
    assert row["method"] == "published_england_row"


def test_beds_has_england_and_44_footprints(beds: pl.DataFrame) -> None:
    assert beds["footprint_code"][0] == ENGLAND
    assert sorted(set(beds["footprint_code"]) - {ENGLAND}) == CODES
    # 2 years x (4 quarters + year) for each of 45 areas, and England's 2 more years (the
    # back-cast's), no duplicates.
    assert beds.height == 45 * 10 + 2 * 5
    assert set(beds.filter(pl.col("footprint_code") != ENGLAND)["financial_year"]) == {
        "2018-19", "2019-20"}
    assert beds.select("footprint_code", "financial_year", "period").is_duplicated().sum() == 0
    assert set(beds["period"]) == {"Q1", "Q2", "Q3", "Q4", "year"}


def test_beds_footprints_sum_to_england(beds: pl.DataFrame) -> None:
    fp = beds.filter(pl.col("footprint_code") != ENGLAND).group_by(
        "financial_year", "period").agg(pl.col("beds_available").sum().alias("a"),
                                        pl.col("beds_occupied").sum().alias("o"))
    eng = beds.filter(pl.col("footprint_code") == ENGLAND).join(
        fp, on=["financial_year", "period"])
    assert eng.height == 10
    for r in eng.iter_rows(named=True):
        assert abs(r["a"] / r["beds_available"] - 1) < BEDS_TOLERANCE, r
        assert abs(r["o"] / r["beds_occupied"] - 1) < BEDS_TOLERANCE, r


def test_occupancy_is_a_fraction(beds: pl.DataFrame) -> None:
    with_beds = beds.filter(pl.col("beds_available") > 0)
    assert with_beds["occupancy"].null_count() == 0
    assert ((with_beds["occupancy"] > 0) & (with_beds["occupancy"] <= 1)).all()
    # Three trust-quarters report every bed occupied (occupied = available, as published);
    # every England row and every annual mean is strictly below 1.
    assert (with_beds["occupancy"] == 1).sum() == 3
    assert (with_beds.filter((pl.col("period") == "year")
                             | (pl.col("footprint_code") == ENGLAND))["occupancy"] < 1).all()
    check = (with_beds["beds_occupied"] / with_beds["beds_available"] - with_beds["occupancy"])
    assert check.abs().max() < 0.001
    # Footprints with no trust headquartered there have no occupancy, not a zero one.
    none = beds.filter(pl.col("beds_available") == 0)
    assert none["occupancy"].null_count() == none.height
    # They are footprints with no trust headquartered there, and West, North and East Cumbria
    # from October 2019 (Cumbria Partnership's wards passed to CNTW, headquartered in Newcastle).
    odd = none.filter(~pl.col("method").str.starts_with("no_trust_headquartered"))
    assert set(odd["footprint_code"]) == {"E54000047"}
    assert set(odd["period"]) == {"Q3", "Q4"} and set(odd["financial_year"]) == {"2019-20"}


def test_annual_is_mean_of_quarters(beds: pl.DataFrame) -> None:
    q = beds.filter(pl.col("period") != "year").group_by("footprint_code", "financial_year").agg(
        pl.col("beds_available").mean().alias("m"))
    y = beds.filter(pl.col("period") == "year").join(q, on=["footprint_code", "financial_year"])
    assert (y["beds_available"] - y["m"]).abs().max() < 0.01


def test_beds_methods_and_gaps_are_stated(beds: pl.DataFrame) -> None:
    fps = beds.filter(pl.col("footprint_code") != ENGLAND)
    assert fps["method"].null_count() == 0 and (fps["source"].str.len_chars() > 20).all()
    assert set(fps["method"]) <= {"own_footprint", "own_footprint_incomplete",
                                  "no_trust_headquartered", "no_trust_headquartered_incomplete"}
    # The shared KH03 extract lacks three large mental health trusts from 2015-16; their
    # footprints say so.
    gaps = fps.filter(pl.col("source_gap").is_not_null())
    assert set(gaps["footprint_code"]) == {"E54000007", "E54000015", "E54000030"}
    assert gaps["method"].str.ends_with("_incomplete").all()
    for code in ("E54000045", "E54000046", "E54000047"):  # headquarters placed by hand
        trusts = fps.filter(pl.col("footprint_code") == code)["trusts"][0]
        assert "HQ in" in trusts


def test_oaps_england_published(oaps: pl.DataFrame) -> None:
    eng = oaps.filter(pl.col("footprint_code") == ENGLAND)
    values = dict(zip(eng["period"], eng["bed_days"]))
    assert values["Q4 2021/22"] == 51935
    assert values["Q3 2021/22"] == 58735
    assert len(values) == 19 and "Q2 2017/18" in values
    assert (eng["method"] == "published").all()


def test_oaps_footprints_present_and_missing_kept_missing(oaps: pl.DataFrame) -> None:
    fps = oaps.filter(pl.col("footprint_code") != ENGLAND)
    assert sorted(fps["footprint_code"].unique()) == CODES
    assert fps.select("footprint_code", "period").is_duplicated().sum() == 0
    missing = fps.filter(pl.col("method") == "missing")
    assert missing["bed_days"].null_count() == missing.height
    # Footprint rows start in Q3 2017/18: Q2 2017/18 is England only.
    assert set(missing["period"]) == {"Q2 2017/18"}
    have = fps.filter(pl.col("method") != "missing")
    assert have["bed_days"].null_count() == 0 and (have["bed_days"] >= 0).all()
    changed = {"E54000005", "E54000006", "E54000033", "E54000035", "E54000045", "E54000046",
               "E54000047"}
    assert set(have.filter(pl.col("method").str.starts_with("ccg21"))["footprint_code"]) \
        == changed


def test_oaps_footprints_sum_near_england(oaps: pl.DataFrame) -> None:
    fp = oaps.filter((pl.col("footprint_code") != ENGLAND) & pl.col("bed_days").is_not_null())
    sums = fp.group_by("period").agg(pl.col("bed_days").sum().alias("fp"), pl.len())
    eng = oaps.filter(pl.col("footprint_code") == ENGLAND).join(sums, on="period")
    assert eng.height == 18 and (eng["len"] == 44).all()
    gap = eng["fp"] / eng["bed_days"] - 1
    assert (gap <= 0.001).all() and (gap > -OAPS_TOLERANCE).all(), gap.to_list()


def test_national_series() -> None:
    assert baselines.inpatient_national_value("mh_inpatient_spells", "2018") == 119851
    assert baselines.inpatient_national_value("mh_inpatient_mean_los", "2018") == pytest.approx(
        106.96, abs=0.01)
    assert baselines.inpatient_national_value("ncc_unit_cost_acute_adult", "2024-25") == 719.10
    assert baselines.inpatient_national_value("ncc_bed_days_acute_adult", "2024-25") == 2461767
    share = baselines.inpatient_national_value("adult_acute_share_of_four_adult_types", "2024-25")
    assert share == pytest.approx(2461767 / (2461767 + 1100683 + 267367 + 565623), abs=1e-4)
    for year in range(2017, 2023):
        spells = baselines.inpatient_national_value("mh_inpatient_spells", str(year))
        total = baselines.inpatient_national_value("mh_inpatient_total_los", str(year))
        mean = baselines.inpatient_national_value("mh_inpatient_mean_los", str(year))
        assert spells and total and mean
        assert total / spells == pytest.approx(mean, abs=0.01)
