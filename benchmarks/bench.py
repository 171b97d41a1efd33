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
    return measured(command, env)[0]


CPU_SECONDS: list[float] = []  # the CPU time (user + sys) of each command measured, in order


def measured(command: list[str], env: dict | None = None,
             stdout: int | None = subprocess.DEVNULL) -> tuple[float, float, bytes]:
    """Wall time [s] and peak RSS [MB] of one command (its own, from wait4), and its output
    when ``stdout`` is subprocess.PIPE. Its CPU time (user + sys) [s] is appended to
    CPU_SECONDS."""
    # Python's bytecode cache may be written, as on a user's machine: with
    # PYTHONDONTWRITEBYTECODE (set on the development machine) a module whose .pyc is missing or
    # stale is compiled again on every run, some 60 ms of a warm run
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env={**base, **(env or {})},
                               stdout=stdout, stderr=subprocess.DEVNULL)
    output = process.stdout.read() if process.stdout is not None else b""
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, command)
    CPU_SECONDS.append(usage.ru_utime + usage.ru_stime)
    return elapsed, usage.ru_maxrss / 1024.0, output


def heavy_imports(*args: str) -> list[str] | None:
    """The heavy modules (numba, polars) that a CLI command imports; None if it could not be
    told (the marker line is looked for among everything the command printed)."""
    code = ("import sys\nfrom stpmodel.cli import app\n"
            f"try:\n    app({list(args)!r}, standalone_mode=False)\nexcept SystemExit:\n    pass\n"
            "print('\\nheavy-modules:', *(m for m in ('numba', 'polars') if m in sys.modules))")
    done = subprocess.run([PYTHON, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("heavy-modules:"):
            return line.split()[1:]
    return None


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []

    def add(self, figure: str, value: str, target: str = "", met: bool | None = None) -> None:
        verdict = "" if met is None else ("met" if met else "MISSED")
        self.rows.append((figure, value, target, verdict))
        print(f"  {figure:<62} {value:>18}  {target:<16} {verdict}", flush=True)

    def check(self, figure: str, value: float, fmt: str, unit: str, target: str,
              within: str, limit: float) -> None:
        """A figure against its target, judged on the value as shown (so that the verdict
        and the figure never disagree): within is "<", "<=" or ">="."""
        shown = float(format(value, fmt))
        met = {"<": shown < limit, "<=": shown <= limit, ">=": shown >= limit}[within]
        self.add(figure, f"{format(value, ',' + fmt)}{unit}", target, met)

    def markdown(self) -> str:
        lines = ["| figure | measured | target | |", "| --- | ---: | --- | --- |"]
        lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in self.rows]
        return "\n".join(lines)


def main() -> None:
    quick = "--quick" in sys.argv
    draws = 100 if quick else 1000
    table = Table()
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    print(f"stpmodel benchmarks on {os.cpu_count()} cores, {platform.processor() or 'cpu'}, "
          f"Python {platform.python_version()}", flush=True)

    # 1. the CLI: start-up, lazy imports, cold and warm runs
    table.add("`stpmodel --help` wall time", f"{wall([STPMODEL, '--help']):.2f} s")
    table.add("`stpmodel validate` wall time",
              f"{wall([STPMODEL, 'validate', SCENARIO]):.2f} s")
    for args in (["--help"], ["validate", SCENARIO]):
        heavy = heavy_imports(*args)
        table.add(f"`{args[0]}` imports numba or polars",
                  "unknown" if heavy is None else (" ".join(heavy) or "neither"), "neither",
                  None if heavy is None else not heavy)
    with tempfile.TemporaryDirectory() as cache:
        env = {"NUMBA_CACHE_DIR": cache}
        cold = wall([STPMODEL, "run", SCENARIO], env)
        warm = statistics.median(wall([STPMODEL, "run", SCENARIO], env) for _ in range(5))
        warm_cpu = statistics.median(CPU_SECONDS[-5:])
    table.check(f"`stpmodel run {SCENARIO}` cold (empty numba cache)", cold, ".2f", " s",
                "< 15 s", "<", 15)
    table.check(f"`stpmodel run {SCENARIO}` warm (median of 5)", warm, ".2f", " s", "< 0.5 s",
                "<", 0.5)
    table.add(f"`stpmodel run {SCENARIO}` warm: CPU time, user + sys (median of 5)",
              f"{warm_cpu:.2f} s")
    if NATIONAL_SCENARIO.exists():
        name = NATIONAL_SCENARIO.name
        try:
            national_cli = wall([STPMODEL, "run", str(NATIONAL_SCENARIO)])
            table.add(f"`stpmodel run {name}` warm (44 footprints, 100 draws)",
                      f"{national_cli:.2f} s")
            seconds, rss, _ = measured([STPMODEL, "run", str(NATIONAL_SCENARIO), "--draws",
                                        str(draws)])
            if quick:
                table.add(f"`stpmodel run {name} --draws {draws:,}` (finance included)",
                          f"{seconds:.1f} s")
            else:
                table.check(f"`stpmodel run {name} --draws {draws:,}` (finance included)",
                            seconds, ".1f", " s", "< 10 s", "<", 10)
            table.add(f"`stpmodel run {name} --draws {draws:,}`: CPU time, user + sys",
                      f"{CPU_SECONDS[-1]:.1f} s")
            table.check(f"`stpmodel run {name} --draws {draws:,}`: peak RSS", rss, ".0f", " MB",
                        "< 1,000 MB", "<", 1000)
            outputs = [measured([STPMODEL, "run", str(NATIONAL_SCENARIO), "-f", "csv"],
                                {"NUMBA_NUM_THREADS": str(n)}, subprocess.PIPE)[2]
                       for n in (1, 2)]
            same = outputs[0] == outputs[1] and len(outputs[0]) > 0
            table.add(f"`stpmodel run {name} -f csv`, 1 and 2 threads",
                      "byte-identical" if same else "DIFFER", "byte-identical", same)
        except subprocess.CalledProcessError:
            table.add(f"`stpmodel run {name}`", "fails", "< 10 s", False)

    # prioritise (issue 15): every portfolio of the shipped six schemes, 100 draws each
    schemes = "scenarios/devon-schemes.yaml"
    seconds, _, _ = measured([STPMODEL, "prioritise", schemes, "-f", "csv"])
    table.check(f"`stpmodel prioritise {schemes}` (64 portfolios × 100 draws)", seconds,
                ".1f", " s", "< 60 s", "<", 60)

    # 2. kernel throughput, one thread, and the physical limit
    # (one-thread figures are CPU time, which the other work of a shared machine moves less)
    kernels = task("kernels", 100, threads=1)
    per_admission = kernels["beds_cpu_s"] / kernels["admissions"] * 1e9
    table.check("bed kernel: ns per simulated admission (1 thread, CPU)", per_admission, ".1f",
                " ns", "≤ 20 ns", "<=", 20)
    table.add("bed kernel: ns per footprint-month-draw (1 thread, CPU)",
              f"{kernels['beds_cpu_s'] / kernels['cells'] * 1e9:,.0f} ns")
    table.add("IAPT kernel: ns per footprint-month-draw (1 thread, CPU)",
              f"{kernels['iapt_cpu_s'] / kernels['cells'] * 1e9:,.0f} ns")
    floor = task("floor", 100, threads=1)
    own = floor["own_s"] / floor["admissions"] * 1e9
    numba_random = floor["numba_s"] / floor["admissions"] * 1e9
    table.add("floor: 2 random draws per admission, kernel's streams (CPU)", f"{own:.1f} ns")
    table.add("floor: the same draws from numba's np.random (CPU)", f"{numba_random:.1f} ns")
    table.add("bed kernel ÷ floor (kernel's streams)", f"{per_admission / own:.2f}×", "~1×")

    # 3. scaling from 1 to 2 threads (wall time): alternating runs, ratio of medians; the
    # same output
    times: dict[int, list[float]] = {1: [], 2: []}
    digests = {kernels["digest"]}
    for _ in range(3):
        for threads in (1, 2):
            run = task("kernels", 100, threads=threads)
            times[threads].append(run["beds_s"])
            digests.add(run["digest"])
    scaling = statistics.median(times[1]) / statistics.median(times[2])
    table.check("bed kernel speed-up, 1 → 2 threads (medians of 3)", scaling, ".2f", "×",
                "≥ 1.9×", ">=", 1.9)
    table.add("bed kernel output, 1 and 2 threads (7 runs)",
              "byte-identical" if len(digests) == 1 else "DIFFER", "byte-identical",
              len(digests) == 1)

    # 4. the national grid: both kernels, wall time and peak memory
    national = task("national", draws)
    total = national["beds_s"] + national["iapt_s"]
    table.add(f"national 44 × 60 × {draws:,}: bed kernel (2 threads)",
              f"{national['beds_s']:.2f} s")
    table.add(f"national 44 × 60 × {draws:,}: IAPT kernel (2 threads)",
              f"{national['iapt_s']:.2f} s")
    table.add(f"national 44 × 60 × {draws:,}: both kernels", f"{total:.2f} s")
    table.add(f"national 44 × 60 × {draws:,}: kernels' peak RSS",
              f"{national['peak_rss_mb']:,.0f} MB")

    # the national run's work outside the bed kernel (one thread, CPU)
    rest = task("outside", draws, threads=1)
    table.add(f"national 44 × 60 × {draws:,} through `report`, all but the bed kernel "
              "(1 thread, CPU)", f"{rest['cpu_s']:.2f} s")

    # 5. peers: Ciw and SimPy on the same ward, Erlang B, and the plain NumPy/Python references
    peers = task("ciw", 4 if quick else 10, threads=1)
    kernel_s = peers["kernel_s_per_bed_year"]
    table.add("Ciw: µs per simulated bed-year (CPU)",
              f"{peers['ciw_s_per_bed_year'] * 1e6:,.0f} µs")
    table.add("SimPy: µs per simulated bed-year (CPU)",
              f"{peers['simpy_s_per_bed_year'] * 1e6:,.0f} µs")
    table.add("bed kernel: µs per simulated bed-year (1 thread, CPU)", f"{kernel_s * 1e6:.3f} µs")
    table.check("bed kernel speed ÷ Ciw, per bed-year", peers["ciw_s_per_bed_year"] / kernel_s,
                ".0f", "×", "≥ 3,000×", ">=", 3000)
    table.check("bed kernel speed ÷ SimPy, per bed-year",
                peers["simpy_s_per_bed_year"] / kernel_s, ".0f", "×", "≥ 500×", ">=", 500)
    expected = peers["erlang_b"]
    for peer in ("kernel", "ciw", "simpy"):
        share, error = peers[f"{peer}_share"], peers[f"{peer}_error"]
        table.add(f"out-of-area share: {peer} vs Erlang B(230, 220)",
                  f"{share:.4f} vs {expected:.4f}", f"within 3 SE ({3 * error:.4f})",
                  abs(share - expected) <= 3 * error)
    reference = task("reference", 4, threads=1)
    beds_ratio = reference["beds_reference_s"] / reference["beds_kernel_s"]
    iapt_ratio = reference["iapt_reference_s"] / reference["iapt_kernel_s"]
    table.check("bed kernel ÷ plain Python/NumPy reference (1 thread)", beds_ratio, ".0f", "×",
                "≥ 50×", ">=", 50)
    table.add("IAPT kernel ÷ vectorised NumPy reference (1 thread)", f"{iapt_ratio:,.0f}×")

    elapsed = time.perf_counter() - started
    header = (f"Measured by `make bench` on {os.cpu_count()} cores "
              f"({platform.machine()}, Python {platform.python_version()}) in {elapsed:.0f} s"
              f"{' (--quick)' if quick else ''}; load average {load_before:.1f} at the start "
              f"and {os.getloadavg()[0]:.1f} at the end (above 2, other work shared the "
              "cores: wall times are longer, CPU times and ratios less affected).\n\n")
    (ROOT / "benchmarks" / "results.md").write_text(header + table.markdown() + "\n",
                                                   encoding="utf-8")
    print(f"written to benchmarks/results.md ({elapsed:.0f} s)")


if __name__ == "__main__":
    main()
