"""Helpers of the integration tests: the reference answer of an instance, and near misses."""

from __future__ import annotations

from codesteer.symbench.task import Instance, Task


def reference_answer(task: Task, instance: Instance) -> str:
    """The task's reference answer (``<<<...>>>``): the one place these tests name the solver."""
    return task.solve(instance)
