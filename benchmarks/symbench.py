"""SymBench throughput: per task and level, generation rate, judge rate and reference-solver times;
per task, the worst judge time over hostile answers.

Run: ``.venv/bin/python benchmarks/symbench.py [--tasks game24,pooling] [--levels paper,5]
[--samples 20] [--level-budget 4] [--original ../shared/symbench-original] [--no-hostile]``.

For each level it generates ``--samples`` instances (stopping early once ``--level-budget``
seconds are spent), solves each, and judges each solver answer ``--judge-repeats`` times. The
``solve ×paper`` column is the level's median solver time over the paper level's, measured in the
same run. Tasks without a generator are measured on their released items (judge rate of the gold
answers) when ``--original`` points at the release.

The hostile table judges every answer of :func:`codesteer.symbench.hostile.hostile_answers` (for
the right answer of the paper level's seed-0 instance; dataset-only tasks: their first released
item) and prints the slowest, its time relative to judging the right answer in the same run, and
the start of that answer. Judging is bounded by the answer's size: every judge should stay in
milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from codesteer.symbench.answers import extract_wrapped
from codesteer.symbench.hostile import hostile_answers
from codesteer.symbench.original import load_task
from codesteer.symbench.registry import select_tasks
from codesteer.symbench.task import RELEASED_ANSWER, Instance, Task

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


def measure_hostile(task: Task, instance: Instance) -> dict[str, float | str]:
    """The slowest judge call over the hostile answers, and the right answer's judge time."""
    right = extract_wrapped(task.reference_answer(instance)) if task.has_solver else instance.data[RELEASED_ANSWER]
    t0 = time.perf_counter()
    task.judge(instance, f"<<<{right}>>>")
    baseline = time.perf_counter() - t0
    worst, worst_answer = 0.0, ""
    answers = hostile_answers(right)
    for answer in answers:
        t0 = time.perf_counter()
        task.judge(instance, f"<<<{answer}>>>")
        elapsed = time.perf_counter() - t0
        if elapsed > worst:
            worst, worst_answer = elapsed, answer
    return {"n": len(answers), "worst": worst, "baseline": baseline, "answer": worst_answer}


def hostile_instance(task: Task, root: Path) -> Instance | None:
    if task.has_generator:
        return task.generate(0)
    instances = load_task(root, task)[0] if root.is_dir() else []
    return next((i for i in instances if RELEASED_ANSWER in i.data), None)


def print_hostile(tasks: list[Task], root: Path) -> None:
    header = f"{'task':32} {'answers':>7} {'worst':>10} {'×right':>8}  slowest answer"
    print(f"\nhostile answers (worst judge time)\n{header}\n{'-' * len(header)}")
    for task in tasks:
        instance = hostile_instance(task, root)
        if instance is None:
            print(f"{task.name:32} no generator and no released data found")
            continue
        row = measure_hostile(task, instance)
        shown = repr(row["answer"][:40])
        print(f"{task.name:32} {row['n']:>7} {row['worst'] * 1e3:>8.2f}ms {row['worst'] / row['baseline']:>8.0f}  {shown}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default="all", help="all, seen, unseen or comma-separated names")
    parser.add_argument("--levels", default=None, help="comma-separated level names (default: every level)")
    parser.add_argument("--samples", type=int, default=20, help="instances per level")
    parser.add_argument("--level-budget", type=float, default=4.0, help="seconds per level before stopping early")
    parser.add_argument("--judge-repeats", type=int, default=20, help="judge calls per instance")
    parser.add_argument("--original", type=Path, default=DEFAULT_ORIGINAL, help="released data for dataset-only tasks")
    parser.add_argument("--no-hostile", action="store_true", help="skip the hostile-answer table")
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
    if not args.no_hostile:
        print_hostile(select_tasks(args.tasks), args.original)
    print(f"\ntotal {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
