"""Measured bed baselines for every footprint, and the one calibrated value of the bed model.

**Which beds.** The model's beds are adult acute mental health beds. KH03 counts every NHS mental
illness bed (adult acute, older adult, PICU, rehabilitation, secure, CYP) and gives no split; the
only split in the bundled data is the National Cost Collection's 2024/25 bed days, where adult
acute is 56.01% of adult acute, older adult, PICU and mainstream rehabilitation bed days
(``stpmodel/data/inpatient_national.csv``). So a footprint's adult acute beds, and beds occupied,
are its KH03 mental illness beds × that share (:func:`share`): its mix is taken to be England's.

**Which footprints.** KH03 is by provider trust, placed where the trust is headquartered
(``stpmodel/data/SOURCES.md``). Eight STP footprints are not measured that way (:func:`flagged`):
those with no trust of their own, those missing a large trust in the extract, and those whose beds
are under a quarter of England's per adult; for ICBs also one whose beds occupied exceed its beds
available (:data:`OVERFULL`). Their beds and beds occupied are what England's row
leaves once the other 36 are counted, shared by adults aged 16+ (mid-2021). England's total is
then KH03's exactly.

**Pools.** A footprint's *N* beds work as *k* = max(1, round(*N* ÷ *P*)) separate pools of as
equal whole sizes as possible; a pool receives 1/*k* of the admissions and an admission can take
a bed only in its own pool. With one pool (*P* at least *N*) the whole footprint is one loss
system, which places far fewer people out of area than are placed at the same occupancy: real
beds are split by sex, acuity, ward and trust. *P* is the one calibrated value
(:func:`calibrate`).

**Offered load.** Occupied beds are the load the pools carry: Σ (a/k)(1 − B(a/k, n_j)) over the
pools, B being Erlang's loss formula; :func:`offered_load` inverts it for *a*, the beds' worth of
admissions offered [beds]. The out-of-area beds a day are then a − carried = Σ (a/k) B(a/k, n_j)
(every admission that finds its pool full stays out for its whole stay, and B holds for any
distribution of stays).

**Calibration.** *P* is the whole number of beds for which the 44 footprints' out-of-area bed
days over 2018/19's 365 days, from their 2018/19 beds and occupancy, come closest to the
dashboard's 239,015 for England (CR(iii.a), the sum of 2018/19's four quarters). Only 2018/19 is
used; docs/validation.md reports 2019/20 to 2021/22 out of sample.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import polars as pl

ENGLAND = "E92000001"
SHARE_ITEM, SHARE_YEAR = "adult_acute_share_of_four_adult_types", "2024-25"
CALIBRATION_YEAR = "2018-19"
YEAR_DAYS = 365  # 2018/19
POPULATION_YEAR = 2021  # adults 16+ that share the unmeasured beds (the ONS estimate)
STP2017, ICB2022 = "stp2017", "icb2022"  # as stpmodel.reference names the geographies
ICB_YEAR = "2024-25"  # the latest KH03 year bundled by ICB (its first two quarters)
OWN = ("own_footprint", "own_icb")  # the KH03 methods that measure a footprint's own beds
SPARSE = 0.25  # beds per adult under this share of England's: not measured by KH03's placement
# Beds occupied above beds available by more than this in a quarter: KH03's figures for the
# footprint cannot be read as a bed count and an occupancy (as published, Northamptonshire's
# trust RP1 from 2021-22 Q3: 139 beds available, 185 occupied).
OVERFULL = 1.05
SEARCH = (10, 1000)  # the pool sizes searched [beds]
WINDOW = 15  # sizes each side of the bisection's crossing that are all tried [beds]


@dataclass(frozen=True)
class Beds:
    """A footprint's adult acute beds [beds] and beds occupied [beds], average daily."""

    available: float
    occupied: float


def share() -> float:
    from ... import baselines

    value = baselines.inpatient_national_value(SHARE_ITEM, SHARE_YEAR)
    assert value is not None
    return value


