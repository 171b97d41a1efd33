"""NHS Talking Therapies (IAPT) monthly activity and performance, and its financial years.

The file NHS England publishes monthly, in its long form (one value a row):
``reporting_period`` (``2025-03``), ``provider_code`` (``ENG`` for England), ``provider_name``,
``measure_id`` (``M031``), ``measure_statistic`` (``count``, ``percentage``, ``mean``,
``median``), ``value``. Its quirks, handled here as the other importers handle theirs
(:func:`stpmodel.iotools.read_csv_rows`: encodings, ``*`` suppressed and never zero, numbers
like ``5.7637e+006``, a row repeated, a negative count, a file cut short):

- **one measure, three names.** The file names each value by its measure id. NHS England's
  dictionary names M031 (the people entering treatment) ``first_treatment`` to 2022-08 and
  ``accessing_services`` from 2022-09, with 2022-07 labelled ``first_assessment`` (a labelling
  slip); the same for M036/M037 and M052-M055. :data:`MEASURES` gives each id one stable name,
  so a series runs across the change;
- **percentages are 0-100.** The model's fractions are 0-1: a ``percentage`` becomes a fraction
  (``fraction`` in ``statistic``), and one outside 0-100 is refused;
- **providers fall short of England** (rounding and suppression): England is its own row
  (``ENG``), never the providers' sum.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from . import (
    ImportFileError,
    cells,
    check_duplicates,
    check_not_negative,
    parse_value,
    read_csv_rows,
    value_error,
    wrong_kind,
)

EXPECTED = "NHS Talking Therapies monthly activity and performance"
COLUMNS = ("reporting_period", "provider_code", "provider_name", "measure_id",
           "measure_statistic", "value")
ENGLAND = "ENG"
# The stable name of each measure id, whatever the month's label (NHS England's measure
# dictionary; shared data iapt/nhstt_monthly_activity_performance_measure_dictionary.csv).
MEASURES = {
    "M001": "referrals_received",
    "M031": "entered_treatment",  # first_treatment to 2022-08, accessing_services from 2022-09
    "M036": "entered_treatment_within_6_weeks",
    "M037": "entered_treatment_within_18_weeks",
    "M038": "waiting_for_treatment",
    "M043": "waiting_for_treatment_up_to_18_weeks",
    "M044": "waiting_for_treatment_over_18_weeks",
    "M046": "first_to_second_treatment_over_28_days",
    "M047": "first_to_second_treatment_over_90_days",
    "M048": "wait_to_treatment",  # mean days; entered_treatment to 2025-01, then accessing
    "M049": "wait_to_treatment",  # median days
    "M052": "finished_course_within_6_weeks",
    "M053": "finished_course_within_6_weeks",  # the percentage of finished courses
    "M054": "finished_course_within_18_weeks",
    "M055": "finished_course_within_18_weeks",
}
SCHEMA = {"reporting_period": pl.String, "financial_year": pl.String,
          "provider_code": pl.String, "provider_name": pl.String, "measure_id": pl.String,
          "measure": pl.String, "statistic": pl.String, "value": pl.Float64,
          "suppressed": pl.Boolean, "file": pl.String, "line": pl.Int64}
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def financial_year(month: str) -> str:
    """``2025-03`` → ``2024-25``; ``2025-04`` → ``2025-26``."""
    year, mon = int(month[:4]), int(month[5:7])
    first = year if mon >= 4 else year - 1
    return f"{first}-{(first + 1) % 100:02d}"


def read_nhstt_monthly(path: str | Path) -> pl.DataFrame:
    """Every row of the monthly file, tidy: ``reporting_period, financial_year, provider_code,
    provider_name, measure_id, measure`` (the stable name of :data:`MEASURES`; the id where it
    has none), ``statistic`` (``count``, ``fraction``, ``mean``, ``median``), ``value`` (null
    where ``*`` or blank), ``suppressed, file, line``. Raises :class:`ImportFileError` for a
    file of another kind or a bad value, at its line and column."""
    table = read_csv_rows(path)
    if not table.has(*COLUMNS):
        raise wrong_kind(table, EXPECTED, COLUMNS)
    value_field = table.column("value") or 0
    period_field = table.column("reporting_period") or 0
    check_duplicates(table, [value_field])
    rows: list[tuple[object, ...]] = []
    for line, (month, code, name, measure_id, statistic, cell) in cells(table, COLUMNS):
        if not _MONTH.fullmatch(month):
            raise ImportFileError(table.file, f"expected a reporting_period like 2025-03, got "
                                              f"{month!r}", line, table.col_of(line, period_field))
        try:
            value, suppressed = parse_value(cell)
        except ValueError:
            raise value_error(table, line, value_field, cell) from None
        check_not_negative(table, value, line, value_field, cell)
        kind = statistic.lower()
        if kind == "percentage":
            if value is not None and value > 100:
                raise ImportFileError(table.file, f"expected a percentage from 0 to 100, got "
                                                  f"{cell.strip()!r}", line,
                                      table.col_of(line, value_field))
            value, kind = (None if value is None else value / 100.0), "fraction"
        rows.append((month, financial_year(month), code, name, measure_id,
                     MEASURES.get(measure_id, measure_id), kind, value, suppressed, table.file,
                     line))
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def nhstt_annual(monthly: pl.DataFrame, provider: str = ENGLAND,
                 measures: Sequence[str] = ("referrals_received", "entered_treatment")
                 ) -> pl.DataFrame:
    """Counts summed over each financial year of twelve months (a year the file has only in
    part is left out), for one provider (England unless told): ``financial_year, measure,
    value, months``. A year with a suppressed month is missing, never a partial sum."""
    rows = monthly.filter((pl.col("provider_code") == provider) & (pl.col("statistic") == "count")
                          & pl.col("measure").is_in(list(measures)))
    out = rows.group_by("financial_year", "measure").agg(
        pl.col("value").sum().alias("value"), pl.len().alias("months"),
        pl.col("value").null_count().alias("missing"))
    out = out.filter(pl.col("months") == 12).with_columns(
        pl.when(pl.col("missing") > 0).then(None).otherwise(pl.col("value")).alias("value"))
    return out.select("financial_year", "measure", "value", "months").sort("financial_year",
                                                                          "measure")
