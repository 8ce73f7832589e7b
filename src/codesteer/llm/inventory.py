"""What models this machine is set up for, and whether they answer (``codesteer models``)."""

from __future__ import annotations

import importlib.util
import os
import time
from dataclasses import dataclass

from codesteer.llm.base import ModelError, message
from codesteer.llm.retry import RetryPolicy
from codesteer.llm.spec import load_model

CHECK_TIMEOUT_S = 20.0
CHECK_RETRY = RetryPolicy(attempts=2, base_delay=0.5)
PING = [message("user", "Say OK.")]


@dataclass
class Configured:
    """One provider's set-up: ``spec`` is what to pass to ``codesteer chat``."""

    spec: str
    configured: bool
    detail: str


@dataclass
class CheckResult:
    spec: str
    ok: bool
    detail: str


def _env(name: str) -> str:
    return f"{name} set" if os.environ.get(name) else f"{name} not set"


def _local() -> Configured:
    from codesteer.llm.local import embedded_model_path

    try:
        path = embedded_model_path()
    except ModelError as exc:
        return Configured("local", False, str(exc))
    has_runtime = importlib.util.find_spec("llama_cpp") is not None
    runtime = "llama-cpp-python installed" if has_runtime else (
        "llama-cpp-python NOT installed (pip install 'codesteer[local]')"
    )
    size_mib = path.stat().st_size / 2**20
    return Configured("local", has_runtime, f"{path.name} ({size_mib:.0f} MiB) at {path.parent}; {runtime}")


def _openai() -> Configured:
    url = os.environ.get("OPENAI_BASE_URL")
    where = f"OPENAI_BASE_URL={url}" if url else "OPENAI_BASE_URL not set (api.openai.com)"
    configured = bool(os.environ.get("OPENAI_API_KEY") or url)
    return Configured("openai:MODEL", configured, f"{_env('OPENAI_API_KEY')}; {where}")


def _anthropic() -> Configured:
    has_sdk = importlib.util.find_spec("anthropic") is not None
    sdk = "SDK installed" if has_sdk else "SDK NOT installed (pip install 'codesteer[anthropic]')"
    configured = bool(os.environ.get("ANTHROPIC_API_KEY")) and has_sdk
    return Configured("anthropic:MODEL", configured, f"{_env('ANTHROPIC_API_KEY')}; {sdk}")


def configured_models() -> list[Configured]:
    """The embedded model, OpenAI(-compatible) and Anthropic, and how each is set up."""
    return [_local(), _openai(), _anthropic()]


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
    return f"reachable; {len(names)} model(s): {shown}" if names else "reachable; it lists no models"


async def ping(spec: str) -> CheckResult:
    """A 1-token completion from the model ``spec`` names (no cache)."""
    started = time.perf_counter()
    model = None
    try:
        model = load_model(spec, cache=False)
        reply = await model.complete(PING, max_tokens=1, temperature=0.0)
    except ModelError as exc:
        return CheckResult(spec, False, str(exc))
    finally:
        if model is not None:
            await model.aclose()
    return CheckResult(spec, True, f"answers ({time.perf_counter() - started:.2f} s, {reply.completion_tokens} token)")


async def check_provider(entry: Configured) -> CheckResult:
    """Ask a configured provider whether it answers: a 1-token ping of the embedded model, the
    model list of an OpenAI-compatible server or of Anthropic (no model name needed)."""
    if entry.spec == "local":
        return await ping("local")
    try:
        if entry.spec.startswith("openai"):
            from codesteer.llm.openai_compat import OpenAICompatModel

            client = OpenAICompatModel("", timeout=CHECK_TIMEOUT_S, retry=CHECK_RETRY)
        else:
            from codesteer.llm.anthropic import AnthropicModel

            client = AnthropicModel("", timeout=CHECK_TIMEOUT_S, retry=CHECK_RETRY)
        try:
            names = await client.list_models()
        finally:
            await client.aclose()
    except ModelError as exc:
        return CheckResult(entry.spec, False, str(exc))
    return CheckResult(entry.spec, True, _listing(names))
