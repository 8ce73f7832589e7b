from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesteer.symbench import all_tasks
from codesteer.symbench.original import load_task
from codesteer.symbench.task import Instance
from codesteer.symbench.tasks.blocksworld import (
    _constructive_plan,
    _random_layout,
    _shortest_plan,
    apply_move,
    goal_reached,
    parse_moves,
)

from ..judging import assert_rejected

TASK = all_tasks()["blocksworld"]


def make(initial, goal) -> Instance:
    return Instance(task="blocksworld", id="t", question="q", data={"initial": initial, "goal": goal})


# stack1: A B, stack2: C, stack3: empty -> goal stack1: C, stack2: A B (stack3 must be empty)
SMALL = make([["A", "B"], ["C"], []], [["C"], ["A", "B"]])
SMALL_PLAN = "Move B from 1 to 3\nMove C from 2 to 3\nMove A from 1 to 2\nMove C from 3 to 1\nMove B from 3 to 2"


def test_simulator_rejects_a_buried_block_and_unknown_stacks() -> None:
    stacks = [["A", "B"], [], []]
    assert "not on top of stack 1" in apply_move(stacks, "A", 1, 2)
    assert "destination stack 4 does not exist" in apply_move(stacks, "B", 1, 4)
    assert "source stack 0 does not exist" in apply_move(stacks, "B", 0, 2)
    assert apply_move(stacks, "B", 1, 2) is None
    assert stacks == [["A"], ["B"], []]


def test_goal_requires_unlisted_stacks_empty() -> None:
    assert goal_reached([["A"], [], []], [["A"]])
    assert not goal_reached([["A"], [], ["B"]], [["A"]])


def test_a_correct_plan_passes_with_stack_prefix_and_spacing() -> None:
    assert TASK.judge(SMALL, f"<<<{SMALL_PLAN}>>>").correct
    spelled = SMALL_PLAN.replace("from 1", "from stack1").replace("to 2", "to stack 2")
    assert TASK.judge(SMALL, f"<<<\n{spelled}\n>>>").correct


def test_an_alternative_longer_plan_also_passes() -> None:
    detour = "Move C from 2 to 3\nMove C from 3 to 2\n" + SMALL_PLAN
    assert TASK.judge(SMALL, f"<<<{detour}>>>").correct


@pytest.mark.parametrize(
    ("plan", "reason"),
    [
        (SMALL_PLAN.replace("Move B from 1 to 3\n", ""), "move 2 (Move A from 1 to 2): block A is not on top"),
        ("Move A from 1 to 3\n" + SMALL_PLAN, "not on top of stack 1"),
        (SMALL_PLAN.replace("Move B from 3 to 2", "Move B from 3 to 1"), "not the goal"),
        (SMALL_PLAN + "\nMove B from 2 to 4", "stack 4 does not exist"),
        (SMALL_PLAN.rsplit("\n", 1)[0], "not the goal"),
        (SMALL_PLAN.replace("Move C from 2 to 3", "Move C from 2 to table"), "not a move"),
        (SMALL_PLAN.replace("\n", "; "), "not a move"),
    ],
)
def test_near_misses_fail_naming_the_rule(plan: str, reason: str) -> None:
    verdict = TASK.judge(SMALL, f"<<<{plan}>>>")
    assert not verdict.correct
    assert reason in verdict.reason


def test_parse_moves_reads_each_line() -> None:
    assert parse_moves("Move A from 1 to 2\n\nmove B from stack3 to 1.") == [("A", 1, 2), ("B", 3, 1)]


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), blocks=st.integers(1, 9), stacks=st.integers(3, 6))
def test_constructive_planner_always_reaches_the_goal(seed: int, blocks: int, stacks: int) -> None:
    rng = random.Random(seed)
    letters = [chr(65 + i) for i in range(blocks)]
    initial = _random_layout(rng, letters, stacks)
    goal = _random_layout(rng, letters, rng.randint(1, stacks))
    state = [list(s) for s in initial]
    for move in _constructive_plan(initial, goal):
        assert apply_move(state, *move) is None
    assert goal_reached(state, goal)


def test_search_plan_is_shortest_and_constructive_is_not_shorter() -> None:
    shortest = _shortest_plan(SMALL.data["initial"], SMALL.data["goal"])
    assert len(shortest) == 5
    assert len(_constructive_plan(SMALL.data["initial"], SMALL.data["goal"])) >= 5


def test_released_items_load_and_are_solved(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures
    assert len(instances) >= 20
    for instance in instances:
        assert instance.source.startswith("original:Blocksworld_dataset/")
        assert "Goal State:" in instance.question
        assert TASK.judge(instance, TASK.reference_answer(instance)).correct
        assert_rejected(TASK.judge(instance, "<<<>>>"), "^final state is not the goal")


def test_released_item_layout_is_read_exactly(original_root) -> None:
    instances, _ = load_task(original_root, TASK)
    item = next(i for i in instances if i.source.endswith("4_5_3_4"))
    assert item.data["initial"] == [["D"], [], [], ["A", "B"], ["C"]]
    assert item.data["goal"] == [["B", "C"], ["D"], ["A"]]
    assert item.complexity == {"num_blocks": 4, "num_stacks": 5, "goal_stacks": 3}
