"""Build stpmodel's bundled inpatient (mental health beds and out-of-area placement) baselines.

    .venv/bin/python tools/build_inpatient_reference.py              # reads ../shared/data
    .venv/bin/python tools/build_inpatient_reference.py --data DIR   # another copy of the files

Writes, in stpmodel/data/:

- ``inpatient_baseline.csv``: KH03 mental illness beds available and occupied (average daily)
  and occupancy, England (each quarter of 2018-19 to 2021-22) and the 44 STP footprints of
  April 2017 (2018-19 and 2019-20), and their annual means; trusts mapped to footprints
  (method per footprint);
- ``inpatient_oaps_quarterly.csv``: inappropriate out-of-area placement bed days by quarter,
  Q2 2017/18 (England; footprints from Q3 2017/18) to Q4 2021/22, from the Mental Health
  Dashboard, indicator CR(iii.a);
- ``inpatient_national.csv``: England series: mental health inpatient spells and mean length of
  stay 2017-2022 (The Strategy Unit's national workbook) and the National Cost Collection
  2024/25 mental health bed day activity and unit costs, with the adult acute share.

How each number is derived is written in stpmodel/data/SOURCES.md. Output is sorted and
formatted as tools/build_reference.py does, so a rebuild from the same inputs is byte-identical.
Every figure comes from a file under the data folder; the few hand decisions (trust successors,
three headquarters placed by their local authority) are named in the tables below and in each
row's ``trusts`` column.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from build_reference import CODES, _xlsx_sheet, data_folder, footprint_names, write_csv  # noqa: E402

ENGLAND = "E92000001"
YEARS = ("2018-19", "2019-20", "2020-21", "2021-22")  # England's rows
FOOTPRINT_YEARS = ("2018-19", "2019-20")  # the footprints' (the model fits on 2018-19)
KH03 = "inpatient/derived_kh03_mental_illness_beds_by_trust_quarterly_2010-11_to_2024-25.csv"
ETR = "geography/ods_etr_nhs_trusts_to_icb_qcode_e54_2025.csv"
HF = "geography/hf_acute_trust_to_stp17_lookup_2017-18.csv"
LSOA17 = "geography/ons_lookup_lsoa11_to_ccg17_stp17_lad17_april2017.csv"
LSOA22 = "geography/ons_lookup_lsoa11_to_sicbl22_icb22_lad22_july2022.csv"
LAD17 = "geography/derived_lad17_ccg17_stp17_lsoa_counts_april2017.csv"
CCG21_STP17 = "geography/derived_ccg21_to_stp17_apportionment.csv"
DASHBOARD = ("mh_dashboard/nhse_mh_dashboard_q4_2021-22_all_indicators_long_england_region_stp_"
             "ccg.csv")
BOOK = "inpatient/mh_inpatient_model_assorted_national_smi_prev_los_delayed_discharge.xlsx"
NCC = ("finance/nhse_national_cost_collection_2024-25_mental_health_and_talking_therapies_unit_"
       "costs.csv")

SRC_KH03 = ("NHS England, KH03 bed availability and occupancy (overnight), mental illness sector, "
            f"by trust (shared file {KH03})")
SRC_DASH = "NHS England, Mental Health Dashboard Q4 2021/22 v3.2"  # the file: SOURCES.md

# Trusts of 2018-20 that are not in the 2025 ODS extract: the successor whose headquarters ICB
# stands for them (merger within the same area).
SUCCESSOR = {"RTV": "RW4",    # North West Boroughs → Mersey Care (June 2021)
             "TAF": "G6V2S"}  # Camden and Islington → North London NHS FT (November 2024)
# Trusts in neither the ODS extract nor the acute lookup, open in 2018-20 and still open: the
# ICB (ODS Q-code) of the place in their name.
HOME_ICB = {"TAD": "QWO",   # Bradford District Care → West Yorkshire
            "TAH": "QF7",   # Sheffield Health and Social Care → South Yorkshire
            "TAJ": "QUA"}   # Black Country Partnership / Healthcare → Black Country
# Codes that passed to a different (acute) organisation after 2018-20, so the 2025 ODS and
# 2017-18 acute lookup rows describe the successor, not the 2018-20 mental health trust.
REUSED = ("RNN", "RH5")
# Headquarters ICB that spans several STP17s with no dominant one: the local authority of the
# trust's headquarters (ODS postcode), then STP17 from the LAD17 → STP17 lookup.
HQ_LAD = {"RX3": ("Darlington", "West Park Hospital, Darlington (ODS postcode DL2 2TS)"),
          "RX4": ("Newcastle upon Tyne", "St Nicholas Hospital, Gosforth, Newcastle"),
          "RNN": ("Carlisle", "Carleton Clinic, Carlisle (Cumbria Partnership NHS FT)")}
# Trusts with mental illness beds in 2014-15 Q4 that have no KH03 row in 2018-20 because they
# merged into a trust that has (the successor carries their beds).
MERGED_BEFORE = {"RRD": "R1L", "RWN": "R1L",  # North and South Essex Partnership → EPUT, 2017
                 "RW3": "R0A",                # Central Manchester → Manchester University, 2017
                 "TAE": "RXV"}                # Manchester MH and SC → Greater Manchester MH, 2017
DOMINANT = 0.75  # an ICB whose LSOAs lie at least this much in one STP17 is placed wholly there


def fnum(col: str) -> pl.Expr:
    return pl.col(col).cast(pl.Float64)


# ---------------------------------------------------------------------------------------------
# Geography

def icb22_to_stp17(data: Path) -> pl.DataFrame:
    """ICB (ODS Q-code, 2022) → STP17 share of the ICB's LSOAs (2011 LSOAs in both lookups)."""
    l17 = pl.read_csv(data / LSOA17, infer_schema_length=0).select(
        pl.col("LSOA11CD").alias("lsoa"), pl.col("STP17CD").alias("stp17"))
    l22 = pl.read_csv(data / LSOA22, infer_schema_length=0).select(
        pl.col("lsoa11_code").alias("lsoa"), pl.col("icb22_code").alias("icb22"),
        pl.col("icb22_code_h").alias("icb_q"))
    assert l17.height == l22.height == 32844
    both = l22.join(l17, on="lsoa", how="inner")
    assert both.height == 32844
    shares = both.group_by("icb22", "icb_q", "stp17").len().with_columns(
        (pl.col("len") / pl.col("len").sum().over("icb22")).alias("share"))
    assert shares["icb22"].n_unique() == 42
    return shares.sort("icb22", "share", descending=[False, True])


