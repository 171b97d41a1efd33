"""Prioritise: which schemes to fund, within the money and the staff.

Each portfolio (a set of the scenario's schemes) is the do-minimum with those schemes applied
(:mod:`stpmodel.schemes`), run with the scenario's seed and draws: every portfolio draws the same
random numbers for the same values (common random numbers, :mod:`stpmodel.sampling`), so a
difference between two portfolios is the schemes' effect, not noise, and a scheme that changes
nothing has an effect of exactly zero.

What is measured of each portfolio, as the mean over draws of the run's total:

- **cost**: the present value of investment over the run (PV, at the finance section's discount
  rate), and investment each financial year, the do-minimum's included;
- **savings**: the present values of cash-releasing and of capacity-releasing savings;
- **people reached**: people starting care over the run, summed over services
  (``people_accessing``);
- **staff**: WTE each staff group (each service with staff) requires at the end of each
  financial year;
- **standards**: for each national standard and each of the scenario's targets, the share of
  draws that meet it in the last financial year it is judged in the run. The budget and MHIS
  checks are constraints, not benefits, and are left out.

The **benefit** a portfolio is chosen for is, by ``objective``: ``standards``, the expected
number of standards met (the sum of those shares); ``people``, people reached; or ``npv``, the
NPV counting capacity released. Every figure of a scheme is its portfolio's minus the
do-minimum's.

The **best portfolio** has the most benefit of those whose investment each financial year is
within the budget and whose extra staff (above the do-minimum's, in each group at each year's
end) are within the limits; ties go to the lower PV cost. Two exact methods:

- ``exhaustive``: every portfolio is run, so interactions between schemes are measured, not
  assumed;
- ``ilp``: an integer programme over the schemes' effects measured one at a time (taken as
  adding up), solved by HiGHS; the chosen portfolio is then run to confirm its figures.

The **waterfall** splits the change in a figure from the do-minimum to the full plan among the
schemes. Where every portfolio is run, each scheme's part is its Shapley value (the mean of its
effect over every order the schemes could be added in), computed in exact rational arithmetic,
so the parts add up exactly to the total; otherwise each scheme is added in the scenario's order.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, Literal

import numpy as np
import polars as pl

from .errors import StpmodelError
from .model import Projection
from .scenario import Scenario

Objective = Literal["standards", "people", "npv"]
Method = Literal["auto", "exhaustive", "ilp"]
EXHAUSTIVE_MAX = 8  # auto: every portfolio run up to 2^8 = 256 runs; the ILP above
NOT_BENEFITS = ("standard_within_budget", "standard_mhis")
BENEFIT_UNITS = {"standards": "standards met", "people": "persons", "npv": "£"}
BENEFIT_NAMES = {"standards": "expected standards met", "people": "people reached",
                 "npv": "NPV counting capacity released"}


class PrioritiseError(StpmodelError):
    """The prioritisation cannot be done as asked (no schemes, unknown group or metric)."""


@dataclass(frozen=True)
class Outcome:
    """One portfolio's figures: the means over draws of the run's total."""

    schemes: tuple[str, ...]
    pv_investment: float  # [£, the run]
    pv_cash_savings: float  # [£]
    pv_capacity_savings: float  # [£]
    npv_with_capacity: float  # [£]
    people: float  # people starting care over the run [persons]
    investment: np.ndarray  # [£, financial year]
    wte: dict[str, np.ndarray]  # staff group → WTE required at each year's end
    met: dict[str, float]  # standard row → share of draws meeting it in its last judged year
    values: np.ndarray  # [metric, period]: every metric by financial year (for the waterfall)

    @property
    def pv_net_cost(self) -> float:
        return self.pv_investment - self.pv_cash_savings

    def benefit(self, objective: Objective) -> float:
        if objective == "people":
            return self.people
        if objective == "npv":
            return self.npv_with_capacity
        return math.fsum(self.met.values())


@dataclass(frozen=True)
class Limits:
    """What a portfolio must stay within: investment each financial year [£/year, None: no
    limit] and extra WTE by staff group."""

    budget: np.ndarray | None = None  # [£, financial year]
    wte: dict[str, float] = field(default_factory=dict)


@dataclass
class Measured:
    """Every portfolio run, by the set of its schemes."""

    scenario: Scenario  # the do-minimum, with the run's draws and seed
    names: tuple[str, ...]  # the schemes, in the scenario's order
    years: list[str]  # the financial years' labels
    metrics: tuple[str, ...]  # the metrics of Outcome.values, in order
    units: dict[str, str]
    groups: tuple[str, ...]  # staff groups
    standards: tuple[str, ...]  # the standard rows judged as benefits
    judged_in: dict[str, str]  # standard row → the financial year it is judged in
    outcomes: dict[frozenset[str], Outcome] = field(default_factory=dict)
    runs: int = 0

    @property
    def base(self) -> Outcome:
        return self.outcomes[frozenset()]

    def order(self, chosen: frozenset[str] | Sequence[str]) -> tuple[str, ...]:
        return tuple(n for n in self.names if n in chosen)


def letter(i: int) -> str:
    """A, B, ..., Z, AA, AB, ... for the i-th scheme (from 0)."""
    out = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def show_benefit(objective: str, value: float, signed: bool = False) -> str:
    """A benefit as the tables show it: money for NPV, two decimals for standards met, whole
    people."""
    from .output import format_money

    if objective == "npv":
        return format_money(value, signed=signed)
    sign = "+" if signed and value > 0 else ""
    return f"{sign}{value:,.2f}" if objective == "standards" else f"{sign}{value:,.0f}"


def label(schemes: Sequence[str]) -> str:
    return " + ".join(schemes) if schemes else "do-minimum"


# ---------------------------------------------------------------------------------------------
# Running portfolios


def measure(scenario: Scenario, portfolios: Sequence[Sequence[str]],
            progress: Callable[[int, int], object] | None = None,
            measured: Measured | None = None, scheduler: str | None = None) -> Measured:
    """Run each of ``portfolios`` (sets of scheme names) that is not measured yet, with the
    do-minimum first: here, or as tasks on a Dask cluster (``scheduler``: its address, or
    ``local``). Each portfolio's figures depend on it alone, and are recorded in the order
    asked, so a cluster's results are a local run's, byte for byte."""
    base = scenario.do_minimum
    if measured is None:
        measured = _frame_of(base)
    every: list[frozenset[str]] = [frozenset()] + [frozenset(p) for p in portfolios]
    todo = [measured.order(p) for p in dict.fromkeys(p for p in every
                                                     if p not in measured.outcomes)]
    if scheduler is None:
        for i, names in enumerate(todo):
            measured.outcomes[frozenset(names)] = run_portfolio(base, names, measured)
            if progress is not None:
                progress(i + 1, len(todo))
    elif todo:
        from .cluster import cluster_map

        template = replace(measured, outcomes={}, runs=0)
        found = cluster_map(run_portfolio, [(base, names, template) for names in todo],
                            scheduler)
        for i, (names, outcome) in enumerate(zip(todo, found)):
            measured.outcomes[frozenset(names)] = outcome
            if progress is not None:
                progress(i + 1, len(todo))
    measured.runs += len(todo)
    return measured


def run_portfolio(base: Scenario, names: tuple[str, ...], measured: Measured) -> Outcome:
    """One portfolio's figures: the do-minimum with ``names`` applied, run (a task of its
    own on a cluster)."""
    from .model import run

    return _outcome(run(base.with_schemes(names)), names, measured)


def _frame_of(base: Scenario) -> Measured:
    from .results import targets_of
    from .services import metrics_for, present, standards_for
    from .standards import fy_label
    from .timeline import Timeline

    if not base.schemes:
        raise PrioritiseError("the scenario has no schemes to choose among: add a 'schemes:' "
                              "list (docs/prioritise.md)")
    timeline = Timeline(base.start, base.end)
    _, years = timeline.periods("year")
    plan = base.with_schemes([s.name for s in base.schemes])
    metrics = metrics_for(plan.services)
    standards = standards_for(metrics) + targets_of(base)
    first_fy = int((timeline.months[0] - 3) // 12)
    judged: dict[str, str] = {}
    for s in standards:
        years_judged = [p for p in range(len(years)) if s.threshold(first_fy + p) is not None]
        if s.row_name not in NOT_BENEFITS and years_judged:
            judged[s.row_name] = fy_label(first_fy + years_judged[-1])
    groups = tuple(service.name for service in present(plan.sections) if service.staff)
    return Measured(base, tuple(s.name for s in base.schemes), years,
                    tuple(m.name for m in metrics) + tuple(s.row_name for s in standards),
                    {m.name: m.unit for m in metrics}, groups, tuple(judged), judged)


def _outcome(projection: Projection, names: tuple[str, ...], measured: Measured) -> Outcome:
    """A run's figures (the means over draws of its total)."""
    from .results import judged, total_rows
    from .services import LAYOUT, present

    out = total_rows(projection.out)[:, None]  # [draw, 1, row, month]
    codes, _ = projection.timeline.periods("year")
    values, metrics, standards, _ = judged(out, projection, "year")
    per_draw = values[:, 0]  # [draw, column, year]
    column = {name: i for i, name in enumerate([m.name for m in metrics]
                                               + [s.row_name for s in standards])}
    means = np.full((len(measured.metrics), len(measured.years)), np.nan)
    for i, name in enumerate(measured.metrics):
        if name in column:
            means[i] = per_draw[:, column[name]].mean(axis=0)
    row = {name: i for i, name in enumerate(measured.metrics)}

    def at(name: str, year: int = -1) -> float:
        value = means[row[name], year] if name in row else np.nan
        return float(value) if np.isfinite(value) else 0.0

    ends = np.r_[np.flatnonzero(np.diff(codes) != 0), len(codes) - 1]
    wte = {service.name: np.sum([out[:, 0, LAYOUT[service.row(s.required)]][:, ends]
                                 for s in service.staff], axis=0).mean(axis=0)
           for service in present(projection.scenario.sections) if service.staff}
    year = {y: i for i, y in enumerate(measured.years)}
    years = range(len(measured.years))
    return Outcome(
        names, at("pv_investment"), at("pv_cash_savings"),
        at("npv_with_capacity") - at("npv"), at("npv_with_capacity"),
        math.fsum(at("people_accessing", y) for y in years),
        np.array([at("investment", y) for y in years]), wte,
        {s: at(s, year[y]) for s, y in measured.judged_in.items()}, means)


