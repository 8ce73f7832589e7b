"""Bounded concurrency: in-flight model calls per endpoint (adaptive on rate limits) and sandbox runs.

A :class:`LimitedModel` wraps a ``ChatModel``; every model with the same endpoint shares one
:class:`AdaptiveLimit`. A rate-limit error that the model layer's own retries did not absorb
halves the endpoint's limit and pauses it (the server's ``Retry-After`` or exponential backoff),
then the call is tried again: rate limits slow a run down, they do not fail it. Successes grow
the limit back by one per ``limit`` successes, up to the configured maximum.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from codesteer.llm.base import ChatModel, Completion, Message, ModelWrapper
from codesteer.llm.errors import RateLimitError
from codesteer.sandbox.types import Execution, SandboxConfig
from codesteer.steer.code_runner import Executor


class AdaptiveLimit:
    """At most ``limit`` holders at once; shrinks on rate limits, grows back on successes."""

    def __init__(self, limit: int, *, base_delay: float = 1.0, max_delay: float = 60.0,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        if limit < 1:
            raise ValueError("a concurrency limit must be at least 1")
        self.maximum = self.current = limit
        self.base_delay, self.max_delay, self._sleep = base_delay, max_delay, sleep
        self.in_flight = 0
        self.rate_limited = 0
        self._successes = 0
        self._strikes = 0
        self._resume_at = 0.0
        self._cond = asyncio.Condition()

    async def acquire(self) -> None:
        async with self._cond:
            await self._cond.wait_for(lambda: self.in_flight < self.current)
            self.in_flight += 1
        wait = self._resume_at - time.monotonic()
        if wait > 0:
            await self._sleep(wait)

    async def release(self) -> None:
        async with self._cond:
            self.in_flight -= 1
            self._cond.notify_all()

    def on_success(self) -> None:
        self._strikes = 0
        self._successes += 1
        if self._successes >= self.current and self.current < self.maximum:
            self.current += 1
            self._successes = 0

    def on_rate_limit(self, retry_after: float | None) -> float:
        """Halve the limit and pause the endpoint; returns the pause in seconds."""
        self.rate_limited += 1
        self.current = max(1, self.current // 2)
        self._successes = 0
        delay = retry_after if retry_after is not None else self.base_delay * 2 ** self._strikes
        delay = min(self.max_delay, delay)
        self._strikes += 1
        self._resume_at = max(self._resume_at, time.monotonic() + delay)
        return delay


class LimitedModel(ModelWrapper):
    """A model whose calls go through its endpoint's :class:`AdaptiveLimit`.

    ``patience_s``: how long one call keeps waiting out rate limits before the error is raised.
    """

    def __init__(self, inner: ChatModel, limit: AdaptiveLimit, *, patience_s: float = 3600.0) -> None:
        super().__init__(inner)
        self.limit, self.patience_s = limit, patience_s

    async def complete(self, messages: Sequence[Message], **params: Any) -> Completion:
        deadline = time.monotonic() + self.patience_s
        while True:
            await self.limit.acquire()
            try:
                completion = await self.inner.complete(messages, **params)
            except RateLimitError as exc:
                if time.monotonic() >= deadline:
                    raise
                self.limit.on_rate_limit(exc.retry_after)
                continue
            finally:
                await self.limit.release()
            self.limit.on_success()
            return completion


def endpoint_of(model: ChatModel) -> str:
    """The key models share a limit by: the server URL when the model has one, else its name."""
    inner = model
    while isinstance(inner, ModelWrapper):
        inner = inner.inner
    return str(getattr(inner, "base_url", None) or inner.name)


class Limits:
    """The limits of one run: one per endpoint (``per_endpoint`` calls each) and the sandbox's."""

    def __init__(self, per_endpoint: int, sandbox: int, **limit_options: Any) -> None:
        self.per_endpoint, self.sandbox = per_endpoint, sandbox
        self._options = limit_options
        self.endpoints: dict[str, AdaptiveLimit] = {}

    def wrap(self, model: ChatModel) -> LimitedModel:
        key = endpoint_of(model)
        if key not in self.endpoints:
            self.endpoints[key] = AdaptiveLimit(self.per_endpoint, **self._options)
        return LimitedModel(model, self.endpoints[key])

    def executor(self, executor: Executor) -> Executor:
        """``executor`` with at most ``sandbox`` programs running at once (across all jobs)."""
        gate = asyncio.Semaphore(self.sandbox)

        async def run(code: str, *, config: SandboxConfig) -> Execution:
            async with gate:
                return await executor(code, config=config)

        return run
