"""The IAPT kernel, run compiled and as plain Python (``py_func``), against hand-worked cases.

Each expected number is worked out in the test's docstring or comments.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stpmodel.kernels import waiting_list as k

KERNELS = pytest.mark.parametrize(
    "footprint", [k.list_footprint, k.list_footprint.py_func], ids=["compiled", "python"])


def inputs(days, *, adults=None, access=1.0, prevalence=1.0, referrals=0.0, entry=1.0,
           completion=1.0, caseness=1.0, recovery=0.5, cost=100.0, recruitment=0.0,
           waiting0=0.0, course_days=7, sessions_finished=1.0, sessions_not_finished=1.0,
           sessions_per_wte=12.0, wte0=1e12, delay_median=0.0, delay_sigma=0.0):
    """One footprint's arrays. With the defaults, planned courses per month = adults / 12, a
    course (finished or not) is one session, a WTE can start one course a month (12 sessions a
    year), a session costs £100 and there is no pathway delay: waits are the FIFO queue's."""
    days = np.asarray(days, dtype=np.int64)
    n = len(days)
    series = np.zeros((k.N_SERIES, n))
    for row, value in [(k.S_ADULTS, adults if adults is not None else 12.0), (k.S_ACCESS, access),
                       (k.S_PREVALENCE, prevalence), (k.S_REFERRALS, referrals),
                       (k.S_ENTRY, entry), (k.S_COMPLETION, completion),
                       (k.S_CASENESS, caseness), (k.S_RECOVERY, recovery),
                       (k.S_COST_PER_SESSION, cost), (k.S_RECRUITMENT, recruitment)]:
        series[row] = value
    scalars = np.zeros(k.N_SCALARS)
    scalars[k.C_WAITING0] = waiting0
    scalars[k.C_COURSE_DAYS] = course_days
    scalars[k.C_SESSIONS_FINISHED] = sessions_finished
    scalars[k.C_SESSIONS_NOT_FINISHED] = sessions_not_finished
    scalars[k.C_SESSIONS_PER_WTE] = sessions_per_wte
    scalars[k.C_WTE0] = wte0
    scalars[k.C_DELAY_MEDIAN] = delay_median
    scalars[k.C_DELAY_SIGMA] = delay_sigma
    scalars[k.C_WAIT_FIRST] = k.WAIT_6_WEEKS
    scalars[k.C_WAIT_SECOND] = k.WAIT_18_WEEKS
    return days, series, scalars


def simulate(footprint, days, series, scalars):
    out = np.zeros((k.N_OUTPUTS, len(days)))
    footprint(days, series, scalars, out)
    return out


def lognormal_cdf(x: float, median: float, sigma: float) -> float:
    """P(delay ≤ x) for a lognormal delay: Φ(ln(x / median) / σ), Φ(z) = (1 + erf(z/√2)) / 2."""
    return 0.5 * (1.0 + math.erf(math.log(x / median) / (sigma * math.sqrt(2.0))))


# --- FIFO waits (no pathway delay: delay median 0) ---------------------------------------------


@KERNELS
def test_start_list_only_waits(footprint):
    """3,000 people are waiting at the start and nobody new is referred. With no inflow the start
    list is one cohort that joined on day -1, so a person seen on day t waited t + 1 days.
    Capacity is 10 a day (planned = adults / 12 = 10 × days in the month). No pathway delay.

    April (days 0–29): 300 enter, waits 1–30 days, all within 6 weeks.
    May (days 30–60): 310 enter, waits 31–61; within 42 days are days 30–41, 12 days = 120.
    All 610 waited at most 126 days (18 weeks). 3,000 − 610 = 2,390 still wait.
    """
    days = [30, 31]
    out = simulate(footprint, *inputs(days, adults=np.array([3600.0, 3720.0]), waiting0=3000.0))
    assert out[k.O_ENTERED] == pytest.approx([300, 310])
    assert out[k.O_ENTERED_WITHIN_6] == pytest.approx([300, 120])
    assert out[k.O_ENTERED_WITHIN_18] == pytest.approx([300, 310])
    assert out[k.O_WAITING] == pytest.approx([2700, 2390])


