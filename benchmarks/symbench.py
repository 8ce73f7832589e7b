"""SymBench throughput: per task and level, generation rate, judge rate and reference-solver times.

Run: ``.venv/bin/python benchmarks/symbench.py [--tasks game24,pooling] [--levels paper,5]
[--samples 20] [--level-budget 4] [--original ../shared/symbench-original]``.

For each level it generates ``--samples`` instances (stopping early once ``--level-budget``
seconds are spent), solves each, and judges each solver answer ``--judge-repeats`` times. The
``solve ×paper`` column is the level's median solver time over the paper level's, measured in the
same run. Tasks without a generator are measured on their released items (judge rate of the gold
answers) when ``--original`` points at the release.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from codesteer.symbench.original import load_task
from codesteer.symbench.registry import select_tasks
from codesteer.symbench.task import RELEASED_ANSWER, Task

DEFAULT_ORIGINAL = Path(__file__).resolve().parents[1].parent / "shared" / "symbench-original"


def measure_level(task: Task, level: str, samples: int, budget: float, repeats: int) -> dict[str, float]:
    gen_times, solve_times, judge_times = [], [], []
    started = time.perf_counter()
    for seed in range(samples):
        t0 = time.perf_counter()
        instance = task.generate(seed, level=level)
        t1 = time.perf_counter()
        gen_times.append(t1 - t0)
        if task.has_solver:
            answer = task.reference_answer(instance)
            t2 = time.perf_counter()
            solve_times.append(t2 - t1)
            for _ in range(repeats):
                task.judge(instance, answer)
            judge_times.append((time.perf_counter() - t2) / repeats)
        if time.perf_counter() - started > budget:
            break
    return {
        "n": len(gen_times),
        "gen_per_s": len(gen_times) / sum(gen_times),
        "judge_per_s": len(judge_times) / sum(judge_times) if judge_times else float("nan"),
        "solve_median": statistics.median(solve_times) if solve_times else float("nan"),
        "solve_worst": max(solve_times) if solve_times else float("nan"),
    }


def measure_released(task: Task, root: Path, samples: int, repeats: int) -> dict[str, float] | None:
    instances, _ = load_task(root, task)
    golds = [i for i in instances if RELEASED_ANSWER in i.data][:samples]
    if not golds:
        return None
    t0 = time.perf_counter()
    for _ in range(repeats):
        for instance in golds:
            task.judge(instance, f"<<<{instance.data[RELEASED_ANSWER]}>>>")
    elapsed = time.perf_counter() - t0
    return {"n": len(golds), "judge_per_s": len(golds) * repeats / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default="all", help="all, seen, unseen or comma-separated names")
    parser.add_argument("--levels", default=None, help="comma-separated level names (default: every level)")
    parser.add_argument("--samples", type=int, default=20, help="instances per level")
    parser.add_argument("--level-budget", type=float, default=4.0, help="seconds per level before stopping early")
    parser.add_argument("--judge-repeats", type=int, default=20, help="judge calls per instance")
    parser.add_argument("--original", type=Path, default=DEFAULT_ORIGINAL, help="released data for dataset-only tasks")
    args = parser.parse_args()
    wanted = args.levels.split(",") if args.levels else None

    header = f"{'task':32} {'level':>6} {'n':>3} {'gen/s':>10} {'judge/s':>10} {'solve med':>10} {'solve max':>10} {'×paper':>7}"
    print(header)
    print("-" * len(header))
    start = time.perf_counter()
    for task in select_tasks(args.tasks):
        if not task.has_generator:
            row = measure_released(task, args.original, args.samples, args.judge_repeats) if args.original.is_dir() else None
            if row:
                print(f"{task.name:32} {'data':>6} {row['n']:>3} {'-':>10} {row['judge_per_s']:>10.0f} {'-':>10} {'-':>10} {'-':>7}")
            else:
                print(f"{task.name:32} {'data':>6}   no generator and no released data found")
            continue
        paper_median = None
        for level in task.levels:
            if wanted and level not in wanted:
                continue
            row = measure_level(task, level, args.samples, args.level_budget, args.judge_repeats)
            if level == "paper":
                paper_median = row["solve_median"]
            ratio = row["solve_median"] / paper_median if paper_median else float("nan")
            print(f"{task.name:32} {level:>6} {row['n']:>3} {row['gen_per_s']:>10.1f} {row['judge_per_s']:>10.0f} "
                  f"{row['solve_median'] * 1e3:>8.2f}ms {row['solve_worst'] * 1e3:>8.2f}ms {ratio:>7.1f}")
    print(f"\ntotal {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
