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
from rich.table import Table

from .errors import OutputError
from .metrics import METRICS

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
    return [c for c in frame.columns if c in VALUE_COLUMNS or re.fullmatch(r"p\d+", c)]


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


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` then rename ``tmp`` over ``path``; on any failure remove ``tmp``."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{path}: folder {folder} does not exist")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


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

_ORDER = {m.name: i for i, m in enumerate(METRICS)}


def _human(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit.startswith("fraction"):
        return f"{value:.1%}"
    if unit == "£":
        return f"£{value:,.0f}"
    if unit == "WTE":
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def render_table(frame: pl.DataFrame, title: str) -> Table:
    """One row per metric (in registry order), one column per period."""
    column = "value" if "value" in frame.columns else "mean"
    periods = list(dict.fromkeys(frame.sort("period")["period"].to_list()))
    table = Table(title=title, title_justify="left", header_style="bold")
    table.add_column("metric", no_wrap=True)
    table.add_column("unit", style="dim", no_wrap=True)
    for period in periods:
        table.add_column(period, justify="right", no_wrap=True)
    multi = frame["footprint_code"].n_unique() > 1
    for (code, name, metric, unit), rows in sorted(
        frame.group_by(["footprint_code", "footprint", "metric", "unit"], maintain_order=True),
        key=lambda g: (g[0][0], _ORDER.get(str(g[0][2]), 999)),
    ):
        by_period = dict(zip(rows["period"].to_list(), rows[column].to_list()))
        label = f"{name}: {metric}" if multi else str(metric)
        table.add_row(label, str(unit), *(_human(by_period.get(p), str(unit)) for p in periods))
    return table