@KERNELS
def test_a_fixed_delay_adds_to_every_wait(footprint):
    """The start-list case with a pathway delay of exactly 12 days for everyone (median 12, no
    spread): a wait is queue time + 12, within 6 weeks when the queue time is at most 30 days.

    April: queue times 1–30, all within 6 weeks: 300. May: queue times 31–61, none: 0.
    Within 18 weeks (queue time ≤ 114): all 300 and 310. The queue itself is unchanged.
    """
    days = [30, 31]
    out = simulate(footprint, *inputs(days, adults=np.array([3600.0, 3720.0]), waiting0=3000.0,
                                      delay_median=12.0, delay_sigma=0.0))
    assert out[k.O_ENTERED] == pytest.approx([300, 310])
    assert out[k.O_ENTERED_WITHIN_6] == pytest.approx([300, 0])
    assert out[k.O_ENTERED_WITHIN_18] == pytest.approx([300, 310])
    assert out[k.O_WAITING] == pytest.approx([2700, 2390])


@KERNELS
def test_arrivals_twice_capacity_waits(footprint):
    """20 people join a day; 10 a day can start. Day t serves half of the cohort that joined on
    day floor(t/2), so its wait is t − floor(t/2) = ceil(t/2) days, at most 42 while t ≤ 84.

    April, days 0–29: 300 enter, all within 6 weeks. May, days 30–60: 310, all within.
    June, days 61–90: 300 enter, within 6 weeks only days 61–84 (24 days) = 240.
    Every wait is at most ceil(90/2) = 45 days, so all are within 18 weeks.
    The list grows by 10 a day: 300, 610, 910 at the month ends.
    """
    days = [30, 31, 30]
    d = np.asarray(days, dtype=float)
    out = simulate(footprint, *inputs(days, adults=120.0 * d, referrals=20.0 * d))
    assert out[k.O_ENTERED] == pytest.approx([300, 310, 300])
    assert out[k.O_ENTERED_WITHIN_6] == pytest.approx([300, 310, 240])
    assert out[k.O_ENTERED_WITHIN_18] == pytest.approx([300, 310, 300])
    assert out[k.O_WAITING] == pytest.approx([300, 610, 910])
    # share within 6 weeks over the quarter: 850 / 910
    assert out[k.O_ENTERED_WITHIN_6].sum() / out[k.O_ENTERED].sum() == pytest.approx(850 / 910)


@KERNELS
def test_finished_waits_are_the_entry_waits_a_course_later(footprint):
    """The twice-capacity case with 7-day courses that all finish (completion 1). Before the
    start, entries ran at April's rate and waits (10 a day, all within 6 weeks).

    A course entered on day s finishes on day s + 7. April finishes the 7 days before the start
    and days 0–22: 30 × 10 = 300, all within. May finishes days 23–53: 310, all within (entry
    waits exceed 42 days only from day 85). June finishes days 54–83: 300, all within.
    July finishes days 84–114: day 84's 10 within, days 85–114 not: 10 within 6 weeks of 310.
    """
    days = [30, 31, 30, 31]
    d = np.asarray(days, dtype=float)
    out = simulate(footprint, *inputs(days, adults=120.0 * d, referrals=20.0 * d, course_days=7))
    assert out[k.O_ENTERED_WITHIN_6] == pytest.approx([300, 310, 240, 0])  # July: waits 46–61
    assert out[k.O_FINISHED] == pytest.approx([300, 310, 300, 310])
    assert out[k.O_FINISHED_WITHIN_6] == pytest.approx([300, 310, 300, 10])
    assert out[k.O_FINISHED_WITHIN_18] == pytest.approx([300, 310, 300, 310])


