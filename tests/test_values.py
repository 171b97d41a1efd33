from __future__ import annotations

import numpy as np
import pytest

from stpmodel.values import Trajectory, month_index, month_label

APR19, MAR20, MAR21 = month_index(2019, 4), month_index(2020, 3), month_index(2021, 3)


def test_month_index_round_trips():
    assert month_label(month_index(2019, 4)) == "2019-04"
    assert month_index(2020, 1) - month_index(2019, 12) == 1


def test_step_is_latest_on_or_before_and_flat_outside():
    t = Trajectory((APR19, MAR20), (0.19, 0.22), "step")
    months = np.array([APR19 - 2, APR19, APR19 + 5, MAR20, MAR20 + 7])
    assert t.resolve(months).tolist() == [0.19, 0.19, 0.19, 0.22, 0.22]


def test_linear_interpolates_between_dates_and_is_flat_outside():
    # 2019-04 → 2021-03 is 23 months; halfway between 0.19 and 0.25 after 11.5 months.
    t = Trajectory((APR19, MAR21), (0.19, 0.25), "linear")
    got = t.resolve(np.array([APR19 - 1, APR19, APR19 + 23, MAR21 + 12]))
    assert got.tolist() == pytest.approx([0.19, 0.19, 0.25, 0.25])
    assert t.resolve(np.array([APR19 + 1]))[0] == pytest.approx(0.19 + 0.06 / 23)


def test_a_constant_is_the_same_everywhere():
    assert Trajectory.constant(5.0).resolve(np.arange(3)).tolist() == [5.0, 5.0, 5.0]
