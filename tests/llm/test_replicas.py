"""One model over several replicas: spec forms, least-outstanding spreading, failover, rate limits,
per-replica limits in a run, and a real HTTP replica that is down."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from codesteer.eval.limits import Limits
from codesteer.llm.base import ChatModel, Completion, Message
from codesteer.llm.errors import AuthenticationError, EndpointUnreachableError, ModelSpecError, RateLimitError
from codesteer.llm.openai_compat import OpenAICompatModel
from codesteer.llm.replicas import ReplicatedModel
from codesteer.llm.spec import load_model, split_model_url

from .conftest import FakeServer, free_port


class Replica(ChatModel):
    """Answers with its name once released (``gate``), or raises the errors queued in ``fail``."""

    def __init__(self, name: str, fail: Sequence[Exception] = ()) -> None:
        self.name, self.fail = name, list(fail)
        self.gate = asyncio.Event()
        self.calls = self.now = self.peak = 0

    async def complete(self, messages: Sequence[Message], **params: Any) -> Completion:
        self.calls += 1
        self.now += 1
        self.peak = max(self.peak, self.now)
        try:
            if self.fail:
                raise self.fail.pop(0)
            await self.gate.wait()
            return Completion(self.name)
        finally:
            self.now -= 1


class Clock:
    """A clock that only moves when the model sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def replicated(*replicas: ChatModel, clock: Clock | None = None, **options: Any) -> ReplicatedModel:
    clock = clock or Clock()
    return ReplicatedModel("vllm:m@r", replicas, sleep=clock.sleep, clock=clock, **options)


def test_spec_forms(tmp_path: Path) -> None:
    model = load_model("vllm:m@http://a:1/v1,http://b:2/v1", cache=False)
    assert isinstance(model, ReplicatedModel) and model.name == "vllm:m@http://a:1/v1,http://b:2/v1"
    assert [r.model.base_url for r in model.replicas] == ["http://a:1/v1", "http://b:2/v1"]  # type: ignore[attr-defined]
    assert all(r.model.retry.attempts == 1 for r in model.replicas)  # type: ignore[attr-defined]
    listing = tmp_path / "endpoints.txt"
    listing.write_text("# the GPU nodes\nhttp://n1:8000/v1\n\nhttp://n2:8000/v1  # second\nhttp://n3:8000/v1\n")
    from_file = load_model(f"openai:m@file:{listing}", cache=False)
    assert isinstance(from_file, ReplicatedModel) and len(from_file.replicas) == 3
    single = load_model("vllm:m@http://a:1/v1", cache=False)
    assert isinstance(single, OpenAICompatModel) and single.base_url == "http://a:1/v1"
    assert split_model_url("user@corp/model") == ("user@corp/model", None)
    for bad, why in [("vllm:m@http://a/v1,ftp://b", r"is not an http\(s\) URL"),
                     (f"vllm:m@file:{tmp_path / 'none.txt'}", "cannot read the endpoints file"),
                     ("anthropic:claude@http://a/v1,http://b/v1", "one URL, not several replicas")]:
        with pytest.raises(ModelSpecError, match=why):
            load_model(bad, cache=False)
    (tmp_path / "empty.txt").write_text("# nothing yet\n")
    with pytest.raises(ModelSpecError, match="lists no URL"):
        load_model(f"vllm:m@file:{tmp_path / 'empty.txt'}", cache=False)


async def test_calls_go_to_the_least_busy_replica() -> None:
    a, b, c = Replica("a"), Replica("b"), Replica("c")
    model = replicated(a, b, c)
    calls = [asyncio.create_task(model.complete([])) for _ in range(9)]
    await asyncio.sleep(0)  # every call has picked its replica
    assert (a.now, b.now, c.now) == (3, 3, 3)
    b.gate.set()
    while b.now:  # b's calls end
        await asyncio.sleep(0)
    more = [asyncio.create_task(model.complete([])) for _ in range(2)]
    await asyncio.gather(*more)
    assert (a.calls, b.calls, c.calls) == (3, 5, 3)  # the idle replica took the new calls
    a.gate.set()
    c.gate.set()
    assert sorted(t.text for t in await asyncio.gather(*calls, *more)) == ["a"] * 3 + ["b"] * 5 + ["c"] * 3


