"""Killing stpmodel at a random moment (issue 18, item 8): a killed ``run -o`` or ``batch``
leaves no temporary file (for SIGKILL, once the next write to the same place has run), no
process behind, and never a damaged copy of a good file. Every wait is bounded; the moments
come from a fixed seed, so a failure can be replayed."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENGLAND = ROOT / "scenarios" / "england-ltp.yaml"  # 44 footprints: a 10 MB monthly CSV
BATCH = ["iapt-25-percent.yaml", "end-oaps.yaml", "ltp-footprint.yaml"]
WAIT_S = 30.0  # the most any process is waited for; a hang fails the test rather than CI

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads /proc to find processes")


def stpmodel(*args: object, cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "stpmodel", *map(str, args)], cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def finish(process: subprocess.Popen[bytes]) -> int:
    try:
        process.wait(WAIT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail(f"{process.args} did not end within {WAIT_S} s")
    return process.returncode


def descendants(pid: int) -> set[int]:
    """Every process whose parent chain leads to ``pid`` (as /proc shows it now)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def alive(pids: set[int]) -> set[int]:
    living = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.add(pid)
    return living


def wait_gone(pids: set[int]) -> set[int]:
    deadline = time.monotonic() + WAIT_S
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive(pids)


def england_to(out: Path) -> subprocess.Popen[bytes]:
    """The national scenario by month to ``out``, with one draw: it ships with 100 (about 13 s
    here, the output written only at the end), which would put every kill below before the
    write began; with one it takes about 1.7 s and writes from about 1.4 s, inside the window."""
    return stpmodel("run", ENGLAND, "--draws", "1", "--by", "month", "-o", out, cwd=out.parent)


def temporary(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_run_o_killed_at_random_moments(tmp_path: Path) -> None:
    rng = random.Random(18)
    good = tmp_path / "out.csv"
    assert finish(england_to(good)) == 0
    expected = good.read_bytes()
    for sig in (signal.SIGTERM, signal.SIGKILL):
        process = england_to(good)
        time.sleep(rng.uniform(0.3, 2.0))
        process.send_signal(sig)
        code = finish(process)
        assert code in (0, 128 + sig, -sig), process.stderr.read() if process.stderr else ""
        assert good.read_bytes() == expected  # the good file: whole, old or new, never cut
        if sig == signal.SIGTERM:
            assert temporary(tmp_path) == []
    assert finish(england_to(good)) == 0
    assert temporary(tmp_path) == []  # what SIGKILL left, the next write removed
    assert good.read_bytes() == expected


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """The scenarios of the batch, and the files a whole batch of them writes."""
    tmp_path = tmp_path_factory.mktemp("batch")
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name in BATCH:
        shutil.copy(ROOT / "scenarios" / name, folder / name)
    out = tmp_path / "out"
    assert finish(stpmodel(*batch_args(folder, out), cwd=tmp_path)) == 0
    return folder, {p.name: p.read_bytes() for p in out.iterdir()}


def batch_args(scenarios: Path, out: Path) -> tuple[object, ...]:
    return ("batch", scenarios, "--out-dir", out, "-j", "2", "--draws", "300")


def wait_for_workers(process: subprocess.Popen[bytes], count: int) -> set[int]:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline and process.poll() is None:
        workers = descendants(process.pid)
        if len(workers) >= count:
            return workers
        time.sleep(0.05)
    return descendants(process.pid)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_batch_killed_leaves_no_workers_and_no_temporary_files(
        batch_run: tuple[Path, dict[str, bytes]], tmp_path: Path, sig: int) -> None:
    rng = random.Random(int(sig))
    scenarios, expected = batch_run
    out = tmp_path / "out"
    process = stpmodel(*batch_args(scenarios, out), cwd=tmp_path)
    workers = wait_for_workers(process, 2)
    assert workers, "the batch started no worker"
    time.sleep(rng.uniform(0.0, 1.0))
    workers |= descendants(process.pid)
    process.send_signal(sig)
    finish(process)
    assert wait_gone(workers) == set()  # no orphan keeps running (or writing)
    if sig == signal.SIGTERM:
        assert temporary(out) == []
    for path in out.iterdir():
        if not path.name.endswith(".tmp"):
            assert whole(path, expected), path.name
    if sig == signal.SIGKILL:  # what it left, the next batch removes
        assert finish(stpmodel(*batch_args(scenarios, out), cwd=tmp_path)) == 0
        assert temporary(out) == []
        assert sorted(p.name for p in out.iterdir()) == sorted(expected)
        assert all(whole(path, expected) for path in out.iterdir())


def whole(path: Path, expected: dict[str, bytes]) -> bool:
    """The file is as a whole batch writes it. summary.csv names the folders, which differ
    between runs here: its rows are counted instead."""
    if path.name == "summary.csv":
        lines = path.read_text(encoding="utf-8").splitlines()
        return len(lines) == len(BATCH) + 1 and all(",ok," in line for line in lines[1:])
    return path.read_bytes() == expected[path.name]
