"""The command line. It parses arguments, calls the library, renders, and picks the exit code.

Exit codes: 0 ok · 1 found something (an invalid scenario, ...) · 2 usage error · 3 internal error
(a bug: please report it; ``--debug`` shows the traceback).

Heavy modules (numba, polars) are imported inside the commands that need them, so ``--help``,
``validate`` and ``schema`` start quickly.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .errors import OutputError, ScenarioError, StpmodelError

EXIT_OK, EXIT_FOUND, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3

app = typer.Typer(
    name="stpmodel",
    help="Scenario modeller for mental health transformation in England's STP/ICS footprints.",
    no_args_is_help=True,
    add_completion=False,
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


def _fail(message: str, code: int = EXIT_FOUND) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code=code)


def _version(value: bool) -> None:
    if value:
        from . import __version__

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


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    by: Annotated[By, typer.Option("--by", help="Period to report by.")] = By.year,
    fmt: Annotated[Format | None, typer.Option(
        "--format", "-f", help="Output format [default: table, or the -o file's suffix].")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write to this file (atomically) instead of the terminal.")] = None,
    draws: Annotated[int | None, typer.Option(
        "--draws", min=1, max=100_000, help="Override the scenario's Monte Carlo draws.")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", min=0, help="Override the scenario's master seed.")] = None,
) -> None:
    """Run a scenario and print or write its results."""
    from .output import format_for

    chosen = fmt.value if fmt is not None else None
    if chosen is None:
        chosen = "table" if output is None else format_for(output)
        if chosen is None:
            raise _fail(f"cannot tell the format of {output} from its suffix; "
                        "add --format csv|parquet|json", EXIT_USAGE)
    if chosen == "table" and output is not None:
        raise _fail("the table is for the terminal; to write a file use --format "
                    "csv|parquet|json", EXIT_USAGE)
    if chosen == "parquet" and output is None:
        raise _fail("parquet is binary; give a file with -o", EXIT_USAGE)

    loaded = _load(scenario).with_overrides(draws=draws, seed=seed)

    from .model import run as run_model
    from .output import render_tables, to_csv, to_json, write_frame
    from .results import partial_periods, shortfalls, tabulate

    projection = run_model(loaded)
    frame = tabulate(projection, by.value)
    if output is not None:
        try:
            write_frame(frame, output, chosen)
        except OutputError as exc:
            raise _fail(str(exc), EXIT_USAGE) from None
        except OSError as exc:
            raise _fail(f"{output}: cannot write: {exc.strerror}", EXIT_USAGE) from None
    elif chosen == "csv":
        sys.stdout.write(to_csv(frame))
    elif chosen == "json":
        sys.stdout.write(to_json(frame))
    else:
        from rich.console import Console

        fp = loaded.footprint
        title = f"{loaded.name} · {fp.name} ({fp.code}) · by {by.value}"
        console = Console()
        for table in render_tables(frame, title, console):
            console.print(table)
    for note in partial_periods(projection, by.value) + shortfalls(projection, by.value):
        typer.echo(f"note: {note}", err=True)


@app.command()
def validate(
    scenarios: Annotated[list[Path], typer.Argument(help="Scenario YAML files.")],
) -> None:
    """Check scenario files and list every problem as file:line:col: key.path: message."""
    from .scenario import load_scenario

    bad = 0
    for path in scenarios:
        try:
            load_scenario(path)
        except ScenarioError as exc:
            bad += 1
            typer.echo(str(exc), err=True)
        else:
            typer.echo(f"{path}: ok")
    if bad:
        raise _fail(f"{bad} of {len(scenarios)} file(s) have problems")


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files, for editors."""
    from .scenario import Scenario

    doc = Scenario.model_json_schema()
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["title"] = "stpmodel scenario"
    typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))


def _load(path: Path):  # type: ignore[no-untyped-def]
    from .scenario import load_scenario

    try:
        return load_scenario(path)
    except ScenarioError as exc:
        raise _fail(str(exc)) from None


def main() -> None:
    """Console entry point: turns stray exceptions into exit code 3 with a short message."""
    try:
        app()
    except StpmodelError as exc:  # a library error a command did not map: still not a bug
        typer.echo(str(exc), err=True)
        sys.exit(EXIT_FOUND)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if _state["debug"]:
            raise
        typer.echo(f"internal error (a bug in stpmodel): {type(exc).__name__}: {exc}\n"
                   "  rerun with --debug for the traceback, and please report it", err=True)
        sys.exit(EXIT_BUG)


if __name__ == "__main__":  # pragma: no cover
    main()
