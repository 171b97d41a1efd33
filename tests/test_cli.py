"""End-to-end: the real command line on the shipped scenarios."""

from __future__ import annotations

import json
import subprocess
import sys

import polars as pl
import pytest
from typer.testing import CliRunner

from stpmodel.cli import app
from stpmodel.services import metrics_for
from stpmodel.services import standards_for as applicable

from .conftest import ROOT, SCENARIOS

runner = CliRunner()
# rows per period for an IAPT-only scenario: its metrics and the standards they are held to
IAPT_METRICS = len(metrics_for(("iapt",))) + len(applicable(metrics_for(("iapt",))))
PLAN = str(SCENARIOS / "iapt-25-percent.yaml")
SHORT = str(SCENARIOS / "iapt-workforce-short.yaml")


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_run_prints_a_table_by_financial_year():
    result = invoke("run", PLAN)
    assert result.exit_code == 0, result.output
    assert "IAPT to 25% access · Birmingham and Solihull (E54000017) · by year" in result.stdout
    for text in ("iapt_access_rate", "2019/20", "2023/24", "25.0%"):
        assert text in result.stdout


def test_csv_is_tidy_sorted_and_identical_run_to_run():
    first = invoke("run", PLAN, "--format", "csv", "--by", "quarter")
    second = invoke("run", PLAN, "--format", "csv", "--by", "quarter")
    assert first.exit_code == 0
    assert first.stdout == second.stdout
    lines = first.stdout.splitlines()
    assert lines[0] == "scenario,footprint_code,footprint,period,metric,unit,value"
    keys = [tuple(line.split(",")[1:5]) for line in lines[1:]]
    assert keys == sorted(keys, key=lambda r: (r[0], r[3], r[2]))
    assert len(lines) - 1 == IAPT_METRICS * 20  # every IAPT metric × 20 quarters


def test_monthly_csv_has_every_month_and_stable_numbers(tmp_path):
    out = tmp_path / "plan.csv"
    result = invoke("run", PLAN, "--by", "month", "-o", str(out))
    assert result.exit_code == 0, result.output
    frame = pl.read_csv(out)
    assert frame.height == IAPT_METRICS * 60
    assert frame["period"].unique().sort().to_list()[:2] == ["2019-04", "2019-05"]
    text = out.read_text()
    assert "e+" not in text and "e-" not in text  # fixed decimals, never exponents
    assert ",0.25\n" in text  # 25% access formatted as 0.25, not 0.250000


def test_csv_parquet_and_json_hold_the_same_numbers(tmp_path):
    for fmt in ("csv", "parquet", "json"):
        result = invoke("run", PLAN, "-o", str(tmp_path / f"plan.{fmt}"))
        assert result.exit_code == 0, result.output
    from_csv = pl.read_csv(tmp_path / "plan.csv")
    from_parquet = pl.read_parquet(tmp_path / "plan.parquet")
    from_json = pl.DataFrame(json.loads((tmp_path / "plan.json").read_text())["rows"])
    assert from_csv.columns == from_parquet.columns == from_json.columns
    for other in (from_parquet, from_json):
        assert other["value"].to_list() == pytest.approx(from_csv["value"].to_list(), abs=1e-6)


def test_workforce_short_says_so_on_stderr():
    """iapt-workforce-short.yaml plans 25% of need through 2020/21 but holds staff to 98.3 WTE
    grown by 15 a year, short of the plan all year. So the people entering treatment are those
    the staff in post can treat, with a backlog waiting: over April 2020 to March 2021 (months
    m = 12 .. 23 from April 2019), Σ (98.3 + 15 × m ÷ 12) WTE × 1,000 sessions ÷ 12 ÷ 4.1329
    sessions a course entered (0.531 × 6.9 + 0.469 × 1), against need 0.1334 × 931,003 ×
    1.0062^(m ÷ 12) ÷ 12 a month."""
    months = range(12, 24)
    per_course = 0.531 * 6.9 + 0.469 * 1
    entered = sum((98.3 + 15 * m / 12) * 1000 / 12 / per_course for m in months)
    need = sum(0.1334 * 931_003 * 1.0062 ** (m / 12) / 12 for m in months)
    result = invoke("run", SHORT, "-f", "csv")
    assert result.exit_code == 0
    assert (f"note: Birmingham and Solihull 2020/21: IAPT access {entered / need:.1%} is below "
            "the planned 25.0%; therapists were short in 12 of 12 months") in result.stderr
    assert "note:" not in result.stdout


def test_draws_and_seed_overrides():
    result = invoke("run", PLAN, "-f", "csv", "--draws", "2", "--seed", "7")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].endswith("unit,mean,p05,p50,p95")