# ---------------------------------------------------------------------------------------------
# Each scheme alone


@dataclass(frozen=True)
class Effect:
    """One scheme alone against the do-minimum: its portfolio's figures minus the
    do-minimum's."""

    name: str
    pv_investment: float  # [£]
    pv_cash_savings: float  # [£]
    pv_capacity_savings: float  # [£]
    people: float  # [persons]
    wte: dict[str, float]  # staff group → the most extra WTE at a year's end
    met: dict[str, float]  # standard row → change in the share of draws meeting it
    benefit: float  # by the objective

    @property
    def pv_net_cost(self) -> float:
        return self.pv_investment - self.pv_cash_savings

    @property
    def cost_per_benefit(self) -> float | None:
        """PV net cost per unit of benefit; None where the scheme adds no benefit."""
        return self.pv_net_cost / self.benefit if self.benefit > TOLERANCE else None


TOLERANCE = 1e-9


def extra_wte(outcome: Outcome, base: Outcome) -> dict[str, np.ndarray]:
    """WTE a portfolio requires above the do-minimum, by group, at each year's end."""
    return {g: w - base.wte.get(g, 0.0) for g, w in outcome.wte.items()}


def _extra(outcome: Outcome, base: Outcome, group: str) -> np.ndarray:
    """Extra WTE of one group at each year's end (zero where the portfolio has none)."""
    return extra_wte(outcome, base).get(group, np.zeros(len(outcome.investment)))


