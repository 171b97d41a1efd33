"""Safe writes (issue 18, item 7 and part of 10): an output never replaces an input of the run,
a special file or (without --force) a read-only file; a replaced file keeps its mode; a failed
or interrupted write leaves no temporary file; a full disk is exit 2 for every format."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from stpmodel.cli import app
from stpmodel.errors import OutputError
from stpmodel.output import remove_orphans, remove_pending, write_atomic, write_frame

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "iapt-25-percent.yaml"
OTHER = ROOT / "scenarios" / "iapt-workforce-short.yaml"


def invoke(*args: object) -> object:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "s.yaml"
    path.write_bytes(SCENARIO.read_bytes())
    return path


def test_run_refuses_to_write_over_its_scenario(scenario: Path) -> None:
    before = scenario.read_bytes()
    result = invoke("run", scenario, "-o", scenario, "-f", "csv")
    assert result.exit_code == 2
    assert result.stderr == (f"{scenario}: is an input of this run ({scenario}); refusing to "
                             "write over it\n")
    assert scenario.read_bytes() == before and leftovers(scenario.parent) == []


def test_run_refuses_a_symlink_to_its_scenario(scenario: Path) -> None:
    link = scenario.parent / "out.csv"
    link.symlink_to(scenario)
    result = invoke("run", scenario, "-o", link)
    assert result.exit_code == 2 and "is an input of this run" in result.stderr
    assert scenario.read_bytes() == SCENARIO.read_bytes()


def test_diff_refuses_to_write_over_either_input(scenario: Path, tmp_path: Path) -> None:
    other = tmp_path / "b.yaml"
    other.write_bytes(OTHER.read_bytes())
    for target in (scenario, other):
        result = invoke("diff", scenario, other, "-o", target, "-f", "csv")
        assert result.exit_code == 2, result.stderr
        assert f"{target}: is an input of this run" in result.stderr
    assert scenario.read_bytes() == SCENARIO.read_bytes()
    assert other.read_bytes() == OTHER.read_bytes()


def test_batch_refuses_an_output_that_is_a_scenario(tmp_path: Path) -> None:
    odd = tmp_path / "plan.csv"  # a scenario with an unusual name, whose output is itself
    odd.write_bytes(SCENARIO.read_bytes())
    result = invoke("batch", odd, "--out-dir", tmp_path)
    assert result.exit_code == 2
    assert f"{odd}: is an input of this batch ({odd}); refusing to write over it" in result.stderr
    assert odd.read_bytes() == SCENARIO.read_bytes()


def test_import_refuses_to_write_over_its_input(tmp_path: Path) -> None:
    source = next((ROOT / "tests" / "data" / "oaps").glob("*.csv"))
    copy = tmp_path / source.name
    copy.write_bytes(source.read_bytes())
    result = invoke("import", "oaps", copy, "-o", copy, "--force")
    assert result.exit_code == 2 and "is an input of this run" in result.stderr
    assert copy.read_bytes() == source.read_bytes()


def test_special_files_are_refused(scenario: Path) -> None:
    link = scenario.parent / "null.csv"
    link.symlink_to("/dev/null")
    result = invoke("run", scenario, "-o", link)
    assert result.exit_code == 2
    assert result.stderr == (f"{link}: is a character device (through a symlink), not a "
                             "regular file; refusing to write over it\n")
    assert link.is_symlink()
    fifo = scenario.parent / "pipe.csv"
    os.mkfifo(fifo)
    result = invoke("run", scenario, "-o", fifo)
    assert result.exit_code == 2 and "is a named pipe (fifo), not a regular file" in result.stderr


def test_a_symlink_to_a_regular_file_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_atomic(link, lambda tmp: tmp.write_text("new\n"))
    assert link.is_symlink() and real.read_text() == "new\n"


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    path.write_text("old\n")
    path.chmod(0o600)
    write_atomic(path, lambda tmp: tmp.write_text("new\n"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.read_text() == "new\n"
    path.chmod(0o640)
    write_atomic(path, lambda tmp: tmp.write_text("newer\n"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.csv", lambda tmp: tmp.write_text("x\n"))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o640


def test_read_only_needs_force(scenario: Path) -> None:
    out = scenario.parent / "out.csv"
    out.write_text("keep me\n")
    out.chmod(0o444)
    result = invoke("run", scenario, "-o", out)
    assert result.exit_code == 2
    assert result.stderr == (f"{out}: is read-only; refusing to replace it\n"
                             "  hint: use --force to replace it anyway\n")
    assert out.read_text() == "keep me\n"
    result = invoke("run", scenario, "-o", out, "--force")
    assert result.exit_code == 0, result.stderr
    assert out.read_text().startswith("scenario,") or "," in out.read_text()
    assert stat.S_IMODE(out.stat().st_mode) == 0o444  # replaced, mode kept


def test_read_only_batch_output_needs_force(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "s.csv").write_text("keep me\n")
    (out / "s.csv").chmod(0o444)
    result = invoke("batch", scenario, "--out-dir", out)
    assert result.exit_code == 1 and "is read-only" in result.stderr
    assert (out / "s.csv").read_text() == "keep me\n"
    assert invoke("batch", scenario, "--out-dir", out, "--force").exit_code == 0
    assert (out / "s.csv").read_text() != "keep me\n"


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    path.write_text("good\n")

    def boom(tmp: Path) -> None:
        tmp.write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, boom)
    assert path.read_text() == "good\n" and leftovers(tmp_path) == []


def test_remove_pending_removes_what_is_being_written(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    seen: list[str] = []

    def write(tmp: Path) -> None:
        tmp.write_text("half")
        seen.extend(leftovers(tmp_path))
        remove_pending()  # what the SIGTERM handler of a batch worker does
        raise SystemExit(143)

    with pytest.raises(SystemExit):
        write_atomic(path, write)
    assert len(seen) == 1 and seen[0].startswith(f".out.csv.stpmodel-{os.getpid()}.")
    assert leftovers(tmp_path) == [] and not path.exists()


def test_orphans_of_dead_processes_only(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    target = tmp_path / "out.csv"
    names = [f".out.csv.stpmodel-{dead.pid}.abc.tmp",  # a killed run's: removed
             f".out.csv.stpmodel-{os.getpid()}.abc.tmp",  # a live one's: kept
             ".out.csv.abc.tmp",  # the user's own: kept
             f".other.csv.stpmodel-{dead.pid}.abc.tmp"]  # another target's: kept
    for name in names:
        (tmp_path / name).write_text("")
    assert [p.name for p in remove_orphans(target)] == [names[0]]
    assert leftovers(tmp_path) == sorted(names[1:])


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_orphans_of_a_process_ended_but_not_yet_reaped(tmp_path: Path) -> None:
    """A killed batch's workers are zombies until the system reaps them, and signal 0 still
    finds a zombie: its files are orphans all the same (the next batch, started at once, found
    one and left it)."""
    import time

    zombie = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        deadline = time.monotonic() + 30
        while Path(f"/proc/{zombie.pid}/stat").read_text().split(")")[1].split()[0] != "Z":
            assert time.monotonic() < deadline, "the child did not end"
            time.sleep(0.01)
        target = tmp_path / "out.csv"
        name = f".out.csv.stpmodel-{zombie.pid}.abc.tmp"
        (tmp_path / name).write_text("")
        assert [p.name for p in remove_orphans(target)] == [name]
    finally:
        zombie.wait()


def test_full_disk_is_exit_2_for_parquet(scenario: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(self: pl.DataFrame, file: object, *args: object, **kwargs: object) -> None:
        Path(str(file)).write_bytes(b"PAR1")
        raise pl.exceptions.ComputeError("parquet: File out of specification: underlying IO "
                                         "error: No space left on device (os error 28)")

    monkeypatch.setattr(pl.DataFrame, "write_parquet", full)
    out = scenario.parent / "out.parquet"
    result = invoke("run", scenario, "-o", out)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{out}: cannot write: No space left on device (os error "
                                    "28)\n")
    assert not out.exists() and leftovers(scenario.parent) == []


def test_full_disk_is_an_output_error_for_csv(tmp_path: Path) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    frame = pl.DataFrame({"value": [1.0]})

    def full(tmp: Path) -> None:
        with open("/dev/full", "w") as sink:
            sink.write("x" * 100_000)

    # write_atomic is the one place an OSError becomes a message naming the target, so every
    # command that writes a file says it the same way
    with pytest.raises(OutputError, match=r"out\.csv: cannot write: No space left on device"):
        write_atomic(tmp_path / "out.csv", full)
    with pytest.raises(OutputError, match="does not exist"):
        write_frame(frame, tmp_path / "dir-that-is-not-there" / "x.csv", "csv")
    assert leftovers(tmp_path) == []
