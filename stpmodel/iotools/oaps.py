"""NHS Digital *Out of Area Placements in Mental Health Services* open data (monthly CSV).

The files changed shape while the collection was new, and :func:`read_oaps` reads each shape:

- October and November 2016: ``Question, Breakdown1, Breakdown1Code, Breakdown2,
  Breakdown2Code, value``;
- December 2016 adds ``Breakdown1Description`` and ``Breakdown2Description``;
- February 2017 adds ``PublicationDate`` and ``PublicationPeriod`` (``2017/02``), and is the first
  with a ``Stp`` breakdown. The earlier files break down by CCG only.

A file without ``PublicationPeriod`` says its month in its name (``oaps-open-data-dec-2016.csv``)
or is given one by the caller. October 2016 is a partial month: the collection went live on
17 October 2016.

:func:`oap_baseline` turns the rows into a tidy baseline by footprint and month. Where a file has
``Stp`` rows they are used as published; otherwise each CCG's rows are added up into its STP with
the ONS April 2017 CCG → STP lookup (bundled with stpmodel), with the three Manchester CCGs that
merged in April 2017 (00W, 01M, 01N) mapped to Greater Manchester.

Suppression and rounding, as the files show them: below England, counts of placements are
rounded to a multiple of 5 and a small number is published as ``*``; OAP days and costs are not
rounded, and are ``*`` where they rest on few placements. ``999`` is NHS Digital's code for
"organisation not in scope" (placements it could not attribute to an area); it is kept as its own
row so that the areas and it add up to England, apart from suppressed cells.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import polars as pl

from . import (
    ImportFileError,
    Table,
    cells,
    check_duplicates,
    check_not_negative,
    month_from_name,
    parse_value,
    read_csv_rows,
    value_error,
    wrong_kind,
)

EXPECTED = "NHS Digital OAP open data"
NEEDS = ("Question", "Breakdown1", "Breakdown1Code", "value")
ENGLAND_CODE = "E92000001"
OUT_OF_SCOPE = "999"

# The questions the baseline keeps, with their measure names and units.
QUESTIONS = {
    "Total number of OAP days over the period": ("oap_days", "bed days"),
    "Total recorded costs over the period": ("recorded_cost", "£"),
    "OAPs started in period": ("started", "placements"),
    "OAPs ended during period": ("ended", "placements"),
    "OAPs active at period end": ("active_at_end", "placements"),
    "Average recorded daily cost over the period": ("average_daily_cost", "£/bed day"),
    "Lower quartile daily cost over the period": ("lower_quartile_daily_cost", "£/bed day"),
    "Upper quartile daily cost over the period": ("upper_quartile_daily_cost", "£/bed day"),
    "Percentage of OAP days with cost recorded": ("share_of_days_costed", "fraction"),
}
# Measures that add up across areas; the others are only taken where published for the area.
ADDITIVE = ("oap_days", "recorded_cost", "started", "ended", "active_at_end")
UNITS = dict(QUESTIONS.values())

PARTIAL = {"2016-10": "the OAP collection went live on 17 October 2016, so October 2016 covers "
                      "15 days (17–31 October), not the whole month"}

RAW_SCHEMA = {"period": pl.String, "breakdown": pl.String, "code": pl.String,
              "description": pl.String, "breakdown2": pl.String, "code2": pl.String,
              "question": pl.String, "value": pl.Float64, "suppressed": pl.Boolean,
              "file": pl.String, "line": pl.Int64}
BASELINE_SCHEMA = {"period": pl.String, "footprint_code": pl.String, "footprint": pl.String,
                   "measure": pl.String, "unit": pl.String, "value": pl.Float64,
                   "published": pl.Float64, "suppressed": pl.Int64, "cells": pl.Int64,
                   "level": pl.String, "file": pl.String}


def read_oaps(path: str | Path, period: str | None = None) -> pl.DataFrame:
    """Every row of one OAP open-data file, tidy.

    Columns: ``period`` (YYYY-MM), ``breakdown`` (England, Stp, Ccg, BedType, ...), ``code``,
    ``description``, ``breakdown2``, ``code2``, ``question``, ``value`` (null where ``*`` or
    blank), ``suppressed`` (the cell was ``*``), ``file`` and ``line`` (where the row is).

    ``period`` names the month of a file that says it neither in a ``PublicationPeriod`` column
    nor in its name (it overrides the name; a ``PublicationPeriod`` cell wins for its row).
    Raises :class:`ImportFileError` for a file of another kind, a bad value, or a
    month that cannot be told.
    """
    table = read_csv_rows(path)
    if not table.has(*NEEDS):
        raise wrong_kind(table, EXPECTED, NEEDS)
    if period is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        raise ImportFileError(table.file, f"the period must be a month like 2017-02, got "
                                          f"{period!r}")
    file_month = _file_month(table, period)
    names = ("PublicationPeriod", "Breakdown1", "Breakdown1Code", "Breakdown1Description",
             "Breakdown2", "Breakdown2Code", "Breakdown2Description", "Question", "value")
    value_field = table.column("value")
    assert value_field is not None
    # PublicationDate says when a row was published, not what it counts
    check_duplicates(table, [value_field, table.column("PublicationDate") or value_field])
    columns: dict[str, list[object]] = {name: [] for name in RAW_SCHEMA}
    for line, (pub, b1, c1, d1, b2, c2, _d2, question, cell) in cells(table, names):
        try:
            value, suppressed = parse_value(cell)
        except ValueError:
            raise value_error(table, line, value_field, cell) from None
        check_not_negative(table, value, line, value_field, cell)
        month = _month(pub, table, line) if pub else file_month
        if not month:
            raise ImportFileError(table.file, "this row has no PublicationPeriod", line,
                                  table.col_of(line, table.column("PublicationPeriod") or 0),
                                  hint="give the month with --period YYYY-MM")
        row = (month, b1, c1, d1 or None, b2 or None, c2 or None, question, value, suppressed,
               table.file, line)
        for name, item in zip(RAW_SCHEMA, row):
            columns[name].append(item)
    frame = pl.DataFrame(columns, schema=RAW_SCHEMA)
    if not frame.filter(pl.col("question").is_in(list(QUESTIONS))).height:
        raise ImportFileError(table.file, f"no OAP questions found: {EXPECTED} has rows such as "
                                          "'Total number of OAP days over the period'")
    return frame


def _file_month(table: Table, period: str | None) -> str:
    has_column = table.column("PublicationPeriod") is not None
    named = month_from_name(table.file)
    if period is not None:
        return period
    if named is not None:
        return named
    if has_column:
        return ""  # every row says its own month
    raise ImportFileError(table.file, "cannot tell which month this file covers: it has no "
                                      "PublicationPeriod column and its name does not say",
                          hint="give the month with --period YYYY-MM (or name the file like "
                               "oaps-open-data-dec-2016.csv)")


def _month(text: str, table: Table, line: int) -> str:
    m = re.fullmatch(r"(\d{4})[/-](0[1-9]|1[0-2])", text)
    if not m:
        field = table.column("PublicationPeriod") or 0
        raise ImportFileError(table.file, f"expected a PublicationPeriod like 2017/02, got "
                                          f"{text!r}", line, table.col_of(line, field))
    return f"{m.group(1)}-{m.group(2)}"


def oap_baseline(raw: pl.DataFrame, ccg_to_stp: dict[str, str],
                 names: dict[str, str]) -> pl.DataFrame:
    """A tidy baseline by footprint and month from :func:`read_oaps` rows (one or more files).

    ``ccg_to_stp`` maps CCG codes (``00C``) to STP codes and ``names`` STP codes to names (both
    from :mod:`stpmodel.reference`). Rows: England (``E92000001``), each STP, and ``999``.

    Columns: ``period, footprint_code, footprint, measure, unit``; ``value``, the figure where it
    is complete (null where any cell behind it is suppressed); ``published``, the sum of the
    published cells behind it (a lower bound where ``suppressed`` > 0; null where none was
    published); ``suppressed``, the number of ``*`` cells behind it; ``cells``, the number of
    cells; ``level`` (``england``, ``stp`` as published, or ``ccg`` when added up from CCGs); and
    ``file``.
    """
    data = raw.filter(pl.col("question").is_in(list(QUESTIONS))).with_columns(
        pl.col("question").replace_strict({q: m for q, (m, _) in QUESTIONS.items()})
        .alias("measure"),
        pl.col("breakdown").str.to_lowercase().alias("breakdown"))
    parts: list[pl.DataFrame] = []
    for (period,), rows in data.group_by(["period"], maintain_order=True):
        files = rows["file"].unique(maintain_order=True).to_list()
        if len(files) > 1:
            raise ImportFileError(files[1], f"two files cover {period}: {files[0]} and "
                                            f"{files[1]}; import each month once")
        england = rows.filter(pl.col("breakdown") == "england").with_columns(
            pl.lit(ENGLAND_CODE).alias("footprint_code"), pl.lit("england").alias("level"))
        stp = rows.filter((pl.col("breakdown") == "stp") & (pl.col("code") != "England"))
        if stp.height:
            areas = stp.with_columns(pl.col("code").alias("footprint_code"),
                                     pl.lit("stp").alias("level"))
        else:
            ccg = rows.filter((pl.col("breakdown") == "ccg") & (pl.col("code") != "England")
                              & pl.col("measure").is_in(ADDITIVE))
            _check_ccgs(ccg, ccg_to_stp)
            mapping = {**ccg_to_stp, OUT_OF_SCOPE: OUT_OF_SCOPE}
            areas = ccg.with_columns(pl.col("code").replace_strict(mapping)
                                     .alias("footprint_code"), pl.lit("ccg").alias("level"))
        parts.append(_aggregate(pl.concat([england, areas]), names))
    if not parts:
        return pl.DataFrame(schema=BASELINE_SCHEMA)
    return pl.concat(parts).sort("period", "footprint_code", "measure")


def _check_ccgs(ccg: pl.DataFrame, ccg_to_stp: dict[str, str]) -> None:
    unknown = ccg.filter(~pl.col("code").is_in([*ccg_to_stp, OUT_OF_SCOPE]))
    if unknown.height:
        first = unknown.row(0, named=True)
        codes = sorted(unknown["code"].unique().to_list())
        raise ImportFileError(first["file"], f"CCG code(s) {', '.join(codes)} are not in the ONS "
                                             "April 2017 CCG → STP lookup", first["line"], 1,
                              hint="stpmodel maps the CCGs of the 2016-17 OAP files; later "
                                   "files have Stp rows, which are used as published")


def _aggregate(rows: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    """One row per footprint and measure: complete value, published sum, suppressed count."""
    label = {ENGLAND_CODE: "England", OUT_OF_SCOPE: "Organisation not in scope", **names}
    out = rows.group_by("period", "footprint_code", "measure", "level", "file").agg(
        pl.col("value").sum().alias("published"),
        pl.col("value").is_not_null().sum().alias("published_cells"),
        pl.col("suppressed").sum().cast(pl.Int64).alias("suppressed"),
        pl.len().cast(pl.Int64).alias("cells"))
    return out.select(
        "period", "footprint_code",
        pl.col("footprint_code").replace_strict(label, default=pl.col("footprint_code"))
        .alias("footprint"),
        "measure",
        pl.col("measure").replace_strict(UNITS).alias("unit"),
        pl.when((pl.col("suppressed") == 0) & (pl.col("published_cells") > 0))
        .then(pl.col("published")).otherwise(None).alias("value"),
        pl.when(pl.col("published_cells") > 0).then(pl.col("published")).otherwise(None)
        .alias("published"),
        "suppressed", "cells", "level", "file")


def read_oap_baseline(paths: Sequence[str | Path] | Iterable[str | Path],
                      period: str | None = None) -> pl.DataFrame:
    """:func:`oap_baseline` of several files, with the bundled lookups. A file given twice
    (by any name) is refused: its counts would be added twice."""
    from ..reference import ccg_to_stp, footprint_names

    paths = list(paths)
    for i, path in enumerate(paths):
        for earlier in paths[:i]:
            if _same_file(earlier, path):
                raise ImportFileError(str(path), f"is given twice (also as {earlier}), so its "
                                                 "counts would be added twice",
                                      hint="give each file once")
    raw = pl.concat([read_oaps(p, period) for p in paths])
    return oap_baseline(raw, ccg_to_stp(), footprint_names())


def _same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()


def partial_notes(baseline: pl.DataFrame) -> list[str]:
    """A note for each month in the baseline that the collection did not cover in full."""
    return [f"{p}: {PARTIAL[p]}" for p in sorted(set(baseline["period"].to_list()))
            if p in PARTIAL]
