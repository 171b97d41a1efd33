"""The inpatient bed kernel: a stochastic, continuous-time simulation of acute mental health beds.

Pure numeric code (numpy and numba only), arrays in and arrays out. Layout::

    days[month]                           days in each month
    rate[draw, footprint, month]          admissions offered [admissions/day]
    los_mean[draw, footprint, month]      mean length of stay of admissions that month [days]
    los_cv[draw, footprint]               coefficient of variation of length of stay [-]
    beds[draw, footprint, month]          local beds open [beds]
    seeds[draw, footprint]                one random stream per draw and footprint
    out[draw, footprint, B_*, month]      monthly results

Admissions arrive as a Poisson process whose rate is constant within each month. Each admission
draws its length of stay (gamma or lognormal with the month's mean and the given CV). It takes a
local bed if one is free at that instant; otherwise it is placed out of area (an OAP). By default
it stays out for its whole stay; with ``repatriate`` the longest-waiting OAP comes back the moment
a local bed frees. Bed days are counted exactly, as the overlap of each stay with each month.

The simulation starts ``warmup_days`` before the first month with the first month's rate, stays
and beds, so that the first month does not begin with empty wards. Nothing from the warm-up is
reported except the beds it leaves occupied.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

LOS_GAMMA = 0
LOS_LOGNORMAL = 1

B_ADMISSIONS = 0  # admissions offered [admissions]
B_OAP_ADMISSIONS = 1  # admissions placed out of area [admissions]
B_LOCAL_BED_DAYS = 2  # occupied local bed days [bed days]
B_OAP_BED_DAYS = 3  # out-of-area bed days [bed days]
B_BED_DAYS_OPEN = 4  # local beds × days [bed days]
B_LOS_DAYS = 5  # total length of stay of the month's admissions [days]
N_BED_OUTPUTS = 6


@njit(cache=True)
def _push(heap, size, value):  # pragma: no cover - compiled
    """Push onto a binary min-heap stored in heap[:size]; returns the new size."""
    i = size
    heap[i] = value
    while i > 0:
        parent = (i - 1) // 2
        if heap[parent] <= heap[i]:
            break
        heap[parent], heap[i] = heap[i], heap[parent]
        i = parent
    return size + 1


@njit(cache=True)
def _pop(heap, size):  # pragma: no cover - compiled
    """Remove the smallest value from heap[:size]; returns the new size."""
    size -= 1
    heap[0] = heap[size]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        child = left
        if left + 1 < size and heap[left + 1] < heap[left]:
            child = left + 1
        if heap[i] <= heap[child]:
            break
        heap[i], heap[child] = heap[child], heap[i]
        i = child
    return size


@njit(cache=True)
def _add_stay(start, end, weight, month_start, out_row):  # pragma: no cover - compiled
    """Add weight × the overlap of [start, end) with each month to out_row[month].
    month_start[m] is the first day of month m; month_start[-1] is the end of the horizon."""
    n_months = month_start.shape[0] - 1
    lo = max(start, 0.0)
    hi = min(end, month_start[n_months])
    if hi <= lo:
        return
    m = np.searchsorted(month_start, lo, side="right") - 1
    while m < n_months and month_start[m] < hi:
        a = max(lo, month_start[m])
        b = min(hi, month_start[m + 1])
        if b > a:
            out_row[m] += weight * (b - a)
        m += 1


@njit(cache=True)
def _stay(mean, cv, dist):  # pragma: no cover - compiled
    """One length of stay [days] with the given mean and coefficient of variation. A CV below
    1e-6 is taken as fixed stays (the gamma shape 1/CV² would overflow)."""
    if cv < 1e-6:
        return mean
    if dist == LOS_LOGNORMAL:
        sigma2 = math.log(1.0 + cv * cv)
        return np.random.lognormal(math.log(mean) - 0.5 * sigma2, math.sqrt(sigma2))
    shape = 1.0 / (cv * cv)
    return np.random.gamma(shape, mean / shape)


@njit(cache=True)
def beds_footprint(days, rate, los_mean, los_cv, beds, dist, repatriate, warmup_days, seed,
                   out):  # pragma: no cover - compiled; see py_func tests
    """One draw and one footprint. rate, los_mean, beds: [month]; out[B_*, month] filled."""
    np.random.seed(seed)
    n_months = days.shape[0]
    month_start = np.zeros(n_months + 1)
    for m in range(n_months):
        month_start[m + 1] = month_start[m] + days[m]
        out[B_BED_DAYS_OPEN, m] = beds[m] * days[m]

    max_beds = 0
    for m in range(n_months):
        max_beds = max(max_beds, int(beds[m]))
    heap = np.empty(max_beds + 1)  # discharge times of occupied local beds
    size = 0
    # OAPs still out, in the order they were placed (for repatriation)
    oap_end = np.empty(1024)
    oap_start = np.empty(1024)
    oap_head = 0
    oap_tail = 0

    t = -float(warmup_days)
    m = -1  # the warm-up runs with month 0's parameters
    period_end = 0.0
    while True:
        k = max(m, 0)
        lam = rate[k]
        # next arrival of a Poisson process whose rate is constant until period_end
        if lam > 0.0 and lam < 1e9:  # also guards against NaN
            t_next = t + np.random.exponential(1.0 / lam)
        else:
            t_next = period_end + 1.0
        if t_next >= period_end:  # memoryless: restart the clock at the boundary
            t = period_end
            m += 1
            if m >= n_months:
                break
            period_end = month_start[m + 1]
            continue
        t = t_next
        local_beds = int(beds[k])

        # discharges up to now free beds; a freed bed may bring an OAP home
        while size > 0 and heap[0] <= t:
            freed = heap[0]
            size = _pop(heap, size)
            if repatriate:
                while oap_head < oap_tail and oap_end[oap_head] <= freed:
                    oap_head += 1  # already discharged out of area
                if oap_head < oap_tail and size < local_beds:
                    end = oap_end[oap_head]
                    oap_head += 1
                    _add_stay(freed, end, -1.0, month_start, out[B_OAP_BED_DAYS])
                    _add_stay(freed, end, 1.0, month_start, out[B_LOCAL_BED_DAYS])
                    size = _push(heap, size, end)

        stay = _stay(los_mean[k], los_cv, dist)
        end = t + stay
        counted = t >= 0.0
        if counted:
            mm = np.searchsorted(month_start, t, side="right") - 1
            out[B_ADMISSIONS, mm] += 1.0
            out[B_LOS_DAYS, mm] += stay
        if size < local_beds:
            size = _push(heap, size, end)
            _add_stay(t, end, 1.0, month_start, out[B_LOCAL_BED_DAYS])
        else:
            if counted:
                out[B_OAP_ADMISSIONS, mm] += 1.0
            _add_stay(t, end, 1.0, month_start, out[B_OAP_BED_DAYS])
            if repatriate:
                if oap_tail == oap_end.shape[0]:  # grow, dropping those already gone
                    live = oap_tail - oap_head
                    bigger = max(1024, 2 * live)
                    new_end = np.empty(bigger)
                    new_start = np.empty(bigger)
                    new_end[:live] = oap_end[oap_head:oap_tail]
                    new_start[:live] = oap_start[oap_head:oap_tail]
                    oap_end, oap_start = new_end, new_start
                    oap_head, oap_tail = 0, live
                oap_end[oap_tail] = end
                oap_start[oap_tail] = t
                oap_tail += 1


@njit(cache=True, parallel=True)
def project_beds(days, rate, los_mean, los_cv, beds, dist, repatriate, warmup_days,
                 seeds):  # pragma: no cover - compiled; see py_func tests
    """Every draw and footprint in parallel; returns out[draw, footprint, B_*, month]."""
    n_draws, n_fp = rate.shape[0], rate.shape[1]
    out = np.zeros((n_draws, n_fp, N_BED_OUTPUTS, days.shape[0]))
    for i in prange(n_draws * n_fp):
        d = i // n_fp
        f = i % n_fp
        beds_footprint(days, rate[d, f], los_mean[d, f], los_cv[d, f], beds[d, f], dist,
                       repatriate, warmup_days, seeds[d, f], out[d, f])
    return out
