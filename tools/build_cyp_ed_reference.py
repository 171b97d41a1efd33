"""Build stpmodel's bundled CYP eating-disorder waiting-time baseline table.

    .venv/bin/python tools/build_cyp_ed_reference.py              # reads ../shared/data
    .venv/bin/python tools/build_cyp_ed_reference.py --data DIR   # another copy of the files

Writes ``stpmodel/data/cyp_ed_baseline.csv``: NHS England's Mental Health Dashboard CYP(ii.a)
(the share of children and young people with an eating disorder, urgent cases, who waited 1 week
or less from referral to starting NICE-approved treatment) and CYP(ii.b) (routine cases, 4 weeks
or less), for England and each of the 44 STP footprints of April 2017, Q4 2021/22. The dashboard
gives shares only, no counts, so the footprints are read as the EIP baseline is
(tools/build_eip_reference.py: the STP row, or CCG 2021 rows weighted by adults 16+).

How each number is derived is written in stpmodel/data/SOURCES.md. A rebuild from the same
inputs is byte-identical.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from build_eip_reference import share_baseline  # noqa: E402
from build_iapt_reference import SRC_DASH  # noqa: E402
from build_reference import data_folder, footprint_names, write_csv  # noqa: E402

# England, Q4 2021/22, as the dashboard prints them (to 0.1 point): 61.9% and 64.1%
ENGLAND_URGENT, ENGLAND_ROUTINE = 0.619, 0.641


def baseline(data: Path, names: dict[str, str]) -> pl.DataFrame:
    urgent = share_baseline(
        data, names, "CYP(ii_a)_FINAL CALC", "within",
        f"{SRC_DASH}, CYP(ii.a) (% of CYP with eating disorders seen within 1 week, urgent)")
    routine = share_baseline(
        data, names, "CYP(ii_b)_FINAL CALC", "within",
        f"{SRC_DASH}, CYP(ii.b) (% of CYP with eating disorders seen within 4 weeks, routine)")
    frame = pl.concat([urgent.with_columns(pl.lit("urgent").alias("pathway"),
                                           pl.lit(7).alias("standard_days")),
                       routine.with_columns(pl.lit("routine").alias("pathway"),
                                            pl.lit(28).alias("standard_days"))])
    frame = frame.select("footprint_code", "footprint_name", "period", "pathway",
                         "standard_days", "within", "method", "dashboard_share", "source")
    england = dict(frame.filter(pl.col("footprint_code") == "E92000001")
                   .select("pathway", "within").iter_rows())
    assert (round(england["urgent"], 3), round(england["routine"], 3)) == (ENGLAND_URGENT,
                                                                          ENGLAND_ROUTINE)
    return frame.sort(pl.col("footprint_code") != "E92000001", "footprint_code",
                      pl.col("pathway") != "urgent")


def main(argv: list[str] | None = None) -> int:
    write_csv(baseline(data_folder(argv, __doc__), footprint_names()), "cyp_ed_baseline.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
