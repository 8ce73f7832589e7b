"""One model served by several replicas (``vllm:MODEL@URL1,URL2,...``): calls spread, failures routed around.

Each call goes to the replica with the fewest calls outstanding among those not cooling down
(least-outstanding-requests; ties go to the first listed). Each replica has its own adaptive
limit (:class:`~codesteer.llm.limit.AdaptiveLimit`; inside a run, the run's limit of that
replica's server). A replica that fails (no connection, a server error, a timeout) is taken out
for a cooldown that doubles with each consecutive failure (``cooldown_s`` up to
``max_cooldown_s``) and is tried again after it; the call goes on at once on another replica. A
rate-limited replica is paused as its limit says, and the call moves on too. When every replica
is out, the call waits for the first to come back. It gives up, with the last error, after
``max_failures`` failed tries (default: twice the replicas, plus one), or after ``patience_s`` of
rate limits. Errors that no other replica would answer differently (a bad key, a bad request)
are raised at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from codesteer.llm.base import ChatModel, Completion, Message
from codesteer.llm.errors import ModelTimeoutError, RateLimitError, TransientError
from codesteer.llm.limit import AdaptiveLimit, LimitedModel

#: What takes a replica out for a while (a rate limit pauses it instead).
REPLICA_FAILURES = (TransientError, ModelTimeoutError)


@dataclass(eq=False)
class Replica:
    """One replica: its model, its bound, and what the router knows about it."""

    model: ChatModel
    bounded: LimitedModel
    outstanding: int = 0
    failures: int = 0
    out_until: float = 0.0

    @property
    def limit(self) -> AdaptiveLimit:
        return self.bounded.limit


class ReplicatedModel(ChatModel):
    """``replicas`` answering as one model named ``name``; see the module docstring. ``limit``:
    each replica's own in-flight bound outside a run; ``sleep`` and ``clock`` are injectable for tests."""

    def __init__(self, name: str, replicas: Sequence[ChatModel], *, limit: int = 64, cooldown_s: float = 1.0,
                 max_cooldown_s: float = 60.0, max_failures: int | None = None, patience_s: float = 3600.0,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not replicas:
            raise ValueError("a replicated model needs at least one replica")
        self.name = name
        self.grammar, self.grammar_by_default = replicas[0].grammar, replicas[0].grammar_by_default
        self.replicas = [Replica(m, LimitedModel(m, AdaptiveLimit(limit), patience_s=0.0)) for m in replicas]
        self.cooldown_s, self.max_cooldown_s, self.patience_s = cooldown_s, max_cooldown_s, patience_s
        self._sleep, self._clock = sleep, clock
        self.max_failures = max_failures if max_failures is not None else 2 * len(replicas) + 1

    def share_limits(self, limit_of: Callable[[ChatModel], AdaptiveLimit]) -> None:
        """Bound each replica by ``limit_of(replica)`` (a run's per-server limits) instead of its own."""
        for replica in self.replicas:
            replica.bounded = LimitedModel(replica.model, limit_of(replica.model), patience_s=0.0)

    def _choose(self, now: float) -> Replica:
        """The least busy replica that is in; when all are out, the one back first."""
        ready = [r for r in self.replicas if r.out_until <= now]
        if ready:
            return min(ready, key=lambda r: r.outstanding)
        return min(self.replicas, key=lambda r: r.out_until)

    def _take_out(self, replica: Replica, seconds: float) -> None:
        replica.out_until = max(replica.out_until, self._clock() + seconds)

    async def complete(self, messages: Sequence[Message], **params: Any) -> Completion:
        deadline = self._clock() + self.patience_s
        failed = 0
        while True:
            replica = self._choose(self._clock())
            wait = replica.out_until - self._clock()
            if wait > 0:
                await self._sleep(wait)
            replica.outstanding += 1
            try:
                completion = await replica.bounded.complete(messages, **params)
            except RateLimitError as exc:
                self._take_out(replica, exc.retry_after if exc.retry_after is not None else self.cooldown_s)
                if self._clock() >= deadline:
                    raise
                continue
            except REPLICA_FAILURES:
                replica.failures += 1
                self._take_out(replica, min(self.max_cooldown_s, self.cooldown_s * 2 ** (replica.failures - 1)))
                failed += 1
                if failed >= self.max_failures:
                    raise
                continue
            finally:
                replica.outstanding -= 1
            replica.failures = 0
            return completion

    async def aclose(self) -> None:
        for replica in self.replicas:
            await replica.model.aclose()
