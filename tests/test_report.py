"""`stpmodel report`: one self-contained HTML page. Its content is checked here; that it
renders in a real browser is checked in headless Chromium at the end (skipped, saying why,
where no Chromium can be found: `make test` installs one where it can)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import polars as pl
import pytest
from typer.testing import CliRunner

from stpmodel.cli import app
from stpmodel.scenario import load_scenario

from .conftest import MINIMAL, SCENARIOS

OAPS = SCENARIOS / "end-oaps.yaml"  # beds, OAPs, crisis; its crisis effects are uncertain
PLAN = SCENARIOS / "ltp-footprint.yaml"  # every service and the money
DRAWS = "6"
# beds, oaps, workforce, workforce-gap; then at most 6 uncertain metrics; then the tornado
OAPS_FIXED = ["beds", "oaps", "workforce", "workforce-gap"]


def invoke(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


class _Page(HTMLParser):
    """What a page holds: its tags, the charts (data-chart) and every URL it refers to."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.charts: list[str] = []
        self.urls: list[str] = []
        self.svgs_in_charts = 0
        self._in_chart = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attributes = dict(attrs)
        if tag == "figure" and "data-chart" in attributes:
            self.charts.append(str(attributes["data-chart"]))
            self._in_chart = True
        if tag == "svg" and self._in_chart:
            self.svgs_in_charts += 1
        for name in ("src", "href", "xlink:href"):
            value = attributes.get(name)
            if value and not str(value).startswith("#"):
                self.urls.append(str(value))

    def handle_endtag(self, tag):
        if tag == "figure":
            self._in_chart = False


@pytest.fixture(scope="module")
def oaps_report(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "plan.html"
    result = invoke("report", OAPS, "-o", path, "--draws", DRAWS)
    assert result.exit_code == 0, result.output
    return path


def parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


def test_the_report_is_one_self_contained_file_with_a_chart_for_each_subject(oaps_report):
    text = oaps_report.read_text(encoding="utf-8")
    page = parse(text)
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    assert page.urls == []  # nothing fetched: no network, no file beside it
    assert not re.search(r"https?://(?!www\.w3\.org/)", text)  # only SVG's namespaces
    assert page.charts[:4] == OAPS_FIXED
    assert page.charts[-1] == "tornado"
    assert all(c.startswith("uncertain-") for c in page.charts[4:-1])
    assert page.svgs_in_charts == len(page.charts)
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids))  # one page of several SVGs: no id twice


def test_the_report_holds_the_standards_by_year_and_every_assumption(oaps_report, tmp_path):
    text = oaps_report.read_text(encoding="utf-8")
    csv = tmp_path / "run.csv"
    assert invoke("run", OAPS, "--draws", DRAWS, "-o", csv).exit_code == 0
    frame = pl.read_csv(csv, infer_schema=False)
    for name in frame.filter(pl.col("unit") == "met")["metric"].unique().to_list():
        assert f"<strong>{name.removeprefix('standard_')}</strong>" in text
    for period in frame["period"].unique().to_list():
        assert f'<th class="n">{period}</th>' in text
    shares = frame.filter((pl.col("unit") == "met") & (pl.col("mean") != ""))
    met = shares.filter(pl.col("mean").cast(pl.Float64) == 1).height
    some = shares.filter(pl.col("mean").cast(pl.Float64).is_between(0, 1, closed="none")).height
    assert text.count('<td class="met">met</td>') == met
    assert len(re.findall(r'<td class="some">\d+% of draws</td>', text)) == some
    for key in load_scenario(OAPS).assumptions:
        assert f"<td>{key}</td>" in text
    assert "scenario_sha256" in text and f"<dd>{DRAWS}</dd>" in text


def test_the_money_chart_comes_with_finance(tmp_path):
    path = tmp_path / "plan.html"
    result = invoke("report", PLAN, "-o", path, "--draws", "1")
    assert result.exit_code == 0, result.output
    charts = parse(path.read_text(encoding="utf-8")).charts
    assert "money" in charts and "beds" in charts
    assert not any(c.startswith("uncertain-") for c in charts)  # one draw: no fans to show


def test_a_scenario_with_nothing_uncertain_has_no_tornado(tmp_path):
    scenario = tmp_path / "minimal.yaml"
    scenario.write_text(MINIMAL)
    path = tmp_path / "plan.html"
    assert invoke("report", scenario, "-o", path).exit_code == 0
    page = parse(path.read_text(encoding="utf-8"))
    assert "tornado" not in page.charts
    assert "workforce" in page.charts


