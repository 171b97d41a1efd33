"""Plain NumPy/Python references for both kernels, used as oracles (and timed by `make bench`).

``reference_iapt`` derives the IAPT kernel's numbers a different way: with cumulative flows
instead of a queue of cohorts. The list follows Lindley's recursion Q[d] = max(Q[d−1] + in[d] −
slots[d], 0); people leave it in joining order, so the day-d starts are the stretch (S[d−1], S[d]]
of the cumulative joiners, and those who had queued at most q days are the part of it beyond
A[d−q−1], everyone who had joined by day d−q−1. A wait is the queue time plus a lognormal pathway
delay, so the starts within a limit w are Σ_q (starts queued exactly q days) × F(w − q), F the
delay's CDF (from ``math.erf``), over q = 0 … w (F is 0 beyond). Courses on the go are a moving
sum over the course length. It is deterministic, so it must agree to ~1e-9.

``reference_beds`` is the bed simulation as a plain event loop (``heapq``), drawing from
:class:`Xoshiro`, a plain Python xoshiro256++ seeded by SplitMix64 with the ziggurat exponential,
CPython's ``gammavariate`` and the polar method for normals, as the kernel's streams are. So it
follows the same sample path, and must agree to rounding too.
"""

from __future__ import annotations

import heapq
import math

import numpy as np
import pytest

from stpmodel.kernels import beds as b
from stpmodel.kernels import streams
from stpmodel.kernels import waiting_list as k

from .test_kernel import inputs

# --- the IAPT reference ------------------------------------------------------------------------


def delay_cdf(x: float, median: float, sigma: float) -> float:
    """P(pathway delay ≤ x days): lognormal with this median and log-sd, Φ(ln(x/median)/σ); a
    point mass at the median when σ is 0, and at 0 when the median is 0."""
    if median <= 0.0 or sigma <= 0.0:
        return 1.0 if x >= median else 0.0
    if x <= 0.0:
        return 0.0
    return 0.5 * (1.0 + math.erf(math.log(x / median) / (sigma * math.sqrt(2.0))))


