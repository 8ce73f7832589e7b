from __future__ import annotations

import pytest

from codesteer.symbench import get_task
from codesteer.symbench.answers import AnswerFormatError
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.eight_queens import count_solutions, parse_positions, solutions

from ..judging import assert_rejected

TASK = get_task("eight_queens")


def _answer(cells) -> str:
    return "<<<" + ", ".join(f"{r} {c}" for r, c in cells) + ">>>"


def test_solver_counts_the_known_totals() -> None:
    assert count_solutions(8, [], [], limit=1000) == 92
    assert count_solutions(6, [], [], limit=1000) == 4
    assert count_solutions(8, [(0, 0), (1, 1)], []) == 0  # given queens attack each other
    assert count_solutions(4, [], [(0, 1), (0, 2)]) == 0  # 4-queens needs (0,1) or (0,2)


def test_parse_positions_formats() -> None:
    expected = [(0, 3), (1, 0)]
    for text in ("0 3, 1 0", "(0, 3), (1, 0)", "[[0, 3], [1, 0]]", "[(0,3),(1,0)]"):
        assert parse_positions(text) == expected
    for bad in ("0 3, 1", "a b", "0 3 -> 1 0", ""):
        with pytest.raises(AnswerFormatError):
            parse_positions(bad)


def test_every_valid_placement_passes() -> None:
    instance = TASK.generate(0, level="1")
    data = instance.data
    placed = [tuple(q) for q in data["placed"]]
    all_solutions = list(solutions(data["n"], placed, [tuple(b) for b in data["blocked"]]))
    assert all_solutions
    for cells in all_solutions:
        assert TASK.judge(instance, _answer(cells)).correct
        missing = [c for c in cells if c not in placed]
        assert TASK.judge(instance, _answer(missing)).correct  # only the remaining queens


def test_near_misses_name_the_broken_rule() -> None:
    instance = TASK.generate(3, level="2")
    data = instance.data
    cells = [tuple(int(x) for x in p.split()) for p in TASK.reference_answer(instance)[3:-3].split(", ")]
    placed = [tuple(q) for q in data["placed"]]
    assert TASK.judge(instance, _answer(cells)).correct
    n = data["n"]
    free = next(c for c in cells if c not in placed)
    # shift one free queen along its row: now two queens share a column, or it lands on X/attacks
    shifted = [(r, (c + 1) % n) if (r, c) == free else (r, c) for r, c in cells]
    assert_rejected(TASK.judge(instance, _answer(shifted)), "attack each other along a|stands on the X cell")
    assert "queens are needed" in TASK.judge(instance, _answer(cells[:-1] if cells[-1] not in placed
                                                                  else cells[1:])).reason
    assert "off the" in TASK.judge(instance, _answer([*cells[:-1], (n, 0)])).reason
    assert "listed twice" in TASK.judge(instance, _answer([*cells, cells[0]])).reason


def test_blocked_cell_and_moved_given_queen_are_rejected() -> None:
    instance = TASK.generate(0, level="1")
    instance.data["placed"] = []
    other = next(solutions(8, [], []))
    instance.data["blocked"] = [list(other[0])]
    assert "X cell" in TASK.judge(instance, _answer(other)).reason
    instance.data["blocked"] = []
    instance.data["placed"] = [[other[0][0], (other[0][1] + 1) % 8]]
    assert "must stay" in TASK.judge(instance, _answer(other)).reason
    instance.data["placed"] = []
    column = [other[0], (1, other[0][1]), *other[2:]]
    assert "along a column" in TASK.judge(instance, _answer(column)).reason
    row = [other[0], (0, other[1][1]), *other[2:]]
    assert "along a row" in TASK.judge(instance, _answer(row)).reason
    diagonal = [(0, 0), (1, 1)]
    verdict = TASK.judge(instance, _answer([*diagonal, *[(r, c) for r, c in other if r > 1]]))
    assert "along a diagonal" in verdict.reason


def test_generator_guarantees_a_solution_and_records_uniqueness() -> None:
    for seed in range(10):
        instance = TASK.generate(seed, level="3")
        data = instance.data
        count = count_solutions(data["n"], [tuple(q) for q in data["placed"]], [tuple(b) for b in data["blocked"]])
        assert count >= 1 and data["unique"] == (count == 1)


def test_released_items_load_and_every_gold_is_valid(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures
    assert {i.data["n"] for i in instances} >= {8, 10, 12}
    for instance in instances:
        assert TASK.judge(instance, f"<<<{instance.data[RELEASED_ANSWER]}>>>").correct, instance.id
        assert TASK.judge(instance, TASK.reference_answer(instance)).correct
