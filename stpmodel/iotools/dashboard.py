"""NHS England's Mental Health Dashboard in its long format (one value a row).

Columns: ``sheet, indicator_id, region_code, stp_code, org_code, org_name, org_type`` (National,
Region, STP, CCG), ``period`` (``Q4 2021/22``, ``2021/22`` or a span such as ``2013-2015``),
``value`` and ``value_text``. Its quirks, handled here as the other importers handle theirs
(:func:`stpmodel.iotools.read_csv_rows`: encodings, numbers, a row repeated, a file cut short):

- **the STP is the Q-code.** An STP row's own code is ``org_code`` (the ODS Q-code, which is the
  ICB's); many sheets put the region's code in ``stp_code``. So a row's footprint is read from
  ``org_code``, and turned into the ICB's ONS code with the lookup given;
- **one indicator, two measures.** IAPT(i_a) is the quarterly access rate (entered treatment ÷
  prevalence) from Q4 2015/16 to Q4 2018/19 and the number entering treatment from Q1 2019/20:
  :func:`read_dashboard` names them apart (``IAPT(i_a) access rate``, ``IAPT(i_a) entered
  treatment``), so they are never summed or compared as one series;
- **suppressed, yes/no and broken cells.** ``*`` in ``value_text`` (with no value) is suppressed:
  missing, never zero. ``Y``/``N`` (whether a standard such as the MHIS was met) become 1/0 with
  ``statistic`` ``met``. A ``#REF!`` (a broken formula in NHS England's workbook) is dropped, as
  the shared extract already drops it;
- **rates are fractions** (0.68 = 68%), as the model's are.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from . import (
    ImportFileError,
    cells,
    check_duplicates,
    parse_value,
    read_csv_rows,
    value_error,
    wrong_kind,
)

EXPECTED = "NHS England's Mental Health Dashboard (long format)"
COLUMNS = ("sheet", "indicator_id", "org_code", "org_name", "org_type", "period", "value")
ENGLAND = "E92000001"
ORG_TYPES = ("National", "Region", "STP", "CCG")
IAPT_ACCESS = "IAPT(i_a)"
LAST_RATE_QUARTER = (2018, 4)  # Q4 2018/19: the last quarter IAPT(i_a) is a rate
SCHEMA = {"sheet": pl.String, "indicator": pl.String, "measure": pl.String,
          "statistic": pl.String, "org_type": pl.String, "org_code": pl.String,
          "org_name": pl.String, "footprint_code": pl.String, "period": pl.String,
          "financial_year": pl.String, "quarter": pl.Int64, "value": pl.Float64,
          "suppressed": pl.Boolean, "file": pl.String, "line": pl.Int64}
_QUARTER = re.compile(r"Q([1-4]) (\d{4})/(\d{2})")
_YEAR = re.compile(r"(\d{4})/(\d{2})( planned)?")
_SPAN = re.compile(r"(\d{4})[-/](\d{4})")
_POSITION = re.compile(r"End of Q([1-4]) Position")


def _period(text: str) -> tuple[str | None, int | None, str] | None:
    """``(financial year, quarter, basis)`` of a period label: ``Q4 2021/22``; ``2021/22``, or
    ``2021/22 planned`` (spend sheets: basis ``planned``, else ``""``); a span of calendar years
    (``2013-2015``, ``2018/2020``: its label is the 'year'); ``End of Q4 Position`` (a position at
    the end of a quarter of the dashboard's latest year, which the label does not name: no
    year). None for a label of no known form."""
    if m := _QUARTER.fullmatch(text):
        first = int(m.group(2))
        ok = (first + 1) % 100 == int(m.group(3))
        return (f"{first}/{m.group(3)}", int(m.group(1)), "") if ok else None
    if m := _YEAR.fullmatch(text):
        first = int(m.group(1))
        ok = (first + 1) % 100 == int(m.group(2))
        return (text[:7], None, "planned" if m.group(3) else "") if ok else None
    if m := _SPAN.fullmatch(text):
        return (text, None, "") if int(m.group(1)) < int(m.group(2)) else None
    if m := _POSITION.fullmatch(text):
        return (None, int(m.group(1)), "")
    return None


def _measure(indicator: str, sheet: str, fy: str | None, quarter: int | None,
             basis: str) -> str:
    if basis:
        return f"{indicator} {basis}"
    if indicator != IAPT_ACCESS or "final calc" not in sheet.lower() or quarter is None or not fy:
        return indicator
    return (f"{IAPT_ACCESS} access rate" if (int(fy[:4]), quarter) <= LAST_RATE_QUARTER
            else f"{IAPT_ACCESS} entered treatment")


def read_dashboard(path: str | Path, q_to_ons: dict[str, str] | None = None) -> pl.DataFrame:
    """Every row of the dashboard's long file, tidy: ``sheet, indicator, measure`` (the
    indicator, with IAPT(i_a)'s two meanings named apart, and " planned" after a spend sheet's
    plan), ``statistic`` (``value`` or ``met``
    for Y/N), ``org_type, org_code, org_name``, ``footprint_code`` (``E92000001`` for England;
    for an STP row the ICB's ONS code from ``q_to_ons``, Q-code → code, where given; else
    null), ``period, financial_year, quarter, value`` (null where suppressed),
    ``suppressed, file, line``. Raises :class:`ImportFileError` for a file of another kind or a
    bad value, at its line and column."""
    table = read_csv_rows(path)
    if not table.has(*COLUMNS):
        raise wrong_kind(table, EXPECTED, COLUMNS)
    value_field = table.column("value") or 0
    text_field = table.column("value_text")
    period_field = table.column("period") or 0
    type_field = table.column("org_type") or 0
    check_duplicates(table, [value_field] + ([text_field] if text_field is not None else []))
    lookup = q_to_ons or {}
    rows: list[tuple[object, ...]] = []
    names = (*COLUMNS, "value_text")
    for line, (sheet, indicator, code, name, org_type, period, cell, text) in cells(table,
                                                                                     names):
        if cell.upper() == "#REF!" or text.upper() == "#REF!":
            continue  # a broken formula in the workbook: no value, and none to keep
        if org_type not in ORG_TYPES:
            raise ImportFileError(table.file, f"expected an org_type of {', '.join(ORG_TYPES)}, "
                                              f"got {org_type!r}", line,
                                  table.col_of(line, type_field))
        when = _period(period)
        if when is None:
            raise ImportFileError(table.file, f"expected a period like Q4 2021/22, 2021/22 or "
                                              f"2013-2015, got {period!r}", line,
                                  table.col_of(line, period_field))
        fy, quarter, basis = when
        statistic = "value"
        value: float | None
        if text.upper() in ("Y", "N") and not cell:
            value, suppressed, statistic = (1.0 if text.upper() == "Y" else 0.0), False, "met"
        else:
            try:
                value, suppressed = parse_value(cell or ("*" if text == "*" else ""))
            except ValueError:
                raise value_error(table, line, value_field, cell) from None
        footprint = (ENGLAND if org_type == "National"
                     else lookup.get(code) if org_type == "STP" else None)
        rows.append((sheet, indicator, _measure(indicator, sheet, fy, quarter, basis), statistic,
                     org_type, code, name, footprint, period, fy, quarter, value, suppressed,
                     table.file, line))
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")
