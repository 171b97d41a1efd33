"""CYP mental health spend by ICB (issue 14, spend by service): the bundled table against the
file's England sums, and `new` showing a footprint's beside its CYP cost."""

from __future__ import annotations

import polars as pl
import pytest

from stpmodel import baselines, reference
from stpmodel.newscenario import build_scenario


def test_englands_sums_are_the_files():
    """The OCC data file's England sums (the shared data's notes): CYP mental health £640.5m in
    2017/18 and £927.1m in 2021/22; eating disorders £46.7m and £71.9m."""
    spend = baselines.cyp_spend()
    by_year = {y: (mh, ed) for y, mh, ed in spend.group_by("financial_year").agg(
        pl.col("cyp_mh_spend").sum(), pl.col("cyp_ed_spend").sum()).iter_rows()}
    assert by_year["2017/18"][0] == pytest.approx(640.5e6, abs=0.05e6)
    assert by_year["2021/22"][0] == pytest.approx(927.1e6, abs=0.05e6)
    assert by_year["2017/18"][1] == pytest.approx(46.7e6, abs=0.05e6)
    assert by_year["2021/22"][1] == pytest.approx(71.9e6, abs=0.05e6)
    assert (spend["price_year"] == spend["financial_year"]).all()  # cash, each year's prices
    assert spend.height == 42 * 5


def test_an_stp_has_spend_only_where_its_icb_is_the_same_area():
    spend = baselines.cyp_spend()
    same = spend.filter(pl.col("stp17_code").is_not_null())
    assert same["icb_code"].n_unique() == 29
    assert (same["stp17_code"] == same["icb_code"]).all()
    assert set(same["stp17_code"]) <= set(reference.CODES)


def test_new_shows_the_footprints_spend():
    devon = baselines.cyp_spend().filter((pl.col("stp17_code") == "E54000037")
                                         & (pl.col("financial_year") == "2021/22")).row(
        0, named=True)
    text = " ".join(line.strip("# ") for line in build_scenario(
        reference.find_footprint("Devon")).splitlines())
    assert (f"CYP mental health £{devon['cyp_mh_spend'] / 1e6:,.2f}m (excluding learning "
            f"disability and eating disorders), eating disorders "
            f"£{devon['cyp_ed_spend'] / 1e6:,.2f}m, at 2021/22 prices") in text
    sussex = " ".join(line.strip("# ") for line in build_scenario(
        reference.find_footprint("E54000033")).splitlines())
    assert "CYP SPEND: no figure for this footprint alone" in sussex
