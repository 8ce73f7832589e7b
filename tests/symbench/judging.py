"""Helpers of the judge tests: instances to judge for every task, and checking a rejection's reason."""

from __future__ import annotations

import re

from codesteer.symbench import Instance, Task, Verdict
from codesteer.symbench.answers import extract_wrapped
from codesteer.symbench.task import RELEASED_ANSWER

#: Instances of the dataset-only tasks (no generator), built as their readers build them.
DATASET_INSTANCES: dict[str, list[Instance]] = {
    "gsm_hard": [
        Instance("gsm_hard", "gsm-a", "q", {"target": -9867630.0, RELEASED_ANSWER: "-9867630"}),
        Instance("gsm_hard", "gsm-b", "q", {"target": 0.0016791648, RELEASED_ANSWER: "0.0016791648"}),
    ],
    "math_geometry": [
        Instance("math_geometry", "geo-a", "q", {"answer": "\\frac{7}{33}", RELEASED_ANSWER: "\\frac{7}{33}"}),
        Instance("math_geometry", "geo-b", "q", {"answer": "(18, -18)", RELEASED_ANSWER: "(18, -18)"}),
    ],
    "math_counting_probability": [
        Instance("math_counting_probability", "cp-a", "q", {"answer": "\\binom{17}{9}", RELEASED_ANSWER: "24310"}),
        Instance("math_counting_probability", "cp-b", "q", {"answer": "2\\sqrt{3}", RELEASED_ANSWER: "2\\sqrt{3}"}),
    ],
}


def sample_instances(task: Task, seeds: tuple[int, ...] = (0, 1)) -> list[Instance]:
    """Instances to judge: generated at ``paper``, the first and the last ladder level, or, for a
    dataset-only task, :data:`DATASET_INSTANCES`."""
    if not task.has_generator:
        return DATASET_INSTANCES[task.name]
    ladder = [name for name in task.levels if name.isdigit()]
    return [task.generate(seed, level=level) for level in ("paper", ladder[0], ladder[-1]) for seed in seeds]


def reference_text(task: Task, instance: Instance) -> str:
    """The instance's right answer as unwrapped text (the reference solver's, or the dataset's)."""
    if task.has_solver:
        wrapped = task.reference_answer(instance)
        return extract_wrapped(wrapped) or wrapped
    return instance.data[RELEASED_ANSWER]


def assert_rejected(verdict: Verdict, reason: str) -> None:
    """The verdict is wrong and its reason matches the regular expression ``reason``."""
    assert not verdict.correct, f"accepted, expected a rejection matching {reason!r}: {verdict.answer!r}"
    assert re.search(reason, verdict.reason), f"reason {verdict.reason!r} does not match {reason!r}"
