"""Scripted teacher and task models whose outcome depends on the guidance, and the specs using them.

The task answers a ``number_multiply`` instance correctly when told to use code or to recompute,
wrongly when told to reason in text. The teacher plays, for each rollout (found by the seed the
runner gives it), a fixed output per round.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from codesteer.llm.base import ChatModel, Completion, Message
from codesteer.llm.scripted import ScriptedModel
from codesteer.sandbox.types import Execution, SandboxConfig
from codesteer.steer.prompts import render
from codesteer.symbench import get_task
from codesteer.synth import SynthSpec, run_synth_async, teacher_config
from codesteer.synth.spec import rollout_seed
from codesteer.synth.tree import BranchPath, rollout_of

TASK = "number_multiply"


def instance():
    spec = tree_spec()
    [inst], _ = spec.instances()
    return inst


def correct_answer() -> str:
    return get_task(TASK).reference_answer(instance())


CHECK_MARK = "checks whether the proposed answer is correct"


def task_reply(messages: Sequence[Message], write_code: bool = False) -> str:
    """The scripted task model's reply. ``write_code``: answer code instructions with a program,
    and self-check requests with one."""
    code, text = render("task_code").text, render("task_text").text
    last = messages[-1]["content"]
    if CHECK_MARK in messages[0]["content"]:
        return "```python\nprint('Correct')\n```"
    if write_code and code in last:
        return f"```python\nprint('{correct_answer()}')\n```"
    if code in last or "recompute" in last.lower():
        return f"Computed: {correct_answer()}"
    if text in last:
        return "Roughly <<<1>>>"
    return "No idea <<<2>>>"


def task_model(delay: float = 0.0, write_code: bool = False) -> ScriptedModel:
    """The task model answering with :func:`task_reply`."""
    model = ScriptedModel(lambda messages: task_reply(messages, write_code), name="task")
    if delay:
        return Slow(model, delay)  # type: ignore[return-value]
    return model


class Slow(ChatModel):
    def __init__(self, inner: ChatModel, delay: float) -> None:
        self.inner, self.delay, self.name = inner, delay, inner.name

    async def complete(self, messages: Sequence[Message], **params: Any) -> Completion:
        await asyncio.sleep(self.delay)
        return await self.inner.complete(messages, **params)


class Teacher(ChatModel):
    """Plays ``script[rollout number][round]``; the rollout is recognised by its seed."""

    name = "teacher"

    def __init__(self, spec: SynthSpec, script: Mapping[int, Mapping[int, str]], delay: float = 0.0) -> None:
        inst = instance()
        self.by_seed = {rollout_seed(spec.seed, inst.id, *place(n)): (n, rounds) for n, rounds in script.items()}
        self.delay = delay
        self.calls: list[tuple[int, int]] = []

    def reply(self, messages: Sequence[Message], seed: int) -> str:
        """The scripted output of the rollout seeded ``seed`` at the round the messages reach."""
        number, rounds = self.by_seed[seed]
        k = sum(m["role"] == "assistant" for m in messages)
        self.calls.append((number, k))
        return rounds[k]

    async def complete(self, messages: Sequence[Message], **params: Any) -> Completion:
        if self.delay:
            await asyncio.sleep(self.delay)
        text = self.reply(messages, params["seed"])
        return Completion(text, prompt_tokens=10, completion_tokens=len(text.split()), model=self.name)


async def no_sandbox(code: str, *, config: SandboxConfig) -> Execution:
    raise AssertionError("these scripted replies hold no code")


def place(number: int) -> tuple[int, BranchPath]:
    """(root sample, branch path) of a rollout the scripts below number: a root by its sample,
    a branch by ``1`` followed by the digits of each (round, sibling) of its path, so 10111 is the
    round-1 alternative 1 of the round-0 alternative 1 of root 0."""
    return rollout_of(number, "")


def _spec(**kw: Any) -> SynthSpec:
    return SynthSpec(teacher="teacher", task_model="task", tasks=TASK, n=1, levels=("paper",),
                     steer=teacher_config(max_rounds=2, self_check=False), **kw)


def tree_spec() -> SynthSpec:
    return _spec(kind="dpo", mode="tree", width=2, depth=2)


def failed_spec() -> SynthSpec:
    return _spec(kind="dpo", mode="failed", resamples=2)


def sft_spec() -> SynthSpec:
    return _spec(kind="sft", samples=2)


RECOMPUTE = "Recompute it. <<<Recompute the product exactly.>>>"

#: root: Text (wrong), Code (right), stop: 3 rounds, correct -> 12
#: 101 (round 0 alternative): Code (right), stop: 2 rounds, correct -> 13
#: 111 (round 1 alternative of the root): stop after the wrong text reply -> -2
#: 10111 (round 1 alternative of 101): Text (wrong), stop -> -3
TREE = {
    0: {0: "<<<Text>>>", 1: "<<<Code>>>", 2: "<<<Return Answer>>>"},
    101: {0: "<<<Code>>>", 1: "<<<Return Answer>>>"},
    111: {1: "<<<Return Answer>>>"},
    10111: {1: "<<<Text>>>", 2: "<<<Return Answer>>>"},
}

#: root fails (Text, stop: -2); resamples 2 per round.
FAILED = {
    0: {0: "<<<Text>>>", 1: "<<<Return Answer>>>"},
    101: {0: "<<<Code>>>", 1: "<<<Return Answer>>>"},  # correct in 2 rounds: 13
    102: {0: "<<<Text>>>", 1: "<<<Code>>>", 2: "<<<Return Answer>>>"},  # correct, but same round-0 text
    111: {1: RECOMPUTE, 2: "<<<Return Answer>>>"},  # correct in 3 rounds: 12
    112: {1: "<<<Return Answer>>>"},  # wrong again: no pair
}

#: sample 0: Text, Code, stop (3 rounds); sample 1: Code (already right), a needless recompute, stop.
SFT = {
    0: {0: "<<<Text>>>", 1: "<<<Code>>>", 2: "<<<Return Answer>>>"},
    1: {0: "<<<Code>>>", 1: RECOMPUTE, 2: "<<<Return Answer>>>"},
}


async def run(spec: SynthSpec, script: Mapping[int, Mapping[int, str]], out: str, delay: float = 0.0,
              task: ChatModel | None = None, executor: Any = no_sandbox, **options: Any):
    teacher = Teacher(spec, script, delay)
    summary = await run_synth_async(spec, out, models={"teacher": teacher, "task": task or task_model(delay)},
                                    executor=executor, concurrency=2, sandbox_concurrency=1, **options)
    return summary, teacher


if __name__ == "__main__":  # used by the resume test: python -m tests.synth.helpers OUT DELAY
    asyncio.run(run(tree_spec(), TREE, sys.argv[1], float(sys.argv[2])))
