from __future__ import annotations

import json

import pytest

from codesteer.symbench import all_tasks
from codesteer.symbench.original import load_task
from codesteer.symbench.task import Instance
from codesteer.symbench.tasks.path_plan import WALLS, instruction_text, plan_path, question_text

TASK = all_tasks()["path_plan"]

WORLD = {
    "walls": WALLS,
    "boxes": {"red": [-1.0, -0.5, -1.0, -0.5], "green": [0.5, 1.0, 0.5, 1.0], "blue": [-0.25, 0.25, -0.25, 0.25]},
    "start": [-1.3, -1.3],
    "end": [1.3, 1.3],
    "instruction": "Navigate into the red room and go to the green room. Remember do not enter the blue area all the time.",
    "visit": ["red", "green"],
    "avoid": ["blue"],
    "ordered": True,
}
# touches the blue corner (0.25, 0.25) exactly along x + y = 0.5 (with h="", a hair clear with h="000001")
CORNER_PATH = "[(-1.3, -1.3), (-0.75, -0.75), (-0.75, 0.5), (0.0, 0.5{h}), (0.5{h}, 0.0), (0.75, 0.75), (1.3, 1.3)]"
GOOD = "[(-1.3, -1.3), (-0.75, -0.75), (0.75, -0.75), (0.75, 0.75), (1.3, 1.3)]"


def make(**changes) -> Instance:
    return Instance(task="path_plan", id="t", question="q", data={**WORLD, **changes})


def judge(path: str, **changes):
    return TASK.judge(make(**changes), f"<<<{path}>>>")


# ----- judge ---------------------------------------------------------------------------------
def test_valid_paths_pass_including_alternatives() -> None:
    assert judge(GOOD).correct
    assert judge(GOOD.replace("(", "[").replace(")", "]")).correct
    detour = "[(-1.3, -1.3), (-1.3, 0.0), (-1.3, -1.3), (-0.75, -0.75), (0.75, -0.75), (0.75, 0.75), (1.3, 1.3)]"
    assert judge(detour).correct
    # reaching green first and red later is not the ordered instruction, but it is a valid unordered one
    backwards = "[(-1.3, -1.3), (0.75, -0.75), (0.75, 0.75), (0.75, -0.75), (-0.75, -0.75), (-1.3, 0.5), (1.3, 1.3)]"
    assert judge(backwards, ordered=False).correct
    # the red box is crossed before and after green: the order red -> green is still met
    assert judge(backwards.replace("(-1.3, -1.3), (0.75", "(-1.3, -1.3), (-0.75, -0.75), (0.75")).correct


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("[(-1.3, -1.3), (-0.75, -0.75), (0.75, -0.75), (0.75, 0.75), (1.3, 1.2)]", "last waypoint must be the end"),
        ("[(-1.2, -1.3), (-0.75, -0.75), (0.75, -0.75), (0.75, 0.75), (1.3, 1.3)]", "first waypoint must be the start"),
        ("[(-1.3, -1.3), (1.3, 1.3)]", "enters the blue box"),
        ("[(-1.3, -1.3), (-0.75, -0.75), (0.25, -0.75), (0.25, 0.75), (1.3, 1.3)]", "enters the blue box"),
        (CORNER_PATH.format(h=""), "enters the blue box"),
        ("[(-1.3, -1.3), (-0.75, -0.75), (1.45, -0.75), (0.75, 0.75), (1.3, 1.3)]", "touches a wall"),
        ("[(-1.3, -1.3), (1.3, -1.3), (1.3, 1.3)]", "never enters the red box"),
        ("[(-1.3, -1.3), (-0.75, -0.75), (0.45, -0.75), (0.45, 1.3), (1.3, 1.3)]", "never enters the green box"),
        ("[(-1.3, -1.3)]", "at least two waypoints"),
        ("[(-1.3, -1.3), (0.75, 'up'), (1.3, 1.3)]", "not a pair of numbers"),
        ("(-1.3, -1.3) to (1.3, 1.3)", "not a literal"),
    ],
)
def test_near_misses_fail_naming_the_rule(path: str, reason: str) -> None:
    verdict = judge(path)
    assert not verdict.correct
    assert reason in verdict.reason


def test_ordered_instruction_rejects_the_wrong_order() -> None:
    verdict = judge(GOOD, visit=["green", "red"])
    assert not verdict.correct
    assert "does not enter the red box after the green box" in verdict.reason
    assert judge(GOOD, visit=["green", "red"], ordered=False).correct


def test_a_segment_just_clear_of_a_forbidden_corner_passes() -> None:
    # x + y = 0.5000001 misses the blue corner (0.25, 0.25) by a hair: exact arithmetic decides
    assert judge(CORNER_PATH.format(h="000001")).correct


def test_planner_output_passes_and_respects_order() -> None:
    assert plan_path(WORLD) is not None
    assert TASK.judge(make(), TASK.reference_answer(make())).correct
    assert TASK.judge(make(visit=["green", "red"]), TASK.reference_answer(make(visit=["green", "red"]))).correct


def test_planner_reports_unsolvable_worlds() -> None:
    # green lies inside the forbidden blue box
    world = {**WORLD, "boxes": {**WORLD["boxes"], "blue": [0.4, 1.1, 0.4, 1.1]}}
    assert plan_path(world) is None


def test_instruction_wording_matches_the_released_phrasings() -> None:
    assert instruction_text("ordered", ["yellow", "purple", "red", "green"], ["blue"], False) == (
        "Navigate into the yellow room, go to the purple room, and to the red room, and to the green room. "
        "Remember do not enter the blue area all the time."
    )
    assert instruction_text("some_point", ["yellow", "red", "green"], ["blue"], False) == (
        "At some point go to the yellow box, and at some point go to the red box, and enter the green box, "
        "and always do not enter the blue area."
    )
    assert instruction_text("visit", ["blue"], [], True) == (
        "Visit blue region during your trajectory, but never enter all the other colored boxes."
    )


# ----- released instances --------------------------------------------------------------------
def test_all_released_instances_load_rebuild_and_are_solved(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures and len(instances) == 140
    solved = 0
    for instance in instances:
        assert instance.source.startswith("original:path_plan/sample_")
        assert question_text(instance.data) == instance.question  # our template is the released one
        solved += TASK.judge(instance, TASK.reference_answer(instance)).correct
    assert solved == 140


def test_released_instance_rules_are_read_from_world_json(original_root) -> None:
    instances, _ = load_task(original_root, TASK)
    first = next(i for i in instances if i.source.endswith("sample_0_0"))
    world = json.loads((original_root / "path_plan/sample_0_0/world.json").read_text())
    assert first.data["visit"] == world["must_enter"] == ["green", "yellow"]
    assert first.data["avoid"] == world["must_avoid"] == [] and first.data["ordered"]
    straight = f"<<<[{tuple(world['start'])}, {tuple(world['end'])}]>>>"
    assert "never enters the green box" in TASK.judge(first, straight).reason
    rest = next(i for i in instances if i.data["instruction"].startswith("Visit blue region"))
    assert not rest.data["ordered"]
    assert set(rest.data["avoid"]) == set(rest.data["boxes"]) - {"blue"}
