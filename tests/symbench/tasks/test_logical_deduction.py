from __future__ import annotations

import re

import pytest

from codesteer.symbench import get_task
from codesteer.symbench.kit.bbh import ANSWER_INSTRUCTION
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.logical_deduction import (
    SETTINGS,
    orders,
    parse_item,
)

from ..judging import assert_rejected

TASK = get_task("logical_deduction")


def test_constraint_search() -> None:
    # 0 before 1, 2 is last: orders 0,1,2 only.
    assert orders(3, [["before", 0, 1, False], ["pos", 2, 2, True]]) == [[0, 1, 2]]
    assert len(orders(3, [["before", 0, 1, False]], limit=10)) == 3
    assert orders(3, [["pos", 0, 0, False], ["pos", 1, 0, False]]) == []  # two objects first
    assert orders(2, [["before", 0, 1, False], ["before", 1, 0, False]]) == []  # a cycle


def test_sentences_in_every_setting() -> None:
    golf, fruit, cars = SETTINGS["golf"], SETTINGS["fruit"], SETTINGS["cars"]
    assert golf.sentence(["Ann", "Bo"], ["before", 0, 1, True], 7) == "Bo finished below Ann"
    assert golf.sentence(["Ann"], ["pos", 0, 4, True], 7) == "Ann finished third-to-last"
    assert fruit.sentence(["kiwis"], ["pos", 0, 5, True], 7) == "The kiwis are the second-most expensive"
    assert cars.sentence(["a bus"], ["pos", 0, 3, True], 7) == "The bus is the fourth-newest"
    assert SETTINGS["shelf"].sentence(["an orange book"], ["pos", 0, 0, False], 7) == "The orange book is the leftmost"


@pytest.mark.parametrize("setting", list(SETTINGS))
def test_parse_round_trip(setting: str) -> None:
    inst = TASK.generate(5, setting=setting, objects=6)
    data = inst.data
    parsed = parse_item(inst.question.removesuffix("\n" + ANSWER_INSTRUCTION))
    assert parsed["objects"] == data["objects"] and parsed["clues"] == data["clues"]
    assert parsed["claims"] == data["claims"] and parsed["options"] == data["options"]


@pytest.mark.parametrize("level", list(TASK.levels))
def test_generated_clues_have_one_order_and_none_is_redundant(level: str) -> None:
    for seed in range(6):
        data = TASK.generate(seed, level=level).data
        n, clues = len(data["objects"]), data["clues"]
        solutions = orders(n, clues)
        assert len(solutions) == 1
        for i in range(len(clues)):
            assert len(orders(n, clues[:i] + clues[i + 1:])) > 1, "a clue could be dropped"
        true = [claim for claim in data["claims"] if solutions[0][claim[2]] == claim[1]]
        assert len(true) == 1


def test_judge_forms_and_near_misses() -> None:
    inst = TASK.generate(11)
    gold = inst.data["target"][1]
    options = dict(inst.data["options"])
    other = next(letter for letter in options if letter != gold)
    for reply in (f"<<<({gold})>>>", f"<<<{gold.lower()}>>>", f"<<<({gold}) {options[gold]}>>>",
                  f"<<<{options[gold]}.>>>"):
        assert TASK.judge(inst, reply).correct, reply
    wrong = TASK.judge(inst, f"<<<({other})>>>")
    assert not wrong.correct and "the clues fix the order" in wrong.reason
    assert "not option" in TASK.judge(inst, f"<<<({gold}) {options[other]}>>>").reason
    assert "names 2 options" in TASK.judge(inst, f"<<<{gold} or {other}>>>").reason
    assert_rejected(TASK.judge(inst, f"<<<{options[other]}>>>"), rf"option \({other}\) .* is false; the true option is \({gold}\)")


def test_ladder_grows() -> None:
    sizes = [len(TASK.generate(0, level=str(i)).data["objects"]) for i in range(1, 7)]
    assert sizes == [3, 5, 7, 9, 11, 13]
    assert len(TASK.generate(0).data["objects"]) == 7


def test_bad_knobs_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown setting"):
        TASK.generate(0, setting="zoo")
    with pytest.raises(ValueError, match="objects"):
        TASK.generate(0, objects=40)


def test_released_items_load_and_their_golds_pass(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures and len(instances) >= 50
    assert {inst.data["setting"] for inst in instances} == set(SETTINGS)
    for inst in instances:
        gold = inst.data[RELEASED_ANSWER]
        assert TASK.judge(inst, f"<<<{gold}>>>").correct
        assert TASK.reference_answer(inst) == f"<<<{gold}>>>"  # recomputed from the parsed clues
        other = next(letter for letter, _ in inst.data["options"] if letter != gold[1])
        assert_rejected(TASK.judge(inst, f"<<<({other})>>>"), rf"option \({other}\) .* is false; the true option is {re.escape(gold)}")