@KERNELS
def test_waiting_list_by_time_waited_from_a_start_list(footprint):
    """The start-list case run for five months: 3,000 joined on day -1, 10 a day start, nobody
    new joins. At the end of a month whose last day is e, a person who joined on day j counts as
    having waited e + 1 − j days (the wait they would have if seen on the next day).

    Month ends e = 29, 60, 90, 121, 152: waited 31, 62, 92, 123, 154 days.
    List: 3,000 − 300, −310, −300, −310, −310 = 2,700, 2,390, 2,090, 1,780, 1,470.
    Over 6 weeks (> 42 days): from May on, all of it. Over 18 weeks (> 126): only in August.
    """
    days = [30, 31, 30, 31, 31]
    out = simulate(footprint, *inputs(days, adults=120.0 * np.asarray(days, dtype=float),
                                      waiting0=3000.0))
    assert out[k.O_WAITING] == pytest.approx([2700, 2390, 2090, 1780, 1470])
    assert out[k.O_WAITING_OVER_6] == pytest.approx([0, 2390, 2090, 1780, 1470])
    assert out[k.O_WAITING_OVER_18] == pytest.approx([0, 0, 0, 0, 1470])


@KERNELS
def test_waiting_list_by_time_waited_with_arrivals(footprint):
    """The twice-capacity case (20 join a day from day 0, 10 start). By the end of day e,
    10(e + 1) have started, oldest first, and 20(j + 1) had joined by day j. Those still waiting
    who joined on day e − 42 or before (waited > 42 days by the month end) number
    max(0, 20(e − 41) − 10(e + 1)) = max(0, 10e − 830).

    April e = 29: 0. May e = 60: 0. June e = 90: 70 of the 910 (half of day 45's cohort and days
    46–48's). Nobody has waited over 18 weeks.
    """
    days = [30, 31, 30]
    d = np.asarray(days, dtype=float)
    out = simulate(footprint, *inputs(days, adults=120.0 * d, referrals=20.0 * d))
    assert out[k.O_WAITING] == pytest.approx([300, 610, 910])
    assert out[k.O_WAITING_OVER_6] == pytest.approx([0, 0, 70], abs=1e-9)
    assert out[k.O_WAITING_OVER_18] == pytest.approx([0, 0, 0], abs=1e-9)


# --- finishing, sessions, staff and cost -------------------------------------------------------


@KERNELS
def test_finishing_follows_entry_after_the_course(footprint):
    """10 a day enter in April and May, 20 a day from June; a course lasts 14 days and 80%
    finish. Before the start entries ran at April's rate, so April and May finish 10 × 0.8 a day.
    June (days 61–90) finishes the entries of days 47–76: 14 days at 10 and 16 days at 20,
    = 140 + 320 = 460, × 0.8 = 368. July: 31 days × 20 × 0.8 = 496.
    Recovered = finished × caseness 0.9 × recovery 0.5. Ended unfinished = 20% of entries.
    """
    days = [30, 31, 30, 31]
    per_day = np.array([10.0, 10.0, 20.0, 20.0])
    out = simulate(footprint, *inputs(days, adults=1e9, referrals=per_day * days,
                                      course_days=14, completion=0.8, caseness=0.9))
    assert out[k.O_ENTERED] == pytest.approx(per_day * days)
    assert out[k.O_FINISHED] == pytest.approx([240, 248, 368, 496])
    assert out[k.O_FINISHED_CASENESS] == pytest.approx(np.array([240, 248, 368, 496]) * 0.9)
    assert out[k.O_RECOVERED] == pytest.approx(np.array([240, 248, 368, 496]) * 0.45)
    assert out[k.O_ENDED_UNFINISHED] == pytest.approx([60, 62, 120, 124])


