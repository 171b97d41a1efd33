from __future__ import annotations

import json
import math

import polars as pl
import pytest

from stpmodel.output import format_number, to_csv, to_json, write_atomic


@pytest.mark.parametrize(("value", "text"), [
    (0.25, "0.25"), (1_500_000.0, "1500000"), (1 / 3, "0.333333"), (-0.0, "0"),
    (-1e-9, "0"), (2.5e-7, "0"), (123.4567891, "123.456789"), (math.nan, ""), (None, ""),
    (-12.5, "-12.5"), (math.inf, ""), (-math.inf, ""),
])
def test_numbers_are_formatted_stably(value, text):
    assert format_number(value) == text


def test_a_number_that_is_not_finite_is_empty_in_csv_and_null_in_json():
    """The last line of defence (inputs are bounded so that none arises): JSON has no Infinity
    or NaN, so such a value is null, and empty in CSV, as a missing one is."""
    frame = pl.DataFrame({"metric": ["a", "b", "c", "d"],
                          "mean": [1.5, math.inf, -math.inf, math.nan]})
    assert to_csv(frame) == 'metric,mean\na,1.5\nb,""\nc,""\nd,""\n'  # as a missing value
    text = to_json(frame)
    assert "Infinity" not in text and "NaN" not in text
    assert [row["mean"] for row in json.loads(text)["rows"]] == [1.5, None, None, None]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("good\n")

    def half_then_fail(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomic(target, half_then_fail)
    assert target.read_text() == "good\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_good_write_replaces_the_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    write_atomic(target, lambda tmp: tmp.write_text("new\n"))
    assert target.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_written_file_has_the_usual_permissions(tmp_path):
    import os

    target = tmp_path / "out.csv"
    write_atomic(target, lambda tmp: tmp.write_text("x\n"))
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


def _tiny() -> pl.DataFrame:
    return pl.DataFrame({"scenario": ["s"], "footprint_code": ["E54000017"],
                         "footprint": ["Birmingham"], "period": ["2019/20"],
                         "metric": ["cost"], "unit": ["£"], "value": [1234.5]})


def test_json_is_an_object_with_meta_and_rows(tmp_path):
    from stpmodel.output import write_frame

    write_frame(_tiny(), tmp_path / "out.json", "json", meta={"seed": "7", "draws": "1"})
    doc = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert doc["meta"] == {"seed": "7", "draws": "1"}
    assert doc["rows"] == [dict(zip(_tiny().columns, _tiny().row(0)))]


def test_parquet_carries_the_meta_as_key_value_metadata(tmp_path):
    from stpmodel.output import write_frame

    write_frame(_tiny(), tmp_path / "out.parquet", "parquet", meta={"seed": "7"})
    assert pl.read_parquet_metadata(tmp_path / "out.parquet")["stpmodel.seed"] == "7"
    assert pl.read_parquet(tmp_path / "out.parquet").equals(_tiny())


def test_a_csv_file_starts_with_a_byte_order_mark_so_that_excel_shows_the_pound_sign(tmp_path):
    """Excel reads a CSV without a BOM in the machine's code page: UTF-8's £ (C2 A3) shows as
    Â£. The file starts with EF BB BF; the CSV on standard output (for pipes) does not."""
    from stpmodel.output import write_frame

    write_frame(_tiny(), tmp_path / "out.csv", "csv")
    data = (tmp_path / "out.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfscenario,")
    assert ",\xc2\xa3,".encode("latin-1") in data  # £ in UTF-8
    assert not to_csv(_tiny()).startswith("\ufeff")
    assert pl.read_csv(tmp_path / "out.csv").columns[0] == "scenario"  # readers drop the mark


def test_run_writes_how_it_was_made_into_json_and_parquet(tmp_path):
    """The meta of `run -o`: what made the run, and what run says on standard error after its
    table (the notes and the assumptions to replace)."""
    import hashlib

    from typer.testing import CliRunner

    from stpmodel.cli import app
    from stpmodel.scenario import load_scenario

    from .conftest import SCENARIOS

    scenario = SCENARIOS / "end-oaps.yaml"
    result = CliRunner().invoke(app, ["run", str(scenario), "--draws", "3", "--seed", "11",
                                      "-o", str(tmp_path / "plan.json")])
    assert result.exit_code == 0, result.output
    meta = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))["meta"]
    assert meta["scenario_sha256"] == hashlib.sha256(scenario.read_bytes()).hexdigest()
    assert (meta["seed"], meta["draws"], meta["by"], meta["percentiles"]) == \
        ("11", "3", "year", "5,50,95")
    assumptions = load_scenario(scenario).assumption_lines()
    assert assumptions and meta["assumptions"] == assumptions
    notes = [line.removeprefix("note: ") for line in result.stderr.splitlines()
             if line.startswith("note: ")]
    assert meta["notes"] == notes
    CliRunner().invoke(app, ["run", str(scenario), "-o", str(tmp_path / "plan.parquet")])
    stored = pl.read_parquet_metadata(tmp_path / "plan.parquet")
    assert json.loads(stored["stpmodel.assumptions"]) == assumptions
    assert stored["stpmodel.draws"] == "1"