async def test_a_failed_replica_is_taken_out_and_tried_again_later() -> None:
    clock = Clock()
    down, up = Replica("down", [EndpointUnreachableError("refused")] * 2), Replica("up")
    up.gate.set()
    model = replicated(down, up, clock=clock, cooldown_s=5.0)
    assert (await model.complete([])).text == "up" and down.calls == 1  # moved on at once
    assert model.replicas[0].out_until == clock.now + 5.0
    for _ in range(3):
        assert (await model.complete([])).text == "up"
    assert down.calls == 1 and clock.slept == []  # out for its cooldown: not asked
    clock.now += 5.0
    assert (await model.complete([])).text == "up" and down.calls == 2  # tried again, failed again
    assert model.replicas[0].out_until == clock.now + 10.0  # the cooldown doubles
    clock.now += 10.0
    down.gate.set()
    assert (await model.complete([])).text == "down"  # back: its failures are forgotten
    assert model.replicas[0].failures == 0


async def test_when_every_replica_is_out_the_call_waits_then_gives_up_with_the_last_error() -> None:
    clock = Clock()
    a = Replica("a", [EndpointUnreachableError("a refused")] * 10)
    b = Replica("b", [EndpointUnreachableError("b refused")] * 10)
    model = replicated(a, b, clock=clock, cooldown_s=1.0)
    with pytest.raises(EndpointUnreachableError, match="refused"):
        await model.complete([])
    assert a.calls + b.calls == model.max_failures == 5
    assert clock.slept == [1.0, 2.0]  # both out: waited for the first back (cooldowns 1 s, then 2 s)


async def test_rate_limits_pause_the_replica_and_shrink_its_limit() -> None:
    clock = Clock()
    busy, free = Replica("busy", [RateLimitError("429", retry_after=7.0)]), Replica("free")
    free.gate.set()
    model = replicated(busy, free, clock=clock, limit=8)
    assert (await model.complete([])).text == "free"
    assert model.replicas[0].limit.current == 4 and model.replicas[0].out_until == clock.now + 7.0
    assert model.replicas[0].failures == 0  # slowed down, not failed


async def test_errors_another_replica_would_repeat_are_raised_at_once() -> None:
    a, b = Replica("a", [AuthenticationError("bad key")]), Replica("b")
    with pytest.raises(AuthenticationError):
        await replicated(a, b).complete([])
    assert b.calls == 0


async def test_in_a_run_each_replica_is_bounded_by_its_servers_limit() -> None:
    shared = OpenAICompatModel("x", base_url="http://n1:8000/v1", api_key="k")
    model = ReplicatedModel("vllm:m@n1,n2", [shared, OpenAICompatModel("m", base_url="http://n2:8000/v1", api_key="k")])
    limits = Limits(per_endpoint=2, sandbox=1)
    assert limits.wrap(model) is model
    other = limits.wrap(OpenAICompatModel("y", base_url="http://n1:8000/v1", api_key="k"))
    assert set(limits.endpoints) == {"http://n1:8000/v1", "http://n2:8000/v1"}
    assert model.replicas[0].limit is limits.endpoints["http://n1:8000/v1"] is other.limit  # type: ignore[attr-defined]

    a, b = Replica("a"), Replica("b")
    gated = replicated(a, b)
    Limits(per_endpoint=2, sandbox=1).wrap(gated)
    calls = [asyncio.create_task(gated.complete([])) for _ in range(10)]
    await asyncio.sleep(0)
    assert (a.peak, b.peak) == (2, 2)  # four in flight, the rest wait their replica's turn
    a.gate.set()
    b.gate.set()
    assert len(await asyncio.gather(*calls)) == 10


async def test_a_real_replica_that_is_down(fake_server: FakeServer) -> None:
    dead_url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there: connections are refused
    model = load_model(f"vllm:fake-model@{dead_url},{fake_server.url}", cache=False)
    try:
        for _ in range(3):
            completion = await model.complete([{"role": "user", "content": "hi"}])
            assert completion.text == "echo: hi"
    finally:
        await model.aclose()
    assert len(fake_server.requests) == 3