def reference_iapt(days: np.ndarray, series: np.ndarray, scalars: np.ndarray) -> np.ndarray:
    """out[O_*, month] for one footprint; series[S_*, month], scalars[C_*] as for the kernel."""
    days = np.asarray(days, dtype=np.int64)
    n_months = len(days)
    out = np.zeros((k.N_OUTPUTS, n_months))
    s_fin, s_not = scalars[k.C_SESSIONS_FINISHED], scalars[k.C_SESSIONS_NOT_FINISHED]
    spw = scalars[k.C_SESSIONS_PER_WTE]
    completion = series[k.S_COMPLETION]
    wte = scalars[k.C_WTE0]
    inflow = np.empty(n_months)
    slots = np.empty(n_months)
    for m in range(n_months):  # need, plan and staff: monthly arithmetic
        need = series[k.S_PREVALENCE, m] * series[k.S_ADULTS, m]
        planned = series[k.S_ACCESS, m] * need / 12.0
        per_course = completion[m] * s_fin + (1.0 - completion[m]) * s_not  # [sessions/entry]
        required = planned * 12.0 * per_course / spw
        if m > 0:
            wte = max(wte, min(required, wte + series[k.S_RECRUITMENT, m]))
        capacity = min(planned, wte * spw / 12.0 / per_course) if per_course > 0 else planned
        joining = series[k.S_REFERRALS, m] * series[k.S_ENTRY, m]
        out[[k.O_NEED, k.O_NEED_PER_MONTH, k.O_REFERRALS, k.O_JOINED, k.O_LEFT, k.O_PLANNED,
             k.O_CAPACITY, k.O_WTE_REQUIRED, k.O_WTE_AVAILABLE], m] = [
            need, need / 12.0, series[k.S_REFERRALS, m], joining,
            series[k.S_REFERRALS, m] - joining, planned, capacity, required, wte]
        inflow[m] = joining / days[m]
        slots[m] = capacity / days[m]
    month = np.repeat(np.arange(n_months), days)  # [day]
    daily_in, daily_slots = inflow[month], slots[month]

    # The start list joined over the n_back days before day 0, evenly, at most 3,650 cohorts.
    waiting0 = scalars[k.C_WAITING0]
    n_back = 0
    if waiting0 > 0:
        n_back = 1 if inflow[0] <= 0 else min(max(1, math.ceil(waiting0 / inflow[0])), 3650)
    # joined[i]: everyone who had joined by the end of day i − n_back (the start list first)
    back = waiting0 * np.arange(1, n_back + 1) / n_back if n_back else np.zeros(0)
    joined = np.concatenate([back, waiting0 + np.cumsum(daily_in)])
    # Lindley by cumulative minimum: Q[d] = X[d] − min(0, min_{i ≤ d} X[i]), X = Q0 + Σ(in − slots)
    x = waiting0 + np.cumsum(daily_in - daily_slots)
    queue = x - np.minimum(0.0, np.minimum.accumulate(x))
    started = joined[n_back:] - queue  # S[d]: everyone who has started by the end of day d
    before = np.concatenate([[0.0], started[:-1]])
    entered_on = started - before
    day_index = np.arange(len(started))

    def joined_by(last_day: np.ndarray) -> np.ndarray:
        """A[last_day]: everyone who had joined by the end of that day (0 before the list)."""
        index = last_day + n_back
        return np.where(index >= 0, joined[np.clip(index, 0, None)], 0.0)

    def queued_at_most(q: int) -> np.ndarray:
        """Starts on each day d that joined on day d − q or later."""
        return np.maximum(0.0, started - np.maximum(before, joined_by(day_index - q - 1)))

    median, sigma = scalars[k.C_DELAY_MEDIAN], scalars[k.C_DELAY_SIGMA]

    def within(limit: int) -> np.ndarray:
        """Starts on each day whose queue time + delay is at most ``limit`` days."""
        total, shorter = np.zeros(len(started)), np.zeros(len(started))
        for q in range(limit + 1):
            upto = queued_at_most(q)
            total += (upto - shorter) * delay_cdf(limit - q, median, sigma)
            shorter = upto
        return total

    first, second = int(scalars[k.C_WAIT_FIRST]), int(scalars[k.C_WAIT_SECOND])
    within_on = {6: within(first), 18: within(second)}
    for row, daily in [(k.O_ENTERED, entered_on), (k.O_ENTERED_WITHIN_6, within_on[6]),
                       (k.O_ENTERED_WITHIN_18, within_on[18])]:
        out[row] = np.bincount(month, daily, n_months)
    ends = np.cumsum(days) - 1
    out[k.O_WAITING] = queue[ends]
    # the list at a month's end (day e) by time waited: queue time e + 1 − joining day, plus the
    # pathway delay each person had before joining it. Those who joined by day e − w have
    # waited more than w days whatever their delay; of those who joined on day e + 1 − a (a ≤ w)
    # and have not started, the share whose delay was over w − a days
    for row, w in [(k.O_WAITING_OVER_6, first), (k.O_WAITING_OVER_18, second)]:
        over = np.maximum(0.0, joined_by(ends - w) - started[ends])
        for a in range(1, w + 1):
            j = ends + 1 - a
            cohort = np.maximum(0.0, joined_by(j) - np.maximum(started[ends], joined_by(j - 1)))
            over += cohort * (1.0 - delay_cdf(w - a, median, sigma))
        out[row] = np.minimum(over, queue[ends])

    # Finishing: of a day's entries the month's completion share finishes L days later; before
    # day 0 they ran at month 0's daily rate and within-shares. Sessions of finishing courses
    # are spread over their L days: a moving sum of courses on the go; the rest have theirs on
    # the day they enter.
    length = max(1, int(scalars[k.C_COURSE_DAYS]))
    c_on = completion[month]
    rate0 = out[k.O_ENTERED, 0] / days[0] * completion[0]
    share = {6: 0.0, 18: 0.0}
    if out[k.O_ENTERED, 0] > 0:
        share = {w: out[row, 0] / out[k.O_ENTERED, 0]
                 for w, row in [(6, k.O_ENTERED_WITHIN_6), (18, k.O_ENTERED_WITHIN_18)]}
    padded = np.concatenate([np.full(length, rate0), entered_on * c_on])
    n_days = len(entered_on)
    for row, daily, pre in [(k.O_FINISHED, padded[length:], rate0),
                            (k.O_FINISHED_WITHIN_6, within_on[6] * c_on, rate0 * share[6]),
                            (k.O_FINISHED_WITHIN_18, within_on[18] * c_on, rate0 * share[18])]:
        ending = np.concatenate([np.full(length, pre), daily])[:n_days]  # entered L days before
        out[row] = np.bincount(month, ending, n_months)
    sums = np.concatenate([[0.0], np.cumsum(padded)])
    on_the_go = sums[day_index + length + 1] - sums[day_index + 1]  # entered on d − L + 1 … d
    out[k.O_ENDED_UNFINISHED] = out[k.O_ENTERED] * (1.0 - completion)
    out[k.O_SESSIONS] = (np.bincount(month, on_the_go, n_months) * s_fin / length
                         + out[k.O_ENDED_UNFINISHED] * s_not)
    out[k.O_COST] = out[k.O_SESSIONS] * series[k.S_COST_PER_SESSION]
    out[k.O_FINISHED_CASENESS] = out[k.O_FINISHED] * series[k.S_CASENESS]
    out[k.O_RECOVERED] = out[k.O_FINISHED_CASENESS] * series[k.S_RECOVERY]
    return out


