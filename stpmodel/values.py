"""Value types for scenario fields: months, quantities with units and ranges, and trajectories.

Each numeric field of a scenario is declared with a :class:`Quantity` (its unit and valid range).
A field may also be a *trajectory*: either a single number, or a mapping of months to numbers,
``{2019-04: 0.19, 2021-03: 0.25}``. How a trajectory is read between its months is fixed per field:

- ``step``: the latest value on or before the month (as OpenFisca does);
- ``linear``: straight-line interpolation between the two nearest months.

Both are flat before the first month and after the last. Trajectories are resolved onto the monthly
grid in one place, :meth:`Trajectory.resolve`, before any model code sees them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import AfterValidator, BeforeValidator, Discriminator, Tag, WithJsonSchema
from pydantic_core import PydanticCustomError

from .distributions import KINDS, PERCENT_SURELY_FROM, Dist, DistributionError
from .distributions import parse as parse_dist

Interp = Literal["step", "linear"]
MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MONTH_PATTERN = MONTH_RE.pattern
DAY_RE = re.compile(r"^(\d{4}-\d{2})-\d{2}$")
SCALAR_TAG, DATED_TAG = "scalar", "dated"


def fail(message: str, hint: str = "", key: str = "") -> PydanticCustomError:
    """A validation error whose text is ours. ``key`` names a child of the failing value (used to
    point at one entry of a trajectory)."""
    return PydanticCustomError("stpmodel", "{message}", {"message": message, "hint": hint,
                                                         "key": key})


# ---------------------------------------------------------------------------------------------
# Months: an integer index, year * 12 + (month - 1), so that arithmetic on months is plain ints.


def month_index(year: int, month: int) -> int:
    return year * 12 + (month - 1)


def month_label(index: int) -> str:
    """``month_label(month_index(2019, 4)) == '2019-04'``."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def parse_month(value: Any) -> int:
    """Parse ``'2019-04'`` into a month index. Anything else is an error with a hint."""
    if isinstance(value, str):
        m = MONTH_RE.match(value.strip())
        if m:
            return month_index(int(m.group(1)), int(m.group(2)))
    shown = value.isoformat() if hasattr(value, "isoformat") else value
    hint = "write the year and month as YYYY-MM, for example 2019-04"
    if hasattr(value, "year") and hasattr(value, "month"):
        hint = f"write {value.year:04d}-{value.month:02d} (months, not days)"
    elif isinstance(value, str) and (day := DAY_RE.match(value.strip())) \
            and MONTH_RE.match(day.group(1)):  # a day that is not a date, such as 2020-02-30
        hint = f"write {day.group(1)} (months, not days)"
    raise fail(f"expected a month like 2019-04, got {shown!r}", hint)


MonthJson = WithJsonSchema({"type": "string", "pattern": MONTH_PATTERN,
                            "description": "a month, YYYY-MM"})
Month = Annotated[int, BeforeValidator(parse_month), MonthJson]


# ---------------------------------------------------------------------------------------------
# Quantities


# Money is bounded even where a field names no upper limit, so that every sum of money a run
# makes is finite (a cost of 1e308 a bed day wrote inf): £10m for a unit cost (a bed day, a
# session, an attendance, an admission, a WTE's year; the dearest of these, a consultant's year,
# is about £150,000) and £1 trillion for a sum a year or once (over six times NHS England's whole
# budget, about £160bn in 2023/24).
MONEY_LIMITS = {"£/year": 1e12, "£": 1e12}
MONEY_PER_UNIT_LIMIT = 1e7


