"""The report's HTML: one page, inline CSS, inline SVG, no script."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import polars as pl

from ..output import format_money, format_value, money_scale, short_unit
from ..runinfo import LOCAL_ASSUMPTION
from ..services import KEY_METRICS, METRICS, SUMMARY

if TYPE_CHECKING:
    from . import Chart, Report
    from .schemes import Schemes

_METRIC = {m.name: m for m in METRICS}
# What a board asks first, where the scenario reports it; then the rest of the summary.
HEADLINE = ("npv", "investment", "cash_savings", "oap_bed_days", "beds_needed", "wte_gap",
            "iapt_access_rate", "iapt_recovery_rate", "cyp_access_rate",
            "perinatal_access_of_births", "eip_within_2_weeks", "people_accessing_above_start")
MAX_CARDS = 12

CSS = """
:root { --blue: #005EB8; --dark: #003087; --grey: #425563; --pale: #E8EDEE;
        --green: #C6EFCE; --green-text: #006100; --amber: #FFEB9C; --amber-text: #9C5700;
        --red: #FFC7CE; --red-text: #9C0006; }
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; color: #231f20; margin: 0 auto;
       max-width: 1000px; padding: 24px 32px 48px; line-height: 1.45; }
header { border-bottom: 4px solid var(--blue); margin-bottom: 16px; }
h1 { color: var(--dark); font-size: 1.7rem; margin: 0 0 4px; }
h2 { color: var(--dark); font-size: 1.25rem; margin: 32px 0 8px;
     border-bottom: 1px solid var(--pale); padding-bottom: 4px; }
h3 { font-size: 1rem; margin: 20px 0 4px; }
.sub { color: var(--grey); margin: 0 0 12px; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; margin: 8px 0; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--pale); text-align: left;
         vertical-align: top; }
th { background: #F0F4F5; }
td.n, th.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.met { background: var(--green); color: var(--green-text); text-align: center; }
td.not-met { background: var(--red); color: var(--red-text); text-align: center;
             font-weight: bold; }
td.some { background: var(--amber); color: var(--amber-text); text-align: center; }
td.na { color: #aeb7bd; text-align: center; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 10px;
         margin: 12px 0; }
.card { border: 1px solid var(--pale); border-left: 4px solid var(--blue); padding: 8px 12px; }
.card .label { font-size: 0.78rem; color: var(--grey); }
.card .value { font-size: 1.3rem; font-weight: bold; color: var(--dark); }
.card .range { font-size: 0.75rem; color: var(--grey); }
figure.chart { margin: 16px 0 24px; }
figure.chart svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 0.8rem; color: var(--grey); }
ul.notes { font-size: 0.9rem; }
td.local { color: var(--red-text); font-weight: bold; }
.source { font-size: 0.78rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px;
          font-size: 0.8rem; }
dl.meta dt { font-weight: bold; }
dl.meta dd { margin: 0; word-break: break-all; }
@media print { body { max-width: none; padding: 0; } figure.chart { break-inside: avoid; } }
"""

# Only on a page with schemes, so that a page without is as it was.
SCHEMES_CSS = """table.key td:first-child, td.letter { font-weight: bold; color: var(--dark);
                                      width: 2.5em; }
