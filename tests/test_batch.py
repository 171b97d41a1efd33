"""Batch runs: finding scenarios, running them in parallel, carrying on past a broken one, the
summary, and leaving no half-written file when interrupted or killed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from stpmodel.batch import BatchError, Job, Outcome, expand, plan, summary_csv
from stpmodel.cli import app
from stpmodel.compare import read_output
from stpmodel.scenario import load_scenario
from stpmodel.services import KEY_METRICS, metrics_for
from stpmodel.services import standards_for as applicable

from .conftest import MINIMAL, ROOT, SCENARIOS

runner = CliRunner()
PLAN = SCENARIOS / "iapt-25-percent.yaml"
OAPS = SCENARIOS / "end-oaps.yaml"
BROKEN = """\
name: broken
footprint: {code: E54000037, name: Devon}
start: 2019-04
end: 2020-03
population: {adults: 1000, growth: 0}
inpatient:
  admissions: 2400
  los_days: 38
  los_cv: 1
  beds: 22.5
"""


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def rows_per_year(path) -> int:
    """Rows a complete output by year holds per year: each metric the scenario reports and each
    standard those metrics are held to."""
    metrics = metrics_for(load_scenario(path).services)
    return len(metrics) + len(applicable(metrics))


def temporary_files(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# ---------------------------------------------------------------------------------------------
# Finding the scenarios


def test_files_folders_and_globs_expand_to_scenarios_once_each(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("a/one.yaml", "a/two.yml", "a/notes.md", "a/deep/three.yaml", "b/four.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    found = expand(["a", "b/four.yaml", "a/one.yaml", "**/three.yaml"])
    assert [str(p) for p in found] == ["a/one.yaml", "a/two.yml", "b/four.yaml",
                                       "a/deep/three.yaml"]


@pytest.mark.parametrize(("paths", "message"), [
    (["nowhere.yaml"], "nowhere.yaml: no such file or folder"),
    (["empty"], "empty: a folder with no scenario files (*.yaml, *.yml)"),
    (["*.yaml"], "*.yaml: matches no files"),
])
def test_a_path_that_names_nothing_is_an_error(paths, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(BatchError) as info:
        expand(paths)
    assert str(info.value) == message


def test_outputs_are_named_after_the_files_and_may_not_clash():
    jobs = plan([Path("x/plan.yaml")], Path("out"), "parquet")
    assert jobs[0].output == Path("out/plan.parquet")
    with pytest.raises(BatchError, match="two scenarios would write the same output file: "
                                         "plan.csv from a/plan.yaml and b/plan.yaml"):
        plan([Path("a/plan.yaml"), Path("b/plan.yaml")], Path("out"))
    with pytest.raises(BatchError, match="summary.csv from summary.yaml would be overwritten"):
        plan([Path("summary.yaml")], Path("out"))


def test_the_summary_has_a_row_per_scenario_and_columns_for_what_they_report(tmp_path):
    ok = Outcome(Job(tmp_path / "a.yaml", tmp_path / "a.csv"), True, "",
                 {"file": "a.yaml", "output": "a.csv", "scenario": "A, with a comma",
                  "oap_cost": "12.5", "standard_oaps_ended": "1"})
    failed = Outcome(Job(tmp_path / "b.yaml", tmp_path / "b.csv"), False,
                     "b.yaml:3:1: first problem\nb.yaml:4:1: second problem", {"file": "b.yaml"})
    lines = summary_csv([ok, failed]).splitlines()
    assert lines[0] == ("file,status,output,error,scenario,footprint_code,footprint,draws,"
                        "final_period,price_base,standards_not_met,oap_cost,standard_oaps_ended")
    assert lines[1] == 'a.yaml,ok,a.csv,,"A, with a comma",,,,,,,12.5,1'
    assert lines[2] == "b.yaml,failed,,b.yaml:3:1: first problem,,,,,,,,,"


# ---------------------------------------------------------------------------------------------
# `stpmodel batch` end to end


@pytest.fixture
def folder(tmp_path):
    """Two shipped scenarios and a broken one."""
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    for source in (PLAN, OAPS):
        shutil.copy(source, scenarios / source.name)
    (scenarios / "broken.yaml").write_text(BROKEN)
    return scenarios


def test_a_broken_scenario_is_reported_and_the_others_complete(folder, tmp_path):
    out = tmp_path / "out"
    result = invoke("batch", folder, "--out-dir", out, "--jobs", "2")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"failed  {folder}/broken.yaml",
        f"ok      {folder}/end-oaps.yaml         → {out}/end-oaps.csv",
        f"ok      {folder}/iapt-25-percent.yaml  → {out}/iapt-25-percent.csv",
    ]
    assert result.stderr.startswith(
        f"{folder}/broken.yaml:10:9: inpatient.beds: expected a whole number")
    assert result.stderr.endswith(f"2 of 3 scenarios ran, 1 failed; summary in {out}/summary.csv\n")
    assert "running scenarios" not in result.stderr  # no progress bar when not at a terminal
    assert sorted(p.name for p in out.iterdir()) == ["end-oaps.csv", "iapt-25-percent.csv",
                                                     "summary.csv"]
    for name in ("end-oaps", "iapt-25-percent"):
        frame = read_output(out / f"{name}.csv")
        assert frame.height == rows_per_year(SCENARIOS / f"{name}.yaml") * 5


def test_outputs_are_what_run_writes(folder, tmp_path, monkeypatch):
    """Byte for byte, once the date is fixed (SOURCE_DATE_EPOCH) and the scenario is named by
    the same path."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.chdir(folder)
    (folder / "broken.yaml").unlink()
    result = invoke("batch", "iapt-25-percent.yaml", "--out-dir", tmp_path / "out",
                    "--by", "quarter", "--format", "json")
    assert result.exit_code == 0, result.output
    assert invoke("run", "iapt-25-percent.yaml", "--by", "quarter", "-o",
                  tmp_path / "run.json").exit_code == 0
    written = (tmp_path / "out" / "iapt-25-percent.json").read_bytes()
    assert written == (tmp_path / "run.json").read_bytes()
    assert b'"run_date": "2023-11-14T22:13:20Z"' in written  # 1,700,000,000 s after 1970


