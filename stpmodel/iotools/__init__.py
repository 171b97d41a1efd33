"""Readers for published NHS files. All file reading of outside data lives here.

Each reader takes a file as NHS Digital publishes it and returns a tidy polars frame; it never
prints and never writes. The files' quirks are handled in one place, :func:`read_csv_rows`:

- a UTF-8 byte-order mark, Windows line endings, Windows-1252 text (``£`` as byte 0xA3);
- quoted and unquoted fields, header names in any case;
- numbers written like ``5.7637e+006`` or ``1,234``;
- ``*`` (a suppressed small number), which becomes a missing value and is flagged as suppressed:
  never zero.

A file of the wrong kind (another publication, a spreadsheet, an empty file) raises
:class:`ImportFileError`, which names the file, the line and column where it knows them, what
was expected and, where it can tell, which command reads the file instead. So does a file that
is not a regular file (a fifo, a device), one over :data:`MAX_BYTES` or :data:`MAX_ROWS`, one cut
short (its last row incomplete, or ending inside a quoted field), a row that repeats another
(:func:`check_duplicates`) and a negative value (:func:`check_not_negative`).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import StpmodelError, plain
from ..files import ReadError, read_bounded

SUPPRESSED = "*"
MISSING = ("", "null", "na", "n/a", "-", "..")
# Bounds far above NHS Digital's files (an OAP month is about 2 MB and 12,000 rows; the IAPT
# annual measures of England and its STPs, 0.4 MB), which keep memory to a few hundred MB.
MAX_BYTES = 64 * 1024 * 1024
MAX_ROWS = 1_000_000


class ImportFileError(StpmodelError):
    """A file could not be imported: unreadable, of the wrong kind, or with a bad value.

    Rendered as ``file:line:col: message`` where the place is known, else ``file: message``,
    with an indented ``hint:`` line below when there is one.
    """

    def __init__(self, file: str, message: str, line: int | None = None, col: int | None = None,
                 hint: str = ""):
        self.file, self.message, self.line, self.col, self.hint = file, message, line, col, hint
        where = plain(file) if line is None else f"{plain(file)}:{line}:{col or 1}"
        text = f"{where}: {plain(message)}"
        super().__init__(f"{text}\n  hint: {hint}" if hint else text)


@dataclass(frozen=True)
class Table:
    """A CSV file's header and rows, each row with its 1-based line number in the file."""

    file: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    text: str  # the file's text, to point at a column

    @property
    def lines(self) -> list[str]:
        """The raw text lines (made only when a column must be pointed at)."""
        return self.text.splitlines()

    def column(self, name: str) -> int | None:
        """The index of a header name, compared without case, spaces or underscores."""
        want = _key(name)
        for i, head in enumerate(self.header):
            if _key(head) == want:
                return i
        return None

    def has(self, *names: str) -> bool:
        return all(self.column(n) is not None for n in names)

    def col_of(self, line: int, field: int) -> int:
        """The 1-based character column where field ``field`` starts on line ``line``."""
        if not 1 <= line <= len(self.lines):
            return 1
        return _field_start(self.lines[line - 1], field) + 1


def _key(name: str) -> str:
    return re.sub(r"[\s_]", "", name).lower()


def _field_start(text: str, field: int) -> int:
    """Offset of the start of comma-separated field ``field`` (0-based) in ``text``, with quotes."""
    quoted, index = False, 0
    for pos, char in enumerate(text):
        if index == field:
            return pos
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            index += 1
    return len(text) if index == field else 0


