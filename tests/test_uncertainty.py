"""Uncertain values: sampling, random streams, common random numbers, percentiles, the
probability of meeting a standard, and the tornado."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from stpmodel.cli import app
from stpmodel.distributions import Dist
from stpmodel.model import run
from stpmodel.results import tabulate
from stpmodel.sampling import Sampler, uncertain_values
from stpmodel.scenario import parse_scenario
from stpmodel.sensitivity import tornado
from stpmodel.services.base import Context
from stpmodel.services.iapt import build as build_iapt
from stpmodel.timeline import Timeline

from .conftest import MINIMAL, SCENARIOS

N = 200_000


@pytest.mark.parametrize("dist", [
    Dist("triangular", (2.0, 3.0, 7.0)),
    Dist("pert", (0.45, 0.52, 0.56)),
    Dist("uniform", (10_000.0, 19_000.0)),
    Dist("normal", (38.0, 4.0)),
    Dist("lognormal", (2400.0, 300.0)),
    Dist("beta", (2.0, 5.0)),
], ids=lambda d: d.kind)
def test_sample_mean_and_variance_match_the_closed_form(dist):
    """Closed forms (untruncated): triangular (a+b+c)/3 and (a²+b²+c²−ab−ac−bc)/18; PERT
    (l+4m+h)/6 and (μ−l)(h−μ)/7; uniform (a+b)/2 and (b−a)²/12; normal μ, σ²; lognormal the
    mean and sd given; beta α/(α+β) and αβ/((α+β)²(α+β+1)). Sample of 200,000 by inverse CDF.
    The mean is within 4 standard errors; the variance within 4 of its standard errors,
    √((μ₄ − σ⁴)/n), estimated from the sample."""
    x = Sampler(7, N).value("p", dist)
    mean, var = dist.mean, dist.variance
    assert abs(x.mean() - mean) < 4 * math.sqrt(var / N)
    mu4 = np.mean((x - x.mean()) ** 4)
    assert abs(x.var(ddof=1) - var) < 4 * math.sqrt((mu4 - x.var() ** 2) / N)


def test_pert_closed_form_by_hand():
    """PERT(0.45, 0.52, 0.56): mean (0.45 + 4 × 0.52 + 0.56)/6 = 0.515."""
    assert Dist("pert", (0.45, 0.52, 0.56)).mean == pytest.approx(0.515)


def test_a_fraction_stays_within_0_and_1_when_truncated():
    x = Sampler(1, 10_000).value("p", Dist("normal", (0.95, 0.1), 0.0, 1.0))
    assert x.max() <= 1.0 and x.min() >= 0.0 and x.max() > 0.99


@pytest.mark.parametrize(("value", "message"), [
    ({"lognormal": [30, 1e200]}, "lognormal [30, 1e+200] is too wide to sample: its sd may be at "
                                 "most 100 × its mean (3000)"),
    ({"lognormal": [30, 3000.5]}, "lognormal [30, 3000.5] is too wide to sample: its sd may be "
                                  "at most 100 × its mean (3000)"),
    ({"uniform": [0, 1e300]}, "uniform [0, 1e+300] is too large to sample: each number may be "
                              "at most 1e+15 in size"),
    ({"normal": [1000, 2e15]}, "normal [1000, 2e+15] is too large to sample: each number may be "
                               "at most 1e+15 in size"),
])
def test_a_distribution_too_wide_to_sample_is_refused(value, message):
    """lognormal [30, 1e200] validated, then overflowed in run (exit 3). A key with no upper
    bound (persons) is where only the size limit stops it."""
    from pydantic_core import PydanticCustomError

    from stpmodel.values import Quantity

    with pytest.raises(PydanticCustomError) as caught:
        Quantity("persons", 0.0).check(value)
    assert str(caught.value) == message


@pytest.mark.parametrize("dist", [
    Dist("lognormal", (30.0, 3000.0)), Dist("lognormal", (1e-300, 1e-298)),
    Dist("lognormal", (1e15, 1e17)), Dist("normal", (1e15, 1e15)), Dist("normal", (-1e15, 1e15)),
    Dist("triangular", (0.0, 1e15, 1e15)), Dist("uniform", (-1e15, 1e15)),
    Dist("pert", (0.0, 1.0, 1e15)), Dist("beta", (1e15, 1e-15)),
    Dist("lognormal", (1e6, 1e8), 0.0, 1e7), Dist("normal", (0.5, 1e15), 0.0, 1.0),
], ids=lambda d: f"{d.kind}{list(d.params)}")
def test_every_legal_distribution_samples_finite_values(dist):
    """At the widest parameters allowed, the values at the sampler's extreme uniforms (1e−12 and
    1 − 1e−12) and the median are finite, and a truncated one stays within its range."""
    x = dist.ppf(np.array([1e-12, 0.5, 1.0 - 1e-12]))
    assert np.isfinite(x).all(), x
    if dist.hi is not None:
        assert (x <= dist.hi).all() and (x >= dist.lo).all()


def test_one_draw_is_the_median():
    assert Sampler(1, 1).value("p", Dist("triangular", (0.0, 0.0, 1.0)))[0] == pytest.approx(
        1 - math.sqrt(0.5))


UNCERTAIN = MINIMAL.replace("prevalence: 0.17", "prevalence: {pert: [0.15, 0.17, 0.19]}") \
    .replace("access: 0.25", "access: {2019-04: 0.2, 2020-03: {uniform: [0.22, 0.28]}}")


def test_draws_depend_on_their_own_path_only():
    """Adding an unrelated uncertain value, or more draws, leaves every other value's draws as
    they were."""
    line = Timeline(parse_scenario(UNCERTAIN).start, parse_scenario(UNCERTAIN).end)
    base = parse_scenario(UNCERTAIN).with_overrides(draws=50)
    more = parse_scenario(UNCERTAIN.replace("waiting_list: 0",
                                            "waiting_list: {uniform: [0, 500]}")).with_overrides(
        draws=80)
    a = build_iapt(base.iapt, Context(base, line, Sampler(3, 50), 3, ()))
    b = build_iapt(more.iapt, Context(more, line, Sampler(3, 80), 3, ()))
    np.testing.assert_array_equal(a.series[:, :, 1:3], b.series[:50, :, 1:3])  # prevalence, access
    assert len(uncertain_values(more)) == len(uncertain_values(base)) + 1
    assert [p for p, _ in uncertain_values(base)] == ["iapt.prevalence", "iapt.access.2020-03"]


def test_percentiles_are_of_each_draws_period_value():
    """FY entered is access × need: p05 of the FY totals, never a sum of monthly p05s."""
    projection = run(parse_scenario(UNCERTAIN).with_overrides(draws=200))
    frame = tabulate(projection, "year", [5, 50, 95])
    row = frame.filter(pl.col("metric") == "iapt_entered").row(0, named=True)
    monthly = tabulate(projection, "month", [5])
    summed_p05 = monthly.filter(pl.col("metric") == "iapt_entered")["p05"].sum()
    per_draw_fy = projection.out[:, 0, 5].sum(axis=1)  # O_ENTERED, April–March
    assert row["p05"] == pytest.approx(np.percentile(per_draw_fy, 5))
    assert summed_p05 < row["p05"]  # the sum of monthly 5th percentiles is lower still
    assert row["p05"] < row["p50"] < row["p95"]


def test_probability_of_meeting_a_standard_is_the_share_of_draws():
    text = (SCENARIOS / "end-oaps.yaml").read_text().replace(
        "los_days: {2019-04: 38, 2022-04: 32}", "los_days: {2019-04: 38, 2021-04: {uniform: "
                                                "[30, 40]}}")
    frame = tabulate(run(parse_scenario(text).with_overrides(draws=40)), "year")
    projection = run(parse_scenario(text).with_overrides(draws=40))
    oap = projection.row("inpatient.oap_bed_days")[:, 0, 24:36].sum(axis=1)  # 2021/22
    share = frame.filter((pl.col("metric") == "standard_oaps_ended")
                         & (pl.col("period") == "2021/22"))["mean"][0]
    assert share == pytest.approx(np.mean(oap <= 1e-9))
    assert 0 < share < 1


def test_a_lever_moves_only_what_it_can_reach():
    """Same seed, one lever changed (IAPT recruitment), uncertain values everywhere: the bed,
    crisis, liaison and acute metrics are identical; IAPT's move, and so do the workforce, the
    money and the people accessing services, which sum over services."""
    text = (SCENARIOS / "ltp-footprint.yaml").read_text().replace(
        "  los_cv: 1.0", "  los_cv: {uniform: [0.8, 1.2]}").replace(
        "  bed_days_saved", "  bed_days_saved: {pert: [10000, 14500, 16000]}\n  # was")
    a = tabulate(run(parse_scenario(text).with_overrides(draws=8)), "year")
    plan = "recruitment: {2019-04: 64, 2020-05: 14}"
    assert plan in text
    b = tabulate(run(parse_scenario(text.replace(plan, "recruitment: 30"))
                     .with_overrides(draws=8)), "year")
    joined = a.join(b, on=["metric", "period"], suffix="_b")
    moved = set(joined.filter(pl.col("mean") != pl.col("mean_b"))["metric"].to_list())
    assert moved
    unreachable = [m for m in moved
                   if not m.startswith(("iapt_", "wte_", "standard_iapt", "people_accessing"))
                   and m not in ("investment", "net_cost", "net_cost_with_capacity",
                                 "cumulative_net_cost", "npv", "npv_with_capacity", "roi",
                                 "roi_with_capacity", "benefit_cost_ratio",
                                 "benefit_cost_ratio_with_capacity", "pv_investment",
                                 "standard_within_budget")]
    assert unreachable == []


TORNADO = """\
name: tornado
footprint: {code: E54000017, name: Birmingham and Solihull}
start: 2019-03
end: 2020-03
population: {adults: 1000000, growth: 0}
liaison:
  hospitals:
    - {name: City Hospital, level: {2019-03: none, 2019-04: core24}}
  levels: {core24: {effect: 1}}
  consultant_cost: 100000
  professional_cost: 40000
  bed_days_saved: {uniform: [10000, 19000]}
  bed_day_cost: {uniform: [200, 290]}
