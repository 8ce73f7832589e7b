"""Judges reject malformed and hostile answers with a reason, fail loudly only on their own bugs, and
do bounded work whatever they are given.

A judge that crashes is never a wrong answer: ``Task.judge`` turns the expected rejections (a wrong
verdict, an ``AnswerFormatError``) into verdicts and lets anything else escape as a ``JudgeError``.
Run one task's share with ``pytest tests/symbench/test_judge_robustness.py -k <task_name>``.
"""

from __future__ import annotations

import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codesteer.symbench import all_tasks, get_task
from codesteer.symbench.answers import MAX_ANSWER_CHARS, AnswerFormatError
from codesteer.symbench.errors import EXCERPT_CHARS, JudgeError
from codesteer.symbench.hostile import GENERIC, LONG, hostile_answers, variants

from .judging import assert_rejected, reference_text, sample_instances

TASKS = list(all_tasks().values())


def _id(param: object) -> str:
    return getattr(param, "name", str(param))


@pytest.fixture(scope="module")
def instances() -> dict[str, list]:
    return {task.name: sample_instances(task, seeds=(0,)) for task in TASKS}


# ----- the JudgeError contract -------------------------------------------------------------------
def test_a_judge_that_crashes_raises_judge_error_with_its_cause(monkeypatch) -> None:
    task = get_task("game24")
    instance = task.generate(3)

    def broken(self, instance, answer):
        return {}["no such key"]

    monkeypatch.setattr(type(task), "judge_answer", broken)
    long_answer = "1+" * 1000 + "1"
    with pytest.raises(JudgeError) as info:
        task.judge(instance, f"I think <<<{long_answer}>>>")
    error = info.value
    assert isinstance(error.__cause__, KeyError)
    assert (error.task, error.instance_id) == ("game24", instance.id)
    assert error.answer_excerpt.startswith("1+1+") and len(error.answer_excerpt) < EXCERPT_CHARS + 40
    assert "KeyError" in error.detail and "game24" in str(error) and instance.id in str(error)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.task, copy.instance_id, copy.answer_excerpt, copy.detail) == (
        error.task, error.instance_id, error.answer_excerpt, error.detail)


@pytest.mark.parametrize("exception", [ValueError("bad"), TypeError("bad"), IndexError(0), ZeroDivisionError(),
                                       RecursionError(), OverflowError()])
def test_no_exception_of_a_judge_passes_for_a_wrong_answer(monkeypatch, exception) -> None:
    task = get_task("pooling")

    def broken(self, instance, answer):
        raise exception

    monkeypatch.setattr(type(task), "judge_answer", broken)
    with pytest.raises(JudgeError):
        task.judge(task.generate(0), "<<<1,2,3,4>>>")


def test_an_unreadable_answer_is_a_wrong_verdict_saying_why(monkeypatch) -> None:
    task = get_task("pooling")

    def refuses(self, instance, answer):
        raise AnswerFormatError("expected 4 values, got 3")

    monkeypatch.setattr(type(task), "judge_answer", refuses)
    assert_rejected(task.judge(task.generate(0), "<<<1,2,3>>>"), r"^unreadable answer: expected 4 values, got 3$")


def test_answers_longer_than_the_cap_are_refused_unread() -> None:
    task = get_task("statistical_counting")
    instance = task.generate(0)
    verdict = task.judge(instance, "<<<" + "1" * (MAX_ANSWER_CHARS + 1) + ">>>")
    assert_rejected(verdict, rf"answer too long: {MAX_ANSWER_CHARS + 1} characters \(at most {MAX_ANSWER_CHARS}\)")
    megabyte = "x" * 1_000_000
    assert_rejected(task.judge(instance, f"<<<{megabyte}>>>"), "answer too long")
    assert_rejected(task.judge(instance, f"{megabyte}<<<{megabyte}"), "no <<<...>>> answer found")


def test_free_text_replies_are_read_from_their_end() -> None:
    task = get_task("number_multiply")
    instance = task.generate(0)
    product = reference_text(task, instance)
    assert task.judge(instance, "working... " * 10_000 + f"so the product is {product}.").correct
    assert_rejected(task.judge(instance, "1 " * 20_000 + "no number at the end"), "not the product")


# ----- every task against hostile answers --------------------------------------------------------
@pytest.mark.timeout(300)
@pytest.mark.parametrize("task", TASKS, ids=_id)
def test_hostile_answers_get_a_wrong_verdict_with_a_reason(task, instances) -> None:
    """GENERIC and LONG answers, and hostile variants of the right answer at each level: never a
    JudgeError, a reason for every rejection, never a crash message passed off as one (a timeout
    marks a judge whose work is not bounded by its answer's size)."""
    first, *others = instances[task.name]
    cases = [(first, answer) for answer in hostile_answers(reference_text(task, first))]
    cases += [(instance, answer) for instance in others for answer in variants(reference_text(task, instance))]
    for instance, answer in cases:
        verdict = task.judge(instance, f"<<<{answer}>>>")
        assert verdict.correct or verdict.reason.strip(), (task.name, answer[:60])
        assert "Error" not in verdict.reason, (task.name, answer[:60], verdict.reason)


@pytest.mark.parametrize("task", TASKS, ids=_id)
@pytest.mark.parametrize("answer", GENERIC[:12] + LONG[:3], ids=range(15))
def test_generic_garbage_is_never_right(task, instances, answer) -> None:
    instance = instances[task.name][0]
    verdict = task.judge(instance, f"<<<{answer}>>>")
    assert not verdict.correct or answer.strip() == reference_text(task, instance)


_GARBAGE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=6) | st.tuples(inner, inner) | st.dictionaries(st.text(max_size=4), inner,
                                                                                              max_size=3),
    max_leaves=20,
)


@pytest.mark.parametrize("task", TASKS, ids=_id)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200), value=_GARBAGE, data=st.data())
def test_random_answers_never_crash_a_judge(task, instances, text, value, data) -> None:
    """Random text, random literals written as Python/JSON-ish text, and the right answer with
    random text spliced in: always a verdict."""
    instance = data.draw(st.sampled_from(instances[task.name]))
    right = reference_text(task, instance)
    cut = data.draw(st.integers(0, len(right)))
    for answer in (text, repr(value), right[:cut] + text + right[cut:]):
        verdict = task.judge(instance, f"<<<{answer}>>>")
        assert verdict.correct or verdict.reason.strip()


# ----- bounded work: sized before computing, never evaluated ---------------------------------------
@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", ["math_geometry", "math_counting_probability", "gsm_hard"])
@pytest.mark.parametrize("answer", [
    "((((2**200)**200)**200)**200)",
    "(((((2**200)**200)**200)**200)**200)",
    "((((2^{200})^{200})^{200})^{200})",
    "\\sqrt{2^{3000}+1}",
    "1048576!",
    "\\binom{10^{9}}{10^{6}}",
])
def test_math_judges_refuse_results_too_large_to_evaluate(name: str, answer: str) -> None:
    task = get_task(name)
    for instance in sample_instances(task):
        assert_rejected(task.judge(instance, f"<<<{answer}>>>"), "too large to evaluate")
