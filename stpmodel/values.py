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


@dataclass(frozen=True)
class Quantity:
    """A unit and a valid range for a number. ``lo``/``hi`` are inclusive; None is unbounded."""

    unit: str
    lo: float | None = 0.0
    hi: float | None = None
    integer: bool = False
    percent_hint: bool = False  # a fraction written as a percentage (25 for 0.25) gets a hint
    above_lo: bool = False  # lo itself is not allowed (strictly positive)

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

    def check(self, value: Any) -> float:
        """Validate one number; raise a message that names the range and the unit."""
        want = f"expected {self.describe_range()} [{self.unit}]"
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
            raise fail(f"{want}, got {_fmt(number)}", hint)
        if self.integer and number != int(number):
            raise fail(f"{want}, got {_fmt(number)}")
        return number

    def _fits(self, number: float) -> bool:
        return (self.lo is None or number >= self.lo) and (self.hi is None or number <= self.hi)

    def json_schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "integer" if self.integer else "number"}
        if self.lo is not None:
            out["exclusiveMinimum" if self.above_lo else "minimum"] = self.lo
        if self.hi is not None:
            out["maximum"] = self.hi
        return out


def _fmt(x: float) -> str:
    return f"{x:,.10g}".replace(",", "") if x is not None else ""


FRACTION = Quantity("fraction", 0.0, 1.0, percent_hint=True)


def number(q: Quantity) -> Any:
    """An annotated float type checked against ``q``."""
    return Annotated[float, BeforeValidator(q.check), WithJsonSchema(q.json_schema())]


# ---------------------------------------------------------------------------------------------
# Trajectories


@dataclass(frozen=True)
class Trajectory:
    """A value that may change over time. ``months`` are month indexes in ascending order."""

    months: tuple[int, ...]
    values: tuple[float, ...]
    interp: Interp

    @classmethod
    def constant(cls, value: float, interp: Interp = "step") -> Trajectory:
        return cls((), (float(value),), interp)

    @property
    def is_constant(self) -> bool:
        return len(set(self.values)) == 1

    def resolve(self, months: np.ndarray) -> np.ndarray:
        """Values on the month indexes ``months`` [float64, same shape]."""
        months = np.asarray(months, dtype=np.int64)
        if not self.months:
            return np.full(months.shape, self.values[0], dtype=np.float64)
        xs = np.asarray(self.months, dtype=np.float64)
        ys = np.asarray(self.values, dtype=np.float64)
        if self.interp == "linear":
            return np.interp(months.astype(np.float64), xs, ys)
        # step: latest on or before; before the first month, the first value
        idx = np.searchsorted(xs, months, side="right") - 1
        return ys[np.clip(idx, 0, len(ys) - 1)]

    def describe(self) -> str:
        if not self.months:
            return _fmt(self.values[0])
        inner = ", ".join(f"{month_label(m)}: {_fmt(v)}" for m, v in zip(self.months, self.values))
        return "{" + inner + "}"


def _ordered(points: dict[int, float]) -> dict[int, float]:
    keys = list(points)
    for before, after in zip(keys, keys[1:]):
        if after <= before:
            raise fail(f"dates out of order: {month_label(after)} comes after "
                       f"{month_label(before)}", "list the months in ascending order",
                       key=month_label(after))
    return points


def _which(value: Any) -> str:
    return DATED_TAG if isinstance(value, dict) else SCALAR_TAG


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
