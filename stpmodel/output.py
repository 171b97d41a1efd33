"""Render and write results: a rich table for people, CSV/Parquet/JSON/Excel for machines.

Files are written atomically: to a temporary file in the same folder, then renamed over the
target, so a failed run never leaves a half-written file and never clobbers a good one. Numbers in
CSV and JSON are formatted stably (fixed decimals, trailing zeros dropped) so outputs diff cleanly.

How each file says how it was made (:func:`stpmodel.runinfo.run_meta`): JSON is an object
``{"meta": {...}, "rows": [...]}``; Parquet carries the same keys as key-value metadata in its
footer; the workbook has a Metadata sheet; the CSV stays tidy (one header line, then rows).
A CSV file written with ``-o`` starts with a UTF-8 byte-order mark (:data:`CSV_BOM`), so that
Excel reads it as UTF-8 and shows £ (not Â£); CSV on standard output has no mark, for pipes.
"""

from __future__ import annotations

import contextlib
import glob
import json
import math
import os
import re
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import polars as pl
from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from .errors import OutputError
from .services import METRICS, STANDARDS

Format = Literal["table", "csv", "parquet", "json", "xlsx"]
FILE_FORMATS = ("csv", "parquet", "json", "xlsx")
CSV_BOM = "\ufeff"  # starts a CSV file: Excel then reads it as UTF-8
META_PREFIX = "stpmodel."  # Parquet's key-value metadata: stpmodel.seed, stpmodel.draws, ...
DECIMALS = 6
VALUE_COLUMNS = ("value", "mean", "p05", "p50", "p95")


def format_number(value: float | None) -> str:
    """Stable text for a number: 6 decimals with trailing zeros dropped; '' for missing, and
    for a number that is not finite (the last line of defence: inputs are bounded so that none
    arises)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
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


def to_json(frame: pl.DataFrame, meta: Mapping[str, object] | None = None) -> str:
    """``{"meta": {...}, "rows": [...]}``: how the run was made, then one object per row."""
    values = set(_value_columns(frame))
    rows = []
    for row in frame.iter_rows(named=True):
        rows.append({c: (_json_number(v) if c in values else v) for c, v in row.items()})
    doc = {"meta": dict(meta or {}), "rows": rows}
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def _json_number(value: float | None) -> float | None:
    """A number for JSON: null for missing or not finite (JSON has no NaN or Infinity)."""
    if value is None or not math.isfinite(value):
        return None
    rounded = round(value, DECIMALS)
    return 0.0 if rounded == 0 else rounded


TMP_TAG = "stpmodel"  # temporary files are named .NAME.stpmodel-PID.RANDOM.tmp
_PENDING: set[Path] = set()  # temporary files being written by this process
_SPECIAL = {stat.S_IFCHR: "character device", stat.S_IFBLK: "block device",
            stat.S_IFIFO: "named pipe (fifo)", stat.S_IFSOCK: "socket", stat.S_IFDIR: "folder"}
_STOP = {signal.SIGINT, signal.SIGTERM}


def write_atomic(path: Path, write: Callable[[Path], object], *,
                 inputs: Iterable[Path] = (), force: bool = False) -> None:
    """Call ``write(tmp)`` then rename ``tmp`` over ``path``; on any failure remove ``tmp``.

    Refused with :class:`OutputError`, before anything is written: a target that is one of
    ``inputs`` (the files this run reads), a special file (a device, fifo, socket or folder, or
    a symlink to one), and a read-only file unless ``force``. A symlink to a regular file is
    followed: the file it points to is replaced and the link kept. A replaced file keeps its
    mode; a new one gets the usual mode for the umask. The temporary file is
    ``.NAME.stpmodel-PID.RANDOM.tmp`` beside the target; it is removed if the write fails or
    SIGINT or SIGTERM arrives (see :func:`remove_pending`), and one left by a process that was
    killed outright is removed by the next write to the same target.
    """
    target = _target(path, inputs, force)
    folder = target.parent
    if not folder.is_dir():
        raise OutputError(f"{path}: folder {folder} does not exist")
    try:
        _replace(target, write)
    except OSError as exc:  # the one place an operating-system refusal becomes a message
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _replace(target: Path, write: Callable[[Path], object]) -> None:
    """:func:`write_atomic`'s work once the target is allowed."""
    remove_orphans(target)
    mode = _mode(target)
    blocked = _block_stops()
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.{TMP_TAG}-{os.getpid()}.",
                                        suffix=".tmp", dir=target.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        _PENDING.add(tmp)
    finally:
        _unblock_stops(blocked)
    try:
        write(tmp)
        os.chmod(tmp, mode)  # mkstemp makes it private; give it the mode it should have
        blocked = _block_stops()
        try:
            os.replace(tmp, target)
            _PENDING.discard(tmp)
        finally:
            _unblock_stops(blocked)
    except BaseException:
        tmp.unlink(missing_ok=True)
        _PENDING.discard(tmp)
        raise


