"""Fixtures of the steering tests: the sandbox executor and scripted-model helpers."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from codesteer.llm.base import Message
from codesteer.llm.scripted import ScriptedModel
from codesteer.steer.config import SteerConfig


@pytest.fixture(scope="session")
def executor():
    """The real sandbox: model-written code in the tests runs exactly as in production."""
    from codesteer.sandbox import run_async

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


