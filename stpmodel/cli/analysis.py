"""The sensitivity command: a tornado table of the scenario's uncertain values."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import EXIT_USAGE, By, app, exit_with, load_or_exit


@app.command()
def sensitivity(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    metric: Annotated[str, typer.Option("--metric", "-m", help="Metric to explain.")],
    period: Annotated[str | None, typer.Option(
        "--period", "-p", help="Period, e.g. 2023/24 [default: the last].")] = None,
    by: Annotated[By, typer.Option("--by", help="Period to report by.")] = By.year,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the tornado as CSV (atomically).")] = None,
    draws: Annotated[int | None, typer.Option(
        "--draws", min=1, max=100_000,
        help="Draws of the bed simulation to average each end over.")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace the -o file even if it is read-only.")] = False,
) -> None:
    """Tornado: each uncertain value at its p10 and p90, the others at their medians."""
    from rich.console import Console
    from rich.table import Table

    from ..errors import OutputError
    from ..output import format_number, to_csv, write_atomic
    from ..output import text as plain_text
    from ..sensitivity import SensitivityError, tornado

    loaded = load_or_exit(scenario).with_overrides(draws=draws)
    try:
        result = tornado(loaded, metric, period, by.value)
    except SensitivityError as exc:
        raise exit_with(str(exc), EXIT_USAGE) from None
    if output is not None:
        text = to_csv(result.frame.rename({"metric_at_p10": f"{metric}_at_p10",
                                           "metric_at_p90": f"{metric}_at_p90"}))
        try:
            write_atomic(output, lambda tmp: tmp.write_text(text, encoding="utf-8"),
                         inputs=(scenario,), force=force)
        except OutputError as exc:
            raise exit_with(str(exc), EXIT_USAGE) from None
        except OSError as exc:
            raise exit_with(f"{output}: cannot write: {exc.strerror or exc}", EXIT_USAGE) \
                from None
        return
    table = Table(title=plain_text(f"{metric} [{result.unit}], {result.period}: "
                                   f"{format_number(result.central)} with every value at its "
                                   "median"),
                  title_justify="left")
    table.add_column("parameter", overflow="fold")
    table.add_column("distribution", overflow="fold")
    for name in ("p10", "p90", "at p10", "at p90", "swing"):
        table.add_column(name, justify="right", no_wrap=True)
    for row in result.frame.iter_rows(named=True):
        table.add_row(plain_text(row["parameter"]), plain_text(row["distribution"]),
                      format_number(row["p10"]),
                      format_number(row["p90"]), format_number(row["metric_at_p10"]),
                      format_number(row["metric_at_p90"]), format_number(row["swing"]))
    Console().print(table)
