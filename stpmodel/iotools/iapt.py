"""IAPT (NHS Talking Therapies) annual measures, in either of the two shapes they come in.

- **Long**, one value a row: ``reporting_period, org_type, org_code, org_name, ...,
  measure_name, measure_statistic, value``, as in ``measures_annual`` of the nhstt collection of
  NHS Digital's annual files (2017-18 onwards).
- **Wide**, NHS Digital's own annual CSV: ``OrgType, OrgCode, OrgName, VariableType, VariableA,
  VariableB, CountReferralsReceived, CountFirstTreatment, ..., PercentageRecovery, ...``. It
  does not say its year, so the year comes from the file name (``..._2017-18.csv``) or the
  caller. ``CountReferralsReceived`` becomes the measure ``referrals_received`` with statistic
  ``count``; ``PercentageRecovery``, ``recovery`` with ``percentage``; and so on.

:func:`iapt_baseline` keeps the England and STP totals. STP rows use ONS codes (``E54000037``)
up to 2019-20; from 2020-21 they use NHS England's codes (``QJK``), which are turned into ONS
codes with the ONS April 2020 lookup bundled with stpmodel. An STP whose boundary changed has a
new ONS code: E54000045, E54000046 and E54000047 became E54000049 in April 2018 (and E54000050
in 2020), and in 2020 E54000005, E54000006, E54000033 and E54000035 became E54000054, E54000051,
E54000053 and E54000052. The ``stp17`` column says whether a row's area is one of the 44
footprints of 2017 with its 2017 boundary.

Below England, counts are rounded to a multiple of 5 and small numbers are ``*`` (suppressed):
``value`` is then null and ``suppressed`` true.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from . import (
    ImportFileError,
    Table,
    cells,
    check_duplicates,
    check_not_negative,
    parse_value,
    read_csv_rows,
    value_error,
    wrong_kind,
    year_from_name,
)

EXPECTED = "IAPT annual measures"
LONG = ("reporting_period", "org_type", "org_code", "org_name", "measure_name",
        "measure_statistic", "value")
WIDE = ("OrgType", "OrgCode", "OrgName")
ENGLAND_CODE = "E92000001"
# E54000045, E54000046 and E54000047 merged into E54000049 in April 2018.
MERGER, MERGED = "E54000049", ("E54000045", "E54000046", "E54000047")
SHARE_YEAR = "2017-18"
APPORTIONED = f"apportioned from {MERGER} by {SHARE_YEAR} shares"
STATISTICS = {"Count": "count", "Percentage": "percentage", "Mean": "mean", "Median": "median",
              "Sum": "sum"}
RAW_SCHEMA = {"reporting_period": pl.String, "org_type": pl.String, "org_code": pl.String,
              "org_name": pl.String, "variable_type": pl.String, "measure": pl.String,
              "statistic": pl.String, "value": pl.Float64, "suppressed": pl.Boolean,
              "file": pl.String, "line": pl.Int64}


def read_iapt(path: str | Path, year: str | None = None) -> pl.DataFrame:
    """Every row of an IAPT annual measures file, tidy and long.

    Columns: ``reporting_period`` (``2017-18``), ``org_type``, ``org_code``, ``org_name``,
    ``variable_type`` (``Total`` for the totals), ``measure`` (``referrals_received``, ...),
    ``statistic`` (``count``, ``percentage``, ...), ``value`` (null where ``*`` or blank),
    ``suppressed``, ``file`` and ``line``.

    ``year`` names the reporting year of a wide file whose name does not say it. Raises
    :class:`ImportFileError` for a file of another kind or a bad value.
    """
    table = read_csv_rows(path)
    if year is not None and not _is_year(year):
        raise ImportFileError(table.file, f"the year must be a financial year like 2018-19, got "
                                          f"{year!r}")
    if table.has(*LONG):
        return _read_long(table)
    if table.has(*WIDE) and any(_wide_measure(h) for h in table.header):
        return _read_wide(table, year)
    raise wrong_kind(table, EXPECTED, LONG)


def _is_year(text: str) -> bool:
    m = re.fullmatch(r"(\d{4})-(\d{2})", text)
    return bool(m) and (int(m.group(1)) + 1) % 100 == int(m.group(2))  # type: ignore[union-attr]


def _frame(rows: Sequence[tuple[object, ...]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=RAW_SCHEMA, orient="row")


def _read_long(table: Table) -> pl.DataFrame:
    names = (*LONG, "variable_type")
    value_field = table.column("value")
    period_field = table.column("reporting_period")
    check_duplicates(table, [value_field or 0])
    rows = []
    for line, (period, org_type, code, name, measure, statistic, cell, variable) in cells(
            table, names):
        if not _is_year(period):
            raise ImportFileError(table.file, f"expected a reporting_period like 2018-19, got "
                                              f"{period!r}", line,
                                  table.col_of(line, period_field or 0))
        try:
            value, suppressed = parse_value(cell)
        except ValueError:
            raise value_error(table, line, value_field or 0, cell) from None
        if statistic.lower() == "count":  # a mean change in a score may be below 0
            check_not_negative(table, value, line, value_field or 0, cell)
        rows.append((period, org_type, code, name, variable or "Total", measure, statistic,
                     value, suppressed, table.file, line))
    return _frame(rows)


def _wide_measure(header: str) -> tuple[str, str] | None:
    """``('recovery', 'percentage')`` for ``PercentageRecovery``; None for other columns."""
    m = re.fullmatch(r"(Count|Percentage|Mean|Median|Sum)([A-Z]\w*)", header.strip())
    if not m:
        return None
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", m.group(2)).lower()
    return snake, STATISTICS[m.group(1)]


def _read_wide(table: Table, year: str | None) -> pl.DataFrame:
    period = year or year_from_name(table.file)
    if period is None:
        raise ImportFileError(table.file, "cannot tell which year this file covers: NHS "
                                          "Digital's annual CSV does not say it, and the file "
                                          "name does not either",
                              hint="give the year with --year 2018-19 (or name the file like "
                                   "iapt-annual-2018-19.csv)")
    measures = [(i, _wide_measure(h)) for i, h in enumerate(table.header)]
    keyed = [(i, m) for i, m in measures if m is not None]
    org = [table.column(n) for n in ("OrgType", "OrgCode", "OrgName", "VariableType")]
    check_duplicates(table, [i for i, _ in keyed])
    rows = []
    for line, row in table.rows:
        ident = [row[i].strip() if i is not None and i < len(row) else "" for i in org]
        for i, (measure, statistic) in keyed:
            cell = row[i] if i < len(row) else ""
            try:
                value, suppressed = parse_value(cell)
            except ValueError:
                raise value_error(table, line, i, cell) from None
            if statistic == "count":  # a mean change in a score may be below 0
                check_not_negative(table, value, line, i, cell)
            rows.append((period, ident[0], ident[1], ident[2], ident[3] or "Total", measure,
                         statistic, value, suppressed, table.file, line))
    return _frame(rows)


def iapt_baseline(raw: pl.DataFrame, ods_to_ons: dict[str, str],
                  names: dict[str, str]) -> pl.DataFrame:
    """England and STP counts (the ``Total`` rows) from :func:`read_iapt`, by ONS code.

    ``ods_to_ons`` maps NHS England STP codes (``QJK``) to ONS codes and ``names`` the 44 STP17
    codes to their names (both from :mod:`stpmodel.reference`).

    Columns: ``reporting_period``; ``footprint_code`` (ONS code; ``E92000001`` for England;
    ``UNKNOWN`` as published); ``footprint``; ``org_code`` (as published); ``measure``;
    ``value`` (null where suppressed); ``suppressed``; ``stp17`` (the row is for one of the 44
    footprints of April 2017, with its 2017 boundary); ``basis``: ``published``, or for
    E54000045, E54000046 and E54000047 after their merger into E54000049, ``apportioned from
    E54000049 by 2017-18 shares`` (E54000049's count split in proportion to the three
    footprints' own 2017-18 counts of the same measure, where the file has them; these rows carry
    ``org_code`` E54000049); and ``file``.
    """
    data = raw.filter(pl.col("org_type").str.to_lowercase().is_in(["england", "stp"])
                      & (pl.col("statistic") == "count")
                      & (pl.col("variable_type").str.to_lowercase() == "total"))
    england = pl.col("org_type").str.to_lowercase() == "england"
    code = (pl.when(england).then(pl.lit(ENGLAND_CODE))
            .otherwise(pl.col("org_code").replace(ods_to_ons)))
    out = data.with_columns(code.alias("footprint_code")).with_columns(
        pl.col("footprint_code").is_in(list(names)).alias("stp17"))
    label = pl.when(pl.col("stp17")).then(
        pl.col("footprint_code").replace_strict(names, default="")).otherwise(
        pl.when(england).then(pl.lit("England")).otherwise(pl.col("org_name")))
    published = out.select("reporting_period", "footprint_code", label.alias("footprint"),
                           "org_code", "measure", "value", "suppressed", "stp17",
                           pl.lit("published").alias("basis"), "file")
    shares = published.filter(pl.col("footprint_code").is_in(MERGED)
                              & (pl.col("reporting_period") == SHARE_YEAR)).with_columns(
        (pl.col("value") / pl.col("value").sum().over("measure")).alias("share")).select(
        "footprint_code", "footprint", "measure", "share")
    merged = published.filter(pl.col("footprint_code") == MERGER).drop(
        "footprint_code", "footprint", "stp17", "basis")
    apportioned = merged.join(shares, on="measure").select(
        "reporting_period", "footprint_code", "footprint", "org_code", "measure",
        (pl.col("value") * pl.col("share")).round(0).alias("value"), "suppressed",
        pl.lit(True).alias("stp17"), pl.lit(APPORTIONED).alias("basis"), "file")
    return pl.concat([published, apportioned]).sort("reporting_period", "footprint_code",
                                                    "measure")


def stp17_counts(baseline: pl.DataFrame) -> pl.DataFrame:
    """The rows of :func:`iapt_baseline` for the 44 footprints of April 2017 and England:
    ``footprint_code, reporting_period, measure, value, basis``."""
    return baseline.filter(pl.col("stp17") | (pl.col("footprint_code") == ENGLAND_CODE)).select(
        "footprint_code", "reporting_period", "measure", "value", "basis").sort(
        "footprint_code", "reporting_period", "measure")


def icb_counts(raw: pl.DataFrame, ods_to_ons: dict[str, str]) -> pl.DataFrame:
    """England and ICB counts (the ``Total`` rows, from 2022-23) from :func:`read_iapt`, by the
    ICB's ONS code: ``footprint_code`` (``E92000001`` for England; ``UNKNOWN`` as published,
    the activity NHS Digital could not place), ``org_code`` (the ODS Q-code as published),
    ``reporting_period, measure, value`` (null where suppressed), ``suppressed``.
    ``ods_to_ons`` maps the 42 Q-codes to the ICBs' ONS codes (:mod:`stpmodel.reference`); a
    Q-code it lacks is kept as published."""
    data = raw.filter(pl.col("org_type").str.to_lowercase().is_in(["england", "icb"])
                      & (pl.col("statistic") == "count")
                      & (pl.col("variable_type").str.to_lowercase() == "total"))
    england = pl.col("org_type").str.to_lowercase() == "england"
    code = (pl.when(england).then(pl.lit(ENGLAND_CODE))
            .otherwise(pl.col("org_code").replace(ods_to_ons)))
    return data.select(code.alias("footprint_code"), "org_code", "reporting_period", "measure",
                       "value", "suppressed").sort("footprint_code", "reporting_period",
                                                   "measure")


def read_iapt_baseline(path: str | Path, year: str | None = None) -> pl.DataFrame:
    """:func:`iapt_baseline` of one file, with the bundled lookups."""
    from ..reference import footprint_names, stp20_to_ons

    return iapt_baseline(read_iapt(path, year), stp20_to_ons(), footprint_names())
