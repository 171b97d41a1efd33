"""IAPT's part of docs/validation.md: the model against published outturn (``make docs``
writes these tables between their markers; the service declares them in ``Service.docs``).

- **England, IAPT, 2018-19 to 2024-25**: scenarios/england-iapt-backcast.yaml (each year's actual
  referrals and people entering treatment as inputs, everything else at its default) against
  NHS Digital's outturn (stpmodel/data/iapt_outturn.csv). The defaults are calibrated on
  2018-19 and 2019-20 only; later years are out of sample.
- **Footprints, IAPT, 2019/20**: each of the 44 footprints with its 2019-20 referrals and the
  defaults, against its published finished courses and recovery rate (stpmodel/data/iapt.csv):
  the spread of the errors.

Both tables are made by running the model, so they change when it does; ``make docs`` rewrites
them and tests/test_docs.py fails until it has.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent.parent
BACKCAST = ROOT / "scenarios" / "england-iapt-backcast.yaml"
YEARS = ("2018-19", "2019-20", "2020-21", "2021-22", "2022-23", "2023-24", "2024-25")
# The tolerances: counts and the recovery rate within ±5%, waits within ±3 points
RELATIVE, POINTS = 0.05, 0.03


@dataclass(frozen=True)
class Check:
    """One published figure beside the model's."""

    year: str
    measure: str  # the model's metric
    published: float
    model: float
    share: bool  # a share: its error is in percentage points, not relative

    @property
    def error(self) -> float:
        """Relative error for counts and rates, model − published for shares [fraction]."""
        if self.share:
            return self.model - self.published
        return self.model / self.published - 1.0

    @property
    def within(self) -> bool:
        return abs(self.error) <= (POINTS if self.share else RELATIVE) + 1e-12

    @property
    def calibration(self) -> bool:
        return self.year in ("2018-19", "2019-20")


# (model metric, outturn measure, a share?)
MEASURES = (
    ("iapt_referrals", "referrals_received", False),
    ("iapt_entered", "entered_treatment", False),
    ("iapt_finished", "finished_course_treatment", False),
    ("iapt_recovery_rate", "recovery_rate", False),
    ("iapt_within_6_weeks", "finished_waited_6w_share", True),
    ("iapt_within_18_weeks", "finished_waited_18w_share", True),
)


def england_checks() -> list[Check]:
    """The back-cast's figure beside the outturn's, for each year and measure."""
    return list(_england_checks())


@cache  # one run of the back-cast per process: make docs and the tests both ask for it
def _england_checks() -> tuple[Check, ...]:
    import polars as pl

    from ... import baselines
    from ...model import run
    from ...results import tabulate
    from ...scenario import load_scenario

    frame = tabulate(run(load_scenario(BACKCAST)), "year")
    model = {(row["period"].replace("/", "-"), row["metric"]): row["value"]
             for row in frame.iter_rows(named=True)}
    published = {(y, m): v for y, m, v in baselines.iapt_outturn().filter(
        pl.col("preferred")).select("financial_year", "measure", "value").iter_rows()}
    return tuple(Check(year, metric, published[(year, measure)], model[(year, metric)], share)
                 for year in YEARS for metric, measure, share in MEASURES
                 if (year, measure) in published)


def _shown(check: Check, value: float) -> str:
    if check.share or check.measure == "iapt_recovery_rate":
        return f"{value:.1%}"
    return f"{value:,.0f}"


def _error(check: Check) -> str:
    if check.share:
        return f"{check.error * 100:+.1f} pt"
    return f"{check.error:+.1%}"


def england_reference() -> str:
    from ...docgen.markdown import table

    rows = [(c.year, "calibration" if c.calibration else "out of sample", f"`{c.measure}`",
             _shown(c, c.published), _shown(c, c.model), _error(c),
             "yes" if c.within else "**no**")
            for c in england_checks()]
    return table(["year", "use", "metric", "published", "model", "error", "within tolerance"],
                 rows)


def footprint_errors() -> list[tuple[str, float, float]]:
    """(code, finished error, recovery-rate error) for each footprint in 2019/20, each with its
    2019-20 referrals, need on NHS England's basis and every other value at its default
    (relative errors)."""
    import polars as pl

    from ... import reference
    from ...model import run
    from ...results import tabulate
    from ...scenario import parse_scenario

    counts = reference.iapt().filter(pl.col("reporting_period") == "2019-20")
    value = {(c, m): v for c, m, v in counts.select(
        "footprint_code", "measure", "value").iter_rows()}
    refs = [fp for fp in reference.footprints() if (fp.code, "referrals_received") in value]
    # access 1 plans for all of need, and staff are ample, so everyone who joins the list is
    # seen at once: entered = referrals × the default entry rate
    lines = ["name: footprints 2019/20", "start: 2019-04", "end: 2020-03",
             "population: {adults: 1, growth: 0}",
             "iapt: {access: 1, referrals: 1, waiting_list: 0, course_weeks: 7,",
             "       workforce: {wte: 100000, sessions_per_wte: 1000, recruitment: 0}}",
             "footprints:"]
    for fp in refs:
        adults = reference.persons(fp.code, 2021, 16)
        referrals = value[(fp.code, "referrals_received")]
        lines.append(f"  - {{code: {fp.code}, name: \"{fp.name}\", population: {{adults: "
                     f"{adults:.0f}}}, iapt: {{referrals: {referrals:.0f}}}}}")
    frame = tabulate(run(parse_scenario("\n".join(lines) + "\n", "<footprints 2019/20>")),
                     "year", total=False)
    model = {(r["footprint_code"], r["metric"]): r["value"] for r in frame.iter_rows(named=True)}
    out = []
    for fp in refs:
        finished = value[(fp.code, "finished_course_treatment")]
        rate = value[(fp.code, "recovery")] / value[(fp.code, "at_caseness")]
        out.append((fp.code, model[(fp.code, "iapt_finished")] / finished - 1.0,
                    model[(fp.code, "iapt_recovery_rate")] / rate - 1.0))
    return out


def footprint_reference() -> str:
    from ...docgen.markdown import table

    errors = footprint_errors()
    rows = []
    for name, values in (("finished courses (`iapt_finished`)", sorted(e[1] for e in errors)),
                         ("recovery rate (`iapt_recovery_rate`)", sorted(e[2] for e in errors))):
        n = len(values)
        quartile = (values[n // 4], values[n // 2], values[(3 * n) // 4])
        rows.append((name, n, f"{values[0]:+.1%}", f"{quartile[0]:+.1%}", f"{quartile[1]:+.1%}",
                     f"{quartile[2]:+.1%}", f"{values[-1]:+.1%}",
                     sum(abs(v) <= RELATIVE for v in values)))
    return table(["measure, 2019/20", "footprints", "lowest", "lower quartile", "median",
                  "upper quartile", "highest", "within ±5%"], rows)
