from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesteer.symbench import get_task
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.pooling import pool, question_text

from ..judging import assert_rejected

TASK = get_task("pooling")
MATRIX = [[-1, 7, 20], [6, 16, -4], [9, 13, 7]]


def _inst(matrix, k, kind):
    inst = TASK.generate(0, pool=(4, 2, kind))
    inst.data.update(matrix=matrix, window=k, type=kind)
    return inst


def test_pool_values() -> None:
    assert pool(MATRIX, 2, "max") == [16, 20, 16, 16]
    assert pool(MATRIX, 2, "average") == [Fraction(28, 4), Fraction(39, 4), Fraction(44, 4), Fraction(32, 4)]
    assert pool(MATRIX, 3, "average") == [Fraction(73, 9)]


def test_max_judge() -> None:
    inst = _inst(MATRIX, 2, "max")
    for ok in ("<<<16,20,16,16>>>", "<<<[[16, 20], [16, 16]]>>>", "<<<16, 20, 16, 16.>>>"):
        assert TASK.judge(inst, ok).correct, ok
    for bad, why in (("<<<16,20,16,15>>>", "window 4"), ("<<<16,20,16>>>", "expected 4"),
                     ("<<<16,20,16,16.5>>>", "not a integer"), ("<<<20,16,16,16>>>", "window 1")):
        verdict = TASK.judge(inst, bad)
        assert not verdict.correct and why in verdict.reason, verdict.reason


def test_average_judge_accepts_exact_and_two_decimal_answers() -> None:
    inst = _inst(MATRIX, 2, "average")
    assert TASK.judge(inst, "<<<7,9.75,11,8>>>").correct
    assert TASK.judge(inst, "<<<7.0,9.75,11.0,8.0>>>").correct
    assert_rejected(TASK.judge(inst, "<<<7,9.7,11,8>>>"), "^1 of 4 average-pooled values wrong; first at window 2: expected 9.75, got 9.7")
    assert_rejected(TASK.judge(inst, "<<<7,10,11,8>>>"), "^1 of 4 average-pooled values wrong; first at window 2: expected 9.75, got 10")
    three = _inst(MATRIX, 3, "average")
    for ok in ("<<<73/9>>>", "<<<8.11>>>", "<<<8.111111>>>"):
        assert TASK.judge(three, ok).correct, ok
    for bad in ("8.1", "8", "8.12"):
        assert_rejected(TASK.judge(three, f"<<<{bad}>>>"), rf"first at window 1: expected 8\.1+, got {bad}$")


def test_question_wording() -> None:
    text = question_text(MATRIX, 2, "max")
    assert "perform max pooling on the following matrix by using a 2*2 sliding window:\n-1, 7, 20\n" in text
    assert "average pooling" in question_text(MATRIX, 2, "average")


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10**6), st.integers(2, 9), st.sampled_from(["max", "average"]), st.data())
def test_solver_passes_and_perturbed_fails(seed, size, kind, data) -> None:
    k = data.draw(st.integers(1, size - 1))
    inst = TASK.generate(seed, pool=(size, k, kind))
    answer = TASK.reference_answer(inst)
    assert TASK.judge(inst, answer).correct
    values = answer[3:-3].split(",")
    values[-1] = str(Fraction(values[-1]) + 1) if "/" not in values[-1] else values[-1] + "+1"
    values[-1] = str(float(Fraction(values[-1]))) if kind == "average" else values[-1]
    assert_rejected(TASK.judge(inst, "<<<" + ",".join(values) + ">>>"), r"^1 of \d+ \w+-pooled values wrong; first at window \d+")


def test_bad_knobs() -> None:
    with pytest.raises(ValueError):
        TASK.generate(0, pool=(3, 3, "max"))
    with pytest.raises(ValueError):
        TASK.generate(0, pool=(4, 2, "min"))


def test_paper_level_mixes_types() -> None:
    kinds = {TASK.generate(s).data["type"] for s in range(30)}
    assert kinds == {"max", "average"}


def test_released_items(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures and instances
    for inst in instances:
        assert TASK.judge(inst, f"<<<{inst.data[RELEASED_ANSWER]}>>>").correct, inst.id


def test_released_style_average_golds_are_scorable() -> None:
    # The release stored averages as floats ("12.5", "9.0"); its int() judge rejected them all.
    inst = _inst([[10, 15], [10, 15]], 1, "average")
    assert TASK.judge(inst, "<<<10.0,15.0,10.0,15.0>>>").correct
    inst = _inst([[10, 15, 0], [10, 15, 0], [1, 2, 3]], 2, "average")
    assert TASK.judge(inst, "<<<12.5,7.5,7.0,5.0>>>").correct