def lad_to_stp17(data: Path, lad: str) -> str:
    frame = pl.read_csv(data / LAD17, infer_schema_length=0)
    name_col = next(c for c in frame.columns if c.upper().startswith("LAD17NM"))
    stp_col = next(c for c in frame.columns if c.upper().startswith("STP17CD"))
    hits = frame.filter(pl.col(name_col) == lad).select(stp_col).unique()
    assert hits.height == 1, (lad, hits)
    return hits[stp_col][0]


# ---------------------------------------------------------------------------------------------
# inpatient_baseline.csv

def trust_map(data: Path, trusts: list[str]) -> tuple[pl.DataFrame, dict[str, str]]:
    """Trust → (stp17, share, how) rows, shares summing to 1 per trust; and a note per trust."""
    hf = pl.read_csv(data / HF, infer_schema_length=0)
    hf = dict(zip(hf["code"], hf["STP_code"]))
    etr = pl.read_csv(data / ETR, infer_schema_length=0)
    etr_icb = dict(zip(etr["org_code"], etr["icb_ods_code"]))
    shares = icb22_to_stp17(data)
    rows: list[dict] = []
    notes: dict[str, str] = {}

    def icb_rows(trust: str, q: str, how: str) -> None:
        s = shares.filter(pl.col("icb_q") == q)
        assert s.height, (trust, q)
        top = s.row(0, named=True)
        if top["share"] >= DOMINANT:
            rows.append({"trust": trust, "stp17": top["stp17"], "share": 1.0, "how": "own"})
            notes[trust] = f"{how} {q} ({top['share']:.0%} in {top['stp17']})"
        elif trust in HQ_LAD:
            lad, where = HQ_LAD[trust]
            stp = lad_to_stp17(data, lad)
            rows.append({"trust": trust, "stp17": stp, "share": 1.0, "how": "own"})
            notes[trust] = f"{how} {q} split; HQ in {lad}"
        else:
            raise AssertionError(f"{trust}: ICB {q} spans STP17s; add it to HQ_LAD")

    for trust in trusts:
        if trust in hf and trust not in REUSED:
            rows.append({"trust": trust, "stp17": hf[trust], "share": 1.0, "how": "own"})
            notes[trust] = "acute lookup"
        elif trust in etr_icb and trust not in REUSED:
            icb_rows(trust, etr_icb[trust], "HQ ICB")
        elif trust in SUCCESSOR:
            icb_rows(trust, etr_icb[SUCCESSOR[trust]], f"successor {SUCCESSOR[trust]} HQ ICB")
        elif trust in HOME_ICB:
            icb_rows(trust, HOME_ICB[trust], "home ICB")
        elif trust in REUSED:
            icb_rows(trust, etr_icb[trust], "code reused; HQ ICB")
        else:
            raise AssertionError(f"no footprint for trust {trust}")
    frame = pl.DataFrame(rows)
    check = frame.group_by("trust").agg(pl.col("share").sum())
    assert (check["share"] - 1).abs().max() < 1e-9
    assert set(frame["stp17"]) <= set(CODES), set(frame["stp17"]) - set(CODES)
    return frame, notes


