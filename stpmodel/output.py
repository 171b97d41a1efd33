"""Render and write results: a rich table for people, CSV/Parquet/JSON for machines.

Files are written atomically: to a temporary file in the same folder, then renamed over the
target, so a failed run never leaves a half-written file and never clobbers a good one. Numbers in
CSV and JSON are formatted stably (fixed decimals, trailing zeros dropped) so outputs diff cleanly.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import polars as pl
from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from .errors import OutputError
from .services import METRICS, STANDARDS

Format = Literal["table", "csv", "parquet", "json"]
FILE_FORMATS = ("csv", "parquet", "json")
DECIMALS = 6
VALUE_COLUMNS = ("value", "mean", "p05", "p50", "p95")


def format_number(value: float | None) -> str:
    """Stable text for a number: 6 decimals with trailing zeros dropped; '' for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{value:.{DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _value_columns(frame: pl.DataFrame) -> list[str]:
    return [c for c in frame.columns if c in VALUE_COLUMNS or re.fullmatch(r"p[\d.]+", c)]


def to_csv(frame: pl.DataFrame) -> str:
    values = _value_columns(frame)
    text = frame.with_columns(
        pl.col(c).map_elements(format_number, return_dtype=pl.String) for c in values
    ).fill_null("")
    return text.write_csv(line_terminator="\n")


def to_json(frame: pl.DataFrame) -> str:
    values = set(_value_columns(frame))
    rows = []
    for row in frame.iter_rows(named=True):
        rows.append({c: (_json_number(v) if c in values else v) for c, v in row.items()})
    return json.dumps(rows, indent=1, ensure_ascii=False) + "\n"


def _json_number(value: float | None) -> float | None:
    if value is None or math.isnan(value):
        return None
    rounded = round(value, DECIMALS)
    return 0.0 if rounded == 0 else rounded


def write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(tmp)`` then rename ``tmp`` over ``path``; on any failure remove ``tmp``."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{path}: folder {folder} does not exist")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; give it a file's usual mode
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_frame(frame: pl.DataFrame, path: Path, fmt: str) -> None:
    if fmt == "csv":
        write_atomic(path, lambda tmp: tmp.write_text(to_csv(frame), encoding="utf-8"))
    elif fmt == "json":
        write_atomic(path, lambda tmp: tmp.write_text(to_json(frame), encoding="utf-8"))
    elif fmt == "parquet":
        write_atomic(path, lambda tmp: frame.write_parquet(tmp))
    else:
        raise OutputError(f"cannot write format {fmt!r} to a file; use one of "
                          f"{', '.join(FILE_FORMATS)}")


def format_for(path: Path) -> str | None:
    """The file format implied by a path's suffix, or None."""
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in FILE_FORMATS else None


# --- the table for people -------------------------------------------------------------------

_ORDER = {name: i for i, name in enumerate([m.name for m in METRICS]
                                            + [s.row_name for s in STANDARDS])}
# Fractions are shown as percentages in the table, so their unit column says so.
_SHORT_UNITS = {"fraction": "%", "fraction of need/year": "% of need/yr"}


def _human(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "met":
        if value in (0.0, 1.0):
            return "yes" if value == 1.0 else "NO"
        return f"{value:.0%} of draws"
    if unit.startswith("fraction"):
        return f"{value:.1%}"
    if unit == "£":
        sign = "-" if value <= -0.5 else ""
        size = abs(value)
        return f"{sign}£{size / 1e6:,.2f}m" if size >= 1e6 else f"{sign}£{size:,.0f}"
    if unit == "ratio":
        return f"{value:,.2f}"
    if unit == "days":
        return f"{value:,.1f}"
    if unit == "WTE":
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def render_tables(frame: pl.DataFrame, title: str, console: Console) -> list[Table]:
    """One row per metric (in registry order), one column per period. Periods that do not fit in
    the console's width go into further tables below, never truncated. With several draws the
    table shows the mean."""
    column = "value" if "value" in frame.columns else "mean"
    periods = list(dict.fromkeys(frame.sort("period")["period"].to_list()))
    multi = frame["footprint_code"].n_unique() > 1
    groups = sorted(
        frame.group_by(["footprint_code", "footprint", "metric", "unit"], maintain_order=True),
        key=lambda g: (str(g[0][0]), _ORDER.get(str(g[0][2]), 999)),
    )
    rows: list[tuple[str, str, list[str]]] = []
    for (_, name, metric, unit), part in groups:
        by_period = dict(zip(part["period"].to_list(), part[column].to_list()))
        label = f"{name}: {metric}" if multi else str(metric)
        rows.append((label, _SHORT_UNITS.get(str(unit), str(unit)),
                     [_human(by_period.get(p), str(unit)) for p in periods]))

    def make(chunk: list[int], part_title: str) -> Table:
        table = Table(title=part_title, title_justify="left", header_style="bold",
                      box=box.SIMPLE_HEAD)
        table.add_column("metric", no_wrap=True)
        table.add_column("unit", style="dim", no_wrap=True)
        for i in chunk:
            table.add_column(periods[i], justify="right", no_wrap=True)
        for label, unit, cells in rows:
            table.add_row(label, unit, *(cells[i] for i in chunk))
        return table

    def fits(chunk: list[int]) -> bool:
        wide = console.options.update_width(10**6)
        return Measurement.get(console, wide, make(chunk, "")).maximum <= console.width

    chunks: list[list[int]] = [[]]
    for i in range(len(periods)):
        if chunks[-1] and not fits([*chunks[-1], i]):
            chunks.append([])
        chunks[-1].append(i)
    tables = []
    for n, chunk in enumerate(chunks):
        tables.append(make(chunk, title if len(chunks) == 1
                           else f"{title} ({n + 1}/{len(chunks)})"))
    return tables