@pytest.mark.parametrize(("args", "message"), [
    (["-o", "plan.csv"], "the report is HTML; give a file ending .html"),
    (["-o", "plan.html", "--tornado", "nope"], "--tornado: unknown metric 'nope'"),
])
def test_bad_requests_are_refused_with_a_message(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = invoke("report", OAPS, "--draws", "2", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_the_report_never_writes_over_its_scenario(tmp_path):
    scenario = tmp_path / "plan.html"  # a scenario named so, however odd
    scenario.write_text(MINIMAL)
    before = scenario.read_bytes()
    result = invoke("report", scenario, "-o", scenario)
    assert result.exit_code in (1, 2)
    assert scenario.read_bytes() == before


# ---------------------------------------------------------------------------------------------
# In a real browser


@pytest.fixture
def chromium() -> str:
    """Chromium's path; the test is skipped, saying why, where there is none (`make test`
    installs it, so CI runs these)."""
    from tools import browser as browser_module  # ours; websocket-client is in the dev extra

    binary = browser_module.find_chromium()
    if binary is None:
        pytest.skip("no Chromium found (apt-get install chromium-headless-shell, or set "
                    "STPMODEL_CHROMIUM): the report's rendering is not checked here")
    return binary


def test_the_report_renders_in_headless_chromium(oaps_report, chromium):
    """Every chart is drawn (an SVG with a size and marks in it), nothing goes to the console
    as an error, and the page asks for nothing but itself."""
    from tools import browser as browser_module

    with browser_module.Browser(chromium) as browser:
        page = browser.open(oaps_report.as_uri())
        charts = browser.evaluate("""[...document.querySelectorAll('figure.chart')].map(f => {
            const svg = f.querySelector('svg');
            const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
            const marks = svg ? [...svg.querySelectorAll('path, rect, use')]
                .filter(e => { const b = e.getBBox(); return b.width > 0 || b.height > 0; })
                .length : 0;
            return {chart: f.dataset.chart, width: box.width, height: box.height, marks,
                    label: svg ? svg.getAttribute('aria-label') : null};
        })""", page)
        title = browser.evaluate("document.title", page)
    assert page.errors == []
    assert page.requests == [oaps_report.as_uri()]
    assert title.startswith(load_scenario(OAPS).name)
    assert [c["chart"] for c in charts][:4] == OAPS_FIXED
    for chart in charts:
        assert chart["width"] > 300 and chart["height"] > 100, chart
        assert chart["marks"] > 10, chart  # axes, ticks, the series: drawn, not empty
        assert chart["label"], chart  # named for a screen reader


def test_a_report_into_a_missing_folder_is_refused_before_the_run(tmp_path):
    result = invoke("report", OAPS, "-o", tmp_path / "no" / "such" / "plan.html")
    assert result.exit_code == 2
    assert f"folder {tmp_path / 'no' / 'such'} does not exist" in result.stderr
    assert "tornado" not in result.stderr  # refused before anything ran


# ---------------------------------------------------------------------------------------------
# Schemes: the frontier, the waterfall and the schemes ranked

SCHEMES = SCENARIOS / "devon-schemes.yaml"  # six schemes and finance.budget
SCHEME_DRAWS = "10"


@pytest.fixture(scope="module")
def schemes_report(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "schemes.html"
    result = invoke("report", SCHEMES, "-o", path, "--draws", SCHEME_DRAWS)
    assert result.exit_code == 0, result.output
    return path


def test_a_scenario_with_schemes_has_the_frontier_the_waterfall_and_the_key(schemes_report):
    text = schemes_report.read_text(encoding="utf-8")
    page = parse(text)
    assert "script" not in page.tags and page.urls == []
    assert text.count('<h2 id="schemes">Schemes and priorities</h2>') == 1
    assert page.charts[-2:] == ["frontier", "waterfall"]
    assert page.svgs_in_charts == len(page.charts)
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids))
    # the key: each scheme's letter, in the scenario's order, names it
    key = text[text.index('<table class="key" id="schemes-key">'):]
    key = key[:key.index("</table>")]
    names = [s.name for s in load_scenario(SCHEMES).schemes]
    assert re.findall(r"<tr><td>([A-Z])</td><td>([^<]+)</td>", key) == [
        ("ABCDEF"[i], name) for i, name in enumerate(names)]
    # the ranked table: every scheme once, the chosen ones marked
    table = text[text.index('<table id="schemes-table">'):]
    table = table[:table.index("</table>")]
    assert sorted(re.findall(r'<td class="letter">([A-Z])</td>', table)) == list("ABCDEF")
    assert "Shapley values" in text  # every portfolio run: the waterfall says how it splits


def test_the_section_matches_prioritise_and_its_waterfall_adds_up():
    from stpmodel.report.charts import waterfall_bars
    from stpmodel.report.schemes import build_schemes

    scenario = load_scenario(SCHEMES).with_overrides(draws=int(SCHEME_DRAWS))
    section = build_schemes(scenario)
    result = section.result
    flow = result.waterfall
    assert [c.key for c in section.charts] == ["frontier", "waterfall"]
    assert sum(row.chosen for row in section.rows) == len(result.chosen.schemes)
    assert section.limits == "the budget of £15.00m a year"  # finance.budget, the default
    bars = waterfall_bars(flow.start, flow.parts, flow.end)
    assert [b.label for b in bars] == ["do-minimum", *(n for n, _ in flow.parts), "plan"]
    assert bars[0].bottom == 0 and bars[0].height == float(flow.start)
    for before, after in zip(bars[:-2], bars[1:-1]):
        assert after.bottom == pytest.approx(before.top, abs=1e-12)  # each floats off the last
    start_plus_parts = float(flow.start) + sum(float(part) for _, part in flow.parts)
    assert bars[-2].top == pytest.approx(start_plus_parts, abs=1e-9)
    assert bars[-2].top == pytest.approx(float(flow.end), abs=1e-9)  # the plan's value
    assert bars[-1].bottom == 0 and bars[-1].height == float(flow.end)
    assert float(flow.end) == pytest.approx(
        result.measured.outcomes[frozenset(result.measured.names)].benefit("standards"))


def test_waterfall_bars_go_down_as_well_as_up():
    from fractions import Fraction

    from stpmodel.report.charts import waterfall_bars

    bars = waterfall_bars(Fraction(10), [("a", Fraction(3)), ("b", Fraction(-5))], Fraction(8))
    assert [(b.bottom, b.height, b.top) for b in bars] == [
        (0, 10, 10), (10, 3, 13), (13, -5, 8), (0, 8, 8)]


def test_a_scenario_without_schemes_has_no_schemes_section(oaps_report):
    text = oaps_report.read_text(encoding="utf-8")
    assert "Schemes and priorities" not in text and 'id="schemes' not in text
    assert "tr.chosen" not in text  # the section's styles come only with it
    assert not {"frontier", "waterfall"} & set(parse(text).charts)


def test_the_schemes_charts_render_in_headless_chromium(schemes_report, chromium):
    from tools import browser as browser_module

    with browser_module.Browser(chromium) as browser:
        page = browser.open(schemes_report.as_uri())
        charts = browser.evaluate("""['frontier', 'waterfall'].map(key => {
            const svg = document.querySelector(`figure[data-chart="${key}"] svg`);
            const box = svg.getBoundingClientRect();
            const marks = [...svg.querySelectorAll('path, rect, use')]
                .filter(e => { const b = e.getBBox(); return b.width > 0 || b.height > 0; })
                .length;
            return {chart: key, width: box.width, height: box.height, marks,
                    label: svg.getAttribute('aria-label')};
        })""", page)
    assert page.errors == []
    assert page.requests == [schemes_report.as_uri()]
    for chart in charts:
        assert chart["width"] > 300 and chart["height"] > 100, chart
        assert chart["marks"] > 10, chart
        assert chart["label"], chart


def test_schemes_none_of_which_fit_the_budget_are_said_so_and_the_frontier_still_drawn(
        tmp_path):
    scenario = tmp_path / "tiny-budget.yaml"
    text = SCHEMES.read_text(encoding="utf-8")
    assert "  budget: 15000000\n" in text
    scenario.write_text(text.replace("  budget: 15000000\n", "  budget: 1000\n"))
    path = tmp_path / "plan.html"
    result = invoke("report", scenario, "-o", path, "--draws", "4")
    assert result.exit_code == 0, result.output
    page = path.read_text(encoding="utf-8")
    assert ("No portfolio, not even the do-minimum (the scenario without its schemes), is "
            "within the budget of £1,000 a year, so none is chosen") in page
    assert "the do-minimum&#x27;s investment 2020/21" in page or \
        "the do-minimum's investment 2020/21" in page
    assert {"frontier", "waterfall"} <= set(parse(page).charts)


def test_with_more_schemes_than_every_portfolio_allows_the_waterfall_goes_in_order(monkeypatch):
    """Above EXHAUSTIVE_MAX schemes prioritise solves an integer programme and the waterfall
    adds the schemes in the scenario's order: the section says so, and still adds up."""
    from stpmodel import portfolio
    from stpmodel.report.charts import waterfall_bars
    from stpmodel.report.schemes import build_schemes

    monkeypatch.setattr(portfolio, "EXHAUSTIVE_MAX", 3)
    section = build_schemes(load_scenario(SCHEMES).with_overrides(draws=4))
    flow = section.result.waterfall
    assert section.result.method == "ilp"
    assert "Integer programme" in section.method
    assert "in the scenario's order" in section.charts[1].caption
    assert [name for name, _ in flow.parts] == [s.name for s in load_scenario(SCHEMES).schemes]
    assert waterfall_bars(flow.start, flow.parts, flow.end)[-2].top == pytest.approx(
        float(flow.end), abs=1e-9)
