"""Smaller hardening items (issue 18): percentiles labelled exactly, a warning before a run that
needs more than about 2 GB, and numba's cache folder when the package folder is read-only."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stpmodel import numbacache
from stpmodel.cli import app
from stpmodel.cli.app import MEMORY_WARNING_BYTES, memory_needed
from stpmodel.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "iapt-25-percent.yaml"


def invoke(*args: object) -> object:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.mark.parametrize("given", ["99.999999999", "50,99.9999", "1e-5", "0.0001"])
def test_percentiles_finer_than_three_decimals_are_refused(given: str) -> None:
    result = invoke("run", SCENARIO, "--percentiles", given, "--draws", "3", "-f", "csv")
    assert result.exit_code == 2
    assert "--percentiles: at most 3 decimals (such as 99.999)" in result.stderr


@pytest.mark.parametrize("given", ["nan", "101", "-1", "inf", "x", ","])
def test_percentiles_out_of_range(given: str) -> None:
    result = invoke("run", SCENARIO, "--percentiles", given, "-f", "csv")
    assert result.exit_code == 2
    assert result.stderr.startswith("--percentiles takes numbers from 0 to 100")


def test_three_decimals_are_labelled_exactly() -> None:
    result = invoke("run", SCENARIO, "--percentiles", "2.5,99.999", "--draws", "3", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    header = result.stdout.splitlines()[0].split(",")
    assert "p2.5" in header and "p99.999" in header and "p100" not in header


def test_a_run_that_needs_more_than_2_gb_warns() -> None:
    scenario = load_scenario(SCENARIO)
    assert memory_needed(scenario.with_overrides(draws=1)) < MEMORY_WARNING_BYTES
    big = scenario.with_overrides(draws=100_000)
    assert memory_needed(big) > MEMORY_WARNING_BYTES  # 2.21 GB measured at 16,000 draws


def test_the_warning_is_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    cli_app = sys.modules["stpmodel.cli.app"]  # the module, not the app it defines
    monkeypatch.setattr(cli_app, "MEMORY_WARNING_BYTES", 1)  # not to need 2 GB in a test
    result = invoke("run", SCENARIO, "--draws", "2", "-f", "csv")
    assert result.exit_code == 0
    assert "warning: 2 draws may need about " in result.stderr
    assert "use fewer draws (--draws)" in result.stderr


def test_no_warning_for_an_ordinary_run() -> None:
    result = invoke("run", SCENARIO, "-f", "csv")
    assert result.exit_code == 0 and "warning" not in result.stderr


# --- numba's cache -------------------------------------------------------------------------


def test_numba_cache_left_alone_when_the_package_is_writable(tmp_path: Path) -> None:
    env: dict[str, str] = {"XDG_CACHE_HOME": str(tmp_path)}
    numbacache.configure(tmp_path, env)
    assert "NUMBA_CACHE_DIR" not in env


def test_numba_cache_goes_to_the_user_cache(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(numbacache, "_package_writable", lambda package: False)
    env: dict[str, str] = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    numbacache.configure(tmp_path, env)
    assert env["NUMBA_CACHE_DIR"] == str(tmp_path / "cache" / "stpmodel" / "numba")
    assert Path(env["NUMBA_CACHE_DIR"]).is_dir()


def test_numba_cache_respects_the_users_choice(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(numbacache, "_package_writable", lambda package: False)
    env = {"NUMBA_CACHE_DIR": "/somewhere/chosen", "XDG_CACHE_HOME": str(tmp_path)}
    numbacache.configure(tmp_path, env)
    assert env["NUMBA_CACHE_DIR"] == "/somewhere/chosen"


def test_numba_cache_falls_back_to_a_private_temporary_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(numbacache, "_package_writable", lambda package: False)
    monkeypatch.setattr(numbacache.tempfile, "gettempdir", lambda: str(tmp_path))
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")  # the home cache cannot be made: a file is in the way
    env = {"XDG_CACHE_HOME": str(blocked)}
    numbacache.configure(tmp_path, env)
    folder = Path(env["NUMBA_CACHE_DIR"])
    assert folder == tmp_path / f"stpmodel-numba-{os.getuid()}"
    assert folder.stat().st_mode & 0o077 == 0


def test_numba_cache_never_uses_a_folder_others_can_write(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(numbacache, "_package_writable", lambda package: False)
    monkeypatch.setattr(numbacache.tempfile, "gettempdir", lambda: str(tmp_path))
    shared = tmp_path / f"stpmodel-numba-{os.getuid()}"
    shared.mkdir()
    shared.chmod(0o777)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    env = {"XDG_CACHE_HOME": str(blocked)}
    numbacache.configure(tmp_path, env)
    assert "NUMBA_CACHE_DIR" not in env


def test_diff_warns_too(monkeypatch: pytest.MonkeyPatch) -> None:
    cli_app = sys.modules["stpmodel.cli.app"]
    monkeypatch.setattr(cli_app, "MEMORY_WARNING_BYTES", 1)
    result = invoke("diff", SCENARIO, SCENARIO, "--draws", "2")
    assert result.exit_code == 0 and result.stderr.count("warning: 2 draws may need") == 2


def test_a_read_only_sub_package_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "__init__.py").write_text("")
    kernels = tmp_path / "kernels"
    kernels.mkdir()
    (kernels / "__init__.py").write_text("")
    real_access = os.access
    monkeypatch.setattr(numbacache.os, "access",
                        lambda path, mode: Path(path) != kernels and real_access(path, mode))
    assert not numbacache._package_writable(tmp_path)
    monkeypatch.setattr(numbacache.os, "access", real_access)
    assert numbacache._package_writable(tmp_path)
