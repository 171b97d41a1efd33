"""Schemes and `stpmodel prioritise`: the optimum, common random numbers, the waterfall, the
frontier and bad input (issue 15)."""

from __future__ import annotations

import itertools
import json
from fractions import Fraction

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from stpmodel.cli import app
from stpmodel.errors import ScenarioError
from stpmodel.model import run
from stpmodel.portfolio import (
    Limits,
    Measured,
    Outcome,
    best_exhaustive,
    frontier,
    ilp_frontier,
    measure,
    prioritise,
    shapley,
    solve_ilp,
)
from stpmodel.scenario import parse_scenario
from stpmodel.values import Trajectory

from .conftest import SCENARIOS

runner = CliRunner()
SHIPPED = str(SCENARIOS / "devon-schemes.yaml")

# A one-footprint scenario with a stochastic bed simulation, IAPT, perinatal care and finance,
# and schemes written as `schemes:` lists are (see each test).
BASE = """\
name: schemes test
footprint: {code: E54000037, name: Devon}
start: 2019-04
end: 2022-03
seed: 7
draws: 6
population: {adults: 1022155, growth: 0.0062}
iapt:
  access: 0.184
  referrals: 34460
  waiting_list: 0
  course_weeks: 7
  workforce: {wte: 96.7, sessions_per_wte: 1000, recruitment: 14}
inpatient:
  admissions: 2400
  los_days: 38
  los_cv: 1.0
  beds: 225
  oap_cost_per_day: 610
perinatal:
  births: 10030
  access: 0.07149
  caseload: 40
  wte: 18.7
  contacts_per_woman: 14.1
finance: {}
"""

SCHEMES = """\
schemes:
  - name: Nothing
    changes: {}
  - name: Same beds
    start: 2020-04
    changes: {inpatient: {beds: 225}}
  - name: More beds
    start: 2020-04
    changes: {inpatient: {beds: 255}}
  - name: Perinatal
    changes:
      perinatal: {access: {2019-04: 0.07149, 2020-04: 0.1139}, wte: {2019-04: 18.7, 2020-04: 30}}
  - name: Own cost only
    start: 2020-10
    changes: {}
    costs: {recurrent: 120000, one_off: {2020-10: 50000}}
"""


@pytest.fixture(scope="module")
def scenario():
    return parse_scenario(BASE + SCHEMES, "test.yaml")


@pytest.fixture(scope="module")
def measured(scenario):
    names = [s.name for s in scenario.schemes]
    return measure(scenario, [c for k in range(1, len(names) + 1)
                              for c in itertools.combinations(names, k)])


# ---------------------------------------------------------------------------------------------
# Schemes in the scenario


def test_the_scenario_is_the_plan_and_its_do_minimum_has_no_scheme(scenario):
    assert scenario.applied == tuple(s.name for s in scenario.schemes)
    assert scenario.do_minimum.applied == ()
    assert scenario.inpatient.beds.describe() == "{2020-03: 225, 2020-04: 255}"
    assert scenario.do_minimum.inpatient.beds.describe() == "225"
    # draws and seed overridden on the plan reach its do-minimum too
    fewer = scenario.with_overrides(draws=2)
    assert fewer.n_draws == 2 and fewer.do_minimum.n_draws == 2 and fewer.applied


def test_splice_reads_the_old_before_the_start_and_the_new_from_it():
    months = np.arange(24180, 24204)  # 2015-01 to 2016-12
    start = 24190
    for interp in ("step", "linear"):
        old = Trajectory((24180, 24200), (10.0, 30.0), interp)
        new = Trajectory((24185, 24195), (100.0, 200.0), interp)
        got = old.splice(new, start).resolve(months)
        expected = np.where(months < start, old.resolve(months), new.resolve(months))
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_a_scheme_with_a_start_leaves_every_month_before_it_as_the_do_minimum(scenario):
    base = run(scenario.do_minimum)
    beds = run(scenario.with_schemes(["More beds"]))
    start = scenario.schemes[2].start - scenario.start  # 12 months in
    np.testing.assert_array_equal(beds.out[:, :, :, :start], base.out[:, :, :, :start])
    assert not np.array_equal(beds.row("inpatient.beds_open")[..., start:],
                              base.row("inpatient.beds_open")[..., start:])


def test_a_schemes_own_costs_are_investment_from_its_start(scenario):
    base = run(scenario.do_minimum)
    costly = run(scenario.with_schemes(["Own cost only"]))
    extra = costly.row("finance.investment") - base.row("finance.investment")
    start = scenario.schemes[4].start - scenario.start
    expected = np.zeros(extra.shape[-1])
    expected[start:] = 120000 / 12
    expected[start] += 50000
    np.testing.assert_allclose(extra[0, 0], expected, rtol=1e-12)
    # and nothing else changes
    for row in ("inpatient.oap_bed_days", "iapt.entered", "perinatal.accessing"):
        np.testing.assert_array_equal(costly.row(row), base.row(row))


