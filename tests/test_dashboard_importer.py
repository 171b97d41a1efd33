"""The Mental Health Dashboard's long format (stpmodel.iotools.dashboard) on an excerpt of the
real file (tests/data/mh_dashboard_q4_2021-22_national_stp_excerpt.csv: its National and STP rows
of five sheets, lines as published; tools/build_icb_reference.py --fixtures), and its quirks."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from stpmodel import reference
from stpmodel.iotools import ImportFileError
from stpmodel.iotools.dashboard import read_dashboard

DATA = Path(__file__).resolve().parent / "data"
EXCERPT = DATA / "mh_dashboard_q4_2021-22_national_stp_excerpt.csv"
HEADER = ("sheet,indicator_id,region_code,stp_code,org_code,org_name,org_type,period,value,"
          "value_text\n")


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    return read_dashboard(EXCERPT, {fp.ods_code: fp.code for fp in reference.icbs()})


def one(frame: pl.DataFrame, **where: object) -> float | None:
    rows = frame
    for column, wanted in where.items():
        rows = rows.filter(pl.col(column) == wanted)
    assert rows.height == 1, where
    return rows["value"][0]


def test_iapt_access_is_a_rate_then_a_count(frame):
    """Shared SOURCES.md, mh_dashboard/: IAPT(i_a) is the access rate to Q4 2018/19 (England
    4.76%) and the number entering treatment from Q1 2019/20 (England 289,582)."""
    rate = one(frame, measure="IAPT(i_a) access rate", org_type="National", period="Q4 2018/19")
    assert rate == pytest.approx(0.0476, abs=0.00005)
    count = one(frame, measure="IAPT(i_a) entered treatment", org_type="National",
                period="Q1 2019/20")
    assert count == 289_582
    measures = set(frame.filter(pl.col("indicator") == "IAPT(i_a)")["measure"])
    assert measures == {"IAPT(i_a) access rate", "IAPT(i_a) entered treatment"}


def test_stp_rows_are_the_icbs_by_q_code(frame):
    """Q4 2021/22: EIP within 2 weeks, England 68.2%, Devon (QJK → E54000037) 0.63; perinatal,
    England 43,656 women, Devon 717 (shared SOURCES.md; stpmodel/data/icb_dashboard.csv)."""
    eip = frame.filter((pl.col("indicator") == "EIP(i_a)") & (pl.col("period") == "Q4 2021/22"))
    assert one(eip, footprint_code="E92000001") == pytest.approx(0.682, abs=0.0005)
    assert one(eip, footprint_code="E54000037", org_code="QJK") == 0.63
    stp = eip.filter(pl.col("org_type") == "STP")
    assert stp.height == 42 and stp["footprint_code"].null_count() == 0
    pmh = frame.filter((pl.col("indicator") == "PMH(i_a)") & (pl.col("period") == "Q4 2021/22"))
    assert one(pmh, org_type="National") == 43_656
    assert one(pmh, footprint_code="E54000037") == 717
    assert one(pmh, footprint_code="E54000037", financial_year="2021/22", quarter=4) == 717


def test_suppressed_and_yes_no_cells(frame):
    """'*' stays missing (never 0); Y/N (the MHIS met) are 1/0 with statistic 'met'."""
    stars = sum(1 for line in EXCERPT.read_text().splitlines()[1:] if line.endswith(",*"))
    suppressed = frame.filter(pl.col("suppressed"))
    assert suppressed.height == stars > 100
    assert suppressed["value"].null_count() == stars
    met = frame.filter(pl.col("statistic") == "met")
    assert met.height > 0 and set(met["value"]) <= {0.0, 1.0}


@pytest.mark.parametrize(("row", "message"), [
    ("EIP(i)_FINAL CALC,EIP(i_a),Y58,Y58,QJK,DEVON,STP,Q5 2021/22,0.6,\n",
     "d.csv:2:50: expected a period like Q4 2021/22, 2021/22 or 2013-2015, got 'Q5 2021/22'"),
    ("EIP(i)_FINAL CALC,EIP(i_a),Y58,Y58,RWV,DEVON,Trust,Q4 2021/22,0.6,\n",
     "d.csv:2:46: expected an org_type of National, Region, STP, CCG, got 'Trust'"),
    ("EIP(i)_FINAL CALC,EIP(i_a),Y58,Y58,QJK,DEVON,STP,Q4 2021/22,sixty,\n",
     "d.csv:2:61: expected a number or '*' (suppressed), got 'sixty'"),
])
def test_bad_values_are_located(tmp_path, row, message):
    path = tmp_path / "d.csv"
    path.write_text(HEADER + row)
    with pytest.raises(ImportFileError) as caught:
        read_dashboard(path)
    assert str(caught.value).endswith(message)


def test_a_broken_formula_is_dropped_and_another_kind_of_file_refused(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(HEADER + "MHF(i)_FINAL CALC,MHF(i),Y58,Y58,QJK,DEVON,STP,2021/22,#REF!,\n"
                    + "MHF(i)_FINAL CALC,MHF(i),Y58,Y58,QJM,LINCS,STP,2021/22,0.13,\n")
    frame = read_dashboard(path)
    assert frame["org_code"].to_list() == ["QJM"]
    with pytest.raises(ImportFileError, match="not NHS England's Mental Health Dashboard"):
        read_dashboard(DATA / "iapt" / "nhstt_monthly_england_2021-01_to_2026-03.csv")
