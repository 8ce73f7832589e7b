"""Reference solvers raise ``NoSolutionError`` when their complete search proves there is no answer."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from codesteer.symbench import get_task
from codesteer.symbench.audit import reference_outcome
from codesteer.symbench.errors import NoSolutionError


def _queens_all_blocked(data: dict[str, Any]) -> dict[str, Any]:
    placed = {tuple(q) for q in data["placed"]}
    n = data["n"]
    return {**data, "blocked": [[r, c] for r in range(n) for c in range(n) if (r, c) not in placed]}


def _sudoku_no_digit_left(data: dict[str, Any]) -> dict[str, Any]:
    grid = [[0] * 9 for _ in range(9)]
    grid[0] = [1, 2, 3, 4, 5, 6, 7, 8, 0]  # (0, 8) must be 9 ...
    grid[5][8] = 9  # ... but its column already holds a 9
    return {**data, "puzzle": grid}


def _repeated_guess_other_feedback(data: dict[str, Any]) -> dict[str, Any]:
    guess, feedback = data["conditions"][0]
    numbers, letters = feedback
    other = [[int(not numbers[0]), *numbers[1:]], letters]
    return {**data, "conditions": [[guess, feedback], [guess, other]]}


CASES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "eight_queens": _queens_all_blocked,
    "standard_sudoku": _sudoku_no_digit_left,
    "permutations_combinations": lambda d: {**d, "constraints": [["at", "A", 1], ["not_at", "A", 1]]},
    "boxlift": lambda d: {**d, "boxes": [1000], "lifters": [10, 20]},
    "blocksworld": lambda d: {**d, "initial": [["A", "B"]], "goal": [["B", "A"]]},
    "logical_equation": lambda d: {**d, "constraints": [["sum", "A", "B", "100000"]]},
    "cryptanalysis": _repeated_guess_other_feedback,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_impossible_instances_are_proved_unsolvable(name: str) -> None:
    task = get_task(name)
    instance = task.generate(3, level="1")
    broken = dataclasses.replace(instance, data=CASES[name](instance.data))
    with pytest.raises(NoSolutionError):
        task.reference_answer(broken)
    outcome, why = reference_outcome(task, broken)
    assert outcome == "unsolvable" and why
    assert reference_outcome(task, instance)[0] == "solved"
