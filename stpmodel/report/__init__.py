"""``stpmodel report``: one self-contained HTML file for a board paper.

The page holds, in order: a headline summary (the final year's key figures, the standards met,
the notes), the national standards by year, the charts (fan charts of the 5th to 95th
percentile over draws for beds and out-of-area placements, investment against savings and the
net present value, the workforce, and the other uncertain headline metrics; the tornado when
some values are uncertain), when the scenario has schemes the schemes and priorities (the
efficient frontier, the waterfall and the schemes ranked: :mod:`.schemes`), the figures by
year, the assumptions with their sources, and how the run was made.
Charts are inline SVG drawn by matplotlib (:mod:`.charts`), styles are inline CSS: the page
needs no script, no network and no file beside it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from ..model import Projection, run
from ..results import (
    notes,
    partial_periods_of,
    percentile_column,
    tabulate,
    total_label,
    total_notes,
    total_rows,
)
from ..runinfo import Assumed
from ..scenario import Scenario
from ..services import KEY_METRICS, METRICS, STANDARDS, SUMMARY
from . import charts
from .page import render

if TYPE_CHECKING:
    from .schemes import Schemes

PERCENTILES = (5, 50, 95)
TORNADO_PREFERENCE = ("npv", "oap_bed_days", "net_cost", "investment", "iapt_access_rate")
MAX_UNCERTAIN_CHARTS = 6

_METRIC = {m.name: m for m in METRICS}


@dataclass
class Chart:
    """One chart of the page: its id (``data-chart``), heading, caption and SVG."""

    key: str
    heading: str
    caption: str
    svg: str


@dataclass
class Report:
    """Everything the page shows."""

    scenario: Scenario
    footprint: tuple[str, str]  # (code, name) of the figures shown: the total for several
    years: pl.DataFrame  # the tidy table by financial year, for the shown footprint
    notes: list[str]
    meta: Mapping[str, object]
    assumed: Sequence[Assumed]
    charts: list[Chart] = field(default_factory=list)
    tornado_note: str = ""
    schemes: Schemes | None = None  # the section on the scenario's schemes, when it has some


def build(scenario: Scenario, meta: Mapping[str, object], assumed: Sequence[Assumed], *,
          tornado_metric: str | None = None,
          progress: Callable[[int], object] | None = None,
          say: Callable[[str], object] = lambda line: None) -> Report:
    """Run ``scenario`` once and gather the page (and the tornado's runs, when values are
    uncertain). ``say`` is told, in a line, of the long steps."""
    projection = run(scenario, progress=progress)
    years = tabulate(projection, "year", PERCENTILES)
    months = tabulate(projection, "month", PERCENTILES)
    footprints = projection.footprints
    shown = footprints[0] if len(footprints) == 1 else total_label(footprints)
    whole = projection if len(footprints) == 1 else Projection(
        scenario, projection.timeline, footprints, total_rows(projection.out)[:, None])
    lines = (partial_periods_of(projection.timeline, "year")
             + (notes(projection, "year") if len(footprints) == 1 else [])
             + total_notes(whole))
    years = years.filter(pl.col("footprint_code") == shown[0])
    months = months.filter(pl.col("footprint_code") == shown[0])
    result = Report(scenario, shown, years, lines, meta, assumed)
    result.charts = _charts(years, months)
    tornado = _tornado(scenario, years, tornado_metric, say)
    if tornado is not None:
        chart, note = tornado
        result.charts.append(chart)
        result.tornado_note = note
    if scenario.do_minimum.schemes:
        from .schemes import build_schemes

        result.schemes = build_schemes(scenario, say)
    return result


def write_html(report: Report) -> str:
    """The page's HTML."""
    return render(report)


# ---------------------------------------------------------------------------------------------
# The series


def _band(frame: pl.DataFrame, metric: str, label: str, colour: str,
          dates: bool) -> charts.Band | None:
    rows = frame.filter(pl.col("metric") == metric).sort("period")
    if rows.height == 0:
        return None
    periods = rows["period"].to_list()
    x = [_month(p) for p in periods] if dates else periods
    if "value" in rows.columns:
        return charts.Band(label, x, rows["value"].to_list(), colour=colour)
    low, mid, high = (percentile_column(p) for p in PERCENTILES)
    return charts.Band(label, x, rows[mid].to_list(), rows[low].to_list(),
                       rows[high].to_list(), colour)


def _month(label: str) -> datetime.date:
    return datetime.date(int(label[:4]), int(label[5:7]), 1)


def _has(frame: pl.DataFrame, metric: str) -> bool:
    return frame.filter(pl.col("metric") == metric).height > 0


