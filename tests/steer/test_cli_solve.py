"""``codesteer solve`` with scripted models, and once for real on the embedded model."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from codesteer.cli import app
from codesteer.cli import solve as solve_cli
from codesteer.llm.scripted import ScriptedModel
from codesteer.steer import Trajectory

from .conftest import code, task_model

runner = CliRunner()


@pytest.fixture
def scripted(monkeypatch):
    """Replace model loading: the task model answers with code, the steerer approves."""
    loaded: list[tuple[str, str]] = []

    def fake(task_spec: str, steer_spec: str, no_cache: bool):
        loaded.append((task_spec, steer_spec))
        return (task_model([code("print('<<<(11-4)*4-4>>>')")]),
                ScriptedModel(["<<<Code>>>", "<<<Return Answer>>>"], name="steer"))

    monkeypatch.setattr(solve_cli, "_models", fake)
    return loaded


def test_streams_rounds_and_prints_answer(scripted) -> None:
    result = runner.invoke(app, ["solve", "What is 24?", "--no-self-check"])
    assert result.exit_code == 0, result.output
    out = result.output
    for part in ("steering: code", "task reply", "code", "execution: ok", "symbolic checker", "answer:"):
        assert part in out
    assert "(11-4)*4-4" in out and "verdict" not in out
    assert scripted == [("local", "local")]


def test_generated_instance_prints_verdict(scripted) -> None:
    result = runner.invoke(app, ["solve", "--task", "game24", "--seed", "1", "--level", "paper",
                                 "--task-model", "openai:x", "--steer-model", "hf:y"])
    assert result.exit_code == 0, result.output
    assert "verdict:" in result.output and "correct" in result.output
    assert scripted == [("openai:x", "hf:y")]


def test_json_output_is_a_trajectory(scripted) -> None:
    result = runner.invoke(app, ["solve", "--task", "game24", "--seed", "1", "--json", "--max-rounds", "3",
                                 "--max-tokens", "300", "--no-self-check"])
    assert result.exit_code == 0, result.output
    t = Trajectory.from_dict(json.loads(result.output))
    assert t.correct and t.config["max_rounds"] == 3 and t.config["task_sampling"]["max_tokens"] == 300


@pytest.mark.parametrize(("args", "message"), [
    ([], "either a question or --task"),
    (["q", "--task", "game24"], "either a question or --task"),
    (["--task", "nope"], "unknown task"),
    (["--task", "game24", "--level", "99"], "unknown level"),
    (["q", "--method", "magic"], "unknown method"),
    (["q", "--steer-style", "wild"], "steer_style"),
])
def test_bad_input_gives_one_line_error(scripted, args, message) -> None:
    result = runner.invoke(app, ["solve", *args])
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


@pytest.mark.slow
@pytest.mark.model
def test_real_solve_on_the_embedded_model() -> None:
    """One real end-to-end run: the embedded model as task and steering model, the real sandbox."""
    pytest.importorskip("llama_cpp")
    pytest.importorskip("codesteer.llm.local")
    cli = "from codesteer.cli import main; main()"
    cmd = [sys.executable, "-c", cli, "solve", "--task", "game24", "--seed", "1", "--max-rounds", "1",
           "--max-tokens", "48", "--no-self-check", "--json"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, (
        f"status {done.returncode} (a negative status is a signal: a llama.cpp build for another "
        f"CPU dies with SIGILL; see the Makefile's CMAKE_ARGS)\n{done.stderr[-2000:]}"
    )
    t = Trajectory.from_dict(json.loads(done.stdout))
    assert t.task_model == "local" and t.steer_model == "local" and t.steer_style == "prompted"
    assert t.stop_reason in ("return_answer", "terminate", "max_rounds")
    assert t.verdict is not None and isinstance(t.verdict["correct"], bool)
    assert t.calls and all(c.completion_tokens > 0 for c in t.calls if c.conversation in ("task", "steer"))
    assert t.calls[0].params["max_tokens"] == 48 and t.config["self_check"] is False
