"""People accessing services: the cross-service count the national plans used ("one million
more people accessing services in 2021; two million more by 2023/24"), summed over every
service that declares rows of people starting care (``Service.reached``).

It names no service: it reads what the others declare. A person who uses two services counts
twice, as the national plans' count did.
"""

from __future__ import annotations

import numpy as np

from ..metrics import Metric
from .base import Context, Rows, Service


def derive(rows: Rows, inputs: None, ctx: Context) -> None:
    """People starting care each month, and above the start month's."""
    total = np.zeros((ctx.n_draws, ctx.timeline.n_months))
    for service in ctx.present:
        for row in service.reached:
            total = total + rows[service.row(row)]
    rows["people"] = total
    rows["above_start"] = total - total[:, :1]


SERVICE = Service(
    name="reach",
    title="people accessing services, summed over services",
    applies_with=lambda service: bool(service.reached),
    after=lambda service: bool(service.reached),
    rows=("people", "above_start"),  # [persons]
    derive=derive,
    metrics=(
        Metric("people_accessing", "persons", "flow",
               "people starting care, summed over services (one person in two services counts "
               "twice)", row="people"),
        Metric("people_accessing_above_start", "persons", "flow",
               "people starting care above the start month's number, summed over services: "
               "the national plans' 'more people accessing services'", row="above_start",
               summary=True),
    ),
)
