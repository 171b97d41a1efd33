"""The prioritise command: which schemes to fund, within the money and the staff."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .app import (
    EXIT_FOUND,
    EXIT_USAGE,
    DrawsOption,
    ForceOption,
    OutputOption,
    SeedOption,
    app,
    emit,
    exit_with,
    load_or_exit,
    notice_compiling,
    output_format,
    scheduler_option,
)

if TYPE_CHECKING:
    from ..portfolio import Prioritised


class Objective(StrEnum):
    standards = "standards"
    people = "people"
    npv = "npv"


class Format(StrEnum):  # run's, less xlsx (the workbook is laid out for a run's results)
    table = "table"
    csv = "csv"
    parquet = "parquet"
    json = "json"


class Method(StrEnum):
    auto = "auto"
    exhaustive = "exhaustive"
    ilp = "ilp"


def _wte_limits(given: list[str]) -> dict[str, float]:
    limits: dict[str, float] = {}
    for item in given:
        group, _, number = item.partition("=")
        try:
            value = float(number)
        except ValueError:
            value = float("nan")
        if not group.strip() or not value >= 0 or value == float("inf"):
            raise exit_with(f"--wte takes GROUP=WTE with WTE a number of at least 0, such as "
                            f"iapt=30; got {item!r}", EXIT_USAGE)
        limits[group.strip()] = value
    return limits


@app.command()
def prioritise(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file with a schemes: list.")],
    budget: Annotated[float | None, typer.Option(
        "--budget", min=0, max=1e12,
        help="Investment allowed each financial year [£/year at the price base; default: the "
             "scenario's finance.budget, else none].")] = None,
    wte: Annotated[list[str] | None, typer.Option(
        "--wte", help="Extra WTE a staff group may need above the do-minimum, as GROUP=WTE "
                      "(a group is a service with staff, e.g. iapt=30); repeatable.")] = None,
    objective: Annotated[Objective, typer.Option(
        "--objective", help="What the best portfolio has most of: standards (the expected "
                            "number met), people (reached) or npv (counting capacity).")]
    = Objective.standards,
    method: Annotated[Method, typer.Option(
        "--method", help="exhaustive (run every portfolio), ilp (HiGHS over the schemes' "
                         "effects, then the choice run) or auto (exhaustive up to 8 schemes).")]
    = Method.auto,
    metric: Annotated[str | None, typer.Option(
        "--metric", "-m", help="Split this metric's change among the schemes (the waterfall) "
                               "[default: the benefit].")] = None,
    period: Annotated[str | None, typer.Option(
        "--period", "-p", help="Financial year of --metric, e.g. 2023/24 [default: the "
                               "last].")] = None,
    fmt: Annotated[Format | None, typer.Option(
        "--format", "-f", help="Output format [default: table, or the -o file's suffix].")] = None,
    scheduler: Annotated[str | None, scheduler_option(
        "each portfolio as a task", "The results are those of a run here, byte for byte.")] = None,
    output: OutputOption = None,
    draws: DrawsOption = None,
    seed: SeedOption = None,
    force: ForceOption = False,
) -> None:
    """Rank the scenario's schemes and choose the best portfolio within a budget and staff.

    Exits 1 when no portfolio, not even the do-minimum, is within the limits (after printing
    the rest).

    Runs the do-minimum (the scenario without its schemes) with each scheme alone and the
    combinations the method needs, on common random numbers. Prints each scheme's effect,
    most cost-effective first; the best portfolio within the limits; the efficient frontier
    of cost against benefit; and the waterfall of a metric's change from the do-minimum to the
    full plan. docs/prioritise.md explains each."""
    from ..cluster import ClusterError
    from ..errors import OutputError
    from ..output import check_output
    from ..portfolio import PrioritiseError, frame, method_sentence
    from ..portfolio import prioritise as choose

    chosen = output_format(fmt.value if fmt is not None else None, output,
                           ("csv", "parquet", "json"))
    limits = _wte_limits(wte or [])
    if output is not None:
        try:
            check_output(output, (scenario,), force)
        except OutputError as exc:
            raise exit_with(str(exc), EXIT_USAGE) from None
    loaded = load_or_exit(scenario).with_overrides(draws=draws, seed=seed)
    notice_compiling()
    try:
        result = choose(loaded, budget=budget, wte=limits, objective=objective.value,
                        method=method.value, metric=metric, period=period,
                        progress=_progress(), scheduler=scheduler)
    except (PrioritiseError, ClusterError) as exc:
        raise exit_with(str(exc), EXIT_USAGE) from None
    table = frame(result)
    meta = _meta(result, loaded, scenario, budget, limits)
    if not emit(table, chosen, output, inputs=(scenario,), force=force, meta=meta):
        from rich.console import Console

        console = Console()
        for part in tables(result):
            console.print(part)
    for note in [method_sentence(result), *result.notes]:
        typer.echo(f"note: {note}", err=True)
    if result.chosen is None:  # found something: nothing can be funded within the limits
        raise typer.Exit(code=EXIT_FOUND)


def _progress() -> Any:
    """Portfolios run so far, on stderr when it is a terminal."""
    if not sys.stderr.isatty():
        return None

    def tell(done: int, total: int) -> None:
        end = "\n" if done == total else ""
        sys.stderr.write(f"\rrunning portfolios: {done} of {total}{end}")
        sys.stderr.flush()
    return tell


def _meta(result: Prioritised, scenario: Any, path: Path, budget: float | None,
          wte: dict[str, float]) -> dict[str, Any]:
    from ..portfolio import method_sentence
    from ..runinfo import run_meta

    meta = run_meta(scenario.do_minimum, path, "year", notes=result.notes)
    meta["objective"] = result.objective
    meta["method"] = method_sentence(result)
    meta["budget"] = ("none" if result.limits.budget is None else
                      f"{budget:g} a year" if budget is not None else "finance.budget")
    meta["wte_limits"] = ", ".join(f"{g}={v:g}" for g, v in wte.items()) or "none"
    meta["waterfall"] = result.waterfall.method
    return meta


def _signed(change: float, places: int, unit: str = "") -> str:
    """A change with its sign (+12.5, -3pp), or 0 where it rounds to none."""
    shown = f"{change:+,.{places}f}"
    return "0" if not shown.strip("+-0.,") else shown + unit


def tables(result: Prioritised) -> list[Any]:
    """The terminal's tables: the schemes ranked, the best portfolio, the frontier, the
    standards along it, and the waterfall."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from ..output import format_money, format_value, text
    from ..portfolio import breaches, describe_limits, label, letter
    from ..portfolio import show_benefit as benefit_text
    from ..values import month_label

    m = result.measured
    money = m.scenario.prices.base
    key = {name: letter(i) for i, name in enumerate(m.names)}

    def short(names: tuple[str, ...]) -> str:
        return " + ".join(key[n] for n in names) if names else "do-minimum"

    benefit_unit = {"standards": "standards met", "people": "people", "npv": "NPV"}[
        result.objective]

    def show_benefit(value: float, signed: bool = False) -> str:
        return benefit_text(result.objective, value, signed)

    def new(title: str) -> Table:
        return Table(title=text(title), title_justify="left", header_style="bold",
                     box=box.SIMPLE_HEAD)

    legend = new(f"Schemes of {m.scenario.name} (the do-minimum is the scenario without them)")
    legend.add_column("")
    legend.add_column("scheme")
    legend.add_column("start", no_wrap=True)
    for name in m.names:
        scheme = next(s for s in m.scenario.schemes if s.name == name)
        legend.add_row(key[name], text(name),
                       month_label(scheme.start) if scheme.start is not None else "as dated")
    ranked = new(f"Each alone against the do-minimum, most cost-effective first: PV of its cost, "
                 f"of cash and of capacity savings (£ at {money} prices), people reached, "
                 f"{benefit_unit} gained, and PV net cost per unit gained (mean of "
                 f"{m.scenario.n_draws} draws)")
    for name in ("#", "", "cost", "cash", "capacity", "people", "benefit", "net/benefit"):
        ranked.add_column(name, justify="left" if not name else "right", no_wrap=True,
                          min_width=len(name) or 1)
    for rank, e in enumerate(result.effects, start=1):
        per = e.cost_per_benefit
        ranked.add_row(str(rank), key[e.name], format_money(e.pv_investment),
                       format_money(e.pv_cash_savings), format_money(e.pv_capacity_savings),
                       f"{e.people:+,.0f}", show_benefit(e.benefit, signed=True),
                       "–" if per is None else format_money(per))
    changes = new("Each alone: the most extra WTE it needs at a year's end, by staff group, "
                  "and the change in the probability of meeting each standard")
    changes.pad_edge = False
    changes.add_column("", no_wrap=True)
    for e in result.effects:
        changes.add_column(key[e.name], justify="right", no_wrap=True, min_width=6)
    for group in m.groups:
        changes.add_row(text(f"WTE {group}"),
                        *(_signed(e.wte.get(group, 0.0), 1) for e in result.effects))
    for s in m.standards:
        changes.add_row(text(f"{s.removeprefix('standard_')} {m.judged_in[s][2:]}"),
                        *(_signed(e.met[s] * 100, 0, "pp") for e in result.effects))
    out: list[Any] = [legend, ranked, changes]

    chosen = result.chosen
    best = new(f"Best portfolio ({result.method}) within {describe_limits(result)}")
    best.show_header = False
    best.add_column("", no_wrap=True)
    best.add_column("", justify="right")
    if chosen is None:
        best.add_row("schemes", "none: no portfolio, not even the do-minimum, is within them")
    else:
        best.add_row("schemes", text(label(chosen.schemes)))
        best.add_row("PV cost", format_money(chosen.pv_investment))
        best.add_row(benefit_unit, show_benefit(chosen.benefit(result.objective)))
        for y, year in enumerate(m.years):
            best.add_row(f"investment {year}", format_money(float(chosen.investment[y])))
    out.append(best)

    front = new("Efficient frontier: no other portfolio costs less for as much benefit "
                "(schemes by their letters above)")
    for name, justify in (("", "right"), ("portfolio", "left"), ("PV cost", "right"),
                          (benefit_unit, "right"), ("within limits", "left")):
        front.add_column(name, justify=justify)  # type: ignore[arg-type]
    for i, o in enumerate(result.frontier, start=1):
        broken = breaches(o, m.base, result.limits, m.years)
        front.add_row(f"F{i}", short(o.schemes), format_money(o.pv_investment),
                      show_benefit(o.benefit(result.objective)),
                      "yes" if not broken else text("no: " + broken[0]))
    out.append(front)

    per_table = max(1, (Console().width - 34) // 6)
    points = list(enumerate(result.frontier, start=1))
    for first in range(0, len(points), per_table):
        chunk = points[first : first + per_table]
        odds = new("Probability of meeting each standard in its last year judged, along the "
                   "frontier")
        odds.add_column("standard", no_wrap=True)
        for i, _ in chunk:
            odds.add_column(f"F{i}", justify="right", no_wrap=True, min_width=4)
        for s in m.standards:
            odds.add_row(text(f"{s.removeprefix('standard_')} {m.judged_in[s]}"),
                         *(f"{o.met[s]:.0%}" for _, o in chunk))
        out.append(odds)

    flow = result.waterfall
    steps = new(f"Waterfall: {flow.what}, from the do-minimum to the plan")
    steps.add_column("step")
    steps.add_column(flow.unit or "value", justify="right")
    unit = flow.unit if flow.unit != "standards met" else ""

    def show(value: float, signed: bool = False) -> str:
        if unit.startswith("£"):
            return format_money(value, signed=signed)
        if flow.unit == "standards met":
            return f"{value:+,.3f}" if signed else f"{value:,.3f}"
        shown = format_value(value, unit)
        return f"+{shown}" if signed and value > 0 else shown

    steps.add_row("do-minimum", show(float(flow.start)))
    for name, part in flow.parts:
        steps.add_row(text(f"{key[name]}  {name}"), show(float(part), signed=True))
    steps.add_row("plan", show(float(flow.end)))
    out.append(steps)
    return out
