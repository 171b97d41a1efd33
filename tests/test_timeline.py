from __future__ import annotations

import pytest

from stpmodel.timeline import Timeline, financial_year, quarter
from stpmodel.values import month_index


@pytest.mark.parametrize(("year", "month", "fy", "q"), [
    (2019, 4, "2019/20", "2019/20 Q1"),
    (2019, 6, "2019/20", "2019/20 Q1"),
    (2019, 7, "2019/20", "2019/20 Q2"),
    (2019, 12, "2019/20", "2019/20 Q3"),
    (2020, 1, "2019/20", "2019/20 Q4"),
    (2020, 3, "2019/20", "2019/20 Q4"),
    (2020, 4, "2020/21", "2020/21 Q1"),
    (1999, 4, "1999/00", "1999/00 Q1"),
])
def test_financial_years_run_april_to_march(year, month, fy, q):
    assert financial_year(month_index(year, month)) == fy
    assert quarter(month_index(year, month)) == q


def test_periods_group_contiguous_months_and_flag_partial_ones():
    line = Timeline(month_index(2019, 10), month_index(2021, 3))  # Oct 2019 – Mar 2021
    codes, labels = line.periods("year")
    assert labels == ["2019/20", "2020/21"]
    assert codes.tolist() == [0] * 6 + [1] * 12
    assert line.is_partial("year") == [True, False]
    _, quarters = line.periods("quarter")
    assert quarters[0] == "2019/20 Q3" and quarters[-1] == "2020/21 Q4" and len(quarters) == 6
    assert line.periods("month")[1][:2] == ["2019-10", "2019-11"]


def test_days_in_month_include_leap_years():
    line = Timeline(month_index(2020, 1), month_index(2020, 3))
    assert line.days.tolist() == [31, 29, 31]
