"""Resuming a CodeSteer run from a recorded prefix, and seeding the teacher's samples.

A branch at round ``k`` must see exactly what its parent rollout saw before its round-``k``
guidance. Rather than re-asking the models, the branch's models and executor answer every call
the parent made in rounds ``0 .. k-1`` from the parent's trajectory (matched by the exact
conversation so far) and pass anything else to the real ones. The engine runs unchanged, and the
branch's trajectory is complete from round 0, its replayed calls marked ``cached``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from codesteer.llm.base import ChatModel, Completion, Message, ModelWrapper
from codesteer.sandbox.types import Execution, SandboxConfig
from codesteer.steer.code_runner import Executor
from codesteer.steer.trajectory import STEER, Conversation, Trajectory

Key = tuple[tuple[str, str], ...]


def _key(messages: Sequence[Message]) -> Key:
    return tuple((m["role"], m["content"]) for m in messages)


class SeededModel(ModelWrapper):
    """Adds ``seed`` to every call, so samples of one prompt differ (and cache separately)."""

    def __init__(self, inner: ChatModel, seed: int) -> None:
        super().__init__(inner)
        self.seed = seed

    async def complete(self, messages: Sequence[Message], **params: Any) -> Completion:
        return await self.inner.complete(messages, **{**params, "seed": self.seed})


class ReplayModel(ModelWrapper):
    """Answers recorded conversations from a table; asks ``inner`` for anything else."""

    def __init__(self, inner: ChatModel, table: dict[Key, str]) -> None:
        super().__init__(inner)
        self.table = table

    async def complete(self, messages: Sequence[Message], **params: Any) -> Completion:
        text = self.table.get(_key(messages))
        if text is None:
            return await self.inner.complete(messages, **params)
        return Completion(text=text, model=self.inner.name, finish_reason="stop", cached=True)


def recorded(t: Trajectory, before_round: int, conversations: tuple[Conversation, ...] | None = None,
             exclude: tuple[Conversation, ...] = ()) -> dict[Key, str]:
    """Every assistant turn of ``t`` in rounds ``0 .. before_round-1``, keyed by what preceded it."""
    names = {m.conversation for m in t.messages}
    table: dict[Key, str] = {}
    for name in names:
        if (conversations is not None and name not in conversations) or name in exclude:
            continue
        history: list[Message] = []
        for m in (m for m in t.messages if m.conversation == name):
            if m.role == "assistant" and 0 <= m.round < before_round:
                table[_key(history)] = m.content
            history.append({"role": m.role, "content": m.content})  # type: ignore[typeddict-item]
    return table


def replay_executor(t: Trajectory, before_round: int, executor: Executor) -> Executor:
    """An executor returning ``t``'s recorded executions of rounds before ``before_round``."""
    known: dict[str, Execution] = {}
    for r in t.rounds:
        if r.index >= before_round:
            continue
        if r.code is not None and r.execution is not None:
            known[r.code] = r.execution
        if r.self_check and r.self_check.code is not None and r.self_check.execution is not None:
            known[r.self_check.code] = r.self_check.execution

    async def run(code: str, *, config: SandboxConfig) -> Execution:
        return known[code] if code in known else await executor(code, config=config)

    return run


def branch_models(parent: Trajectory, k: int, task: ChatModel, steer: ChatModel,
                  executor: Executor) -> tuple[ChatModel, ChatModel, Executor]:
    """Task model, steering model and executor of a rollout branching from ``parent`` at round ``k``."""
    return (
        ReplayModel(task, recorded(parent, k, exclude=(STEER,))),
        ReplayModel(steer, recorded(parent, k, conversations=(STEER,))),
        replay_executor(parent, k, executor),
    )
