"""Fixtures of the steering tests: the sandbox executor and scripted-model helpers."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Sequence

import pytest

from codesteer.llm.base import Message
from codesteer.llm.scripted import ScriptedModel
from codesteer.sandbox.types import Execution, SandboxConfig
from codesteer.steer.config import SteerConfig


async def _subprocess_executor(code: str, *, config: SandboxConfig) -> Execution:
    """Stand-in for the sandbox while it is not installed: a separate, isolated interpreter."""
    start = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-I", "-c", code,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), config.timeout_s)
    except TimeoutError:
        proc.kill()
        out, err = await proc.communicate()
        return Execution(out.decode(), err.decode(), None, "timed_out", time.perf_counter() - start, 0.0)
    outcome = "ok" if proc.returncode == 0 else "error"
    return Execution(out.decode(), err.decode(), proc.returncode, outcome, time.perf_counter() - start, 0.0)


@pytest.fixture(scope="session")
def executor():
    """The real sandbox when it is installed, else the subprocess stand-in."""
    try:
        from codesteer.sandbox import run_async
    except ImportError:
        return _subprocess_executor
    return run_async


@pytest.fixture
def quick() -> SteerConfig:
    """Paper defaults, without the self-answer checker and with a short sandbox limit."""
    return SteerConfig(self_check=False, sandbox_timeout_s=5.0)


CHECK_MARK = "checks whether the proposed answer is correct"


def task_model(replies: Sequence[str], check: str = "```python\nprint('Correct')\n```",
               name: str = "task") -> ScriptedModel:
    """A task model that plays ``replies`` in order and answers self-check requests with ``check``."""
    queue = list(replies)

    def respond(messages: Sequence[Message]) -> str:
        if CHECK_MARK in messages[0]["content"]:
            return check
        if not queue:
            raise AssertionError("task model asked more often than scripted")
        return queue.pop(0)

    return ScriptedModel(respond, name=name)


def code(body: str) -> str:
    """A reply with a plan sentence and one python block."""
    return f"Plan: compute it.\n```python\n{body}\n```"


