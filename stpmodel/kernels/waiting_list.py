"""The waiting-list kernel (IAPT): pure numeric code, arrays in and arrays out.

It imports nothing from stpmodel, does no I/O and keeps no state. Array layout::

    series[draw, footprint, S_*, month]   time-varying inputs (already on the monthly grid)
    scalars[draw, footprint, C_*]         inputs fixed for the run
    days[month]                           days in each month
    out[draw, footprint, O_*, month]      monthly results

Every quantity is per month unless its name says otherwise. Units are in brackets.

IAPT runs in daily sub-steps so that waits can be measured in days: each month's referrals and
treatment capacity are spread evenly over its days, and the waiting list is a first-in-first-out
queue of daily cohorts. A person who joins and is seen on the same day waited 0 days; "within 6
weeks" means a wait of at most 42 days, "within 18 weeks" at most 126.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

# --- time-varying inputs: series[d, f, S_*, m] -------------------------------------------------
S_ADULTS = 0  # adult population [persons]
S_PREVALENCE = 1  # [fraction of adults]
S_ACCESS = 2  # planned access [fraction of need/year]
S_REFERRALS = 3  # referrals received [referrals/month]
S_ENTRY = 4  # share of referrals that enter treatment [fraction]
S_COMPLETION = 5  # share of courses entered that finish [fraction]
S_CASENESS = 6  # share of finished courses at caseness [fraction]
S_RECOVERY = 7  # share of finished courses at caseness that recover [fraction]
S_COST_PER_COURSE = 8  # [£/course]
S_RECRUITMENT = 9  # the most therapist WTE can grow in the month [WTE/month]
N_SERIES = 10

# --- inputs fixed for the run: scalars[d, f, C_*] ---------------------------------------------
C_WAITING0 = 0  # waiting list at the start [persons]
C_COURSE_DAYS = 1  # entering to finishing [days]
C_SESSIONS_PER_COURSE = 2  # [sessions/course]
C_SESSIONS_PER_WTE = 3  # [sessions/WTE/year]
C_WTE0 = 4  # therapists in post at the start [WTE]
N_SCALARS = 5

# --- outputs: out[d, f, O_*, m] ---------------------------------------------------------------
O_NEED = 0  # IAPT need [persons], at the month
O_NEED_PER_MONTH = 1  # need / 12 [persons/month]: the denominator of annualised access
O_REFERRALS = 2  # [referrals]
O_JOINED = 3  # referrals joining the waiting list [persons]
O_LEFT = 4  # referrals leaving before treatment [persons]
O_ENTERED = 5  # courses entered [persons]
O_WITHIN_6 = 6  # entered after waiting ≤ 42 days [persons]
O_WITHIN_18 = 7  # entered after waiting ≤ 126 days [persons]
O_FINISHED = 8  # courses finished [persons]
O_FINISHED_CASENESS = 9  # finished courses that started at caseness [persons]
O_RECOVERED = 10  # [persons]
O_WAITING = 11  # waiting list at the end of the month [persons]
O_PLANNED = 12  # planned courses: access × need / 12 [courses]
O_CAPACITY = 13  # courses the therapists in post can start [courses]
O_WTE_REQUIRED = 14  # WTE to deliver the plan [WTE]
O_WTE_AVAILABLE = 15  # WTE in post [WTE]
O_COST = 16  # [£]
N_OUTPUTS = 17

WAIT_6_WEEKS = 42  # [days]
WAIT_18_WEEKS = 126  # [days]
MAX_BACKLOG_DAYS = 3650  # the start list is spread over at most this many daily cohorts


@njit(cache=True)
def iapt_footprint(days, series, scalars, out):  # pragma: no cover - compiled; see py_func tests
    """IAPT for one draw and one footprint.

    days[month] [days]; series[S_*, month]; scalars[C_*]; out[O_*, month] is filled in place.
    """
    n_months = days.shape[0]
    n_days = 0
    for m in range(n_months):
        n_days += days[m]

    # The waiting list is a FIFO queue of cohorts: the day each joined, and how many remain.
    # The start list is taken to have built up at the first month's inflow rate, oldest first.
    inflow0 = series[S_REFERRALS, 0] * series[S_ENTRY, 0] / days[0]
    waiting = scalars[C_WAITING0]
    n_back = 0
    if waiting > 0.0:
        n_back = 1
        if inflow0 > 0.0:
            n_back = min(max(1, int(math.ceil(waiting / inflow0))), MAX_BACKLOG_DAYS)
    joined_day = np.empty(n_back + n_days, dtype=np.int64)
    remaining = np.empty(n_back + n_days, dtype=np.float64)
    for i in range(n_back):
        joined_day[i] = i - n_back
        remaining[i] = waiting / n_back
    head = 0
    tail = n_back

    entered_on = np.zeros(n_days, dtype=np.float64)  # courses entered each day
    spc = scalars[C_SESSIONS_PER_COURSE]
    spw = scalars[C_SESSIONS_PER_WTE]
    wte = scalars[C_WTE0]

    # Pass 1: need, plan, staff and the waiting list, day by day.
    day = 0
    for m in range(n_months):
        need = series[S_PREVALENCE, m] * series[S_ADULTS, m]
        planned = series[S_ACCESS, m] * need / 12.0
        required = planned * 12.0 * spc / spw
        if m > 0:  # staff grow towards the requirement, by at most the recruitment limit
            wte = max(wte, min(required, wte + series[S_RECRUITMENT, m]))
        capacity = min(planned, wte * spw / 12.0 / spc)
        referrals = series[S_REFERRALS, m]
        joining = referrals * series[S_ENTRY, m]

        out[O_NEED, m] = need
        out[O_NEED_PER_MONTH, m] = need / 12.0
        out[O_REFERRALS, m] = referrals
        out[O_JOINED, m] = joining
        out[O_LEFT, m] = referrals - joining
        out[O_PLANNED, m] = planned
        out[O_CAPACITY, m] = capacity
        out[O_WTE_REQUIRED, m] = required
        out[O_WTE_AVAILABLE, m] = wte

        inflow = joining / days[m]
        slots = capacity / days[m]
        entered = 0.0
        within_6 = 0.0
        within_18 = 0.0
        for _ in range(days[m]):
            if inflow > 0.0:
                joined_day[tail] = day
                remaining[tail] = inflow
                tail += 1
                waiting += inflow
            free = slots
            served = 0.0
            while free > 0.0 and head < tail:
                take = min(free, remaining[head])
                wait = day - joined_day[head]
                served += take
                if wait <= WAIT_6_WEEKS:
                    within_6 += take
                if wait <= WAIT_18_WEEKS:
                    within_18 += take
                remaining[head] -= take
                free -= take
                if remaining[head] <= 0.0:
                    head += 1
            waiting = max(waiting - served, 0.0)
            entered_on[day] = served
            entered += served
            day += 1
        out[O_ENTERED, m] = entered
        out[O_WITHIN_6, m] = within_6
        out[O_WITHIN_18, m] = within_18
        out[O_WAITING, m] = waiting

    # Pass 2: finishing and cost. A course entered on day s finishes on day s + L; its cost is
    # spread evenly over days s .. s+L-1. Before the start, entries are taken to have run at the
    # first month's daily rate (a steady state), so finishing does not start from nothing.
    course_days = max(1, int(scalars[C_COURSE_DAYS]))
    before = out[O_ENTERED, 0] / days[0]
    in_treatment = before * course_days  # courses on the go at the start of day 0
    day = 0
    for m in range(n_months):
        finished = 0.0
        cost = 0.0
        for _ in range(days[m]):
            started = day - course_days
            if started >= 0:
                ending = entered_on[started]
            else:
                ending = before
            in_treatment += entered_on[day] - ending
            finished += ending
            cost += in_treatment
            day += 1
        # completion is applied at finishing: a simplification that is exact when it is constant
        finished *= series[S_COMPLETION, m]
        caseness = finished * series[S_CASENESS, m]
        out[O_FINISHED, m] = finished
        out[O_FINISHED_CASENESS, m] = caseness
        out[O_RECOVERED, m] = caseness * series[S_RECOVERY, m]
        out[O_COST, m] = cost * series[S_COST_PER_COURSE, m] / course_days


@njit(cache=True, parallel=True)
def project(days, series, scalars):  # pragma: no cover - compiled; see py_func tests
    """Run every draw and footprint; returns out[draw, footprint, O_*, month] [float64]."""
    n_draws, n_footprints = series.shape[0], series.shape[1]
    n_months = days.shape[0]
    out = np.zeros((n_draws, n_footprints, N_OUTPUTS, n_months), dtype=np.float64)
    for k in prange(n_draws * n_footprints):
        d = k // n_footprints
        f = k % n_footprints
        iapt_footprint(days, series[d, f], scalars[d, f], out[d, f])
    return out
