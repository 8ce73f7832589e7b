from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesteer.symbench import get_task
from codesteer.symbench.errors import NoSolutionError
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.game_2048 import simulate

TASK = get_task("game_2048")


def _inst(grid, start, moves):
    inst = TASK.generate(0, size=(len(grid), len(moves)))
    inst.data.update(grid=grid, start=list(start), moves=moves)
    return inst


@pytest.mark.parametrize(
    ("grid", "start", "moves", "after"),
    [
        ([[0, 16], [4, 2]], (0, 1), "dl", [[16, 0], [4, 2]]),  # blocked, then slide
        ([[8, 32], [0, 16]], (0, 0), "dr", [[0, 32], [8, 16]]),
        ([[4, 8], [4, 2]], (1, 0), "dd", [[4, 8], [4, 2]]),  # off the grid: stays
        ([[2, 2, 4], [0, 0, 0], [0, 0, 0]], (0, 0), "rr", [[0, 0, 8], [0, 0, 0], [0, 0, 0]]),  # merges twice
        ([[2, 4], [0, 0]], (0, 0), "rd", [[0, 4], [2, 0]]),  # blocked right, then down
    ],
)
def test_simulator(grid, start, moves, after) -> None:
    assert simulate(grid, start, moves) == after


def test_judge_formats_and_near_misses() -> None:
    inst = _inst([[0, 16], [4, 2]], (0, 1), "dl")
    for ok in ("<<<16, 0\n4, 2>>>", "<<<[[16, 0], [4, 2]]>>>", "<<<16,0,4,2>>>", "<<<\n16 0\n4 2\n>>>"):
        assert TASK.judge(inst, ok).correct, ok
    for bad, why in (("<<<0, 16\n4, 2>>>", "position 1"), ("<<<16, 0\n4>>>", "expected 4"),
                     ("<<<16, 0, 4, 2, 0>>>", "expected 4"), ("<<<16, 0\n4, x>>>", "not a integer")):
        verdict = TASK.judge(inst, bad)
        assert not verdict.correct and why in verdict.reason, verdict.reason


def test_empty_start_is_rejected_as_ill_posed() -> None:
    inst = _inst([[0, 16], [4, 2]], (0, 0), "dl")
    verdict = TASK.judge(inst, "<<<0, 16\n4, 2>>>")
    assert not verdict.correct and "start position (1, 1) is empty" in verdict.reason
    with pytest.raises(NoSolutionError, match="start position"):
        TASK.reference_answer(inst)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10**6), st.integers(2, 7), st.integers(1, 12))
def test_generated_items_start_on_a_tile(seed, n, moves) -> None:
    inst = TASK.generate(seed, size=(n, moves))
    r, c = inst.data["start"]
    assert inst.data["grid"][r][c] > 0
    assert TASK.judge(inst, TASK.reference_answer(inst)).correct
    unchanged = "<<<" + "\n".join(", ".join(map(str, row)) for row in inst.data["grid"]) + ">>>"
    after = simulate(inst.data["grid"], (r, c), inst.data["moves"])
    assert TASK.judge(inst, unchanged).correct == (after == inst.data["grid"])


def test_paper_items_mostly_change_the_grid() -> None:
    changed = sum(
        simulate(i.data["grid"], tuple(i.data["start"]), i.data["moves"]) != i.data["grid"]
        for i in (TASK.generate(s) for s in range(40))
    )
    assert changed >= 36


def test_bad_knobs() -> None:
    with pytest.raises(ValueError):
        TASK.generate(0, size=(1, 2))


def test_released_items(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures and instances
    for inst in instances:
        verdict = TASK.judge(inst, f"<<<{inst.data[RELEASED_ANSWER]}>>>")
        r, c = inst.data["start"]
        if inst.data["grid"][r][c] == 0:
            assert not verdict.correct and "is empty" in verdict.reason
        else:
            assert verdict.correct, (inst.id, verdict.reason)