# ---------------------------------------------------------------------------------------------
# Common random numbers


def test_a_scheme_that_changes_nothing_has_an_effect_of_exactly_zero(measured):
    base = measured.base
    for name in ("Nothing", "Same beds"):
        alone = measured.outcomes[frozenset([name])]
        np.testing.assert_array_equal(alone.values, base.values)
        assert alone.pv_investment == base.pv_investment and alone.met == base.met
        # and adding it to any portfolio changes nothing either
        for other in measured.names:
            with_it = measured.outcomes[frozenset([name, other])]
            np.testing.assert_array_equal(with_it.values,
                                          measured.outcomes[frozenset([other])].values)


def test_the_bed_simulation_is_stochastic_so_zero_is_not_trivial(measured):
    row = measured.metrics.index("oap_bed_days")
    more = measured.outcomes[frozenset(["More beds"])].values[row]
    assert np.all(np.isfinite(more)) and not np.array_equal(more, measured.base.values[row])


# ---------------------------------------------------------------------------------------------
# The waterfall


def test_the_shapley_waterfall_adds_up_exactly_to_the_total_change(scenario):
    for metric in (None, "oap_bed_days", "investment"):
        result = prioritise(scenario, metric=metric)
        flow = result.waterfall
        assert "Shapley" in flow.method
        assert sum(part for _, part in flow.parts) == flow.end - flow.start  # Fractions: exact
        assert [n for n, _ in flow.parts] == list(result.measured.names)


def test_the_ordered_waterfall_adds_up_exactly_too(scenario):
    result = prioritise(scenario, method="ilp", metric="oap_bed_days", period="2021/22")
    flow = result.waterfall
    assert "order" in flow.method
    assert sum(part for _, part in flow.parts) == flow.end - flow.start


def test_shapley_values_of_a_known_game():
    # v(S) = (|S|)^2 over three players: symmetric, so each gets v(N) / 3 = 3
    names = ("a", "b", "c")
    parts = shapley(names, lambda s: Fraction(len(s) ** 2))
    assert parts == [("a", Fraction(3)), ("b", Fraction(3)), ("c", Fraction(3))]
    # an additive game: each player's value is its own
    own = {"a": Fraction(1, 3), "b": Fraction(5), "c": Fraction(-2)}
    assert dict(shapley(names, lambda s: sum((own[n] for n in s), Fraction(0)))) == own


# ---------------------------------------------------------------------------------------------
# The optimum: independent schemes with a best choice known by brute force


def _independent(seed: int, n: int = 6, years: int = 4) -> tuple[Measured, Limits]:
    """A hand-built measurement of ``n`` independent schemes: every portfolio's figures are the
    do-minimum's plus the sum of its schemes' (random) effects."""
    rng = np.random.default_rng(seed)
    names = tuple(f"S{i}" for i in range(n))
    gain = rng.uniform(0.05, 1.0, n)  # share of draws meeting a standard of its own
    spend = rng.uniform(0.5e6, 4e6, (n, years))  # investment by year
    pv = spend.sum(axis=1)
    wte = rng.uniform(0, 30, (n, years))
    budget = rng.uniform(0.3, 0.6) * spend.sum(axis=0).max()
    staff = rng.uniform(0.3, 0.6) * wte.sum(axis=0).max()
    standards = tuple(f"standard_{i}" for i in range(n))
    measured = Measured(None, names, [f"{2019 + y}/{(20 + y) % 100:02d}" for y in range(years)],
                        (), {}, ("iapt",), standards, {s: "2022/23" for s in standards})
    for k in range(n + 1):
        for chosen in itertools.combinations(range(n), k):
            picked = np.zeros(n)
            picked[list(chosen)] = 1
            measured.outcomes[frozenset(names[i] for i in chosen)] = Outcome(
                tuple(names[i] for i in chosen), float(picked @ pv), 0.0, 0.0, 0.0, 0.0,
                picked @ spend, {"iapt": picked @ wte},
                {s: float(picked[i] * gain[i]) for i, s in enumerate(standards)},
                np.zeros((0, years)))
    limits = Limits(np.full(years, budget), {"iapt": float(staff)})
    return measured, limits