def effect(measured: Measured, name: str, objective: Objective) -> Effect:
    one, base = measured.outcomes[frozenset([name])], measured.base
    return Effect(
        name, one.pv_investment - base.pv_investment,
        one.pv_cash_savings - base.pv_cash_savings,
        one.pv_capacity_savings - base.pv_capacity_savings, one.people - base.people,
        {g: float(w.max()) for g, w in extra_wte(one, base).items()},
        {s: one.met[s] - base.met[s] for s in measured.standards},
        one.benefit(objective) - base.benefit(objective))


def ranked(effects: Sequence[Effect]) -> list[Effect]:
    """Most cost-effective first: schemes that add benefit and save more than they cost, the
    most benefit first; then those that add benefit, by PV net cost per unit of benefit; then
    those that add none, cheapest first."""
    def key(e: Effect) -> tuple[int, float, str]:
        if e.benefit > TOLERANCE and e.pv_net_cost <= 0:
            return (0, -e.benefit, e.name)
        if e.benefit > TOLERANCE:
            return (1, e.pv_net_cost / e.benefit, e.name)
        return (2, e.pv_net_cost, e.name)
    return sorted(effects, key=key)


# ---------------------------------------------------------------------------------------------
# The best portfolio


def breaches(outcome: Outcome, base: Outcome, limits: Limits, years: Sequence[str]) -> list[str]:
    """Why a portfolio is not within the limits (none: it is)."""
    out = []
    if limits.budget is not None:
        for y, (spent, allowed) in enumerate(zip(outcome.investment, limits.budget)):
            if spent > allowed * (1 + TOLERANCE) + TOLERANCE:
                out.append(f"investment {years[y]} £{spent:,.0f} > budget £{allowed:,.0f}")
    for group, limit in limits.wte.items():
        need = float(_extra(outcome, base, group).max())
        if need > limit + TOLERANCE:
            out.append(f"{group} needs {need:,.1f} more WTE > limit {limit:,.1f}")
    return out


