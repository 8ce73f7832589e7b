"""``codesteer bench``: list, generate, show, judge and export SymBench tasks, print reference answers;
check released data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

bench_app = typer.Typer(help="SymBench: the 37 symbolic tasks (generate, judge, reference answers, check the release).",
                        no_args_is_help=True)
console = Console()


def _fail(message: str) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(2)


def _task(name: str):
    from codesteer.symbench.registry import get_task

    try:
        return get_task(name)
    except KeyError as exc:
        _fail(str(exc.args[0]))


def _knobs(pairs: list[str] | None) -> dict[str, Any]:
    """``name=value`` pairs; values read as JSON when they parse (``6``, ``[1, 2]``), else as text."""
    knobs: dict[str, Any] = {}
    for pair in pairs or []:
        if "=" not in pair:
            _fail(f"--set expects name=value, got {pair!r}")
        name, value = pair.split("=", 1)
        try:
            knobs[name.strip()] = json.loads(value)
        except json.JSONDecodeError:
            knobs[name.strip()] = value
    return knobs


def _generator_task(name: str):
    """The task named ``name``, failing with a hint when its instances only come from a dataset."""
    task = _task(name)
    if not task.has_generator:
        _fail(f"{task.name} has no generator: its instances come from its dataset "
              "(use `codesteer bench check-original PATH` or codesteer.symbench.external)")
    return task


def _instance(task_name: str, seed: int, level: str | None, sets: list[str] | None = None):
    task = _generator_task(task_name)
    try:
        return task, task.generate(seed, level=level, **_knobs(sets))
    except (ValueError, TypeError) as exc:
        _fail(str(exc))


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=Console(stderr=True), transient=True)


LEVEL = typer.Option(None, "--level", "-l", help="Level name: paper (default) or 1..N.")
SEED = typer.Option(0, "--seed", "-s", help="Seed of the instance.")
SETS = typer.Option(None, "--set", help="Override a knob: name=value (repeatable).")


@bench_app.command("list")
def list_tasks() -> None:
    """The tasks: seen/unseen, knobs, levels, and whether they have a generator and a solver."""
    from codesteer.symbench.registry import all_tasks

    table = Table(title="SymBench tasks")
    for column in ("task", "title", "split", "knobs", "levels", "solver"):
        table.add_column(column, overflow="fold")
    for task in all_tasks().values():
        knobs = ", ".join(k.name for k in task.knobs) or "-"
        levels = " ".join(task.levels) if task.has_generator else "paper only (no generator: dataset items)"
        table.add_row(task.name, task.title, "seen" if task.seen else "unseen", knobs, levels,
                      "yes" if task.has_solver else "no")
    console.print(table)


@bench_app.command("generate")
def generate(
    task_name: str = typer.Argument(..., metavar="TASK"),
    level: str = LEVEL,
    n: int = typer.Option(10, "--n", "-n", help="How many instances (seeds seed..seed+n-1)."),
    seed: int = SEED,
    out: Path = typer.Option(..., "--out", "-o", help="Output JSONL file."),
    sets: list[str] = SETS,
) -> None:
    """Write N generated instances of TASK as JSON lines."""
    from codesteer.symbench.export import generate_set

    task = _generator_task(task_name)
    knobs = _knobs(sets)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with _progress() as bar, out.open("w", encoding="utf-8") as handle:
            job = bar.add_task(f"{task.name}", total=n)
            for instance in generate_set(task, n, seed, level, knobs):
                handle.write(instance.to_json() + "\n")
                bar.advance(job)
    except (ValueError, TypeError) as exc:
        _fail(str(exc))
    typer.echo(f"wrote {n} {task.name} instances to {out}")


@bench_app.command("show")
def show(task_name: str = typer.Argument(..., metavar="TASK"), seed: int = SEED, level: str = LEVEL,
         sets: list[str] = SETS) -> None:
    """Print one generated instance: its question, answer format and complexity."""
    task, instance = _instance(task_name, seed, level, sets)
    console.rule(f"{task.title} · {instance.id}")
    typer.echo(instance.question)
    console.rule()
    typer.echo(f"answer format: {task.answer_format}")
    typer.echo(f"complexity: {json.dumps(instance.complexity)}")


@bench_app.command("judge")
def judge(task_name: str = typer.Argument(..., metavar="TASK"), seed: int = SEED, level: str = LEVEL,
          answer: str = typer.Option(..., "--answer", "-a", help="The reply (its last <<<...>>> is read)."),
          sets: list[str] = SETS) -> None:
    """Judge an answer to one generated instance (exit code 1 when it is wrong, 2 if the judge fails)."""
    from codesteer.symbench.errors import JudgeError

    task, instance = _instance(task_name, seed, level, sets)
    try:
        verdict = task.judge(instance, answer)
    except JudgeError as exc:
        _fail(str(exc))
    if verdict.correct:
        typer.secho("correct", fg=typer.colors.GREEN)
        return
    typer.secho(f"wrong (score {verdict.score:.2f}): {verdict.reason}", fg=typer.colors.RED)
    raise typer.Exit(1)


@bench_app.command("reference")
def reference(task_name: str = typer.Argument(..., metavar="TASK"), seed: int = SEED, level: str = LEVEL,
          sets: list[str] = SETS) -> None:
    """Print the reference solver's answer to one generated instance."""
    from codesteer.symbench.errors import NoSolutionError

    task, instance = _instance(task_name, seed, level, sets)
    try:
        typer.echo(task.reference_answer(instance))
    except NoSolutionError as exc:
        _fail(f"no valid answer exists: {exc}")