def test_the_summary_holds_each_scenarios_final_year(folder, tmp_path):
    out = tmp_path / "out"
    invoke("batch", folder, "--out-dir", out, "--jobs", "1")
    summary = pl.read_csv(out / "summary.csv", infer_schema=False).fill_null("")
    by_file = {row["file"]: row for row in summary.iter_rows(named=True)}
    assert by_file[f"{folder}/broken.yaml"]["status"] == "failed"
    assert by_file[f"{folder}/broken.yaml"]["error"].startswith(f"{folder}/broken.yaml:10:9:")
    for name in ("end-oaps", "iapt-25-percent"):
        row = by_file[f"{folder}/{name}.yaml"]
        assert row["status"] == "ok" and row["output"] == f"{out}/{name}.csv"
        assert row["final_period"] == "2023/24" and row["draws"] == "1"
        assert row["price_base"] == "2024/25"  # money columns are at the scenario's prices
        frame = pl.read_csv(out / f"{name}.csv", infer_schema=False).fill_null("")
        final = {r["metric"]: r["value"] for r in frame.iter_rows(named=True)
                 if r["period"] == "2023/24"}
        shown = [m for m in KEY_METRICS if m in final]
        assert shown and all(row[m] == final[m] for m in shown)
        standards = [c for c in summary.columns if c.startswith("standard_")]
        assert all(row[c] == final.get(c, "") for c in standards)
    plan_row = by_file[f"{folder}/iapt-25-percent.yaml"]
    assert plan_row["oap_bed_days"] == ""  # an IAPT-only scenario reports no beds


