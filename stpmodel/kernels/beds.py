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
a local bed frees (up to the end of the last month too). Bed days are counted exactly, as the
overlap of each stay with each month.

Beds change at the start of a month. When they fall below the beds still occupied, the surplus
patients leave local beds at that moment: those due out latest are placed out of area for the rest
of their stay (their days from then on move from local to OAP bed days; they are not counted again
as admissions or OAP admissions; with ``repatriate`` they join the OAP queue, soonest discharge
first), and those due out soonest keep their beds. So occupancy never exceeds 1. The discharges up
to a month's start are settled before its beds change, under the last month's beds.

Arrival rates are honoured below MAX_RATE a day (a rate at or above it, infinite or NaN gives no
arrivals). The inpatient section's ranges keep every rate well below it: at most 1,000,000
admissions a year, × 9,100 for 20% a year of population growth over 50 years, × 100 for crisis
cover that took away 99% of admissions at the start, is 2.5e9 a day.

The simulation starts ``warmup_days`` before the first month with the first month's rate, stays
and beds, so that the first month does not begin with empty wards. Nothing from the warm-up is
reported except the beds it leaves occupied.

How it is made fast (docs/performance.md has the figures). Each (draw, footprint) owns a
xoshiro256++ stream from :mod:`stpmodel.kernels.streams`, its state in registers, with ziggurat
exponentials (no logarithm for 98.9% of them). The discharge times of occupied beds are kept in a
calendar queue: buckets of about four discharges' width, each a linked list in a pool of nodes.
With repatriation the current bucket is sorted, and discharges come out in time order, as from a
heap, for a few operations each instead of a heap's ~2 log2(beds). Without it the queue is lazy:
only the number of beds occupied matters, so discharges are left where they are until an arrival
finds every bed taken by that count (or a month begins), and then all those due are taken out
together, in no order. A stay's bed days start from the month of its admission,
which the simulation knows, and a day → month table finds the month it ends in; the full months
between are counted as a span (+1 after the first month, −1 at the last) and summed once at the
end, so a stay costs the same whatever its length. The hot path calls no function that takes an
array (a call with arrays costs reference counting: written out, filing a discharge took the
kernel from 35 to 25 ns an admission; numba's inlining of such a function is slower still).
Without repatriation a month's arrivals run in a loop of their own (:func:`_lazy_month`, called
once a month), apart from the general loop that settles month starts and repatriates, so that
the compiler keeps none of that state live in it: 22 → 17 ns an admission, bit for bit the
same draws and sums.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from . import streams

LOS_GAMMA = 0
LOS_LOGNORMAL = 1

B_ADMISSIONS = 0  # admissions offered [admissions]
B_OAP_ADMISSIONS = 1  # admissions placed out of area [admissions]
B_LOCAL_BED_DAYS = 2  # occupied local bed days [bed days]
B_OAP_BED_DAYS = 3  # out-of-area bed days [bed days]
B_BED_DAYS_OPEN = 4  # local beds × days [bed days]
B_LOS_DAYS = 5  # total length of stay of the month's admissions [days]
N_BED_OUTPUTS = 6

MAX_RATE = 1e12  # admissions a day the kernel honours; beyond it no arrivals (see above)


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


# --- the calendar queue of discharge times -----------------------------------------------------
# A discharge at time x [days] is in bucket floor(x × per_day). Buckets live in n_slots (a power
# of two) slots, bucket & (n_slots − 1), each a linked list of nodes (node_next, node_value,
# node_bucket; a slot can hold buckets a whole turn of the ring apart). The current bucket is
# taken out of its slot into ready[rh:rn], sorted. Since floor(x × per_day) never decreases as x
# grows, taking ready in order and then the buckets one by one gives the discharges in time order.


@njit(cache=True)
def _file(value, bucket, mask, slot_head, node_next, node_value, node_bucket,
          free):  # pragma: no cover - compiled
    """Put a discharge into its bucket's slot; returns the new head of the free list."""
    node = free
    free = node_next[node]
    node_value[node] = value
    node_bucket[node] = bucket
    slot = bucket & mask
    node_next[node] = slot_head[slot]
    slot_head[slot] = node
    return free


