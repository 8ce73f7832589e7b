from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesteer.symbench import all_tasks
from codesteer.symbench.original import load_task
from codesteer.symbench.task import Instance
from codesteer.symbench.tasks.boxlift import estimate_steps, greedy_plan, parse_plan, simulate

TASK = all_tasks()["boxlift"]

# agents 0: 50, 1: 40, 2: 30; boxes 80, 50, 30, 30 -> budget 2
BOXES, LIFTERS = [80, 50, 30, 30], [50, 40, 30]


def make(budget: int | None = None) -> Instance:
    budget = budget if budget is not None else estimate_steps(BOXES, LIFTERS)
    return Instance(task="boxlift", id="t", question="q", data={"boxes": BOXES, "lifters": LIFTERS, "budget": budget})


GOOD = "Step 1: [(80, [0, 2])]\nStep 2: [(50, [0]), (30, [1]), (30, [2])]"


def test_budget_comes_from_the_packer() -> None:
    assert estimate_steps(BOXES, LIFTERS) == 2
    assert greedy_plan([10], [5, 5]) == [[(10, [0, 1])]]
    with pytest.raises(ValueError, match="heavier"):
        greedy_plan([100], [30, 30])


def test_valid_plans_pass_including_alternatives() -> None:
    instance = make()
    assert TASK.judge(instance, f"<<<{GOOD}>>>").correct
    other = "Step 1: [(80, [1, 2, 0])]\nStep 2: [(30, [1]), (50, 0), (30.0, [2])]"
    assert TASK.judge(instance, f"<<<{other}>>>").correct
    one_line = "Step 1: [(80, [0, 2])] Step 2: [(50, [0]), (30, [1]), (30, [2])]"
    assert TASK.judge(instance, f"<<<{one_line}>>>").correct


@pytest.mark.parametrize(
    ("plan", "reason", "score"),
    [
        (GOOD.replace("(80, [0, 2])", "(80, [0])"), "capacity 50 is below the weight 80", 0.75),
        (GOOD.replace("(30, [2])", "(30, [1])"), "at most one box per step", 0.75),
        (GOOD.replace("(30, [2])", "(30, [3])"), "numbered 0..2", 0.75),
        (GOOD.replace("(30, [1])", "(35, [1])"), "no box of this weight", 0.75),
        (GOOD + "\nStep 3: [(30, [0])]", "exceed the budget of 2", 1.0),
        ("Step 1: [(80, [0, 2])]\nStep 2: [(50, [0]), (30, [1])]\nStep 3: [(30, [2])]", "exceed the budget", 0.75),
        ("Step 1: [(80, [0, 2])]\nStep 2: [(50, [0]), (30, [1])]", "only 3 of 4 boxes", 0.75),
        ("Step 1: [(80, [0, 2]), (80, [1])]\nStep 2: [(50, [0]), (30, [1]), (30, [2])]", "no box of this weight", 1.0),
        ("[(80, [0, 2])], [(50, [0])]", "expected lines 'Step 1", 0.0),
        ("Step 1: 80 with agents 0 and 2", "not a literal", 0.0),
    ],
)
def test_near_misses_fail_naming_the_rule(plan: str, reason: str, score: float) -> None:
    verdict = TASK.judge(make(), f"<<<{plan}>>>")
    assert not verdict.correct
    assert reason in verdict.reason
    assert verdict.score == pytest.approx(score)


def test_simulator_counts_only_valid_lifts() -> None:
    lifted, problem = simulate(BOXES, LIFTERS, parse_plan("Step 1: [(80, [0]), (50, [0, 1])]"))
    # (80, [0]) is too weak and lifts nothing, so agent 0 is still free for (50, [0, 1])
    assert lifted == 1
    assert problem is not None and problem.startswith("step 1, (80, [0]): the agents' capacity 50")


@settings(max_examples=25, deadline=None)
@given(
    boxes=st.lists(st.integers(1, 300), min_size=1, max_size=25),
    lifters=st.lists(st.integers(20, 150), min_size=1, max_size=6),
)
def test_packer_plan_is_valid_and_lifts_everything(boxes: list[int], lifters: list[int]) -> None:
    boxes = [min(b, sum(lifters)) for b in boxes]
    steps = greedy_plan(boxes, lifters)
    lifted, problem = simulate(boxes, lifters, steps)
    assert problem is None and lifted == len(boxes)


def test_released_items_load_with_the_estimated_budget(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures and len(instances) >= 20
    for instance in instances:
        assert instance.source.startswith("original:BoxLift_dataset/")
        assert f"in at most {instance.data['budget']} steps" in instance.question
        assert TASK.judge(instance, TASK.reference_answer(instance)).correct
    first = next(i for i in instances if i.source.endswith("BoxLift_10_3/BoxLift0"))
    assert first.data["boxes"] == [43, 88, 84, 64, 56, 87, 20, 57, 82, 14]
    assert first.data["lifters"] == [51, 49, 48]
