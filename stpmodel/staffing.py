"""Workforce for any service: a staff group with WTE in post, a recruitment limit, a leaver rate
and a training lag, and the delivery a shortfall allows.

A service that declares a ``workforce:`` key (a :class:`StaffGroup`, or one per group) gives the
plan's required WTE each month to :func:`in_post`, and scales what it delivers by
:func:`staffed` (as IAPT's staff limit its sessions). Without one, the service is taken as
staffed as planned, and says so. Equations: docs/model.md, "Workforce".
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from .sections import WTE, Section, spec
from .values import Quantity, number

MONTHS = Quantity("months", 0.0, 120.0, integer=True, uncertain=False)


class StaffGroup(Section):
    in_post: number(WTE) = spec(  # type: ignore[valid-type]
        "staff in post in the start month", "WTE")
    recruitment: number(Quantity("WTE/year", 0.0)) = spec(  # type: ignore[valid-type]
        "most staff who can start training or be recruited a year", "WTE/year")
    leaver_rate: number(Quantity("fraction/year", 0.0, 1.0, percent_hint=True)) = spec(  # type: ignore[valid-type]
        "share of staff in post who leave a year", "fraction/year")
    training_months: number(MONTHS) = spec(  # type: ignore[valid-type]
        "months from recruiting (or starting to train) a member of staff to their starting in "
        "post", "months")


def leaver_rate_spec() -> Any:
    """The optional ``leaver_rate`` key of a service's ``workforce`` whose recruitment is net
    of leavers without it (IAPT, EIP, CYP)."""
    return spec("share of staff in post who leave a year; without it, recruitment is net of "
                "leavers", "fraction/year", default=None)


def training_months_spec() -> Any:
    """The optional ``training_months`` key that goes with :func:`leaver_rate_spec`."""
    return spec("months from recruiting (or starting to train) a member of staff to their "
                "starting in post; without it, staff start in the month they are recruited",
                "months", default=None)


LEAVERS = Quantity("fraction/year", 0.0, 1.0, percent_hint=True)


def in_post(required: np.ndarray, start: np.ndarray, recruitment: np.ndarray,
            leaver_rate: np.ndarray, lag: int) -> np.ndarray:
    """Staff in post each month [WTE, draw × month] for a plan requiring ``required``
    [WTE, draw × month], from ``start`` [WTE, draw] in post in the first month; ``recruitment``
    [WTE/year] is per draw or per draw and month, ``leaver_rate`` [fraction/year] per draw.

    Each month m ≥ 1: in_post[m] = in_post[m − 1] × (1 − leaver_rate / 12) + hired[m − lag].
    Hiring in month k aims at the plan lag months on, less the staff it expects then:
    hired[k] = clip(required[k + lag] − in_post[k − 1] × (1 − leaver_rate / 12)^(lag + 1)
    − Σ hired[k − lag .. k − 1], 0, recruitment / 12) (required beyond the run: its last month's).
    """
    n_draws, n = required.shape
    keep = 1.0 - leaver_rate / 12.0
    hired = np.zeros((n_draws, n))
    out = np.empty((n_draws, n))
    out[:, 0] = start
    cap = np.broadcast_to((recruitment / 12.0).T, (n, n_draws)).T  # [draw, month]
    for k in range(1, n):
        target = required[:, min(k + lag, n - 1)]
        pipeline = hired[:, max(0, k - lag):k].sum(axis=1) if lag > 0 else 0.0
        expected = out[:, k - 1] * keep ** (lag + 1) + pipeline
        hired[:, k] = np.clip(target - expected, 0.0, cap[:, k])
        out[:, k] = out[:, k - 1] * keep + (hired[:, k - lag] if k - lag >= 1 else 0.0)
    return out


def staffed(required: np.ndarray, available: np.ndarray) -> np.ndarray:
    """The share of the plan's staff in post, at most 1 (1 where none are required)
    [fraction, draw × month]."""
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(required > 0, available / np.where(required > 0, required, 1.0), 1.0)
    return np.minimum(share, 1.0)


class Draws(Protocol):
    """What draws a value (a service's ``Context``)."""

    def value(self, path: str, value: Any) -> np.ndarray: ...


def group_in_post(group: StaffGroup, path: str, required: np.ndarray,
                  ctx: Draws) -> np.ndarray:
    """:func:`in_post` with the group's values drawn at ``path`` (such as crisis.workforce)."""
    return in_post(required, ctx.value(f"{path}.in_post", group.in_post),
                   ctx.value(f"{path}.recruitment", group.recruitment),
                   ctx.value(f"{path}.leaver_rate", group.leaver_rate),
                   int(group.training_months))  # type: ignore[arg-type]
