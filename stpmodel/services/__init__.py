"""The service registry: every service, in dependency order.

A service is one module in this package (see :mod:`stpmodel.services.base` for what it
declares, and docs/contributing.md for how to add one). A service comes after every service it
reads (``Service.reads``): crisis cover lowers admissions for inpatient; every service's staff
feeds the workforce, and its costs and savings feed finance. ``model.run`` walks this list, and
the generic machinery (scenario, results, output, batch, docs) learns from it what sections,
rows, metrics and standards there are. Adding a service adds one line to :data:`SERVICES`.
"""

from __future__ import annotations

from dataclasses import replace

from ..metrics import Metric
from ..standards import Standard, applicable
from . import (
    acute,
    crisis,
    cyp,
    cyp_crisis,
    eip,
    finance,
    iapt,
    inpatient,
    liaison,
    perinatal,
    reach,
)
from .base import Layout, Service

SERVICES: tuple[Service, ...] = (
    iapt.SERVICE,
    liaison.SERVICE,
    acute.SERVICE,
    crisis.SERVICE,
    inpatient.SERVICE,  # reads crisis
    perinatal.SERVICE,
    cyp.SERVICE,
    cyp_crisis.SERVICE,
    eip.SERVICE,
    reach.SERVICE,  # reads every service's people starting care
    finance.WORKFORCE,  # reads every service's staff
    finance.SERVICE,  # reads every service's costs and savings
)

BY_SERVICE: dict[str, Service] = {s.name: s for s in SERVICES}
SECTIONS: tuple[Service, ...] = tuple(s for s in SERVICES if s.section is not None)
LAYOUT = Layout(SERVICES)
N_ROWS = len(LAYOUT)


def check_order(services: tuple[Service, ...]) -> None:
    """Each service comes after those it reads, and a service that sums what others declare
    (reach, workforce, finance) after every service that declares it."""
    seen: set[str] = set()
    for i, service in enumerate(services):
        late = [name for name in service.reads if name not in seen]
        if service.after is not None:
            late += [s.name for s in services[i + 1 :] if service.after(s)]
        if late:
            raise AssertionError(f"service {service.name} reads {late}, listed after it")
        seen.add(service.name)


check_order(SERVICES)


def _resolve(metric: Metric, service: Service) -> Metric:
    """The metric with its service, its rows' indexes and, for a service without a section, the
    services it is reported with."""
    def index(name: str) -> int:
        return LAYOUT[service.row(name)] if name else -1

    any_of = metric.any_of
    if service.applies_with is not None and not any_of:
        any_of = tuple(s.name for s in SECTIONS if service.applies_with(s))
    return replace(metric, service=service.name, any_of=any_of, index=index(metric.row),
                   num=index(metric.numerator), den=index(metric.denominator))


METRICS: tuple[Metric, ...] = tuple(_resolve(m, s) for s in SERVICES for m in s.metrics)
BY_NAME: dict[str, Metric] = {m.name: m for m in METRICS}
STANDARDS: tuple[Standard, ...] = tuple(st for s in SERVICES for st in s.standards)
# What a board asks first: the default table shows these (those the scenario reports) and the
# standards; ``--all`` shows every metric.
SUMMARY: tuple[str, ...] = tuple(m.name for m in METRICS if m.summary)
# The key metrics of batch's summary.csv
KEY_METRICS: tuple[str, ...] = tuple(m.name for m in METRICS if m.key)
assert len(BY_NAME) == len(METRICS), "two services declare a metric of the same name"


def metrics_for(services: tuple[str, ...]) -> tuple[Metric, ...]:
    """The metrics a scenario with these services reports, in registry order."""
    return tuple(m for m in METRICS if m.reported_for(services))


def standards_for(metrics: tuple[Metric, ...]) -> tuple[Standard, ...]:
    """The standards whose metrics (and comparison metric) are reported."""
    return applicable(metrics, STANDARDS)


def present(sections: tuple[str, ...]) -> tuple[Service, ...]:
    """The services a scenario with these sections runs, in registry order: those sections'
    services, and the services without a section that apply with any of them."""
    return tuple(s for s in SERVICES
                 if s.name in sections or (s.applies_with is not None and any(
                     s.applies_with(BY_SERVICE[name]) for name in sections
                     if name in BY_SERVICE)))
