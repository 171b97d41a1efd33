"""The terminal: the tornado at 80 columns, the first run's notice, stale trajectories, shell
completion."""

from __future__ import annotations

import os
import re
import sys

import pytest
from typer.testing import CliRunner

from stpmodel.cli import app
from stpmodel.cli.app import COMPILING, kernels_cold
from stpmodel.output import format_money

from .conftest import MINIMAL
from .test_uncertainty import TORNADO


def invoke(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_the_tornado_reads_at_80_columns_with_units_and_money(tmp_path, monkeypatch):
    """Savings = bed days × £/bed day (see test_tornado_ranks_a_linear_case_by_hand): medians
    14,500 × £245 = £3,552,500; bed days at p10, 10,900 × 245 = £2,670,500; at p90
    18,100 × 245 = £4,434,500; swing £1,764,000."""
    monkeypatch.setenv("COLUMNS", "80")
    path = tmp_path / "tornado.yaml"
    path.write_text(TORNADO)
    result = invoke("sensitivity", path, "-m", "liaison_savings", "-p", "2019/20")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    title = " ".join(line.strip() for line in lines[:2])  # the title wraps at 80 columns
    assert title.startswith("Tornado: liaison_savings [£ (2024/25 prices)], 2019/20; £3.55m "
                            "with every value at its median")
    row = next(line for line in lines if line.startswith(" liaison.bed_days_saved"))
    assert row.split()[1:] == ["10,900", "→", "18,100", format_money(2_670_500),
                               format_money(4_434_500), format_money(1_764_000)]
    assert format_money(1_764_000) == "£1.76m"
    assert any(line.startswith(" liaison.bed_day_cost ") for line in lines)
    assert "{uniform: [10000, 19000]}" in result.stdout
    assert not re.search(r"\d{7}", result.stdout)  # no raw pounds


def test_the_first_run_says_it_compiles_once(tmp_path):
    package = tmp_path / "pkg"
    (package / "kernels").mkdir(parents=True)
    (package / "kernels" / "k.py").write_text("@njit(cache=True)\ndef f(): pass\n")
    (package / "kernels" / "k2.py").write_text("@njit(cache=True)\ndef g(): pass\n")
    (package / "kernels" / "plain.py").write_text("def h(): pass\n")  # not compiled
    assert kernels_cold(package, {})
    tag = f"py{sys.version_info.major}{sys.version_info.minor}"
    elsewhere = tmp_path / "numba-cache" / "some_folder"
    elsewhere.mkdir(parents=True)
    (elsewhere / f"k.f-1.{tag}.nbi").write_text("")
    assert not kernels_cold(package, {"NUMBA_CACHE_DIR": str(tmp_path / "numba-cache")})
    assert kernels_cold(package, {})  # the cache that numba was not told of does not count
    cache = package / "kernels" / "__pycache__"
    cache.mkdir()
    (cache / "k.f-1.py20.nbi").write_text("")
    assert kernels_cold(package, {})  # another Python's cache does not count
    index = cache / f"k2.g-1.{tag}.nbi"
    index.write_text("")
    assert not kernels_cold(package, {})  # one kernel compiled: no longer the first run
    assert kernels_cold(package, {"NUMBA_CACHE_DIR": str(tmp_path / "empty-cache")})
    os.utime(index, (1_000_000, 1_000_000))  # the kernel changed after it was compiled
    assert kernels_cold(package, {})
    os.utime(package / "kernels" / "k2.py", (999_999, 999_999))
    assert not kernels_cold(package, {})
    assert not kernels_cold(tmp_path / "empty", {})  # no kernels at all: nothing to compile


def test_the_notice_is_one_line_on_stderr_when_the_kernels_are_cold(tmp_path, monkeypatch):
    module = sys.modules["stpmodel.cli.app"]  # (stpmodel.cli.app is also the Typer app)
    monkeypatch.setattr(module, "kernels_cold", lambda: True)
    monkeypatch.delenv(module.QUIET, raising=False)
    path = tmp_path / "minimal.yaml"
    path.write_text(MINIMAL)
    result = invoke("run", path, "-f", "csv")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == COMPILING
    assert COMPILING not in result.stdout
    monkeypatch.setenv(module.QUIET, "0")
    assert COMPILING not in invoke("run", path, "-f", "csv").stderr
    monkeypatch.delenv(module.QUIET)
    monkeypatch.setattr(module, "kernels_cold", lambda: False)
    assert COMPILING not in invoke("run", path, "-f", "csv").stderr


@pytest.mark.parametrize(("start", "end", "where"), [
    ("2025-04", "2026-03", "before the run (2025-04 to 2026-03), so its last value"),
    ("2017-04", "2018-03", "after the run (2017-04 to 2018-03), so its first value"),
])
def test_a_trajectory_wholly_outside_the_run_is_warned_of(tmp_path, start, end, where):
    text = (MINIMAL.replace("start: 2019-04", f"start: {start}")
            .replace("end: 2020-03", f"end: {end}")
            .replace("access: 0.25", "access: {2019-04: 0.2, 2024-03: 0.25}"))
    path = tmp_path / "stale.yaml"
    path.write_text(text)
    expected = (f"warning: iapt.access: its dates (2019-04 to 2024-03) all fall {where} "
                "holds throughout; are they out of date?")
    for command in ("run", "validate"):
        result = invoke(command, path)
        assert result.exit_code == 0, result.output
        assert expected in result.stderr.splitlines()


def test_a_trajectory_that_overlaps_the_run_is_not_warned_of(tmp_path):
    path = tmp_path / "fine.yaml"
    path.write_text(MINIMAL.replace("access: 0.25", "access: {2018-04: 0.2, 2019-06: 0.25}"))
    result = invoke("run", path)
    assert result.exit_code == 0 and "warning" not in result.stderr


def test_shell_completion_is_switched_on():
    result = invoke("--help")
    assert "--install-completion" in result.stdout and "--show-completion" in result.stdout
