"""Importers on NHS Digital's real files (copied unchanged into tests/data; see its README).

The expected England figures are the England rows of the files themselves, i.e. NHS Digital's own
published totals; the checks below are that the importer reproduces them exactly and that the
areas add up to them, apart from what suppression hides.
"""

from __future__ import annotations

import calendar
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from stpmodel import reference
from stpmodel.cli import app
from stpmodel.iotools import ImportFileError, month_from_name, parse_value, year_from_name
from stpmodel.iotools.iapt import iapt_baseline, read_iapt, stp17_counts
from stpmodel.iotools.oaps import oap_baseline, read_oaps

from .conftest import ROOT

DATA = ROOT / "tests" / "data"
OAPS = DATA / "oaps"
MONTHS = {"2016-10": "oaps-open-data-oct-2016.csv", "2016-11": "oaps-open-data-nov-2016.csv",
          "2016-12": "oaps-open-data-dec-2016.csv", "2017-02": "oaps-open-data-feb-2017.csv"}
IAPT = DATA / "iapt" / "iapt_annual_england_stp_2017-18_to_2021-22.csv"
WIDE = DATA / "iapt" / "fixture_iapt_annual_main_raw_2017-18_header_synthetic_values.csv"
MONTHLY = DATA / "iapt" / "fixture_iapt_monthly_measures_raw_2023-05_excerpt.csv"
ENGLAND = "E92000001"
ADDITIVE = ("oap_days", "recorded_cost", "started", "ended", "active_at_end")
COUNTS = ("started", "ended", "active_at_end")
# Suppression as these files show it (documented in docs/reference-data.md): a count of
# placements below England is '*' when small (taken here as 4 or fewer) and otherwise rounded to
# a multiple of 5 (so off by at most 2); OAP days and costs are not rounded.
SMALL, ROUNDING = 4, 2
runner = CliRunner()


@pytest.fixture(scope="module")
def raw() -> pl.DataFrame:
    return pl.concat([read_oaps(OAPS / name) for name in MONTHS.values()])


@pytest.fixture(scope="module")
def baseline(raw: pl.DataFrame) -> pl.DataFrame:
    return oap_baseline(raw, reference.ccg_to_stp(), reference.footprint_names())


# ---------------------------------------------------------------------------------------------
# OAPs: NHS Digital's England totals, month by month

# The England rows of the four files (Breakdown1 = England), as published.
ENGLAND_ROWS = {
    "2016-10": {"oap_days": 1714, "recorded_cost": 725_690, "started": 253, "active_at_end": 203,
                "average_daily_cost": 501},
    "2016-11": {"oap_days": 11_720, "recorded_cost": 5_035_630, "started": 678,
                "active_at_end": 528, "average_daily_cost": 525},
    "2016-12": {"oap_days": 15_867, "recorded_cost": 6_763_900, "started": 538,
                "active_at_end": 528, "average_daily_cost": 505},
    "2017-02": {"oap_days": 16_912, "recorded_cost": 5_763_700, "started": 611,
                "active_at_end": 681, "average_daily_cost": 530},
}


@pytest.mark.parametrize("month", list(ENGLAND_ROWS))
def test_england_totals_are_nhs_digitals_own(baseline, month):
    england = baseline.filter((pl.col("period") == month) & (pl.col("footprint_code") == ENGLAND))
    got = dict(zip(england["measure"], england["value"]))
    for measure, value in ENGLAND_ROWS[month].items():
        assert got[measure] == value, (month, measure)


def test_february_2017_in_the_words_of_the_issue(baseline):
    feb = baseline.filter((pl.col("period") == "2017-02") & (pl.col("footprint_code") == ENGLAND))
    got = dict(zip(feb["measure"], feb["value"]))
    assert got["oap_days"] == 16_912
    assert got["recorded_cost"] == 5.7637e6  # written 5.7637e+006 in the file


def test_each_month_comes_from_the_right_place(baseline):
    levels = baseline.filter(pl.col("footprint_code").str.starts_with("E54")).group_by(
        "period").agg(pl.col("level").unique())
    assert {p: sorted(lv) for p, lv in levels.iter_rows()} == {
        "2016-10": ["ccg"], "2016-11": ["ccg"], "2016-12": ["ccg"], "2017-02": ["stp"]}
    areas = baseline.filter(pl.col("footprint_code") != ENGLAND)
    for _, rows in areas.group_by("period"):
        assert set(rows["footprint_code"]) == {*reference.CODES, "999"}


