"""Run many scenarios in parallel processes, one output file each, and summarise them.

:func:`expand` turns files, folders and glob patterns into scenario paths; :func:`plan` names
an output for each; :func:`run_batch` runs them (in worker processes when there is more than
one worker) and returns one :class:`Outcome` per scenario, in the order given. A scenario that
fails is an outcome like any other: the batch carries on.

Files are only ever written by :func:`stpmodel.output.write_atomic` (a temporary file
``.NAME.stpmodel-PID.RANDOM.tmp`` in the same folder, then a rename), so an output is either
whole or absent. A worker killed mid-write can leave only such a temporary file;
:func:`remove_stale` removes those of a batch's outputs (and no other file, whatever its name),
and :func:`run_batch` calls it before it starts and after an interruption, once every worker
has stopped. Each worker watches its parent and exits if the parent dies, so a batch killed
outright (SIGKILL) leaves no process behind.
"""

from __future__ import annotations

import glob
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ScenarioError, StpmodelError
from .output import format_number, write_atomic
from .timeline import By

if TYPE_CHECKING:
    import polars as pl

SCENARIO_GLOBS = ("*.yaml", "*.yml")
SUMMARY_NAME = "summary.csv"
STOP_TIMEOUT_S = 5.0  # how long stopped workers get to exit before they are killed
WATCH_S = 0.5  # how often a worker checks that its parent is still there
PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>

# The key metrics of summary.csv (those the services mark ``key``): each one's figure in the
# last period (the final financial year unless --by says otherwise), for the scenarios whose
# services report it (the mean over draws when there are several; for several footprints, their
# total). Every standard that applies follows them (see standards_columns).
SUMMARY_COLUMNS = ("file", "status", "output", "error", "scenario", "footprint_code",
                   "footprint", "draws", "final_period", "price_base", "standards_not_met")


class BatchError(StpmodelError):
    """A batch cannot start: a path that names nothing, two scenarios with one output name."""


@dataclass(frozen=True)
class Job:
    """One scenario to run and where its output goes."""

    scenario: Path
    output: Path
    fmt: str = "csv"  # csv | parquet | json | xlsx
    by: By = "year"
    draws: int | None = None
    seed: int | None = None
    check: bool = False  # an unmet national standard fails the job (as ``run --check``)
    force: bool = False  # replace a read-only output


@dataclass(frozen=True)
class Outcome:
    """What became of one job. ``ok``: it ran and its output was written. ``error`` is the
    message to show when it did not (for a scenario with problems, its ``file:line:col:
    key.path: message`` lines). ``unmet`` lists the national standards it does not meet, as
    ``run --check`` words them. ``summary`` holds its summary.csv cells."""

    job: Job
    ok: bool
    error: str = ""
    summary: dict[str, str] = field(default_factory=dict)
    unmet: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """It ran, and under ``--check`` it meets every standard that applies."""
        return self.ok and not (self.job.check and self.unmet)


# ---------------------------------------------------------------------------------------------
# What to run


