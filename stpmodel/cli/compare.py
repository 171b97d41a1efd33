"""The review command: diff, which compares two runs by metric and period."""

from __future__ import annotations

import difflib
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .app import (
    EXIT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    By,
    app,
    exit_with,
    load_or_exit,
    notice_compiling,
    warn_if_large,
)

if TYPE_CHECKING:
    import polars as pl

    from ..compare import Comparison
    from ..scenario import Scenario


class DiffFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


TOLERANCE_HELP = (
    "Largest change that still counts as the same, as abs=X,rel=Y: X in the metric's unit, Y "
    "a fraction of A (rel=0.001 is 0.1%). A change is beyond tolerance only when it exceeds "
    "both (give one to use only that one). Exit 1 if any change is beyond it. [default: any "
    "change at all]")


@app.command()
def diff(
    a: Annotated[Path, typer.Argument(
        metavar="A", show_default=False,
        help="A, the reference: a scenario (.yaml) or a saved output of run (.csv, .parquet, "
             ".json).")],
    b: Annotated[Path, typer.Argument(
        metavar="B", help="B, compared with A: the same kinds of file.", show_default=False)],
    all_rows: Annotated[bool, typer.Option(
        "--all", help="Show unchanged rows too.")] = False,
    metric: Annotated[list[str] | None, typer.Option(
        "--metric", "-m", metavar="METRIC",
        help="Only this metric; repeat for more, or use a pattern such as 'iapt_*'.")] = None,
    period: Annotated[list[str] | None, typer.Option(
        "--period", "-p", metavar="PERIOD",
        help="Only this period, such as 2023/24; repeat for more, or use a pattern such as "
             "'2023/24*'.")] = None,
    by: Annotated[By | None, typer.Option(
        "--by", help="Period to compare by, for scenarios [default: that of a saved output, "
                     "or year]. A saved output can only be compared by its own periods.")]
    = None,
    tolerance: Annotated[str | None, typer.Option(
        "--tolerance", "-t", metavar="abs=X,rel=Y", help=TOLERANCE_HELP, show_default=False)]
    = None,
    fmt: Annotated[DiffFormat | None, typer.Option(
        "--format", "-f", help="Output format [default: table, or the -o file's suffix].")]
    = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the comparison to this file (atomically).")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Compare even when A and B are not like for like (different metrics, "
                        "periods or footprints): only the rows both hold. Also replaces a "
                        "read-only -o file.")] = False,
    draws: Annotated[int | None, typer.Option(
        "--draws", min=1, max=100_000, help="Override both scenarios' Monte Carlo draws.")]
    = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", min=0, help="Override both scenarios' master seed.")] = None,
) -> None:
    """Compare two runs, by metric and period: what changed, and by how much.

    Scenarios run with the same seed (A's, if theirs differ), so that both draw the same
    random numbers and the difference is the effect of the change, not noise. For two
    scenarios the inputs that differ are listed too. Rows are grouped by metric, the metric
    with the largest change first (relative, then absolute), then by footprint and period in
    time order. With several draws the mean is compared. Values are
    compared at the 6 decimals output files hold, so a scenario and its saved output agree.

    Exit codes: 0 same (within --tolerance), 1 a change beyond it, 2 A and B not like for like
    (see --force) or not readable.
    """
    import polars as pl

    from ..compare import ComparisonError, Tolerance, compare, select, unmatched

    chosen = _diff_format(fmt, output)
    if output is not None:
        from ..errors import OutputError
        from ..output import check_output

        try:
            check_output(output, (a, b), force)
        except OutputError as exc:
            raise exit_with(str(exc), EXIT_USAGE) from None
    try:
        limit = Tolerance.parse(tolerance) if tolerance is not None else Tolerance()
    except ValueError as exc:
        raise exit_with(f"--tolerance: {exc}", EXIT_USAGE) from None
    side_a, side_b = _Side(a, "A"), _Side(b, "B")
    side_a.load(by)
    side_b.load(by)
    run_by = by.value if by is not None else (side_a.by or side_b.by or "year")
    notes = side_a.scenario_notes(side_b, draws, seed)
    for side in (side_a, side_b):
        if side.scenario is not None:
            warn_if_large(side.scenario)
    if side_a.scenario is not None or side_b.scenario is not None:
        notice_compiling()
    frame_a, frame_b = side_a.results(run_by), side_b.results(run_by)

    both = pl.concat([frame_a.select("metric", "period"), frame_b.select("metric", "period")])
    for option, patterns, column in (("--metric", metric, "metric"),
                                     ("--period", period, "period")):
        names = sorted(set(both[column].to_list()))
        for pattern in unmatched(patterns or [], names):
            close = difflib.get_close_matches(pattern, names, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise exit_with(f"{option} {pattern}: matches no {column} of A or B{hint}",
                            EXIT_USAGE)
    frame_a = select(frame_a, metric or [], period or [])
    frame_b = select(frame_b, metric or [], period or [])
    try:
        comparison = compare(frame_a, frame_b, limit, force=force)
    except ComparisonError as exc:
        raise exit_with(str(exc), EXIT_USAGE) from None

    for note in [*notes, *comparison.notes]:
        typer.echo(f"note: {note}", err=True)
    differences = side_a.input_differences(side_b)
    _report(comparison, chosen, output, all_rows, side_a, side_b, differences, tolerance, force)
    raise typer.Exit(EXIT_FOUND if comparison.n_beyond else EXIT_OK)


def _diff_format(fmt: DiffFormat | None, output: Path | None) -> str:
    if fmt is not None:
        chosen = fmt.value
    elif output is None:
        chosen = "table"
    else:
        suffix = output.suffix.lower().lstrip(".")
        if suffix not in ("csv", "json"):
            raise exit_with(f"cannot tell the format of {output} from its suffix; add --format "
                            "csv|json", EXIT_USAGE)
        chosen = suffix
    if chosen == "table" and output is not None:
        raise exit_with("the table is for the terminal; to write a file use --format csv|json",
                        EXIT_USAGE)
    return chosen


class _Side:
    """One side of a diff: a scenario to run, or a saved output read back."""

    def __init__(self, path: Path, label: str):
        self.path, self.label = path, label
        self.scenario: Scenario | None = None
        self.frame: pl.DataFrame | None = None
        self.by: str | None = None

    def load(self, by: By | None) -> None:
        from ..compare import ComparisonError, granularity, kind_of, read_output

        kind = kind_of(self.path)
        if kind is None:
            raise exit_with(f"{self.path}: cannot tell whether this is a scenario (.yaml) or a "
                            "saved output (.csv, .parquet, .json) from its suffix", EXIT_USAGE)
        if kind == "scenario":
            self.scenario = load_or_exit(self.path)
            return
        try:
            self.frame = read_output(self.path)
        except ComparisonError as exc:
            raise exit_with(str(exc), EXIT_USAGE) from None
        self.by = granularity(self.frame)
        if by is not None and self.by is not None and self.by != by.value:
            raise exit_with(
                f"{self.path} holds results by {self.by}; a saved output cannot be "
                f"re-aggregated by {by.value} (rates need their numerators)\n  hint: leave out "
                f"--by, or save {self.label} with `stpmodel run --by {by.value}`", EXIT_USAGE)

    def scenario_notes(self, other: _Side, draws: int | None, seed: int | None) -> list[str]:
        """Apply the overrides to both scenarios; give B A's seed when theirs differ."""
        for side in (self, other):
            if side.scenario is not None:
                side.scenario = side.scenario.with_overrides(draws=draws, seed=seed)
        a, b = self.scenario, other.scenario
        if a is None or b is None or a.seed == b.seed:
            return []
        other.scenario = b.with_overrides(seed=int(a.seed))
        return [f"the seeds differ (A {int(a.seed)}, B {int(b.seed)}): both ran with A's, "
                f"{int(a.seed)}, so that they share random numbers"]

    def results(self, by: str) -> pl.DataFrame:
        if self.frame is None:
            assert self.scenario is not None
            from ..results import report

            self.frame = report(self.scenario, by).frame  # type: ignore[arg-type]
        return self.frame

    @property
    def name(self) -> str:
        if self.scenario is not None:
            return self.scenario.name
        assert self.frame is not None
        names = self.frame["scenario"].unique().to_list()
        return str(names[0]) if len(names) == 1 else f"{len(names)} scenarios"

    def input_differences(self, other: _Side) -> list[Any]:
        from ..inputdiff import input_differences

        if self.scenario is None or other.scenario is None:
            return []
        return input_differences(self.scenario, other.scenario)


def _report(comparison: Comparison, fmt: str, output: Path | None, all_rows: bool,
            a: _Side, b: _Side, differences: list[Any], tolerance: str | None,
            force: bool = False) -> None:
    from ..compare import comparison_csv, comparison_json, to_table_rows
    from ..errors import OutputError
    from ..output import write_atomic

    rows = to_table_rows(comparison, all_rows)
    n, changed, beyond = comparison.rows.height, comparison.n_changed, comparison.n_beyond
    if fmt == "table":
        if differences or rows.height:
            _print_table(rows, a, b, differences, tolerance is not None)
    else:
        if differences:
            typer.echo("inputs that differ (A → B):", err=True)
            for difference in differences:
                typer.echo(f"  {difference}", err=True)
        text = comparison_csv(rows) if fmt == "csv" else comparison_json(rows)
        if output is None:
            sys.stdout.write(text)
        else:
            from ..output import CSV_BOM

            mark = CSV_BOM if fmt == "csv" else ""  # as run's CSV files: Excel shows £
            try:
                write_atomic(output, lambda tmp: tmp.write_text(mark + text, encoding="utf-8"),
                             inputs=(a.path, b.path), force=force)
            except OutputError as exc:
                raise exit_with(str(exc), EXIT_USAGE) from None
    sys.stdout.flush()
    if not changed:
        typer.echo(f"no change: A and B agree on all {n} rows", err=True)
    elif tolerance is None:
        typer.echo(f"{changed} of {n} rows changed", err=True)
    else:
        typer.echo(f"{changed} of {n} rows changed; {beyond} beyond the tolerance "
                   f"({comparison.tolerance})", err=True)


def _print_table(rows: pl.DataFrame, a: _Side, b: _Side, differences: list[Any],
                 marked: bool) -> None:
    from rich.console import Console
    from rich.measure import Measurement

    from ..errors import plain

    console = Console(highlight=False)
    console.print(plain(f"A: {a.path} ({a.name})"), markup=False, soft_wrap=True)
    console.print(plain(f"B: {b.path} ({b.name})"), markup=False, soft_wrap=True)
    if differences:
        console.print("\nInputs that differ (A → B):", markup=False)
        for difference in differences:
            console.print(plain(f"  {difference}"), markup=False, soft_wrap=True)
    if rows.height == 0:
        console.print("\nNo metric changed.", markup=False)
        return
    cells = [_cells(row) for row in rows.iter_rows(named=True)]
    several = rows["footprint_code"].n_unique() > 1
    footprints = rows["footprint"].to_list()
    beyond = rows["beyond_tolerance"].to_list()
    wide = console.options.update_width(10**6)
    # the unit column goes first when the terminal is too narrow: the values show £ and %
    for with_unit in (True, False):
        table = _table(cells, with_unit, footprints if several else None,
                       beyond if marked else None)
        if Measurement.get(console, wide, table).maximum <= console.width:
            break
    console.print()
    console.print(table)
    if marked:
        console.print("* beyond the tolerance", markup=False)


def _table(cells: list[list[str]], with_unit: bool, footprints: list[str] | None,
           beyond: list[bool] | None) -> Any:
    from rich import box
    from rich.table import Table

    from ..output import text

    table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
    if footprints is not None:
        table.add_column("footprint", overflow="fold")
    table.add_column("metric", overflow="fold")
    table.add_column("period", no_wrap=True)
    if with_unit:
        table.add_column("unit", style="dim", overflow="fold")
    for name in ("A", "B", "change", "% change"):
        table.add_column(name, justify="right", no_wrap=True)
    if beyond is not None:
        table.add_column("", no_wrap=True)  # * beyond the tolerance
    for i, row in enumerate(cells):
        shown = row if with_unit else row[:2] + row[3:]
        if footprints is not None:
            shown = [footprints[i], *shown]
        if beyond is not None:
            shown = [*shown, "*" if beyond[i] else ""]
        table.add_row(*(text(cell) for cell in shown))
    return table


def _cells(row: dict[str, Any]) -> list[str]:
    """metric, period, unit, A, B, change and % change as a person reads them. Minus signs
    are ASCII, so that a cell pasted into a spreadsheet is a number."""
    from ..output import MILLION, format_money, money_scale, short_unit

    unit = str(row["unit"])
    va, vb, change, rel = row["a"], row["b"], row["change"], row["rel_change"]
    if unit == "met":  # a national standard: 1 met, 0 not, between: the share of draws
        return [str(row["metric"]), str(row["period"]), unit, _met(va), _met(vb),
                "–" if change is None else "now met" if vb == 1 else "now NOT met"
                if vb == 0 else f"{change * 100:+.0f} pp of draws", "–"]
    fraction, money = unit.startswith("fraction"), unit.startswith("£")
    scale = 100.0 if fraction else (money_scale([va, vb]) if money else 1.0)
    shown_scale = 1 / scale if money else scale  # what a value is multiplied by to be shown
    places = 1 if fraction or unit in ("days", "WTE", "ratio") else (
        2 if scale == MILLION else 0)
    if va is not None and vb is not None:  # enough decimals that A and B look different
        while places < 6 and va != vb and \
                round(va * shown_scale, places) == round(vb * shown_scale, places):
            places += 1

    def shown(value: float | None, signed: bool = False) -> str:
        if value is None:
            return "–"
        digits = places
        if signed:  # a change never looks like zero
            while digits < 6 and round(value * shown_scale, digits) == 0:
                digits += 1
        if money:
            return format_money(value, scale, places=digits, signed=signed)
        text = f"{abs(value) * shown_scale:,.{digits}f}"
        sign = ("+" if value > 0 else "-" if value < 0 else "") if signed else \
            ("-" if value < 0 else "")
        if fraction:
            return f"{sign}{text}" + (" pp" if signed else "%")
        return sign + text

    if rel is not None:
        digits = 1
        while digits < 6 and round(rel * 100, digits) == 0:
            digits += 1
        percent = f"{rel * 100:+,.{digits}f}%"
    elif va == 0 and vb is not None and vb != 0:
        percent = "from 0"
    else:
        percent = "–"
    return [str(row["metric"]), str(row["period"]), short_unit(unit), shown(va),
            shown(vb), shown(change, signed=True), percent]


def _met(value: float | None) -> str:
    if value is None:
        return "–"
    if value in (0.0, 1.0):
        return "yes" if value == 1.0 else "NO"
    return f"{value:.0%} of draws"
