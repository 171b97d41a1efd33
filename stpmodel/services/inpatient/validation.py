"""The inpatient service's part of docs/validation.md: England's back-cast of beds, occupancy and
out-of-area placements beside the published figures (``make docs`` writes the table between its
markers; the service declares it in ``Service.docs``).

scenarios/england-inpatient-backcast.yaml, as shipped (its draws' mean), against KH03 (England,
mental illness sector; stpmodel/data/inpatient_baseline.csv) and the Mental Health Dashboard's
inappropriate OAP bed days (CR(iii.a), by quarter; stpmodel/data/inpatient_oaps_quarterly.csv).
The back-cast's pools and demand are fitted to 2018/19 alone (calibration.py), so 2018/19's OAP
bed days are in sample and every later figure is out of sample; its beds are inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent.parent
BACKCAST = ROOT / "scenarios" / "england-inpatient-backcast.yaml"
ENGLAND = "E92000001"
KH03_YEAR = "2019-20"
QUARTERS = tuple(f"{q} {y}" for y in ("2019/20", "2020/21", "2021/22")
                 for q in ("Q1", "Q2", "Q3", "Q4"))
IN_SAMPLE, OUT_OF_SAMPLE, INPUT = "in sample (fitted)", "out of sample", "input"
# The tolerances: beds ±5%, occupancy ±3 points, OAP bed days ±15%
BEDS, OCCUPANCY, OAPS = 0.05, 0.03, 0.15


@dataclass(frozen=True)
class Row:
    """One published figure beside the model's."""

    figure: str
    published: float
    source: str
    model: float
    tolerance: float
    sample: str
    share: bool = False  # an error in points, not relative

    @property
    def error(self) -> float:
        return self.model - self.published if self.share else self.model / self.published - 1.0

    @property
    def within(self) -> bool:
        return abs(self.error) <= self.tolerance + 1e-12


@cache  # one run of the national scenario per process: make docs and the tests both ask
def _model() -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], float]]:
    """The means over the shipped draws: (period, metric) → England's value by quarter and
    financial year, and (footprint code, metric) → each footprint's and England's value in
    2019/20."""
    import polars as pl

    from ...model import run
    from ...results import tabulate
    from ...scenario import load_scenario

    scenario = load_scenario(BACKCAST)
    result = run(scenario)
    column = "mean" if scenario.n_draws > 1 else "value"
    quarters = tabulate(result, "quarter").filter(pl.col("footprint_code") == ENGLAND)
    years = tabulate(result, "year")
    england = pl.concat([quarters, years.filter(pl.col("footprint_code") == ENGLAND)])
    in_2019 = years.filter(pl.col("period") == "2019/20").select(
        "footprint_code", "metric", column).iter_rows()
    return ({(p, m): v for p, m, v in england.select("period", "metric", column).iter_rows()},
            {(c, m): v for c, m, v in in_2019})


def footprint_correlation(model_2019: dict[tuple[str, str], float]) -> tuple[float, int]:
    """Pearson's r between the model's and the dashboard's 2019/20 OAP bed days over the
    footprints the dashboard gives all four quarters for, and how many footprints that is."""
    import numpy as np
    import polars as pl

    from ... import baselines

    published = (baselines.inpatient_oaps_quarterly()
                 .filter((pl.col("financial_year") == "2019-20")
                         & (pl.col("footprint_code") != ENGLAND)
                         & pl.col("bed_days").is_not_null())
                 .group_by("footprint_code").agg(pl.col("bed_days").sum(), pl.len().alias("n"))
                 .filter(pl.col("n") == 4))
    pairs = [(model_2019[(c, "oap_bed_days")], v) for c, v in published.select(
        "footprint_code", "bed_days").iter_rows() if (c, "oap_bed_days") in model_2019]
    x, y = np.array(pairs).T
    return float(np.corrcoef(x, y)[0, 1]), len(pairs)


def checks() -> tuple[list[Row], tuple[float, int]]:
    import polars as pl

    from ... import baselines

    by_quarter, in_2019 = _model()
    kh03 = baselines.inpatient_baseline().filter(
        (pl.col("footprint_code") == ENGLAND) & (pl.col("financial_year") == KH03_YEAR)
        & (pl.col("period") == "year")).row(0, named=True)
    share = baselines.inpatient_national_value("adult_acute_share_of_four_adult_types",
                                               "2024-25")
    assert share is not None
    beds, occupancy = in_2019[(ENGLAND, "mh_beds")], in_2019[(ENGLAND, "mh_occupancy")]
    kh03_source = "KH03, England, mental illness sector, mean of 2019-20's quarters"
    rows = [
        Row("adult acute beds 2019/20 (`mh_beds`)", kh03["beds_available"] * share,
            kh03_source + f"; × {share:.4f}, adult acute's share of adult bed days, National "
            "Cost Collection 2024/25", beds, BEDS, INPUT),
        Row("occupancy 2019/20 (`mh_occupancy`)", kh03["occupancy"],
            kh03_source + " (all mental illness beds: KH03 has no adult acute figure)",
            occupancy, OCCUPANCY, OUT_OF_SAMPLE, share=True),
    ]
    oaps = baselines.inpatient_oaps_quarterly().filter(pl.col("footprint_code") == ENGLAND)
    published = dict(oaps.select("period", "bed_days").iter_rows())
    dashboard = "Mental Health Dashboard, CR(iii.a), England"
    calibrated = sum(v for k, v in published.items() if k.endswith("2018/19"))
    rows.append(Row("inappropriate OAP bed days 2018/19 (`oap_bed_days`)", calibrated,
                    dashboard + ", the sum of the quarters", by_quarter[("2018/19",
                                                                         "oap_bed_days")],
                    OAPS, IN_SAMPLE))
    for quarter in QUARTERS:
        q, year = quarter.split()
        rows.append(Row(f"inappropriate OAP bed days {quarter} (`oap_bed_days`)",
                        published[quarter], dashboard,
                        by_quarter[(f"{year} {q}", "oap_bed_days")], OAPS, OUT_OF_SAMPLE))
    return rows, footprint_correlation(in_2019)


def reference() -> str:
    from ...docgen.markdown import table

    rows, (r, n) = checks()

    def shown(row: Row, value: float) -> str:
        return f"{value:.1%}" if row.share else f"{value:,.0f}"

    body = table(["figure", "published", "source", "model", "error", "within tolerance",
                  "sample"], [
        (row.figure, shown(row, row.published), row.source, shown(row, row.model),
         f"{row.error * 100:+.1f} pt" if row.share else f"{row.error:+.1%}",
         "yes" if row.within else "**no**", row.sample) for row in rows])
    return body + (f"\nPer footprint, 2019/20 OAP bed days (out of sample), model against the "
                   f"dashboard over the {n} footprints with all four quarters published: "
                   f"Pearson's r = {r:.2f}.\n")
