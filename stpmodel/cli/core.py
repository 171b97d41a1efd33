"""The core commands: run, validate, schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import OutputError, ScenarioError, plain
from .app import (
    EXIT_FOUND,
    EXIT_USAGE,
    By,
    DrawsOption,
    ForceOption,
    Format,
    JobsOption,
    OutputOption,
    SeedOption,
    app,
    emit,
    exit_with,
    load_or_exit,
    output_format,
    run_with_progress,
    scheduler_option,
    warn_stale,
)

FILE_FORMATS = tuple(f.value for f in Format if f is not Format.table)  # output.FILE_FORMATS

if TYPE_CHECKING:
    from ..scenario import Scenario


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    by: Annotated[By, typer.Option("--by", help="Period to report by.")] = By.year,
    fmt: Annotated[Format | None, typer.Option(
        "--format", "-f", help="Output format [default: table, or the -o file's suffix].")] = None,
    output: OutputOption = None,
    draws: DrawsOption = None,
    seed: SeedOption = None,
    check: Annotated[bool, typer.Option(
        "--check", help="List the national standards not met, and exit 1 if there are any.")]
    = False,
    every: Annotated[bool, typer.Option(
        "--all", help="Show every metric in the table, not just the summary.")] = False,
    percentiles: Annotated[str, typer.Option(
        "--percentiles", help="Percentiles over draws, comma-separated, each 0–100.")]
    = "5,50,95",
    force: ForceOption = False,
    schemes: Annotated[str, typer.Option(
        "--schemes", help="With a schemes: list, which to apply: all (the plan), none (the "
                          "do-minimum) or names, comma-separated.")] = "all",
    scheduler: Annotated[str | None, scheduler_option(
        "the simulation as tasks, a block of draws each,", "The results are those of a run here, "
        "byte for byte.")] = None,
    jobs: JobsOption = None,
) -> None:
    """Run a scenario and print or write its results.

    The table shows a summary by default (people treated, OAP days, money, staff and the
    national standards); --all shows every metric. Files always hold every metric."""
    chosen = output_format(fmt.value if fmt is not None else None, output, FILE_FORMATS)

    chosen_percentiles = _percentiles(percentiles)
    if output is not None:
        from ..output import check_output

        try:
            check_output(output, (scenario,), force)
        except OutputError as exc:
            raise exit_with(str(exc), EXIT_USAGE) from None
    loaded = with_schemes(load_or_exit(scenario).with_overrides(draws=draws, seed=seed),
                          schemes)

    from ..cluster import ClusterError
    from ..output import render_tables
    from ..results import unmet_standards
    from ..runinfo import assumed_values, assumption_rows, run_meta

    try:
        result = run_with_progress(loaded, by.value, sorted(set(chosen_percentiles)),
                                   scheduler, jobs)
    except ClusterError as exc:
        raise exit_with(str(exc), EXIT_USAGE) from None
    frame = result.frame
    meta = run_meta(loaded, scenario, by.value, sorted(set(chosen_percentiles)),
                    result.notes)
    assumed = assumption_rows(assumed_values(loaded, _text(scenario))) \
        if chosen == "xlsx" else ()
    if not emit(frame, chosen, output, inputs=(scenario,), force=force, meta=meta,
                assumed=assumed):
        from rich.console import Console

        from ..services import SUMMARY

        fp = loaded.footprint
        title = f"{loaded.name} · {fp.name} ({fp.code}) · by {by.value}"
        shown = frame
        if len(loaded.members) > 1:  # the table shows the total; files hold every footprint
            shown = frame.filter(~frame["footprint_code"].str.starts_with("E54"))
            title = (f"{loaded.name} · {shown['footprint'][0]}, the total of "
                     f"{len(loaded.members)} footprints (files hold each) · by {by.value}")
        if loaded.n_draws > 1:
            title += f" · mean of {loaded.n_draws} draws"
        if not every:
            title += " · summary (--all for every metric)"
            shown = shown.filter(shown["metric"].is_in(SUMMARY)
                                 | shown["metric"].str.starts_with("standard_"))
        console = Console()
        for table in render_tables(shown, title, console):
            console.print(table)
    for note in result.notes:
        typer.echo(f"note: {plain(note)}", err=True)
    if loaded.assumptions:
        several = len(loaded.members) > 1
        typer.echo("assumptions to replace with local figures"
                   + (f" (values for {plain(loaded.footprint.name)}; each footprint has its "
                      "own in the file)" if several else "") + ":", err=True)
        for line in loaded.assumption_lines():
            typer.echo(f"  - {plain(line)}", err=True)
    if check:
        unmet = unmet_standards(frame)
        for line in unmet:
            typer.echo(f"standard not met: {plain(line)}", err=True)
        if unmet:
            raise typer.Exit(code=EXIT_FOUND)
        typer.echo("every national standard that applies is met", err=True)


def with_schemes(scenario: Scenario, chosen: str) -> Scenario:
    """The scenario with the schemes ``chosen`` (all, none, or names comma-separated)."""
    if chosen.strip() == "all":
        return scenario
    names = [] if chosen.strip() == "none" else [n.strip() for n in chosen.split(",")
                                                 if n.strip()]
    try:
        return scenario.with_schemes(names)
    except KeyError as exc:
        known = ", ".join(f"'{s.name}'" for s in scenario.schemes) or "none in this scenario"
        raise exit_with(f"--schemes: no scheme named {exc.args[0]!r}; the schemes are {known} "
                        "(or give all or none)", EXIT_USAGE) from None


def _text(path: Path) -> str | None:
    """The scenario file's text (for the comments above its values), or None."""
    from ..source import read_text

    try:
        return read_text(path)
    except ScenarioError:
        return None


PERCENTILE_DECIMALS = 3  # p99.999 at most: finer would be labelled wrongly (p100)


def _percentiles(text: str) -> list[float]:
    """The --percentiles, each 0–100 with at most :data:`PERCENTILE_DECIMALS` decimals, so that
    each column's name (p5, p99.9) says exactly which percentile it holds."""
    from decimal import Decimal, InvalidOperation

    chosen: list[float] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            number = Decimal(part)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or not 0 <= number <= 100:
            raise exit_with(f"--percentiles takes numbers from 0 to 100 such as 5,50,95; got "
                            f"{plain(text)!r}", EXIT_USAGE)
        exponent = number.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -PERCENTILE_DECIMALS:
            raise exit_with(f"--percentiles: at most {PERCENTILE_DECIMALS} decimals (such as "
                            f"99.999), so that each column is named exactly; got {part!r}",
                            EXIT_USAGE)
        chosen.append(float(number))
    if not chosen:
        raise exit_with(f"--percentiles takes numbers from 0 to 100 such as 5,50,95; got "
                        f"{plain(text)!r}", EXIT_USAGE)
    return chosen


@app.command()
def validate(
    scenarios: Annotated[list[Path], typer.Argument(help="Scenario YAML files.")],
) -> None:
    """Check scenario files and list every problem as file:line:col: key.path: message."""
    from ..scenario import load_scenario

    bad = 0
    for path in scenarios:
        try:
            loaded = load_scenario(path)
        except ScenarioError as exc:
            bad += 1
            typer.echo(str(exc), err=True)
        else:
            typer.echo(f"{plain(path)}: ok")
            warn_stale(loaded)
    if bad:
        raise exit_with(f"{bad} of {len(scenarios)} file(s) have problems")


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files, for editors (see docs/editor.md)."""
    from ..schema import scenario_schema

    typer.echo(json.dumps(scenario_schema(), indent=2, ensure_ascii=False))
