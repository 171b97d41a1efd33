"""The inpatient service's part of ``stpmodel new``: national-default estimates of admissions and
beds, placeholders for stays, the footprint's own OAP cost where published, and its OAP
baseline for comparison."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ...prices import financial_year_of
from ...template import POPULATION_YEAR, TemplateContext, comment_defaults, default_of, num
from .section import Inpatient

if TYPE_CHECKING:
    import polars as pl

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

    fp, out, adults = t.fp, t.out, t.adults
    spells, spells_source = _national("mh_inpatient_spells_2018")
    england_adults = reference.persons(reference.ENGLAND, POPULATION_YEAR, 16)
    share = adults / england_adults
    admissions = round(spells * share)
    occupancy = default_of(Inpatient, "target_occupancy")
    beds = math.ceil(admissions * LOS_STANDARD / 365 / occupancy)
    mean_los, _ = _national("mh_inpatient_mean_los_2018")
    oaps = t.sources.oaps if t.sources.oaps is not None else reference.oaps()
    latest = _latest_oap_month(oaps, fp.code)
    daily = None if latest is None else reference.oap_value(fp.code, latest,
                                                            "average_daily_cost", oaps)
    written = {"admissions", "los_days", "los_cv", "beds"} | ({"oap_cost_per_day"} if daily
                                                              else set())

    out.key("inpatient")
    out.comment(f"NATIONAL-DEFAULT ESTIMATE: England's {spells:,.0f} mental health inpatient "
                f"spells in 2018 ({spells_source}) × this footprint's share of England's adults "
                f"(16+, mid-{POPULATION_YEAR}: {adults:,} ÷ {england_adults:,.0f} = "
                f"{share:.2%}). Those spells include more than adult acute care, so this "
                "overstates adult acute admissions.", 2)
    out.key("admissions", str(admissions), 2)
    out.comment(f"ILLUSTRATIVE PLACEHOLDER: the Long Term Plan standard of {num(LOS_STANDARD)} "
                "days, a target rather than a measured stay. No bundled source gives adult acute "
                f"stays; the England mean of all mental health spells in 2018, {mean_los:g} "
                "days, includes long-stay care.", 2)
    out.key("los_days", num(LOS_STANDARD), 2)
    out.comment("ILLUSTRATIVE PLACEHOLDER: stays as spread as an exponential distribution "
                "(coefficient of variation 1).", 2)
    out.key("los_cv", num(LOS_CV), 2)
    out.comment(f"NATIONAL-DEFAULT ESTIMATE: the beds that would run at the {occupancy:.0%} "
                f"target occupancy: {admissions:,} admissions × {num(LOS_STANDARD)} days ÷ 365 ÷ "
                f"{num(occupancy)}, rounded up. A footprint that places people out of area has "
                "fewer beds than its demand needs: put your own bed count here.", 2)
    out.key("beds", str(beds), 2)
    if daily is not None and latest is not None:
        out.comment(f"SOURCED: {fp.name}'s average recorded daily cost of an out-of-area "
                    f"placement, {latest} ({reference.OAP_SOURCE}, {t.sources.oaps_label}).", 2)
        out.key("oap_cost_per_day", num(daily), 2)
        t.price_years["inpatient.oap_cost_per_day"] = financial_year_of(latest)
    comment_defaults(out, Inpatient, written, always=False,
                     extra="" if daily else f" {fp.name}'s own daily OAP cost is suppressed or "
                                            "not published, so England's applies.")
    _oap_baseline(t, oaps)
    t.assumptions.extend(["inpatient.admissions", "inpatient.los_days", "inpatient.los_cv",
                          "inpatient.beds"])


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
    t.out.comment(f"OAP BASELINE, for comparison ({reference.OAP_SOURCE}, "
                  f"{t.sources.oaps_label}). The model cannot calibrate to it: compare it with "
                  "oap_bed_days in the results, and set beds and stays so that they match. * = "
                  "suppressed; ≥ = a lower bound (some of the footprint's CCGs suppressed).", 2)
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
