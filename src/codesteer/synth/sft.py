"""From rollouts to SFT records: keep what ended correct, shortest first, clean, unique, balanced.

A record is the steering model's side of one rollout, headers stripped (what a fine-tuned
steerer is shown; the teacher saw the prompted header): ``user`` turns are what it read each
round, ``assistant`` turns the guidance it wrote.

- **Keep**: rollouts that did not end in an error and whose final answer the task's judge
  accepted; per instance the ``keep`` shortest (fewest rounds, then fewest tokens).
- **Clean** (on by default): when a reply was already correct (its executed output's or its
  text's ``<<<answer>>>`` accepted by the judge) but the teacher went on, the record stops at the
  next steering turn, rewritten as ``<<<Return Answer>>>``.
- **Deduplicate**: identical message lists are kept once.
- **Balance**: ``per_task`` caps the records of each task; within a task, records whose round-0
  choice was code, text or free guidance are taken in turn, so no mode crowds out another.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, zip_longest
from typing import Any

from codesteer.llm.base import Message
from codesteer.steer.extract import answer_in
from codesteer.steer.protocol import STOP_ACTIONS
from codesteer.steer.trajectory import STEER, Trajectory
from codesteer.symbench.errors import JudgeError
from codesteer.symbench.registry import get_task
from codesteer.symbench.task import Instance, Task
from codesteer.synth.tree import prompt_at, rounds, usable

STOP = "<<<Return Answer>>>"


@dataclass(frozen=True)
class SftRecord:
    """One training conversation and where it came from."""

    task: str
    instance_id: str
    sample: int
    mode: str
    messages: list[Message]

    @property
    def rounds(self) -> int:
        return sum(m["role"] == "assistant" for m in self.messages)

    def to_dict(self) -> dict[str, Any]:
        return {"messages": self.messages}


def first_correct_round(t: Trajectory) -> int | None:
    """The first round whose reply the judge accepts (either channel's wrapped answer). A reply the
    judge fails on is not taken as correct: the record is then kept uncut."""
    if t.instance is None:
        return None
    instance = t.instance
    task = get_task(instance.task)
    for r in sorted(t.rounds, key=lambda r: r.index):
        stdout = r.execution.stdout if r.execution else None
        for text in (stdout, r.reply):
            answer = answer_in(text)
            if answer is not None and _accepted(task, instance, answer):
                return r.index
    return None


def _accepted(task: Task, instance: Instance, answer: str) -> bool:
    try:
        return task.judge(instance, f"<<<{answer}>>>").correct
    except JudgeError:
        return False


def conversation(t: Trajectory, clean: bool) -> list[Message]:
    """The rollout's bare steering conversation, cut after the first correct reply if ``clean``."""
    messages = t.conversation(STEER, bare=True)
    if not clean:
        return messages
    first = first_correct_round(t)
    n = rounds(t)
    if first is None or first + 1 >= n:
        return messages  # no steering turn after the first correct reply
    if first + 1 == n - 1 and _action(t, n - 1) in STOP_ACTIONS:
        return messages  # the teacher stopped right there
    return [*prompt_at(t, first + 1), {"role": "assistant", "content": STOP}]


def _action(t: Trajectory, k: int) -> str | None:
    return next((r.action for r in t.rounds if r.index == k), None)


def first_choice(t: Trajectory) -> str:
    """The rollout's round-0 steering action (``guidance`` when it chose neither code nor text)."""
    return _action(t, 0) or "guidance"


def select(rollouts: Iterable[tuple[int, Trajectory]], *, keep: int = 1, clean: bool = True,
           per_task: int | None = None) -> list[SftRecord]:
    """SFT records from ``(sample, trajectory)`` rollouts of any instances (see the module doc)."""
    by_instance: dict[tuple[str, str], list[SftRecord]] = {}
    for sample, t in rollouts:
        if not usable(t) or not t.correct or t.instance is None:
            continue
        record = SftRecord(t.instance.task, t.instance.id, sample, first_choice(t), conversation(t, clean))
        by_instance.setdefault((record.task, record.instance_id), []).append(record)
    seen: set[str] = set()
    by_task: dict[str, list[SftRecord]] = {}
    for key in sorted(by_instance):
        kept = 0
        for record in sorted(by_instance[key], key=lambda r: (r.rounds, _size(r.messages), r.sample)):
            digest = json.dumps(record.messages, sort_keys=True)
            if kept < keep and digest not in seen:
                seen.add(digest)
                kept += 1
                by_task.setdefault(record.task, []).append(record)
    return list(chain.from_iterable(balance(by_task[task], per_task) for task in sorted(by_task)))


def _size(messages: Sequence[Message]) -> int:
    return sum(len(m["content"]) for m in messages)


def balance(records: list[SftRecord], cap: int | None) -> list[SftRecord]:
    """Round-robin over round-0 modes (sorted by name), then at most ``cap`` records."""
    modes: dict[str, list[SftRecord]] = {}
    for r in records:
        modes.setdefault(r.mode, []).append(r)
    interleaved = [r for group in zip_longest(*(modes[m] for m in sorted(modes))) for r in group if r]
    return interleaved if cap is None else interleaved[:cap]
