"""The report's section on a scenario's schemes: which to fund, as ``stpmodel prioritise``
finds it with its defaults (the scenario's finance.budget each financial year, no staff
limits, the expected number of standards met as the benefit).

It holds the efficient frontier as a chart (PV cost against benefit, each frontier portfolio
a point, the chosen one ringed), the waterfall of the benefit from the do-minimum to the plan
split among the schemes, and the schemes ranked. Schemes are lettered A, B, C... in the
scenario's order, and the charts name them by letter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..portfolio import (
    BENEFIT_UNITS,
    Outcome,
    Prioritised,
    breaches,
    describe_limits,
    letter,
    method_sentence,
    prioritise,
    show_benefit,
)
from ..scenario import Scenario
from . import Chart, charts


@dataclass(frozen=True)
class SchemeRow:
    """One scheme alone against the do-minimum, in the order of cost-effectiveness."""

    rank: int
    letter: str
    name: str
    pv_investment: float  # [£]
    pv_cash_savings: float  # [£]
    benefit: float  # alone, against the do-minimum
    part: float  # its part of the waterfall (do-minimum to plan)
    chosen: bool


@dataclass
class Schemes:
    """What the section shows."""

    result: Prioritised
    letters: list[tuple[str, str, str]]  # (letter, name, description), in the scenario's order
    rows: list[SchemeRow]
    benefit_unit: str  # e.g. "standards met"
    limits: str  # the limits, in words
    method: str  # how the portfolios were measured, in a sentence
    charts: list[Chart] = field(default_factory=list)

    @property
    def frontier(self) -> Chart:
        return self.charts[0]

    def show(self, value: float, signed: bool = False) -> str:
        """A benefit as the section prints it."""
        return show_benefit(self.result.objective, value, signed)


def build_schemes(scenario: Scenario,
                  say: Callable[[str], object] = lambda line: None) -> Schemes:
    """Prioritise ``scenario``'s schemes with ``prioritise``'s defaults and gather the
    section."""
    base = scenario.do_minimum
    n = len(base.schemes)
    say(f"the schemes: {n} to prioritise (stpmodel prioritise, with its defaults)")
    result = prioritise(scenario)
    measured = result.measured
    letters = [(letter(i), s.name, s.description or "") for i, s in enumerate(base.schemes)]
    letter_of = {name: code for code, name, _ in letters}

    def label(schemes: Sequence[str]) -> str:
        return "+".join(letter_of[s] for s in schemes) if schemes else "do-minimum"

    def point(o: Outcome) -> charts.Point:
        return charts.Point(label(o.schemes), o.pv_investment, o.benefit(result.objective),
                            not breaches(o, measured.base, result.limits, measured.years))

    unit = BENEFIT_UNITS[result.objective]
    if result.objective == "standards":
        unit = "expected standards met"
    points = [point(o) for o in result.frontier]
    chosen = None if result.chosen is None else point(result.chosen)
    picked = () if result.chosen is None else result.chosen.schemes
    on_front = {o.schemes for o in result.frontier} | {picked}
    others = [(o.pv_investment, o.benefit(result.objective))
              for o in measured.outcomes.values() if o.schemes not in on_front]
    limits = describe_limits(result)
    flow = result.waterfall
    parts = dict(flow.parts)
    rows = [SchemeRow(rank, letter_of[e.name], e.name, e.pv_investment, e.pv_cash_savings,
                      e.benefit, float(parts.get(e.name, 0)), e.name in picked)
            for rank, e in enumerate(result.effects, start=1)]
    section = Schemes(result, letters, rows, unit, limits, method_sentence(result))

    benefit_words = _benefit_words(result.objective)
    within = (f"Filled: within {limits}; hollow: outside." if limits != "no limits" else
              "With no limits, every portfolio is within them.")
    frontier = charts.frontier_chart(
        f"Efficient frontier: PV cost against {unit}", points, chosen, others, unit)
    section.charts.append(Chart(
        "frontier", "Efficient frontier",
        f"Each point is a portfolio of schemes that no other portfolio beats on both PV cost "
        f"(the present value of investment over the run, the do-minimum's included) and "
        f"{benefit_words}; the line steps from one to the next. {within} "
        + (f"Ringed: the portfolio chosen, the most {benefit_words} within the limits "
           f"({chosen.label}). " if chosen is not None else
           "No portfolio, not even the do-minimum, is within the limits, so none is chosen. ")
        + "Faint dots: the other portfolios run. The letters name the schemes, as in the key "
        "below.", frontier))

    bars = charts.waterfall_bars(flow.start, [(letter_of[name], part)
                                              for name, part in flow.parts], flow.end)
    waterfall = charts.waterfall_chart(
        f"Waterfall: {unit}, from the do-minimum to the plan", bars,
        unit if result.objective != "npv" else "£",
        lambda value, signed: section.show(value, signed))
    section.charts.append(Chart(
        "waterfall", "What each scheme adds",
        f"{benefit_words[0].upper()}{benefit_words[1:]}: the do-minimum's, each scheme's "
        "part of the change to the plan (every scheme), and the plan's. The parts add up to "
        f"the change exactly. How they are found: {flow.method}. The letters name the "
        "schemes, as in the key above.", waterfall))
    return section


def _benefit_words(objective: str) -> str:
    return {"standards": "the expected number of standards met", "people": "people reached",
            "npv": "the NPV counting capacity released"}[objective]


