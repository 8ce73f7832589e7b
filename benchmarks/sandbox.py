"""Sandbox throughput: warm pool vs a naive ``subprocess.run([python, file])``, same run.

For a trivial program and a numpy-importing program, serially and at concurrency 2 and 8,
prints executions/second and the median latency per execution (the programs themselves do
almost nothing, so latency is the per-execution overhead), and the pool/naive ratios.
One-shot sandbox mode (a fresh sandboxed interpreter per run) is shown for reference. Last, the
CPU time one execution of the numpy program costs, all processes together (the host's reaped
children over a pool's whole life, so the figure hardly depends on other load on the machine).

    .venv/bin/python benchmarks/sandbox.py [--jobs 24] [--concurrency 1 2 8]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from codesteer.sandbox import SandboxPool

PROGRAMS = {
    "trivial": "print(sum(range(100)))\n",
    "numpy": "import numpy as np\nprint(int(np.arange(100).sum()))\n",
}
EXPECTED = "4950\n"


def naive_runner(workdir: Path) -> Callable[[str], str]:
    """What the original research code did: write the file, run a fresh interpreter on it."""
    counter = iter(range(10**9))

    def run(code: str) -> str:
        path = workdir / f"prog_{next(counter)}.py"
        path.write_text(code)
        done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=60,
                              env={"PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1"})
        return done.stdout

    return run


def measure(run: Callable[[str], str], code: str, jobs: int, concurrency: int) -> tuple[float, float]:
    """(executions per second, median latency in ms) for ``jobs`` runs at ``concurrency``."""
    latencies: list[float] = []

    def one(_: int) -> None:
        start = time.perf_counter()
        output = run(code)
        latencies.append(time.perf_counter() - start)
        if output != EXPECTED:
            raise RuntimeError(f"unexpected output {output!r}")

    run(code)  # warm caches (page cache, the pool's first fork)
    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as threads:
        list(threads.map(one, range(jobs)))
    elapsed = time.perf_counter() - start
    return jobs / elapsed, statistics.median(latencies) * 1000


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def pool_cpu_per_execution(code: str, jobs: int) -> float:
    """CPU seconds of one execution in a warm pool: a pool's life with ``jobs`` serial runs, less
    the same life without them (start-up, preloading, shutdown)."""
    def life(runs: int) -> float:
        before = _children_cpu()
        with SandboxPool(size=1) as pool:
            pool.run_sync(code)
            for _ in range(runs):
                pool.run_sync(code)
        return _children_cpu() - before

    return (life(jobs) - life(0)) / jobs


def naive_cpu_per_execution(code: str, jobs: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        run = naive_runner(Path(tmp))
        before = _children_cpu()
        for _ in range(jobs):
            run(code)
        return (_children_cpu() - before) / jobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=24, help="executions per measurement")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2, 8])
    parser.add_argument("--no-oneshot", action="store_true", help="skip the one-shot sandbox rows")
    args = parser.parse_args()
    size = max(args.concurrency)
    with tempfile.TemporaryDirectory() as tmp, SandboxPool(size=size) as warm, \
            SandboxPool(size=size, mode="oneshot") as cold:
        runners: dict[str, Callable[[str], str]] = {
            "warm pool": lambda code: warm.run_sync(code).stdout,
            "naive subprocess": naive_runner(Path(tmp)),
        }
        if not args.no_oneshot:
            runners["one-shot sandbox"] = lambda code: cold.run_sync(code).stdout
        print(f"sandbox benchmark: {args.jobs} executions per cell, pool size {size}, python {sys.version.split()[0]}")
        print(f"isolation: {warm.isolation}")
        print(f"{'program':8} {'conc':>4} {'runner':18} {'exec/s':>9} {'median ms':>10}")
        for name, code in PROGRAMS.items():
            for concurrency in args.concurrency:
                figures = {}
                for label, runner in runners.items():
                    rate, median_ms = measure(runner, code, args.jobs, concurrency)
                    figures[label] = (rate, median_ms)
                    print(f"{name:8} {concurrency:>4} {label:18} {rate:9.1f} {median_ms:10.2f}")
                pool_rate, pool_ms = figures["warm pool"]
                naive_rate, naive_ms = figures["naive subprocess"]
                print(f"{name:8} {concurrency:>4} {'ratio pool/naive':18} {pool_rate / naive_rate:8.1f}x "
                      f"{naive_ms / pool_ms:9.1f}x less overhead")
    pool_cpu = pool_cpu_per_execution(PROGRAMS["numpy"], 5 * args.jobs)
    naive_cpu = naive_cpu_per_execution(PROGRAMS["numpy"], args.jobs)
    print(f"CPU per execution of the numpy program, all processes: warm pool {pool_cpu * 1000:.2f} ms, "
          f"naive subprocess {naive_cpu * 1000:.1f} ms ({naive_cpu / pool_cpu:.0f}x)")


if __name__ == "__main__":
    main()