@KERNELS
def test_finishers_and_non_finishers_in_a_steady_state(footprint):
    """E = 10 enter a day (referrals 10 a day, spare capacity); 60% finish (c = 0.6) after 28
    days with 7 sessions, 40% end unfinished on their first day with 1 session; £100 a session.

    Sessions per course entered: 0.6 × 7 + 0.4 × 1 = 4.6.
    April (30 days, E = 300): finished 0.6 × 300 = 180, unfinished 120,
    sessions 300 × 4.6 = 1,380 (finishers: 6 a day × 28 courses on the go × 7/28 sessions a day
    × 30 days = 1,260, plus 120 × 1), cost £138,000.
    May (31 days, E = 310): finished 186, unfinished 124, sessions 1,426, cost £142,600.
    Plan: adults 7,200 → 600 courses a month. WTE required = 600 × 12 × 4.6 ÷ 1,200 sessions a
    WTE a year = 27.6. 23 WTE in post, none recruited: capacity 23 × 1,200 ÷ 12 ÷ 4.6 = 500.
    """
    days = [30, 31]
    out = simulate(footprint, *inputs(days, adults=7200.0, referrals=10.0 * np.array(days),
                                      completion=0.6, course_days=28, sessions_finished=7.0,
                                      sessions_not_finished=1.0, cost=100.0,
                                      sessions_per_wte=1200.0, wte0=23.0))
    assert out[k.O_PLANNED] == pytest.approx([600, 600])
    assert out[k.O_WTE_REQUIRED] == pytest.approx([27.6, 27.6])
    assert out[k.O_WTE_AVAILABLE] == pytest.approx([23, 23])
    assert out[k.O_CAPACITY] == pytest.approx([500, 500])
    assert out[k.O_ENTERED] == pytest.approx([300, 310])
    assert out[k.O_FINISHED] == pytest.approx([180, 186])
    assert out[k.O_ENDED_UNFINISHED] == pytest.approx([120, 124])
    assert out[k.O_SESSIONS] == pytest.approx([1380, 1426])
    assert out[k.O_COST] == pytest.approx([138_000, 142_600])


@KERNELS
def test_completion_is_that_of_the_month_a_course_is_entered(footprint):
    """10 a day enter; half finish if entered in April, all from May; 14-day courses of 8
    sessions, 2 sessions for one not finished.

    Finished: April: the steady state before the start at April's rate, 5 a day: 150.
    May (days 30–60) finishes the entries of days 16–46: 14 April days × 5 + 17 May days × 10
    = 70 + 170 = 240. June: 300. Unfinished: April 150, then 0.
    Sessions: April 300 × (0.5 × 8 + 0.5 × 2) = 1,500. May: on day d (30–60) the finishing
    courses on the go are those entered on days d − 13 … d, 10 a day less 5 for each April day
    among them (13, 12, …, 1 for d = 30 … 42, Σ 91): 10 × 14 × 31 − 5 × 91 = 3,885 course-days
    × 8/14 sessions = 2,220. June: 10 × 14 × 30 × 8/14 = 2,400.
    WTE required, 600 planned a month, 1,200 sessions a WTE: April 600 × 12 × 5 ÷ 1,200 = 30,
    then 600 × 12 × 8 ÷ 1,200 = 48.
    """
    days = [30, 31, 30]
    out = simulate(footprint, *inputs(days, adults=7200.0, referrals=10.0 * np.array(days),
                                      completion=np.array([0.5, 1.0, 1.0]), course_days=14,
                                      sessions_finished=8.0, sessions_not_finished=2.0,
                                      sessions_per_wte=1200.0))
    assert out[k.O_FINISHED] == pytest.approx([150, 240, 300])
    assert out[k.O_ENDED_UNFINISHED] == pytest.approx([150, 0, 0], abs=1e-9)
    assert out[k.O_SESSIONS] == pytest.approx([1500, 2220, 2400])
    assert out[k.O_COST] == pytest.approx([150_000, 222_000, 240_000])
    assert out[k.O_WTE_REQUIRED] == pytest.approx([30, 48, 48])


@KERNELS
def test_recruitment_limits_staff_and_capacity(footprint):
    """The plan needs 200 WTE from the start; 100 are in post and at most 5 can be added a
    month. WTE in post: 100, 105, 110, 115. Each WTE starts one course a month, so entered =
    WTE while people wait (a long list). Half finish with 1.5 sessions, half end with 0.5:
    1 session a course entered, as before."""
    days = [30, 31, 30, 31]
    out = simulate(footprint, *inputs(days, adults=12 * 200.0, wte0=100.0, recruitment=5.0,
                                      waiting0=1e6, completion=0.5, sessions_finished=1.5,
                                      sessions_not_finished=0.5))
    assert out[k.O_WTE_REQUIRED] == pytest.approx([200] * 4)
    assert out[k.O_WTE_AVAILABLE] == pytest.approx([100, 105, 110, 115])
    assert out[k.O_PLANNED] == pytest.approx([200] * 4)
    assert out[k.O_CAPACITY] == pytest.approx([100, 105, 110, 115])
    assert out[k.O_ENTERED] == pytest.approx([100, 105, 110, 115])