def expand(paths: Sequence[str]) -> list[Path]:
    """Scenario files from files, folders (their ``*.yaml`` and ``*.yml`` files, not
    sub-folders) and glob patterns (``**`` reaches into sub-folders), each once, in the order
    given; a folder's or pattern's files in name order. Raises :class:`BatchError` for a path
    that names nothing."""
    found: list[Path] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            matches = sorted({p for g in SCENARIO_GLOBS for p in path.glob(g) if p.is_file()})
            if not matches:
                raise BatchError(f"{text}: a folder with no scenario files (*.yaml, *.yml)")
        elif path.exists():
            matches = [path]
        elif glob.has_magic(text):
            matches = sorted(Path(p) for p in glob.glob(text, recursive=True)
                             if Path(p).is_file())
            if not matches:
                raise BatchError(f"{text}: matches no files")
        else:
            raise BatchError(f"{text}: no such file or folder")
        found.extend(matches)
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def plan(scenarios: Sequence[Path], out_dir: Path, fmt: str = "csv", by: By = "year",
         draws: int | None = None, seed: int | None = None, check: bool = False,
         force: bool = False) -> list[Job]:
    """A job per scenario, its output named after the file: ``a/plan.yaml`` → ``OUT/plan.csv``.
    Raises :class:`BatchError` when two scenarios would write the same output, one would
    overwrite the summary, or an output (or the summary) is one of the scenarios."""
    jobs = [Job(p, out_dir / f"{p.stem}.{fmt}", fmt, by, draws, seed, check, force)
            for p in scenarios]
    # an output that is a scenario: compared by (device, inode), as os.path.samefile does, with
    # each file looked at once rather than once for every pair
    inputs: dict[tuple[int, int], Path] = {}
    for scenario in scenarios:
        try:
            info = os.stat(scenario)
        except OSError:  # missing: its job reports it
            continue
        inputs.setdefault((info.st_dev, info.st_ino), scenario)
    for target in [*(job.output for job in jobs), out_dir / SUMMARY_NAME]:
        try:
            info = os.stat(target)
        except OSError:  # not there yet (or not to be looked at): not an input
            continue
        source = inputs.get((info.st_dev, info.st_ino))
        if source is not None:
            raise BatchError(f"{target}: is an input of this batch ({source}); refusing "
                             "to write over it\n  hint: choose another --out-dir")
    by_output: dict[str, list[Path]] = {}
    for job in jobs:
        by_output.setdefault(job.output.name, []).append(job.scenario)
    clashes = [f"{name} from {' and '.join(map(str, paths))}"
               for name, paths in by_output.items() if len(paths) > 1]
    if SUMMARY_NAME in by_output:
        clashes.append(f"{SUMMARY_NAME} from {by_output[SUMMARY_NAME][0]} would be overwritten "
                       "by the batch summary")
    if clashes:
        raise BatchError("two scenarios would write the same output file: "
                         + "; ".join(clashes) + "\n  hint: rename one of the files, or run "
                         "them in separate batches")
    return jobs


# ---------------------------------------------------------------------------------------------
# Running one scenario (in a worker process, or in this one)


def run_job(job: Job) -> Outcome:
    """Load, run, tabulate and write one scenario, as ``stpmodel run -o`` would. Never raises for
    a problem with the scenario or its output: the problem becomes a failed :class:`Outcome`."""
    from .output import write_frame
    from .results import PERCENTILES, report, total_label, unmet_standards
    from .runinfo import assumed_values, assumption_rows, run_meta
    from .scenario import load_scenario
    from .source import read_text

    cells = {"file": str(job.scenario)}
    try:
        scenario = load_scenario(job.scenario).with_overrides(draws=job.draws, seed=job.seed)
        members = [(m.footprint.code, m.footprint.name) for m in scenario.members]
        code, name = members[0] if len(members) == 1 else total_label(members)
        cells.update(scenario=scenario.name, footprint_code=code, footprint=name,
                     draws=str(scenario.n_draws), price_base=scenario.prices.base)
        result = report(scenario, job.by)
        frame = result.frame
        meta = run_meta(scenario, job.scenario, job.by, PERCENTILES, result.notes)
        assumed = assumption_rows(assumed_values(scenario, read_text(job.scenario))) \
            if job.fmt == "xlsx" else ()
        write_frame(frame, job.output, job.fmt, inputs=(job.scenario,), force=job.force,
                    meta=meta, assumed=assumed)
        final = frame.filter(frame["footprint_code"] == code)
        unmet = tuple(unmet_standards(frame))
        cells.update(key_metrics(final))
        cells.update(standards_columns(final))
        cells["standards_not_met"] = str(len(unmet))
    except ScenarioError as exc:
        return Outcome(job, False, str(exc), cells)
    except StpmodelError as exc:
        return Outcome(job, False, f"{job.scenario}: {exc}", cells)
    except OSError as exc:
        return Outcome(job, False, f"{job.scenario}: cannot write {job.output}: "
                                   f"{exc.strerror or exc}", cells)
    except Exception as exc:  # a bug: report it against this scenario and carry on
        return Outcome(job, False, f"{job.scenario}: internal error (a bug in stpmodel): "
                                   f"{type(exc).__name__}: {exc}", cells)
    return Outcome(job, True, "", {**cells, "output": str(job.output)}, unmet)


def _final(frame: pl.DataFrame) -> dict[str, Any]:
    """metric → value (the mean over draws when there are several) in the frame's last period."""
    last = frame["period"].max()
    column = "value" if "value" in frame.columns else "mean"
    final = frame.filter(frame["period"] == last)
    return {"final_period": last, **dict(zip(final["metric"].to_list(),
                                              final[column].to_list()))}


