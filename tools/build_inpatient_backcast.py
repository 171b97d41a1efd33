"""Write scenarios/england-inpatient-backcast.yaml: England's adult acute beds and out-of-area
placements, April 2018 to March 2022, from measured beds, to compare with the published outturn.

    .venv/bin/python tools/build_inpatient_backcast.py           # the scenario
    .venv/bin/python tools/build_inpatient_backcast.py -o FILE   # elsewhere ('-': stdout)

Each footprint's beds are what KH03 measured, quarter by quarter (adult acute: × the National
Cost Collection's share; stpmodel/services/inpatient/calibration.py says how, and how the eight
footprints KH03 does not measure get theirs). Demand is 2018/19's, measured: the offered load
that carries 2018/19's occupied beds in pools of the calibrated size, as admissions a year, grown
with the adult population. Nothing from 2019/20 on is an input but the beds, so 2019/20 to
2021/22 are out of sample: docs/validation.md compares them with KH03 and the Mental Health
Dashboard. It reads only stpmodel's bundled data and writes the same bytes every time;
tests/test_england.py rebuilds it and compares.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from build_england_scenario import (  # noqa: E402
    LOS_TODAY,
    Text,
    inpatient_note,
    quoted,
    write_scenario,
)

from stpmodel import reference  # noqa: E402
from stpmodel.services.inpatient import calibration  # noqa: E402
from stpmodel.template import GROWTH_TO, POPULATION_YEAR, num  # noqa: E402

OUTPUT = ROOT / "scenarios" / "england-inpatient-backcast.yaml"
YEARS = ("2018-19", "2019-20", "2020-21", "2021-22")
QUARTER_START = {"Q1": "04", "Q2": "07", "Q3": "10", "Q4": "01"}
DRAWS = 20
SEED = 20180401


def quarter_month(year: str, quarter: str) -> str:
    first = int(year[:4]) + (quarter == "Q4")
    return f"{first}-{QUARTER_START[quarter]}"


def build() -> str:
    share = calibration.share()
    out = Text()
    out.comment("England's adult acute mental health beds and out-of-area placements, April 2018 "
                "to March 2022: a back-cast, all 44 STP footprints of April 2017.")
    out.comment("GENERATED: do not edit by hand. Written by `.venv/bin/python "
                "tools/build_inpatient_backcast.py` from stpmodel's bundled data "
                "(stpmodel/data/SOURCES.md); tests/test_england.py fails when this file is not "
                "what the script writes.")
    out.comment("")
    out.comment(f"Beds (each footprint's `beds`): SOURCED, KH03's 2018/19 mental illness beds "
                f"available (average daily, overnight) × {share:.4f}, adult acute's share of "
                "adult bed days in the National Cost Collection 2024/25, × England's KH03 beds in "
                "the quarter ÷ its 2018/19 mean (footprints' own beds move between them as trusts "
                "merge, which is not demand moving); for the eight "
                "footprints KH03 does not measure by its trusts' headquarters ("
                + ", ".join(sorted(calibration.flagged())) + "), what England's row leaves, "
                "shared by adults (stpmodel/services/inpatient/calibration.py).")
    out.comment("Pools and demand (each footprint's `pool_beds` and `admissions`): fitted to "
                f"2018/19 alone, as `stpmodel new` fits them: the beds split into k pools, an "
                "admission taking a bed only in its own, k as near as whole pools allow to "
                "placing the footprint's recorded 2018/19 inappropriate OAP bed days (Mental "
                "Health Dashboard CR(iii.a)) at its measured occupancy (KH03 × "
                f"{share:.4f}); the offered load a that places them exactly, Σ (a/k) B(a/k, n) × "
                f"365; admissions = a × 365.25 ÷ {num(LOS_TODAY)} days, then held, growing only "
                "with adults. From 2019/20 the only input is the beds, each footprint's 2018/19 "
                "beds × England's change since (KH03), so 2019/20 on is out of sample (COVID-19 "
                "changed demand from March 2020, which the scenario does not know).")
    out.line(f"name: England inpatient back-cast {YEARS[0]} to {YEARS[-1]}")
    out.line("description: >")
    out.line("  Measured beds by quarter and 2018/19's measured demand; out-of-area")
    out.line("  placements and occupancy from the model, to compare with KH03 and the Mental")
    out.line("  Health Dashboard.")
    out.line("start: 2018-04")
    out.line("end: 2022-03")
    out.comment(f"{DRAWS} draws: England's quarterly OAP bed days vary by about 1% between draws.")
    out.line(f"draws: {DRAWS}")
    out.line(f"seed: {SEED}")
    out.line("assumptions:")
    out.line("- inpatient.los_days", 2)
    out.line("- inpatient.los_cv", 2)
    out.line()
    out.comment(f"population: each footprint's own. SOURCED: {reference.POPULATION_SOURCE}; "
                f"growth: the 16+ population's, mid-{POPULATION_YEAR} to mid-{GROWTH_TO} "
                f"({reference.PROJECTION_SOURCE}), as a compound rate a year.")
    out.line("inpatient:")
    out.comment(f"LOCAL ASSUMPTION: {num(LOS_TODAY)}-day stays (as scenarios/england-ltp.yaml; no "
                "bundled source gives adult acute stays). Occupancy and out-of-area bed days do "
                "not depend on it (Erlang's formula holds for any stays); admissions do.", 2)
    out.line(f"los_days: {num(LOS_TODAY)}", 2)
    out.comment("LOCAL ASSUMPTION: stays as spread as an exponential distribution.", 2)
    out.line("los_cv: 1.0", 2)
    out.comment("SOURCED: 0. The beds existed; a back-cast books no capital for beds that "
                "reopened.", 2)
    out.line("capital_per_new_bed: 0", 2)
    out.comment("DEFAULT (left out): no repatriation.", 2)
    out.line()
    out.line("footprints:")
    first = calibration.measured(YEARS[0])[calibration.ENGLAND].available
    england = {(y, q): calibration.measured(y, q)[calibration.ENGLAND].available / first
               for y in YEARS for q in ("Q1", "Q2", "Q3", "Q4")}
    for fp in reference.footprints():
        base = calibration.baseline(fp.code, LOS_TODAY)
        beds = {quarter_month(y, q): round(base.beds * england[(y, q)]) for y in YEARS
                for q in ("Q1", "Q2", "Q3", "Q4")}
        if out.lines[-1] != "footprints:":
            out.line()
        out.comment(f"{fp.name} ({fp.code}). {inpatient_note(base)}", 2)
        out.line(f"- code: {fp.code}", 2)
        out.line(f"name: {quoted(fp.name)}", 4)
        adults = round(reference.persons(fp.code, POPULATION_YEAR, 16))
        total = round(reference.persons(fp.code, POPULATION_YEAR))
        growth = round(reference.growth(fp.code, POPULATION_YEAR, GROWTH_TO), 4)
        out.line(f"population: {{adults: {adults}, total: {total}, growth: {num(growth)}}}", 4)
        out.line("inpatient:", 4)
        out.line(f"admissions: {base.admissions}", 6)
        out.line(f"pool_beds: {base.pool_beds}", 6)
        out.flow("beds", "{" + ", ".join(f"{m}: {b}" for m, b in beds.items()) + "}", 6)
    return out.text()


def main(argv: list[str] | None = None) -> int:
    return write_scenario(argv, __doc__, OUTPUT, build)


if __name__ == "__main__":
    raise SystemExit(main())