tr.chosen td { background: #F0F4F5; }
"""


def render(report: Report) -> str:
    scenario = report.scenario
    code, name = report.footprint
    years = report.years
    column = "value" if "value" in years.columns else "mean"
    periods = sorted(set(years["period"].to_list()))
    final = periods[-1]
    draws = scenario.n_draws
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(scenario.name)}: stpmodel report</title>",
        f"<style>{CSS}{SCHEMES_CSS if report.schemes is not None else ''}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{escape(scenario.name)}</h1>",
        f'<p class="sub">{escape(name)} ({escape(code)}) · '
        f'{escape(str(report.meta.get("start", "")))} to '
        f'{escape(str(report.meta.get("end", "")))} · '
        + (f"mean of {draws:,} draws, with the 5th–95th percentile" if draws > 1
           else "one draw: the central estimate")
        + "</p>",
        "</header>",
    ]
    if scenario.description:
        parts.append(f"<p>{escape(scenario.description)}</p>")
    parts += _headline(report, years, column, final)
    parts += _standards(report, periods)
    if report.charts:
        parts.append('<h2 id="charts">Charts</h2>')
        for chart in report.charts:
            parts += _chart(chart)
    if report.schemes is not None:
        parts += _schemes(report.schemes)
    parts += _figures(years, column, periods)
    parts += _assumptions(report)
    parts += _meta(report)
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _chart(chart: Chart) -> list[str]:
    return [f'<figure class="chart" data-chart="{escape(chart.key)}">',
            f"<h3>{escape(chart.heading)}</h3>",
            _labelled(chart.svg, f"{chart.heading}. {chart.caption}"),
            f"<figcaption>{escape(chart.caption)}</figcaption>",
            "</figure>"]


def _labelled(svg: str, label: str) -> str:
    """The chart's SVG as an image with a name, for screen readers."""
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def _headline(report: Report, years: pl.DataFrame, column: str, final: str) -> list[str]:
    out = ['<h2 id="summary">Summary</h2>']
    last = years.filter(pl.col("period") == final)
    value_of = {r["metric"]: r for r in last.iter_rows(named=True)}
    cards = []
    for name in dict.fromkeys((*HEADLINE, *SUMMARY, *KEY_METRICS)):
        row = value_of.get(name)
        if row is None or row[column] is None:
            continue
        unit = str(row["unit"])
        shown = format_value(row[column], unit)
        extra = ""
        if column == "mean" and row.get("p05") is not None and row.get("p95") is not None \
                and row["p05"] != row["p95"]:
            extra = (f'<div class="range">90% between {escape(format_value(row["p05"], unit))}'
                     f' and {escape(format_value(row["p95"], unit))}</div>')
        cards.append(f'<div class="card"><div class="label">{escape(name)}, {escape(final)}'
                     f'</div><div class="value">{escape(shown)}</div>{extra}</div>')
        if len(cards) == MAX_CARDS:
            break
    standards = last.filter(pl.col("metric").str.starts_with("standard_")
                            & pl.col(column).is_not_null())
    met = standards.filter(pl.col(column) >= 1.0).height
    out.append(f"<p>In {escape(final)}, <strong>{met} of {standards.height}</strong> national "
               "standards that apply are met" + (" in every draw" if column == "mean" else "")
               + ".</p>")
    out.append('<div class="cards">' + "".join(cards) + "</div>")
    if report.notes:
        out.append('<ul class="notes">' + "".join(f"<li>{escape(n)}</li>" for n in report.notes)
                   + "</ul>")
    return out


def _standards(report: Report, periods: list[str]) -> list[str]:
    from . import standards_rows

    rows = standards_rows(report.years)
    if not rows:
        return []
    out = ['<h2 id="standards">National standards by year</h2>',
           '<p class="sub">Green: met. Red: not met. Amber: met in some draws (the share '
           "shown). A dash: the standard does not apply that year.</p>",
           '<table id="standards-table"><thead><tr><th>standard</th>'
           + "".join(f'<th class="n">{escape(p)}</th>' for p in periods)
           + "</tr></thead><tbody>"]
    for name, description, by_period in rows:
        cells = []
        for period in periods:
            value = by_period.get(period)
            if value is None:
                cells.append('<td class="na">–</td>')
            elif value >= 1.0:
                cells.append('<td class="met">met</td>')
            elif value <= 0.0:
                cells.append('<td class="not-met">not met</td>')
            else:
                cells.append(f'<td class="some">{value:.0%} of draws</td>')
        out.append(f'<tr><td><strong>{escape(name)}</strong><br><span class="source">'
                   f"{escape(description)}</span></td>{''.join(cells)}</tr>")
    out.append("</tbody></table>")
    return out


def _figures(years: pl.DataFrame, column: str, periods: list[str]) -> list[str]:
    """The summary metrics by year, as run's table shows them."""
    out = ['<h2 id="figures">Figures by year</h2>',
           "<table><thead><tr><th>metric</th><th>unit</th>"
           + "".join(f'<th class="n">{escape(p)}</th>' for p in periods)
           + "</tr></thead><tbody>"]
    for name in SUMMARY:
        rows = years.filter(pl.col("metric") == name)
        if rows.height == 0:
            continue
        unit = str(rows["unit"][0])
        by_period = dict(zip(rows["period"].to_list(), rows[column].to_list()))
        scale = money_scale(by_period.values()) if unit.startswith("£") else None
        cells = "".join(f'<td class="n">{escape(format_value(by_period.get(p), unit, scale))}'
                        "</td>" for p in periods)
        title = escape(_METRIC[name].description) if name in _METRIC else ""
        out.append(f'<tr><td title="{title}">{escape(name)}</td><td>'
                   f"{escape(short_unit(unit))}</td>{cells}</tr>")
    out.append("</tbody></table>")
    return out


def _assumptions(report: Report) -> list[str]:
    out = ['<h2 id="assumptions">Assumptions and their sources</h2>',
           '<p class="sub">Every value the run used. <em>Default</em>: a national default with '
           "its published source. <em>Local assumption</em>: a placeholder in the scenario, to "
           "replace with local figures."
           + (" Values of the first footprint; each has its own in the file."
              if len(report.scenario.members) > 1 else "") + "</p>",
           "<table><thead><tr><th>key</th><th>value</th><th>unit</th><th>set by</th>"
           "<th>source</th></tr></thead><tbody>"]
    for item in report.assumed:
        local = item.source == LOCAL_ASSUMPTION
        out.append(f"<tr><td>{escape(item.key)}</td><td>{escape(item.value)}</td>"
                   f"<td>{escape(item.unit)}</td><td>{escape(item.set_by)}</td>"
                   f'<td class="source{" local" if local else ""}">{escape(item.source)}'
                   "</td></tr>")
    out.append("</tbody></table>")
    return out


def _meta(report: Report) -> list[str]:
    out = ['<h2 id="meta">How this report was made</h2>', '<dl class="meta">']
    for key, value in report.meta.items():
        if isinstance(value, list):  # the notes and assumptions: shown above
            continue
        out.append(f"<dt>{escape(key)}</dt><dd>{escape(str(value))}</dd>")
    out.append("</dl>")
    return out


def _schemes(section: Schemes) -> list[str]:
    """The schemes and priorities: the frontier with its key of letters, the waterfall, and
    the schemes ranked with the portfolio chosen."""
    result = section.result
    chosen = result.chosen
    letter_of = {name: code for code, name, _ in section.letters}
    base = result.measured.base.benefit(result.objective)
    head = (f"<p>The scenario has {len(section.letters)} schemes to fund or not; the figures "
            "above are the plan's, every scheme funded. ")
    if chosen is None:
        head += (f"No portfolio, not even the do-minimum (the scenario without its schemes), "
                 f"is within {escape(section.limits)}, so none is chosen; the frontier below "
                 "shows what each costs. <code>stpmodel prioritise</code> with "
                 "<code>--budget</code> or <code>--wte</code> chooses within other limits. ")
    else:
        names = ", ".join(f"{n} ({letter_of[n]})" for n in chosen.schemes) or \
            "none: the do-minimum"
        head += (f"Chosen within {escape(section.limits)}, for the most "
                 f"{escape(section.benefit_unit)}: <strong>{escape(names)}</strong>, at a PV "
                 f"cost of {escape(format_money(chosen.pv_investment))} for "
                 f"{escape(section.show(chosen.benefit(result.objective)))} "
                 f"{escape(section.benefit_unit)} against {escape(section.show(base))} with "
                 "the do-minimum (the scenario without its schemes). ")
    out = ['<h2 id="schemes">Schemes and priorities</h2>', f"{head}{escape(section.method)}</p>"]
    if result.notes:
        out.append('<ul class="notes">' + "".join(f"<li>{escape(n)}</li>" for n in result.notes)
                   + "</ul>")
    out += _chart(section.charts[0])
    out.append('<table class="key" id="schemes-key"><thead><tr><th>letter</th><th>scheme</th>'
               "<th>what it does</th></tr></thead><tbody>")
    for code, name, description in section.letters:
        out.append(f"<tr><td>{escape(code)}</td><td>{escape(name)}</td>"
                   f'<td class="source">{escape(description)}</td></tr>')
    out.append("</tbody></table>")
    for chart in section.charts[1:]:
        out += _chart(chart)
    unit = escape(section.benefit_unit)
    out += ["<h3>The schemes ranked</h3>",
            '<p class="sub">Each scheme alone against the do-minimum, most cost-effective '
            "first (the waterfall's part is its share of the change to the plan). Shaded: in "
            "the portfolio chosen.</p>",
            '<table id="schemes-table"><thead><tr><th class="n">rank</th><th>letter</th>'
            '<th>scheme</th><th class="n">PV cost</th><th class="n">PV cash savings</th>'
            f'<th class="n">{unit}: gain alone</th><th class="n">waterfall part</th>'
            "<th>chosen</th>"
            "</tr></thead><tbody>"]
    for row in section.rows:
        shade = ' class="chosen"' if row.chosen else ""
        out.append(f"<tr{shade}>"
                   f'<td class="n">{row.rank}</td><td class="letter">{escape(row.letter)}</td>'
                   f"<td>{escape(row.name)}</td>"
                   f'<td class="n">{escape(format_money(row.pv_investment))}</td>'
                   f'<td class="n">{escape(format_money(row.pv_cash_savings))}</td>'
                   f'<td class="n">{escape(section.show(row.benefit, signed=True))}</td>'
                   f'<td class="n">{escape(section.show(row.part, signed=True))}</td>'
                   f"<td>{'yes' if row.chosen else '–'}</td></tr>")
    out.append("</tbody></table>")
    return out
