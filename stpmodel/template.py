"""Writing a scenario's YAML with comments, for ``stpmodel new`` and each service's part of it.

Every value written says where it came from, in a comment above it (see
:mod:`stpmodel.newscenario` for the labels: SOURCED, DEFAULT, PLAN, NATIONAL-DEFAULT ESTIMATE,
ILLUSTRATIVE PLACEHOLDER).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from .errors import StpmodelError

if TYPE_CHECKING:
    import polars as pl

    from .reference import FootprintRef

START, END = "2019-04", "2024-03"  # the NHS Long Term Plan's five years, 2019/20 to 2023/24
POPULATION_YEAR, GROWTH_TO = 2021, 2026
# An ICB's scenario: the five years 2025/26 to 2029/30, its adults at mid-2025 (projected from
# the ONS mid-2021 estimate) growing as projected to mid-2030.
ICB_START, ICB_END = "2025-04", "2030-03"
ICB_POPULATION_YEAR, ICB_GROWTH_TO = 2025, 2030
WIDTH = 100


class NoBaselineError(StpmodelError):
    """The data given have no baseline for the footprint asked for."""


@dataclass(frozen=True)
class Sources:
    """Where the IAPT and OAP baselines come from: the bundled reference, or imported files."""

    iapt: pl.DataFrame | None = None  # columns footprint_code, reporting_period, measure, value
    iapt_label: str = "bundled with stpmodel"
    oaps: pl.DataFrame | None = None  # as stpmodel.iotools.oaps.oap_baseline returns
    oaps_label: str = "bundled with stpmodel"


@dataclass
class Text:
    lines: list[str] = field(default_factory=list)

    def comment(self, text: str, indent: int = 0) -> None:
        pad = " " * indent + "# "
        for paragraph in text.split("\n"):
            self.lines.extend(textwrap.wrap(paragraph, WIDTH, initial_indent=pad,
                                            subsequent_indent=pad + "  " if paragraph.startswith(
                                                "- ") else pad,
                                            break_on_hyphens=False) or [pad.rstrip()])

    def key(self, name: str, value: str = "", indent: int = 0) -> None:
        self.lines.append(" " * indent + (f"{name}: {value}" if value else f"{name}:"))

    def blank(self) -> None:
        self.lines.append("")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


@dataclass
class TemplateContext:
    """What a service's part of ``stpmodel new`` is given: the footprint, its population, the
    baselines' sources, the text to append to and the list of assumptions to add to."""

    fp: FootprintRef
    sources: Sources
    adults: int  # aged 16+, mid-POPULATION_YEAR [persons]
    total: int  # all ages [persons]
    growth: float  # compound annual growth of adults [fraction/year]
    out: Text
    assumptions: list[str]
    start: str = START  # the scenario's first and last months
    end: str = END
    # money written at a price year other than the scenario's price base: key path → YYYY/YY,
    # written as prices.written (stpmodel.prices)
    price_years: dict[str, str] = field(default_factory=dict)


def default_of(section: type[BaseModel], key: str) -> float:
    """The number the schema uses when ``key`` of ``section`` is left out."""
    value = section.model_fields[key].default
    assert isinstance(value, (int, float)) and not isinstance(value, bool), (section, key)
    return float(value)


def defaults(section: type[BaseModel], written: set[str]) -> tuple[list[str], list[str]]:
    """``(sourced, settings)``: comment lines for the keys of a section left to their defaults."""
    sourced, settings = [], []
    for key, info in section.model_fields.items():
        if key in written or info.default is PydanticUndefined or info.default is None:
            continue
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        shown = yaml_scalar(info.default)
        if extra.get("source"):
            sourced.append(f"{key} {shown} ({extra['source']})")
        else:
            settings.append(f"{key} {shown}")
    return sourced, settings


def comment_defaults(out: Text, section: type[BaseModel], written: set[str], extra: str = "",
                     always: bool = True) -> None:
    """Comment on the keys left to their defaults: ``DEFAULT (left out): ...`` with their
    sources (``extra`` appended), then the other settings left at their defaults."""
    sourced, settings = defaults(section, written)
    if sourced or always:
        out.comment("DEFAULT (left out): " + "; ".join(sourced) + "." + extra, 2)
    if settings:
        out.comment("Settings left at their defaults: " + ", ".join(settings) + ".", 2)


def yaml_scalar(value: Any) -> str:
    if isinstance(value, dict):  # a distribution, {kind: [parameters]}
        return "{" + ", ".join(f"{kind}: [" + ", ".join(num(float(p)) for p in params) + "]"
                               for kind, params in value.items()) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return num(float(value))
    return str(value)


def num(value: float, places: int = 4) -> str:
    """A number as YAML: whole numbers without a point, else at most ``places`` decimals."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.{places}f}".rstrip("0").rstrip(".")


def trajectory(points: dict[str, float], places: int = 4) -> str:
    if len(set(points.values())) == 1:
        return num(next(iter(points.values())), places)
    return "{" + ", ".join(f"{month}: {num(v, places)}" for month, v in points.items()) + "}"
