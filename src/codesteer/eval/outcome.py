"""Why a job failed, in the categories the reports break failures down by."""

from __future__ import annotations

from typing import Literal

from codesteer.steer.trajectory import Trajectory

Failure = Literal["wrong_answer", "no_answer", "code_error", "timeout", "model_error"]
#: Report order and labels of the failure categories.
FAILURES: dict[str, str] = {
    "wrong_answer": "wrong answer",
    "no_answer": "no answer extracted",
    "code_error": "code error",
    "timeout": "timeout",
    "model_error": "model error",
}


def _last_execution(t: Trajectory) -> dict | None:
    if t.final is not None and t.final.execution is not None:
        return t.final.execution
    executed = [r.execution for r in t.rounds if r.execution is not None]
    return executed[-1] if executed else None


def classify(t: Trajectory) -> Failure | None:
    """``None`` for a correct job, else the failure category.

    A run that ended in a model error is ``model_error``; an answer the judge read but rejected is
    ``wrong_answer``; with no answer at all, the last execution says whether code timed out
    (``timeout``), crashed (``code_error``) or neither (``no_answer``).
    """
    if t.correct:
        return None
    if t.stop_reason == "error":
        return "model_error"
    answer = (t.final.answer if t.final else None) or (t.verdict or {}).get("answer")
    if answer:
        return "wrong_answer"
    execution = _last_execution(t)
    outcome = execution["outcome"] if execution else None
    if outcome == "timed_out":
        return "timeout"
    if outcome in ("error", "killed", "memory_exceeded"):
        return "code_error"
    return "no_answer"
