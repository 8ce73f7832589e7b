from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesteer.symbench import get_task
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.navigate import parse_walk, question_text, returns, walk

from ..judging import assert_rejected

TASK = get_task("navigate")


def test_walk_simulation() -> None:
    assert walk([["step", 3, "left"], ["step", 2, "backward"]]) == ((-3, -2), 0)
    # Facing forward, turn right: steps go along +x.
    assert walk([["turn", "right"], ["step", 4, None]]) == ((4, 0), 3)
    assert returns([["step", 8, None], ["turn", "around"], ["step", 8, None], ["turn", "left"]])
    assert not returns([["step", 3, None], ["turn", "right"], ["turn", "right"], ["step", 2, None]])


_MOVE = st.one_of(
    st.tuples(st.just("step"), st.integers(1, 30), st.sampled_from([None, "forward", "backward", "left", "right"])),
    st.tuples(st.just("turn"), st.sampled_from(["left", "right", "around"])),
)


@settings(max_examples=25, deadline=None)
@given(st.lists(_MOVE, min_size=1, max_size=20), st.booleans())
def test_parse_round_trip(moves, face_forward: bool) -> None:
    moves = [list(m) for m in moves]
    assert parse_walk(question_text(moves, face_forward)) == (moves, face_forward)


def test_parse_rejects_unknown_instructions() -> None:
    with pytest.raises(ValueError, match="unreadable instruction"):
        parse_walk(question_text([["step", 2, None]], False).replace("Take 2 steps", "Jump twice"))


@pytest.mark.parametrize("level", ["paper", "1", "4", "6"])
def test_generated_walks_have_the_asked_shape(level: str) -> None:
    targets = set()
    for seed in range(30):
        inst = TASK.generate(seed, level=level)
        moves = inst.data["moves"]
        assert len(moves) == inst.complexity["instructions"]
        forward = inst.complexity["mode"] == "forward"
        assert inst.data["face_forward"] == forward
        if forward:
            assert all(m[0] == "step" and m[2] is not None for m in moves)
        else:
            assert all(m[0] == "turn" or m[2] is None for m in moves)
        assert inst.data["target"] == ("Yes" if returns(moves) else "No")
        targets.add(inst.data["target"])
    assert targets == {"Yes", "No"}


def _instance(target: str):
    return next(i for i in (TASK.generate(s) for s in range(100)) if i.data["target"] == target)


@pytest.mark.parametrize("target", ["Yes", "No"])
def test_right_and_near_miss(target: str) -> None:
    inst = _instance(target)
    other = "No" if target == "Yes" else "Yes"
    for reply in (f"<<<{target}>>>", f"<<< {target.lower()}. >>>", f"<<<({target})>>>"):
        assert TASK.judge(inst, reply).correct, reply
    wrong = TASK.judge(inst, f"<<<{other}>>>")
    assert not wrong.correct and "the walk ends at" in wrong.reason
    for reply in ("<<<Yes or No>>>", "<<<- Yes>>>", "<<<True>>>"):
        assert_rejected(TASK.judge(inst, reply), "^unreadable answer: expected Yes or No, got")
    assert_rejected(TASK.judge(inst, target), r"^no <<<\.\.\.>>> answer found$")


def test_released_items_load_and_their_golds_pass(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures and len(instances) >= 50
    modes = {inst.complexity["mode"] for inst in instances}
    assert modes == {"forward", "turning"}
    for inst in instances:
        gold = inst.data[RELEASED_ANSWER]
        assert TASK.judge(inst, f"<<<{gold}>>>").correct
        assert TASK.reference_answer(inst) == f"<<<{gold}>>>"  # recomputed by simulating the parsed walk
        assert_rejected(TASK.judge(inst, "<<<" + ("No" if gold == "Yes" else "Yes") + ">>>"),
                        f"^the answer is {gold}, not (Yes|No): the walk ends at")