def _brute_force(measured: Measured, limits: Limits) -> frozenset[str]:
    best, best_key = frozenset(), None
    for chosen, o in measured.outcomes.items():
        ok = (np.all(o.investment <= limits.budget)
              and np.all(o.wte["iapt"] <= limits.wte["iapt"]))
        key = (sum(o.met.values()), -o.pv_investment)
        if ok and (best_key is None or key > best_key):
            best, best_key = chosen, key
    return best


@pytest.mark.parametrize("seed", range(12))
def test_exhaustive_search_and_the_integer_programme_find_the_brute_force_optimum(seed):
    measured, limits = _independent(seed)
    expected = _brute_force(measured, limits)
    assert expected  # the budget lets something in: the test is not vacuous
    assert expected != frozenset(measured.names)  # and binds
    assert frozenset(best_exhaustive(measured, limits, "standards").schemes) == expected
    assert frozenset(solve_ilp(measured, limits, "standards")) == expected


def test_the_frontier_is_every_portfolio_no_other_beats_on_cost_and_benefit():
    measured, _ = _independent(3)
    outcomes = list(measured.outcomes.values())
    front = frontier(outcomes, "standards")
    for o in outcomes:
        dominated = any(p.pv_investment <= o.pv_investment
                        and p.benefit("standards") >= o.benefit("standards")
                        and (p.pv_investment, p.benefit("standards"))
                        != (o.pv_investment, o.benefit("standards")) for p in outcomes)
        assert (o in front) == (not dominated)


@pytest.mark.parametrize("seed", range(6))
def test_the_integer_programmes_frontier_is_the_brute_force_frontier_of_independent_schemes(
        seed):
    measured, _ = _independent(seed)
    every = frontier(list(measured.outcomes.values()), "standards")
    found = ilp_frontier(measured, "standards")
    assert len(every) > 2  # not vacuous
    assert {frozenset(o.schemes) for o in every} == {frozenset(p) for p in found}
    assert len(found) == len(every)


def test_on_a_real_scenario_the_choice_is_the_best_within_the_budget(scenario, measured):
    result = prioritise(scenario, budget=400_000.0)
    assert result.method == "exhaustive"
    expected = _brute_force_real(result)
    assert frozenset(result.chosen.schemes) == expected
    # the cost-only scheme adds no benefit, so it is never chosen
    assert "Own cost only" not in result.chosen.schemes


def _brute_force_real(result) -> frozenset[str]:
    best, best_key = None, None
    for chosen, o in result.measured.outcomes.items():
        if np.all(o.investment <= result.limits.budget * (1 + 1e-9) + 1e-9):
            key = (round(o.benefit("standards"), 9), -round(o.pv_investment, 6), -len(chosen))
            if best_key is None or key > best_key:
                best, best_key = chosen, key
    return best


# ---------------------------------------------------------------------------------------------
# Bad input


def _problems(text: str) -> str:
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(text, "bad.yaml")
    return str(exc.value)


def test_an_unknown_lever_in_a_scheme_is_located_in_the_scheme():
    text = BASE + "schemes:\n  - name: A\n    changes: {iapt: {acess: 0.3}}\n"
    message = _problems(text)
    assert "bad.yaml:" in message and "schemes[0].changes.iapt.acess" in message
    assert "did you mean 'access'" in message


def test_an_unknown_service_and_a_bad_value_in_a_scheme_are_located():
    text = BASE + ("schemes:\n  - name: A\n    changes: {iapd: {access: 0.3}}\n"
                   "  - name: B\n    changes: {iapt: {access: 25}}\n")
    message = _problems(text)
    assert "schemes[0].changes.iapd" in message and "did you mean 'iapt'" in message
    text = BASE + "schemes:\n  - name: B\n    changes: {iapt: {access: 25}}\n"
    message = _problems(text)
    assert "schemes[0].changes.iapt.access" in message and "write 0.25" in message


def test_two_schemes_with_the_same_name_are_refused():
    text = BASE + ("schemes:\n  - name: A\n    changes: {}\n  - name: A\n    changes: {}\n")
    message = _problems(text)
    assert "schemes[1].name" in message and "two schemes are named 'A'" in message


def test_a_start_on_a_value_that_cannot_change_over_time_is_refused():
    text = BASE + ("schemes:\n  - name: A\n    start: 2020-04\n"
                   "    changes: {iapt: {workforce: {wte: 140}}}\n")
    message = _problems(text)
    assert "schemes[0].changes.iapt.workforce.wte" in message
    assert "cannot start in 2020-04" in message


def test_scheme_costs_without_finance_are_refused():
    text = BASE.replace("finance: {}\n", "") + (
        "schemes:\n  - name: A\n    changes: {}\n    costs: {recurrent: 1000}\n")
    assert "schemes[0].costs" in _problems(text)


