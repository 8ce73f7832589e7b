"""Read the originally released SymBench data (its on-disk layout) into ``Instance`` objects.

The release keeps one folder per task (``pooling_dataset/``, ``number_multiply/``, ...), named
by each task's ``original_dirs``. Most tasks store one item per leaf folder (``sample_<i>/``
with ``question.txt`` and ``solution.json``, or parameter-named folders such as
``digit_1_2_4/sample_3/`` or ``BoxLift_4_3/BoxLift0/``): those are read generically here,
every small text file of the folder going to ``OriginalItem.files``. A few tasks keep items as
rows of one file (CSV, JSON, JSONL) or one file per item; their readers are registered in
``FILE_LAYOUTS`` (this module provides the generic ones: :func:`iter_csv_items`,
:func:`iter_bbh_items`, :func:`iter_jsonl_items`, :func:`iter_json_file_items`).

Ids: a leaf folder's id is its path from the task folder's parent (``pooling_dataset/sample_3``);
a row's id is its file's path in the release followed by ``#<row index>`` (0-based, header
excluded): ``game24_dataset/24/24.csv#5``, ``gsmhardv2.jsonl#0``,
``BIG-Bench-Hard/bbh/navigate.json#12``; a one-file-per-item id is the file's path
(``MATH/train/geometry/1.json``).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from codesteer.symbench.task import RELEASE_SPLIT, OriginalDataError, OriginalItem

if TYPE_CHECKING:
    from codesteer.symbench.task import Instance, Task

#: Files larger than this are not read into ``OriginalItem.files``.
MAX_FILE_BYTES = 2_000_000
QUESTION_FILES = ("question.txt", "input_prompt_1.txt")

#: What a task's ``from_original`` may raise for an unreadable item (reported, never propagated).
ITEM_ERRORS = (OriginalDataError, ValueError, KeyError, TypeError, IndexError)

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


def release_path(path: Path, depth: int) -> str:
    """The last ``depth`` parts of ``path`` joined with ``/``: its path inside the release."""
    return "/".join(path.parts[-depth:])


def _row_item(task_dir: Path, file: Path, depth: int, index: int, record: dict, **extra) -> OriginalItem:
    return OriginalItem(
        task_dir=task_dir.name,
        item_id=f"{release_path(file, depth)}#{index}",
        path=file,
        record=record,
        **extra,
    )


def iter_csv_items(task_dir: Path) -> Iterator[OriginalItem]:
    """Rows of every ``*.csv`` under ``task_dir`` (or of ``task_dir`` itself if it is a CSV file).

    ``record`` is the row (header names as keys); ``solution`` is its ``Solutions`` column when
    there is one; ``complexity`` carries the target and the count of numbers for game24-style
    files named ``<target>_<n>_number.csv`` (and ``<target>.csv``).
    """
    files = [task_dir] if task_dir.is_file() else sorted(
        task_dir.rglob("*.csv"), key=lambda p: natural_key(p.relative_to(task_dir))
    )
    for file in files:
        depth = 1 if file == task_dir else len(file.relative_to(task_dir.parent).parts)
        complexity = _csv_complexity(file.stem)
        try:
            with file.open(newline="", encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            yield _row_item(task_dir, file, depth, 0, {}, solution=OriginalDataError(f"unreadable CSV: {exc}"))
            continue
        for index, row in enumerate(rows):
            yield _row_item(
                task_dir, file, depth, index, dict(row),
                solution=row.get("Solutions"), complexity=dict(complexity),
            )


def _csv_complexity(stem: str) -> dict[str, int]:
    match = re.fullmatch(r"(\d+)(?:_(\d+)_number)?", stem)
    if not match:
        return {}
    return {"target": int(match.group(1)), "count": int(match.group(2) or 4)}


def iter_bbh_items(path: Path) -> Iterator[OriginalItem]:
    """Examples of a BIG-Bench-Hard file (``{"examples": [{"input", "target"}]}``), one item each.

    ``question`` is the example's ``input``; ``solution`` its ``target``.
    """
    try:
        examples = json.loads(path.read_text(encoding="utf-8"))["examples"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        yield _row_item(path, path, 3, 0, {}, solution=OriginalDataError(f"not a BBH file: {exc}"))
        return
    for index, example in enumerate(examples):
        record = example if isinstance(example, dict) else {}
        yield _row_item(
            path, path, 3, index, record,
            question=record.get("input"), solution=record.get("target"),
        )


def iter_jsonl_items(path: Path) -> Iterator[OriginalItem]:
    """Lines of a JSONL file (such as ``gsmhardv2.jsonl``), one item each; ``record`` is the object.

    ``question`` is its ``input`` field and ``solution`` its ``target`` field when present. A line
    that is not a JSON object gives an item whose ``solution`` is an ``OriginalDataError``.
    """
    with path.open(encoding="utf-8") as handle:
        lines = [line for line in handle if line.strip()]
    for index, line in enumerate(lines):
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
        except ValueError as exc:
            yield _row_item(path, path, 1, index, {}, solution=OriginalDataError(f"line {index + 1}: {exc}"))
            continue
        yield _row_item(
            path, path, 1, index, record,
            question=record.get("input"), solution=record.get("target"),
        )


def iter_json_file_items(task_dir: Path) -> Iterator[OriginalItem]:
    """One item per ``*.json`` file of a folder, in natural order (MATH: ``MATH/train/<subject>/<id>.json``).

    ``record`` is the file's object, ``question`` its ``problem`` field, ``solution`` its
    ``solution`` field; the id is the file's path from the folder's grandparent.
    """
    for file in sorted(task_dir.glob("*.json"), key=lambda p: natural_key(Path(p.name))):
        item_id = release_path(file, min(4, len(file.parts)))
        try:
            record = json.loads(file.read_text(encoding="utf-8"))
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
        except (OSError, ValueError) as exc:
            yield OriginalItem(task_dir.name, item_id, file, solution=OriginalDataError(str(exc)))
            continue
        yield OriginalItem(
            task_dir=task_dir.name,
            item_id=item_id,
            path=file,
            question=record.get("problem"),
            solution=record.get("solution"),
            record=record,
            complexity={"level": record["level"]} if "level" in record else {},
        )


def register_layout(task_name: str, reader: Callable[[Path], Iterator[OriginalItem]]) -> None:
    """Read ``task_name``'s ``original_dirs`` with ``reader`` instead of the leaf-folder reader."""
    FILE_LAYOUTS[task_name] = reader


def iter_task_items(root: Path, task: Task) -> Iterator[OriginalItem]:
    """Every released item of ``task`` found under ``root`` (any of its ``original_dirs``)."""
    for dir_name in task.original_dirs:
        path = root / dir_name
        if not path.exists():
            continue
        reader = FILE_LAYOUTS.get(task.name, iter_leaf_folder_items)
        yield from reader(path)


def load_task(root: Path, task: Task) -> tuple[list[Instance], list[tuple[str, str]]]:
    """Instances of ``task`` in the release under ``root``, and (item id, reason) for items that fail.

    Items of the task's ``training_dirs`` carry ``data[RELEASE_SPLIT] = "train"``.
    """
    instances: list[Instance] = []
    failures: list[tuple[str, str]] = []
    for item in iter_task_items(Path(root), task):
        try:
            instance = task.from_original(item)
        except ITEM_ERRORS as exc:
            failures.append((item.item_id, f"{type(exc).__name__}: {exc}"))
            continue
        if item.task_dir in task.training_dirs:
            instance.data[RELEASE_SPLIT] = "train"
        instances.append(instance)
    return instances, failures
