"""``codesteer train``: multi-round SFT, then DPO, of the steering model."""

from __future__ import annotations

import textwrap
from pathlib import Path

import typer

from codesteer.cli._common import ROLE_HELP, fail

DATA_HELP = ("Training data: JSONL, a saved datasets folder, a LLaMA-Factory JSON file (alpaca with history, "
             "sharegpt, or their ranking forms), or hub:REPO:FILE of a Hugging Face dataset.")
PROMPTS_HELP = ("The prompt set the data is written in, recorded in the checkpoints' cards: codesteer, or "
                "original for the release's data (then steer with --prompts original:PATH).")

train_app = typer.Typer(
    help="Train the steering model: `sft` on synthesised trajectories, `dpo` on guidance pairs, `grpo` "
         "against real task outcomes.",
    no_args_is_help=True,
)


@train_app.command("configs")
def list_configs() -> None:
    """List the configs shipped with codesteer (use a name or a path with --config)."""
    from codesteer.train.config import shipped_configs

    for name, path in sorted(shipped_configs().items()):
        typer.echo(textwrap.fill(_description(path), 100, initial_indent=f"{name:24} ", subsequent_indent=" " * 25))


def _description(path: Path) -> str:
    """The comment block that opens a config file, as one paragraph."""
    lines = []
    for line in path.read_text().splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("# "))
    return " ".join(lines)


def _run(stage: str, config: str, data: str, output_dir: Path | None, from_checkpoint: Path | None,
         prompts: str) -> None:
    try:
        from codesteer.train.config import ConfigError, load_config
        from codesteer.train.data import DataError
        from codesteer.train.multiturn import ChatTemplateError
        from codesteer.train.runner import run_dpo, run_sft
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        fail(f"training needs the [train] extra ({exc}); pip install torch==2.13.0 'codesteer[train]'")
    try:
        cfg = load_config(config, stage=stage, output_dir=str(output_dir) if output_dir else None)
        if prompts not in ("codesteer", "original"):
            raise ConfigError(f"--prompts is codesteer or original, not {prompts!r}")
        if stage == "sft":
            result = run_sft(cfg, data, prompts=prompts)
        else:
            result = run_dpo(cfg, data, from_checkpoint, prompts=prompts)
    except (ConfigError, DataError, ChatTemplateError) as exc:
        fail(str(exc))
    losses = result.losses
    if losses:
        typer.echo(f"loss: first {losses[0]:.4f}, last {losses[-1]:.4f} over {len(losses)} logged steps")
    if result.resumed_from:
        typer.echo(f"resumed from {result.resumed_from}")
    typer.echo(f"final checkpoint: {result.final_checkpoint}")
    typer.echo(f"use it with: codesteer solve --steer-model hf:{result.final_checkpoint} ...")


@train_app.command("sft")
def sft(
    config: str = typer.Option(..., "--config", "-c", help="Shipped config name or YAML path."),
    data: str = typer.Option(..., "--data", "-d", help=DATA_HELP),
    output_dir: Path = typer.Option(None, "--output-dir", "-o", help="Override the config's output_dir."),
    prompts: str = typer.Option("codesteer", "--prompts", help=PROMPTS_HELP),
) -> None:
    """Multi-round SFT: loss on every guidance turn of each conversation."""
    _run("sft", config, data, output_dir, None, prompts)


@train_app.command("dpo")
def dpo(
    config: str = typer.Option(..., "--config", "-c", help="Shipped config name or YAML path."),
    data: str = typer.Option(..., "--data", "-d", help=DATA_HELP),
    from_checkpoint: Path = typer.Option(..., "--from", help="The SFT checkpoint to start from."),
    output_dir: Path = typer.Option(None, "--output-dir", "-o", help="Override the config's output_dir."),
    prompts: str = typer.Option("codesteer", "--prompts", help=PROMPTS_HELP),
) -> None:
    """DPO on guidance comparison pairs, referenced to the SFT checkpoint."""
    _run("dpo", config, data, output_dir, from_checkpoint, prompts)


@train_app.command("grpo")
def grpo(
    config: str = typer.Option(..., "--config", "-c", help="Shipped config name or YAML path (a grpo config)."),
    tasks: str = typer.Option("seen", "--tasks", help="seen, all, unseen or comma-separated task names."),
    task_model: str = typer.Option(..., "--task-model", help="Task model spec the episodes are played with."),
    from_checkpoint: Path = typer.Option(None, "--from", help="The SFT/DPO checkpoint to start from."),
    levels: str = typer.Option(None, "--levels", help="Complexity levels, comma-separated (default: the config's)."),
    model_role: list[str] = typer.Option([], "--model-role", help=ROLE_HELP),
    output_dir: Path = typer.Option(None, "--output-dir", "-o", help="Override the config's output_dir."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not use cached task-model responses."),
) -> None:
    """GRPO: each question played as a group of full CodeSteer episodes, rewarded by the judge."""
    try:
        from codesteer.llm.base import ModelError
        from codesteer.steer.roles import parse_assignments
        from codesteer.symbench.plan import SelectionError
        from codesteer.train.config import ConfigError, load_config
        from codesteer.train.data import DataError
        from codesteer.train.grpo import run_grpo
        from codesteer.train.multiturn import ChatTemplateError
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        fail(f"training needs the [train] extra ({exc}); pip install torch==2.13.0 'codesteer[train]'")
    try:
        helpers = parse_assignments(model_role)
    except ValueError as exc:
        fail(str(exc))
    try:
        cfg = load_config(config, stage="grpo", output_dir=str(output_dir) if output_dir else None)
        result = run_grpo(cfg, tasks, task_model, from_checkpoint, levels=levels.split(",") if levels else None,
                          helpers=helpers, cache=not no_cache)
    except (ConfigError, DataError, ChatTemplateError, SelectionError, ModelError) as exc:
        fail(str(exc))
    for notice in result.notices:
        typer.secho(f"notice: {notice}", fg=typer.colors.YELLOW, err=True)
    success = result.success
    if success:
        typer.echo(f"success: first step {success[0]:.0%}, last step {success[-1]:.0%} over {len(success)} steps "
                   f"(by task and level: {result.output_dir / 'curriculum.jsonl'})")
    if result.resumed_from:
        typer.echo(f"resumed from {result.resumed_from}")
    typer.echo(f"final checkpoint: {result.final_checkpoint}")
    typer.echo(f"evaluate it with: codesteer eval --steer-model hf:{result.final_checkpoint} --task-model {task_model} ...")


def register(app: typer.Typer) -> None:
    app.add_typer(train_app, name="train")
