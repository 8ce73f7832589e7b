"""Read the originally released SymBench data (its on-disk layout) into ``Instance`` objects.

The release keeps one folder per task (``pooling_dataset/``, ``number_multiply/``, ...), named
by each task's ``original_dirs``. Most tasks store one item per leaf folder (``sample_<i>/``
with ``question.txt`` and ``solution.json``, or parameter-named folders such as
``digit_1_2_4/sample_3/`` or ``BoxLift_4_3/BoxLift0/``): those are read generically here,
every small text file of the folder going to ``OriginalItem.files``. A few tasks keep items as
rows of one file (CSV, JSON, JSONL) or one file per item; their readers are registered in
``FILE_LAYOUTS``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from codesteer.symbench.task import OriginalDataError, OriginalItem

if TYPE_CHECKING:
    from codesteer.symbench.task import Instance, Task

#: Files larger than this are not read into ``OriginalItem.files``.
MAX_FILE_BYTES = 2_000_000
QUESTION_FILES = ("question.txt", "input_prompt_1.txt")

#: Readers for tasks whose items are not leaf folders: task name -> reader(task dir) -> items.
FILE_LAYOUTS: dict[str, Callable[[Path], Iterator[OriginalItem]]] = {}


def natural_key(path: Path) -> list[tuple[int, int | str]]:
    """Natural order of path parts: ``sample_2`` before ``sample_10``."""
    return [
        (0, int(chunk)) if chunk.isdigit() else (1, chunk)
        for part in path.parts
        for chunk in re.split(r"(\d+)", part)
        if chunk
    ]


def iter_leaf_folder_items(task_dir: Path) -> Iterator[OriginalItem]:
    """Items of a folder-per-item layout: every folder holding files and no sub-folders."""
    folders = [p for p in task_dir.rglob("*") if p.is_dir()]
    folders.append(task_dir)
    for folder in sorted(folders, key=lambda p: natural_key(p.relative_to(task_dir))):
        children = list(folder.iterdir())
        if any(c.is_dir() for c in children):
            continue
        files = {
            c.name: c.read_text(encoding="utf-8", errors="replace")
            for c in sorted(children)
            if c.is_file() and c.stat().st_size <= MAX_FILE_BYTES
        }
        if not files:
            continue
        question = next((files[name] for name in QUESTION_FILES if name in files), None)
        solution = None
        if "solution.json" in files:
            try:
                solution = json.loads(files["solution.json"])
            except json.JSONDecodeError as exc:
                solution = OriginalDataError(f"solution.json is not valid JSON: {exc}")
        complexity = solution.get("complexity") if isinstance(solution, dict) else None
        yield OriginalItem(
            task_dir=task_dir.name,
            item_id=str(folder.relative_to(task_dir.parent)),
            path=folder,
            question=question,
            solution=solution,
            files=files,
            complexity={"complexity": complexity} if complexity is not None else {},
        )


def iter_task_items(root: Path, task: Task) -> Iterator[OriginalItem]:
    """Every released item of ``task`` found under ``root`` (any of its ``original_dirs``)."""
    for dir_name in task.original_dirs:
        path = root / dir_name
        if not path.exists():
            continue
        reader = FILE_LAYOUTS.get(task.name, iter_leaf_folder_items)
        yield from reader(path)


def load_task(root: Path, task: Task) -> tuple[list[Instance], list[tuple[str, str]]]:
    """Instances of ``task`` in the release under ``root``, and (item id, reason) for items that fail."""
    instances: list[Instance] = []
    failures: list[tuple[str, str]] = []
    for item in iter_task_items(Path(root), task):
        try:
            instances.append(task.from_original(item))
        except (OriginalDataError, ValueError, KeyError, TypeError, IndexError) as exc:
            failures.append((item.item_id, f"{type(exc).__name__}: {exc}"))
    return instances, failures