def _better(objective: Objective, order: Callable[[Sequence[str]], tuple[int, ...]]
            ) -> Callable[[Outcome], tuple[float, float, int, tuple[int, ...]]]:
    """The sort key of the best portfolio: most benefit, then lowest PV cost, then fewest
    schemes, then the scenario's order."""
    return lambda o: (-round(o.benefit(objective), 9), round(o.pv_investment, 6),
                      len(o.schemes), order(o.schemes))


def best_exhaustive(measured: Measured, limits: Limits, objective: Objective
                    ) -> Outcome | None:
    """The best portfolio run within the limits; None when none is."""
    position = {n: i for i, n in enumerate(measured.names)}
    key = _better(objective, lambda names: tuple(position[n] for n in names))
    within = [o for o in measured.outcomes.values()
              if not breaches(o, measured.base, limits, measured.years)]
    return min(within, key=key) if within else None


def solve_ilp(measured: Measured, limits: Limits, objective: Objective,
              max_pv: float | None = None) -> tuple[str, ...] | None:
    """The best portfolio by an integer programme over the schemes' effects one at a time
    (taken as adding up), solved by HiGHS: maximise the benefit, then, at that benefit, the
    lowest PV cost, within the budget each year, the staff limits and (for the frontier) a
    ceiling on PV cost. None when no portfolio is within them."""
    import highspy

    names, base = measured.names, measured.base
    alone = [measured.outcomes[frozenset([n])] for n in names]
    benefit = [o.benefit(objective) - base.benefit(objective) for o in alone]
    pv = [o.pv_investment - base.pv_investment for o in alone]
    rows: list[tuple[list[float], float]] = []  # Σ coefficient × x ≤ bound
    if limits.budget is not None:
        for y in range(len(measured.years)):
            rows.append(([o.investment[y] - base.investment[y] for o in alone],
                         float(limits.budget[y] - base.investment[y])))
    for group, limit in limits.wte.items():
        for y in range(len(measured.years)):
            rows.append(([_extra(o, base, group)[y] for o in alone], limit))
    if max_pv is not None:
        rows.append((pv, max_pv))

    def solve(objective_row: list[float], sense: str, extra: list[tuple[list[float], float]]
              ) -> list[float] | None:
        n = len(names)
        every = np.arange(n, dtype=np.int32)
        h = _highs()
        h.addVars(n, np.zeros(n), np.ones(n))
        h.changeColsCost(n, every, np.array(objective_row, dtype=np.float64))
        h.changeColsIntegrality(n, every, np.array([highspy.HighsVarType.kInteger] * n))
        for coefficients, bound in rows + extra:
            h.addRow(-highspy.kHighsInf, bound + 1e-6 * max(1.0, abs(bound)), n, every,
                     np.array(coefficients, dtype=np.float64))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize if sense == "max"
                               else highspy.ObjSense.kMinimize)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return list(h.getSolution().col_value)

    first = solve(benefit, "max", [])
    if first is None:
        return None
    best = sum(b * round(x) for b, x in zip(benefit, first))
    floor = ([-b for b in benefit], -(best - 1e-9 * max(1.0, abs(best))))
    second = solve(pv, "min", [floor]) or first
    return tuple(n for n, x in zip(names, second) if round(x) == 1)