def _charts(years: pl.DataFrame, months: pl.DataFrame) -> list[Chart]:
    out: list[Chart] = []
    several = "mean" in years.columns
    spread = "The band is the 5th to 95th percentile over draws, the line the median." \
        if several else "One draw: the central estimate."
    shown: set[str] = set()

    beds = [b for b in (_band(months, "beds_needed", "beds needed", charts.RED, True),
                        _band(months, "mh_beds", "local beds open", charts.BLUE, True))
            if b is not None]
    if beds:
        shown.update({"beds_needed", "mh_beds"})
        out.append(Chart("beds", "Beds", "Adult acute beds open against the beds needed to "
                         "hold local and out-of-area bed days at the target occupancy, by "
                         f"month. {spread}", charts.fan_chart("Adult acute beds",
                                                              beds, "beds")))
    oaps = _band(months, "oap_bed_days", "out-of-area bed days", charts.RED, True)
    if oaps is not None:
        shown.add("oap_bed_days")
        out.append(Chart("oaps", "Out-of-area placements", "Bed days spent out of area, by "
                         f"month. {spread}", charts.fan_chart(
                             "Out-of-area placements: bed days a month", [oaps], "bed days")))
    money = [_band(years, "investment", "investment", charts.BLUE, False),
             _band(years, "cash_savings", "cash savings", charts.GREEN, False),
             _band(months, "npv", "NPV", charts.DARK_BLUE, True)]
    if all(b is not None for b in money):
        investment, savings, npv = money
        assert investment is not None and savings is not None and npv is not None
        shown.update({"investment", "cash_savings", "npv"})
        years_list = sorted(set(years["period"].to_list()))
        out.append(Chart("money", "Investment, savings and NPV",
                         "Left: investment above the start month's spend and the cash savings, "
                         "by financial year (whiskers: the 5th to 95th percentile). Right: the "
                         "net present value of cash savings less investment since the start, "
                         "discounted, "
                         f"by month. {spread}",
                         charts.money_chart(years_list, investment, savings, npv)))
    staff = [b for b in (_band(months, "wte_required", "WTE required", charts.RED, True),
                         _band(months, "wte_available", "WTE in post", charts.BLUE, True))
             if b is not None]
    gap = _band(months, "wte_gap", "WTE gap", charts.RED, True)
    if staff and gap is not None:
        shown.update({"wte_required", "wte_available", "wte_gap"})
        out.append(Chart("workforce", "Workforce", "Staff required across services against "
                         f"staff in post, by month. {spread}",
                         charts.fan_chart("Workforce: WTE required and in post", staff, "WTE")))
        out.append(Chart("workforce-gap", "Workforce gap", "Staff needed but not in post "
                         f"(required − in post), by month. {spread}",
                         charts.fan_chart("Workforce gap", [gap], "WTE")))
    if several:
        out += _uncertain(years, shown, spread)
    return out


def _uncertain(years: pl.DataFrame, shown: set[str], spread: str) -> list[Chart]:
    """Fan charts, by year, of the headline metrics whose 5th and 95th percentiles differ."""
    low, high = percentile_column(PERCENTILES[0]), percentile_column(PERCENTILES[-1])
    out: list[Chart] = []
    for name in dict.fromkeys((*SUMMARY, *KEY_METRICS)):
        if name in shown or not _has(years, name):
            continue
        rows = years.filter(pl.col("metric") == name)
        width = (rows[high] - rows[low]).abs().max()
        if width is None or not isinstance(width, float | int) or width <= 1e-9:
            continue
        band = _band(years, name, name, charts.BLUE, False)
        assert band is not None
        metric = _METRIC[name]
        out.append(Chart(f"uncertain-{name}", name, f"{metric.description.capitalize()} "
                         f"[{metric.unit}], by financial year. {spread}",
                         charts.fan_chart(name, [band], metric.unit)))
        if len(out) == MAX_UNCERTAIN_CHARTS:
            break
    return out


def _tornado(scenario: Scenario, years: pl.DataFrame, metric: str | None,
             say: Callable[[str], object] = lambda line: None) -> tuple[Chart, str] | None:
    """The tornado chart for ``metric`` (default: the first of :data:`TORNADO_PREFERENCE`
    reported) in the last year, when the scenario has uncertain values."""
    from ..sampling import uncertain_values
    from ..sensitivity import tornado

    if not uncertain_values(scenario):
        return None
    reported = set(years["metric"].to_list())
    if metric is None:
        metric = next((m for m in TORNADO_PREFERENCE if m in reported),
                      next((m for m in SUMMARY if m in reported), None))
        if metric is None:
            return None
    n = len(uncertain_values(scenario))
    say(f"the tornado of {metric}: {n} uncertain value(s), {2 * n + 1} more runs")
    result = tornado(scenario, metric, None, "year")
    rows = [(str(r["parameter"]), float(r["metric_at_p10"]), float(r["metric_at_p90"]))
            for r in result.frame.iter_rows(named=True)]
    title = f"Tornado: {metric}, {result.period}"
    caption = (f"Each uncertain value set to its 10th and then its 90th percentile, every other "
               f"at its median: {metric} [{result.unit}] in {result.period}, against "
               f"{_plain_value(result.central, result.unit)} with every value at its median. "
               "The longest bar matters most.")
    svg = charts.tornado_chart(title, result.central, rows, result.unit)
    return Chart("tornado", "Which uncertain values matter most", caption, svg), metric


def _plain_value(value: float, unit: str) -> str:
    from ..output import format_value

    return format_value(value, unit)


def standards_rows(years: pl.DataFrame) -> list[tuple[str, str, dict[str, float | None]]]:
    """(name, description, {period: share of draws met}) for each standard reported."""
    column = "value" if "value" in years.columns else "mean"
    out = []
    for standard in STANDARDS:
        rows = years.filter(pl.col("metric") == standard.row_name)
        if rows.height == 0:
            continue
        out.append((standard.name, standard.description,
                    dict(zip(rows["period"].to_list(), rows[column].to_list()))))
    return out


def write_report(path: Path, html: str, inputs: Sequence[Path], force: bool) -> None:
    """Write the page atomically."""
    from ..output import write_atomic

    write_atomic(path, lambda tmp: tmp.write_text(html, encoding="utf-8"), inputs=inputs,
                 force=force)
