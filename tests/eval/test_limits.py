"""Bounded in-flight calls per endpoint, bounded sandbox runs, and rate limits that slow, never fail."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from codesteer.eval.limits import AdaptiveLimit, LimitedModel, Limits, endpoint_of
from codesteer.llm.base import ChatModel, Completion, Message
from codesteer.llm.cache import CachedModel
from codesteer.llm.errors import RateLimitError
from codesteer.llm.openai_compat import OpenAICompatModel
from codesteer.sandbox.types import Execution, SandboxConfig


class Gauge(ChatModel):
    """Counts calls in flight; raises ``RateLimitError`` for the first ``limited`` calls."""

    def __init__(self, name: str = "m", delay: float = 0.02, limited: int = 0, retry_after: float | None = 0.01):
        self.name, self.delay, self.limited, self.retry_after = name, delay, limited, retry_after
        self.now = self.peak = self.calls = 0

    async def complete(self, messages: Sequence[Message], **params: Any) -> Completion:
        self.calls += 1
        self.now += 1
        self.peak = max(self.peak, self.now)
        try:
            await asyncio.sleep(self.delay)
            if self.limited > 0:
                self.limited -= 1
                raise RateLimitError("HTTP 429", retry_after=self.retry_after)
            return Completion("ok")
        finally:
            self.now -= 1


async def test_calls_per_endpoint_are_bounded_and_shared() -> None:
    limits = Limits(per_endpoint=3, sandbox=1)
    a, b = Gauge("shared"), Gauge("shared")
    wrapped = [limits.wrap(a), limits.wrap(b)]
    await asyncio.gather(*(wrapped[i % 2].complete([]) for i in range(20)))
    assert a.peak + b.peak <= 4 and a.calls + b.calls == 20
    assert len(limits.endpoints) == 1 and limits.endpoints["shared"].in_flight == 0
    other = Gauge("other")
    await asyncio.gather(*(limits.wrap(other).complete([]) for _ in range(9)))
    assert other.peak == 3 and len(limits.endpoints) == 2


async def test_rate_limits_slow_down_and_never_fail() -> None:
    limit = AdaptiveLimit(8, base_delay=0.01)
    model = Gauge(limited=5, retry_after=None)
    results = await asyncio.gather(*(LimitedModel(model, limit).complete([]) for _ in range(16)))
    assert [r.text for r in results] == ["ok"] * 16
    assert limit.rate_limited == 5 and limit.current < 8  # halved at each rate limit, growing back since
    await asyncio.gather(*(LimitedModel(model, limit).complete([]) for _ in range(200)))
    assert limit.current == 8


async def test_rate_limit_pause_honours_retry_after() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    limit = AdaptiveLimit(2, sleep=sleep)
    assert limit.on_rate_limit(7.0) == 7.0 and limit.current == 1
    await limit.acquire()
    await limit.release()
    assert waits and 6.0 < waits[0] <= 7.0
    assert limit.on_rate_limit(None) == 2.0 and limit.on_rate_limit(None) == 4.0  # exponential backoff


async def test_patience_runs_out_with_the_error() -> None:
    model = Gauge(limited=100, retry_after=0.0)
    with pytest.raises(RateLimitError):
        await LimitedModel(model, AdaptiveLimit(1), patience_s=0.05).complete([])


async def test_sandbox_runs_are_bounded() -> None:
    running = peak = 0

    async def run(code: str, *, config: SandboxConfig) -> Execution:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1
        return Execution("", "", 0, "ok", 0.01, 0.0)

    bounded = Limits(per_endpoint=1, sandbox=2).executor(run)
    await asyncio.gather(*(bounded("print(1)", config=SandboxConfig()) for _ in range(10)))
    assert peak == 2


def test_endpoint_is_the_server_url(tmp_path) -> None:
    model = OpenAICompatModel("m", base_url="http://127.0.0.1:9/v1", api_key="k")
    assert endpoint_of(CachedModel(model)) == "http://127.0.0.1:9/v1"
    assert endpoint_of(Gauge("scripted")) == "scripted"
    with pytest.raises(ValueError):
        AdaptiveLimit(0)
