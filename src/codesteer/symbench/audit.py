"""Audit a copy of the released SymBench data and write a corrected copy.

:func:`check_original` loads every task's released items, judges each released gold answer with
the task's judge and, with ``reference=True``, runs the reference solver on every item; the result
maps each task name to::

    {"loaded", "truth_checked", "truth_ok", "truth_rejected": [{"id", "reason"}], "has_solver",
     "solved", "unsolvable", "load_failures": [{"id", "reason"}], "judge_errors": [{"id", "reason"}]}
    (+ "reference_failures": [{"id", "reason"}] with reference=True)

``judge_errors`` lists released golds whose judging failed with a
:class:`~codesteer.symbench.errors.JudgeError` (a bug of the judge, reported rather than raised).

``unsolvable`` counts items whose solver raised :class:`~codesteer.symbench.errors.NoSolutionError`
(a complete search proved there is no valid answer). :func:`write_fixed` copies the release and,
for each rejected gold, replaces it with the solver's answer in the file where it lived (or drops
the item when no valid answer exists), listing every change in ``manifest.json``.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from codesteer.symbench.answers import AnswerFormatError, extract_wrapped, parse_int, parse_list
from codesteer.symbench.errors import JudgeError, NoSolutionError
from codesteer.symbench.original import ITEM_ERRORS, iter_task_items, load_task
from codesteer.symbench.registry import all_tasks, get_task
from codesteer.symbench.task import RELEASED_ANSWER, Instance, OriginalItem, Task

#: progress(task name, items done, items in the task)
Progress = Callable[[str, int, int], None]
MANIFEST = "manifest.json"


def present_tasks(root: Path, tasks: Iterable[str | Task] | None = None) -> list[Task]:
    """The requested tasks (default: every registered task with data under ``root``)."""
    if tasks is not None:
        return [t if isinstance(t, Task) else get_task(t) for t in tasks]
    return [t for t in all_tasks().values() if any((Path(root) / d).exists() for d in t.original_dirs)]


def check_original(root: Path | str, tasks: Iterable[str | Task] | None = None, reference: bool = False,
                   progress: Progress | None = None) -> dict[str, dict[str, Any]]:
    """Per task: items loaded, released golds accepted/rejected, and (``reference``) items the
    reference solver answers."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root} is not a folder")
    return {task.name: _check_task(root, task, reference, progress) for task in present_tasks(root, tasks)}


def _check_task(root: Path, task: Task, reference: bool, progress: Progress | None) -> dict[str, Any]:
    instances, failures = load_task(root, task)
    report: dict[str, Any] = {
        "loaded": len(instances),
        "truth_checked": 0,
        "truth_ok": 0,
        "truth_rejected": [],
        "has_solver": task.has_solver,
        "solved": 0,
        "unsolvable": 0,
        "load_failures": [{"id": i, "reason": r} for i, r in failures],
        "judge_errors": [],
    }
    if reference:
        report["reference_failures"] = []
    for done, instance in enumerate(instances, 1):
        try:
            rejection = gold_rejection(task, instance)
        except JudgeError as exc:
            report["judge_errors"].append({"id": instance.id, "reason": str(exc)})
            rejection = _NO_GOLD
        if rejection is not _NO_GOLD:
            report["truth_checked"] += 1
            if rejection is None:
                report["truth_ok"] += 1
            else:
                report["truth_rejected"].append({"id": instance.id, "reason": rejection})
        if reference and task.has_solver:
            outcome, detail = reference_outcome(task, instance)
            if outcome == "solved":
                report["solved"] += 1
            elif outcome == "unsolvable":
                report["unsolvable"] += 1
            else:
                report["reference_failures"].append({"id": instance.id, "reason": detail})
        if progress:
            progress(task.name, done, len(instances))
    return report


_NO_GOLD = object()


