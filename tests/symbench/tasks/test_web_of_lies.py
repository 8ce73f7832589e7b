from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesteer.symbench import get_task
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.web_of_lies import parse_chain, question_text, truths

from ..judging import assert_rejected

TASK = get_task("web_of_lies")


def test_truth_propagation() -> None:
    # A lies; B says A lies (true); C says B lies (false); D says C tells the truth (false).
    assert truths(False, [False, False, True]) == [False, True, False, False]
    assert truths(True, []) == [True]


@settings(max_examples=25, deadline=None)
@given(st.booleans(), st.lists(st.booleans(), min_size=1, max_size=30))
def test_parse_round_trip(first: bool, claims: list[bool]) -> None:
    names = [f"P{chr(65 + i // 26)}{chr(97 + i % 26)}" for i in range(len(claims) + 1)]
    data = parse_chain(question_text(names, first, claims))
    assert data == {"names": names, "first_truthful": first, "claims": claims}


def test_parse_rejects_a_broken_chain() -> None:
    with pytest.raises(ValueError, match="chain"):
        parse_chain("Question: Ann lies. Bob says Cid lies. Does Bob tell the truth?")


def _instance(target: str):
    for seed in range(100):
        inst = TASK.generate(seed)
        if inst.data["target"] == target:
            return inst
    raise AssertionError("no instance with that answer")


@pytest.mark.parametrize("target", ["Yes", "No"])
def test_right_and_near_miss(target: str) -> None:
    inst = _instance(target)
    other = "No" if target == "Yes" else "Yes"
    for reply in (f"<<<{target}>>>", f"<<<{target.lower()}.>>>", f"<<<({target.upper()})>>>"):
        assert TASK.judge(inst, reply).correct, reply
    wrong = TASK.judge(inst, f"<<<{other}>>>")
    assert not wrong.correct and f"the answer is {target}" in wrong.reason and "liars" in wrong.reason
    for reply in ("<<<Yes/No>>>", "<<<Yes, No>>>", "<<<True>>>"):
        assert_rejected(TASK.judge(inst, reply), "^unreadable answer: expected Yes or No, got")
    assert_rejected(TASK.judge(inst, target), r"^no <<<\.\.\.>>> answer found$")


def test_both_answers_occur_and_levels_grow() -> None:
    targets = {TASK.generate(seed).data["target"] for seed in range(20)}
    assert targets == {"Yes", "No"}
    sizes = [len(TASK.generate(1, level=str(i)).data["names"]) for i in range(1, 7)]
    assert sizes == sorted(sizes) and sizes[-1] == 30
    assert len(TASK.generate(1).data["names"]) == 5


def test_released_items_load_and_their_golds_pass(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures and len(instances) >= 50
    for inst in instances:
        assert inst.question.endswith("Output final answer with the format <<<answer>>>.")
        assert inst.source.startswith("original:BIG-Bench-Hard/bbh/web_of_lies.json#")
        gold = inst.data[RELEASED_ANSWER]
        assert TASK.judge(inst, f"<<<{gold}>>>").correct
        assert TASK.reference_answer(inst) == f"<<<{gold}>>>"  # recomputed from the parsed chain
        other = "No" if gold == "Yes" else "Yes"
        assert_rejected(TASK.judge(inst, f"<<<{other}>>>"), f"^the answer is {gold}, not {other}: following the chain")
