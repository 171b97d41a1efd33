"""England's inpatient back-cast against KH03 and the dashboard (docs/validation.md, "Beds and
out-of-area placements"). The published figures are checked against the numbers the sources
print; the in-sample row is the fit; the out-of-sample misses are pinned so that a change to them
is seen."""

from __future__ import annotations

import polars as pl
import pytest

from stpmodel import baselines
from stpmodel.services.inpatient.validation import (
    ENGLAND,
    IN_SAMPLE,
    INPUT,
    OUT_OF_SAMPLE,
    QUARTERS,
    Row,
    checks,
    footprint_correlation,
)


@pytest.fixture(scope="module")
def result() -> tuple[list[Row], tuple[float, int]]:
    return checks()


def test_the_published_figures_are_the_sources(result: tuple[list[Row], tuple[float, int]]):
    rows = {row.figure.split(" (")[0]: row for row in result[0]}
    # KH03 2019-20, England, mental illness: the mean of the four quarters' available beds
    beds = (18_269.95 + 18_179.39 + 18_096.63 + 18_139.27) / 4  # 18,171.31
    # NCC 2024/25: adult acute ÷ (adult acute + older adult + PICU + rehabilitation) bed days
    share = 2_461_767 / (2_461_767 + 1_100_683 + 267_367 + 565_623)  # 0.5601
    assert rows["adult acute beds 2019/20"].published == pytest.approx(beds * share, rel=1e-4)
    # occupied ÷ available over the year: 16,228.59 ÷ 18,171.31
    assert rows["occupancy 2019/20"].published == pytest.approx(16_228.59 / 18_171.31, abs=1e-4)
    # the dashboard's 2018/19 quarters: 59,075 + 57,290 + 58,340 + 64,310
    assert rows["inappropriate OAP bed days 2018/19"].published == 239_015
    # the figure: 58,735 inappropriate OAP bed days in October–December 2021
    assert rows["inappropriate OAP bed days Q3 2021/22"].published == 58_735
    assert len(result[0]) == 3 + len(QUARTERS) == 15


def test_each_row_says_whether_it_was_fitted(result: tuple[list[Row], tuple[float, int]]):
    samples = [row.sample for row in result[0]]
    assert samples[:3] == [INPUT, OUT_OF_SAMPLE, IN_SAMPLE]
    assert set(samples[3:]) == {OUT_OF_SAMPLE}


def test_the_fit_and_the_out_of_sample_years_are_where_the_docs_say(
        result: tuple[list[Row], tuple[float, int]]):
    rows = result[0]
    # beds are inputs (rounded footprint by footprint) and 2018/19's OAP days are fitted: both
    # within a whisker; the simulation's noise over 20 draws is about 1% a quarter
    assert abs(rows[0].error) < 0.01 and abs(rows[2].error) < 0.02
    assert rows[1].within  # occupancy, out of sample
    year_2019 = rows[3:7]
    assert sum(row.model for row in year_2019) / sum(row.published for row in year_2019) \
        == pytest.approx(1.05, abs=0.04)  # the year within 10%; its quarters swing ±25%
    covid = rows[7:11]
    assert all(row.error > 0.3 for row in covid)  # demand fell; the back-cast does not know
    r, n = result[1]
    assert n == 44 and r > 0.8


def test_the_correlation_is_pearsons():
    """With the model equal to the dashboard, r = 1 over every footprint with four quarters."""
    published = (baselines.inpatient_oaps_quarterly()
                 .filter((pl.col("financial_year") == "2019-20")
                         & (pl.col("footprint_code") != ENGLAND)
                         & pl.col("bed_days").is_not_null())
                 .group_by("footprint_code").agg(pl.col("bed_days").sum()))
    same = {(c, "oap_bed_days"): v for c, v in published.iter_rows()}
    r, n = footprint_correlation(same)
    assert r == pytest.approx(1.0)
    assert n == 44
    doubled = {k: 2 * v + 5 for k, v in same.items()}  # an affine map keeps r = 1
    assert footprint_correlation(doubled)[0] == pytest.approx(1.0)
