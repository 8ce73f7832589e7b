"""``codesteer solve``: answer one question (or a generated SymBench instance) with a method,
streaming each round."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console
from rich.panel import Panel
from rich.syntax import Syntax
from rich.text import Text

from codesteer.cli._common import (
    CONSTRAIN_HELP,
    PROMPTS_HELP,
    PROTOCOL_HELP,
    ROLE_HELP,
    STEER_STYLE_HELP,
    command_line,
    fail,
)
from codesteer.llm.base import ChatModel, ModelError
from codesteer.steer import events
from codesteer.steer.trajectory import Trajectory

console = Console()


def show(event: events.Event) -> None:
    """Print one round event."""
    if isinstance(event, events.Guidance):
        title = f"round {event.round} · steering: {event.action}"
        body = Text(event.output if not event.malformed else f"{event.output}\n[malformed: {event.malformed}]")
        console.print(Panel(body, title=title, border_style="magenta"))
    elif isinstance(event, events.Reply):
        console.print(Panel(Text(event.text), title=f"round {event.round} · {event.conversation} reply", border_style="blue"))
    elif isinstance(event, events.Code):
        console.print(Panel(Syntax(event.code, "python"), title=f"round {event.round} · code", border_style="cyan"))
    elif isinstance(event, events.ExecutionDone):
        style = "green" if event.outcome == "ok" else "red"
        console.print(Panel(Text(event.report), title=f"round {event.round} · execution: {event.outcome}", border_style=style))
    elif isinstance(event, events.CheckerNote):
        console.print(Panel(Text(event.text), title=f"round {event.round} · {event.checker} checker", border_style="yellow"))


def _models(specs: dict[str, str], no_cache: bool) -> dict[str, ChatModel]:
    """One model per distinct spec, by role."""
    from codesteer.llm.spec import load_model

    built: dict[str, ChatModel] = {}
    for spec in specs.values():
        if spec not in built:
            built[spec] = load_model(spec, cache=not no_cache)
    return {role: built[spec] for role, spec in specs.items()}


def solve_command(
    question: str | None = typer.Argument(None, help="The question (or use --task/--seed/--level)."),
    method: str = typer.Option("codesteer", "--method", "-m", help="Method: codesteer or a baseline (see docs/steering.md)."),
    task_model: str = typer.Option("local", "--task-model", help="Model spec of the task model."),
    steer_model: str | None = typer.Option(None, "--steer-model", help="Model spec of the steering model (default: the task model, prompted as steerer)."),
    model_role: list[str] = typer.Option([], "--model-role", help=ROLE_HELP),
    max_rounds: int = typer.Option(5, "--max-rounds", min=0, help="Most guidance rounds after the opening."),
    max_tokens: int | None = typer.Option(None, "--max-tokens", min=1, help="Cap every model call's new tokens."),
    steer_style: str = typer.Option("auto", "--steer-style", help=STEER_STYLE_HELP),
    prompts: str = typer.Option("codesteer", "--prompts", help=PROMPTS_HELP),
    protocol: str = typer.Option("strict", "--protocol", help=PROTOCOL_HELP),
    constrain: str = typer.Option("auto", "--constrain", help=CONSTRAIN_HELP),
    show_execution: bool = typer.Option(False, "--show-execution", help="Also show execution output to the task model."),
    symbolic: str = typer.Option("codesteer", "--symbolic-checker", help="Scoring: codesteer or original."),
    self_check: bool = typer.Option(True, "--self-check/--no-self-check", help="Run the self-answer checker."),
    model_extractor: bool = typer.Option(False, "--model-extractor", help="Ask a model for the answer when none is wrapped."),
    timeout: float = typer.Option(10.0, "--timeout", min=0.1, help="Sandbox time limit per run (s)."),
    task: str | None = typer.Option(None, "--task", help="SymBench task to generate a question from."),
    seed: int = typer.Option(0, "--seed", help="Seed of the generated instance."),
    level: str | None = typer.Option(None, "--level", help="Complexity level of the generated instance."),
    as_json: bool = typer.Option(False, "--json", help="Print the trajectory as JSON instead of streaming."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not use cached model responses."),
) -> None:
    """Solve one question, streaming guidance, code, output and checker notes each round."""
    from codesteer.steer import SteerConfig, get_method, solve, trajectory_json
    from codesteer.steer.roles import assign, parse_assignments

    if (question is None) == (task is None):
        fail("give either a question or --task (with --seed/--level), not both or neither")
    try:
        specs = assign(task_model, steer=steer_model, helpers=parse_assignments(model_role),
                       steers=get_method(method).uses_steer)
        config = SteerConfig(
            max_rounds=max_rounds, steer_style=steer_style, show_execution_to_task_model=show_execution,  # type: ignore[arg-type]
            prompts=prompts, protocol=protocol, constrain=constrain,
            symbolic_checker=symbolic, self_check=self_check, model_extractor=model_extractor,  # type: ignore[arg-type]
            sandbox_timeout_s=timeout,
        ).capped(max_tokens)
        subject = question
        if task is not None:
            from codesteer.symbench import get_task

            subject = get_task(task).generate(seed, level=level)
    except (ValueError, KeyError, NotImplementedError) as exc:
        fail(str(exc.args[0]) if isinstance(exc, KeyError) else str(exc))

    async def go():
        models = _models(specs, no_cache)
        try:
            return await solve(subject, method=method, task_model=models["task"], steer_model=models.get("steer"),
                               helpers={r: m for r, m in models.items() if r not in ("task", "steer")},
                               config=config, on_event=None if as_json else show)
        finally:
            for m in {id(m): m for m in models.values()}.values():
                await m.aclose()

    try:
        trajectory = asyncio.run(go())
    except (ModelError, ValueError) as exc:
        fail(str(exc))
    if as_json:
        typer.echo(trajectory_json.dumps(trajectory, indent=2))
    else:
        _summary(trajectory, task_model)
    if trajectory.stop_reason == "error":
        raise typer.Exit(1)


#: Examples of a stronger task model, for the closing hint.
REAL_MODELS = "openai:gpt-4o-mini, ollama:qwen2.5-coder:7b or local:/path/to/model.gguf"


def _summary(t: Trajectory, task_model: str) -> None:
    """What a newcomer needs at the end: the answer, whether and why it is right, the reference,
    the cost, and how to run the same on a real model."""
    final = t.final
    answer = final.answer if final and final.answer is not None else "(no answer found)"
    where = f" (read from the {final.channel.replace('_', ' ')})" if final and final.channel else ""
    console.rule("[bold]result")
    console.print(f"[bold]final answer:[/bold] {answer}{where}")
    if t.verdict is not None:
        mark = "[green]correct[/green]" if t.verdict.correct else "[red]wrong[/red]"
        why = "" if t.verdict.reason == "correct" else f": {t.verdict.reason}"
        console.print(f"[bold]verdict:[/bold] {mark}{why}")
    if t.judge_error:
        console.print(f"[red]the judge failed: {t.judge_error}[/red]")
    if t.instance is not None:
        from codesteer.symbench import get_task

        task = get_task(t.instance.task)
        if task.has_solver:
            console.print(f"[bold]reference answer:[/bold] {task.reference_answer(t.instance)}")
    steering = f", steering {t.steering.style}" if t.steering else ""
    console.print(f"[bold]cost:[/bold] {len(t.rounds)} round(s) ({t.method}{steering}, stopped by "
                  f"{t.stop_reason.replace('_', ' ')}), {len(t.calls)} model calls, {t.total_tokens:,} tokens, "
                  f"{t.wall_s:.1f} s; malformed steering outputs: {t.malformed_steer_outputs}")
    if t.error:
        console.print(f"[red]error: {t.error}[/red]")
    if task_model == "local":
        console.print(f"[dim]The embedded 135M model is tiny: it shows the loop, not the method's gains. Run the "
                      f"same on a real model with --task-model, e.g. {REAL_MODELS}:[/dim]")
        console.print(f"  {command_line()} --task-model openai:gpt-4o-mini")


def register(app: typer.Typer) -> None:
    app.command("solve")(solve_command)