@KERNELS
def test_staff_are_not_cut_when_the_plan_falls(footprint):
    out = simulate(footprint, *inputs([30, 31], adults=np.array([2400.0, 1200.0]), wte0=200.0))
    assert out[k.O_WTE_REQUIRED] == pytest.approx([200, 100])
    assert out[k.O_WTE_AVAILABLE] == pytest.approx([200, 200])


@KERNELS
def test_over_a_long_steady_run_the_completed_share_finishes(footprint):
    """Two years of 12 a day entering, 53.4% finishing after 49 days: every month finished =
    0.534 × entered and ended unfinished = 0.466 × entered, so over the run
    Σ finished = 0.534 × Σ entered = 0.534 × 12 × 730 = 4,677.84."""
    days = [30, 31, 30, 31, 31, 30, 31, 30, 31, 31, 28, 31] * 2
    out = simulate(footprint, *inputs(days, adults=1e9, referrals=12.0 * np.array(days),
                                      completion=0.534, course_days=49))
    assert out[k.O_ENTERED].sum() == pytest.approx(12 * 730)
    assert out[k.O_FINISHED] == pytest.approx(0.534 * out[k.O_ENTERED])
    assert out[k.O_ENDED_UNFINISHED] == pytest.approx(0.466 * out[k.O_ENTERED])
    assert out[k.O_FINISHED].sum() == pytest.approx(4677.84)


# --- waits with a pathway delay ----------------------------------------------------------------


@pytest.mark.parametrize("within", [k.within, k.within.py_func], ids=["compiled", "python"])
def test_within_is_the_lognormal_cdf(within):
    """Median 21 days, log-sd 1: P(≤ 42) = Φ(ln 2) = 0.7559, P(≤ 126) = Φ(ln 6) = 0.9634,
    P(≤ 21) = ½; nothing at or below 0. A point mass at the median when the spread is 0 (and at 0
    when the median is 0, whatever the spread)."""
    assert within(42.0, 21.0, 1.0) == pytest.approx(lognormal_cdf(42, 21, 1), rel=1e-12)
    assert within(42.0, 21.0, 1.0) == pytest.approx(0.7559, abs=1e-4)
    assert within(126.0, 21.0, 1.0) == pytest.approx(0.9634, abs=1e-4)
    assert within(21.0, 21.0, 1.0) == pytest.approx(0.5, rel=1e-12)
    assert within(0.0, 21.0, 1.0) == 0.0
    assert within(-5.0, 21.0, 1.0) == 0.0
    assert (within(20.0, 21.0, 0.0), within(21.0, 21.0, 0.0)) == (0.0, 1.0)
    assert (within(-1.0, 0.0, 1.0), within(0.0, 0.0, 1.0), within(9.0, 0.0, 0.0)) == (0, 1, 1)


@KERNELS
def test_with_no_queue_the_shares_are_the_delay_cdf(footprint):
    """10 a day join and capacity is ample, so nobody queues (queue time 0) and a wait is the
    pathway delay alone: lognormal, median 11.7 days, log-sd 1.07.

    Share within 6 weeks = Φ(ln(42/11.7)/1.07) = Φ(1.1947) = 0.8839; within 18 weeks =
    Φ(ln(126/11.7)/1.07) = Φ(2.2211) = 0.9868: the same among courses entered and among courses
    finishing (80% finish, after 49 days), every month.
    """
    days = [30, 31, 30, 31, 31, 30]
    out = simulate(footprint, *inputs(days, adults=1e9, referrals=10.0 * np.array(days),
                                      completion=0.8, course_days=49, delay_median=11.7,
                                      delay_sigma=1.07))
    p6, p18 = lognormal_cdf(42, 11.7, 1.07), lognormal_cdf(126, 11.7, 1.07)
    assert (p6, p18) == pytest.approx((0.8839, 0.9868), abs=1e-4)
    entered, finished = 10.0 * np.array(days), 8.0 * np.array(days)
    assert out[k.O_ENTERED] == pytest.approx(entered)
    assert out[k.O_ENTERED_WITHIN_6] == pytest.approx(p6 * entered, rel=1e-12)
    assert out[k.O_ENTERED_WITHIN_18] == pytest.approx(p18 * entered, rel=1e-12)
    assert out[k.O_FINISHED] == pytest.approx(finished)
    assert out[k.O_FINISHED_WITHIN_6] == pytest.approx(p6 * finished, rel=1e-12)
    assert out[k.O_FINISHED_WITHIN_18] == pytest.approx(p18 * finished, rel=1e-12)
    assert out[k.O_WAITING] == pytest.approx(np.zeros(6), abs=1e-9)


