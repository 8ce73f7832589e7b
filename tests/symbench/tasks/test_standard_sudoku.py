from __future__ import annotations

import random

import pytest

from codesteer.symbench import get_task
from codesteer.symbench.answers import AnswerFormatError
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.standard_sudoku import (
    broken_rule,
    count_solutions,
    parse_sudoku,
    random_full_grid,
    solutions,
)

from ..judging import assert_rejected

TASK = get_task("standard_sudoku")


def _solution(instance) -> list[list[int]]:
    return next(solutions(instance.data["puzzle"]))


def test_random_full_grids_obey_the_rules() -> None:
    for box in (2, 3, 4):
        grid = random_full_grid(random.Random(box), box)
        assert broken_rule([[0] * box * box for _ in range(box * box)], grid) is None


def test_solver_and_uniqueness_count() -> None:
    empty4 = [[0] * 4 for _ in range(4)]
    assert count_solutions(empty4, limit=1000) == 288
    instance = TASK.generate(1)
    assert instance.data["unique"] and count_solutions(instance.data["puzzle"]) == 1
    assert 51 <= sum(v == 0 for row in instance.data["puzzle"] for v in row) <= 55


def test_judge_accepts_every_format_of_the_solution() -> None:
    instance = TASK.generate(2)
    grid = _solution(instance)
    for body in (
        str(grid),
        "\n".join(",".join(map(str, row)) for row in grid),
        "\n".join(" ".join(map(str, row)) for row in grid),
        "\n".join("".join(map(str, row)) for row in grid),
    ):
        assert TASK.judge(instance, f"<<<{body}>>>").correct, body


def test_non_unique_puzzles_accept_every_solution() -> None:
    instance = TASK.generate(0, level="4")
    puzzle = instance.data["puzzle"]
    found = []
    for grid in solutions(puzzle):
        found.append(grid)
        if len(found) == 3:
            break
    assert len(found) >= 2 and not instance.data["unique"]
    for grid in found:
        assert TASK.judge(instance, f"<<<{grid}>>>").correct


def test_near_misses_name_the_rule() -> None:
    instance = TASK.generate(3)
    puzzle = instance.data["puzzle"]
    grid = _solution(instance)
    r, c = next((r, c) for r in range(9) for c in range(9) if puzzle[r][c])
    changed = [row[:] for row in grid]
    changed[r][c] = grid[r][c] % 9 + 1
    assert "is given as" in TASK.judge(instance, f"<<<{changed}>>>").reason
    r, c = next((r, c) for r in range(9) for c in range(9) if not puzzle[r][c])
    changed = [row[:] for row in grid]
    changed[r][c] = grid[r][c] % 9 + 1
    assert "appears twice" in TASK.judge(instance, f"<<<{changed}>>>").reason
    changed[r][c] = 0
    assert "outside 1..9" in TASK.judge(instance, f"<<<{changed}>>>").reason
    # swapping two blank cells of a row keeps the row valid; the solution is unique, so it fails
    blanks = [c for c in range(9) if not puzzle[r][c]]
    if len(blanks) >= 2:
        swapped = [row[:] for row in grid]
        a, b = blanks[:2]
        swapped[r][a], swapped[r][b] = swapped[r][b], swapped[r][a]
        assert_rejected(TASK.judge(instance, f"<<<{swapped}>>>"), r"appears twice in (column|box)")
    assert "not a 9x9" in TASK.judge(instance, f"<<<{grid[:8]}>>>").reason


def test_parse_sudoku_rejects_garbage() -> None:
    with pytest.raises(AnswerFormatError):
        parse_sudoku("[[1, 'a']]", 2)
    with pytest.raises(AnswerFormatError):
        parse_sudoku("[[True, 2], [2, 1]]", 2)


def test_released_items_load_and_golds_pass(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert instances and not failures
    for instance in instances:
        assert instance.data["unique"]
        assert TASK.judge(instance, f"<<<{instance.data[RELEASED_ANSWER]}>>>").correct
        assert TASK.judge(instance, TASK.reference_answer(instance)).correct
