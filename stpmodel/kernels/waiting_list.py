"""The waiting-list kernel: pure numeric code, arrays in and arrays out. IAPT, EIP and CYP
eating-disorder pathways run in it, each with its own inputs and waiting-time limits.

It imports nothing from stpmodel, does no I/O and keeps no state. Array layout::

    series[draw, footprint, S_*, month]   time-varying inputs (already on the monthly grid)
    scalars[draw, footprint, C_*]         inputs fixed for the run
    days[month]                           days in each month
    out[draw, footprint, O_*, month]      monthly results

Every quantity is per month unless its name says otherwise. Units are in brackets.

IAPT runs in daily sub-steps so that waits can be measured in days: each month's referrals and
treatment capacity are spread evenly over its days, and the waiting list is a first-in-first-out
queue of daily cohorts. A person's wait from referral to first treatment is their time in that
queue plus a pathway delay of their own (assessment, booking, the route they take), lognormal with
a given median and spread: so waits vary between people, and the share seen within a time falls
smoothly, not all at once, as the queue grows. The delay shapes the waits reported; when courses
start is set by the queue. A person who joins and is seen on the same day with no delay waited 0
days; "within" a limit means a wait of at most that many days: IAPT's are 42 (6 weeks) and 126
(18 weeks); another service gives its own (``C_WAIT_FIRST``, ``C_WAIT_SECOND``).

Courses entered either finish (two or more sessions; NHS Digital's "finished a course") after
``C_COURSE_DAYS`` with ``C_SESSIONS_FINISHED`` sessions spread over them, or end unfinished with
``C_SESSIONS_NOT_FINISHED`` sessions on the day they start. Waits are also reported as NHS Digital
reports them: among courses finishing in the month.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

# --- time-varying inputs: series[d, f, S_*, m] -------------------------------------------------
S_ADULTS = 0  # adult population [persons]
S_PREVALENCE = 1  # need as a share of adults [fraction of adults]
S_ACCESS = 2  # planned access [fraction of need/year]
S_REFERRALS = 3  # referrals received [referrals/month]
S_ENTRY = 4  # share of referrals that enter treatment [fraction]
S_COMPLETION = 5  # share of courses entered that finish (2+ sessions) [fraction]
S_CASENESS = 6  # share of finished courses at caseness [fraction]
S_RECOVERY = 7  # share of finished courses at caseness that recover [fraction]
S_COST_PER_SESSION = 8  # [£/session]
S_RECRUITMENT = 9  # the most therapist WTE can grow in the month [WTE/month]
S_WTE_GIVEN = 10  # staff in post, worked out before the run (with C_STAFF_GIVEN) [WTE]
N_SERIES = 11

# --- inputs fixed for the run: scalars[d, f, C_*] ---------------------------------------------
C_WAITING0 = 0  # waiting list at the start [persons]
C_COURSE_DAYS = 1  # entering to finishing, for a course that finishes [days]
C_SESSIONS_FINISHED = 2  # sessions of a finished course [sessions/course]
C_SESSIONS_NOT_FINISHED = 3  # sessions of a course entered but not finished [sessions/course]
C_SESSIONS_PER_WTE = 4  # [sessions/WTE/year]
C_WTE0 = 5  # therapists in post at the start [WTE]
C_DELAY_MEDIAN = 6  # median of the pathway delay added to each wait [days]; 0: none
C_DELAY_SIGMA = 7  # its spread: the standard deviation of its log [-]; 0: no spread
C_WAIT_FIRST = 8  # the first waiting-time limit [days]: IAPT's 6 weeks, 42
C_WAIT_SECOND = 9  # the second [days]: IAPT's 18 weeks, 126
C_STAFF_GIVEN = 10  # 1: staff in post are S_WTE_GIVEN (leavers, a training lag); 0: grown here
N_SCALARS = 11

# --- outputs: out[d, f, O_*, m] ---------------------------------------------------------------
O_NEED = 0  # need [persons], at the month
O_NEED_PER_MONTH = 1  # need / 12 [persons/month]: the denominator of annualised access
O_REFERRALS = 2  # [referrals]
O_JOINED = 3  # referrals joining the waiting list [persons]
O_LEFT = 4  # referrals leaving before treatment [persons]
O_ENTERED = 5  # courses entered (first treatment) [persons]
# "6" and "18" name IAPT's limits; the kernel uses C_WAIT_FIRST and C_WAIT_SECOND
O_ENTERED_WITHIN_6 = 6  # entered after waiting ≤ the first limit from referral [persons]
O_ENTERED_WITHIN_18 = 7  # entered after waiting ≤ the second limit [persons]
O_FINISHED = 8  # courses finished (2+ sessions), in the month they end [persons]
O_FINISHED_WITHIN_6 = 9  # finished courses whose first treatment came ≤ 42 days [persons]
O_FINISHED_WITHIN_18 = 10  # ... ≤ 126 days [persons]
O_ENDED_UNFINISHED = 11  # courses entered that end without finishing [persons]
O_FINISHED_CASENESS = 12  # finished courses that started at caseness [persons]
O_RECOVERED = 13  # [persons]
O_WAITING = 14  # waiting list at the end of the month [persons]
O_WAITING_OVER_6 = 15  # of whom waited, queue and pathway delay, over the first limit [persons]
O_WAITING_OVER_18 = 16  # ... over the second limit [persons]
O_PLANNED = 17  # planned courses: access × need / 12 [courses]
O_CAPACITY = 18  # courses the therapists in post can start [courses]
O_WTE_REQUIRED = 19  # WTE to deliver the plan [WTE]
O_WTE_AVAILABLE = 20  # WTE in post [WTE]
O_SESSIONS = 21  # treatment sessions delivered [sessions]
O_COST = 22  # sessions × cost per session [£]
N_OUTPUTS = 23

WAIT_6_WEEKS = 42  # [days]: IAPT's limits, for C_WAIT_FIRST and C_WAIT_SECOND
WAIT_18_WEEKS = 126  # [days]
MAX_BACKLOG_DAYS = 3650  # the start list is spread over at most this many daily cohorts


@njit(cache=True)
def within(limit, median, sigma):  # pragma: no cover - compiled; see py_func tests
    """The share of people whose pathway delay is at most ``limit`` days: the lognormal
    distribution's CDF with the given median and log spread; a point mass at the median when
    sigma is 0, and at 0 when the median is 0."""
    if median <= 0.0 or sigma <= 0.0:
        return 1.0 if limit >= median else 0.0
    if limit <= 0.0:
        return 0.0
    return 0.5 * math.erfc(-(math.log(limit) - math.log(median)) / (sigma * math.sqrt(2.0)))


@njit(cache=True)
def within_after(table, queued, limit, median, sigma):  # pragma: no cover - compiled
    """``within(limit - queued, median, sigma)`` for a whole number of days queued, worked out
    once for each ``queued`` and kept in ``table`` (-1 where not yet worked out): the same
    values, without a logarithm and an erfc for every cohort served every day."""
    value = table[queued]
    if value < 0.0:
        value = within(limit - queued, median, sigma)
        table[queued] = value
    return value


@njit(cache=True)
def list_footprint(days, series, scalars, out):  # pragma: no cover - compiled; see py_func tests
    """One waiting list (a service's referrals, queue and courses) for one draw and footprint.

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

    # courses entered each day that will finish, and those of them whose first treatment came
    # within 6 and 18 weeks of referral
    finishing_on = np.zeros(n_days, dtype=np.float64)
    finishing_6_on = np.zeros(n_days, dtype=np.float64)
    finishing_18_on = np.zeros(n_days, dtype=np.float64)
    s_fin = scalars[C_SESSIONS_FINISHED]
    s_not = scalars[C_SESSIONS_NOT_FINISHED]
    spw = scalars[C_SESSIONS_PER_WTE]
    median = scalars[C_DELAY_MEDIAN]
    sigma = scalars[C_DELAY_SIGMA]
    first = scalars[C_WAIT_FIRST]
    second = scalars[C_WAIT_SECOND]
    wte = scalars[C_WTE0]
    # the shares within the two limits after q days in the queue, by q (see within_after)
    first_after = np.full(n_back + n_days + 1, -1.0)
    second_after = np.full(n_back + n_days + 1, -1.0)

    # Pass 1: need, plan, staff and the waiting list, day by day. A person's wait from referral
    # to first treatment is their time in the queue plus a pathway delay of their own.
    day = 0
    for m in range(n_months):
        need = series[S_PREVALENCE, m] * series[S_ADULTS, m]
        planned = series[S_ACCESS, m] * need / 12.0
        completion = series[S_COMPLETION, m]
        per_course = completion * s_fin + (1.0 - completion) * s_not  # sessions per entry
        required = planned * 12.0 * per_course / spw
        if scalars[C_STAFF_GIVEN] > 0.0:  # worked out before the run (stpmodel.staffing)
            wte = series[S_WTE_GIVEN, m]
        elif m > 0:  # staff grow towards the requirement, by at most the recruitment limit
            wte = max(wte, min(required, wte + series[S_RECRUITMENT, m]))
        capacity = planned
        if per_course > 0.0:
            capacity = min(planned, wte * spw / 12.0 / per_course)
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
            soon = 0.0
            later = 0.0
            while free > 0.0 and head < tail:
                take = min(free, remaining[head])
                queued = day - joined_day[head]
                served += take
                soon += take * within_after(first_after, queued, first, median, sigma)
                later += take * within_after(second_after, queued, second, median, sigma)
                remaining[head] -= take
                free -= take
                if remaining[head] <= 0.0:
                    head += 1
            waiting = max(waiting - served, 0.0)
            finishing_on[day] = served * completion
            finishing_6_on[day] = soon * completion
            finishing_18_on[day] = later * completion
            entered += served
            within_6 += soon
            within_18 += later
            day += 1
        over_6 = 0.0
        over_18 = 0.0
        # the list at the end of the month by time waited: time in the queue, plus the pathway
        # delay each person had before joining it
        for i in range(head, tail):
            queued = day - joined_day[i]
            over_6 += remaining[i] * (1.0 - within_after(first_after, queued, first, median,
                                                          sigma))
            over_18 += remaining[i] * (1.0 - within_after(second_after, queued, second, median,
                                                           sigma))
        out[O_ENTERED, m] = entered
        out[O_ENTERED_WITHIN_6, m] = within_6
        out[O_ENTERED_WITHIN_18, m] = within_18
        out[O_WAITING, m] = waiting
        out[O_WAITING_OVER_6, m] = min(over_6, waiting)
        out[O_WAITING_OVER_18, m] = min(over_18, waiting)

    # Pass 2: finishing, sessions and cost. Of the courses entered on day s, the share
    # completion[month of s] finishes on day s + L, its sessions spread evenly over days
    # s .. s+L-1; the rest have their sessions on day s and end then. Before the start, entries
    # are taken to have run at the first month's daily rate and waits (a steady state), so
    # finishing does not start from nothing.
    course_days = max(1, int(scalars[C_COURSE_DAYS]))
    before = out[O_ENTERED, 0] / days[0] * series[S_COMPLETION, 0]  # finishers a day, before
    share_6 = 0.0
    share_18 = 0.0
    if out[O_ENTERED, 0] > 0.0:
        share_6 = out[O_ENTERED_WITHIN_6, 0] / out[O_ENTERED, 0]
        share_18 = out[O_ENTERED_WITHIN_18, 0] / out[O_ENTERED, 0]
    in_treatment = before * course_days  # finishing courses on the go at the start of day 0
    day = 0
    for m in range(n_months):
        completion = series[S_COMPLETION, m]
        finished = 0.0
        finished_6 = 0.0
        finished_18 = 0.0
        course_days_lived = 0.0  # Σ over days of finishing courses in progress
        for _ in range(days[m]):
            started = day - course_days
            if started >= 0:
                ending = finishing_on[started]
                ending_6 = finishing_6_on[started]
                ending_18 = finishing_18_on[started]
            else:
                ending = before
                ending_6 = before * share_6
                ending_18 = before * share_18
            in_treatment += finishing_on[day] - ending
            finished += ending
            finished_6 += ending_6
            finished_18 += ending_18
            course_days_lived += in_treatment
            day += 1
        unfinished = out[O_ENTERED, m] * (1.0 - completion)
        sessions = course_days_lived * s_fin / course_days + unfinished * s_not
        caseness = finished * series[S_CASENESS, m]
        out[O_FINISHED, m] = finished
        out[O_FINISHED_WITHIN_6, m] = finished_6
        out[O_FINISHED_WITHIN_18, m] = finished_18
        out[O_ENDED_UNFINISHED, m] = unfinished
        out[O_FINISHED_CASENESS, m] = caseness
        out[O_RECOVERED, m] = caseness * series[S_RECOVERY, m]
        out[O_SESSIONS, m] = sessions
        out[O_COST, m] = sessions * series[S_COST_PER_SESSION, m]


@njit(cache=True, parallel=True)
def project(days, series, scalars):  # pragma: no cover - compiled; see py_func tests
    """Run every draw and footprint; returns out[draw, footprint, O_*, month] [float64]."""
    n_draws, n_footprints = series.shape[0], series.shape[1]
    n_months = days.shape[0]
    out = np.zeros((n_draws, n_footprints, N_OUTPUTS, n_months), dtype=np.float64)
    for k in prange(n_draws * n_footprints):
        d = k // n_footprints
        f = k % n_footprints
        list_footprint(days, series[d, f], scalars[d, f], out[d, f])
    return out