def test_check_fails_a_scenario_that_misses_a_standard(tmp_path):
    """The IAPT plan stops at the Five Year Forward View's 25% of need, so its 2021/22 access is
    below that year's 26.65% standard by construction."""
    out = tmp_path / "out"
    missed = invoke("batch", PLAN, "--out-dir", out, "--check")
    assert missed.exit_code == 1
    assert missed.stdout.startswith(f"unmet   {PLAN}")
    assert (f"{PLAN}: standard not met: Birmingham and Solihull 2021/22: IAPT access"
            in missed.stderr)
    assert "1 did not meet every national standard" in missed.stderr
    summary = pl.read_csv(out / "summary.csv", infer_schema=False)
    assert summary["status"].to_list() == ["ok"] and int(summary["standards_not_met"][0]) > 0
    # 62,500 referrals × 0.679 entering = 42,437 a year, within the plan's 0.25 × 170,000 =
    # 42,500, so nobody queues: waits and recovery at the defaults, access 25%: all met
    good = tmp_path / "meets-every-standard.yaml"
    good.write_text(MINIMAL.replace("referrals: 100000", "referrals: 62500"))
    met = invoke("batch", good, "--out-dir", out, "--check")
    assert met.exit_code == 0, met.stderr
    assert "every scenario that ran meets the national standards" in met.stderr
    assert invoke("batch", PLAN, "--out-dir", out).exit_code == 0  # without --check


def test_a_rerun_overwrites_cleanly_and_clears_stale_temporary_files(folder, tmp_path):
    out = tmp_path / "out"
    (folder / "broken.yaml").unlink()
    assert invoke("batch", folder, "--out-dir", out, "--jobs", "2").exit_code == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    # what a killed batch could leave: its temporary files (named with the dead process's
    # id), and the user's own files, even ones named like a batch's, which must survive
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (out / f".end-oaps.csv.stpmodel-{dead.pid}.k1ll3d.tmp").write_text("half a fi")
    (out / f".summary.csv.stpmodel-{dead.pid}.k1ll3d.tmp").write_text("")
    (out / ".summary.csv.mine.tmp").write_text("the user's own")
    (out / ".notes.txt.abc.tmp").write_text("not ours")
    assert invoke("batch", folder, "--out-dir", out, "--jobs", "1").exit_code == 0
    assert temporary_files(out) == [".notes.txt.abc.tmp", ".summary.csv.mine.tmp"]
    second = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    assert second == first  # in one process or several, the same bytes


