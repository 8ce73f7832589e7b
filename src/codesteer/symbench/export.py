"""Generated SymBench sets as rows: JSONL lines or a Hugging Face ``datasets`` dataset."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from codesteer.symbench.task import Instance, Task

if TYPE_CHECKING:
    import datasets


def generate_set(task: Task, n: int, seed: int = 0, level: str | None = None,
                 knobs: dict[str, Any] | None = None) -> Iterator[Instance]:
    """``n`` instances of ``task`` for the seeds ``seed``, ``seed + 1``, ... (deterministic)."""
    for offset in range(n):
        yield task.generate(seed + offset, level=level, **(knobs or {}))


def dataset_row(instance: Instance, answer_format: str = "") -> dict[str, Any]:
    """One flat row: the instance's fields and ``answer_format``, with ``data`` and ``complexity`` as JSON text.

    Tasks' ``data`` differ in shape, so they are stored as JSON strings to keep one schema.
    """
    row = instance.to_dict()
    row["data"] = json.dumps(instance.data, sort_keys=True)
    row["complexity"] = json.dumps(instance.complexity, sort_keys=True)
    row["answer_format"] = answer_format
    return row


#: Builds one row of an exported set from an instance and its task.
RowBuilder = Callable[[Instance, Task], dict[str, Any]]


def plain_row(instance: Instance, task: Task) -> dict[str, Any]:
    """The default export row (:func:`dataset_row` with the task's answer format)."""
    return dataset_row(instance, task.answer_format)


def build_dataset(tasks: list[Task], n: int, seed: int = 0, level: str | None = None,
                  row: RowBuilder = plain_row, step: Callable[[], None] | None = None) -> datasets.Dataset:
    """``n`` generated instances per task as a ``datasets.Dataset`` of ``row(instance, task)`` rows.

    Raises ``ImportError`` with an install hint when ``datasets`` is missing.
    """
    try:
        import datasets
    except ImportError as exc:
        raise ImportError("exporting needs the 'datasets' package: pip install 'codesteer[hf]'") from exc
    rows = []
    for task in tasks:
        for instance in generate_set(task, n, seed, level):
            rows.append(row(instance, task))
            if step:
                step()
    return datasets.Dataset.from_list(rows)
