"""The OpenAI-compatible client against a real server on 127.0.0.1 (llama-cpp-python's, serving
the embedded model), started and stopped by the ``llama_server`` fixture."""

from __future__ import annotations

import pytest

from codesteer.llm.base import message
from codesteer.llm.errors import BadRequestError
from codesteer.llm.openai_compat import OpenAICompatModel
from codesteer.llm.spec import load_model

pytestmark = [pytest.mark.slow, pytest.mark.model]


async def test_real_server_answers_a_chat_request(llama_server: str) -> None:
    model = load_model(f"openai:smollm2@{llama_server}", cache=False, timeout=120)
    messages = [message("system", "You are a helpful assistant."), message("user", "What is 2 + 3?")]
    reply = await model.complete(messages, max_tokens=24, temperature=0.0)
    assert reply.text.strip()
    assert reply.prompt_tokens > 5 and 0 < reply.completion_tokens <= 24
    assert reply.finish_reason in ("stop", "length")
    await model.aclose()


async def test_real_server_lists_its_model(llama_server: str) -> None:
    model = OpenAICompatModel("smollm2", base_url=llama_server)
    assert "smollm2" in await model.list_models()


async def test_real_server_refuses_an_overlong_prompt(llama_server: str) -> None:
    model = OpenAICompatModel("smollm2", base_url=llama_server, timeout=120)
    with pytest.raises(BadRequestError):
        await model.complete([message("user", "word " * 5000)], max_tokens=4)


def test_an_evaluation_runs_against_the_real_server(llama_server: str, tmp_path) -> None:
    """codesteer eval with the served embedded model as task and steering model, end to end."""
    from typer.testing import CliRunner

    from codesteer.cli import app
    from codesteer.eval import RunStore

    out = tmp_path / "run"
    args = ["eval", "--methods", "codesteer,all_code_cot", "--tasks", "number_multiply", "--n", "1",
            "--task-model", f"openai:smollm2@{llama_server}", "--max-rounds", "1", "--max-tokens", "48",
            "--no-self-check", "--no-cache", "--no-progress", "--concurrency", "1", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "2/2 jobs stored" in result.output
    with RunStore(out) as store:
        trajectories = [t for _, t in store.iter_trajectories()]
    assert {t.method for t in trajectories} == {"codesteer", "all_code_cot"}
    assert all(t.error is None and t.verdict is not None for t in trajectories)
    assert all(c.completion_tokens > 0 and c.model for t in trajectories for c in t.calls)
    report = CliRunner().invoke(app, ["report", str(out), "--no-plots"])
    assert report.exit_code == 0 and "Number Multiply" in report.output
