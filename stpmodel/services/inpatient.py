"""Adult acute mental health beds and out-of-area placements (OAPs).

Admissions and stays run through the bed kernel (:mod:`stpmodel.kernels.beds`), a stochastic
loss system: an admission that finds every local bed full is placed out of area. Crisis cover
(the ``crisis`` service, listed before this one) lowers admissions against the start month's.
With a ``finance:`` section the kernel runs a second time on the same random streams, holding
the start month's beds, stays and crisis cover, so that OAP savings are an effect, not noise.
Equations: docs/model.md.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..distributions import Dist
from ..metrics import Metric
from ..sections import Section, spec
from ..standards import Standard
from ..template import POPULATION_YEAR, TemplateContext, comment_defaults, default_of, num
from ..values import Quantity, fail, number, series
from .base import DAYS_PER_YEAR, Context, Cost, Rows, Service, stack

if TYPE_CHECKING:
    import polars as pl

OCCUPANCY = Quantity("fraction", 0.0, 1.0, above_lo=True, percent_hint=True)
STREAM_BEDS = 0xBED5  # the bed simulation's streams: (seed, STREAM_BEDS, draw, footprint)


class Inpatient(Section):
    # at most 1,000,000 a year: over eight times England's 119,851 mental health inpatient spells
    # of 2018 (national.csv), so any footprint or all England fits; the bed kernel honours it
    admissions: number(Quantity("admissions/year", 0.0, 1_000_000.0)) = spec(  # type: ignore[valid-type]
        "adult acute mental health admissions a year at the start, with today's crisis cover; "
        "they grow with the adult population and fall as crisis cover rises",
        "admissions/year")
    los_days: series(Quantity("days", 0.0, 3650.0, above_lo=True), "linear") = spec(  # type: ignore[valid-type]
        "mean length of stay of admissions in the month. Standard: 32 days or less",
        "days", interp="linear")
    los_cv: number(Quantity("ratio", 0.0, 10.0)) = spec(  # type: ignore[valid-type]
        "coefficient of variation of length of stay (standard deviation ÷ mean)", "ratio")
    los_distribution: Literal["gamma", "lognormal"] = spec(
        "shape of the length-of-stay distribution", "choice", default="gamma")
    beds: series(Quantity("beds", 0.0, 100_000.0, integer=True), "step") = spec(  # type: ignore[valid-type]
        "local adult acute beds open", "beds", interp="step")
    repatriate: bool = spec(
        "bring an out-of-area patient back as soon as a local bed frees (otherwise they stay "
        "out for their whole stay)", "true/false", default=False)
    oap_cost_per_day: series(Quantity("£/bed day", 0.0), "step") = spec(  # type: ignore[valid-type]
        "cost of one out-of-area bed day", "£/bed day", default=530.0,
        interp="step", source="NHS Digital OAP open data, February 2017: England average "
                               "recorded daily cost £530")
    target_occupancy: number(OCCUPANCY) = spec(  # type: ignore[valid-type]
        "bed occupancy to plan for", "fraction", default=0.85,
        source="Royal College of Psychiatrists, cited by the Commission on Acute Adult "
               "Psychiatric Care (Crisp, 2016): 85%")
    open_bed_day_cost: series(Quantity("£/bed day", 0.0, 100_000.0), "step") = spec(  # type: ignore[valid-type]
        "cost of a local bed open for a day, at 2024/25 prices: what opening a bed costs and "
        "closing one releases", "£/bed day", default=637.12, interp="step",
        source="National Cost Collection 2024/25: adult acute mental health bed day £719.10 "
               "(per occupied bed day, 2024/25 prices) × England's mental illness bed "
               "occupancy, 0.886 (KH03, 2019-20 Q4: 16,068 of 18,139), so an open bed costs "
               "£637.12 a day")
    capital_per_new_bed: number(Quantity("£/bed", 0.0, 10_000_000.0)) | None = spec(  # type: ignore[valid-type]
        "one-off capital cost of each bed opened above the month before, at 2024/25 prices; "
        "no bundled source gives it, so it is required when beds rise", "£/bed",
        default=None)
    oap_target_share: number(Quantity("fraction", 0.0, 1.0, above_lo=True,  # type: ignore[valid-type]
                                      uncertain=False, percent_hint=True)) | None = spec(
        "a target share of admissions placed out of area; gives beds_for_oap_target, the beds "
        "the loss formula says hold it (inverse Erlang B)", "fraction", default=None)
    warmup_days: number(Quantity("days", 0.0, 36_500.0, uncertain=False)) | None = spec(  # type: ignore[valid-type]
        "days simulated before the start so that wards are not empty at the start; default "
        "10 × the starting mean stay × max(1, CV²), at least 365", "days", default=None)


def check(scenario: Any) -> None:
    """A plan that opens beds must say what a new bed costs."""
    inpatient: Inpatient = scenario.section("inpatient")
    if inpatient.capital_per_new_bed is not None:
        return
    values = [v.median() if isinstance(v, Dist) else v for v in inpatient.beds.values]
    if any(b > a for a, b in zip(values, values[1:])):
        raise fail("beds rise during the plan, so opening them has a capital cost to state",
                   "add inpatient.capital_per_new_bed [£/bed] (0 if the beds exist already)",
                   key="inpatient.beds")


# ---------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True)
class BedInputs:
    """Arrays for :func:`stpmodel.kernels.beds.project_beds`; [draw, footprint, month] unless
    noted."""

    rate: np.ndarray  # admissions offered [admissions/day]
    los_mean: np.ndarray  # [days]
    los_cv: np.ndarray  # [draw, footprint]
    beds: np.ndarray  # [beds]
    dist: int
    repatriate: bool
    warmup_days: float


@dataclass(frozen=True)
class InpatientInputs:
    plan: BedInputs
    held: BedInputs | None  # the counterfactual, when finance needs OAP savings
    seeds: np.ndarray  # the bed kernel's streams [uint32, draw × footprint]
    planned: np.ndarray  # expected admissions with the crisis cover planned [draw, month]
    held_admissions: np.ndarray  # ... with the start month's cover held [draw, month]
    cost_per_day: np.ndarray  # OAP cost [£/bed day, draw × month]
    target_occupancy: np.ndarray  # [fraction, draw]
    open_bed_day_cost: np.ndarray  # [£/bed day, draw × month]
    capital_per_new_bed: np.ndarray  # [£/bed, draw]; 0 when not given (beds do not rise)
    oap_target_share: float | None


def stream_seeds(seed: int, stream: int, n_draws: int, codes: list[str]) -> np.ndarray:
    """One 32-bit seed per draw and footprint, from (seed, stream, draw, crc32(footprint
    code)), so that adding draws or footprints never changes the streams of the others
    [uint32, draw × footprint]."""
    out = np.empty((n_draws, len(codes)), dtype=np.uint32)
    for f, code in enumerate(codes):
        tag = zlib.crc32(code.encode())
        for d in range(n_draws):
            out[d, f] = np.random.SeedSequence([seed, stream, d, tag]).generate_state(
                1, np.uint32)[0]
    return out


def admissions_by_month(inpatient: Inpatient, ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """Expected admissions each month with the crisis cover planned, and with the start month's
    cover held [admissions/month, draw × month each]. A year's admissions arrive at an even rate
    a day (÷ 365.25), so a month's share is in proportion to its days. Baseline admissions
    already reflect today's teams, so crisis effects count relative to the start month:
    × (1 − e[m]) / (1 − e[0])."""
    crisis = ctx.inputs.get("crisis")
    effect = crisis.effect if crisis is not None else np.zeros((ctx.n_draws,
                                                                ctx.timeline.n_months))
    base = ctx.value("inpatient.admissions", inpatient.admissions)
    per_day = base[:, None] / DAYS_PER_YEAR * ctx.population_index
    held = per_day * ctx.timeline.days
    return held * (1.0 - effect) / (1.0 - effect[:, :1]), held


def warmup_days(inpatient: Inpatient, first_mean_los: np.ndarray, cv: np.ndarray) -> float:
    """Days simulated before the start: given, or 10 × the longest starting mean stay × max(1,
    CV²), at least 365. One value for every draw, so the streams stay aligned."""
    if inpatient.warmup_days is not None:
        return float(inpatient.warmup_days)
    return float(max(365.0, np.max(10.0 * first_mean_los * np.maximum(1.0, cv ** 2))))


def build(inpatient: Inpatient, ctx: Context) -> InpatientInputs:
    """The bed kernel's inputs for one footprint: the plan, and with finance the counterfactual
    in which beds, stays and crisis cover stay as in the start month (population still grows),
    on the same random streams."""
    from ..kernels import beds as b  # numba: imported when a run needs it

    n_months = ctx.timeline.n_months
    planned, held_admissions = admissions_by_month(inpatient, ctx)
    los = ctx.series("inpatient.los_days", inpatient.los_days)
    beds = np.round(ctx.series("inpatient.beds", inpatient.beds))
    cv = ctx.value("inpatient.los_cv", inpatient.los_cv)
    dist = b.LOS_LOGNORMAL if inpatient.los_distribution == "lognormal" else b.LOS_GAMMA
    warmup = warmup_days(inpatient, los[:, 0], cv)

    def bed_inputs(admissions: np.ndarray, los: np.ndarray, beds: np.ndarray) -> BedInputs:
        return BedInputs(rate=np.ascontiguousarray((admissions / ctx.timeline.days)[:, None]),
                         los_mean=np.ascontiguousarray(los[:, None]),
                         los_cv=np.ascontiguousarray(cv[:, None]),
                         beds=np.ascontiguousarray(beds[:, None]), dist=dist,
                         repatriate=inpatient.repatriate, warmup_days=warmup)

    held = None
    if ctx.scenario.section("finance") is not None:
        held = bed_inputs(held_admissions, np.repeat(los[:, :1], n_months, axis=1),
                          np.repeat(beds[:, :1], n_months, axis=1))
    return InpatientInputs(
        plan=bed_inputs(planned, los, beds), held=held,
        seeds=stream_seeds(ctx.seed, STREAM_BEDS, ctx.n_draws, [ctx.scenario.footprint.code]),
        planned=planned, held_admissions=held_admissions,
        cost_per_day=ctx.series("inpatient.oap_cost_per_day", inpatient.oap_cost_per_day),
        target_occupancy=ctx.value("inpatient.target_occupancy", inpatient.target_occupancy),
        open_bed_day_cost=ctx.series("inpatient.open_bed_day_cost",
                                     inpatient.open_bed_day_cost),
        capital_per_new_bed=ctx.value("inpatient.capital_per_new_bed",
                                      inpatient.capital_per_new_bed),
        oap_target_share=(None if inpatient.oap_target_share is None
                          else float(inpatient.oap_target_share)))  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# The kernel

# The bed kernel's outputs B_ADMISSIONS ... B_LOS_DAYS in its order, named as rows
# (tests/test_layers.py checks), then the counterfactual's OAP bed days (zero without finance)
BED_ROWS = ("admissions", "oap_admissions", "local_bed_days", "oap_bed_days", "bed_days_open",
            "los_days")
KERNEL_ROWS = (*BED_ROWS, "held_oap_bed_days")
HELD = len(BED_ROWS)


@dataclass(frozen=True)
class BedRun:
    plan: BedInputs
    held: BedInputs | None
    seeds: np.ndarray


def _stack_beds(parts: list[BedInputs]) -> BedInputs:
    first = parts[0]
    return BedInputs(
        rate=stack([p.rate for p in parts]), los_mean=stack([p.los_mean for p in parts]),
        los_cv=stack([p.los_cv for p in parts]), beds=stack([p.beds for p in parts]),
        dist=first.dist, repatriate=first.repatriate,
        warmup_days=max(p.warmup_days for p in parts))


def _stack(parts: list[InpatientInputs]) -> BedRun:
    held = [p.held for p in parts if p.held is not None]
    return BedRun(_stack_beds([p.plan for p in parts]), _stack_beds(held) if held else None,
                  stack([p.seeds for p in parts]))


def _beds(days: np.ndarray, inputs: BedInputs, seeds: np.ndarray, block: slice) -> np.ndarray:
    from ..kernels import beds as b

    return b.project_beds(days, inputs.rate[block], inputs.los_mean[block],
                          inputs.los_cv[block], inputs.beds[block], inputs.dist,
                          inputs.repatriate, inputs.warmup_days, seeds[block])


def _simulate(run: BedRun, days: np.ndarray, block: slice) -> np.ndarray:
    plan = _beds(days, run.plan, run.seeds, block)
    out = np.zeros((plan.shape[0], plan.shape[1], len(KERNEL_ROWS), plan.shape[3]))
    out[:, :, :HELD] = plan
    if run.held is not None:
        held = _beds(days, run.held, run.seeds, block)
        out[:, :, HELD] = held[:, :, BED_ROWS.index("oap_bed_days")]
    return out


# ---------------------------------------------------------------------------------------------
# Derived rows


def derive(rows: Rows, inputs: InpatientInputs, ctx: Context) -> None:
    days = ctx.timeline.days
    expected = inputs.plan.rate[:, 0] * days
    rows["beds_open"] = inputs.plan.beds[:, 0]
    rows["admissions_expected"] = expected
    rows["los_expected_days"] = expected * inputs.plan.los_mean[:, 0]
    rows["oap_cost"] = rows["oap_bed_days"] * inputs.cost_per_day
    rows["bed_days_needed"] = ((rows["local_bed_days"] + rows["oap_bed_days"])
                               / inputs.target_occupancy[:, None])
    rows["days"] = days
    rows["crisis_avoided"] = inputs.held_admissions - inputs.planned
    beds = inputs.plan.beds[:, 0]
    rows["bed_cost"] = beds * days * inputs.open_bed_day_cost
    opened = np.maximum(np.diff(beds, axis=1, prepend=beds[:, :1]), 0.0)
    rows["bed_capital"] = opened * inputs.capital_per_new_bed[:, None]
    if inputs.oap_target_share is not None:
        from ..kernels.erlang import beds_for_share

        load = inputs.plan.rate[:, 0] * inputs.plan.los_mean[:, 0]  # offered load [beds]
        rows["beds_for_target_days"] = beds_for_share(load, inputs.oap_target_share) * days
    if inputs.held is not None:
        held = rows["held_oap_bed_days"] * inputs.cost_per_day
        rows["oap_cost_held"] = held
        rows["oap_savings"] = held - rows["oap_cost"]


# ---------------------------------------------------------------------------------------------
# Its part of `stpmodel new`

LOS_STANDARD = 32.0  # days: NHS Long Term Plan, mental health deliverables 2023/24
LOS_CV = 1.0  # illustrative placeholder: stays as spread as an exponential distribution


def _national(item: str) -> tuple[float, str]:
    import polars as pl

    from .. import reference

    frame = reference.national()
    row = frame.filter(pl.col("item") == item).row(0, named=True)
    return float(row["value"]), str(row["source"])


def template(t: TemplateContext) -> None:
    from .. import reference

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
    if daily is not None:
        out.comment(f"SOURCED: {fp.name}'s average recorded daily cost of an out-of-area "
                    f"placement, {latest} ({reference.OAP_SOURCE}, {t.sources.oaps_label}).", 2)
        out.key("oap_cost_per_day", num(daily), 2)
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

    from .. import reference
    from ..iotools.oaps import PARTIAL

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


# ---------------------------------------------------------------------------------------------
# The service

SERVICE = Service(
    name="inpatient",
    title="adult acute mental health beds and out-of-area placements",
    section=Inpatient,
    reads=("crisis",),  # crisis cover lowers admissions
    rows=KERNEL_ROWS + (
        "beds_open",  # local beds open [beds]
        "oap_cost",  # [£]
        "bed_days_needed",  # (local + out-of-area bed days) ÷ target occupancy [bed days]
        "days",  # days in the month: the same for every footprint [days]
        "oap_cost_held",  # OAP cost with the start month's beds, stays and crisis cover [£]
        "oap_savings",  # oap_cost_held − oap_cost [£]
        "admissions_expected",  # the admission rate the simulation draws from [admissions]
        "los_expected_days",  # expected admissions × planned mean stay [days]
        "crisis_avoided",  # admissions avoided against the start month's cover [admissions]
        "bed_cost",  # local beds open × days × cost of an open bed day [£]
        "bed_capital",  # beds opened above the month before × capital per bed [£]
        "beds_for_target_days",  # beds that hold the OAP target (inverse Erlang) × days [bed days]
    ),
    kernel_rows=len(KERNEL_ROWS),
    shared_rows=("days",),
    same_for_every_footprint=("los_distribution", "repatriate"),  # one kernel call for all
    savings=("oap_savings",),
    costs=(Cost("bed_cost"), Cost("bed_capital")),  # opening beds costs, closing releases
    standalone=True,
    check=check,
    features=lambda inpatient: ("oap_target",) if inpatient.oap_target_share is not None else (),
    inputs=build,
    stack=_stack,
    simulate=_simulate,
    derive=derive,
    template=template,
    metrics=(
        Metric("mh_admissions", "admissions", "flow", "adult acute mental health admissions",
               row="admissions", summary=True),
        Metric("mh_occupied_bed_days", "bed days", "flow", "local bed days occupied",
               row="local_bed_days"),
        Metric("mh_beds", "beds", "stock", "local beds open", row="beds_open"),
        Metric("mh_occupancy", "fraction", "rate", "local bed days occupied ÷ bed days open",
               numerator="local_bed_days", denominator="bed_days_open"),
        Metric("mh_mean_los", "days", "rate", "mean length of stay of the period's admissions",
               numerator="los_days", denominator="admissions", key=True),
        Metric("mh_planned_los", "days", "rate",
               "mean length of stay planned (the trajectory, weighted by expected admissions); "
               "the simulated mh_mean_los scatters around it", numerator="los_expected_days",
               denominator="admissions_expected"),
        Metric("oap_admissions", "admissions", "flow",
               "admissions that found every local bed full and were placed out of area",
               row="oap_admissions"),
        Metric("oap_bed_days", "bed days", "flow", "bed days spent out of area",
               row="oap_bed_days", summary=True, key=True),
        Metric("oap_cost", "£", "flow", "out-of-area bed days × cost per day", row="oap_cost",
               summary=True, key=True),
        Metric("beds_needed", "beds", "rate",
               "beds to hold local and out-of-area bed days at the target occupancy",
               numerator="bed_days_needed", denominator="days", key=True),
        Metric("mh_bed_cost", "£", "flow",
               "local beds open × days × cost of an open bed day (2024/25 prices)",
               row="bed_cost"),
        Metric("mh_bed_capital", "£", "flow",
               "beds opened × capital cost per new bed (2024/25 prices)", row="bed_capital"),
        Metric("beds_for_oap_target", "beds", "rate",
               "beds the Erlang loss formula says keep out-of-area placements to the target "
               "share of admissions (mean over the period)", numerator="beds_for_target_days",
               denominator="days", requires=("oap_target",)),
        # the effect of crisis cover is applied here, to admissions, so it is reported here
        Metric("crisis_admissions_avoided", "admissions", "flow",
               "expected admissions avoided by crisis cover beyond the start month's",
               row="crisis_avoided", requires=("crisis",), summary=True, key=True),
        Metric("oap_savings", "£", "flow",
               "OAP cost had beds, stays and crisis cover stayed as at the start, less the "
               "plan's", row="oap_savings", requires=("finance",)),
    ),
    standards=(
        Standard("oaps_ended", "oap_bed_days", "<=", ((2021, 0.0),),
                 "no out-of-area placements from 2021/22",
                 "Five Year Forward View for Mental Health (2016): eliminate inappropriate OAPs "
                 "by 2020/21"),
        Standard("los_32_days", "mh_planned_los", "<=", ((2023, 32.0),),
                 "adult acute mean length of stay of 32 days or less from 2023/24 (as planned: "
                 "the simulated mean scatters around it)",
                 "NHS Long Term Plan, mental health deliverables for 2023/24"),
    ),
)