@njit(cache=True)
def _insert_ready(ready, rh, rn, value):  # pragma: no cover - compiled
    """Insert a discharge of the current bucket into the sorted ready[rh:rn]; returns (rh, rn).
    ready has room for every occupied bed and one more, so moving the live part to the front
    always makes room."""
    if rn == ready.shape[0]:
        for i in range(rn - rh):
            ready[i] = ready[rh + i]
        rn -= rh
        rh = 0
    j = rn
    while j > rh and ready[j - 1] > value:
        ready[j] = ready[j - 1]
        j -= 1
    ready[j] = value
    return rh, rn + 1


@njit(cache=True)
def _take_bucket(bucket, mask, slot_head, node_next, node_value, node_bucket, free,
                 ready):  # pragma: no cover - compiled
    """Move the bucket's discharges from its slot into ready[0:rn], sorted; returns (rn, free)."""
    slot = bucket & mask
    rn = 0
    prev = -1
    node = slot_head[slot]
    while node >= 0:
        following = node_next[node]
        if node_bucket[node] == bucket:
            value = node_value[node]
            j = rn
            while j > 0 and ready[j - 1] > value:
                ready[j] = ready[j - 1]
                j -= 1
            ready[j] = value
            rn += 1
            if prev < 0:
                slot_head[slot] = following
            else:
                node_next[prev] = following
            node_next[node] = free
            free = node
        else:  # a later turn of the ring
            prev = node
        node = following
    return rn, free


@njit(cache=True)
def _purge(t, cur, size, per_day, mask, slot_head, node_next, node_value, node_bucket,
           free):  # pragma: no cover - compiled
    """The lazy queue (no repatriation): take every discharge due by t out of the buckets cur
    to floor(t × per_day), in no particular order; returns (size, cur, free). Buckets before
    cur are empty, and bucket cur holds only discharges after the last time purged to."""
    now = int(math.floor(t * per_day))
    while True:
        slot = cur & mask
        prev = -1
        node = slot_head[slot]
        while node >= 0:
            following = node_next[node]
            if node_bucket[node] == cur and (cur < now or node_value[node] <= t):
                if prev < 0:
                    slot_head[slot] = following
                else:
                    node_next[prev] = following
                node_next[node] = free
                free = node
                size -= 1
            else:  # due later, or a later turn of the ring
                prev = node
            node = following
        if size == 0 or cur >= now:
            return size, now, free
        cur += 1


@njit(cache=True)
def _schedule(end, cur, per_day, repatriate, ready, rh, rn, mask, slot_head, node_next,
              node_value, node_bucket, free):  # pragma: no cover - compiled
    """Schedule a discharge at ``end``: into the sorted current bucket (with repatriation), else
    into its bucket's slot; returns (rh, rn, free)."""
    bucket = int(math.floor(end * per_day))
    if bucket == cur and repatriate:
        rh, rn = _insert_ready(ready, rh, rn, end)
    else:
        free = _file(end, bucket, mask, slot_head, node_next, node_value, node_bucket, free)
    return rh, rn, free


@njit(cache=True)
def _append_oap(oap_end, oap_head, oap_tail, end):  # pragma: no cover - compiled
    """Add an OAP due out at ``end`` to the queue oap_end[oap_head:oap_tail], growing it
    (dropping those already gone) when full; returns (oap_end, oap_head, oap_tail)."""
    if oap_tail == oap_end.shape[0]:
        live = oap_tail - oap_head
        bigger = np.empty(max(1024, 2 * live))
        for i in range(live):  # a loop: a slice's assignment compiles for a second
            bigger[i] = oap_end[oap_head + i]
        oap_end = bigger
        oap_head, oap_tail = 0, live
    oap_end[oap_tail] = end
    return oap_end, oap_head, oap_tail + 1