# --- the bed reference -------------------------------------------------------------------------

MASK64 = (1 << 64) - 1


def _rotl(v: int, k: int) -> int:
    return ((v << k) | (v >> (64 - k))) & MASK64


def _splitmix(x: int) -> tuple[int, int]:
    x = (x + 0x9E3779B97F4A7C15) & MASK64
    z = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return x, z ^ (z >> 31)


class Xoshiro:
    """xoshiro256++ (Blackman & Vigna's reference C, in Python integers), seeded from a 32-bit
    seed by SplitMix64; its uniform, ziggurat exponential and polar-method normal."""

    def __init__(self, seed: int) -> None:
        x, self.s = int(seed) & 0xFFFFFFFF, []
        for _ in range(4):
            x, word = _splitmix(x)
            self.s.append(word)
        self.spare: float | None = None

    def word(self) -> int:
        s0, s1, s2, s3 = self.s
        result = (_rotl((s0 + s3) & MASK64, 23) + s0) & MASK64
        t = (s1 << 17) & MASK64
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        self.s = [s0, s1, s2, _rotl(s3, 45)]
        return result

    def random(self) -> float:
        return (self.word() >> 11) / 2.0 ** 53

    def exponential(self) -> float:
        """Marsaglia & Tsang's ziggurat (the tables: stpmodel.kernels.streams, which
        test_streams checks against the closed form)."""
        ke, we, fe = streams.KE, streams.WE, streams.FE
        while True:
            word = self.word() >> 3
            layer, ri = word & 0xFF, word >> 8
            x = ri * float(we[layer])
            if ri < int(ke[layer]):
                return x
            if layer == 0:
                return streams.ZIGGURAT_R - math.log1p(-self.random())
            if (fe[layer - 1] - fe[layer]) * self.random() + fe[layer] < math.exp(-x):
                return x

    def normal(self) -> float:
        if self.spare is not None:
            g, self.spare = self.spare, None
            return g
        while True:
            x1, x2 = 2.0 * self.random() - 1.0, 2.0 * self.random() - 1.0
            r2 = x1 * x1 + x2 * x2
            if 0.0 < r2 < 1.0:
                break
        f = math.sqrt(-2.0 * math.log(r2) / r2)
        self.spare = f * x1
        return f * x2


