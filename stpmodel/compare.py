"""Compare two sets of results: what changed, by metric and period, and whether it matters.

Either side may be a scenario (run here, with the other side's seed, so that both share common
random numbers) or a saved output of ``stpmodel run`` (CSV, Parquet or JSON), read back by
:func:`read_output` into the same tidy frame that :func:`stpmodel.results.tabulate` makes.
:func:`compare` lines the two frames up row by row and returns a :class:`Comparison`.

Conventions, so that every route to a comparison gives the same answer:

- Values are compared as output files hold them: rounded to :data:`~stpmodel.output.DECIMALS`
  decimals. A scenario and the CSV it was saved to therefore compare as equal.
- With several draws, the ``mean`` column is compared (one draw: ``value``).
- A missing value (a rate with nothing to divide by) equals another missing value.
- A is the reference: ``change = B − A`` and ``rel_change = change ÷ |A|`` [fraction].
- A change is *beyond* a :class:`Tolerance` only when it exceeds both thresholds: its absolute
  size is more than ``abs`` **and** its relative size more than ``rel`` (a row passes if it is
  close by either measure, like ``numpy.isclose``). Zero thresholds make any change count.
"""

from __future__ import annotations

import fnmatch
import json
import math
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import polars as pl

from .errors import StpmodelError
from .output import DECIMALS, format_number

KEYS = ("footprint_code", "footprint", "period", "metric", "unit")
ROW_KEY = ("footprint_code", "metric", "period")  # what identifies a row on both sides
OUTPUT_SUFFIXES = (".csv", ".parquet", ".json")
SCENARIO_SUFFIXES = (".yaml", ".yml")

By = Literal["month", "quarter", "year"]
_PERIOD_FORMS: tuple[tuple[By, re.Pattern[str]], ...] = (
    ("month", re.compile(r"^\d{4}-\d{2}$")),
    ("quarter", re.compile(r"^\d{4}/\d{2} Q[1-4]$")),
    ("year", re.compile(r"^\d{4}/\d{2}$")),
)


class ComparisonError(StpmodelError):
    """Two sets of results cannot be compared as asked: an output file that cannot be read, a
    filter that matches nothing, periods that cannot be re-aggregated."""


class UnlikeError(ComparisonError):
    """The two sides are not like for like: different metrics, periods, footprints or units."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        lines = "\n".join(f"  - {r}" for r in reasons)
        super().__init__(
            f"A and B are not like for like:\n{lines}\n"
            "  hint: compare what they share with --metric or --period, or insist with --force")


# ---------------------------------------------------------------------------------------------
# Reading saved outputs


def kind_of(path: Path) -> Literal["scenario", "output"] | None:
    """Whether ``path`` names a scenario or a saved output, from its suffix; None if neither."""
    suffix = path.suffix.lower()
    if suffix in SCENARIO_SUFFIXES:
        return "scenario"
    if suffix in OUTPUT_SUFFIXES:
        return "output"
    return None


MAX_OUTPUT_BYTES = 1024**3  # a saved output of all 44 footprints by month is about 10 MB


def _check_regular(path: Path) -> None:
    """Refuse at once what must not be read as a saved output: a fifo (reading it would wait
    for a writer forever), a device such as /dev/zero, or a file over MAX_OUTPUT_BYTES."""
    try:
        info = os.stat(path)
    except OSError:
        return  # reading it says what is wrong
    if stat.S_ISDIR(info.st_mode):
        return
    if not stat.S_ISREG(info.st_mode):
        raise ComparisonError(f"{path}: is not a regular file (a fifo or a device); a saved "
                              "output is a file written by stpmodel run")
    if info.st_size > MAX_OUTPUT_BYTES:
        raise ComparisonError(f"{path}: is too large for a saved output: more than 1 GiB")


def read_output(path: Path) -> pl.DataFrame:
    """A saved output of ``stpmodel run`` as the tidy frame :func:`~stpmodel.results.tabulate`
    made: key columns as text, ``value`` or ``mean, p05, ...`` as floats (missing as null)."""
    suffix = path.suffix.lower()
    _check_regular(path)
    try:
        if suffix == ".csv":
            frame = pl.read_csv(path, infer_schema=False)
        elif suffix == ".parquet":
            frame = pl.read_parquet(path)
        elif suffix == ".json":
            frame = _read_json(path)
        else:
            raise ComparisonError(f"{path}: cannot read a {suffix or 'suffix-less'} file; "
                                  f"saved outputs are {', '.join(OUTPUT_SUFFIXES)}")
    except FileNotFoundError:
        raise ComparisonError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ComparisonError(f"{path}: is a folder, not a saved output") from None
    except (OSError, pl.exceptions.PolarsError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ComparisonError(f"{path}: cannot read it as {suffix.lstrip('.')}: {first}") \
            from None
    return _tidy(frame, path)


def _read_json(path: Path) -> pl.DataFrame:
    """``{"meta": {...}, "rows": [...]}`` as ``stpmodel run -f json`` writes it, or a bare list
    of rows as it wrote before it carried its metadata."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise ComparisonError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") \
            from None
    rows = doc.get("rows") if isinstance(doc, dict) else doc
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ComparisonError(f"{path}: expected an object with a list of rows, "
                              '{"meta": {...}, "rows": [...]}, as `stpmodel run -f json` '
                              "writes")
    return pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame()