@njit(cache=True)
def _move_out(t, keep, size, ready, rh, rn, cur, per_day, mask, slot_head, node_next,
              node_value, node_bucket, repatriate, oap_end, oap_head, oap_tail, month_start,
              out):  # pragma: no cover - compiled
    """Beds cut below the beds occupied, at time t (a month's start): keep the ``keep`` local
    patients due out soonest and place the other size − keep out of area for the rest of their
    stay, their days from t counted as OAP bed days instead of local ones (with ``repatriate``
    they join the queue of OAPs, soonest discharge first). Rebuilds the calendar queue from the
    kept discharges; returns (rh, rn, free, oap_end, oap_head, oap_tail)."""
    live = np.empty(size)
    n = 0
    for i in range(rh, rn):
        live[n] = ready[i]
        n += 1
    for slot in range(slot_head.shape[0]):
        node = slot_head[slot]
        while node >= 0:
            live[n] = node_value[node]
            n += 1
            node = node_next[node]
    # Shell's sort (gaps n/2, n/4, ... 1), written out: numba's own sort compiles for seconds
    # on a first run, and this runs only when beds are cut below those occupied
    gap = n // 2
    while gap > 0:
        for i in range(gap, n):
            value = live[i]
            j = i
            while j >= gap and live[j - gap] > value:
                live[j] = live[j - gap]
                j -= gap
            live[j] = value
        gap //= 2
    cap = node_next.shape[0]
    slot_head[:] = -1
    for i in range(cap - 1):
        node_next[i] = i + 1
    node_next[cap - 1] = -1
    free = 0
    rh = 0
    rn = 0
    for i in range(keep):
        bucket = int(math.floor(live[i] * per_day))
        if bucket <= cur and repatriate:  # the lazy queue (no repatriation) has no ready
            ready[rn] = live[i]  # ascending already
            rn += 1
        else:
            free = _file(live[i], bucket, mask, slot_head, node_next, node_value, node_bucket,
                         free)
    for i in range(keep, size):
        _add_stay(t, live[i], -1.0, month_start, out[B_LOCAL_BED_DAYS])
        _add_stay(t, live[i], 1.0, month_start, out[B_OAP_BED_DAYS])
        if repatriate:
            oap_end, oap_head, oap_tail = _append_oap(oap_end, oap_head, oap_tail, live[i])
    return rh, rn, free, oap_end, oap_head, oap_tail


@njit(cache=True, inline="always")
def _draw_stay(st, fixed, exponential_stays, lognormal, p, shape, sigma,
               gauss):  # pragma: no cover - compiled
    """A length of stay [days] with the month's parameter p (the stay if fixed, the lognormal's
    mu, else the gamma's scale), and the new state."""
    if fixed:
        return p, st
    if exponential_stays:  # gamma of shape 1 (CV 1): an exponential, inlined
        e, st = streams.exponential(st)
        return e * p, st
    if lognormal:
        return streams.lognormal(st, gauss, p, sigma)
    return streams.gamma(st, shape, p)


@njit(cache=True)
def _lazy_month(t, st, period_end, gap, size, local_beds, cur, free, per_day, mask, slot_head,
                node_next, node_value, node_bucket, fixed, exponential_stays, lognormal, p,
                shape, sigma, gauss, k, horizon, month_start, day_month, out,
                spans):  # pragma: no cover - compiled
    """A month's arrivals from t to period_end without repatriation: the lazy queue. Only the
    number of beds occupied matters, and only when it may have reached the beds open; so
    discharges are taken out then, all those due together. Returns (t, st, size, cur, free,
    admissions, OAP admissions, days of stay). The month's own loop, apart from the general
    one, so that the compiler sees none of repatriation's state in it (22 → 17 ns an
    admission)."""
    n_admitted = 0.0
    n_out = 0.0
    stayed = 0.0
    while True:
        # next arrival of a Poisson process whose rate is constant until period_end
        e, st = streams.exponential(st)
        t_next = t + e * gap
        if t_next >= period_end:  # memoryless: restart the clock at the boundary
            return period_end, st, size, cur, free, n_admitted, n_out, stayed
        t = t_next
        if size >= local_beds:
            size, cur, free = _purge(t, cur, size, per_day, mask, slot_head, node_next,
                                     node_value, node_bucket, free)
        if size == 0:
            cur = int(math.floor(t * per_day))
        stay, st = _draw_stay(st, fixed, exponential_stays, lognormal, p, shape, sigma, gauss)
        end = t + stay
        n_admitted += 1.0
        stayed += stay
        if size < local_beds:  # _file, written out
            bucket = int(math.floor(end * per_day))
            node = free
            free = node_next[node]
            node_value[node] = end
            node_bucket[node] = bucket
            slot = bucket & mask
            node_next[node] = slot_head[slot]
            slot_head[slot] = node
            size += 1
            row = B_LOCAL_BED_DAYS
        else:
            row = B_OAP_BED_DAYS
            n_out += 1.0
        # the stay's bed days in constant time (written out: inlined from a function, 30 ns)
        lo = t if t > 0.0 else 0.0
        hi = end if end < horizon else horizon
        if hi > lo:
            last = day_month[int(hi)]
            out[row, k] += min(hi, month_start[k + 1]) - lo
            out[row, last] += (last > k) * (hi - month_start[last])
            spans[row - B_LOCAL_BED_DAYS, k + 1] += 1
            spans[row - B_LOCAL_BED_DAYS, max(last, k + 1)] -= 1


