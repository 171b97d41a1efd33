"""Build stpmodel's bundled ICB geography: the 42 Integrated Care Boards of July 2022.

    .venv/bin/python tools/build_icb_reference.py              # reads ../shared/data
    .venv/bin/python tools/build_icb_reference.py --data DIR   # another copy of the files
    .venv/bin/python tools/build_icb_reference.py --fixtures   # also refresh the importer's
                                                               # test file (tests/data/iapt)

Writes, in stpmodel/data/:

- ``icbs.csv``: the 42 ICBs: ONS code in force from April 2023 (``code``), ONS code of July
  2022 (``code_2022``; they differ for Surrey Heartlands and Sussex, whose boundary changed in
  2023), ODS Q-code, name, short name, the other names NHS England's files use, NHS England
  region, number of sub-ICB locations and persons aged 0 at mid-2021 (ONS; the births proxy);
- ``icb_population.csv``: persons by ICB (2023 boundaries), sex and age band, the ONS mid-2021
  and mid-2022 estimates and the projection to mid-2031, in ``population.csv``'s layout and made
  by the same function (:func:`build_reference.project`);
- ``icb_iapt.csv``: IAPT (NHS Talking Therapies) referrals, finished courses, caseness and
  recoveries by ICB and England, 2022-23 to 2024-25, read with stpmodel's own importer
  (:func:`stpmodel.iotools.iapt.icb_counts`);
- ``icb_inpatient_beds.csv``: KH03 mental illness beds available and occupied by ICB and England,
  each quarter of 2022-23 to 2024-25 bundled and each year's mean, trusts placed in the ICB of
  their headquarters (as ``inpatient_baseline.csv`` places them in STPs);
- ``icb_dashboard.csv``: Mental Health Dashboard Q4 2021/22 measures by ICB and England, from
  its 42 STP rows of 2021 (ODS Q-codes, the ICBs' own): EIP(i_a), the share starting treatment
  within 2 weeks; PMH(i_a), perinatal women accessing; and CYP with 1+ contacts (NHS England's
  OCC data file, by ICB).

How each is derived is written in stpmodel/data/SOURCES.md. Output is sorted and formatted as
tools/build_reference.py does, so a rebuild from the same inputs is byte-identical.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from build_inpatient_reference import HOME_ICB, SUCCESSOR  # noqa: E402
from build_reference import IAPT_FILE, _xlsx_sheet, data_folder, project, write_csv  # noqa: E402

from stpmodel.iotools.iapt import icb_counts, read_iapt  # noqa: E402

CROSSWALK = "geography/derived_icb_e54_to_ods_qcode_crosswalk_42_icbs.csv"
SUBICB = "geography/derived_subicb2023_e38_ods_to_icb_e54_qcode_lookup_106.csv"
LSOA22 = "geography/ons_lookup_lsoa11_to_sicbl22_icb22_lad22_july2022.csv"
LSOA24 = "geography/ons_lookup_lsoa21_to_sicbl24_icb24_2024.csv"
POP_BOOK = "population/ons_pop_health_geogs_mid2021_mid2022_ccg2021_stp2021_icb2023_sya_sex.xlsx"
ETR = "geography/ods_etr_nhs_trusts_to_icb_qcode_e54_2025.csv"
KH03 = "inpatient/derived_kh03_mental_illness_beds_by_trust_quarterly_2010-11_to_2024-25.csv"
ENGLAND = "E92000001"
IAPT_YEARS = ("2022-23", "2023-24", "2024-25")  # the years the file has ICB rows
IAPT_MEASURES = ("referrals_received", "finished_course_treatment", "at_caseness", "recovery")
KH03_YEARS = ("2022-23", "2023-24", "2024-25")
SRC_KH03 = ("NHS England, KH03 bed availability and occupancy (overnight), mental illness sector, "
            f"by trust (shared file {KH03})")
DASHBOARD = ("mh_dashboard/nhse_mh_dashboard_q4_2021-22_all_indicators_long_england_region_stp_"
             "ccg.csv")
DASHBOARD_MEASURES = (  # (sheet, indicator, period, measure, unit)
    ("EIP(i)_FINAL CALC", "EIP(i_a)", "Q4 2021/22", "eip_within_2_weeks", "fraction"),
    ("PMH(i_a)", "PMH(i_a)", "Q4 2021/22", "perinatal_women_accessing", "women/year"),
)
ENGLAND_MID_2022 = 57_106_398  # ONS mid-2022, England (shared SOURCES.md, population/)
# NHS England's 2021/22 sub-ICB lookup names Bassetlaw's ICB "South Yorkshire ICB" though it
# places it in QT1 (shared SOURCES.md, geography/): that name is not an alias of QT1.
NOT_ALIASES = {("QT1", "South Yorkshire ICB")}


def icbs(data: Path) -> pl.DataFrame:
    xwalk = pl.read_csv(data / CROSSWALK, infer_schema_length=0)
    assert xwalk.height == 42 and xwalk["icb_ods_code"].n_unique() == 42
    lsoa22 = pl.read_csv(data / LSOA22, infer_schema_length=0)
    codes_2022 = lsoa22.select(pl.col("icb22_code_h").alias("icb_ods_code"),
                               pl.col("icb22_code").alias("code_2022"),
                               pl.col("icb22_name").alias("name_2022")).unique()
    assert codes_2022.height == 42
    sub = pl.read_csv(data / SUBICB, infer_schema_length=0)
    others = (sub.select("icb_ods_code", "occ_icb_name_2122").unique()
              .filter(~pl.struct("icb_ods_code", "occ_icb_name_2122").map_elements(
                  lambda r: (r["icb_ods_code"], r["occ_icb_name_2122"]) in NOT_ALIASES,
                  return_dtype=pl.Boolean)))
    aliases = {q: "; ".join(sorted(g["occ_icb_name_2122"].to_list()))
               for (q,), g in others.group_by("icb_ods_code")}
    frame = xwalk.join(codes_2022, on="icb_ods_code", how="left")
    assert frame["code_2022"].null_count() == 0
    # The names agree between the two lookups; the codes differ only where the boundary moved.
    assert (frame["icb23_nm"] == frame["name_2022"]).all()
    moved = frame.filter(pl.col("icb23_cd") != pl.col("code_2022"))
    assert sorted(moved["icb_ods_code"]) == ["QNX", "QXU"], moved
    out = frame.select(
        pl.col("icb23_cd").alias("code"), "code_2022", pl.col("icb_ods_code").alias("ods_code"),
        pl.col("icb23_nm").alias("name"),
        pl.col("icb23_nm").str.strip_prefix("NHS ").str.strip_suffix(" Integrated Care Board")
        .alias("short_name"),
        pl.col("icb_ods_code").replace_strict(aliases, default="").alias("aliases"),
        pl.col("nhser23_nm").alias("region"), pl.col("n_subicb").cast(pl.Int64).alias("sub_icbs"))
    return out.sort("code")


def boundary_change(data: Path) -> pl.DataFrame:
    """LSOAs whose ICB differs between the July 2022 and 2024 lookups (LSOA codes kept from
    2011 to 2021 only): the 2023 change of Surrey Heartlands and Sussex."""
    a = pl.read_csv(data / LSOA22, infer_schema_length=0)
    b = pl.read_csv(data / LSOA24, infer_schema_length=0)
    both = a.join(b, left_on="lsoa11_code", right_on="lsoa21_code")
    return both.filter(pl.col("icb22_code_h") != pl.col("icb24_code_nhs")).group_by(
        "icb22_code_h", "icb24_code_nhs", "ltla22_name").len()


def population(data: Path) -> pl.DataFrame:
    """The wide table of :func:`estimates` with the projection."""
    return project(data, estimates(data))


def estimates(data: Path) -> pl.DataFrame:
    """ONS estimates by sub-ICB location 2023 (the workbook's ICB 2023 sheets), summed to ICBs:
    ``mid_year, footprint_code, sex, age`` (0-90, 90 = 90+), ``population``."""
    parts = []
    for year in (2021, 2022):
        sheet = _xlsx_sheet(data / POP_BOOK, f"Mid-{year} ICB 2023")
        head = {ref[:-1]: text for ref, text in sheet.items() if re.fullmatch(r"[A-Z]+4", ref)}
        assert (head["A"], head["C"], head["G"], head["H"]) == (
            "SICBL 2023 Code", "ICB 2023 Code", "Total", "F0"), "the workbook's layout changed"
        ages = {col: (text[0], int(text[1:])) for col, text in head.items()
                if re.fullmatch(r"[FM]\d+", text)}
        assert len(ages) == 2 * 91
        rows = []
        for r in range(5, 200):
            code = sheet.get(f"C{r}")
            if code is None:
                continue
            for col, (sex, age) in ages.items():
                rows.append({"mid_year": year, "footprint_code": code, "sex": sex, "age": age,
                             "population": float(sheet[f"{col}{r}"])})
        frame = pl.DataFrame(rows).group_by("mid_year", "footprint_code", "sex", "age").agg(
            pl.col("population").sum())
        assert frame["footprint_code"].n_unique() == 42
        parts.append(frame)
    pop = pl.concat(parts)
    mid_2022 = pop.filter(pl.col("mid_year") == 2022)["population"].sum()
    assert mid_2022 == ENGLAND_MID_2022, mid_2022
    return pop


def iapt(data: Path, ods: dict[str, str]) -> pl.DataFrame:
    raw = read_iapt(data / "iapt" / IAPT_FILE)
    out = icb_counts(raw, ods).filter(pl.col("reporting_period").is_in(IAPT_YEARS)
                                      & pl.col("measure").is_in(IAPT_MEASURES))
    icbs_ = out.filter(~pl.col("footprint_code").is_in([ENGLAND, "UNKNOWN"]))
    assert set(icbs_["footprint_code"]) == set(ods.values()), set(icbs_["org_code"])
    assert out["value"].null_count() == 0  # nothing suppressed at ICB level in these years
    # The ICBs and UNKNOWN sum to England within rounding (NHS Digital rounds sub-national
    # counts to the nearest 5): 1,813,425 against 1,813,432 referrals in 2024-25.
    sums = out.filter(pl.col("footprint_code") != ENGLAND).group_by(
        "reporting_period", "measure").agg(pl.col("value").sum())
    england = out.filter(pl.col("footprint_code") == ENGLAND).select(
        "reporting_period", "measure", pl.col("value").alias("england"))
    check = sums.join(england, on=["reporting_period", "measure"])
    assert check.height == len(IAPT_YEARS) * len(IAPT_MEASURES)
    assert ((check["value"] / check["england"] - 1).abs() < 1e-4).all(), check
    return out.select("footprint_code", "org_code", "reporting_period", "measure", "value").sort(
        pl.col("footprint_code") != ENGLAND, "footprint_code", "reporting_period", "measure")


def inpatient_beds(data: Path, table: pl.DataFrame) -> pl.DataFrame:
    etr = pl.read_csv(data / ETR, infer_schema_length=0)
    q_of = dict(zip(etr["org_code"], etr["icb_ods_code"]))
    code_of = dict(zip(table["ods_code"], table["code"]))
    short = dict(zip(table["code"], table["short_name"]))
    k = pl.read_csv(data / KH03, infer_schema_length=0).filter(
        pl.col("financial_year").is_in(KH03_YEARS)).select(
        "financial_year", pl.col("fy_quarter").alias("period"), "org_code", "org_name",
        pl.col("mental_illness_on_beds_available").cast(pl.Float64).alias("available"),
        pl.col("mental_illness_on_beds_occupied").cast(pl.Float64).alias("occupied"))
    eng = k.filter(pl.col("org_code") == "ENGLAND")
    trusts = k.filter(pl.col("org_code") != "ENGLAND")
    how: dict[str, str] = {}
    icb: dict[str, str] = {}
    for trust in sorted(trusts["org_code"].unique()):
        if trust in q_of:
            icb[trust], how[trust] = code_of[q_of[trust]], "HQ ICB"
        elif trust in SUCCESSOR:
            icb[trust] = code_of[q_of[SUCCESSOR[trust]]]
            how[trust] = f"successor {SUCCESSOR[trust]} HQ ICB"
        elif trust in HOME_ICB:
            icb[trust], how[trust] = code_of[HOME_ICB[trust]], "home ICB"
        else:
            raise AssertionError(f"no ICB for trust {trust}")
    placed = trusts.with_columns(pl.col("org_code").replace_strict(icb).alias("icb"))
    contrib = placed.select("icb", "org_code").unique().sort("icb", "org_code")
    listed = {c: "; ".join(f"{t} ({how[t]})" for t in g["org_code"])
              for (c,), g in contrib.group_by("icb")}
    quarters = placed.group_by("icb", "financial_year", "period").agg(
        pl.col("available").sum(), pl.col("occupied").sum(),
        pl.col("org_code").n_unique().alias("n_trusts"))
    grid = pl.DataFrame({"icb": table["code"]}).join(
        eng.select("financial_year", "period").unique(), how="cross")
    quarters = grid.join(quarters, on=["icb", "financial_year", "period"], how="left").with_columns(
        pl.col("available").fill_null(0.0), pl.col("occupied").fill_null(0.0),
        pl.col("n_trusts").fill_null(0))
    source = "KH03 by trust, summed to the ICB of the trust's headquarters"
    frame = pl.concat([
        eng.select(pl.lit(ENGLAND).alias("footprint_code"), pl.lit("England").alias("name"),
                   "financial_year", "period", "available", "occupied",
                   pl.lit(None, pl.Int64).alias("n_trusts"),
                   pl.lit("published_england_row").alias("method"),
                   pl.lit(None, pl.String).alias("trusts"),
                   pl.lit("KH03, ENGLAND row").alias("source")),
        quarters.select(pl.col("icb").alias("footprint_code"),
                        pl.col("icb").replace_strict(short).alias("name"),
                        "financial_year", "period", "available", "occupied",
                        pl.col("n_trusts").cast(pl.Int64),
                        pl.when(pl.col("icb").is_in(list(listed))).then(pl.lit("own_icb"))
                        .otherwise(pl.lit("no_trust_headquartered")).alias("method"),
                        pl.col("icb").replace_strict(listed, default=None).alias("trusts"),
                        pl.lit(source).alias("source"))])
    annual = frame.group_by("footprint_code", "name", "financial_year", "method", "trusts",
                            "source").agg(pl.col("available").mean(), pl.col("occupied").mean(),
                                          pl.col("n_trusts").max(),
                                          pl.col("period").sort().str.join("+").alias("quarters"))
    annual = annual.with_columns(pl.lit("year").alias("period"),
                                 pl.col("source") + "; mean of the quarters bundled")
    frame = pl.concat([frame.with_columns(pl.col("period").alias("quarters")),
                       annual.select(*frame.columns, "quarters")])
    frame = frame.with_columns(
        pl.when(pl.col("available") > 0).then(pl.col("occupied") / pl.col("available"))
        .round(4).alias("occupancy"),
        pl.col("available").round(2).alias("beds_available"),
        pl.col("occupied").round(2).alias("beds_occupied"))
    # The ICBs sum to the extract's trust total, which is England's row (within rounding).
    sums = frame.filter(pl.col("footprint_code") != ENGLAND).group_by(
        "financial_year", "period").agg(pl.col("available").sum().alias("icbs"))
    check = frame.filter(pl.col("footprint_code") == ENGLAND).join(
        sums, on=["financial_year", "period"])
    assert ((check["icbs"] / check["available"] - 1).abs() < 0.005).all(), check
    order = {"Q1": 0, "Q2": 1, "Q3": 2, "Q4": 3, "year": 4}
    return frame.with_columns(pl.col("period").replace_strict(order).alias("_o")).sort(
        pl.col("footprint_code") != ENGLAND, "footprint_code", "financial_year", "_o").select(
        "footprint_code", "name", "financial_year", "period", "quarters", "beds_available",
        "beds_occupied", "occupancy", "n_trusts", "method", "trusts", "source")


CYP_ICB = "cyp/nhse_cyp_access_1plus_contact_by_icb2022_q4_2021-22_vs_ltp_trajectory.csv"
CYP_ICB_SUM = 660_995  # the 42 ICBs' CYP with 1+ contacts (shared SOURCES.md, cyp/)


def cyp_access(data: Path, ods: dict[str, str]) -> pl.DataFrame:
    """CYP aged 0-18 with 1+ contacts, rolling 12 months to Q4 2021/22, by ICB (NHS England's
    OCC data file, sheet "CYP (i.b) - 1+ access ICB 21_22"). No England row: the ICBs sum to
    660,995, which the builder checks."""
    frame = pl.read_csv(data / CYP_ICB, infer_schema_length=0)
    assert sorted(frame["icb_ods_code"]) == sorted(ods)
    out = frame.select(pl.col("icb_ods_code").replace_strict(ods).alias("footprint_code"),
                       pl.col("icb_ods_code").alias("org_code"),
                       pl.lit("CYP(i_b)").alias("indicator"), pl.lit("Q4 2021/22").alias("period"),
                       pl.lit("cyp_access_1plus").alias("measure"),
                       pl.col("cyp_1plus_contact_rolling12m_q4_2021_22").cast(pl.Float64)
                       .alias("value"), pl.lit("persons/year").alias("unit"))
    assert out["value"].sum() == CYP_ICB_SUM
    return out


def dashboard(data: Path, ods: dict[str, str]) -> pl.DataFrame:
    frame = pl.read_csv(data / DASHBOARD, infer_schema_length=0)
    parts = []
    for sheet, indicator, period, measure, unit in DASHBOARD_MEASURES:
        rows = frame.filter((pl.col("sheet") == sheet) & (pl.col("indicator_id") == indicator)
                            & (pl.col("period") == period)
                            & pl.col("org_type").is_in(["National", "STP"]))
        stp = rows.filter(pl.col("org_type") == "STP")
        assert sorted(stp["org_code"]) == sorted(ods), set(stp["org_code"]) ^ set(ods)
        parts.append(rows.select(
            pl.when(pl.col("org_type") == "National").then(pl.lit(ENGLAND))
            .otherwise(pl.col("org_code").replace_strict(ods, default=None))
            .alias("footprint_code"),
            pl.when(pl.col("org_type") == "National").then(pl.lit("ENGLAND"))
            .otherwise(pl.col("org_code")).alias("org_code"),
            pl.lit(indicator).alias("indicator"), pl.lit(period).alias("period"),
            pl.lit(measure).alias("measure"), pl.col("value").cast(pl.Float64),
            pl.lit(unit).alias("unit")))
    parts.append(cyp_access(data, ods))
    out = pl.concat(parts)
    assert out["value"].null_count() == 0
    return out.sort(pl.col("footprint_code") != ENGLAND, "footprint_code", "measure")


NHSTT_MONTHLY = ("iapt/nhstt_monthly_activity_performance_2021-01_to_2026-03_england_and_provider_"
                 "key_measures.csv")
FIXTURE = ROOT / "tests" / "data" / "iapt" / "nhstt_monthly_england_2021-01_to_2026-03.csv"


DASHBOARD_FIXTURE = ROOT / "tests" / "data" / "mh_dashboard_q4_2021-22_national_stp_excerpt.csv"
# The dashboard's sheets the importer's tests read: IAPT(i_a) (a rate, then a count), EIP and
# perinatal Q4 2021/22, the MHIS met (Y/N) and CYP on adult wards (many '*').
FIXTURE_SHEETS = ("IAPT(i_a)_FINAL CALC", "EIP(i)_FINAL CALC", "PMH(i_a)", "MHF(iii)_FINAL CALC",
                  "CYP(iv_a)_FINAL CALC")


def fixtures(data: Path) -> None:
    """Excerpts, lines as published, for the importers' tests: the England rows of the NHS
    Talking Therapies monthly file (tests/data/iapt/) and the National and STP rows of a few
    dashboard sheets (tests/data/)."""
    lines = (data / NHSTT_MONTHLY).read_bytes().decode("utf-8").splitlines(keepends=True)
    keep = [lines[0]] + [line for line in lines[1:] if line.split(",")[1] == "ENG"]
    FIXTURE.write_bytes("".join(keep).encode("utf-8"))
    print(f"wrote {FIXTURE.relative_to(ROOT)}: {len(keep) - 1} rows")
    import csv

    lines = (data / DASHBOARD).read_bytes().decode("utf-8").splitlines(keepends=True)
    keep = [lines[0]]
    for line in lines[1:]:
        row = next(csv.reader([line]))
        if row[0] in FIXTURE_SHEETS and row[6] in ("National", "STP"):
            keep.append(line)
    DASHBOARD_FIXTURE.write_bytes("".join(keep).encode("utf-8"))
    print(f"wrote {DASHBOARD_FIXTURE.relative_to(ROOT)}: {len(keep) - 1} rows")


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    with_fixtures = "--fixtures" in args
    data = data_folder([a for a in args if a != "--fixtures"], __doc__)
    if with_fixtures:
        fixtures(data)
    table = icbs(data)
    raw = estimates(data)
    pop = project(data, raw)
    age0 = raw.filter((pl.col("mid_year") == 2021) & (pl.col("age") == 0)).group_by(
        "footprint_code").agg(pl.col("population").sum().cast(pl.Int64).alias("age0_2021"))
    table = table.join(age0, left_on="code", right_on="footprint_code", how="left").sort("code")
    assert table["age0_2021"].null_count() == 0
    assert set(pop["footprint_code"]) == set(table["code"])
    print("LSOAs whose ICB changed between the 2022 and 2024 lookups:",
          boundary_change(data).rows())
    write_csv(table, "icbs.csv")
    write_csv(pop, "icb_population.csv")
    write_csv(iapt(data, dict(zip(table["ods_code"], table["code"]))), "icb_iapt.csv")
    write_csv(inpatient_beds(data, table), "icb_inpatient_beds.csv")
    write_csv(dashboard(data, dict(zip(table["ods_code"], table["code"]))), "icb_dashboard.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