def _days(month: str) -> int:
    year, number = map(int, month.split("-"))
    return calendar.monthrange(year, number)[1]


@pytest.mark.parametrize("month", list(MONTHS))
@pytest.mark.parametrize("measure", ADDITIVE)
def test_areas_and_999_add_up_to_england_apart_from_suppression(baseline, month, measure):
    """England = the 44 footprints + 999 (not in scope) + what '*' hides (+ rounding)."""
    rows = baseline.filter((pl.col("period") == month) & (pl.col("measure") == measure))
    england = rows.filter(pl.col("footprint_code") == ENGLAND)["value"][0]
    areas = rows.filter(pl.col("footprint_code") != ENGLAND)
    shortfall = england - areas["published"].fill_null(0).sum()
    hidden = int(areas["suppressed"].sum())
    shown = int(areas["cells"].sum()) - hidden
    if measure in COUNTS:
        assert -ROUNDING * shown <= shortfall <= SMALL * hidden + ROUNDING * shown
    elif measure == "oap_days":  # each hidden cell: at most SMALL placements all month
        assert 0 <= shortfall <= hidden * SMALL * _days(month)
        assert shortfall > 0 if hidden else shortfall == 0
    else:
        assert shortfall >= 0
        assert shortfall > 0 if hidden else shortfall == 0


@pytest.mark.parametrize("month", list(MONTHS))
def test_suppressed_costs_are_plausible(baseline, month):
    """Not a bound (costs per placement are not capped) but a plausibility check: the cost that
    suppression hides, per hidden OAP day, lies within England's interquartile range of daily
    costs for the month."""
    rows = baseline.filter(pl.col("period") == month)

    def gap(measure: str) -> float:
        part = rows.filter(pl.col("measure") == measure)
        return (part.filter(pl.col("footprint_code") == ENGLAND)["value"][0]
                - part.filter(pl.col("footprint_code") != ENGLAND)["published"].fill_null(0)
                .sum())

    england = dict(zip(*rows.filter(pl.col("footprint_code") == ENGLAND)
                       .select("measure", "value")))
    rate = gap("recorded_cost") / gap("oap_days")
    assert england["lower_quartile_daily_cost"] <= rate <= england["upper_quartile_daily_cost"]


def test_february_shortfalls_are_pinned(baseline):
    """Feb 2017 by STP: 16,341 OAP days published (751 of them 999's), 571 hidden in 13 '*'
    cells; £5,452,408 of £5,763,700 published (£186,708 of it 999's), 17 cells hidden."""
    feb = baseline.filter((pl.col("period") == "2017-02") & (pl.col("footprint_code") != ENGLAND))
    days = feb.filter(pl.col("measure") == "oap_days")
    cost = feb.filter(pl.col("measure") == "recorded_cost")
    assert (days["published"].sum(), days["suppressed"].sum()) == (16_341, 13)
    assert (cost["published"].sum(), cost["suppressed"].sum()) == (5_452_408, 17)
    out = feb.filter(pl.col("footprint_code") == "999")
    assert dict(zip(out["measure"], out["value"]))["oap_days"] == 751
    assert dict(zip(out["measure"], out["value"]))["recorded_cost"] == 186_708


def test_ccg_rows_add_up_to_the_published_stp_rows(raw):
    """February 2017 has both: every STP whose CCG cells are all published gets its published
    STP figure from the CCG → STP lookup: exactly for OAP days and costs, and within rounding for
    counts (each CCG cell and the STP cell off by at most 2). Not 999, which each breakdown
    attributes differently (751 OAP days by STP, 720 by CCG)."""
    feb = raw.filter(pl.col("period") == "2017-02")
    from_ccgs = oap_baseline(feb.filter(pl.col("breakdown") != "Stp"), reference.ccg_to_stp(),
                             reference.footprint_names())
    as_published = oap_baseline(feb, reference.ccg_to_stp(), reference.footprint_names())
    joined = from_ccgs.filter(pl.col("measure").is_in(ADDITIVE)
                              & pl.col("footprint_code").str.starts_with("E54")).join(
        as_published, on=["footprint_code", "measure"], suffix="_stp")
    complete = joined.filter(pl.col("value").is_not_null() & pl.col("value_stp").is_not_null())
    assert complete.height == 24  # footprint × measure pairs with every CCG cell published
    exact = complete.filter(~pl.col("measure").is_in(COUNTS))
    assert exact.height == 15
    assert (exact["value"] == exact["value_stp"]).all()
    counts = complete.filter(pl.col("measure").is_in(COUNTS))
    assert ((counts["value"] - counts["value_stp"]).abs()
            <= ROUNDING * (counts["cells"] + 1)).all()
    partial = joined.filter(pl.col("published").is_not_null()
                            & pl.col("value_stp").is_not_null())
    assert (partial["published"] <= partial["value_stp"] + ROUNDING * partial["cells"]).all()