@njit(cache=True)
def _copy(into, source):  # pragma: no cover - compiled
    """into[...] = source[...] for two arrays of one shape, as a loop: numba generates a slice's
    assignment anew wherever one is written, and as slices beds_footprint's fifteen copies cost
    a first run 2.7 s of compiling."""
    a = into.reshape(-1)
    b = source.reshape(-1)
    for i in range(a.shape[0]):
        a[i] = b[i]


@njit(cache=True)
def beds_footprint(days, plan_rate, plan_los, los_cv, plan_beds, dist, repatriate, warmup_days,
                   seed, plan_out, held_rate, held_los, held_beds, split,
                   held_out):  # pragma: no cover - compiled; see py_func tests
    """One draw and one footprint. rate, los, beds: [month]; plan_out[B_*, month] filled. With
    split ≥ -1, also the counterfactual (held_*, on the same stream) into held_out: its inputs
    equal the plan's before month split (-1: not even month 0, so not the warm-up), so it starts
    from the plan's state at the start of month split instead of from the beginning."""
    n_months = days.shape[0]
    month_start = np.zeros(n_months + 1)
    for m in range(n_months):
        month_start[m + 1] = month_start[m] + days[m]
        plan_out[B_BED_DAYS_OPEN, m] = plan_beds[m] * days[m]
    horizon = month_start[n_months]
    day_month = np.empty(int(horizon) + 1, dtype=np.int64)  # the month of each day [month]
    for m in range(n_months):
        day_month[int(month_start[m]) : int(month_start[m + 1])] = m
    day_month[int(horizon)] = n_months - 1  # a stay running to the end
    has_held = split >= -1

    st = streams.new_stream(seed)
    gauss = np.zeros(2)
    # full months of each stay, local and out of area, as differences: a stay from month k to
    # month last adds 1 at k + 1 and takes 1 at last [stays, (local, OAP) × month + 1]
    spans = np.zeros((2, n_months + 1), dtype=np.int64)

    max_beds = 0
    top_rate = 0.0
    top_los = 1.0
    for m in range(n_months):  # (the plan and the counterfactual share the queue's sizes)
        for rate_m, los_m, beds_m in ((plan_rate[m], plan_los[m], plan_beds[m]),
                                      (held_rate[m], held_los[m], held_beds[m])):
            max_beds = max(max_beds, int(beds_m))
            if rate_m > top_rate and rate_m < MAX_RATE:
                top_rate = rate_m
            if los_m > top_los and los_m < 1e6:
                top_los = los_m
    # discharge times of occupied local beds: the calendar queue
    cap = max_beds + 1
    per_day = 0.25 * max(top_rate, 1e-3)  # buckets a day [1/day]: ~4 arrivals' time each
    n_slots = 64  # a ring of 4 × the longest mean stay: few stays outlast a turn
    while n_slots < per_day * 4.0 * top_los and n_slots < 1 << 20:
        n_slots *= 2
    mask = n_slots - 1
    slot_head = np.full(n_slots, -1, dtype=np.int64)
    node_next = np.arange(1, cap + 1, dtype=np.int64)
    node_next[cap - 1] = -1
    node_value = np.empty(cap)
    node_bucket = np.empty(cap, dtype=np.int64)
    # (np.int64, not 0: a literal 0 would have numba compile each function these are passed to
    # twice, once for Literal[int](0), as much as 1.6 s of a first run)
    free = np.int64(0)
    ready = np.empty(cap)
    rh = np.int64(0)
    rn = np.int64(0)
    size = np.int64(0)  # occupied local beds
    # OAPs still out, in the order they were placed (for repatriation): their discharge times
    oap_end = np.empty(1024)
    oap_head = np.int64(0)
    oap_tail = np.int64(0)

    fixed = los_cv < 1e-6  # the gamma shape 1/CV² would overflow: fixed stays
    lognormal = dist == LOS_LOGNORMAL
    shape = 1.0
    sigma2 = 0.0
    sigma = 0.0
    if not fixed:
        if lognormal:
            sigma2 = math.log(1.0 + los_cv * los_cv)
            sigma = math.sqrt(sigma2)
        else:
            shape = 1.0 / (los_cv * los_cv)

    t = -float(warmup_days)
    cur = int(math.floor(t * per_day))  # the current bucket
    # the state at the start of month split, for the counterfactual
    s_t, s_cur, s_st, s_free, s_rh, s_rn, s_size = t, cur, st, free, rh, rn, size
    s_oap_head, s_oap_tail = oap_head, oap_tail
    s_gauss = gauss.copy()
    s_slot_head = slot_head.copy()
    s_node_next = node_next.copy()
    s_node_value = node_value.copy()
    s_node_bucket = node_bucket.copy()
    s_ready = ready.copy()
    s_oap_end = oap_end.copy()
    s_spans = spans.copy()
    rate, los_mean, beds, out = plan_rate, plan_los, plan_beds, plan_out
    first = -1
    for run in range(2 if has_held else 1):
        if run == 1:  # the counterfactual, from the plan's state at the start of month split
            rate, los_mean, beds, out = held_rate, held_los, held_beds, held_out
            first = split
            t, cur, st, free, rh, rn, size = s_t, s_cur, s_st, s_free, s_rh, s_rn, s_size
            oap_head, oap_tail = s_oap_head, s_oap_tail
            _copy(gauss, s_gauss)
            _copy(slot_head, s_slot_head)
            _copy(node_next, s_node_next)
            _copy(node_value, s_node_value)
            _copy(node_bucket, s_node_bucket)
            _copy(ready, s_ready)
            oap_end = s_oap_end
            _copy(spans, s_spans)
            for m in range(n_months):
                out[B_BED_DAYS_OPEN, m] = beds[m] * days[m]
        admissions = out[B_ADMISSIONS]
        oap_admissions = out[B_OAP_ADMISSIONS]
        los_days = out[B_LOS_DAYS]
        # the warm-up (m = -1) runs with month 0's parameters; m = n_months only settles the
        # discharges up to the end, which with repatriation bring OAPs home
        for m in range(first, n_months + 1):
            if run == 0 and has_held and m == split:  # the counterfactual starts from here
                s_t, s_cur, s_st, s_free, s_rh, s_rn, s_size = t, cur, st, free, rh, rn, size
                s_oap_head, s_oap_tail = oap_head, oap_tail
                _copy(s_gauss, gauss)
                _copy(s_slot_head, slot_head)
                _copy(s_node_next, node_next)
                _copy(s_node_value, node_value)
                _copy(s_node_bucket, node_bucket)
                _copy(s_ready, ready)
                s_oap_end = oap_end.copy()
                _copy(s_spans, spans)
                for row in range(N_BED_OUTPUTS):
                    if row != B_BED_DAYS_OPEN:
                        _copy(held_out[row], plan_out[row])
            end_pass = m == n_months
            if end_pass and not repatriate:
                break
            k = min(max(m, 0), n_months - 1)
            period_end = month_start[min(m + 1, n_months)]
            local_beds = int(beds[k])
            # At a month's start, beds cut below those still occupied must shed the surplus (see
            # below), and with repatriation the month's last discharges must bring OAPs home under
            # the month's own beds: so first settle the discharges up to the start, under the
            # beds of the month they fall in.
            settle = m >= 0 and (repatriate or size > local_beds)
            if settle:
                local_beds = int(beds[max(m - 1, 0)])
            lam = 0.0 if end_pass else rate[k]
            arrivals = lam > 0.0 and lam < MAX_RATE  # none (also guards against NaN)
            if not arrivals and not settle:
                t = period_end
                continue
            gap = 1.0 / lam if lam > 0.0 else 0.0
            mean = los_mean[k]
            if fixed:
                p = mean  # the stay
            elif lognormal:
                p = math.log(mean) - 0.5 * sigma2  # mu
            else:
                p = mean / shape  # the gamma scale
            exponential_stays = not fixed and not lognormal and shape == 1.0 and p > 0.0
            counted = m >= 0
            n_admitted = 0.0
            n_out = 0.0
            stayed = 0.0
            while True:
                if not settle and arrivals and not repatriate:
                    t, st, size, cur, free, n_admitted, n_out, stayed = _lazy_month(
                        t, st, period_end, gap, size, local_beds, cur, free, per_day, mask,
                        slot_head, node_next, node_value, node_bucket, fixed, exponential_stays,
                        lognormal, p, shape, sigma, gauss, k, horizon, month_start, day_month,
                        out, spans)
                    break
                if settle:  # first the discharges up to the month's start, then the move below
                    pass
                elif not arrivals:  # settled a month with no arrivals
                    t = period_end
                    break
                else:
                    # next arrival of a Poisson process whose rate is constant until period_end
                    e, st = streams.exponential(st)
                    t_next = t + e * gap
                    if t_next >= period_end:  # memoryless: restart the clock at the boundary
                        t = period_end
                        break
                    t = t_next

                if not repatriate:  # the lazy queue's discharges up to the month's start
                    size, cur, free = _purge(t, cur, size, per_day, mask, slot_head, node_next,
                                             node_value, node_bucket, free)
                # discharges up to now free beds, in time order; a freed bed may bring an OAP home
                if repatriate or size == 0:
                    now = int(math.floor(t * per_day))
                    if size == 0:
                        cur = now
                        rh = 0
                        rn = 0
                while repatriate and size > 0:
                    if rh < rn:
                        freed = ready[rh]
                        if freed > t:
                            break
                        rh += 1
                        size -= 1
                        if repatriate:
                            while oap_head < oap_tail and oap_end[oap_head] <= freed:
                                oap_head += 1  # already discharged out of area
                            if oap_head < oap_tail and size < local_beds:
                                end = oap_end[oap_head]
                                oap_head += 1
                                _add_stay(freed, end, -1.0, month_start, out[B_OAP_BED_DAYS])
                                _add_stay(freed, end, 1.0, month_start, out[B_LOCAL_BED_DAYS])
                                rh, rn, free = _schedule(end, cur, per_day, repatriate, ready, rh,
                                                         rn, mask, slot_head, node_next, node_value,
                                                         node_bucket, free)
                                size += 1
                    elif cur < now:
                        cur += 1
                        rn, free = _take_bucket(cur, mask, slot_head, node_next, node_value,
                                                node_bucket, free, ready)
                        rh = 0
                    else:
                        break
                if settle:
                    # Beds open fell below the beds still occupied at the month's start (t): the
                    # surplus patients leave local beds, those due out latest placed out of area.
                    settle = False
                    local_beds = int(beds[k])
                    if size > local_beds:
                        rh, rn, free, oap_end, oap_head, oap_tail = _move_out(
                            t, local_beds, size, ready, rh, rn, cur, per_day, mask, slot_head,
                            node_next, node_value, node_bucket, repatriate, oap_end, oap_head,
                            oap_tail, month_start, out)
                        size = local_beds
                    continue

                # an arrival with repatriation (without, the month is _lazy_month's)
                stay, st = _draw_stay(st, fixed, exponential_stays, lognormal, p, shape, sigma,
                                      gauss)
                end = t + stay
                n_admitted += 1.0
                stayed += stay
                if size < local_beds:
                    bucket = int(math.floor(end * per_day))
                    if bucket == cur:
                        rh, rn = _insert_ready(ready, rh, rn, end)
                    else:
                        free = _file(end, bucket, mask, slot_head, node_next, node_value,
                                     node_bucket, free)
                    size += 1
                    row = B_LOCAL_BED_DAYS
                else:
                    row = B_OAP_BED_DAYS
                    n_out += 1.0
                # the stay's bed days in constant time: the part of the month it starts in (k;
                # month 0 for the warm-up) and of the one it ends in (day_month), and the full
                # months between as a span, summed once at the end (as in _lazy_month)
                lo = t if t > 0.0 else 0.0
                hi = end if end < horizon else horizon
                if hi > lo:
                    last = day_month[int(hi)]
                    out[row, k] += min(hi, month_start[k + 1]) - lo
                    # + 0 when the stay ends in its first month, or at the start of a month
                    out[row, last] += (last > k) * (hi - month_start[last])
                    spans[row - B_LOCAL_BED_DAYS, k + 1] += 1
                    spans[row - B_LOCAL_BED_DAYS, max(last, k + 1)] -= 1
                if row == B_OAP_BED_DAYS:
                    oap_end, oap_head, oap_tail = _append_oap(oap_end, oap_head, oap_tail, end)
            if counted:  # the month's admissions, in the order drawn (from 0: the same sums)
                admissions[m] += n_admitted
                oap_admissions[m] += n_out
                los_days[m] += stayed
        for r in range(2):
            stays = 0
            for j in range(n_months):
                stays += spans[r, j]
                out[B_LOCAL_BED_DAYS + r, j] += stays * days[j]


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
                       repatriate, warmup_days, seeds[d, f], out[d, f], rate[d, f],
                       los_mean[d, f], beds[d, f], -2, out[d, f])
    return out


