"""The results as an Excel workbook, for a board paper (``stpmodel run -o plan.xlsx``).

Sheets, in order:

- **Summary**: the metrics ``run``'s table shows (for several footprints, their total);
- one per service (IAPT, Inpatient, Finance, ...): a row per metric (and footprint, for several),
  a column per period (financial years by default), money in £, fractions as percentages. With
  several draws the cells hold the mean over draws; the Data sheet holds the percentiles too;
- **Standards**: each national standard by period, green where met, red where not, amber where
  met in only some draws (the cell holds the share of draws that meet it);
- **Assumptions**: every value the run used, with its source, or "local assumption";
- **Metadata**: stpmodel's version, the scenario file and its SHA-256, seed, draws, price base
  (where the scenario states one) and the run's date;
- **Data**: the tidy table, exactly as the CSV holds it, for pivoting.

Every number is stored as a number (rounded to the decimals the CSV holds, so that both files
agree), never as text; formats only change how it shows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from .services import METRICS, SERVICES, STANDARDS, SUMMARY

MONEY = "£#,##0;-£#,##0"  # whole pounds, with the sign before the £
PERCENT = "0.0%"
DECIMAL1 = "#,##0.0"
DECIMAL2 = "#,##0.00"
WHOLE = "#,##0"
SHARE = "0%"  # a standard met in some draws: the share of draws

GREEN, AMBER, RED = "#C6EFCE", "#FFEB9C", "#FFC7CE"  # Excel's own good / neutral / bad fills
GREEN_TEXT, AMBER_TEXT, RED_TEXT = "#006100", "#9C5700", "#9C0006"

_SERVICE_OF = {m.name: m.service for m in METRICS}
_ORDER = {m.name: i for i, m in enumerate(METRICS)}
_STANDARD = {s.row_name: s for s in STANDARDS}


def number_format(unit: str) -> str:
    """The Excel number format for a metric's unit."""
    if unit.startswith("£"):
        return MONEY
    if unit.startswith("fraction"):
        return PERCENT
    if unit == "ratio":
        return DECIMAL2
    if unit in ("days", "WTE"):
        return DECIMAL1
    return WHOLE


def sheet_title(service: str) -> str:
    """A service's sheet: IAPT, CYP, EIP (short names in capitals), else Inpatient, Finance."""
    return service.upper() if len(service) <= 4 else service.capitalize()


def stored(value: float | None) -> float | None:
    """A value as the CSV holds it (see :func:`stpmodel.output.format_number`), as a number."""
    from .output import format_number

    text = format_number(value)
    return float(text) if text else None


def write_workbook(frame: pl.DataFrame, path: Path, meta: Mapping[str, object],
                   assumed: Sequence[Mapping[str, Any]] = ()) -> None:
    """Write the workbook for a results ``frame`` (as :func:`stpmodel.results.tabulate` makes
    it) to ``path``."""
    import xlsxwriter
    from xlsxwriter.exceptions import XlsxWriterException

    try:
        _write(xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": False}), frame, meta,
               assumed)
    except XlsxWriterException as exc:  # such as a full disk: reported as a failed write
        raise OSError(str(exc)) from None


def _write(workbook: Any, frame: pl.DataFrame, meta: Mapping[str, object],
           assumed: Sequence[Mapping[str, Any]]) -> None:
    column = "value" if "value" in frame.columns else "mean"
    periods = sorted(set(frame["period"].to_list()))
    several = frame["footprint_code"].n_unique() > 1
    draws = meta.get("draws", "1")
    with workbook as book:
        fmt = _Formats(book)
        metrics = frame.filter(~pl.col("metric").str.starts_with("standard_"))
        by_service: dict[str, list[str]] = {}
        for name in sorted(set(metrics["metric"].to_list()), key=lambda n: _ORDER.get(n, 999)):
            by_service.setdefault(_SERVICE_OF.get(name, "other"), []).append(name)
        order = [s.name for s in SERVICES] + ["other"]
        note = (f"Mean of {draws} draws; the Data sheet holds the percentiles."
                if column == "mean" else "One draw: the central estimate.")
        summary = metrics.filter(pl.col("metric").is_in(SUMMARY))
        if several:  # the total of the footprints, as run's table shows
            summary = summary.filter(~pl.col("footprint_code").str.starts_with("E54"))
            note += " The total of the footprints; each service's sheet has each footprint."
        if summary.height:
            _service_sheet(book, fmt, "Summary", summary, periods, column, False, note)
        for service in sorted(by_service, key=order.index):
            rows = metrics.filter(pl.col("metric").is_in(by_service[service]))
            _service_sheet(book, fmt, sheet_title(service), rows, periods, column, several,
                           note)
        standards = frame.filter(pl.col("metric").str.starts_with("standard_"))
        if standards.height:
            _standards_sheet(book, fmt, standards, periods, column, several)
        _assumptions_sheet(book, fmt, assumed, several)
        _metadata_sheet(book, fmt, meta)
        _data_sheet(book, fmt, frame)


