"""Build stpmodel's bundled CYP mental health spend table.

    .venv/bin/python tools/build_cyp_spend_reference.py              # reads ../shared/data
    .venv/bin/python tools/build_cyp_spend_reference.py --data DIR   # another copy of the files

Writes ``stpmodel/data/cyp_spend.csv``: NHS England's CYP mental health spend (excluding
learning disability and eating disorders) and CYP eating-disorder spend by the 42 ICBs of July
2022, 2017/18 to 2021/22, in each year's own prices (cash), as the OCC data file gives them
(shared file ``cyp/nhse_cyp_mh_spend_by_icb2022_2017-18_to_2021-22.csv``). An ICB whose July 2022
ONS code is a 2017 STP's (29 of 42: the same area) carries that STP's code too; the other STPs
have no spend of their own in the file. A rebuild from the same inputs is byte-identical.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from build_reference import CODES, data_folder, write_csv  # noqa: E402

SPEND = "cyp/nhse_cyp_mh_spend_by_icb2022_2017-18_to_2021-22.csv"
SOURCE = ("NHS England, OCC CYP MH and MH spend data file 2021/22, CYP(v) and CYP(vi), by ICB "
          f"(shared file {SPEND}); cash: each year's own prices")
# England, as stpmodel/data's source notes give the file's sums (£m, to 0.1)
ENGLAND = {"2017/18": (640.5, 46.7), "2021/22": (927.1, 71.9)}


def baseline(data: Path) -> pl.DataFrame:
    icbs = pl.read_csv(ROOT / "stpmodel" / "data" / "icbs.csv", infer_schema_length=0).select(
        pl.col("ods_code").alias("icb_ods_code"), pl.col("code").alias("icb_code"),
        "code_2022", pl.col("short_name").alias("icb_name"))
    spend = pl.read_csv(data / SPEND).rename({"cyp_mh_spend_excl_ld_ed_gbp": "cyp_mh_spend",
                                              "cyp_ed_spend_gbp": "cyp_ed_spend"})
    frame = spend.join(icbs, on="icb_ods_code", how="left")
    assert frame["icb_code"].null_count() == 0 and frame["icb_code"].n_unique() == 42
    frame = frame.with_columns(
        pl.when(pl.col("code_2022").is_in(CODES)).then(pl.col("code_2022"))
        .otherwise(None).alias("stp17_code"),
        pl.col("financial_year").alias("price_year"), pl.lit(SOURCE).alias("source"))
    assert frame.filter(pl.col("stp17_code").is_not_null())["icb_code"].n_unique() == 29
    for year, (mh, ed) in ENGLAND.items():
        rows = frame.filter(pl.col("financial_year") == year)
        assert round(rows["cyp_mh_spend"].sum() / 1e6, 1) == mh
        assert round(rows["cyp_ed_spend"].sum() / 1e6, 1) == ed
    return frame.select("icb_code", "icb_ods_code", "icb_name", "stp17_code", "financial_year",
                        "price_year", pl.col("cyp_mh_spend").round(2),
                        pl.col("cyp_ed_spend").round(2), "source").sort("icb_code",
                                                                        "financial_year")


def main(argv: list[str] | None = None) -> int:
    write_csv(baseline(data_folder(argv, __doc__)), "cyp_spend.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
