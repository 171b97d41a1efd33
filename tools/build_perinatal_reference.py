"""Build stpmodel's bundled perinatal mental health baseline.

    .venv/bin/python tools/build_perinatal_reference.py              # reads ../shared/data
    .venv/bin/python tools/build_perinatal_reference.py --data DIR   # another copy of the files

Writes ``stpmodel/data/perinatal_baseline.csv``: for England and each of the 44 STP footprints
of April 2017, the women accessing specialist community perinatal mental health services in
Q4 2021/22 (NHS England's Mental Health Dashboard, PMH(i.a)) and the births proxy, the
population aged 0 at mid-2021 and mid-2022 (ONS, derived to STP17 footprints).

How each number is derived is written in stpmodel/data/SOURCES.md. The footprint method is the
one tools/build_inpatient_reference.py uses for CR(iii.a): 37 footprints take the dashboard's
row for the STP of 2021 with the same boundary; the seven others sum the CCG 2021 rows, with the
three CCGs that straddle STP17 boundaries split by LSOA-count shares. Output is sorted and
formatted as tools/build_reference.py does, so a rebuild from the same inputs is byte-identical.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from build_reference import CODES, data_folder, footprint_names, write_csv  # noqa: E402

ENGLAND = "E92000001"
PERIOD = "Q4 2021/22"
SHEET = "PMH(i_a)"
DASHBOARD = ("mh_dashboard/nhse_mh_dashboard_q4_2021-22_all_indicators_long_england_region_stp_"
             "ccg.csv")
LSOA22 = "geography/ons_lookup_lsoa11_to_sicbl22_icb22_lad22_july2022.csv"
CCG21_STP17 = "geography/derived_ccg21_to_stp17_apportionment.csv"
POP_STP17 = "population/derived_stp17_44_population_mid2021_mid2022_sya_sex.csv"
SRC_DASH = "NHS England, Mental Health Dashboard Q4 2021/22 v3.2"  # the file: SOURCES.md
SRC_POP = ("ONS mid-year population estimates, age 0, derived to STP17 footprints (shared file "
           f"{POP_STP17})")
# STP17 footprints whose 2021 STP has another boundary (and code): built from CCG 2021 rows.
CHANGED = ("E54000005", "E54000006", "E54000033", "E54000035", "E54000045", "E54000046",
           "E54000047")
WEST_YORKSHIRE = ("36J", "02T", "X2C4Y", "15F", "03R")  # QWO's CCGs of 2021
ENGLAND_Q4_2021_22 = 43_656  # the dashboard's England row (issue 14)


def age0(data: Path) -> pl.DataFrame:
    """Persons aged 0 by footprint at mid-2021 and mid-2022 (both sexes)."""
    pop = pl.read_csv(data / POP_STP17, schema_overrides={"population": pl.Float64})
    zero = pop.filter(pl.col("age") == 0).group_by("stp17cd").agg(
        pl.col("population").filter(pl.col("mid_year") == 2021).sum().alias("age0_2021"),
        pl.col("population").filter(pl.col("mid_year") == 2022).sum().alias("age0_2022"))
    assert sorted(zero["stp17cd"]) == CODES
    return zero.rename({"stp17cd": "footprint_code"})


def baseline(data: Path, names: dict[str, str]) -> pl.DataFrame:
    dash = pl.read_csv(data / DASHBOARD, infer_schema_length=0).filter(
        (pl.col("sheet") == SHEET) & (pl.col("period") == PERIOD)).with_columns(
        pl.col("value").cast(pl.Float64))
    # Suppressed or missing cells have no row: missing stays missing, never zero.
    assert dash["value"].null_count() == 0
    nat = dash.filter(pl.col("org_type") == "National")
    assert nat.height == 1 and nat["value"][0] == ENGLAND_Q4_2021_22
    # STP rows: join on org_code (the ODS Q-code of the STP of 2020/21); the ONS CCG (April
    # 2020) → STP lookup, bundled as stp20_codes.csv, gives its E54 code. The 37 STPs whose code
    # is an STP17 code kept the 2017 boundary.
    codes = pl.read_csv(ROOT / "stpmodel" / "data" / "stp20_codes.csv", infer_schema_length=0)
    q_to_e54 = dict(zip(codes["ods_code"], codes["stp20cd"]))
    stp = dash.filter(pl.col("org_type") == "STP").with_columns(
        pl.col("org_code").replace_strict(q_to_e54).alias("e54"))
    assert stp.height == 42 and stp["e54"].n_unique() == 42
    ccg = dash.filter(pl.col("org_type") == "CCG").select(pl.col("org_code").alias("ods"),
                                                           "value")
    # CCG 2021 (E38) → ODS code through the 2022 sub-ICB lookup (same E38 codes for these).
    sub = pl.read_csv(data / LSOA22, infer_schema_length=0).select(
        pl.col("sicbl22_code").alias("ccg21cd"), pl.col("sicbl22_code_h").alias("ods")).unique()
    app = pl.read_csv(data / CCG21_STP17, infer_schema_length=0).with_columns(
        pl.col("share").cast(pl.Float64)).join(sub, on="ccg21cd", how="left")
    parts_all = app.filter(pl.col("stp17cd").is_in(CHANGED))
    assert parts_all["ods"].null_count() == 0

    rows: list[dict] = [{"footprint_code": ENGLAND, "footprint_name": "England",
                         "women_accessing": nat["value"][0], "method": "published", "detail": "",
                         "source": f"{SRC_DASH}, {SHEET}, {PERIOD}, National row"}]
    for code in CODES:
        if code not in CHANGED:
            hit = stp.filter(pl.col("e54") == code)

            assert hit.height == 1, code
            q = hit["org_code"][0]
            rows.append({"footprint_code": code, "footprint_name": names[code],
                         "women_accessing": hit["value"][0], "method": "stp_row",
                         "detail": f"STP {q}",
                         "source": f"{SRC_DASH}, {SHEET}, {PERIOD}, STP row {q}"})
            continue
        got = parts_all.filter(pl.col("stp17cd") == code).join(ccg, on="ods", how="left")
        assert got["value"].null_count() == 0, got.filter(pl.col("value").is_null())
        split = bool((got["share"] < 1).any())
        detail = "; ".join(f"{r['ods']} {r['ccg21nm']}" + ("" if r["share"] == 1 else
                                                           f" x{r['share']:.4f}")
                           for r in got.sort("ods").iter_rows(named=True))
        rows.append({"footprint_code": code, "footprint_name": names[code],
                     "women_accessing": float((got["value"] * got["share"]).sum()),
                     "method": "ccg21_rows_apportioned" if split else "ccg21_rows",
                     "detail": detail,
                     "source": f"{SRC_DASH}, {SHEET}, {PERIOD}, CCG 2021 rows" +
                               (" x LSOA-count shares of "
                                "geography/derived_ccg21_to_stp17_apportionment.csv"
                                if split else "")})
    frame = pl.DataFrame(rows, schema_overrides={"women_accessing": pl.Float64}).with_columns(
        pl.col("women_accessing").round(1))
    # West Yorkshire (QWO) is wholly CCG-built: the STP row must agree with its five CCG rows.
    wy = float(stp.filter(pl.col("org_code") == "QWO")["value"][0])
    wy_ccg = float(ccg.filter(pl.col("ods").is_in(WEST_YORKSHIRE))["value"].sum())
    print(f"West Yorkshire STP row (QWO) {wy:,.0f}; its five CCG 2021 rows {wy_ccg:,.0f}")
    assert abs(wy_ccg - wy) <= 0.05 * wy, (wy, wy_ccg)
    zero = age0(data)
    frame = frame.join(zero, on="footprint_code", how="left")
    england = frame.filter(pl.col("footprint_code") != ENGLAND).select(
        pl.col("age0_2021").sum(), pl.col("age0_2022").sum())
    frame = frame.with_columns(
        pl.when(pl.col("footprint_code") == ENGLAND).then(england["age0_2021"][0])
        .otherwise(pl.col("age0_2021")).alias("age0_2021"),
        pl.when(pl.col("footprint_code") == ENGLAND).then(england["age0_2022"][0])
        .otherwise(pl.col("age0_2022")).alias("age0_2022"),
        pl.lit(PERIOD).alias("period"), pl.lit(SRC_POP).alias("age0_source"))
    fp_sum = frame.filter(pl.col("footprint_code") != ENGLAND)["women_accessing"].sum()
    print(f"England {ENGLAND_Q4_2021_22:,}; footprints sum to {fp_sum:,.1f} "
          f"({fp_sum / ENGLAND_Q4_2021_22 - 1:+.2%}); STP rows sum to {stp['value'].sum():,.0f}")
    return frame.select("footprint_code", "footprint_name", "period", "women_accessing",
                        "method", "detail", "source", "age0_2021", "age0_2022", "age0_source")


def main(argv: list[str] | None = None) -> int:
    data = data_folder(argv, __doc__)
    names = footprint_names()
    write_csv(baseline(data, names), "perinatal_baseline.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
