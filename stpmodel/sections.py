"""What every section of a scenario is built from, and the sections no service owns (the
footprint and its population).

Each service declares its own section in its module (``stpmodel/services/``) with
:func:`spec`: every field with its unit, range and, where there is one, a default with its
published source. Those declarations are the single source for validation, ``stpmodel schema``
and docs/scenario-format.md.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from .values import Quantity, number, series

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
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True,
                              validate_default=True)  # a number default becomes a Trajectory


class Footprint(Section):
    code: Annotated[str, Field(pattern=r"^E\d{8}$")] = spec(
        "ONS code of the STP/ICS footprint, e.g. E54000017", "ONS code")
    name: Annotated[str, Field(min_length=1)] = spec("footprint name", "text")


class Population(Section):
    adults: number(Quantity("persons", 0.0, above_lo=True)) = spec(  # type: ignore[valid-type]
        "adult population (aged 16 and over) in the start month", "persons")
    growth: series(Quantity("fraction/year", -0.2, 0.2, percent_hint=True),  # type: ignore[valid-type]
                   "step") = spec("annual growth of the adult population; compounds monthly",
                                  "fraction/year", interp="step")
    total: number(Quantity("persons", 0.0, above_lo=True)) | None = spec(  # type: ignore[valid-type]
        "whole population, all ages, in the start month; sizes crisis teams. Grows at the same "
        "rate as adults", "persons", default=None)