def _highs() -> Any:
    """A silent HiGHS instance. HiGHS writes its banner to the process's standard output when
    the first is made, whatever its options; with CSV or JSON going to standard output that
    would corrupt it, so the descriptor is pointed at /dev/null meanwhile."""
    import os
    import sys

    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.setOptionValue("output_flag", False)
    return h


def ilp_frontier(measured: Measured, objective: Objective) -> list[tuple[str, ...]]:
    """The frontier of the integer programme's model (effects adding up), exactly: the most
    benefit at any PV cost, then again below that portfolio's cost, until nothing is left
    (the ε-constraint method); cheapest last."""
    base = measured.base
    pv = {n: measured.outcomes[frozenset([n])].pv_investment - base.pv_investment
          for n in measured.names}
    out: list[tuple[str, ...]] = []
    ceiling: float | None = None
    for _ in range(2 ** len(measured.names)):
        picked = solve_ilp(measured, Limits(), objective, max_pv=ceiling)
        if picked is None or picked in out:
            break
        out.append(picked)
        cost = math.fsum(pv[n] for n in picked)
        ceiling = cost - 1e-5 * max(1.0, abs(cost)) - 1.0  # below it, past the solver's slack
    return out


# ---------------------------------------------------------------------------------------------
# The frontier


def frontier(outcomes: Sequence[Outcome], objective: Objective) -> list[Outcome]:
    """The portfolios no other beats on both PV cost and benefit, cheapest first."""
    out: list[Outcome] = []
    for o in sorted(outcomes, key=lambda o: (o.pv_investment, -o.benefit(objective),
                                             len(o.schemes))):
        if not out or o.benefit(objective) > out[-1].benefit(objective) + TOLERANCE:
            out.append(o)
    return out


# ---------------------------------------------------------------------------------------------
# The waterfall


@dataclass(frozen=True)
class Waterfall:
    what: str  # the figure split, e.g. "oap_bed_days 2023/24"
    unit: str
    start: Fraction  # the do-minimum's value
    parts: tuple[tuple[str, Fraction], ...]  # each scheme's contribution
    end: Fraction  # the full plan's value
    method: str  # how order is resolved


def shapley(names: Sequence[str], value: Callable[[frozenset[str]], Fraction]
            ) -> list[tuple[str, Fraction]]:
    """Each name's Shapley value of ``value`` over subsets of ``names``, exactly:
    φ_i = Σ over S ⊆ N∖{i} of |S|! (n − |S| − 1)! ⁄ n! × (v(S ∪ {i}) − v(S))."""
    n = len(names)
    out = []
    for name in names:
        others = [m for m in names if m != name]
        phi = Fraction(0)
        for k in range(n):
            weight = Fraction(math.factorial(k) * math.factorial(n - k - 1), math.factorial(n))
            for subset in itertools.combinations(others, k):
                s = frozenset(subset)
                phi += weight * (value(s | {name}) - value(s))
        out.append((name, phi))
    return out