@njit(cache=True)
def first_difference(rate, los_mean, beds, held_rate, held_los, held_beds):  # pragma: no cover
    """The month the counterfactual's inputs first differ from the plan's, as beds_footprint's
    split: -1 when month 0 does (so the warm-up does too), n_months when none does."""
    n_months = rate.shape[0]
    for m in range(n_months):
        if (rate[m] != held_rate[m] or los_mean[m] != held_los[m]
                or beds[m] != held_beds[m]):
            return -1 if m == 0 else m
    return n_months


@njit(cache=True, parallel=True)
def project_beds_pair(days, rate, los_mean, los_cv, beds, held_rate, held_los, held_beds, dist,
                      repatriate, warmup_days, seeds):  # pragma: no cover - compiled
    """The plan and a counterfactual (held_*: its own rates, stays and beds [draw, footprint,
    month]; the same CVs, warm-up and streams) in parallel; returns (out, held_out), each
    out[draw, footprint, B_*, month], equal bit for bit to two project_beds calls. The months
    before the two differ (with the warm-up) are simulated once."""
    n_draws, n_fp = rate.shape[0], rate.shape[1]
    out = np.zeros((n_draws, n_fp, N_BED_OUTPUTS, days.shape[0]))
    held_out = np.zeros((n_draws, n_fp, N_BED_OUTPUTS, days.shape[0]))
    for i in prange(n_draws * n_fp):
        d = i // n_fp
        f = i % n_fp
        split = first_difference(rate[d, f], los_mean[d, f], beds[d, f], held_rate[d, f],
                                 held_los[d, f], held_beds[d, f])
        beds_footprint(days, rate[d, f], los_mean[d, f], los_cv[d, f], beds[d, f], dist,
                       repatriate, warmup_days, seeds[d, f], out[d, f], held_rate[d, f],
                       held_los[d, f], held_beds[d, f], split, held_out[d, f])
    return out, held_out


