"""The rows of a projection's monthly array, ``out[draw, footprint, row, month]``.

The IAPT kernel's outputs come first, then the bed kernel's, then rows the orchestrator derives
from inputs and kernel outputs with plain arithmetic (costs, crisis teams, bed need).
"""

from __future__ import annotations

from . import beds as b
from . import kernel as k

BEDS = k.N_OUTPUTS  # first bed-kernel row: out[..., BEDS + b.B_*, :]
DERIVED = BEDS + b.N_BED_OUTPUTS

R_BEDS_OPEN = DERIVED + 0  # local beds open [beds]
R_OAP_COST = DERIVED + 1  # [£]
R_BED_DAYS_NEEDED = DERIVED + 2  # local + out-of-area bed days [bed days]
R_BED_DAYS_AT_TARGET = DERIVED + 3  # days × target occupancy [bed days per bed]
R_CRISIS_AVOIDED = DERIVED + 4  # admissions avoided against the start month's cover
R_CRISIS_WTE = DERIVED + 5  # [WTE]
R_CRISIS_COST = DERIVED + 6  # [£]
N_ROWS = DERIVED + 7


def bed(row: int) -> int:
    return BEDS + row
