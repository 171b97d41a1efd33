"""The report's charts, drawn with matplotlib as SVG to inline in the page (no script, no
network, no file beside it).

Each function takes plain series and returns the SVG text of one figure. A fan chart shades
the 5th to 95th percentile over draws and draws the median; with one draw it is a line.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import count
from typing import Any

# Colours: the NHS identity's blues, and its warm red for what goes against the plan.
BLUE, DARK_BLUE, LIGHT_BLUE = "#005EB8", "#003087", "#41B6E6"
GREEN, RED, GREY = "#009639", "#DA291C", "#768692"

_figure_numbers = count(1)


@dataclass(frozen=True)
class Band:
    """One series over time: the median (or the value, for one draw) and, with several draws,
    its 5th and 95th percentiles."""

    label: str
    x: Sequence[Any]  # dates (months) or period labels (years)
    mid: Sequence[float | None]
    low: Sequence[float | None] | None = None
    high: Sequence[float | None] | None = None
    colour: str = BLUE


def _figure(width: float = 7.2, height: float = 3.0, ncols: int = 1) -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    axes = figure.subplots(1, ncols, squeeze=False)[0]
    for ax in axes:
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", color="#E8EDEE", linewidth=0.8)
        ax.set_axisbelow(True)
        ax.tick_params(labelsize=8)
    return figure, axes


def _svg(figure: Any) -> str:
    """The figure as SVG text for inlining: no XML prolog, ids unique in the page."""
    import matplotlib

    number = next(_figure_numbers)
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": f"stpmodel-{number}",
                                "font.family": "sans-serif"}):
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "stpmodel"})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)  # RDF, not needed
    # ids such as "patch_1" repeat from figure to figure: prefix them with the figure's number
    text = re.sub(r'id="([^"]+)"', rf'id="f{number}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#f{number}-\1)", text)
    text = re.sub(r'xlink:href="#([^"]+)"', rf'xlink:href="#f{number}-\1"', text)
    return text


def _values(series: Sequence[float | None]) -> list[float]:
    return [float("nan") if v is None else float(v) for v in series]


def _draw_band(ax: Any, band: Band) -> None:
    mid = _values(band.mid)
    if band.low is not None and band.high is not None:
        ax.fill_between(band.x, _values(band.low), _values(band.high), color=band.colour,
                        alpha=0.18, linewidth=0, label=f"{band.label}: 5th–95th percentile")
    ax.plot(band.x, mid, color=band.colour, linewidth=1.8,
            label=band.label + (" (median)" if band.low is not None else ""))


def _money_axis(ax: Any) -> None:
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(_money_tick))


def _money_tick(value: float, _: object = None) -> str:
    sign = "-" if value < 0 else ""
    size = abs(value)
    if size >= 1e6:
        return f"{sign}£{size / 1e6:,.1f}m".replace(".0m", "m")
    if size >= 1e3:
        return f"{sign}£{size / 1e3:,.0f}k"
    return f"{sign}£{size:,.0f}"


def _percent_axis(ax: Any) -> None:
    from matplotlib.ticker import PercentFormatter

    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def fan_chart(title: str, bands: Sequence[Band], unit: str) -> str:
    """One or more series over time, each with its 5th–95th percentile band."""
    figure, (ax,) = _figure()
    for band in bands:
        _draw_band(ax, band)
    ax.set_title(title, fontsize=10, loc="left")
    _unit_axis(ax, unit)
    ax.legend(fontsize=7, frameon=False, loc="best")
    return _svg(figure)


def _unit_axis(ax: Any, unit: str) -> None:
    if unit.startswith("£"):
        _money_axis(ax)
    elif unit.startswith("fraction"):
        _percent_axis(ax)
    else:
        ax.set_ylabel(unit, fontsize=8)


def money_chart(years: Sequence[str], investment: Band, savings: Band, npv: Band) -> str:
    """Investment against savings by year (bars, with the 5th–95th percentile as whiskers),
    and the net present value over time (a fan)."""
    import numpy as np

    figure, (left, right) = _figure(width=7.2, height=3.0, ncols=2)
    x = np.arange(len(years))
    width = 0.38
    for offset, band in ((-width / 2, investment), (width / 2, savings)):
        mid = np.array(_values(band.mid))
        errors = None
        if band.low is not None and band.high is not None:
            errors = np.vstack([mid - np.array(_values(band.low)),
                                np.array(_values(band.high)) - mid]).clip(min=0)
        left.bar(x + offset, mid, width, color=band.colour, label=band.label, yerr=errors,
                 error_kw={"elinewidth": 0.8, "capsize": 2, "ecolor": "#425563"})
    left.set_xticks(x, list(years), fontsize=7)
    left.set_title("Investment and savings by year", fontsize=10, loc="left")
    _money_axis(left)
    left.legend(fontsize=7, frameon=False)
    _draw_band(right, npv)
    right.axhline(0, color=GREY, linewidth=0.8)
    right.set_title("Net present value", fontsize=10, loc="left")
    _money_axis(right)
    right.legend(fontsize=7, frameon=False, loc="best")
    return _svg(figure)


def tornado_chart(title: str, central: float, rows: Sequence[tuple[str, float, float]],
                  unit: str) -> str:
    """Each uncertain value's effect: a bar from the metric at the value's 10th percentile to
    the metric at its 90th, around the metric with every value at its median."""
    height = 1.0 + 0.32 * max(1, len(rows))
    figure, (ax,) = _figure(height=height)
    labels = [name for name, _, _ in rows][::-1]
    for i, (_, at_low, at_high) in enumerate(rows[::-1]):
        ax.barh(i, at_low - central, left=central, color=LIGHT_BLUE, height=0.6,
                label="at its 10th percentile" if i == len(rows) - 1 else None)
        ax.barh(i, at_high - central, left=central, color=DARK_BLUE, height=0.6,
                label="at its 90th percentile" if i == len(rows) - 1 else None)
    ax.axvline(central, color=GREY, linewidth=0.8)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color="#E8EDEE", linewidth=0.8)
    ax.set_title(title, fontsize=10, loc="left")
    if unit.startswith("£"):
        from matplotlib.ticker import FuncFormatter

        ax.xaxis.set_major_formatter(FuncFormatter(_money_tick))
    elif unit.startswith("fraction"):
        from matplotlib.ticker import PercentFormatter

        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    ax.legend(fontsize=7, frameon=False, loc="upper center", ncols=2,
              bbox_to_anchor=(0.5, -0.12 - 0.25 / height))
    return _svg(figure)


# ---------------------------------------------------------------------------------------------
# Schemes: the frontier and the waterfall


@dataclass(frozen=True)
class Point:
    """One portfolio on the frontier chart."""

    label: str  # its schemes' letters, e.g. "A+C+E"; "do-minimum" for none
    cost: float  # PV of investment over the run [£]
    benefit: float
    within: bool  # within the limits (budget and staff)


def frontier_chart(title: str, points: Sequence[Point], chosen: Point | None,
                   others: Sequence[tuple[float, float]], benefit_unit: str) -> str:
    """The efficient frontier: PV cost against benefit, each frontier portfolio a point on
    a staircase (filled within the limits, hollow outside them); the chosen portfolio ringed
    and labelled in bold (on the frontier or not); ``others`` (cost, benefit) are the
    portfolios run that are off the frontier, faint."""
    from matplotlib.ticker import FuncFormatter

    figure, (ax,) = _figure(height=3.6)
    if others:
        ax.scatter([c for c, _ in others], [b for _, b in others], s=10, color=GREY,
                   alpha=0.35, linewidths=0, label="other portfolios", zorder=1)
    ax.step([p.cost for p in points], [p.benefit for p in points], where="post", color=GREY,
            linewidth=1.0, zorder=2)
    shown = [*points, *([chosen] if chosen is not None and chosen not in points else [])]
    inside = [p for p in shown if p.within]
    outside = [p for p in shown if not p.within]
    if inside:
        ax.scatter([p.cost for p in inside], [p.benefit for p in inside], s=36, color=BLUE,
                   edgecolors=BLUE, linewidths=1.2, label="within the limits", zorder=3)
    if outside:
        ax.scatter([p.cost for p in outside], [p.benefit for p in outside], s=36,
                   facecolors="white", edgecolors=BLUE, linewidths=1.2,
                   label="outside the limits", zorder=3)
    for p in shown:
        mine = p == chosen
        ax.annotate(p.label, (p.cost, p.benefit), textcoords="offset points", xytext=(-5, 5),
                    ha="right", va="bottom", fontsize=7,
                    color=DARK_BLUE if mine else "#425563",
                    fontweight="bold" if mine else "normal", zorder=4)
    if chosen is not None:
        ax.scatter([chosen.cost], [chosen.benefit], s=160, facecolors="none", edgecolors=RED,
                   linewidths=1.6, label=f"chosen: {chosen.label}", zorder=4)
    ax.xaxis.set_major_formatter(FuncFormatter(_money_tick))
    ax.set_xlabel("present value of investment over the run", fontsize=8)
    ax.set_ylabel(benefit_unit, fontsize=8)
    ax.set_title(title, fontsize=10, loc="left")
    ax.margins(x=0.08, y=0.12)
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    return _svg(figure)


@dataclass(frozen=True)
class Bar:
    """One bar of a waterfall: from ``bottom`` to ``bottom + height`` (a negative height goes
    down)."""

    label: str
    bottom: float
    height: float
    kind: str  # "total" (the do-minimum and the plan, from zero) or "step"

    @property
    def top(self) -> float:
        return self.bottom + self.height


def waterfall_bars(start: float | Fraction, parts: Sequence[tuple[str, float | Fraction]],
                   end: float | Fraction, *, first: str = "do-minimum",
                   last: str = "plan") -> list[Bar]:
    """The bars of a waterfall: ``start`` from zero, each part floating from the running total
    (summed exactly, as fractions) to the next, and ``end`` from zero. Where the parts add up
    (Shapley values or steps in order do, exactly), the last part's top is ``end``."""
    running = Fraction(start)
    bars = [Bar(first, 0.0, float(running), "total")]
    for name, part in parts:
        step = Fraction(part)
        bars.append(Bar(name, float(running), float(step), "step"))
        running += step
    bars.append(Bar(last, 0.0, float(Fraction(end)), "total"))
    return bars