def decode(path: Path, limit: int = MAX_BYTES) -> str:
    """The text of a file: UTF-8 (with or without a byte-order mark), else Windows-1252. Only a
    regular file of at most ``limit`` bytes is read (a fifo or device is refused at once)."""
    file = str(path)
    try:
        data = read_bounded(path, limit, "CSV file")
    except ReadError as exc:
        raise ImportFileError(file, exc.reason, hint=exc.hint) from None
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError(file, "is a spreadsheet (xlsx or another zip file), not CSV",
                              hint="download the CSV version of the file, or save the sheet as "
                                   "CSV")
    if b"\x00" in data[:4096]:
        raise ImportFileError(file, "is a binary file, not CSV text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv_rows(path: str | Path, max_rows: int = MAX_ROWS) -> Table:
    """Read a CSV file into a header and rows with line numbers. Blank lines are skipped.

    Raises :class:`ImportFileError` for a file over :data:`MAX_BYTES` or ``max_rows`` rows, and
    for one cut short: ending inside a quoted field, or with a last row that has fewer fields
    than the header (any row with fewer fields is refused the same way)."""
    path = Path(path)
    text = decode(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(str(path), "is empty") from None
    except csv.Error as exc:
        raise ImportFileError(str(path), f"is not valid CSV: {exc}", 1, 1) from None
    header = [h.strip() for h in header]
    rows: list[tuple[int, list[str]]] = []
    start = reader.line_num + 1
    # NHS files repeat most cells (periods, org types, measure names): one copy of each keeps
    # a large file's rows in a fraction of the memory
    shared: dict[str, str] = {}
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                if len(rows) >= max_rows:
                    raise ImportFileError(str(path), f"has more than {max_rows:,} rows, more "
                                                     "than any NHS file stpmodel reads", start, 1)
                rows.append((start, [shared.setdefault(cell, cell) for cell in row]))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileError(str(path), f"is not valid CSV: {exc}", start, 1) from None
    table = Table(str(path), header, rows, text)
    _check_whole(table)
    return table


def _check_whole(table: Table) -> None:
    """Refuse a file cut short: one that ends inside a quoted field (its quotes do not pair
    up), or whose rows have fewer fields than the header."""
    cut = "the file seems cut short"
    if table.text.count('"') % 2 and table.rows:
        line = table.rows[-1][0]
        raise ImportFileError(table.file, "ends inside a quoted field: a '\"' is never closed",
                              line, 1, hint=f"{cut}; download it again")
    width = len(table.header)
    for line, row in table.rows:
        if len(row) < width:
            last = line == table.rows[-1][0]
            ending = last and not table.text.endswith(("\n", "\r"))
            raise ImportFileError(
                table.file, f"this row has {len(row)} fields, the header has {width}", line,
                table.col_of(line, len(row)) if ending else 1,
                hint=f"{cut}; download it again" if ending or last else
                "each row needs a value (or an empty field) for every column")


def check_duplicates(table: Table, value_fields: Sequence[int], what: str = "row") -> None:
    """Refuse a row whose identifying cells (all but ``value_fields``) repeat an earlier
    row's: added up, it would count the same thing twice."""
    skip = set(value_fields)
    seen: dict[str, int] = {}
    for line, row in table.rows:
        key = "\x1f".join(cell.strip() for i, cell in enumerate(row) if i not in skip)
        first = seen.setdefault(key, line)
        if first != line:
            raise ImportFileError(table.file, f"this {what} repeats the one on line {first} (the "
                                              "same question and breakdowns), so it would be "
                                              "counted twice", line, 1,
                                  hint="remove the repeated row; was the file joined to itself "
                                       "or to another copy?")


def check_not_negative(table: Table, value: float | None, line: int, field: int,
                       cell: str) -> None:
    """Refuse a negative count, day total, cost or rate (a figure that cannot be below 0, so
    one that is means a broken file)."""
    if value is not None and value < 0:
        raise ImportFileError(table.file, f"expected a number of at least 0, got {cell.strip()!r}"
                                          ": counts, days, costs and rates cannot be negative",
                              line, table.col_of(line, field))


def parse_value(text: str) -> tuple[float | None, bool]:
    """``(value, suppressed)`` for a cell: ``'*'`` is ``(None, True)``; blank or NULL is
    ``(None, False)``; ``'5.7637e+006'`` is ``(5763700.0, False)``. Raises ValueError otherwise."""
    cell = text.strip()
    if cell == SUPPRESSED:
        return None, True
    if cell.lower() in MISSING:
        return None, False
    number = float(cell.replace(",", ""))
    if not math.isfinite(number):
        raise ValueError(cell)
    return number, False


def value_error(table: Table, line: int, field: int, cell: str) -> ImportFileError:
    return ImportFileError(table.file, f"expected a number or '*' (suppressed), got {cell!r}",
                           line, table.col_of(line, field))


def missing_columns(table: Table, wanted: Sequence[str]) -> list[str]:
    return [name for name in wanted if table.column(name) is None]


def cells(table: Table, names: Sequence[str]) -> Iterator[tuple[int, list[str]]]:
    """Each row as ``(line, [cell of each named column])``; a missing column gives ''."""
    index = [table.column(n) for n in names]
    for line, row in table.rows:
        yield line, [row[i].strip() if i is not None and i < len(row) else "" for i in index]


# What each kind of NHS file's header looks like: (what it is, the command that reads it).
KINDS = {
    ("Question", "Breakdown1", "value"): ("NHS Digital OAP open data", "stpmodel import oaps"),
    ("reporting_period", "measure_name", "value"): ("IAPT annual measures",
                                                    "stpmodel import iapt"),
    ("OrgType", "OrgCode", "CountReferralsReceived"): ("NHS Digital's IAPT annual CSV",
                                                       "stpmodel import iapt"),
    ("REPORTING_PERIOD_START", "MEASURE_NAME", "MEASURE_VALUE_SUPPRESSED"): (
        "IAPT (NHS Talking Therapies) monthly measures", ""),
}


def kind_of(table: Table) -> tuple[str, str] | None:
    """``(what the file is, the command that reads it)`` for a known kind of NHS file."""
    for names, kind in KINDS.items():
        if table.has(*names):
            return kind
    return None


def wrong_kind(table: Table, expected: str, needs: Sequence[str]) -> ImportFileError:
    kind = kind_of(table)
    if kind is not None:
        what, command = kind
        hint = (f"read it with `{command}`" if command
                else "stpmodel does not read this kind of file")
        return ImportFileError(table.file, f"this is {what}, not {expected}", 1, 1, hint=hint)
    shown = ", ".join(table.header[:8]) + (", ..." if len(table.header) > 8 else "")
    lacking = [repr(n) for n in missing_columns(table, needs)]
    listed = lacking[0] if len(lacking) == 1 else ", ".join(lacking[:-1]) + " or " + lacking[-1]
    return ImportFileError(table.file, f"not {expected}: the header has no {listed} column",
                           1, 1, hint=f"the header is: {shown}")


MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
                                       "sep", "oct", "nov", "dec"), start=1)}


def month_from_name(path: str | Path) -> str | None:
    """``'2016-12'`` from a name like ``oaps-open-data-dec-2016.csv`` or ``..._2016-12.csv``."""
    name = Path(path).name.lower()
    m = re.search(r"(?<![a-z])(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[-_ ]?"
                  r"((?:19|20)\d{2})(?!\d)", name)
    if m:
        return f"{m.group(2)}-{MONTHS[m.group(1)]:02d}"
    m = re.search(r"(?<!\d)((?:19|20)\d{2})[-_]?(0[1-9]|1[0-2])(?!\d)", name)
    return f"{m.group(1)}-{m.group(2)}" if m else None


def year_from_name(path: str | Path) -> str | None:
    """``'2017-18'`` from a name like ``iapt-annual-2017-18.csv`` or ``..._1718.csv``."""
    name = Path(path).name
    m = re.search(r"(?<!\d)((?:19|20)\d{2})[-_ /]?(\d{2})(?!\d)", name)
    if m and (int(m.group(1)) + 1) % 100 == int(m.group(2)):
        return f"{m.group(1)}-{m.group(2)}"
    return None
