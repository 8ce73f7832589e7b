"""The errors a model call can end in, each with a message that tells a person what to do.

Every class is a :class:`~codesteer.llm.base.ModelError`, so callers that only want "the call
failed" catch that. Subclasses of :class:`TransientError` (rate limits, server errors, network
failures) are the ones :func:`codesteer.llm.retry.with_retries` tries again.
"""

from __future__ import annotations

from codesteer.llm.base import ModelError


class AuthenticationError(ModelError):
    """The provider rejected the key (HTTP 401/403) or no key is configured."""


class ModelNotFoundError(ModelError):
    """The provider does not serve the requested model (HTTP 404, or an unknown model file)."""


class BadRequestError(ModelError):
    """The provider refused the request as malformed (HTTP 400/422: too long a prompt, a bad parameter)."""


class BadResponseError(ModelError):
    """The provider answered, but not with a chat completion (garbage, truncated or odd JSON)."""


class ModelTimeoutError(ModelError):
    """One call took longer than its timeout."""


class MissingDependencyError(ModelError):
    """A backend needs an optional extra that is not installed."""


class TransientError(ModelError):
    """A failure worth retrying; ``retry_after`` is the server's hint in seconds, if it gave one."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RateLimitError(TransientError):
    """HTTP 429 (or 408): the provider asks us to slow down."""


class ServerError(TransientError):
    """HTTP 5xx: the provider failed on its side (including Anthropic's 529 "overloaded")."""


class EndpointUnreachableError(TransientError):
    """No connection could be made (wrong URL, server not running, network down)."""


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header given as a number (HTTP dates are not honoured)."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return max(seconds, 0.0)


def error_for_status(
    status: int,
    *,
    provider: str,
    model: str,
    url: str,
    detail: str = "",
    key_env: str | None = None,
    retry_after: float | None = None,
) -> ModelError:
    """The error for an HTTP error ``status`` from ``provider`` (shared by every HTTP backend)."""
    said = f": {detail}" if detail else ""
    where = f"{provider} at {url}"
    if status in (401, 403):
        hint = f"check {key_env} (is it set, current, and allowed to use this model?)" if key_env else (
            "check the API key configured for this server"
        )
        return AuthenticationError(f"{where} rejected the API key (HTTP {status}){said}; {hint}")
    if status == 404:
        return ModelNotFoundError(
            f"{where} does not know model {model!r} (HTTP 404){said}; check the model name "
            "(`codesteer models --check` lists what a server offers) and that the base URL is right "
            "(OpenAI-compatible servers usually end in /v1)"
        )
    if status in (408, 429):
        return RateLimitError(
            f"{where} is rate limiting requests (HTTP {status}){said}; wait a moment, lower the "
            "concurrency, or raise your quota",
            retry_after=retry_after,
        )
    if status >= 500:
        return ServerError(
            f"{where} failed on its side (HTTP {status}){said}; try again later",
            retry_after=retry_after,
        )
    if status in (400, 413, 422):
        return BadRequestError(
            f"{where} refused the request for model {model!r} (HTTP {status}){said}; check the "
            "parameters and the prompt length"
        )
    return ModelError(f"{where} answered HTTP {status} for model {model!r}{said}")


class ModelSpecError(ModelError):
    """A model spec string that no provider understands, or options a provider does not take."""
