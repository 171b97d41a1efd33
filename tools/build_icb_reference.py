"""Build stpmodel's bundled ICB geography: the 42 Integrated Care Boards of July 2022.

    .venv/bin/python tools/build_icb_reference.py              # reads ../shared/data
    .venv/bin/python tools/build_icb_reference.py --data DIR   # another copy of the files

Writes, in stpmodel/data/:

- ``icbs.csv``: the 42 ICBs: ONS code in force from April 2023 (``code``), ONS code of July
  2022 (``code_2022``; they differ for Surrey Heartlands and Sussex, whose boundary changed in
  2023), ODS Q-code, name, short name, the other names NHS England's files use, NHS England
  region and number of sub-ICB locations;
- ``icb_population.csv``: persons by ICB (2023 boundaries), sex and age band, the ONS mid-2021
  and mid-2022 estimates and the projection to mid-2031, in ``population.csv``'s layout and made
  by the same function (:func:`build_reference.project`).

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

from build_reference import _xlsx_sheet, data_folder, project, write_csv  # noqa: E402

CROSSWALK = "geography/derived_icb_e54_to_ods_qcode_crosswalk_42_icbs.csv"
SUBICB = "geography/derived_subicb2023_e38_ods_to_icb_e54_qcode_lookup_106.csv"
LSOA22 = "geography/ons_lookup_lsoa11_to_sicbl22_icb22_lad22_july2022.csv"
LSOA24 = "geography/ons_lookup_lsoa21_to_sicbl24_icb24_2024.csv"
POP_BOOK = "population/ons_pop_health_geogs_mid2021_mid2022_ccg2021_stp2021_icb2023_sya_sex.xlsx"
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
    """ONS estimates by sub-ICB location 2023 (the workbook's ICB 2023 sheets), summed to ICBs."""
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
    return project(data, pop)


def main(argv: list[str] | None = None) -> int:
    data = data_folder(argv, __doc__)
    table = icbs(data)
    pop = population(data)
    assert set(pop["footprint_code"]) == set(table["code"])
    print("LSOAs whose ICB changed between the 2022 and 2024 lookups:",
          boundary_change(data).rows())
    write_csv(table, "icbs.csv")
    write_csv(pop, "icb_population.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
