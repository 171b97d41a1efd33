"""Acute physical-health integration: A&E attendances and non-elective admissions of people who
use mental health services, avoided against the start month, and their value.
Equations: docs/model.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..metrics import Metric
from ..sections import Section, spec
from ..values import FRACTION, Quantity, number, series
from .base import Context, Rows, Service

# National Cost Collection 2024/25 (tools/build_finance_reference.py → stpmodel/data/unit_costs.csv;
# tests/test_prices.py checks these equal the bundled table)
AE_COST = 280.17  # £/attendance, 2024/25 prices
NEL_COST = 2711.36  # £/admission, 2024/25 prices


class Acute(Section):
    ae_attendances: number(Quantity("attendances/year", 0.0)) = spec(  # type: ignore[valid-type]
        "A&E attendances a year at the footprint's acute hospitals, at the start",
        "attendances/year")
    nel_admissions: number(Quantity("admissions/year", 0.0)) = spec(  # type: ignore[valid-type]
        "non-elective admissions a year at the footprint's acute hospitals, at the start",
        "admissions/year")
    mh_share_ae: number(FRACTION) = spec(  # type: ignore[valid-type]
        "share of A&E attendances by people who use MH services", "fraction", default=0.172,
        source="RCPsych 2019, Figure 2: 17.2% of A&E attendances")
    mh_share_nel: number(FRACTION) = spec(  # type: ignore[valid-type]
        "share of non-elective admissions of people who use MH services", "fraction",
        default=0.237, source="RCPsych 2019, Figure 2: 23.7% of non-elective admissions")
    ae_avoided: series(FRACTION, "linear") = spec(  # type: ignore[valid-type]
        "share of MH service users' A&E attendances avoided by liaison, IAPT for long-term "
        "conditions and integrated care; counted relative to the start month",
        "fraction", interp="linear")
    nel_avoided: series(FRACTION, "linear") = spec(  # type: ignore[valid-type]
        "share of MH service users' non-elective admissions avoided; relative to the start "
        "month", "fraction", interp="linear")
    ae_cost: series(Quantity("£/attendance", 0.0), "step") = spec(  # type: ignore[valid-type]
        "cost of an A&E attendance", "£/attendance", default=AE_COST, interp="step",
        price_year="2024/25",
        source="NHS England, National Cost Collection 2024/25: the Emergency Care department, "
               "£6,603.9m over 23,570,779 attendances = £280.17 an attendance (2024/25 prices; "
               "stpmodel/data/unit_costs.csv)")
    nel_cost: series(Quantity("£/admission", 0.0), "step") = spec(  # type: ignore[valid-type]
        "cost of a non-elective admission", "£/admission", default=NEL_COST, interp="step",
        price_year="2024/25",
        source="NHS England, National Cost Collection 2024/25: non-elective long- and "
               "short-stay spells, £30,380.7m over 11,204,992 spells = £2,711.36 a spell "
               "(2024/25 prices; stpmodel/data/unit_costs.csv)")


@dataclass(frozen=True)
class AcuteInputs:
    ae: np.ndarray  # MH service users' A&E attendances avoided [attendances/month, draw × month]
    nel: np.ndarray  # ... non-elective admissions avoided [admissions/month]
    ae_cost: np.ndarray  # [£/attendance]
    nel_cost: np.ndarray  # [£/admission]


def build(acute: Acute, ctx: Context) -> AcuteInputs:
    """Activity avoided each month: activity a year ÷ 12 × population growth × MH users' share ×
    (share avoided − the start month's)."""
    growth = ctx.population_index

    def value(name: str) -> np.ndarray:
        return ctx.value(f"acute.{name}", getattr(acute, name))[:, None]

    ae_share = ctx.series("acute.ae_avoided", acute.ae_avoided)
    nel_share = ctx.series("acute.nel_avoided", acute.nel_avoided)
    ae = value("ae_attendances") / 12.0 * growth * value("mh_share_ae") * (
        ae_share - ae_share[:, :1])
    nel = value("nel_admissions") / 12.0 * growth * value("mh_share_nel") * (
        nel_share - nel_share[:, :1])
    return AcuteInputs(ae, nel, ctx.series("acute.ae_cost", acute.ae_cost),
                       ctx.series("acute.nel_cost", acute.nel_cost))


def derive(rows: Rows, inputs: AcuteInputs, ctx: Context) -> None:
    rows["ae_avoided"] = inputs.ae
    rows["nel_avoided"] = inputs.nel
    rows["savings"] = inputs.ae * inputs.ae_cost + inputs.nel * inputs.nel_cost


SERVICE = Service(
    name="acute",
    title="acute physical-health integration: A&E attendances and non-elective admissions "
          "avoided",
    section=Acute,
    rows=("ae_avoided", "nel_avoided", "savings"),  # [attendances], [admissions], [£]
    inputs=build,
    derive=derive,
    capacity=("savings",),  # attendances and admissions freed: capacity, not cash
    metrics=(
        Metric("acute_ae_avoided", "attendances", "flow",
               "A&E attendances of MH service users avoided", row="ae_avoided"),
        Metric("acute_nel_avoided", "admissions", "flow",
               "non-elective admissions of MH service users avoided", row="nel_avoided"),
        Metric("acute_savings", "£", "flow",
               "avoided attendances and admissions × unit costs: capacity released, not cash",
               row="savings"),
    ),
)
