"""The report command: one self-contained HTML page for a board paper."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import (
    EXIT_USAGE,
    app,
    exit_with,
    load_or_exit,
    notice_compiling,
    warn_if_large,
    warn_stale,
)


@app.command()
def report(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="The HTML file to write (atomically), such as plan.html.")],
    draws: Annotated[int | None, typer.Option(
        "--draws", min=1, max=100_000, help="Override the scenario's Monte Carlo draws.")]
    = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", min=0, help="Override the scenario's master seed.")] = None,
    tornado_metric: Annotated[str | None, typer.Option(
        "--tornado", metavar="METRIC",
        help="The metric the tornado explains, when values are uncertain [default: npv, or "
             "else oap_bed_days, ...].")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace the -o file even if it is read-only.")] = False,
) -> None:
    """Write a one-file HTML report: headline figures, the standards by year, fan charts
    (5th–95th percentile over draws) of beds and out-of-area placements, investment against
    savings and NPV, and the workforce; the tornado when values are uncertain; when the
    scenario has schemes, the efficient frontier, the waterfall and the schemes ranked (as
    `stpmodel prioritise` finds them with its defaults); and every assumption with its
    source. The page needs no network and no other file: charts are
    inline SVG. Give --draws 100 or more for the fan charts to mean something."""
    from ..errors import OutputError
    from ..output import check_output

    if output.suffix.lower() not in (".html", ".htm"):
        raise exit_with(f"{output}: the report is HTML; give a file ending .html", EXIT_USAGE)
    try:
        check_output(output, (scenario,), force)
    except OutputError as exc:
        raise exit_with(str(exc), EXIT_USAGE) from None
    loaded = load_or_exit(scenario).with_overrides(draws=draws, seed=seed)
    warn_if_large(loaded)
    warn_stale(loaded)
    notice_compiling()

    from ..report import build, write_html, write_report
    from ..runinfo import assumed_values, run_meta
    from ..sensitivity import SensitivityError
    from ..source import read_text

    meta = run_meta(loaded, scenario, "year", (5, 50, 95))
    assumed = assumed_values(loaded, read_text(scenario))
    try:
        page = build(loaded, meta, assumed, tornado_metric=tornado_metric,
                     say=lambda line: typer.echo(line, err=True))
    except SensitivityError as exc:
        raise exit_with(f"--tornado: {exc}", EXIT_USAGE) from None
    try:
        write_report(output, write_html(page), (scenario,), force)
    except OutputError as exc:
        raise exit_with(str(exc), EXIT_USAGE) from None
    shown = len(page.charts) + (len(page.schemes.charts) if page.schemes is not None else 0)
    typer.echo(f"wrote {output}: {shown} chart(s)", err=True)
