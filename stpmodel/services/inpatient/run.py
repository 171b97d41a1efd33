"""The inpatient service's run: the section becomes the bed kernel's inputs (the plan and, with
finance, the counterfactual on the same random streams); the kernel runs over every footprint;
and the derived rows (costs, bed need, beds for an OAP target, admissions avoided) follow."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

from ..base import DAYS_PER_YEAR, NOT_PER_DRAW, Context, Rows, stack
from .section import Inpatient

STREAM_BEDS = 0xBED5  # the bed simulation's streams: (seed, STREAM_BEDS, draw, footprint)


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
    pools: int  # the pools the footprint's beds are split into (section: pool_beds)
    pool_seeds: np.ndarray  # [uint32, draw × pool]; pool 0's is the footprint's own stream


def stream_seeds(seed: int, stream: int, n_draws: int, codes: list[str]) -> np.ndarray:
    """One 32-bit seed per draw and footprint, from (seed, stream, draw, crc32(footprint
    code)), so that adding draws or footprints never changes the streams of the others
    [uint32, draw × footprint]: the first word of ``np.random.SeedSequence([seed, stream,
    draw, tag]).generate_state(1, np.uint32)``, worked out for every draw at once
    (:func:`seed_sequence_words`; tests/test_streams.py checks it against NumPy's)."""
    out = np.empty((n_draws, len(codes)), dtype=np.uint32)
    fixed = _uint32_words(int(seed)) + _uint32_words(int(stream))
    for f, code in enumerate(codes):
        tag = _uint32_words(zlib.crc32(code.encode()))
        entropy = np.empty((n_draws, len(fixed) + 1 + len(tag)), dtype=np.uint32)
        entropy[:, : len(fixed)] = fixed
        entropy[:, len(fixed)] = np.arange(n_draws, dtype=np.uint32)
        entropy[:, len(fixed) + 1 :] = tag
        out[:, f] = seed_sequence_words(entropy)
    return out


def _uint32_words(n: int) -> list[int]:
    """A non-negative integer as SeedSequence takes it: 32-bit words, least significant first."""
    if n < 0:
        raise ValueError("seeds are non-negative")
    words = [n & 0xFFFFFFFF]
    n >>= 32
    while n > 0:
        words.append(n & 0xFFFFFFFF)
        n >>= 32
    return words


# NumPy's SeedSequence (numpy/random/bit_generator.pyx; O'Neill's seed_seq_fe, pool of 4 words)
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_POOL = 4


def seed_sequence_words(entropy: np.ndarray) -> np.ndarray:
    """The first uint32 word of ``SeedSequence(row).generate_state(1, np.uint32)`` for each row
    of ``entropy`` [row, word] (each row the entropy's 32-bit words, as SeedSequence splits
    it), computed for all rows at once with uint32 arithmetic, which wraps as NumPy's does."""
    e = np.asarray(entropy, dtype=np.uint32)
    n = e.shape[1]
    hash_const = _INIT_A
    shift = np.uint32(16)

    def hashmix(value: np.ndarray) -> np.ndarray:
        nonlocal hash_const
        value = value ^ np.uint32(hash_const)
        hash_const = (hash_const * _MULT_A) & 0xFFFFFFFF
        value = value * np.uint32(hash_const)
        return value ^ (value >> shift)

    def mix(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        result: np.ndarray = np.uint32(_MIX_L) * x - np.uint32(_MIX_R) * y
        return result ^ (result >> shift)

    zero = np.zeros(e.shape[0], dtype=np.uint32)
    pool = [hashmix(e[:, i] if i < n else zero) for i in range(_POOL)]
    for src in range(_POOL):
        for dst in range(_POOL):
            if src != dst:
                pool[dst] = mix(pool[dst], hashmix(pool[src]))
    for src in range(_POOL, n):
        for dst in range(_POOL):
            pool[dst] = mix(pool[dst], hashmix(e[:, src]))
    value = pool[0] ^ np.uint32(_INIT_B)
    value = value * np.uint32((_INIT_B * _MULT_B) & 0xFFFFFFFF)
    return np.asarray(value ^ (value >> shift), dtype=np.uint32)


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
    from ...kernels import beds as b  # numba: imported when a run needs it

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
    pools = 1 if inpatient.pool_beds is None else max(
        1, round(float(np.mean(beds[:, 0])) / float(inpatient.pool_beds)))  # type: ignore[arg-type]
    code = ctx.scenario.footprint.code
    seeds = stream_seeds(ctx.seed, STREAM_BEDS, ctx.n_draws,
                         [code] + [f"{code}/pool {j}" for j in range(1, pools)])
    if ctx.scenario.section("finance") is not None:
        held = bed_inputs(held_admissions, np.repeat(los[:, :1], n_months, axis=1),
                          np.repeat(beds[:, :1], n_months, axis=1))
    return InpatientInputs(
        plan=bed_inputs(planned, los, beds), held=held,
        seeds=seeds[:, :1],
        planned=planned, held_admissions=held_admissions,
        cost_per_day=ctx.series("inpatient.oap_cost_per_day", inpatient.oap_cost_per_day),
        target_occupancy=ctx.value("inpatient.target_occupancy", inpatient.target_occupancy),
        open_bed_day_cost=ctx.series("inpatient.open_bed_day_cost",
                                     inpatient.open_bed_day_cost),
        capital_per_new_bed=ctx.value("inpatient.capital_per_new_bed",
                                      inpatient.capital_per_new_bed),
        oap_target_share=(None if inpatient.oap_target_share is None
                          else float(inpatient.oap_target_share)),  # type: ignore[arg-type]
        pools=pools, pool_seeds=seeds)


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
    """The kernel's inputs over every pool of every footprint; ``owner[pool]`` is the footprint
    a pool belongs to (None when each footprint is one pool)."""

    plan: BedInputs
    held: BedInputs | None
    seeds: np.ndarray
    owner: np.ndarray | None = field(metadata=NOT_PER_DRAW)
    # footprint f's pools are pool_start[f]:pool_start[f + 1] [int64]
    pool_start: np.ndarray = field(metadata=NOT_PER_DRAW)


def _stack_beds(parts: list[BedInputs]) -> BedInputs:
    first = parts[0]
    return BedInputs(
        rate=stack([p.rate for p in parts]), los_mean=stack([p.los_mean for p in parts]),
        los_cv=stack([p.los_cv for p in parts]), beds=stack([p.beds for p in parts]),
        dist=first.dist, repatriate=first.repatriate,
        warmup_days=max(p.warmup_days for p in parts))


def _pooled(inputs: BedInputs, k: int) -> BedInputs:
    """One footprint's inputs as ``k`` pools, each with 1/k of the admissions and as equal a
    share of the beds as whole beds allow."""
    if k == 1:
        return inputs
    from .calibration import pool_arrays

    def each(a: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(np.repeat(a, k, axis=1))

    return BedInputs(rate=each(inputs.rate) / k, los_mean=each(inputs.los_mean),
                     los_cv=each(inputs.los_cv),
                     beds=np.ascontiguousarray(pool_arrays(inputs.beds[:, 0], k)),
                     dist=inputs.dist, repatriate=inputs.repatriate,
                     warmup_days=inputs.warmup_days)


def _stack(parts: list[InpatientInputs]) -> BedRun:
    held = [_pooled(p.held, p.pools) for p in parts if p.held is not None]
    pooled = any(p.pools > 1 for p in parts)
    return BedRun(_stack_beds([_pooled(p.plan, p.pools) for p in parts]),
                  _stack_beds(held) if held else None,
                  stack([p.pool_seeds for p in parts]) if pooled
                  else stack([p.seeds for p in parts]),
                  np.repeat(np.arange(len(parts)), [p.pools for p in parts]) if pooled
                  else None,
                  np.concatenate([[0], np.cumsum([p.pools for p in parts])]).astype(np.int64))


def _beds(days: np.ndarray, inputs: BedInputs, seeds: np.ndarray, block: slice) -> np.ndarray:
    from ...kernels import beds as b

    return b.project_beds(days, inputs.rate[block], inputs.los_mean[block],
                          inputs.los_cv[block], inputs.beds[block], inputs.dist,
                          inputs.repatriate, inputs.warmup_days, seeds[block])


def _simulate(run: BedRun, days: np.ndarray, block: slice) -> np.ndarray:
    from ...kernels import beds as b

    p, h = run.plan, run.held
    if h is not None and _pairs(p, h):
        # the same streams: the months before the two differ are simulated once (performance
        # only: the outputs are those of two separate runs, bit for bit)
        plan, held = b.project_beds_pair(
            days, p.rate[block], p.los_mean[block], p.los_cv[block], p.beds[block],
            h.rate[block], h.los_mean[block], h.beds[block], p.dist, p.repatriate,
            p.warmup_days, run.seeds[block])
    else:
        plan = _beds(days, p, run.seeds, block)
        held = None if h is None else _beds(days, h, run.seeds, block)
    out = np.zeros((plan.shape[0], plan.shape[1], len(KERNEL_ROWS), plan.shape[3]))
    out[:, :, :HELD] = plan
    if held is not None:
        out[:, :, HELD] = held[:, :, BED_ROWS.index("oap_bed_days")]
    if run.owner is None:
        return out
    # every row is a count or a sum, so a footprint's is the sum of its pools'
    footprints = np.zeros((out.shape[0], int(run.owner[-1]) + 1, *out.shape[2:]))
    for pool, footprint in enumerate(run.owner):
        footprints[:, footprint] += out[:, pool]
    return footprints


def _simulate_into(run: BedRun, days: np.ndarray, block: slice, out: np.ndarray,
                   first: int) -> None:
    """:func:`_simulate`, written by the kernel straight into the run's out[block] (zeros there
    before) at rows first.., pools summed into their footprints: nothing is allocated or copied
    per draw. Through :func:`_simulate` (arrays returned and copied) for the plan alone with
    one pool a footprint, and where the counterfactual cannot share the plan's streams step for
    step (never, as :func:`build` makes it)."""
    from ...kernels import beds as b

    p, h = run.plan, run.held
    if (h is not None and not _pairs(p, h)) or (h is None and run.owner is None):
        # also the plan alone with one pool a footprint (no finance; a small run, as a rule):
        # project_beds, which numba compiles in less time than project_beds_into (a cold first
        # run of end-oaps.yaml: 14.4 against 18.6 s), its rows copied
        out[:, :, first : first + len(KERNEL_ROWS)] = _simulate(run, days, block)
        return
    q = p if h is None else h
    b.project_beds_into(days, p.rate[block], p.los_mean[block], p.los_cv[block], p.beds[block],
                        q.rate[block], q.los_mean[block], q.beds[block], p.dist, p.repatriate,
                        p.warmup_days, run.seeds[block], h is not None, run.pool_start, out,
                        first)


def _pairs(p: BedInputs, h: BedInputs) -> bool:
    """Whether the counterfactual runs on the plan's streams with the plan's stays' shapes and
    warm-up, so that the two can share the months before they differ."""
    return (h.dist, h.repatriate, h.warmup_days) == (p.dist, p.repatriate, p.warmup_days) \
        and np.array_equal(h.los_cv, p.los_cv)


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
        from ...kernels.erlang import beds_for_share

        # each of the footprint's pools takes 1/k of the offered load [beds]
        load = inputs.plan.rate[:, 0] * inputs.plan.los_mean[:, 0] / inputs.pools
        rows["beds_for_target_days"] = (inputs.pools * days
                                        * beds_for_share(load, inputs.oap_target_share))
    if inputs.held is not None:
        held = rows["held_oap_bed_days"] * inputs.cost_per_day
        rows["oap_cost_held"] = held
        rows["oap_savings"] = held - rows["oap_cost"]