def gold_rejection(task: Task, instance: Instance) -> Any:
    """``None`` when the released gold passes the judge, the judge's reason when it does not, or
    a sentinel (not a string) when the item has no released gold."""
    if RELEASED_ANSWER not in instance.data:
        return _NO_GOLD
    verdict = task.judge(instance, f"<<<{instance.data[RELEASED_ANSWER]}>>>")
    return None if verdict.correct else verdict.reason


def reference_outcome(task: Task, instance: Instance) -> tuple[str, str]:
    """(``"solved"``, answer) | (``"unsolvable"``, why) | (``"failed"``, why) for one instance."""
    try:
        answer = task.reference_answer(instance)
    except NoSolutionError as exc:
        return "unsolvable", str(exc)
    except Exception as exc:  # a solver bug or an exhausted budget is reported, not raised
        return "failed", f"solver error ({type(exc).__name__}: {exc})"
    try:
        verdict = task.judge(instance, answer)
    except JudgeError as exc:
        return "failed", str(exc)
    if not verdict.correct:
        return "failed", f"solver answer rejected: {verdict.reason}"
    return "solved", extract_wrapped(answer) or answer


# ----- corrected copy ----------------------------------------------------------------------------
def write_fixed(root: Path | str, out_dir: Path | str, tasks: Iterable[str | Task] | None = None,
                progress: Progress | None = None) -> dict[str, Any]:
    """Copy the release to ``out_dir`` with rejected golds replaced or their items dropped.

    Returns the manifest (also written to ``out_dir/manifest.json``): ``changes`` lists every
    replacement (``action: "replace"``, with ``file``, ``old``, ``new``) and removal
    (``action: "drop"``) with the reason; ``unfixed`` lists rejected golds left as released (no
    solver, solver failure, or a gold the writer could not locate).
    """
    root, out = Path(root), Path(out_dir)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} exists and is not empty")
    selected = present_tasks(root, tasks)
    shutil.copytree(root, out, dirs_exist_ok=True)
    changes: list[dict[str, Any]] = []
    unfixed: list[dict[str, Any]] = []
    rows = _RowEdits()
    for task in selected:
        items = list(iter_task_items(root, task))
        for done, item in enumerate(items, 1):
            _fix_item(task, item, root, out, rows, changes, unfixed)
            if progress:
                progress(task.name, done, len(items))
    rows.apply()
    manifest = {"source": str(root), "changes": changes, "unfixed": unfixed}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def _fix_item(task: Task, item: OriginalItem, root: Path, out: Path, rows: _RowEdits,
              changes: list[dict[str, Any]], unfixed: list[dict[str, Any]]) -> None:
    try:
        instance = task.from_original(item)
    except ITEM_ERRORS:
        return
    try:
        reason = gold_rejection(task, instance)
    except JudgeError as exc:
        unfixed.append({"task": task.name, "id": item.item_id, "reason": str(exc), "why": "the judge failed"})
        return
    if reason is None or reason is _NO_GOLD:
        return
    entry = {"task": task.name, "id": item.item_id, "reason": reason}
    if not task.has_solver:
        unfixed.append({**entry, "why": "the task has no reference solver"})
        return
    outcome, detail = reference_outcome(task, instance)
    target = out / item.path.relative_to(root)
    if outcome == "unsolvable":
        if item.record:
            rows.drop(item, target)
        else:
            _remove(target)
        changes.append({**entry, "action": "drop", "why": detail})
        return
    if outcome == "failed":
        unfixed.append({**entry, "why": detail})
        return
    old = instance.data[RELEASED_ANSWER]
    written = rows.replace(item, target, old, detail) if item.record else _replace_in_folder(item, target, old, detail)
    if written is None:
        unfixed.append({**entry, "why": "could not locate the released gold in the item's files"})
        return
    changes.append({**entry, "action": "replace", "file": str(Path(written).relative_to(out)),
                    "old": old, "new": detail})


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def _same_text(value: Any, gold: str) -> bool:
    """Whether a stored value is the released gold (as ``from_original`` rendered it)."""
    wanted = "".join(str(gold).split()).strip("'\"")
    forms = [value, json.dumps(value, ensure_ascii=False)]
    if isinstance(value, list):
        forms += [", ".join(map(str, value)), "[" + ", ".join(map(str, value)) + "]"]
    return any("".join(str(f).split()).strip("'\"") == wanted for f in forms)


