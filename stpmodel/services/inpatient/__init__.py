"""Adult acute mental health beds and out-of-area placements (OAPs).

Admissions and stays run through the bed kernel (:mod:`stpmodel.kernels.beds`), a stochastic
loss system: an admission that finds every local bed full is placed out of area. Crisis cover
(the ``crisis`` service, listed before this one) lowers admissions against the start month's.
With a ``finance:`` section the kernel runs a second time on the same random streams, holding
the start month's beds, stays and crisis cover, so that OAP savings are an effect, not noise.
Equations: docs/model.md.
"""

from __future__ import annotations

from ...metrics import Metric
from ...standards import LTP_END, Standard
from ..base import Cost, Service
from .run import KERNEL_ROWS, _simulate, _simulate_into, _stack, build, derive
from .section import Inpatient, check
from .template import icb_template, template
from .validation import reference as validation_reference

__all__ = ["SERVICE", "Inpatient"]

SERVICE = Service(
    name="inpatient",
    title="adult acute mental health beds and out-of-area placements",
    section=Inpatient,
    reads=("crisis",),  # crisis cover lowers admissions
    rows=KERNEL_ROWS + (
        "beds_open",  # local beds open [beds]
        "oap_cost",  # [£]
        "bed_days_needed",  # (local + out-of-area bed days) ÷ target occupancy [bed days]
        "days",  # days in the month: the same for every footprint [days]
        "oap_cost_held",  # OAP cost with the start month's beds, stays and crisis cover [£]
        "oap_savings",  # oap_cost_held − oap_cost [£]
        "admissions_expected",  # the admission rate the simulation draws from [admissions]
        "los_expected_days",  # expected admissions × planned mean stay [days]
        "crisis_avoided",  # admissions avoided against the start month's cover [admissions]
        "bed_cost",  # local beds open × days × cost of an open bed day [£]
        "bed_capital",  # beds opened above the month before × capital per bed [£]
        "beds_for_target_days",  # beds that hold the OAP target (inverse Erlang) × days [bed days]
    ),
    kernel_rows=len(KERNEL_ROWS),
    shared_rows=("days",),
    same_for_every_footprint=("los_distribution", "repatriate"),  # one kernel call for all
    savings=("oap_savings",),
    # opening beds costs and closing them releases it; a bed costs by the day it is open
    costs=(Cost("bed_cost", accrual="day"), Cost("bed_capital")),
    standalone=True,
    docs=(("validation.md", "inpatient-england", validation_reference),),
    check=check,
    features=lambda inpatient: ("oap_target",) if inpatient.oap_target_share is not None else (),
    inputs=build,
    stack=_stack,
    simulate=_simulate,
    simulate_into=_simulate_into,
    derive=derive,
    template=template,
    icb_template=icb_template,
    metrics=(
        Metric("mh_admissions", "admissions", "flow", "adult acute mental health admissions",
               row="admissions", summary=True),
        Metric("mh_occupied_bed_days", "bed days", "flow", "local bed days occupied",
               row="local_bed_days"),
        Metric("mh_beds", "beds", "stock", "local beds open", row="beds_open"),
        Metric("mh_occupancy", "fraction", "rate", "local bed days occupied ÷ bed days open",
               numerator="local_bed_days", denominator="bed_days_open"),
        Metric("mh_mean_los", "days", "rate", "mean length of stay of the period's admissions",
               numerator="los_days", denominator="admissions", key=True),
        Metric("mh_planned_los", "days", "rate",
               "mean length of stay planned (the trajectory, weighted by expected admissions); "
               "the simulated mh_mean_los scatters around it", numerator="los_expected_days",
               denominator="admissions_expected"),
        Metric("oap_admissions", "admissions", "flow",
               "admissions that found every local bed full and were placed out of area",
               row="oap_admissions"),
        Metric("oap_bed_days", "bed days", "flow", "bed days spent out of area",
               row="oap_bed_days", summary=True, key=True),
        Metric("oap_cost", "£", "flow", "out-of-area bed days × cost per day", row="oap_cost",
               summary=True, key=True),
        Metric("beds_needed", "beds", "rate",
               "beds to hold local and out-of-area bed days at the target occupancy",
               numerator="bed_days_needed", denominator="days", key=True),
        Metric("mh_bed_cost", "£", "flow",
               "local beds open × days × cost of an open bed day (2024/25 prices)",
               row="bed_cost"),
        Metric("mh_bed_capital", "£", "flow",
               "beds opened × capital cost per new bed (2024/25 prices)", row="bed_capital"),
        Metric("beds_for_oap_target", "beds", "rate",
               "beds the Erlang loss formula says keep out-of-area placements to the target "
               "share of admissions (mean over the period)", numerator="beds_for_target_days",
               denominator="days", requires=("oap_target",)),
        # the effect of crisis cover is applied here, to admissions, so it is reported here
        Metric("crisis_admissions_avoided", "admissions", "flow",
               "expected admissions avoided by crisis cover beyond the start month's",
               row="crisis_avoided", requires=("crisis",), summary=True, key=True),
        Metric("oap_savings", "£", "flow",
               "OAP cost had beds, stays and crisis cover stayed as at the start, less the "
               "plan's", row="oap_savings", requires=("finance",)),
    ),
    standards=(
        Standard("oaps_ended", "oap_bed_days", "<=", ((2021, 0.0), (LTP_END, None)),
                 "no out-of-area placements from 2021/22",
                 "Five Year Forward View for Mental Health (2016): eliminate inappropriate OAPs "
                 "by 2020/21; maintained by the NHS Long Term Plan to 2023/24"),
        Standard("los_32_days", "mh_planned_los", "<=", ((2023, 32.0), (LTP_END, None)),
                 "adult acute mean length of stay of 32 days or less from 2023/24 (as planned: "
                 "the simulated mean scatters around it)",
                 "NHS Long Term Plan, mental health deliverables for 2023/24"),
    ),
)
