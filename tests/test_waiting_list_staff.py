"""Leavers and a training lag for the staff of the waiting-list services, IAPT and EIP (issue
13): the staff in post are worked out before the run by stpmodel.staffing.in_post, by hand here."""

from __future__ import annotations

import numpy as np
import pytest

from stpmodel.model import run
from stpmodel.results import tabulate
from stpmodel.scenario import parse_scenario

from .conftest import MINIMAL

# 17% of 1m adults need IAPT; 25% access is 42,500 people a year, 3,541.7 a month. A course
# entered takes 0.531 × 6.9 + 0.469 × 1 = 4.1329 sessions (the defaults), so the plan needs
# 42,500 × 4.1329 ÷ 1,000 = 175.65 WTE. 200 are in post, more than enough.
WORKFORCE = "  workforce: {wte: 1000, sessions_per_wte: 1000, recruitment: 0}\n"
SESSIONS = 0.531 * 6.9 + 0.469 * 1.0
REQUIRED = 0.17 * 1_000_000 * 0.25 * SESSIONS / 1000


def monthly(workforce: str) -> dict[str, np.ndarray]:
    text = MINIMAL.replace(WORKFORCE, workforce)
    frame = tabulate(run(parse_scenario(text)), "month")
    out = {}
    for metric in ("iapt_wte_available", "iapt_entered"):
        rows = frame.filter(frame["metric"] == metric).sort("period")
        out[metric] = rows["value"].to_numpy()
    return out


def test_leavers_with_no_recruitment_shrink_staff_month_by_month():
    """200 WTE, 12% leaving a year (1% a month), nobody recruited: 200 × 0.99^m in month m.
    Below the plan's 175.65 WTE the staff limit the people entering: capacity = WTE × 1,000
    sessions ÷ 12 ÷ 4.1329 a month."""
    got = monthly("  workforce: {wte: 200, sessions_per_wte: 1000, recruitment: 0, "
                  "leaver_rate: 0.12}\n")
    expected = 200 * 0.99 ** np.arange(12)
    assert got["iapt_wte_available"] == pytest.approx(expected, rel=1e-12)
    short = expected < REQUIRED  # from month 13 on 200 × 0.99^m < 175.65: m ≥ 13; not here
    assert not short.any()
    # a harsher rate: 60% a year (5% a month) falls below the plan in month 3 (200 × 0.95³ =
    # 171.5 < 175.65), and from then on the staff set how many enter
    got = monthly("  workforce: {wte: 200, sessions_per_wte: 1000, recruitment: 0, "
                  "leaver_rate: 0.6}\n")
    wte = 200 * 0.95 ** np.arange(12)
    assert got["iapt_wte_available"] == pytest.approx(wte, rel=1e-12)
    assert wte[3] < REQUIRED < wte[2]
    capacity = wte[3:] * 1000 / 12 / SESSIONS
    assert got["iapt_entered"][4:].sum() <= capacity[1:].sum() + 1e-6


def test_recruits_start_after_the_training_lag():
    """100 WTE, no leavers, up to 120 a year recruited (10 a month), 3 months' training: the
    first recruits, hired in month 1, start in month 4; from then on 10 more a month, until the
    plan's 175.65 is met (hiring aims at the plan three months ahead, so it stops in time)."""
    got = monthly("  workforce: {wte: 100, sessions_per_wte: 1000, recruitment: 120, "
                  "training_months: 3}\n")["iapt_wte_available"]
    assert got[:4] == pytest.approx([100, 100, 100, 100])
    assert got[4] == pytest.approx(110) and got[5] == pytest.approx(120)
    assert got[-1] == pytest.approx(REQUIRED)
    assert (np.diff(got) >= -1e-9).all() and got.max() == pytest.approx(REQUIRED)


def test_without_either_key_recruitment_is_net_growth_as_before():
    """Neither key: staff grow by at most recruitment ÷ 12 a month towards the plan, in the
    kernel, as they always have: 100 WTE and 120 a year reach 175.65 in month 8
    (100 + 10 × 7.565)."""
    got = monthly("  workforce: {wte: 100, sessions_per_wte: 1000, recruitment: 120}\n")
    wte = got["iapt_wte_available"]
    assert wte[:8] == pytest.approx([100 + 10 * m for m in range(8)])
    assert wte[8:] == pytest.approx([REQUIRED] * 4)
    # the same with a leaver rate of 0 and no lag: stpmodel.staffing's rule gives the same path
    same = monthly("  workforce: {wte: 100, sessions_per_wte: 1000, recruitment: 120, "
                   "leaver_rate: 0}\n")["iapt_wte_available"]
    assert same == pytest.approx(wte, rel=1e-12)


def test_eip_staff_leave_the_same_way():
    """EIP's care coordinators go through the same rule: 1,000 WTE (far above the plan), 24% a
    year leaving (2% a month), nobody recruited: 1,000 × 0.98^m."""
    from .test_eip import STEADY

    text = STEADY.replace("workforce: {wte: 1000, caseload: 12, recruitment: 0}",
                          "workforce: {wte: 1000, caseload: 12, recruitment: 0, "
                          "leaver_rate: 0.24}")
    frame = tabulate(run(parse_scenario(text)), "month")
    rows = frame.filter(frame["metric"] == "eip_wte_available").sort("period")
    got = rows["value"].to_numpy()
    assert got == pytest.approx(1000 * 0.98 ** np.arange(len(got)), rel=1e-12)
