from __future__ import annotations

import itertools
import random

import pytest

from codesteer.symbench.errors import NoSolutionError
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.logical_puzzle import (
    PRODUCT,
    SUM,
    LogicalPuzzle,
    find_selection,
    read_cells,
    rule_holds,
    violations,
)

TASK = LogicalPuzzle()


def _brute(grid: list[list[int]], k: int, rule: str) -> bool:
    n = len(grid)
    others = [(r, c) for r in range(n) for c in range(n) if (r, c) != (0, n - 1)]
    return any(not violations(grid, k, rule, [(0, n - 1), *combo]) for combo in itertools.combinations(others, k - 1))


def test_rules() -> None:
    assert rule_holds(SUM, [1, 3]) and not rule_holds(SUM, [2, 3]) and rule_holds(SUM, [])
    assert rule_holds(PRODUCT, [-2, -3, 4]) and not rule_holds(PRODUCT, [-2, 3]) and not rule_holds(PRODUCT, [0, 1])


def test_solver_agrees_with_brute_force_on_small_grids() -> None:
    rng = random.Random(7)
    outcomes = set()
    for _ in range(60):
        n, k = rng.choice([(3, 4), (4, 4), (4, 5)])
        grid = [[rng.randint(-4, 4) for _ in range(n)] for _ in range(n)]
        found = find_selection(grid, k, PRODUCT)
        assert (found is not None) == _brute(grid, k, PRODUCT), grid
        if found is not None:
            assert violations(grid, k, PRODUCT, found) == []
        outcomes.add(found is not None)
    assert outcomes == {True, False}


def test_reading_answers() -> None:
    assert read_cells("0 3, 1 0, 2 4") == [(0, 3), (1, 0), (2, 4)]
    assert read_cells("(0,3), (1, 0)") == [(0, 3), (1, 0)]
    assert read_cells("[[0, 3], [1, 0]]") == [(0, 3), (1, 0)]
    assert read_cells("[0 3, 1 0]") == [(0, 3), (1, 0)]
    for bad in ("0,3,1,0", "0 3 1, 2", "(0,3), x"):
        try:
            read_cells(bad)
        except ValueError:
            continue
        raise AssertionError(bad)


def test_judge_accepts_other_valid_selections_and_names_broken_conditions() -> None:
    inst = TASK.generate(4, complexity=5)
    grid, k = inst.data["grid"], inst.data["k"]
    n = len(grid)
    answer = TASK.reference_answer(inst)
    assert TASK.judge(inst, answer).correct
    cells = read_cells(answer[3:-3])
    as_tuples = ", ".join(f"({r},{c})" for r, c in reversed(cells))
    assert TASK.judge(inst, f"<<<{as_tuples}>>>").correct
    # another positive cell holding the same value is an equally valid choice
    chosen = set(cells)
    for i, (r, c) in enumerate(cells):
        twin = next(((r2, c2) for r2 in range(n) for c2 in range(n)
                     if grid[r2][c2] == grid[r][c] > 0 and (r2, c2) not in chosen and (r, c) != (0, n - 1)), None)
        if twin:
            alt = [*cells[:i], twin, *cells[i + 1:]]
            assert TASK.judge(inst, "<<<" + ", ".join(f"{a} {b}" for a, b in alt) + ">>>").correct
            break

    def reason(sel: list[tuple[int, int]]) -> str:
        return TASK.judge(inst, "<<<" + ", ".join(f"{a} {b}" for a, b in sel) + ">>>").reason

    assert f"{k} numbers must be selected" in reason(cells[:-1])
    assert "top-right cell" in reason([c for c in cells if c != (0, n - 1)] + [next(
        (r, c) for r in range(n) for c in range(n) if (r, c) not in chosen and grid[r][c] not in
        {grid[a][b] for a, b in cells})])
    assert "outside" in reason([*cells[:-1], (n, 0)])
    assert "selected twice" in reason([*cells[:-1], cells[0]])
    zero = next(((r, c) for r in range(n) for c in range(n) if grid[r][c] == 0), None)
    if zero:
        assert "product is greater than 0" in reason([c for c in cells[:-1] if c != zero] + [zero])


def test_released_defects_are_rejected_by_the_rule_they_break(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures and len(instances) == 5
    by_id = {i.id.split("/")[-1]: i for i in instances}
    for key in ("sample_0", "sample_1"):
        assert TASK.judge(by_id[key], f"<<<{by_id[key].data[RELEASED_ANSWER]}>>>").correct
    expected = {"sample_2": "column 0", "sample_3": "column 0", "sample_4": "row 0"}
    for key, where in expected.items():
        verdict = TASK.judge(by_id[key], f"<<<{by_id[key].data[RELEASED_ANSWER]}>>>")
        assert not verdict.correct and verdict.reason.startswith(where) and "sum is at most 4" in verdict.reason
    # sample_3 still has a selection meeting the question's conditions; 2 and 4 have none
    assert [by_id[k].data["solvable"] for k in ("sample_2", "sample_3", "sample_4")] == [False, True, False]
    assert TASK.judge(by_id["sample_3"], TASK.reference_answer(by_id["sample_3"])).correct
    for key in ("sample_2", "sample_4"):
        with pytest.raises(NoSolutionError, match="no selection"):
            TASK.reference_answer(by_id[key])
