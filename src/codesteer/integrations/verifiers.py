"""SymBench as a prime-intellect ``verifiers`` taskset (``pip install 'codesteer[rl]'``).

``vf-eval codesteer_symbench --env.taskset.tasks seen --env.taskset.n 50``, or a trainer such as
prime-rl selecting the taskset ``codesteer_symbench`` (a top-level module re-exporting this one:
verifiers finds tasksets by module name), gets one single-turn task per instance: the question as
the prompt, the instance in the task data, and one reward, ``judged``: the task judge's
score on the agent's last reply (:func:`codesteer.integrations.rl.judge_completion`).
"""

from __future__ import annotations

from collections.abc import Iterator

import verifiers.v1 as vf

from codesteer.integrations.rl import judge_completion
from codesteer.symbench.export import generate_set
from codesteer.symbench.registry import select_tasks


class SymbenchData(vf.TaskData):
    """A task's data: ``instance`` is the SymBench instance as JSON text."""

    instance: str
    task: str


class SymbenchTask(vf.Task[SymbenchData, vf.State]):
    @property
    def key(self) -> str:
        """The instance id (durable: the same task, level and seed give the same id)."""
        return self.data.id or self.hash

    @vf.reward
    async def judged(self, task: SymbenchData, trace: vf.Trace) -> float:
        """The judge's score of the last reply (1.0 right, 0.0 wrong; partial where a task grades so)."""
        return judge_completion(task.instance, trace.last_reply).score


class SymbenchConfig(vf.TasksetConfig):
    """Which instances load: ``tasks`` (all, seen, unseen or names), ``level``, ``n`` per task, ``seed``."""

    tasks: str = "seen"
    level: str | None = None
    n: int = 10
    seed: int = 0


class SymbenchTaskset(vf.Taskset[SymbenchTask, SymbenchConfig]):
    """Generated SymBench instances (tasks without a generator are left out)."""

    def load(self) -> Iterator[SymbenchTask]:
        c = self.config
        for task in select_tasks(c.tasks):
            if not task.has_generator:
                continue
            for instance in generate_set(task, c.n, c.seed, c.level):
                data = SymbenchData(id=instance.id, name=instance.id, prompt=instance.question,
                                    instance=instance.to_json(), task=instance.task)
                yield SymbenchTask(data, c.task)


__all__ = ["SymbenchConfig", "SymbenchData", "SymbenchTask", "SymbenchTaskset"]