def _shaped(old: Any, answer: str) -> Any:
    """The new answer in the stored value's shape (list, int, float or text)."""
    try:
        if isinstance(old, list):
            items = _list_items(answer)
            return [str(x) for x in items] if old and all(isinstance(x, str) for x in old) else items
        if isinstance(old, bool):
            return answer
        if isinstance(old, int):
            return parse_int(answer)
        if isinstance(old, float):
            return float(answer)
    except (AnswerFormatError, ValueError):
        pass
    return answer


def _list_items(answer: str) -> list[Any]:
    """A list answer's items: a literal list, else bare comma-separated tokens (``[6, /, 2]``)."""
    try:
        return parse_list(answer)
    except AnswerFormatError:
        inner = answer.strip().removeprefix("[").removesuffix("]")
        return [part.strip().strip("'\"") for part in inner.split(",")]


def _replace_in_folder(item: OriginalItem, folder: Path, old: str, new: str) -> Path | None:
    """Replace the gold in ``solution.json`` (the key holding it) or in a text file holding only it."""
    if isinstance(item.solution, dict):
        for key, value in item.solution.items():
            if key != "complexity" and _same_text(value, old):
                fixed = dict(item.solution)
                fixed[key] = _shaped(value, new)
                path = folder / "solution.json"
                path.write_text(json.dumps(fixed, indent=2, ensure_ascii=False), encoding="utf-8")
                return path
    for name, text in item.files.items():
        if name != "solution.json" and _same_text(text.strip(), old):
            path = folder / name
            path.write_text(new, encoding="utf-8")
            return path
    return None


class _RowEdits:
    """Replacements and removals of rows, applied per file once every item is decided."""

    def __init__(self) -> None:
        self.replace_rows: dict[Path, dict[int, tuple[str, Any]]] = {}
        self.drop_rows: dict[Path, set[int]] = {}

    def replace(self, item: OriginalItem, file: Path, old: str, new: str) -> Path | None:
        for key, value in item.record.items():
            if _same_text(value, old):
                self.replace_rows.setdefault(file, {})[_row_index(item)] = (key, _shaped(value, new))
                return file
        return None

    def drop(self, item: OriginalItem, file: Path) -> None:
        self.drop_rows.setdefault(file, set()).add(_row_index(item))

    def apply(self) -> None:
        for file in set(self.replace_rows) | set(self.drop_rows):
            _rewrite_rows(file, self.replace_rows.get(file, {}), self.drop_rows.get(file, set()))


def _row_index(item: OriginalItem) -> int:
    return int(item.item_id.rsplit("#", 1)[1]) if "#" in item.item_id else 0


def _rewrite_rows(file: Path, replace: dict[int, tuple[str, Any]], drop: set[int]) -> None:
    text = file.read_text(encoding="utf-8")
    if file.suffix == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        rows, fields = list(reader), reader.fieldnames or []
    elif file.suffix == ".jsonl":
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    else:
        document = json.loads(text)
        rows = document["examples"] if isinstance(document, dict) and "examples" in document else [document]
    for index, (key, value) in replace.items():
        rows[index][key] = value
    kept = [row for i, row in enumerate(rows) if i not in drop]
    if file.suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
        file.write_text(buffer.getvalue(), encoding="utf-8")
    elif file.suffix == ".jsonl":
        file.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept), encoding="utf-8")
    elif isinstance(document, dict) and "examples" in document:
        file.write_text(json.dumps({**document, "examples": kept}, ensure_ascii=False), encoding="utf-8")
    elif kept:
        file.write_text(json.dumps(kept[0], ensure_ascii=False, indent=2), encoding="utf-8")
    else:
        file.unlink()