@bench_app.command("export")
def export(
    tasks: str = typer.Argument(..., metavar="TASKS", help="all, seen, unseen or comma-separated names."),
    level: str = LEVEL,
    n: int = typer.Option(10, "--n", "-n", help="Instances per task."),
    seed: int = SEED,
    out: Path = typer.Option(None, "--out", "-o", help="Folder for the saved dataset (load_from_disk) and its card."),
    fmt: str = typer.Option("rows", "--format", "-f",
                            help="rows (the instance's fields) or rl (chat prompt + instance JSON for RL rewards)."),
    push_to_hub: str = typer.Option(None, "--push-to-hub", metavar="REPO",
                                    help="Also publish the set with its dataset card as this Hub dataset repo."),
    private: bool = typer.Option(False, "--private", help="With --push-to-hub: create the repo private."),
) -> None:
    """Save generated instances of TASKS as a Hugging Face `datasets` dataset with a dataset card."""
    from codesteer.integrations import hub
    from codesteer.integrations.rl import rl_row
    from codesteer.symbench.export import build_dataset, plain_row
    from codesteer.symbench.registry import select_tasks

    rows = {"rows": plain_row, "rl": lambda instance, task: rl_row(instance)}
    if fmt not in rows:
        _fail(f"unknown --format {fmt!r}; formats: {', '.join(rows)}")
    if out is None and not push_to_hub:
        _fail("say where the set goes: --out DIR and/or --push-to-hub REPO")
    try:
        selected = [t for t in select_tasks(tasks) if t.has_generator]
    except KeyError as exc:
        _fail(str(exc.args[0]))
    if not selected:
        _fail("none of the selected tasks has a generator")
    try:
        with _progress() as bar:
            job = bar.add_task("generating", total=n * len(selected))
            dataset = build_dataset(selected, n, seed, level, rows[fmt], step=lambda: bar.advance(job))
    except (ImportError, ValueError, TypeError) as exc:
        _fail(str(exc))
    card = hub.dataset_card(selected, n=n, seed=seed, level=level, fmt=fmt, rows=len(dataset))
    if out is not None:
        dataset.save_to_disk(str(out))
        hub.write_card(card, out)
        typer.echo(f"saved {len(dataset)} rows ({len(selected)} tasks) to {out}; load with datasets.load_from_disk")
    if push_to_hub:
        import httpx

        try:
            hub.push(dataset, card, push_to_hub, private=private)
        except (OSError, ValueError, httpx.HTTPError) as exc:  # no token, no network, a bad repo id
            _fail(f"pushing to {push_to_hub} failed: {exc}")
        typer.echo(f"pushed {len(dataset)} rows to the Hub dataset {push_to_hub}")


@bench_app.command("check-original")
def check_original_cmd(
    path: Path = typer.Argument(..., help="Root of the released data (the dataset_gather folder)."),
    reference: bool = typer.Option(False, "--reference", help="Also run the reference solvers on every item."),
    as_json: bool = typer.Option(False, "--json", help="Print the JSON mapping instead of a table."),
    write_fixed_dir: Path = typer.Option(None, "--write-fixed", help="Write a corrected copy of the release here."),
    tasks: str = typer.Option(None, "--tasks", help="Comma-separated task names (default: all found)."),
) -> None:
    """Validate a copy of the released SymBench: loading, released answers, and (--reference) solvability."""
    from codesteer.symbench.audit import check_original, write_fixed

    if not path.is_dir():
        _fail(f"{path} is not a folder")
    names = [t.strip() for t in tasks.split(",") if t.strip()] if tasks else None
    for name in names or []:
        _task(name)
    with _progress() as bar:
        jobs: dict[str, Any] = {}

        def advance(task_name: str, done: int, total: int) -> None:
            if task_name not in jobs:
                jobs[task_name] = bar.add_task(task_name, total=total)
            bar.update(jobs[task_name], completed=done)

        report = check_original(path, names, reference=reference, progress=advance)
        manifest = write_fixed(path, write_fixed_dir, names, progress=advance) if write_fixed_dir else None
    if as_json:
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        _print_report(report, reference)
    if manifest is not None:
        typer.echo(f"corrected copy in {write_fixed_dir}: {len(manifest['changes'])} changes, "
                   f"{len(manifest['unfixed'])} rejected answers left as released (see manifest.json)",
                   err=as_json)


def _print_report(report: dict[str, dict[str, Any]], referenced: bool) -> None:
    table = Table(title="Released SymBench data")
    columns = ["task", "loaded", "load failures", "golds", "accepted", "rejected"]
    if referenced:
        columns += ["solved", "unsolvable", "solver failures"]
    for column in columns:
        table.add_column(column, justify="left" if column == "task" else "right", overflow="fold")
    for name, r in report.items():
        row = [name, str(r["loaded"]), str(len(r["load_failures"])), str(r["truth_checked"]),
               str(r["truth_ok"]), str(len(r["truth_rejected"]))]
        if referenced:
            row += ([str(r["solved"]), str(r["unsolvable"]), str(len(r["reference_failures"]))]
                    if r["has_solver"] else ["no solver", "-", "-"])
        table.add_row(*row)
    console.print(table)
    for name, r in report.items():
        for entry in r["judge_errors"]:
            console.print(f"[red]{name}[/] {entry['id']}: {entry['reason']}", highlight=False)
        for entry in r["truth_rejected"][:5]:
            console.print(f"[yellow]{name}[/] {entry['id']}: {entry['reason']}", highlight=False)
        if len(r["truth_rejected"]) > 5:
            console.print(f"[yellow]{name}[/] ... {len(r['truth_rejected']) - 5} more (see --json)")


def register(app: typer.Typer) -> None:
    app.add_typer(bench_app, name="bench")
