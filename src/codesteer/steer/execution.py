"""Running model-written code through an injectable executor (the sandbox by default).

The engine never runs model code in its own process: every run goes through an ``Executor``,
an async callable with the signature of :func:`codesteer.sandbox.run_async`.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Protocol

from codesteer.sandbox.types import Execution, SandboxConfig
from codesteer.steer.extract import approx_tokens


class Executor(Protocol):
    def __call__(self, code: str, *, config: SandboxConfig) -> Awaitable[Execution]: ...


def default_executor() -> Executor:
    """The sandbox's ``run_async``; a clear error when the sandbox is not installed."""
    try:
        from codesteer.sandbox import run_async
    except ImportError as exc:  # pragma: no cover - the sandbox ships with the package
        raise RuntimeError(f"the sandbox is not available ({exc})") from exc
    return run_async


def report(execution: Execution, max_tokens: int) -> str:
    """What a model is told about a run: stdout, stderr and how it ended.

    Output estimated above ``max_tokens`` tokens is replaced by a notice, as in the paper.
    """
    notes = {
        "timed_out": f"The program was stopped at the time limit after {execution.wall_s:.1f} s.",
        "memory_exceeded": "The program was stopped: it exceeded the memory limit.",
        "killed": "The program was killed by a signal.",
    }
    body = f"output:\n{execution.stdout.rstrip()}\nerrors:\n{execution.stderr.rstrip()}"
    if approx_tokens(execution.stdout + execution.stderr) > max_tokens:
        body = f"The output is too long to be shown (more than about {max_tokens} tokens)."
    note = notes.get(execution.outcome)
    return f"{body}\n{note}" if note else body
