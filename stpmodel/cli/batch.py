"""The CI command: batch, which runs many scenarios in parallel."""

from __future__ import annotations

import signal
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from .app import (
    EXIT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    By,
    app,
    exit_with,
    notice_compiling,
    scheduler_option,
)

INTERRUPTED = 130  # as for any process ended by SIGINT


class BatchFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"
    json = "json"
    xlsx = "xlsx"


@app.command()
def batch(
    paths: Annotated[list[str], typer.Argument(
        metavar="PATHS", show_default=False,
        help="Scenario files, folders (their *.yaml files) or glob patterns (quote them; '**' "
             "reaches into sub-folders).")],
    out_dir: Annotated[Path, typer.Option(
        "--out-dir", "-d", metavar="DIR", show_default=False,
        help="Folder for the outputs and summary.csv; made if missing.")],
    fmt: Annotated[BatchFormat, typer.Option(
        "--format", "-f", help="Format of each scenario's output.")] = BatchFormat.csv,
    by: Annotated[By, typer.Option("--by", help="Period to report by.")] = By.year,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1, metavar="N",
        help="Scenarios to run at once, each in its own process [default: one per CPU].")]
    = None,
    draws: Annotated[int | None, typer.Option(
        "--draws", min=1, max=100_000, help="Override every scenario's Monte Carlo draws.")]
    = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", min=0, help="Override every scenario's master seed.")] = None,
    check: Annotated[bool, typer.Option(
        "--check", help="List the national standards each scenario does not meet (as run "
                        "--check does), and exit 1 if there are any.")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace output files even if they are read-only.")] = False,
    scheduler: Annotated[str | None, scheduler_option(
        "each scenario as a task (with --jobs workers for local)",
        "Workers write the outputs, so DIR must be on a file system they share.")] = None,
) -> None:
    """Run many scenarios in parallel: one output file each, and a summary.csv.

    Each scenario's results go to DIR/NAME.FORMAT (NAME from its file name), and
    DIR/summary.csv lists every scenario with its status, and its key metrics and standards in
    the last period (the final financial year, unless --by says otherwise). A scenario that
    fails is reported (file:line:col) and the others carry on.
    Every file is written atomically, so an interrupted batch leaves no half-written file and a
    re-run overwrites cleanly. Ctrl-C stops the batch with exit code 130.

    Exit codes: 0 every scenario ran (and, with --check, meets the national standards), 1 one
    or more failed (or, with --check, missed a standard), 2 a usage error.
    """
    from ..batch import (
        SUMMARY_NAME,
        BatchError,
        expand,
        plan,
        run_batch,
        run_on_cluster,
        write_summary,
    )
    from ..errors import OutputError, plain

    if out_dir.exists() and not out_dir.is_dir():
        raise exit_with(f"--out-dir {out_dir}: is a file, not a folder", EXIT_USAGE)
    try:
        job_list = plan(expand(paths), out_dir, fmt.value, by.value, draws, seed, check, force)
    except BatchError as exc:
        raise exit_with(str(exc), EXIT_USAGE) from None
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise exit_with(f"--out-dir {out_dir}: cannot make it: {exc.strerror}", EXIT_USAGE) \
            from None

    if job_list:
        notice_compiling()
    previous = signal.signal(signal.SIGTERM, _interrupt)  # stop as cleanly as on Ctrl-C
    try:
        with _Progress(len(job_list)) as advance:
            if scheduler is None:
                outcomes = run_batch(job_list, jobs, on_done=lambda _: advance())
            else:
                outcomes = run_on_cluster(job_list, scheduler, jobs,
                                          on_done=lambda _: advance())
    except BatchError as exc:
        raise exit_with(str(exc), EXIT_USAGE) from None
    except KeyboardInterrupt:
        raise exit_with("interrupted: the outputs written so far are complete, the others "
                        f"were not written, and {SUMMARY_NAME} was not updated", INTERRUPTED) \
            from None
    finally:
        signal.signal(signal.SIGTERM, previous)

    width = max(len(str(o.job.scenario)) for o in outcomes)
    for outcome in outcomes:
        status = "ok" if outcome.passed else "failed" if not outcome.ok else "unmet"
        target = f"  → {outcome.job.output}" if outcome.ok else ""
        typer.echo(plain(f"{status:<8}{str(outcome.job.scenario):<{width}}{target}".rstrip()))
    for outcome in outcomes:
        if not outcome.ok:
            typer.echo(plain(outcome.error).replace("\\x0a", "\n"), err=True)
        elif check:
            for line in outcome.unmet:
                typer.echo(plain(f"{outcome.job.scenario}: standard not met: {line}"), err=True)
    summary = out_dir / SUMMARY_NAME
    try:
        write_summary(outcomes, summary, force)
    except OutputError as exc:
        raise exit_with(str(exc), EXIT_USAGE) from None
    failed = sum(not o.ok for o in outcomes)
    unmet = sum(o.ok and not o.passed for o in outcomes)
    parts = [f"{len(outcomes) - failed} of {len(outcomes)} scenarios ran"]
    if failed:
        parts.append(f"{failed} failed")
    if check:
        parts.append(f"{unmet} did not meet every national standard" if unmet
                     else "every scenario that ran meets the national standards")
    typer.echo(", ".join(parts) + f"; summary in {summary}", err=True)
    raise typer.Exit(EXIT_FOUND if failed or unmet else EXIT_OK)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


class _Progress:
    """A progress bar on standard error when it is a terminal; nothing otherwise. Used as
    ``with _Progress(total) as advance: ... advance()``."""

    def __init__(self, total: int):
        self.total = total
        self.bar: Any = None

    def __enter__(self) -> Any:
        if not sys.stderr.isatty():
            return lambda: None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        self.bar = Progress("running scenarios", BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=Console(stderr=True), transient=True)
        self.bar.start()
        task = self.bar.add_task("batch", total=self.total)
        return lambda: self.bar.advance(task)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

