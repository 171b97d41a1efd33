"""The rows of a projection's monthly array, ``out[draw, footprint, row, month]``.

The IAPT kernel's outputs come first, then the bed kernel's, then rows the orchestrator derives
from inputs and kernel outputs with plain arithmetic (costs, crisis teams, liaison, acute
integration, finance and workforce). Every row is per month; units in brackets.
"""

from __future__ import annotations

from . import beds as b
from . import kernel as k

BEDS = k.N_OUTPUTS  # first bed-kernel row: out[..., BEDS + b.B_*, :]
DERIVED = BEDS + b.N_BED_OUTPUTS

_next = iter(range(DERIVED, DERIVED + 1000)).__next__

# inpatient
R_BEDS_OPEN = _next()  # local beds open [beds]
R_OAP_COST = _next()  # [£]
R_BED_DAYS_NEEDED = _next()  # (local + out-of-area bed days) ÷ target occupancy [bed days]
R_DAYS = _next()  # days in the month: the same for every footprint [days]
R_OAP_COST_HELD = _next()  # OAP cost with the start month's beds, stays and crisis cover [£]
R_OAP_SAVINGS = _next()  # OAP_COST_HELD − OAP_COST [£]
R_ADMISSIONS_EXPECTED = _next()  # the admission rate the simulation draws from [admissions]
R_LOS_EXPECTED_DAYS = _next()  # expected admissions × planned mean stay [days]
# crisis
R_CRISIS_AVOIDED = _next()  # admissions avoided against the start month's cover [admissions]
R_CRISIS_WTE = _next()  # [WTE]
R_CRISIS_COST = _next()  # [£]
# liaison
R_LIAISON_HOSPITALS = _next()  # hospitals [hospitals]
R_LIAISON_CORE24 = _next()  # hospitals at CORE24 or above [hospitals]
R_LIAISON_CONSULTANT_WTE = _next()  # [WTE]
R_LIAISON_PROFESSIONAL_WTE = _next()  # [WTE]
R_LIAISON_WTE = _next()  # [WTE]
R_LIAISON_COST = _next()  # [£]
R_LIAISON_BED_DAYS_SAVED = _next()  # against the start month's levels [bed days]
R_LIAISON_SAVINGS = _next()  # [£]
# acute integration
R_ACUTE_AE_AVOIDED = _next()  # [attendances]
R_ACUTE_NEL_AVOIDED = _next()  # [admissions]
R_ACUTE_SAVINGS = _next()  # [£]
# workforce, summed over services
R_WTE_REQUIRED = _next()
R_WTE_AVAILABLE = _next()
R_WTE_GAP = _next()
# finance
R_INVESTMENT = _next()  # spend above the start month's, plus non-pay and one-off costs [£]
R_SAVINGS = _next()  # [£]
R_NET_COST = _next()  # INVESTMENT − SAVINGS [£]
R_NET_BENEFIT = _next()  # SAVINGS − INVESTMENT [£]
R_CUMULATIVE_NET_COST = _next()  # [£]
R_NPV = _next()  # cumulative discounted net benefit [£]
R_BUDGET = _next()  # [£]
R_MH_SPEND = _next()  # MHIS base spend / 12 + investment [£]
R_MHIS_MINIMUM = _next()  # base / 12 × cumulative allocation growth [£]
N_ROWS = _next()


# Rows that are the same for every footprint: a total over footprints takes one, not the sum.
SHARED_ROWS = (R_DAYS,)


def bed(row: int) -> int:
    return BEDS + row