@KERNELS
def test_a_delay_splits_each_queued_cohort_by_its_cdf(footprint):
    """The start-list case (3,000 joined on day -1, 10 a day start, queue time t + 1 on day t)
    with a lognormal delay, median 21 days, log-sd 1. A person queued q days is within 6 weeks
    with probability F(42 − q) (0 once q ≥ 42), within 18 weeks with F(126 − q).

    April: 10 × Σ_{q=1}^{30} F(42 − q); May: 10 × Σ_{q=31}^{41} F(42 − q).
    """
    days = [30, 31]
    out = simulate(footprint, *inputs(days, adults=120.0 * np.asarray(days, dtype=float),
                                      waiting0=3000.0, delay_median=21.0, delay_sigma=1.0))

    def share(limit, queued):
        return sum(lognormal_cdf(limit - q, 21, 1) for q in queued if q < limit)

    assert out[k.O_ENTERED_WITHIN_6] == pytest.approx(
        [10 * share(42, range(1, 31)), 10 * share(42, range(31, 62))], rel=1e-12)
    assert out[k.O_ENTERED_WITHIN_18] == pytest.approx(
        [10 * share(126, range(1, 31)), 10 * share(126, range(31, 62))], rel=1e-12)
    assert out[k.O_WAITING] == pytest.approx([2700, 2390])


def _falling_capacity(delay_median):
    """Two years: the plan (and referrals) grow 3% a month from 300; 300 WTE start one course
    each a month and none can be recruited, so capacity stays at 300 and the list grows."""
    days = [30, 31, 30, 31, 31, 30, 31, 30, 31, 31, 28, 31] * 2
    planned = 300.0 * 1.03 ** np.arange(len(days))
    out = simulate(k.list_footprint, *inputs(
        days, adults=12.0 * planned, referrals=planned, wte0=300.0, recruitment=0.0,
        course_days=7, delay_median=delay_median, delay_sigma=1.07))
    assert out[k.O_CAPACITY] == pytest.approx([300.0] * len(days))
    return out


@pytest.mark.parametrize(("within", "entered"), [
    (k.O_ENTERED_WITHIN_6, k.O_ENTERED), (k.O_FINISHED_WITHIN_6, k.O_FINISHED)],
    ids=["entered", "finished"])
def test_the_6_week_share_falls_smoothly_as_capacity_falls_short(within, entered):
    """Capacity stays at 300 a month (about 10 a day) while joiners grow 3% a month, so the list
    grows: 0, 0.9, 2.7, 5.5, 9.3, 14.1, 19.9, 26.8, 34.8, 43.9 (January), 54.2, 65.8 (March) days'
    capacity at the month ends, and a person's queue time rises through 42 days. With a lognormal
    delay (median 11.7 days, log-sd 1.07) the share within 6 weeks, F(42 − queue time) averaged
    over the month's starts, is 0.884 = F(42) with no queue, then falls month by month:
    0.882, 0.876, 0.865, 0.848, 0.825, 0.785, 0.731, 0.632, 0.449, 0.216, 0.015, 0 on the entered
    basis (a little later among courses finishing, 7 days on): at least 3 months in a row well
    below the no-queue share and well above 0. With no delay (median 0) the share is 1 until the
    queue passes 42 days and 0 a month later: one month between."""
    share = _falling_capacity(11.7)
    share = share[within] / share[entered]
    assert share[0] == pytest.approx(lognormal_cdf(42, 11.7, 1.07), rel=1e-9)
    assert (np.diff(share) <= 1e-12).all()  # a monotone fall
    assert (np.diff(share[:12]) < 0).all()  # strictly, while the queue grows and some are within
    middle = (share > 0.05) & (share < 0.75)
    runs = np.diff(np.flatnonzero(np.concatenate([[True], ~middle, [True]]))) - 1
    assert runs.max() >= 3  # at least 3 consecutive months strictly between 0.05 and 0.75
    assert share[-1] < 1e-6

    fifo = _falling_capacity(0.0)
    fifo = fifo[within] / fifo[entered]
    assert ((fifo > 0.05) & (fifo < 0.95)).sum() <= 1  # a cliff: from 1 to 0 at once
    assert fifo[0] == pytest.approx(1.0) and fifo[-1] == pytest.approx(0.0, abs=1e-12)


