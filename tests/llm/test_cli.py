"""``codesteer models`` and ``codesteer chat`` through typer's CliRunner."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from codesteer.cli import app
from tests.llm.conftest import FakeServer, Reply, free_port

runner = CliRunner()


def test_chat_prints_answer_tokens_latency_and_cache_state(fake_server: FakeServer) -> None:
    spec = f"openai:fake-model@{fake_server.url}"
    first = runner.invoke(app, ["chat", spec, "hello there", "--system", "be kind", "--max-tokens", "9"])
    assert first.exit_code == 0, first.output
    assert "echo: hello there" in first.output
    assert "prompt tokens 7, completion tokens 3" in first.output and "cached: no" in first.output
    assert "latency" in first.output
    body = fake_server.requests[0]["json"]
    assert body["messages"][0] == {"role": "system", "content": "be kind"}
    assert (body["max_tokens"], body["temperature"]) == (9, 0.0)

    second = runner.invoke(app, ["chat", spec, "hello there", "--system", "be kind", "--max-tokens", "9"])
    assert "cached: yes" in second.output and len(fake_server.requests) == 1
    third = runner.invoke(app, ["chat", spec, "hello there", "--system", "be kind", "--max-tokens", "9", "--no-cache"])
    assert "cached: no" in third.output and len(fake_server.requests) == 2


def test_chat_errors_are_one_clear_line(fake_server: FakeServer) -> None:
    fake_server.queue(Reply(status=401, body={"error": {"message": "bad key"}}))
    result = runner.invoke(app, ["chat", f"openai:m@{fake_server.url}", "hi"])
    assert result.exit_code == 1
    assert "error:" in result.output and "rejected the API key" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("spec", ["nonsense", "openai:gpt-4o"])
def test_chat_bad_spec_or_missing_key(spec: str) -> None:
    result = runner.invoke(app, ["chat", spec, "hi"])
    assert result.exit_code == 1 and "error:" in result.output
    assert "Traceback" not in result.output


def test_models_lists_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-should-not-be-printed")
    result = runner.invoke(app, ["models"])
    assert result.exit_code == 0, result.output
    assert "OPENAI_API_KEY set" in result.output and "sk-should-not-be-printed" not in result.output
    assert "ANTHROPIC_API_KEY not set" in result.output
    assert "ollama:MODEL[@URL[,URL...]]" in result.output  # the spec forms are listed


def test_models_check_pings_the_configured_server(fake_server: FakeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", fake_server.url)
    monkeypatch.setattr("codesteer.llm.inventory._local", _no_local)
    result = runner.invoke(app, ["models", "--check", f"openai:fake-model@{fake_server.url}"])
    assert result.exit_code == 0, result.output
    assert "reachable; 1 model(s): fake-model" in result.output
    assert "answers" in result.output
    assert [r["path"] for r in fake_server.requests] == ["/v1/models", "/v1/chat/completions"]
    assert fake_server.requests[1]["json"]["max_tokens"] == 1


def test_models_check_reports_an_unreachable_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")
    monkeypatch.setattr("codesteer.llm.inventory._local", _no_local)
    result = runner.invoke(app, ["models", "--check"])
    assert result.exit_code == 1
    assert "FAIL" in result.output and "cannot connect" in result.output


def _no_local():
    from codesteer.llm.inventory import Configured

    return Configured("local", False, "disabled in this test")
