"""The contract every registered task must meet, checked for all of them at every level.

Run one task's share with ``pytest tests/symbench/test_task_contract.py -k <task_name>``.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codesteer.symbench import Instance, Verdict, all_tasks

from .judging import assert_rejected

TASKS = list(all_tasks().values())
GENERATED = [t for t in TASKS if t.has_generator]
LEVELS = [(t, level) for t in GENERATED for level in t.levels]
SOLVABLE_LEVELS = [(t, level) for t, level in LEVELS if t.has_solver]

MALFORMED = [
    "",
    "I don't know.",
    "<<<>>>",
    "<<<",
    ">>>",
    "<<<" + "9" * 5000 + ">>>",
    "<<<[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[>>>",
    "<<<None>>>",
    "<<<{'a': 1}>>>",
    "<<<\x00\xff>>>",
    "<<<1/0>>>",
    "<<<__import__('os').system('echo pwned')>>>",
]


def _id(param: object) -> str:
    return getattr(param, "name", str(param))


def test_registry_has_the_papers_split() -> None:
    seen = [t for t in TASKS if t.seen]
    unseen = [t for t in TASKS if not t.seen]
    assert (len(seen), len(unseen)) == (28, 9)  # the paper's 28 seen and 9 unseen tasks, all present
    for task in TASKS:
        assert task.title and task.answer_format, task.name


@pytest.mark.parametrize("task", GENERATED, ids=_id)
def test_levels_include_paper_and_a_ladder(task) -> None:
    assert "paper" in task.levels
    ladder = [name for name in task.levels if name.isdigit()]
    assert len(ladder) >= 3, f"{task.name}: a numbered ladder of at least 3 levels"
    assert ladder == [str(i) for i in range(1, len(ladder) + 1)]


@pytest.mark.parametrize(("task", "level"), LEVELS, ids=_id)
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**31 - 1))
def test_generation_is_deterministic_and_serialisable(task, level, seed) -> None:
    first = task.generate(seed, level=level)
    second = task.generate(seed, level=level)
    assert first == second
    assert Instance.from_dict(first.to_dict()) == first
    assert first.task == task.name and first.question.strip()


@pytest.mark.parametrize(("task", "level"), SOLVABLE_LEVELS, ids=_id)
@settings(max_examples=4, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**31 - 1))
def test_reference_solution_passes_the_judge(task, level, seed) -> None:
    instance = task.generate(seed, level=level)
    answer = task.reference_answer(instance)
    verdict = task.judge(instance, answer)
    assert verdict.correct, f"{task.name} level {level} seed {seed}: {verdict.reason}\n{answer}"
    assert verdict.score == 1.0


@pytest.mark.parametrize("task", GENERATED, ids=_id)
@pytest.mark.parametrize("reply", MALFORMED)
def test_malformed_answers_yield_a_verdict(task, reply) -> None:
    """A reply without a wrapper says so (where the task needs one); a wrapped one is unreadable or
    breaks a named rule, never passes off a crash as a reason."""
    instance = task.generate(0)
    verdict = task.judge(instance, reply)
    assert isinstance(verdict, Verdict)
    if "<<<" not in reply or ">>>" not in reply.split("<<<", 1)[1]:
        if task.requires_wrapper:
            assert_rejected(verdict, r"^no <<<\.\.\.>>> answer found$")
        else:
            assert_rejected(verdict, "^unreadable answer: |is not the product")
    else:
        assert_rejected(verdict, r"\w")
        assert "Error" not in verdict.reason and "Traceback" not in verdict.reason


@pytest.mark.parametrize("task", GENERATED, ids=_id)
def test_non_text_answers_yield_a_verdict(task) -> None:
    instance = task.generate(0)
    for value in (None, 42, ["a"], b"<<<1>>>"):
        assert_rejected(task.judge(instance, value), f"^answer must be text, got {type(value).__name__}$")
