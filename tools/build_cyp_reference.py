"""Build stpmodel's bundled children and young people's mental health (CYP) baselines.

    .venv/bin/python tools/build_cyp_reference.py              # reads ../shared/data
    .venv/bin/python tools/build_cyp_reference.py --data DIR   # another copy of the files

Writes, in stpmodel/data/:

- ``cyp_baseline.csv``: CYP aged under 18 with one or more contacts with NHS-funded mental
  health services in the 12 months to March 2022, England (the Mental Health Dashboard's
  674,485) and the 44 STP footprints of April 2017 (the sum of their CCG 2021 rows, with the
  three CCGs that straddle 2017 footprints split by LSOA-count share, as for iapt_need.csv);
- ``cyp_population.csv``: persons by footprint and single year of age 0 to 25, ONS mid-2021
  estimates derived to STP17 footprints (both sexes), so that need can be taken for any age
  band within 0–25 (population.csv has bands 16-17 and 18-24, 25-34 only).

How each number is derived is written in stpmodel/data/SOURCES.md. Output is sorted and
formatted as tools/build_reference.py does, so a rebuild from the same inputs is byte-identical.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import build_reference  # noqa: E402
from build_reference import CODES, data_folder, write_csv  # noqa: E402

ENGLAND = "E92000001"
ENGLAND_DASHBOARD = 674_485  # NHS England, Mental Health Dashboard Q4 2021/22, CYP(i.b)
ACCESS = "cyp/nhse_cyp_access_1plus_2plus_contacts_by_ccg2021_rolling12m_2020-21_2021-22.csv"
APPORTION = "geography/derived_ccg21_to_stp17_apportionment.csv"
POPULATION = "population/derived_stp17_44_population_mid2021_mid2022_sya_sex.csv"
SOURCE = ("NHS England, CYP access (1+ contacts, rolling 12 months to Q4 2021/22) by CCG 2021, "
          "from NHS England's data file for the Children's Commissioner 2022 (OCC data file, "
          "sheet CYP (i.b)); Mental Health Dashboard Q4 2021/22 for England")


def _key(name: pl.Expr) -> pl.Expr:
    """CCG names as the two files spell them: case and '&' for 'and' aside."""
    return name.str.to_uppercase().str.replace_all("&", "AND").str.replace_all(r"\s+", " ")


def access(data: Path) -> pl.DataFrame:
    ccg = pl.read_csv(data / ACCESS, infer_schema_length=0).with_columns(
        _key(pl.col("ccg21_name")).alias("k"),
        pl.col("cyp_1plus_contact_2021_22").cast(pl.Float64).alias("value"))
    share = pl.read_csv(data / APPORTION, infer_schema_length=0).with_columns(
        _key(pl.col("ccg21nm")).alias("k"), pl.col("share").cast(pl.Float64))
    missing = ccg.join(share, on="k", how="anti")
    if missing.height:
        raise SystemExit(f"CCGs with no footprint: {missing['ccg21_name'].to_list()}")
    joined = ccg.join(share, on="k").with_columns(
        (pl.col("value") * pl.col("share")).alias("part"))
    rows = []
    for code in CODES:
        mine = joined.filter(pl.col("stp17cd") == code).sort("ccg21_code")
        split = mine.filter(pl.col("share") < 1.0)
        detail = "; ".join(f"{r['ccg21_code']} {r['value']:.0f}"
                           + (f" × {r['share']}" if r["share"] < 1.0 else "")
                           for r in mine.iter_rows(named=True))
        rows.append({"footprint_code": code, "financial_year": "2021-22",
                     "measure": "cyp_access_1plus_rolling12m",
                     "value": round(float(mine["part"].sum()), 2),
                     "method": "ccg21_rows_apportioned" if split.height else "ccg21_rows",
                     "detail": detail, "source": SOURCE})
    total = sum(r["value"] for r in rows)
    england = {"footprint_code": ENGLAND, "financial_year": "2021-22",
               "measure": "cyp_access_1plus_rolling12m", "value": float(ENGLAND_DASHBOARD),
               "method": "published",
               "detail": f"dashboard England; the 44 footprints (and the 106 CCG rows) sum to "
                         f"{total:,.0f}, {ENGLAND_DASHBOARD - total:,.0f} fewer (activity of "
                         "unknown geography, and rounding to 5)", "source": SOURCE}
    return pl.DataFrame([england, *rows])


def population(data: Path) -> pl.DataFrame:
    frame = pl.read_csv(data / POPULATION).filter((pl.col("mid_year") == 2021)
                                                  & (pl.col("age") <= 25))
    by = (frame.group_by("stp17cd", "age").agg(pl.col("population").sum().alias("est_2021"))
          .rename({"stp17cd": "footprint_code"}))
    if set(by["footprint_code"]) != set(CODES):
        raise SystemExit("population: not the 44 footprints")
    return by.sort("footprint_code", "age")


def main() -> None:
    data = data_folder(None, __doc__)
    write_csv(access(data), "cyp_baseline.csv")
    write_csv(population(data), "cyp_population.csv")
    print(f"wrote cyp_baseline.csv and cyp_population.csv in {build_reference.OUT}")


if __name__ == "__main__":
    main()
