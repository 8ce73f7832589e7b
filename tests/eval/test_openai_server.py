"""Runs against a local OpenAI-compatible HTTP server in the test process that answers from a
script (the real llama.cpp server is tests/llm/test_llama_server.py's), through the model specs,
the CLI (eval, report, show) and the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codesteer.cli import app
from codesteer.eval import EvalSpec, RunStore, run_eval_async
from codesteer.steer import SteerConfig
from tests.llm.conftest import Reply

from .canned_server import CannedServer
from .world import reference_answers

SPEC = dict(methods="codesteer,all_code_cot", tasks="game24,number_multiply", n=2, seed=1)


@pytest.fixture
def server() -> Iterator[CannedServer]:
    instances, _ = EvalSpec(**SPEC).instances()  # type: ignore[arg-type]
    canned = CannedServer(reference_answers(instances)).start()
    yield canned
    canned.stop()


async def test_run_against_an_openai_compatible_server(server: CannedServer, tmp_path: Path) -> None:
    server.queue(Reply(status=429, body={"error": {"message": "slow down"}}, headers={"retry-after": "0"}))
    spec = EvalSpec(**SPEC, task_models=f"openai:task@{server.url}", steer_model=f"openai:steer@{server.url}",  # type: ignore[arg-type]
                    steer=SteerConfig(self_check=False))
    summary = await run_eval_async(spec, tmp_path / "run", cache=False, concurrency=4)
    assert summary.done == 8 and summary.correct == 8 and summary.errors == 0
    chats = [r for r in server.requests if r["path"].endswith("/chat/completions")]
    assert len(chats) == 4 * (3 + 1) + 1  # 4 instances; codesteer: 3 calls, all_code_cot: 1; one rate-limited try
    with RunStore(tmp_path / "run") as store:
        assert sum(r.tokens for r in store.jobs()) == 15 * (len(chats) - 1)


def test_cli_eval_report_show(server: CannedServer, tmp_path: Path) -> None:
    out = tmp_path / "cli-run"
    args = ["eval", "--out", str(out), "--methods", SPEC["methods"], "--tasks", SPEC["tasks"], "--n", "2",
            "--seed", "1", "--task-model", f"openai:task@{server.url}", "--steer-model", f"openai:steer@{server.url}",
            "--no-self-check", "--no-cache", "--no-progress", "--concurrency", "4"]
    runner = CliRunner()
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "8/8 jobs stored" in first.output and "(8 new)" in first.output and "accuracy 100.0%" in first.output
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "(0 new)" in again.output
    changed = runner.invoke(app, [*args[:-2], "--concurrency", "4", "--max-rounds", "2"])
    assert changed.exit_code == 1 and "another configuration" in changed.output and "Traceback" not in changed.output

    report = runner.invoke(app, ["report", str(out), "--html", "--no-plots"])
    assert report.exit_code == 0, report.output
    assert "Ave. Norm., Total" in report.output and (out / "report" / "html" / "index.html").is_file()

    with RunStore(out) as store:
        job = next(r for r in store.jobs() if r.key.method == "codesteer")
    shown = runner.invoke(app, ["show", str(out), "--task", job.key.task, "--id", job.key.instance_id,
                                "--method", "codesteer"])
    assert shown.exit_code == 0, shown.output
    for part in ("guidance (code)", "round 0 · code", "execution: ok", "symbolic checker", "verdict: correct"):
        assert part in shown.output
    missing = runner.invoke(app, ["show", str(out), "--task", job.key.task, "--id", "nope"])
    assert missing.exit_code == 1 and "no stored job" in missing.output
    nothing = runner.invoke(app, ["report", str(tmp_path / "empty")])
    assert nothing.exit_code == 1 and "no evaluation results" in nothing.output


def test_cli_eval_with_nothing_to_run_fails(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "--out", str(tmp_path / "run"), "--tasks", "game24",
                                      "--level", "99", "--n", "1", "--no-progress"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "skipped game24 at level 99" in result.output and "nothing to run" in result.output
