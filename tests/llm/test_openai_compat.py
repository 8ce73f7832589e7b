"""The OpenAI-compatible client against a local server that misbehaves on purpose."""

from __future__ import annotations

import threading

import pytest

from codesteer.llm.base import message
from codesteer.llm.errors import (
    AuthenticationError,
    BadRequestError,
    BadResponseError,
    EndpointUnreachableError,
    ModelNotFoundError,
    ModelTimeoutError,
    RateLimitError,
    ServerError,
)
from codesteer.llm.openai_compat import PLACEHOLDER_KEY, OpenAICompatModel
from codesteer.llm.retry import RetryPolicy
from tests.llm.conftest import FAST_RETRY, FakeServer, Reply, free_port, openai_body

HELLO = [message("system", "be brief"), message("user", "hi")]


def model_for(server: FakeServer, **options) -> OpenAICompatModel:
    options.setdefault("retry", FAST_RETRY)
    options.setdefault("timeout", 5.0)
    return OpenAICompatModel("fake-model", base_url=server.url, **options)


async def test_answer_usage_and_forwarded_params(fake_server: FakeServer) -> None:
    model = model_for(fake_server)
    reply = await model.complete(HELLO, temperature=0.5, max_tokens=20, seed=3, stop=["\n"], unknown=1)
    assert (reply.text, reply.prompt_tokens, reply.completion_tokens) == ("echo: hi", 7, 3)
    assert reply.finish_reason == "stop" and reply.latency_s > 0 and not reply.cached
    request = fake_server.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["json"] == {"model": "fake-model", "messages": HELLO, "temperature": 0.5,
                               "max_tokens": 20, "seed": 3, "stop": ["\n"]}
    assert request["headers"]["authorization"] == f"Bearer {PLACEHOLDER_KEY}"
    await model.aclose()


