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
    ICB_END,
    ICB_GROWTH_TO,
    ICB_POPULATION_YEAR,
    ICB_START,
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
    """The YAML text of a ready-to-run scenario for footprint ``fp``: for an STP of 2017, the
    Long Term Plan's five years from its 2018-19 baselines; for an ICB, 2025/26 to 2029/30 from
    the latest baselines bundled by ICB (:func:`build_icb_scenario`)."""
    if fp.is_icb:
        return build_icb_scenario(fp)
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


def build_icb_scenario(fp: FootprintRef) -> str:
    """An ICB's scenario for 2025/26 to 2029/30. Each service with an ICB part
    (``Service.icb_template``) writes it from the ICB baselines (each stamped with its period
    and source); the others are left out, and the text says which and why. No national standard
    of the Long Term Plan applies after 2023/24, so the plan holds today's levels and the
    ICB's own targets go under ``targets:`` (an example, commented out)."""
    geo = reference.ICB2022
    out = Text()
    assumptions: list[str] = []
    year, to = ICB_POPULATION_YEAR, ICB_GROWTH_TO
    adults = round(reference.persons(fp.code, year, 16, "projection", geo))
    total = round(reference.persons(fp.code, year, 0, "projection", geo))
    adults_2022 = reference.persons(fp.code, 2022, 16, geography=geo)
    adults_to = reference.persons(fp.code, to, 16, "projection", geo)
    growth = round(reference.growth(fp.code, year, to, geography=geo), 4)

    body = Text()
    body.key("population")
    body.comment(f"SOURCED, PROJECTED: {reference.ICB_POPULATION_SOURCE}, {fp.ods_code}: "
                 f"{adults_2022:,.0f} aged 16+ at mid-2022; {reference.PROJECTION_SOURCE}, to "
                 f"mid-{year}: {adults:,} aged 16+ and {total:,} of all ages, used as the April "
                 f"{year} figures.", 2)
    body.key("adults", str(adults), 2)
    body.key("total", str(total), 2)
    body.comment(f"SOURCED, PROJECTED: aged 16+, {adults:,} (mid-{year}) to {adults_to:,.0f} "
                 f"(mid-{to}), a compound {growth:.2%} a year.", 2)
    body.key("growth", num(growth), 2)
    part = TemplateContext(fp, Sources(), adults, total, growth, body, assumptions,
                           ICB_START, ICB_END)
    left_out = []
    for service in SECTIONS:
        if service.icb_template is not None:
            body.blank()
            service.icb_template(part)
        elif service.template is not None:
            left_out.append(service.name)
    body.blank()
    body.comment("TARGETS: the Long Term Plan's standards end with 2023/24, so no national "
                 "standard is judged in these years (the results show '–' and say so). Put "
                 "your ICB's own targets here, judged like the standards, for example:")
    body.comment("targets:\n"
                 "  - {metric: iapt_access_rate, at_least: 0.25, first_year: 2026/27}\n"
                 "  - {metric: oap_bed_days, at_most: 0, first_year: 2027/28}")

    out.comment(f"{fp.name} ({fp.code}, {fp.ods_code}): a ready-to-run scenario for "
                f"2025/26 to 2029/30 written by `stpmodel new` (stpmodel {__version__}). Edit "
                "it: it is yours now.")
    out.comment("")
    _labels(out)
    if left_out:
        out.comment("")
        out.comment("Left out, for want of a bundled baseline by ICB (add them from your own "
                    "figures; `stpmodel new` for a 2017 STP shows each section): "
                    + ", ".join(left_out) + ".")
    out.key("name", f"\"{fp.name}: latest public baseline, 2025/26 to 2029/30\"")
    out.key("description", ">")
    out.lines.extend(textwrap.wrap(
        f"A starting point for {fp.name} written by stpmodel new: the population projected "
        "to 2025 and the latest activity published by ICB, held at today's levels, with "
        "national-default estimates or placeholders where no public source gives a figure. "
        "State your own plan and targets.", WIDTH, initial_indent="  ", subsequent_indent="  "))
    out.key("footprint", f"{{code: {fp.code}, name: \"{fp.name}\"}}")
    out.key("start", ICB_START)
    out.key("end", ICB_END)
    out.blank()
    out.comment("Values that no public source gives for this ICB (NATIONAL-DEFAULT ESTIMATE or "
                "ILLUSTRATIVE PLACEHOLDER below): `stpmodel run` lists them after the results "
                "as assumptions to replace with local figures.")
    out.key("assumptions")
    out.lines.extend(f"  - {path}" for path in assumptions)
    out.blank()
    text = out.text() + body.text()
    _validate(text)
    return text


def _labels(out: Text) -> None:
    out.comment("Every value says where it comes from:\n"
                "- SOURCED: a published figure for this footprint, with its period and source "
                "(bundled sources: stpmodel/data/SOURCES.md);\n"
                "- DEFAULT: left out, so the schema's default applies (its source is quoted; "
                "all defaults: docs/data-sources.md);\n"
                "- PLAN: what the scenario plans, as a trajectory;\n"
                "- NATIONAL-DEFAULT ESTIMATE: no public source gives this footprint's figure; "
                "an England figure scaled to the footprint, or sourced figures carried through, "
                "with the arithmetic shown;\n"
                "- ILLUSTRATIVE PLACEHOLDER: no public source gives it at all; the value only "
                "lets the scenario run.")


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
