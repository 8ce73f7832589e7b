"""SymBench: 37 symbolic tasks with generators, exact judges and reference solvers."""

from codesteer.symbench.registry import all_tasks, get_task, select_tasks
from codesteer.symbench.task import Instance, Knob, OneOf, OriginalItem, Task, Verdict

__all__ = [
    "Instance",
    "Knob",
    "OneOf",
    "OriginalItem",
    "Task",
    "Verdict",
    "all_tasks",
    "get_task",
    "select_tasks",
]