def _gammavariate(random, exponential, shape: float, scale: float) -> float:
    """CPython's random.gammavariate, with ``random`` as its uniform source (and
    ``exponential`` for shape 1)."""
    if shape > 1.0:
        ainv = math.sqrt(2.0 * shape - 1.0)
        bbb, ccc = shape - math.log(4.0), shape + ainv
        while True:
            u1 = random()
            if not 1e-7 < u1 < 0.9999999:
                continue
            u2 = 1.0 - random()
            v = math.log(u1 / (1.0 - u1)) / ainv
            x = shape * math.exp(v)
            z = u1 * u1 * u2
            r = bbb + ccc * v - x
            if r + 1.0 + math.log(4.5) - 4.5 * z >= 0.0 or r >= math.log(z):
                return x * scale
    if shape == 1.0:
        return exponential() * scale
    while True:
        u = random()
        bb = (math.e + shape) / math.e
        p = bb * u
        x = p ** (1.0 / shape) if p <= 1.0 else -math.log((bb - p) / shape)
        u1 = random()
        if (u1 <= x ** (shape - 1.0)) if p > 1.0 else (u1 <= math.exp(-x)):
            return x * scale


def _add(row: np.ndarray, start: float, end: float, weight: float, month_start) -> None:
    """row[month] += weight × the overlap of [start, end) with the month."""
    lo, hi = max(start, 0.0), min(end, month_start[-1])
    for m in range(len(month_start) - 1):
        a, c = max(lo, month_start[m]), min(hi, month_start[m + 1])
        if c > a:
            row[m] += weight * (c - a)


def reference_beds(days, rate, los_mean, cv, beds, dist, repatriate, warmup, seed) -> np.ndarray:
    """out[B_*, month] for one draw and footprint: rate, los_mean, beds [month]."""
    rs = Xoshiro(int(seed))
    month_start = np.concatenate([[0.0], np.cumsum(days)]).astype(float)
    n = len(days)
    out = np.zeros((b.N_BED_OUTPUTS, n))
    out[b.B_BED_DAYS_OPEN] = np.asarray(beds) * days
    occupied: list[float] = []  # discharge times of local beds (a heap)
    oaps: list[float] = []  # discharge times of OAPs still out, in order of placement
    t, m = -float(warmup), -1

    def discharge(t: float, local_beds: int) -> None:
        while occupied and occupied[0] <= t:
            freed = heapq.heappop(occupied)
            while repatriate and oaps and oaps[0] <= freed:
                oaps.pop(0)
            if repatriate and oaps and len(occupied) < local_beds:
                home = oaps.pop(0)
                _add(out[b.B_OAP_BED_DAYS], freed, home, -1.0, month_start)
                _add(out[b.B_LOCAL_BED_DAYS], freed, home, 1.0, month_start)
                heapq.heappush(occupied, home)

    while m < n:
        i = max(m, 0)
        end_of_period = month_start[m + 1]
        lam = rate[i]
        t_next = t + rs.exponential() * (1.0 / lam) if 0 < lam < b.MAX_RATE else end_of_period
        if t_next >= end_of_period:
            t, m = end_of_period, m + 1
            # the discharges up to the month's start, under the last month's beds; then beds
            # cut below those still occupied send those due out latest out of area
            # (at the end too, with repatriation)
            if repatriate or (m < n and len(occupied) > int(beds[m])):
                discharge(t, int(beds[max(m - 1, 0)]))
                if m < n and len(occupied) > int(beds[m]):  # those due out latest go out
                    occupied.sort()
                    kept, moved = occupied[:int(beds[m])], occupied[int(beds[m]):]
                    occupied[:] = kept  # a sorted list is a heap
                    for end in moved:
                        _add(out[b.B_LOCAL_BED_DAYS], t, end, -1.0, month_start)
                        _add(out[b.B_OAP_BED_DAYS], t, end, 1.0, month_start)
                        if repatriate:
                            oaps.append(end)
            continue
        t = t_next
        discharge(t, int(beds[i]))
        if cv < 1e-6:
            stay = los_mean[i]
        elif dist == b.LOS_LOGNORMAL:
            sigma2 = math.log(1.0 + cv * cv)
            mu = math.log(los_mean[i]) - 0.5 * sigma2
            stay = math.exp(mu + math.sqrt(sigma2) * rs.normal())
        else:
            shape = 1.0 / (cv * cv)
            stay = _gammavariate(rs.random, rs.exponential, shape, los_mean[i] / shape)
        if m >= 0:
            out[b.B_ADMISSIONS, m] += 1.0
            out[b.B_LOS_DAYS, m] += stay
        if len(occupied) < int(beds[i]):
            heapq.heappush(occupied, t + stay)
            _add(out[b.B_LOCAL_BED_DAYS], t, t + stay, 1.0, month_start)
        else:
            if m >= 0:
                out[b.B_OAP_ADMISSIONS, m] += 1.0
            _add(out[b.B_OAP_BED_DAYS], t, t + stay, 1.0, month_start)
            if repatriate:
                oaps.append(t + stay)
    return out


