"""A run's bounds: in-flight model calls per endpoint (adaptive on rate limits) and sandbox runs.

Every model with the same endpoint shares one :class:`~codesteer.llm.limit.AdaptiveLimit`
through a :class:`~codesteer.llm.limit.LimitedModel`: rate limits slow a run down, they do not
fail it. A model served by several replicas (:class:`~codesteer.llm.replicas.ReplicatedModel`)
gets one limit per replica instead, shared with any other model on that replica's server.
"""

from __future__ import annotations

import asyncio
from typing import Any

from codesteer.llm.base import ChatModel, innermost
from codesteer.llm.limit import AdaptiveLimit, LimitedModel
from codesteer.llm.replicas import ReplicatedModel
from codesteer.sandbox.types import Execution, SandboxConfig
from codesteer.steer.code_runner import Executor


def endpoint_of(model: ChatModel) -> str:
    """The key models share a limit by: the server URL when the model has one, else its name."""
    inner = innermost(model)
    return str(getattr(inner, "base_url", None) or inner.name)


class Limits:
    """The limits of one run: one per endpoint (``per_endpoint`` calls each) and the sandbox's."""

    def __init__(self, per_endpoint: int, sandbox: int, **limit_options: Any) -> None:
        self.per_endpoint, self.sandbox = per_endpoint, sandbox
        self._options = limit_options
        self.endpoints: dict[str, AdaptiveLimit] = {}

    def limit(self, endpoint: str) -> AdaptiveLimit:
        """The shared limit of ``endpoint`` (made on first use)."""
        if endpoint not in self.endpoints:
            self.endpoints[endpoint] = AdaptiveLimit(self.per_endpoint, **self._options)
        return self.endpoints[endpoint]

    def wrap(self, model: ChatModel) -> ChatModel:
        """``model`` bounded by its endpoint's limit; a replicated model's replicas each by their own."""
        inner = innermost(model)
        if isinstance(inner, ReplicatedModel):
            inner.share_limits(lambda replica: self.limit(endpoint_of(replica)))
            return model
        return LimitedModel(model, self.limit(endpoint_of(model)))

    def executor(self, executor: Executor) -> Executor:
        """``executor`` with at most ``sandbox`` programs running at once (across all jobs)."""
        gate = asyncio.Semaphore(self.sandbox)

        async def run(code: str, *, config: SandboxConfig) -> Execution:
            async with gate:
                return await executor(code, config=config)

        return run
