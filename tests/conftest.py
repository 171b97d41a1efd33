"""Shared test helpers. Tests run from the repository root (pytest's rootdir)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"

# Pin rich's width and colours so that rendered output is the same on every machine.
os.environ.setdefault("COLUMNS", "100")
os.environ["NO_COLOR"] = "1"
os.environ["TERM"] = "dumb"
# The one-line "compiling, once" notice depends on numba's cache, not on the test: leave it out
# (tests/test_terminal.py checks it on its own).
os.environ["STPMODEL_COMPILE_NOTICE"] = "0"

MINIMAL = """\
name: minimal
footprint: {code: E54000017, name: Birmingham and Solihull}
start: 2019-04
end: 2020-03
population:
  adults: 1000000
  growth: 0
iapt:
  prevalence: 0.17
  access: 0.25
  referrals: 100000
  waiting_list: 0
  course_weeks: 7
  workforce: {wte: 1000, sessions_per_wte: 1000, recruitment: 0}
"""


@pytest.fixture
def minimal_yaml() -> str:
    return MINIMAL