def _kh03(geography: str) -> pl.DataFrame:
    """The bundled KH03 table of a geography: the 44 STPs (2018-19 and 2019-20; England to
    2021-22) or the 42 ICBs (2022-23 to 2024-25), with the same columns."""
    from ... import baselines

    return (baselines.icb_inpatient_beds() if geography == ICB2022
            else baselines.inpatient_baseline())


@cache
def flagged(geography: str = STP2017) -> frozenset[str]:
    """Footprints whose own KH03 beds do not measure their beds, in any quarter bundled."""
    import polars as pl

    from ... import reference

    frame = _kh03(geography).filter(pl.col("period") != "year")
    england = frame.filter(pl.col("footprint_code") == ENGLAND)
    fewest = float(england["beds_available"].min())  # type: ignore[arg-type]
    per_adult = fewest / reference.persons(ENGLAND, POPULATION_YEAR, 16)
    out = set()
    for code, method, beds, occupied in frame.filter(pl.col("footprint_code") != ENGLAND).select(
            "footprint_code", "method", "beds_available", "beds_occupied").iter_rows():
        adults = reference.persons(code, POPULATION_YEAR, 16, geography=geography)
        if (method not in OWN or beds < SPARSE * per_adult * adults
                or (geography == ICB2022 and occupied > OVERFULL * beds)):
            out.add(code)
    return frozenset(out)


@cache
def measured(year: str, period: str = "year", geography: str = STP2017) -> dict[str, Beds]:
    """Every footprint's adult acute beds and beds occupied in a financial year's quarter
    (``Q1``–``Q4``) or over the year (``year``), and England's (``E92000001``); England's alone
    for the years bundled for England only. The 44 STPs' (2018-19 and 2019-20), or with
    ``geography="icb2022"`` the 42 ICBs' (2022-23 to 2024-25)."""
    import polars as pl

    from ... import reference

    frame = _kh03(geography).filter(
        (pl.col("financial_year") == year) & (pl.col("period") == period))
    # An ICB that is flagged is left out: its residents' beds are in another ICB's trust (the
    # one its mental health trust is headquartered in), so no bed count of its own is bundled.
    if not frame.height:
        raise KeyError(f"no KH03 beds for {year} {period}")
    kh03 = {c: Beds(a, o) for c, a, o in frame.select(
        "footprint_code", "beds_available", "beds_occupied").iter_rows()}
    s, rest = share(), flagged(geography)
    england = kh03.pop(ENGLAND)
    if not kh03:  # a year bundled for England alone (2020-21, 2021-22)
        return {ENGLAND: Beds(england.available * s, england.occupied * s)}
    measured_ = {c: b for c, b in kh03.items() if c not in rest}
    if geography == ICB2022:  # no residue: the flagged ICBs' patients are in others' trusts
        out = {c: Beds(b.available * s, b.occupied * s) for c, b in measured_.items()}
        out[ENGLAND] = Beds(england.available * s, england.occupied * s)
        return out
    left = Beds(england.available - sum(b.available for b in measured_.values()),
                england.occupied - sum(b.occupied for b in measured_.values()))
    adults = {c: reference.persons(c, POPULATION_YEAR, 16, geography=geography) for c in rest}
    total = sum(adults.values())
    out = {c: Beds(b.available * s, b.occupied * s) for c, b in measured_.items()}
    out.update({c: Beds(left.available * a / total * s, left.occupied * a / total * s)
                for c, a in adults.items()})
    out[ENGLAND] = Beds(england.available * s, england.occupied * s)
    return out


def pools(beds: float, pool_beds: float | None) -> list[int]:
    """The whole sizes of the pools ``beds`` split into [beds each]."""
    whole = int(round(beds))
    k = 1 if pool_beds is None else max(1, round(whole / pool_beds))
    size, extra = divmod(whole, k)
    return [size + (j < extra) for j in range(k)]


