"""What steering gains on one model: CodeSteer against the paper's main baselines, any model spec.

Runs ``only_question``, ``all_text_cot``, ``all_code_cot``, ``code_interpreter`` and ``codesteer``
through the evaluation runner into a run directory (rerun the same command to resume after a kill),
then prints success per task and method, Ave. Norm. and plain mean per method, and tokens and
time per job. The steering model defaults to the task model (prompted as steerer).

    python benchmarks/steering_gain.py --model local:qwen2.5-coder-1.5b-instruct-q4_k_m.gguf \\
        --tasks number_multiply,game24,letters --n 5 --levels paper --max-tokens 768 --out runs/gain-qwen
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from codesteer.eval import EvalSpec, run_eval_async
from codesteer.eval.progress import LiveProgress
from codesteer.eval.report import build_report, fmt
from codesteer.steer import SteerConfig

METHODS = ("only_question", "all_text_cot", "all_code_cot", "code_interpreter", "codesteer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="task model spec")
    parser.add_argument("--steer-model", default=None, help="steering model spec (default: the task model)")
    parser.add_argument("--tasks", default="number_multiply,game24,letters")
    parser.add_argument("--n", type=int, default=5)
    parser.add_argument("--levels", default="paper")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-rounds", type=int, default=5)
    parser.add_argument("--max-tokens", type=int, default=None, help="cap every model call's new tokens")
    parser.add_argument("--concurrency", type=int, default=1, help="jobs in flight (1 for an in-process model)")
    parser.add_argument("--out", type=Path, required=True, help="run directory (resumable)")
    args = parser.parse_args()

    spec = EvalSpec(methods=METHODS, task_models=(args.model,), steer_model=args.steer_model, tasks=args.tasks,
                    n=args.n, levels=args.levels, seed=args.seed,
                    steer=SteerConfig(max_rounds=args.max_rounds).capped(args.max_tokens))
    with LiveProgress(label="steering gain") as progress:
        summary = asyncio.run(run_eval_async(spec, args.out, concurrency=args.concurrency, progress=progress))
    report = build_report(args.out)
    print(f"\n{summary.done}/{summary.total} jobs in {args.out}; model {args.model}, steering "
          f"{args.steer_model or 'the task model'}; {args.n} instance(s) per task at level(s) {args.levels}")
    columns = report.columns
    print("\nsuccess (%)\n" + f"{'task':<24}" + "".join(f"{c:>18}" for c in columns))
    for task in report.tasks:
        print(f"{report.titles[task]:<24}" + "".join(
            f"{fmt(cell.rate) if (cell := report.cell(task, c)) else '-':>18}" for c in columns))
    norm, means, cost = report.ave_norm(), report.means(), report.cost()
    print(f"{'Ave. Norm.':<24}" + "".join(f"{fmt(norm[c]['total']):>18}" for c in columns))
    print(f"{'mean':<24}" + "".join(f"{fmt(means[c]['total']):>18}" for c in columns))
    print(f"{'tokens / job':<24}" + "".join(f"{cost[c].tokens_per_job:>18.0f}" for c in columns))
    print(f"{'seconds / job':<24}" + "".join(f"{cost[c].runtime_per_job_s:>18.1f}" for c in columns))
    print(f"\nread the trajectories: codesteer report {args.out} --html")


if __name__ == "__main__":
    main()
