"""Model specs: one string names a model, one parser turns it into a :class:`ChatModel`.

A spec is ``PREFIX`` or ``PREFIX:REST``; the prefix picks a provider from one registry, which
builds the model from ``REST``. Adding a provider is one :func:`register_provider` call::

    local                                 embedded SmolLM2-135M-Instruct (in-process, offline)
    local:/path/model.gguf                any GGUF file, in-process
    openai:gpt-4o                         OpenAI (or $OPENAI_BASE_URL)
    openai:MODEL@http://127.0.0.1:8000/v1 any OpenAI-compatible server
    vllm:MODEL[@URL]                      vLLM (default http://127.0.0.1:8000/v1)
    ollama:MODEL[@URL]                    Ollama (default http://127.0.0.1:11434/v1)
    llamacpp:MODEL[@URL]                  a llama.cpp server (default http://127.0.0.1:8080/v1)
    anthropic:claude-...                  Anthropic
    hf:PATH                               a transformers checkpoint, in-process
"""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codesteer.llm.base import ChatModel
from codesteer.llm.cache import CachedModel, cache_enabled
from codesteer.llm.errors import ModelSpecError
from codesteer.llm.retry import RetryPolicy

VLLM_URL = "http://127.0.0.1:8000/v1"
OLLAMA_URL = "http://127.0.0.1:11434/v1"
LLAMACPP_URL = "http://127.0.0.1:8080/v1"
_MODEL_AT_URL = re.compile(r"^(?P<model>.*?)@(?P<url>https?://\S+)$")


@dataclass(frozen=True)
class Provider:
    """How one spec prefix becomes a model: ``build(rest, **options)``."""

    prefix: str
    build: Callable[..., ChatModel]
    usage: str
    summary: str


PROVIDERS: dict[str, Provider] = {}


def register_provider(prefix: str, build: Callable[..., ChatModel], *, usage: str, summary: str) -> None:
    """Make ``prefix:...`` specs build models with ``build(rest, **options)``."""
    PROVIDERS[prefix] = Provider(prefix, build, usage, summary)


def split_model_url(rest: str, default_url: str | None = None) -> tuple[str, str | None]:
    """``MODEL@URL`` -> (MODEL, URL); a bare ``MODEL`` gets ``default_url``."""
    match = _MODEL_AT_URL.match(rest)
    model, url = (match["model"], match["url"]) if match else (rest, default_url)
    if not model.strip():
        raise ModelSpecError(f"missing model name in {rest!r}")
    return model.strip(), url


def _usage() -> str:
    return "\n".join(f"  {p.usage:<42} {p.summary}" for p in PROVIDERS.values())


def load_model(spec: str, *, cache: bool = True, **options: Any) -> ChatModel:
    """The model a spec names, wrapped in the response cache unless ``cache`` is False or
    ``$CODESTEER_CACHE=0``. ``options`` go to the provider (e.g. ``timeout``, ``retry``,
    ``api_key``, ``n_threads``); an option the provider does not take is an error."""
    prefix, _, rest = spec.strip().partition(":")
    provider = PROVIDERS.get(prefix)
    if provider is None:
        raise ModelSpecError(f"unknown model spec {spec!r}; a spec is one of:\n{_usage()}")
    try:
        inspect.signature(provider.build).bind(rest, **options)
    except TypeError as exc:
        raise ModelSpecError(f"{prefix}: models do not take the options {sorted(options)} ({exc})") from exc
    try:
        model = provider.build(rest, **options)
    except ModelSpecError as exc:
        raise ModelSpecError(f"bad model spec {spec!r}: {exc}; expected {provider.usage}") from exc
    return CachedModel(model) if cache and cache_enabled() else model


def _openai(rest: str, *, api_key: str | None = None, timeout: float = 120.0,
            retry: RetryPolicy | None = None) -> ChatModel:
    from codesteer.llm.openai_compat import OpenAICompatModel

    model, url = split_model_url(rest)
    return OpenAICompatModel(model, base_url=url, api_key=api_key, timeout=timeout, retry=retry)


def _local_server(prefix: str, default_url: str, key_env: str | None,
                  grammar_field: str | None = None) -> Callable[..., ChatModel]:
    """A provider for a local OpenAI-compatible server; never sends the user's OpenAI key there.
    ``grammar_field``: the request field the server reads a GBNF grammar from."""

    def build(rest: str, *, api_key: str | None = None, timeout: float = 300.0,
              retry: RetryPolicy | None = None) -> ChatModel:
        from codesteer.llm.openai_compat import PLACEHOLDER_KEY, OpenAICompatModel

        model, url = split_model_url(rest, default_url)
        key = api_key or (os.environ.get(key_env) if key_env else None) or PLACEHOLDER_KEY
        return OpenAICompatModel(model, base_url=url, api_key=key, timeout=timeout, retry=retry,
                                 name=f"{prefix}:{rest}", grammar_field=grammar_field)

    return build


def _anthropic(rest: str, *, api_key: str | None = None, base_url: str | None = None,
               timeout: float = 120.0, retry: RetryPolicy | None = None) -> ChatModel:
    from codesteer.llm.anthropic import AnthropicModel

    model, url = split_model_url(rest)
    return AnthropicModel(model, api_key=api_key, base_url=base_url or url, timeout=timeout, retry=retry)


def _local(rest: str, *, n_ctx: int | None = None, n_threads: int | None = None,
           max_tokens: int | None = None, repeat_penalty: float | None = None) -> ChatModel:
    from codesteer.llm import local

    return local.LocalModel(
        Path(rest) if rest else None,
        n_ctx=n_ctx or local.DEFAULT_CONTEXT,
        n_threads=n_threads or local.DEFAULT_THREADS,
        max_tokens=max_tokens or local.DEFAULT_MAX_TOKENS,
        repeat_penalty=repeat_penalty or local.DEFAULT_REPEAT_PENALTY,
    )


def _hf(rest: str, *, threads: int | None = None) -> ChatModel:
    from codesteer.llm.hf import TransformersModel

    if not rest:
        raise ModelSpecError("missing checkpoint path")
    return TransformersModel(rest, threads=threads)


register_provider("local", _local, usage="local | local:PATH.gguf",
                  summary="embedded SmolLM2-135M-Instruct, or any GGUF file (in-process, offline)")
register_provider("openai", _openai, usage="openai:MODEL[@URL]",
                  summary="OpenAI, or any OpenAI-compatible URL ($OPENAI_API_KEY, $OPENAI_BASE_URL)")
register_provider("vllm", _local_server("vllm", VLLM_URL, "VLLM_API_KEY", "guided_grammar"), usage="vllm:MODEL[@URL]",
                  summary=f"a vLLM server (default {VLLM_URL}; key from $VLLM_API_KEY if set)")
register_provider("llamacpp", _local_server("llamacpp", LLAMACPP_URL, None, "grammar"), usage="llamacpp:MODEL[@URL]",
                  summary=f"a llama.cpp server (llama-server, or python -m llama_cpp.server; default {LLAMACPP_URL})")
register_provider("ollama", _local_server("ollama", OLLAMA_URL, None), usage="ollama:MODEL[@URL]",
                  summary=f"an Ollama server (default {OLLAMA_URL})")
register_provider("anthropic", _anthropic, usage="anthropic:MODEL[@URL]",
                  summary="Anthropic's API ($ANTHROPIC_API_KEY; needs the [anthropic] extra)")
register_provider("hf", _hf, usage="hf:PATH",
                  summary="a transformers checkpoint in-process (needs the [train] extra)")