def erlang_b(load: float, beds: int) -> float:
    """B(a, c) for one load, by the recursion of :mod:`stpmodel.kernels.erlang` in plain floats
    (the calibration calls it some 10⁵ times)."""
    b = 1.0
    for c in range(1, beds + 1):
        b = load * b / (c + load * b)
    return b


def _loss(load: float, sizes: list[int]) -> float:
    """Out-of-area beds a day at offered load ``load`` [beds] over pools of ``sizes``."""
    k = len(sizes)
    blocked = {n: erlang_b(load / k, n) for n in set(sizes)}  # at most two sizes
    return sum(load / k * blocked[n] for n in sizes)


def offered_load(beds: Beds, pool_beds: float | None) -> float:
    """The offered load [beds] whose carried part is ``beds.occupied``, by bisection (carried
    load rises with offered load). Occupied must be below available."""
    sizes = pools(beds.available, pool_beds)
    if not 0.0 <= beds.occupied < sum(sizes):
        raise ValueError(f"occupied beds {beds.occupied} must be from 0 to below {sum(sizes)}")
    lo, hi = beds.occupied, beds.occupied * 2.0 + 1.0
    while hi - _loss(hi, sizes) < beds.occupied:
        hi *= 2.0
    for _ in range(60):
        mid = (lo + hi) / 2.0
        if mid - _loss(mid, sizes) < beds.occupied:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2.0


def oap_beds(beds: Beds, pool_beds: float | None) -> float:
    """Out-of-area beds a day [beds] with the load that carries ``beds.occupied``."""
    return _loss(offered_load(beds, pool_beds), pools(beds.available, pool_beds))


def published_oap_days(year: str = CALIBRATION_YEAR) -> float:
    """England's inappropriate OAP bed days over a financial year's four quarters."""
    import polars as pl

    from ... import baselines

    rows = baselines.inpatient_oaps_quarterly().filter(
        (pl.col("footprint_code") == ENGLAND) & (pl.col("financial_year") == year))
    assert rows.height == 4, rows
    return float(rows["bed_days"].sum())


def modelled_oap_days(pool_beds: float | None, year: str = CALIBRATION_YEAR) -> float:
    """The 44 footprints' out-of-area bed days over 2018/19 from their measured beds and
    occupancy [bed days]."""
    return YEAR_DAYS * sum(oap_beds(b, pool_beds) for c, b in measured(year).items()
                           if c != ENGLAND)


@cache
def calibrate() -> int:
    """The whole pool size [beds] whose 2018/19 out-of-area bed days come closest to England's
    published figure. Smaller pools place more out of area, though not strictly (the number of
    pools is rounded): bisection finds where the total crosses the target, and every size within
    :data:`WINDOW` of that crossing is tried."""
    return _bisect(modelled_oap_days, *SEARCH, published_oap_days())


def pool_arrays(beds: np.ndarray, k: int) -> np.ndarray:
    """Beds [draw, month] split into ``k`` pools as evenly as whole beds allow [draw, pool,
    month]: the first ``beds mod k`` pools hold one more."""
    whole = np.round(beds)
    size = np.floor(whole / k)
    extra = whole - size * k
    j = np.arange(k)[None, :, None]
    return size[:, None, :] + (j < extra[:, None, :])


def published_footprint_oap_days(code: str, year: str = CALIBRATION_YEAR) -> float | None:
    """A footprint's inappropriate OAP bed days over a financial year, or None where a quarter
    is not published."""
    import polars as pl

    from ... import baselines

    rows = baselines.inpatient_oaps_quarterly().filter(
        (pl.col("footprint_code") == code) & (pl.col("financial_year") == year))
    if rows.height != 4 or rows["bed_days"].null_count():
        return None
    return float(rows["bed_days"].sum())