def waterfall_chart(title: str, bars: Sequence[Bar], unit: str,
                    show: Callable[[float, bool], str]) -> str:
    """A waterfall: the totals from zero, each step floating up (green) or down (red) from
    the one before, joined by thin lines; each bar labelled with ``show(value, signed)``."""
    import numpy as np

    figure, (ax,) = _figure(height=3.4)
    x = np.arange(len(bars))
    for i, bar in enumerate(bars):
        colour = DARK_BLUE if bar.kind == "total" else GREEN if bar.height >= 0 else RED
        ax.bar(i, bar.height, 0.6, bottom=bar.bottom, color=colour)
        value = bar.height
        top = max(bar.bottom, bar.top)
        ax.annotate(show(value, bar.kind == "step"), (i, top), textcoords="offset points",
                    xytext=(0, 2), ha="center", va="bottom", fontsize=7, color="#425563")
        if i + 1 < len(bars):
            level = bar.top
            ax.plot([i + 0.3, i + 0.7], [level, level], color=GREY, linewidth=0.7,
                    linestyle=(0, (2, 2)))
    ax.set_xticks(x, [b.label for b in bars], fontsize=7)
    ax.axhline(0, color=GREY, linewidth=0.8)
    _unit_axis(ax, unit)
    ax.set_title(title, fontsize=10, loc="left")
    ax.margins(y=0.12)
    return _svg(figure)
