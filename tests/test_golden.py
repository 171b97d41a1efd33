"""Golden outputs: every shipped scenario, run now, against the results committed for it.

The goldens in tests/golden are `stpmodel run` outputs by financial year, written by
`make goldens`. When a change to the model moves a number on purpose, regenerate them and review
their diff with the change: the diff is what the change did to each plan.

The tolerance is abs=1e-6,rel=1e-9: a value fails when it moves by more than the last decimal a
file holds (1e-6) and by more than a billionth of itself. The model is deterministic for a given
seed, so on one machine the outputs are byte-identical; the tolerance only absorbs the last-digit
rounding that another CPU's or library's floating point could bring to a large figure.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from stpmodel.cli import app

from .conftest import ROOT, SCENARIOS

GOLDEN = ROOT / "tests" / "golden"
TOLERANCE = "abs=1e-6,rel=1e-9"
SHIPPED = sorted(SCENARIOS.glob("*.yaml"))


def test_every_shipped_scenario_has_a_golden_and_every_golden_a_scenario():
    assert sorted(p.stem for p in GOLDEN.glob("*.csv")) == sorted(p.stem for p in SHIPPED)


@pytest.mark.parametrize("scenario", SHIPPED, ids=lambda p: p.stem)
def test_a_shipped_scenario_still_gives_its_golden_outputs(scenario):
    result = CliRunner().invoke(app, ["diff", str(GOLDEN / f"{scenario.stem}.csv"),
                                      str(scenario), "--tolerance", TOLERANCE])
    assert result.exit_code == 0, (
        f"{result.stdout}{result.stderr}\nThe outputs of {scenario.name} moved. If that is "
        "intended, run `make goldens` and review the diff of tests/golden with the change.")


def test_the_golden_check_fails_when_a_number_moves_beyond_the_tolerance(tmp_path):
    """Move the largest value of a golden by a millionth of itself (beyond both thresholds),
    and another golden's by a tenth of a billionth (within rel=1e-9): only the first fails."""
    import polars as pl

    from stpmodel.compare import read_output
    from stpmodel.output import write_frame

    golden = GOLDEN / "iapt-25-percent.csv"
    frame = read_output(golden)
    biggest = frame["value"].abs().arg_max()
    for factor, code in ((1 + 1e-6, 1), (1 + 1e-10, 0)):
        moved = frame.with_columns(
            pl.when(pl.int_range(pl.len()) == biggest).then(pl.col("value") * factor)
            .otherwise(pl.col("value")).alias("value"))
        write_frame(moved, tmp_path / "moved.csv", "csv")
        result = CliRunner().invoke(app, ["diff", str(tmp_path / "moved.csv"),
                                          str(SCENARIOS / golden.name.replace(".csv", ".yaml")),
                                          "--tolerance", TOLERANCE])
        assert result.exit_code == code, result.output