def test_project_runs_every_draw_and_footprint_like_one():
    days, series, scalars = inputs([30, 31, 30], adults=np.array([1200.0, 1300.0, 1400.0]),
                                   referrals=150.0, waiting0=50.0, completion=0.6,
                                   sessions_finished=6.9, delay_median=11.7, delay_sigma=1.07)
    grid_s = np.stack([np.stack([series, series * 1.1]), np.stack([series * 0.9, series])])
    grid_c = np.broadcast_to(scalars, (2, 2, k.N_SCALARS)).copy()
    for project in (k.project, k.project.py_func):
        out = project(days, grid_s, grid_c)
        assert out.shape == (2, 2, k.N_OUTPUTS, 3)
        for d in range(2):
            for f in range(2):
                alone = simulate(k.list_footprint, days, grid_s[d, f], grid_c[d, f])
                np.testing.assert_array_equal(out[d, f], alone)


# --- properties -------------------------------------------------------------------------------

month_days = st.lists(st.integers(28, 31), min_size=1, max_size=24)


@st.composite
def random_case(draw):
    days = draw(month_days)
    n = len(days)

    def arr(lo, hi):
        return np.array(draw(st.lists(st.floats(lo, hi), min_size=n, max_size=n)))

    return inputs(
        days, adults=arr(0, 2e6), prevalence=arr(0, 1), access=arr(0, 1),
        referrals=arr(0, 1e5), entry=arr(0, 1), completion=arr(0, 1), caseness=arr(0, 1),
        recovery=arr(0, 1), cost=arr(0, 500), recruitment=arr(0, 50),
        waiting0=draw(st.floats(0, 1e5)), course_days=draw(st.integers(1, 200)),
        sessions_finished=draw(st.floats(0.5, 20)),
        sessions_not_finished=draw(st.floats(0, 5)),
        sessions_per_wte=draw(st.floats(100, 2000)), wte0=draw(st.floats(0, 1000)),
        delay_median=draw(st.one_of(st.just(0.0), st.floats(0, 100))),
        delay_sigma=draw(st.one_of(st.just(0.0), st.floats(0, 3))),
    )


