"""The text of a ready-to-run scenario for one footprint (``stpmodel new``).

Every value in it says where it came from, in a comment above it:

- **SOURCED**: a published figure for the footprint, from the bundled reference
  (:mod:`stpmodel.reference`) or from a file the user imported;
- **DEFAULT**: left out, so that the schema's default applies; the comment quotes the default's
  published source from the schema;
- **PLAN**: a national standard, written as a trajectory;
- **NATIONAL-DEFAULT ESTIMATE**: no public source gives the footprint's own figure, so an England
  figure is scaled to the footprint (or a sourced figure is carried through), with the arithmetic
  shown;
- **ILLUSTRATIVE PLACEHOLDER**: no public source gives the figure at all; the value only lets the
  scenario run.

Estimates and placeholders are listed under ``assumptions:``, so that ``stpmodel run`` prints
them after the results as assumptions to replace with local figures. The text is validated
against the schema before it is returned.
"""

from __future__ import annotations

import textwrap

from . import __version__, reference
from .reference import FootprintRef
from .services import SECTIONS
from .template import (
    END,
    GROWTH_TO,
    POPULATION_YEAR,
    START,
    WIDTH,
    NoBaselineError,
    Sources,
    TemplateContext,
    Text,
    num,
)

__all__ = ["NoBaselineError", "Sources", "build_scenario"]


def build_scenario(fp: FootprintRef, sources: Sources | None = None) -> str:
    """The YAML text of a ready-to-run scenario for footprint ``fp``."""
    out = Text()
    assumptions: list[str] = []
    adults = round(reference.persons(fp.code, POPULATION_YEAR, 16))
    total = round(reference.persons(fp.code, POPULATION_YEAR))
    adults_2026 = reference.persons(fp.code, GROWTH_TO, 16, "projection")
    growth = round(reference.growth(fp.code, POPULATION_YEAR, GROWTH_TO), 4)

    body = Text()
    _population(body, fp, adults, total, adults_2026, growth)
    part = TemplateContext(fp, sources or Sources(), adults, total, growth, body, assumptions)
    for service in SECTIONS:  # each service's part, in registry order
        if service.template is not None:
            body.blank()
            service.template(part)

    _header(out, fp)
    out.key("name", f"\"{fp.name}: public baseline and national standards\"")
    out.key("description", ">")
    out.lines.extend(textwrap.wrap(
        f"A starting point for {fp.name} written by stpmodel new: today's population and "
        "activity from published data, the national standards as the plan, and "
        "national-default estimates or placeholders where no public source gives a figure.",
        WIDTH, initial_indent="  ", subsequent_indent="  "))
    out.key("footprint", f"{{code: {fp.code}, name: \"{fp.name}\"}}")
    out.key("start", START)
    out.key("end", END)
    out.blank()
    out.comment("Values that no public source gives for this footprint (NATIONAL-DEFAULT "
                "ESTIMATE or ILLUSTRATIVE PLACEHOLDER below): `stpmodel run` lists them after "
                "the results as assumptions to replace with local figures.")
    out.key("assumptions")
    out.lines.extend(f"  - {path}" for path in assumptions)
    out.blank()
    if part.price_years:
        body.blank()
        body.comment("SOURCED: the price year of each sum of money written above from a "
                     "published month (its financial year). Every sum in the results is at "
                     "2024/25 prices, the default price base, restated with HM Treasury's GDP "
                     "deflators.")
        body.key("prices")
        body.key("written", "{" + ", ".join(f"{k}: {v}" for k, v in
                                            sorted(part.price_years.items())) + "}", 2)
    text = out.text() + body.text()
    _validate(text)
    return text


def _header(out: Text, fp: FootprintRef) -> None:
    out.comment(f"{fp.name} ({fp.code}): a ready-to-run scenario written by `stpmodel new` "
                f"(stpmodel {__version__}). Edit it: it is yours now.")
    out.comment("")
    out.comment("Every value says where it comes from:\n"
                "- SOURCED: a published figure for this footprint (bundled sources: "
                "stpmodel/data/SOURCES.md);\n"
                "- DEFAULT: left out, so the schema's default applies (its source is quoted; "
                "all defaults: docs/data-sources.md);\n"
                "- PLAN: a national standard, as a trajectory;\n"
                "- NATIONAL-DEFAULT ESTIMATE: no public source gives this footprint's figure; "
                "an England figure scaled to the footprint, or sourced figures carried through, "
                "with the arithmetic shown;\n"
                "- ILLUSTRATIVE PLACEHOLDER: no public source gives it at all; the value only "
                "lets the scenario run.")


def _population(out: Text, fp: FootprintRef, adults: int, total: int, adults_2026: float,
                growth: float) -> None:
    out.key("population")
    out.comment(f"SOURCED: {reference.POPULATION_SOURCE}; aged 16 and over, and all ages. The "
                "nearest bundled estimate, used as the April 2019 figure.", 2)
    out.key("adults", str(adults), 2)
    out.key("total", str(total), 2)
    out.comment(f"SOURCED, PROJECTED: no local projection is bundled, so the population is "
                f"{reference.PROJECTION_SOURCE}. Aged 16+: {adults:,} (mid-{POPULATION_YEAR}) to "
                f"{adults_2026:,.0f} (mid-{GROWTH_TO}), a compound {growth:.2%} a year.", 2)
    out.key("growth", num(growth), 2)


def _validate(text: str) -> None:
    """The text must be a valid scenario; if not, that is a bug in this module."""
    from .errors import ScenarioError
    from .scenario import parse_scenario

    try:
        parse_scenario(text, "<stpmodel new>")
    except ScenarioError as exc:
        raise AssertionError(f"stpmodel new wrote an invalid scenario:\n{exc}\n\n{text}") from None
