"""Any OpenAI-compatible chat endpoint: OpenAI itself, vLLM, Ollama, llama.cpp's server, ...

Talks the ``/chat/completions`` protocol over aiohttp directly, so that every failure (a wrong
key, a server that is down, a slow one, garbage instead of JSON) ends in one clear
:mod:`codesteer.llm.errors` error instead of a library traceback. aiohttp, because an evaluation
keeps dozens of calls in flight from one process, and with it the driver's CPU per job halved
against httpx's (``benchmarks/eval_throughput.py``, docs/evaluation.md).
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlparse

import aiohttp

from codesteer.llm.base import ChatModel, Completion, Message
from codesteer.llm.errors import (
    AuthenticationError,
    BadResponseError,
    EndpointUnreachableError,
    ModelTimeoutError,
    error_for_status,
    parse_retry_after,
)
from codesteer.llm.retry import RetryPolicy, with_retries

OPENAI_URL = "https://api.openai.com/v1"
KEY_ENV = "OPENAI_API_KEY"
URL_ENV = "OPENAI_BASE_URL"
#: Sent to servers that need no key (vLLM, Ollama, llama.cpp): the protocol wants some header.
PLACEHOLDER_KEY = "no-key-required"
#: Request parameters forwarded to the server when given (``None`` values are dropped).
FORWARDED_PARAMS = ("temperature", "top_p", "max_tokens", "stop", "seed", "presence_penalty",
                    "frequency_penalty", "response_format")


def _is_openai(url: str) -> bool:
    return urlparse(url).hostname == "api.openai.com"


class _Answer:
    """A whole HTTP answer: status, headers and body, read before its connection is reused."""

    def __init__(self, status: int, headers: Any, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body as JSON (raises ``ValueError``, as ``json.loads`` does)."""
        return json.loads(self.body)


