"""The Anthropic backend (official SDK) against a local server speaking the Messages API."""

from __future__ import annotations

import pytest

from codesteer.llm.base import message
from codesteer.llm.errors import (
    AuthenticationError,
    BadResponseError,
    ModelNotFoundError,
    ModelTimeoutError,
    RateLimitError,
    ServerError,
)
from tests.llm.conftest import FAST_RETRY, FakeServer, Reply, anthropic_body

pytest.importorskip("anthropic")

from codesteer.llm.anthropic import AnthropicModel, split_system

CONVERSATION = [message("system", "be brief"), message("system", "answer in French"),
                message("user", "hi"), message("assistant", "salut"), message("user", "again")]


def model_for(server: FakeServer, **options) -> AnthropicModel:
    options.setdefault("retry", FAST_RETRY)
    options.setdefault("timeout", 5.0)
    return AnthropicModel("claude-fake", api_key="sk-ant-test", base_url=server.url.removesuffix("/v1"), **options)


def test_system_messages_are_taken_apart() -> None:
    system, turns = split_system(CONVERSATION)
    assert system == "be brief\n\nanswer in French"
    assert [t["role"] for t in turns] == ["user", "assistant", "user"]
    assert split_system([message("user", "x")])[0] is None


async def test_request_shape_and_reply(fake_server: FakeServer) -> None:
    model = model_for(fake_server)
    reply = await model.complete(CONVERSATION, temperature=0.2, max_tokens=30, stop="END", seed=4)
    assert (reply.text, reply.prompt_tokens, reply.completion_tokens) == ("hello from claude", 11, 2)
    assert reply.finish_reason == "end_turn" and reply.model == "claude-fake"
    request = fake_server.requests[0]
    assert request["path"] == "/v1/messages"
    headers = request["headers"]  # the key travels as x-api-key or, in recent SDKs, as a bearer token
    assert "sk-ant-test" in headers.get("x-api-key", "") + headers.get("authorization", "")
    body = request["json"]
    assert body["system"] == "be brief\n\nanswer in French"
    assert body["messages"] == [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "salut"},
                                {"role": "user", "content": "again"}]
    assert (body["max_tokens"], body["temperature"], body["stop_sequences"]) == (30, 0.2, ["END"])
    assert "seed" not in body
    await model.aclose()


async def test_max_tokens_has_a_default(fake_server: FakeServer) -> None:
    await model_for(fake_server).complete([message("user", "x")])
    assert fake_server.requests[0]["json"]["max_tokens"] == 1024
    assert "system" not in fake_server.requests[0]["json"]


def test_missing_key() -> None:
    with pytest.raises(AuthenticationError, match="ANTHROPIC_API_KEY"):
        AnthropicModel("claude-x")


async def test_rate_limit_then_success(fake_server: FakeServer) -> None:
    fake_server.queue(Reply(status=429, body={"type": "error", "error": {"type": "rate_limit_error", "message": "slow"}}))
    assert (await model_for(fake_server).complete([message("user", "x")])).text == "hello from claude"
    assert len(fake_server.requests) == 2


async def test_rate_limit_exhausted(fake_server: FakeServer) -> None:
    fake_server.queue(*[Reply(status=429, body={"type": "error", "error": {"message": "slow"}})] * 3)
    with pytest.raises(RateLimitError, match="gave up after 3 attempts"):
        await model_for(fake_server).complete([message("user", "x")])


async def test_overloaded_is_retried_then_reported(fake_server: FakeServer) -> None:
    fake_server.queue(*[Reply(status=529, body={"type": "error", "error": {"message": "Overloaded"}})] * 3)
    with pytest.raises(ServerError, match=r"HTTP 529.*Overloaded"):
        await model_for(fake_server).complete([message("user", "x")])
    assert len(fake_server.requests) == 3


@pytest.mark.parametrize(("status", "error"), [(401, AuthenticationError), (403, AuthenticationError),
                                               (404, ModelNotFoundError)])
async def test_client_errors_are_not_retried(fake_server: FakeServer, status: int, error: type) -> None:
    fake_server.queue(Reply(status=status, body={"type": "error", "error": {"message": "nope"}}))
    with pytest.raises(error, match="nope"):
        await model_for(fake_server).complete([message("user", "x")])
    assert len(fake_server.requests) == 1


@pytest.mark.parametrize("body", [b"{garbage", {"content": "not blocks"}])
async def test_garbage_reply(fake_server: FakeServer, body: object) -> None:
    fake_server.queue(Reply(body=body))
    with pytest.raises(BadResponseError):
        await model_for(fake_server).complete([message("user", "x")])


async def test_slow_server(fake_server: FakeServer) -> None:
    fake_server.queue(Reply(delay=3.0, body=anthropic_body("late")))
    with pytest.raises(ModelTimeoutError, match=r"0\.3 s"):
        await model_for(fake_server, timeout=0.3).complete([message("user", "x")])


async def test_list_models(fake_server: FakeServer) -> None:
    fake_server.queue(Reply(body={"data": [{"id": "claude-a", "type": "model", "display_name": "A",
                                            "created_at": "2025-01-01T00:00:00Z"}],
                                  "has_more": False, "first_id": "claude-a", "last_id": "claude-a"}))
    assert await model_for(fake_server).list_models() == ["claude-a"]
