"""Build stpmodel's bundled footprint reference (stpmodel/data/*.csv) from the public files.

    .venv/bin/python tools/build_reference.py                 # reads ../shared/data
    .venv/bin/python tools/build_reference.py --data DIR      # another copy of the same files
    .venv/bin/python tools/build_reference.py --fixtures      # also refresh tests/data/{oaps,iapt}

Every output is derived from the files that ../shared/data/SOURCES.md describes; how each one is
derived is written in stpmodel/data/SOURCES.md, which this script does not write (it is prose).
The OAP and IAPT tables are made with stpmodel's own importers (stpmodel.iotools), so the bundle
and `stpmodel import` agree. Outputs are sorted and written with fixed formatting, so that a
rebuild from the same inputs is byte-identical and a changed input shows as a readable diff.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stpmodel.iotools.iapt import iapt_baseline, read_iapt, stp17_counts  # noqa: E402
from stpmodel.iotools.oaps import oap_baseline, read_oaps  # noqa: E402

OUT = ROOT / "stpmodel" / "data"
CODES = [f"E540000{n:02d}" for n in range(5, 49)]
# Manchester's three CCGs merged into NHS Manchester CCG (14L) in April 2017; the 2016-17 OAP
# files still use the old codes.
OLD_MANCHESTER = {"00W": "NHS Central Manchester CCG", "01M": "NHS North Manchester CCG",
                  "01N": "NHS South Manchester CCG"}
# Acute trusts that merged during 2016-19 into a trust of the 2017-18 lookup: predecessor →
# successor (NHS England A&E returns stop under the old code and continue under the new one).
PREDECESSORS = {"RM2": "R0A", "RW3": "R0A",  # UHSM, CMFT → Manchester University NHS FT, 10/2017
                "RQQ": "RGN"}  # Hinchingbrooke → North West Anglia NHS FT, April 2017
BANDS = [(0, 4), (5, 9), (10, 15), (16, 17), (18, 24), (25, 34), (35, 44), (45, 54), (55, 64),
         (65, 74), (75, 84), (85, 90)]
ESTIMATE_YEARS = (2021, 2022)
PROJECTION_BASE = 2021
PROJECTION_YEARS = tuple(range(2022, 2032))
IAPT_MEASURES = ("referrals_received", "finished_course_treatment", "at_caseness", "recovery")
OAP_FILES = ("oaps-open-data-oct-2016.csv", "oaps-open-data-nov-2016.csv",
             "oaps-open-data-dec-2016.csv", "oaps-open-data-feb-2017.csv")
IAPT_FILE = "iapt_annual_key_measures_2017-18_to_2024-25_total_by_england_region_stp_ccg_icb.csv"


def band_label(lo: int, hi: int) -> str:
    return f"{lo}+" if hi == 90 else f"{lo}-{hi}"


def _number(value: float | None) -> str | None:
    """Stable text for a number: whole numbers without a decimal point, else up to 6 decimals."""
    if value is None:
        return None
    return f"{value:.6f}".rstrip("0").rstrip(".")


def write_csv(frame: pl.DataFrame, name: str) -> None:
    path = OUT / name
    frame = frame.with_columns(pl.col(c).map_elements(_number, return_dtype=pl.String)
                               for c, t in frame.schema.items() if t == pl.Float64)
    frame.write_csv(path, line_terminator="\n")
    print(f"wrote {path.relative_to(ROOT)}: {frame.height} rows, {path.stat().st_size:,} bytes")


def footprints(data: Path) -> pl.DataFrame:
    xwalk = pl.read_csv(data / "geography/reference_stp17_44_codes_names_crosswalk.csv",
                        infer_schema_length=0)
    assert sorted(xwalk["stp17cd"].to_list()) == CODES
    stp20 = stp20_codes(data)
    by_code = {r["stp20cd"]: r for r in stp20.iter_rows(named=True)}
    rows = []
    for r in xwalk.sort("stp17cd").iter_rows(named=True):
        code, name = r["stp17cd"], r["ons_stp17nm"]
        others = [r["oap_open_data_name"], r["iapt_2017-18_name"], r["hf_trust_lookup_name"]]
        ods = ""
        if code in by_code:  # same ONS code in 2020: same boundary, so its 2020 name fits too
            others.append(by_code[code]["stp20nm"])
            ods = by_code[code]["ods_code"]
        aliases = sorted({a for a in others if a and a != name})
        rows.append({"code": code, "name": name, "aliases": "; ".join(aliases),
                     "ods_code_2020": ods, "ccgs_2017": int(r["n_ccg17"])})
    return pl.DataFrame(rows)


def ccg_lookup(data: Path) -> pl.DataFrame:
    lk = pl.read_csv(data / "geography/ons_lookup_ccg17_to_stp17_april2017_44stps.csv",
                     infer_schema_length=0)
    frame = lk.select(pl.col("CCG17CDH").alias("ccg_code"), pl.col("CCG17CD").alias("ccg17cd"),
                      pl.col("CCG17NM").alias("ccg_name"), pl.col("STP17CD").alias("stp17cd"),
                      pl.lit("ONS CCG17 to STP17 lookup, April 2017").alias("note"))
    extra = pl.DataFrame([{"ccg_code": code, "ccg17cd": "", "ccg_name": name,
                           "stp17cd": "E54000007",
                           "note": "merged into NHS Manchester CCG (14L) in April 2017"}
                          for code, name in OLD_MANCHESTER.items()])
    assert frame.height == 207 and set(frame["stp17cd"]) == set(CODES)
    return pl.concat([frame, extra]).sort("ccg_code")


def stp20_codes(data: Path) -> pl.DataFrame:
    lk = pl.read_csv(data / "geography/ons_lookup_ccg20_to_stp20_april2020.csv",
                     infer_schema_length=0)
    return lk.select(pl.col("STP20CDH").alias("ods_code"), pl.col("STP20CD").alias("stp20cd"),
                     pl.col("STP20NM").alias("stp20nm")).unique().sort("ods_code")


def population(data: Path) -> pl.DataFrame:
    pop = pl.read_csv(data / "population/derived_stp17_44_population_mid2021_mid2022_sya_sex.csv",
                      schema_overrides={"population": pl.Float64})
    return project(data, pop.rename({"stp17cd": "footprint_code"}))


def project(data: Path, pop: pl.DataFrame) -> pl.DataFrame:
    """The wide population table (``population.csv``'s layout) from ONS estimates by
    ``mid_year, footprint_code, sex, age`` (0-90, 90 = 90+): the estimates of mid-2021 and
    mid-2022, and mid-2022 to mid-2031 projected from mid-2021 with England's growth by single
    year of age and sex (ONS 2020-based interim national projection)."""
    npp = pl.read_csv(data / "population/ons_npp2020_interim_england_principal_population_sya_"
                             "sex_2020-2120.csv", infer_schema_length=0)
    # NPP ages run 0..104, then "105 - 109" and "110 and over": fold everything from 90 into 90
    # (the open top age of the estimates).
    years = [str(y) for y in (PROJECTION_BASE, *PROJECTION_YEARS)]
    npp = npp.with_columns(
        pl.col("age").str.extract(r"^(\d+)").cast(pl.Int64).clip(upper_bound=90).alias("age"),
        *(pl.col(y).cast(pl.Float64) for y in years),
    ).group_by("sex", "age").agg(*(pl.col(y).sum() for y in years))
    factors = npp.select("sex", "age", *(
        (pl.col(str(y)) / pl.col(str(PROJECTION_BASE))).alias(f"f{y}") for y in PROJECTION_YEARS))
    base = pop.filter(pl.col("mid_year") == PROJECTION_BASE).join(factors, on=["sex", "age"],
                                                                     how="left")
    assert base["f2031"].null_count() == 0
    projected = pl.concat([base.select("footprint_code", "sex", "age",
                                       pl.lit(f"proj_{y}").alias("column"),
                                       (pl.col("population") * pl.col(f"f{y}"))
                                       .alias("population"))
                           for y in PROJECTION_YEARS])
    estimates = pop.filter(pl.col("mid_year").is_in(ESTIMATE_YEARS)).select(
        "footprint_code", "sex", "age",
        ("est_" + pl.col("mid_year").cast(pl.String)).alias("column"), "population")
    long = pl.concat([estimates, projected])
    band = pl.lit(None, dtype=pl.String)
    for lo, hi in reversed(BANDS):
        band = pl.when(pl.col("age").is_between(lo, hi)).then(pl.lit(band_label(lo, hi))) \
            .otherwise(band)
    banded = long.with_columns(band.alias("age_band")).group_by(
        "footprint_code", "sex", "age_band", "column").agg(pl.col("population").sum())
    order = {band_label(lo, hi): i for i, (lo, hi) in enumerate(BANDS)}
    columns = [f"est_{y}" for y in ESTIMATE_YEARS] + [f"proj_{y}" for y in PROJECTION_YEARS]
    wide = banded.with_columns(pl.col("population").round(1)).pivot(
        on="column", index=["footprint_code", "sex", "age_band"], values="population")
    wide = wide.with_columns(
        pl.col("age_band").replace_strict(order).alias("_order")).sort(
        "footprint_code", "sex", "_order").select("footprint_code", "sex", "age_band", *columns)
    check = pop.filter(pl.col("mid_year") == 2022)["population"].sum()
    assert abs(wide["est_2022"].sum() - check) < 1000, (wide["est_2022"].sum(), check)
    return wide


def acute_trusts(data: Path) -> pl.DataFrame:
    hf = pl.read_csv(data / "geography/hf_acute_trust_to_stp17_lookup_2017-18.csv",
                     infer_schema_length=0)
    hf = hf.rename({c: c.lstrip("\ufeff") for c in hf.columns})
    ae = pl.read_csv(data / "activity/nhse_ae_attendances_admissions_by_trust_monthly_2016-04_to_"
                            "2019-03.csv", infer_schema_length=0)
    ae = ae.with_columns(
        pl.col("org_code").replace(PREDECESSORS).alias("trust_code"),
        pl.col("attendances").cast(pl.Int64), pl.col("admissions").cast(pl.Int64),
        pl.col("period").str.to_date().alias("date"))
    ae = ae.with_columns(
        (pl.col("date").dt.year() - (pl.col("date").dt.month() < 4).cast(pl.Int32))
        .alias("fy_start"))
    ae = ae.with_columns((pl.col("fy_start").cast(pl.String) + "-"
                          + ((pl.col("fy_start") + 1) % 100).cast(pl.String).str.zfill(2))
                         .alias("financial_year"))
    sums = ae.group_by("trust_code", "financial_year").agg(
        pl.col("attendances").filter(pl.col("type") == "1").sum().alias("ae_type1_attendances"),
        pl.col("attendances").sum().alias("ae_all_attendances"),
        pl.col("admissions").sum().alias("emergency_admissions_via_ae"),
        pl.col("date").filter(pl.col("type") == "1").n_unique().alias("type1_months"))
    trusts = hf.select(pl.col("code").alias("trust_code"), pl.col("Trust").alias("trust_name"),
                       pl.col("STP_code").alias("footprint_code"))
    out = trusts.join(sums, on="trust_code", how="left").select(
        "footprint_code", "trust_code", "trust_name", "financial_year", "type1_months",
        "ae_type1_attendances", "ae_all_attendances", "emergency_admissions_via_ae")
    assert out["financial_year"].null_count() == 0, "a trust of the lookup has no A&E returns"
    assert set(out["footprint_code"]) == set(CODES)
    return out.sort("footprint_code", "trust_code", "financial_year")


def iapt(data: Path, names: dict[str, str], ods: dict[str, str]) -> pl.DataFrame:
    base = iapt_baseline(read_iapt(data / "iapt" / IAPT_FILE), ods, names)
    base = base.filter(pl.col("measure").is_in(IAPT_MEASURES)
                       & (pl.col("reporting_period") <= "2021-22"))
    out = stp17_counts(base)
    assert out["value"].null_count() == 0
    assert out.filter(pl.col("basis") != "published").height == 3 * 2 * len(IAPT_MEASURES)
    return out


def oaps(data: Path, ccgs: dict[str, str], names: dict[str, str]) -> pl.DataFrame:
    raw = pl.concat([read_oaps(data / "oaps" / f) for f in OAP_FILES])
    base = oap_baseline(raw, ccgs, names)
    return base.with_columns(pl.col("file").str.extract(r"([^/\\]+)$")).sort(
        "period", "footprint_code", "measure")


def _xlsx_sheet(path: Path, sheet: str) -> dict[str, str]:
    """Cell reference → text of one sheet of an xlsx workbook (values as last saved)."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(path) as book:
        strings = ["".join(t.text or "" for t in si.iter(f"{main}t"))
                   for si in ET.fromstring(book.read("xl/sharedStrings.xml"))]
        sheets = {s.get("name"): s.get(rel) for s in
                  ET.fromstring(book.read("xl/workbook.xml")).iter(f"{main}sheet")}
        rels = {r.get("Id"): r.get("Target") for r in
                ET.fromstring(book.read("xl/_rels/workbook.xml.rels"))}
        xml = ET.fromstring(book.read("xl/" + rels[sheets[sheet]].lstrip("/").removeprefix("xl/")))
    cells = {}
    for cell in xml.iter(f"{main}c"):
        value = cell.find(f"{main}v")
        if value is not None and value.text is not None:
            cells[cell.get("r")] = (strings[int(value.text)] if cell.get("t") == "s"
                                    else value.text)
    return cells


def national(data: Path) -> pl.DataFrame:
    """England figures that stpmodel scales to a footprint for its national-default estimates."""
    book = "mh_inpatient_model_assorted_national_smi_prev_los_delayed_discharge.xlsx"
    sheet = _xlsx_sheet(data / "inpatient" / book, "acuity_los")
    assert (sheet["B3"], sheet["C3"], sheet["E3"], sheet["B5"]) == (
        "cal_yr", "spells", "avg_los", "2018"), "the workbook's layout changed"
    source = ("The Strategy Unit, nhse_mh_inpat_model, national workbook "
              f"({book}), sheet acuity_los, row 2018")
    return pl.DataFrame([
        {"item": "mh_inpatient_spells_2018", "value": float(sheet["C5"]), "unit": "spells/year",
         "source": source + ", column spells: mental health inpatient spells in England, "
                            "calendar 2018 (all mental health inpatient care, not only adult "
                            "acute)"},
        {"item": "mh_inpatient_mean_los_2018", "value": round(float(sheet["E5"]), 1),
         "unit": "days", "source": source + ", column avg_los: mean length of those spells "
                                            "(long-stay care included)"},
    ])


def fixtures(data: Path) -> None:
    """Copy the real files the importer tests read into tests/data (as published)."""
    tests = ROOT / "tests" / "data"
    (tests / "oaps").mkdir(exist_ok=True)
    (tests / "iapt").mkdir(exist_ok=True)
    for name in OAP_FILES:
        shutil.copyfile(data / "oaps" / name, tests / "oaps" / name)
    for name in ("fixture_iapt_annual_main_raw_2017-18_header_synthetic_values.csv",
                 "fixture_iapt_monthly_measures_raw_2023-05_excerpt.csv"):
        shutil.copyfile(data / "iapt" / name, tests / "iapt" / name)
    # England and STP rows of the long IAPT file, 2017-18 to 2021-22: the lines as they are.
    source = (data / "iapt" / IAPT_FILE).read_bytes().decode("utf-8").splitlines(keepends=True)
    keep = [source[0]]
    for line in source[1:]:
        row = next(csv.reader([line]))
        if row[3] in ("England", "STP") and row[0] <= "2021-22":
            keep.append(line)
    target = tests / "iapt" / "iapt_annual_england_stp_2017-18_to_2021-22.csv"
    target.write_bytes("".join(keep).encode("utf-8"))
    print(f"wrote tests/data fixtures ({len(keep) - 1} IAPT rows)")


def data_folder(argv: list[str] | None, doc: str | None) -> Path:
    """The ``--data`` option of every builder in tools/: the folder of the public files."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data",
                        help="folder of the public files (default ../shared/data)")
    return parser.parse_args(argv).data


def footprint_names() -> dict[str, str]:
    """Code → name of the 44 footprints, from the bundled footprints.csv (built by main below)."""
    fps = pl.read_csv(OUT / "footprints.csv", infer_schema_length=0)
    names = dict(zip(fps["code"], fps["name"]))
    assert sorted(names) == CODES
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data",
                        help="folder of the public files (default ../shared/data)")
    parser.add_argument("--fixtures", action="store_true",
                        help="also copy the real files the tests read into tests/data")
    args = parser.parse_args(argv)
    data = args.data
    OUT.mkdir(exist_ok=True)
    fps = footprints(data)
    names = dict(zip(fps["code"], fps["name"]))
    ccg = ccg_lookup(data)
    stp20 = stp20_codes(data)
    write_csv(fps, "footprints.csv")
    write_csv(ccg, "ccg17_stp17.csv")
    write_csv(stp20, "stp20_codes.csv")
    write_csv(population(data), "population.csv")
    write_csv(acute_trusts(data), "acute_trusts.csv")
    write_csv(iapt(data, names, dict(zip(stp20["ods_code"], stp20["stp20cd"]))), "iapt.csv")
    write_csv(oaps(data, dict(zip(ccg["ccg_code"], ccg["stp17cd"])), names), "oaps.csv")
    write_csv(national(data), "national.csv")
    if args.fixtures:
        fixtures(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