@settings(max_examples=200, deadline=None)
@given(random_case())
def test_people_are_conserved_and_nothing_is_negative(case):
    """Joined the list = entered treatment + change in the list; referrals = joined + left;
    courses entered = finishing + ended unfinished, month by month; finished courses never
    outrun the finishers on the go at the start plus those entered; the within counts and the
    list by time waited are nested; sessions and cost follow the courses."""
    days, series, scalars = case
    out = simulate(k.list_footprint, days, series, scalars)
    joined, entered = out[k.O_JOINED].sum(), out[k.O_ENTERED].sum()
    change = out[k.O_WAITING, -1] - scalars[k.C_WAITING0]
    scale = max(1.0, joined, entered, scalars[k.C_WAITING0])
    tol = 1e-9 * scale
    assert abs(joined - (entered + change)) <= tol
    np.testing.assert_allclose(out[k.O_REFERRALS], out[k.O_JOINED] + out[k.O_LEFT],
                               rtol=1e-12, atol=1e-9)
    assert (out >= -tol).all()
    completion = series[k.S_COMPLETION]
    np.testing.assert_allclose(out[k.O_ENDED_UNFINISHED], out[k.O_ENTERED] * (1 - completion),
                               rtol=1e-12, atol=tol)
    length = max(1, int(scalars[k.C_COURSE_DAYS]))
    on_the_go = out[k.O_ENTERED, 0] / days[0] * completion[0] * length
    assert out[k.O_FINISHED].sum() <= on_the_go + (out[k.O_ENTERED] * completion).sum() + tol
    for low, high in [(k.O_ENTERED_WITHIN_6, k.O_ENTERED_WITHIN_18),
                      (k.O_ENTERED_WITHIN_18, k.O_ENTERED),
                      (k.O_FINISHED_WITHIN_6, k.O_FINISHED_WITHIN_18),
                      (k.O_FINISHED_WITHIN_18, k.O_FINISHED),
                      (k.O_WAITING_OVER_18, k.O_WAITING_OVER_6), (k.O_WAITING_OVER_6, k.O_WAITING),
                      (k.O_ENTERED, k.O_CAPACITY), (k.O_CAPACITY, k.O_PLANNED)]:
        assert (out[low] <= out[high] + tol).all()
    np.testing.assert_allclose(out[k.O_COST], out[k.O_SESSIONS] * series[k.S_COST_PER_SESSION],
                               rtol=1e-12, atol=1e-9)
    s_fin, s_not = scalars[k.C_SESSIONS_FINISHED], scalars[k.C_SESSIONS_NOT_FINISHED]
    # (finishers' sessions come from a running count of courses on the go: rounding only)
    assert (out[k.O_SESSIONS] >= out[k.O_ENDED_UNFINISHED] * s_not - tol * max(s_fin, s_not)).all()
    per_course = completion * s_fin + (1 - completion) * s_not
    if scalars[k.C_SESSIONS_PER_WTE] > 0:
        np.testing.assert_allclose(
            out[k.O_WTE_REQUIRED],
            out[k.O_PLANNED] * 12 * per_course / scalars[k.C_SESSIONS_PER_WTE], rtol=1e-12)


@settings(max_examples=100, deadline=None)
@given(random_case(), st.floats(0.5, 100), st.floats(0.05, 3))
def test_the_delay_shapes_the_waits_not_the_flows(case, median, sigma):
    """The pathway delay changes only the waits: the within counts and the list by time waited;
    the queue, entries, finishing, sessions, staff and cost are those with no delay. A delay
    never adds to a within count (each person's chance of being within a limit is F(limit −
    queue time) ≤ 1, the no-delay share) and never takes from the list waiting over a limit."""
    days, series, scalars = case
    no_delay = scalars.copy()
    no_delay[k.C_DELAY_MEDIAN] = 0.0
    delayed = scalars.copy()
    delayed[k.C_DELAY_MEDIAN], delayed[k.C_DELAY_SIGMA] = median, sigma
    a = simulate(k.list_footprint, days, series, no_delay)
    b = simulate(k.list_footprint, days, series, delayed)
    waits = [k.O_ENTERED_WITHIN_6, k.O_ENTERED_WITHIN_18, k.O_FINISHED_WITHIN_6,
             k.O_FINISHED_WITHIN_18]
    over = [k.O_WAITING_OVER_6, k.O_WAITING_OVER_18]
    others = [row for row in range(k.N_OUTPUTS) if row not in waits + over]
    np.testing.assert_array_equal(a[others], b[others])
    scale = max(1.0, float(np.abs(a).max()))
    assert (b[waits] <= a[waits] + 1e-9 * scale).all()
    assert (b[over] >= a[over] - 1e-9 * scale).all()
    assert (b[over] <= b[k.O_WAITING] + 1e-9 * scale).all()


def test_conservation_holds_in_plain_python_too():
    days, series, scalars = inputs([30, 31, 30, 31], adults=np.array([900.0, 1500.0, 600, 2000]),
                                   referrals=np.array([80.0, 200.0, 10.0, 90.0]), entry=0.7,
                                   waiting0=123.0, course_days=30, completion=0.55,
                                   delay_median=11.7, delay_sigma=1.07)
    out = simulate(k.list_footprint.py_func, days, series, scalars)
    assert out[k.O_JOINED].sum() == pytest.approx(
        out[k.O_ENTERED].sum() + out[k.O_WAITING, -1] - 123.0)
    assert out[k.O_ENTERED] == pytest.approx(out[k.O_ENDED_UNFINISHED] / 0.45)