def _detail(response: _Answer) -> str:
    """The server's own error message, if its body has one, else the start of the body."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip()
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            return str(error.get("message") or error.get("detail") or "")[:300]
        if isinstance(error, str):
            return error[:300]
    return ""


def _parse_completion(body: Any, name: str) -> tuple[str, int, int, str | None, str]:
    """Text, prompt/completion tokens, finish reason and served model from a response body."""
    try:
        choice = body["choices"][0]
        text = choice["message"].get("content") or ""
        usage = body.get("usage") or {}
        if not isinstance(text, str):
            raise TypeError("content is not a string")
        return (
            text,
            int(usage.get("prompt_tokens") or 0),
            int(usage.get("completion_tokens") or 0),
            choice.get("finish_reason"),
            str(body.get("model") or name),
        )
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        raise BadResponseError(
            f"the server for {name!r} answered with JSON that is not a chat completion ({exc!r}): "
            f"{json.dumps(body)[:200]}"
        ) from exc


class OpenAICompatModel(ChatModel):
    """A model behind an OpenAI-compatible ``base_url``.

    ``base_url`` defaults to ``$OPENAI_BASE_URL`` or OpenAI's own; ``api_key`` to
    ``$OPENAI_API_KEY``. A server other than api.openai.com may have no key (a placeholder is
    sent). ``timeout`` bounds each attempt in seconds; transient failures (429, 5xx, no
    connection) are retried by ``retry``. Parameters in :data:`FORWARDED_PARAMS` are sent as
    given; others are ignored.
    """

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 120.0,
        retry: RetryPolicy | None = None,
        name: str | None = None,
        grammar_field: str | None = None,
    ) -> None:
        self.model = model
        #: The request field a server reads a GBNF grammar from (vLLM ``guided_grammar``,
        #: llama.cpp's server ``grammar``); ``None``: this server cannot constrain decoding.
        self.grammar_field = grammar_field
        self.grammar = "gbnf" if grammar_field else None
        self.base_url = (base_url or os.environ.get(URL_ENV) or OPENAI_URL).rstrip("/")
        key = api_key or os.environ.get(KEY_ENV)
        if not key and _is_openai(self.base_url):
            raise AuthenticationError(
                f"no API key for OpenAI model {model!r}: set {KEY_ENV}, or give a local server's URL "
                "(openai:MODEL@http://127.0.0.1:8000/v1)"
            )
        self.api_key = key or PLACEHOLDER_KEY
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.name = name or (f"openai:{model}" if self.base_url == OPENAI_URL else f"openai:{model}@{self.base_url}")
        self._session: aiohttp.ClientSession | None = None
        self._session_loop: asyncio.AbstractEventLoop | None = None

    def _http(self) -> aiohttp.ClientSession:
        """One session per event loop (its connections cannot outlive the loop they were made on).
        Concurrency is bounded by the caller's limits, so the connection pool is not."""
        loop = asyncio.get_running_loop()
        if self._session is None or self._session_loop is not loop:
            if self._session is not None:
                self._session.detach()  # made on a loop that has ended: nothing left to close
            self._session_loop = loop
            self._session = aiohttp.ClientSession(
                headers={"Authorization": f"Bearer {self.api_key}"},
                connector=aiohttp.TCPConnector(limit=0),
                timeout=aiohttp.ClientTimeout(total=None, connect=min(self.timeout, 10.0)))
        return self._session

    async def _attempt(self, method: str, path: str, payload: dict[str, Any] | None) -> Any:
        url = f"{self.base_url}{path}"
        try:
            async with asyncio.timeout(self.timeout):
                async with self._http().request(method, url, json=payload) as reply:
                    response = _Answer(reply.status, reply.headers, await reply.read())
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
            raise EndpointUnreachableError(
                f"cannot connect to {url} ({exc.__class__.__name__}: {exc}); is the server running "
                "and the URL right?"
            ) from exc
        except TimeoutError as exc:
            raise ModelTimeoutError(
                f"{url} did not answer within {self.timeout:g} s for model {self.model!r}; raise the "
                "timeout or check that the server is not overloaded"
            ) from exc
        except aiohttp.ClientError as exc:
            raise EndpointUnreachableError(
                f"the connection to {url} failed ({exc.__class__.__name__}: {exc})"
            ) from exc
        if response.status >= 400:
            raise error_for_status(
                response.status,
                provider="OpenAI-compatible server",
                model=self.model,
                url=self.base_url,
                detail=_detail(response),
                key_env=KEY_ENV,
                retry_after=parse_retry_after(response.headers.get("retry-after")),
            )
        try:
            return response.json()
        except ValueError as exc:
            raise BadResponseError(
                f"{url} answered HTTP {response.status} with something that is not JSON: "
                f"{response.text[:200]!r}; is this an OpenAI-compatible endpoint?"
            ) from exc

    async def _request(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        return await with_retries(lambda: self._attempt(method, path, payload), self.retry)

    async def complete(self, messages: Sequence[Message], **params: Any) -> Completion:
        payload: dict[str, Any] = {"model": self.model, "messages": [dict(m) for m in messages]}
        payload.update({k: params[k] for k in FORWARDED_PARAMS if params.get(k) is not None})
        constrained = bool(params.get("grammar") and self.grammar_field)
        if constrained:
            payload[self.grammar_field] = params["grammar"]  # type: ignore[index]
        started = time.perf_counter()
        body = await self._request("POST", "/chat/completions", payload)
        text, prompt_tokens, completion_tokens, finish, served = _parse_completion(body, self.model)
        return Completion(
            text=text,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            latency_s=time.perf_counter() - started,
            model=served,
            finish_reason=finish,
            extra={"constrained": constrained},
        )

    async def list_models(self) -> list[str]:
        """The model ids the server offers (``GET /models``): a cheap check of URL and key."""
        body = await self._request("GET", "/models")
        try:
            return [str(item["id"]) for item in body["data"]]
        except (KeyError, TypeError) as exc:
            raise BadResponseError(f"{self.base_url}/models did not list models: {str(body)[:200]}") from exc

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
