"""Which SymBench instances a run covers: a :class:`Selection` of tasks, levels and seeds.

Evaluation and synthesis plan their instances the same way: for generated tasks, instance
``i`` at each level uses the seed :func:`instance_seed` (seed, i); with a ``source`` of
``original:PATH`` the first ``n`` released items of each task are taken instead.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from codesteer.symbench.task import Instance, Task


class SelectionError(ValueError):
    """A selection that names no usable tasks or data (unknown task, missing folder...)."""


def instance_seed(seed: int, index: int) -> int:
    """The generator seed of instance ``index`` of a run seeded ``seed`` (stable everywhere)."""
    digest = hashlib.sha256(f"codesteer-eval|{seed}|{index}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


@dataclass(frozen=True)
class Selection:
    """``tasks``: ``all``, ``seen``, ``unseen`` or comma-separated names; ``n`` instances per task
    and level; ``levels`` of generated instances; ``source``: ``original:PATH`` for released items."""

    tasks: str = "all"
    n: int = 10
    levels: tuple[str, ...] = ("paper",)
    seed: int = 0
    source: str | None = None

    def task_list(self) -> list[Task]:
        from codesteer.symbench.registry import select_tasks

        try:
            return select_tasks(self.tasks)
        except KeyError as exc:
            raise SelectionError(str(exc.args[0])) from exc

    def instances(self) -> tuple[list[Instance], list[str]]:
        """Every instance covered, and notices for tasks (or levels) that were skipped."""
        if self.source is not None and not self.source.startswith("original:"):
            raise SelectionError(f"unknown source {self.source!r}; expected original:PATH")
        root = Path(self.source.partition(":")[2]).expanduser() if self.source else None
        if root is not None and not root.is_dir():
            raise SelectionError(f"released data not found: {root} is not a folder")
        instances: list[Instance] = []
        notices: list[str] = []
        for task in self.task_list():
            got, notes = _released(task, root, self.n) if root is not None else self._generated(task)
            instances.extend(got)
            notices.extend(notes)
        return instances, notices

    def _generated(self, task: Task) -> tuple[list[Instance], list[str]]:
        if not task.has_generator:
            return [], [f"skipped {task.name}: it has no generator; give --source original:PATH to evaluate it"]
        out: list[Instance] = []
        notes: list[str] = []
        for level in self.levels:
            if level not in task.levels:
                notes.append(f"skipped {task.name} at level {level}: its levels are {', '.join(task.levels)}")
                continue
            out.extend(task.generate(instance_seed(self.seed, i), level=level) for i in range(self.n))
        return out, notes


def _released(task: Task, root: Path, n: int) -> tuple[list[Instance], list[str]]:
    from codesteer.symbench.original import load_task

    try:
        found, failures = load_task(root, task)
    except NotImplementedError:
        return [], [f"skipped {task.name}: it has no reader for the released data"]
    notes = [f"{task.name}: {len(failures)} released item(s) could not be read"] if failures else []
    if not found:
        notes.append(f"skipped {task.name}: no released items under {root}")
    return found[:n], notes
