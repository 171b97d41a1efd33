"""24/7 crisis provision for children and young people (issue 14): coverage and cost worked by
hand, the standard by year, bad input, and `new` leaving the section for the user."""

from __future__ import annotations

import pytest

from stpmodel.errors import ScenarioError
from stpmodel.model import run
from stpmodel.newscenario import build_scenario
from stpmodel.reference import find_footprint
from stpmodel.results import tabulate
from stpmodel.scenario import parse_scenario
from stpmodel.services.cyp_crisis import ENGLAND_COVERAGE

# Coverage 50% all of 2019/20, then 100% from April 2020 (a step: the trajectory holds 0.5 to
# March 2020). Full coverage costs £730,500 a year (£2,000 a day over 365.25 days).
HAND = """\
name: cyp crisis by hand
footprint: {code: E54000037, name: Devon}
start: 2019-04
end: 2024-03
population: {adults: 1000000, growth: 0}
perinatal:
  births: 12000
  access: 0.05
  wte: 20
  caseload: 50
  contacts_per_woman: 10
cyp_crisis:
  coverage: {2019-04: 0.5, 2020-03: 0.5, 2020-04: 1}
  cost_full: 730500
finance: {}
"""


def value(frame, metric, period):
    row = frame.filter((frame["metric"] == metric) & (frame["period"] == period))
    assert row.height == 1, (metric, period)
    return row["value"][0]


@pytest.fixture(scope="module")
def by_year():
    return tabulate(run(parse_scenario(HAND)), "year")


def test_coverage_and_cost_by_hand(by_year):
    # 2019/20 has 366 days (29 February 2020): 0.5 × £2,000 × 366 = £366,000
    assert value(by_year, "cyp_crisis_coverage", "2019/20") == pytest.approx(0.5)
    assert value(by_year, "cyp_crisis_cost", "2019/20") == pytest.approx(0.5 * 2_000 * 366)
    # 2020/21: 365 days at full coverage, £730,000
    assert value(by_year, "cyp_crisis_coverage", "2020/21") == pytest.approx(1.0)
    assert value(by_year, "cyp_crisis_cost", "2020/21") == pytest.approx(2_000 * 365)


def test_the_cost_is_investment_above_the_start(by_year):
    """Finance counts a cost above its start month's daily rate: £1,000 a day from April 2020,
    so 2020/21's investment includes 365 × £1,000 of it (perinatal's is flat at its start)."""
    invest = value(by_year, "investment", "2020/21")
    assert invest == pytest.approx(365 * 1_000, rel=1e-9)


def test_the_standard_is_judged_from_2023_24_only(by_year):
    standards = by_year.filter(by_year["metric"] == "standard_cyp_crisis_24_7")
    judged = {p: v for p, v in standards.select("period", "value").iter_rows()}
    assert judged["2023/24"] == 1.0  # met: full coverage all year
    assert all(judged[p] is None for p in ("2019/20", "2020/21", "2021/22", "2022/23"))
    short = parse_scenario(HAND.replace("2020-04: 1}", "2020-04: 1, 2023-04: 1, 2023-10: 0.9}"))
    frame = tabulate(run(short), "year")
    row = frame.filter((frame["metric"] == "standard_cyp_crisis_24_7")
                       & (frame["period"] == "2023/24"))
    assert row["value"][0] == 0.0  # a fall below 100% in the year misses it


@pytest.mark.parametrize(("change", "message"), [
    ("  cost_full: 730500\n", "plan.yaml:12:1: cyp_crisis: missing required key 'cost_full'"),
    ("  coverage: {2019-04: 0.5, 2020-03: 0.5, 2020-04: 1}\n",
     "plan.yaml:12:1: cyp_crisis: missing required key 'coverage'"),
])
def test_a_missing_value_is_named(change, message):
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(HAND.replace(change, ""), "plan.yaml")
    assert message in str(caught.value)


def test_coverage_above_one_gets_the_percent_hint():
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(HAND.replace("2020-04: 1}", "2020-04: 100}"), "plan.yaml")
    text = str(caught.value)
    assert "cyp_crisis.coverage" in text and "write 1 (100%)" in text


def test_new_leaves_the_section_for_the_user_with_englands_coverage():
    text = build_scenario(find_footprint("Devon"))
    assert "\ncyp_crisis:" not in text  # not written as a key: no source gives the cost
    assert "# cyp_crisis:" in text
    assert "2021-22 72%" in text and ENGLAND_COVERAGE["2021-22"] == 0.7206
