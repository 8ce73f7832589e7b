from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesteer.symbench import get_task
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.pattern_recognition import maximal_squares, uniform_squares

from ..judging import assert_rejected

TASK = get_task("pattern_recognition")
GRID = [list(row) for row in (
    "ABCDEF",
    "GQQQQH",
    "IQQQQJ",
    "KQQQQL",
    "MQQQQN",
    "OPRSTU",
)]


def _inst(grid):
    inst = TASK.generate(0)
    inst.data["grid"] = grid
    return inst


def test_squares() -> None:
    assert maximal_squares(GRID) == [(4, 4, 4)]
    assert (3, 3, 3) in uniform_squares(GRID) and len(uniform_squares(GRID)) == 5


def test_judge() -> None:
    inst = _inst(GRID)
    for ok in ("<<<[4, 4]>>>", "<<<4,4>>>", "<<<(4, 4)>>>"):
        assert TASK.judge(inst, ok).correct
    sub = TASK.judge(inst, "<<<[3, 3]>>>")
    assert not sub.correct and "inside the larger 4x4 square" in sub.reason
    for bad in ("<<<[5, 5]>>>", "<<<[4, 5]>>>"):
        verdict = TASK.judge(inst, bad)
        assert not verdict.correct and "no one-character square" in verdict.reason
    for malformed, reason in (("<<<[4]>>>", "expected 2 integers, got 1"), ("<<<[4, 4, 4]>>>", "expected 2 integers, got 3"),
                              ("<<<[a, b]>>>", "not a literal value"), ("[4, 4]", "no <<<...>>> answer found")):
        assert_rejected(TASK.judge(inst, malformed), re.escape(reason))


def test_two_separate_squares_both_accepted() -> None:
    grid = [list(r) for r in ("AAABCD", "AAAEFG", "AAAHIJ", "KLMZZZ", "NOPZZZ", "QRSZZZ")]
    inst = _inst(grid)
    assert TASK.judge(inst, "<<<[2, 2]>>>").correct and TASK.judge(inst, "<<<[5, 5]>>>").correct


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from(["paper", "1", "3", "5"]))
def test_generated_answer_is_unique(seed: int, level: str) -> None:
    inst = TASK.generate(seed, level=level)
    assert len(maximal_squares(inst.data["grid"])) == 1
    answer = TASK.reference_answer(inst)
    assert TASK.judge(inst, answer).correct
    r, c = (int(v) for v in answer.strip("<>[]").split(","))
    assert_rejected(TASK.judge(inst, f"<<<[{r + 1}, {c}]>>>"), rf"no one-character square .* \({r + 1}, {c}\)")
    assert_rejected(TASK.judge(inst, f"<<<[{r - 1}, {c - 1}]>>>"),  # inside the square: a smaller one or none
                    rf"is the corner of a \d+x\d+ square inside the larger .* \({r}, {c}\)|no one-character square")


def test_bad_knobs() -> None:
    with pytest.raises(ValueError):
        TASK.generate(0, size=(3, 4))
    with pytest.raises(ValueError):
        TASK.generate(0, size=(6, 8), square=(4, 5))


def test_released_items(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures and instances
    for inst in instances:
        assert TASK.judge(inst, f"<<<{inst.data[RELEASED_ANSWER]}>>>").correct, inst.id
    # sample_0 plants a 5x5 square: its 3x3 sub-square corners are not the answer.
    first = next(i for i in instances if i.id.endswith("sample_0"))
    verdict = TASK.judge(first, "<<<[3, 4]>>>")
    assert not verdict.correct and "inside the larger 5x5 square" in verdict.reason
