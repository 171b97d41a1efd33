"""CYP's national standards, year by year, as shares of England's need on the model's basis."""

from __future__ import annotations

from .section import MHCYP_2017

# ---------------------------------------------------------------------------------------------
# Standards (docs/services/cyp.md, "Standards")

# England's need on the model's basis: 12.8% × England's 0-17 year olds, ONS mid-2021
# (11,762,878; stpmodel/data/cyp_population.csv) = 1,505,648.
ENGLAND_UNDER_18 = 11_762_878
ENGLAND_NEED = round(MHCYP_2017 * ENGLAND_UNDER_18)
# A standard is judged only where it can be read on the model's own need: as a published number
# of people ÷ England's need. 2021/22: NHS England's indicative LTP trajectory, 685,439 summed
# over the 42 ICBs, is 45.52% of England's need. The 34% (2019/20) and 35% (2020/21) were
# percentages of NHS England's older, unpublished prevalence denominator, and the Long Term
# Plan's 345,000 more by 2023/24 (aged 0-25, school teams included) has no baseline count on
# this basis in the bundled data: those years are not judged (docs/services/cyp.md).
LTP_2021_22 = 685_439
ACCESS = ((2021, round(LTP_2021_22 / ENGLAND_NEED, 4)), (2022, None))
# What `stpmodel new` plans for (a plan, not a standard judged): the national ambitions read on
# the model's need: 35% by 2020/21 (FYFVMH), the 2021/22 trajectory, and 35% + the Long Term
# Plan's 345,000 more by 2023/24 (a mixed basis, which is why it is not judged).
LTP_MORE = 345_000
PLAN = (("2020-04", 0.35), ("2021-04", ACCESS[0][1]),
        ("2023-04", round(0.35 + LTP_MORE / ENGLAND_NEED, 4)))
ED_FROM = 2020  # "by March 2021", then maintained (the Long Term Plan)
