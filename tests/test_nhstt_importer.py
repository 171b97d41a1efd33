"""The NHS Talking Therapies monthly activity file (stpmodel.iotools.nhstt) on its real England
rows (tests/data/iapt/nhstt_monthly_england_2021-01_to_2026-03.csv, lines as published), and
its quirks: one measure under three labels, percentages 0-100, '*', bad values."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from stpmodel.iotools import ImportFileError
from stpmodel.iotools.nhstt import financial_year, nhstt_annual, read_nhstt_monthly

DATA = Path(__file__).resolve().parent / "data" / "iapt"
MONTHLY = DATA / "nhstt_monthly_england_2021-01_to_2026-03.csv"
HEADER = "reporting_period,provider_code,provider_name,measure_id,measure_statistic,value\n"


@pytest.fixture(scope="module")
def monthly() -> pl.DataFrame:
    return read_nhstt_monthly(MONTHLY)


def value(frame: pl.DataFrame, month: str, measure: str, statistic: str = "count") -> float:
    row = frame.filter((pl.col("reporting_period") == month) & (pl.col("measure") == measure)
                       & (pl.col("statistic") == statistic))
    assert row.height == 1, (month, measure, statistic)
    return float(row["value"][0])


def test_the_published_england_figures(monthly):
    """Shared SOURCES.md, iapt/: entered treatment (M031) 96,876 in January 2021 and 113,423 in
    March 2022; 92.9% of finished courses within 6 weeks in January 2021, 90.5% in March 2025,
    98.4% within 18 weeks in March 2025."""
    assert value(monthly, "2021-01", "entered_treatment") == 96_876
    assert value(monthly, "2022-03", "entered_treatment") == 113_423
    six, eighteen = "finished_course_within_6_weeks", "finished_course_within_18_weeks"
    assert value(monthly, "2021-01", six, "fraction") == pytest.approx(0.929)
    assert value(monthly, "2025-03", six, "fraction") == pytest.approx(0.905)
    assert value(monthly, "2025-03", eighteen, "fraction") == pytest.approx(0.984)


def test_entered_treatment_runs_across_the_label_change(monthly):
    """M031 is first_treatment to 2022-08, first_assessment in 2022-07 (a slip) and
    accessing_services from 2022-09: one series here, every month present once."""
    months = monthly.filter((pl.col("measure") == "entered_treatment")
                            & (pl.col("statistic") == "count"))["reporting_period"]
    assert months.n_unique() == months.len() == 63  # January 2021 to March 2026
    for month in ("2022-06", "2022-07", "2022-08", "2022-09"):
        assert value(monthly, month, "entered_treatment") > 90_000


def test_financial_years_sum_twelve_months(monthly):
    """Shared SOURCES.md: entered treatment summed over financial years, 2021-22 1,249,124;
    2022-23 1,216,341; 2023-24 1,257,718; 2024-25 1,196,618. 2020-21 has three months only
    and is left out."""
    annual = nhstt_annual(monthly)
    entered = dict(annual.filter(pl.col("measure") == "entered_treatment").select(
        "financial_year", "value").iter_rows())
    assert {y: entered[y] for y in ("2021-22", "2022-23", "2023-24", "2024-25")} == {
        "2021-22": 1_249_124, "2022-23": 1_216_341, "2023-24": 1_257_718,
        "2024-25": 1_196_618}
    assert "2020-21" not in entered
    assert financial_year("2025-03") == "2024-25" and financial_year("2025-04") == "2025-26"


def test_a_suppressed_month_leaves_its_year_missing(tmp_path):
    lines = [HEADER] + [f"2024-{m:02d},P1,A trust,M031,count,10\n" for m in range(4, 13)] + [
        f"2025-{m:02d},P1,A trust,M031,count,{'*' if m == 2 else 10}\n" for m in range(1, 4)]
    path = tmp_path / "m.csv"
    path.write_text("".join(lines))
    frame = read_nhstt_monthly(path)
    assert frame.filter(pl.col("reporting_period") == "2025-02")["suppressed"][0]
    annual = nhstt_annual(frame, "P1", ("entered_treatment",))
    assert annual["value"].to_list() == [None]  # never a sum of 11 months


@pytest.mark.parametrize(("row", "message"), [
    ("2025-13,ENG,England,M031,count,5\n",
     "m.csv:2:1: expected a reporting_period like 2025-03, got '2025-13'"),
    ("2025-03,ENG,England,M053,percentage,150\n",
     "m.csv:2:37: expected a percentage from 0 to 100, got '150'"),
    ("2025-03,ENG,England,M031,count,-4\n",
     "m.csv:2:32: expected a number of at least 0, got '-4': counts, days, costs and rates "
     "cannot be negative"),
    ("2025-03,ENG,England,M031,count,lots\n",
     "m.csv:2:32: expected a number or '*' (suppressed), got 'lots'"),
])
def test_bad_values_are_located(tmp_path, row, message):
    path = tmp_path / "m.csv"
    path.write_text(HEADER + row)
    with pytest.raises(ImportFileError) as caught:
        read_nhstt_monthly(path)
    assert str(caught.value).endswith(message)


def test_another_kind_of_file_is_refused():
    with pytest.raises(ImportFileError) as caught:
        read_nhstt_monthly(DATA / "iapt_annual_england_stp_2017-18_to_2021-22.csv")
    assert "this is IAPT annual measures, not NHS Talking Therapies monthly activity and " \
           "performance" in str(caught.value)