@pytest.mark.parametrize(("args", "message"), [
    (["-o", "plan.txt"], "cannot tell the format of plan.txt from its suffix"),
    (["-f", "table", "-o", "plan.csv"], "the table is for the terminal"),
    (["-f", "parquet"], "parquet is binary; give a file with -o"),
    (["-o", "no/such/folder/plan.csv"], "folder no/such/folder does not exist"),
])
def test_output_usage_errors_exit_2(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("run", PLAN, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a temporary file


def test_unknown_option_is_a_usage_error():
    result = invoke("run", PLAN, "--by", "decade")
    assert result.exit_code == 2


def test_schema_is_json_schema_with_units():
    result = invoke("schema")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["title"] == "stpmodel scenario"
    assert {"name", "footprint", "start", "end", "population", "iapt"} <= set(doc["properties"])
    access = doc["$defs"]["Iapt"]["properties"]["access"]
    assert access["unit"] == "fraction of need/year"
    assert access["x-interpolation"] == "linear"
    assert doc["$defs"]["Iapt"]["additionalProperties"] is False


@pytest.mark.parametrize("command", ["run", "validate", "schema"])
def test_every_command_has_help(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.stdout and len(result.stdout.splitlines()) > 3


def test_installed_console_script_end_to_end(tmp_path):
    """The real entry point, in a fresh process: exit codes as documented."""
    exe = [sys.executable, "-m", "stpmodel"]
    ok = subprocess.run([*exe, "run", SHORT, "-o", str(tmp_path / "o.csv")],
                        capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "o.csv").exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n")
    failed = subprocess.run([*exe, "run", str(bad)], capture_output=True, text=True)
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    assert failed.stderr.startswith(f"{bad}:")
    usage = subprocess.run([*exe, "run"], capture_output=True, text=True)
    assert usage.returncode == 2


def test_a_partial_financial_year_is_pointed_out(tmp_path):
    text = (SCENARIOS / "iapt-25-percent.yaml").read_text().replace("start: 2019-04",
                                                                    "start: 2019-10")
    scenario = tmp_path / "late.yaml"
    scenario.write_text(text)
    result = invoke("run", str(scenario), "-f", "csv")
    assert result.exit_code == 0
    assert "note: 2019/20 covers 6 of its 12 months in this run." in result.stderr


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("stpmodel 0.")


def test_assumptions_are_listed_after_the_run():
    result = invoke("run", str(SCENARIOS / "end-oaps.yaml"), "-f", "csv")
    assert result.exit_code == 0
    assert ("assumptions to replace with local figures:\n"
            "  - inpatient.admissions = 2400\n"
            "  - inpatient.los_days = {2019-04: 38, 2022-04: 32}\n") in result.stderr


def test_the_table_never_shows_a_negative_zero():
    """A value that rounds to zero from below reads 0 (crisis_admissions_avoided was -0 in a
    year whose cover barely changed); a real negative keeps its sign."""
    from stpmodel.output import format_value as _human

    assert _human(-0.0, "admissions") == "0"
    assert _human(-0.3, "admissions") == "0"
    assert _human(-0.6, "admissions") == "-1"
    assert _human(-0.00001, "fraction") == "0.0%"
    assert _human(-0.04, "WTE") == "0.0"
    assert _human(-5.0, "persons") == "-5"


def test_the_command_loads_numba_without_scipy_linalg():
    """In the command's process numba's first kernel is loaded without importing
    scipy.linalg (NumbaWithoutBlas), the finder then removes itself, and scipy.linalg imports
    as usual afterwards."""
    code = (
        "import sys\n"
        "from stpmodel.cli import NumbaWithoutBlas\n"
        "finder = NumbaWithoutBlas()\n"
        "sys.meta_path.insert(0, finder)\n"
        "import numpy as np\n"
        "from stpmodel.kernels import beds\n"
        "a, b = np.ones(4), np.array([1.0, 1.0, 2.0, 1.0])\n"
        "print(beds.first_difference(a, a, a, a, b, a))\n"
        "import numba.np.arraymath\n"
        "print('linalg' if 'scipy.linalg' in sys.modules else 'none',\n"
        "      'gone' if finder not in sys.meta_path else 'still')\n"
        "import scipy.linalg.cython_blas\n"
        "print(scipy.linalg.__name__)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    lines = done.stdout.split("\n")
    assert lines[0] == "2"  # the compiled kernel ran
    assert lines[1] == "none gone"
    assert lines[2] == "scipy.linalg"


@pytest.mark.parametrize("args", [["--help"], ["validate", "scenarios/end-oaps.yaml"],
                                  ["validate", "scenarios/england-ltp.yaml"]])
def test_help_and_validate_import_neither_numba_nor_polars(args):
    """--help and validate start quickly: neither imports numba or polars (validate reads
    the footprints and the price indices with the csv module)."""
    code = ("import sys\nfrom stpmodel.cli import app\n"
            f"try:\n    app({args!r}, standalone_mode=False)\nexcept SystemExit:\n    pass\n"
            "print('\\nheavy:', *(m for m in ('numba', 'polars') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert done.stdout.splitlines()[-1] == "heavy:"
    if args[0] == "validate":
        assert ": ok" in done.stdout