def test_suppressed_cells_are_missing_never_zero(raw, baseline):
    stars = raw.filter(pl.col("suppressed"))
    assert stars.height > 10_000
    assert stars["value"].null_count() == stars.height
    hidden = baseline.filter(pl.col("suppressed") > 0)
    assert hidden["value"].null_count() == hidden.height


def test_the_bundled_oap_table_is_the_importer_on_these_files(baseline):
    bundled = reference.oaps().drop("file")
    mine = baseline.drop("file").select(bundled.columns)
    assert bundled.sort("period", "footprint_code", "measure").equals(
        mine.sort("period", "footprint_code", "measure"))


# ---------------------------------------------------------------------------------------------
# File quirks

HEADER = ('"PublicationDate","PublicationPeriod","Question","Breakdown1","Breakdown1Code",'
          '"Breakdown1Description","Breakdown2","Breakdown2Code","Breakdown2Description","value"')
ROWS = ['"2017/04","2017/02","Total recorded costs over the period","England","","","","","",'
        '"5.7637e+006"',
        '"2017/04","2017/02","Total number of OAP days over the period","Stp","E54000037",'
        '"Devon","","","","846"',
        '"2017/04","2017/02","Total number of OAP days over the period","Stp","E54000038",'
        '"Somerset","","","","*"']


def _unquoted(line: str) -> str:
    return line.replace('"', "")


@pytest.mark.parametrize(("bom", "quoted", "newline"), [
    (False, True, "\r\n"), (True, True, "\r\n"), (True, False, "\n"), (False, False, "\r\n")])
def test_bom_quoting_and_line_endings(tmp_path, bom, quoted, newline):
    lines = [HEADER, *ROWS] if quoted else [_unquoted(x) for x in [HEADER, *ROWS]]
    path = tmp_path / "feb.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + newline.join(lines).encode() + b"\n")
    frame = read_oaps(path)
    assert frame["value"].to_list() == [5_763_700.0, 846.0, None]
    assert frame["suppressed"].to_list() == [False, False, True]
    assert frame["period"].unique().to_list() == ["2017-02"]
    assert frame["line"].to_list() == [2, 3, 4]


def test_windows_1252_text_is_read(tmp_path):
    path = tmp_path / "oaps-open-data-feb-2017.csv"
    text = "\n".join([HEADER, ROWS[1].replace("Devon", "Devon £")]) + "\n"
    path.write_bytes(text.encode("cp1252"))
    assert read_oaps(path)["description"].to_list() == ["Devon £"]


@pytest.mark.parametrize(("cell", "expected"), [
    ("5.7637e+006", (5_763_700.0, False)), ("*", (None, True)), (" * ", (None, True)),
    ("", (None, False)), ("NULL", (None, False)), ("1,234", (1234.0, False)),
    ("0.622457", (0.622457, False))])
def test_parse_value(cell, expected):
    assert parse_value(cell) == expected


@pytest.mark.parametrize(("name", "month"), [
    ("oaps-open-data-oct-2016.csv", "2016-10"), ("OAPs_Open_Data_December_2016.csv", "2016-12"),
    ("oaps_2017-02.csv", "2017-02"), ("oaps.csv", None), ("summary-2016.csv", None)])
def test_month_from_name(name, month):
    assert month_from_name(name) == month


@pytest.mark.parametrize(("name", "year"), [
    ("iapt-annual-2017-18.csv", "2017-18"), ("annual_2019_20.csv", "2019-20"),
    ("iapt-2017-2019.csv", None), ("iapt.csv", None)])
def test_year_from_name(name, year):
    assert year_from_name(name) == year