@dataclass(frozen=True)
class Quantity:
    """A unit and a valid range for a number. ``lo``/``hi`` are inclusive; None is unbounded,
    except for money (a unit starting with £), which is bounded by :data:`MONEY_LIMITS`."""

    unit: str
    lo: float | None = 0.0
    hi: float | None = None
    integer: bool = False
    percent_hint: bool = False  # a fraction written as a percentage (25 for 0.25) gets a hint
    above_lo: bool = False  # lo itself is not allowed (strictly positive)
    uncertain: bool = True  # may be given as a distribution (see stpmodel.distributions)

    def __post_init__(self) -> None:
        if self.hi is None and self.unit.startswith("£"):
            object.__setattr__(self, "hi", MONEY_LIMITS.get(self.unit, MONEY_PER_UNIT_LIMIT))

    def describe_range(self) -> str:
        lo = _fmt(self.lo) if self.lo is not None else None
        hi = _fmt(self.hi) if self.hi is not None else None
        kind = "a whole number" if self.integer else ("a fraction" if self.percent_hint
                                                      else "a number")
        if lo is not None and hi is not None:
            return f"{kind} between {lo} and {hi}"
        if lo is not None:
            return f"{kind} greater than {lo}" if self.above_lo else f"{kind} of at least {lo}"
        if hi is not None:
            return f"{kind} of at most {hi}"
        return kind

    def check(self, value: Any) -> float | Dist:
        """Validate one number, or a distribution where the field allows one; raise a message
        that names the range and the unit."""
        want = f"expected {self.describe_range()} [{self.unit}]"
        if isinstance(value, dict) and self.uncertain:
            try:
                return parse_dist(value, self.lo, self.hi, self.integer, self._valid, want)
            except DistributionError as exc:
                raise fail(str(exc), exc.hint) from None
        if isinstance(value, dict):
            raise fail(f"{want}, got a mapping", "this value cannot be given as a distribution")
        if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
            got = "nothing" if value is None else repr(value)
            raise fail(f"{want}, got {got}")
        if isinstance(value, str):
            text = value.strip().replace(",", "").replace("_", "")
            if text.endswith("%"):
                try:
                    pct = float(text[:-1])
                except ValueError:
                    pct = None
                if pct is not None:
                    raise fail(f"{want}, got {value!r}", f"write {_fmt(pct / 100)} ({_fmt(pct)}%)")
            try:
                value = float(text)
            except ValueError:
                raise fail(f"{want}, got {value!r}") from None
        try:
            number = float(value)
        except OverflowError:  # a whole number too long for a float
            raise fail(f"{want}, got a {len(str(value))}-digit number") from None
        if not math.isfinite(number):
            raise fail(f"{want}, got {value!r}")
        too_low = self.lo is not None and (number <= self.lo if self.above_lo else number < self.lo)
        too_high = self.hi is not None and number > self.hi
        if too_low or too_high:
            hint = ""
            if self.percent_hint and too_high and self._fits(number / 100):
                hint = f"write {_fmt(number / 100)} ({_fmt(number)}%)"
                if number < PERCENT_SURELY_FROM:
                    hint = (f"a fraction: 1 is all (100%); if you meant {_fmt(number)}%, write "
                            f"{_fmt(number / 100)}")
            raise fail(f"{want}, got {_fmt(number)}", hint)
        if self.integer and number != int(number):
            raise fail(f"{want}, got {_fmt(number)}")
        return number

    def _valid(self, number: float) -> bool:
        too_low = self.lo is not None and (number <= self.lo if self.above_lo else number < self.lo)
        return not too_low and (self.hi is None or number <= self.hi)

    def _fits(self, number: float) -> bool:
        return (self.lo is None or number >= self.lo) and (self.hi is None or number <= self.hi)

    def json_schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "integer" if self.integer else "number"}
        if self.lo is not None:
            out["exclusiveMinimum" if self.above_lo else "minimum"] = self.lo
        if self.hi is not None:
            out["maximum"] = self.hi
        if not self.uncertain:
            return out
        return {"oneOf": [out, {
            "type": "object", "minProperties": 1, "maxProperties": 1,
            "additionalProperties": False,
            "properties": {kind: {"type": "array", "items": {"type": "number"},
                                  "minItems": len(names), "maxItems": len(names),
                                  "description": ", ".join(names)}
                           for kind, names in KINDS.items()},
        }]}


def _fmt(x: float) -> str:
    return f"{x:,.10g}".replace(",", "") if x is not None else ""


FRACTION = Quantity("fraction", 0.0, 1.0, percent_hint=True)


