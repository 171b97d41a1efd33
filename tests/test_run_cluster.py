"""run --scheduler: a run's simulation as tasks on a Dask cluster, a kernel's block of draws a
task, gives what a run here gives, byte for byte (every draw has its own streams; the inputs
and the derived rows are made here either way). dask.distributed is in the dev extra, so a
missing install fails here rather than skipping."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from stpmodel import model
from stpmodel.cli import app
from stpmodel.cluster import ClusterError, Own, dask_client, ordered_map
from stpmodel.sampling import Sampler
from stpmodel.scenario import load_scenario
from stpmodel.services import present
from stpmodel.services.base import Context
from stpmodel.timeline import Timeline

from .conftest import SCENARIOS

runner = CliRunner()
ENGLAND = SCENARIOS / "england-ltp.yaml"  # 44 footprints; beds in pools, with finance


@pytest.fixture(scope="module")
def client():
    """A LocalCluster of two worker processes for the module's model-level tests: while it is
    open, run(scheduler="local") takes it up rather than starting its own."""
    with dask_client("local", 2) as opened:
        yield opened


def test_run_on_a_local_cluster_writes_a_local_runs_csv_byte_for_byte(tmp_path):
    """The shipped national scenario, 8 draws: the bed kernel's plan and counterfactual over
    pooled beds, the waiting-list kernels, and the notes that read every draw."""
    here, there = tmp_path / "here.csv", tmp_path / "there.csv"
    args = ["run", str(ENGLAND), "--draws", "8", "-f", "csv"]
    local = runner.invoke(app, [*args, "-o", str(here)])
    assert local.exit_code == 0, local.output
    cluster = runner.invoke(app, [*args, "-o", str(there), "--scheduler", "local", "--jobs",
                                  "2"])
    assert cluster.exit_code == 0, cluster.output
    assert there.read_bytes() == here.read_bytes()
    assert cluster.stderr == local.stderr  # the notes and the assumptions


@pytest.mark.parametrize(("name", "draws"), [("england-ltp.yaml", 7),  # pools, finance
                                             ("england-inpatient-backcast.yaml", 5),
                                             ("end-oaps.yaml", 45),  # blocks of 3 draws
                                             ("iapt-25-percent.yaml", 4)])
def test_the_projection_on_a_cluster_is_the_local_one_bit_for_bit(client, name, draws):
    scenario = load_scenario(SCENARIOS / name).with_overrides(draws=draws)
    local = model.run(scenario)
    told: list[int] = []
    remote = model.run(scenario, progress=told.append, scheduler="local")
    assert remote.out.shape == local.out.shape
    assert np.array_equal(remote.out, local.out, equal_nan=True)
    assert remote.out.tobytes() == local.out.tobytes()
    assert told == sorted(told) and told[-1] == draws  # after each block, in draw order


def test_a_tasks_exception_is_raised_here_in_the_order_asked(client):
    shared = np.arange(3.0)
    results = ordered_map(client, [(np.sum, (shared,)), (divmod, (1, 0)), (divmod, (1, 1))])
    assert next(results) == 3.0
    with pytest.raises(ZeroDivisionError):
        next(results)


def test_an_own_argument_goes_to_its_task_alone(client):
    big = np.arange(6.0)
    results = ordered_map(client, [(np.sum, (Own(big[:3]),)), (np.sum, (Own(big[3:]),))])
    assert list(results) == [3.0, 12.0]


def test_a_kernels_inputs_cut_to_a_block_of_draws_keep_what_is_not_per_draw():
    """The bed kernel's inputs (two footprints in pools, with the counterfactual) for draws
    2..4 of 7: every [draw, ...] array cut, the pools by footprint (NOT_PER_DRAW) and the
    scalars as they were, and the kernel's rows those of the same draws of the whole."""
    scenario = load_scenario(ENGLAND).with_overrides(draws=7)
    scenario = scenario.with_members(scenario.members[:2])
    timeline = Timeline(scenario.start, scenario.end)
    sampler = Sampler(int(scenario.seed), scenario.n_draws)
    services = present(scenario.sections)
    inpatient = next(s for s in services if s.name == "inpatient")
    parts = []
    for member in scenario.members:
        ctx = Context(member, timeline, sampler, int(scenario.seed), services)
        for service in services:  # in registry order: inpatient reads what came before it
            if service.inputs is not None:
                ctx.inputs[service.name] = service.inputs(ctx.scenario.section(service.name), ctx)
        parts.append(ctx.inputs["inpatient"])
    whole = inpatient.stack(parts)
    cut = model.draws_of(whole, slice(2, 5))
    assert cut.pool_start is whole.pool_start and cut.owner is whole.owner
    assert cut.seeds.shape[0] == 3 and cut.plan.rate.shape[0] == 3
    assert cut.held is not None and cut.held.beds.shape[0] == 3
    assert (cut.plan.dist, cut.plan.warmup_days) == (whole.plan.dist, whole.plan.warmup_days)
    rows = inpatient.simulate(whole, timeline.days, slice(2, 5))
    assert inpatient.simulate(cut, timeline.days, slice(0, 3)).tobytes() == rows.tobytes()


def test_a_run_scheduler_that_cannot_be_reached_is_a_usage_error(tmp_path):
    import dask

    out = tmp_path / "out.csv"
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = runner.invoke(app, ["run", str(ENGLAND), "--draws", "2", "-o", str(out),
                                     "--scheduler", "tcp://127.0.0.1:1"])
        with pytest.raises(ClusterError):
            model.run(load_scenario(SCENARIOS / "end-oaps.yaml").with_overrides(draws=2),
                      scheduler="tcp://127.0.0.1:1")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("--scheduler tcp://127.0.0.1:1: cannot reach it")
    assert not out.exists()
