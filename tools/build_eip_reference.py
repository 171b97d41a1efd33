"""Build stpmodel's bundled early intervention in psychosis (EIP) baseline table.

    .venv/bin/python tools/build_eip_reference.py              # reads ../shared/data
    .venv/bin/python tools/build_eip_reference.py --data DIR   # another copy of the same files

Writes ``stpmodel/data/eip_baseline.csv``: NHS England's Mental Health Dashboard EIP(i_a), the
share of referrals with suspected first episode psychosis entering treatment that waited two
weeks or less, for England and each of the 44 STP footprints of April 2017, Q4 2021/22. The
dashboard gives rates only, no counts.

How each number is derived is written in stpmodel/data/SOURCES.md. The output is sorted and
formatted as tools/build_reference.py does, so a rebuild from the same inputs is byte-identical.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from build_iapt_reference import (  # noqa: E402
    CCG21_STP17,
    CHANGED_STP21,
    DASHBOARD,
    ENGLAND,
    POP_BOOK,
    SRC_DASH,
    _norm,
    ccg21_adults,
    read_dashboard,
)
from build_reference import CODES, data_folder, footprint_names, write_csv  # noqa: E402

SHEET = "EIP(i)_FINAL CALC"
BASELINE = "Q4 2021/22"  # the latest quarter in the dashboard
QUARTERS = (BASELINE,)
ENGLAND_Q4_2021_22 = 0.682  # the published headline, to 0.1 point (stpmodel/data/SOURCES.md)


def qcode_to_stp21(data: Path) -> dict[str, str]:
    """ODS Q-code → STP 2021 ONS code, from the dashboard's IAPT(i_a) STP rows (the EIP sheet
    keeps the region code in its stp_code column)."""
    iapt = read_dashboard(data, ("IAPT(i_a)_FINAL CALC",)).filter(pl.col("org_type") == "STP")
    pairs = dict(zip(iapt["org_code"], iapt["stp_code"]))
    assert len(pairs) == 42, len(pairs)
    return pairs


def share_baseline(data: Path, names: dict[str, str], sheet: str, column: str, src: str,
                   quarters: tuple[str, ...] = QUARTERS) -> pl.DataFrame:
    """A dashboard indicator that is a share (no counts), for England and the 44 footprints in
    ``quarters``: the STP row where the footprint's 2021 STP kept its 2017 code (37), else its
    CCG 2021 rows weighted by adults 16+ (7), each with its method and source. The value is in
    ``column``."""
    dash = read_dashboard(data, (sheet,)).filter(pl.col("period").is_in(quarters))
    to_stp21 = qcode_to_stp21(data)
    rows = []
    for r in dash.filter(pl.col("org_type") == "National").iter_rows(named=True):
        rows.append({"footprint_code": ENGLAND, "footprint_name": "England",
                     "period": r["period"], column: r["value"], "method": "dashboard",
                     "dashboard_share": 1.0, "source": f"{src}; England row"})
    stps = dash.filter(pl.col("org_type") == "STP").with_columns(
        pl.col("org_code").replace_strict(to_stp21).alias("stp21cd"))
    direct = stps.filter(~pl.col("stp21cd").is_in(CHANGED_STP21))
    assert direct["stp21cd"].n_unique() == 37
    for r in direct.iter_rows(named=True):
        assert r["stp21cd"] in CODES, r  # same ONS code, so the 2017 boundary
        rows.append({"footprint_code": r["stp21cd"], "footprint_name": names[r["stp21cd"]],
                     "period": r["period"], column: r["value"],
                     "method": "dashboard" if r["value"] is not None else "suppressed",
                     "dashboard_share": 1.0 if r["value"] is not None else 0.0,
                     "source": f"{src}; STP row {r['org_code']}"
                               + ("" if r["value"] is not None else " (suppressed, '*')")})
    # The seven footprints inside the five changed STPs of 2021: CCG 2021 rates, weighted by
    # adults 16+ (the dashboard gives no counts), split CCGs by their LSOA-count shares.
    pop = ccg21_adults(data).with_columns(pl.col("ccg21nm").map_elements(
        _norm, return_dtype=pl.String).alias("key"))
    ccgs = dash.filter(pl.col("org_type") == "CCG").with_columns(
        pl.col("org_name").map_elements(_norm, return_dtype=pl.String).alias("key"))
    shares = pl.read_csv(data / CCG21_STP17).select("ccg21cd", "stp17cd", "share")
    base = pop.filter(pl.col("stp21cd").is_in(CHANGED_STP21)).join(shares, on="ccg21cd",
                                                                   how="left")
    assert base["stp17cd"].null_count() == 0
    for period in quarters:
        part_q = base.join(ccgs.filter(pl.col("period") == period).select(
            "key", "org_code", "value"), on="key", how="left")
        assert part_q["org_code"].null_count() == 0, part_q.filter(pl.col("org_code").is_null())
        for code, part in part_q.group_by("stp17cd", maintain_order=True):
            code = str(code[0])
            weight = part["adults"] * part["share"]
            has = part["value"].is_not_null()
            total = weight.sum()
            rated = weight.filter(has).sum()
            value = ((part["value"].filter(has) * weight.filter(has)).sum() / rated
                     if rated > 0 else None)
            listing = "; ".join(
                r["org_code"] + ("" if r["share"] == 1 else f" x{r['share']:g}")
                + (f" {r['value']:g}" if r["value"] is not None else " suppressed")
                for r in part.sort("org_code").iter_rows(named=True))
            rows.append({"footprint_code": code, "footprint_name": names[code],
                         "period": period, column: value,
                         "method": "ccg21_weighted" if value is not None else "suppressed",
                         "dashboard_share": round(rated / total, 4),
                         "source": f"{src}; CCG 2021 rows ({listing}) weighted by ONS mid-2021 "
                                   f"adults 16+ ({POP_BOOK}) x the LSOA-count shares of "
                                   f"{CCG21_STP17}; suppressed CCGs left out"})
    frame = pl.DataFrame(rows, schema_overrides={column: pl.Float64}).with_columns(
        pl.col(column).round(4),
        pl.col("period").replace_strict({q: i for i, q in enumerate(quarters)},
                                        return_dtype=pl.Int64).alias("order"))
    frame = frame.sort(pl.col("footprint_code") != ENGLAND, "footprint_code", "order").select(
        "footprint_code", "footprint_name", "period", column, "method", "dashboard_share",
        "source")
    for quarter in quarters:
        codes = frame.filter(pl.col("period") == quarter)["footprint_code"].to_list()
        assert codes == [ENGLAND, *CODES], quarter
    return frame


def baseline(data: Path, names: dict[str, str]) -> pl.DataFrame:
    frame = share_baseline(data, names, SHEET, "within_2_weeks",
                           f"{SRC_DASH}, EIP(i_a) (% of referrals with suspected FEP entering "
                           "treatment within 2 weeks)")
    assert round(frame["within_2_weeks"][0], 3) == ENGLAND_Q4_2021_22
    return frame


def main(argv: list[str] | None = None) -> int:
    data = data_folder(argv, __doc__)
    names = footprint_names()
    assert DASHBOARD  # the file read, named in SOURCES.md
    write_csv(baseline(data, names), "eip_baseline.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
