"""The sensitivity command: a tornado table of the scenario's uncertain values."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .app import (
    EXIT_USAGE,
    By,
    JobsOption,
    app,
    exit_with,
    load_or_exit,
    notice_compiling,
    scheduler_option,
)

if TYPE_CHECKING:
    from ..scenario import Scenario
    from ..sensitivity import Tornado


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
    scheduler: Annotated[str | None, scheduler_option(
        "each end of each bar (and the central case) as a task",
        "The tornado is the same as a local run's.")] = None,
    jobs: JobsOption = None,
) -> None:
    """Tornado: each uncertain value at its p10 and p90, the others at their medians.

    The table shows each value's key path and unit, its distribution, its p10 → p90, the
    metric at each end and the swing between them, in the metric's unit (money as £m)."""
    from ..cluster import ClusterError
    from ..errors import OutputError
    from ..output import CSV_BOM, check_output, to_csv, write_atomic
    from ..sensitivity import SensitivityError, tornado

    if output is not None:
        try:
            check_output(output, (scenario,), force)
        except OutputError as exc:
            raise exit_with(str(exc), EXIT_USAGE) from None
    loaded = load_or_exit(scenario).with_overrides(draws=draws)
    notice_compiling()
    try:
        result = tornado(loaded, metric, period, by.value, scheduler, jobs)
    except (SensitivityError, ClusterError) as exc:
        raise exit_with(str(exc), EXIT_USAGE) from None
    if output is not None:
        text = CSV_BOM + to_csv(result.frame.rename({"metric_at_p10": f"{metric}_at_p10",
                                                     "metric_at_p90": f"{metric}_at_p90"}))
        try:
            write_atomic(output, lambda tmp: tmp.write_text(text, encoding="utf-8"),
                         inputs=(scenario,), force=force)
        except OutputError as exc:
            raise exit_with(str(exc), EXIT_USAGE) from None
        return
    from rich.console import Console

    Console().print(tornado_table(result, loaded))


def tornado_table(result: Tornado, scenario: Scenario) -> Any:
    """The tornado as a table that reads at 80 columns: each value's key path, unit and
    distribution in one column (on two lines), then its p10 → p90, the metric at each end and
    the swing, in the metric's unit."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from ..errors import plain
    from ..output import format_value, money_scale, short_unit, text
    from ..runinfo import unit_at

    unit = result.unit
    frame = result.frame
    ends = [*frame["metric_at_p10"].to_list(), *frame["metric_at_p90"].to_list(),
            result.central]
    scale = money_scale(ends) if unit.startswith("£") else None

    def shown(value: float | None) -> str:
        return format_value(value, unit, scale)

    title = (f"Tornado: {result.metric} [{short_unit(unit)}], {result.period}; "
             f"{shown(result.central)} with every value at its median")
    table = Table(title=text(title), title_justify="left", box=box.SIMPLE_HEAD,
                  header_style="bold", pad_edge=False)
    table.add_column(Text("uncertain value\n  distribution [unit]"), overflow="fold", min_width=24,
                     ratio=1)
    table.add_column("its p10 → p90", justify="right", no_wrap=True)
    table.add_column("at p10", justify="right", no_wrap=True)
    table.add_column("at p90", justify="right", no_wrap=True)
    table.add_column("swing", justify="right", no_wrap=True)
    for row in frame.iter_rows(named=True):
        own = unit_at(scenario, row["parameter"])
        label = text(row["parameter"])
        label.append("\n")
        label.append(plain(f"  {row['distribution']}" + (f" [{own}]" if own else "")),
                     style="dim")
        table.add_row(label, f"{_sig(row['p10'])} → {_sig(row['p90'])}",
                      shown(row["metric_at_p10"]), shown(row["metric_at_p90"]),
                      shown(row["swing"]))
    return table


def _sig(value: float) -> str:
    """An input value to 4 significant figures, with thousands separators: 10,900, 0.4712."""
    if value == 0 or not math.isfinite(value):
        from ..output import format_number

        return format_number(value) or "–"
    digits = max(0, 3 - math.floor(math.log10(abs(value))))
    shown = f"{value:,.{digits}f}"
    return shown.rstrip("0").rstrip(".") if "." in shown else shown
