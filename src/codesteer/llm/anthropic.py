"""Anthropic's Messages API through the official ``anthropic`` SDK (the ``[anthropic]`` extra).

The SDK's own retries are switched off: :func:`codesteer.llm.retry.with_retries` retries here
exactly as for OpenAI-compatible servers, and SDK exceptions become :mod:`codesteer.llm.errors`.
System messages go to Anthropic's ``system`` parameter; ``temperature`` and ``top_p`` are sent
as given (models that do not take them answer HTTP 400, reported as BadRequestError); ``seed``
is not supported by Anthropic and is ignored (it still takes part in the cache key).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from codesteer.llm.base import ChatModel, Completion, Message
from codesteer.llm.errors import (
    AuthenticationError,
    BadResponseError,
    EndpointUnreachableError,
    MissingDependencyError,
    ModelError,
    ModelTimeoutError,
    error_for_status,
    parse_retry_after,
)
from codesteer.llm.retry import RetryPolicy, with_retries

KEY_ENV = "ANTHROPIC_API_KEY"
DEFAULT_MAX_TOKENS = 1024
PLACEHOLDER_KEY = "no-key-required"
T = TypeVar("T")


def _sdk() -> Any:
    try:
        import anthropic
    except ImportError as exc:
        raise MissingDependencyError(
            "Anthropic models need the official SDK: pip install 'codesteer[anthropic]'"
        ) from exc
    return anthropic


def split_system(messages: Sequence[Message]) -> tuple[str | None, list[dict[str, str]]]:
    """Anthropic takes system text apart from the turns: join system messages, keep the rest."""
    system = [m["content"] for m in messages if m["role"] == "system"]
    turns = [{"role": m["role"], "content": m["content"]} for m in messages if m["role"] != "system"]
    return ("\n\n".join(system) if system else None), turns


class AnthropicModel(ChatModel):
    """A Claude model. ``api_key`` defaults to ``$ANTHROPIC_API_KEY``; ``base_url`` to the SDK's
    default (``$ANTHROPIC_BASE_URL`` or Anthropic's API). ``max_tokens`` defaults to 1024
    because Anthropic requires one."""

    def __init__(
        self,
        model: str,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float = 120.0,
        retry: RetryPolicy | None = None,
        name: str | None = None,
    ) -> None:
        self._anthropic = _sdk()
        key = api_key or os.environ.get(KEY_ENV)
        if not key and not base_url:
            raise AuthenticationError(f"no API key for Anthropic model {model!r}: set {KEY_ENV}")
        self.model = model
        self.api_key = key or PLACEHOLDER_KEY
        self.base_url = base_url
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.name = name or f"anthropic:{model}"
        self._client: Any = None
        self._client_loop: asyncio.AbstractEventLoop | None = None

    def _sdk_client(self) -> Any:
        """One SDK client per event loop (its connection pool cannot outlive the loop)."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            self._client = self._anthropic.AsyncAnthropic(
                api_key=self.api_key, base_url=self.base_url, timeout=self.timeout, max_retries=0
            )
            self._client_loop = loop
        return self._client

    def _translate(self, exc: Exception) -> ModelError:
        sdk = self._anthropic
        where = self.base_url or "api.anthropic.com"
        if isinstance(exc, sdk.APITimeoutError | TimeoutError):
            return ModelTimeoutError(
                f"Anthropic ({where}) did not answer within {self.timeout:g} s for model "
                f"{self.model!r}; raise the timeout or try again later"
            )
        if isinstance(exc, sdk.APIConnectionError):
            return EndpointUnreachableError(f"cannot connect to Anthropic at {where} ({exc}); check the network")
        if isinstance(exc, sdk.APIStatusError):
            return error_for_status(
                exc.status_code,
                provider="Anthropic",
                model=self.model,
                url=where,
                detail=str(getattr(exc, "message", "") or exc)[:300],
                key_env=KEY_ENV,
                retry_after=parse_retry_after(exc.response.headers.get("retry-after")),
            )
        return BadResponseError(
            f"Anthropic ({where}) answered with something that is not a message for model "
            f"{self.model!r} ({exc.__class__.__name__}: {str(exc)[:200]})"
        )

    async def _guarded(self, make: Callable[[], Awaitable[T]]) -> T:
        """One attempt of an SDK call under the per-call timeout, its errors translated."""
        try:
            async with asyncio.timeout(self.timeout):
                return await make()
        except (self._anthropic.AnthropicError, TimeoutError, ValueError) as exc:
            raise self._translate(exc) from exc

    async def complete(self, messages: Sequence[Message], **params: Any) -> Completion:
        system, turns = split_system(messages)
        request: dict[str, Any] = {
            "model": self.model,
            "messages": turns,
            "max_tokens": int(params.get("max_tokens") or DEFAULT_MAX_TOKENS),
        }
        if system is not None:
            request["system"] = system
        sampling = {key: params[key] for key in ("temperature", "top_p") if params.get(key) is not None}
        if sampling:  # recent SDKs dropped these arguments; the request body still carries them
            request["extra_body"] = sampling
        if params.get("stop"):
            stop = params["stop"]
            request["stop_sequences"] = [stop] if isinstance(stop, str) else list(stop)
        started = time.perf_counter()
        reply = await with_retries(
            lambda: self._guarded(lambda: self._sdk_client().messages.create(**request)), self.retry
        )
        try:
            text = "".join(block.text for block in reply.content if block.type == "text")
            usage = reply.usage
            return Completion(
                text=text,
                prompt_tokens=int(usage.input_tokens or 0),
                completion_tokens=int(usage.output_tokens or 0),
                latency_s=time.perf_counter() - started,
                model=str(reply.model or self.model),
                finish_reason=reply.stop_reason,
            )
        except (AttributeError, TypeError, ValueError) as exc:
            raise self._translate(exc) from exc

    async def list_models(self) -> list[str]:
        """The model ids the key may use: a cheap check of key and network."""

        async def ids() -> list[str]:
            return [model.id async for model in self._sdk_client().models.list()]

        return await with_retries(lambda: self._guarded(ids), self.retry)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None