def in_order(names: Sequence[str], value: Callable[[frozenset[str]], Fraction]
             ) -> list[tuple[str, Fraction]]:
    """Each name's effect when added after those before it."""
    out, before = [], frozenset[str]()
    for name in names:
        out.append((name, value(before | {name}) - value(before)))
        before = before | {name}
    return out


def waterfall(measured: Measured, what: str, unit: str, of: Callable[[Outcome], float],
              scheduler: str | None = None) -> Waterfall:
    """Split ``of`` from the do-minimum to the full plan among the schemes: by Shapley values
    when every portfolio has been run, else in the scenario's order (running what it needs)."""
    names = measured.names
    every = len(measured.outcomes) == 2 ** len(names)
    if not every:
        measure(measured.scenario, [names[: k + 1] for k in range(len(names))],
                measured=measured, scheduler=scheduler)

    def value(chosen: frozenset[str]) -> Fraction:
        got = of(measured.outcomes[chosen])
        if not math.isfinite(got):
            raise PrioritiseError(f"{what} has no value for {label(measured.order(chosen))}")
        return Fraction(got)

    parts = shapley(names, value) if every else in_order(names, value)
    method = ("Shapley values: each scheme's mean effect over every order of adding the "
              "schemes (every portfolio run)" if every else
              "in the scenario's order: each scheme's effect added after those listed before it")
    return Waterfall(what, unit, value(frozenset()), tuple(parts), value(frozenset(names)),
                     method)


# ---------------------------------------------------------------------------------------------
# All of it


@dataclass(frozen=True)
class Prioritised:
    measured: Measured
    objective: Objective
    method: str  # "exhaustive" or "ilp": how the best portfolio was chosen
    limits: Limits
    effects: list[Effect]  # each scheme alone, most cost-effective first
    chosen: Outcome | None  # None: no portfolio, not even the do-minimum, is within the limits
    frontier: list[Outcome]
    waterfall: Waterfall
    notes: list[str]


def method_sentence(result: Prioritised) -> str:
    """How the portfolios were measured and the best one chosen, in a sentence."""
    m = result.measured
    how = (f"Exhaustive: every one of the {2 ** len(m.names)} portfolios run, so interactions "
           "between schemes are measured, not assumed"
           if result.method == "exhaustive" else
           "Integer programme (HiGHS) over each scheme's effect measured alone, taken as "
           "adding up; the chosen portfolio and the frontier's then run to confirm")
    return (f"{how}; {m.runs} runs of {m.scenario.n_draws} draws on common random numbers "
            f"(seed {int(m.scenario.seed)}).")


def describe_limits(result: Prioritised) -> str:
    """The limits in words: "the budget of £15.00m a year", with the staff limits."""
    from .output import format_money as _money

    limits = result.limits
    out = []
    if limits.budget is not None:
        budget = np.asarray(limits.budget, dtype=float)
        if budget.size and np.allclose(budget, budget[0]):
            out.append(f"the budget of {_money(float(budget[0]))} a year")
        else:
            years = result.measured.years
            out.append("the budget (" + ", ".join(
                f"{_money(float(b))} in {y}" for b, y in zip(budget, years)) + ")")
    out += [f"{w:g} more WTE in {group}" for group, w in limits.wte.items()]
    return " and ".join(out) if out else "no limits"


def limits_for(measured: Measured, budget: float | None, wte: dict[str, float]) -> Limits:
    """The limits: ``budget`` a year (pro rata for a part year), else the scenario's
    finance.budget, else none; and the staff limits."""
    if budget is not None:
        from .timeline import Timeline

        scenario = measured.scenario
        codes, _ = Timeline(scenario.start, scenario.end).periods("year")
        months = np.bincount(codes)
        return Limits(budget * months / 12.0, dict(wte))
    if "budget" in measured.metrics:
        row = measured.metrics.index("budget")
        return Limits(measured.base.values[row].copy(), dict(wte))
    return Limits(None, dict(wte))


