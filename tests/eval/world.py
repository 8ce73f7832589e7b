"""Scripted models that know the reference answers of a set of instances, and a code reader.

Importable from a subprocess (``from tests.eval.world import ...``) for the SIGKILL test.
"""

from __future__ import annotations

import ast
import asyncio
import re
import time
from collections.abc import Iterable, Sequence
from typing import Any

from codesteer.llm.base import ChatModel, Completion, Message
from codesteer.llm.scripted import ScriptedModel
from codesteer.sandbox.types import Execution, SandboxConfig
from codesteer.symbench import Instance, get_task
from codesteer.symbench.task import RELEASED_ANSWER

CHECK_MARK = "checks whether the proposed answer is correct"
_PRINT = re.compile(r"print\((.*)\)\s*$", re.S)


def reference_answers(instances: Iterable[Instance], wrong_tasks: Iterable[str] = ()) -> dict[str, str]:
    """Question -> the reply text to give: the reference answer, or a wrong one for ``wrong_tasks``."""
    wrong = set(wrong_tasks)
    return {i.question: "<<<definitely wrong>>>" if i.task in wrong else _reference(i) for i in instances}


def _reference(instance: Instance) -> str:
    task = get_task(instance.task)
    return task.reference_answer(instance) if task.has_solver else f"<<<{instance.data[RELEASED_ANSWER]}>>>"


def task_reply(answers: dict[str, str], messages: Sequence[Message], *, bare_wrong: bool = False) -> str:
    """A program printing the scripted answer to the question asked; self-checks say Correct.

    ``bare_wrong``: a question asked with no instruction around it (``only_question``) gets a
    wrong answer in text.
    """
    first = messages[0]["content"]
    if CHECK_MARK in first:
        return "```python\nprint('Correct')\n```"
    for question, answer in answers.items():
        if bare_wrong and first.strip() == question.strip():
            return "I guess <<<0>>>"
        if question in first:
            return f"Plan: print it.\n```python\nprint({answer!r})\n```"
    raise AssertionError(f"unknown question: {first[:200]}")


def steer_reply(messages: Sequence[Message]) -> str:
    """Choose code, then return the answer."""
    return "<<<Code>>>" if len(messages) == 1 else "<<<Return Answer>>>"


def task_model(answers: dict[str, str], name: str = "task", *, bare_wrong: bool = False) -> ScriptedModel:
    return ScriptedModel(lambda messages: task_reply(answers, messages, bare_wrong=bare_wrong), name=name)


def steer_model(name: str = "steer") -> ScriptedModel:
    return ScriptedModel(steer_reply, name=name)


class SlowModel(ChatModel):
    """Delays every call of ``inner`` by ``delay`` seconds (a remote model's latency)."""

    def __init__(self, inner: ChatModel, delay: float) -> None:
        self.inner, self.delay, self.name = inner, delay, inner.name

    async def complete(self, messages: Sequence[Message], **params: Any) -> Completion:
        await asyncio.sleep(self.delay)
        return await self.inner.complete(messages, **params)


async def literal_executor(code: str, *, config: SandboxConfig) -> Execution:
    """Reads ``print(<literal>)`` programs without running them (tests that need no sandbox)."""
    match = _PRINT.search(code.strip())
    try:
        out = str(ast.literal_eval(match.group(1))) + "\n" if match else ""
    except (ValueError, SyntaxError):
        out = ""
    start = time.perf_counter()
    return Execution(out, "", 0, "ok", time.perf_counter() - start, 0.0)
