"""What every section of a scenario is built from, and the sections no service owns (the
footprint and its population).

Each service declares its own section in its module (``stpmodel/services/``) with
:func:`spec`: every field with its unit, range and, where there is one, a default with its
published source. Those declarations are the single source for validation, ``stpmodel schema``
and docs/scenario-format.md.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .values import Quantity, fail, number, series

PERSONS = Quantity("persons", 0.0)
WTE = Quantity("WTE", 0.0)


def spec(description: str, unit: str, *, source: str = "", default: Any = ...,
         interp: str = "", price_year: str = "") -> Any:
    """A field declaration: description, unit, and for a default, where it comes from (and, for
    money, the financial year whose prices it is at: see :mod:`stpmodel.prices`)."""
    extra: dict[str, Any] = {"unit": unit}
    if source:
        extra["source"] = source
    if price_year:
        extra["price_year"] = price_year
    if interp:
        extra["interpolation"] = interp
    return Field(default, description=description, json_schema_extra=extra)


class Section(BaseModel):
    # validate_default: a number default becomes a Trajectory; defer_build: each model builds
    # its validator when first used, not at import (about 50 ms of every command's start)
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True,
                              validate_default=True, defer_build=True)


class Footprint(Section):
    code: Annotated[str, Field(pattern=r"^E\d{8}$")] = spec(
        "ONS code of the footprint: one of the 44 STPs of 2017 (E54000005–E54000048) or the 42 "
        "ICBs of July 2022 (`stpmodel footprints --geography icb2022`), e.g. E54000017",
        "ONS code")
    name: Annotated[str, Field(min_length=1)] = spec(
        "footprint name: the bundled footprint's name or one of its other spellings, written "
        "loosely (case, punctuation, '&' for 'and' and words such as STP or ICB aside)", "text")
    custom: bool = spec(
        "true for a footprint that is not one of the bundled STPs or ICBs (its code and name "
        "are then not checked, and nothing is taken from the bundled data by its code: give "
        "every baseline yourself)", "true/false", default=False)

    @model_validator(mode="after")
    def _known(self) -> Footprint:
        if self.custom:
            return self
        from .reference import check_footprint

        problem = check_footprint(self.code, self.name)
        if problem is not None:
            key, message, hint = problem
            raise fail(message, hint, key=key)
        return self


class Population(Section):
    adults: number(Quantity("persons", 0.0, above_lo=True)) = spec(  # type: ignore[valid-type]
        "adult population (aged 16 and over) in the start month", "persons")
    growth: series(Quantity("fraction/year", -0.2, 0.2, percent_hint=True),  # type: ignore[valid-type]
                   "step") = spec("annual growth of the adult population; compounds monthly",
                                  "fraction/year", interp="step")
    total: number(Quantity("persons", 0.0, above_lo=True)) | None = spec(  # type: ignore[valid-type]
        "whole population, all ages, in the start month; sizes crisis teams. Grows at the same "
        "rate as adults", "persons", default=None)


class Target(Section):
    """One of the scenario's own targets, judged like a national standard in the years it gives
    (for years no national standard covers, such as after the Long Term Plan's 2023/24)."""

    metric: str = spec("the metric judged, as the results name it (e.g. iapt_access_rate; "
                       "`stpmodel run --all` lists them)", "metric name")
    at_least: float | None = spec("met when the metric is at least this (in the metric's unit; "
                                  "fractions 0-1)", "metric's unit", default=None)
    at_most: float | None = spec("met when the metric is at most this", "metric's unit",
                                 default=None)
    first_year: int = spec("first financial year judged, e.g. 2025/26", "YYYY/YY")
    last_year: int | None = spec("last financial year judged (default: to the end of the run)",
                                 "YYYY/YY", default=None)

    @field_validator("first_year", "last_year", mode="before")
    @classmethod
    def _financial_year(cls, value: object) -> object:
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        text = str(value).strip()
        if re.fullmatch(r"\d{4}/\d{2}", text) and (int(text[:4]) + 1) % 100 == int(text[5:]):
            return int(text[:4])
        raise fail(f"expected a financial year like 2025/26, got {value!r}",
                   "write the year as YYYY/YY, its April first: 2025/26 runs April 2025 to "
                   "March 2026")

    @model_validator(mode="after")
    def _one_bound(self) -> Target:
        if (self.at_least is None) == (self.at_most is None):
            raise fail("give one of at_least or at_most", "at_least: a floor (access, shares "
                       "within a wait); at_most: a ceiling (OAP bed days, length of stay)")
        if self.last_year is not None and self.last_year < self.first_year:
            raise fail("last_year is before first_year", key="last_year")
        return self