def baseline(data: Path, names: dict[str, str]) -> pl.DataFrame:
    k = pl.read_csv(data / KH03, infer_schema_length=0).filter(
        pl.col("financial_year").is_in(YEARS)).select(
        "financial_year", pl.col("fy_quarter").alias("period"), "org_code", "org_name",
        fnum("mental_illness_on_beds_available").alias("available"),
        fnum("mental_illness_on_beds_occupied").alias("occupied"))
    eng = k.filter(pl.col("org_code") == "ENGLAND")
    assert eng.height == 4 * len(YEARS)
    every_trust = k.filter(pl.col("org_code") != "ENGLAND")
    assert every_trust.select("financial_year", "period", "org_code").is_duplicated().sum() == 0
    # the footprints' years only: trusts, their mapping and the extract's gaps are those years'
    trusts = every_trust.filter(pl.col("financial_year").is_in(FOOTPRINT_YEARS))
    mapping, notes = trust_map(data, sorted(trusts["org_code"].unique()))
    fp = trusts.join(mapping, left_on="org_code", right_on="trust").with_columns(
        (pl.col("available") * pl.col("share")).alias("available"),
        (pl.col("occupied") * pl.col("share")).alias("occupied"))

    # Trusts absent from the shared extract in 2018-20 though they had beds before and did not
    # merge: the extract (not England) lacks them, so their footprints are understated.
    k14 = pl.read_csv(data / KH03, infer_schema_length=0).filter(
        (pl.col("financial_year") == "2014-15") & (pl.col("fy_quarter") == "Q4")
        & (pl.col("org_code") != "ENGLAND")).with_columns(fnum("mental_illness_on_beds_available"))
    gone = k14.filter(~pl.col("org_code").is_in(trusts["org_code"].unique().to_list())
                      & (pl.col("mental_illness_on_beds_available") > 50))
    for code in gone["org_code"]:
        if code in MERGED_BEFORE:
            assert MERGED_BEFORE[code] in (trusts["org_code"].to_list()
                                           + gone["org_code"].to_list()), code
    gone = gone.filter(~pl.col("org_code").is_in(list(MERGED_BEFORE)))
    gaps, _ = trust_map(data, gone["org_code"].to_list())
    gap_note: dict[str, list[str]] = {}
    for r in gone.join(gaps, left_on="org_code", right_on="trust").iter_rows(named=True):
        gap_note.setdefault(r["stp17"], []).append(
            f"{r['org_code']} {r['org_name'].title().replace('Nhs', 'NHS')} "
            f"({r['mental_illness_on_beds_available']:.0f}"
            " beds in 2014-15 Q4) has no KH03 row after 2014-15 in the shared extract")
    print("source gaps:", gap_note)

    # Per footprint: which trusts, and the method.
    contrib = fp.group_by("stp17", "org_code").agg(pl.col("share").first()).sort(
        "stp17", "org_code")
    meta: dict[str, dict] = {}
    for code in CODES:
        c = contrib.filter(pl.col("stp17") == code)
        parts = [f"{r['org_code']} ({notes[r['org_code']]})" for r in c.iter_rows(named=True)]
        method = "own_footprint" if c.height else "no_trust_headquartered"
        if code in gap_note:
            method += "_incomplete"
        meta[code] = {"method": method, "trusts": "; ".join(parts) or None,
                      "source_gap": "; ".join(gap_note[code]) if code in gap_note else None}

    quarters = fp.group_by("stp17", "financial_year", "period").agg(
        pl.col("available").sum(), pl.col("occupied").sum(), pl.col("org_code").n_unique()
        .alias("n_trusts"))
    grid = pl.DataFrame({"stp17": CODES}).join(
        trusts.select("financial_year", "period").unique(), how="cross")
    quarters = grid.join(quarters, on=["stp17", "financial_year", "period"], how="left")
    # A footprint with no trust beds has 0 beds there (KH03 lists every trust with beds), not a
    # missing value; occupancy is then undefined.
    quarters = quarters.with_columns(pl.col("available").fill_null(0.0),
                                     pl.col("occupied").fill_null(0.0),
                                     pl.col("n_trusts").fill_null(0))

    rows: list[dict] = []
    src_fp = (f"{SRC_KH03}; trust beds summed to STP17 as in `trusts` (method "
              "in SOURCES.md)")
    for r in eng.iter_rows(named=True):
        rows.append({"footprint_code": ENGLAND, "footprint_name": "England",
                     "financial_year": r["financial_year"], "period": r["period"],
                     "beds_available": r["available"], "beds_occupied": r["occupied"],
                     "n_trusts": every_trust.filter(
                         (pl.col("financial_year") == r["financial_year"])
                         & (pl.col("period") == r["period"])).height,
                     "method": "published_england_row", "trusts": None, "source_gap":
                     "equals the sum of the extract's trust rows; see SOURCES.md",
                     "source": f"{SRC_KH03}, ENGLAND row"})
    for r in quarters.iter_rows(named=True):
        rows.append({"footprint_code": r["stp17"], "footprint_name": names[r["stp17"]],
                     "financial_year": r["financial_year"], "period": r["period"],
                     "beds_available": r["available"], "beds_occupied": r["occupied"],
                     "n_trusts": r["n_trusts"], "method": meta[r["stp17"]]["method"],
                     "trusts": meta[r["stp17"]]["trusts"],
                     "source_gap": meta[r["stp17"]]["source_gap"], "source": src_fp})
    frame = pl.DataFrame(rows, schema_overrides={"beds_available": pl.Float64,
                                                 "beds_occupied": pl.Float64})
    annual = frame.group_by("footprint_code", "footprint_name", "financial_year", "method",
                            "trusts", "source_gap", "source").agg(
        pl.col("beds_available").mean(), pl.col("beds_occupied").mean(),
        pl.col("n_trusts").max(), pl.len().alias("nq"))
    assert (annual["nq"] == 4).all()
    annual = annual.drop("nq").with_columns(pl.lit("year").alias("period"),
                                            (pl.col("source") + "; mean of the four quarters"))
    frame = pl.concat([frame, annual.select(frame.columns)])
    frame = frame.with_columns(
        pl.when(pl.col("beds_available") > 0)
        .then(pl.col("beds_occupied") / pl.col("beds_available")).alias("occupancy"),
        pl.col("beds_available").round(2), pl.col("beds_occupied").round(2))
    frame = frame.with_columns(pl.col("occupancy").round(4))
    frame = frame.select("footprint_code", "footprint_name", "financial_year", "period",
                         "beds_available", "beds_occupied", "occupancy", "n_trusts", "method",
                         "trusts", "source_gap", "source")
    # Published England checks (NHS England KH03).
    e = frame.filter(pl.col("footprint_code") == ENGLAND)
    for fy, av, oc in (("2018-19", 18368, 16378), ("2019-20", 18139, 16068)):
        q4 = e.filter((pl.col("financial_year") == fy) & (pl.col("period") == "Q4")).row(
            0, named=True)
        assert round(q4["beds_available"]) == av and round(q4["beds_occupied"]) == oc, q4
    # Footprints sum to the trust total, which should be England's row.
    sums = frame.filter(pl.col("footprint_code") != ENGLAND).group_by(
        "financial_year", "period").agg(pl.col("beds_available").sum().alias("fp_av"),
                                        pl.col("beds_occupied").sum().alias("fp_oc"))
    gap = e.join(sums, on=["financial_year", "period"]).with_columns(
        ((pl.col("fp_av") / pl.col("beds_available")) - 1).alias("gap_av"),
        ((pl.col("fp_oc") / pl.col("beds_occupied")) - 1).alias("gap_oc"))
    print(gap.select("financial_year", "period", "beds_available", "fp_av", "gap_av",
                     "beds_occupied", "fp_oc", "gap_oc"))
    assert gap["gap_av"].abs().max() < 0.005 and gap["gap_oc"].abs().max() < 0.005
    order = {"Q1": 0, "Q2": 1, "Q3": 2, "Q4": 3, "year": 4}
    return frame.with_columns(pl.col("period").replace_strict(order).alias("_o")).sort(
        pl.col("footprint_code") != ENGLAND, "footprint_code", "financial_year", "_o").drop("_o")


