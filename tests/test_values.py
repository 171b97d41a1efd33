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


# --- bounds that keep every number a run makes finite (issue 18) ------------------------------


def _money_schemas(node, unit=None):
    """Every number schema in the scenario's JSON Schema that is written in £ (a value's, with its
    lower bound; not a distribution's list of parameters)."""
    if isinstance(node, dict):
        unit = node.get("unit", unit)
        if node.get("type") == "number" and str(unit).startswith("£") and (
                "minimum" in node or "exclusiveMinimum" in node):
            yield unit, node
        for value in node.values():
            yield from _money_schemas(value, unit)
    elif isinstance(node, list):
        for value in node:
            yield from _money_schemas(value, unit)


def test_every_money_key_has_an_upper_bound():
    """A cost of 1e308 a bed day wrote inf to CSV and Infinity to JSON. Every key in £ is bounded
    (a bound a key gives is kept): £10m for a unit cost, £1 trillion for a sum a year or once."""
    from stpmodel.scenario import Scenario
    from stpmodel.values import Quantity

    assert Quantity("£/bed day", 0.0).hi == 1e7
    assert Quantity("£/year", 0.0).hi == 1e12
    assert Quantity("£", 0.0).hi == 1e12
    assert Quantity("£/year", 0.0, 5.0).hi == 5.0
    assert Quantity("persons", 0.0).hi is None
    money = list(_money_schemas(Scenario.model_json_schema()))
    units = {unit for unit, _ in money}
    assert {"£/bed day", "£/year", "£", "£/WTE/year", "£/session"} <= units, units
    assert all(0 < node["maximum"] <= 1e12 for _, node in money), money