def key_metrics(frame: pl.DataFrame) -> dict[str, str]:
    """The key metrics (:data:`stpmodel.services.KEY_METRICS`) in the last period of one
    footprint's results (or their total's), as text; with ``final_period``, that period's
    label."""
    from .services import KEY_METRICS

    values = _final(frame)
    return {"final_period": str(values["final_period"]),
            **{m: format_number(values[m]) for m in KEY_METRICS if m in values}}


def standards_columns(frame: pl.DataFrame) -> dict[str, str]:
    """Whether each national standard that applies is met in the last period of one
    footprint's results (or their total's), as the tidy output writes it: 1 met, 0 not met
    (with several draws, the share of draws that meet it), empty when it does not apply then.
    Columns are named as the output rows are, ``standard_<name>``."""
    from .services import STANDARDS

    values = _final(frame)
    return {s.row_name: format_number(values[s.row_name]) for s in STANDARDS
            if s.row_name in values}


def _init_worker(threads: int, parent: int | None = None) -> None:
    # Ctrl-C at a terminal signals every process in the group; the parent alone decides what
    # to do (stop the workers, clean up), so workers ignore it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Stopped by the parent (SIGTERM): remove what this worker was writing, then go.
    signal.signal(signal.SIGTERM, _worker_stop)
    _watch_parent(parent if parent is not None else os.getppid())
    if threads > 0:
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # read when numba starts its threads
        import numba

        most = numba.config.NUMBA_NUM_THREADS  # type: ignore[attr-defined]
        numba.set_num_threads(max(1, min(threads, most)))


def _worker_stop(signum: int, frame: Any) -> None:
    from .output import remove_pending

    remove_pending()
    os._exit(128 + signum)


def _watch_parent(parent: int) -> None:
    """End this worker soon after its parent dies (a batch killed with SIGKILL cannot stop its
    workers itself). On Linux the kernel sends SIGTERM at once (PR_SET_PDEATHSIG); everywhere,
    a daemon thread also checks every :data:`WATCH_S` seconds that the parent is still there.
    Either way the temporary file being written is removed first."""
    _set_parent_death_signal()
    if os.getppid() != parent:  # it died before we got here
        _orphaned()

    def watch() -> None:
        while True:
            time.sleep(WATCH_S)
            if os.getppid() != parent:
                _orphaned()

    threading.Thread(target=watch, name="stpmodel-parent-watch", daemon=True).start()


def _orphaned() -> None:
    from .output import remove_pending

    remove_pending()
    os._exit(1)


def _set_parent_death_signal() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: the watch thread alone does it
        pass


# ---------------------------------------------------------------------------------------------
# Running many


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_batch(jobs: Sequence[Job], workers: int | None = None,
              on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Run every job; return their outcomes in the order of ``jobs``.

    With more than one worker the jobs run in separate processes, each free to use every CPU for
    the model's own threads: a big scenario (England's 44 footprints) left running alone when
    the small ones are done then has the machine to itself, instead of its 1/workers share.
    Threads wait passively (``OMP_WAIT_POLICY=PASSIVE``), so that while several jobs run at once
    a waiting thread gives its CPU to the others. ``on_done`` is called (in this process) as
    each job ends. On KeyboardInterrupt (or any other exception here) the workers are
    stopped, any temporary file they leave is removed, and the exception is raised again.
    """
    remove_stale(jobs)
    cpus = default_workers()
    workers = max(1, min(workers or cpus, len(jobs)))
    outcomes: dict[int, Outcome] = {}

    def done(i: int, outcome: Outcome) -> None:
        outcomes[i] = outcome
        if on_done is not None:
            on_done(outcome)

    try:
        if workers == 1:
            for i, job in enumerate(jobs):
                done(i, run_job(job))
        else:
            _in_pool(jobs, workers, cpus, done)
    except BaseException:
        remove_stale(jobs)
        raise
    return [outcomes[i] for i in range(len(jobs))]


def run_on_cluster(jobs: Sequence[Job], scheduler: str, workers: int | None = None,
                   on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Run every job as a task on a Dask cluster; return their outcomes in the order of
    ``jobs``, as :func:`run_batch` does. ``scheduler`` is a scheduler's address
    (``tcp://host:8786``), or ``local`` for a cluster of ``workers`` processes on this machine
    (default: one per CPU). Each task runs one scenario as :func:`run_job` does and writes its
    output from the worker, so on a real cluster the outputs' folder must be on a file system
    every worker shares. The summary is written here from the outcomes, in batch order: the
    files are those of a local batch, byte for byte."""
    from .cluster import ClusterError, dask_client

    remove_stale(jobs)
    outcomes: dict[int, Outcome] = {}
    try:
        with dask_client(scheduler, min(workers or default_workers(), len(jobs))) as client:
            from dask.distributed import as_completed

            futures = {client.submit(run_job, job, pure=False): i for i, job in enumerate(jobs)}
            try:
                for future in as_completed(futures):
                    i = futures[future]
                    try:
                        outcome = future.result()
                    except Exception as exc:  # the worker died or the task could not run
                        outcome = Outcome(jobs[i], False, f"{jobs[i].scenario}: the cluster "
                                          f"could not run it: {type(exc).__name__}: {exc}",
                                          {"file": str(jobs[i].scenario)})
                    outcomes[i] = outcome
                    if on_done is not None:
                        on_done(outcome)
            except BaseException:
                client.cancel(list(futures))
                raise
    except ClusterError as exc:
        remove_stale(jobs)
        raise BatchError(str(exc)) from None
    except BaseException:
        remove_stale(jobs)
        raise
    return [outcomes[i] for i in range(len(jobs))]