def prioritise(scenario: Scenario, *, budget: float | None = None,
               wte: dict[str, float] | None = None, objective: Objective = "standards",
               method: Method = "auto", metric: str | None = None, period: str | None = None,
               progress: Callable[[int, int], object] | None = None,
               scheduler: str | None = None) -> Prioritised:
    """Measure the schemes, choose the best portfolio within the limits, draw the frontier
    and split ``metric`` in ``period`` (default: the benefit) among the schemes."""
    base = scenario.do_minimum
    names = tuple(s.name for s in base.schemes)
    chosen_method = method if method != "auto" else (
        "exhaustive" if len(names) <= EXHAUSTIVE_MAX else "ilp")
    if chosen_method == "exhaustive":
        portfolios = [c for k in range(1, len(names) + 1)
                      for c in itertools.combinations(names, k)]
    else:
        portfolios = [(n,) for n in names]
    measured = _frame_of(base)  # what is asked is checked before anything runs
    check_metric(measured, metric, period)
    check_groups(measured, wte or {})
    measure(base, portfolios, progress, measured=measured, scheduler=scheduler)
    limits = limits_for(measured, budget, wte or {})
    effects = ranked([effect(measured, n, objective) for n in names])
    notes: list[str] = []
    best: Outcome | None
    if chosen_method == "exhaustive":
        best = best_exhaustive(measured, limits, objective)
        front = frontier(list(measured.outcomes.values()), objective)
    else:
        picked = solve_ilp(measured, limits, objective)
        candidates = set(ilp_frontier(measured, objective))
        if picked is not None:
            candidates.add(picked)
        measure(base, sorted(candidates), measured=measured, scheduler=scheduler)
        best = None if picked is None else measured.outcomes[frozenset(picked)]
        front = frontier([measured.outcomes[frozenset(c)] for c in candidates], objective)
        broken = [] if best is None else breaches(best, measured.base, limits, measured.years)
        if broken:
            notes.append("the portfolio the integer programme chose, run with its schemes' "
                          "interactions, is not within the limits: " + "; ".join(broken))
    if best is None:
        notes.append("no portfolio, not even the do-minimum, is within the limits: the "
                     "do-minimum's " + "; ".join(breaches(measured.base, measured.base, limits,
                                                          measured.years)))
    if metric is None:
        what, unit = BENEFIT_NAMES[objective], BENEFIT_UNITS[objective]
        flow = waterfall(measured, what, unit, lambda o: o.benefit(objective), scheduler)
    else:
        chosen_period = period or measured.years[-1]
        row, year = measured.metrics.index(metric), measured.years.index(chosen_period)
        flow = waterfall(measured, f"{metric} {chosen_period}", measured.units.get(metric, ""),
                         lambda o: float(o.values[row, year]), scheduler)
    return Prioritised(measured, objective, chosen_method, limits, effects, best, front, flow,
                       notes)


def check_groups(measured: Measured, wte: dict[str, float]) -> None:
    for group in wte:
        if group not in measured.groups:
            known = ", ".join(measured.groups) or "none (no service here declares staff)"
            raise PrioritiseError(f"no staff group '{group}'; the groups are {known}")