# ---------------------------------------------------------------------------------------------
# inpatient_oaps_quarterly.csv

CHANGED = ("E54000005", "E54000006", "E54000033", "E54000035", "E54000045", "E54000046",
           "E54000047")


def fy_of_quarter(period: str) -> str:
    first, second = period.split(" ")[1].split("/")
    return f"{first}-{second}"


def oaps(data: Path, names: dict[str, str]) -> pl.DataFrame:
    dash = pl.read_csv(data / DASHBOARD, infer_schema_length=0).filter(
        pl.col("sheet") == "CR(iii_a)_FINAL CALC").with_columns(fnum("value"))
    assert (dash["indicator_id"] == "CR(iii.a)").all()
    # Suppressed or missing cells have no row (value_text is never set here): missing stays
    # missing, never zero.
    assert dash["value"].null_count() == 0 and dash["value_text"].null_count() == dash.height
    nat = dash.filter(pl.col("org_type") == "National")
    periods = nat["period"].to_list()
    stp = dash.filter(pl.col("org_type") == "STP")
    ccg = dash.filter(pl.col("org_type") == "CCG")
    # CCG 2021 (E38) → ODS code through the 2022 sub-ICB lookup (same E38 codes for these).
    sub = pl.read_csv(data / LSOA22, infer_schema_length=0).select(
        pl.col("sicbl22_code").alias("ccg21cd"), pl.col("sicbl22_code_h").alias("ods")).unique()
    app = pl.read_csv(data / CCG21_STP17, infer_schema_length=0).with_columns(fnum("share"))
    app = app.join(sub, on="ccg21cd", how="left")
    need = app.filter(pl.col("stp17cd").is_in(CHANGED))
    assert need["ods"].null_count() == 0, need.filter(pl.col("ods").is_null())
    rows: list[dict] = []
    for r in nat.iter_rows(named=True):
        rows.append({"footprint_code": ENGLAND, "footprint_name": "England",
                     "period": r["period"], "bed_days": r["value"], "method": "published",
                     "detail": "", "source": f"{SRC_DASH}, CR(iii.a), National row"})
    for code in CODES:
        for period in periods:
            if code not in CHANGED:
                hit = stp.filter((pl.col("stp_code") == code) & (pl.col("period") == period))
                assert hit.height <= 1
                if hit.height:
                    q = hit["org_code"][0]
                    rows.append({"footprint_code": code, "footprint_name": names[code],
                                 "period": period, "bed_days": hit["value"][0],
                                 "method": "stp_row", "detail": f"STP {q}",
                                 "source": f"{SRC_DASH}, CR(iii.a), STP row {q}"})
                else:
                    rows.append({"footprint_code": code, "footprint_name": names[code],
                                 "period": period, "bed_days": None, "method": "missing",
                                 "detail": "no STP row for this quarter", "source": SRC_DASH})
                continue
            parts = need.filter(pl.col("stp17cd") == code)
            values = ccg.filter(pl.col("period") == period).select(
                pl.col("org_code").alias("ods"), "value")
            got = parts.join(values, on="ods", how="left")
            split = (got["share"] < 1).any()
            detail = "; ".join(f"{r['ods']} {r['ccg21nm']}" + ("" if r["share"] == 1 else
                                                               f" x{r['share']:.4f}")
                               for r in got.sort("ods").iter_rows(named=True))
            if got["value"].null_count():
                value, method = None, "missing"
                detail += "; a CCG row is missing"
            else:
                value = float((got["value"] * got["share"]).sum())
                method = "ccg21_rows_apportioned" if split else "ccg21_rows"
            rows.append({"footprint_code": code, "footprint_name": names[code],
                         "period": period, "bed_days": value, "method": method,
                         "detail": detail,
                         "source": f"{SRC_DASH}, CR(iii.a), CCG 2021 rows" +
                                   (" x LSOA-count shares of "
                                    "geography/derived_ccg21_to_stp17_apportionment.csv"
                                    if split else "")})
    frame = pl.DataFrame(rows, schema_overrides={"bed_days": pl.Float64}).with_columns(
        pl.col("period").map_elements(fy_of_quarter, return_dtype=pl.String)
        .alias("financial_year"), pl.col("period").str.slice(0, 2).alias("quarter"),
        pl.col("bed_days").round(1))
    e = frame.filter(pl.col("footprint_code") == ENGLAND)
    val = dict(zip(e["period"], e["bed_days"]))
    assert val["Q4 2021/22"] == 51935 and val["Q3 2021/22"] == 58735
    # The retained-code STP rows and the CCG 2021 rows must agree where both exist: the sum of
    # a 2021 STP's CCG rows against its STP row (West Yorkshire, QWO, is wholly CCG-built).
    wy = stp.filter(pl.col("org_code") == "QWO").select("period", pl.col("value").alias("stp"))
    wyc = ccg.filter(pl.col("org_code").is_in(["36J", "02T", "X2C4Y", "15F", "03R"])).group_by(
        "period").agg(pl.col("value").sum().alias("ccg"))
    diff = wy.join(wyc, on="period").with_columns((pl.col("ccg") - pl.col("stp")).abs().alias("d"))
    assert diff.height == 18 and diff["d"].max() <= 25, diff
    sums = frame.filter(pl.col("footprint_code") != ENGLAND).group_by("period").agg(
        pl.col("bed_days").sum().alias("fp"), pl.col("bed_days").null_count().alias("n_missing"))
    check = e.select("period", "bed_days").join(sums, on="period").with_columns(
        (pl.col("fp") / pl.col("bed_days") - 1).alias("gap"))
    print(check.sort("period"))
    order = {p: i for i, p in enumerate(periods)}
    frame = frame.with_columns(pl.col("period").replace_strict(order).alias("_o")).sort(
        pl.col("footprint_code") != ENGLAND, "footprint_code", "_o").drop("_o")
    return frame.select("footprint_code", "footprint_name", "financial_year", "quarter",
                        "period", "bed_days", "method", "detail", "source")


