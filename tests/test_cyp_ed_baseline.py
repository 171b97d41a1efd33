"""CYP eating-disorder waits from the Mental Health Dashboard (issue 14): the bundled baseline
against the figures the dashboard prints, and `new` showing each footprint's."""

from __future__ import annotations

import polars as pl
import pytest

from stpmodel import baselines, reference
from stpmodel.newscenario import build_scenario


def test_englands_shares_are_the_dashboards():
    """Mental Health Dashboard Q4 2021/22 v3.2, England rows: CYP(ii.a) 61.9% of urgent cases
    within 1 week, CYP(ii.b) 64.1% of routine cases within 4 weeks."""
    england = baselines.cyp_ed_baseline().filter(pl.col("footprint_code") == reference.ENGLAND)
    shares = dict(england.select("pathway", "within").iter_rows())
    assert shares["urgent"] == pytest.approx(0.619, abs=5e-4)
    assert shares["routine"] == pytest.approx(0.641, abs=5e-4)
    assert dict(england.select("pathway", "standard_days").iter_rows()) == {"urgent": 7,
                                                                            "routine": 28}


def test_every_footprint_has_both_pathways_read_as_eips():
    frame = baselines.cyp_ed_baseline().filter(pl.col("footprint_code") != reference.ENGLAND)
    assert frame.height == 2 * 44
    assert sorted(frame["footprint_code"].unique()) == sorted(reference.CODES)
    # the same 7 footprints as EIP's are read from CCG 2021 rows: their 2021 STPs have new codes
    weighted = set(frame.filter(pl.col("method") == "ccg21_weighted")["footprint_code"])
    eip = baselines.eip_baseline()
    assert weighted == set(eip.filter(pl.col("method") == "ccg21_weighted")["footprint_code"])
    assert len(weighted) == 7
    assert frame["within"].is_between(0, 1).all()


def test_new_shows_the_footprints_waits():
    devon = baselines.cyp_ed_baseline().filter(pl.col("footprint_code") == "E54000037")
    shares = dict(devon.select("pathway", "within").iter_rows())
    text = " ".join(line.strip("# ") for line in build_scenario(
        reference.find_footprint("Devon")).splitlines())
    assert (f"urgent {shares['urgent']:.1%} within 1 week; routine {shares['routine']:.1%} "
            "within 4 weeks") in text
    assert "\n  eating_disorders:" not in text
