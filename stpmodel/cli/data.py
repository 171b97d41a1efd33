"""The data commands: footprints, new, and import oaps / import iapt."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .app import EXIT_FOUND, EXIT_USAGE, app, exit_with

if TYPE_CHECKING:
    import polars as pl

    from ..newscenario import Sources
    from ..reference import FootprintRef

import_app = typer.Typer(
    name="import",
    help="Read NHS Digital files, as published, into a tidy baseline (CSV) or a new scenario. "
         "`import oaps FILE...` reads the Out of Area Placements open data (monthly); "
         "`import iapt FILE` reads the IAPT annual measures. Suppressed cells ('*') stay "
         "missing, never zero. A file of the wrong kind, or a bad value, exits 1 with "
         "file:line:col: message. See `stpmodel import oaps --help`, `stpmodel import iapt "
         "--help` and docs/reference-data.md.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(import_app, name="import")


class TableFormat(StrEnum):
    table = "table"
    csv = "csv"


class Geography(StrEnum):
    stp2017 = "stp2017"
    icb2022 = "icb2022"


FOOTPRINT_HELP = ("A footprint's ONS code (E54000037) or name, written loosely (devon, "
                  "'Birmingham & Solihull'), or an ICB's ONS code, ODS code (QJK) or name "
                  "('Devon ICB'). A name is looked for among the 2017 STPs first, a Q-code or a "
                  "name saying ICB among the ICBs first; --geography searches only one.")
GEOGRAPHY_HELP = ("stp2017: the 44 STP footprints of April 2017; icb2022: the 42 Integrated Care "
                  "Boards of July 2022 (ONS codes as from April 2023).")
FORCE_HELP = "Overwrite the output file if it exists."
KEEP_HELP = ("Keep only this footprint (one of the 44 STPs of 2017, whose baselines these files "
             "give): its ONS code, 2020 Q-code or name, written loosely.")

# Options that several commands share.
ForceOption = Annotated[bool, typer.Option("--force", help=FORCE_HELP)]
KeepOption = Annotated[str | None, typer.Option("--footprint", help=KEEP_HELP)]
BaselineOutput = Annotated[Path | None, typer.Option(
    "--output", "-o", help="Write the baseline CSV to this file instead of the terminal.")]


def _find(query: str, geography: Geography | None = None) -> FootprintRef:
    from ..reference import FootprintNotFoundError, find_footprint

    try:
        return find_footprint(query, None if geography is None else geography.value)
    except FootprintNotFoundError as exc:
        raise exit_with(f"--footprint: {exc}", EXIT_USAGE) from None


def _write_text(path: Path | None, text: str, force: bool, inputs: Sequence[Path] = ()) -> None:
    """``text`` to ``path`` (atomically; an existing file only with --force; never one of
    ``inputs``), or to stdout."""
    if path is None:
        sys.stdout.write(text)
        return
    from ..errors import OutputError
    from ..output import check_output, write_atomic

    try:
        check_output(path, inputs, force)  # an input of the run, even with --force
    except OutputError as exc:
        raise exit_with(str(exc), EXIT_USAGE) from None
    if path.exists() and not force:
        raise exit_with(f"{path}: already exists; use --force to overwrite it", EXIT_USAGE)
    try:
        write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), inputs=inputs,
                     force=force)
    except OutputError as exc:
        raise exit_with(str(exc), EXIT_USAGE) from None


def _csv(frame: pl.DataFrame) -> str:
    """Stable CSV: whole numbers without a point, other numbers to 6 decimals at most."""
    import polars as pl

    from ..output import format_number

    text = frame.with_columns(pl.col(c).map_elements(format_number, return_dtype=pl.String)
                              for c, t in frame.schema.items() if t == pl.Float64)
    return text.write_csv(line_terminator="\n")


# ---------------------------------------------------------------------------------------------
# footprints


@app.command()
def footprints(
    fmt: Annotated[TableFormat, typer.Option("--format", "-f", help="Output format.")]
    = TableFormat.table,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write CSV to this file (atomically) instead of the terminal.")]
    = None,
    force: ForceOption = False,
    geography: Annotated[Geography, typer.Option("--geography", "-g", help=GEOGRAPHY_HELP)]
    = Geography.stp2017,
) -> None:
    """List the 44 STP footprints (April 2017) with key baseline figures from bundled public
    data: population (ONS mid-2021) and its projected growth, acute trusts and A&E attendances
    (2018-19), IAPT referrals (2018-19) and out-of-area placements (February 2017). With
    --geography icb2022, the 42 ICBs (July 2022) with their codes, region, population (ONS
    mid-2022) and projected adult growth, 2025 to 2030."""
    from ..reference import icb_summary, summary

    icb = geography is Geography.icb2022
    frame = icb_summary() if icb else summary()
    if output is not None or fmt is TableFormat.csv:
        _write_text(output, _csv(frame), force)
    elif icb:
        _print_icbs(frame)
    else:
        _print_footprints(frame)
    for note in ICB_NOTES if icb else FOOTPRINT_NOTES:
        typer.echo(f"note: {note}", err=True)


ICB_NOTES = (
    "codes: ONS codes as from April 2023; Surrey Heartlands (QXU) and Sussex (QNX) were "
    "E54000052 and E54000053 in July 2022, before 4 LSOAs in Chichester moved between them. Both "
    "codes, and the ODS Q-code, find the ICB in `new --footprint`.",
    "population: ONS mid-2022 estimates for ICB 2023 areas. Adult (16+) growth, mid-2025 to "
    "mid-2030, is projected with ONS 2020-based national growth by age and sex: no local "
    "projection is bundled.",
)


def _print_icbs(frame: pl.DataFrame) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Integrated Care Boards (July 2022)", title_justify="left",
                  header_style="bold", box=box.SIMPLE_HEAD, collapse_padding=True,
                  pad_edge=False)
    for head in ("code", "ODS", "name", "region"):
        table.add_column(head, no_wrap=head != "name" and head != "region", max_width=None
                         if head != "name" else 40)
    for head in ("people\n2022", "16+\n2022", "16+ growth\n2025-30"):
        table.add_column(head, justify="right", no_wrap=True)
    for r in frame.iter_rows(named=True):
        name = r["name"].removeprefix("NHS ").removesuffix(" Integrated Care Board")
        code = r["code"] if r["code"] == r["code_2022"] else f"{r['code']}\n({r['code_2022']})"
        table.add_row(code, r["ods_code"], name, r["region"], _compact(r["population_2022"]),
                      _compact(r["adults_2022"]), f"{r['adult_growth_2025_30']:.2%}")
    Console().print(table)


FOOTPRINT_NOTES = (
    "population: ONS mid-2021 estimates, derived to the 2017 footprints (three CCGs split by "
    "LSOA-count share). Adult (16+) growth, mid-2021 to mid-2026, is projected with ONS "
    "2020-based national growth by age and sex: no local projection is bundled.",
    "IAPT referrals of E54000045, E54000046 and E54000047 are apportioned from E54000049, their "
    "2018 merger, by 2017-18 shares. OAP figures: * = suppressed by NHS Digital.",
)


def _compact(value: float | None) -> str:
    """``2.57m``, ``803k``, ``9,775``; ``*`` for a suppressed (missing) figure."""
    if value is None:
        return "*"
    if abs(value) >= 1e6:
        return f"{value / 1e6:.2f}m"
    if abs(value) >= 1e5:
        return f"{value / 1e3:.0f}k"
    return f"{value:,.0f}"


def _print_footprints(frame: pl.DataFrame) -> None:
    """The table for people: compact numbers, names wrapped, numbers never cut. In a narrow
    terminal the code goes under the name, to leave room for every figure."""
    from rich import box
    from rich.console import Console
    from rich.measure import Measurement
    from rich.table import Table

    heads = ("people\n2021", "16+\n2021", "16+\ngrowth", "acute\ntrusts", "A&E t1\n18-19",
             "IAPT\nrefs\n18-19", "OAP\ndays\nFeb 17", "OAP\n£/day\nFeb 17")
    rows = [(r["code"], r["name"], _compact(r["population_2021"]), _compact(r["adults_2021"]),
             f"{r['adult_growth']:.2%}", str(r["acute_trusts"]), _compact(r["ae_type1_2018_19"]),
             _compact(r["iapt_referrals_2018_19"]), _compact(r["oap_days_feb_2017"]),
             _compact(r["oap_daily_cost_feb_2017"])) for r in frame.iter_rows(named=True)]
    console = Console()

    def make(separate_code: bool) -> Table:
        table = Table(title="STP footprints (April 2017): public baseline",
                      title_justify="left", header_style="bold", box=box.SIMPLE_HEAD,
                      collapse_padding=True, pad_edge=False)
        if separate_code:
            table.add_column("code", no_wrap=True, min_width=9)
        table.add_column("name" if separate_code else "footprint", min_width=10, max_width=30)
        for i, head in enumerate(heads, start=2):
            width = max(max(len(line) for line in head.split("\n")),
                        *(len(r[i]) for r in rows))
            table.add_column(head, justify="right", no_wrap=True, min_width=width)
        for code, name, *figures in rows:
            first = [code, name] if separate_code else [f"{name}\n{code}"]
            table.add_row(*first, *figures)
        return table

    wide = make(True)
    minimum = Measurement.get(console, console.options.update_width(10**6), wide).minimum
    console.print(wide if minimum <= console.width else make(False))


# ---------------------------------------------------------------------------------------------
# new


@app.command()
def new(
    footprint: Annotated[str, typer.Option("--footprint", help=FOOTPRINT_HELP)],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the scenario to this file instead of the terminal.")]
    = None,
    force: ForceOption = False,
    geography: Annotated[Geography | None, typer.Option(
        "--geography", "-g", help="Look for --footprint only among these: " + GEOGRAPHY_HELP)]
    = None,
) -> None:
    """Write a ready-to-run scenario for one footprint. Baseline values come from the bundled
    public data, each with a comment saying where it came from; values no public source gives
    (beds, stays, staff, local costs) are marked national-default estimates or placeholders and
    listed under `assumptions:`, which `run` prints after the results."""
    _write_scenario(_find(footprint, geography), output, force, None)


def _write_scenario(fp: FootprintRef, output: Path | None, force: bool,
                    sources: Sources | None, inputs: Sequence[Path] = ()) -> None:
    from ..newscenario import NoBaselineError, build_scenario

    try:
        text = build_scenario(fp, sources)
    except NoBaselineError as exc:
        raise exit_with(str(exc), EXIT_FOUND) from None
    _write_text(output, text, force, inputs)
    if output is not None:
        count = text.split("\nassumptions:\n", 1)[1].split("\n\n", 1)[0].count("\n  - ") + 1
        typer.echo(f"wrote {output}: a scenario for {fp}, with {count} assumptions to replace "
                   f"with local figures; run it with: stpmodel run {output}", err=True)


# ---------------------------------------------------------------------------------------------
# import


def _check_scenario_options(footprint: str | None, scenario: Path | None,
                            output: Path | None) -> None:
    if scenario is not None and footprint is None:
        raise exit_with("--scenario needs --footprint: a scenario is for one footprint",
                        EXIT_USAGE)
    if scenario is not None and output is not None:
        raise exit_with("give -o (the baseline as CSV) or --scenario (a new scenario), not both",
                        EXIT_USAGE)


@import_app.command("oaps")
def import_oaps(
    files: Annotated[list[Path], typer.Argument(
        help="NHS Digital OAP open-data CSV files, one a month, as published.")],
    period: Annotated[str | None, typer.Option(
        "--period", help="The month (YYYY-MM) of a single file that neither has a "
                         "PublicationPeriod column nor says its month in its name.")] = None,
    output: BaselineOutput = None,
    footprint: KeepOption = None,
    scenario: Annotated[Path | None, typer.Option(
        "--scenario", help="Instead of CSV, write a new scenario for --footprint (as `new` "
                           "does) with this OAP baseline.")] = None,
    force: ForceOption = False,
) -> None:
    """Read NHS Digital OAP open-data CSVs into a tidy baseline by footprint and month: OAP
    days, recorded costs, placements started, ended and active, and daily costs. Files with Stp
    rows are used as published; earlier files' CCG rows are added up into 2017 footprints."""
    from ..iotools import ImportFileError
    from ..iotools.oaps import partial_notes, read_oap_baseline
    from ..newscenario import Sources

    _check_scenario_options(footprint, scenario, output)
    if period is not None and len(files) > 1:
        raise exit_with("--period names the month of one file; give one file with it, or "
                        "name each file by its month", EXIT_USAGE)
    fp = _find(footprint, Geography.stp2017) if footprint is not None else None
    try:
        baseline = read_oap_baseline(files, period)
    except ImportFileError as exc:
        raise exit_with(str(exc), EXIT_FOUND) from None
    label = "imported from " + ", ".join(p.name for p in files)
    if scenario is not None and fp is not None:
        _write_scenario(fp, scenario, force, Sources(oaps=baseline, oaps_label=label), files)
    else:
        import polars as pl

        if fp is not None:
            baseline = baseline.filter(pl.col("footprint_code") == fp.code)
        _write_text(output, _csv(baseline), force, files)
    for note in partial_notes(baseline):
        typer.echo(f"note: {note}", err=True)


