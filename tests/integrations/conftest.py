"""Helpers of the integration tests: the reference answer of an instance, and near misses."""

from __future__ import annotations

from codesteer.symbench.task import Instance, Task


def reference_answer(task: Task, instance: Instance) -> str:
    """The task's reference answer (``<<<...>>>``): the one place these tests name the solver."""
    return task.reference_answer(instance)


def near_miss(task: Task, instance: Instance) -> tuple[str, str]:
    """A wrong answer one step from a right one, and words its judge's reason must contain."""
    data = instance.data
    if task.name == "game24":
        assert sum(data["numbers"]) != data["target"]
        return "<<<" + "+".join(map(str, data["numbers"])) + ">>>", f"not {data['target']}"
    if task.name == "letters":
        positions = [i + 1 for i, ch in enumerate(data["word"]) if ch == data["letter"]]
        return f"<<<Count: {len(positions) + 1}, Positions: {positions}>>>", f"not {len(positions) + 1}"
    if task.name == "pooling":
        values = reference_answer(task, instance).strip("<>").split(",")
        values[0] = str(int(values[0]) + 1)
        return "<<<" + ",".join(values) + ">>>", "values wrong"
    raise KeyError(task.name)
