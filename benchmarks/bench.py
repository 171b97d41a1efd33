"""`make bench`: stpmodel's performance figures, each beside its target (DESIGN.md, Performance).

    python -m benchmarks.bench [--quick]

Every figure is measured in its own process, and comparisons are measured side by side in this
one run and reported as ratios, so that a busy machine moves both sides alike. The table is
printed and written to benchmarks/results.md. Benchmarks, not tests: nothing here fails.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
STPMODEL = str(Path(PYTHON).with_name("stpmodel"))
SCENARIO = "scenarios/end-oaps.yaml"
NATIONAL_SCENARIO = ROOT / "scenarios" / "england-ltp.yaml"


def task(name: str, size: int, threads: int | None = None) -> dict:
    env = dict(os.environ)
    if threads is not None:
        env["NUMBA_NUM_THREADS"] = str(threads)
    done = subprocess.run([PYTHON, "-m", "benchmarks.workloads", name, str(size)], cwd=ROOT,
                          env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def wall(command: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env={**os.environ, **(env or {})}, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def heavy_imports(*args: str) -> list[str]:
    """The heavy modules (numba, polars) that a CLI command imports."""
    code = ("import sys\nfrom stpmodel.cli import app\n"
            f"try:\n    app({list(args)!r}, standalone_mode=False)\nexcept SystemExit:\n    pass\n"
            "print('heavy:', *(m for m in ('numba', 'polars') if m in sys.modules))")
    done = subprocess.run([PYTHON, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    return done.stdout.strip().splitlines()[-1].split()[1:]


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []

    def add(self, figure: str, value: str, target: str = "", met: bool | None = None) -> None:
        verdict = "" if met is None else ("met" if met else "MISSED")
        self.rows.append((figure, value, target, verdict))
        print(f"  {figure:<58} {value:>16}  {target:<14} {verdict}", flush=True)

    def markdown(self) -> str:
        lines = ["| figure | measured | target | |", "| --- | ---: | --- | --- |"]
        lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in self.rows]
        return "\n".join(lines)


def main() -> None:
    quick = "--quick" in sys.argv
    draws = 100 if quick else 1000
    table = Table()
    started = time.perf_counter()
    print(f"stpmodel benchmarks on {os.cpu_count()} cores, {platform.processor() or 'cpu'}, "
          f"Python {platform.python_version()}", flush=True)

    # 1. the CLI: start-up, lazy imports, cold and warm runs
    table.add("`stpmodel --help` wall time", f"{wall([STPMODEL, '--help']):.2f} s")
    table.add("`stpmodel validate` wall time",
              f"{wall([STPMODEL, 'validate', SCENARIO]):.2f} s")
    for args in (["--help"], ["validate", SCENARIO]):
        heavy = heavy_imports(*args)
        table.add(f"`{args[0]}` imports numba or polars", " ".join(heavy) or "neither",
                  "neither", not heavy)
    with tempfile.TemporaryDirectory() as cache:
        env = {"NUMBA_CACHE_DIR": cache}
        cold = wall([STPMODEL, "run", SCENARIO], env)
        warm = statistics.median(wall([STPMODEL, "run", SCENARIO], env) for _ in range(3))
    table.add(f"`stpmodel run {SCENARIO}` cold (empty numba cache)", f"{cold:.2f} s", "< 15 s",
              cold < 15)
    table.add(f"`stpmodel run {SCENARIO}` warm (median of 3)", f"{warm:.2f} s", "< 1 s",
              warm < 1)
    if NATIONAL_SCENARIO.exists():
        try:
            national_cli = wall([STPMODEL, "run", str(NATIONAL_SCENARIO)])
            table.add(f"`stpmodel run {NATIONAL_SCENARIO.name}` warm", f"{national_cli:.2f} s",
                      "< 10 s", national_cli < 10)
        except subprocess.CalledProcessError:
            table.add(f"`stpmodel run {NATIONAL_SCENARIO.name}`", "fails", "< 10 s", False)

    # 2. kernel throughput, one thread, and the physical limit
    kernels = task("kernels", 100, threads=1)
    per_admission = kernels["beds_s"] / kernels["admissions"] * 1e9
    table.add("bed kernel: ns per simulated admission (1 thread)", f"{per_admission:.1f} ns",
              "≤ ~30 ns", per_admission <= 33)
    table.add("bed kernel: ns per footprint-month-draw (1 thread)",
              f"{kernels['beds_s'] / kernels['cells'] * 1e9:.0f} ns")
    table.add("IAPT kernel: ns per footprint-month-draw (1 thread)",
              f"{kernels['iapt_s'] / kernels['cells'] * 1e9:.0f} ns")
    floor = task("floor", 100, threads=1)
    own = floor["own_s"] / floor["admissions"] * 1e9
    numba_random = floor["numba_s"] / floor["admissions"] * 1e9
    table.add("floor: 2 random draws per admission, kernel's streams", f"{own:.1f} ns")
    table.add("floor: the same draws from numba's np.random", f"{numba_random:.1f} ns")
    table.add("bed kernel ÷ floor (kernel's streams)", f"{per_admission / own:.2f}×", "~1×")

    # 3. scaling from 1 to 2 threads: alternating runs, ratio of medians
    times: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(3):
        for threads in (1, 2):
            times[threads].append(task("kernels", 100, threads=threads)["beds_s"])
    scaling = statistics.median(times[1]) / statistics.median(times[2])
    table.add("bed kernel speed-up, 1 → 2 threads (medians of 3)", f"{scaling:.2f}×", "≥ 1.8×",
              scaling >= 1.8)

    # 4. the national grid: both kernels, wall time and peak memory
    national = task("national", draws)
    total = national["beds_s"] + national["iapt_s"]
    table.add(f"national 44 × 60 × {draws:,}: bed kernel", f"{national['beds_s']:.2f} s")
    table.add(f"national 44 × 60 × {draws:,}: IAPT kernel", f"{national['iapt_s']:.2f} s")
    table.add(f"national 44 × 60 × {draws:,}: both kernels", f"{total:.2f} s", "< 10 s",
              total < 10 if not quick else None)
    table.add(f"national 44 × 60 × {draws:,}: peak RSS", f"{national['peak_rss_mb']:.0f} MB",
              "< 1,500 MB", national["peak_rss_mb"] < 1500)

    # 5. peers: Ciw on the same ward, and the plain NumPy/Python references
    ciw = task("ciw", 4 if quick else 10, threads=2)
    ratio = ciw["ciw_s_per_bed_year"] / ciw["kernel_s_per_bed_year"]
    table.add("Ciw: µs per simulated bed-year", f"{ciw['ciw_s_per_bed_year'] * 1e6:.0f} µs")
    table.add("bed kernel: µs per simulated bed-year (2 threads)",
              f"{ciw['kernel_s_per_bed_year'] * 1e6:.2f} µs")
    table.add("bed kernel speed ÷ Ciw, per bed-year", f"{ratio:,.0f}×", "≥ 1,000×",
              ratio >= 1000)
    gap = abs(ciw["ciw_share"] - ciw["kernel_share"])
    error = (ciw["ciw_error"] ** 2 + ciw["kernel_error"] ** 2) ** 0.5
    table.add("out-of-area share: Ciw vs kernel",
              f"{ciw['ciw_share']:.4f} vs {ciw['kernel_share']:.4f}",
              f"within 3 SE ({3 * error:.4f})", gap <= 3 * error)
    reference = task("reference", 4, threads=1)
    beds_ratio = reference["beds_reference_s"] / reference["beds_kernel_s"]
    iapt_ratio = reference["iapt_reference_s"] / reference["iapt_kernel_s"]
    table.add("bed kernel ÷ plain Python/NumPy reference (1 thread)", f"{beds_ratio:,.0f}×",
              "≥ 50×", beds_ratio >= 50)
    table.add("IAPT kernel ÷ vectorised NumPy reference (1 thread)", f"{iapt_ratio:,.0f}×")

    elapsed = time.perf_counter() - started
    header = (f"Measured by `make bench` on {os.cpu_count()} cores "
              f"({platform.machine()}, Python {platform.python_version()}) in {elapsed:.0f} s"
              f"{' (--quick)' if quick else ''}.\n\n")
    (ROOT / "benchmarks" / "results.md").write_text(header + table.markdown() + "\n",
                                                   encoding="utf-8")
    print(f"written to benchmarks/results.md ({elapsed:.0f} s)")


if __name__ == "__main__":
    main()
