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
was expected and, where it can tell, which command reads the file instead.
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

SUPPRESSED = "*"
MISSING = ("", "null", "na", "n/a", "-", "..")


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
    lines: list[str]  # the raw text lines, to point at a column

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


def decode(path: Path) -> str:
    """The text of a file: UTF-8 (with or without a byte-order mark), else Windows-1252."""
    file = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(file, "no such file") from None
    except IsADirectoryError:
        raise ImportFileError(file, "is a directory, not a CSV file") from None
    except OSError as exc:
        raise ImportFileError(file, f"cannot read: {exc.strerror}") from None
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


def read_csv_rows(path: str | Path) -> Table:
    """Read a CSV file into a header and rows with line numbers. Blank lines are skipped."""
    path = Path(path)
    text = decode(path)
    lines = text.splitlines()
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
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileError(str(path), f"is not valid CSV: {exc}", start, 1) from None
    return Table(str(path), header, rows, lines)


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
