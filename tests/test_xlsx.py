"""The workbook (`run -o plan.xlsx`), read back with openpyxl: its sheets, its formats, and its
numbers, which must equal the CSV's."""

from __future__ import annotations

import hashlib

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from stpmodel.cli import app
from stpmodel.scenario import load_scenario
from stpmodel.xlsx import AMBER, GREEN, MONEY, PERCENT, RED

from .conftest import SCENARIOS

OAPS = SCENARIOS / "end-oaps.yaml"  # crisis, inpatient and finance: money, rates, standards


def _run(*args: object) -> None:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("xlsx")
    for suffix in ("xlsx", "csv"):
        _run("run", OAPS, "--draws", "4", "-o", folder / f"plan.{suffix}")
    return (openpyxl.load_workbook(folder / "plan.xlsx"),
            pl.read_csv(folder / "plan.csv", infer_schema=False))


def _rgb(cell) -> str:
    return "#" + str(cell.fill.fgColor.rgb)[-6:]


def _table(sheet, header_row: int = 4) -> tuple[list[str], list[list]]:
    rows = list(sheet.iter_rows(min_row=header_row))
    return [c.value for c in rows[0]], rows[1:]


def test_the_workbook_has_a_sheet_per_service_then_standards_assumptions_metadata(files):
    book, _ = files
    assert book.sheetnames == ["Summary", "Crisis", "Inpatient", "Workforce", "Standards",
                               "Assumptions", "Metadata", "Data"]


def test_each_service_sheet_holds_the_csvs_means_as_numbers_with_years_as_columns(files):
    book, csv = files
    expected = {(r["metric"], r["period"]): float(r["mean"])
                for r in csv.iter_rows(named=True) if r["mean"]}
    years = sorted(set(csv["period"].to_list()))
    seen = 0
    for name in ("Summary", "Crisis", "Inpatient", "Workforce"):
        header, rows = _table(book[name])
        assert header == ["metric", "unit", *years]
        for row in rows:
            metric, unit = row[0].value, row[1].value
            for cell, year in zip(row[2:], years):
                if cell.value is None:
                    assert (metric, year) not in expected
                    continue
                assert cell.data_type == "n"  # a number, not text
                assert cell.value == expected[(metric, year)]  # exactly, as the CSV holds it
                seen += 1
                if unit.startswith("£"):  # "£ (2024/25 prices)"
                    assert cell.number_format == MONEY
                elif unit.startswith("fraction"):
                    assert cell.number_format == PERCENT
    money = csv.filter(pl.col("unit").str.starts_with("£")).height
    from stpmodel.services import SUMMARY

    shown = csv.filter(~pl.col("metric").str.starts_with("standard_") & (pl.col("mean") != ""))
    twice = shown.filter(pl.col("metric").is_in(SUMMARY)).height  # on Summary and its service's
    assert money > 0 and twice > 0 and seen == shown.height + twice


def test_standards_are_green_where_met_red_where_not_and_amber_in_between(files):
    book, csv = files
    header, rows = _table(book["Standards"])
    years = header[3:]
    shares = {(r["metric"], r["period"]): float(r["mean"])
              for r in csv.iter_rows(named=True) if r["unit"] == "met" and r["mean"]}
    colours = set()
    for row in rows:
        metric = "standard_" + row[0].value
        for cell, year in zip(row[3:], years):
            if cell.value is None:
                assert (metric, year) not in shares
                continue
            share = shares[(metric, year)]
            assert cell.value == share
            colour = GREEN if share == 1 else RED if share == 0 else AMBER
            assert _rgb(cell) == colour
            colours.add(colour)
    assert len(shares) == sum(1 for r in rows for c in r[3:] if c.value is not None)
    assert GREEN in colours


def test_assumptions_list_placeholders_as_local_and_defaults_with_sources(files):
    book, _ = files
    header, rows = _table(book["Assumptions"])
    assert header == ["key", "value", "unit", "set by", "source"]
    by_key = {r[0].value: r for r in rows}
    for key in load_scenario(OAPS).assumptions:
        assert by_key[key][4].value.startswith("local assumption"), key
    defaults = [r for r in rows if r[3].value == "default"]
    assert defaults and all(r[4].value for r in defaults)


def test_the_metadata_sheet_says_how_the_run_was_made(files):
    book, _ = files
    meta = {r[0].value: r[1].value for r in book["Metadata"].iter_rows(min_row=4)}
    assert meta["scenario_sha256"] == hashlib.sha256(OAPS.read_bytes()).hexdigest()
    assert meta["draws"] == 4 and meta["seed"] == int(load_scenario(OAPS).seed)
    assert meta["stpmodel_version"] and meta["run_date"].endswith("Z")
    assert "price_base" not in meta or meta["price_base"]


def test_the_data_sheet_is_the_csv(files):
    book, csv = files
    rows = list(book["Data"].iter_rows(values_only=True))
    assert list(rows[0]) == csv.columns
    assert len(rows) - 1 == csv.height
    for got, want in zip(rows[1:], csv.iter_rows()):
        for g, w in zip(got, want):
            if isinstance(g, float | int) and not isinstance(g, bool):
                assert g == float(w)
            else:
                assert (g or "") == w


def test_xlsx_needs_a_file():
    result = CliRunner().invoke(app, ["run", str(OAPS), "--format", "xlsx"])
    assert result.exit_code == 2
    assert "xlsx is binary; give a file with -o" in result.stderr


def test_several_footprints_have_a_column_of_their_own_and_the_summary_is_their_total(tmp_path):
    import yaml

    from .conftest import MINIMAL

    data = yaml.safe_load(MINIMAL)
    del data["footprint"]
    data["footprints"] = [{"code": "E54000017", "name": "Birmingham and Solihull"},
                          {"code": "E54000037", "name": "Devon", "population": {"adults": 2e6}}]
    scenario = tmp_path / "two.yaml"
    scenario.write_text(yaml.safe_dump(data))
    _run("run", scenario, "-o", tmp_path / "two.xlsx")
    _run("run", scenario, "-o", tmp_path / "two.csv")
    book = openpyxl.load_workbook(tmp_path / "two.xlsx")
    csv = pl.read_csv(tmp_path / "two.csv", infer_schema=False)
    header, rows = _table(book["IAPT"])
    assert header[:3] == ["footprint", "metric", "unit"]
    assert {r[0].value for r in rows} == {"Birmingham and Solihull", "Devon", "All 2 footprints"}
    header, rows = _table(book["Summary"])
    assert header[:2] == ["metric", "unit"]
    total = {(r["metric"], r["period"]): float(r["value"]) for r in csv.iter_rows(named=True)
             if r["footprint_code"] == "ALL" and r["value"]}
    entered = next(r for r in rows if r[0].value == "iapt_entered")
    assert entered[2].value == total[("iapt_entered", header[2])]
    one = float(csv.filter((pl.col("footprint_code") == "E54000017")
                           & (pl.col("metric") == "iapt_entered"))["value"][0])
    two = float(csv.filter((pl.col("footprint_code") == "E54000037")
                           & (pl.col("metric") == "iapt_entered"))["value"][0])
    assert entered[2].value == pytest.approx(one + two)  # the total of the two
