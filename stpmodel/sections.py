"""What every section of a scenario is built from, and the sections no service owns (the
footprint and its population).

Each service declares its own section in its module (``stpmodel/services/``) with
:func:`spec`: every field with its unit, range and, where there is one, a default with its
published source. Those declarations are the single source for validation, ``stpmodel schema``
and docs/scenario-format.md.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .values import Quantity, fail, number, series

PERSONS = Quantity("persons", 0.0)
WTE = Quantity("WTE", 0.0)


def spec(description: str, unit: str, *, source: str = "", default: Any = ...,
         interp: str = "") -> Any:
    """A field declaration: description, unit, and for a default, where it comes from."""
    extra: dict[str, Any] = {"unit": unit}
    if source:
        extra["source"] = source
    if interp:
        extra["interpolation"] = interp
    return Field(default, description=description, json_schema_extra=extra)


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True,
                              validate_default=True)  # a number default becomes a Trajectory


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