def check_metric(measured: Measured, metric: str | None, period: str | None) -> None:
    if metric is None:
        if period is not None:
            raise PrioritiseError("--period goes with --metric: the benefit has no period")
        return
    if metric not in measured.units:
        import difflib

        close = difflib.get_close_matches(metric, list(measured.units), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else \
            "; `stpmodel run --all` lists the metrics"
        raise PrioritiseError(f"unknown metric '{metric}' for this scenario{hint}")
    if period is not None and period not in measured.years:
        raise PrioritiseError(f"no financial year '{period}'; the years are "
                              f"{', '.join(measured.years)}")


# ---------------------------------------------------------------------------------------------
# Tidy output


def frame(result: Prioritised) -> pl.DataFrame:
    """Every figure, long and tidy: scenario, table (scheme, chosen, frontier, waterfall),
    rank (the scheme's cost-effectiveness rank, the frontier point's number or the waterfall
    step's), portfolio, measure, unit, value. Money is at the scenario's price base."""


    measured = result.measured
    money = f"£ ({measured.scenario.prices.base} prices)"
    unit_of_benefit = money if result.objective == "npv" else BENEFIT_UNITS[result.objective]
    rows: list[tuple[str, int, str, str, str, float]] = []

    def add(table: str, rank: int, portfolio: str, measure: str, unit: str,
            value: float | None) -> None:
        if value is not None and math.isfinite(value):  # none: the row is left out
            rows.append((table, rank, portfolio, measure, unit, float(value)))

    for rank, e in enumerate(result.effects, start=1):
        add("scheme", rank, e.name, "pv_investment", money, e.pv_investment)
        add("scheme", rank, e.name, "pv_cash_savings", money, e.pv_cash_savings)
        add("scheme", rank, e.name, "pv_capacity_savings", money, e.pv_capacity_savings)
        add("scheme", rank, e.name, "pv_net_cost", money, e.pv_net_cost)
        add("scheme", rank, e.name, "people_reached", "persons", e.people)
        add("scheme", rank, e.name, "benefit", unit_of_benefit, e.benefit)
        add("scheme", rank, e.name, "pv_net_cost_per_benefit",  # none without a benefit
            f"{money} per {unit_of_benefit}", e.cost_per_benefit)
        for group in measured.groups:
            add("scheme", rank, e.name, f"extra_wte_{group}", "WTE", e.wte.get(group, 0.0))
        for s in measured.standards:
            add("scheme", rank, e.name, f"{s} {measured.judged_in[s]}",
                "change in share of draws", e.met[s])

    def portfolio(table: str, rank: int, o: Outcome) -> None:
        name = label(o.schemes)
        add(table, rank, name, "pv_investment", money, o.pv_investment)
        add(table, rank, name, "pv_cash_savings", money, o.pv_cash_savings)
        add(table, rank, name, "pv_capacity_savings", money, o.pv_capacity_savings)
        add(table, rank, name, "people_reached", "persons", o.people)
        add(table, rank, name, "benefit", unit_of_benefit, o.benefit(result.objective))
        add(table, rank, name, "within_limits", "yes 1, no 0",
            float(not breaches(o, measured.base, result.limits, measured.years)))
        for y, year in enumerate(measured.years):
            add(table, rank, name, f"investment {year}", money, float(o.investment[y]))
            if result.limits.budget is not None:
                add(table, rank, name, f"budget {year}", money, float(result.limits.budget[y]))
        for group in measured.groups:
            add(table, rank, name, f"extra_wte_{group}", "WTE",
                float(_extra(o, measured.base, group).max()))
        for s in measured.standards:
            add(table, rank, name, f"{s} {measured.judged_in[s]}", "share of draws", o.met[s])

    if result.chosen is not None:
        portfolio("chosen", 1, result.chosen)
    for rank, o in enumerate(result.frontier, start=1):
        portfolio("frontier", rank, o)
    flow = result.waterfall
    unit = money if flow.unit.startswith("£") else flow.unit
    add("waterfall", 0, "do-minimum", flow.what, unit, float(flow.start))
    for rank, (name, part) in enumerate(flow.parts, start=1):
        add("waterfall", rank, name, flow.what, unit, float(part))
    add("waterfall", len(flow.parts) + 1, "plan", flow.what, unit, float(flow.end))
    columns = list(zip(*rows))
    return pl.DataFrame({
        "scenario": [measured.scenario.name] * len(rows),
        "table": list(columns[0]), "rank": list(columns[1]), "portfolio": list(columns[2]),
        "measure": list(columns[3]), "unit": list(columns[4]),
        "value": pl.Series(list(columns[5]), dtype=pl.Float64),
    })
