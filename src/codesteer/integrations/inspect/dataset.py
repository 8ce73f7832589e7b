"""SymBench instances as inspect ``Sample``s: generated (level, n, seed) or from the released data.

A sample's input is the instance's question, its target the released gold answer where the
release stores one (shown in the log viewer; judging never compares against it), and its
metadata the instance as JSON text (``metadata["instance"]``) for the scorer and the solvers.
"""

from __future__ import annotations

from pathlib import Path

from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.solver import TaskState

from codesteer.integrations.rl import parse_instance
from codesteer.symbench.export import generate_set
from codesteer.symbench.original import load_task
from codesteer.symbench.registry import select_tasks
from codesteer.symbench.task import RELEASED_ANSWER, Instance

#: ``Sample.metadata`` key holding the instance (JSON text).
INSTANCE_KEY = "instance"


def to_sample(instance: Instance) -> Sample:
    released = instance.data.get(RELEASED_ANSWER)
    return Sample(input=instance.question, target="" if released is None else str(released), id=instance.id,
                  metadata={INSTANCE_KEY: instance.to_json(), "task": instance.task, "level": instance.level})


def sample_instance(state: TaskState) -> Instance:
    """The SymBench instance a sample carries (a clear error for samples that are not SymBench's)."""
    payload = state.metadata.get(INSTANCE_KEY)
    if payload is None:
        raise ValueError(f"sample {state.sample_id!r} carries no SymBench instance (metadata['{INSTANCE_KEY}']): "
                         "use the codesteer/symbench_* tasks' datasets")
    return parse_instance(payload)


def instances(selector: str, *, level: str | None = None, n: int | None = 10, seed: int = 0,
              original: str | None = None) -> list[Instance]:
    """The instances of the tasks ``selector`` names (``seen``, ``unseen``, ``all`` or names).

    Generated: ``n`` per task for seeds ``seed..seed+n-1`` at ``level``; suites leave out the
    dataset-only tasks, naming one alone is an error. ``original`` (the released data's root): its
    items, the first ``n`` per task (``n=None``: all); an item that cannot be read is an error.
    """
    tasks = select_tasks(selector)
    level = None if level is None else str(level)  # inspect reads `-T level=3` as the number 3
    if original is None:
        if n is None:
            raise ValueError("generated sets need a size: n")
        if len(tasks) == 1 and not tasks[0].has_generator:
            raise ValueError(f"{tasks[0].name} has no generator: pass original=PATH (the released data)")
        return [i for t in tasks if t.has_generator for i in generate_set(t, n, seed, level)]
    root = Path(original)
    if not root.is_dir():
        raise ValueError(f"original={original!r} is not a folder (the released data's root)")
    out: list[Instance] = []
    for task in tasks:
        loaded, failures = load_task(root, task)
        if failures:
            item, reason = failures[0]
            raise ValueError(f"{task.name}: {len(failures)} released item(s) cannot be read, e.g. {item}: {reason}")
        out += loaded if n is None else loaded[:n]
    if not out:
        raise ValueError(f"no released items of {selector!r} under {original}")
    return out


def symbench_dataset(selector: str, **options: object) -> MemoryDataset:
    """:func:`instances` as an inspect dataset."""
    return MemoryDataset([to_sample(i) for i in instances(selector, **options)],  # type: ignore[arg-type]
                         name=f"symbench_{selector.replace(',', '_')}")