# --- the IAPT kernel against its reference -----------------------------------------------------


def close(kernel_out: np.ndarray, reference_out: np.ndarray) -> None:
    scale = max(1.0, float(np.abs(reference_out).max()))
    np.testing.assert_allclose(kernel_out, reference_out, rtol=1e-9, atol=1e-9 * scale)


def run_iapt(days, series, scalars):
    out = np.zeros((k.N_OUTPUTS, len(days)))
    k.list_footprint(np.asarray(days, dtype=np.int64), series, scalars, out)
    return out


def test_iapt_reference_on_a_hand_worked_case():
    """tests/test_kernel.py's twice-capacity case: 20 join a day, 10 start; 850 of the 910
    entered in the quarter within 6 weeks, and 70 of the 910 left at the end of June had waited
    over 6 weeks. The reference gets there by cumulative flows."""
    days = [30, 31, 30]
    d = np.asarray(days, dtype=float)
    case = inputs(days, adults=120.0 * d, referrals=20.0 * d)
    out = reference_iapt(*case)
    assert out[k.O_ENTERED] == pytest.approx([300, 310, 300])
    assert out[k.O_ENTERED_WITHIN_6] == pytest.approx([300, 310, 240])
    assert out[k.O_WAITING_OVER_6] == pytest.approx([0, 0, 70], abs=1e-9)
    close(run_iapt(*case), out)


def test_iapt_reference_with_a_delay_and_no_queue():
    """With spare capacity nobody queues, so the share within 6 weeks is the delay's CDF at 42
    days, Φ(ln(42/11.7)/1.07) = 0.8839, among courses entered and finished alike; 60% of the
    courses finish, each with 7 sessions (the rest 1): 4.6 sessions a course entered."""
    days = [30, 31, 30]
    case = inputs(days, adults=1e9, referrals=10.0 * np.array(days), completion=0.6,
                  course_days=49, sessions_finished=7.0, sessions_not_finished=1.0,
                  delay_median=11.7, delay_sigma=1.07)
    out = reference_iapt(*case)
    assert delay_cdf(42.0, 11.7, 1.07) == pytest.approx(0.8839, abs=1e-4)
    assert out[k.O_ENTERED_WITHIN_6] == pytest.approx(0.8839 * out[k.O_ENTERED], rel=1e-4)
    assert out[k.O_FINISHED_WITHIN_6] == pytest.approx(0.8839 * out[k.O_FINISHED], rel=1e-4)
    assert out[k.O_FINISHED] == pytest.approx(6.0 * np.array(days))
    assert out[k.O_SESSIONS] == pytest.approx(46.0 * np.array(days))
    close(run_iapt(*case), out)