def number(q: Quantity) -> Any:
    """A number checked against ``q``: a float, or a :class:`Dist` where ``q.uncertain``."""
    kind = float if not q.uncertain else float | Dist
    return Annotated[kind, BeforeValidator(q.check), WithJsonSchema(q.json_schema())]


# ---------------------------------------------------------------------------------------------
# Trajectories


@dataclass(frozen=True)
class Trajectory:
    """A value that may change over time. ``months`` are month indexes in ascending order
    (empty for a constant). A value may be a :class:`Dist`, sampled per draw by the sampler."""

    months: tuple[int, ...]
    values: tuple[float | Dist, ...]
    interp: Interp

    @classmethod
    def constant(cls, value: float | Dist, interp: Interp = "step") -> Trajectory:
        return cls((), (value if isinstance(value, Dist) else float(value),), interp)

    @property
    def is_constant(self) -> bool:
        return len(set(self.values)) == 1

    @property
    def uncertain(self) -> bool:
        return any(isinstance(v, Dist) for v in self.values)

    def weights(self, months: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """How each month reads the points: value = p[i0] × (1 − w) + p[i1] × w."""
        months = np.asarray(months, dtype=np.int64)
        n = len(self.values)
        if not self.months or n == 1:
            zero = np.zeros(months.shape, dtype=np.int64)
            return zero, zero, np.zeros(months.shape)
        xs = np.asarray(self.months, dtype=np.float64)
        if self.interp == "linear":
            i1 = np.clip(np.searchsorted(xs, months, side="right"), 1, n - 1)
            i0 = i1 - 1
            w = np.clip((months - xs[i0]) / (xs[i1] - xs[i0]), 0.0, 1.0)
            return i0, i1, w
        # step: latest on or before; before the first month, the first value
        i0 = np.clip(np.searchsorted(xs, months, side="right") - 1, 0, n - 1)
        return i0, i0, np.zeros(months.shape)

    def resolve_points(self, points: np.ndarray, months: np.ndarray) -> np.ndarray:
        """Interpolate point values ``points[..., point]`` onto ``months``: [..., month]."""
        i0, i1, w = self.weights(months)
        return points[..., i0] * (1.0 - w) + points[..., i1] * w

    def resolve(self, months: np.ndarray) -> np.ndarray:
        """Central values on the month indexes ``months`` [float64, same shape]; an uncertain
        point takes its median."""
        central = np.array([v.median() if isinstance(v, Dist) else v for v in self.values])
        return self.resolve_points(central, months)

    def at(self, month: int) -> float | Dist:
        """The point value read at ``month``: a point itself where the month reads one point
        (a step, a month on a point, before the first or after the last), else the straight
        line between two numbers. Between two points of which one is a distribution there is
        no single value: ValueError."""
        i0, i1, w = self.weights(np.array([month]))
        a, b, weight = self.values[int(i0[0])], self.values[int(i1[0])], float(w[0])
        if weight == 0.0 or a == b:
            return a
        if weight == 1.0:
            return b
        if isinstance(a, Dist) or isinstance(b, Dist):
            raise ValueError(f"{month_label(month)} falls between two points of a linear "
                             "trajectory, one of them uncertain")
        return a * (1.0 - weight) + b * weight

    def splice(self, later: Trajectory, start: int) -> Trajectory:
        """This trajectory up to the month before ``start``, then ``later`` from ``start`` on,
        read as this one is (step or linear): month by month, every month before ``start``
        reads as this one did and every month from ``start`` as ``later`` does."""
        before = [(m, v) for m, v in zip(self.months, self.values) if m < start - 1]
        after = [(m, v) for m, v in zip(later.months, later.values) if m > start]
        points = [*before, (start - 1, self.at(start - 1)), (start, later.at(start)), *after]
        return Trajectory(tuple(m for m, _ in points), tuple(v for _, v in points), self.interp)

    def describe(self) -> str:
        if not self.months:
            return _show(self.values[0])
        inner = ", ".join(f"{month_label(m)}: {_show(v)}" for m, v in zip(self.months,
                                                                          self.values))
        return "{" + inner + "}"


def _show(value: float | Dist) -> str:
    return value.describe() if isinstance(value, Dist) else _fmt(value)


def _ordered(points: dict[int, float]) -> dict[int, float]:
    keys = list(points)
    for before, after in zip(keys, keys[1:]):
        if after <= before:
            raise fail(f"dates out of order: {month_label(after)} comes after "
                       f"{month_label(before)}", "list the months in ascending order",
                       key=month_label(after))
    return points


def _which(value: Any) -> str:
    """A mapping is a trajectory, unless it is one key that is not a month: a distribution."""
    if not isinstance(value, dict):
        return SCALAR_TAG
    one_other_key = len(value) == 1 and not MONTH_RE.match(str(next(iter(value))))
    return SCALAR_TAG if one_other_key else DATED_TAG


def _not_empty(points: dict[int, float]) -> dict[int, float]:
    if not points:
        raise fail("a trajectory needs at least one {YYYY-MM: value} entry")
    return points


def series(q: Quantity, interp: Interp) -> Any:
    """A field that takes a number or a ``{YYYY-MM: number}`` trajectory, read as ``interp``."""
    num = number(q)
    dated = Annotated[dict[Month, num], AfterValidator(_not_empty),  # type: ignore[valid-type]
                      AfterValidator(_ordered)]

    def to_trajectory(value: float | dict[int, float]) -> Trajectory:
        if isinstance(value, dict):
            return Trajectory(tuple(value), tuple(value.values()), interp)
        return Trajectory((), (value,), interp)

    schema = {"oneOf": [q.json_schema(), {
        "type": "object", "minProperties": 1, "additionalProperties": False,
        "patternProperties": {MONTH_PATTERN: q.json_schema()},
    }], "x-interpolation": interp}
    return Annotated[
        Annotated[num, Tag(SCALAR_TAG)] | Annotated[dated, Tag(DATED_TAG)],  # type: ignore[valid-type]
        Discriminator(_which),
        AfterValidator(to_trajectory),
        WithJsonSchema(schema),
    ]


def choice_series(choices: tuple[str, ...]) -> Any:
    """A field that takes one of ``choices`` or a ``{YYYY-MM: choice}`` trajectory, held until
    the next month named (step). It resolves to the index of the choice in ``choices``."""

    def check(value: Any) -> float:
        if isinstance(value, str) and value.strip() in choices:
            return float(choices.index(value.strip()))
        listed = ", ".join(f"'{c}'" for c in choices)
        raise fail(f"expected one of {listed}, got {value!r}")

    one = Annotated[float, BeforeValidator(check),
                    WithJsonSchema({"enum": list(choices)})]
    dated = Annotated[dict[Month, one], AfterValidator(_not_empty),  # type: ignore[valid-type]
                      AfterValidator(_ordered)]

    def to_trajectory(value: float | dict[int, float]) -> Trajectory:
        if isinstance(value, dict):
            return Trajectory(tuple(value), tuple(value.values()), "step")
        return Trajectory((), (value,), "step")

    schema = {"oneOf": [{"enum": list(choices)}, {
        "type": "object", "minProperties": 1, "additionalProperties": False,
        "patternProperties": {MONTH_PATTERN: {"enum": list(choices)}},
    }], "x-interpolation": "step"}
    return Annotated[
        Annotated[one, Tag(SCALAR_TAG)] | Annotated[dated, Tag(DATED_TAG)],  # type: ignore[valid-type]
        Discriminator(_which),
        AfterValidator(to_trajectory),
        WithJsonSchema(schema),
    ]


def dated_amounts(q: Quantity) -> Any:
    """``{YYYY-MM: amount}``: amounts that fall in the months named (one-off costs), not a
    trajectory. Months must be in ascending order."""
    num = number(q)
    return Annotated[dict[Month, num], AfterValidator(_ordered),  # type: ignore[valid-type]
                     WithJsonSchema({"type": "object", "additionalProperties": False,
                                     "patternProperties": {MONTH_PATTERN: q.json_schema()}})]
