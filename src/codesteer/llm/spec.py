"""Model specs: one string names a model, one parser turns it into a :class:`ChatModel`.

A spec is ``PREFIX`` or ``PREFIX:REST``; the prefix picks a provider from one registry, which
builds the model from ``REST``. Adding a provider is one :func:`register_provider` call::

    local                                 embedded SmolLM2-135M-Instruct (in-process, offline)
    local:/path/model.gguf                any GGUF file, in-process
    openai:gpt-4o                         OpenAI (or $OPENAI_BASE_URL)
    openai:MODEL@http://127.0.0.1:8000/v1 any OpenAI-compatible server
    vllm:MODEL[@URL]                      vLLM (default http://127.0.0.1:8000/v1)
    vllm:MODEL@URL1,URL2,...              vLLM replicas, calls spread over them (also openai:, ollama:, llamacpp:)
    vllm:MODEL@file:PATH                  the replicas listed in a file, one URL a line
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
_MODEL_AT = re.compile(r"^(?P<model>.*?)@(?P<where>(?:https?://|file:)\S+)$")
_URL = re.compile(r"^https?://\S+$")


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


def split_model_urls(rest: str, default_url: str | None = None) -> tuple[str, tuple[str, ...]]:
    """``MODEL@URL1,URL2`` or ``MODEL@file:PATH`` (one URL a line, ``#`` comments) -> (MODEL, URLs);
    a bare ``MODEL`` gets ``default_url`` (or no URL)."""
    match = _MODEL_AT.match(rest)
    if match is None:
        model, urls = rest, (default_url,) if default_url else ()
    elif match["where"].startswith("file:"):
        model, urls = match["model"], _endpoints_file(Path(match["where"][len("file:"):]).expanduser())
    else:
        model, urls = match["model"], tuple(u.strip() for u in match["where"].split(","))
    if not model.strip():
        raise ModelSpecError(f"missing model name in {rest!r}")
    bad = [u for u in urls if not _URL.match(u)]
    if bad:
        raise ModelSpecError(f"{', '.join(map(repr, bad))} is not an http(s) URL")
    return model.strip(), urls


def _endpoints_file(path: Path) -> tuple[str, ...]:
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise ModelSpecError(f"cannot read the endpoints file {path} ({exc.strerror or exc})") from exc
    urls = tuple(line.split("#", 1)[0].strip() for line in lines)
    if not any(urls):
        raise ModelSpecError(f"the endpoints file {path} lists no URL")
    return tuple(u for u in urls if u)


def split_model_url(rest: str, default_url: str | None = None) -> tuple[str, str | None]:
    """``MODEL@URL`` -> (MODEL, URL); a bare ``MODEL`` gets ``default_url``. One URL only."""
    model, urls = split_model_urls(rest, default_url)
    if len(urls) > 1:
        raise ModelSpecError("this provider takes one URL, not several replicas")
    return model, urls[0] if urls else None


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


def _compat(model: str, urls: tuple[str, ...], name: str | None, api_key: str | None, timeout: float,
            retry: RetryPolicy | None, grammar_field: str | None = None) -> ChatModel:
    """An OpenAI-compatible model at one URL (or the default), or one replicated over several.
    ``grammar_field``: the request field the server reads a GBNF grammar from."""
    from codesteer.llm.openai_compat import OpenAICompatModel

    if len(urls) <= 1:
        return OpenAICompatModel(model, base_url=urls[0] if urls else None, api_key=api_key, timeout=timeout,
                                 retry=retry, name=name, grammar_field=grammar_field)
    from codesteer.llm.replicas import ReplicatedModel

    prefix = (name or "openai:").split(":", 1)[0]
    each = retry or RetryPolicy(attempts=1)  # a failed call moves to another replica at once
    return ReplicatedModel(name or f"openai:{model}@{','.join(urls)}", [
        OpenAICompatModel(model, base_url=url, api_key=api_key, timeout=timeout, retry=each,
                          name=f"{prefix}:{model}@{url}", grammar_field=grammar_field) for url in urls])


def _openai(rest: str, *, api_key: str | None = None, timeout: float = 120.0,
            retry: RetryPolicy | None = None) -> ChatModel:
    model, urls = split_model_urls(rest)
    return _compat(model, urls, None, api_key, timeout, retry)


def _local_server(prefix: str, default_url: str, key_env: str | None,
                  grammar_field: str | None = None) -> Callable[..., ChatModel]:
    """A provider for a local OpenAI-compatible server; never sends the user's OpenAI key there.
    ``grammar_field``: the request field the server reads a GBNF grammar from."""

    def build(rest: str, *, api_key: str | None = None, timeout: float = 300.0,
              retry: RetryPolicy | None = None) -> ChatModel:
        from codesteer.llm.openai_compat import PLACEHOLDER_KEY

        model, urls = split_model_urls(rest, default_url)
        key = api_key or (os.environ.get(key_env) if key_env else None) or PLACEHOLDER_KEY
        return _compat(model, urls, f"{prefix}:{rest}", key, timeout, retry, grammar_field)

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
register_provider("openai", _openai, usage="openai:MODEL[@URL[,URL...]]",
                  summary="OpenAI, or any OpenAI-compatible URL ($OPENAI_API_KEY, $OPENAI_BASE_URL)")
register_provider("vllm", _local_server("vllm", VLLM_URL, "VLLM_API_KEY", "guided_grammar"),
                  usage="vllm:MODEL[@URL[,URL...]]",
                  summary=f"a vLLM server (default {VLLM_URL}; key from $VLLM_API_KEY if set)")
register_provider("llamacpp", _local_server("llamacpp", LLAMACPP_URL, None, "grammar"),
                  usage="llamacpp:MODEL[@URL[,URL...]]",
                  summary=f"a llama.cpp server (llama-server, or python -m llama_cpp.server; default {LLAMACPP_URL})")
register_provider("ollama", _local_server("ollama", OLLAMA_URL, None), usage="ollama:MODEL[@URL[,URL...]]",
                  summary=f"an Ollama server (default {OLLAMA_URL})")
register_provider("anthropic", _anthropic, usage="anthropic:MODEL[@URL]",
                  summary="Anthropic's API ($ANTHROPIC_API_KEY; needs the [anthropic] extra)")
register_provider("hf", _hf, usage="hf:PATH",
                  summary="a transformers checkpoint in-process (needs the [train] extra)")
