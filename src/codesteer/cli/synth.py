"""``codesteer synth``: synthesise SFT trajectories and DPO guidance pairs, export them, and show figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from codesteer.cli._common import (
    PROMPTS_HELP,
    PROTOCOL_HELP,
    RAY_CPUS_HELP,
    RAY_HELP,
    RAY_WORKERS_HELP,
    command_line,
    fail,
    interrupted,
    ray_backend,
)
from codesteer.llm.base import ModelError

if TYPE_CHECKING:
    from codesteer.dist import RayBackend

synth_app = typer.Typer(help="Synthesise training data for the steering model (docs/synthesis.md).",
                        no_args_is_help=True)

OUT = typer.Option(..., "--out", "-o", help="Run directory (created; rerun to resume).")
TEACHER = typer.Option("local", "--teacher", help="Model spec of the teacher steering model.")
TASK_MODEL = typer.Option(None, "--task-model", help="Model spec of the task model (default: the teacher).")
TASKS = typer.Option("seen", "--tasks", help="seen (the paper's training tasks), all, or a comma list.")
N = typer.Option(10, "--n", min=1, help="Generated instances per task and level.")
LEVELS = typer.Option("paper", "--levels", "--level", help="Complexity levels, comma separated.")
SEED = typer.Option(1000, "--seed", help="Seed of the instances and the teacher's samples (evaluation uses 0).")
MAX_ROUNDS = typer.Option(5, "--max-rounds", min=0, help="Guidance rounds after the opening.")
TEMPERATURE = typer.Option(1.0, "--temperature", min=0.0, help="Teacher sampling temperature.")
MAX_TOKENS = typer.Option(None, "--max-tokens", min=1, help="Cap every model call's new tokens.")
SELF_CHECK = typer.Option(True, "--self-check/--no-self-check", help="Run the self-answer checker.")
PROMPTS = typer.Option("codesteer", "--prompts", help=PROMPTS_HELP)
PROTOCOL = typer.Option("strict", "--protocol", help=PROTOCOL_HELP)
CALL_BUDGET = typer.Option(None, "--call-budget", min=1, help="Model calls the run directory may make in all.")
TOKEN_BUDGET = typer.Option(None, "--token-budget", min=1, help="Tokens the run directory may spend in all.")
CONCURRENCY = typer.Option(4, "--concurrency", "-c", min=1, help="Rollouts in flight.")
NO_CACHE = typer.Option(False, "--no-cache", help="Do not use cached model responses.")
RETRY = typer.Option(False, "--retry-errors", help="Run again rollouts that ended in an error.")
EXPORT_TO = typer.Option(None, "--export", help="Export folder (default: RUN/export).")
KEEP = typer.Option(1, "--keep", min=1, help="SFT: correct rollouts kept per instance, fewest rounds first.")
CLEAN = typer.Option(True, "--clean/--no-clean", help="SFT: cut rounds after the first correct reply.")
PER_TASK = typer.Option(None, "--per-task", min=1, help="SFT: most records per task (modes alternate).")
NO_PROGRESS = typer.Option(False, "--no-progress", help="No live progress bar (one line per rollout stays).")
RAY = typer.Option(None, "--ray", metavar="[ADDRESS]", help=RAY_HELP)
RAY_WORKERS = typer.Option(None, "--ray-workers", min=1, help=RAY_WORKERS_HELP)
RAY_WORKER_CPUS = typer.Option(2, "--ray-worker-cpus", min=1, help=RAY_CPUS_HELP)
MIN_GAP = typer.Option(0.0, "--min-gap", min=0.0, help="DPO: least score gap of a pair (strictly exceeded).")


def _run(spec_values: dict, out: Path, call_budget: int | None, token_budget: int | None, concurrency: int,
         no_cache: bool, retry: bool, no_progress: bool, backend: RayBackend | None) -> None:
    from contextlib import nullcontext

    from codesteer.eval.progress import LiveProgress
    from codesteer.eval.store import RunMismatchError
    from codesteer.synth import Budget, SynthSpec, run_synth
    from codesteer.synth.tree import rounds

    progress = None if no_progress else LiveProgress(label="synth")

    def show(result) -> None:
        if progress is not None:
            progress.advance(result)
        key, t = result.job.key, result.trajectory
        verdict = "error" if t.errored else ("correct" if t.correct else "wrong")
        where = f"#{key.sample}" + (f" branch {key.branch}" if key.branch else "")
        typer.echo(f"{key.task} {key.instance_id} {where}: {verdict}, {rounds(t)} round(s)")

    try:
        spec = SynthSpec(**spec_values)
        with progress if progress is not None else nullcontext():
            summary = run_synth(spec, out, concurrency=concurrency, budget=Budget(call_budget, token_budget),
                                cache=not no_cache, retry_errors=retry, on_rollout=show,
                                command=command_line(), backend=backend)
    except (ValueError, ModelError, RunMismatchError, ConnectionError) as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        interrupted(out, "rollouts")
    for note in summary.notices:
        typer.echo(f"note: {note}")
    if summary.stored == 0 and summary.left == 0:
        fail("nothing to run: every selected task and level was skipped (see the notes); check --tasks and --levels")
    state = f"budget reached, {summary.left} planned rollout(s) not started" if summary.budget_reached else "complete"
    typer.echo(f"{summary.ran_now} rollout(s) run now, {summary.stored} stored; {summary.calls} calls, "
               f"{summary.tokens} tokens spent; {state} ({summary.wall_s:.1f} s)")


def _teacher_config(max_rounds: int, temperature: float, max_tokens: int | None, self_check: bool, prompts: str,
                    protocol: str):
    from codesteer.synth import teacher_config

    try:
        return teacher_config(max_rounds, temperature, max_tokens, self_check, prompts, protocol)
    except ValueError as exc:
        fail(str(exc))


@synth_app.command("sft")
def sft_command(
    out: Path = OUT, teacher: str = TEACHER, task_model: str | None = TASK_MODEL, tasks: str = TASKS,
    n: int = N, levels: str = LEVELS, seed: int = SEED,
    samples: int = typer.Option(2, "--samples", min=1, help="Rollouts per instance."),
    max_rounds: int = MAX_ROUNDS, temperature: float = TEMPERATURE, max_tokens: int | None = MAX_TOKENS,
    self_check: bool = SELF_CHECK, call_budget: int | None = CALL_BUDGET, token_budget: int | None = TOKEN_BUDGET,
    prompts: str = PROMPTS, protocol: str = PROTOCOL,
    concurrency: int = CONCURRENCY, no_cache: bool = NO_CACHE, retry: bool = RETRY,
    export_to: Path | None = EXPORT_TO, keep: int = KEEP, clean: bool = CLEAN, per_task: int | None = PER_TASK,
    no_progress: bool = NO_PROGRESS, ray: str | None = RAY, ray_workers: int | None = RAY_WORKERS,
    ray_worker_cpus: int = RAY_WORKER_CPUS,
) -> None:
    """Run CodeSteer with the teacher as steerer; keep correct trajectories as SFT records."""
    config = _teacher_config(max_rounds, temperature, max_tokens, self_check, prompts, protocol)
    _run(dict(kind="sft", teacher=teacher, task_model=task_model, tasks=tasks, n=n, levels=levels, seed=seed,
              samples=samples, steer=config), out, call_budget, token_budget, concurrency, no_cache, retry, no_progress,
         ray_backend(ray, ray_workers, ray_worker_cpus))
    _export(out, export_to, keep=keep, clean=clean, per_task=per_task, min_gap=0.0)


@synth_app.command("dpo")
def dpo_command(
    out: Path = OUT, teacher: str = TEACHER, task_model: str | None = TASK_MODEL, tasks: str = TASKS,
    n: int = N, levels: str = LEVELS, seed: int = SEED,
    mode: str = typer.Option("tree", "--mode", help="tree (the paper's) or failed (the released scripts')."),
    width: int = typer.Option(3, "--width", min=2, help="tree: guidances per branch point."),
    depth: int = typer.Option(2, "--depth", min=1, help="tree: rounds 0..depth-1 are branched."),
    resamples: int = typer.Option(4, "--resamples", min=1, help="failed: alternatives per step."),
    max_rounds: int = MAX_ROUNDS, temperature: float = TEMPERATURE, max_tokens: int | None = MAX_TOKENS,
    self_check: bool = SELF_CHECK, call_budget: int | None = CALL_BUDGET, token_budget: int | None = TOKEN_BUDGET,
    prompts: str = PROMPTS, protocol: str = PROTOCOL,
    concurrency: int = CONCURRENCY, no_cache: bool = NO_CACHE, retry: bool = RETRY,
    export_to: Path | None = EXPORT_TO, min_gap: float = MIN_GAP, no_progress: bool = NO_PROGRESS,
    ray: str | None = RAY, ray_workers: int | None = RAY_WORKERS, ray_worker_cpus: int = RAY_WORKER_CPUS,
) -> None:
    """Branch alternative guidances, score them by outcome, and pair siblings as DPO data."""
    config = _teacher_config(max_rounds, temperature, max_tokens, self_check, prompts, protocol)
    _run(dict(kind="dpo", teacher=teacher, task_model=task_model, tasks=tasks, n=n, levels=levels, seed=seed,
              mode=mode, width=width, depth=depth, resamples=resamples, steer=config),
         out, call_budget, token_budget, concurrency, no_cache, retry, no_progress,
         ray_backend(ray, ray_workers, ray_worker_cpus))
    _export(out, export_to, keep=1, clean=True, per_task=None, min_gap=min_gap)


def _open(run_dir: Path):
    from codesteer.eval.store import StoreError
    from codesteer.synth import open_run

    try:
        return open_run(run_dir)
    except (StoreError, ValueError) as exc:
        fail(str(exc))


def _export(run_dir: Path, to: Path | None, *, keep: int, clean: bool, per_task: int | None, min_gap: float) -> None:
    from datasets import disable_progress_bars

    from codesteer.synth import pairs, sft_records, write_dpo, write_sft

    disable_progress_bars()
    spec, rollouts = _open(run_dir)
    folder = to or run_dir / "export"
    if spec.kind == "sft":
        records = sft_records(rollouts, keep=keep, clean=clean, per_task=per_task)
        written, what = write_sft(records, folder), f"{len(records)} SFT record(s)"
    else:
        found = pairs(spec, rollouts, min_gap=min_gap)
        written, what = write_dpo(found, folder), f"{len(found)} DPO pair(s)"
    typer.echo(f"exported {what} to {folder}: {', '.join(sorted(p.name for p in written.values()))}")


@synth_app.command("export")
def export_command(
    run_dir: Path = typer.Argument(..., help="A synthesis run directory."),
    to: Path | None = typer.Option(None, "--to", help="Export folder (default: RUN/export)."),
    keep: int = KEEP, clean: bool = CLEAN, per_task: int | None = PER_TASK, min_gap: float = MIN_GAP,
) -> None:
    """Derive records or pairs again from the stored rollouts (no model calls) and write them."""
    _export(run_dir, to, keep=keep, clean=clean, per_task=per_task, min_gap=min_gap)


@synth_app.command("stats")
def stats_command(
    run_dir: Path = typer.Argument(..., help="A synthesis run directory."),
    keep: int = KEEP, clean: bool = CLEAN, per_task: int | None = PER_TASK, min_gap: float = MIN_GAP,
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Counts per task, rounds, code/text share, records or pairs and their score gaps."""
    from codesteer.synth.stats import render, summarize

    spec, rollouts = _open(run_dir)
    stats = summarize(spec, rollouts, keep=keep, clean=clean, per_task=per_task, min_gap=min_gap)
    typer.echo(json.dumps(stats, indent=2) if as_json else render(stats))


def register(app: typer.Typer) -> None:
    app.add_typer(synth_app, name="synth")
