"""Combinatorial Calculation: ordered-number rules both ways, the solvers and the released items."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesteer.symbench import get_task
from codesteer.symbench.errors import NoSolutionError
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER, Instance
from codesteer.symbench.tasks.combinatorial_calculation import solve_ordered

from ..judging import assert_rejected

TASK = get_task("combinatorial_calculation")


def puzzle(numbers: list[int], target: int) -> Instance:
    return Instance(task=TASK.name, id="t", question="q", data={"numbers": numbers, "target": target})


@pytest.mark.parametrize("answer", [
    "[1, +, 2, +, 3, +, 4]",
    "[1, *, 2, *, 3, +, 4]",
    "['1', '*', '2', '*', '3', '+', '4']",
    '["1", "*", "(", "2", "*", "3", "+", "4", ")"]',
    "1*2*3+4",
    "[1*2*3, +, 4]",
])
def test_every_valid_answer_passes(answer: str) -> None:
    verdict = TASK.judge(puzzle([1, 2, 3, 4], 10), f"<<<{answer}>>>")
    assert verdict.correct, verdict.reason


@pytest.mark.parametrize(("answer", "reason"), [
    ("[2, +, 1, +, 3, +, 4]", "in this order"),
    ("[1, +, 2, +, 3]", "in this order"),
    ("[12, -, 3, +, 4]", "in this order"),
    ("[1, +, 2, +, 3, *, 4]", "equals 15"),
    ("[1, *, (, 2, +, 3, ), +, 4]", "equals 9"),
    ("[1, 2, +, 3, +, 4]", "not joined"),
    ("[1, +, 2, +, 3, +, 4, )]", "balance"),
    ("[1, +, , 2, +, 3, +, 4]", "empty token"),
    ("[-, 1, +, 2, +, 3, +, 4, +, 2]", "in this order"),
    ("[1, ^, 2, +, 3, +, 4]", "not a number"),
    ("[1, +, 2, +, 3, +, 4, /, 0]", "in this order"),
])
def test_near_misses_fail_with_the_broken_rule(answer: str, reason: str) -> None:
    verdict = TASK.judge(puzzle([1, 2, 3, 4], 10), f"<<<{answer}>>>")
    assert not verdict.correct
    assert reason in verdict.reason


def test_sign_in_front_of_a_number_is_rejected() -> None:
    verdict = TASK.judge(puzzle([1, 2, 3], 4), "<<<[-, 1, +, 2, +, 3]>>>")
    assert not verdict.correct and "sign" in verdict.reason


def test_division_by_zero_is_a_verdict() -> None:
    verdict = TASK.judge(puzzle([4, 0, 1], 5), "<<<[4, /, 0, +, 1]>>>")
    assert not verdict.correct and "division by zero" in verdict.reason


def test_exact_solver_proves_unsolvable_lists() -> None:
    with pytest.raises(NoSolutionError):
        solve_ordered([1, 1, 1], 100)


def test_long_lists_are_solved_by_the_bounded_search() -> None:
    numbers = [3, 1, 4, 3, 7, 5, 8, 1, 3, 7, 5, 8, 9, 9, 4, 9, 1, 8, 2, 9]
    instance = puzzle(numbers, 500)
    assert TASK.judge(instance, TASK.reference_answer(instance)).correct


def test_paper_level_uses_the_released_configurations() -> None:
    seen = {(len(i.data["numbers"]), i.data["target"]) for i in (TASK.generate(s) for s in range(60))}
    assert seen == {(3, 10), (4, 24), (5, 78), (5, 69), (6, 100)}


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10**6), level=st.sampled_from(["paper", "4", "6"]))
def test_solver_answer_passes_and_swapping_numbers_fails(seed: int, level: str) -> None:
    instance = TASK.generate(seed, level=level)
    answer = TASK.reference_answer(instance)
    assert TASK.judge(instance, answer).correct
    numbers = instance.data["numbers"]
    if numbers[0] != numbers[1]:
        swapped = answer.replace(f"[{numbers[0]},", "[X,", 1).replace(f" {numbers[1]},", f" {numbers[0]},", 1)
        swapped = swapped.replace("[X,", f"[{numbers[1]},", 1)
        assert_rejected(TASK.judge(instance, swapped), "the numbers must be exactly .* in this order")


def test_released_items_load_and_their_golds_pass(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures and len(instances) >= 30
    first = next(i for i in instances if i.id == "combinatorial_calculation/sample_0")
    assert first.data["numbers"] == [6, 2, 7] and first.data["target"] == 10
    assert first.data[RELEASED_ANSWER] == "[6, /, 2, +, 7]"
    assert first.source == "original:combinatorial_calculation/sample_0"
    for instance in instances:
        verdict = TASK.judge(instance, f"<<<{instance.data[RELEASED_ANSWER]}>>>")
        assert verdict.correct, (instance.id, verdict.reason)
        assert TASK.judge(instance, TASK.reference_answer(instance)).correct
