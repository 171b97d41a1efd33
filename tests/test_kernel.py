"""The IAPT kernel, run compiled and as plain Python (``py_func``), against hand-worked cases.

Each expected number is worked out in the test's docstring or comments.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stpmodel.kernels import waiting_list as k

KERNELS = pytest.mark.parametrize(
    "footprint", [k.iapt_footprint, k.iapt_footprint.py_func], ids=["compiled", "python"])


def inputs(days, *, adults=None, access=1.0, prevalence=1.0, referrals=0.0, entry=1.0,
           completion=1.0, caseness=1.0, recovery=0.5, cost=100.0, recruitment=0.0,
           waiting0=0.0, course_days=7, sessions_per_course=1.0, sessions_per_wte=12.0,
           wte0=1e12):
    """One footprint's arrays. With the defaults, planned courses per month = adults / 12 and
    a WTE can start one course a month (12 sessions a year, 1 per course)."""
    days = np.asarray(days, dtype=np.int64)
    n = len(days)
    series = np.zeros((k.N_SERIES, n))
    for row, value in [(k.S_ADULTS, adults if adults is not None else 12.0), (k.S_ACCESS, access),
                       (k.S_PREVALENCE, prevalence), (k.S_REFERRALS, referrals),
                       (k.S_ENTRY, entry), (k.S_COMPLETION, completion),
                       (k.S_CASENESS, caseness), (k.S_RECOVERY, recovery),
                       (k.S_COST_PER_COURSE, cost), (k.S_RECRUITMENT, recruitment)]:
        series[row] = value
    scalars = np.zeros(k.N_SCALARS)
    scalars[k.C_WAITING0] = waiting0
    scalars[k.C_COURSE_DAYS] = course_days
    scalars[k.C_SESSIONS_PER_COURSE] = sessions_per_course
    scalars[k.C_SESSIONS_PER_WTE] = sessions_per_wte
    scalars[k.C_WTE0] = wte0
    return days, series, scalars


def simulate(footprint, days, series, scalars):
    out = np.zeros((k.N_OUTPUTS, len(days)))
    footprint(days, series, scalars, out)
    return out


@KERNELS
def test_start_list_only_waits(footprint):
    """3,000 people are waiting at the start and nobody new is referred. With no inflow the start
    list is one cohort that joined on day -1, so a person seen on day t waited t + 1 days.
    Capacity is 10 a day (planned = adults / 12 = 10 × days in the month).

    April (days 0–29): 300 enter, waits 1–30 days, all within 6 weeks.
    May (days 30–60): 310 enter, waits 31–61; within 42 days are days 30–41, 12 days = 120.
    All 610 waited at most 126 days (18 weeks). 3,000 − 610 = 2,390 still wait.
    """
    days = [30, 31]
    out = simulate(footprint, *inputs(days, adults=np.array([3600.0, 3720.0]), waiting0=3000.0))
    assert out[k.O_ENTERED] == pytest.approx([300, 310])
    assert out[k.O_WITHIN_6] == pytest.approx([300, 120])
    assert out[k.O_WITHIN_18] == pytest.approx([300, 310])
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
    assert out[k.O_WITHIN_6] == pytest.approx([300, 310, 240])
    assert out[k.O_WITHIN_18] == pytest.approx([300, 310, 300])
    assert out[k.O_WAITING] == pytest.approx([300, 610, 910])
    # share within 6 weeks over the quarter: 850 / 910
    assert out[k.O_WITHIN_6].sum() / out[k.O_ENTERED].sum() == pytest.approx(850 / 910)


@KERNELS
def test_finishing_follows_entry_after_the_course(footprint):
    """10 a day enter in April and May, 20 a day from June; a course lasts 14 days and 80%
    finish. Before the start entries ran at April's rate, so April and May finish 10 a day.
    June (days 61–90) finishes the entries of days 47–76: 14 days at 10 and 16 days at 20,
    = 140 + 320 = 460, × 0.8 = 368. July: 31 days × 20 × 0.8 = 496.
    Recovered = finished × caseness 0.9 × recovery 0.5.
    """
    days = [30, 31, 30, 31]
    per_day = np.array([10.0, 10.0, 20.0, 20.0])
    out = simulate(footprint, *inputs(days, adults=1e9, referrals=per_day * days,
                                      course_days=14, completion=0.8, caseness=0.9))
    assert out[k.O_ENTERED] == pytest.approx(per_day * days)
    assert out[k.O_FINISHED] == pytest.approx([240, 248, 368, 496])
    assert out[k.O_FINISHED_CASENESS] == pytest.approx(np.array([240, 248, 368, 496]) * 0.9)
    assert out[k.O_RECOVERED] == pytest.approx(np.array([240, 248, 368, 496]) * 0.45)


@KERNELS
def test_cost_in_steady_state_is_courses_times_unit_cost(footprint):
    """In a steady state (10 a day entering, 28-day courses) 280 courses are on the go every
    day, each costing £877 / 28 a day: £877 × 10 a day = £8,770 a day, £263,100 in April."""
    out = simulate(footprint, *inputs([30, 31], adults=1e9, referrals=np.array([300.0, 310.0]),
                                      course_days=28, cost=877.0))
    assert out[k.O_COST] == pytest.approx([263_100, 271_870])


@KERNELS
def test_recruitment_limits_staff_and_capacity(footprint):
    """The plan needs 200 WTE from the start; 100 are in post and at most 5 can be added a
    month. WTE in post: 100, 105, 110, 115. Each WTE starts one course a month, so entered =
    WTE while people wait (a long list)."""
    days = [30, 31, 30, 31]
    out = simulate(footprint, *inputs(days, adults=12 * 200.0, wte0=100.0, recruitment=5.0,
                                      waiting0=1e6))
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


def test_project_runs_every_draw_and_footprint_like_one():
    days, series, scalars = inputs([30, 31, 30], adults=np.array([1200.0, 1300.0, 1400.0]),
                                   referrals=150.0, waiting0=50.0)
    grid_s = np.stack([np.stack([series, series * 1.1]), np.stack([series * 0.9, series])])
    grid_c = np.broadcast_to(scalars, (2, 2, k.N_SCALARS)).copy()
    for project in (k.project, k.project.py_func):
        out = project(days, grid_s, grid_c)
        assert out.shape == (2, 2, k.N_OUTPUTS, 3)
        for d in range(2):
            for f in range(2):
                alone = simulate(k.iapt_footprint, days, grid_s[d, f], grid_c[d, f])
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
        recovery=arr(0, 1), cost=arr(0, 2000), recruitment=arr(0, 50),
        waiting0=draw(st.floats(0, 1e5)), course_days=draw(st.integers(1, 200)),
        sessions_per_course=draw(st.floats(0.5, 20)), sessions_per_wte=draw(st.floats(100, 2000)),
        wte0=draw(st.floats(0, 1000)),
    )


@settings(max_examples=200, deadline=None)
@given(random_case())
def test_people_are_conserved_and_nothing_is_negative(case):
    """Joined the list = entered treatment + change in the list; referrals = joined + left."""
    days, series, scalars = case
    out = simulate(k.iapt_footprint, days, series, scalars)
    joined, entered = out[k.O_JOINED].sum(), out[k.O_ENTERED].sum()
    change = out[k.O_WAITING, -1] - scalars[k.C_WAITING0]
    scale = max(1.0, joined, entered, scalars[k.C_WAITING0])
    assert abs(joined - (entered + change)) <= 1e-9 * scale
    np.testing.assert_allclose(out[k.O_REFERRALS], out[k.O_JOINED] + out[k.O_LEFT],
                               rtol=1e-12, atol=1e-9)
    assert (out >= -1e-9 * scale).all()
    assert (out[k.O_WITHIN_6] <= out[k.O_WITHIN_18] + 1e-9 * scale).all()
    assert (out[k.O_WITHIN_18] <= out[k.O_ENTERED] + 1e-9 * scale).all()
    assert (out[k.O_ENTERED] <= out[k.O_CAPACITY] + 1e-9 * scale).all()
    assert (out[k.O_CAPACITY] <= out[k.O_PLANNED] + 1e-9 * scale).all()


def test_conservation_holds_in_plain_python_too():
    days, series, scalars = inputs([30, 31, 30, 31], adults=np.array([900.0, 1500.0, 600, 2000]),
                                   referrals=np.array([80.0, 200.0, 10.0, 90.0]), entry=0.7,
                                   waiting0=123.0, course_days=30)
    out = simulate(k.iapt_footprint.py_func, days, series, scalars)
    assert out[k.O_JOINED].sum() == pytest.approx(
        out[k.O_ENTERED].sum() + out[k.O_WAITING, -1] - 123.0)
