"""Every multi-GPU launch line in docs/training.md parses with the launcher's own argument parser
(accelerate or torchrun) and with ``codesteer.train``'s command line."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import typer

from codesteer.cli.train import train_app

DOC = Path(__file__).resolve().parents[2] / "docs" / "training.md"
PLACEHOLDERS = {"$RANK": "0", "$HEAD": "10.0.0.1"}


def launch_lines() -> list[str]:
    """The ``accelerate launch`` and ``torchrun`` commands of the page's code blocks, continuation
    lines joined, placeholders filled in."""
    commands: list[str] = []
    current: list[str] = []
    in_code = False
    for raw in DOC.read_text().splitlines():
        if raw.startswith("```"):
            in_code = not in_code
            continue
        line = raw.strip()
        if not in_code or not (current or line.startswith(("accelerate launch", "torchrun"))):
            continue
        current.append(line.removesuffix("\\").strip())
        if not line.endswith("\\"):
            commands.append(" ".join(current))
            current = []
    for name, value in PLACEHOLDERS.items():
        commands = [c.replace(name, value) for c in commands]
    return commands


def test_the_page_has_single_and_multi_node_lines() -> None:
    lines = launch_lines()
    assert sum("--num_machines 2" in line for line in lines) == 2 and any(line.startswith("torchrun") for line in lines)
    assert sum(line.startswith("accelerate launch --num_processes 4") for line in lines) == 2


@pytest.mark.parametrize("line", launch_lines())
def test_launch_line_parses(line: str) -> None:
    pytest.importorskip("accelerate", reason="the launchers come with the [train] extra")
    argv = shlex.split(line)
    if argv[0] == "accelerate":
        from accelerate.commands.launch import launch_command_parser

        args = launch_command_parser().parse_args(argv[2:])
    else:
        from torch.distributed.run import get_args_parser

        args = get_args_parser().parse_args(argv[1:])
    assert args.module and args.training_script == "codesteer.train"
    command = typer.main.get_command(train_app)
    with command.make_context("codesteer.train", list(args.training_script_args)) as context:
        stage = command.get_command(context, args.training_script_args[0])
        assert stage is not None
        stage.make_context(args.training_script_args[0], list(args.training_script_args[1:]), parent=context)
