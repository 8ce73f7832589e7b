from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesteer.symbench import get_task
from codesteer.symbench.kit.common import rotate_cw
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER

from ..judging import assert_rejected

TASK = get_task("matrix_transformation")


def _inst(matrix):
    inst = TASK.generate(0, matrix=(len(matrix), len(matrix[0]), "letters"))
    inst.data["matrix"] = matrix
    return inst


def test_rotation() -> None:
    assert rotate_cw([["Q", "R"], ["J", "H"]]) == [["J", "Q"], ["H", "R"]]
    assert rotate_cw([["1", "2", "3"], ["4", "5", "6"]]) == [["4", "1"], ["5", "2"], ["6", "3"]]


@pytest.mark.parametrize(
    "reply",
    ["<<<J,Q,H,R>>>", "<<<J, Q, H, R>>>", "<<<[['J','Q'],['H','R']]>>>", "<<<J Q\nH R>>>", '<<<["J","Q","H","R"]>>>'],
)
def test_accepted_formats(reply: str) -> None:
    assert TASK.judge(_inst([["Q", "R"], ["J", "H"]]), reply).correct


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("<<<Q,J,R,H>>>", "wrong"),  # counter-clockwise / transposed
        ("<<<R,H,Q,J>>>", "wrong"),  # anticlockwise
        ("<<<J,Q,H>>>", "expected 4"),
        ("<<<J,Q,H,R,R>>>", "expected 4"),
        ("J,Q,H,R", "no <<<"),
    ],
)
def test_near_misses_fail(reply: str, reason: str) -> None:
    verdict = TASK.judge(_inst([["Q", "R"], ["J", "H"]]), reply)
    assert not verdict.correct and reason in verdict.reason


def test_numbers_and_symbols() -> None:
    inst = _inst([["1", "2", "3"], ["4", "5", "6"]])
    assert TASK.judge(inst, "<<<4,1,5,2,6,3>>>").correct
    assert_rejected(TASK.judge(inst, "<<<1,4,2,5,3,6>>>"), "^6 of 6 cells wrong; first at position 1: expected '4', got '1'")
    sym = _inst([["!", "@"], ["#", "$"]])
    assert TASK.judge(sym, "<<<#,!,$,@>>>").correct


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 8), st.integers(1, 8),
       st.sampled_from(["letters", "numbers", "mixed", "symbols"]))
def test_solver_passes_and_transpose_fails(seed, rows, cols, content) -> None:
    inst = TASK.generate(seed, matrix=(rows, cols, content))
    assert TASK.judge(inst, TASK.reference_answer(inst)).correct
    transposed = [list(c) for c in zip(*inst.data["matrix"], strict=True)]
    rotated = rotate_cw(inst.data["matrix"])
    if transposed != rotated:
        flat = ",".join(c for row in transposed for c in row)
        assert_rejected(TASK.judge(inst, f"<<<{flat}>>>"), r"\d+ of \d+ cells wrong; first at position \d+")


def test_bad_knobs() -> None:
    with pytest.raises(ValueError):
        TASK.generate(0, matrix=(2, 2, "emoji"))


def test_released_items(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures and instances
    for inst in instances:
        assert TASK.judge(inst, f"<<<{inst.data[RELEASED_ANSWER]}>>>").correct, inst.id