@import_app.command("iapt")
def import_iapt(
    file: Annotated[Path, typer.Argument(
        help="An IAPT annual measures CSV: NHS Digital's annual file, or the long "
             "measures_annual table.")],
    year: Annotated[str | None, typer.Option(
        "--year", help="The reporting year (like 2018-19) of NHS Digital's annual CSV, when its "
                       "file name does not say it.")] = None,
    output: BaselineOutput = None,
    footprint: KeepOption = None,
    scenario: Annotated[Path | None, typer.Option(
        "--scenario", help="Instead of CSV, write a new scenario for --footprint (as `new` "
                           "does) whose IAPT referrals come from this file.")] = None,
    force: ForceOption = False,
) -> None:
    """Read IAPT annual measures into a tidy baseline of England and STP counts by year:
    referrals, finished courses, caseness, recovery and the rest. NHS England's 2020 STP codes
    (QJK) become ONS codes; the three footprints merged in 2018 get apportioned counts."""
    from ..iotools import ImportFileError
    from ..iotools.iapt import read_iapt_baseline, stp17_counts
    from ..newscenario import Sources

    _check_scenario_options(footprint, scenario, output)
    fp = _find(footprint, Geography.stp2017) if footprint is not None else None
    try:
        baseline = read_iapt_baseline(file, year)
    except ImportFileError as exc:
        raise exit_with(str(exc), EXIT_FOUND) from None
    if not baseline.height:
        raise exit_with(f"{file}: no England or STP totals (org_type England or STP, "
                        "variable_type Total) in this file", EXIT_FOUND)
    if scenario is not None and fp is not None:
        _write_scenario(fp, scenario, force, Sources(iapt=stp17_counts(baseline),
                                                     iapt_label=f"imported from {file.name}"),
                        (file,))
        return
    if fp is not None:
        import polars as pl

        baseline = baseline.filter(pl.col("footprint_code") == fp.code)
    _write_text(output, _csv(baseline), force, (file,))