def _tidy(frame: pl.DataFrame, path: Path) -> pl.DataFrame:
    missing = [c for c in ("scenario", *KEYS) if c not in frame.columns]
    if not missing and "value" not in frame.columns and "mean" not in frame.columns:
        missing = ["value (or mean)"]
    if missing:
        raise ComparisonError(f"{path}: not an stpmodel output: no column "
                              f"{', '.join(missing)}")
    if frame.height == 0:
        raise ComparisonError(f"{path}: holds no rows")
    stats = [c for c in frame.columns if c == "value" or c == "mean" or re.fullmatch(r"p\d+", c)]
    casts = [pl.col(c).cast(pl.String) for c in ("scenario", *KEYS)]
    for c in stats:
        column = pl.col(c)
        if frame.schema[c] == pl.String:
            column = pl.when(column.str.strip_chars() == "").then(None).otherwise(column)
        casts.append(column.cast(pl.Float64).fill_nan(None).alias(c))
    try:
        frame = frame.select(casts)
    except pl.exceptions.PolarsError:
        raise ComparisonError(f"{path}: a value column holds something that is not a number") \
            from None
    repeated = frame.filter(pl.struct(ROW_KEY).is_duplicated())
    if repeated.height:
        row = repeated.row(0, named=True)
        raise ComparisonError(f"{path}: the row for {row['metric']} in {row['period']} "
                              f"({row['footprint_code']}) appears more than once")
    return frame


def statistic(frame: pl.DataFrame) -> str:
    """The column a comparison reads: ``value`` for one draw, ``mean`` for several."""
    return "value" if "value" in frame.columns else "mean"


def granularity(frame: pl.DataFrame) -> By | None:
    """How the periods of a results frame are grouped, from their labels; None if mixed."""
    periods = frame["period"].unique().to_list()
    for by, form in _PERIOD_FORMS:
        if periods and all(form.match(str(p)) for p in periods):
            return by
    return None


# ---------------------------------------------------------------------------------------------
# Filtering and lining up


def select(frame: pl.DataFrame, metrics: Sequence[str] = (), periods: Sequence[str] = ()
           ) -> pl.DataFrame:
    """The rows whose metric matches any of ``metrics`` and whose period matches any of
    ``periods`` (shell-style patterns such as ``iapt_*`` or ``2023/24*``; empty: all)."""
    for column, patterns in (("metric", metrics), ("period", periods)):
        if patterns:
            names = frame[column].unique().to_list()
            keep = {n for n in names for p in patterns if fnmatch.fnmatchcase(str(n), p)}
            frame = frame.filter(pl.col(column).is_in(sorted(keep)))
    return frame


def unmatched(patterns: Sequence[str], names: Sequence[str]) -> list[str]:
    """The patterns that match none of ``names``."""
    return [p for p in patterns if not any(fnmatch.fnmatchcase(str(n), p) for n in names)]


