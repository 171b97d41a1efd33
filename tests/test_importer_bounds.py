"""Importers refuse what would give wrong figures or exhaust the machine (issue 18, items 2 and
9): a file given twice, a repeated row, a file cut mid-row or mid-quote, a negative count, a
fifo or device, and files past the size and row limits. Each with file:line:col where it has one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stpmodel.cli import app
from stpmodel.iotools import ImportFileError, read_csv_rows

ROOT = Path(__file__).resolve().parent.parent
DEC = ROOT / "tests" / "data" / "oaps" / "oaps-open-data-dec-2016.csv"
IAPT = ROOT / "tests" / "data" / "iapt" / "iapt_annual_england_stp_2017-18_to_2021-22.csv"


def invoke(*args: object) -> object:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def copy(tmp_path: Path, source: Path, text: str | None = None, name: str | None = None) -> Path:
    path = tmp_path / (name or source.name)
    path.write_text(source.read_text(encoding="utf-8") if text is None else text,
                    encoding="utf-8")
    return path


def test_the_same_file_twice_is_refused(tmp_path: Path) -> None:
    result = invoke("import", "oaps", DEC, DEC, "--footprint", "devon")
    assert result.exit_code == 1
    assert result.stderr == (f"{DEC}: is given twice (also as {DEC}), so its counts would be "
                             "added twice\n  hint: give each file once\n")
    link = tmp_path / "oaps-dec-2016-again.csv"
    link.symlink_to(DEC)
    result = invoke("import", "oaps", DEC, link)
    assert result.exit_code == 1 and "is given twice" in result.stderr


def test_once_is_fine_and_counts_once() -> None:
    result = invoke("import", "oaps", DEC, "--footprint", "devon")
    assert result.exit_code == 0, result.stderr


def test_a_repeated_row_is_refused(tmp_path: Path) -> None:
    lines = DEC.read_text(encoding="utf-8").splitlines()
    path = copy(tmp_path, DEC, "\n".join([*lines, lines[5]]) + "\n")
    result = invoke("import", "oaps", path)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"{path}:{len(lines) + 1}:1: this row repeats the one on line 6 (the same question and "
        "breakdowns), so it would be counted twice\n")


def test_a_file_joined_to_itself_is_refused(tmp_path: Path) -> None:
    text = IAPT.read_text(encoding="utf-8")
    body = text.split("\n", 1)[1]
    path = copy(tmp_path, IAPT, text + body)
    result = invoke("import", "iapt", path)
    assert result.exit_code == 1 and "repeats the one on line 2" in result.stderr


def test_cut_mid_row(tmp_path: Path) -> None:
    text = DEC.read_text(encoding="utf-8")
    start = text.index("\n", len(text) // 2) + 1
    end = start
    for _ in range(3):
        end = text.index('",', end) + 2
    cut = text[:end]  # three fields into a row of eight, between two fields
    path = copy(tmp_path, DEC, cut)
    line = cut.count("\n") + 1
    with pytest.raises(ImportFileError) as caught:
        read_csv_rows(path)
    assert caught.value.line == line
    assert "the header has 8" in caught.value.message
    assert "the file seems cut short" in caught.value.hint
    result = invoke("import", "oaps", path)
    assert result.exit_code == 1 and f"{path}:{line}:" in result.stderr


def test_cut_mid_quote(tmp_path: Path) -> None:
    text = DEC.read_text(encoding="utf-8")
    start = text.index("\n", len(text) // 2) + 1
    cut = text[: start + 5]  # inside the first quoted field of a row
    path = copy(tmp_path, DEC, cut)
    result = invoke("import", "oaps", path)
    assert result.exit_code == 1
    assert f"{path}:{cut.count(chr(10)) + 1}:1: ends inside a quoted field" in result.stderr
    assert "the file seems cut short" in result.stderr


def test_negative_counts(tmp_path: Path) -> None:
    text = DEC.read_text(encoding="utf-8").replace('"England","","","","","","528"',
                                                   '"England","","","","","","-528"', 1)
    path = copy(tmp_path, DEC, text)
    result = invoke("import", "oaps", path)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:2:54: expected a number of at least 0, got '-528': "
                                    "counts, days, costs and rates cannot be negative\n")
    text = IAPT.read_text(encoding="utf-8").replace('"count","1812596"', '"count","-1812596"')
    path = copy(tmp_path, IAPT, text)
    result = invoke("import", "iapt", path)
    assert result.exit_code == 1 and "got '-1812596'" in result.stderr


@pytest.mark.parametrize("command", ["oaps", "iapt"])
def test_fifo_is_refused_at_once(tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "oaps-open-data-dec-2016.csv"
    os.mkfifo(fifo)
    result = invoke("import", command, fifo)  # would wait for a writer forever
    assert result.exit_code == 1
    assert result.stderr == (f"{fifo}: is a named pipe (fifo), not a regular file\n"
                             "  hint: stpmodel reads only regular files\n")


def test_device_is_refused() -> None:
    result = invoke("import", "iapt", "/dev/zero")
    assert result.exit_code == 1 and "is a character device, not a regular file" in result.stderr


def test_size_and_row_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import stpmodel.iotools as iotools

    with pytest.raises(ImportFileError, match="has more than 10 rows") as caught:
        read_csv_rows(copy(tmp_path, IAPT), max_rows=10)
    assert caught.value.line == 12

    monkeypatch.setattr(iotools, "MAX_BYTES", 1000)
    monkeypatch.setattr(iotools.decode, "__defaults__", (1000,))
    result = invoke("import", "oaps", DEC)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{DEC}: is too large for a CSV file: more than 1,000 bytes")