# ---------------------------------------------------------------------------------------------
# inpatient_national.csv

def national(data: Path) -> pl.DataFrame:
    sheet = _xlsx_sheet(data / BOOK, "acuity_los")
    assert (sheet["B3"], sheet["C3"], sheet["D3"], sheet["E3"]) == (
        "cal_yr", "spells", "total_los", "avg_los"), "the workbook's layout changed"
    rows: list[dict] = []
    src = (f"The Strategy Unit, nhse_mh_inpat_model national workbook (shared file {BOOK}), "
           "sheet acuity_los")
    for i, year in zip(range(4, 10), range(2017, 2023)):
        assert sheet[f"B{i}"] == str(year), (i, sheet[f"B{i}"])
        spells, total = float(sheet[f"C{i}"]), float(sheet[f"D{i}"])
        avg = float(sheet[f"E{i}"])
        assert abs(total / spells - avg) < 1e-6
        cells = f"row {i} (cal_yr {year})"
        rows += [
            {"item": "mh_inpatient_spells", "year": str(year), "value": spells,
             "unit": "spells", "source": f"{src}, {cells}, column C spells: mental health "
                                         "inpatient spells, England, calendar year (all MH "
                                         "inpatient care, not only adult acute)"},
            {"item": "mh_inpatient_total_los", "year": str(year), "value": total,
             "unit": "bed days", "source": f"{src}, {cells}, column D total_los"},
            {"item": "mh_inpatient_mean_los", "year": str(year), "value": round(avg, 2),
             "unit": "days", "source": f"{src}, {cells}, column E avg_los (= D / C)"}]
    ncc = pl.read_csv(data / NCC, infer_schema_length=0).filter(
        pl.col("department_code") == "Mental Health Provider Spell").with_columns(
        fnum("activity"), fnum("unit_cost"), fnum("cost"))
    src_ncc = (f"NHS England, National Cost Collection 2024/25, national schedule (shared file "
               f"{NCC}), Mental Health Provider Spell, 2024/25 prices")
    units = {"200MHPS": "acute_adult", "201MHPS": "acute_older_adult", "202MHPS": "adult_picu",
             "212MHPS": "adult_rehabilitation_mainstream"}
    got = {}
    for code, label in units.items():
        r = ncc.filter(pl.col("currency_code") == code).row(0, named=True)
        got[label] = r["activity"]
        desc = f"{src_ncc}, {code} {r['currency_desc']}"
        rows.append({"item": f"ncc_bed_days_{label}", "year": "2024-25", "value": r["activity"],
                     "unit": "bed days", "source": desc + ", activity"})
        rows.append({"item": f"ncc_unit_cost_{label}", "year": "2024-25",
                     "value": round(r["unit_cost"], 2), "unit": "GBP per bed day",
                     "source": desc + ", unit_cost"})
    assert round(got["acute_adult"]) == 2461767
    total_all = float(ncc["activity"].sum())
    four = sum(got.values())
    rows.append({"item": "ncc_bed_days_all_mh_provider_spell", "year": "2024-25",
                 "value": total_all, "unit": "bed days",
                 "source": f"{src_ncc}, sum of activity over all {ncc.height} MHPS currencies "
                           "(adult, secure, CYP, unknown)"})
    rows.append({"item": "adult_acute_share_of_four_adult_types", "year": "2024-25",
                 "value": round(got["acute_adult"] / four, 4), "unit": "fraction",
                 "source": f"{src_ncc}: 200MHPS / (200 + 201 older adult + 202 PICU + 212 "
                           "rehabilitation) bed days"})
    rows.append({"item": "adult_acute_share_of_all_mh_bed_days", "year": "2024-25",
                 "value": round(got["acute_adult"] / total_all, 4), "unit": "fraction",
                 "source": f"{src_ncc}: 200MHPS / all MHPS bed days"})
    frame = pl.DataFrame(rows, schema_overrides={"value": pl.Float64})
    r = frame.filter(pl.col("item") == "ncc_unit_cost_acute_adult")
    assert r["value"][0] == 719.10
    return frame


def main(argv: list[str] | None = None) -> int:
    data = data_folder(argv, __doc__)
    names = footprint_names()
    write_csv(baseline(data, names), "inpatient_baseline.csv")
    write_csv(oaps(data, names), "inpatient_oaps_quarterly.csv")
    write_csv(national(data), "inpatient_national.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
