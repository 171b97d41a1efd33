"""CYP's national standards, year by year, as shares of England's need on the model's basis."""

from __future__ import annotations

from .section import MHCYP_2017

# ---------------------------------------------------------------------------------------------
# Standards (docs/services/cyp.md, "Standards")

# England's need on the model's basis: 12.8% × England's 0-17 year olds, ONS mid-2021
# (11,762,878; stpmodel/data/cyp_population.csv) = 1,505,648.
ENGLAND_UNDER_18 = 11_762_878
ENGLAND_NEED = round(MHCYP_2017 * ENGLAND_UNDER_18)
# 2019/20: 34% (2019/20 planning guidance, RCPsych 2019 appendix 4); 2020/21: 35% (FYFVMH);
# 2021/22: NHS England's indicative LTP trajectory, 685,439 summed over the 42 ICBs, as a share
# of England's need; 2022/23: no number in the bundled sources, not judged; 2023/24: the Long
# Term Plan's 345,000 more (aged 0-25) on top of 2020/21's 35%, as a share of England's need.
LTP_2021_22 = 685_439
LTP_MORE = 345_000
ACCESS = ((2019, 0.34), (2020, 0.35), (2021, round(LTP_2021_22 / ENGLAND_NEED, 4)),
          (2022, None), (2023, round(0.35 + LTP_MORE / ENGLAND_NEED, 4)))
ED_FROM = 2020  # "by March 2021", then maintained (the Long Term Plan)