@njit(cache=True, parallel=True)
def project_beds_into(days, rate, los_mean, los_cv, beds, held_rate, held_los, held_beds, dist,
                      repatriate, warmup_days, seeds, has_held, pool_start, out,
                      first):  # pragma: no cover - compiled
    """project_beds_pair (or, with has_held False, project_beds) written into a run's own array:
    every input is [draw, pool, ...] and the pools pool_start[f]:pool_start[f + 1] make
    footprint f; their outputs are added, in pool order, into out[draw, f, first + B_*, month]
    (zeros before), and with has_held the counterfactual's OAP bed days into
    out[draw, f, first + N_BED_OUTPUTS, month]. Bit for bit the sums of the pools' project_beds
    outputs, with nothing allocated per draw but one footprint's rows. Without the
    counterfactual, held_* are not read as such: pass the plan's rate, stays and beds there."""
    n_draws = rate.shape[0]
    n_fp = pool_start.shape[0] - 1
    n_months = days.shape[0]
    for i in prange(n_draws * n_fp):
        d = i // n_fp
        f = i % n_fp
        plan = np.empty((N_BED_OUTPUTS, n_months))
        held = np.empty((N_BED_OUTPUTS, n_months))
        for j in range(pool_start[f], pool_start[f + 1]):
            plan[:] = 0.0
            held[:] = 0.0
            # one call of beds_footprint, so that numba compiles it once (split -2: the plan
            # alone, as project_beds; without the counterfactual held_* are the plan's inputs)
            split = -2
            if has_held:
                split = first_difference(rate[d, j], los_mean[d, j], beds[d, j], held_rate[d, j],
                                         held_los[d, j], held_beds[d, j])
            beds_footprint(days, rate[d, j], los_mean[d, j], los_cv[d, j], beds[d, j], dist,
                           repatriate, warmup_days, seeds[d, j], plan, held_rate[d, j],
                           held_los[d, j], held_beds[d, j], split, held)
            if has_held:
                for m in range(n_months):
                    out[d, f, first + N_BED_OUTPUTS, m] += held[B_OAP_BED_DAYS, m]
            for r in range(N_BED_OUTPUTS):
                for m in range(n_months):
                    out[d, f, first + r, m] += plan[r, m]