def test_a_budget_below_zero_is_a_usage_error():
    result = runner.invoke(app, ["prioritise", SHIPPED, "--budget", "-1"])
    assert result.exit_code == 2
    assert "--budget" in result.output


def test_limits_nothing_fits_choose_nothing_show_the_rest_and_exit_1():
    out = runner.invoke(app, ["prioritise", SHIPPED, "--draws", "2", "--budget", "0"])
    assert out.exit_code == 1
    assert "none: no portfolio, not even the do-minimum, is within them" in out.stdout
    assert "Efficient frontier" in out.stdout and "Waterfall" in out.stdout
    assert "the do-minimum's investment 2020/21" in out.output
    csv = runner.invoke(app, ["prioritise", SHIPPED, "--draws", "2", "--budget", "0", "-f",
                              "csv", "--method", "ilp"])
    assert csv.exit_code == 1 and ",chosen," not in csv.stdout and ",frontier," in csv.stdout


def test_an_unknown_staff_group_or_metric_is_a_usage_error():
    result = runner.invoke(app, ["prioritise", SHIPPED, "--draws", "1", "--wte", "nurses=3"])
    assert result.exit_code == 2 and "no staff group 'nurses'" in result.output
    result = runner.invoke(app, ["prioritise", SHIPPED, "--draws", "1", "-m", "oap_bed_day"])
    assert result.exit_code == 2 and "did you mean 'oap_bed_days'" in result.output


def test_a_scenario_without_schemes_says_so():
    result = runner.invoke(app, ["prioritise", str(SCENARIOS / "end-oaps.yaml")])
    assert result.exit_code == 2 and "no schemes" in result.output


# ---------------------------------------------------------------------------------------------
# The command


def test_prioritise_writes_tidy_csv_and_json_with_the_same_numbers(tmp_path):
    csv = tmp_path / "p.csv"
    out = runner.invoke(app, ["prioritise", SHIPPED, "--draws", "2", "-o", str(csv)])
    assert out.exit_code == 0, out.output
    frame = pl.read_csv(csv)
    assert frame.columns == ["scenario", "table", "rank", "portfolio", "measure", "unit",
                             "value"]
    assert set(frame["table"]) == {"scheme", "chosen", "frontier", "waterfall"}
    assert frame.filter(pl.col("table") == "scheme")["portfolio"].n_unique() == 6
    out = runner.invoke(app, ["prioritise", SHIPPED, "--draws", "2", "-f", "json"])
    doc = json.loads(out.stdout)
    assert doc["meta"]["method"].startswith("Exhaustive: every one of the 64")
    assert len(doc["rows"]) == frame.height
    flow = frame.filter(pl.col("table") == "waterfall")["value"].to_list()
    assert abs(flow[0] + sum(flow[1:-1]) - flow[-1]) < 1e-6


def test_run_schemes_none_is_the_do_minimum():
    plan = runner.invoke(app, ["run", SHIPPED, "--draws", "1", "-f", "csv"])
    none = runner.invoke(app, ["run", SHIPPED, "--draws", "1", "-f", "csv", "--schemes", "none"])
    assert plan.exit_code == none.exit_code == 0
    assert plan.stdout != none.stdout
    bad = runner.invoke(app, ["run", SHIPPED, "--schemes", "Nope"])
    assert bad.exit_code == 2 and "no scheme named 'Nope'" in bad.output


def test_on_a_dask_local_cluster_the_results_are_a_local_runs_byte_for_byte(tmp_path):
    here, there = tmp_path / "here.csv", tmp_path / "there.csv"
    scenario = tmp_path / "schemes.yaml"
    scenario.write_text(BASE + SCHEMES, encoding="utf-8")
    args = ["prioritise", str(scenario), "--draws", "2"]
    assert runner.invoke(app, [*args, "-o", str(here)]).exit_code == 0
    out = runner.invoke(app, [*args, "-o", str(there), "--scheduler", "local"])
    assert out.exit_code == 0, out.output
    assert here.read_bytes() == there.read_bytes()


def test_a_scheduler_that_cannot_be_reached_is_a_usage_error():
    out = runner.invoke(app, ["prioritise", SHIPPED, "--draws", "1", "--scheduler",
                              "tcp://127.0.0.1:9"])
    assert out.exit_code == 2 and "cannot reach it" in out.output


def test_a_start_outside_the_run_is_refused():
    for month in ("2018-04", "2022-04"):
        text = BASE + ("schemes:\n  - name: A\n    start: " + month
                       + "\n    changes: {iapt: {access: 0.3}}\n")
        message = _problems(text)
        assert "schemes[0].start" in message and "outside the run (2019-04 to 2022-03)" in message