def _in_pool(jobs: Sequence[Job], workers: int, threads: int,
             done: Callable[[int, Outcome], None]) -> None:
    # spawn, not fork: the parent may already hold polars' and numba's threads, which a forked
    # child would inherit in an unknown state
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_init_worker, initargs=(threads, os.getpid()))
    try:
        pending: dict[Future[Outcome], int] = {pool.submit(run_job, job): i
                                               for i, job in enumerate(jobs)}
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=pending.__getitem__):
                i = pending.pop(future)
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    outcome = Outcome(jobs[i], False, f"{jobs[i].scenario}: the worker process "
                                                      "running it died (out of memory?)",
                                      {"file": str(jobs[i].scenario)})
                done(i, outcome)
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: cancel what has not started and end the workers mid-run.

    A worker may be deep in compiled model code, where no Python signal handler runs, so it is
    ended by a plain SIGTERM (then SIGKILL if it lingers). What it was writing is left as a
    temporary file at worst, which :func:`run_batch` removes once the workers are gone.
    """
    # ProcessPoolExecutor has no public way to end running workers before Python 3.14
    # (terminate_workers); its process table has been stable since 3.2.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()


def remove_stale(jobs: Sequence[Job]) -> list[Path]:
    """Remove temporary files that stpmodel made (``.NAME.stpmodel-PID.*.tmp``) beside this
    batch's outputs and summary, left by a process that was killed before it could clean up;
    return those removed. A file of a process that still runs, or of the user's own naming
    (``.summary.csv.mine.tmp``), is never touched."""
    from .output import remove_orphans

    removed = []
    folders: dict[Path, set[str]] = {}
    for job in jobs:
        folders.setdefault(job.output.parent, set()).update({job.output.name, SUMMARY_NAME})
    for folder, names in folders.items():
        for name in sorted(names):
            removed.extend(remove_orphans(folder / name))
    return removed


# ---------------------------------------------------------------------------------------------
# The summary


def summary_csv(outcomes: Sequence[Outcome]) -> str:
    """summary.csv: one row per scenario, in batch order: where it came from, whether it ran
    (``ok`` or ``failed``, with the first line of the error), what it is, and its final-year key
    metrics and standards. Metric columns appear for the services at least one scenario has."""
    import csv
    import io

    from .services import KEY_METRICS, STANDARDS

    present = {k for o in outcomes for k in o.summary}
    metrics = [m for m in KEY_METRICS if m in present]
    standards = [s.row_name for s in STANDARDS if s.row_name in present]
    columns = [*SUMMARY_COLUMNS, *metrics, *standards]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for outcome in outcomes:
        cells = {**outcome.summary, "status": "ok" if outcome.ok else "failed",
                 "error": outcome.error.splitlines()[0] if outcome.error else ""}
        writer.writerow([cells.get(c, "") for c in columns])
    return buffer.getvalue()


def write_summary(outcomes: Sequence[Outcome], path: Path, force: bool = False) -> None:
    text = summary_csv(outcomes)
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"),
                 inputs=[o.job.scenario for o in outcomes], force=force)