def _oap_file(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_file_without_its_month_needs_period(tmp_path):
    old = ['"Question","Breakdown1","Breakdown1Code","Breakdown2","Breakdown2Code","value"',
           '"OAPs active at period end","England","","","","203"']
    path = _oap_file(tmp_path, "download.csv", old)
    with pytest.raises(ImportFileError) as caught:
        read_oaps(path)
    assert str(caught.value) == (
        f"{path}: cannot tell which month this file covers: it has no PublicationPeriod column "
        "and its name does not say\n"
        "  hint: give the month with --period YYYY-MM (or name the file like "
        "oaps-open-data-dec-2016.csv)")
    assert read_oaps(path, "2016-10")["period"].to_list() == ["2016-10"]


# One wrong file per failure mode, with the exact message (file:line:col where known).
def _wrong_files(tmp_path: Path) -> list[tuple[str, Path, str]]:
    bad_value = _oap_file(tmp_path, "oaps-open-data-feb-2017.csv", [HEADER, ROWS[0],
                          ROWS[1].replace('"846"', '"n/k"')])
    bad_period = _oap_file(tmp_path, "x.csv", [HEADER, ROWS[0].replace("2017/02", "Feb 17")])
    sheet = tmp_path / "oaps.xlsx"
    sheet.write_bytes(b"PK\x03\x04 not really a workbook")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    other = _oap_file(tmp_path, "other.csv", ["a,b", "1,2"])
    return [
        ("oaps", IAPT, f"{IAPT}:1:1: this is IAPT annual measures, not NHS Digital OAP open "
                       "data\n  hint: read it with `stpmodel import iapt`"),
        ("iapt", OAPS / MONTHS["2017-02"],
         f"{OAPS / MONTHS['2017-02']}:1:1: this is NHS Digital OAP open data, not IAPT annual "
         "measures\n  hint: read it with `stpmodel import oaps`"),
        ("iapt", MONTHLY, f"{MONTHLY}:1:1: this is IAPT (NHS Talking Therapies) monthly measures,"
                          " not IAPT annual measures\n"
                          "  hint: stpmodel does not read this kind of file"),
        ("oaps", bad_value, f"{bad_value}:3:99: expected a number or '*' (suppressed), got "
                            "'n/k'"),
        ("oaps", bad_period, f"{bad_period}:2:11: expected a PublicationPeriod like 2017/02, got "
                             "'Feb 17'"),
        ("oaps", sheet, f"{sheet}: is a spreadsheet (xlsx or another zip file), not CSV\n"
                        "  hint: download the CSV version of the file, or save the sheet as CSV"),
        ("iapt", empty, f"{empty}: is empty"),
        ("oaps", tmp_path / "missing.csv", f"{tmp_path / 'missing.csv'}: no such file"),
        ("oaps", other, f"{other}:1:1: not NHS Digital OAP open data: the header has no "
                        "'Question', 'Breakdown1', 'Breakdown1Code' or 'value' column\n"
                        "  hint: the header is: a, b"),
    ]


def test_wrong_files_give_exact_messages_and_exit_1(tmp_path):
    for kind, path, message in _wrong_files(tmp_path):
        reader = read_oaps if kind == "oaps" else read_iapt
        with pytest.raises(ImportFileError) as caught:
            reader(path)
        assert str(caught.value) == message
        result = runner.invoke(app, ["import", kind, str(path)])
        assert result.exit_code == 1, result.output
        assert result.stderr == message + "\n"
        assert result.stdout == ""


def test_two_files_for_one_month_are_refused(tmp_path):
    copy = _oap_file(tmp_path, "copy-feb-2017.csv", [HEADER, *ROWS])
    result = runner.invoke(app, ["import", "oaps", str(OAPS / MONTHS["2017-02"]), str(copy)])
    assert result.exit_code == 1
    assert f"{copy}: two files cover 2017-02" in result.stderr


# ---------------------------------------------------------------------------------------------
# OAPs from the command line


def test_import_oaps_writes_the_tidy_baseline(tmp_path):
    out = tmp_path / "oaps.csv"
    files = [str(OAPS / name) for name in MONTHS.values()]
    result = runner.invoke(app, ["import", "oaps", *files, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "note: 2016-10: the OAP collection went live on 17 October 2016" in result.stderr
    frame = pl.read_csv(out, schema_overrides={"footprint_code": pl.String,
                                               "value": pl.Float64, "published": pl.Float64})
    assert frame.columns == ["period", "footprint_code", "footprint", "measure", "unit", "value",
                             "published", "suppressed", "cells", "level", "file"]
    feb = frame.filter((pl.col("period") == "2017-02") & (pl.col("footprint_code") == ENGLAND))
    assert dict(zip(feb["measure"], feb["value"]))["recorded_cost"] == 5_763_700
    assert "e+" not in out.read_text()


def test_import_oaps_for_one_footprint_and_a_named_period(tmp_path):
    path = _oap_file(tmp_path, "download.csv", [HEADER, *ROWS])
    result = runner.invoke(app, ["import", "oaps", str(path), "--footprint", "devon"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        f"2017-02,E54000037,Devon,oap_days,bed days,846,846,0,1,stp,{path}"]
    both = runner.invoke(app, ["import", "oaps", str(path), str(path), "--period", "2017-02"])
    assert both.exit_code == 2
    assert "--period names the month of one file" in both.stderr


# ---------------------------------------------------------------------------------------------
# IAPT


@pytest.fixture(scope="module")
def iapt() -> pl.DataFrame:
    return iapt_baseline(read_iapt(IAPT), reference.stp20_to_ons(), reference.footprint_names())


IAPT_MEASURES = ("referrals_received", "finished_course_treatment", "at_caseness", "recovery",
                 "reliable_recovery", "improvement", "deterioration", "not_at_caseness",
                 "no_reliable_change")


@pytest.mark.parametrize("measure", IAPT_MEASURES)
def test_iapt_stp_rows_2017_18_add_up_to_england(iapt, measure):
    """The 44 STPs and UNKNOWN, 2017-18: every count is a multiple of 5 (rounded, so off by at
    most 2 each) and none is suppressed, so they add up to England within 2 × 45."""
    rows = iapt.filter((pl.col("reporting_period") == "2017-18") & (pl.col("measure") == measure)
                       & (pl.col("basis") == "published"))
    england = rows.filter(pl.col("footprint_code") == ENGLAND)["value"][0]
    areas = rows.filter(pl.col("footprint_code") != ENGLAND)
    assert sorted(areas["footprint_code"]) == sorted([*reference.CODES, "UNKNOWN"])
    hidden = int(areas["suppressed"].sum())
    assert abs(england - areas["value"].fill_null(0).sum()) <= ROUNDING * areas.height \
        + SMALL * hidden
    assert (areas["value"] % 5 == 0).all()


def test_iapt_2017_18_referrals_are_pinned(iapt):
    """NHS Digital, IAPT annual measures 2017-18: England 1,439,957 referrals; the 44 STPs and
    UNKNOWN (2,315) publish 1,439,955."""
    rows = iapt.filter((pl.col("reporting_period") == "2017-18")
                       & (pl.col("measure") == "referrals_received"))
    by = dict(zip(rows["footprint_code"], rows["value"]))
    assert by[ENGLAND] == 1_439_957
    assert by["UNKNOWN"] == 2_315
    assert sum(v for k, v in by.items() if k != ENGLAND) == 1_439_955


def test_nhs_england_codes_become_ons_codes(iapt):
    """From 2020-21 STP rows use NHS England codes: QJK is Devon, E54000037 (31,435 referrals in
    2020-21); QWO is West Yorkshire and Harrogate, E54000054, whose boundary is not 2017's."""
    rows = iapt.filter((pl.col("reporting_period") == "2020-21")
                       & (pl.col("measure") == "referrals_received"))
    devon = rows.filter(pl.col("org_code") == "QJK").row(0, named=True)
    assert (devon["footprint_code"], devon["footprint"], devon["value"], devon["stp17"]) == (
        "E54000037", "Devon", 31_435, True)
    wy = rows.filter(pl.col("org_code") == "QWO").row(0, named=True)
    assert (wy["footprint_code"], wy["stp17"]) == ("E54000054", False)


def test_merged_footprints_are_apportioned(iapt):
    """2018-19 has E54000049 (99,070 referrals), the merger of E54000045/46/47; it is split by
    their 2017-18 referrals (32,735, 48,325 and 8,890)."""
    rows = iapt.filter((pl.col("reporting_period") == "2018-19")
                       & (pl.col("measure") == "referrals_received"))
    by = dict(zip(rows["footprint_code"], rows["value"]))
    assert by["E54000049"] == 99_070
    total = 32_735 + 48_325 + 8_890
    for code, own in (("E54000045", 32_735), ("E54000046", 48_325), ("E54000047", 8_890)):
        assert by[code] == round(99_070 * own / total)
    assert abs(sum(by[c] for c in ("E54000045", "E54000046", "E54000047")) - 99_070) <= 1
    counts = stp17_counts(iapt)
    assert set(counts["footprint_code"]) == {*reference.CODES, ENGLAND}


def test_the_bundled_iapt_table_is_the_importer_on_this_file(iapt):
    mine = stp17_counts(iapt).filter(
        pl.col("measure").is_in(["referrals_received", "finished_course_treatment",
                                 "at_caseness", "recovery"]))
    assert reference.iapt().sort("footprint_code", "reporting_period", "measure").equals(
        mine.sort("footprint_code", "reporting_period", "measure"))


def test_the_bundled_iapt_table_matches_the_2018_19_extract():
    """tests/data/iapt_stp_2018-19_counts.csv is an independent extract of the same source."""
    extract = pl.read_csv(DATA / "iapt_stp_2018-19_counts.csv", infer_schema_length=0)
    extract = extract.filter(pl.col("org_code").is_in(reference.CODES)
                             & (pl.col("measure_name") == "referrals_received"))
    bundled = reference.iapt().filter((pl.col("reporting_period") == "2018-19")
                                      & (pl.col("measure") == "referrals_received"))
    by = dict(zip(bundled["footprint_code"], bundled["value"]))
    assert extract.height == 41
    for code, value in zip(extract["org_code"], extract["value"]):
        assert by[code] == float(value)


def test_nhs_digitals_wide_annual_csv(tmp_path):
    """The wide shape, with its real 2017-18 header (the values are synthetic: 10, 20, ...)."""
    frame = read_iapt(WIDE)
    assert set(frame["reporting_period"]) == {"2017-18"}  # from the file name
    first = frame.filter(pl.col("org_code") == "CODE1")
    got = {(m, s): v for m, s, v in first.select("measure", "statistic", "value").iter_rows()}
    assert got[("referrals_received", "count")] == 10
    assert got[("first_treatment", "count")] == 10
    assert got[("recovery", "percentage")] == 10
    assert got[("treatment_appointments", "mean")] == 10
    assert got[("baf_indicator_completion", "count")] == 10
    assert got[("finished_treatment_first6_months_follow_up", "count")] == 10
    renamed = tmp_path / "annual.csv"
    renamed.write_bytes(WIDE.read_bytes())
    with pytest.raises(ImportFileError, match="give the year with --year 2018-19"):
        read_iapt(renamed)
    assert set(read_iapt(renamed, "2019-20")["reporting_period"]) == {"2019-20"}


def test_wide_totals_with_suppression_make_a_baseline(tmp_path):
    header = WIDE.read_text().splitlines()[0].split(",")
    width = len(header)

    def row(org_type: str, code: str, value: str) -> str:
        return ",".join([org_type, code, "x", "Total", "NULL", "NULL"] + [value] * (width - 6))

    path = tmp_path / "iapt_annual_2018-19.csv"
    path.write_text("\n".join([",".join(header), row("England", "All", "100"),
                               row("STP", "E54000037", "95"), row("STP", "E54000038", "*"),
                               row("CCG", "15N", "40")]) + "\n")
    base = iapt_baseline(read_iapt(path), reference.stp20_to_ons(), reference.footprint_names())
    referrals = base.filter(pl.col("measure") == "referrals_received")
    assert referrals.select("footprint_code", "value", "suppressed").rows() == [
        ("E54000037", 95.0, False), ("E54000038", None, True), (ENGLAND, 100.0, False)]


def test_import_iapt_from_the_command_line(tmp_path):
    out = tmp_path / "iapt.csv"
    result = runner.invoke(app, ["import", "iapt", str(IAPT), "-o", str(out)])
    assert result.exit_code == 0, result.output
    frame = pl.read_csv(out)
    assert frame.columns == ["reporting_period", "footprint_code", "footprint", "org_code",
                             "measure", "value", "suppressed", "stp17", "basis", "file"]
    one = runner.invoke(app, ["import", "iapt", str(IAPT), "--footprint", "Devon"])
    lines = [line for line in one.stdout.splitlines() if ",referrals_received," in line]
    assert [line.split(",")[5] for line in lines] == ["30090", "34460", "35345", "31435",
                                                       "38390"]