def like_for_like(a: pl.DataFrame, b: pl.DataFrame) -> list[str]:
    """Every reason two results frames are not like for like; empty when they are."""
    reasons = []
    for column, what in (("metric", "metrics"), ("period", "periods"),
                         ("footprint_code", "footprints")):
        in_a, in_b = set(a[column].to_list()), set(b[column].to_list())
        if in_a - in_b:
            reasons.append(f"{what} only in A: {_listed(in_a - in_b)}")
        if in_b - in_a:
            reasons.append(f"{what} only in B: {_listed(in_b - in_a)}")
    units_a = dict(a.select("metric", "unit").unique().iter_rows())
    units_b = dict(b.select("metric", "unit").unique().iter_rows())
    for metric in sorted(set(units_a) & set(units_b)):
        if units_a[metric] != units_b[metric]:
            reasons.append(f"{metric} is in {units_a[metric]} in A but {units_b[metric]} in B")
    return reasons


def _listed(names: set[Any], most: int = 8) -> str:
    shown = sorted(str(n) for n in names)
    more = f" and {len(shown) - most} more" if len(shown) > most else ""
    return ", ".join(shown[:most]) + more


# ---------------------------------------------------------------------------------------------
# The comparison


@dataclass(frozen=True)
class Tolerance:
    """How big a change may be and still count as "the same" [abs: the metric's unit; rel:
    fraction of A]. A change is beyond tolerance only when it exceeds both."""

    abs: float = 0.0
    rel: float = 0.0

    @classmethod
    def parse(cls, text: str) -> Tolerance:
        """``abs=0.5,rel=0.001``, ``abs=1`` or ``rel=0.01``; ValueError with a message if not."""
        values: dict[str, float] = {}
        for part in text.split(","):
            key, eq, raw = (s.strip() for s in part.partition("="))
            if key not in ("abs", "rel") or not eq:
                raise ValueError(f"expected abs=NUMBER and/or rel=NUMBER, got {part.strip()!r}")
            if key in values:
                raise ValueError(f"{key} is given twice")
            if raw.endswith("%"):
                shown = format_number(float(raw[:-1]) / 100) if _is_number(raw[:-1]) else "?"
                raise ValueError(f"{key}: expected a number, got {raw!r}; write {key}={shown} "
                                 f"({raw})")
            if not _is_number(raw) or float(raw) < 0 or not math.isfinite(float(raw)):
                raise ValueError(f"{key}: expected a number of at least 0, got {raw!r}")
            values[key] = float(raw)
        return cls(**values)

    def __str__(self) -> str:
        return f"abs={self.abs:.10g}, rel={self.rel:.10g}"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Comparison:
    """Two results frames lined up. ``rows`` holds every row compared, grouped by metric (the
    metric with the largest change first), then by footprint and period:
    footprint_code, footprint, period, metric, unit, a, b, change, rel_change, changed,
    beyond_tolerance. ``notes`` say what was left out or assumed."""

    rows: pl.DataFrame
    tolerance: Tolerance
    notes: tuple[str, ...] = ()

    @property
    def changed(self) -> pl.DataFrame:
        """The rows whose values differ (at the decimals output files hold)."""
        return self.rows.filter(pl.col("changed"))

    @property
    def n_changed(self) -> int:
        return int(self.rows["changed"].sum())

    @property
    def n_beyond(self) -> int:
        return int(self.rows["beyond_tolerance"].sum())


OUTPUT_COLUMNS = ("footprint_code", "footprint", "period", "metric", "unit", "a", "b", "change",
                  "rel_change", "beyond_tolerance")


