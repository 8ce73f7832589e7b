from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesteer.symbench import all_tasks
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASE_SPLIT, Instance
from codesteer.symbench.tasks.boxnet import grid_from_json, parse_plan, plan, simulate

TASK = all_tasks()["boxnet"]

# 1 x 3 field: a red box at the left, its target at the right; a blue box already on its target.
STATE = {"0.5_0.5": ["box_red"], "0.5_1.5": [], "0.5_2.5": ["target_red", "box_blue", "target_blue"]}
INSTANCE = Instance(task="boxnet", id="t", question="q", data={"grid": STATE})

RED_1 = '"Agent[0.5, 0.5]": "move(box_red, square[0.5, 1.5])"'
RED_2 = '"Agent[0.5, 1.5]": "move(box_red, square[0.5, 2.5])"'
RED_3 = '"Agent[0.5, 2.5]": "move(box_red, target_red)"'
BLUE = '"Agent[0.5, 2.5]": "move(box_blue, target_blue)"'
GOOD = f"[{{{RED_1}, {BLUE}}}, {{{RED_2}}}, {{{RED_3}}}]"


def judge(plan_text: str):
    return TASK.judge(INSTANCE, f"<<<{plan_text}>>>")


def test_valid_plans_pass_including_alternatives() -> None:
    assert judge(GOOD).correct
    later_blue = f"[{{{RED_1}}}, {{{RED_2}}}, {{{BLUE}}}, {{{RED_3}}}]"
    assert judge(later_blue).correct
    python_literal = GOOD.replace('"', "'")
    assert judge(python_literal).correct
    spaced = GOOD.replace("Agent[0.5, 0.5]", "Agent[0.5,0.5]")
    assert judge(spaced).correct


@pytest.mark.parametrize(
    ("plan_text", "reason", "score"),
    [
        (f"[{{{RED_1}, {BLUE}}}, {{{RED_2}}}]", "only 1 of 2 boxes", 0.5),
        (f"[{{{RED_1}, {BLUE}}}, {{{RED_2}, {RED_3}}}]", "no box_red in the agent's square", 0.5),
        (f"[{{{RED_1}, {BLUE}}}, {{{RED_2}}}, {{{RED_3}, {BLUE}}}]", "at most one action per step", 1.0),
        (f"[{{{RED_1}}}, {{{RED_2}, {BLUE}}}, {{{RED_3}, {BLUE}}}]", "at most one action per step", 1.0),
        (GOOD.replace("square[0.5, 1.5]", "square[0.5, 2.5]"), "not a square next to", 0.5),
        (GOOD.replace("move(box_blue, target_blue)", "move(box_blue, target_red)"), "its own colour", 0.5),
        (GOOD.replace("Agent[0.5, 0.5]", "Agent[1.5, 0.5]"), "no such agent", 0.5),
        (GOOD.replace("move(box_red, square[0.5, 1.5])", "push(box_red, right)"), "not an action", 0.5),
        (f"{{{RED_1}}}", "only 0 of 2 boxes", 0.0),
        ("[[1, 2]]", "not a dict", 0.0),
    ],
)
def test_near_misses_fail_naming_the_rule(plan_text: str, reason: str, score: float) -> None:
    verdict = judge(plan_text)
    assert not verdict.correct
    assert reason in verdict.reason
    assert verdict.score == pytest.approx(score)


def test_actions_see_the_state_at_the_start_of_their_step() -> None:
    same_step = f"[{{{RED_1}, {RED_2}}}]"
    delivered, problem = simulate(grid_from_json(STATE), parse_plan(same_step))
    assert delivered == 0
    assert problem is not None and "no box_red in the agent's square at the start" in problem


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), level=st.sampled_from(["paper", "3", "6"]))
def test_planner_is_legal_and_delivers_all(seed: int, level: str) -> None:
    instance = TASK.generate(seed, level=level)
    grid = grid_from_json(instance.data["grid"])
    steps = plan(grid)
    delivered, problem = simulate(grid, parse_plan(json.dumps(steps)))
    assert problem is None
    assert delivered == sum(item.startswith("box_") for items in grid.values() for item in items)


def test_released_items_load_and_are_solved(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures and len(instances) >= 25
    for instance in instances:
        training = instance.source.startswith("original:BoxNet1_dataset_SFT/")
        assert training or instance.source.startswith("original:BoxNet1_dataset/")
        assert instance.data.get(RELEASE_SPLIT) == ("train" if training else None)
        assert TASK.judge(instance, TASK.reference_answer(instance)).correct
        assert TASK.judge(instance, "<<<[]>>>").score == 0.0
    item = next(i for i in instances if i.source.endswith("env_pg_state_4_4/pg_state0"))
    assert item.complexity["grid"] == [4, 4]
    assert "Agent[3.5, 3.5]: I am in square[3.5, 3.5]" in item.question
    assert sum(i.data.get(RELEASE_SPLIT) == "train" for i in instances) >= 5
