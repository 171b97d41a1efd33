"""The Typer app, exit codes and helpers shared by every command module.

Exit codes: 0 ok · 1 found something (an invalid scenario, ...) · 2 usage error · 3 internal error
(a bug: please report it; ``--debug`` shows the traceback).

Heavy modules (numba, polars) are imported inside the commands that need them, so ``--help``,
``validate`` and ``schema`` start quickly.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import ScenarioError, plain

if TYPE_CHECKING:
    import polars as pl

    from ..results import Report
    from ..scenario import Scenario

EXIT_OK, EXIT_FOUND, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3

app = typer.Typer(
    name="stpmodel",
    help="Scenario modeller for mental health transformation in England's STP/ICS footprints.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
_state = {"debug": False}


class By(StrEnum):
    month = "month"
    quarter = "quarter"
    year = "year"


class Format(StrEnum):
    table = "table"
    csv = "csv"
    parquet = "parquet"
    json = "json"
    xlsx = "xlsx"


# Options several commands take on one scenario, declared once.
OutputOption = Annotated[Path | None, typer.Option(
    "--output", "-o", help="Write to this file (atomically) instead of the terminal.")]
DrawsOption = Annotated[int | None, typer.Option(
    "--draws", min=1, max=100_000, help="Override the scenario's Monte Carlo draws.")]
SeedOption = Annotated[int | None, typer.Option(
    "--seed", min=0, help="Override the scenario's master seed.")]
ForceOption = Annotated[bool, typer.Option(
    "--force", help="Replace the -o file even if it is read-only.")]
JobsOption = Annotated[int | None, typer.Option(
    "--jobs", "-j", min=1, metavar="N",
    help="Workers of --scheduler local [default: one per CPU].")]


def scheduler_option(tasks: str, promise: str) -> Any:
    """The ``--scheduler`` option of a command whose work can run on a Dask cluster
    (:mod:`stpmodel.cluster`): ``tasks`` says how it is split, ``promise`` what the output then
    is."""
    return typer.Option(
        "--scheduler", metavar="ADDRESS",
        help=f"Run {tasks} on a Dask cluster: its scheduler's address "
             f"(tcp://host:8786), or 'local' for one on this machine. {promise} Needs the "
             "cluster extra (pip install 'stpmodel[cluster]').")


def output_format(fmt: str | None, output: Path | None, formats: tuple[str, ...]) -> str:
    """The format to write: ``fmt``, else the ``output`` file's suffix, else the table; one of
    ``formats`` (besides the table). Exits with a usage error for a table in a file, a binary
    format on the terminal, or a suffix that names none of them."""
    from ..output import format_for

    listed = "|".join(formats)
    chosen = fmt
    if chosen is None:
        chosen = "table" if output is None else format_for(output)
        if chosen is None:
            raise exit_with(f"cannot tell the format of {output} from its suffix; add "
                            f"--format {listed}", EXIT_USAGE)
    if chosen != "table" and chosen not in formats:
        raise exit_with(f"{output or '--format'}: this command writes {listed}, not {chosen}",
                        EXIT_USAGE)
    if chosen == "table" and output is not None:
        raise exit_with(f"the table is for the terminal; to write a file use --format {listed}",
                        EXIT_USAGE)
    if chosen in ("parquet", "xlsx") and output is None:
        raise exit_with(f"{chosen} is binary; give a file with -o", EXIT_USAGE)
    return chosen


def emit(frame: pl.DataFrame, chosen: str, output: Path | None, *, inputs: tuple[Path, ...],
         force: bool, meta: Mapping[str, object], assumed: Sequence[Mapping[str, Any]] = ()
         ) -> bool:
    """Write ``frame`` to ``output`` (atomically) or CSV/JSON to standard output, as
    ``chosen``; False when the table is left for the command to print."""
    from ..errors import OutputError
    from ..output import to_csv, to_json, write_frame

    if output is not None:
        try:
            write_frame(frame, output, chosen, inputs=inputs, force=force, meta=meta,
                        assumed=assumed)
        except OutputError as exc:
            raise exit_with(str(exc), EXIT_USAGE) from None
    elif chosen == "csv":
        sys.stdout.write(to_csv(frame))
    elif chosen == "json":
        sys.stdout.write(to_json(frame, meta))
    else:
        return False
    return True


def exit_with(message: str, code: int = EXIT_FOUND) -> typer.Exit:
    """Print ``message`` on stderr (each line with its control characters escaped, since it
    may quote a file's name or contents) and return the Exit to raise."""
    typer.echo("\n".join(plain(line) for line in message.split("\n")), err=True)
    return typer.Exit(code=code)


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"stpmodel {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on internal errors.")]
    = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    _state["debug"] = debug


def load_or_exit(path: Path) -> Scenario:
    """The scenario at ``path``, or exit 1 listing its problems."""
    from ..scenario import load_scenario

    try:
        return load_scenario(path)
    except ScenarioError as exc:
        raise exit_with(str(exc)) from None