def compare(a: pl.DataFrame, b: pl.DataFrame, tolerance: Tolerance = Tolerance(), *,
            force: bool = False) -> Comparison:
    """Line up two tidy results frames by footprint, metric and period and compare them.

    Raises :class:`UnlikeError` when they are not like for like, unless ``force``: then only
    the rows both hold are compared, and a note says how many were left out.
    """
    notes: list[str] = []
    reasons = like_for_like(a, b)
    if reasons and not force:
        raise UnlikeError(reasons)
    col_a, col_b = statistic(a), statistic(b)
    if col_a != col_b:
        notes.append(f"A has {'one draw' if col_a == 'value' else 'several draws'} and B "
                     f"{'one' if col_b == 'value' else 'several'}: comparing A's {col_a} with "
                     f"B's {col_b}")
    left = a.select(*KEYS, _rounded(col_a).alias("a"))
    right = b.select(*ROW_KEY, _rounded(col_b).alias("b"))
    rows = left.join(right, on=list(ROW_KEY), how="inner")
    if reasons:
        only_a, only_b = a.height - rows.height, b.height - rows.height
        notes.append(f"--force: compared the {rows.height} rows A and B share; left out "
                     f"{only_a} only in A and {only_b} only in B")
    if rows.height == 0:
        raise ComparisonError("A and B share no rows to compare (no footprint, metric and "
                              "period in common)")
    ra, rb = pl.col("a"), pl.col("b")
    one_missing = ra.is_null() ^ rb.is_null()
    change = rb - ra
    rel = pl.when(ra != 0).then(change / ra.abs())
    rows = rows.with_columns(change.alias("change"), rel.alias("rel_change"),
                             (one_missing | (change != 0).fill_null(False)).alias("changed"))
    size = change.abs()
    beyond = one_missing | ((size > tolerance.abs) & (size > tolerance.rel * ra.abs())
                           ).fill_null(False)
    # grouped by metric, the metric with the largest change first: by |relative change| (a
    # change from zero or from missing is infinite; none, when both sides are missing), then by
    # |absolute change|, then by name; within a metric by footprint, then period in time order,
    # so that the years of one metric read together and the order is always the same
    inf = float("inf")
    rows = rows.with_columns(
        beyond.alias("beyond_tolerance"),
        pl.when(one_missing).then(inf).when(ra == 0).then(pl.when(rb == 0).then(0.0)
                                                          .otherwise(inf))
        .otherwise(pl.col("rel_change").abs()).fill_null(0.0).alias("_rel_size"),
        pl.when(one_missing).then(inf).otherwise(size).fill_null(0.0).alias("_abs_size"),
    ).with_columns(
        pl.col("_rel_size").max().over("metric").alias("_rel_group"),
        pl.col("_abs_size").max().over("metric").alias("_abs_group"),
    ).sort(["_rel_group", "_abs_group", "metric", "footprint_code", "period"],
           descending=[True, True, False, False, False]
           ).drop("_rel_size", "_abs_size", "_rel_group", "_abs_group")
    return Comparison(rows, tolerance, tuple(notes))


def _rounded(column: str) -> pl.Expr:
    """Values as output files hold them: rounded (correctly, in decimal) to DECIMALS places."""
    return pl.col(column).map_elements(lambda v: float(f"{v:.{DECIMALS}f}"),
                                       return_dtype=pl.Float64, skip_nulls=True)


def to_table_rows(comparison: Comparison, all_rows: bool = False) -> pl.DataFrame:
    """The rows to show, in :data:`OUTPUT_COLUMNS` order: the changed ones, or all."""
    rows = comparison.rows if all_rows else comparison.changed
    return rows.select(OUTPUT_COLUMNS)


def comparison_csv(rows: pl.DataFrame) -> str:
    """Rows of a comparison as CSV, numbers formatted as ``stpmodel run`` formats them."""
    text = rows.with_columns(
        pl.col(c).map_elements(format_number, return_dtype=pl.String, skip_nulls=False)
        for c in ("a", "b", "change", "rel_change")
    ).with_columns(pl.col("beyond_tolerance").cast(pl.String).str.to_lowercase())
    return text.fill_null("").write_csv(line_terminator="\n")


def comparison_json(rows: pl.DataFrame) -> str:
    """Rows of a comparison as a JSON list of objects, with the same stable numbers."""
    numbers = ("a", "b", "change", "rel_change")
    out = [{c: (_json_number(v) if c in numbers else v) for c, v in row.items()}
           for row in rows.iter_rows(named=True)]
    return json.dumps(out, indent=1, ensure_ascii=False) + "\n"


def _json_number(value: float | None) -> float | None:
    text = format_number(value)
    return float(text) if text else None
