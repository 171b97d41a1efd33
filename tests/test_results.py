"""Aggregation by period: flows summed, stocks at the period end, rates recomputed."""

from __future__ import annotations

import numpy as np
import pytest

from stpmodel.kernels import waiting_list as k
from stpmodel.metrics import Metric
from stpmodel.results import aggregate
from stpmodel.timeline import Timeline
from stpmodel.values import month_index

FLOW = Metric("flow", "persons", "flow", "", index=k.O_ENTERED)
STOCK = Metric("stock", "persons", "stock", "", index=k.O_WAITING)
RATE = Metric("rate", "fraction", "rate", "", num=k.O_ENTERED_WITHIN_6, den=k.O_ENTERED)


def monthly(entered, waiting, within):
    out = np.zeros((1, 1, k.N_OUTPUTS, len(entered)))
    out[0, 0, k.O_ENTERED] = entered
    out[0, 0, k.O_WAITING] = waiting
    out[0, 0, k.O_ENTERED_WITHIN_6] = within
    return out


def test_financial_year_and_quarter_aggregation():
    """April..March: entered 1..12, waiting 100..111, within 6 weeks = entered in Q1 and Q2
    and none after.

    FY: entered 1+...+12 = 78; waiting at March = 111; within share (1+..+6)/78 = 21/78.
    Q1: entered 1+2+3 = 6, waiting at June 102, share 1. Q3: 7+8+9 = 24, waiting 107, share 0.
    A mean of monthly shares would give 0.5 for the year, not 21/78 = 0.269.
    """
    entered = np.arange(1.0, 13.0)
    within = np.where(np.arange(12) < 6, entered, 0.0)
    out = monthly(entered, 100.0 + np.arange(12), within)
    line = Timeline(month_index(2019, 4), month_index(2020, 3))

    year = aggregate(out, line.periods("year")[0], [FLOW, STOCK, RATE])[0, 0]
    assert year[:, 0].tolist() == pytest.approx([78, 111, 21 / 78])

    q = aggregate(out, line.periods("quarter")[0], [FLOW, STOCK, RATE])[0, 0]
    assert q[0].tolist() == pytest.approx([6, 15, 24, 33])
    assert q[1].tolist() == pytest.approx([102, 105, 108, 111])
    assert q[2].tolist() == pytest.approx([1, 1, 0, 0])


def test_a_rate_with_nothing_in_its_denominator_is_missing_not_zero():
    out = monthly(np.zeros(3), np.zeros(3), np.zeros(3))
    codes = Timeline(month_index(2019, 4), month_index(2019, 6)).periods("quarter")[0]
    assert np.isnan(aggregate(out, codes, [RATE])[0, 0, 0, 0])


def test_partial_year_sums_only_the_months_it_has():
    out = monthly(np.ones(6), np.arange(6.0), np.zeros(6))
    codes = Timeline(month_index(2019, 10), month_index(2020, 3)).periods("year")[0]
    assert aggregate(out, codes, [FLOW, STOCK])[0, 0, :, 0].tolist() == [6.0, 5.0]