def test_iapt_kernel_matches_its_reference_on_random_cases():
    """300 footprints of random size, plans and staff, with start lists, months of every length,
    every course length, completion, sessions and pathway delay (none, a point mass, or
    lognormal): every output, every month, to 1e-9 of the largest."""
    rng = np.random.default_rng(20240601)
    for _ in range(300):
        n = int(rng.integers(1, 40))
        days = rng.integers(28, 32, n)

        def arr(lo, hi, n=n):
            return rng.uniform(lo, hi, n)

        case = inputs(days, adults=arr(1e4, 2e6), prevalence=arr(0.05, 0.3),
                      access=arr(0, 0.4), referrals=arr(0, 5e4), entry=arr(0.3, 1),
                      completion=arr(0, 1), caseness=arr(0, 1), recovery=arr(0, 1),
                      cost=arr(50, 300), recruitment=arr(0, 20),
                      waiting0=float(rng.choice([0.0, rng.uniform(0, 5e4)])),
                      course_days=int(rng.integers(1, 200)),
                      sessions_finished=float(rng.uniform(2, 12)),
                      sessions_not_finished=float(rng.choice([0.0, rng.uniform(0, 2)])),
                      sessions_per_wte=float(rng.uniform(300, 1500)),
                      wte0=float(rng.uniform(0, 500)),
                      delay_median=float(rng.choice([0.0, rng.uniform(1, 60)])),
                      delay_sigma=float(rng.choice([0.0, rng.uniform(0.1, 2)])))
        # waiting-time limits of other services too (CYP eating disorders: 7 and 28 days)
        case[2][k.C_WAIT_FIRST] = float(rng.choice([42, 7, rng.integers(1, 60)]))
        case[2][k.C_WAIT_SECOND] = case[2][k.C_WAIT_FIRST] + float(rng.integers(0, 120))
        close(run_iapt(*case), reference_iapt(*case))


# --- the bed kernel against its reference -------------------------------------------------------


@pytest.mark.parametrize(("dist", "cv", "repatriate"), [
    (b.LOS_GAMMA, 1.0, False), (b.LOS_GAMMA, 1.0, True), (b.LOS_GAMMA, 0.6, False),
    (b.LOS_GAMMA, 1.5, True), (b.LOS_LOGNORMAL, 1.2, False), (b.LOS_LOGNORMAL, 0.8, True),
    (b.LOS_GAMMA, 0.0, False)],
    ids=["exponential", "exponential-repatriate", "gamma-shape-2.8", "gamma-shape-0.44-repatriate",
         "lognormal", "lognormal-repatriate", "fixed"])
def test_bed_kernel_follows_the_reference_path(dist, cv, repatriate):
    """Two years, a near-full ward whose beds and rates change month to month: the kernel and the
    reference draw the same numbers, so every output agrees to rounding, draw by draw."""
    rng = np.random.default_rng(7)
    draws, months = 4, 24
    days = rng.integers(28, 32, months).astype(np.int64)
    rate = rng.uniform(1.5, 2.5, (draws, 1, months))
    los = rng.uniform(20, 30, (draws, 1, months))
    beds = np.round(rng.uniform(40, 60, (draws, 1, months)))
    seeds = rng.integers(0, 2**32, (draws, 1), dtype=np.uint32)
    cvs = np.full((draws, 1), cv)
    out = b.project_beds(days, rate, los, cvs, beds, dist, repatriate, 200.0, seeds)
    for d in range(draws):
        expected = reference_beds(days, rate[d, 0], los[d, 0], cv, beds[d, 0], dist, repatriate,
                                  200.0, seeds[d, 0])
        assert expected[b.B_OAP_ADMISSIONS].sum() > 0  # the test exercises both paths
        close(out[d, 0], expected)
