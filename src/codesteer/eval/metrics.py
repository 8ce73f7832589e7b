"""The metrics an evaluation reports, declared beside the scorer that produces each job's verdict.

Per job (from its scored trajectory): **success**, the verdict's ``correct``; and, for a job that
did not succeed, its **failure** category (:func:`classify`).

Per column of a report (a method × model), over tasks: the **success rate** (per task), plain
**means** of it over seen / unseen / all tasks, and the paper's **Ave. Norm.**

Ave. Norm. (CodeSteer, Table 3): for each task, every compared column's success rate is divided
by the best rate any column reached on that task and multiplied by 100; the normalised scores
are then averaged over the seen tasks, the unseen tasks and all tasks. A task where no column
scored anything carries no information and is left out of the normalised averages; a missing
cell (a column that did not run a task) is left out of that column's averages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from codesteer.steer.trajectory import Trajectory

Failure = Literal["wrong_answer", "no_answer", "code_error", "timeout", "model_error", "judge_error"]
#: Report order and labels of the failure categories.
FAILURES: dict[str, str] = {
    "wrong_answer": "wrong answer",
    "no_answer": "no answer extracted",
    "code_error": "code error",
    "timeout": "timeout",
    "model_error": "model error",
    "judge_error": "judge error",
}


def success(t: Trajectory) -> bool:
    return bool(t.correct)


def classify(t: Trajectory) -> Failure | None:
    """``None`` for a correct job, else the failure category.

    A judge that crashed is ``judge_error`` and a run that ended in a model error
    ``model_error`` (both errors of the job, redone by ``--retry-errors``); an answer the judge
    read but rejected is ``wrong_answer``; with no answer at all, the last execution says
    whether code timed out (``timeout``), crashed (``code_error``) or neither (``no_answer``).
    """
    if success(t):
        return None
    if t.judge_error:
        return "judge_error"
    if t.stop_reason == "error":
        return "model_error"
    answer = (t.final.answer if t.final else None) or (t.verdict.answer if t.verdict else None)
    if answer:
        return "wrong_answer"
    executed = [r.execution for r in t.rounds if r.execution is not None]
    execution = t.final.execution if t.final and t.final.execution else (executed[-1] if executed else None)
    outcome = execution.outcome if execution else None
    if outcome == "timed_out":
        return "timeout"
    if outcome in ("error", "killed", "memory_exceeded"):
        return "code_error"
    return "no_answer"


#: Aggregate groups in report order.
GROUPS = ("seen", "unseen", "total")
Rates = Mapping[str, Mapping[str, float | None]]


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _grouped(per_task: Mapping[str, float], seen: Mapping[str, bool]) -> dict[str, float | None]:
    return {
        "seen": _mean([v for t, v in per_task.items() if seen[t]]),
        "unseen": _mean([v for t, v in per_task.items() if not seen[t]]),
        "total": _mean(list(per_task.values())),
    }


def normalized(rates: Rates) -> dict[str, dict[str, float]]:
    """Per task, each column's rate as a percentage of the task's best rate (tasks with best 0 left out)."""
    out: dict[str, dict[str, float]] = {}
    for task, row in rates.items():
        present = {c: v for c, v in row.items() if v is not None}
        best = max(present.values(), default=0.0)
        if best > 0:
            out[task] = {c: 100.0 * v / best for c, v in present.items()}
    return out


def ave_norm(rates: Rates, seen: Mapping[str, bool], columns: list[str]) -> dict[str, dict[str, float | None]]:
    """Ave. Norm. of every column: ``{column: {"seen": .., "unseen": .., "total": ..}}``.

    ``rates[task][column]`` is a success rate (any scale); ``seen[task]`` its group.
    """
    norm = normalized(rates)
    return {c: _grouped({t: row[c] for t, row in norm.items() if c in row}, seen) for c in columns}


def plain_means(rates: Rates, seen: Mapping[str, bool], columns: list[str]) -> dict[str, dict[str, float | None]]:
    """Unnormalised mean success rate of every column over seen / unseen / all tasks."""
    return {
        c: _grouped({t: row[c] for t, row in rates.items() if row.get(c) is not None}, seen)  # type: ignore[misc]
        for c in columns
    }