@pytest.mark.parametrize(("args", "message"), [
    (["nowhere.yaml", "--out-dir", "out"], "nowhere.yaml: no such file or folder\n"),
    (["a/plan.yaml", "b/plan.yaml", "--out-dir", "out"],
     "two scenarios would write the same output file: plan.csv from a/plan.yaml and "
     "b/plan.yaml\n  hint: rename one of the files, or run them in separate batches\n"),
    (["a/plan.yaml", "--out-dir", "file.txt"], "--out-dir file.txt: is a file, not a folder\n"),
])
def test_usage_errors_exit_2_and_write_nothing(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("a/plan.yaml", "b/plan.yaml"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        shutil.copy(PLAN, tmp_path / name)
    (tmp_path / "file.txt").write_text("")
    result = invoke("batch", *args)
    assert result.exit_code == 2
    assert result.stderr == message
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------------------------
# Interrupted and killed batches, in a real process


COPIES = 6


@pytest.fixture
def many(tmp_path):
    """Copies of a stochastic scenario, each taking a moment with --draws 60."""
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(COPIES):
        shutil.copy(OAPS, folder / f"copy{i}.yaml")
    return folder


def start_batch(folder, out, *, session=False, draws="60"):
    return subprocess.Popen(
        [sys.executable, "-m", "stpmodel", "batch", str(folder), "--out-dir", str(out),
         "--draws", draws, "--jobs", "2"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=session)


def wait_for_first_output(process, out, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if out.is_dir() and any(p.suffix == ".csv" and not p.name.startswith(".")
                                for p in out.iterdir()):
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.01)
    raise AssertionError("the batch wrote nothing in time")


def assert_complete(out, expected_rows):
    """Every output present parses in full."""
    outputs = sorted(p for p in out.iterdir() if not p.name.startswith("."))
    for path in outputs:
        assert path.suffix == ".csv" and path.name != "summary.csv", path
        assert read_output(path).height == expected_rows, path
    return outputs


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_batch_leaves_only_complete_files(how, many, tmp_path):
    """Ctrl-C (SIGINT to the batch) or a CI runner cancelling the job (SIGTERM): the running
    workers are stopped mid-scenario, what they were writing is removed, and the batch exits
    130 without a summary."""
    out = tmp_path / "out"
    process = start_batch(many, out)
    wait_for_first_output(process, out)
    process.send_signal(how)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert stderr == ("interrupted: the outputs written so far are complete, the others were "
                      "not written, and summary.csv was not updated\n")
    assert "Traceback" not in stderr
    assert temporary_files(out) == []
    outputs = assert_complete(out, rows_per_year(OAPS) * 5)
    assert 1 <= len(outputs) < COPIES  # it was stopped part of the way through


def test_a_killed_batch_leaves_whole_outputs_and_the_next_run_clears_up(many, tmp_path):
    """SIGKILL to the batch and its workers: nothing can clean up, so at worst a temporary
    `.NAME.*.tmp` file is left beside whole outputs. The next batch into the folder removes
    it."""
    out = tmp_path / "out"
    process = start_batch(many, out, session=True)
    wait_for_first_output(process, out)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL
    names = [f"copy{i}.csv" for i in range(COPIES)]
    assert all(any(t.startswith(f".{n}.") for n in names) for t in temporary_files(out))
    assert_complete(out, rows_per_year(OAPS) * 5)

    rerun = start_batch(many, out, draws="1")
    _, stderr = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, stderr
    assert temporary_files(out) == []
    assert sorted(p.name for p in out.iterdir()) == sorted([*names, "summary.csv"])


def test_the_summary_of_several_footprints_is_their_total(tmp_path):
    from .test_compare import TWO

    (tmp_path / "two.yaml").write_text(TWO)
    out = tmp_path / "out"
    assert invoke("batch", tmp_path / "two.yaml", "--out-dir", out).exit_code == 0
    summary = pl.read_csv(out / "summary.csv", infer_schema=False).row(0, named=True)
    assert (summary["footprint_code"], summary["footprint"]) == ("ALL", "All 2 footprints")
    frame = read_output(out / "two.csv")
    total = frame.filter((pl.col("footprint_code") == "ALL") & (pl.col("period") == "2020/21")
                         & (pl.col("metric") == "iapt_cost"))
    assert float(summary["iapt_cost"]) == pytest.approx(total["value"][0], abs=1e-6)
    assert summary["final_period"] == "2020/21"


def test_a_batch_on_a_dask_cluster_writes_what_a_local_batch_does(folder, tmp_path):
    """batch --scheduler local: the scenarios run as tasks on a Dask LocalCluster of two worker
    processes, and every file (the outputs and summary.csv, the broken scenario reported in
    its place) is byte for byte a local batch's. dask.distributed is in the dev extra, so a
    missing install fails here rather than skipping."""
    local, cluster = tmp_path / "local", tmp_path / "cluster"
    assert invoke("batch", folder, "--out-dir", local, "--jobs", "2").exit_code == 1
    result = invoke("batch", folder, "--out-dir", cluster, "--jobs", "2", "--scheduler",
                    "local")
    assert result.exit_code == 1, result.output
    assert result.stdout == invoke("batch", folder, "--out-dir", local).stdout.replace(
        str(local), str(cluster))
    names = sorted(p.name for p in local.iterdir())
    assert names == ["end-oaps.csv", "iapt-25-percent.csv", "summary.csv"]
    assert sorted(p.name for p in cluster.iterdir()) == names
    for name in names:
        expected = (local / name).read_text().replace(str(local), str(cluster))
        assert (cluster / name).read_text() == expected, name


def test_a_scheduler_that_cannot_be_reached_is_a_usage_error(folder, tmp_path):
    import dask  # the dev extra's distributed brings it
    (folder / "broken.yaml").unlink()
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = invoke("batch", folder, "--out-dir", tmp_path / "out", "--scheduler",
                        "tcp://127.0.0.1:9")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("--scheduler tcp://127.0.0.1:9: cannot reach it")
    assert not (tmp_path / "out" / "summary.csv").exists()
