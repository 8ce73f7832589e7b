"""``codesteer eval`` (run methods over SymBench into a resumable run directory), ``codesteer
report`` (tables, plots, HTML) and ``codesteer show`` (one stored trajectory)."""

from __future__ import annotations

import asyncio
import shlex
from contextlib import nullcontext
from pathlib import Path

import typer
from rich.console import Console
from rich.panel import Panel
from rich.syntax import Syntax
from rich.text import Text

from codesteer.cli._common import (
    CONSTRAIN_HELP,
    PROMPTS_HELP,
    PROTOCOL_HELP,
    RAY_CPUS_HELP,
    RAY_HELP,
    RAY_WORKERS_HELP,
    ROLE_HELP,
    STEER_STYLE_HELP,
    command_line,
    fail,
    interrupted,
    ray_backend,
)
from codesteer.llm.base import ModelError

console = Console()
_STYLES = {"guidance": "magenta", "reply": "blue", "code": "cyan", "output": "green", "note": "yellow",
           "answer": "bright_blue", "verdict": "bright_blue", "error": "red"}


def eval_command(
    out: Path = typer.Option(..., "--out", "-o", help="Run directory (created; rerun the same command to resume)."),
    methods: str = typer.Option("codesteer", "--methods", "-m", help="Comma-separated methods (see docs/steering.md)."),
    task_model: str = typer.Option("local", "--task-model", help="Task model spec(s), comma-separated."),
    steer_model: str | None = typer.Option(None, "--steer-model", help="Steering model spec (default: the task model, prompted)."),
    model_role: list[str] = typer.Option([], "--model-role", help=ROLE_HELP),
    tasks: str = typer.Option("all", "--tasks", help="all, seen, unseen or comma-separated task names."),
    n: int = typer.Option(10, "--n", min=1, help="Instances per task (and level)."),
    level: str = typer.Option("paper", "--level", "--levels", help="Complexity level(s), comma-separated: paper, 1, 2, ..."),
    seed: int = typer.Option(0, "--seed", help="Seed the instance seeds are derived from."),
    samples: int = typer.Option(1, "--samples", min=1, help="Runs per instance and method."),
    source: str | None = typer.Option(None, "--source", help="original:PATH to take instances from the released data."),
    concurrency: int = typer.Option(8, "--concurrency", "-j", min=1, help="Jobs in flight at once."),
    model_concurrency: int | None = typer.Option(None, "--model-concurrency", min=1, help="In-flight calls per endpoint (default: --concurrency)."),
    sandbox_concurrency: int | None = typer.Option(None, "--sandbox-concurrency", min=1, help="Programs running at once (default: the sandbox pool size)."),
    max_rounds: int = typer.Option(5, "--max-rounds", min=0, help="Most guidance rounds after the opening."),
    max_tokens: int | None = typer.Option(None, "--max-tokens", min=1, help="Cap every model call's new tokens."),
    steer_style: str = typer.Option("auto", "--steer-style", help=STEER_STYLE_HELP),
    prompts: str = typer.Option("codesteer", "--prompts", help=PROMPTS_HELP),
    protocol: str = typer.Option("strict", "--protocol", help=PROTOCOL_HELP),
    constrain: str = typer.Option("auto", "--constrain", help=CONSTRAIN_HELP),
    self_check: bool = typer.Option(True, "--self-check/--no-self-check", help="Run the self-answer checker."),
    timeout: float = typer.Option(10.0, "--timeout", min=0.1, help="Sandbox time limit per run (s)."),
    retry_errors: bool = typer.Option(False, "--retry-errors", help="Redo stored jobs that ended in a model or sandbox error."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not use cached model responses."),
    no_progress: bool = typer.Option(False, "--no-progress", help="No live progress bar."),
    ray: str | None = typer.Option(None, "--ray", metavar="[ADDRESS]", help=RAY_HELP),
    ray_workers: int | None = typer.Option(None, "--ray-workers", min=1, help=RAY_WORKERS_HELP),
    ray_worker_cpus: int = typer.Option(2, "--ray-worker-cpus", min=1, help=RAY_CPUS_HELP),
) -> None:
    """Run methods × task models × SymBench instances; resumable, concurrent, stored in OUT/results.db."""
    from codesteer.eval import EvalSpec, RunMismatchError, SpecError, run_eval_async
    from codesteer.eval.progress import LiveProgress
    from codesteer.steer import SteerConfig
    from codesteer.steer.roles import parse_assignments

    try:
        config = SteerConfig(max_rounds=max_rounds, steer_style=steer_style, self_check=self_check,  # type: ignore[arg-type]
                             prompts=prompts, protocol=protocol, constrain=constrain,
                             sandbox_timeout_s=timeout).capped(max_tokens)
        spec = EvalSpec(methods=methods, task_models=task_model, steer_model=steer_model,  # type: ignore[arg-type]
                        helpers=parse_assignments(model_role), tasks=tasks, n=n,
                        levels=level, seed=seed, samples=samples, source=source, steer=config)  # type: ignore[arg-type]
    except ValueError as exc:
        fail(str(exc))
    progress = None if no_progress else LiveProgress()
    options = dict(concurrency=concurrency, model_concurrency=model_concurrency,
                   sandbox_concurrency=sandbox_concurrency, cache=not no_cache, retry_errors=retry_errors,
                   progress=progress, command=command_line(), backend=ray_backend(ray, ray_workers, ray_worker_cpus))
    try:
        with progress if progress is not None else nullcontext():
            summary = asyncio.run(run_eval_async(spec, out, **options))  # type: ignore[arg-type]
    except (SpecError, RunMismatchError, ModelError, ValueError, ConnectionError) as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        interrupted(out, "jobs")
    if no_progress:
        for notice in summary.notices:
            console.print(f"[yellow]notice:[/yellow] {notice}")
    if summary.total == 0:
        fail("nothing to run: every selected task and level was skipped (see the notices); "
              "check --tasks, --level and --source")
    console.print(f"{summary.done}/{summary.total} jobs stored in {out} ({summary.done_now} new), "
                  f"accuracy {100 * summary.accuracy:.1f}%, {summary.errors} error(s), {summary.tokens:,} tokens, "
                  f"{summary.wall_s:.1f} s")
    console.print(f"report: codesteer report {shlex.quote(str(out))} --html")


def report_command(
    run_dir: Path = typer.Argument(..., help="A run directory written by codesteer eval."),
    html: bool = typer.Option(False, "--html", help="Also write a static HTML page linking every cell to its trajectories."),
    formats: str = typer.Option("md,csv,json", "--format", help="Comma-separated: md, csv, json."),
    plots: bool = typer.Option(True, "--plots/--no-plots", help="Write PNG plots (levels, cost)."),
    out: Path | None = typer.Option(None, "--out", help="Where to write (default: RUN_DIR/report)."),
) -> None:
    """Write the paper-style table (with Ave. Norm.), failures, costs, plots and optionally HTML."""
    from codesteer.eval.publish import write_reports
    from codesteer.eval.report import build_report, to_markdown
    from codesteer.eval.store import StoreError

    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    try:
        report = build_report(run_dir)
        paths = write_reports(report, chosen, plots=plots, html=html, out=out)
        table = to_markdown(report).split("\n## Cost")[0]
    except (StoreError, ValueError) as exc:
        fail(str(exc))
    console.print(table)
    for path in paths:
        if path.name in ("index.html",) or path.parent.name != "cells":
            console.print(f"wrote {path}")


def show_command(
    run_dir: Path = typer.Argument(..., help="A run directory written by codesteer eval."),
    task: str = typer.Option(..., "--task", help="Task name."),
    instance_id: str = typer.Option(..., "--id", help="Instance id (as in the report pages)."),
    method: str | None = typer.Option(None, "--method", help="Only this method's trajectory."),
) -> None:
    """Print one stored trajectory: guidance, code, execution output, checker notes, verdict."""
    from codesteer.eval.store import RunStore, StoreError
    from codesteer.eval.view import sections

    try:
        with RunStore(run_dir, create=False) as store:
            rows = store.find(task=task, instance_id=instance_id, method=method)
            if not rows:
                ids = sorted({r.key.instance_id for r in store.jobs() if r.key.task == task})[:10]
                hint = f"; ids of {task}: {', '.join(ids)}" if ids else f"; no jobs of task {task!r} are stored"
                fail(f"no stored job for task {task!r}, id {instance_id!r}"
                      f"{f', method {method!r}' if method else ''}{hint}")
            found = [(row, store.trajectory(row.id)) for row in rows]
    except StoreError as exc:
        fail(str(exc))
    for row, t in found:
        k = row.key
        console.rule(f"[bold]{k.method}[/bold] · {k.task_model}{f' · steer {k.steer_model}' if k.steer_model else ''}"
                     f" · {k.task} · {k.instance_id} · sample {k.sample}")
        console.print(Panel(Text(t.question), title="question", border_style="white"))
        for s in sections(t):
            body = Syntax(s.body, "python") if s.kind == "code" else Text(s.body)
            console.print(Panel(body, title=s.title, border_style=_STYLES[s.kind]))


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_command)
    app.command("report")(report_command)
    app.command("show")(show_command)