class _Formats:
    def __init__(self, book: Any):
        self.bold = book.add_format({"bold": True})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.header = book.add_format({"bold": True, "bottom": 1, "align": "right"})
        self.header_left = book.add_format({"bold": True, "bottom": 1})
        self.dim = book.add_format({"font_color": "#595959"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.top = book.add_format({"valign": "top"})
        self._by_format: dict[str, Any] = {}
        self.book = book
        self.met = book.add_format({"num_format": '"met";"met";"not met"', "bg_color": GREEN,
                                    "font_color": GREEN_TEXT, "align": "center",
                                    "valign": "top"})
        self.not_met = book.add_format({"num_format": '"met";"met";"not met"',
                                        "bg_color": RED, "font_color": RED_TEXT, "bold": True,
                                        "align": "center", "valign": "top"})
        self.some = book.add_format({"num_format": SHARE + '" of draws"', "bg_color": AMBER,
                                     "font_color": AMBER_TEXT, "align": "center",
                                     "valign": "top"})

    def number(self, num_format: str) -> Any:
        if num_format not in self._by_format:
            self._by_format[num_format] = self.book.add_format({"num_format": num_format})
        return self._by_format[num_format]


def _printable(sheet: Any, header: int) -> None:
    """Printed (or saved as PDF) landscape, one page wide, the header row on every page."""
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header)
    sheet.hide_gridlines(1)  # on screen, not on paper


def _service_sheet(book: Any, fmt: _Formats, title: str, rows: pl.DataFrame,
                   periods: list[str], column: str, several: bool, note: str) -> None:
    sheet = book.add_worksheet(title)
    _printable(sheet, 3)
    sheet.write(0, 0, f"{title}: {rows['scenario'][0]}", fmt.title)
    sheet.write(1, 0, note, fmt.dim)
    keys = (["footprint"] if several else []) + ["metric", "unit"]
    header = 3
    for c, name in enumerate(keys):
        sheet.write(header, c, name, fmt.header_left)
    for c, period in enumerate(periods, start=len(keys)):
        sheet.write(header, c, period, fmt.header)
    groups = rows.group_by(["footprint_code", "footprint", "metric", "unit"],
                           maintain_order=True)
    ordered = sorted(groups, key=lambda g: (str(g[0][0]), _ORDER.get(str(g[0][2]), 999)))
    for r, ((_, footprint, metric, unit), part) in enumerate(ordered, start=header + 1):
        labels = ([footprint] if several else []) + [metric, unit]
        for c, label in enumerate(labels):
            sheet.write_string(r, c, str(label))
        cell = fmt.number(number_format(str(unit)))
        values = dict(zip(part["period"].to_list(), part[column].to_list()))
        for c, period in enumerate(periods, start=len(keys)):
            value = stored(values.get(period))
            if value is not None:
                sheet.write_number(r, c, value, cell)
    sheet.freeze_panes(header + 1, len(keys))
    widths = [28] * several + [34, 14]
    for c, width in enumerate(widths):
        sheet.set_column(c, c, width)
    sheet.set_column(len(keys), len(keys) + len(periods), 14)


def _standards_sheet(book: Any, fmt: _Formats, rows: pl.DataFrame, periods: list[str],
                     column: str, several: bool) -> None:
    sheet = book.add_worksheet("Standards")
    _printable(sheet, 3)
    sheet.write(0, 0, "National standards by period", fmt.title)
    sheet.write(1, 0, "Green: met. Red: not met. Amber: met in some draws (the share shown). "
                "Blank: the standard does not apply in that period.", fmt.dim)
    keys = (["footprint"] if several else []) + ["standard", "description", "source"]
    header = 3
    for c, name in enumerate(keys):
        sheet.write(header, c, name, fmt.header_left)
    for c, period in enumerate(periods, start=len(keys)):
        sheet.write(header, c, period, fmt.header)
    widths = [28] * several + [22, 46, 40]
    order = {s.row_name: i for i, s in enumerate(STANDARDS)}
    groups = sorted(rows.group_by(["footprint_code", "footprint", "metric"],
                                  maintain_order=True),
                    key=lambda g: (str(g[0][0]), order.get(str(g[0][2]), 999)))
    for r, ((_, footprint, metric, ), part) in enumerate(groups, start=header + 1):
        standard = _STANDARD.get(str(metric))
        labels = ([footprint] if several else []) + [
            str(metric).removeprefix("standard_"),
            standard.description if standard else "", standard.source if standard else ""]
        for c, label in enumerate(labels):
            sheet.write_string(r, c, str(label), fmt.wrap if c >= len(keys) - 2 else fmt.top)
        sheet.set_row(r, _height(labels[-2:], widths[-2:]))
        values = dict(zip(part["period"].to_list(), part[column].to_list()))
        for c, period in enumerate(periods, start=len(keys)):
            value = stored(values.get(period))
            if value is None:
                continue
            style = fmt.met if value >= 1 else fmt.not_met if value <= 0 else fmt.some
            sheet.write_number(r, c, value, style)
    sheet.freeze_panes(header + 1, len(keys))
    for c, width in enumerate(widths):
        sheet.set_column(c, c, width)
    sheet.set_column(len(keys), len(keys) + len(periods), 12)


def _assumptions_sheet(book: Any, fmt: _Formats, assumed: Sequence[Mapping[str, Any]],
                       several: bool) -> None:
    sheet = book.add_worksheet("Assumptions")
    _printable(sheet, 3)
    sheet.write(0, 0, "Every value the run used, and where it comes from", fmt.title)
    sheet.write(1, 0, "Default: a national default with its published source. Local "
                "assumption: a placeholder in the scenario, to replace with local figures."
                + (" Values of the first footprint; each has its own in the file."
                   if several else ""), fmt.dim)
    names = ("key", "value", "unit", "set_by", "source")
    header = 3
    for c, name in enumerate(names):
        sheet.write(header, c, name.replace("_", " "), fmt.header_left)
    widths = (34, 30, 18, 13, 90)
    for r, row in enumerate(assumed, start=header + 1):
        for c, name in enumerate(names):
            sheet.write_string(r, c, str(row.get(name, "")), fmt.wrap if c in (1, 4)
                               else fmt.top)
        sheet.set_row(r, _height([str(row.get("value", "")), str(row.get("source", ""))],
                                 [widths[1], widths[4]]))
    sheet.freeze_panes(header + 1, 1)
    for c, width in enumerate(widths):
        sheet.set_column(c, c, width)


LINE_POINTS = 15  # the height of a line of 11-point text


def _height(texts: Sequence[object], widths: Sequence[float]) -> float:
    """A row's height for wrapped ``texts`` in columns of ``widths`` (characters): the lines
    the longest needs (xlsxwriter cannot measure text, and spreadsheets do not grow a row whose
    file gives none)."""
    lines = max(1, *(math.ceil(len(str(t)) / max(1.0, w * 0.95)) for t, w in zip(texts, widths)))
    return LINE_POINTS * lines


def _metadata_sheet(book: Any, fmt: _Formats, meta: Mapping[str, object]) -> None:
    sheet = book.add_worksheet("Metadata")
    _printable(sheet, 2)
    sheet.write(0, 0, "How these results were made", fmt.title)
    sheet.write(2, 0, "key", fmt.header_left)
    sheet.write(2, 1, "value", fmt.header_left)
    for r, (key, value) in enumerate(meta.items(), start=3):
        sheet.write_string(r, 0, key, fmt.bold)
        if isinstance(value, list):  # the notes, the assumptions: one a line
            sheet.write_string(r, 1, "\n".join(map(str, value)), fmt.wrap)
            sheet.set_row(r, _height(value, [70] * len(value)) if value else None)
            continue
        text = str(value)
        if re.fullmatch(r"-?\d+", text) and key in ("seed", "draws", "footprints"):
            sheet.write_number(r, 1, int(text))
        else:
            sheet.write_string(r, 1, text)
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 1, 100)


def _data_sheet(book: Any, fmt: _Formats, frame: pl.DataFrame) -> None:
    from .output import VALUE_COLUMNS

    sheet = book.add_worksheet("Data")
    numbers = {c for c in frame.columns if c in VALUE_COLUMNS or re.fullmatch(r"p[\d.]+", c)}
    for c, name in enumerate(frame.columns):
        sheet.write_string(0, c, name, fmt.header_left)
    for r, row in enumerate(frame.iter_rows(), start=1):
        for c, (name, value) in enumerate(zip(frame.columns, row)):
            if name in numbers:
                value = stored(value)
                if value is not None:
                    sheet.write_number(r, c, value)
            elif value is not None:
                sheet.write_string(r, c, str(value))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, frame.height, len(frame.columns) - 1)
    sheet.set_column(0, len(frame.columns) - 1, 16)
