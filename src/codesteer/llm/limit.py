"""Bounded in-flight calls to one endpoint, adaptive on rate limits.

A :class:`LimitedModel` wraps a ``ChatModel`` with an :class:`AdaptiveLimit` (several models on
one server share one). A rate-limit error that the model's own retries did not absorb halves the
limit and pauses it (the server's ``Retry-After`` or exponential backoff), then the call is tried
again until ``patience_s`` runs out: rate limits slow calls down, they do not fail them.
Successes grow the limit back by one per ``limit`` successes, up to the configured maximum.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from codesteer.llm.base import ChatModel, Completion, Message, ModelWrapper
from codesteer.llm.errors import RateLimitError


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
                self.limit.on_rate_limit(exc.retry_after)
                if time.monotonic() >= deadline:
                    raise
                continue
            finally:
                await self.limit.release()
            self.limit.on_success()
            return completion
