from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesteer.symbench import get_task
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.number_multiply import last_integer

from ..judging import assert_rejected

TASK = get_task("number_multiply")


def test_generation_follows_digit_counts() -> None:
    inst = TASK.generate(3, digits=[1, 3, 4])
    assert [len(str(abs(f))) for f in inst.data["factors"]] == [1, 3, 4]
    assert inst.question == "What is the result of " + "*".join(map(str, inst.data["factors"])) + "?"


@pytest.mark.parametrize(
    ("reply", "ok"),
    [
        ("-514828", True),
        ("The result is -514,828.", True),
        ("-4*17*7571 = −514828", True),
        ("So the answer is \\boxed{-514828} (I used 3 steps)", True),
        ("<<<-514828>>> and 12", True),
        ("514828", False),  # sign lost
        ("-5148280", False),  # contains the digits, but is another number (release accepted it)
        ("-514828 is close; actually -514829", False),
        ("<<<-514829>>> though -514828 also", False),
        ("no number here", False),
    ],
)
def test_judge_reads_the_final_integer(reply: str, ok: bool) -> None:
    inst = TASK.generate(0, digits=[1, 2, 4])
    inst.data["factors"] = [-4, 17, 7571]
    verdict = TASK.judge(inst, reply)
    assert verdict.correct is ok, verdict.reason
    if not ok:
        assert verdict.reason


def test_last_integer_ignores_decimals_and_lists() -> None:
    assert last_integer("1,2,3") == 3
    assert last_integer("about 12.5 then -7") == -7
    assert last_integer("total 1,234,567.") == 1234567


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10**6), st.lists(st.integers(1, 25), min_size=2, max_size=4))
def test_solver_matches_exact_product(seed: int, digits: list[int]) -> None:
    inst = TASK.generate(seed, digits=digits)
    answer = TASK.reference_answer(inst)
    assert int(answer.strip("<>")) == math.prod(inst.data["factors"])
    assert TASK.judge(inst, answer).correct
    off = f"<<<{math.prod(inst.data['factors']) + 1}>>>"
    assert_rejected(TASK.judge(inst, off), rf"^{math.prod(inst.data['factors']) + 1} is not the product \(expected ")


def test_bad_knobs_raise_value_error() -> None:
    with pytest.raises(ValueError):
        TASK.generate(0, digits=[0, 2])


def test_released_items_load_and_their_golds_pass(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures
    assert len(instances) >= 40
    for inst in instances:
        assert inst.source.startswith("original:")
        assert TASK.judge(inst, inst.data[RELEASED_ANSWER]).correct, inst.id
        assert TASK.judge(inst, TASK.reference_answer(inst)).correct
    varied = [i for i in instances if "varied" in i.id]
    assert varied and max(max(i.complexity["digits"]) for i in varied) == 20