async def test_key_from_environment(fake_server: FakeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-123")
    await model_for(fake_server).complete(HELLO)
    assert fake_server.requests[0]["headers"]["authorization"] == "Bearer sk-test-123"


async def test_base_url_from_environment(fake_server: FakeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", fake_server.url)
    model = OpenAICompatModel("fake-model", retry=FAST_RETRY)
    assert (await model.complete(HELLO)).text == "echo: hi"
    assert model.name == f"openai:fake-model@{fake_server.url}"


def test_openai_itself_needs_a_key() -> None:
    with pytest.raises(AuthenticationError, match="OPENAI_API_KEY"):
        OpenAICompatModel("gpt-4o")


@pytest.mark.parametrize("status", [429, 500, 502, 503])
async def test_transient_error_then_success_is_retried(fake_server: FakeServer, status: int) -> None:
    fake_server.queue(Reply(status=status, body={"error": {"message": "busy"}}))
    reply = await model_for(fake_server).complete(HELLO)
    assert reply.text == "echo: hi"
    assert len(fake_server.requests) == 2


async def test_retry_after_is_honoured_and_backoff_grows(fake_server: FakeServer) -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    fake_server.queue(Reply(status=429, headers={"Retry-After": "0.7"}), Reply(status=500), Reply(status=500))
    policy = RetryPolicy(attempts=4, base_delay=0.1, max_delay=10, sleep=record)
    assert (await model_for(fake_server, retry=policy).complete(HELLO)).text == "echo: hi"
    assert waits[0] == 0.7
    assert 0.1 <= waits[1] <= 0.2 and 0.2 <= waits[2] <= 0.4  # base * 2**n, jittered in [0.5, 1]
    assert len(fake_server.requests) == 4


async def test_rate_limit_gives_up_with_a_clear_error(fake_server: FakeServer) -> None:
    fake_server.queue(*[Reply(status=429, body={"error": {"message": "slow down"}})] * 3)
    with pytest.raises(RateLimitError, match=r"rate limiting.*slow down.*gave up after 3 attempts"):
        await model_for(fake_server).complete(HELLO)
    assert len(fake_server.requests) == 3


async def test_server_error_gives_up(fake_server: FakeServer) -> None:
    fake_server.queue(*[Reply(status=503)] * 3)
    with pytest.raises(ServerError, match="HTTP 503"):
        await model_for(fake_server).complete(HELLO)


async def test_garbage_json_is_a_bad_response_not_a_traceback(fake_server: FakeServer) -> None:
    fake_server.queue(Reply(body=b"<html>{not json"))
    with pytest.raises(BadResponseError, match="not JSON"):
        await model_for(fake_server).complete(HELLO)
    assert len(fake_server.requests) == 1


@pytest.mark.parametrize("body", [{"choices": []}, {"result": "hi"}, {"choices": [{"message": {"content": 5}}]}])
async def test_json_that_is_not_a_completion(fake_server: FakeServer, body: dict) -> None:
    fake_server.queue(Reply(body=body))
    with pytest.raises(BadResponseError, match="not a chat completion"):
        await model_for(fake_server).complete(HELLO)


async def test_wrong_key(fake_server: FakeServer) -> None:
    fake_server.queue(Reply(status=401, body={"error": {"message": "Incorrect API key provided"}}))
    with pytest.raises(AuthenticationError, match=r"rejected the API key.*Incorrect API key.*OPENAI_API_KEY"):
        await model_for(fake_server).complete(HELLO)
    assert len(fake_server.requests) == 1


async def test_unknown_model(fake_server: FakeServer) -> None:
    fake_server.queue(Reply(status=404, body={"error": {"message": "The model `nope` does not exist"}}))
    with pytest.raises(ModelNotFoundError, match=r"does not know model 'fake-model'.*does not exist"):
        await model_for(fake_server).complete(HELLO)


async def test_bad_request(fake_server: FakeServer) -> None:
    fake_server.queue(Reply(status=400, body={"error": {"message": "context length exceeded"}}))
    with pytest.raises(BadRequestError, match="context length exceeded"):
        await model_for(fake_server).complete(HELLO)


async def test_slow_server_times_out_per_call(fake_server: FakeServer) -> None:
    answer = threading.Event()
    fake_server.queue(Reply(hold=answer, body=openai_body("too late")))
    with pytest.raises(ModelTimeoutError, match=r"did not answer within 0.3 s"):
        await model_for(fake_server, timeout=0.3).complete(HELLO)
    assert not answer.is_set()  # gave up at its timeout while the server was still holding the answer
    answer.set()
    assert len(fake_server.requests) == 1


async def test_unreachable_server() -> None:
    model = OpenAICompatModel("m", base_url=f"http://127.0.0.1:{free_port()}/v1", retry=FAST_RETRY)
    with pytest.raises(EndpointUnreachableError, match=r"cannot connect.*is the server running.*3 attempts"):
        await model.complete(HELLO)


async def test_list_models(fake_server: FakeServer) -> None:
    assert await model_for(fake_server).list_models() == ["fake-model"]
    fake_server.queue(Reply(body={"models": "?"}))
    with pytest.raises(BadResponseError):
        await model_for(fake_server).list_models()


@pytest.mark.parametrize(("spec", "field"), [("vllm", "guided_grammar"), ("llamacpp", "grammar"), ("openai", None)])
async def test_a_grammar_goes_to_the_field_the_server_reads(fake_server: FakeServer, spec: str, field: str | None) -> None:
    from codesteer.llm.spec import load_model

    model = load_model(f"{spec}:m@{fake_server.url}", cache=False)
    assert model.grammar == ("gbnf" if field else None) and not model.grammar_by_default
    reply = await model.complete(HELLO, grammar='root ::= "<<<Code>>>"')
    sent = fake_server.requests[-1]["json"]
    assert (sent.get(field) if field else None) == ('root ::= "<<<Code>>>"' if field else None)
    assert "grammar" not in sent or field == "grammar"
    assert reply.extra["constrained"] is (field is not None)


async def test_steering_calls_record_whether_they_were_constrained(fake_server: FakeServer) -> None:
    from codesteer.llm.scripted import ScriptedModel
    from codesteer.llm.spec import load_model
    from codesteer.steer import SteerConfig, solve
    from codesteer.steer.trajectory import STEER

    fake_server.queue(Reply(body=openai_body("Use a program. <<<Code>>>")),
                      Reply(body=openai_body("<<<Return Answer>>>")))
    steer = load_model(f"vllm:m@{fake_server.url}", cache=False)
    task = ScriptedModel(["<<<7>>>"])
    config = SteerConfig(self_check=False, constrain="on")
    t = await solve("What is 3 + 4?", task_model=task, steer_model=steer, config=config, executor=None)
    calls = [c for c in t.calls if c.conversation == STEER]
    assert [c.constrained for c in calls] == [True, True] and all(c.params["grammar"] == "steering" for c in calls)
    sent = [r["json"] for r in fake_server.requests]
    assert '"Return Answer"' not in sent[0]["guided_grammar"] and '"Return Answer"' in sent[1]["guided_grammar"]
    assert all(c.constrained is None for c in t.calls if c.conversation != STEER)
    off = await solve("What is 3 + 4?", task_model=ScriptedModel(["<<<7>>>"]), steer_model=ScriptedModel(
        ["<<<Text>>>", "<<<Return Answer>>>"]), config=config)
    assert all(c.constrained is None for c in off.calls)  # a backend that cannot constrain is not asked
