"""Write scenarios/england-iapt-backcast.yaml: England's IAPT from April 2018 to March 2025 with
each year's actual referrals and people entering treatment as inputs, and every other value at
its default, so that the model's finished courses, recovery and waits can be checked against
NHS Digital's outturn (docs/validation.md).

    .venv/bin/python tools/build_iapt_backcast.py [-o FILE]

It reads only the bundled stpmodel/data/iapt_outturn.csv and iapt_need.csv (their sources are in
stpmodel/data/SOURCES.md), so anyone can rebuild the scenario. The defaults are calibrated on
2018-19 and 2019-20 only; every later year is out of sample.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402

from stpmodel import baselines  # noqa: E402
from stpmodel.template import num  # noqa: E402

OUTPUT = ROOT / "scenarios" / "england-iapt-backcast.yaml"
YEARS = ("2018-19", "2019-20", "2020-21", "2021-22", "2022-23", "2023-24", "2024-25")
ENGLAND = "E92000001"


def outturn(year: str, measure: str) -> float:
    rows = baselines.iapt_outturn().filter(
        (pl.col("financial_year") == year) & (pl.col("measure") == measure)
        & pl.col("preferred"))
    return float(rows["value"][0])


def by_year(values: dict[str, float], places: int) -> str:
    """A trajectory that holds each financial year's value from its April to its March (points
    at both ends, so linear interpolation between them changes nothing)."""
    points = []
    for year, value in values.items():
        first = int(year[:4])
        points += [f"{first}-04: {num(value, places)}", f"{first + 1}-03: {num(value, places)}"]
    return "{" + ", ".join(points) + "}"


def build() -> str:
    need = baselines.iapt_need().filter(pl.col("footprint_code") == ENGLAND).row(0, named=True)
    adults, share = int(need["adults_16plus"]), float(need["need_share_of_adults"])
    referrals = {y: outturn(y, "referrals_received") for y in YEARS}
    entered = {y: outturn(y, "entered_treatment") for y in YEARS}
    need_persons = share * adults
    access = {y: entered[y] / need_persons for y in YEARS}
    entry = {y: entered[y] / referrals[y] for y in YEARS}
    lines = [
        "# England's IAPT (NHS Talking Therapies), April 2018 to March 2025: a back-cast.",
        "# Written by tools/build_iapt_backcast.py from the bundled outturn",
        "# (stpmodel/data/iapt_outturn.csv); do not edit by hand.",
        "#",
        "# Inputs are each year's actual referrals (NHS Digital annual key measures) and people",
        "# entering treatment (NHS England's Mental Health Dashboard IAPT(i_a) and monthly NHS",
        "# Talking Therapies M031; 2018-19 derived). access = entered ÷ need and entry_rate =",
        "# entered ÷ referrals, so the plan enters exactly the year's actual number and nobody",
        "# queues for a therapist. Everything else is at its default, calibrated on 2018-19 and",
        "# 2019-20: finished courses, recovery and waits from 2020-21 on are out of sample.",
        "# docs/validation.md compares them with the outturn.",
        "name: England IAPT back-cast 2018-19 to 2024-25",
        "description: >",
        "  Actual referrals and people entering treatment as inputs; finished courses, recovery",
        "  and waits from the model's defaults, to compare with NHS Digital's outturn.",
        f"footprint: {{code: {ENGLAND}, name: England}}",
        "start: 2018-04",
        "end: 2025-03",
        "assumptions:",
        "  - iapt.course_weeks",
        "  - iapt.workforce.wte",
        "",
        "population:",
        "  # ONS mid-2021 adults 16+ (stpmodel/data/iapt_need.csv), held: need stays NHS",
        f"  # England's {need_persons:,.0f} (its share of adults, {share}), as its",
        "  # denominator did.",
        f"  adults: {adults}",
        "  growth: 0",
        "",
        "iapt:",
        "  # need_basis: nhse (the default): England's share of adults from iapt_need.csv.",
        "  # Each year's entered ÷ need: " + ", ".join(
            f"{y} {entered[y]:,.0f}" for y in YEARS) + ".",
        f"  access: {by_year(access, 6)}",
        "  # Each year's referrals received (NHS Digital annual key measures, England).",
        f"  referrals: {by_year(referrals, 0)}",
        "  # entered ÷ referrals each year, so that everyone who joins the list is seen.",
        f"  entry_rate: {by_year(entry, 6)}",
        "  waiting_list: 0",
        "  # LOCAL ASSUMPTION: 6.9 sessions a finished course (NHS Digital 2018-19) about weekly.",
        "  course_weeks: 7",
        "  workforce:",
        "    # Not modelled here: enough staff that they never limit the year's entries.",
        "    wte: 100000",
        "    sessions_per_wte: 1000",
        "    recruitment: 0",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    args.output.write_text(build(), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
