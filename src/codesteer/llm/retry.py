"""Retries with exponential backoff and jitter, shared by every network backend."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from codesteer.llm.errors import TransientError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a transient failure is retried.

    The n-th retry waits ``min(max_delay, base_delay * 2**n)`` scaled by a random factor in
    [0.5, 1] (jitter, so that many clients do not retry in lockstep), or exactly the server's
    ``Retry-After`` when it sends one (capped at ``max_delay``). ``attempts`` counts the first
    try. ``sleep`` is injectable so tests can record the waits instead of sleeping.
    """

    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, compare=False)

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (0-based)."""
        if retry_after is not None:
            return min(retry_after, self.max_delay)
        return min(self.max_delay, self.base_delay * 2**retry) * random.uniform(0.5, 1.0)


async def with_retries(call: Callable[[], Awaitable[T]], policy: RetryPolicy) -> T:
    """Await ``call()``, retrying it on :class:`TransientError` as ``policy`` says.

    Other errors propagate at once. When the attempts are spent, the last transient error is
    raised again (same class), its message saying how many attempts were made.
    """
    attempts = max(1, policy.attempts)
    for attempt in range(attempts):
        try:
            return await call()
        except TransientError as error:
            if attempt + 1 >= attempts:
                if attempts > 1:
                    error.args = (f"{error} (gave up after {attempts} attempts)",)
                raise
            await policy.sleep(policy.delay(attempt, error.retry_after))
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises
