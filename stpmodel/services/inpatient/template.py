"""The inpatient service's part of ``stpmodel new``: the footprint's measured beds and the
admissions that carry its measured occupancy (calibration.py), placeholders for stays, its own
OAP cost where published, and its OAP baseline for comparison."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...prices import financial_year_of
from ...template import TemplateContext, Text, comment_defaults, num
from .section import Inpatient

if TYPE_CHECKING:
    import polars as pl

    from .calibration import Baseline

LOS_STANDARD = 32.0  # days: NHS Long Term Plan, mental health deliverables 2023/24
LOS_CV = 1.0  # illustrative placeholder: stays as spread as an exponential distribution


def _national(item: str) -> tuple[float, str]:
    import polars as pl

    from ... import reference

    frame = reference.national()
    row = frame.filter(pl.col("item") == item).row(0, named=True)
    return float(row["value"]), str(row["source"])


def template(t: TemplateContext) -> None:
    from ... import reference
    from . import calibration

    fp, out = t.fp, t.out
    base = calibration.baseline(fp.code, LOS_STANDARD)
    share = calibration.share()
    mean_los, _ = _national("mh_inpatient_mean_los_2018")
    oaps = t.sources.oaps if t.sources.oaps is not None else reference.oaps()
    latest = _latest_oap_month(oaps, fp.code)
    daily = None if latest is None else reference.oap_value(fp.code, latest,
                                                            "average_daily_cost", oaps)
    written = ({"admissions", "los_days", "los_cv", "beds", "pool_beds"}
               | ({"oap_cost_per_day"} if daily else set()))

    out.key("inpatient")
    how = (f"{fp.name}'s own trusts' KH03 mental illness beds" if base.measured else
           f"KH03 does not measure {fp.name}'s beds by its trusts' headquarters, so its share "
           "of adults of the beds England's KH03 row leaves once the measured footprints are "
           "counted")
    out.comment(f"SOURCED, MEASURED: adult acute beds, 2018/19 (mean of the quarters): {how}, × "
                f"{share:.4f} (adult acute's share of adult bed days, National Cost Collection "
                f"2024/25) = {base.beds:,}, {base.occupied:,.1f} of them occupied. Method: "
                "stpmodel/services/inpatient/calibration.py.", 2)
    out.key("beds", str(base.beds), 2)
    published = ("" if base.published is None else
                 f" and the Mental Health Dashboard's {base.published:,.0f} inappropriate OAP bed "
                 "days in 2018/19 (CR(iii.a), the sum of its quarters)")
    _fitted(out, base, f"SOURCED, FITTED to the beds above, their occupancy{published}: "
                       f"{calibration.FITS[base.how]}.",
            f"ILLUSTRATIVE PLACEHOLDER: the Long Term Plan standard of {num(LOS_STANDARD)} "
            "days, a target rather than a measured stay. No bundled source gives adult acute "
            f"stays; the England mean of all mental health spells in 2018, {mean_los:g} days, "
            "includes long-stay care. If you change it, scale admissions so that admissions × "
            "stay stays the same: the load is what was measured.")
    if daily is not None and latest is not None:
        out.comment(f"SOURCED: {fp.name}'s average recorded daily cost of an out-of-area "
                    f"placement, {latest} ({reference.OAP_SOURCE}, {t.sources.oaps_label}).", 2)
        out.key("oap_cost_per_day", num(daily), 2)
        t.price_years["inpatient.oap_cost_per_day"] = financial_year_of(latest)
    comment_defaults(out, Inpatient, written, always=False,
                     extra="" if daily else f" {fp.name}'s own daily OAP cost is suppressed or "
                                            "not published, so England's applies.")
    _oap_baseline(t, oaps)
    t.assumptions.extend(["inpatient.los_days", "inpatient.los_cv"])


def _fitted(out: Text, base: Baseline, how: str, stays: str) -> None:
    """The keys `new` writes alike after the beds, for an STP and an ICB: the pools (``how``
    says how they were fitted), the admissions that offer the fitted load, and the placeholder
    stays (``stays`` says why) and their spread."""
    out.comment(f"{how} {base.pools} pool{'s' if base.pools > 1 else ''}; offered load "
                f"{base.load:,.1f} beds, so occupancy {base.occupancy:.1%} and "
                f"{base.modelled:,.0f} OAP bed days a year.", 2)
    out.key("pool_beds", str(base.pool_beds), 2)
    out.comment(f"SOURCED, FITTED: the admissions that offer that load with the stays below: "
                f"{base.load:,.1f} × 365.25 ÷ {num(LOS_STANDARD)}.", 2)
    out.key("admissions", str(base.admissions), 2)
    out.comment(stays, 2)
    out.key("los_days", num(LOS_STANDARD), 2)
    out.comment("ILLUSTRATIVE PLACEHOLDER: stays as spread as an exponential distribution "
                "(coefficient of variation 1).", 2)
    out.key("los_cv", num(LOS_CV), 2)


def _latest_oap_month(oaps: pl.DataFrame, code: str) -> str | None:
    import polars as pl

    months = oaps.filter(pl.col("footprint_code") == code)["period"].unique().sort()
    return None if not months.len() else str(months[-1])


def _oap_baseline(t: TemplateContext, oaps: pl.DataFrame) -> None:
    import polars as pl

    from ... import reference
    from ...iotools.oaps import PARTIAL

    mine = oaps.filter(pl.col("footprint_code") == t.fp.code)
    if not mine.height:
        return
    t.out.comment(f"OAP BASELINE by month, for comparison ({reference.OAP_SOURCE}, "
                  f"{t.sources.oaps_label}); pool_beds and admissions above are fitted to "
                  "2018/19's quarterly figures instead. * = suppressed; ≥ = a lower bound (some "
                  "of the footprint's CCGs suppressed).", 2)
    for month in mine["period"].unique().sort().to_list():
        rows = {r["measure"]: r for r in mine.filter(pl.col("period") == month)
                .iter_rows(named=True)}
        parts = [_oap_figure(rows.get("oap_days"), "OAP days"),
                 _oap_figure(rows.get("recorded_cost"), "recorded cost", "£"),
                 _oap_figure(rows.get("active_at_end"), "active at month end")]
        note = " (from 17 October)" if month in PARTIAL else ""
        t.out.comment(f"- {month}{note}: " + ", ".join(p for p in parts if p) + ".", 2)


def _oap_figure(row: dict[str, Any] | None, unit: str, pound: str = "") -> str:
    """``846 OAP days``; ``≥ 304 OAP days`` where some cells are suppressed; ``* OAP days``."""
    if row is None:
        return ""
    if row["value"] is not None:
        return f"{pound}{row['value']:,.0f} {unit}"
    if row["published"] is not None:
        return f"≥ {pound}{row['published']:,.0f} {unit}"
    return f"* {unit}"


def icb_template(t: TemplateContext) -> None:
    """Beds for an ICB, 2025/26 to 2029/30: its own trusts' KH03 beds in 2024/25 (the latest
    bundled: its first two quarters) × the adult acute share, the admissions that carry its
    measured occupancy in pools of England's calibrated size (calibration.baseline with
    geography icb2022). An ICB whose beds KH03 does not measure by its trusts' headquarters
    gets no inpatient section: its beds are a required input, and the text says so."""
    import polars as pl

    from ... import baselines
    from . import calibration

    fp, out = t.fp, t.out
    year = calibration.ICB_YEAR
    if fp.code not in calibration.measured(year, geography=calibration.ICB2022):
        out.comment(f"INPATIENT: no bundled bed count for {fp.name}. KH03 counts beds by "
                    "trust, placed in the ICB of the trust's headquarters, and no mental "
                    f"health trust's beds measure {fp.name}'s own (its residents' beds are in "
                    "a trust headquartered elsewhere, or its trust's KH03 figures cannot be "
                    "read as beds and occupancy; stpmodel/data/SOURCES.md). Beds are then a "
                    "required input: to model beds, add a section with your own figures:", 0)
        out.comment("inpatient:\n  beds: ...        # REQUIRED: adult acute beds, from your "
                    "trust\n  admissions: ...  # REQUIRED: admissions a year\n  los_days: 32\n"
                    "  los_cv: 1", 0)
        return
    base = calibration.baseline(fp.code, LOS_STANDARD, calibration.ICB2022)
    share = calibration.share()
    rows = baselines.icb_inpatient_beds().filter(
        (pl.col("footprint_code") == fp.code) & (pl.col("financial_year") == year)
        & (pl.col("period") == "year")).row(0, named=True)
    out.key("inpatient")
    out.comment(f"SOURCED, MEASURED: adult acute beds, {year} (mean of {rows['quarters']}, the "
                f"quarters bundled): {fp.name}'s own trusts' KH03 mental illness beds "
                f"({rows['trusts']}; {baselines.ICB_KH03_SOURCE}), "
                f"{rows['beds_available']:,.1f}, × {share:.4f} (adult acute's share of adult "
                f"bed days, National Cost Collection 2024/25) = {base.beds:,}, "
                f"{base.occupied:,.1f} of them occupied. Used as the April 2025 figure. Method: "
                "stpmodel/services/inpatient/calibration.py.", 2)
    out.key("beds", str(base.beds), 2)
    _fitted(out, base, "SOURCED, FITTED to the beds above and their occupancy: no OAP bed days "
                       f"by ICB are bundled for {year}, so England's pool size, calibrated on "
                       f"2018/19 ({base.pool_beds} beds), with the load that carries the "
                       "measured occupancy.",
            f"ILLUSTRATIVE PLACEHOLDER: {num(LOS_STANDARD)} days, the Long Term Plan's 2023/24 "
            "standard, a target rather than a measured stay. If you change it, scale admissions "
            "so that admissions × stay stays the same.")
    comment_defaults(out, Inpatient, {"admissions", "los_days", "los_cv", "beds", "pool_beds"},
                     always=False)
    t.assumptions.extend(["inpatient.los_days", "inpatient.los_cv"])
