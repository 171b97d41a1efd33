"""Probability distributions for uncertain scenario values, sampled by inverse CDF.

A scenario may give any numeric value as a distribution instead of a number::

    recovery_rate: {pert: [0.45, 0.52, 0.56]}
    los_days: {2019-04: {normal: [38, 4]}, 2022-04: 32}

Each is turned into values by its inverse CDF (its quantile function) applied to uniform random
numbers, u → ``ppf(u)``. So the k-th draw of a parameter depends only on the k-th number of its
own stream, a median is ``ppf(0.5)``, and p10/p90 for the tornado are exact. Normal and lognormal
distributions are truncated to the field's valid range (a fraction stays within 0–1).

``scipy.special`` is imported only when a distribution that needs it (beta, PERT, normal,
lognormal) is sampled; uniform and triangular ones do without.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

# kind → the parameters it takes, in order
KINDS: dict[str, tuple[str, ...]] = {
    "triangular": ("low", "mode", "high"),
    "pert": ("low", "mode", "high"),
    "uniform": ("low", "high"),
    "normal": ("mean", "sd"),
    "lognormal": ("mean", "sd"),
    "beta": ("alpha", "beta"),
}


# Bounds that keep every legal distribution finite when sampled (lognormal [30, 1e200] overflowed
# in run): a lognormal's sd at most MAX_CV × its mean (a CV of 100 is a log-sd of 3.0, far wider
# than any planning estimate), and every parameter at most MAX_PARAM in size, so that no product
# the sampler forms (a triangular's (high − low) × (mode − low)) can overflow.
MAX_CV = 100.0
MAX_PARAM = 1e15


class DistributionError(ValueError):
    """A distribution that cannot be built; ``hint`` says how to mend it."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Dist:
    """A distribution, truncated to [lo, hi] where the field's range demands it."""

    kind: str
    params: tuple[float, ...]
    lo: float | None = None
    hi: float | None = None
    integer: bool = False

    def describe(self) -> str:
        return "{" + f"{self.kind}: [" + ", ".join(f"{p:g}" for p in self.params) + "]}"

    # --- moments, in closed form, untruncated (for tests and docs) --------------------------
    @property
    def mean(self) -> float:
        p = self.params
        if self.kind == "triangular":
            return sum(p) / 3
        if self.kind == "pert":
            return (p[0] + 4 * p[1] + p[2]) / 6
        if self.kind == "uniform":
            return (p[0] + p[1]) / 2
        if self.kind == "beta":
            return p[0] / (p[0] + p[1])
        return p[0]  # normal and lognormal are parametrised by their mean

    @property
    def variance(self) -> float:
        p = self.params
        if self.kind == "triangular":
            a, c, b = p
            return (a * a + b * b + c * c - a * b - a * c - b * c) / 18
        if self.kind == "pert":
            mean = self.mean
            return (mean - p[0]) * (p[2] - mean) / 7
        if self.kind == "uniform":
            return (p[1] - p[0]) ** 2 / 12
        if self.kind == "beta":
            a, b = p
            return a * b / ((a + b) ** 2 * (a + b + 1))
        return p[1] ** 2

    # --- quantiles ---------------------------------------------------------------------------
    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Values at cumulative probabilities ``u`` in (0, 1)."""
        u = np.asarray(u, dtype=np.float64)
        p = self.params
        if self.kind == "uniform":
            x = p[0] + u * (p[1] - p[0])
        elif self.kind == "triangular":
            a, c, b = p
            split = (c - a) / (b - a)
            x = np.where(u < split, a + np.sqrt(u * (b - a) * (c - a)),
                         b - np.sqrt((1 - u) * (b - a) * (b - c)))
        elif self.kind == "beta":
            from scipy.special import betaincinv

            x = betaincinv(p[0], p[1], u)
        elif self.kind == "pert":
            from scipy.special import betaincinv

            low, mode, high = p
            alpha = 1 + 4 * (mode - low) / (high - low)
            beta = 1 + 4 * (high - mode) / (high - low)
            x = low + (high - low) * betaincinv(alpha, beta, u)
        else:  # normal or lognormal, truncated to [lo, hi] by squeezing u into the CDF's range
            from scipy.special import ndtr, ndtri

            if self.kind == "normal":
                mu, sigma = p
                lo, hi = self.lo, self.hi
            else:
                mean, sd = p
                sigma = math.sqrt(math.log1p((sd / mean) ** 2))
                mu = math.log(mean) - sigma * sigma / 2
                lo = math.log(self.lo) if self.lo is not None and self.lo > 0 else None
                hi = math.log(self.hi) if self.hi is not None else None
            f_lo = ndtr((lo - mu) / sigma) if lo is not None else 0.0
            f_hi = ndtr((hi - mu) / sigma) if hi is not None else 1.0
            z = mu + sigma * ndtri(f_lo + u * (f_hi - f_lo))
            x = z if self.kind == "normal" else np.exp(z)
        if self.lo is not None or self.hi is not None:
            x = np.clip(x, self.lo, self.hi)  # rounding at the very edge only
        return np.round(x) if self.integer else x

    def median(self) -> float:
        return float(self.ppf(np.array([0.5]))[0])


def parse(value: dict[Any, Any], lo: float | None, hi: float | None, integer: bool,
          fits: Any, want: str) -> Dist:
    """Build a distribution from ``{kind: [params]}``, checking its parameters and that its
    values can only fall within [lo, hi]. ``fits(x)`` tells whether a number is valid; ``want``
    describes the valid range for the message."""
    if len(value) != 1:
        raise DistributionError("a distribution is one key, such as {triangular: [low, mode, "
                                f"high]}}; got {len(value)} keys")
    kind, raw = next(iter(value.items()))
    kind = str(kind)
    if kind not in KINDS:
        close = difflib.get_close_matches(kind, KINDS, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"use one of: {', '.join(KINDS)}"
        raise DistributionError(f"unknown distribution '{kind}'", hint)
    names = KINDS[kind]
    usage = f"write {{{kind}: [{', '.join(names)}]}}"
    if not isinstance(raw, list) or len(raw) != len(names):
        raise DistributionError(f"{kind} takes {len(names)} numbers: {', '.join(names)}", usage)
    try:
        params = tuple(float(x) for x in raw if not isinstance(x, bool))
    except (TypeError, ValueError):
        params = ()
    if len(params) != len(names) or not all(math.isfinite(x) for x in params):
        raise DistributionError(f"{kind} takes {len(names)} numbers: {', '.join(names)}", usage)

    ends: tuple[float, ...]
    if kind in ("triangular", "pert"):
        low, mode, high = params
        if not low <= mode <= high or low == high:
            raise DistributionError(f"{kind} needs low ≤ mode ≤ high with low < high, got "
                                    f"{_list(params)}", usage)
        ends = (low, high)
    elif kind == "uniform":
        if not params[0] < params[1]:
            raise DistributionError(f"uniform needs low < high, got {_list(params)}", usage)
        ends = params
    elif kind == "beta":
        if not (params[0] > 0 and params[1] > 0):
            raise DistributionError(f"beta needs alpha > 0 and beta > 0, got {_list(params)}",
                                    usage)
        ends = (0.0, 1.0)
    else:
        mean, sd = params
        if sd <= 0:
            raise DistributionError(f"{kind} needs a standard deviation above 0, got {sd:g}",
                                    usage)
        if kind == "lognormal" and mean <= 0:
            raise DistributionError(f"lognormal needs a mean above 0, got {mean:g}", usage)
        if kind == "lognormal" and sd > MAX_CV * mean:
            raise DistributionError(
                f"lognormal {_list(params)} is too wide to sample: its sd may be at most "
                f"{MAX_CV:g} × its mean ({MAX_CV * mean:g})",
                f"write {{lognormal: [{mean:g}, sd]}} with sd at most {MAX_CV * mean:g}")
        ends = (mean,)
    for end in ends:
        if not fits(end):
            raise DistributionError(f"{kind} {_list(params)} reaches {end:g}; {want}",
                                    _percent_hint(kind, params, fits))
    if any(abs(x) > MAX_PARAM for x in params):
        raise DistributionError(f"{kind} {_list(params)} is too large to sample: each number "
                                f"may be at most {MAX_PARAM:g} in size", usage)
    return Dist(kind, params, lo, hi, integer)


# Where a fraction is wanted, a number from 1 up to this is as likely a fraction a little over 1
# as a small percentage, so the hint offers the percentage only as a maybe (values uses it too).
PERCENT_SURELY_FROM = 2.0


def _percent_hint(kind: str, params: tuple[float, ...], fits: Any) -> str:
    """A hint for percentages written where fractions were meant: [20, 25, 30] → 0.2, ..."""
    scaled: tuple[float, ...]
    ends: tuple[float, ...]
    if kind in ("normal", "lognormal"):
        scaled = (params[0] / 100, params[1] / 100)
        ends = scaled[:1]
    else:
        scaled = tuple(p / 100 for p in params)
        ends = scaled
    if all(fits(e) for e in ends) and any(p > 1 for p in params):
        if max(abs(p) for p in params) < PERCENT_SURELY_FROM:
            return (f"fractions: 1 is all (100%); if these are percentages, write "
                    f"{{{kind}: {_list(scaled)}}}")
        return f"write {{{kind}: {_list(scaled)}}} (percentages as fractions)"
    return ""


def _list(params: tuple[float, ...]) -> str:
    return "[" + ", ".join(f"{p:g}" for p in params) + "]"