def check_output(path: Path, inputs: Iterable[Path] = (), force: bool = False) -> None:
    """Raise :class:`OutputError` now if :func:`write_atomic` would refuse ``path`` (or could
    not write it: its folder does not exist), so that a command can refuse before it runs
    rather than after."""
    target = _target(path, inputs, force)
    if not target.parent.is_dir():
        raise OutputError(f"{path}: folder {target.parent} does not exist")


def _target(path: Path, inputs: Iterable[Path], force: bool) -> Path:
    """The file to replace for ``path`` (a symlink's target), after the refusals."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    if info is None:
        return target
    if not stat.S_ISREG(info.st_mode):
        kind = _SPECIAL.get(stat.S_IFMT(info.st_mode), "special file")
        via = " (through a symlink)" if target != path else ""
        raise OutputError(f"{path}: is a {kind}{via}, not a regular file; refusing to write "
                          "over it")
    for given in inputs:
        try:
            same = os.path.samefile(given, target)
        except OSError:
            same = False
        if same:
            raise OutputError(f"{path}: is an input of this run ({given}); refusing to write "
                              "over it", )
    writable = info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) \
        and os.access(target, os.W_OK)
    if not writable and not force:
        raise OutputError(f"{path}: is read-only; refusing to replace it\n"
                          "  hint: use --force to replace it anyway")
    return target


def _mode(target: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _block_stops() -> bool:
    """Hold SIGINT and SIGTERM back (in the main thread) while a temporary file is made or
    renamed, so that the list of pending files is always right when one arrives."""
    if threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "pthread_sigmask"):
        return False
    signal.pthread_sigmask(signal.SIG_BLOCK, _STOP)
    return True


def _unblock_stops(blocked: bool) -> None:
    if blocked:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP)


def remove_pending() -> None:
    """Remove the temporary files this process is writing (for a signal handler that ends
    the process without unwinding)."""
    for tmp in list(_PENDING):
        with contextlib.suppress(OSError):
            tmp.unlink()
        _PENDING.discard(tmp)


def temp_pattern(name: str) -> str:
    """The glob of the temporary files :func:`write_atomic` makes for a target called ``name``."""
    return f".{glob.escape(name)}.{TMP_TAG}-*.tmp"


def remove_orphans(target: Path) -> list[Path]:
    """Remove temporary files for ``target`` left by stpmodel processes that no longer run (one
    killed outright, with no chance to clean up); return those removed. Files of a process
    that still runs, and any file not named as stpmodel names them, are left alone."""
    removed = []
    for tmp in target.parent.glob(temp_pattern(target.name)):
        match = re.search(rf"\.{TMP_TAG}-(\d+)\.[^.]*\.tmp$", tmp.name)
        if match is None or _alive(int(match.group(1))):
            continue
        with contextlib.suppress(OSError):
            tmp.unlink()
            removed.append(tmp)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is another user's
        return True
    return not _ended(pid)


def _ended(pid: int) -> bool:
    """Whether ``pid`` has ended but is not yet reaped (a zombie, which signal 0 still finds: a
    killed batch's workers, until the system collects them), as Linux's /proc tells; False where
    it cannot be told."""
    try:
        line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    state = line[line.rfind(")") + 2 : line.rfind(")") + 3]  # the field after (command)
    return state in ("Z", "X")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_frame(frame: pl.DataFrame, path: Path, fmt: str, *, inputs: Iterable[Path] = (),
                force: bool = False, meta: Mapping[str, object] | None = None,
                assumed: Sequence[Mapping[str, Any]] = ()) -> None:
    """Write ``frame`` atomically as ``fmt``, with ``meta`` (how the run was made) in JSON,
    Parquet and the workbook, and ``assumed`` (the assumptions' rows, see
    :func:`stpmodel.runinfo.assumption_rows`) in the workbook. A write that fails (a full
    disk, ...) raises :class:`OutputError` naming the file, whatever library did the writing."""
    if fmt == "csv":
        def write(tmp: Path) -> object:
            return tmp.write_text(CSV_BOM + to_csv(frame), encoding="utf-8")
    elif fmt == "json":
        def write(tmp: Path) -> object:
            return tmp.write_text(to_json(frame, meta), encoding="utf-8")
    elif fmt == "parquet":
        def write(tmp: Path) -> object:
            return frame.write_parquet(tmp, metadata=parquet_metadata(meta))
    elif fmt == "xlsx":
        from .xlsx import write_workbook

        def write(tmp: Path) -> object:
            write_workbook(frame, tmp, meta or {}, assumed)
            return None
    else:
        raise OutputError(f"cannot write format {fmt!r} to a file; use one of "
                          f"{', '.join(FILE_FORMATS)}")
    try:
        write_atomic(path, write, inputs=inputs, force=force)
    except pl.exceptions.PolarsError as exc:  # polars reports an IO error as its own
        reason = str(exc).rsplit("underlying IO error: ", 1)[-1]
        raise OutputError(f"{path}: cannot write: {reason}") from None


def parquet_metadata(meta: Mapping[str, object] | None) -> dict[str, str]:
    """Parquet key-value metadata: each key of ``meta`` prefixed with :data:`META_PREFIX`; a
    list (the notes, the assumptions) as a JSON array."""
    return {META_PREFIX + k: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
            for k, v in (meta or {}).items()}


def format_for(path: Path) -> str | None:
    """The file format implied by a path's suffix, or None."""
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in FILE_FORMATS else None


# --- the table for people -------------------------------------------------------------------

_ORDER = {name: i for i, name in enumerate([m.name for m in METRICS]
                                            + [s.row_name for s in STANDARDS])}
# Fractions are shown as percentages in the table, so their unit column says so.
_SHORT_UNITS = {"fraction": "%", "fraction of need/year": "% of need/yr",
                "fraction of births/year": "% of births/yr"}


def short_unit(unit: str) -> str:
    """A unit as a table's unit column shows it: ``%`` for a fraction (values are shown as
    percentages)."""
    return _SHORT_UNITS.get(unit, unit)


MILLION = 1e6


def money_scale(values: Iterable[float | None]) -> float:
    """The scale to show a row of money in: £m (:data:`MILLION`) when any value is £1m or
    more, else whole pounds (1). One scale a row, so that a row reads in one unit."""
    sizes = [abs(v) for v in values if v is not None and math.isfinite(v)]
    return MILLION if sizes and max(sizes) >= MILLION else 1.0


def format_money(value: float | None, scale: float | None = None, *, places: int | None = None,
                 signed: bool = False) -> str:
    """Money as people read it, the one formatter of every table: ``£5.12m``, ``£394,274``,
    ``-£1.50m`` (an ASCII minus, so that a pasted cell is a number to a spreadsheet),
    ``+£0.25m`` when ``signed``; ``£0`` for nothing; ``–`` for a missing value. ``scale`` is
    :data:`MILLION` or 1 (default: :func:`money_scale` of the value alone); ``places`` the
    decimals (default 2 in £m, 0 in pounds)."""
    if value is None or not math.isfinite(value):
        return "–"
    if scale is None:
        scale = money_scale([value])
    digits = places if places is not None else (2 if scale == MILLION else 0)
    size = abs(value) / scale
    if round(size, digits) == 0:
        return "£0"
    sign = "-" if value < 0 else ("+" if signed else "")
    return f"{sign}£{size:,.{digits}f}" + ("m" if scale == MILLION else "")


def format_value(value: float | None, unit: str, scale: float | None = None) -> str:
    """A value as the tables show it, by its unit: money by :func:`format_money` (in
    ``scale``), fractions as percentages, a standard as yes / NO / the share of draws."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if unit == "met":
        if value in (0.0, 1.0):
            return "yes" if value == 1.0 else "NO"
        return f"{value:.0%} of draws"
    value = value + 0.0  # a negative zero prints as 0, not -0
    if unit.startswith("fraction"):
        return _unsigned_zero(f"{value:.1%}")
    if unit.startswith("£"):  # "£ (2024/25 prices)": money at the price base
        return format_money(value, scale)
    if unit == "ratio":
        return _unsigned_zero(f"{value:,.2f}")
    if unit in ("days", "WTE"):
        return _unsigned_zero(f"{value:,.1f}")
    return _unsigned_zero(f"{value:,.0f}")


def _unsigned_zero(shown: str) -> str:
    """'-0', '-0.0' and '-0.0%' (a small negative rounded away) read as zero."""
    return shown[1:] if shown.startswith("-") and not shown.strip("-0.,%") else shown


def text(value: object) -> Text:
    """``value`` as rich text that is shown as written: never read as markup (``[link=...]``,
    ``[/b]``), with control characters escaped (see :func:`stpmodel.errors.plain`)."""
    from .errors import plain

    return Text(plain(value))


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
        scale = money_scale(by_period.values()) if unit.startswith("£") else None
        rows.append((label, short_unit(str(unit)),
                     [format_value(by_period.get(p), str(unit), scale) for p in periods]))

    def make(chunk: list[int], part_title: str) -> Table:
        table = Table(title=text(part_title), title_justify="left", header_style="bold",
                      box=box.SIMPLE_HEAD)
        table.add_column("metric", no_wrap=True)
        table.add_column("unit", style="dim", no_wrap=True)
        for i in chunk:
            table.add_column(text(periods[i]), justify="right", no_wrap=True)
        for label, unit, cells in rows:
            table.add_row(text(label), text(unit), *(cells[i] for i in chunk))
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