"""


def test_tornado_ranks_a_linear_case_by_hand():
    """Savings = bed days × £/bed day. Medians 14,500 and £245: £3,552,500.
    Bed days p10/p90 = 10,900 / 18,100: swing 7,200 × 245 = £1,764,000.
    Cost p10/p90 = £209 / £281: swing 14,500 × 72 = £1,044,000. Bed days rank first."""
    result = tornado(parse_scenario(TORNADO), "liaison_savings", "2019/20")
    assert result.central == pytest.approx(3_552_500)
    rows = result.frame.to_dicts()
    assert [r["parameter"] for r in rows] == ["liaison.bed_days_saved", "liaison.bed_day_cost"]
    assert rows[0]["swing"] == pytest.approx(1_764_000)
    assert rows[1]["swing"] == pytest.approx(1_044_000)
    assert rows[0]["metric_at_p10"] == pytest.approx(10_900 * 245)


def test_sensitivity_command(tmp_path):
    path = tmp_path / "tornado.yaml"
    path.write_text(TORNADO)
    runner = CliRunner()
    shown = runner.invoke(app, ["sensitivity", str(path), "--metric", "liaison_savings"])
    assert shown.exit_code == 0, shown.stderr
    assert "liaison.bed_days_saved" in shown.stdout
    out = tmp_path / "tornado.csv"
    written = runner.invoke(app, ["sensitivity", str(path), "-m", "liaison_savings", "-o",
                                  str(out)])
    assert written.exit_code == 0
    assert out.read_text().splitlines()[1].startswith("liaison.bed_days_saved,")
    unknown = runner.invoke(app, ["sensitivity", str(path), "-m", "nope"])
    assert unknown.exit_code == 2 and "unknown metric 'nope'" in unknown.stderr
    certain = runner.invoke(app, ["sensitivity", str(SCENARIOS / "iapt-25-percent.yaml"), "-m",
                                  "iapt_entered"])
    assert certain.exit_code == 2 and "no uncertain values" in certain.stderr
    # the crisis effects are uncertain by default (from none to Glover et al. 2006's)
    crisis = runner.invoke(app, ["sensitivity", str(SCENARIOS / "end-oaps.yaml"), "-m",
                                 "crisis_admissions_avoided"])
    assert crisis.exit_code == 0, crisis.stderr
    assert "crisis.core_effect" in crisis.stdout and "crisis.basic_effect" in crisis.stdout


def test_the_tornado_on_a_dask_cluster_is_the_local_one(tmp_path):
    """sensitivity --scheduler local: each end of each bar, and the central case, runs as a
    task on a Dask LocalCluster of two worker processes, and the CSV is byte for byte the
    local one: a scenario with the bed simulation (its streams and draws) and two uncertain
    values. An unknown metric is still a usage error, raised from a task."""
    scenario = SCENARIOS / "end-oaps.yaml"
    runner = CliRunner()
    local, cluster = tmp_path / "local.csv", tmp_path / "cluster.csv"
    args = ["sensitivity", str(scenario), "-m", "oap_bed_days", "--draws", "3"]
    done = runner.invoke(app, [*args, "-o", str(local)])
    assert done.exit_code == 0, done.stderr
    done = runner.invoke(app, [*args, "-o", str(cluster), "--scheduler", "local", "--jobs",
                               "2"])
    assert done.exit_code == 0, done.stderr
    assert cluster.read_bytes() == local.read_bytes()
    assert len(local.read_text().splitlines()) >= 3  # a header and at least two bars
    unknown = runner.invoke(app, ["sensitivity", str(scenario), "-m", "nope", "--scheduler",
                                  "local", "--jobs", "1"])
    assert unknown.exit_code == 2 and "unknown metric 'nope'" in unknown.stderr


def test_a_tornado_scheduler_that_cannot_be_reached_is_a_usage_error(tmp_path):
    import dask  # the dev extra's distributed brings it

    path = tmp_path / "tornado.yaml"
    path.write_text(TORNADO)
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = CliRunner().invoke(app, ["sensitivity", str(path), "-m", "liaison_savings",
                                          "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("--scheduler tcp://127.0.0.1:9: cannot reach it")