@dataclass(frozen=True)
class Baseline:
    """A footprint's measured start, as ``stpmodel new`` and the England scenarios write it:
    adult acute beds and beds occupied (KH03, 2018/19, × :func:`share`); the pool size and
    offered load that reproduce them and the footprint's own 2018/19 OAP bed days; and the
    admissions a year that offer that load with stays of ``los`` days."""

    beds: int  # [beds], rounded
    occupied: float  # measured [beds]
    pool_beds: int
    pools: int
    load: float  # offered [beds]
    admissions: int  # load × 365.25 ÷ los [admissions/year], rounded
    published: float | None  # the dashboard's 2018/19 OAP bed days
    modelled: float  # load's out-of-area bed days over 2018/19's 365 days
    occupancy: float  # the load's carried part ÷ beds: the measured, except as FITS says
    how: str  # see FITS
    measured: bool  # False: the footprint's share of what England's row leaves (flagged)


FITS = {
    "pools": "the pools that come nearest its 2018/19 OAP bed days at its measured occupancy, "
             "then the load that places them exactly",
    "one pool": "even one pool places more out of area at its measured occupancy than the "
                "dashboard records, so one pool, with the load that places the recorded OAP bed "
                "days",
    "national": "a 2018/19 quarter of its OAP bed days is not published, so England's calibrated "
                "pool size, with the load that carries its measured occupancy",
}


def load_for_oap_days(sizes: list[int], oap_days: float) -> float:
    """The offered load [beds] whose out-of-area bed days over 2018/19 are ``oap_days`` in
    pools of ``sizes`` (they rise with the load), by bisection."""
    lo, hi = 0.0, float(sum(sizes))
    while YEAR_DAYS * _loss(hi, sizes) < oap_days:
        hi *= 2.0
    for _ in range(60):
        mid = (lo + hi) / 2.0
        lo, hi = (mid, hi) if YEAR_DAYS * _loss(mid, sizes) < oap_days else (lo, mid)
    return (lo + hi) / 2.0


def _bisect(f: Callable[[int], float], lo: int, hi: int, target: float) -> int:
    """The whole x in [lo, hi] nearest where the falling function ``f`` crosses ``target``
    (f is only roughly monotone: every x within :data:`WINDOW` of the crossing is tried)."""
    a, b = lo, hi
    while b - a > 1:
        mid = (a + b) // 2
        if f(mid) > target:
            a = mid
        else:
            b = mid
    near = range(max(lo, a - WINDOW), min(hi, b + WINDOW) + 1)
    errors = {x: abs(f(x) - target) for x in near}
    return min(errors, key=lambda x: (errors[x], x))


@cache
def baseline(code: str, los: float, geography: str = STP2017) -> Baseline:
    """A footprint's measured start: an STP's from 2018/19's KH03 beds and OAP bed days, or
    with ``geography="icb2022"`` an ICB's from 2024/25's KH03 beds (its first two quarters,
    the latest bundled) with England's calibrated pool size (no OAP bed days by ICB are
    bundled for those years, so its pools are not fitted to its own)."""
    from ..base import DAYS_PER_YEAR

    icb = geography == ICB2022
    beds = measured(ICB_YEAR if icb else CALIBRATION_YEAR, geography=geography)[code]
    whole = max(1, int(round(beds.available)))
    at = Beds(float(whole), min(beds.occupied, whole - 1e-6))
    published = None if icb else published_footprint_oap_days(code)

    def days(pool: int) -> float:
        return YEAR_DAYS * oap_beds(at, pool)

    if published is None:  # the shipped default, which a test re-derives with calibrate()
        from .section import POOL_BEDS

        pool, how = POOL_BEDS, "national"
        load = offered_load(at, pool)
    else:
        pool, how = ((whole, "one pool") if days(whole) >= published
                     else (_bisect(days, 1, whole, published), "pools"))
        load = load_for_oap_days(pools(whole, pool), published)
    sizes = pools(whole, pool)
    return Baseline(beds=whole, occupied=beds.occupied, pool_beds=pool, pools=len(sizes),
                    load=load, admissions=round(load * DAYS_PER_YEAR / los),
                    published=published, modelled=YEAR_DAYS * _loss(load, sizes), how=how,
                    occupancy=(load - _loss(load, sizes)) / whole,
                    measured=code not in flagged(geography))