# What a run holds in memory: about 0.3 GB (the modules, the inputs), and twice (the results,
# and the work of tabulating them) a block of footprints' monthly results
# (stpmodel.results.report: as many as 256 MB hold, at least one) and, with several footprints,
# every draw's total. Measured over 60 months (peak RSS; what this says in brackets):
# end-oaps.yaml, 0.47 GB at 2,000 draws (0.57), 1.26 GB at 8,000 (1.34), 2.32 GB at 16,000
# (2.37); england-ltp.yaml (44 footprints), 0.71 GB at 1,000 draws (0.83), 1.11 GB at 3,000
# (1.09).
FIXED_BYTES = 300 * 1024**2
MEMORY_WARNING_BYTES = 2 * 1024**3


def memory_needed(scenario: Scenario) -> int:
    """Roughly the bytes a run of ``scenario`` needs (see :data:`FIXED_BYTES`)."""
    from ..results import block_footprints
    from ..services import N_ROWS

    months = max(1, int(scenario.end) - int(scenario.start) + 1)
    per_footprint = scenario.n_draws * N_ROWS * months * 8
    members = len(scenario.members)
    held = block_footprints(members, per_footprint) + (1 if members > 1 else 0)
    return FIXED_BYTES + 2 * held * per_footprint


def warn_if_large(scenario: Scenario) -> None:
    """A warning on stderr when a run would need more than about 2 GB of memory."""
    need = memory_needed(scenario)
    if need > MEMORY_WARNING_BYTES:
        typer.echo(f"warning: {scenario.n_draws:,} draws may need about {need / 1e9:.1f} GB of "
                   "memory; use fewer draws (--draws) if this machine has less", err=True)


def kernels_cold(package: Path | None = None, environ: Mapping[str, str] | None = None
                 ) -> bool:
    """Whether numba has compiled none of the kernels yet for this Python: the first run after
    installing (or after every kernel changed its file), which compiles for about 15 s before
    it starts. Looks for numba's index files (``MODULE.FUNCTION-LINE.pyXY.nbi``) beside the
    kernels and in ``NUMBA_CACHE_DIR``, without importing numba; an index older than its
    kernel's source is stale. (A kernel first used later, such as the beds' after a run of
    IAPT alone, compiles in a few seconds without a word.)"""
    import os
    import sys

    from ..numbacache import PACKAGE

    env = os.environ if environ is None else environ
    kernels = (package or PACKAGE) / "kernels"
    tag = f"py{sys.version_info.major}{sys.version_info.minor}"
    # numba caches in NUMBA_CACHE_DIR when it is set (stpmodel.numbacache sets it where the
    # package cannot be written), else beside the kernels
    custom = env.get("NUMBA_CACHE_DIR")
    folders = [Path(custom)] if custom else [kernels / "__pycache__"]
    compiled = False
    for module in kernels.glob("*.py"):
        try:
            if "cache=True" not in module.read_text(encoding="utf-8"):
                continue
            changed = module.stat().st_mtime
            if any(index.stat().st_mtime >= changed for folder in folders
                   if folder.is_dir() for index in folder.rglob(f"{module.stem}.*.{tag}.nbi")):
                return False
            compiled = True
        except OSError:
            continue
    return compiled


COMPILING = ("compiling the model's kernels, once (this first run takes about 15 s longer; "
             "later runs start at once)")
QUIET = "STPMODEL_COMPILE_NOTICE"  # set to 0 to leave the notice out


def notice_compiling() -> None:
    """One line on stderr when the kernels are about to be compiled (see :func:`kernels_cold`),
    so that the first run does not look hung. ``STPMODEL_COMPILE_NOTICE=0`` leaves it out."""
    import os

    if os.environ.get(QUIET, "1") != "0" and kernels_cold():
        typer.echo(COMPILING, err=True)


def warn_stale(scenario: Scenario) -> None:
    """A warning on stderr for each trajectory whose dates all fall outside the run."""
    from ..runinfo import stale_trajectories

    for line in stale_trajectories(scenario):
        typer.echo(f"warning: {plain(line)}", err=True)


def run_with_progress(scenario: Scenario, by: str, percentiles: list[float],
                      scheduler: str | None = None, workers: int | None = None) -> Report:
    """Run and tabulate a scenario, with a progress bar on stderr for long runs when stderr is
    a terminal; with ``scheduler``, its kernels as tasks on a Dask cluster
    (:func:`stpmodel.results.report`)."""
    import sys

    from ..results import report

    warn_if_large(scenario)
    warn_stale(scenario)
    notice_compiling()
    work = scenario.n_draws * len(scenario.members)
    if work < 50 or not sys.stderr.isatty():
        return report(scenario, by, percentiles,  # type: ignore[arg-type]
                      scheduler=scheduler, workers=workers)
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(f"{len(scenario.members)} footprint(s) × {scenario.n_draws} draws",
                            total=work)
        return report(scenario, by, percentiles,  # type: ignore[arg-type]
                      progress=lambda done: bar.update(task, completed=done),
                      scheduler=scheduler, workers=workers)
